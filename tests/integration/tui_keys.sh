#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/tui_keys.sh: kgdb-tui's keys in a real terminal (tmux).
#  - on a replay (no bridge): scrolling (k j Up Down PgUp PgDn), g/Home,
#    G/End/f, search with n and N, ? and h, and s/r refused without a
#    bridge; the log pane's title shows the scroll ("[-N]" or "[follow]")
#    and capture-pane -e shows which match is the current one (reverse);
#  - on build/kgdb-bridge and build/faketarget (a kernel stopped at
#    kgdbwait): s single-steps (the stub gets 's', the views are read
#    again) and r reads the views again.
# Prints "PASS: tui_keys NAME" / "FAIL: tui_keys NAME: why"; a missing tool
# is a FAIL. Waits are generous ceilings; nothing is timed.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
case $BUILD in /*) B=$BUILD ;; *) B=$PWD/$BUILD ;; esac
TUI=$B/kgdb-tui
BR=$B/kgdb-bridge
FT=$B/faketarget
KB_PREFIX="tui_keys "
. tests/lib/kbtest.sh	# pass, fail, check NAME WHY CMD..., the launcher

missing=
command -v tmux >/dev/null || missing="$missing tmux"
for f in "$TUI" "$BR" "$FT"; do [ -x "$f" ] || missing="$missing $f"; done
if [ -n "$missing" ]; then
	fail "tools" "missing:$missing (make; scripts/deps.sh build)"
	exit 1
fi

kb_scratch tuikeys	# TMP; the fake and the bridge stopped at exit
sock=kgdbtuikeys$$
T() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
	T kill-server >/dev/null 2>&1
	kb_cleanup
}
trap cleanup EXIT

screen() { T capture-pane -p -t keys; }
escreen() { T capture-pane -e -p -t keys; }
# Up to 5 s for a fixed string on the screen.
wait_for() {
	for _ in $(seq 1 50); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
# The log pane's title: "log  60 lines  [-15]  /needle".
title() { screen | grep -m1 -o 'log  [0-9]* lines  \[[^]]*\]'; }
wait_title() { # expected "[...]" part
	for _ in $(seq 1 50); do
		[ "$(title)" = "log  60 lines  $1" ] && return 0
		sleep 0.1
	done
	echo "title is '$(title)', want '$1'" >&2
	return 1
}
# The one log line whose "needle" is drawn in reverse (the current match).
current_match() {
	escreen | grep -a $'\x1b\\[7mneedle' | grep -ao 'line [0-9]*' | head -1
}
wait_match() {
	for _ in $(seq 1 50); do
		[ "$(current_match)" = "line $1" ] && return 0
		sleep 0.1
	done
	echo "current match '$(current_match)', want 'line $1'" >&2
	return 1
}
key() { T send-keys -t keys "$@"; }

# ---- replay: 60 lines, "needle" on lines 10, 30 and 50
for i in $(seq -w 1 60); do
	case $i in
	10 | 30 | 50) echo "[   $i.000000] line $i needle here" ;;
	*) echo "[   $i.000000] line $i plain" ;;
	esac
done >"$TMP/keys.txt"

# 100x30: 28 log rows; PgUp/PgDn move half the screen (15 lines). TERM
# is tmux's own (screen), so Home and End arrive as ncurses expects.
T new-session -d -s keys -x 100 -y 30 \
    "cd '$TMP' && TERM=screen NO_COLOR= '$TUI' --replay keys.txt; echo TUI EXITED \$?; sleep 600" ||
    { fail "tmux start"; exit 1; }
if ! wait_for "line 60 plain"; then
	fail "replay starts" "$(screen | head -5)"
	exit 1
fi
check "starts following" "" wait_title "[follow]"

key k
check "k scrolls up one line" "" wait_title "[-1]"
check "k: line 60 leaves the bottom" "" bash -c "! tmux -L '$sock' capture-pane -p -t keys | grep -q 'line 60 plain'"
key j
check "j scrolls back down, following again" "" wait_title "[follow]"
key Up Up
check "Up scrolls up" "" wait_title "[-2]"
key Down
check "Down scrolls down" "" wait_title "[-1]"
key Down
key PPage
check "PgUp scrolls half a screen" "" wait_title "[-15]"
key NPage
check "PgDn scrolls back" "" wait_title "[follow]"
key g
check "g goes to the oldest line" "" wait_title "[-59]"
check "g shows line 01 at the top" "" bash -c "tmux -L '$sock' capture-pane -p -t keys | sed -n 3p | grep -q 'line 01 plain'"
key G
check "G follows again" "" wait_title "[follow]"
key Home
check "Home goes to the oldest line" "" wait_title "[-59]"
key End
check "End follows again" "" wait_title "[follow]"
key g f
check "f follows again" "" wait_title "[follow]"

# Search: / needle Enter finds the newest match, n older, N newer.
key / n e e d l e Enter
check "/needle finds the newest match (line 50)" "" wait_match 50
key n
check "n goes to the older match (line 30)" "" wait_match 30
check "n scrolls it into view (line 60 off the screen)" "" bash -c "! tmux -L '$sock' capture-pane -p -t keys | grep -q 'line 60 plain'"
key n
check "n again: line 10" "" wait_match 10
key n
check "n past the oldest says not found" "" wait_for "not found: needle"
check "n past the oldest keeps line 10" "" wait_match 10
key N
check "N goes to the newer match (line 30)" "" wait_match 30
key N
check "N again: line 50" "" wait_match 50

key '?'
check "? shows the key summary" "" wait_for "n N next  arrows PgUp PgDn  f follow  g oldest"
key Escape f
key h
check "h shows it too" "" wait_for "r refresh  b break  c cont  s step"
key s
check "s on a replay says it needs the bridge" "" wait_for "need the bridge (--ctl)"
key f r
check "r on a replay says it needs the bridge" "" wait_for "need the bridge (--ctl)"
key q
check "q quits (exit 0)" "" wait_for "TUI EXITED 0"

# ---- live: the bridge on faketarget, a kernel stopped at kgdbwait
kb_start_ft "$TMP/t" --start kgdbwait
kb_start_br "$TMP/br.err" --gdb-port off --console-port off \
    --ctl "$TMP/ctl" "$LINK"
kb_ports "$BR" "$TMP/ctl" >/dev/null
T respawn-pane -k -t keys \
    "TERM=screen NO_COLOR= '$TUI' --ctl '$TMP/ctl'; echo TUI EXITED \$?; sleep 600"
gcount() { grep -c '^RX g$' "$FTLOG"; }
wait_gcount() { # at least N 'g' reads
	for _ in $(seq 1 100); do
		[ "$(gcount)" -ge "$1" ] && return 0
		sleep 0.1
	done
	echo "$(gcount) g reads, want $1" >&2
	return 1
}
check "live: the TUI reads the registers at the stop" "" wait_for "rip    ffffffff8108cfa5"
check "live: the first view is read" "" wait_for "refreshed:"
# No vmlinux (neither --vmlinux nor the bridge's): no guessed layout, the
# log pane is the console's and the TUI says what it needs.
check "live: without a vmlinux the log pane says console only" "" \
    wait_for "[follow]  console only"
check "live: without a vmlinux the TUI asks for one" "" \
    wait_for "no kernel log: needs a vmlinux with debug info (--vmlinux FILE)"
wait_gcount 1
g0=$(gcount)
key s
check "live: s single-steps (the stub gets s)" "" bash -c "for _ in \$(seq 100); do grep -q '^RESUME s\$' '$FTLOG' && exit 0; sleep 0.1; done; exit 1"
check "live: after the step the registers are read again" "" wait_gcount $((g0 + 1))
check "live: the status line names the stop's thread" "" wait_for "stopped  no gdb  thr 1"
check "live: s steps once" "" test "$(grep -c '^RESUME' "$FTLOG")" = 1
g1=$(gcount)
key r
check "live: r reads the views again" "" wait_gcount $((g1 + 1))
check "live: r does not resume the kernel" "" test "$(grep -c '^RESUME' "$FTLOG")" = 1
key q
check "live: q quits (exit 0)" "" wait_for "TUI EXITED 0"
# A vmlinux without debug info: the same, and the message says so.
cp "$B/t/dwarf/prb-6.1-64-nodebug" "$TMP/vmlinux"
NODEBUG=$TMP/vmlinux
T respawn-pane -k -t keys \
    "TERM=screen NO_COLOR= '$TUI' --ctl '$TMP/ctl' --vmlinux '$NODEBUG'; echo TUI EXITED \$?; sleep 600"
check "live: a vmlinux without DWARF: console only" "" \
    wait_for "[follow]  console only"
check "live: a vmlinux without DWARF is named so" "" \
    wait_for "no kernel log: $NODEBUG: no debug info"
key q
check "live: q quits again (exit 0)" "" wait_for "TUI EXITED 0"
[ "$KB_FAILS" -eq 0 ]
