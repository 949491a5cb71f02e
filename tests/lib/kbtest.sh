# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lib/kbtest.sh: what the shell suites share (sourced, never run);
# tests/lib/kbtest.py is its Python twin.
#
# Results are the lines tests/run.sh counts: "PASS: NAME", "FAIL: NAME"
# or "FAIL: NAME: WHY", "SKIP: NAME: WHY". KB_PREFIX goes before every
# NAME (a suite's tag: "files: ", "tui_keys "), set it before the first
# result. KB_FAILS counts the FAIL lines printed, for a suite whose exit
# status says whether all passed. Nothing here exits, changes directory
# or sets a trap: each suite keeps its own rules for those.

KB_PREFIX=${KB_PREFIX:-}
KB_FAILS=0

pass() { echo "PASS: ${KB_PREFIX}$1"; }
fail() {
	KB_FAILS=$((KB_FAILS + 1))
	echo "FAIL: ${KB_PREFIX}$1${2:+: $2}"
}
skip() { echo "SKIP: ${KB_PREFIX}$1: $2"; }

# check NAME WHY CMD...: PASS when CMD succeeds, else FAIL with WHY (none
# when WHY is empty).
check() {
	local name=$1 why=$2
	shift 2
	if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}

# wait_grep FILE ERE [TENTHS]: until FILE matches ERE (default 10 s).
wait_grep() {
	local i n=${3:-100}
	for ((i = 0; i < n; i++)); do
		grep -aqE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# kb_ports BRIDGE CTL [TENTHS]: "GDB CONSOLE", the ports a running
# daemon bound (0 for one that is off), from its ctl status. Start the
# daemon with --gdb-port 0 / --console-port 0 and ask: no port is
# guessed, so none can be taken by someone else between the guess and
# the bind. Waits up to TENTHS/10 s (default 10) for an answer; prints
# nothing and fails without one.
kb_ports() {
	local br=$1 ctl=$2 st i
	for ((i = 0; i < ${3:-100}; i++)); do
		if [ -S "$ctl" ] &&
		    st=$("$br" ctl --ctl "$ctl" status 2>/dev/null); then
			st=$(printf '%s\n' "$st" | sed -n \
			    's/.*"ports":{"gdb":\([0-9]*\),"console":\([0-9]*\)}.*/\1 \2/p')
			[ -n "$st" ] && { echo "$st"; return 0; }
		fi
		sleep 0.1
	done
	return 1
}

# kb_free_port: a TCP port on 127.0.0.1 nothing answers on now, below the
# kernel's ephemeral range (a port some connection uses as its own end
# cannot be told from a free one by connecting to it). Only for programs
# that cannot bind port 0 and say what they got (QEMU's telnet server
# when it does not wait, ser2net): the bridge and the fake target can,
# so ask them instead (kb_ports; faketarget --tcp 0). It races whoever
# binds next; a caller that can retry should.
kb_free_port() {
	local p lo
	read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null
	[ "${lo:-0}" -gt 21000 ] 2>/dev/null || lo=32768
	for _ in $(seq 200); do
		p=$((20000 + RANDOM % (lo - 20000)))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}
