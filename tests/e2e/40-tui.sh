#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: kgdb-tui in tmux on kgdb-bridge and the real lab kernel,
# behind the shaper at 115200 baud (issue 5).  tmux send-keys drives it,
# capture-pane reads it.  Cases:
#   tui-1-panic     after a sysrq-c panic the summary names sysrq_handle_crash
#   tui-2-rip       the registers pane's RIP is gdb's $pc for the same stop
#   tui-3-stack     every frame-pointer return address the stack pane names
#                   is a frame of gdb's bt
#   tui-4-log       the log pane's last records are the last lines of kdb's
#                   dmesg (gdb "monitor dmesg"), debug-level ones included
#   tui-5-gdb-owns  with gdb attached, the continue key is refused
#   tui-6-console   console lines reach the log pane while the kernel runs
#   tui-7-keys      b breaks in, c continues (no gdb); a second stop reads
#                   only the new records (lab.kmsg=1 ticks); the bytes and
#                   times of both views go to $E2E_KEEP/measure.txt
#   tui-8-launch    kgdb-bridge --tui: the TUI on the bridge's terminal, the
#                   bridge's log in CTL.log, both gone after q
#   tui-9-resize    shrunk to 80x24 it redraws; q leaves the alternate
#                   screen (the terminal is restored)
#   tui-10-crash    a TUI killed by SIGSEGV restores the terminal too, and
#                   the bridge does not notice
#   tui-11-thread   t 1 Enter: init's registers and stack are read
#   tui-12-panic-more  the SysRq-c panic's summary, whose text names no
#                   task, taint or trace, gets them from memory: the
#                   task line names init (pid 1, which writes the
#                   SysRq-c), a taint line, and a trace from the stack
#                   through sysrq_handle_crash whose reliable frames are
#                   all frames of gdb's bt
#   tui-13-tasks    lab.mode=sleepers stopped by SysRq-g, key T: the
#                   tasks view lists the lab's sleep blocked in a
#                   nanosleep function, the cat in pipe_read, the shell
#                   waiting in do_wait, init stopped here
#   tui-14-trace    the cat selected: its call-trace panel starts in the
#                   scheduler (__switch_to on arm64, where the saved pc
#                   is) and goes through pipe_read and vfs_read,
#                   reliable, beside its raw stack words
# TUI_GROUPS picks groups (default "p i s").
# Every case FAILs with the reason when tmux, the bridge or the lab is
# missing.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_setup tui

ALL="tui-1-panic tui-2-rip tui-3-stack tui-4-log tui-5-gdb-owns tui-6-console
tui-7-keys tui-8-launch tui-9-resize tui-10-crash tui-11-thread
tui-12-panic-more tui-13-tasks tui-14-trace"
# shellcheck disable=SC2086
fail_every() { fail_all "$1" $ALL; }
TUI=$BUILD/kgdb-tui
command -v tmux >/dev/null || "$E2E_ROOT/scripts/deps.sh" build >&2 ||
	fail_every "tmux missing (scripts/deps.sh build)"
command -v tmux >/dev/null || fail_every "tmux missing (scripts/deps.sh build)"
[ -x "$TUI" ] || fail_every "$TUI not built yet"
bridge_ready || fail_every "$E2E_WHY"
need_lab || fail_every "$E2E_WHY"

# A private tmux server, killed with everything else.
TM_SOCK=kgdb-e2e-tui-$$
# enclosing_fn NAME: the sized function of the lab's vmlinux that holds
# the label NAME (a symbol of no size), if NAME is one.
enclosing_fn() {
	nm -S --defined-only "$VMLINUX" 2>/dev/null | python3 -c '
import sys
name, at, funcs = sys.argv[1], None, []
for line in sys.stdin:
    w = line.split()
    if len(w) == 3 and w[2] == name:
        at = int(w[0], 16)
    elif len(w) == 4:
        funcs.append((int(w[0], 16), int(w[1], 16), w[3]))
for lo, size, fn in funcs:
    if at is not None and lo <= at < lo + size:
        print(fn)
        break
' "$1"
}

