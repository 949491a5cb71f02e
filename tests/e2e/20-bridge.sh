#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end through kgdb-bridge: the real kernel under QEMU, a shaper line
# in front of it, build/kgdb-bridge on that line, real batch gdb on the
# bridge's gdb port and raw clients on its console port.  Cases (issue 4):
#   bridge-1-connect      kdb prompt after kgdbwait: regs, bt, threads (one
#                         shadowCPU per CPU the kernel brought up, 2 or
#                         more), mem, dis
#   bridge-2-breakpoint   break, continue, hit, bt, next/step/stepi, finish
#   bridge-3-interrupt    running kernel, gdb interrupt -> BREAK+g, continue
#   bridge-4-panic        sysrq-c panic, bt through sysrq_handle_crash
#   bridge-5-kdb          kdb ps/dmesg on the console, gdb monitor ps, kdb again
#   bridge-6-reattach     detach then a new gdb; SIGKILLed gdb then a new gdb
#   bridge-7-flood        console flood while gdb is attached: every byte, in
#                         order, no packet bytes, in clients and transcript
#   bridge-8-ber          115200 baud, BER 1e-4 both ways: case 1 output equal
#                         to a clean run, 10 runs of 10
#   bridge-9-cut          line cut 5 s while stopped, restored, same gdb goes on
#   bridge-10-second-gdb  a second gdb is refused while the first holds control
# Every case FAILs with the reason when the bridge or the lab is missing.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_setup bridge

ALL="bridge-1-connect bridge-2-breakpoint bridge-3-interrupt bridge-4-panic
bridge-5-kdb bridge-6-reattach bridge-7-flood bridge-8-ber bridge-9-cut
bridge-10-second-gdb"
# shellcheck disable=SC2086
fail_every() { fail_all "$1" $ALL; }
bridge_ready || fail_every "$E2E_WHY"
need_lab || fail_every "$E2E_WHY"
# E2E_CASES="bridge-1-connect ..." runs a subset; every other case says
# so with a SKIP, and a bridge-* name that is no case here FAILs.
if [ -n "${E2E_CASES:-}" ]; then
	want() { [[ " $E2E_CASES " == *" $1 "* ]]; }
	for c in $E2E_CASES; do
		case "$c" in
		bridge-*) [[ " $(echo $ALL) " == *" $c "* ]] ||
		    fail "$c" "no such case in $(basename "$0")" ;;
		esac
	done
	for c in $ALL; do want "$c" || skip "$c" "not in E2E_CASES"; done
else
	want() { return 0; }
fi
# shellcheck disable=SC2086
echo "PLAN: $(echo $ALL | wc -w)"

# The gdb commands of case 1 (also the reference of case 8).
CASE1=(-ex 'echo @@regs\n' -ex 'info registers'
	-ex 'echo @@bt\n' -ex 'bt'
	-ex 'echo @@threads\n' -ex 'info threads'
	-ex 'echo @@mem\n' -ex 'x/32gx $sp' -ex 'p jiffies'
	-ex 'echo @@dis\n' -ex 'x/16i $pc'
	-ex 'echo @@frame\n' -ex 'frame 1')

check_case1() { # name file
	check_clean "$1" "$2" &&
	    check_log "$1" "$2" "^$E2E_PC +$E2E_KTEXT" "^$E2E_SP +$E2E_KSP" "^$E2E_FLAGS" \
		'^#0 .*kgdb_breakpoint' \
		'Thread .*(swapper|init|kthreadd|shadowCPU)' \
		"^${E2E_KSP}[0-9a-f]+:[[:space:]]+0x[0-9a-f]{16}" '^\$1 = [0-9]+' \
		"=> ${E2E_KTEXT}[0-9a-f]+ <(arch_)?kgdb_breakpoint\+[0-9]+>:" '^#1 '
}

# gdb_bg NAME PORT [gdb args]: gdb_run in the background; sets GDB_PID.
gdb_bg() {
	gdb_run "$@" &
	GDB_PID=$!
	e2e_track "$GDB_PID"
}

# last_tick FILE: the number of the last "lab: tick N" line in FILE (0 if
# none): the lab's init numbers its ticks, so a later stop can tell new
# ones from old.
last_tick() {
	tr -d '\r' <"$1" | sed -n 's/.*lab: tick \([0-9]\+\).*/\1/p' | tail -n 1 | grep . || echo 0
}

