#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every benchmark: each $BUILD/bench_* binary and the lab-free
# scripts once, then every tests/bench/*.bench.sh script that needs the
# virtual lab once per lab architecture in BENCH_ARCHS (`make bench
# ARCH="x86_64 arm64"`; default x86_64), with LAB_ARCH set for it, so
# every architecture gets the same tables. LAB_KVER picks the kernel.
# Extra arguments go to the binaries. Benchmarks print their own
# numbers; this only reports failures.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
export BUILD
ARCHS=${BENCH_ARCHS:-x86_64}
# Scripts that do not boot the lab: run once, whatever the architecture.
NOLAB="many.bench.sh"
rc=0
for b in "$BUILD"/bench_*; do
	[ -x "$b" ] || continue
	echo "== $(basename "$b")"
	"$b" "$@" || { echo "FAIL: $(basename "$b") exited $?"; rc=1; }
done
for s in tests/bench/*.bench.sh; do
	[ -f "$s" ] || continue
	name=$(basename "$s")
	if [[ " $NOLAB " == *" $name "* ]]; then
		echo "== $name"
		bash "$s" || { echo "FAIL: $name exited $?"; rc=1; }
		continue
	fi
	for arch in $ARCHS; do
		echo "== $name (lab cell $arch/${LAB_KVER:-6.1})"
		LAB_ARCH=$arch bash "$s" ||
		    { echo "FAIL: $name on $arch exited $?"; rc=1; }
	done
done
exit $rc