tm() { tmux -L "$TM_SOCK" -f /dev/null "$@"; }
TM_W=120 TM_H=50

# tui_run NAME COMMAND: a tmux session NAME running COMMAND; it stays
# (remain-on-exit) so the last screen can still be read.
tui_run() {
	local name=$1
	shift
	if ! tm has-session 2>/dev/null; then
		tm new-session -d -s keep -x "$TM_W" -y "$TM_H" "sleep 100000" || return 1
		e2e_track "$(tm display-message -p -t keep '#{pid}')"
	fi
	tm new-session -d -s "$name" -x "$TM_W" -y "$TM_H" "$*" || return 1
	tm set-option -t "$name" remain-on-exit on >/dev/null
}

# gdb_run in the background; sets GDB_PID.
gdb_bg() {
	gdb_run "$@" &
	GDB_PID=$!
	e2e_track "$GDB_PID"
}

pane() { tm capture-pane -p -t "$1" 2>/dev/null; }

# wait_pane NAME REGEX SECONDS: until the screen shows REGEX.
wait_pane() {
	local i n=$(($3 * 5))
	for ((i = 0; i < n; i++)); do
		pane "$1" | grep -aqE -- "$2" && return 0
		sleep 0.2
	done
	return 1
}

keep_pane() { pane "$1" >"$T/$2.pane"; }

# Parts of a screen: above the panic summary's rule, the left column
# (registers, stack) and the right one (the log), below it.
above_rule() { sed '/^-----/q' "$1"; }
below_rule() {
	if grep -q '^-----' "$1"; then sed '1,/^-----/d' "$1"; else sed 1d "$1"; fi
}
# (The bottom row is the message line, across both columns: left out.)
left_col() { below_rule "$1" | sed '$d' | cut -c1-50; }
right_col() { below_rule "$1" | sed '$d' | cut -c52-; }

# The bridge's wire counters (target link), as "rx tx".
wire_bytes() {
	local s
	s=$(bridge_ctl status 2>/dev/null)
	echo "$(grep -o '"rx_bytes":[0-9]*' <<<"$s" | cut -d: -f2)" \
	    "$(grep -o '"tx_bytes":[0-9]*' <<<"$s" | cut -d: -f2)"
}

# The TUI's exit status goes to $T/NAME.rc (tmux may lose it under load).
tui_start() { # name
	tui_run "$1" "ulimit -c 0; $TUI --ctl $BR_CTL --vmlinux $VMLINUX 2>$T/$1.tui.err; echo \$? >$T/$1.rc"
}

# tui_exit NAME: once the TUI of tui_start NAME has ended (up to 5 s),
# "STATUS ALT": its exit status and whether the pane is still on the
# alternate screen (0: the terminal was restored).
tui_exit() {
	for _ in $(seq 1 50); do
		[ -s "$T/$1.rc" ] && break
		sleep 0.1
	done
	sleep 0.3
	echo "$(cat "$T/$1.rc" 2>/dev/null) $(tm display-message -p -t "$1" '#{alternate_on}')"
}