# tick_after FILE N SECONDS: wait (at most SECONDS) until FILE holds a
# tick numbered above N, then a second more.  A kernel resumed from the
# kgdbwait stop takes its time to reach init (about 6 s on the arm64
# lab), so a fixed wait would interrupt it before its first tick.
tick_after() {
	local i
	for ((i = 0; i < $3 * 5; i++)); do
		[ "$(last_tick "$1")" -gt "$2" ] && break
		sleep 0.2
	done
	sleep 1
}

# last_ran CASE: of the gdb cases of group A up to CASE, in the order
# they run, the last one this run selected; empty if none.
A_ORDER="bridge-1-connect bridge-10-second-gdb bridge-6-reattach bridge-5-kdb
bridge-9-cut bridge-3-interrupt bridge-2-breakpoint"
last_ran() {
	local c last=
	for c in $A_ORDER; do
		want "$c" && last=$c
		[ "$c" = "$1" ] && break
	done
	echo "$last"
}

# The bridge's console, as the clients and the transcript saw it.
console_has() { wait_for "$1" "$2" "${3:-20}"; }

boot_bridge() { # name line-opts -- lab-opts
	local name=$1 lopts=() bopts=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do lopts+=("$1"); shift; done
	shift
	E2E_WHY=
	lab_start "$name" "$@" || { E2E_WHY="lab did not boot"; return 1; }
	line_start "${lopts[@]}" || { E2E_WHY="shaper did not start"; return 1; }
	local target=tcp:127.0.0.1:$LINE_PORT
	[[ " ${lopts[*]} " == *" --telnet "* ]] && target=telnet:127.0.0.1:$LINE_PORT
	bridge_start "$target" "${BR_EXTRA[@]}" || return 1
}

