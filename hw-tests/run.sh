#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
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
#   --lab             no board: boot the virtual lab (a shell on its
#                     console, telnet behind the shaper at 115200 baud) and
#                     run every case on it, doing the engineer's part
#                     (typing on the board, unplugging the adapter) itself.
#                     Proves this script; tests/e2e/50-hw-script.sh runs it
#                     in `make check`.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
export BUILD
# shellcheck source=tests/e2e/lib.sh
. "$here/tests/e2e/lib.sh"

target= vml=${VMLINUX:-} func=hrtimer_nanosleep stopped=0 panic=0 cut=0 lab=0
extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--vmlinux) vml=$2; shift ;;
	--break-func) func=$2; shift ;;
	--stopped) stopped=1 ;;
	--panic) panic=1 ;;
	--cut) cut=1 ;;
	--bridge-opt) extra+=("$2"); shift ;;
	--lab) lab=1 ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "hw-tests/run.sh: unknown option $1" >&2; exit 2 ;;
	*) target=$1 ;;
	esac
	shift
done
die() { echo "hw-tests/run.sh: $*" >&2; exit 1; }
if [ "$lab" = 1 ]; then
	e2e_setup hw-lab
	need_lab || die "$E2E_WHY"
	# telnet end to end, so a BREAK reaches the guest's UART as on a
	# terminal server.
	lab_start hw --serial telnet --mode shell || die "the lab kernel did not boot"
	line_start --telnet --baud 115200 || die "the shaper did not start"
	target=telnet:127.0.0.1:$LINE_PORT vml=$VMLINUX panic=1 cut=1
fi
[ -n "$target" ] || { echo "usage: hw-tests/run.sh [options] TARGET (see --help)" >&2; exit 2; }
[ -r "$vml" ] || { echo "hw-tests/run.sh: need --vmlinux FILE (the board kernel's)" >&2; exit 2; }
VMLINUX=$vml
[ "$lab" = 1 ] || e2e_setup hw
LAB_NAME=hw
bridge_ready || die "$E2E_WHY"
bridge_start "$target" "${extra[@]}" || die "$E2E_WHY"
console_client hw1
e2e_log "bridge on $target: gdb port $BR_GDB_PORT, console port $BR_CON_PORT, transcript $BR_LOG"

ask() { echo ">>> $*" >/dev/tty 2>/dev/null || echo ">>> $*" >&2; }
# type_on_board TEXT: type on the board's console, through the bridge.
type_on_board() {
	(exec 3<>"/dev/tcp/127.0.0.1/$BR_CON_PORT" && printf '%b' "$1" >&3 && sleep 1) 2>/dev/null
}

# resume_kernel: a gdb that detaches leaves the kernel stopped (on purpose);
# once no gdb holds it the bridge hands it back to kdb, whose `go` resumes.
# `monitor bridge kdb` asks for that at once.
# kdb_go: `go` at kdb's prompt, as an engineer would type it. kdb ignores
# it at a more> prompt (and pages on), and after a stop of gdb's, which kdb
# counts as an oops (the bridge says so), it asks for go a second time.
kdb_go() {
	local i more again
	for i in 1 2 3 4; do
		more=$(count_in "$BR_LOG" 'processed at more prompt')
		again=$(count_in "$BR_LOG" 'type go a second time')
		type_on_board 'go\r'
		sleep 2
		[ "$(count_in "$BR_LOG" 'processed at more prompt')" != "$more" ] ||
		    [ "$(count_in "$BR_LOG" 'type go a second time')" != "$again" ] ||
		    return 0
	done
}

resume_kernel() {
	local s i
	for i in $(seq 1 60); do
		s=$(bridge_state)
		[ "$s" = running ] && return 0
		if [ "$s" = kdb ]; then
			kdb_go
			return 0
		fi
		[ "$i" = 2 ] && gdb_run hw-kdb "$BR_GDB_PORT" -ex 'monitor bridge kdb'
		sleep 0.5
	done
	e2e_log "the kernel neither runs nor sits in kdb ($s)"
}