# ---- group P: the panic, read by the TUI, then by gdb
group_p() {
	local c rip_tui rip_gdb names n bad last line
	if ! lab_start p --mode panic --after 8 ||
	    ! line_start --baud 115200 ||
	    ! bridge_start "tcp:127.0.0.1:$LINE_PORT" ||
	    ! tui_start p; then
		for c in 1-panic 2-rip 3-stack 4-log 5-gdb-owns 9-resize 10-crash 12-panic-more; do
			fail "tui-$c" "${E2E_WHY:-lab, bridge or tmux did not start}"
		done
		return
	fi
	if ! wait_for "$BR_LOG" 'kdb>|sysrq triggered crash' 90 ||
	    ! wait_pane p 'refreshed:' 120; then
		keep_pane p p
		for c in 1-panic 2-rip 3-stack 4-log 5-gdb-owns 9-resize 10-crash 12-panic-more; do
			fail "tui-$c" "no panic stop read by the TUI (see $E2E_KEEP/p.pane)"
		done
		return
	fi
	sleep 1
	keep_pane p p
	e2e_log "panic screen:"
	sed 's/^/    | /' "$T/p.pane" | head -n 40 >&2

	# 1: the summary band, above the rule.
	if above_rule "$T/p.pane" | grep -q 'sysrq_handle_crash'; then
		pass tui-1-panic
	else
		fail tui-1-panic "summary does not name sysrq_handle_crash"
	fi

	# 12: what the report leaves out, from memory (read behind the
	# first view: wait for it).
	local pm_pid t0
	t0=$(date +%s.%N)
	wait_pane p 'trace .*\(from the stack\)' 120
	keep_pane p p-more
	e2e_log "panic lines from memory: $(echo "$(date +%s.%N) - $t0" | bc) s after the first view"
	pm_pid=$(above_rule "$T/p-more.pane" |
	    sed -nE 's/^task +(CPU [0-9]+ +)?PID ([0-9]+) +([^ ]+) +\(from memory\).*/\2 \3/p')
	if [ -n "$pm_pid" ] && [ -n "${pm_pid#* }" ] &&
	    above_rule "$T/p-more.pane" | grep -qE '^taint .*\(from memory\)' &&
	    above_rule "$T/p-more.pane" | sed -n '/^trace/,$p' | grep -q 'sysrq_handle_crash'; then
		PM_PID=$pm_pid
	else
		fail tui-12-panic-more "no task/taint/trace lines from memory (see $E2E_KEEP/p-more.pane)"
		above_rule "$T/p-more.pane" | sed 's/^/    | /' >&2
	fi

	# gdb on the same stop; meanwhile the TUI's continue key is refused.
	gdb_bg p-gdb "$BR_GDB_PORT" -ex 'echo @@thr\n' -ex 'thread' \
	    -ex 'echo @@pc\n' -ex 'p/x $pc' \
	    -ex "info registers $E2E_PC" -ex 'echo @@bt\n' -ex 'bt' \
	    -ex 'echo @@dmesg\n' -ex 'monitor dmesg 12' \
	    -ex 'shell sleep 6' -ex 'echo @@done\n' "${GDB_VANISH[@]}"
	for _ in $(seq 1 100); do
		grep -q '@@done\|@@dmesg' "$T/p-gdb.gdb" 2>/dev/null && break
		sleep 0.2
	done
	tm send-keys -t p c
	if wait_pane p 'continue: gdb holds control' 10; then
		pass tui-5-gdb-owns
	else
		keep_pane p p-keys
		fail tui-5-gdb-owns "no refusal on screen (see $E2E_KEEP/p-keys.pane)"
	fi
	wait "$GDB_PID" 2>/dev/null

	# 12 (end): the lab's init (pid 1) writes the SysRq-c itself
	# (hw-tests/lab/init, lab.mode=panic), and every reliable frame of
	# the trace from the stack is a frame of gdb's bt at this stop.
	if [ -n "${PM_PID:-}" ]; then
		sed -n '/@@bt/,/@@dmesg/p' "$T/p-gdb.gdb" >"$T/p.bt12"
		names=$(above_rule "$T/p-more.pane" | sed -n '/^trace/,$p' |
		    sed -E 's/^(trace)? +//' | grep -v '^?' |
		    sed -nE 's/^([A-Za-z0-9_.]+)\+0x.*/\1/p')
		n=0 bad=
		for f in $names; do
			n=$((n + 1))
			grep -qE "^#[0-9]+ +(0x[0-9a-f]+ in )?$f \(" "$T/p.bt12" && continue
			# The TUI names a pc as the kernel does, by the
			# nearest symbol, a label too (riscv64's
			# kgdb_compiled_break inside kgdb_breakpoint); gdb
			# names the function around it.
			g=$(enclosing_fn "$f")
			[ -n "$g" ] && grep -qE "^#[0-9]+ +(0x[0-9a-f]+ in )?$g \(" "$T/p.bt12" && continue
			bad="$bad $f"
		done
		if [ "$PM_PID" != "1 init" ]; then
			fail tui-12-panic-more "summary says PID $PM_PID, the lab's init (1) panicked"
		elif [ "$n" -lt 4 ] || [ -n "$bad" ]; then
			fail tui-12-panic-more "trace from the stack: ${names//$'\n'/ } (not in gdb bt:${bad:- too few})"
		else
			pass tui-12-panic-more
		fi
	fi

	# 2: RIP.
	# (a register or stack word: 16 hex digits, 8 on 32-bit arm)
	rip_tui=$(left_col "$T/p.pane" | grep -oE "^$E2E_PC +([0-9a-f]{16}|[0-9a-f]{8})( |$)" | awk '{print $2}')
	rip_gdb=$(grep -oE '^\$1 = 0x[0-9a-f]+' "$T/p-gdb.gdb" | sed 's/.*0x//')
	if [ -n "$rip_tui" ] && [ -n "$rip_gdb" ] &&
	    [ "$((16#$rip_tui))" = "$((16#$rip_gdb))" ] &&
	    grep -qE "^$E2E_PC +0x0*$rip_gdb" "$T/p-gdb.gdb"; then
		pass tui-2-rip
	else
		fail tui-2-rip "pane rip '$rip_tui', gdb \$pc '$rip_gdb'"
		sed 's/^/    | /' "$T/p-gdb.gdb" | tail -n 20 >&2
	fi

	# 3: the stack pane's frame-pointer return addresses ('>' rows).
	names=$(left_col "$T/p.pane" |
	    sed -nE 's/^\+[0-9a-f]+>([0-9a-f]{16}|[0-9a-f]{8}) ([A-Za-z0-9_.]+)\+0x.*/\2/p')
	sed -n '/@@bt/,/@@dmesg/p' "$T/p-gdb.gdb" >"$T/p.bt"
	n=0 bad=
	for f in $names; do
		n=$((n + 1))
		grep -qE "^#[0-9]+ +(0x[0-9a-f]+ in )?$f \(" "$T/p.bt" || bad="$bad $f"
	done
	if [ "$n" -gt 0 ] && [ -z "$bad" ]; then
		pass tui-3-stack
	else
		fail tui-3-stack "stack pane frames: ${names//$'\n'/ } (not in gdb bt:${bad:- none found})"
		sed 's/^/    | /' "$T/p.bt" >&2
	fi

	# 4: the log pane's last three lines, without timestamps, are among
	# the last lines of the kernel's log as kdb prints it.
	sed -n '/@@dmesg/,/@@done/p' "$T/p-gdb.gdb" >"$T/p.dmesg"
	right_col "$T/p.pane" | sed 's/ *$//' | grep -v '^$' | tail -n 3 |
	    sed -E 's/^\[ *[0-9]+\.[0-9]+\] ?//' >"$T/p.loglast"
	n=0 bad=
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		n=$((n + 1))
		grep -aqF -- "$line" "$T/p.dmesg" || bad="$bad [$line]"
	done <"$T/p.loglast"
	if [ "$n" -ge 3 ] && [ -z "$bad" ]; then
		pass tui-4-log
	else
		fail tui-4-log "last log lines not in kdb's dmesg:${bad:- only $n lines}"
		sed 's/^/    | /' "$T/p.dmesg" >&2
	fi

	# 9: 80x24, then q.
	tm resize-window -t p -x 80 -y 24 2>/dev/null ||
	    tm resize-pane -t p -x 80 -y 24
	sleep 1
	keep_pane p p-80x24
	tm send-keys -t p q
	local st
	st=$(tui_exit p)
	if head -n 1 "$T/p-80x24.pane" | grep -qE '(stopped|kdb)' &&
	    grep -q 'PANIC' "$T/p-80x24.pane" &&
	    [ "$(wc -l <"$T/p-80x24.pane")" -le 24 ] && [ "$st" = "0 0" ]; then
		pass tui-9-resize
	else
		fail tui-9-resize "exit status/alternate screen: '$st' (see $E2E_KEEP/p-80x24.pane)"
	fi

	# 10: SIGSEGV.
	local pid
	if tui_start c && wait_pane c 'registers' 30; then
		pid=$(pgrep -P "$(tm display-message -p -t c '#{pane_pid}')" | head -n 1)
		kill -SEGV "$pid"
		# 139: killed by SIGSEGV (128 + 11), as the shell reports it.
		st=$(tui_exit c)
		if [ "$st" = "139 0" ] && bridge_ctl ping >/dev/null; then
			pass tui-10-crash
		else
			fail tui-10-crash "exit status/alternate screen: '$st' (or the bridge went)"
		fi
		tm kill-session -t c
	else
		fail tui-10-crash "second TUI did not come up"
	fi
	tm kill-session -t p
	bridge_stop
	lab_stop
}

