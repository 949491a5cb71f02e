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

python3 - "$BR" "$TMP" >"$TMP/py.out" 2>&1 <<'PY'
import os, socket, subprocess, sys, threading, time
sys.path.insert(0, "tests/lib")
from kbtest import bridge_ports

br, tmp = sys.argv[1], sys.argv[2]
path = os.path.join(tmp, "target.sock")
ctl = os.path.join(tmp, "ctl")
pkts = []
conns = []


def frame(p):
    return b"$" + p + b"#%02x" % (sum(p) & 0xFF)


def target(srv):
    while True:
        try:
            c, _ = srv.accept()
        except OSError:
            return
        conns.append(c)
        c.sendall(frame(b"T05thread:01;"))
        got = b""
        while True:
            try:
                d = c.recv(65536)
            except OSError:
                break
            if not d:
                break
            got += d
            while b"$" in got and b"#" in got[got.index(b"$"):]:
                s = got.index(b"$")
                h = got.index(b"#", s)
                if len(got) < h + 3:
                    break
                pkts.append(got[s + 1:h])
                got = got[h + 3:]
                c.sendall(b"+")


srv = socket.socket(socket.AF_UNIX)
srv.bind(path)
srv.listen(1)
threading.Thread(target=target, args=(srv,), daemon=True).start()
out = open(os.path.join(tmp, "br.out"), "w")
bp = subprocess.Popen([br, "-q", "--no-stdin", "--gdb-port", "0",
                       "--console-port", "off", "--ctl", ctl,
                       "unix:" + path], stdin=subprocess.DEVNULL,
                      stdout=out, stderr=out)
gdb_port, _ = bridge_ports(ctl, 10)


def say(name, ok, why=""):
    print(("PASS: %s" % name) if ok else ("FAIL: %s: %s" % (name, why)))


g = socket.create_connection(("127.0.0.1", gdb_port), 10)
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
say("status with the link up", b"(up)" in text and end == b"OK",
    repr((text, end)))
# The target goes away.
srv.close()
for c in conns:
    c.shutdown(socket.SHUT_RDWR)
    c.close()
for _ in range(100):
    t, e = monitor(b"bridge status")
    if b"(down)" in t:
        break
    time.sleep(0.1)
say("status says the link is down", b"(down)" in t, repr(t))
text, end = monitor(b"bridge kdb")
say("kdb with the link down is refused, not claimed",
    b"switching" not in text and b"link is down" in text and end == b"OK",
    repr((text, end)))
text, end = monitor(b"bridge " + b"x" * 600)
say("an over-long monitor command is refused", end == b"E01",
    repr((text, end)))
say("the bridge lives on", bp.poll() is None)
bp.terminate()
bp.wait(10)
PY
pyrc=$?
sed -n "s/^\(PASS\|FAIL\): /\1: $SUITE: /p" "$TMP/py.out"
[ "$pyrc" = 0 ] ||
    fail "monitor against a vanished target" "python exit $pyrc: $(tail -n 3 "$TMP/py.out")"
check "no sanitizer report" "see $TMP/br.out" sanitizer_ok "$TMP/br.out"