# ---- group A: kgdbwait on a telnet line (BREAK reaches the UART)
group_a() {
	local out rip1 rip2 c any=
	for c in 1-connect 10-second-gdb 6-reattach 5-kdb 9-cut 2-breakpoint 3-interrupt; do
		want "bridge-$c" && any=1
	done
	[ -n "$any" ] || return
	BR_EXTRA=()
	if ! boot_bridge a --telnet -- --serial telnet --kgdbwait --mode idle --tick 1; then
		for c in 1-connect 10-second-gdb 6-reattach 5-kdb 9-cut 2-breakpoint 3-interrupt; do
			fail "bridge-$c" "${E2E_WHY:-lab or bridge did not start}"
		done
		return
	fi
	console_client a1
	if ! console_has "$BR_LOG" 'kdb>|Waiting for connection' 60; then
		for c in 1-connect 10-second-gdb 6-reattach 5-kdb 9-cut 2-breakpoint 3-interrupt; do
			fail "bridge-$c" "no kgdbwait stop in the transcript"
		done
		return
	fi

	# 5 (kdb half): kdb commands typed on the console port, no gdb yet.
	if want bridge-5-kdb; then
		(exec 3<>"/dev/tcp/127.0.0.1/$BR_CON_PORT"; printf 'ps\r' >&3; sleep 2; printf 'dmesg 5\r' >&3; sleep 2) 2>/dev/null
		cp "$T/a1.console" "$T/a.kdb1"
	fi

	# 1
	want bridge-1-connect && gdb_run a-c1 "$BR_GDB_PORT" "${CASE1[@]}" -ex 'detach'
	# Every CPU the kernel brought up (its boot log on the line) is one
	# shadowCPU thread through the bridge too.
	want bridge-1-connect && check_case1 bridge-1-connect "$T/a-c1.gdb" &&
	    check_cpu_threads bridge-1-connect "$T/a-c1.gdb" "$(boot_cpus "$(line_rx)")" &&
	    pass bridge-1-connect

	# 10: gdb A holds control (sleeping inside gdb); gdb B must be refused.
	ensure_stopped "$(last_ran bridge-1-connect)"
	if want bridge-10-second-gdb; then
		gdb_bg a-c10a "$BR_GDB_PORT" -ex "info registers $E2E_PC" \
		    -ex 'shell sleep 6' -ex 'echo @@after\n' -ex "info registers $E2E_PC" -ex 'detach'
		sleep 3
		GDB_TIMEOUT=20 gdb_run a-c10b "$BR_GDB_PORT" -ex "info registers $E2E_PC"
		wait "$GDB_PID"
		if check_log bridge-10-second-gdb "$T/a-c10b.gdb" \
			'(refused|busy|already|in use|another gdb|controlled|owns)' &&
		    ! grep -aqE "^$E2E_PC +0x" "$T/a-c10b.gdb" &&
		    check_clean bridge-10-second-gdb "$T/a-c10a.gdb" &&
		    check_log bridge-10-second-gdb "$T/a-c10a.gdb" '@@after' "^$E2E_PC +$E2E_KTEXT"; then
			pass bridge-10-second-gdb
		elif grep -aqE "^$E2E_PC +0x" "$T/a-c10b.gdb"; then
			fail bridge-10-second-gdb "the second gdb got registers"
		fi
	fi

	# 6: detach leaves the kernel stopped; a SIGKILLed gdb too.
	ensure_stopped "$(last_ran bridge-10-second-gdb)"
	if want bridge-6-reattach; then
		gdb_run a-c6a "$BR_GDB_PORT" -ex "info registers $E2E_PC" -ex 'detach'
		gdb_run a-c6b "$BR_GDB_PORT" -ex "info registers $E2E_PC" -ex 'bt 3'
		gdb_bg a-c6c "$BR_GDB_PORT" -ex "info registers $E2E_PC" -ex 'shell sleep 30'
		wait_for "$T/a-c6c.gdb" "^$E2E_PC " 30
		gdb_kill a-c6c || fail bridge-6-reattach "no gdb process to kill"
		wait "$GDB_PID" 2>/dev/null
		sleep 1
		gdb_run a-c6d "$BR_GDB_PORT" -ex "info registers $E2E_PC" -ex 'bt 3' -ex 'detach'
		rip1=$(grep -a "^$E2E_PC " "$T/a-c6a.gdb" | awk '{print $2}')
		rip2=$(grep -a "^$E2E_PC " "$T/a-c6d.gdb" | awk '{print $2}')
		if check_clean bridge-6-reattach "$T/a-c6b.gdb" &&
		    check_clean bridge-6-reattach "$T/a-c6d.gdb" &&
		    check_log bridge-6-reattach "$T/a-c6b.gdb" "^$E2E_PC +$E2E_KTEXT" '^#0 ' &&
		    check_log bridge-6-reattach "$T/a-c6d.gdb" "^$E2E_PC +$E2E_KTEXT" '^#0 '; then
			if [ -n "$rip1" ] && [ "$rip1" = "$rip2" ] &&
			    [ "$rip1" = "$(grep -a "^$E2E_PC " "$T/a-c6b.gdb" | awk '{print $2}')" ]; then
				pass bridge-6-reattach
			else
				fail bridge-6-reattach "kernel moved between sessions ($rip1 vs $rip2)"
			fi
		fi
	fi

	# 5 (gdb half): monitor ps through qRcmd; then kdb again on the console.
	ensure_stopped "$(last_ran bridge-6-reattach)"
	if want bridge-5-kdb; then
		gdb_run a-c5 "$BR_GDB_PORT" -ex 'monitor ps' -ex 'detach'
		mark=$(stat -c %s "$T/a1.console")
		# Held open until kdb's answer is on the console (up to 15 s:
		# the switch from gdb mode back to kdb, then ps, at 115200
		# under load took more than the 3 s once waited here).
		(exec 3<>"/dev/tcp/127.0.0.1/$BR_CON_PORT"; sleep 1; printf 'ps\r' >&3
		    for _ in $(seq 75); do
			tail -c +"$((mark + 1))" "$T/a1.console" | grep -aq 'Task Addr' && break
			sleep 0.2
		    done) 2>/dev/null
		tail -c +"$((mark + 1))" "$T/a1.console" >"$T/a.kdb2"
		if check_log bridge-5-kdb "$T/a.kdb1" 'Task Addr' 'kdb>' &&
		    check_clean bridge-5-kdb "$T/a-c5.gdb" &&
		    check_log bridge-5-kdb "$T/a-c5.gdb" 'Task Addr +Pid +Parent' \
			'^0x([0-9a-f]{8}){1,2} +[0-9]+ +[0-9]+ +[01] +[0-9]+ +[A-Z] ' &&
		    check_log bridge-5-kdb "$T/a.kdb2" 'Task Addr'; then
			pass bridge-5-kdb
		fi
	fi

	# 9: the line vanishes for 5 s under a stopped kernel; same gdb goes on.
	ensure_stopped "$(last_ran bridge-5-kdb)"
	if want bridge-9-cut; then
		gdb_bg a-c9 "$BR_GDB_PORT" -ex "info registers $E2E_PC" \
		    -ex 'shell sleep 9' -ex 'echo @@after\n' \
		    -ex "info registers $E2E_PC" -ex 'bt 3' -ex 'x/2i $pc' -ex 'detach'
		wait_for "$T/a-c9.gdb" "^$E2E_PC " 30
		kill -USR1 "$LINE_PID"
		sleep 1
		bridge_ctl status >"$T/a-c9.status-down" 2>&1
		sleep 4
		kill -USR2 "$LINE_PID"
		wait "$GDB_PID"
		bridge_ctl status >"$T/a-c9.status-up" 2>&1
		if check_clean bridge-9-cut "$T/a-c9.gdb" &&
		    check_log bridge-9-cut "$T/a-c9.gdb" '@@after' '^#0 ' "=> $E2E_KTEXT" &&
		    check_log bridge-9-cut "$T/a-c9.status-down" '"link": ?"down"'; then
			if [ "$(grep -acE "^$E2E_PC +$E2E_KTEXT" "$T/a-c9.gdb")" = 2 ]; then
				pass bridge-9-cut
			else
				fail bridge-9-cut "registers missing after the cut"
			fi
		fi
	fi

	# 3: let it run, interrupt (gdb's Ctrl-C: 0x03 -> BREAK+g), continue,
	# interrupt again.  Each stop must be gdb's report of a signal, and
	# the console's numbered ticks must go on after each continue: the
	# kernel really ran.
	ensure_stopped "$(last_ran bridge-9-cut)"
	if want bridge-3-interrupt; then
		local n0 n1 n1s n2 s1 s2
		n0=$(last_tick "$T/a1.console")
		gdb_bg a-c3 "$BR_GDB_PORT" -ex 'echo @@go1\n' -ex 'continue' \
		    -ex 'echo @@stop1\n' -ex 'bt 2' -ex 'echo @@go2\n' \
		    -ex 'continue' -ex 'echo @@stop2\n' \
		    -ex "info registers $E2E_PC" -ex 'detach'
		tick_after "$T/a1.console" "$n0" 30
		n1=$(last_tick "$T/a1.console")
		gdb_interrupt a-c3
		wait_for "$T/a-c3.gdb" '@@stop1' 20
		n1s=$(last_tick "$T/a1.console")
		tick_after "$T/a1.console" "$n1s" 30
		n2=$(last_tick "$T/a1.console")
		gdb_interrupt a-c3
		wait_for "$T/a-c3.gdb" '@@stop2' 20
		sleep 1
		gdb_interrupt a-c3
		wait "$GDB_PID"
		s1=$(gdb_section "$T/a-c3.gdb" go1 | grep -aoE 'received signal SIG[A-Z]+' | head -n 1)
		s2=$(gdb_section "$T/a-c3.gdb" go2 | grep -aoE 'received signal SIG[A-Z]+' | head -n 1)
		if check_clean bridge-3-interrupt "$T/a-c3.gdb" &&
		    check_log bridge-3-interrupt "$T/a-c3.gdb" '@@stop1' '^#0 ' \
			'@@stop2' "^$E2E_PC +$E2E_KTEXT"; then
			if [[ ! "$s1" =~ SIG(INT|TRAP)$ ]] || [[ ! "$s2" =~ SIG(INT|TRAP)$ ]]; then
				fail bridge-3-interrupt "a stop without gdb's SIGINT/SIGTRAP report (first: '$s1', second: '$s2')"
			elif [ "$n1" -le "$n0" ]; then
				fail bridge-3-interrupt "no console tick after the first continue (last tick $n0 before, $n1 at the interrupt)"
			elif [ "$n2" -le "$n1s" ]; then
				fail bridge-3-interrupt "no console tick after the second continue (last tick $n1s at the stop, $n2 at the interrupt)"
			else
				pass bridge-3-interrupt
			fi
		fi
	fi
	# 2: breakpoint on a syscall path hit by the init's `sleep 1` ticks.
	# Only now that case 3 let the kernel finish booting: a breakpoint
	# planted before mark_rodata_ro cannot be removed later (kgdb says
	# "BP remove failed" and stepping off it loops on the int3).
	ensure_stopped "$(last_ran bridge-3-interrupt)"
	if want bridge-2-breakpoint; then
		step_cmds hrtimer_nanosleep
		gdb_run a-c2 "$BR_GDB_PORT" "${STEP_CMDS[@]}"
		check_clean bridge-2-breakpoint "$T/a-c2.gdb" &&
		    check_log bridge-2-breakpoint "$T/a-c2.gdb" \
			"Breakpoint 1 at $E2E_KTEXT" \
			'Breakpoint 1, (0x[0-9a-f]+ in )?hrtimer_nanosleep' \
			'^#0 .*hrtimer_nanosleep' "^#[1-9] .*$E2E_SYSCALL" \
			'@@finish' 'detached\]|Detaching from program' &&
		    check_steps bridge-2-breakpoint "$T/a-c2.gdb" hrtimer_nanosleep &&
		    check_finish bridge-2-breakpoint "$T/a-c2.gdb" &&
		    pass bridge-2-breakpoint
	fi

	bridge_stop
	lab_stop
}

