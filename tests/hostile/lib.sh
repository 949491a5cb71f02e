# SPDX-License-Identifier: GPL-2.0-or-later
# tests/hostile/lib.sh: helpers for the hostile suites (sourced, not run).
#
# Each suite points the real daemon at something another user (or a
# mistake) planted: a directory, a symlink, a FIFO, a regular file, an
# exposed address, a flood of control clients. Cases print "PASS: name"
# or "FAIL: name: reason". The daemon is the sanitized build
# ($BUILD/t/kgdb-bridge) when there is one; a sanitizer report in its
# stderr fails the case.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BUILD=${BUILD:-build}
BR=$BUILD/t/kgdb-bridge
[ -x "$BR" ] || BR=$BUILD/kgdb-bridge
FT=$BUILD/faketarget
SUITE=${SUITE:-$(basename "$0" .sh)}

if [ ! -x "$BR" ]; then
	echo "FAIL: $SUITE: no $BUILD/t/kgdb-bridge or $BUILD/kgdb-bridge (make tests)"
	exit 0
fi

TMP=$(mktemp -d /tmp/kgdb-hostile.XXXXXX)
PIDS=()
CLEANUP=()
hostile_cleanup() {
	local p c
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for c in "${CLEANUP[@]}"; do rm -rf -- "$c"; done
	rm -rf "$TMP"
}
trap hostile_cleanup EXIT

KB_PREFIX="$SUITE: "
. tests/lib/kbtest.sh	# pass, fail, check, wait_grep, kb_ports

# sanitizer_ok FILE: no ASan/UBSan/LSan report in FILE.
sanitizer_ok() {
	! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$1" 2>/dev/null
}

# run_br OUT ARGS...: run the daemon to completion (at most 10 s, so a
# hang is a failure, not a stuck suite); stdout+stderr in OUT, the exit
# status in RC (124: it had to be killed).
run_br() {
	local out=$1
	shift
	timeout -k 2 10 "$BR" --no-stdin -q --gdb-port off --console-port off \
	    "$@" </dev/null >"$out" 2>&1
	RC=$?
}

# start_br OUT ARGS...: the daemon in the background (BRPID), waiting
# until it has logged its ports line (or exited).
start_br() {
	local out=$1
	shift
	"$BR" --no-stdin -q "$@" </dev/null >"$out" 2>&1 &
	BRPID=$!
	PIDS+=("$BRPID")
	wait_grep "$out" 'gdb port|error' 100
}

# stop_br: SIGTERM the background daemon and reap it (RC: its status).
stop_br() {
	kill "$BRPID" 2>/dev/null
	wait "$BRPID" 2>/dev/null
	RC=$?
}

# start_ft NAME ARGS...: the fake kgdb target on a Unix socket; LINK is
# its TARGET word, FTLOG what it received.
start_ft() {
	local name=$1
	shift
	FTLOG=$TMP/$name.ft.log
	"$FT" --unix "$TMP/$name.sock" --log "$FTLOG" "$@" \
	    2>"$TMP/$name.ft.err" &
	PIDS+=("$!")
	LINK=unix:$TMP/$name.sock
	for _ in $(seq 50); do
		[ -S "$TMP/$name.sock" ] && return 0
		sleep 0.1
	done
	return 1
}

# A uid with no account and no /tmp/kgdb-bridge-UID yet: the "victim"
# that runs the bridge while uid 65534 (nobody) plays the other user.
pick_uid() {
	local u
	for _ in $(seq 50); do
		u=$((40000 + RANDOM % 20000))
		getent passwd "$u" >/dev/null && continue
		[ -e "/tmp/kgdb-bridge-$u" ] || [ -L "/tmp/kgdb-bridge-$u" ] &&
		    continue
		echo "$u"
		return
	done
	echo 0
}

# as UID CMD...: run CMD as that uid (and gid), no groups, no
# XDG_RUNTIME_DIR (so the /tmp default applies). Foreground only: in the
# background $! would be a subshell, not CMD.
as() {
	local u=$1
	shift
	env -u XDG_RUNTIME_DIR setpriv --reuid="$u" --regid="$u" \
	    --clear-groups "$@"
}

# mode_owner PATH: "MODE UID" as stat prints them (no symlink followed).
mode_owner() { stat -c '%a %u' -- "$1" 2>/dev/null; }
