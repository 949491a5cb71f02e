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
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from kbtest import all_passed, bridge_ports, reporter  # noqa: E402

BRIDGE = sys.argv[1]
report = reporter("ctl_edges: ")
TMO = 10.0


def frame(payload):
    return b"$" + payload + b"#%02x" % (sum(payload) & 0xFF)


class Target:
    """A Unix-socket stub: acks packets, answers Hg with OK, records
    every packet it received."""

    def __init__(self, path, answer_m=True):
        self.answer_m = answer_m
        self.srv = socket.socket(socket.AF_UNIX)
        self.srv.bind(path)
        self.srv.listen(1)
        self.conn = None
        self.quit = False
        self.got = bytearray()
        self.pkts = []
        self.ready = threading.Event()
        self.th = threading.Thread(target=self.run, daemon=True)
        self.th.start()

    def run(self):
        self.srv.settimeout(0.2)
        while not self.quit and self.conn is None:
            try:
                self.conn, _ = self.srv.accept()
            except socket.timeout:
                continue
        if self.conn is None:
            return
        self.ready.set()
        while not self.quit:
            r, _, _ = select.select([self.conn], [], [], 0.05)
            if not r:
                continue
            try:
                d = self.conn.recv(65536)
            except OSError:
                return
            if not d:
                return
            self.got += d
            while b"#" in self.got and b"$" in self.got:
                s = self.got.index(b"$")
                h = self.got.find(b"#", s)
                if h < 0 or len(self.got) < h + 3:
                    break
                pkt = bytes(self.got[s + 1:h])
                del self.got[:h + 3]
                self.pkts.append(pkt)
                try:
                    self.conn.sendall(b"+")
                    if pkt.startswith(b"Hg"):
                        self.conn.sendall(frame(b"OK"))
                    elif pkt.startswith(b"m") and self.answer_m:
                        n = int(pkt.split(b",")[1], 16)
                        self.conn.sendall(frame(b"ab" * n))
                except OSError:
                    return

    def send(self, b):
        self.conn.sendall(b)

    def close(self):
        self.quit = True
        self.th.join(2)
        if self.conn:
            self.conn.close()
        self.srv.close()


def start(d, target):
    ctl = os.path.join(d, "ctl")
    err = open(os.path.join(d, "stderr"), "w+")
    p = subprocess.Popen([BRIDGE, "-q", "--no-stdin", "-v", "--gdb-port",
                          "off", "--console-port", "off", "--ctl", ctl,
                          "unix:" + target], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=err)
    bridge_ports(ctl, TMO)
    return p, ctl, err


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


def stop(p, err):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(TMO)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    err.flush()
    err.seek(0)
    return err.read()


def quit_is_last():
    d = tempfile.mkdtemp(prefix="kb-pending-")
    t = Target(os.path.join(d, "t"))
    p, ctl, err = start(d, os.path.join(d, "t"))
    t.ready.wait(TMO)
    t.send(frame(b"T05thread:01;"))
    time.sleep(0.3)
    s = socket.socket(socket.AF_UNIX)
    s.connect(ctl)
    s.sendall(b"quit\nmark after-quit\nthread 5\n")
    got = lines(s, 2)
    try:
        p.wait(TMO)
    except subprocess.TimeoutExpired:
        pass
    log = stop(p, err)
    t.close()
    hg = [x for x in t.pkts if x.startswith(b"Hg")]
    report(len(got) == 1 and b'"cmd":"quit"' in got[0] and not hg and
           "after-quit" not in log, "nothing runs after quit",
           "replies %r, target got %r, mark logged: %s" %
           (got, hg, "after-quit" in log))


def nul_in_console_line():
    d = tempfile.mkdtemp(prefix="kb-pending-")
    t = Target(os.path.join(d, "t"))
    p, ctl, err = start(d, os.path.join(d, "t"))
    t.ready.wait(TMO)
    s = socket.socket(socket.AF_UNIX)
    s.connect(ctl)
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
    stop(p, err)
    t.close()
    report(any("after the NUL" in x for x in texts),
           "a NUL does not cut a console event short", "events %r" % texts)


def leaver_read_not_sent():
    d = tempfile.mkdtemp(prefix="kb-pending-")
    t = Target(os.path.join(d, "t"), answer_m=False)
    p, ctl, err = start(d, os.path.join(d, "t"))
    t.ready.wait(TMO)
    t.send(frame(b"T05thread:01;"))
    time.sleep(0.3)
    a = socket.socket(socket.AF_UNIX)
    a.connect(ctl)
    a.sendall(b"mem ffffffff81000000 8\n")
    time.sleep(0.3)
    b = socket.socket(socket.AF_UNIX)
    b.connect(ctl)
    b.sendall(b"mem ffffffff81abc000 8\n")
    time.sleep(0.3)
    b.close()
    lines(a, 8)	# the first read times out
    time.sleep(0.5)
    stop(p, err)
    t.close()
    sent = [x for x in t.pkts if x.startswith(b"mffffffff81abc000")]
    report(not sent, "a read whose client left is never sent",
           "target got %r" % sent)


quit_is_last()
nul_in_console_line()
leaver_read_not_sent()
sys.exit(0 if all_passed() else 1)
