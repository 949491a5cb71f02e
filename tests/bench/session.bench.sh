#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/bench/session.bench.sh: one fixed gdb session (session/session.gdb)
# on the virtual lab, through kgdb-bridge and by gdb straight on the line,
# over the shaper on each line in BENCH_LINES: a baud rate (0 = unthrottled:
# the relay overhead), optionally with a USB-serial adapter on the host's
# end, "115200+usb16" (the shaper's --usb-latency: an FTDI chip whose
# latency timer is 16 ms, the Linux default; kgdb-bridge sets it to 1 ms
# when it opens one).  Every run boots a fresh kernel that stops itself with
# SysRq-g once booted, so both ways start from the same state.  For each way and baud it prints the
# wall time of the gdb session (median, min, max over BENCH_RUNS), the bytes
# each way on the wire (as the shaper recorded them), the packets sent to
# the target (every '$' on the up side, retransmits included), and the
# ratio bridge/direct; then whether gdb printed the same thing both ways.
# Then: console throughput through the bridge (three console clients and
# the transcript on, a Unix-socket target that floods), and the bridge's
# resident memory.
#
# Knobs: BENCH_RUNS (3), BENCH_LINES ("115200 115200+usb16 115200+usb1
# 921600 0"; BENCH_BAUDS is the old name), BENCH_TICK (0.1: the period of
# the lab init's sleep loop, which the breakpoint of the session's three
# continues waits for: kernel time, the same both ways), BENCH_TPUT_MB
# (256), BENCH_BRIDGE_OPTS (extra kgdb-bridge options, e.g. --no-cache),
# BENCH_OUT (a file to append the result table to), BENCH_STEPS (1: the
# session's five steps; 0 leaves them out, the default on riscv64, where
# gdb straight on the line never finishes them: see below).
# Never part of `make check`: `make bench` runs it (tests/bench/run.sh).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
e2e_setup bench-session

RUNS=${BENCH_RUNS:-3}
LINES=${BENCH_LINES:-${BENCH_BAUDS:-115200 115200+usb16 115200+usb1 921600 0}}
TICK=${BENCH_TICK:-0.1}
TPUT_MB=${BENCH_TPUT_MB:-256}
SESSION=$E2E_ROOT/tests/bench/session/session.gdb
TPUT=$E2E_ROOT/tests/bench/session/tput.py
read -r -a BOPTS <<<"${BENCH_BRIDGE_OPTS:-}"
RES=$T/results.txt	# way baud run seconds down up packets rss_kb
: >"$RES"

say() { echo "bench: $*" >&2; }

# On riscv64 gdb steps in software, and its step breakpoint at the entry
# of memset (called from hrtimer_nanosleep) makes kgdb trap inside its own
# handler when gdb is straight on the line: the direct session hangs at
# its first step (docs/lab.md, stop 18; the bridge moves that breakpoint
# to the call's return). A table needs both ways, so there the session
# ends before its steps, both ways, and the table says so.
STEPS=${BENCH_STEPS:-}
if [ -z "$STEPS" ]; then
	STEPS=1
	[ "$LAB_ARCH" = riscv64 ] && STEPS=0
fi
if [ "$STEPS" = 0 ]; then
	sed '/^echo @@step/,$d' "$SESSION" >"$T/session-nostep.gdb"
	printf 'delete\necho @@end\\n\n' >>"$T/session-nostep.gdb"
	SESSION=$T/session-nostep.gdb
fi

if ! need_lab; then
	echo "SKIP: session bench: $E2E_WHY"
	exit 0
fi
if ! bridge_ready; then
	echo "SKIP: session bench: $E2E_WHY"
	exit 0
fi

now() { date +%s.%N; }