if [ "$lab" = 1 ]; then
	# What the board procedure asks for: a shell that sleeps in a loop,
	# so that --break-func is hit.  The lab's shell is on its console.
	wait_for "$BR_LOG" 'lab: shell on tty' 120 || die "no shell on the lab console"
	sleep 2
	type_on_board 'while sleep 1; do :; done &\r'
	sleep 2
fi

if [ "$stopped" = 0 ]; then
	bridge_ctl break >"$T/break.out" 2>&1 || { fail hw-break-in "ctl break: $(cat "$T/break.out")"; }
	sleep 2
fi

# 1: connect: registers, bt, threads, memory, disassembly. bt is held to
# 40 frames: at a break-in taken in an interrupt on arm (6.1, 6.12), gdb 13
# unwinds __irq_svc into itself without end (800 frames in a minute,
# seen through the bridge; not yet compared with gdb alone).
gdb_run hw-c1 "$BR_GDB_PORT" -ex 'info registers' -ex 'bt 40' -ex 'info threads' \
    -ex 'x/16xw $sp' -ex 'x/8i $pc' -ex 'detach'
check_clean hw-1-connect "$T/hw-c1.gdb" &&
    check_log hw-1-connect "$T/hw-c1.gdb" '^#0 ' 'Thread ' '=> 0x' && pass hw-1-connect

# 10: a second gdb is refused while the first holds control.
gdb_run hw-c10a "$BR_GDB_PORT" -ex 'info registers' -ex 'shell sleep 6' -ex 'detach' &
g=$!
sleep 3
GDB_TIMEOUT=20 gdb_run hw-c10b "$BR_GDB_PORT" -ex 'bt 1'
wait $g
if grep -aqE '^#0 ' "$T/hw-c10b.gdb"; then
	fail hw-10-second-gdb "the second gdb got a stack"
else
	check_log hw-10-second-gdb "$T/hw-c10b.gdb" '(refused|busy|already|in use|another gdb|controlled|owns)' &&
	    pass hw-10-second-gdb
fi

# 6: detach, then a new gdb sees the same stopped kernel.
gdb_run hw-c6a "$BR_GDB_PORT" -ex 'p $pc' -ex 'detach'
gdb_run hw-c6b "$BR_GDB_PORT" -ex 'p $pc' -ex 'detach'
a=$(grep -a '^\$1' "$T/hw-c6a.gdb"); b=$(grep -a '^\$1' "$T/hw-c6b.gdb")
if [ -n "$a" ] && [ "$a" = "$b" ]; then pass hw-6-reattach; else fail hw-6-reattach "pc '$a' vs '$b'"; fi

# 5: monitor ps through kdb.
gdb_run hw-c5 "$BR_GDB_PORT" -ex 'monitor ps' -ex 'detach'
check_log hw-5-monitor-ps "$T/hw-c5.gdb" 'Task Addr|sleeping system daemon' && pass hw-5-monitor-ps

# 9 (optional): pull the adapter while stopped.
if [ "$cut" = 1 ]; then
	gdb_run hw-c9 "$BR_GDB_PORT" -ex 'p $pc' -ex 'shell sleep 25' -ex 'p $pc' -ex 'bt 2' -ex 'detach' &
	g=$!
	sleep 2
	if [ "$lab" = 1 ]; then
		wait_for "$T/hw-c9.gdb" '^\$1 = ' 30
		kill -USR1 "$LINE_PID"; sleep 5; kill -USR2 "$LINE_PID"
	else
		ask "unplug the serial adapter now, wait 5 s, plug it back (within 20 s)"
	fi
	wait $g
	[ "$(grep -ac '^\$[12] = ' "$T/hw-c9.gdb")" = 2 ] && check_clean hw-9-cut "$T/hw-c9.gdb" &&
	    pass hw-9-cut || fail hw-9-cut "see $T/hw-c9.gdb"
else
	skip hw-9-cut "needs --cut (you unplug the adapter)"
fi

# 2 and 3: breakpoint, steps, continue, interrupt, continue.
step_cmds "$func"
gdb_run hw-c2 "$BR_GDB_PORT" "${STEP_CMDS[@]}"
check_clean hw-2-breakpoint "$T/hw-c2.gdb" &&
    check_log hw-2-breakpoint "$T/hw-c2.gdb" "Breakpoint 1, .*$func" '@@finish' &&
    check_steps hw-2-breakpoint "$T/hw-c2.gdb" "$func" &&
    check_finish hw-2-breakpoint "$T/hw-c2.gdb" &&
    pass hw-2-breakpoint
