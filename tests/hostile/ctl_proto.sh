#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/hostile/ctl_proto.sh: control-socket requests at the limits.
#  - mem in words: LEN is decimal (010 is ten, not eight), ADDR hex; an
#    address over 64 bits or a range wrapping past 2^64 is refused with a
#    reason and nothing is read from the target;
#  - mem in JSON with typed arguments: "addr" a hex string (kernel
#    addresses are above 2^53) or an exact number, "len" a number; every
#    wrong type, range or member is refused with a reason, before the
#    target sees anything; malformed JSON (no closing brace, a duplicate
#    key, a NUL, bad UTF-8, a lone surrogate, deep nesting, huge numbers)
#    is refused whole, and the bridge lives on;
#  - the 33rd simultaneous client gets one JSON error line, then EOF;
#  - a request line is refused past 4096 bytes, however it arrives;
#  - `kgdb-bridge ctl` sends a JSON request written over several lines
#    as one line, and a line break never lets a second request through.
SUITE=ctl_proto
. "$(dirname "$0")/lib.sh"

CTL=$TMP/ctl
kb_start_ft "$TMP/t" --start gdb || fail "fake target" "did not start"
kb_start_br "$TMP/br.out" --gdb-port off --console-port off --ctl "$CTL" "$LINK"
wait_grep "$TMP/br.out" "link up" 50

ctl() { "$BR" ctl --ctl "$CTL" "$@" 2>&1; }

# mem_case NAME ARGS REPLY_ERE FTLOG_ERE_ABSENT FTLOG_ERE_PRESENT
# ARGS: the words after "mem", or one JSON request line (starting with
# '{'), which `kgdb-bridge ctl` sends on one line.
mem_case() {
	local name=$1 args=$2 reply_re=$3 absent=$4 present=$5 r
	: >"$FTLOG.mark"
	if [ "${args:0:1}" = "{" ]; then
		r=$(ctl "$args")
	else
		r=$(ctl mem $args)
	fi
	sleep 0.2
	if ! grep -qE -- "$reply_re" <<<"$r"; then
		fail "$name" "reply: $r"
	elif [ -n "$absent" ] && grep -qE -- "$absent" "$FTLOG"; then
		fail "$name" "target got $(grep -E -- "$absent" "$FTLOG" | head -n 1)"
	elif [ -n "$present" ] && ! grep -qE -- "$present" "$FTLOG"; then
		fail "$name" "target never got $present"
	else
		pass "$name"
	fi
}

mem_case "mem LEN 010 is ten bytes" "ffffffff81000000 010" \
    '"ok":true.*"len":10,' "" "^RX mffffffff81000000,a$"
mem_case "mem 0x prefix on ADDR" "0xffffffff81000100 4" \
    '"ok":true.*"len":4,' "" "^RX mffffffff81000100,4$"
mem_case "mem wrapping past 2^64 refused" "ffffffffffffffff 2" \
    '"ok":false.*past the top of the address space' \
    "^RX m(0|ffffffffffffffff)," ""
mem_case "mem address over 64 bits refused" "10000000000000000 1" \
    '"ok":false.*more than 64 bits' "^RX mffffffffffffffff," ""
mem_case "mem LEN in hex refused" "ffffffff81000000 0x10" \
    '"ok":false.*LEN in decimal' "^RX mffffffff81000000,10$" ""

# Typed JSON arguments, judged by the bridge.
mem_case "json mem: addr as a hex string" \
    '{"v":1,"cmd":"mem","addr":"0xffffffff81000200","len":10}' \
    '"ok":true,"cmd":"mem","addr":"0xffffffff81000200","len":10,' "" \
    "^RX mffffffff81000200,a$"
mem_case "json mem: addr as a number" \
    '{"v":1,"cmd":"mem","addr":4096,"len":16}' '"cmd":"mem"' "" \
    "^RX m1000,10$"
