#!/usr/bin/env bash
# Run every test suite and print one closing line: "N passed, N failed, N skipped".
#  - cmocka unit tests ($BUILD/t/test_*), read as TAP;
#  - fuzz corpus replays ($BUILD/t/fuzz_* over tests/fuzz/corpus/<name>/),
#    one result per target;
#  - shell suites (tests/integration/*.sh, tests/hostile/*.sh, then
#    tests/e2e/*.sh): each prints
#    lines "PASS: name", "FAIL: name" or "SKIP: name: reason".
# A skip is printed with its reason and never counted as a pass.
# Select suites with TESTS="unit fuzz integration hostile e2e" (default:
# all).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
TESTS=${TESTS:-unit fuzz integration hostile e2e}
pass=0 fail=0 skip=0
failed=()
logdir=$BUILD/test-logs
mkdir -p "$logdir"

record() { # status name
	case "$1" in
	PASS) pass=$((pass + 1)) ;;
	FAIL) fail=$((fail + 1)); failed+=("$2") ;;
	SKIP) skip=$((skip + 1)) ;;
	esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

want() { [[ " $TESTS " == *" $1 "* ]]; }

if want unit; then
	for t in "$BUILD"/t/test_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		log=$logdir/$name.log
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log" 2>&1
		rc=$?
		np=$(grep -c '^ok ' "$log")
		nf=$(grep -c '^not ok ' "$log")
		pass=$((pass + np))
		if [ "$nf" -gt 0 ]; then
			fail=$((fail + nf))
			while read -r l; do failed+=("$name: $l"); done < <(grep '^not ok ' "$log")
		fi
		if [ $rc -ne 0 ] && [ "$nf" -eq 0 ]; then
			record FAIL "$name (exit $rc, see $log)"
		fi
		printf '%-28s %3d ok %3d failed\n' "$name" "$np" "$nf"
		[ $rc -ne 0 ] && tail -n 30 "$log"
	done
fi

if want fuzz; then
	for t in "$BUILD"/t/fuzz_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		corpus=tests/fuzz/corpus/${name#fuzz_}
		log=$logdir/$name.log
		if [ ! -d "$corpus" ]; then
			echo "FAIL: $name: no corpus at $corpus"
			record FAIL "$name"
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
	local s name out rc line nfail
	for s in "$1"/*.sh; do
		[ -f "$s" ] || continue
		name=$(basename "$s" .sh)
		[ "$name" = lib ] && continue	# shared helpers, not a suite
		out=$logdir/$(basename "$1")-$name.out
		echo "== $1/$name"
		bash "$s" </dev/null 2>"${out%.out}.err" | tee "$out"
		rc=${PIPESTATUS[0]}
		nfail=0
		while IFS= read -r line; do
			case "$line" in
			PASS:*) record PASS "${line#PASS: }" ;;
			FAIL:*) record FAIL "${line#FAIL: }"; nfail=$((nfail + 1)) ;;
			SKIP:*) record SKIP "${line#SKIP: }" ;;
			esac
		done <"$out"
		if [ "$rc" -ne 0 ] && [ "$nfail" -eq 0 ]; then
			echo "FAIL: $name: suite exited $rc (stderr in ${out%.out}.err)"
			tail -n 20 "${out%.out}.err"
			record FAIL "$name: suite exited $rc"
		fi
	done
}
want integration && run_shell_suite tests/integration
want hostile && run_shell_suite tests/hostile
want e2e && run_shell_suite tests/e2e

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
