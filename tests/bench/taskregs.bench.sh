#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/bench/taskregs.bench.sh: `info threads` on a kernel with many
# tasks (issue 16, "info threads on a real board"; bridge/taskregs.c).
# One boot of the lab kernel in lab.mode=shell; its shell starts
# BENCH_TASKS sleeping tasks (200) and stops the kernel with SysRq-g.
# Then, all at that one stop, BENCH_RUNS (3) gdb sessions per way, each
# timing `info threads` inside gdb (Python's clock around gdb.execute):
#   direct         gdb straight on the line
#   bridge-off     through kgdb-bridge --no-taskregs
#   bridge-on      through kgdb-bridge (sleeping tasks' 'g' built)
# each bridge with --no-prefetch (nothing read ahead: only gdb's requests
# cost) and started afresh for every session (an empty cache). Prints,
# per way, the median seconds and the bytes the target sent for `info
# threads` (the line's recording), per task too, and the ratio to direct;
# for bridge-on, the module's own counters. The line runs at BENCH_BAUD
# (115200). Only arm64 has the module on; elsewhere bridge-on is
# bridge-off. Knobs: BENCH_TASKS, BENCH_RUNS, BENCH_BAUD,
# BENCH_BRIDGE_OPTS, BENCH_OUT (a file to append the table to).
# Timings only: never part of `make check`.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
e2e_setup bench-taskregs

NTASKS=${BENCH_TASKS:-200}
RUNS=${BENCH_RUNS:-3}
BAUD=${BENCH_BAUD:-115200}
read -r -a BOPTS <<<"${BENCH_BRIDGE_OPTS:-}"
RES=$T/results.txt	# way run seconds bytes threads
: >"$RES"

say() { echo "bench: $*" >&2; }

if ! need_lab; then
	echo "SKIP: taskregs bench: $E2E_WHY"
	exit 0
fi
if ! bridge_ready; then
	echo "SKIP: taskregs bench: $E2E_WHY"
	exit 0
fi

cat >"$T/it.py" <<'EOF'
import time
import gdb

t0 = time.monotonic()
out = gdb.execute("info threads", to_string=True)
s = time.monotonic() - t0
n = sum(1 for l in out.splitlines() if "Thread " in l)
print("@@it %.3f %d" % (s, n), flush=True)
EOF

lopts=()
[ "$BAUD" != 0 ] && lopts=(--baud "$BAUD")
lab_start tr --mode shell --append norandmaps ||
    { say "lab did not boot"; exit 1; }
line_start "${lopts[@]}" || { say "no shaper"; lab_stop; exit 1; }
if ! wait_for "$(line_rx)" 'lab: shell on' 120; then
	say "no shell on the console"
	lab_stop
	exit 1
fi
sleep 2
line_send "\r"
line_send "i=0; while [ \$i -lt $NTASKS ]; do sleep 100000 & i=\$((i+1)); done; sleep 2; echo g >/proc/sysrq-trigger\r" 3
if ! wait_for "$(line_rx)" 'kdb>' 120; then
	say "no SysRq-g stop on the console"
	lab_stop
	exit 1
fi
sleep 0.5

rxsize() { stat -c %s "$(line_rx)"; }

# one WAY I: a session of `info threads`; its seconds and target bytes.
one() {
	local way=$1 i=$2 port=$LINE_PORT b0 b1 extra=()
	case $way in
	bridge-off) extra=(--no-taskregs) ;;
	esac
	if [ "$way" != direct ]; then
		bridge_start "tcp:127.0.0.1:$LINE_PORT" --no-prefetch \
		    "${extra[@]}" "${BOPTS[@]}" ||
		    { say "$way: $E2E_WHY"; return 1; }
		port=$BR_GDB_PORT
	fi
	# gdb's connection (thread list, the stop's registers) before the
	# count starts.
	b0=$(rxsize)
	GDB_TIMEOUT=1800 gdb_run "$way-$i" "$port" \
	    -ex "shell echo @@b0 \$(stat -c %s $(line_rx))" \
	    -x "$T/it.py" \
	    -ex "shell echo @@b1 \$(stat -c %s $(line_rx))" \
	    -ex 'monitor bridge taskregs' \
	    "${GDB_VANISH[@]}" 2>/dev/null
	b1=$(rxsize)
	local f=$T/$way-$i.gdb s n c0 c1
	read -r s n <<<"$(sed -n 's/^@@it //p' "$f" | tail -n 1)"
	c0=$(sed -n 's/^@@b0 //p' "$f") c1=$(sed -n 's/^@@b1 //p' "$f")
	if [ -z "$s" ] || [ "${n:-0}" = 0 ] || [ -z "$c0" ] || [ -z "$c1" ]; then
		say "$way run $i: no result"
		tail -n 5 "$f" >&2
	else
		echo "$way $i $s $((c1 - c0)) $n $((b1 - b0))" >>"$RES"
	fi
	grep -a '^taskregs: ' "$f" | sed "s/^/bench: $way run $i: /" >&2
	# Killed, not stopped: a bridge that exits detaches, and the
	# kernel must stay at this stop for the next session.
	if [ "$way" != direct ]; then
		{ kill -KILL "$BR_PID"; wait "$BR_PID"; } 2>/dev/null
		BR_PID=
	fi
	sleep 0.5
}

for i in $(seq 1 "$RUNS"); do
	for way in direct bridge-off bridge-on; do
		one "$way" "$i"
	done
done
lab_stop

med() {
	awk -v w="$1" -v k="$2" '$1 == w { print $k }' "$RES" | sort -g |
	    awk '{ v[NR] = $1 } END { if (NR == 0) print "-";
		else printf "%s\n", v[int((NR + 1) / 2)] }'
}
bl=$BAUD
[ "$BAUD" = 0 ] && bl=unpaced
ds=$(med direct 3) db=$(med direct 4)
{
	echo "info threads, $NTASKS extra sleeping tasks, lab cell $LAB_ARCH/$LAB_KVER, $bl, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "$RUNS session(s) per way at one stop; medians"
	echo
	printf '| %-11s | %7s | %8s | %12s | %9s | %9s | %7s |\n' way threads seconds \
	    "target bytes" "bytes/thr" "s/direct" "B/direct"
	printf '|%s|\n' "-------------|---------|----------|--------------|-----------|-----------|---------"
	for way in direct bridge-off bridge-on; do
		s=$(med "$way" 3) b=$(med "$way" 4) n=$(med "$way" 5)
		if [ "$s" = - ]; then
			printf '| %-11s | %7s | %8s | %12s | %9s | %9s | %7s |\n' \
			    "$way" - - - - - -
			continue
		fi
		awk -v w="$way" -v s="$s" -v b="$b" -v n="$n" -v ds="$ds" \
		    -v db="$db" 'BEGIN {
			bt = n > 0 ? b / n : 0
			rs = ds > 0 ? s / ds : 0
			rb = db > 0 ? b / db : 0
			printf "| %-11s | %7d | %8.2f | %12d | %9.0f | %9.2f | %7.2f |\n", w, n, s, b, bt, rs, rb
		}'
	done
} | tee -a "${BENCH_OUT:-/dev/null}"
exit 0
