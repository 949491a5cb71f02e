#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/hostile/ctl_dir.sh: the control-socket directory.
#
# Without XDG_RUNTIME_DIR the sockets live in /tmp/kgdb-bridge-UID, a name
# anyone can create first. The victim is a uid with no account (pick_uid);
# uid 65534 plays the other user. The bridge and `kgdb-bridge ctl` must
# refuse a directory that is not a private directory of the victim's, and
# the same goes for $XDG_RUNTIME_DIR/kgdb-bridge.
SUITE=ctl_dir
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	fail "other users" "needs root and setpriv to play two users"
	exit 0
fi
V=$(pick_uid)
VDIR=/tmp/kgdb-bridge-$V
KB_CLEANUP+=("$VDIR" "$VDIR.real")
chmod 755 "$TMP"
NOLINK=unix:$TMP/nothing.sock	# never there: the bridge waits (--wait)

# refused NAME WANT: the victim's bridge must exit 1 saying WANT, leaving
# no socket of its own in $VDIR.
refused() {
	local name=$1 want=$2 out=$TMP/$1.out

	as "$V" timeout -k 2 10 "$BR" --no-stdin -q --gdb-port off \
	    --console-port off --wait "$NOLINK" </dev/null >"$out" 2>&1
	RC=$?
	if [ "$RC" != 1 ]; then
		fail "$name" "exit $RC, not 1: $(tail -n 2 "$out")"
	elif ! grep -q -- "$VDIR" "$out" || ! grep -qE -- "$want" "$out"; then
		fail "$name" "no '$want' about $VDIR: $(tail -n 2 "$out")"
	elif ls "$VDIR"/*.sock >/dev/null 2>&1; then
		fail "$name" "a socket was made in $VDIR anyway"
	elif ! sanitizer_ok "$out"; then
		fail "$name" "sanitizer report in $out"
	else
		pass "$name"
	fi
}

# 1. Another user made the directory first, mode 0777.
rm -rf "$VDIR"
mkdir "$VDIR"
chown 65534:65534 "$VDIR"
chmod 0777 "$VDIR"
refused "another user's 0777 directory" "belongs to uid 65534"

# 2. The victim's own directory, but open to others.
chown "$V:$V" "$VDIR"
refused "own directory with mode 0777" "mode 0777"
chmod 0750 "$VDIR"
refused "own directory with mode 0750" "mode 0750"

# 3. A symlink to a private directory of the victim's.
rm -rf "$VDIR"
mkdir -m 0700 "$VDIR.real"
chown "$V:$V" "$VDIR.real"
ln -s "$VDIR.real" "$VDIR"
refused "symlink to a private directory" "symbolic link"
rm -f "$VDIR"

# 4. A regular file in its place.
touch "$VDIR"
chown "$V:$V" "$VDIR"
refused "a regular file in its place" "regular file, not a directory"
rm -f "$VDIR"

# 5. None yet: made 0700 and used; `ctl` finds it (auto-discovery).
out=$TMP/fresh.out
# Not through as(): $! must be the bridge itself, for kb_stop_br.
env -u XDG_RUNTIME_DIR setpriv --reuid="$V" --regid="$V" --clear-groups \
    "$BR" --no-stdin -q --gdb-port off --console-port off --wait "$NOLINK" \
    </dev/null >"$out" 2>&1 &
BRPID=$!
KB_PIDS+=("$BRPID")
wait_grep "$out" 'control /' 100
if [ "$(mode_owner "$VDIR")" != "700 $V" ]; then
	fail "fresh directory is 0700" "mode/owner $(mode_owner "$VDIR")"
elif ! as "$V" "$BR" ctl ping >"$TMP/ping.out" 2>&1; then
	fail "fresh directory is 0700" "ctl ping: $(cat "$TMP/ping.out")"
else
	pass "fresh directory is 0700, ctl finds the bridge"
fi
kb_stop_br
sanitizer_ok "$out" || fail "fresh directory" "sanitizer report in $out"

# 6. The client side: a directory of another user's holding a socket
# anyone may connect to (it answers like a bridge). `ctl` must not talk
# to it, found or named with --target.
rm -rf "$VDIR"
mkdir "$VDIR"
chown 65534:65534 "$VDIR"
chmod 0777 "$VDIR"
python3 - "$VDIR/evil.sock" "$TMP/evil.log" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
s.listen(8)
log = open(sys.argv[2], "a")
while True:
    c, _ = s.accept()
    log.write("CONNECTED\n")
    log.flush()
    try:
        line = c.makefile("rb").readline()
        log.write("GOT %r\n" % line)
        log.flush()
        c.sendall(b'{"v":1,"ok":true,"cmd":"ping"}\n')
    except OSError:
        pass
    c.close()
PY
KB_PIDS+=("$!")
for _ in $(seq 50); do [ -S "$VDIR/evil.sock" ] && break; sleep 0.1; done
as "$V" timeout 10 "$BR" ctl ping >"$TMP/c1.out" 2>&1
rc=$?
if [ "$rc" = 0 ] || [ -s "$TMP/evil.log" ]; then
	fail "ctl refuses another user's directory" \
	    "exit $rc, the planted socket got: $(cat "$TMP/evil.log" 2>/dev/null)"
elif ! grep -q "belongs to uid 65534" "$TMP/c1.out"; then
	fail "ctl refuses another user's directory" "$(cat "$TMP/c1.out")"
else
	pass "ctl refuses another user's directory"
fi
as "$V" timeout 10 "$BR" ctl --target evil ping >"$TMP/c2.out" 2>&1
rc=$?
if [ "$rc" = 0 ] || [ -s "$TMP/evil.log" ] ||
    ! grep -q "belongs to uid 65534" "$TMP/c2.out"; then
	fail "ctl --target refuses another user's directory" \
	    "exit $rc: $(cat "$TMP/c2.out")"
else
	pass "ctl --target refuses another user's directory"
fi

# 7. $XDG_RUNTIME_DIR/kgdb-bridge gets the same checks (as root here).
X=$TMP/xdg
mkdir -m 0700 "$X" "$X/kgdb-bridge"
chown 65534:65534 "$X/kgdb-bridge"
chmod 0777 "$X/kgdb-bridge"
XDG_RUNTIME_DIR=$X timeout -k 2 10 "$BR" --no-stdin -q --gdb-port off \
    --console-port off --wait "$NOLINK" </dev/null >"$TMP/xdg.out" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q "$X/kgdb-bridge belongs to uid 65534" \
    "$TMP/xdg.out" && ! ls "$X"/kgdb-bridge/*.sock >/dev/null 2>&1; then
	pass "XDG_RUNTIME_DIR subdirectory of another user's"
else
	fail "XDG_RUNTIME_DIR subdirectory of another user's" \
	    "exit $rc: $(tail -n 2 "$TMP/xdg.out")"
fi
rm -rf "$X/kgdb-bridge"
XDG_RUNTIME_DIR=$X kb_start_br "$TMP/xdg2.out" --gdb-port off \
    --console-port off --wait "$NOLINK"
if [ "$(mode_owner "$X/kgdb-bridge")" = "700 0" ] &&
    XDG_RUNTIME_DIR=$X "$BR" ctl ping >/dev/null 2>&1; then
	pass "XDG_RUNTIME_DIR subdirectory made 0700"
else
	fail "XDG_RUNTIME_DIR subdirectory made 0700" \
	    "mode/owner $(mode_owner "$X/kgdb-bridge")"
fi
kb_stop_br
