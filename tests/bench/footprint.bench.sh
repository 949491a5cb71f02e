#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/bench/footprint.bench.sh: what kgdb-bridge costs while nothing
# happens.  On the lab kernel (idle, no console ticks) with a console client
# connected, the bridge's CPU time and wake-ups (context switches) are read
# from /proc over FOOT_SECONDS, twice: the kernel running with no gdb, then
# the kernel stopped with a gdb attached and idle.  Also its resident
# memory.  Goal (issue 3): no CPU and no wake-ups while idle, RSS < 8 MB.
# Knobs: FOOT_SECONDS (30).  Never part of `make check`.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
e2e_setup bench-footprint
SECS=${FOOT_SECONDS:-30}
need_lab || { echo "footprint: $E2E_WHY"; exit 1; }
bridge_ready || { echo "footprint: $E2E_WHY"; exit 1; }
lab_start f --serial telnet --mode idle --tick 0 || { echo "footprint: lab did not boot"; exit 1; }
line_start --telnet || { echo "footprint: shaper did not start"; exit 1; }
bridge_start "telnet:127.0.0.1:$LINE_PORT" --break-on-connect || { echo "footprint: $E2E_WHY"; exit 1; }
console_client f1
wait_for "$BR_LOG" 'lab: ready' 120 || { echo "footprint: the lab did not boot to idle"; exit 1; }
sleep 3

# ticks (utime+stime, 1/100 s) and context switches of the bridge
cpu() { awk '{ print $14 + $15 }' "/proc/$BR_PID/stat"; }
csw() {
	awk '/^voluntary_ctxt_switches|^nonvoluntary_ctxt_switches/ { n += $2 }
	    END { print n }' "/proc/$BR_PID/status"
}
measure() { # label
	local c0 w0 c1 w1
	c0=$(cpu); w0=$(csw)
	sleep "$SECS"
	c1=$(cpu); w1=$(csw)
	printf '%-34s CPU %d ms over %d s, %d wake-ups\n' "$1" \
	    $(((c1 - c0) * 10)) "$SECS" $((w1 - w0))
}

measure "kernel running, no gdb:"
gdb_run f-g "$BR_GDB_PORT" -ex 'info registers pc' -ex "shell sleep $((SECS + 15))" -ex 'detach' &
GDB_PID=$!
e2e_track "$GDB_PID"
wait_for "$T/f-g.gdb" "^pc" 60 || { echo "footprint: gdb did not stop the kernel"; cat "$T/f-g.gdb"; tail -20 "$BR_LOG"; exit 1; }
sleep 3
measure "kernel stopped, gdb attached, idle:"
echo "resident memory: VmRSS $(awk '/^VmRSS:/ { print $2 }' "/proc/$BR_PID/status") KiB," \
    "VmHWM $(awk '/^VmHWM:/ { print $2 }' "/proc/$BR_PID/status") KiB"
wait "$GDB_PID" 2>/dev/null
exit 0
