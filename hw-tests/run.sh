#!/bin/bash
# Run the end-to-end checks against a real board through kgdb-bridge.
# Never part of `make check` (needs hardware); prints the same PASS/FAIL/
# SKIP lines as tests/e2e/.  See hw-tests/README.md for the board setup.
#
# usage: hw-tests/run.sh [options] TARGET
#   TARGET            what kgdb-bridge takes: /dev/ttyUSB0[,921600,8n1],
#                     /dev/serial/by-id/..., usb:VID:PID, telnet:HOST:PORT ...
#   --vmlinux FILE    the board kernel's vmlinux (required; or $VMLINUX)
#   --break-func F    a kernel function the board hits often (default
#                     hrtimer_nanosleep: run `while sleep 1; do :; done`
#                     in a shell on the board)
#   --stopped         the board already waits in kgdb/kdb (kgdbwait);
#                     otherwise the run starts with `kgdb-bridge ctl break`
#   --panic           also run the panic case: the script asks you to type
#                     `echo c > /proc/sysrq-trigger` on the board (it panics)
#   --cut             also run the cut case: the script asks you to unplug
#                     the USB-serial adapter for 5 s and plug it back
#   --bridge-opt OPT  extra kgdb-bridge option (repeatable)
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
export BUILD
# shellcheck source=tests/e2e/lib.sh
. "$here/tests/e2e/lib.sh"

target= vml=${VMLINUX:-} func=hrtimer_nanosleep stopped=0 panic=0 cut=0
extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--vmlinux) vml=$2; shift ;;
	--break-func) func=$2; shift ;;
	--stopped) stopped=1 ;;
	--panic) panic=1 ;;
	--cut) cut=1 ;;
	--bridge-opt) extra+=("$2"); shift ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "hw-tests/run.sh: unknown option $1" >&2; exit 2 ;;
	*) target=$1 ;;
	esac
	shift
done
[ -n "$target" ] || { echo "usage: hw-tests/run.sh [options] TARGET (see --help)" >&2; exit 2; }
[ -r "$vml" ] || { echo "hw-tests/run.sh: need --vmlinux FILE (the board kernel's)" >&2; exit 2; }
VMLINUX=$vml
e2e_setup hw
LAB_NAME=hw
bridge_ready || { echo "hw-tests/run.sh: $E2E_WHY" >&2; exit 1; }
bridge_start "$target" "${extra[@]}" || { echo "hw-tests/run.sh: $E2E_WHY" >&2; exit 1; }
console_client hw1
e2e_log "bridge on $target: gdb port $BR_GDB_PORT, console port $BR_CON_PORT, transcript $BR_LOG"

ask() { echo ">>> $*" >/dev/tty 2>/dev/null || echo ">>> $*" >&2; }

if [ "$stopped" = 0 ]; then
	bridge_ctl break >"$T/break.out" 2>&1 || { fail hw-break-in "ctl break: $(cat "$T/break.out")"; }
	sleep 2
fi

# 1: connect: registers, bt, threads, memory, disassembly.
gdb_run hw-c1 "$BR_GDB_PORT" -ex 'info registers' -ex 'bt' -ex 'info threads' \
    -ex 'x/16xw $sp' -ex 'x/8i $pc' -ex 'detach'
check_clean hw-1-connect "$T/hw-c1.gdb" &&
    check hw-1-connect "$T/hw-c1.gdb" '^#0 ' 'Thread ' '=> 0x' && pass hw-1-connect

# 10: a second gdb is refused while the first holds control.
gdb_run hw-c10a "$BR_GDB_PORT" -ex 'info registers' -ex 'shell sleep 6' -ex 'detach' &
g=$!
sleep 3
GDB_TIMEOUT=20 gdb_run hw-c10b "$BR_GDB_PORT" -ex 'bt 1'
wait $g
if grep -aqE '^#0 ' "$T/hw-c10b.gdb"; then
	fail hw-10-second-gdb "the second gdb got a stack"
