#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/bench/lx.bench.sh: the kernel's gdb scripts (lx-version, lx-ps,
# lx-dmesg, lx-lsmod) on the virtual lab at 115200 baud (BENCH_BAUD),
# gdb straight on the line and then through kgdb-bridge, at the same stop
# of one boot (the direct gdb vanishes without resuming the kernel, so the
# ring and the task list are the same for both).  Each command is timed
# inside gdb (Python's clock around it), so gdb's start-up is not counted.
# Through the bridge every command runs twice: the first run reads the
# wire, the second is what the bridge's cache makes of the same question
# at the same stop.  Prints a table: command, direct s, bridge first s,
# bridge again s, over BENCH_RUNS boots (median).
# Knobs: BENCH_RUNS (1), BENCH_BAUD (115200; 0 = unpaced), BENCH_OUT (a file
# to append the table to).  Never part of `make check`.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
e2e_setup bench-lx

RUNS=${BENCH_RUNS:-1}
BAUD=${BENCH_BAUD:-115200}
CMDS="lx-version lx-ps lx-dmesg lx-lsmod"
RES=$T/results.txt	# way run command seconds
: >"$RES"

say() { echo "bench: $*" >&2; }

if ! need_lab; then
	echo "SKIP: lx bench: $E2E_WHY"
	exit 0
fi
if ! bridge_ready; then
	echo "SKIP: lx bench: $E2E_WHY"
	exit 0
fi
if [ ! -r "$LAB/vmlinux-gdb.py" ]; then
	echo "SKIP: lx bench: the lab has no vmlinux-gdb.py"
	exit 0
fi

# timed_cmds PASS: gdb arguments that run each command of CMDS and print
# "@@t PASS CMD SECONDS" after it (its own output goes to /dev/null inside
# gdb, so the terminal's speed is not measured either).
timed_cmds() {
	local c
	for c in $CMDS; do
		printf '%s\n' -ex "python t0 = time.monotonic(); gdb.execute('$c', to_string=True); print('@@t $1 $c %.3f' % (time.monotonic() - t0))"
	done
}

# one_boot I: a boot, the direct session, then the bridge's.
one_boot() {
	local i=$1 name="lx-$1" lopts=() way port args
	[ "$BAUD" != 0 ] && lopts=(--baud "$BAUD")
	lab_start "$name" --mode sysrq --after 2 --tick 0 || return 1
	line_start "${lopts[@]}" || { lab_stop; return 1; }
	if ! wait_for "$(line_rx)" 'kdb>' 120; then
		say "$name: no stop (SysRq-g) on the console"
		lab_stop
		return 1
	fi
	sleep 0.5
	for way in direct bridge; do
		port=$LINE_PORT
		mapfile -t args < <(timed_cmds first)
		if [ "$way" = bridge ]; then
			bridge_start "tcp:127.0.0.1:$LINE_PORT" ||
			    { say "$name: $E2E_WHY"; lab_stop; return 1; }
			port=$BR_GDB_PORT
			mapfile -t -O "${#args[@]}" args < <(timed_cmds again)
		fi
		(timeout -k 5 900 "$GDB" -batch -nx -q -ex 'set pagination off' \
		    -ex 'set confirm off' -ex 'set width 0' \
		    -ex 'set remotetimeout 30' -ex 'maint set target-async off' \
		    -ex "file $VMLINUX" -ex "target remote 127.0.0.1:$port" \
		    -ex "add-auto-load-safe-path $LAB" \
		    -ex "source $LAB/vmlinux-gdb.py" -ex 'python import time' \
		    "${args[@]}" "${GDB_VANISH[@]}" >"$T/$name-$way.gdb" 2>&1
		    true) 2>/dev/null
		sed -n "s/^@@t \([a-z]*\) \([-a-z]*\) \([0-9.]*\)$/$way-\1 $i \2 \3/p" \
		    "$T/$name-$way.gdb" >>"$RES"
		grep -aE 'Python Exception|Error occurred' "$T/$name-$way.gdb" |
		    head -n 3 | sed "s/^/bench: $name $way: /" >&2
		sleep 1
	done
	bridge_stop
	lab_stop
}

for i in $(seq 1 "$RUNS"); do
	say "boot $i of $RUNS"
	one_boot "$i" || say "boot $i failed"
done

# med WAY CMD: the median over the boots, or "-".
med() {
	awk -v w="$1" -v c="$2" '$1 == w && $3 == c { print $4 }' "$RES" |
	    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f\n", m }'
}

bl=$BAUD
[ "$BAUD" = 0 ] && bl=unpaced
{
	echo "kernel gdb scripts, lab cell $LAB_ARCH/$LAB_KVER, $bl, $(date -u '+%Y-%m-%d %H:%M UTC'), median of $RUNS boot(s)"
	echo
	printf '| %-10s | %-8s | %-14s | %-14s |\n' command direct "bridge, first" "bridge, again"
	printf '|%s|\n' "------------|----------|----------------|----------------"
	for c in $CMDS; do
		printf '| %-10s | %-8s | %-14s | %-14s |\n' "$c" \
		    "$(med direct-first "$c")" "$(med bridge-first "$c")" \
		    "$(med bridge-again "$c")"
	done
} | tee -a "${BENCH_OUT:-/dev/null}"
exit 0