mem_case "json mem: wrapping past 2^64 refused" \
    '{"v":1,"cmd":"mem","addr":"ffffffffffffffff","len":2}' \
    '"ok":false,"cmd":"mem","error":"mem: 2 bytes at 0xffffffffffffffff run past the top' \
    "^RX m(0|ffffffffffffffff)," ""
mem_case "json mem: number above 2^53 refused" \
    '{"v":1,"cmd":"mem","addr":9007199254740993,"len":1}' \
    '"ok":false,"cmd":"mem",.*beyond 2\^53.*hex string' "^RX m20000000000001," ""
mem_case "json mem: number above 2^63 refused" \
    '{"v":1,"cmd":"mem","addr":18446744071562067968,"len":1}' \
    '"ok":false,"error":"malformed JSON.*too big integer' "^RX mffffffff80000000," ""
mem_case "json mem: len as a string refused" \
    '{"v":1,"cmd":"mem","addr":"ffffffff81004000","len":"16"}' \
    '"ok":false,"cmd":"mem","error":"mem: len must be an integer' \
    "^RX mffffffff81004000," ""
mem_case "json mem: len 4097 refused" \
    '{"v":1,"cmd":"mem","addr":"ffffffff81003000","len":4097}' \
    '"ok":false.*out of range \(1 to 4096' "^RX mffffffff81003000," ""
mem_case "json mem: the old text member refused" \
    '{"v":1,"cmd":"mem","text":"ffffffff81005000 8"}' \
    '"ok":false.*unknown member \\"text\\"' "^RX mffffffff81005000," ""
mem_case "json mem: no closing brace refused" \
    '{"v":1,"cmd":"mem","addr":"ffffffff81006000","len":8' \
    '"ok":false,"error":"malformed JSON' "^RX mffffffff81006000," ""

# `kgdb-bridge ctl` with a JSON request written over several lines: one
# request; a line break in it never lets a second one (a quit) through.
r=$(ctl "$(printf '{\n  "v": 1,\n  "cmd": "ping"\n}')")
check "ctl: JSON over several lines is one request" "reply: $r" \
    test "$r" = '{"v":1,"ok":true,"cmd":"ping"}'
r=$(ctl "$(printf '{"cmd":"mark","text":"before"}\nquit')")
sleep 0.3
if grep -q '"cmd":"quit"' <<<"$r" || ! ctl ping >/dev/null; then
	fail "ctl: no quit smuggled after a line break" "reply: $r; bridge gone"
	kb_start_br "$TMP/br2.out" --gdb-port off --console-port off --ctl "$CTL" \
	    "$LINK"
	wait_grep "$TMP/br2.out" "link up" 50
else
	pass "ctl: no quit smuggled after a line break"
fi

# The client limit and the line limit, from python (many sockets at once).
python3 - "$CTL" >"$TMP/py.out" 2>&1 <<'PY'
import socket, sys, time
path = sys.argv[1]

def conn():
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.settimeout(5)
    return s

def reply(s):
    buf = b""
    while not buf.endswith(b"\n"):
        try:
            d = s.recv(4096)
        except socket.timeout:
            return buf + b"<timeout>"
        if not d:
            return buf + b"<eof>"
        buf += d
    return buf

def say(name, ok, why=""):
    print(("PASS: %s" % name) if ok else ("FAIL: %s: %s" % (name, why)))

# 32 clients are served; the 33rd hears why it is turned away.
held = [conn() for _ in range(32)]
for s in held:
    s.sendall(b"ping\n")
r = [reply(s) for s in held]
say("32 clients served", all(b'"ok":true' in x for x in r), r[-1])
extra = conn()
r = reply(extra)
rest = reply(extra)
say("33rd client told the limit",
    b'"ok":false' in r and b"too many control clients (limit 32)" in r
    and rest == b"<eof>", repr(r + rest))
for s in held:
    s.close()
time.sleep(0.3)
s = conn()
s.sendall(b"ping\n")
r = reply(s)
say("a slot frees when a client leaves", b'"ok":true' in r, repr(r))
s.close()

