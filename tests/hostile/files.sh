#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/hostile/files.sh: --log and --trace pointed at things planted by
# someone else: a symlink to a root-owned file, another user's file, a
# hard link, a FIFO with and without a reader. The bridge must refuse at
# start-up, say why, and leave the planted target's content and mode
# exactly as they were. A new file is made 0600.
SUITE=files
. "$(dirname "$0")/lib.sh"

NOLINK=unix:$TMP/nothing.sock	# never there: the bridge waits (--wait)
CTL=$TMP/ctl

# state FILE: content hash (of a regular file: never open a FIFO here),
# type, mode, owner, link count, size, modification time.
state() {
	[ -f "$1" ] && [ ! -L "$1" ] && sha1sum <"$1"
	stat -c '%F %a %u %h %s %Y' -- "$1"
}

# refused NAME OPT PATH VICTIM WANT: `--OPT PATH` must make the bridge
# exit 1 saying WANT, with VICTIM unchanged.
refused() {
	local name=$1 opt=$2 path=$3 victim=$4 want=$5 before after
	local out=$TMP/$RANDOM.out

	before=$(state "$victim")
	run_br "$out" --ctl "$CTL" --wait "--$opt" "$path" "$NOLINK"
	after=$(state "$victim")
	if [ "$RC" != 1 ]; then
		fail "$name" "exit $RC, not 1: $(tail -n 2 "$out")"
	elif ! grep -qE -- "$want" "$out"; then
		fail "$name" "no '$want' in: $(tail -n 2 "$out")"
	elif [ "$before" != "$after" ]; then
		fail "$name" "$victim changed: $before -> $after"
	elif ! sanitizer_ok "$out"; then
		fail "$name" "sanitizer report in $out"
	else
		pass "$name"
	fi
}

# 1. A symlink at the log path to a root-owned 0644 file.
printf 'precious\n' >"$TMP/victim"
chmod 0644 "$TMP/victim"
ln -s "$TMP/victim" "$TMP/log.lnk"
refused "--log symlink to a root-owned file" log "$TMP/log.lnk" \
    "$TMP/victim" "symbolic link"
refused "--trace symlink to a root-owned file" trace "$TMP/log.lnk" \
    "$TMP/victim" "symbolic link"

# 2. Another user's file (as root, the bridge could chmod and write it).
printf 'theirs\n' >"$TMP/other.log"
chown 65534:65534 "$TMP/other.log"
chmod 0666 "$TMP/other.log"
refused "--log file of another user" log "$TMP/other.log" \
    "$TMP/other.log" "belongs to uid 65534"
refused "--trace file of another user" trace "$TMP/other.log" \
    "$TMP/other.log" "belongs to uid 65534"

# 3. A hard link to a file the caller did not mean.
printf 'linked\n' >"$TMP/victim2"
chmod 0644 "$TMP/victim2"
ln "$TMP/victim2" "$TMP/hard.log"
refused "--log hard link" log "$TMP/hard.log" "$TMP/victim2" "hard links"

# 4. A FIFO with no reader: a clear refusal, not a hang (run_br kills
# the bridge after 10 s: exit 124).
mkfifo -m 0600 "$TMP/fifo"
refused "--log FIFO without a reader" log "$TMP/fifo" "$TMP/fifo" \
    "FIFO"
refused "--trace FIFO without a reader" trace "$TMP/fifo" "$TMP/fifo" \
    "FIFO"

# 5. A FIFO with a reader: refused too (not a regular file).
exec 7<>"$TMP/fifo"	# a reader (and writer) that never blocks
refused "--log FIFO with a reader" log "$TMP/fifo" "$TMP/fifo" \
    "is a FIFO, not a regular file"
exec 7>&-

# 6. A directory, and a character device.
refused "--log directory" log "$TMP" "$TMP/victim" "Is a directory"
refused "--trace /dev/null" trace /dev/null "$TMP/victim" \
    "character device, not a regular file"

# 7. New files are 0600; an existing file of ours is made 0600 and
# appended to, not truncated.
printf 'old line\n' >"$TMP/mine.log"
chmod 0644 "$TMP/mine.log"
kb_start_br "$TMP/ok.out" --gdb-port off --console-port off --ctl "$CTL" --wait \
    --log "$TMP/mine.log" --trace "$TMP/new.trace" "$NOLINK"
"$BR" ctl --ctl "$CTL" mark hello >/dev/null 2>&1
kb_stop_br
if [ "$(stat -c %a "$TMP/new.trace")" != 600 ]; then
	fail "new and own files made 0600" "new.trace is $(stat -c %a "$TMP/new.trace")"
elif [ "$(stat -c %a "$TMP/mine.log")" != 600 ]; then
	fail "new and own files made 0600" "mine.log is $(stat -c %a "$TMP/mine.log")"
elif [ "$(head -n 1 "$TMP/mine.log")" != "old line" ] ||
    ! grep -q "mark ==== hello" "$TMP/mine.log"; then
	fail "new and own files made 0600" "mine.log: $(cat "$TMP/mine.log")"
elif ! sanitizer_ok "$TMP/ok.out"; then
	fail "new and own files made 0600" "sanitizer report"
else
	pass "new and own files made 0600, appended"
fi