# ---- group B: panic
group_b() {
	want bridge-4-panic || return
	BR_EXTRA=()
	if ! boot_bridge b -- --mode panic --after 1; then
		fail bridge-4-panic "${E2E_WHY:-lab or bridge did not start}"
		return
	fi
	if ! console_has "$BR_LOG" 'kdb>|sysrq triggered crash' 60; then
		fail bridge-4-panic "no panic on the console"
		return
	fi
	sleep 1
	gdb_run b-c4 "$BR_GDB_PORT" -ex 'bt' -ex 'detach'
	check_clean bridge-4-panic "$T/b-c4.gdb" &&
	    check_log bridge-4-panic "$T/b-c4.gdb" '^#[0-9]+ .*sysrq_handle_crash' \
		'^#[0-9]+ .*panic' &&
	    check_log bridge-4-panic "$BR_LOG" 'sysrq triggered crash' &&
	    pass bridge-4-panic
	bridge_stop
	lab_stop
}

# ---- group C: a console flood while gdb is attached (kernel running)
group_c() {
	want bridge-7-flood || return
	local n=2000 f bad
	BR_EXTRA=()
	if ! boot_bridge c --telnet -- --serial telnet --kgdbwait --mode flood --flood $n --tick 0; then
		fail bridge-7-flood "${E2E_WHY:-lab or bridge did not start}"
		return
	fi
	console_client c1
	console_client c2
	if ! console_has "$BR_LOG" 'kdb>|Waiting for connection' 60; then
		fail bridge-7-flood "no kgdbwait stop"
		return
	fi
	# gdb waits in continue for the whole flood: its timeout must outlast
	# the wait for "flood done" (a loaded host with 2 guest CPUs under
	# TCG took over 60 s; gdb's default timeout killed it mid-flood).
	GDB_TIMEOUT=240 gdb_bg c-c7 "$BR_GDB_PORT" -ex "info registers $E2E_PC" -ex 'continue' \
	    -ex 'echo @@stopped\n' -ex 'detach'
	wait_for "$T/c1.console" "lab: flood done $n" 180
	sleep 1
	gdb_interrupt c-c7
	wait_for "$T/c-c7.gdb" '@@stopped' 20
	sleep 1
	kill -TERM "$GDB_PID" 2>/dev/null
	wait "$GDB_PID" 2>/dev/null
	bad=
	for f in "$T/c1.console" "$T/c2.console" "$BR_LOG"; do
		tr -d '\r' <"$f" | grep -aoE 'lab: flood [0-9]{6} .*' >"$f.flood"
		awk -v n=$n 'BEGIN { for (i = 1; i <= n; i++)
		    printf "lab: flood %06d $T05thread:%d;#x $OK#9 $$ ## #$ end\n", i, i }' \
		    >"$T/flood.want"
		if ! cmp -s "$f.flood" "$T/flood.want"; then
			bad="$(basename "$f"): flood lines differ ($(wc -l <"$f.flood") of $n; first diff: $(diff "$f.flood" "$T/flood.want" | sed -n 2p))"
			break
		fi
	done
	if [ -z "$bad" ]; then
		for f in "$T/c1.console" "$T/c2.console"; do
			if grep -aqE '\$[^$#]*#[0-9a-fA-F]{2}|qSupported|\$T0[0-9a-f]thread:[0-9a-f]+;#[0-9a-f]{2}' "$f"; then
				bad="$(basename "$f"): a packet leaked: $(grep -aoE '\$[^$#]*#[0-9a-fA-F]{2}' "$f" | head -n 1)"
				break
			fi
		done
	fi
	if [ -n "$bad" ]; then
		fail bridge-7-flood "$bad"
	else
		check_clean bridge-7-flood "$T/c-c7.gdb" && pass bridge-7-flood
	fi
	bridge_stop
	lab_stop
}

