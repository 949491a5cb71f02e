#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: the real-board procedure (hw-tests/run.sh) itself, run on the
# virtual lab with --lab, so the script an engineer takes to a board is
# known to work: connect, a second gdb refused, reattach, monitor ps, an
# adapter pulled and plugged back, breakpoint and steps, interrupt, panic.
# Its PASS/FAIL lines are this suite's.
here=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
export BUILD
out=$(mktemp)
trap 'rm -f "$out"' EXIT
timeout 900 "$here/hw-tests/run.sh" --lab >"$out"
rc=$?
cat "$out"
if ! grep -q '^PASS: ' "$out"; then
	echo "FAIL: hw-script: hw-tests/run.sh --lab ran no case (exit $rc)"
fi
exit "$rc"
