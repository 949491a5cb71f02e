#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: sleeping tasks' backtraces through the bridge (issue 16,
# bridge/sleepers.c). One boot of the lab kernel in lab.mode=sleepers
# (hw-tests/lab/init: a `sleep` in nanosleep, a `cat` reading an empty
# pipe, a shell waiting in wait4, pids on the console), stopped by SysRq-g
# from its init; then, all at that one stop (every gdb kills itself, so
# the kernel stays where it is):
#   d    gdb straight on the line: thread apply all bt
#   on   through kgdb-bridge: thread apply all bt twice, with the module's
#        counters (monitor bridge sleepers) before, between and after
#   off  through the bridge after monitor bridge sleepers off: the same
#   sleepers-1-traces  every task whose direct trace starts at pc 0 has a
#                      real first frame through the bridge (in the
#                      scheduler, or ret_from_fork for a task that never
#                      ran); the sleep's trace goes through a nanosleep
#                      function, the cat's through pipe_read, the shell's
#                      through wait4
#   sleepers-2-off     switched off, gdb prints exactly what it prints on
#                      the direct line
#   sleepers-3-reads   one frame read per such task at this stop, none
#                      for the second thread apply all bt (the cache)
#   taskregs-1         arm64 (bridge/taskregs.c): on a second bridge
#                      (--no-prefetch, so only gdb's requests count),
#                      info threads and thread apply all bt with sleeping
#                      tasks' 'g' built by the bridge print exactly what
#                      they print switched off and on the direct line;
#                      monitor bridge taskregs counts built answers, and
#                      the target sent fewer bytes for info threads than
#                      with it off. riscv64: the module starts off, and
#                      switched on prints the same, with built answers
#                      (its bytes only logged). x86_64, arm: the module
#                      says it is not there.
# On arm64, arm and riscv64 kgdb gives sleeping tasks their saved
# registers itself: there the cases check that the known tasks' traces
# are right, that the bridge prints exactly the direct line's output, on
# and off, and that it has no sleepers module to read anything.
# The times of each thread apply all bt go to the log (not pass/fail).
# SL_BRIDGE_OPTS: more kgdb-bridge options (e.g. --trace FILE);
# SL_LINE_OPTS: shaper options for the line (e.g. --baud 115200).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_setup sleepers

CASES="sleepers-1-traces sleepers-2-off sleepers-3-reads taskregs-1"
# shellcheck disable=SC2086
echo "PLAN: $(echo $CASES | wc -w)"
# shellcheck disable=SC2086
fail_every() { fail_all "$1" $CASES; }
bridge_ready || fail_every "$E2E_WHY"
"$BRIDGE" --help 2>&1 | grep -q -- '--no-sleepers' ||
    fail_every "$BRIDGE has no --no-sleepers"
need_lab || fail_every "$E2E_WHY"
# x86_64 (and i386) kgdb gives a sleeping task pc 0 and the bridge answers
# with its real registers; the other architectures' kgdb gives them
# itself, and there the same three cases check that the bridge leaves
# every trace as the direct line prints it (see "unchanged" below).
unchanged=0
[ "${LAB_ARCH:-x86_64}" = x86_64 ] || unchanged=1

# section NAME TAG: what gdb printed between @@TAG and @@end-TAG.
section() {
	sed -n "/^@@$2\$/,/^@@end-$2\$/p" "$T/$1.gdb" | sed '1d;$d'
}

# stamp NAME TAG: the time gdb's shell printed as "@@tTAG SECONDS".
stamp() {
	sed -n "s/^@@t$2 //p" "$T/$1.gdb" | tail -n 1
}

# frames_read NAME N: "K frames read" of the Nth `monitor bridge sleepers`.
frames_read() {
	grep -a '^sleepers: ' "$T/$1.gdb" | sed -n "$2p" |
	    sed -n 's/.* \([0-9]*\) frames read.*/\1/p'
}

