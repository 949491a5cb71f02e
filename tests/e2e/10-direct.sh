#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end, direct: real gdb straight on the lab kernel's serial line (no
# bridge).  Proves the lab, the kernel config and the gdb scripts that the
# bridge suite (20-bridge.sh) runs through kgdb-bridge.
#   direct-1-connect     at the kdb prompt after kgdbwait: registers, bt,
#                        info threads, memory, disassembly
#   direct-2-breakpoint  after a sysrq-g from the booted init: break on
#                        hrtimer_nanosleep, continue, hit, bt, finish
#   direct-3-step        the same session's next/step/stepi (x86_64 only:
#                        on arm64 kgdb's own step takes the pending timer
#                        interrupt, and on arm and riscv64 gdb's step over
#                        the call to memset plants a breakpoint there that
#                        hangs the kernel; the bridge steps right on all
#                        three, bridge-2 in 20-bridge.sh, so there this case
#                        is skipped, saying why)
#   direct-4-panic       sysrq-c panic: bt through sysrq_handle_crash
#   direct-5-kdb         kdb ps/dmesg on the line, gdb monitor ps, $3#33
#                        back to kdb
#   direct-6-smp         the guest's shell: nproc and the online CPUs (2 or
#                        more, as QEMU was given); sysrq-g, then gdb's info
#                        threads shows one shadowCPU thread per CPU
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_setup direct

CASES="direct-1-connect direct-2-breakpoint direct-3-step direct-4-panic
direct-5-kdb direct-6-smp"
# shellcheck disable=SC2086
echo "PLAN: $(echo $CASES | wc -w)"
# shellcheck disable=SC2086
need_lab || fail_all "$E2E_WHY" $CASES

# ---- group A: kgdbwait, case 1
lab_start a --kgdbwait --mode idle --tick 1 || { fail direct-lab-boot; exit 1; }
line_start || { fail direct-lab-line "shaper did not start"; exit 1; }
if ! wait_for "$(line_rx)" 'kdb>|Waiting for connection from remote gdb' 60; then
	fail direct-1-connect "no kgdb wait in the boot log"
	tail -c 2000 "$(line_rx)" | sed 's/^/    | /' >&2
else
	gdb_run a "$LINE_PORT" \
	    -ex 'echo @@regs\n' -ex 'info registers' \
	    -ex 'echo @@bt\n' -ex 'bt' \
	    -ex 'echo @@threads\n' -ex 'info threads' \
	    -ex 'echo @@mem\n' -ex 'x/32gx $sp' -ex 'p jiffies' \
	    -ex 'echo @@dis\n' -ex 'x/16i $pc' \
	    -ex 'echo @@frame\n' -ex 'frame 1' -ex 'detach'
	if check_clean direct-1-connect "$T/a.gdb" &&
	    check_log direct-1-connect "$T/a.gdb" \
		"^$E2E_PC +$E2E_KTEXT" "^$E2E_SP +$E2E_KSP" "^$E2E_FLAGS" \
		'^#0 .*kgdb_breakpoint' '^#[0-9]+ .*kgdb_initial_breakpoint|^#[0-9]+ .*kgdb_register_io_module' \
		'Thread .*(swapper|init|kthreadd|shadowCPU)' \
		"^${E2E_KSP}[0-9a-f]+:[[:space:]]+0x[0-9a-f]{16}" '^\$1 = [0-9]+' \
		"=> ${E2E_KTEXT}[0-9a-f]+ <(arch_)?kgdb_breakpoint\+[0-9]+>:" \
		'^#1 '; then
		pass direct-1-connect
	fi
fi
lab_stop