# Each stop must be gdb's report of a signal, and jiffies must have moved
# on after each continue: the kernel really ran.
gdb_run hw-c3 "$BR_GDB_PORT" -ex 'echo @@start\n' -ex 'p/u jiffies' \
    -ex 'echo @@go1\n' -ex 'continue' \
    -ex 'echo @@stop1\n' -ex 'bt 1' -ex 'p/u jiffies' -ex 'echo @@go2\n' \
    -ex 'continue' -ex 'echo @@stop2\n' -ex 'p/u jiffies' -ex 'detach' &
g=$!
# Interrupt only once gdb is connected and in continue: a Ctrl-C while
# `target remote` still runs (slow on a loaded host) quits the connect.
wait_for "$T/hw-c3.gdb" '@@go1' 60
sleep 4; gdb_interrupt hw-c3; wait_for "$T/hw-c3.gdb" '@@stop1' 20
sleep 4; gdb_interrupt hw-c3; wait_for "$T/hw-c3.gdb" '@@stop2' 20
sleep 1; gdb_interrupt hw-c3; wait $g
s1=$(gdb_section "$T/hw-c3.gdb" go1 | grep -aoE 'received signal SIG[A-Z]+' | head -n 1)
s2=$(gdb_section "$T/hw-c3.gdb" go2 | grep -aoE 'received signal SIG[A-Z]+' | head -n 1)
j0=$(gdb_section "$T/hw-c3.gdb" start | sed -n 's/^\$[0-9]* = \([0-9]*\)$/\1/p')
j1=$(gdb_section "$T/hw-c3.gdb" stop1 | sed -n 's/^\$[0-9]* = \([0-9]*\)$/\1/p')
j2=$(gdb_section "$T/hw-c3.gdb" stop2 | sed -n 's/^\$[0-9]* = \([0-9]*\)$/\1/p')
if check_clean hw-3-interrupt "$T/hw-c3.gdb" &&
    check_log hw-3-interrupt "$T/hw-c3.gdb" '@@stop1' '@@stop2'; then
	if [[ ! "$s1" =~ SIG(INT|TRAP)$ ]] || [[ ! "$s2" =~ SIG(INT|TRAP)$ ]]; then
		fail hw-3-interrupt "a stop without gdb's SIGINT/SIGTRAP report (first: '$s1', second: '$s2')"
	elif [ -z "$j0" ] || [ -z "$j1" ] || [ -z "$j2" ] ||
	    [ "$j1" -le "$j0" ] || [ "$j2" -le "$j1" ]; then
		fail hw-3-interrupt "jiffies did not move on after each continue ('$j0', '$j1', '$j2')"
	else
		pass hw-3-interrupt
	fi
fi

# 4 (optional, the board panics).
if [ "$panic" = 1 ]; then
	resume_kernel
	if [ "$lab" = 1 ]; then
		type_on_board 'echo c > /proc/sysrq-trigger\r'
	else
		ask "on the board's shell type: echo c > /proc/sysrq-trigger"
	fi
	if wait_for "$BR_LOG" 'sysrq triggered crash|Kernel panic' 120; then
		sleep 2
		gdb_run hw-c4 "$BR_GDB_PORT" -ex 'bt' -ex 'detach'
		check_log hw-4-panic "$T/hw-c4.gdb" 'sysrq_handle_crash' && pass hw-4-panic
	else
		fail hw-4-panic "no panic seen on the console in 120 s"
	fi
else
	skip hw-4-panic "needs --panic (the board panics)"
fi
if [ "$lab" = 1 ]; then
	e2e_log "hw-7-flood, hw-8-ber: the lab suite covers them (tests/e2e/20-bridge.sh)"
else
	skip hw-7-flood "run the lab suite (tests/e2e/20-bridge.sh); on a board, flood with: seq 100000"
	skip hw-8-ber "a real line's errors cannot be dialed; the lab suite covers it"
fi
e2e_log "logs kept in $E2E_KEEP"