# ---- group I: an idle kernel logging a record a second; keys; the wire
group_i() {
	local w0 w1 w2 w3 m1 m2 t0 t1 t2 t3 c
	# A telnet line: the b key's BREAK must reach the UART.
	if ! lab_start i --serial telnet --mode idle --tick 1 \
	    --append lab.kmsg=1 ||
	    ! line_start --telnet --baud 115200 ||
	    ! bridge_start "telnet:127.0.0.1:$LINE_PORT" ||
	    ! tui_start i; then
		for c in 6-console 7-keys 8-launch 11-thread; do
			fail "tui-$c" "${E2E_WHY:-lab, bridge or tmux did not start}"
		done
		return
	fi
	# 6: ticks on the log pane while the kernel runs.
	if wait_pane i 'lab: tick [0-9]+' 90; then
		pass tui-6-console
	else
		keep_pane i i-run
		fail tui-6-console "no tick on the log pane (see $E2E_KEEP/i-run.pane)"
	fi

	# 7: break in with b: the first view (registers, stack, the newest
	# records); continue with c; four ticks later b again: only those.
	w0=$(wire_bytes)
	t0=$(date +%s.%N)
	tm send-keys -t i b
	if ! wait_pane i 'refreshed:' 120; then
		keep_pane i i-b1
		fail tui-7-keys "no view after b (see $E2E_KEEP/i-b1.pane)"
		fail tui-8-launch "not run: no stop"
		fail tui-11-thread "not run: no stop"
		bridge_stop
		lab_stop
		return
	fi
	t1=$(date +%s.%N)
	w1=$(wire_bytes)
	keep_pane i i-b1
	m1=$(grep -o 'refreshed: .*' "$T/i-b1.pane")
	tm send-keys -t i c
	local ran=1 b1 b2
	wait_pane i ' running ' 20 || ran=
	keep_pane i i-c
	sleep 4.5
	w2=$(wire_bytes)
	t2=$(date +%s.%N)
	tm send-keys -t i b
	# The second view: a "refreshed:" line other than the first one's.
	m2=
	for _ in $(seq 1 600); do
		keep_pane i i-b2
		m2=$(grep -o 'refreshed: .*' "$T/i-b2.pane")
		[ -n "$m2" ] && [ "$m2" != "$m1" ] && break
		sleep 0.2
	done
	t3=$(date +%s.%N)
	w3=$(wire_bytes)
	{
		echo "first view (b at 115200): $m1"
		echo "  wire: rx $(( ${w1% *} - ${w0% *} )) B, tx $(( ${w1#* } - ${w0#* } )) B, from key to screen $(echo "$t1 - $t0" | bc) s"
		echo "refresh after new records: $m2"
		echo "  wire: rx $(( ${w3% *} - ${w2% *} )) B, tx $(( ${w3#* } - ${w2#* } )) B, from key to screen $(echo "$t3 - $t2" | bc) s"
	} >"$T/measure.txt"
	sed 's/^/    measure: /' "$T/measure.txt" >&2
	# "refreshed: N B in ...": what the TUI read for each view.  The
	# second reads only the records added since the first, so it reads
	# less, and the bridge's line carried less for it.
	b1=$(sed -n 's/^refreshed: \([0-9]*\) B .*/\1/p' <<<"$m1")
	b2=$(sed -n 's/^refreshed: \([0-9]*\) B .*/\1/p' <<<"$m2")
	if [ -z "$ran" ]; then
		fail tui-7-keys "no 'running' after c (see $E2E_KEEP/i-c.pane)"
	elif [ -z "$m1" ] || [ -z "$m2" ] || [ "$m2" = "$m1" ] ||
	    ! right_col "$T/i-b2.pane" | grep -q 'lab: tick' ||
	    ! left_col "$T/i-b2.pane" | grep -qE "^$E2E_PC +${E2E_KTEXT#0x}"; then
		fail tui-7-keys "second view missing (see $E2E_KEEP/i-b2.pane)"
	elif [ -z "$b1" ] || [ -z "$b2" ] || [ "$b2" -eq 0 ] ||
	    [ "$b2" -ge "$b1" ]; then
		fail tui-7-keys "the second view read ${b2:-?} B, the first ${b1:-?} B: not only the new records"
	elif [ $(( ${w3% *} - ${w2% *} )) -ge $(( ${w1% *} - ${w0% *} )) ]; then
		fail tui-7-keys "the line carried $(( ${w3% *} - ${w2% *} )) B for the second view, $(( ${w1% *} - ${w0% *} )) B for the first"
	else
		pass tui-7-keys
	fi

	# 11: thread 1 (init, asleep in the kernel): read again for it.
	tm send-keys -t i t
	tm send-keys -t i 1 Enter
	if wait_pane i 'refreshed:' 60 && keep_pane i i-t1 &&
	    ! grep -q 'thread:' "$T/i-t1.pane" &&
	    left_col "$T/i-t1.pane" | grep -qE '^stack  sp ' &&
	    [ "$(left_col "$T/i-t1.pane" | grep -oE "^$E2E_SP +[0-9a-f]+")" != \
	      "$(left_col "$T/i-b2.pane" | grep -oE "^$E2E_SP +[0-9a-f]+")" ]; then
		pass tui-11-thread
	else
		keep_pane i i-t1
		fail tui-11-thread "no view of thread 1 (see $E2E_KEEP/i-t1.pane)"
	fi
	tm kill-session -t i
	bridge_stop

	# 8: kgdb-bridge --tui on the same line (the shaper takes a new client).
	local ctl=$T/i-launch.ctl
	tui_run l "$BRIDGE --tui --ctl $ctl --gdb-port off --console-port off --vmlinux $VMLINUX telnet:127.0.0.1:$LINE_PORT; echo @@exit=\$?; sleep 100000"
	if wait_pane l 'telnet:127\.0\.0\.1:[0-9]+ .*(unknown|running|stopped|kdb)' 30 &&
	    ! pane l | grep -q 'kgdb-bridge:' && [ -s "$ctl.log" ]; then
		keep_pane l l
		tm send-keys -t l q
		if wait_pane l '@@exit=0' 15 && ! pgrep -f -- "--ctl $ctl" >/dev/null; then
			pass tui-8-launch
		else
			keep_pane l l-q
			fail tui-8-launch "bridge still up after q (see $E2E_KEEP/l-q.pane)"
		fi
	else
		keep_pane l l
		fail tui-8-launch "no TUI, or bridge log on the terminal (see $E2E_KEEP/l.pane)"
	fi
	tm kill-session -t l
	lab_stop
}

