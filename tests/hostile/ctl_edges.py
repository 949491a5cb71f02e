#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/hostile/ctl_edges.py: control clients at the edges (run by
ctl_edges.sh, the work of a hostile-client review):

 - quit is the last request of its client: lines after it in the same
   read are not run (they once ran: a mark, and an Hg sent to the target
   after the quit was acknowledged);
 - a NUL byte in a kernel console line does not cut the line's console
   event short: it shows as U+FFFD and the text after it arrives;
 - a client that leaves while its read waits its turn is seen to leave:
   its read is never sent, for a reply nobody would take.
"""
import json
import os
import select
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from kbtest import (TMO, Bridge, StubTarget, all_passed, frame,  # noqa: E402
                    reporter, use, wait_until, workdir)

use(bridge=sys.argv[1])
report = reporter("ctl_edges: ")


def answers(answer_m=True):
    """The stub's replies: OK to Hg, and to m its bytes as "ab"s unless
    answer_m is False (a target gone quiet)."""
    def answer(pkt):
        if pkt.startswith(b"Hg"):
            return b"OK"
        if pkt.startswith(b"m") and answer_m:
            return b"ab" * int(pkt.split(b",")[1], 16)
        return None
    return answer


def start(answer_m=True):
    """A stub target and the daemon on it (no gdb or console port)."""
    d = workdir("pending")
    t = StubTarget(os.path.join(d, "t"), answers(answer_m))
    b = Bridge(d, t.target, gdb=False, console=False, check=True)
    return t, b


def lines(s, tmo):
    buf = b""
    end = time.time() + tmo
    while time.time() < end:
        r, _, _ = select.select([s], [], [], 0.1)
        if r:
            d = s.recv(65536)
            if not d:
                break
            buf += d
    return buf.splitlines()


def quit_is_last():
    t, b = start()
    t.ready.wait(TMO)
    t.send(frame(b"T05thread:01;"))
    time.sleep(0.3)
    s = socket.socket(socket.AF_UNIX)
    s.connect(b.ctl)
    s.sendall(b"quit\nmark after-quit\nthread 5\n")
    got = lines(s, 2)
    wait_until(lambda: not b.alive(), TMO)     # quit: it goes by itself
    b.stop()
    log = b.stderr()
    t.close()
    hg = [x for x in t.pkts if x.startswith(b"Hg")]
    report(len(got) == 1 and b'"cmd":"quit"' in got[0] and not hg and
           "after-quit" not in log, "nothing runs after quit",
           "replies %r, target got %r, mark logged: %s" %
           (got, hg, "after-quit" in log))


def nul_in_console_line():
    t, b = start()
    t.ready.wait(TMO)
    s = socket.socket(socket.AF_UNIX)
    s.connect(b.ctl)
    s.sendall(b"events\n")
    lines(s, 0.5)
    t.send(b"before\x00after the NUL\n")
    texts = []
    for ln in lines(s, 1.5):
        try:
            ev = json.loads(ln)
        except ValueError:
            continue
        if ev.get("event") == "console":
            texts.append(ev.get("text", ""))
    b.stop()
    t.close()
    report(any("after the NUL" in x for x in texts),
           "a NUL does not cut a console event short", "events %r" % texts)


def leaver_read_not_sent():
    t, br = start(answer_m=False)
    t.ready.wait(TMO)
    t.send(frame(b"T05thread:01;"))
    time.sleep(0.3)
    a = socket.socket(socket.AF_UNIX)
    a.connect(br.ctl)
    a.sendall(b"mem ffffffff81000000 8\n")
    time.sleep(0.3)
    b = socket.socket(socket.AF_UNIX)
    b.connect(br.ctl)
    b.sendall(b"mem ffffffff81abc000 8\n")
    time.sleep(0.3)
    b.close()
    lines(a, 8)	# the first read times out
    time.sleep(0.5)
    br.stop()
    t.close()
    sent = [x for x in t.pkts if x.startswith(b"mffffffff81abc000")]
    report(not sent, "a read whose client left is never sent",
           "target got %r" % sent)


quit_is_last()
nul_in_console_line()
leaver_read_not_sent()
sys.exit(0 if all_passed() else 1)
