# SPDX-License-Identifier: GPL-2.0-or-later
# tests/hostile/lib.sh: helpers for the hostile suites (sourced, not run).
#
# Each suite points the real daemon at something another user (or a
# mistake) planted: a directory, a symlink, a FIFO, a regular file, an
# exposed address, a flood of control clients. Cases print "PASS: name"
# or "FAIL: name: reason". The daemon is the sanitized build
# ($BUILD/t/kgdb-bridge) when there is one; a sanitizer report in its
# stderr fails the case. The daemon and the fake target are started with
# tests/lib/kbtest.sh's launcher (kb_start_br, kb_stop_br, kb_start_ft),
# in TMP, and stopped at exit.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BUILD=${BUILD:-build}
. tests/lib/kbtest.sh	# pass, fail, check, wait_grep, the launcher
BR=$(kb_bridge_bin)
FT=$BUILD/faketarget
SUITE=${SUITE:-$(basename "$0" .sh)}

if [ ! -x "$BR" ]; then
	echo "FAIL: $SUITE: no $BUILD/t/kgdb-bridge or $BUILD/kgdb-bridge (make tests)"
	exit 0
fi

KB_PREFIX="$SUITE: "
kb_scratch hostile	# TMP; KB_PIDS and KB_CLEANUP undone at exit

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
