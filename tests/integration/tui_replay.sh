#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/tui_replay.sh: kgdb-tui in a real terminal. tmux runs
# it on a captured console transcript (--replay); send-keys drives it and
# capture-pane reads the screen: the panic summary, search, resize, NO_COLOR,
# and the terminal put back after q, SIGTERM and a crash signal.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
TUI=$PWD/$BUILD/kgdb-tui
DATA=$PWD/tests/data/tui

# `make check` installs tmux (scripts/deps.sh) and builds the TUI: a
# missing one fails, as in the lab suites.
if ! command -v tmux >/dev/null 2>&1; then
	echo "FAIL: tui: tmux not installed (scripts/deps.sh)"
	exit 1
fi
if [ ! -x "$TUI" ]; then
	echo "FAIL: tui: $TUI not built"
	exit 1
fi

sock=kgdbtui$$
pidf=$(mktemp)
T() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'T kill-server >/dev/null 2>&1; rm -f "$pidf"' EXIT

KB_PREFIX="tui "
. tests/lib/kbtest.sh	# pass, fail, check NAME WHY CMD...

screen() { T capture-pane -p -t tui; }
fmt() { T display-message -p -t tui "$1"; }
# Wait up to 5 s for a fixed string on the screen.
wait_for() {
	for _ in $(seq 1 50); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	screen >&2
	return 1
}
# The pane's shell outlives the TUI, so the terminal state it left
# behind can be read (a dead pane's cursor flag is not).
wait_exit() {
	wait_for "TUI EXITED"
}
# The summary's trace block on the screen (stdin), one frame a line.
trace_block() {
	awk '/^trace /{ on = 1 } on && !/^(trace |      [^ ])/{ exit }
	    on { sub(/^(trace |      )/, ""); sub(/ +$/, ""); print }'
}
# The frames of the first Call Trace in a console capture.
want_trace() {
	tr -d '\r' <"$1" | sed -n '/Call Trace:/,/ RIP: /p' |
	    sed -n 's/^\[[ 0-9.]*\]  \([^<].*\)$/\1/p'
}
# Start (or restart) the TUI in the pane with the given environment.
start() { # env-assignments...
	T respawn-pane -k -t tui "cd '$PWD' && export TERM=xterm-256color $* && sh -c 'echo \$\$ >$pidf; exec \"$TUI\" --replay \"$DATA/oops_null.txt\"'; echo TUI EXITED \$?; sleep 600"
	wait_for "sysrq_handle_crash"
}

T new-session -d -s tui -x 100 -y 30 "sleep 1000" || { fail "tmux start"; exit 1; }

# 1. The summary on the first screen.
start NO_COLOR=
check "panic summary names sysrq_handle_crash" "" \
    wait_for "at    sysrq_handle_crash+0x16/0x20"
check "summary lists the fault panic after the oops" "" \
    wait_for "also  panic: Fatal exception"
check "uses the alternate screen" "" test "$(fmt '#{alternate_on}')" = 1
check "colour when the terminal has it" "" \
    bash -c "tmux -L '$sock' capture-pane -e -p -t tui | grep -qP '\x1b\[[0-9;]*3[13]m'"

# 2. Search backwards in the log.
T send-keys -t tui / R I P Enter
check "search shows its pattern" "" wait_for "/RIP"
check "search leaves follow mode" "" bash -c "tmux -L '$sock' capture-pane -p -t tui | grep -q 'log  42 lines  \[-'"
T send-keys -t tui f
check "f returns to follow" "" wait_for "[follow]"

# 3. Resize to the smallest designed size and back.
T resize-window -t tui -x 80 -y 24
sleep 0.3
check "80x24 after resize keeps the summary" "" wait_for "at    sysrq_handle_crash"
check "80x24 after resize fits the width" "" \
    bash -c "! tmux -L '$sock' capture-pane -p -t tui | awk 'length > 80' | grep -q ."
T resize-window -t tui -x 120 -y 40
sleep 0.3
wait_for "entry_SYSCALL_64_after_hwframe+0x63/0xcd" >/dev/null 2>&1
check "120x40 shows the whole trace, in order" "" \
    bash -c '[ -n "$2" ] && [ "$1" = "$2" ]' _ "$(screen | trace_block)" \
    "$(want_trace "$DATA/oops_null.txt")"

# 4. q restores the terminal.
T send-keys -t tui q
check "q exits" "" wait_exit
check "q leaves the alternate screen" "" test "$(fmt '#{alternate_on}')" = 0
check "q shows the cursor again" "" test "$(fmt '#{cursor_flag}')" = 1

# 5. NO_COLOR: attributes, no colours.
start NO_COLOR=1
check "NO_COLOR: no colour sequences" "" \
    bash -c "! tmux -L '$sock' capture-pane -e -p -t tui | grep -qP '\x1b\[[0-9;]*3[0-7]m'"
check "NO_COLOR: still bold/reverse" "" \
    bash -c "tmux -L '$sock' capture-pane -e -p -t tui | grep -qP '\x1b\[[0-9;]*[17]m'"

# 6. SIGTERM and a crash signal restore the terminal too.
kill -TERM "$(cat "$pidf")"
check "SIGTERM exits" "" wait_exit
check "SIGTERM leaves the alternate screen" "" test "$(fmt '#{alternate_on}')" = 0
start NO_COLOR=
kill -SEGV "$(cat "$pidf")"
check "SIGSEGV kills it" "" wait_for "TUI EXITED 139"
check "SIGSEGV leaves the alternate screen" "" test "$(fmt '#{alternate_on}')" = 0
check "SIGSEGV shows the cursor again" "" test "$(fmt '#{cursor_flag}')" = 1

# 7. One frame as text, and refusing what is not there yet.
out=$("$TUI" --replay "$DATA/warn_then_oops.txt" --dump 80x24)
check "--dump names the warning site" "" \
    grep -qF "at    lkdtm_WARNING+0x12/0x20" <<<"$out"
check "--dump lists the later oopses" "" grep -qF "also  BUG #1 | BUG #2" <<<"$out"
out=$("$TUI" --replay "$DATA/lab_oops_panic.txt" --dump 80x24)
check "--dump on the lab kernel's capture names lkdtm_EXCEPTION" "" \
    grep -qF "at    lkdtm_EXCEPTION+0x2/0xa" <<<"$out"
check "--dump on the lab capture hides the shell's terminal query" "" \
    bash -c "! grep -q \$'\\x1b' <<<\"\$1\"" _ "$out"
err=$("$TUI" --ctl /nonexistent/kgdb.sock 2>&1 >/dev/null)
check "--ctl to a socket nobody serves fails with the reason" "" \
    bash -c '[ "$1" = 1 ] && grep -q "cannot connect to /nonexistent" <<<"$2"' _ $? "$err"
"$TUI" --ctl /tmp/x --replay /tmp/y >/dev/null 2>&1
check "--ctl and --replay together are a usage error" "" test $? = 2
"$TUI" --replay /nonexistent --dump 80x24 >/dev/null 2>&1
check "missing replay file fails" "" test $? = 1
[ "$KB_FAILS" -eq 0 ]
