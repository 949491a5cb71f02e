#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/hostile/ctl_fair.sh: many control clients cannot starve gdb.
#  - four clients each ask for a read the target never answers; a gdb
#    request made meanwhile goes to the target after at most one of them
#    (the old code queued all four first: four reply timeouts, past
#    gdb's own), and every client still gets its one reply. A read sent
#    again because its reply never came counts once.
# Order on the wire is what is checked, never a duration.
SUITE=ctl_fair
. "$(dirname "$0")/lib.sh"

CTL=$TMP/ctl
python3 - "$BR" "$TMP" >"$TMP/py.out" 2>&1 <<'PY'
import os, select, socket, subprocess, sys, threading, time
sys.path.insert(0, "tests/lib")
from kbtest import bridge_ports

br, tmp = sys.argv[1], sys.argv[2]
path = os.path.join(tmp, "target.sock")
ctl = os.path.join(tmp, "ctl")
pkts = []


def frame(p):
    return b"$" + p + b"#%02x" % (sum(p) & 0xFF)


def target():
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    srv.listen(1)
    c, _ = srv.accept()
    c.sendall(frame(b"T05thread:01;"))
    got = b""
    while True:
        d = c.recv(65536)
        if not d:
            return
        got += d
        while b"$" in got and b"#" in got[got.index(b"$"):]:
            s = got.index(b"$")
            h = got.index(b"#", s)
            if len(got) < h + 3:
                break
            p = got[s + 1:h]
            got = got[h + 3:]
            pkts.append(p)
            c.sendall(b"+")
            if p == b"g":
                c.sendall(frame(b"00" * 156))
            elif p == b"qC":
                c.sendall(frame(b"QC01"))   # as kgdb: the bridge's sync
            # 'm': acked, never answered (a target gone quiet)


threading.Thread(target=target, daemon=True).start()
while not os.path.exists(path):
    time.sleep(0.05)
err = open(os.path.join(tmp, "br.out"), "w")
bp = subprocess.Popen([br, "-q", "--no-stdin", "--gdb-port", "0",
                       "--console-port", "off", "--ctl", ctl,
                       "unix:" + path], stdin=subprocess.DEVNULL,
                      stdout=err, stderr=err)
gdb_port, _ = bridge_ports(ctl, 10)


def say(name, ok, why=""):
    print(("PASS: %s" % name) if ok else ("FAIL: %s: %s" % (name, why)))


cls = []
for i in range(4):
    s = socket.socket(socket.AF_UNIX)
    s.connect(ctl)
    s.sendall(b"mem ffffffff8100%d000 8\n" % i)
    cls.append(s)
while not pkts:
    time.sleep(0.05)
g = socket.create_connection(("127.0.0.1", gdb_port), 10)
g.sendall(frame(b"g"))
g.settimeout(60)
buf = b""
while b"#" not in buf:
    d = g.recv(4096)
    if not d:
        break
    buf += d
# A read sent again (its reply never came) is still one request.
reqs = []
for p in pkts:
    if (p.startswith(b"m") or p == b"g") and (not reqs or reqs[-1] != p):
        reqs.append(p)
say("gdb's request after at most one control read",
    b"g" in reqs and reqs.index(b"g") <= 1, repr(reqs[:12]))
replies = []
for s in cls:
    s.settimeout(120)
    r = b""
    while not r.endswith(b"\n"):
        d = s.recv(4096)
        if not d:
            break
        r += d
    replies.append(r)
say("every client answered once",
    all(r.count(b"\n") == 1 and b'"cmd":"mem"' in r for r in replies),
    repr(replies[:2]))
bp.terminate()
bp.wait(10)
PY
pyrc=$?
sed -n "s/^\(PASS\|FAIL\): /\1: $SUITE: /p" "$TMP/py.out"
[ "$pyrc" = 0 ] ||
    fail "control clients and gdb" "python exit $pyrc: $(tail -n 3 "$TMP/py.out")"
check "no sanitizer report" "see $TMP/br.out" sanitizer_ok "$TMP/br.out"
