#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/hostile/target.sh: a TARGET that is not a serial line. A regular
# file, a FIFO, a directory or a Unix socket given as a device path must
# be refused with the reason, at start-up (with or without --wait) and
# when it turns up later in place of the awaited device; it must never be
# written to.
SUITE=target
. "$(dirname "$0")/lib.sh"

CTL=$TMP/ctl

# refused NAME WANT ARGS...: exit 1 at start-up, saying WANT.
refused() {
	local name=$1 want=$2 out=$TMP/$RANDOM.out
	shift 2
	run_br "$out" --ctl "$CTL" "$@"
	if [ "$RC" != 1 ]; then
		fail "$name" "exit $RC, not 1: $(tail -n 2 "$out")"
	elif ! grep -qE -- "$want" "$out"; then
		fail "$name" "no '$want' in: $(tail -n 2 "$out")"
	elif grep -q "link up" "$out"; then
		fail "$name" "said link up"
	elif ! sanitizer_ok "$out"; then
		fail "$name" "sanitizer report in $out"
	else
		pass "$name"
	fi
}

printf 'my notes\n' >"$TMP/notes.txt"
before=$(sha1sum <"$TMP/notes.txt")
refused "regular file" "notes.txt is a regular file, not a serial port" \
    "$TMP/notes.txt"
refused "regular file with --wait" "is a regular file" --wait \
    "$TMP/notes.txt"
refused "regular file with line settings" "is a regular file" \
    "$TMP/notes.txt,9600,8n1"
ln -s "$TMP/notes.txt" "$TMP/by-id-link"
refused "symlink to a regular file" "by-id-link is a regular file" \
    "$TMP/by-id-link"
check "regular file untouched" "notes.txt changed" \
    test "$(sha1sum <"$TMP/notes.txt")" = "$before"

mkfifo "$TMP/fifo"
refused "FIFO" "is a FIFO" "$TMP/fifo"
refused "directory" "is a directory" "$TMP"
kb_start_ft "$TMP/sock"
refused "Unix socket as a device path" "give it as unix:" "$TMP/sock.sock"

# On reconnect: the awaited device path turns up as a regular file.
out=$TMP/late.out
kb_start_br "$out" --gdb-port off --console-port off --ctl "$CTL" --wait \
    "$TMP/late"
printf 'not a tty\n' >"$TMP/late"
if ! wait_grep "$out" "late is a regular file" 50; then
	fail "regular file appearing later" "no refusal: $(tail -n 2 "$out")"
elif grep -q "link up" "$out"; then
	fail "regular file appearing later" "said link up"
else
	"$BR" ctl --ctl "$CTL" status >"$TMP/late.status" 2>&1
	if ! grep -q '"link":"down"' "$TMP/late.status"; then
		fail "regular file appearing later" "status: $(cat "$TMP/late.status")"
	elif [ "$(cat "$TMP/late")" != "not a tty" ]; then
		fail "regular file appearing later" "file written to"
	else
		pass "regular file appearing later is refused"
	fi
fi
kb_stop_br
sanitizer_ok "$out" || fail "regular file appearing later" "sanitizer report"

# A pty is still a fine target (the check lets ttys through).
python3 - "$TMP/pty" <<'PY' &
import os, pty, sys, time
m, s = pty.openpty()
os.symlink(os.ttyname(s), sys.argv[1])
time.sleep(30)
PY
KB_PIDS+=("$!")
for _ in $(seq 50); do [ -L "$TMP/pty" ] && break; sleep 0.1; done
kb_start_br "$TMP/pty.out" --gdb-port off --console-port off --ctl "$CTL" \
    "$TMP/pty"
check "a pty is accepted" "no link up: $(tail -n 2 "$TMP/pty.out")" \
    wait_grep "$TMP/pty.out" "link up" 50
kb_stop_br
