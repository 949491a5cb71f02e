#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: the stop-state cache changes nothing gdb prints.
# One boot of the lab kernel (stopped by SysRq-g once booted), one
# kgdb-bridge started with --no-cache, and three gdb sessions in a row on
# it, so that every comparison is of the same stopped kernel:
#   s1  cache off (--no-cache)            BLOCK at stop 0
#   s2  monitor bridge cache on           BLOCK at stop 0, stepi,
#                                         BLOCK at stop 1, cache stats
#   s2b (cache still on)                  BLOCK at stop 1
#   s3  monitor bridge cache off          BLOCK at stop 1
# BLOCK is info registers, bt, info threads, x/64gx $sp, x/16i $pc,
# p jiffies, frame 1, bt.  Each gdb kills itself at the end (nothing sent:
# the kernel stays stopped for the next one).
#   cache-5-same-stop   s1 and s2 print the same BLOCK at stop 0
#   cache-6-after-step  s2b, with the cache that lived through s2's stepi,
#                       prints what s3 reads without it: nothing was
#                       served across the step.  (Fresh gdbs both: the gdb
#                       that stepped shows inline frames its own way.)
#   cache-7-stats       --no-cache starts with the cache off; with it on,
#                       `monitor bridge cache stats` counts hits
# Only gdb's value-history numbers ($1, $2) are masked: a second BLOCK in
# one session numbers its values on.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_setup cache-bridge

CASES="cache-5-same-stop cache-6-after-step cache-7-stats"
# shellcheck disable=SC2086
fail_every() { fail_all "$1" $CASES; }
bridge_ready || fail_every "$E2E_WHY"
"$BRIDGE" --help 2>&1 | grep -q -- '--no-cache' ||
    fail_every "$BRIDGE has no --no-cache"
need_lab || fail_every "$E2E_WHY"

BLOCK=(-ex 'info registers' -ex 'bt' -ex 'info threads'
	-ex 'x/64gx $sp' -ex 'x/16i $pc' -ex 'p jiffies'
	-ex 'frame 1' -ex 'bt' -ex 'frame 0')

# block NAME TAG: the lines between "@@TAG" and "@@end-TAG" of NAME.gdb,
# value-history numbers masked.
block() {
	sed -n "/^@@$2\$/,/^@@end-$2\$/p" "$T/$1.gdb" |
	    sed -E 's/^\$[0-9]+ = /$N = /'
}

# same NAME A B: A and B (files) must be equal and not trivially short.
same() {
	local name=$1 a=$2 b=$3 n
	n=$(wc -l <"$a")
	if [ "$n" -lt 40 ]; then
		fail "$name" "only $n lines of gdb output to compare"
		sed 's/^/    | /' "$a" | tail -n 15 >&2
		return 1
	fi
	if ! cmp -s "$a" "$b"; then
		fail "$name" "$(diff "$a" "$b" | grep -c '^[<>]') of $n lines differ"
		diff "$a" "$b" | head -n 20 | sed 's/^/    | /' >&2
		return 1
	fi
	echo "    $name: $n lines identical" >&2
	pass "$name"
}

lab_start s --mode sysrq --after 2 --tick 1 --append norandmaps ||
    fail_every "lab did not boot"
line_start || fail_every "shaper did not start"
if ! wait_for "$(line_rx)" 'kdb>' 120; then
	for c in $CASES; do fail "$c" "no SysRq-g stop on the console"; done
	exit 0
fi
sleep 0.5
if ! bridge_start "tcp:127.0.0.1:$LINE_PORT" --no-cache; then
	for c in $CASES; do fail "$c" "$E2E_WHY"; done
	exit 0
fi

GDB_TIMEOUT=300 gdb_run s1 "$BR_GDB_PORT" \
    -ex 'monitor bridge cache stats' \
    -ex 'echo @@a\n' "${BLOCK[@]}" -ex 'echo @@end-a\n' \
    "${GDB_VANISH[@]}" 2>/dev/null
GDB_TIMEOUT=300 gdb_run s2 "$BR_GDB_PORT" \
    -ex 'monitor bridge cache on' \
    -ex 'echo @@a\n' "${BLOCK[@]}" -ex 'echo @@end-a\n' \
    -ex 'stepi' \
    -ex 'echo @@b\n' "${BLOCK[@]}" -ex 'echo @@end-b\n' \
    -ex 'monitor bridge cache stats' \
    "${GDB_VANISH[@]}" 2>/dev/null
GDB_TIMEOUT=300 gdb_run s2b "$BR_GDB_PORT" \
    -ex 'echo @@b\n' "${BLOCK[@]}" -ex 'echo @@end-b\n' \
    "${GDB_VANISH[@]}" 2>/dev/null
GDB_TIMEOUT=300 gdb_run s3 "$BR_GDB_PORT" \
    -ex 'monitor bridge cache off' \
    -ex 'echo @@b\n' "${BLOCK[@]}" -ex 'echo @@end-b\n' \
    "${GDB_VANISH[@]}" 2>/dev/null

block s1 a >"$T/s1-a.out"
block s2 a >"$T/s2-a.out"
block s2 b >"$T/s2-b.out"
block s2b b >"$T/s2b-b.out"
block s3 b >"$T/s3-b.out"

if check_clean cache-5-same-stop "$T/s1.gdb" &&
    check_clean cache-5-same-stop "$T/s2.gdb" &&
    check_log cache-5-same-stop "$T/s1-a.out" "^$E2E_PC +$E2E_KTEXT" '^#0 ' \
	'^#1 ' 'Thread ' '^\$N = [0-9]+'; then
	same cache-5-same-stop "$T/s1-a.out" "$T/s2-a.out"
fi

# The step must have moved the kernel, or case 6 proves nothing.
rip_a=$(grep -m1 "^$E2E_PC " "$T/s2-a.out" | awk '{ print $2 }')
rip_b=$(grep -m1 "^$E2E_PC " "$T/s2-b.out" | awk '{ print $2 }')
if [ -z "$rip_b" ] || [ "$rip_a" = "$rip_b" ]; then
	fail cache-6-after-step "stepi did not move rip ($rip_a, then ${rip_b:-nothing})"
	tail -n 15 "$T/s2.gdb" | sed 's/^/    | /' >&2
elif check_clean cache-6-after-step "$T/s2b.gdb" &&
    check_clean cache-6-after-step "$T/s3.gdb"; then
	same cache-6-after-step "$T/s2b-b.out" "$T/s3-b.out"
fi

# cache-7: "cache: off" under --no-cache; hits once switched on.
hits=$(sed -n 's/^requests: \([0-9]*\) answered by the bridge.*/\1/p' \
    "$T/s2.gdb" | tail -n 1)
if ! grep -aq '^cache: off' "$T/s1.gdb"; then
	fail cache-7-stats "--no-cache: monitor bridge cache stats does not say off"
	grep -a -A6 '^cache:' "$T/s1.gdb" | sed 's/^/    | /' >&2
elif ! grep -aq '^cache: on' "$T/s2.gdb" || [ -z "$hits" ] ||
    [ "$hits" -eq 0 ]; then
	fail cache-7-stats "no hits counted with the cache on (${hits:-no stats})"
	grep -a -A6 '^cache:' "$T/s2.gdb" | sed 's/^/    | /' >&2
else
	grep -a -A5 '^cache: on' "$T/s2.gdb" | sed 's/^/    /' >&2
	pass cache-7-stats
fi
bridge_stop
lab_stop
exit 0
