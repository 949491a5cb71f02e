#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Capture real wire bytes from the lab kernel into tests/data/kgdb/ (the
# fixtures others' unit tests replay).  Each capture is what crossed a
# recording shaper line between QEMU's UART and the client: *.down.raw is
# what the target sent, *.up.raw what was typed or what gdb sent.
# tests/data/kgdb/README says how each was made.  usage: scripts/lab-fixtures.sh [OUTDIR]
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/tests/data/kgdb}
BUILD=${BUILD:-build}
export BUILD
# shellcheck source=tests/e2e/lib.sh
. "$here/tests/e2e/lib.sh"
e2e_setup fixtures
E2E_KEEP=$T.keep
need_lab || { echo "lab-fixtures: $E2E_WHY" >&2; exit 1; }
mkdir -p "$out"

# mark / slice NAME: the bytes each way since the last mark.
mark() {
	m_down=$(stat -c %s "$LINE_REC/down.raw" 2>/dev/null || echo 0)
	m_up=$(stat -c %s "$LINE_REC/up.raw" 2>/dev/null || echo 0)
}
mark_at() { # the byte offset where REGEX first appears in what the target sent
	m_down=$(grep -abo -m1 -- "$1" "$LINE_REC/down.raw" | head -n 1 | cut -d: -f1)
	m_down=${m_down:-0}
	m_up=$(stat -c %s "$LINE_REC/up.raw" 2>/dev/null || echo 0)
}
slice() {
	tail -c +"$((m_down + 1))" "$LINE_REC/down.raw" >"$out/$1.down.raw"
	if [ "${2:-}" = up ]; then
		tail -c +"$((m_up + 1))" "$LINE_REC/up.raw" >"$out/$1.up.raw"
	fi
	echo "lab-fixtures: $1 ($(stat -c %s "$out/$1.down.raw") bytes down)" >&2
}
settle() { # wait until the target has been quiet for a second
	local a b
	for _ in $(seq 1 20); do
		a=$(stat -c %s "$LINE_REC/down.raw")
		sleep 1
		b=$(stat -c %s "$LINE_REC/down.raw")
		[ "$a" = "$b" ] && return
	done
}

# 1. boot to the kgdbwait kdb prompt, kdb commands, gdb's connect exchange.
lab_start fx1 --kgdbwait --mode idle --tick 0 || exit 1
line_start || exit 1
mark
wait_for "$LINE_REC/down.raw" 'kdb> ' 90 || { echo "lab-fixtures: no kdb prompt" >&2; exit 1; }
settle
slice boot-kgdbwait
mark; line_send 'ps\r' 3; settle; slice kdb-ps up
mark; line_send 'dmesg 40\r' 3; settle; slice kdb-dmesg-more up
mark; line_send 'q' 2; settle; slice kdb-more-quit up
mark; line_send 'set LINES 10000\r' 2; settle; slice kdb-set-lines up
mark; line_send 'bt\r' 3; settle; slice kdb-bt up
mark
gdb_run fx1 "$LINE_PORT" -ex 'info registers' -ex 'bt' -ex 'info threads' \
    -ex 'x/8gx $sp' -ex 'echo @@monitor\n' -ex 'monitor ps' -ex 'echo @@end\n' "${GDB_VANISH[@]}"
settle
slice gdb-connect-session up
cp "$T/fx1.gdb" "$out/gdb-connect-session.gdb.txt"
cp "$LINE_REC/events.txt" "$out/gdb-connect-session.events.txt"
# gdb left without detaching; put the stub back to kdb by hand.
mark; line_send '$3#33' 2; settle; slice gdb-to-kdb up
mark; line_send 'go\r' 2; sleep 2; slice kdb-go up
lab_stop

# 2. monitor ps alone (O packets), from a fresh kgdbwait stop.
lab_start fx2 --kgdbwait --mode idle --tick 0 || exit 1
line_start || exit 1
wait_for "$LINE_REC/down.raw" 'kdb> ' 90 && settle
mark
gdb_run fx2 "$LINE_PORT" -ex 'echo @@monitor\n' -ex 'monitor ps' -ex 'monitor dmesg 5' "${GDB_VANISH[@]}"
settle
slice gdb-monitor-ps up
cp "$T/fx2.gdb" "$out/gdb-monitor-ps.gdb.txt"
lab_stop

# 3. an oops (lkdtm EXCEPTION), entering kdb.
lab_start fx3 --mode oops --after 1 || exit 1
line_start || exit 1
wait_for "$LINE_REC/down.raw" 'lab: oops now' 90
wait_for "$LINE_REC/down.raw" 'kdb> ' 30 && settle
mark_at 'lab: oops now'
slice oops
lab_stop

# 4. a panic via sysrq-c, entering kdb.
lab_start fx4 --mode panic --after 1 || exit 1
line_start || exit 1
wait_for "$LINE_REC/down.raw" 'lab: panic now' 90
wait_for "$LINE_REC/down.raw" 'kdb> ' 30 && settle
mark_at 'lab: panic now'
slice panic-sysrq-c
lab_stop

# 5. sysrq-g from inside, then idle ticks after `go`.
lab_start fx5 --mode sysrq --after 1 --tick 1 || exit 1
line_start || exit 1
wait_for "$LINE_REC/down.raw" 'lab: sysrq-g now' 90
wait_for "$LINE_REC/down.raw" 'kdb> ' 30 && settle
mark_at 'lab: sysrq-g now'
slice sysrq-g
mark; line_send 'go\r' 4; slice sysrq-g-go up
lab_stop

# 6. a console flood, for demux replay.
lab_start fx6 --mode flood --flood 200 --tick 0 || exit 1
line_start || exit 1
mark
wait_for "$LINE_REC/down.raw" 'lab: flood done' 90 && settle
slice flood-200
lab_stop
echo "lab-fixtures: wrote $out" >&2
