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

python3 - "$BR" "$TMP" 2>"$TMP/py.err" <<'PY'
import os, socket, sys, time
sys.path.insert(0, "tests/lib")
from kbtest import Bridge, StubTarget, frame, reporter, use

use(bridge=sys.argv[1])
tmp = sys.argv[2]
say = reporter("ctl_fair: ")


def answer(p):
    if p == b"g":
        return b"00" * 156
    if p == b"qC":
        return b"QC01"      # as kgdb: the bridge's sync
    return None             # 'm': acked, never answered (a target gone quiet)


t = StubTarget(os.path.join(tmp, "target.sock"), answer,
               stop=b"T05thread:01;")
b = Bridge(tmp, t.target, name="br", console=False, verbose=False,
           check=True)
pkts = t.pkts
cls = []
for i in range(4):
    s = socket.socket(socket.AF_UNIX)
    s.connect(b.ctl)
    s.sendall(b"mem ffffffff8100%d000 8\n" % i)
    cls.append(s)
while not pkts:
    time.sleep(0.05)
g = socket.create_connection(("127.0.0.1", b.gport), 10)
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
for p in list(pkts):
    if (p.startswith(b"m") or p == b"g") and (not reqs or reqs[-1] != p):
        reqs.append(p)
say(b"g" in reqs and reqs.index(b"g") <= 1,
    "gdb's request after at most one control read", repr(reqs[:12]))
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
say(all(r.count(b"\n") == 1 and b'"cmd":"mem"' in r for r in replies),
    "every client answered once", repr(replies[:2]))
b.stop()
PY
pyrc=$?
[ "$pyrc" = 0 ] ||
    fail "control clients and gdb" "python exit $pyrc: $(tail -n 3 "$TMP/py.err")"
check "no sanitizer report" "see $TMP/br.err" sanitizer_ok "$TMP/br.err"