# thread_of FILE PID: the backtrace of kgdb thread PID in FILE (one
# thread apply all bt), from its "Thread N (Thread PID" header to the
# next header.
thread_of() {
	awk -v pid="$2" '
		/^Thread [0-9]+ \(/ { on = ($0 ~ "\\(Thread " pid " ") }
		on' "$1"
}

lab_start s --mode sleepers --after 2 --tick 0 --append norandmaps ||
    fail_every "lab did not boot"
# shellcheck disable=SC2086
line_start ${SL_LINE_OPTS:-} || fail_every "shaper did not start"
if ! wait_for "$(line_rx)" 'kdb>' 120; then
	fail_every "no SysRq-g stop on the console"
fi
pids=$(tr -d '\r' <"$(line_rx)" | sed -n 's/.*lab: sleepers \(sleep=.*\)/\1/p' | tail -n 1)
sleep_pid=$(echo "$pids" | sed -n 's/.*sleep=\([0-9]*\).*/\1/p')
reader_pid=$(echo "$pids" | sed -n 's/.*reader=\([0-9]*\).*/\1/p')
waiter_pid=$(echo "$pids" | sed -n 's/.*waiter=\([0-9]*\).*/\1/p')
if [ -z "$sleep_pid" ] || [ -z "$reader_pid" ] || [ -z "$waiter_pid" ]; then
	fail_every "the lab's init printed no pids ('$pids')"
fi
e2e_log "blocked: sleep $sleep_pid, reader $reader_pid, waiter $waiter_pid"
sleep 0.5

ALLBT=(-ex 'thread apply all bt')
# gdb's shell stamps the time: T0 before, T1, T2 after each bt.
T0=(-ex 'shell echo @@t0 $(date +%s.%N)')
T1=(-ex 'shell echo @@t1 $(date +%s.%N)')
T2=(-ex 'shell echo @@t2 $(date +%s.%N)')
# secs NAME A B: seconds from stamp A to stamp B of NAME.
secs() { awk -v a="$(stamp "$1" "$2")" -v b="$(stamp "$1" "$3")" 'BEGIN { printf "%.2f", b - a }'; }

# d: the direct line.
GDB_TIMEOUT=600 gdb_run d "$LINE_PORT" "${GDB_DIRECT[@]}" "${T0[@]}" \
    -ex 'echo @@bt\n' "${ALLBT[@]}" -ex 'echo @@end-bt\n' "${T1[@]}" \
    -ex 'echo @@it\n' -ex 'info threads' -ex 'echo @@end-it\n' "${T2[@]}" \
    "${GDB_VANISH[@]}" 2>/dev/null
sleep 0.5
# taskregs-1: a bridge that reads nothing ahead, so the target's bytes
# are gdb's requests' only; info threads and thread apply all bt with
# the module on, then off, at the same stop (before the bridge below,
# whose exit lets the kernel go on); the bytes the target sent
# (ctl status rx_bytes) around each info threads.
bridge_start "tcp:127.0.0.1:$LINE_PORT" --no-prefetch ${SL_BRIDGE_OPTS:-} ||
    fail_every "$E2E_WHY"
RX=(-ex "shell echo @@rx \$(\"$BRIDGE\" ctl --ctl \"$BR_CTL\" status | grep -o '\"rx_bytes\":[0-9]*' | cut -d: -f2)")
GDB_TIMEOUT=600 gdb_run tron "$BR_GDB_PORT" -ex 'monitor bridge taskregs' \
    -ex 'monitor bridge taskregs on' "${RX[@]}" "${T0[@]}" -ex 'echo @@it\n' -ex 'info threads' -ex 'echo @@end-it\n' \
    "${T1[@]}" "${RX[@]}" -ex 'echo @@bt\n' "${ALLBT[@]}" -ex 'echo @@end-bt\n' \
    -ex 'monitor bridge taskregs' "${GDB_VANISH[@]}" 2>/dev/null
GDB_TIMEOUT=600 gdb_run troff "$BR_GDB_PORT" -ex 'monitor bridge taskregs off' \
    "${RX[@]}" "${T0[@]}" -ex 'echo @@it\n' -ex 'info threads' -ex 'echo @@end-it\n' \
    "${T1[@]}" "${RX[@]}" -ex 'echo @@bt\n' "${ALLBT[@]}" -ex 'echo @@end-bt\n' \
    "${GDB_VANISH[@]}" 2>/dev/null
# Killed, not stopped: a bridge that exits detaches, and the kernel
# must stay where it is for the runs below.
{ kill -KILL "$BR_PID"; wait "$BR_PID"; } 2>/dev/null
BR_PID=
sleep 0.5
# shellcheck disable=SC2086
bridge_start "tcp:127.0.0.1:$LINE_PORT" ${SL_BRIDGE_OPTS:-} || fail_every "$E2E_WHY"
GDB_TIMEOUT=600 gdb_run on "$BR_GDB_PORT" -ex 'monitor bridge sleepers' \
    "${T0[@]}" -ex 'echo @@bt\n' "${ALLBT[@]}" -ex 'echo @@end-bt\n' "${T1[@]}" \
    -ex 'monitor bridge sleepers' \
    -ex 'echo @@bt2\n' "${ALLBT[@]}" -ex 'echo @@end-bt2\n' "${T2[@]}" \
    -ex 'monitor bridge sleepers' \
    "${GDB_VANISH[@]}" 2>/dev/null
GDB_TIMEOUT=600 gdb_run off "$BR_GDB_PORT" -ex 'monitor bridge sleepers off' \
    "${T0[@]}" -ex 'echo @@bt\n' "${ALLBT[@]}" -ex 'echo @@end-bt\n' "${T1[@]}" \
    "${GDB_VANISH[@]}" 2>/dev/null
bridge_stop

for s in tron troff; do
	section "$s" bt >"$T/$s-bt.out"
	section "$s" it >"$T/$s-it.out"
done
section d it >"$T/d-it.out"
section d bt >"$T/d-bt.out"
# rx NAME N: the Nth rx_bytes of gdb run NAME.
rx() { sed -n 's/^@@rx //p' "$T/$1.gdb" | sed -n "$2p"; }
e2e_log "info threads: direct $(secs d 1 2) s, taskregs on $(secs tron 0 1) s," \
    "off $(secs troff 0 1) s; target bytes on $(( $(rx tron 2) - $(rx tron 1) ))," \
    "off $(( $(rx troff 2) - $(rx troff 1) ))"
grep -a '^taskregs' "$T/tron.gdb" | sed 's/^/taskregs: /' | while read -r l; do e2e_log "$l"; done

taskregs_case() {
	local built n on off
	case ${LAB_ARCH:-x86_64} in
	arm64) ;;
	riscv64)
		if ! grep -a '^taskregs' "$T/tron.gdb" | head -n 1 |
		    grep -aq '^taskregs: off;'; then
			fail taskregs-1 "riscv64: taskregs is not off by default"
			return
		fi
		;;
	*)
		if ! grep -aq '^taskregs: only on arm64' "$T/tron.gdb"; then
			fail taskregs-1 "monitor bridge taskregs did not say it is not here"
		else
			pass taskregs-1
		fi
		return
		;;
	esac
	check_clean taskregs-1 "$T/tron.gdb" && check_clean taskregs-1 "$T/troff.gdb" || return
	n=$(wc -l <"$T/d-it.out")
	built=$(grep -a '^taskregs: on;' "$T/tron.gdb" | tail -n 1 | sed -n 's/.*on; \([0-9]*\) built.*/\1/p')
	on=$(( $(rx tron 2) - $(rx tron 1) )) off=$(( $(rx troff 2) - $(rx troff 1) ))
	if [ "$n" -lt 10 ]; then
		fail taskregs-1 "only $n lines of direct info threads"
	elif ! cmp -s "$T/d-it.out" "$T/tron-it.out"; then
		fail taskregs-1 "info threads: $(diff "$T/d-it.out" "$T/tron-it.out" | grep -c '^[<>]') lines differ from the direct line"
		diff "$T/d-it.out" "$T/tron-it.out" | head -n 10 | sed 's/^/    | /' >&2
	elif ! cmp -s "$T/troff-it.out" "$T/tron-it.out"; then
		fail taskregs-1 "info threads differs on and off"
	elif ! cmp -s "$T/d-bt.out" "$T/tron-bt.out" || ! cmp -s "$T/d-bt.out" "$T/troff-bt.out"; then
		fail taskregs-1 "thread apply all bt differs from the direct line"
		diff "$T/d-bt.out" "$T/tron-bt.out" | head -n 10 | sed 's/^/    | /' >&2
	elif [ -z "$built" ] || [ "$built" -lt 1 ]; then
		fail taskregs-1 "no built answers ('$built')"
		grep -a '^taskregs' "$T/tron.gdb" | sed 's/^/    | /' >&2
	elif [ "$LAB_ARCH" = arm64 ] && [ "$on" -ge "$off" ]; then
		fail taskregs-1 "info threads took $on bytes from the target on, $off off"
	else
		pass taskregs-1
	fi
}
taskregs_case

