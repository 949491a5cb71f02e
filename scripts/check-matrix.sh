#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make check-matrix`: the end-to-end suites (tests/e2e/*.sh) on every lab
# cell, one cell (architecture/kernel) after the other, then a table of
# cell x suite: passed and failed cases, the suite's run time, and the
# cell's kernel build time (the time it took when it was built, and what
# getting it took now: a second once it is cached).
#
#   scripts/check-matrix.sh                   every cell in $CELLS
#   CELLS="arm64/6.1" scripts/check-matrix.sh  one cell
#   SUITES="10-direct 20-bridge" ...           some suites only
#
# Each suite's output is in $BUILD/test-logs/matrix/<arch>-<kver>/; the
# table is printed at the end and kept in $BUILD/test-logs/matrix/table.
# The last line is "N passed, N failed" over every cell, and the exit
# status is non-zero if anything failed.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
CELLS=${CELLS:-x86_64/6.1 arm64/6.1 riscv64/6.1 arm/6.1 x86_64/6.12 arm64/6.12 riscv64/6.12 arm/6.12}
SUITES=${SUITES:-}
top=$BUILD/test-logs/matrix
mkdir -p "$top"
table=$top/table
tp=0 tf=0
rows=()

for cell in $CELLS; do
	arch=${cell%/*} kver=${cell#*/}
	dir=$top/$arch-$kver
	rm -rf "$dir"
	mkdir -p "$dir"
	t0=$(date +%s)
	echo "== cell $cell: building (or finding) the lab" >&2
	if lab=$(LAB_ARCH=$arch LAB_KVER=$kver nice -n 10 scripts/lab-build.sh 2>"$dir/lab-build.err"); then
		got=$(($(date +%s) - t0))
		built=$(sed -n 's/^LAB_BUILD_SECONDS=//p' "$lab/cell" 2>/dev/null)
		buildcol="${built:-?} s (now ${got} s)"
	else
		buildcol="build FAILED"
		tail -n 5 "$dir/lab-build.err" >&2
	fi
	for s in tests/e2e/*.sh; do
		name=$(basename "$s" .sh)
		[ "$name" = lib ] && continue
		if [ -n "$SUITES" ] && [[ " $SUITES " != *" $name "* ]]; then
			continue
		fi
		echo "== cell $cell: $name" >&2
		t1=$(date +%s)
		LAB_ARCH=$arch LAB_KVER=$kver E2E_KEEP=$dir/$name.keep \
		    bash "$s" </dev/null >"$dir/$name.out" 2>"$dir/$name.err"
		rc=$?
		secs=$(($(date +%s) - t1))
		np=$(grep -c '^PASS:' "$dir/$name.out")
		nf=$(grep -c '^FAIL:' "$dir/$name.out")
		ns=$(grep -c '^SKIP:' "$dir/$name.out")
		plan=$(sed -n 's/^PLAN: \([0-9]*\)$/\1/p' "$dir/$name.out" | head -n 1)
		# As tests/run.sh counts: an exit, a missing result or no
		# result at all is a failure of its own.
		[ "$rc" -ne 0 ] && nf=$((nf + 1))
		[ $((np + nf + ns)) -eq 0 ] && nf=$((nf + 1))
		[ -n "$plan" ] && [ $((np + nf + ns)) -lt "$plan" ] && nf=$((nf + 1))
		grep '^FAIL:' "$dir/$name.out" | sed "s|^|  $cell |" >&2
		tp=$((tp + np)) tf=$((tf + nf))
		rows+=("$(printf '%-11s %-16s %6d %6d %6d %7d s   %s' "$cell" "$name" \
		    "$np" "$nf" "$ns" "$secs" "$buildcol")")
	done
done

{
	printf '%-11s %-16s %6s %6s %6s %9s   %s\n' cell suite passed failed skipped run "kernel build"
	printf '%s\n' "${rows[@]}"
} >"$table"
echo
cat "$table"
echo
echo "$tp passed, $tf failed"
[ "$tf" -eq 0 ] && [ "$tp" -gt 0 ]