# ---- group A2: case 2.  Not from the kgdbwait stop: a breakpoint planted
# before the kernel makes its text read-only (mark_rodata_ro) cannot be
# removed afterwards ("KGDB: BP remove failed") and stepping off it loops
# on the int3 forever.  So the init breaks in with sysrq-g once booted.
lab_start a2 --mode sysrq --after 2 --tick 1 || { fail direct-lab-boot; exit 1; }
line_start || { fail direct-lab-line "shaper did not start"; exit 1; }
# Where kgdb cannot step by itself (the header says why), no step is
# tried: the session breaks, hits, shows the stack and finishes, with the
# breakpoint deleted first so that gdb need not step off it (on arm64 that
# step went into the interrupt handler and the finish ended at the next
# hit of the breakpoint).
STEPS_DIRECT=1
[ "$LAB_ARCH" = x86_64 ] || STEPS_DIRECT=0
if ! wait_for "$(line_rx)" 'kdb>' 60; then
	fail direct-2-breakpoint "no kdb prompt after sysrq-g"
	fail direct-3-step "no kdb prompt after sysrq-g"
	tail -c 2000 "$(line_rx)" | sed 's/^/    | /' >&2
else
	if [ "$STEPS_DIRECT" = 1 ]; then
		step_cmds hrtimer_nanosleep
	else
		STEP_CMDS=(-ex 'break hrtimer_nanosleep' -ex 'continue'
		    -ex 'echo @@hit\n' -ex 'bt' -ex 'frame' -ex 'info symbol $pc'
		    -ex 'p/x $pc'
		    -ex 'delete' -ex 'echo @@finish\n' -ex 'finish'
		    -ex 'echo @@detach\n' -ex 'delete' -ex 'detach')
	fi
	gdb_run a2 "$LINE_PORT" "${STEP_CMDS[@]}"
	# finish left the frame it started in (the hit's when nothing
	# stepped).
	fin=$(gdb_section "$T/a2.gdb" finish detach |
	    grep -aE '^(0x[0-9a-f]+ in )?[A-Za-z_][A-Za-z0-9_.]* \(' | head -n 1 |
	    sed -E 's/^(0x[0-9a-f]+ in )?([A-Za-z_][A-Za-z0-9_.]*) \(.*/\2/')
	if check_clean direct-2-breakpoint "$T/a2.gdb" &&
	    check_log direct-2-breakpoint "$T/a2.gdb" \
		"Breakpoint 1 at $E2E_KTEXT" \
		'hit Breakpoint 1, (0x[0-9a-f]+ in )?hrtimer_nanosleep' \
		'^#0 .*hrtimer_nanosleep' '^#[1-9] .*(sys_clock_nanosleep|sys_nanosleep)' \
		"^#[1-9] .*$E2E_SYSCALL" \
		'@@finish' '@@detach' 'detached\]|Detaching from program'; then
		if [ "$STEPS_DIRECT" = 0 ] &&
		    { [ -z "$fin" ] || [ "$fin" = hrtimer_nanosleep ]; }; then
			fail direct-2-breakpoint "finish did not leave hrtimer_nanosleep (it stopped in '${fin:-nowhere}')"
		else
			pass direct-2-breakpoint
		fi
	fi
	if [ "$STEPS_DIRECT" = 0 ]; then
		skip direct-3-step "kgdb cannot step by itself on $LAB_ARCH (see the header); bridge-2-breakpoint steps through the bridge"
	elif check_clean direct-3-step "$T/a2.gdb" &&
	    check_steps direct-3-step "$T/a2.gdb" hrtimer_nanosleep &&
	    check_finish direct-3-step "$T/a2.gdb"; then
		if sed -n '/^@@next/,/^@@finish/p' "$T/a2.gdb" | grep -q 'running'; then
			fail direct-3-step "a step left gdb thinking the target runs"
		else
			pass direct-3-step
		fi
	fi
fi
lab_stop

# ---- group B: a panic (sysrq-c), kdb on the line, then gdb
lab_start b --mode panic --after 1 || { fail direct-lab-boot; exit 1; }
line_start || { fail direct-lab-line "shaper did not start"; exit 1; }
if ! wait_for "$(line_rx)" 'kdb>' 60; then
	fail direct-4-panic "no kdb prompt after the panic"
	fail direct-5-kdb "no kdb prompt after the panic"
	tail -c 2000 "$(line_rx)" | sed 's/^/    | /' >&2
