#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: range stepping (the bridge runs gdb's vCont;r itself)
# prints what gdb's own instruction-by-instruction stepping prints, with
# fewer register reads on the wire.  One boot of the lab kernel (init
# sleeps a second in a loop), one kgdb-bridge with a protocol trace, two
# gdb sessions in a row, each: break hrtimer_nanosleep, continue (init's
# next sleep), step x5, next x3, bt, info registers rip.
#   r1  set range-stepping off     gdb steps each instruction itself
#   r2  range stepping on (gdb's default)
#   range-1-same     r1 and r2 print the same from the hit to the end
#   range-2-used     r2 sent vCont;r and the bridge stepped more than once
#                    for one of them; r1 sent none
#   range-3-fewer    the target sent fewer bytes, and got fewer register
#                    reads ('g', or on arm64 a CPU's pt_regs), in r2
#                    than in r1
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_setup range-step

CASES="range-1-same range-2-used range-3-fewer"
# shellcheck disable=SC2086
fail_every() { fail_all "$1" $CASES; }
bridge_ready || fail_every "$E2E_WHY"
need_lab || fail_every "$E2E_WHY"

RUN=(-ex 'break hrtimer_nanosleep' -ex 'echo @@hit\n' -ex 'continue'
	-ex 'step' -ex 'step' -ex 'step' -ex 'step' -ex 'step'
	-ex 'next' -ex 'next' -ex 'next'
	-ex 'bt' -ex "info registers $E2E_PC" -ex 'delete' -ex 'echo @@end\n')

# after NAME: gdb's lines from the continue to the end.  Each of init's
# sleeps is a new process here, so its pid (gdb's thread number) and its
# stack addresses are masked; code addresses and lines are compared.
# Whether gdb announces the thread that hits as new depends on whether
# that sleep had been forked when gdb attached (seen both ways on arm64),
# not on stepping: that line is left out. So is the end of bt past the
# entry from user space: on arm64 gdb repeats el0t_64_sync's frame until a
# read of the user side fails, two or three times from one process to
# the next (arm64/6.1, stop 19); a frame equal to the one before it and
# "Backtrace stopped" are dropped.
after() {
	sed -n '/^@@hit$/,/^@@end$/p' "$T/$1.gdb" | grep -v '^\[New Thread [0-9]*\]$' |
	    sed -E "s/Thread [0-9]+/Thread N/g; s/$E2E_STACK/STACK/g" |
	    awk '/^Backtrace stopped:/ { next }
		/^#[0-9]+ / { f = $0; sub(/^#[0-9]+ +/, "", f)
			if (f == last) next; last = f; print; next }
		{ last = ""; print }'
}

# trace_of N: the part of the trace for gdb session N (1, 2).
trace_of() {
	awk -v n="$1" '/ g len=[0-9]+ \$qSupported/ { s++ } s == n' "$T/trace"
}

lab_start s --mode sysrq --after 2 --tick 1 --append norandmaps ||
    fail_every "lab did not boot"
line_start || fail_every "shaper did not start"
if ! wait_for "$(line_rx)" 'kdb>' 120; then
	fail_every "no SysRq-g stop on the console"
fi
sleep 0.5
bridge_start "tcp:127.0.0.1:$LINE_PORT" --trace "$T/trace" ||
    fail_every "$E2E_WHY"

GDB_TIMEOUT=300 gdb_run r1 "$BR_GDB_PORT" -ex 'set range-stepping off' \
    "${RUN[@]}" "${GDB_VANISH[@]}" 2>/dev/null
GDB_TIMEOUT=300 gdb_run r2 "$BR_GDB_PORT" \
    "${RUN[@]}" "${GDB_VANISH[@]}" 2>/dev/null
after r1 >"$T/r1.out"
after r2 >"$T/r2.out"