for s in d on off; do section "$s" bt >"$T/$s-bt.out"; done
section on bt2 >"$T/on-bt2.out"
e2e_log "thread apply all bt: direct $(secs d 0 1) s, bridge on $(secs on 0 1) s" \
    "(again at the same stop $(secs on 1 2) s), bridge off $(secs off 0 1) s"

# The known blocked tasks' functions (any architecture's syscall names).
WANT=("$sleep_pid:(do_nanosleep|hrtimer_nanosleep|common_nsleep|__[a-z0-9]+_sys_(clock_)?nanosleep)"
    "$reader_pid:pipe_read" "$waiter_pid:(do_wait|kernel_wait4|__do_sys_wait4)")

# has_fn FILE PID RE: the trace of PID in FILE goes through RE.
has_fn() {
	thread_of "$1" "$2" | grep -aqE " in ($3) \\(|^#[0-9]+ +($3) \\("
}

if [ $unchanged = 1 ]; then
	# kgdb's own registers for every task: the bridge changes nothing.
	ok=1
	check_clean sleepers-1-traces "$T/on.gdb" &&
	    check_clean sleepers-1-traces "$T/d.gdb" || ok=0
	for want in "${WANT[@]}"; do
		[ $ok = 1 ] || break
		t=${want%%:*} re=${want#*:}
		if ! has_fn "$T/on-bt.out" "$t" "$re"; then
			fail sleepers-1-traces "thread $t: no /$re/ in its trace"
			thread_of "$T/on-bt.out" "$t" | head -n 12 | sed 's/^/    | /' >&2
			ok=0
		fi
	done
	[ $ok = 1 ] && pass sleepers-1-traces
	n=$(wc -l <"$T/d-bt.out")
	if [ "$n" -lt 20 ]; then
		fail sleepers-2-off "only $n lines of direct output"
	elif ! cmp -s "$T/d-bt.out" "$T/on-bt.out"; then
		fail sleepers-2-off "the bridge changed $(diff "$T/d-bt.out" "$T/on-bt.out" | grep -c '^[<>]') of $n lines"
		diff "$T/d-bt.out" "$T/on-bt.out" | head -n 20 | sed 's/^/    | /' >&2
	elif ! cmp -s "$T/d-bt.out" "$T/off-bt.out"; then
		fail sleepers-2-off "switched off, $(diff "$T/d-bt.out" "$T/off-bt.out" | grep -c '^[<>]') of $n lines differ"
	else
		e2e_log "$LAB_ARCH: $n lines identical direct, bridge, bridge off"
		pass sleepers-2-off
	fi
	# The module is not even there: nothing is read for sleeping tasks.
	if ! grep -aq '^sleepers: only on x86_64' "$T/on.gdb"; then
		fail sleepers-3-reads "monitor bridge sleepers did not say it is x86_64 only"
		grep -a '^sleepers' "$T/on.gdb" | sed 's/^/    | /' >&2
	elif ! cmp -s "$T/on-bt.out" "$T/on-bt2.out"; then
		fail sleepers-3-reads "the second bt differs from the first"
	else
		pass sleepers-3-reads
	fi
	lab_stop
	exit 0
fi

# The tasks kgdb gives pc 0: their ids, from the direct trace.
asleep=$(awk '
	/^Thread [0-9]+ \(Thread [0-9]+ / { t = $4; first = 1; next }
	first && /^#0 / { if ($0 ~ /^#0 +0x0+ in /) print t; first = 0 }' \
    "$T/d-bt.out")
nasleep=$(echo "$asleep" | grep -c .)
e2e_log "$nasleep tasks at pc 0 on the direct line"

# sleepers-1
ok=1
if ! check_clean sleepers-1-traces "$T/on.gdb" ||
    ! check_clean sleepers-1-traces "$T/d.gdb"; then
	ok=0
elif [ "$nasleep" -lt 5 ]; then
	fail sleepers-1-traces "only $nasleep sleeping tasks on the direct line"
	head -n 30 "$T/d-bt.out" | sed 's/^/    | /' >&2
	ok=0
fi
if [ $ok = 1 ]; then
	for t in $asleep; do
		first=$(thread_of "$T/on-bt.out" "$t" | grep -a -m1 '^#[0-9]')
		# #0 in the scheduler (context_switch is inlined into
		# __schedule), or ret_from_fork for a task that never ran.
		if ! echo "$first" | grep -aqE '^#0 +(0x[0-9a-f]+ in )?(context_switch|__schedule|schedule|__switch_to|ret_from_fork(_asm)?) '; then
			fail sleepers-1-traces "thread $t: first frame '$first'"
			thread_of "$T/on-bt.out" "$t" | head -n 6 | sed 's/^/    | /' >&2
			ok=0
			break
		fi
	done
fi
if [ $ok = 1 ]; then
	for want in "$sleep_pid:(do_nanosleep|hrtimer_nanosleep|common_nsleep|__x64_sys_(clock_)?nanosleep)" \
	    "$reader_pid:pipe_read" "$waiter_pid:(do_wait|kernel_wait4|__do_sys_wait4)"; do
		t=${want%%:*} re=${want#*:}
		if ! thread_of "$T/on-bt.out" "$t" | grep -aqE " in ($re) \\(|^#[0-9]+ +($re) \\("; then
			fail sleepers-1-traces "thread $t: no /$re/ in its trace"
			thread_of "$T/on-bt.out" "$t" | head -n 12 | sed 's/^/    | /' >&2
			ok=0
			break
		fi
		e2e_log "thread $t: $(thread_of "$T/on-bt.out" "$t" | grep -aoE " in [A-Za-z_0-9.]+ \\(|^#[0-9]+ +[A-Za-z_0-9.]+ \\(" | sed -E 's/^ in |^#[0-9]+ +//; s/ \($//' | head -n 8 | tr '\n' ' ')"
	done
fi
[ $ok = 1 ] && pass sleepers-1-traces

# sleepers-2
if check_clean sleepers-2-off "$T/off.gdb"; then
	n=$(wc -l <"$T/d-bt.out")
	if [ "$n" -lt 20 ]; then
		fail sleepers-2-off "only $n lines of direct output"
	elif ! cmp -s "$T/d-bt.out" "$T/off-bt.out"; then
		fail sleepers-2-off "$(diff "$T/d-bt.out" "$T/off-bt.out" | grep -c '^[<>]') of $n lines differ"
		diff "$T/d-bt.out" "$T/off-bt.out" | head -n 20 | sed 's/^/    | /' >&2
	elif cmp -s "$T/d-bt.out" "$T/on-bt.out"; then
		fail sleepers-2-off "the bridge with sleepers on printed the direct output too"
	else
		e2e_log "sleepers off: $n lines identical to the direct line"
		pass sleepers-2-off
	fi
fi

# sleepers-3
r0=$(frames_read on 1) r1=$(frames_read on 2) r2=$(frames_read on 3)
e2e_log "frames read: $r0 before, $r1 after the first bt, $r2 after the second"
if [ -z "$r0" ] || [ -z "$r1" ] || [ -z "$r2" ]; then
	fail sleepers-3-reads "no counters from monitor bridge sleepers"
	grep -a '^sleepers' "$T/on.gdb" | sed 's/^/    | /' >&2
elif [ $((r1 - r0)) -ne "$nasleep" ]; then
	fail sleepers-3-reads "$((r1 - r0)) frames read for $nasleep sleeping tasks"
elif [ "$r2" -ne "$r1" ]; then
	fail sleepers-3-reads "the second bt at the same stop read $((r2 - r1)) frames again"
elif ! cmp -s "$T/on-bt.out" "$T/on-bt2.out"; then
	fail sleepers-3-reads "the second bt differs from the first"
	diff "$T/on-bt.out" "$T/on-bt2.out" | head -n 10 | sed 's/^/    | /' >&2
else
	pass sleepers-3-reads
fi
lab_stop
exit 0