else
	rx=$(line_rx)
	mark=$(stat -c %s "$rx")
	line_send 'ps\r' 2
	wait_for "$rx" 'sleep|sh ' 10
	line_send 'dmesg 5\r' 2
	tail -c +"$((mark + 1))" "$rx" >"$T/b.kdb1"
	gdb_run b "$LINE_PORT" \
	    -ex 'echo @@bt\n' -ex 'bt' \
	    -ex 'echo @@mon\n' -ex 'monitor ps' \
	    -ex 'echo @@regs\n' -ex "info registers $E2E_PC" "${GDB_VANISH[@]}"
	# gdb vanished without a word (a quit would send k and resume the
	# kernel); put the stub back into kdb by hand.
	mark=$(stat -c %s "$rx")
	line_send '$3#33' 2
	line_send 'ps\r' 2
	tail -c +"$((mark + 1))" "$rx" >"$T/b.kdb2"
	if check_clean direct-4-panic "$T/b.gdb" &&
	    check_log direct-4-panic "$T/b.gdb" \
		'^#[0-9]+ .*sysrq_handle_crash' '^#[0-9]+ .*panic' \
		'^#[0-9]+ .*(__handle_sysrq|write_sysrq_trigger)'; then
		pass direct-4-panic
	fi
	if check_log direct-5-kdb "$T/b.kdb1" '^ps' 'Task Addr' '\[[0-9]+\]kdb>' \
		'sysrq triggered crash|Kernel panic' &&
	    { gdb_section "$T/b.gdb" mon regs >"$T/b.mon"; true; } &&
	    check_log direct-5-kdb "$T/b.mon" 'Task Addr +Pid +Parent' '^0x([0-9a-f]{8}){1,2} +[0-9]+ +[0-9]+ +[01] +[0-9]+ +[A-Z] ' &&
	    check_log direct-5-kdb "$T/b.kdb2" 'Entering kdb|kdb>' 'Task Addr'; then
		pass direct-5-kdb
	fi
fi
lab_stop
cp "$(line_rx)" "$T/b.console.raw" 2>/dev/null

# ---- group C: SMP.  The shell says how many CPUs are online (nproc and
# sysfs), then sysrq-g stops every CPU and gdb lists their threads.
lab_start c --mode shell || { fail direct-lab-boot; exit 1; }
line_start || { fail direct-lab-line "shaper did not start"; exit 1; }
rx=$(line_rx)
if ! wait_for "$rx" 'lab: shell on' 60; then
	fail direct-6-smp "no shell on the console"
	tail -c 2000 "$rx" | sed 's/^/    | /' >&2
else
	sleep 1
	# $(...) keeps the echoed command line from matching the answer.
	line_send 'echo "lab: cpus $(nproc) online $(cat /sys/devices/system/cpu/online)"\r' 2
	wait_for "$rx" 'lab: cpus [0-9]+ online' 10
	line_send 'echo g >/proc/sysrq-trigger\r' 1
	ncpu=$(tr -d '\r' <"$rx" | sed -n 's/.*lab: cpus \([0-9]*\) online \([-0-9,]*\).*/\1/p' | tail -n 1)
	online=$(tr -d '\r' <"$rx" | sed -n 's/.*lab: cpus \([0-9]*\) online \([-0-9,]*\).*/\2/p' | tail -n 1)
	if ! wait_for "$rx" 'kdb>' 30; then
		fail direct-6-smp "no kdb prompt after sysrq-g (cpus '$ncpu' online '$online')"
		tail -c 2000 "$rx" | sed 's/^/    | /' >&2
	else
		gdb_run c "$LINE_PORT" -ex 'echo @@threads\n' -ex 'info threads' \
		    -ex 'echo @@end\n' "${GDB_VANISH[@]}"
		if check_clean direct-6-smp "$T/c.gdb" &&
		    check_cpu_threads direct-6-smp "$T/c.gdb" "$ncpu"; then
			if [ "$online" != "0-$((ncpu - 1))" ]; then
				fail direct-6-smp "nproc says $ncpu, sysfs online is '$online'"
			else
				pass direct-6-smp
			fi
		fi
	fi
fi
lab_stop
exit 0