if check_clean range-1-same "$T/r1.gdb" &&
    check_clean range-1-same "$T/r2.gdb" &&
    check_log range-1-same "$T/r1.out" 'Breakpoint 1, hrtimer_nanosleep' \
	'^#0 ' '^#1 ' "^$E2E_PC +$E2E_KTEXT"; then
	n=$(wc -l <"$T/r1.out")
	if ! cmp -s "$T/r1.out" "$T/r2.out"; then
		fail range-1-same "$(diff "$T/r1.out" "$T/r2.out" |
		    grep -c '^[<>]') of $n lines differ"
		diff "$T/r1.out" "$T/r2.out" | head -n 20 | sed 's/^/    | /' >&2
	else
		echo "    range-1-same: $n lines identical" >&2
		pass range-1-same
	fi
fi

trace_of 1 >"$T/t1"
trace_of 2 >"$T/t2"
# Where gdb single-steps in software (arm, riscv64) it sends no step of
# any kind, only breakpoints and continues: there is no vCont;r for the
# bridge to run, so range stepping does not apply and the two cases that
# measure it are not run. Decided from what gdb sent, not the
# architecture: a gdb that steps with 's' but no vCont;r still fails.
hw_steps() { grep -cE ' g len=[0-9]+ \$(vCont;[rs]|s[#0-9a-f])' "$1"; }
sw_bps() { grep -cE ' g len=[0-9]+ \$Z0,' "$1"; }
if [ "$(hw_steps "$T/t1")" -eq 0 ] && [ "$(hw_steps "$T/t2")" -eq 0 ] &&
    [ "$(sw_bps "$T/t1")" -gt 1 ] && [ "$(sw_bps "$T/t2")" -gt 1 ]; then
	why="gdb steps in software on $LAB_ARCH (only Z0 and continues, no vCont;s, s or vCont;r): range stepping does not apply"
	skip range-2-used "$why"
	skip range-3-fewer "$why"
	bridge_stop
	lab_stop
	exit 0
fi
r1_r=$(grep -c ' g len=[0-9]* \$vCont;r' "$T/t1")
r2_r=$(grep -c ' g len=[0-9]* \$vCont;r' "$T/t2")
# A range step that went on: an 's' to the target with no gdb packet
# since the last one (the first 's' after gdb's vCont is gdb's own).
r2_more=$(awk '/ g len=[0-9]+ \$/ { gdb = 1 }
    / > len=5 \$s#73/ { if (gdb) gdb = 0; else n++ }
    END { print n + 0 }' "$T/t2")
if [ "$r1_r" -ne 0 ]; then
	fail range-2-used "gdb sent vCont;r with range-stepping off ($r1_r)"
elif [ "$r2_r" -eq 0 ] || [ "$r2_more" -eq 0 ]; then
	fail range-2-used "no range step ran ($r2_r vCont;r, $r2_more steps by the bridge)"
	grep -a 'vCont' "$T/t2" | head -n 5 | sed 's/^/    | /' >&2
else
	echo "    range-2-used: $r2_r vCont;r, $r2_more extra steps by the bridge" >&2
	pass range-2-used
fi

# Bytes from the target, and register reads, in each session: kgdb's
# 'g', and on arm64 the reads of a CPU's pt_regs (272 bytes, 0x110) the
# bridge builds a CPU's 'g' from (bridge/taskregs.c).
down() { awk '$3 == "<" { sub("len=", "", $4); n += $4 } END { print n + 0 }' "$1"; }
regreads() {
	local n
	n=$(grep -c ' > len=5 \$g#67' "$1")
	[ "$LAB_ARCH" = arm64 ] &&
	    n=$((n + $(grep -cE ' > len=[0-9]+ \$m[0-9a-f]+,110#' "$1")))
	echo "$n"
}
g1=$(regreads "$T/t1")
g2=$(regreads "$T/t2")
d1=$(down "$T/t1")
d2=$(down "$T/t2")
if [ "$d2" -lt "$d1" ] && [ "$g2" -lt "$g1" ]; then
	echo "    range-3-fewer: bytes from the target $d1 -> $d2, register reads $g1 -> $g2" >&2
	pass range-3-fewer
else
	fail range-3-fewer "bytes from the target $d1 -> $d2, register reads $g1 -> $g2 (range stepping off -> on)"
fi
bridge_stop
lab_stop
exit 0