# line_opts LINE: the shaper's options for "BAUD[+usbMS]".
line_opts() {
	local baud=${1%%+*} usb=
	[ "$1" != "$baud" ] && usb=${1#*+usb}
	[ "$baud" != 0 ] && printf '%s\n' --baud "$baud"
	[ -n "$usb" ] && printf '%s\n' --usb-latency "$usb"
	true
}

# run_one WAY LINE I: boot, put the line in front, run the session.
run_one() {
	local way=$1 baud=$2 i=$3 name="$1-$2-$3" port t0 t1 rss=0 lopts=()
	mapfile -t lopts < <(line_opts "$baud")
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
	if [ "$way" = bridge ]; then
		if ! bridge_start "tcp:127.0.0.1:$LINE_PORT" "${BOPTS[@]}"; then
			say "$name: $E2E_WHY"
			lab_stop
			return 1
		fi
		port=$BR_GDB_PORT
	fi
	local d0 u0
	d0=$(stat -c %s "$LINE_REC/down.raw" 2>/dev/null || echo 0)
	u0=$(stat -c %s "$LINE_REC/up.raw" 2>/dev/null || echo 0)
	t0=$(now)
	# target-async off: batch commands wait for each stop.
	timeout -k 5 600 "$GDB" -batch -nx -q -ex 'set pagination off' \
	    -ex 'set confirm off' -ex 'set width 0' \
	    -ex 'set remotetimeout 30' -ex 'maint set target-async off' \
	    -ex "file $VMLINUX" -ex "target remote 127.0.0.1:$port" \
	    -x "$SESSION" >"$T/$name.gdb" 2>&1
	t1=$(now)
	if [ "$way" = bridge ] && [ -r "/proc/$BR_PID/status" ]; then
		rss=$(awk '/^VmHWM:/ { print $2 }' "/proc/$BR_PID/status")
	fi
	local d1 u1 pk
	d1=$(stat -c %s "$LINE_REC/down.raw" 2>/dev/null || echo 0)
	u1=$(stat -c %s "$LINE_REC/up.raw" 2>/dev/null || echo 0)
	pk=$(tail -c +"$((u0 + 1))" "$LINE_REC/up.raw" 2>/dev/null |
	    tr -cd '$' | wc -c)
	[ "$way" = bridge ] && bridge_stop
	lab_stop
	echo "$way $baud $i $(echo "$t1 - $t0" | bc -l) $((d1 - d0)) $((u1 - u0)) $pk $rss" >>"$RES"
	# What gdb printed, minus lines that differ by nature (timing, pids
	# of helper processes, the connection banner naming the port).
	grep -avE '^(Remote debugging using|warning: .*timeout|\[Inferior|Detaching|Ending remote|Kill the program)' \
	    "$T/$name.gdb" | sed -E 's/127\.0\.0\.1:[0-9]+/HOST:PORT/' \
	    >"$T/$name.out"
	if ! grep -aq '@@end' "$T/$name.gdb"; then
		say "$name: the session did not finish:"
		tail -n 8 "$T/$name.gdb" | sed 's/^/    | /' >&2
	fi
	return 0
}

# compare_run BAUD: one boot, the part of the session that does not resume
# the kernel run by gdb directly (gdb is then killed, so the kernel stays
# stopped) and then through the bridge: the same kernel state both ways,
# so gdb must print the same addresses and values.
compare_run() {
	local baud=$1 name="cmp-$1" lopts=()
	mapfile -t lopts < <(line_opts "$baud")
	sed '/^echo @@break/,$d' "$SESSION" >"$T/static.gdb"
	lab_start "$name" --mode sysrq --after 2 --tick "$TICK" \
	    --append norandmaps || return 1
	line_start "${lopts[@]}" || { lab_stop; return 1; }
	if ! wait_for "$(line_rx)" 'kdb>' 120; then
		lab_stop
		return 1
	fi
	sleep 0.5
	local way port
	for way in direct bridge; do
		port=$LINE_PORT
		if [ "$way" = bridge ]; then
			# --no-sleepers: like for like. With it on, the
			# bridge gives sleeping tasks their saved registers
			# where kgdb says pc 0, so info threads differs on
			# purpose (tests/e2e/45-sleepers.sh checks that).
			bridge_start "tcp:127.0.0.1:$LINE_PORT" --no-sleepers "${BOPTS[@]}" ||
			    { lab_stop; return 1; }
			port=$BR_GDB_PORT
		fi
		# gdb kills itself at the end (nothing sent: the kernel stays
		# stopped); the subshell keeps bash from reporting it.
		(timeout -k 5 600 "$GDB" -batch -nx -q -ex 'set pagination off' \
		    -ex 'set confirm off' -ex 'set width 0' \
		    -ex 'set remotetimeout 30' -ex 'maint set target-async off' \
		    -ex "file $VMLINUX" -ex "target remote 127.0.0.1:$port" \
		    -x "$T/static.gdb" "${GDB_VANISH[@]}" >"$T/$name-$way.gdb" 2>&1
		    true) 2>/dev/null
		grep -av '^Remote debugging using' "$T/$name-$way.gdb" |
		    grep -av '^@@vanish' >"$T/$name-$way.out"
		sleep 1
	done
	bridge_stop
	lab_stop
}

# Heap (direct-map) pointers differ from boot to boot under TCG.
mask() { sed -E 's/0xffff888[0-9a-f]+/0xffff888.../g' "$1"; }

# stats FIELD WAY BAUD: "median min max" of a field over the runs.
stats() {
	awk -v f="$1" -v w="$2" -v b="$3" '$1 == w && $2 == b { print $f }' \
	    "$RES" | sort -g | awk '{ v[NR] = $1 }
	    END { if (NR == 0) { print "- - -"; exit }
		  m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		  printf "%.2f %.2f %.2f\n", m, v[1], v[NR] }'
}

for baud in $LINES; do
	for i in $(seq 1 "$RUNS"); do
		for way in direct bridge; do
			say "baud $baud run $i $way"
			run_one "$way" "$baud" "$i"
		done
	done
done

for baud in $LINES; do
	[ "$baud" != "${baud%+*}" ] && continue	# adapters: the same bytes
	say "baud $baud: same-boot output comparison"
	compare_run "$baud" || say "baud $baud: comparison run failed"
done

# ---- console throughput: a Unix-socket target that floods, three clients
tput_run() {
	local sock=$T/tput.sock out=$T/tput.out
	LAB_NAME=tput
	python3 "$TPUT" --serve "$sock" --mb "$TPUT_MB" --clients 3 \
	    --port-file "$T/tput.port" >"$out" 2>"$T/tput.err" &
	local py=$!
	e2e_track "$py"
	for _ in $(seq 1 50); do [ -S "$sock" ] && break; sleep 0.1; done
	if ! bridge_start "unix:$sock" -q --console-raw "${BOPTS[@]}"; then
		say "throughput: $E2E_WHY"
		return 1
	fi
	echo "$BR_CON_PORT" >"$T/tput.port"
	wait "$py"
	TPUT_RSS=$(awk '/^VmHWM:/ { print $2 }' "/proc/$BR_PID/status" 2>/dev/null)
	TPUT_LOG=$(stat -c %s "$BR_LOG" 2>/dev/null || echo 0)
	bridge_stop
	cat "$out"
}
tput_run >"$T/tput.res" 2>&1
TPUT_LINE=$(tail -n 1 "$T/tput.res")

# ---- gdb's own start-up (loading the vmlinux symbols), in every session
# both ways: the part of the wall time no bridge can touch.
: >"$T/gdbstart"
for i in 1 2 3; do
	t0=$(now)
	"$GDB" -batch -nx -q -ex "file $VMLINUX" >/dev/null 2>&1
	echo "$(echo "$(now) - $t0" | bc -l)" >>"$T/gdbstart"
done
GDBSTART=$(sort -g "$T/gdbstart" | sed -n 2p)

# ---- the table
host="$(uname -sr), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
{
	echo "kgdb-bridge session benchmark, lab cell $LAB_ARCH/$LAB_KVER, $(date -u '+%Y-%m-%d %H:%M UTC'), $host"
	echo "runs per cell: $RUNS; bridge options: ${BOPTS[*]:-(none)}"
	[ "$STEPS" = 0 ] &&
	    echo "session: without its five steps (BENCH_STEPS=0; gdb straight on a riscv64 line hangs in them)"
	echo
	printf '| %-12s | %-6s | %-22s | %-9s | %-9s | %-7s | %-8s |\n' \
	    line way "wall s (median min max)" "down B" "up B" packets "ratio (w/o gdb start-up)"
	printf '|%s|\n' "--------------|--------|------------------------|-----------|-----------|---------|----------"
	for baud in $LINES; do
		dm=
		for way in direct bridge; do
			read -r m lo hi < <(stats 4 "$way" "$baud")
			read -r dn _ _ < <(stats 5 "$way" "$baud")
			read -r up _ _ < <(stats 6 "$way" "$baud")
			read -r pk _ _ < <(stats 7 "$way" "$baud")
			ratio=
			if [ "$way" = direct ]; then
				dm=$m
			elif [ "$m" != - ] && [ -n "$dm" ] && [ "$dm" != - ]; then
				ratio=$(echo "scale=3; $m / $dm" | bc -l)
				ratio2=$(echo "scale=3; ($m - $GDBSTART) / ($dm - $GDBSTART)" | bc -l)
				ratio="$ratio ($ratio2)"
			fi
			bl=$baud
			[ "$baud" = 0 ] && bl=unpaced
			printf '| %-12s | %-6s | %-22s | %-9s | %-9s | %-7s | %-8s |\n' \
			    "$bl" "$way" "$m $lo $hi" "${dn%.00}" "${up%.00}" "${pk%.00}" "$ratio"
		done
	done
	echo
	echo "gdb start-up alone (file vmlinux, no target; median of 3): $GDBSTART s, in every session both ways"
	# What an engineer sees: gdb on the adapter as it comes (16 ms), or
	# kgdb-bridge on it (which sets its latency timer to 1 ms).
	for baud in $LINES; do
		case $baud in *+usb16) ;; *) continue ;; esac
		tuned=${baud%+usb16}+usb1
		[[ " $LINES " == *" $tuned "* ]] || continue
		read -r dm _ _ < <(stats 4 direct "$baud")
		read -r bm _ _ < <(stats 4 bridge "$tuned")
		[ "$dm" = - ] || [ "$bm" = - ] && continue
		echo "bridge on $tuned / direct on $baud (the adapter as it comes; the bridge sets the timer to 1 ms): $(echo "scale=3; $bm / $dm" | bc -l) ($(echo "scale=3; ($bm - $GDBSTART) / ($dm - $GDBSTART)" | bc -l) w/o gdb start-up)"
	done
	for baud in $LINES; do
		bl=$baud
		[ "$baud" = 0 ] && bl=unpaced
		a=$T/cmp-$baud-direct.out b=$T/cmp-$baud-bridge.out
		if [ "$baud" != "${baud%+*}" ]; then
			:	# an adapter changes timing only
		elif [ -s "$a" ] && [ -s "$b" ]; then
			diff "$a" "$b" >"$T/cmp-$baud.diff"
			nd=$(grep -c '^[<>]' "$T/cmp-$baud.diff")
			echo "same stop, direct vs bridge at $bl: $nd differing lines of $(wc -l <"$a")$([ "$nd" -gt 0 ] && echo ":" && grep '^[<>]' "$T/cmp-$baud.diff" | head -n 8 | cut -c1-100 | sed 's/^/    /')"
		else
			echo "same stop, direct vs bridge at $bl: not run"
		fi
		n=0 same=0 why=
		for i in $(seq 1 "$RUNS"); do
			a=$T/direct-$baud-$i.out b=$T/bridge-$baud-$i.out
			[ -s "$a" ] && [ -s "$b" ] || continue
			n=$((n + 1))
			if cmp -s <(mask "$a") <(mask "$b"); then
				same=$((same + 1))
			else
				d=$(diff <(mask "$a") <(mask "$b") | grep '^[<>]')
				why="$why$(printf '\n    run %s: %s lines differ:\n%s' "$i" \
				    "$(echo "$d" | wc -l)" "$(echo "$d" | head -n 4 |
				    cut -c1-110 | sed 's/^/      /')")"
			fi
		done
		echo "whole sessions at $bl (separate boots: pids, heap pointers and register noise differ between boots): identical in $same of $n runs$why"
	done
	rss=$(awk '$1 == "bridge" && $8 > m { m = $8 } END { print m + 0 }' "$RES")
	echo "bridge resident memory (VmHWM, largest of the session runs): $rss KiB"
	echo "console throughput: $TPUT_LINE; VmHWM ${TPUT_RSS:-?} KiB; transcript ${TPUT_LOG:-?} bytes"
} | tee "$T/table.txt"
[ -n "${BENCH_OUT:-}" ] && cat "$T/table.txt" >>"$BENCH_OUT"
exit 0
