#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/bench/ber.bench.sh: what a noisy line costs. One short gdb session
# (connect, bt, info registers, x/128xb $sp, detach) through kgdb-bridge
# (--no-cache: every request crosses the line) on the lab kernel stopped in
# kgdbwait, over the shaper at 115200 baud with each bit error rate in
# BENCH_BERS ("0 1e-4 1e-3"), BENCH_RUNS (3) runs each on one boot. Prints
# per rate: wall time (median min max), the ratio to the clean line, the
# bridge's retransmits, corrupt frames and timeouts, and whether every run
# printed the same (the kernel stays stopped) with the clean line's
# backtrace; then, from the clean run's trace, the best time each rate
# allows (tests/bench/ber_best.py). Numbers, not verdicts: never in `make
# check`.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
e2e_setup bench-ber

RUNS=${BENCH_RUNS:-3}
BERS=${BENCH_BERS:-0 1e-4 1e-3}
say() { echo "bench: $*" >&2; }
bridge_ready || { echo "FAIL: ber bench: $E2E_WHY"; exit 1; }
need_lab || { echo "FAIL: ber bench: $E2E_WHY"; exit 1; }

SESSION=(-ex 'bt' -ex 'info registers' -ex 'x/128xb $sp' -ex 'detach')
clean=
printf '%-8s %-22s %-7s %-8s %-8s %-8s %-8s %s\n' ber "seconds (med min max)" ratio retrans corrupt timeouts reread "same output"
for ber in $BERS; do
	lopts=(--baud 115200 --seed 7)
	[ "$ber" != 0 ] && lopts+=(--ber "$ber")
	lab_start "b$ber" --kgdbwait --mode idle --tick 0 || { echo "FAIL: lab"; exit 1; }
	line_start "${lopts[@]}" || { echo "FAIL: shaper"; exit 1; }
	bridge_start "tcp:127.0.0.1:$LINE_PORT" --no-cache --trace "$T/trace.$ber" || { echo "FAIL: $E2E_WHY"; exit 1; }
	console_has() { wait_for "$1" "$2" "$3"; }
	wait_for "$BR_LOG" 'kdb>|Waiting for connection' 120 || { echo "FAIL: no kgdbwait stop"; exit 1; }
	times=()
	for r in $(seq 1 "$RUNS"); do
		t0=$(date +%s.%N)
		GDB_TIMEOUT=600 gdb_run "s$ber-$r" "$BR_GDB_PORT" "${SESSION[@]}" 2>/dev/null
		t1=$(date +%s.%N)
		times+=("$(echo "$t1 - $t0" | bc)")
		# What gdb printed, without the lines that differ by nature, and
		# with the direct map's heap addresses masked (each rate boots
		# its own kernel, whose allocations land elsewhere).
		grep -avE '^(Remote debugging|Reading symbols|warning:|\[Inferior|Detaching)' \
		    "$T/s$ber-$r.gdb" | sed -E 's/0xffff888[0-9a-f]{9}/HEAP/g' \
		    >"$T/s$ber-$r.out"
	done
	read -r med min max < <(printf '%s\n' "${times[@]}" | sort -n |
	    awk '{ a[NR] = $1 } END { printf "%.2f %.2f %.2f\n", a[int((NR + 1) / 2)], a[1], a[NR] }')
	[ -z "$clean" ] && clean=$med
	st=$(bridge_ctl status)
	get() { echo "$st" | python3 -c "import json,sys; print(json.load(sys.stdin)['stats'].get('$1', '?'))"; }
	# The kernel stays stopped: every run of a rate must print the same,
	# and its backtrace must be the clean line's (heap masked).
	same=yes
	for r in $(seq 1 "$RUNS"); do
		cmp -s "$T/s$ber-$r.out" "$T/s$ber-1.out" || same=no
		cmp -s <(grep -a '^#' "$T/s$ber-$r.out") \
		    <(grep -a '^#' "$T/s$(echo $BERS | cut -d' ' -f1)-1.out") || same=no
	done
	printf '%-8s %-22s %-7s %-8s %-8s %-8s %-8s %s\n' "$ber" "$med $min $max" \
	    "$(echo "scale=2; $med / $clean" | bc)" "$(get retransmits)" \
	    "$(get cksum_errors)" "$(get timeouts)" "$(get verify_reads)" "$same"
	bridge_stop
	lab_stop
	# The clean line's line time (its first session in the trace) and
	# gdb's own share of the wall time, for the best-possible figures.
	if [ "$ber" = 0 ]; then
		line0=$(python3 "$(dirname "$0")/ber_best.py" "$T/trace.0" 0 |
		    awk '/^clean line time/ { print $4 }')
		gdb0=$(echo "$clean - $line0" | bc)
	fi
done
for ber in $BERS; do
	[ "$ber" = 0 ] && continue
	[ -n "${gdb0:-}" ] || break
	echo "best possible at $ber, from the clean trace (tests/bench/ber_best.py):"
	python3 "$(dirname "$0")/ber_best.py" "$T/trace.0" "$ber" "$gdb0" | sed 's/^/  /'
done
