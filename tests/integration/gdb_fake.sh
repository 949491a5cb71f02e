#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/gdb_fake.sh: real gdb 13 through build/kgdb-bridge to
# build/faketarget (a scripted kgdb/kdb imitation, tests/tools/faketarget.c).
#
# Each case prints PASS:/FAIL:/SKIP:. The fake target logs what it received
# (RX …) and any rule the bridge broke: QMARK ('?' drops breakpoints),
# OVERFLOW (a read or packet over BUFMAX), TTY_GOT_0x03.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
BR=$BUILD/kgdb-bridge
FT=$BUILD/faketarget

# `make check` installs gdb (scripts/deps.sh) and builds both: a missing
# one fails, as in the lab suites.
if ! command -v gdb >/dev/null; then
	echo "FAIL: gdb_fake: gdb not installed (scripts/deps.sh)"
	exit 1
fi
if [ ! -x "$BR" ] || [ ! -x "$FT" ]; then
	echo "FAIL: gdb_fake: $BR or $FT not built (make)"
	exit 1
fi

KB_PREFIX="gdb_fake: "
. tests/lib/kbtest.sh	# pass, fail, check, kb_ports, the launcher

kb_scratch gdbfake	# TMP; the fakes and bridges stopped at exit

# start_pair NAME FAKE_ARGS... -- BRIDGE_ARGS...: in $TMP/NAME (D), the
# fake target (FTLOG: what it received) and the bridge on it, gdb port 0
# (GPORT: the port it got, 0 if it never said), transcript D/console.log.
start_pair() {
	local name=$1; shift
	local fargs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do fargs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	D=$TMP/$name
	mkdir -p "$D"
	kb_start_ft "$D/t" "${fargs[@]}"
	kb_start_br "$D/br.out" "$LINK" --gdb-port 0 --console-port off \
	    --ctl "$D/ctl" --log "$D/console.log" -v "$@"
	GPORT=$(kb_ports "$BR" "$D/ctl" | cut -d' ' -f1)
	GPORT=${GPORT:-0}
}

# stop_pair: the bridge first (it detaches from the target on its way
# out), then, a moment later (for the fake to log that), the fake target.
stop_pair() {
	kb_stop_br
	sleep 0.2
	kb_stop_ft
}

# rungdb OUT CMD...: a batch gdb on the bridge.  A gdb that had to be
# killed for its 60 s timeout is a failure of its own (timeout --verbose
# leaves its word in OUT), whatever the checks on OUT say.
rungdb() {
	local out=$1; shift
	local args=(-batch -nx -ex 'set architecture i386:x86-64'
	    -ex "target remote :$GPORT")
	local c rc
	for c in "$@"; do args+=(-ex "$c"); done
	timeout --verbose -k 5 "${GDB_TIMEOUT:-60}" gdb "${args[@]}" >"$out" 2>&1
	rc=$?
	if grep -q '^timeout: sending signal' "$out"; then
		fail "$(basename "$(dirname "$out")"): $(basename "$out"): gdb timed out"
	fi
	return $rc
}

