# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lib/kbtest.sh: what the shell suites share (sourced, never run);
# tests/lib/kbtest.py is its Python twin.
#
# Results are the lines tests/run.sh counts: "PASS: NAME", "FAIL: NAME"
# or "FAIL: NAME: WHY", "SKIP: NAME: WHY". KB_PREFIX goes before every
# NAME (a suite's tag: "files: ", "tui_keys "), set it before the first
# result. KB_FAILS counts the FAIL lines printed, for a suite whose exit
# status says whether all passed. Nothing here changes directory; only
# kb_scratch sets a trap and only kb_py_suite exits (it execs).
#
# The launcher (below: kb_scratch, kb_start_ft, kb_start_br, kb_stop_br)
# runs kgdb-bridge ($BR) and build/faketarget ($FT) for a suite in a
# directory of its own, and stops them at exit however the suite ends.

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

# ---- the fake target and the bridge, started and always stopped

# kb_scratch NAME: TMP, a new directory /tmp/kgdb-NAME.XXXXXX. At exit,
# however the suite ends, kb_cleanup kills and reaps every process in
# KB_PIDS (the launchers put theirs there) and removes every path in
# KB_CLEANUP, then TMP. It sets the EXIT trap: a suite with more to undo
# sets its own and calls kb_cleanup from it.
kb_scratch() {
	TMP=$(mktemp -d "/tmp/kgdb-$1.XXXXXX") || return 1
	KB_PIDS=()
	KB_CLEANUP=()
	trap kb_cleanup EXIT
}
kb_cleanup() {
	local p c
	for p in "${KB_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for c in "${KB_CLEANUP[@]}"; do rm -rf -- "$c"; done
	[ -n "${TMP:-}" ] && rm -rf -- "$TMP"
	return 0
}

# kb_start_ft STEM ARGS...: $FT, the fake kgdb target, in the background
# (FTPID) on the Unix socket STEM.sock, or with --telnet in ARGS on a TCP
# port it picks and says. FTLOG (STEM.ft.log) is what it received, its
# stderr goes to STEM.ft.err, LINK is its TARGET word for the bridge. A
# STEM another fake already used becomes STEM-2, STEM-3... Fails when it
# does not listen within 5 s.
kb_start_ft() {
	local base=$1 stem=$1 n=1 port
	shift
	while [ -e "$stem.ft.log" ] || [ -e "$stem.ft.err" ]; do
		n=$((n + 1))
		stem=$base-$n
	done
	FTLOG=$stem.ft.log
	if [[ " $* " == *" --telnet "* ]]; then
		"$FT" --tcp 0 --log "$FTLOG" "$@" 2>"$stem.ft.err" &
		FTPID=$!
		KB_PIDS+=("$FTPID")
		wait_grep "$stem.ft.err" '^faketarget: tcp port [0-9]+$' 50 ||
		    return 1
		port=$(sed -n 's/^faketarget: tcp port \([0-9]*\)$/\1/p' \
		    "$stem.ft.err")
		LINK=telnet:127.0.0.1:$port
		return 0
	fi
	"$FT" --unix "$stem.sock" --log "$FTLOG" "$@" 2>"$stem.ft.err" &
	FTPID=$!
	KB_PIDS+=("$FTPID")
	LINK=unix:$stem.sock
	for _ in $(seq 50); do
		[ -S "$stem.sock" ] && return 0
		sleep 0.1
	done
	return 1
}

# kb_stop_ft: SIGTERM the fake target and reap it.
kb_stop_ft() {
	kill "$FTPID" 2>/dev/null
	wait "$FTPID" 2>/dev/null
}

# kb_start_br OUT ARGS...: $BR --no-stdin -q ARGS in the background
# (BRPID), stdout and stderr in OUT, waiting (10 s at most) until it has
# logged its ports line or an error; fails without one.
kb_start_br() {
	local out=$1
	shift
	"$BR" --no-stdin -q "$@" </dev/null >"$out" 2>&1 &
	BRPID=$!
	KB_PIDS+=("$BRPID")
	wait_grep "$out" 'gdb port|error' 100
}

# kb_stop_br: SIGTERM the background daemon and reap it (RC: its exit
# status).
kb_stop_br() {
	kill "$BRPID" 2>/dev/null
	wait "$BRPID" 2>/dev/null
	RC=$?
}

# kb_py_suite NAME SCRIPT NEED... -- ARG...: in place of this shell, run
# python3 SCRIPT ARG...; first every NEED (a path that must be executable,
# or a command on PATH; python3 always) must be there, else one line
# "FAIL: NAME: missing: ..." and exit 1.
kb_py_suite() {
	local name=$1 script=$2 missing= n
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		n=$1
		shift
		case $n in
		*/*) [ -x "$n" ] || missing="$missing $n" ;;
		*) command -v "$n" >/dev/null || missing="$missing $n" ;;
		esac
	done
	[ $# -gt 0 ] && shift
	command -v python3 >/dev/null || missing="$missing python3"
	if [ -n "$missing" ]; then
		echo "FAIL: $name: missing:$missing (make tests; scripts/deps.sh)"
		exit 1
	fi
	exec python3 "$script" "$@"
}

# kb_bridge_bin: the daemon a suite runs, the sanitized build
# ($BUILD/t/kgdb-bridge) when there is one.
kb_bridge_bin() {
	if [ -x "$BUILD/t/kgdb-bridge" ]; then
		echo "$BUILD/t/kgdb-bridge"
	else
		echo "$BUILD/kgdb-bridge"
	fi
}
