#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every benchmark: each $BUILD/bench_* binary, then every
# tests/bench/*.bench.sh script. Extra arguments go to the binaries.
# Benchmarks print their own numbers; this only reports failures.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
export BUILD
rc=0
for b in "$BUILD"/bench_*; do
	[ -x "$b" ] || continue
	echo "== $(basename "$b")"
	"$b" "$@" || { echo "FAIL: $(basename "$b") exited $?"; rc=1; }
done
for s in tests/bench/*.bench.sh; do
	[ -f "$s" ] || continue
	echo "== $(basename "$s")"
	bash "$s" || { echo "FAIL: $(basename "$s") exited $?"; rc=1; }
done
exit $rc
