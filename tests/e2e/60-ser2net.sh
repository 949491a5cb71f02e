#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: the lab kernel behind Debian's real ser2net, as a lab serves
# its boards. QEMU's UART is a pty; ser2net serves it with RFC 2217 at
# 921600 (its configuration, not the bridge's); kgdb-bridge reaches it as
# telnet:HOST:PORT with no line settings.
#   s2n-1-gdb        gdb through bridge and ser2net: the SysRq-g stop's
#                    backtrace
#   s2n-2-speed      the line stays at ser2net's 921600 (the pty's termios
#                    say so), and the bridge reports 921600 and 8N1
#   s2n-3-reconnect  ser2net restarts: the bridge sees the link go down,
#                    reconnects by itself, and gdb works again
#   s2n-4-break      the kernel runs again (ctl continue); a break-in goes
#                    out as RFC 2217 SET-CONTROL, ser2net turns it into a
#                    BREAK on the pty, and QEMU's pty backend does not pass
#                    a BREAK on to the guest's UART: the bridge says so
#                    (break-in failed, with what to do) within its
#                    timeout, and the kernel keeps running.  (Through a
#                    real UART ser2net's BREAK is a real one; bridge_io
#                    checks the SET-CONTROL bytes.)
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_setup ser2net

CASES="s2n-1-gdb s2n-2-speed s2n-3-reconnect s2n-4-break"
echo "PLAN: 4"
# shellcheck disable=SC2086
fail_every() { fail_all "$1" $CASES; }
bridge_ready || fail_every "$E2E_WHY"
need_lab || fail_every "$E2E_WHY"
command -v ser2net >/dev/null || fail_every "ser2net missing (scripts/deps.sh)"

# ser2net listens where its configuration says and does not report a
# port it picked, so this one port is guessed (kb_free_port).
S2N_PORT=$(kb_free_port)
s2n_start() {
	cat >"$T/ser2net.yaml" <<YAML
connection: &board
  accepter: telnet(rfc2217),tcp,127.0.0.1,$S2N_PORT
  connector: serialdev,$PTY,921600n81,local
YAML
	ser2net -n -d -c "$T/ser2net.yaml" -P "$T/ser2net.pid" \
	    >>"$T/ser2net.out" 2>&1 &
	S2N_PID=$!
	e2e_track "$S2N_PID"
	for _ in $(seq 1 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$S2N_PORT") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
status_field() { bridge_ctl status | python3 -c "import json,sys; print(json.load(sys.stdin).get('$1'))"; }

# The kernel stops itself (SysRq-g) well after the bridge is there.
lab_start s2n --serial pty --mode sysrq --after 3 --tick 1 ||
    fail_every "lab did not boot"
PTY=$LAB_SERIAL
s2n_start || fail_every "ser2net did not listen: $(tail -3 "$T/ser2net.out")"
bridge_start "telnet:127.0.0.1:$S2N_PORT" -v || fail_every "$E2E_WHY"
wait_for "$BR_LOG" 'kdb> ' 180 || fail_every "no SysRq-g stop on the console"
sleep 0.5

gdb_run g1 "$BR_GDB_PORT" -ex 'bt' -ex 'detach' 2>/dev/null
if check_clean s2n-1-gdb "$T/g1.gdb"; then
	if grep -aq 'sysrq' "$T/g1.gdb"; then
		pass s2n-1-gdb
	else
		fail s2n-1-gdb "no sysrq frame in the backtrace"
		tail -n 15 "$T/g1.gdb" >&2
	fi
fi

speed=$(stty -F "$PTY" speed 2>&1)
baud=$(status_field baud)
if [ "$speed" = 921600 ] && [ "$baud" = 921600 ] &&
    grep -q "line is 8N1" "$T/$LAB_NAME.bridge.err"; then
	pass s2n-2-speed
else
	fail s2n-2-speed "pty at '$speed', bridge says '$baud'"
fi

kill "$S2N_PID"
wait "$S2N_PID" 2>/dev/null
for _ in $(seq 1 50); do
	[ "$(status_field link)" = down ] && break
	sleep 0.2
done
down=$(status_field link)
s2n_start || fail s2n-3-reconnect "ser2net did not come back"
for _ in $(seq 1 150); do
	[ "$(status_field link)" = up ] && break
	sleep 0.2
done
up=$(status_field link)
gdb_run g2 "$BR_GDB_PORT" -ex "info registers $E2E_PC" -ex 'detach' 2>/dev/null
if [ "$down" = down ] && [ "$up" = up ] && check_clean s2n-3-reconnect "$T/g2.gdb" &&
    grep -aq "^$E2E_PC " "$T/g2.gdb"; then
	pass s2n-3-reconnect
else
	fail s2n-3-reconnect "link '$down' then '$up'; $(grep -a rip "$T/g2.gdb" | head -1)"
	tail -n 10 "$T/g2.gdb" >&2
fi
# The bridge keeps a detached kernel stopped: resume it; init ticks once
# a second.
bridge_ctl continue >/dev/null
n0=$(count_in "$BR_LOG" 'lab: tick')
for _ in $(seq 1 100); do
	[ "$(count_in "$BR_LOG" 'lab: tick')" -gt "$n0" ] && break
	sleep 0.2
done
bridge_ctl break >/dev/null
if wait_for "$BR_LOG" 'break-in failed: the target did not stop' 20; then
	n=$(count_in "$BR_LOG" 'lab: tick')
	sleep 3
	if [ "$(count_in "$BR_LOG" 'lab: tick')" -gt "$n" ] &&
	    grep -q "breaking in with" "$T/$LAB_NAME.bridge.err"; then
		pass s2n-4-break
	else
		fail s2n-4-break "the kernel stopped ticking after the break"
	fi
else
	fail s2n-4-break "no word on the break-in: $(tail -c 300 "$BR_LOG")"
fi
[ "$KB_FAILS" -eq 0 ]
