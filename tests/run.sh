#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every test suite and print one closing line: "N passed, N failed, N skipped".
#  - cmocka unit tests ($BUILD/t/test_* for every tests/unit/test_*.c),
#    read as TAP: every test of its "1..N" plan must report;
#  - fuzz corpus replays ($BUILD/t/fuzz_* for every tests/fuzz/fuzz_*.c,
#    over tests/fuzz/corpus/<name>/, which must hold inputs), one result
#    per target;
#  - shell suites (tests/integration/*.sh, tests/hostile/*.sh, then
#    tests/e2e/*.sh): each prints
#    lines "PASS: name", "FAIL: name" or "SKIP: name: reason", at least
#    one; a suite may first declare "PLAN: N", the results it will print
#    (fewer is a failure: it died on the way).
# A skip is printed with its reason and never counted as a pass.  A suite
# that exits non-zero always adds a failure (for a cmocka binary: an exit
# other than its count of failed tests), even after FAIL lines of its own:
# what it did not get to say is lost otherwise.
#  - the layer check (tests/layers.sh: no call up a layer or round a
#    cycle between the built objects, no exceptions),
#    printed like a shell suite;
#  - the style check (tests/style.sh: scripts/style.py on the sources),
#    printed like a shell suite;
#  - then a second lab cell (E2E_CELL, default arm64/6.12) with the e2e
#    suites in E2E_CELL_SUITES: the ones whose code differs by
#    architecture (the target description and the 788-byte register
#    file, the vmlinux ranges, the masked step of a stepi, the TUI's
#    readers, sleeping tasks, the kernel's gdb helpers on a 6.10+
#    module). Its results are
#    named "[arm64/6.12] case". E2E_CELL= leaves it out; every cell and
#    every suite: make check-matrix.
# Select suites with TESTS="unit fuzz layers style integration hostile e2e"
# (default: all).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
TESTS=${TESTS:-unit fuzz layers style integration hostile e2e}
E2E_CELL=${E2E_CELL-arm64/6.12}
E2E_CELL_SUITES=${E2E_CELL_SUITES:-30-cache 35-cache-bridge 40-tui 45-sleepers 47-lx}
tag=
pass=0 fail=0 skip=0
failed=()
logdir=$BUILD/test-logs
mkdir -p "$logdir"

record() { # status name
	case "$1" in
	PASS) pass=$((pass + 1)) ;;
	FAIL) fail=$((fail + 1)); failed+=("$tag$2") ;;
	SKIP) skip=$((skip + 1)) ;;
	esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

want() { [[ " $TESTS " == *" $1 "* ]]; }

if want unit; then
	for src in tests/unit/test_*.c; do
		name=$(basename "$src" .c)
		t=$BUILD/t/$name
		log=$logdir/$name.log
		if [ ! -x "$t" ]; then
			echo "FAIL: $name: $t not built (make tests)"
			record FAIL "$name: not built"
			continue
		fi
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log" 2>&1
		rc=$?
		np=$(grep -c '^ok ' "$log")
		nf=$(grep -c '^not ok ' "$log")
		plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$log" | head -n 1)
		pass=$((pass + np))
		if [ "$nf" -gt 0 ]; then
			fail=$((fail + nf))
			while read -r l; do failed+=("$name: $l"); done < <(grep '^not ok ' "$log")
		fi
		if [ -z "$plan" ] || [ $((np + nf)) -lt "$plan" ]; then
			record FAIL "$name: $((np + nf)) of ${plan:-an unknown number of} results (see $log)"
		fi
		if [ $rc -ne "$nf" ]; then
			record FAIL "$name (exit $rc with $nf failed, see $log)"
		fi
		printf '%-28s %3d ok %3d failed\n' "$name" "$np" "$nf"
		[ $rc -ne 0 ] && tail -n 30 "$log"
	done
fi

if want fuzz; then
	for src in tests/fuzz/fuzz_*.c; do
		name=$(basename "$src" .c)
		t=$BUILD/t/$name
		corpus=tests/fuzz/corpus/${name#fuzz_}
		log=$logdir/$name.log
		if [ ! -x "$t" ]; then
			echo "FAIL: $name: $t not built (make tests)"
			record FAIL "$name: not built"
			continue
		fi
		if [ ! -d "$corpus" ] ||
		    [ -z "$(find "$corpus" -type f -print -quit)" ]; then
			echo "FAIL: $name: no inputs in $corpus"
			record FAIL "$name: empty corpus"
			continue
		fi
		if "$t" "$corpus" >"$log" 2>&1; then
			echo "PASS: $name replay ($(ls "$corpus" | wc -l) inputs)"
			record PASS "$name"
		else
			echo "FAIL: $name replay (see $log)"
			tail -n 30 "$log"
			record FAIL "$name"
		fi
	done
fi

run_shell_suite() { # dir
	local s
	for s in "$1"/*.sh; do
		[ -f "$s" ] || continue
		[ "$(basename "$s")" = lib.sh ] && continue	# helpers
		run_suite_file "$s" "$(basename "$1")-"
	done
}
run_suite_file() { # file log-prefix
	local s=$1 name out rc line nres nplan
	name=$(basename "$s" .sh)
	out=$logdir/$2$name.out
	echo "== $tag${s%.sh}"
	bash "$s" </dev/null 2>"${out%.out}.err" | tee "$out"
	rc=${PIPESTATUS[0]}
	nres=0 nplan=
	while IFS= read -r line; do
		case "$line" in
		PASS:*) record PASS "${line#PASS: }"; nres=$((nres + 1)) ;;
		FAIL:*) record FAIL "${line#FAIL: }"; nres=$((nres + 1)) ;;
		SKIP:*) record SKIP "${line#SKIP: }"; nres=$((nres + 1)) ;;
		PLAN:*)
			case "${line#PLAN: }" in
			''|*[!0-9]*) record FAIL "$name: bad line '$line'" ;;
			*) nplan=$((${nplan:-0} + ${line#PLAN: })) ;;
			esac ;;
		esac
	done <"$out"
	if [ "$rc" -ne 0 ]; then
		echo "FAIL: $name: suite exited $rc (stderr in ${out%.out}.err)"
		tail -n 20 "${out%.out}.err"
		record FAIL "$name: suite exited $rc"
	fi
	if [ "$nres" -eq 0 ]; then
		echo "FAIL: $name: no results"
		record FAIL "$name: no results"
	elif [ -n "$nplan" ] && [ "$nres" -lt "$nplan" ]; then
		echo "FAIL: $name: $nres of $nplan planned results"
		record FAIL "$name: $nres of $nplan planned results"
	fi
}
want layers && run_suite_file tests/layers.sh ""
want style && run_suite_file tests/style.sh ""
want integration && run_shell_suite tests/integration
want hostile && run_shell_suite tests/hostile
want e2e && run_shell_suite tests/e2e
if want e2e && [ -n "$E2E_CELL" ]; then
	tag="[$E2E_CELL] "
	for name in $E2E_CELL_SUITES; do
		LAB_ARCH=${E2E_CELL%/*} LAB_KVER=${E2E_CELL#*/} \
		    run_suite_file "tests/e2e/$name.sh" \
		    "e2e-${E2E_CELL%/*}-${E2E_CELL#*/}-"
	done
	tag=
fi

if [ ${#failed[@]} -gt 0 ]; then
	echo
	echo "failed:"
	for f in "${failed[@]}"; do echo "  $f"; done
fi
echo
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
