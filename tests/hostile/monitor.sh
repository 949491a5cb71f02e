#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/hostile/monitor.sh: `monitor bridge …` from a gdb against a target
# that goes away.
#  - with the link down, `monitor bridge kdb` says nothing was sent,
#    never "switching the target to kdb" (the old answer, a lie);
#  - `monitor bridge status` still answers, and says the link is down;
#  - an over-long monitor command is refused (E01), the bridge lives on.
SUITE=monitor
. "$(dirname "$0")/lib.sh"

python3 - "$BR" "$TMP" 2>"$TMP/py.err" <<'PY'
import os, socket, sys, time
sys.path.insert(0, "tests/lib")
from kbtest import Bridge, StubTarget, frame, reporter, use

use(bridge=sys.argv[1])
tmp = sys.argv[2]
say = reporter("monitor: ")
# A target that acks and answers nothing, taken back after a loss.
t = StubTarget(os.path.join(tmp, "target.sock"), stop=b"T05thread:01;",
               many=True)
b = Bridge(tmp, t.target, name="br", console=False, verbose=False,
           check=True)
g = socket.create_connection(("127.0.0.1", b.gport), 10)
g.settimeout(10)


def monitor(cmd):
    """The O text and the final reply of one qRcmd."""
    g.sendall(frame(b"qRcmd," + cmd.hex().encode()))
    buf, text = b"", b""
    while True:
        d = g.recv(65536)
        if not d:
            return text, b"<eof>"
        buf += d
        while b"$" in buf and b"#" in buf[buf.index(b"$"):]:
            s = buf.index(b"$")
            h = buf.index(b"#", s)
            if len(buf) < h + 3:
                break
            p = buf[s + 1:h]
            buf = buf[h + 3:]
            g.sendall(b"+")
            if p.startswith(b"O") and p != b"OK":
                text += bytes.fromhex(p[1:].decode())
            else:
                return text, p


text, end = monitor(b"bridge status")
say(b"(up)" in text and end == b"OK", "status with the link up",
    repr((text, end)))
t.vanish()              # the target goes away
for _ in range(100):
    t_, e = monitor(b"bridge status")
    if b"(down)" in t_:
        break
    time.sleep(0.1)
say(b"(down)" in t_, "status says the link is down", repr(t_))
text, end = monitor(b"bridge kdb")
say(b"switching" not in text and b"link is down" in text and end == b"OK",
    "kdb with the link down is refused, not claimed", repr((text, end)))
text, end = monitor(b"bridge " + b"x" * 600)
say(end == b"E01", "an over-long monitor command is refused",
    repr((text, end)))
say(b.alive(), "the bridge lives on")
b.stop()
PY
pyrc=$?
[ "$pyrc" = 0 ] ||
    fail "monitor against a vanished target" "python exit $pyrc: $(tail -n 3 "$TMP/py.err")"
check "no sanitizer report" "see $TMP/br.err" sanitizer_ok "$TMP/br.err"
