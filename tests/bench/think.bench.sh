#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/bench/think.bench.sh: the way a person works (issue 16, "Answers
# before you ask"). gdb on the virtual lab at 115200 baud (BENCH_BAUD),
# attached at a stop; at each of BENCH_STOPS stops it runs `bt`, `info
# threads`, `info registers` and `x/16i $pc`, each after BENCH_THINK
# seconds of "thought" (gdb sleeps; the line is idle), and times each
# command inside gdb from sending it to its end (Python's clock around
# gdb.execute: gdb's start-up and the think time are not counted). The
# first stop is the one gdb attached at (SysRq-g); the others are a
# breakpoint in hrtimer_nanosleep that the lab init's sleep loop hits.
# Three ways, each on its own boot: gdb straight on the line, through
# kgdb-bridge with --no-prefetch, and through kgdb-bridge as it comes
# (reading ahead while gdb thinks). Prints, per command and way, the
# median and the 95th percentile (nearest rank) in milliseconds.
# Knobs: BENCH_RUNS (1 boot per way), BENCH_STOPS (8), BENCH_THINK (1),
# BENCH_BAUD (115200; 0 = unpaced), BENCH_TICK (0.1), BENCH_BRIDGE_OPTS,
# BENCH_WAYS (a subset of "direct bridge-noprefetch bridge"),
# BENCH_OUT (a file to append the table to). Timings only: never part of
# `make check`.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
e2e_setup bench-think

RUNS=${BENCH_RUNS:-1}
STOPS=${BENCH_STOPS:-8}
THINK=${BENCH_THINK:-1}
BAUD=${BENCH_BAUD:-115200}
TICK=${BENCH_TICK:-0.1}
WAYS=${BENCH_WAYS:-direct bridge-noprefetch bridge}
read -r -a BOPTS <<<"${BENCH_BRIDGE_OPTS:-}"
RES=$T/results.txt	# way run stop command milliseconds
: >"$RES"

say() { echo "bench: $*" >&2; }

if ! need_lab; then
	echo "SKIP: think bench: $E2E_WHY"
	exit 0
fi
if ! bridge_ready; then
	echo "SKIP: think bench: $E2E_WHY"
	exit 0
fi

# The session, as a gdb Python script: think, time, at every stop.
cat >"$T/think.py" <<EOF
import time
import gdb

CMDS = ["bt", "info threads", "info registers", "x/16i \$pc"]

def one_stop(k):
    for c in CMDS:
        time.sleep($THINK)
        t0 = time.monotonic()
        gdb.execute(c, to_string=True)
        ms = (time.monotonic() - t0) * 1000.0
        print("@@t %d %s %.1f" % (k, c.replace(" ", "_"), ms), flush=True)

gdb.execute("break hrtimer_nanosleep", to_string=True)
for k in range($STOPS):
    if k > 0:
        gdb.execute("continue", to_string=True)
    one_stop(k)
gdb.execute("delete", to_string=True)
print("@@end", flush=True)
EOF

# run_one WAY I: a boot, the line, the session.
run_one() {
	local way=$1 i=$2 name="$1-$2" port lopts=()
	[ "$BAUD" != 0 ] && lopts=(--baud "$BAUD")
	lab_start "$name" --mode sysrq --after 2 --tick "$TICK" \
	    --append norandmaps || { say "$name: lab did not boot"; return 1; }
	line_start "${lopts[@]}" || { say "$name: no shaper"; lab_stop; return 1; }
	if ! wait_for "$(line_rx)" 'kdb>' 120; then
		say "$name: no stop (SysRq-g) on the console"
		lab_stop
		return 1
	fi
	sleep 0.5
	port=$LINE_PORT
	case $way in
	bridge-noprefetch)
		bridge_start "tcp:127.0.0.1:$LINE_PORT" --no-prefetch \
		    "${BOPTS[@]}" || { say "$name: $E2E_WHY"; lab_stop; return 1; }
		port=$BR_GDB_PORT
		;;
	bridge)
		bridge_start "tcp:127.0.0.1:$LINE_PORT" "${BOPTS[@]}" ||
		    { say "$name: $E2E_WHY"; lab_stop; return 1; }
		port=$BR_GDB_PORT
		;;
	esac
	# As a person would, gdb attaches a moment after the stop.
	sleep "$THINK"
	timeout -k 5 900 "$GDB" -batch -nx -q -ex 'set pagination off' \
	    -ex 'set confirm off' -ex 'set width 0' \
	    -ex 'set remotetimeout 30' -ex 'maint set target-async off' \
	    -ex "file $VMLINUX" -ex "target remote 127.0.0.1:$port" \
	    -x "$T/think.py" >"$T/$name.gdb" 2>&1
	grep -aq '^@@end' "$T/$name.gdb" ||
	    { say "$name: the session did not finish:"; tail -n 6 "$T/$name.gdb" >&2; }
	sed -n "s/^@@t \([0-9]*\) \([^ ]*\) \([0-9.]*\)$/$way $i \1 \2 \3/p" \
	    "$T/$name.gdb" >>"$RES"
	case $way in bridge*) bridge_stop ;; esac
	lab_stop
}

for i in $(seq 1 "$RUNS"); do
	for way in $WAYS; do
		say "run $i: $way"
		run_one "$way" "$i" || say "run $i $way failed"
	done
done

# pct WAY CMD P: the P-th percentile (nearest rank) over every stop, ms.
pct() {
	awk -v w="$1" -v c="$2" '$1 == w && $4 == c { print $5 }' "$RES" |
	    sort -g | awk -v p="$3" '{ v[NR] = $1 }
	    END { if (NR == 0) { print "-"; exit }
		  k = int((p * NR + 99) / 100); if (k < 1) k = 1
		  printf "%.0f\n", v[k] }'
}
count() { awk -v w="$1" -v c="$2" '$1 == w && $4 == c' "$RES" | wc -l; }

bl=$BAUD
[ "$BAUD" = 0 ] && bl=unpaced
{
	echo "per-command latency after ${THINK} s of thought, lab cell $LAB_ARCH/$LAB_KVER, $bl, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "$STOPS stops per boot, $RUNS boot(s) per way; ms, median / p95 (n samples)"
	echo
	printf '| %-14s | %-16s | %-22s | %-16s |\n' command direct \
	    "bridge --no-prefetch" "bridge (prefetch)"
	printf '|%s|\n' "----------------|------------------|------------------------|------------------"
	for c in bt info_threads info_registers 'x/16i_$pc'; do
		row=()
		for way in direct bridge-noprefetch bridge; do
			if [ "$(count "$way" "$c")" -eq 0 ]; then
				row+=("-")
				continue
			fi
			row+=("$(pct "$way" "$c" 50) / $(pct "$way" "$c" 95) ($(count "$way" "$c"))")
		done
		printf '| %-14s | %-16s | %-22s | %-16s |\n' "${c//_/ }" "${row[@]}"
	done
} | tee -a "${BENCH_OUT:-/dev/null}"
exit 0