# ---- group S: tasks blocked where the lab's init left them; the tasks view
group_s() {
	local pids sleep_pid reader_pid waiter_pid n rows row ok c
	# The bridge and the TUI are up before init's SysRq-g: they see the
	# kernel stop.
	if ! lab_start s --mode sleepers --after 8 --tick 0 --append norandmaps ||
	    ! line_start --baud 115200 ||
	    ! bridge_start "tcp:127.0.0.1:$LINE_PORT" ||
	    ! tui_start s || ! wait_for "$(line_rx)" 'kdb>' 120; then
		for c in 13-tasks 14-trace; do
			fail "tui-$c" "${E2E_WHY:-lab, bridge or tmux did not start}"
		done
		return
	fi
	pids=$(tr -d '\r' <"$(line_rx)" | sed -n 's/.*lab: sleepers \(sleep=.*\)/\1/p' | tail -n 1)
	sleep_pid=$(echo "$pids" | sed -n 's/.*sleep=\([0-9]*\).*/\1/p')
	reader_pid=$(echo "$pids" | sed -n 's/.*reader=\([0-9]*\).*/\1/p')
	waiter_pid=$(echo "$pids" | sed -n 's/.*waiter=\([0-9]*\).*/\1/p')
	if [ -z "$sleep_pid" ] || [ -z "$reader_pid" ] || [ -z "$waiter_pid" ] ||
	    ! wait_pane s 'refreshed:' 120; then
		keep_pane s s
		fail tui-13-tasks "no pids ('$pids') or no first view (see $E2E_KEEP/s.pane)"
		fail tui-14-trace "not run"
		tm kill-session -t s
		bridge_stop
		lab_stop
		return
	fi
	local t0 t1
	t0=$(date +%s.%N)
	tm send-keys -t s T
	wait_pane s 'tasks: [0-9]+, ' 300
	t1=$(date +%s.%N)
	keep_pane s s-walk
	# The end of the table, where the sleepers are (the newest tasks).
	tm send-keys -t s G
	sleep 1
	keep_pane s s-tasks
	e2e_log "tasks view: $(grep -o 'tasks: [0-9]*, .*' "$T/s-walk.pane"), from T to the table $(echo "$t1 - $t0" | bc) s"
	sed 's/^/    | /' "$T/s-tasks.pane" | head -n 30 >&2
	# row PID: the table row of PID ("PID S CPU COMM BLOCKED-IN").
	row() { sed '/^-----/,$d' "$T/s-tasks.pane" | grep -E "^ +$1 [A-Za-z] +[0-9]+ "; }
	ok=1
	row "$sleep_pid" | grep -qE ' sleep +[A-Za-z_]*nanosleep[A-Za-z_]*\+0x' || ok=0
	row "$reader_pid" | grep -qE ' cat +pipe_read\+0x' || ok=0
	row "$waiter_pid" | grep -qE ' sh +do_wait\+0x' || ok=0
	if [ $ok = 1 ]; then
		pass tui-13-tasks
	else
		fail tui-13-tasks "sleep $sleep_pid, cat $reader_pid, sh $waiter_pid not where the lab left them (see $E2E_KEEP/s-tasks.pane)"
	fi

	# 14: up from the last row to the cat's.
	rows=$(sed '/^-----/,$d' "$T/s-tasks.pane" | grep -E '^ +[0-9]+ [A-Za-z] +[0-9]+ ' |
	    awk '{print $1}')
	n=$(echo "$rows" | awk -v p="$reader_pid" '$1 == p { i = NR } END { print NR - i }')
	for ((c = 0; c < n; c++)); do
		tm send-keys -t s k
	done
	if wait_pane s "call trace +pid $reader_pid cat" 60 && sleep 1 &&
	    keep_pane s s-trace &&
	    sed '1,/^-----/d' "$T/s-trace.pane" | cut -c1-62 >"$T/s-trace.txt" &&
	    sed -n 2p "$T/s-trace.txt" | grep -qE '^(__switch_to|__schedule|schedule)\+0x' &&
	    grep -qE '^pipe_read\+0x' "$T/s-trace.txt" &&
	    grep -qE '^vfs_read\+0x' "$T/s-trace.txt" &&
	    sed '1,/^-----/d' "$T/s-trace.pane" | cut -c64- | grep -qE '^stack  sp '; then
		pass tui-14-trace
	else
		keep_pane s s-trace
		fail tui-14-trace "no call trace of the cat (see $E2E_KEEP/s-trace.pane)"
		sed 's/^/    | /' "$T/s-trace.pane" >&2
	fi
	tm send-keys -t s q
	tm kill-session -t s
	bridge_stop
	lab_stop
}

for g in ${TUI_GROUPS:-p i s}; do
	case $g in
	p) group_p ;;
	i) group_i ;;
	s) group_s ;;
	esac
done
tm kill-server 2>/dev/null
exit 0