has() { grep -q -- "$2" "$1"; }
# Not in FILE, which must exist and not be empty: a log that was never
# written proves nothing.
hasnt() { [ -s "$1" ] && ! grep -q -- "$2" "$1"; }
no_gdb_errors() {
	hasnt "$1" "Ignoring packet error" && hasnt "$1" "too long" &&
	    hasnt "$1" "E22" && hasnt "$1" "Could not fetch" &&
	    hasnt "$1" "Remote connection closed"
}
reads_capped() { # every m read <= 0x1ff, and at least one exactly 0x1ff
	local bad
	bad=$(sed -n 's/^RX m[0-9a-f]*,\([0-9a-f]*\)$/\1/p' "$1" |
	    while read -r l; do [ $((16#$l)) -gt 511 ] && echo "$l"; done)
	[ -z "$bad" ] && grep -q '^RX m[0-9a-f]*,1ff$' "$1"
}

# ---- 1: gdb attaches to a target sitting at a fresh kdb prompt
start_pair kdb --start kdb
rungdb "$D/gdb.out" 'info registers' \
    "dump binary memory $D/mem.bin 0xffffffff81000000 0xffffffff81001000" \
    'x/2xg 0xffffffff81000ff8' 'info threads' 'monitor ps' \
    'monitor bridge status' 'detach'
check "kdb: registers printed" "" has "$D/gdb.out" "^rip  *0xffffffff8108cfa5"
check "kdb: eflags decoded" "" has "$D/gdb.out" "eflags *0x246 *\[ PF ZF IF \]"
# kgdb answers 'p' below DBG_MAX_REG_NUM (24), fs and gs included.
check "kdb: fs/gs from kgdb's p, not E22" "" has "$D/gdb.out" "^gs  *0x0 "
check "kdb: no gdb protocol errors" "" no_gdb_errors "$D/gdb.out"
check "kdb: switched with \$qC#b4 at the fresh prompt" "" \
    has "$FTLOG" 'KDB_TRANSITION $qC#b4'
check "kdb: 4096-byte dump read" "" test "$(stat -c %s "$D/mem.bin" 2>/dev/null)" = 4096
check "kdb: reads split to <= 511 bytes" "" reads_capped "$FTLOG"
check "kdb: no '?' ever sent" "" hasnt "$FTLOG" QMARK
check "kdb: nothing over BUFMAX" "" hasnt "$FTLOG" OVERFLOW
check "kdb: monitor ps output" "" has "$D/gdb.out" "swapper/0"
check "kdb: monitor bridge status" "" has "$D/gdb.out" "^target: stopped (gdb)"
check "kdb: gdb detach leaves the kernel stopped" "" hasnt "$FTLOG" "^DETACH\|^RESUME\|^KILL"
check "kdb: console kept kdb text, no packets" "" \
    bash -c "grep -q 'Entering kdb' '$D/console.log' && ! grep -q '\\\$T05\\|\\\$QC' '$D/console.log'"
stop_pair
check "kdb: bridge exit detaches (D)" "" has "$FTLOG" "^DETACH"

# ---- 2: kgdbwait: the stub waits silently in gdb mode
start_pair kgdbwait --start kgdbwait
rungdb "$D/gdb.out" 'info registers rip' 'x/2xg 0xffffffff81000000'
check "kgdbwait: registers printed" "" has "$D/gdb.out" "^rip  *0xffffffff8108cfa5"
check "kgdbwait: no gdb protocol errors" "" no_gdb_errors "$D/gdb.out"
check "kgdbwait: probed with qC, not ?" "" bash -c "grep -q '^RX qC$' '$FTLOG' && ! grep -q QMARK '$FTLOG'"
stop_pair
# Shutdown with the target stopped in gdb mode: the bridge sends D.
check "kgdbwait: bridge exit detaches (D)" "" has "$FTLOG" "^DETACH"

# ---- 3: running kernel, RFC 2217 BREAK: break-on-connect, continue,
# interrupt (ctl break), stepi, kill
start_pair run --telnet --start running --chatter 150 -- --break-on-connect
( for _ in $(seq 200); do grep -q "RESUME c" "$FTLOG" 2>/dev/null && break; sleep 0.05; done
  sleep 0.4; "$BR" ctl --ctl "$D/ctl" break >"$D/ctl.out" 2>&1 ) &
rungdb "$D/gdb.out" 'info registers rip' 'continue' 'info registers rip' \
    'stepi' 'kill'
wait $! 2>/dev/null
check "run: break-on-connect stopped it" "" has "$D/gdb.out" "^rip  *0xffffffff8108cfa5"
check "run: continue, then break stops again" "" has "$D/gdb.out" "received signal SIGTRAP"
check "run: exactly one BREAK per break-in" "" test "$(grep -c '^BREAK' "$FTLOG")" = 2
check "run: stepi" "" has "$FTLOG" "^RESUME s"
check "run: kill resumes with k" "" has "$FTLOG" "^KILL"
check "run: no gdb protocol errors" "" no_gdb_errors "$D/gdb.out"
check "run: no gdb bytes reached the running tty as 0x03" "" hasnt "$FTLOG" TTY_GOT_0x03
check "run: console saw the chatter" "" has "$D/console.log" "fake: tick"
stop_pair

# ---- 4: line faults: a corrupt reply, a packet lost before its ack, a
# reply lost on the way (NAK asks for it again)
start_pair faults --start kdb --corrupt 6 --noack 9 --lose 12
rungdb "$D/gdb.out" 'info registers rip' 'x/4xg 0xffffffff81000000' \
    'x/4xg 0xffffffff81000100' 'monitor bridge status'
check "faults: registers printed" "" has "$D/gdb.out" "^rip  *0xffffffff8108cfa5"
check "faults: no gdb protocol errors" "" no_gdb_errors "$D/gdb.out"
check "faults: checksum error NAKed" "" has "$D/gdb.out" "[1-9][0-9]* checksum errors"
check "faults: retransmitted" "" has "$D/gdb.out" " [1-9][0-9]* retransmits"
check "faults: stub saw retransmit requests" "" has "$FTLOG" "^RETRANSMIT"
stop_pair

# ---- 5: one controlling gdb; drop and reattach; attach while running
start_pair ctl --start kdb -- --break-seq sysrq-trigger
# gdb killed without detaching: the target must stay stopped.
( rungdb "$D/gdbA.out" 'info registers rip' 'shell kill -9 $PPID' ) 2>/dev/null
sleep 0.3
check "ctl: dropped gdb leaves the target stopped" "" bash -c "grep -q '^RX g' '$FTLOG' && ! grep -q '^DETACH\|^KILL\|^RESUME' '$FTLOG'"
rungdb "$D/gdbB.out" 'info registers rip' 'shell sleep 2' \
    'info registers rip' 'kill' &
GB=$!
for _ in $(seq 100); do grep -q "^rip" "$D/gdbB.out" 2>/dev/null && break; sleep 0.05; done
rungdb "$D/gdbC.out" 'info registers rip'
wait $GB
check "ctl: a new gdb attaches to the stopped kernel" "" test "$(grep -c '^rip  *0xffffffff8108cfa5' "$D/gdbB.out")" = 2
check "ctl: no resume before the kill" "" hasnt "$FTLOG" '^DETACH\|^RESUME'
check "ctl: second gdb refused with a message" "" has "$D/gdbC.out" "another gdb is already attached"
check "ctl: reattach sent no '?'" "" hasnt "$FTLOG" QMARK
check "ctl: no gdb protocol errors" "" no_gdb_errors "$D/gdbB.out"
check "ctl: gdb kill resumes the kernel (k)" "" has "$FTLOG" "^KILL"
# The kernel now runs: gdb 13 cannot attach to a running target in
# all-stop mode, so the bridge breaks in (here by typing the sysrq-trigger
# line into the fake shell, --break-seq sysrq-trigger).
rungdb "$D/gdbD.out" 'info registers rip'
check "ctl: attach to a running kernel breaks in" "" has "$FTLOG" "^ENTER sysrq-trigger"
check "ctl: then gdb gets registers" "" has "$D/gdbD.out" "^rip  *0xffffffff8108cfa5"
check "ctl: no gdb protocol errors (running attach)" "" no_gdb_errors "$D/gdbD.out"
stop_pair

[ "$KB_FAILS" -eq 0 ]