# ber_flips DIR FILE: the flipped-bits count of direction DIR (down, up)
# in the shaper's closing stats in FILE; empty if it is not there.
ber_flips() {
	sed -n "s/^shaper: $1 \+in [0-9]\+ out [0-9]\+ flipped-bits \([0-9]\+\) .*/\1/p" "$2" | tail -n 1
}

# ---- group D: 115200 baud and BER 1e-4 both ways, 10 runs of case 1
group_d() {
	want bridge-8-ber || return
	local i ok=0 why=
	# No stop-state cache: it would answer every run after the first from
	# memory (the kernel stays stopped), and the errors would never meet a
	# packet.  This case is about the line.
	BR_EXTRA=(--no-cache)
	if ! boot_bridge d --baud 115200 --ber 1e-4 --seed "${E2E_SEED:-$$}" --clean-start -- --kgdbwait --mode idle --tick 0; then
		fail bridge-8-ber "${E2E_WHY:-lab or bridge did not start}"
		return
	fi
	if ! console_has "$BR_LOG" 'kdb>|Waiting for connection' 90; then
		fail bridge-8-ber "no kgdbwait stop"
		return
	fi
	# Each run ends with gdb killed rather than detached: this case is about
	# the line, and must not hang on what a detach does (case 6).
	GDB_TIMEOUT=300 gdb_run d-ref "$BR_GDB_PORT" "${CASE1[@]}" "${GDB_VANISH[@]}"
	if ! check_case1 bridge-8-ber "$T/d-ref.gdb"; then
		return
	fi
	kill -HUP "$LINE_PID"	# errors on from here
	for i in 1 2 3 4 5 6 7 8 9 10; do
		GDB_TIMEOUT=120 gdb_run "d-$i" "$BR_GDB_PORT" "${CASE1[@]}" "${GDB_VANISH[@]}"
		if cmp -s "$T/d-ref.gdb" "$T/d-$i.gdb"; then
			ok=$((ok + 1))
		else
			[ -z "$why" ] && why="run $i: $(diff "$T/d-ref.gdb" "$T/d-$i.gdb" | sed -n 2p)"
			if [ "$(bridge_state)" = running ]; then
				why="$why; the kernel resumed after gdb went (see bridge-6), so later runs cannot match"
				break
			fi
		fi
	done
	kill -TERM "$LINE_PID"
	wait "$LINE_PID" 2>/dev/null
	grep -a 'flipped' "$T/d.shaper.err" | sed 's/^/    /' >&2
	# The shaper's closing stats: errors must really have hit both ways
	# (it counts flips only while errors are on, after the HUP).
	local fdown fup
	fdown=$(ber_flips down "$T/d.shaper.err")
	fup=$(ber_flips up "$T/d.shaper.err")
	if [ -z "$fdown" ] || [ -z "$fup" ]; then
		fail bridge-8-ber "no flip counts in the shaper's stats (d.shaper.err)"
	elif [ "$fdown" -eq 0 ] || [ "$fup" -eq 0 ]; then
		fail bridge-8-ber "no bit errors injected (down $fdown, up $fup flipped bits)"
	elif [ "$ok" = 10 ]; then
		pass bridge-8-ber
	else
		fail bridge-8-ber "$ok/10 identical; $why"
	fi
	bridge_stop
	lab_stop
}

group_a
group_b
group_c
group_d
exit 0