else
	check hw-10-second-gdb "$T/hw-c10b.gdb" '(refused|busy|already|in use|another gdb|controlled|owns)' &&
	    pass hw-10-second-gdb
fi

# 6: detach, then a new gdb sees the same stopped kernel.
gdb_run hw-c6a "$BR_GDB_PORT" -ex 'p $pc' -ex 'detach'
gdb_run hw-c6b "$BR_GDB_PORT" -ex 'p $pc' -ex 'detach'
a=$(grep -a '^\$1' "$T/hw-c6a.gdb"); b=$(grep -a '^\$1' "$T/hw-c6b.gdb")
if [ -n "$a" ] && [ "$a" = "$b" ]; then pass hw-6-reattach; else fail hw-6-reattach "pc '$a' vs '$b'"; fi

# 5: monitor ps through kdb.
gdb_run hw-c5 "$BR_GDB_PORT" -ex 'monitor ps' -ex 'detach'
check hw-5-monitor-ps "$T/hw-c5.gdb" 'Task Addr|sleeping system daemon' && pass hw-5-monitor-ps

# 9 (optional): pull the adapter while stopped.
if [ "$cut" = 1 ]; then
	gdb_run hw-c9 "$BR_GDB_PORT" -ex 'p $pc' -ex 'shell sleep 25' -ex 'p $pc' -ex 'bt 2' -ex 'detach' &
	g=$!
	sleep 2
	ask "unplug the serial adapter now, wait 5 s, plug it back (within 20 s)"
	wait $g
	[ "$(grep -ac '^\$[12] = ' "$T/hw-c9.gdb")" = 2 ] && check_clean hw-9-cut "$T/hw-c9.gdb" &&
	    pass hw-9-cut || fail hw-9-cut "see $T/hw-c9.gdb"
else
	skip hw-9-cut "needs --cut (you unplug the adapter)"
fi

# 2 and 3: breakpoint, steps, continue, interrupt, continue.
gdb_run hw-c2 "$BR_GDB_PORT" -ex "break $func" -ex 'continue' -ex 'bt' \
    -ex 'next' -ex 'step' -ex 'stepi' -ex 'finish' -ex 'delete' -ex 'detach'
check_clean hw-2-breakpoint "$T/hw-c2.gdb" &&
    check hw-2-breakpoint "$T/hw-c2.gdb" "Breakpoint 1, .*$func" 'Run till exit' &&
    pass hw-2-breakpoint
gdb_run hw-c3 "$BR_GDB_PORT" -ex 'continue' -ex 'echo @@stop1\n' -ex 'bt 1' \
    -ex 'continue' -ex 'echo @@stop2\n' -ex 'detach' &
g=$!
sleep 4; kill -INT $g; wait_for "$T/hw-c3.gdb" '@@stop1' 20
sleep 4; kill -INT $g; wait_for "$T/hw-c3.gdb" '@@stop2' 20
sleep 1; kill -INT $g 2>/dev/null; wait $g
check_clean hw-3-interrupt "$T/hw-c3.gdb" &&
    check hw-3-interrupt "$T/hw-c3.gdb" '@@stop1' '@@stop2' && pass hw-3-interrupt

# 4 (optional, the board panics).
if [ "$panic" = 1 ]; then
	ask "on the board's shell type: echo c > /proc/sysrq-trigger"
	if wait_for "$BR_LOG" 'sysrq triggered crash|Kernel panic' 120; then
		sleep 2
		gdb_run hw-c4 "$BR_GDB_PORT" -ex 'bt' -ex 'detach'
		check hw-4-panic "$T/hw-c4.gdb" 'sysrq_handle_crash' && pass hw-4-panic
	else
		fail hw-4-panic "no panic seen on the console in 120 s"
	fi
else
	skip hw-4-panic "needs --panic (the board panics)"
fi
skip hw-7-flood "run the lab suite (tests/e2e/20-bridge.sh); on a board, flood with: seq 100000"
skip hw-8-ber "a real line's errors cannot be dialed; the lab suite covers it"
e2e_log "logs kept in $E2E_KEEP"
