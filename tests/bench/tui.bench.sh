#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/bench/tui.bench.sh: how soon kgdb-tui shows a stop at 115200 baud
# (BENCH_BAUD).  The lab runs idle and logs a record a second
# (lab.kmsg=1), on a telnet line through kgdb-bridge; for each run a new
# kgdb-tui starts in a tmux pane (120x50) with KGDB_TUI_TRACE set, the
# kernel is broken into through the bridge's control socket, and the
# TUI's trace gives, from the moment of the break:
#   regs   the registers on screen (with the state line: the first paint)
#   full   the whole first view: registers, stack, the log pane's records
#   behind what the TUI reads after the view (older records, the rest of
#          the stack) is in too
# and the bytes and reads of the view.  Then the kernel continues and the
# next run starts a new TUI (a new TUI has read nothing: a first view).
# The first run's reads, one line each, go to stderr.
# Prints the median, min and max over BENCH_RUNS runs (5). Timings only:
# never a pass or a fail.  BENCH_OUT: a file to append the table to.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
e2e_setup bench-tui

RUNS=${BENCH_RUNS:-5}
BAUD=${BENCH_BAUD:-115200}
TUI=$BUILD/kgdb-tui
RES=$T/results.txt	# run from-break: refresh regs full behind; bytes reads
: >"$RES"

say() { echo "bench: $*" >&2; }

if ! need_lab || ! bridge_ready; then
	echo "SKIP: tui bench: $E2E_WHY"
	exit 0
fi
if ! command -v tmux >/dev/null || [ ! -x "$TUI" ]; then
	echo "SKIP: tui bench: needs tmux and $TUI"
	exit 0
fi
TM_SOCK=kgdb-bench-tui-$$
tm() { tmux -L "$TM_SOCK" -f /dev/null "$@"; }

lopts=()
[ "$BAUD" != 0 ] && lopts=(--baud "$BAUD")
if ! lab_start tb --serial telnet --mode idle --tick 1 --append lab.kmsg=1 ||
    ! line_start --telnet "${lopts[@]}" ||
    ! bridge_start "telnet:127.0.0.1:$LINE_PORT"; then
	echo "SKIP: tui bench: ${E2E_WHY:-the lab or the bridge did not start}"
	exit 0
fi
tm new-session -d -s keep -x 120 -y 50 "sleep 100000"
e2e_track "$(tm display-message -p -t keep '#{pid}')"
# Booted and logging: a few ticks in the ring before the first break.
if ! wait_for "$BR_LOG" 'lab: tick 5' 180; then
	echo "SKIP: tui bench: the lab did not boot (no tick on the console)"
	exit 0
fi

# stamp FILE WHAT: the first trace line's time for WHAT, or "".
stamp() { awk -v w="$2" '{ s = $0; sub(/^[0-9.]+ /, "", s) }
    s == w { print $1; exit }' "$1"; }

for i in $(seq 1 "$RUNS"); do
	tr=$T/run$i.trace
	: >"$tr"
	tm new-session -d -s "r$i" -x 120 -y 50 \
	    "KGDB_TUI_TRACE=$tr $TUI --ctl $BR_CTL --vmlinux $VMLINUX 2>$T/r$i.err"
	sleep 3		# symbols loaded, subscribed
	t0=$(date +%s.%N)
	bridge_ctl break >/dev/null 2>&1
	for _ in $(seq 1 600); do
		grep -qE ' (behind done|view failed)$' "$tr" && break
		sleep 0.1
	done
	tm kill-session -t "r$i"
	rf=$(stamp "$tr" refresh) rg=$(stamp "$tr" 'view regs')
	fu=$(stamp "$tr" 'view full') bh=$(stamp "$tr" 'behind done')
	if [ -z "$rf" ] || [ -z "$rg" ] || [ -z "$fu" ]; then
		say "run $i: no view (trace $tr)"
	else
		# bytes asked and reads up to the full view
		read -r by rd < <(awk '/ view full$/ { exit }
		    $2 == "send" && NF == 5 { b += $5; n++ }
		    $2 == "send" && NF == 3 { n++ }
		    END { print b + 0, n + 0 }' "$tr")
		echo "$i $(echo "$rf - $t0; $rg - $t0; $fu - $t0; ${bh:-$fu} - $t0" |
		    bc | tr '\n' ' ')$by $rd" >>"$RES"
	fi
	if [ "$i" = 1 ]; then
		say "run 1, every read (s from the break, what, address, bytes):"
		awk -v t0="$t0" '{ printf "bench:   %7.3f", $1 - t0
		    for (k = 2; k <= NF; k++) printf " %s", $k; printf "\n" }' \
		    "$tr" >&2
	fi
	bridge_ctl continue >/dev/null 2>&1
	sleep 3
done
tm kill-server 2>/dev/null
bridge_stop
lab_stop

# stats COLUMN: "median min max" over the runs.
stats() {
	awk -v f="$1" '{ print $f }' "$RES" | sort -g | awk '{ v[NR] = $1 }
	    END { if (NR == 0) { print "- - -"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f %.2f %.2f\n", m, v[1], v[NR] }'
}
bl=$BAUD
[ "$BAUD" = 0 ] && bl=unpaced
{
	echo "kgdb-tui first view of a stop, lab cell $LAB_ARCH/$LAB_KVER, $bl, 120x50, $(date -u '+%Y-%m-%d %H:%M UTC'), $(wc -l <"$RES") run(s)"
	echo
	printf '| %-34s | %-6s | %-6s | %-6s |\n' "seconds from the break" median min max
	printf '|%s|\n' "------------------------------------|--------|--------|--------"
	for c in "2 the TUI hears of the stop" "3 registers (first paint)" \
	    "4 full view" "5 all read behind it"; do
		read -r m lo hi < <(stats "${c%% *}")
		printf '| %-34s | %-6s | %-6s | %-6s |\n' "${c#* }" "$m" "$lo" "$hi"
	done
	read -r by _ _ < <(stats 6)
	read -r rd _ _ < <(stats 7)
	echo
	echo "the full view asked for ${by%.*} B in ${rd%.*} reads (median)"
} | tee -a "${BENCH_OUT:-/dev/null}"
exit 0