# Hostile JSON and words, straight to the socket: refused with a reason,
# one reply per line, the connection still served after each.
s = conn()
hostile = [
    (b'{"v":1,"cmd":"ping"', b"malformed JSON"),
    (b'{"v":1,"cmd":"ping"}}', b"malformed JSON"),
    (b'{"cmd":"ping","cmd":"quit"}', b"malformed JSON"),
    (b'{"cmd":"ping"}\0', b"malformed JSON"),
    (b'{"cmd":"pi\\u0000ng"}', b"malformed JSON"),
    (b'{"cmd":"mark","text":"\xff\xfe"}', b"malformed JSON"),
    (b'{"cmd":"mark","text":"\\ud800"}', b"malformed JSON"),
    (b'{"cmd":"mark","text":"\\x41"}', b"malformed JSON"),
    (b'{"cmd":"mem","addr":' + b"9" * 400 + b',"len":1}', b"malformed JSON"),
    (b'{"cmd":"mem","addr":1e999,"len":1}', b"malformed JSON"),
    (b'{"cmd":"mem","addr":-1,"len":1}', b"negative"),
    (b'{"cmd":"mem","addr":"' + b"f" * 3000 + b'","len":1}', b"more than 64 bits"),
    (b'{"cmd":' + b"[" * 4000 + b"]" * 40, b"malformed JSON"),
    (b'{"cmd":"thread","id":"1;c"}', b"not hex"),
    (b'{"cmd":"thread","id":{"a":1}}', b"must be an integer"),
    (b'{"cmd":"mark","text":""}', b"mark needs a text"),
    (b'{"cmd":"ping","x":1}', b"takes no arguments"),
    (b'{"v":2,"cmd":"ping"}', b"unsupported protocol version"),
    (b"mem ffffffff81000000 0x10", b"LEN in decimal"),
    (b"mark \xff", b"not UTF-8"),
    (b"ping now", b"takes no arguments"),
]
for line, want in hostile:
    s.sendall(line + b"\n")
    r = reply(s)
    say("hostile line %r refused" % line[:40],
        b'"ok":false' in r and want in r, repr(r[:200]))
s.sendall(b'{"v":1,"cmd":"mark","text":"caf\xc3\xa9 \\ud83d\\ude00"}\n')
r = reply(s)
say("a UTF-8 mark accepted", b'"ok":true,"cmd":"mark"' in r, repr(r))
s.close()

# Line limit: 4096 bytes before the newline, whatever the chunking.
def line_case(name, n, chunks, want_ok):
    s = conn()
    line = b"mark " + b"x" * (n - 5) + b"\n"
    step = len(line) // chunks + 1
    try:
        for i in range(0, len(line), step):
            s.sendall(line[i:i + step])
            if chunks > 1:
                time.sleep(0.02)
    except (BrokenPipeError, ConnectionResetError):
        pass	# refused and closed before the rest was sent
    r = reply(s)
    ok = (b'"ok":true' in r) if want_ok else \
        (b"request line too long" in r)
    say(name, ok, repr(r[:100]))
    s.close()

line_case("4096-byte line accepted", 4096, 1, True)
line_case("4096-byte line in pieces accepted", 4096, 7, True)
line_case("4097-byte line refused", 4097, 1, False)
line_case("5000-byte line in one write refused", 5000, 1, False)
line_case("8000-byte line in one write refused", 8000, 1, False)
line_case("100000-byte line refused", 100000, 1, False)
line_case("5000-byte line in pieces refused", 5000, 9, False)
PY
pyrc=$?
sed -n "s/^\(PASS\|FAIL\): /\1: $SUITE: /p" "$TMP/py.out"
[ "$pyrc" = 0 ] ||
    fail "client and line limits" "python exit $pyrc: $(tail -n 3 "$TMP/py.out")"
ctl ping >/dev/null ||
    fail "bridge alive after the limits" "ctl ping failed"
kb_stop_br
check "no sanitizer report" "see $TMP/br.out" sanitizer_ok "$TMP/br.out"
