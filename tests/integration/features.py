#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/integration/features.py: documented kgdb-bridge features that no
other suite exercises, each through the real daemon.

Targets are build/faketarget (a scripted kgdb/kdb imitation), small
recording servers written here (a telnet server that logs every byte and
BREAK in order), ptys, and a fake sysfs in a private mount namespace.
gdb is the real one. Every case prints "PASS: features: NAME" or
"FAIL: features: NAME: why". Nothing passes or fails on speed: time
limits are generous ceilings for a shared machine, and the only timing
checks are lower bounds that a slow machine cannot break.

usage: features.py BRIDGE FAKETARGET
"""
import json
import os
import re
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import termios
import threading
import time
import tty

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import kbtest  # noqa: E402
from kbtest import (FakeTarget, Viewer, bridge_ports,  # noqa: E402
                    readfile, spawn, stop_proc, wait_until)

BRIDGE = os.path.abspath(sys.argv[1])
FAKE = os.path.abspath(sys.argv[2])
kbtest.use(bridge=BRIDGE, fake=FAKE)
TMO = 10.0
SUITE = "features"
report = kbtest.reporter(SUITE + ": ")

IAC, DONT, DO, WONT, WILL, SB, SE, BRK, IP = 255, 254, 253, 252, 251, 250, \
    240, 243, 244


def Bridge(d, name, target, *extra, gdb=False, **kw):
    """The daemon (kbtest's launcher): NAME.ctl and NAME.err in D, its
    console port 0 and, with gdb=True, its gdb port 0."""
    return kbtest.Bridge(d, target, *extra, name=name, gdb=gdb, **kw)


def run(args, tmo=TMO, **kw):
    p = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=tmo, **kw)
    return p.returncode, p.stdout.decode(errors="replace"), \
        p.stderr.decode(errors="replace")


# ---------------------------------------------------------------- 1

def test_viewer_break(d):
    """A console viewer's telnet BREAK (IAC BRK) and Ctrl-C (IAC IP)."""
    ft = FakeTarget(d, "vb", "--start", "running", telnet=True)
    b = Bridge(d, "vb", ft.target)
    v = Viewer(b.cport, telnet=True)
    v.wait_for(b"console of")
    v.s.sendall(bytes([IAC, BRK]))
    ok = wait_until(lambda: "ENTER sysrq" in ft.text())
    report(ok and ft.count("BREAK") == 1,
           "viewer break: IAC BRK sends one BREAK and g, the kernel stops",
           ft.text()[-300:])
    report(wait_until(lambda: b.state() == "kdb") and
           v.wait_for(b"[0]kdb> "),
           "viewer break: the viewer sees kdb's prompt", v.text()[-300:])
    v.close()
    b.stop()
    ft.stop()

    # IAC IP (telnet's Ctrl-C) breaks in as well.
    ft = FakeTarget(d, "vi", "--start", "running", telnet=True)
    b = Bridge(d, "vi", ft.target)
    v = Viewer(b.cport, telnet=True)
    v.wait_for(b"console of")
    time.sleep(0.3)
    v.s.sendall(bytes([IAC, IP]))
    report(wait_until(lambda: "ENTER sysrq" in ft.text()) and
           ft.count("BREAK") == 1 and "TTY_GOT_0x03" not in ft.text(),
           "viewer break: IAC IP breaks in too (no 0x03 on the tty)",
           ft.text()[-300:])
    v.close()
    b.stop()
    ft.stop()

    # Rate limit: a link without BREAK fails every attempt at once, so
    # each attempt is one failure notice: a flood of 40 requests in one
    # write must be one attempt; a request a second and a half later is
    # a new one.
    ft = FakeTarget(d, "vr", "--start", "running")
    b = Bridge(d, "vr", ft.target)
    v = Viewer(b.cport, telnet=True)
    v.wait_for(b"console of")
    time.sleep(0.3)
    v.s.sendall(bytes([IAC, BRK]) * 20 + bytes([IAC, IP]) * 20)
    v.wait_for(b"no BREAK on this link")
    v.settle(1.5)
    n1 = v.buf.count(b"no BREAK on this link")
    report(n1 == 1, "viewer break: 40 requests at once are one attempt",
           "%d attempts: %r" % (n1, v.text()[-400:]))
    n1 = v.buf.count(b"break-in failed")
    report(n1 == 1, "viewer break: a failed attempt is told once",
           "%d notices: %r" % (n1, v.text()[-400:]))
    report("closer than 1000 ms apart are ignored" in b.stderr(),
           "viewer break: the log says the flood was ignored",
           b.stderr()[-400:])
    v.s.sendall(bytes([IAC, BRK]))
    v.wait_for(b"no BREAK on this link", 0)
    ok = wait_until(lambda: (v.pump(), v.buf.count(
        b"no BREAK on this link"))[1] == 2)
    report(ok, "viewer break: a request after the gap is a new attempt",
           v.text()[-400:])
    v.close()
    b.stop()
    ft.stop()

    # --read-only-viewers: refused with a notice, nothing reaches the line.
    ft = FakeTarget(d, "vo", "--start", "running", telnet=True)
    b = Bridge(d, "vo", ft.target, "--read-only-viewers")
    v = Viewer(b.cport, telnet=True)
    v.wait_for(b"console of")
    time.sleep(0.3)
    v.s.sendall(bytes([IAC, BRK]))
    got = v.wait_for(b"read-only")
    time.sleep(1.5)
    v.s.sendall(bytes([IAC, IP]))
    time.sleep(1.5)
    st = b.state()
    report(got and "BREAK" not in ft.text() and "ENTER" not in ft.text() and
           "TTY_GOT_0x03" not in ft.text() and st not in ("kdb", "stopped"),
           "viewer break: --read-only-viewers refuses it with a notice",
           "state %r, notice %r, fake %r" % (st, got, ft.text()[-300:]))
    v.close()
    b.stop()
    ft.stop()


# ---------------------------------------------------------------- 2

class TelnetRecorder:
    """A telnet server that records, in order, the data bytes and the
    BREAKs it gets: IAC BRK, or RFC 2217 SET-CONTROL 5 (on) / 6 (off).
    rfc2217=False refuses COM-PORT, as QEMU does; True agrees, as ser2net.
    Events are (time, kind, bytes) with kind "data", "BRK", "BRK-ON",
    "BRK-OFF"."""

    def __init__(self, rfc2217):
        self.rfc2217 = rfc2217
        self.srv = socket.socket()
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(1)
        self.port = self.srv.getsockname()[1]
        self.events = []
        self.lock = threading.Lock()
        self.conn = None
        self.done = False
        self.th = threading.Thread(target=self.loop, daemon=True)
        self.th.start()

    def add(self, kind, data=b""):
        with self.lock:
            self.events.append((time.time(), kind, data))

    def loop(self):
        self.srv.settimeout(TMO)
        try:
            self.conn, _ = self.srv.accept()
        except OSError:
            return
        c = self.conn
        st, sb = 0, b""
        while not self.done:
            r, _, _ = select.select([c], [], [], 0.1)
            if not r:
                continue
            try:
                data = c.recv(4096)
            except OSError:
                return
            if not data:
                return
            now_data = b""
            for x in data:
                if st == 0:
                    if x == IAC:
                        st = 1
                    else:
                        now_data += bytes([x])
                elif st == 1:
                    st = 0
                    if x == IAC:
                        now_data += b"\xff"
                        continue
                    if now_data:
                        self.add("data", now_data)
                        now_data = b""
                    if x == BRK:
                        self.add("BRK")
                    elif x in (DO, DONT, WILL, WONT):
                        st = 2
                        cmd = x
                    elif x == SB:
                        st, sb = 3, b""
                elif st == 2:
                    st = 0
                    if cmd == WILL and x == 44:
                        c.sendall(bytes([IAC, DO if self.rfc2217 else DONT,
                                         44]))
                elif st == 3:
                    if x == IAC:
                        st = 4
                    else:
                        sb += bytes([x])
                elif st == 4:
                    if x == SE:
                        st = 0
                        if sb[:2] == bytes([44, 5]) and len(sb) >= 3:
                            if sb[2] == 5:
                                self.add("BRK-ON")
                            elif sb[2] == 6:
                                self.add("BRK-OFF")
                        if len(sb) >= 2 and sb[0] == 44:
                            # Echo as the server's answer (command + 100).
                            c.sendall(bytes([IAC, SB, 44, sb[1] + 100]) +
                                      sb[2:].replace(b"\xff", b"\xff\xff") +
                                      bytes([IAC, SE]))
                    else:
                        sb += bytes([x])
                        st = 3
            if now_data:
                self.add("data", now_data)

    def since(self, t0):
        with self.lock:
            return [e for e in self.events if e[0] >= t0]

    def merged(self, t0):
        """(kind, bytes) from t0 on, with adjacent data chunks joined."""
        out = []
        for _, k, b in self.since(t0):
            if k == "data" and out and out[-1][0] == "data":
                out[-1] = ("data", out[-1][1] + b)
            else:
                out.append((k, b))
        return out

    def close(self):
        self.done = True
        if self.conn:
            self.conn.close()
        self.srv.close()


def test_break_seq(d, rfcs=(False, True)):
    """On an IAC BRK link and on an RFC 2217 server, where a BREAK lasts
    250 ms, longer than the example's wait:200: the second BREAK must
    still follow the guard text (it used to be dropped there)."""
    seq = "0x1b,BREAK,wait:200,abc,BREAK,wait:500,g,0xff,0x03"
    for rfc in rfcs:
        kind = "RFC 2217" if rfc else "IAC BRK"
        rec = TelnetRecorder(rfc)
        b = Bridge(d, "bs%d" % rfc, "telnet:127.0.0.1:%d" % rec.port,
                   "--break-seq", seq)
        ok = wait_until(lambda: b.cmd("status").get("link") == "up")
        # Let the connect-time negotiation end before the mark.
        time.sleep(0.5)
        t0 = time.time()
        r = b.cmd("break")
        wait_until(lambda: any(e[1] == "data" and e[2].endswith(b"\x03")
                               for e in rec.since(t0)))
        time.sleep(0.3)
        ev = rec.since(t0)
        if rfc:
            brk = ["BRK-ON", "BRK-OFF"]
        else:
            brk = ["BRK"]
        want = [("data", b"\x1b")] + [(k, b"") for k in brk] + \
            [("data", b"abc")] + [(k, b"") for k in brk] + \
            [("data", b"g\xff\x03")]
        got = rec.merged(t0)
        report(ok and r.get("ok") is True and got == want,
               "--break-seq %s: exact bytes and BREAKs in order (%s)" %
               (seq, kind), "got %r" % got)
        # Lower bounds only: the waits must have been waited. A slow
        # machine can only make these longer; the margin is for timer
        # granularity (libevent may fire a few ms early).
        t_abc = [e[0] for e in ev if e[1] == "data" and b"a" in e[2]]
        t_g = [e[0] for e in ev if e[1] == "data" and b"g" in e[2]]
        report(len(t_abc) == 1 and len(t_g) == 1 and
               t_abc[0] - t0 >= 0.15 and t_g[0] - t0 >= 0.6,
               "--break-seq: wait:200 and wait:500 are waited (%s)" % kind,
               "abc at %r, g at %r" % ([x - t0 for x in t_abc],
                                       [x - t0 for x in t_g]))
        b.stop()
        rec.close()


# ---------------------------------------------------------------- 3, 4

class PtyRun:
    """A command on a new pty (its controlling terminal, in the
    foreground), read through the master side."""

    def __init__(self, argv, cwd=None):
        import pty as ptymod
        self.pid, self.fd = ptymod.fork()
        if self.pid == 0:
            try:
                if cwd:
                    os.chdir(cwd)
                os.execvp(argv[0], argv)
            finally:
                os._exit(127)
        self.out = b""
        self.status = None

    def pump(self, tmo=0.1):
        r, _, _ = select.select([self.fd], [], [], tmo)
        if r:
            try:
                self.out += os.read(self.fd, 65536)
            except OSError:
                pass

    def expect(self, want, tmo=TMO, start=0):
        end = time.time() + tmo
        while want not in self.out[start:] and time.time() < end:
            self.pump()
        return want in self.out[start:]

    def write(self, data):
        os.write(self.fd, data)

    def wait(self, tmo=TMO):
        end = time.time() + tmo
        while self.status is None and time.time() < end:
            p, st = os.waitpid(self.pid, os.WNOHANG)
            if p == self.pid:
                self.status = st
                break
            self.pump()
        return self.status

    def close(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            self.wait()
        os.close(self.fd)


def test_local_keys(d):
    """Ctrl-] b and Ctrl-] s on the bridge's own terminal."""
    ft = FakeTarget(d, "lk", "--start", "running", telnet=True)
    ctl = os.path.join(d, "lk.ctl")
    t = PtyRun([BRIDGE, "--gdb-port", "off", "--console-port", "off", "--ctl",
                ctl, ft.target])
    ok = t.expect(b"link up")
    report(ok, "local keys: the bridge runs on a terminal", repr(t.out))
    time.sleep(0.5)
    mark = len(t.out)
    t.write(b"\x1ds")
    ok = t.expect(b"console clients", start=mark)
    line = t.out[mark:].decode(errors="replace")
    report(ok and re.search(r"\[kgdb-bridge\] telnet:127\.0\.0\.1:\d+ link "
                            r"up, target \w+, gdb not attached, 0 console "
                            r"clients", line) is not None,
           "local keys: Ctrl-] s prints one status line", repr(line))
    report("BREAK" not in ft.text(), "local keys: s does not break in",
           ft.text())
    t.write(b"\x1db")
    ok = wait_until(lambda: "ENTER sysrq" in ft.text())
    report(ok and ft.count("BREAK") == 1,
           "local keys: Ctrl-] b sends the break-in sequence, the kernel "
           "stops", ft.text()[-300:])
    report(t.expect(b"[0]kdb> "), "local keys: kdb's prompt on the terminal",
           repr(t.out[-300:]))
    mark = len(t.out)
    t.write(b"\x1ds")
    ok = t.expect(b"console clients", start=mark)
    report(ok and b"target kdb" in t.out[mark:],
           "local keys: Ctrl-] s then says the target is in kdb",
           repr(t.out[mark:]))
    t.write(b"\x1dq")
    st = t.wait()
    report(st is not None and os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0,
           "local keys: Ctrl-] q ends it", repr(st))
    t.close()
    ft.stop()


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def test_fatal_signals(d):
    """The terminal is put back when the bridge dies of a signal."""
    ft = FakeTarget(d, "fs", "--start", "running")
    for sig, want_rc in ((signal.SIGSEGV, 128 + signal.SIGSEGV),
                         (signal.SIGABRT, 128 + signal.SIGABRT),
                         (signal.SIGTERM, 0)):
        name = signal.Signals(sig).name
        before = os.path.join(d, "stty.before")
        after = os.path.join(d, "stty.after")
        during = os.path.join(d, "stty.during")
        for f in (before, after, during):
            if os.path.exists(f):
                os.unlink(f)
        script = ('ulimit -c 0; stty -g >"$1"; "$3" --gdb-port off '
                  '--console-port off --ctl "$4" "$5"; echo "rc=$?"; '
                  'stty -g >"$2"')
        t = PtyRun(["sh", "-c", script, "sh", before, after, BRIDGE,
                    os.path.join(d, "fs.ctl"), ft.target])
        ok = t.expect(b"link up")
        kids = []
        wait_until(lambda: kids.extend(children(t.pid)) or kids, 5)
        # Raw mode is on while it runs (read through the master side).
        raw = False
        end = time.time() + TMO
        while time.time() < end and not raw:
            lflag = termios.tcgetattr(t.fd)[3]
            raw = not (lflag & termios.ICANON) and not (lflag & termios.ECHO)
            t.pump()
        if kids:
            os.kill(kids[0], sig)
        ok2 = t.expect(b"rc=") and wait_until(
            lambda: os.path.exists(after) and readfile(after).strip())
        m = re.search(rb"rc=(\d+)", t.out)
        rc = int(m.group(1)) if m else None
        b, a = readfile(before).strip(), readfile(after).strip()
        report(ok and raw and kids, "%s: the bridge ran with the terminal "
               "raw" % name, repr(t.out[-300:]))
        report(ok2 and rc == want_rc and b != "" and a == b,
               "%s: stty -g after it died equals stty -g before" % name,
               "rc %r, before %r, after %r" % (rc, b, a))
        t.close()
    ft.stop()


# ---------------------------------------------------------------- 5

def gdb_batch(port, cmds, arch="i386:x86-64", gdb="gdb", tmo=60):
    args = [gdb, "-batch", "-nx"]
    if arch:
        args += ["-ex", "set architecture " + arch]
    args += ["-ex", "target remote 127.0.0.1:%d" % port]
    for c in cmds:
        args += ["-ex", c]
    try:
        p = subprocess.run(args, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=tmo)
        return (p.stdout + p.stderr).decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        return "TIMEOUT " + repr(e)


def test_monitor_kdb(d):
    """gdb's 'monitor bridge kdb' hands the stopped kernel to kdb: the
    console can then type kdb commands while gdb stays attached, and
    gdb's next request switches it back."""
    ft = FakeTarget(d, "mk", "--start", "kdb")
    b = Bridge(d, "mk", ft.target, gdb=True)
    v = Viewer(b.cport, telnet=False)
    v.wait_for(b"console of")
    hold = os.path.join(d, "mk.hold")
    open(hold, "w").close()
    out = {}

    def gdb_thread():
        out["gdb"] = gdb_batch(b.gport, [
            "info registers rip", "monitor bridge kdb",
            "shell while [ -e %s ]; do sleep 0.1; done" % hold,
            "maint flush register-cache", "info registers rip", "detach"])
    th = threading.Thread(target=gdb_thread)
    th.start()
    ok = wait_until(lambda: "TO_KDB" in ft.text(), 30)
    report(ok and ft.text().count("RX 3\n") == 1,
           "monitor bridge kdb: the stub gets $3#33", ft.text()[-300:])
    ok = wait_until(lambda: b.state() == "kdb")
    st = b.cmd("status")
    report(ok and st.get("gdb") is True,
           "monitor bridge kdb: the bridge says kdb, gdb still attached",
           repr(st))
    v.s.sendall(b"ps\r")
    ok = wait_until(lambda: "KDB_CMD ps" in ft.text())
    report(ok and v.wait_for(b"swapper/0"),
           "monitor bridge kdb: the console types kdb commands",
           ft.text()[-300:] + repr(v.buf[-200:]))
    os.unlink(hold)
    th.join(90)
    g = out.get("gdb", "")
    report("switching the target to kdb" in g,
           "monitor bridge kdb: gdb is told", g[-500:])
    after = ft.text().split("TO_KDB", 1)[-1]
    report(g.count("0xffffffff8108cfa5") >= 2 and
           ("KDB_TRANSITION" in after or "KDB_CMD kgdb" in after) and
           "RX g" in after.split("KDB_CMD ps", 1)[-1],
           "monitor bridge kdb: gdb's next request switches back to gdb",
           g[-500:] + ft.text()[-300:])
    v.close()
    b.stop()
    ft.stop()


# ---------------------------------------------------------------- 6

def test_ctl_client(d):
    """kgdb-bridge ctl: events, quit, finding the socket, --target."""
    xdg = os.path.join(d, "xdg")
    os.mkdir(xdg, 0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=xdg)
    ft1 = FakeTarget(d, "c1", "--start", "running")
    ft2 = FakeTarget(d, "c2", "--start", "running")
    sockdir = os.path.join(xdg, "kgdb-bridge")

    rc, out, err = run([BRIDGE, "ctl", "status"], env=env)
    report(rc != 0 and "no bridge is running" in err,
           "ctl: with no bridge, says so", "rc %d %r" % (rc, err))

    b1 = Bridge(d, "c1", ft1.target, ctl=False, env=env)
    ok = wait_until(lambda: os.path.isdir(sockdir) and
                    len([f for f in os.listdir(sockdir)
                         if f.endswith(".sock")]) == 1)
    rc, out, err = run([BRIDGE, "ctl", "status"], env=env)
    try:
        st = json.loads(out)
    except ValueError:
        st = {}
    report(ok and rc == 0 and st.get("pid") == b1.p.pid and
           st.get("target") == ft1.target,
           "ctl: without --ctl finds the one bridge's socket",
           "rc %d out %r err %r" % (rc, out, err))

    b2 = Bridge(d, "c2", ft2.target, ctl=False, env=env)
    wait_until(lambda: len([f for f in os.listdir(sockdir)
                            if f.endswith(".sock")]) == 2)
    rc, out, err = run([BRIDGE, "ctl", "status"], env=env)
    report(rc != 0 and "several bridges" in err and
           len(re.findall(r"^  \S+\.sock$", err, re.M)) == 2,
           "ctl: with two bridges and no --ctl, lists both and fails",
           "rc %d err %r" % (rc, err))
    for b, ft in ((b1, ft1), (b2, ft2)):
        rc, out, err = run([BRIDGE, "ctl", "--target", ft.target, "status"],
                           env=env)
        try:
            st = json.loads(out)
        except ValueError:
            st = {}
        report(rc == 0 and st.get("pid") == b.p.pid,
               "ctl --target %s picks that bridge" % ft.target.split("/")[-1],
               "rc %d out %r err %r" % (rc, out, err))

    # events: a stream of JSON lines until interrupted.
    evf = os.path.join(d, "events.out")
    with open(evf, "wb") as f:
        ev = spawn([BRIDGE, "ctl", "--target", ft1.target, "events"],
                   env=env, stdout=f, stderr=subprocess.STDOUT)
    wait_until(lambda: '"ok":true' in readfile(evf))
    b1.ctl = os.path.join(sockdir, [f for f in os.listdir(sockdir)
                                    if "c1" in f][0])
    b1.cmd("mark from-the-test")

    def events():
        out = []
        for l in readfile(evf).splitlines():
            try:
                out.append(json.loads(l))
            except ValueError:
                pass
        return out
    ok = wait_until(lambda: any(e.get("event") == "mark" for e in events()))
    report(ok and all(e.get("v") == 1 for e in events()),
           "ctl events: one JSON event per line (mark)", readfile(evf))
    ft1.stop()
    ok = wait_until(lambda: any(e.get("event") == "link_down"
                                for e in events()))
    report(ok and ev.poll() is None,
           "ctl events: link_down arrives, the stream goes on",
           readfile(evf)[-400:])
    stop_proc(ev, signal.SIGINT)

    # quit: the client gets its answer, then a clean shutdown, exit 0,
    # socket gone. (The answer used to be lost: the bridge went first.)
    rc, out, err = run([BRIDGE, "ctl", "--target", ft2.target, "quit"],
                       env=env)
    report(rc == 0 and '"ok":true' in out, "ctl quit: answered before "
           "the bridge goes", "rc %d out %r err %r" % (rc, out, err))
    ok = wait_until(lambda: b2.p.poll() is not None)
    report(ok and b2.p.returncode == 0 and b1.p.poll() is None,
           "ctl quit: that bridge exits 0, the other runs on",
           "rc %d out %r, bridge rc %r" % (rc, out, b2.p.returncode))
    report(len([f for f in os.listdir(sockdir) if f.endswith(".sock")]) == 1,
           "ctl quit: its socket is removed", repr(os.listdir(sockdir)))
    b1.stop()
    ft2.stop()


# ---------------------------------------------------------------- 7

USB_SETUP = r"""
set -e
root=$1
mount --make-rprivate /
mount -t tmpfs fakesys "$root/mnt"
mkdir -p "$root/mnt/devices/usb1"
dev() { # name vid pid serial driver
	u=$root/mnt/devices/usb1/1-$1
	mkdir -p "$u/1-$1:1.0/$1/tty/$1" "$root/mnt/bus/usb-serial/devices/$1"
	mkdir -p "$root/mnt/bus/usb-serial/drivers/$5"
	echo 1 >"$u/busnum"; echo 2 >"$u/devnum"
	echo "$2" >"$u/idVendor"; echo "$3" >"$u/idProduct"
	echo "$4" >"$u/serial"; echo "fake $1" >"$u/product"
	echo "fake" >"$u/manufacturer"
	ln -s "../../../$1" "$u/1-$1:1.0/$1/tty/$1/device"
	ln -s "$root/mnt/bus/usb-serial/drivers/$5" "$u/1-$1:1.0/$1/driver"
	echo 16 >"$root/mnt/bus/usb-serial/devices/$1/latency_timer"
}
dev ttyUSB7 0403 6001 A50285BI ftdi_sio
dev ttyUSB8 0403 6001 OTHER0001 ftdi_sio
dev ttyACM3 1234 5678 X1 cdc_acm
mkdir -p "$root/mnt/class/tty"
for n in ttyUSB7 ttyUSB8 ttyACM3; do
	ln -s "$root/mnt/devices/usb1/1-$n/1-$n:1.0/$n/tty/$n" \
	    "$root/mnt/class/tty/$n"
done
mkdir -p "$root/mnt/devices/virtual/tty/ttyV0"
ln -s "$root/mnt/devices/virtual/tty/ttyV0" "$root/mnt/class/tty/ttyV0"
mount --bind "$root/mnt/class" /sys/class
mount --bind "$root/mnt/bus" /sys/bus
shift
exec "$@"
"""


def test_usb_lookup(d):
    """usb:VID:PID[:SERIAL] finds its tty through sysfs (libserialport
    reads /sys/class/tty): a fake tree bound over /sys/class in a private
    mount namespace. There is no real adapter, so the open of the /dev
    node it chose fails, and the one line that says so names it."""
    if shutil.which("unshare") is None or os.getuid() != 0:
        report(False, "usb lookup: needs root and unshare(1) for a private "
               "mount namespace")
        return
    root = os.path.join(d, "usb")
    os.makedirs(os.path.join(root, "mnt"))
    setup = os.path.join(root, "setup.sh")
    with open(setup, "w") as f:
        f.write(USB_SETUP)

    def bridge(target):
        return run(["unshare", "-m", "sh", setup, root, BRIDGE,
                    "--gdb-port", "off", "--console-port", "off", "--no-stdin",
                    "-q", "--ctl", os.path.join(d, "usb.ctl"), target])
    for target, path in (("usb:0403:6001:A50285BI", "/dev/ttyUSB7"),
                         ("usb:0403:6001:OTHER0001", "/dev/ttyUSB8"),
                         ("usb:1234:5678", "/dev/ttyACM3")):
        rc, out, err = bridge(target)
        report(rc == 1 and path in err and
               len([l for l in err.splitlines() if l.strip()]) == 1 and
               "no USB serial device" not in err,
               "usb lookup: %s resolves to %s" % (target, path),
               "rc %d err %r" % (rc, err))
    rc, out, err = bridge("usb:0403:6001")
    report(rc == 1 and "2 devices match usb:0403:6001" in err,
           "usb lookup: two matches without a serial: warned, one chosen",
           "rc %d err %r" % (rc, err))
    for target in ("usb:0403:6002", "usb:0403:6001:NOSUCH"):
        rc, out, err = bridge(target)
        report(rc == 1 and "no USB serial device" in err and
               "plugged in" in err and "/dev/tty" not in err,
               "usb lookup: %s matches nothing: one clear line" % target,
               "rc %d err %r" % (rc, err))


# ---------------------------------------------------------------- 8

def test_backoff(d):
    """The link comes and goes: reconnects are spaced out (100 ms,
    doubling to 2 s), never a busy loop. Counts are bounded with a wide
    margin; the lower bound only shows it does keep trying."""
    # (a) A server that accepts and hangs up at once: the link goes away
    # every time it comes up. Every attempt is an accept() here.
    srv = socket.socket(socket.AF_UNIX)
    path = os.path.join(d, "flap.sock")
    srv.bind(path)
    srv.listen(64)
    b = Bridge(d, "flap", "unix:" + path, console=False)
    srv.settimeout(TMO)
    times = []
    end = time.time() + 3.0
    try:
        while time.time() < end:
            srv.settimeout(max(0.05, end - time.time()))
            try:
                c, _ = srv.accept()
            except socket.timeout:
                break
            times.append(time.time())
            c.close()
    finally:
        srv.close()
    n = len(times)
    # 100 ms apart at the least: at most ~30 in 3 s; a busy loop would
    # make thousands. 60 leaves room for any scheduling.
    report(3 <= n <= 60,
           "backoff: a link that drops at once is retried, spaced out "
           "(%d connects in 3 s)" % n, "%d connects" % n)
    b.stop()

    # (b) Nothing there at all: each failed attempt is one debug line
    # ("reopen ..."); with doubling to 2 s, 6 s hold about 6 attempts
    # (0.1+0.2+0.4+0.8+1.6+2+...), a fixed 100 ms would hold 60.
    srv = socket.socket(socket.AF_UNIX)
    path = os.path.join(d, "gone.sock")
    srv.bind(path)
    srv.listen(1)
    b = Bridge(d, "gone", "unix:" + path, console=False)
    c, _ = srv.accept()
    wait_until(lambda: b.cmd("status").get("link") == "up")
    srv.close()
    os.unlink(path)
    c.close()
    t0 = time.time()
    wait_until(lambda: b.cmd("status").get("link") == "down")
    time.sleep(6.0 - (time.time() - t0))
    n = len(re.findall(r"reopen unix:\S+: ", b.stderr())) + \
        (1 if "unavailable" in b.stderr() else 0)
    report(3 <= n <= 12,
           "backoff: a target gone for 6 s is retried about 6 times, "
           "not every 100 ms (%d attempts)" % n, b.stderr()[-600:])
    # And it comes back when the target does.
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    srv.listen(1)
    srv.settimeout(TMO)
    try:
        c, _ = srv.accept()
        ok = wait_until(lambda: b.cmd("status").get("link") == "up")
        c.close()
    except socket.timeout:
        ok = False
    report(ok, "backoff: the link is back within 2 s of the target",
           b.stderr()[-300:])
    srv.close()
    b.stop()


# ---------------------------------------------------------------- 9

def test_wait_busy_forbidden(d):
    """--wait waits for a missing device, but a busy or forbidden one is
    one line and exit 1 at once."""
    import fcntl
    master, slave = os.openpty()
    tty.setraw(slave)
    name = os.ttyname(slave)
    # Busy: another process holds the flock, as picocom or a second
    # bridge would.
    holder = spawn(["flock", "-n", "-x", name, "sleep", "60"],
                   stdout=None)
    time.sleep(0.3)
    t0 = time.time()
    rc, out, err = run([BRIDGE, "--wait", "--gdb-port", "off",
                        "--console-port", "off", "--no-stdin", "-q", "--ctl",
                        os.path.join(d, "busy.ctl"), name])
    report(rc == 1 and "busy" in err and
           len([l for l in err.splitlines() if l.strip()]) == 1 and
           time.time() - t0 < TMO,
           "--wait with a busy device (flock held): exit 1 at once, one "
           "line", "rc %d err %r" % (rc, err))
    stop_proc(holder, signal.SIGKILL)

    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    if shutil.which("setpriv") is None or os.getuid() != 0:
        report(False, "--wait as nobody: needs root and setpriv(1)")
        os.close(master)
        os.close(slave)
        return
    nd = os.path.join(d, "nobody")
    os.mkdir(nd)
    os.chown(nd, 65534, 65534)
    env = dict(os.environ, XDG_RUNTIME_DIR=nd)
    # Busy through TIOCEXCL (root ignores it; nobody does not).
    os.chmod(name, 0o666)
    fcntl.ioctl(slave, termios.TIOCEXCL)
    rc, out, err = run(nobody + [BRIDGE, "--wait", "--gdb-port", "off",
                                 "--console-port", "off", "--no-stdin", "-q",
                                 "--ctl", os.path.join(nd, "x.ctl"), name],
                       env=env)
    report(rc == 1 and "busy" in err and
           len([l for l in err.splitlines() if l.strip()]) == 1,
           "--wait with a busy device (TIOCEXCL held): exit 1 at once",
           "rc %d err %r" % (rc, err))
    fcntl.ioctl(slave, termios.TIOCNXCL)
    # Forbidden: mode 000 for a user who is not root.
    os.chmod(name, 0o000)
    rc, out, err = run(nobody + [BRIDGE, "--wait", "--gdb-port", "off",
                                 "--console-port", "off", "--no-stdin", "-q",
                                 "--ctl", os.path.join(nd, "x.ctl"), name],
                       env=env)
    report(rc == 1 and "permission denied" in err and "dialout" in err and
           len([l for l in err.splitlines() if l.strip()]) == 1,
           "--wait with a forbidden device (mode 000, as nobody): exit 1 "
           "at once, one line", "rc %d err %r" % (rc, err))
    # The contrast: a device that is missing is waited for.
    missing = os.path.join(d, "no-such-tty")
    b = Bridge(d, "wm", missing, "--wait", console=False)
    report(b.ready and "waiting for it" in b.stderr(),
           "--wait with a missing device: waits", b.stderr()[-300:])
    b.stop()
    os.close(master)
    os.close(slave)


# ---------------------------------------------------------------- 10

def test_listen(d):
    """--listen ADDR: both ports there, and not on 127.0.0.1."""
    def reach(host, port):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(fam)
        s.settimeout(2)
        try:
            s.connect((host, port))
            s.close()
            return True
        except OSError:
            return False
    addrs = ["127.0.0.2"]
    if os.path.exists("/proc/net/if_inet6"):
        addrs.append("::1")
    else:
        report(False, "--listen ::1: this machine has no IPv6")
    for addr in addrs:
        tag = "ls%d" % addrs.index(addr)
        ft = FakeTarget(d, tag, "--start", "kgdbwait")
        ctl = os.path.join(d, tag + ".ctl")
        errf = os.path.join(d, tag + ".err")
        p = spawn([BRIDGE, "--listen", addr, "--console-port", "0",
                   "--gdb-port", "0", "--no-stdin", "-q", "--ctl",
                   ctl, ft.target], errf)
        try:
            gport, cport = bridge_ports(ctl, TMO)
        except RuntimeError:
            gport = cport = 0   # nothing to reach: the cases fail
        ok = wait_until(lambda: reach(addr, cport))
        v = Viewer(cport, telnet=False, host=addr) if ok else None
        report(ok and v.wait_for(b"console of"),
               "--listen %s: console port there" % addr,
               "ports %d/%d, bridge said %r" %
               (gport, cport, open(errf, errors="replace").read()[-300:]))
        args = ["gdb", "-batch", "-nx", "-ex",
                "set architecture i386:x86-64", "-ex",
                "target remote %s:%d" % ("[%s]" % addr if ":" in addr
                                         else addr, gport),
                "-ex", "info registers rip", "-ex", "detach"]
        g = subprocess.run(args, capture_output=True, timeout=60,
                           stdin=subprocess.DEVNULL)
        g = (g.stdout + g.stderr).decode(errors="replace")
        report("0xffffffff8108cfa5" in g,
               "--listen %s: gdb port there, gdb reads registers" % addr,
               g[-300:])
        report(not reach("127.0.0.1", cport) and
               not reach("127.0.0.1", gport),
               "--listen %s: nothing on 127.0.0.1" % addr)
        if v:
            v.close()
        stop_proc(p)
        ft.stop()


KGDB_STUB = r"""
# A stopped kernel's kgdb stub in gdb mode (kgdbwait), for one
# architecture: acks, answers qC, g (NUMREGBYTES from the layout), p,
# m (zeros), D; logs every request. Serves a Unix socket.
import socket, sys
path, nbytes, log = sys.argv[1], int(sys.argv[2]), open(sys.argv[3], "w")
pc_off, pc_size, pc = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6], 16)
g = bytearray(nbytes)
g[pc_off:pc_off + pc_size] = pc.to_bytes(pc_size, "little")
srv = socket.socket(socket.AF_UNIX)
srv.bind(path)
srv.listen(1)
c, _ = srv.accept()
c.sendall(b"KGDB: Waiting for connection from remote gdb...\r\n")
def send(p):
    c.sendall(b"$" + p + b"#%02x" % (sum(p) & 0xff))
buf = b""
while True:
    d = c.recv(4096)
    if not d:
        break
    buf += d
    while True:
        i = buf.find(b"$")
        j = buf.find(b"#", i)
        if i < 0 or j < 0 or len(buf) < j + 3:
            break
        p = buf[i + 1:j]
        buf = buf[j + 3:]
        c.sendall(b"+")
        log.write("RX %s\n" % p.decode(errors="replace"))
        log.flush()
        if p == b"qC":
            send(b"QC01")
        elif p == b"g":
            send(g.hex().encode())
        elif p[:1] == b"p":
            send(b"00" * 8)
        elif p[:1] == b"m":
            n = int(p.split(b",")[1], 16)
            send(b"00" * n)
        elif p[:1] == b"D":
            send(b"OK")
        elif p[:1] in (b"H", b"T"):
            send(b"OK")
        elif p == b"qfThreadInfo":
            send(b"m01")
        elif p == b"qsThreadInfo":
            send(b"l")
        else:
            send(b"")
"""


def test_arch(d):
    """--arch without --vmlinux: gdb, given no architecture, takes the
    bridge's target description and reads kgdb's 'g' layout for it."""
    dump = os.path.join(os.path.dirname(FAKE), "tdesc_dump")
    stub = os.path.join(d, "stub.py")
    with open(stub, "w") as f:
        f.write(KGDB_STUB)
    for arch, garch, gdb, pcname, pc in (
            ("i386", "i386", "gdb", "eip", "c10a1b2c"),
            ("arm64", "aarch64", "gdb-multiarch", "pc",
             "ffff800008123456"),
            ("arm", "arm", "gdb-multiarch", "pc", "c010a2b4"),
            ("riscv64", "riscv:rv64", "gdb-multiarch", "pc",
             "ffffffff80a1b2c4")):
        if shutil.which(gdb) is None or not os.access(dump, os.X_OK):
            report(False, "--arch %s: needs %s and %s" % (arch, gdb, dump))
            continue
        rc, lay, err = run([dump, arch, "layout"])
        rc2, lim, _ = run([dump, arch, "limits"])
        regs = {l.split()[0]: (int(l.split()[1]), int(l.split()[2]))
                for l in lay.splitlines() if l.strip()}
        if rc or rc2 or pcname not in regs:
            report(False, "--arch %s: tdesc_dump layout" % arch, err)
            continue
        nbytes = int(lim.split()[0])
        sock = os.path.join(d, "arch-%s.sock" % arch)
        slog = os.path.join(d, "arch-%s.log" % arch)
        sp = spawn([sys.executable, stub, sock, str(nbytes), slog,
                    str(regs[pcname][0]), str(regs[pcname][1]), pc],
                   os.path.join(d, "arch-%s.stub.err" % arch))
        wait_until(lambda: os.path.exists(sock))
        b = Bridge(d, "arch-" + arch, "unix:" + sock, "--arch", arch,
                   gdb=True, console=False)
        st = b.cmd("status")
        g = gdb_batch(b.gport, ["show architecture", "p/x $pc", "detach"],
                      arch=None, gdb=gdb)
        report(st.get("arch") == arch, "--arch %s: status says %s" %
               (arch, arch), repr(st.get("arch")))
        report(re.search(r"currently \"?%s\"?" % re.escape(garch), g)
               is not None,
               "--arch %s: gdb takes the architecture %s from the bridge" %
               (arch, garch), g[-400:])
        report(re.search(r"^\$1 = 0x%s$" % pc.lstrip("0"), g, re.M)
               is not None and "too long" not in g and
               "Could not fetch" not in g,
               "--arch %s: gdb reads $pc from kgdb's 'g' layout" % arch,
               g[-400:])
        b.stop()
        stop_proc(sp)


# ---------------------------------------------------------------- 11

TUI_SCRIPT = r"""#!/bin/sh
# Stands in for kgdb-tui: records how it was started, uses the socket
# it was given, then exits as told by $FAKE_TUI_EXIT.
out=$FAKE_TUI_OUT
{
	echo "argc=$#"
	for a in "$@"; do echo "arg=$a"; done
	echo "tty=$(tty 2>/dev/null || echo none)"
} >"$out"
ctl=$2
"$FAKE_TUI_BRIDGE" ctl --ctl "$ctl" regs >"$out.regs" 2>&1
echo "regs_rc=$?" >>"$out"
while [ ! -e "$out.go" ]; do sleep 0.1; done
case $FAKE_TUI_EXIT in
kill) kill -SEGV $$ ;;
*) exit "$FAKE_TUI_EXIT" ;;
esac
"""


def test_tui_launch(d):
    """--tui runs $KGDB_TUI with --ctl on the bridge's terminal; when it
    exits the bridge shuts down and detaches the stopped kernel."""
    script = os.path.join(d, "fake-tui.sh")
    with open(script, "w") as f:
        f.write(TUI_SCRIPT)
    os.chmod(script, 0o755)
    for how in ("0", "kill"):
        ft = FakeTarget(d, "tl", "--start", "kgdbwait")
        out = os.path.join(d, "tui-%s.out" % how)
        ctl = os.path.join(d, "tl-%s.ctl" % how)
        env = dict(os.environ, KGDB_TUI=script, FAKE_TUI_OUT=out,
                   FAKE_TUI_EXIT=how, FAKE_TUI_BRIDGE=BRIDGE)
        t = PtyRun(["env"] + ["%s=%s" % kv for kv in env.items()
                              if kv[0].startswith(("KGDB_TUI", "FAKE_TUI"))]
                   + [BRIDGE, "--tui", "--gdb-port", "off", "--console-port",
                      "off", "--ctl", ctl, ft.target])
        ok = wait_until(lambda: "regs_rc=" in readfile(out))
        rec = readfile(out)
        report(ok and "argc=2\narg=--ctl\narg=%s\n" % ctl in rec and
               "tty=/dev/pts/" in rec,
               "--tui (%s): $KGDB_TUI runs with --ctl CTL on the terminal"
               % how, rec)
        report("regs_rc=0" in rec and "RX g" in ft.text(),
               "--tui (%s): the TUI reaches the bridge through that socket"
               % how, rec + readfile(out + ".regs"))
        report(os.path.exists(ctl + ".log") and
               stat.S_IMODE(os.stat(ctl + ".log").st_mode) == 0o600 and
               "link up" in readfile(ctl + ".log"),
               "--tui (%s): the bridge's log goes to CTL.log, mode 0600"
               % how, readfile(ctl + ".log")[-300:])
        open(out + ".go", "w").close()
        st = t.wait(TMO)
        report(st is not None and os.WIFEXITED(st) and
               os.WEXITSTATUS(st) == 0,
               "--tui (%s): the bridge exits 0 when the TUI ends" % how,
               repr(st) + readfile(ctl + ".log")[-300:])
        report(("died of signal 11" if how == "kill" else "kgdb-tui exited "
                "(0)") in readfile(ctl + ".log"),
               "--tui (%s): CTL.log says how the TUI ended" % how,
               readfile(ctl + ".log")[-300:])
        report(wait_until(lambda: "DETACH" in ft.text(), 3),
               "--tui (%s): the stopped kernel is detached (D)" % how,
               ft.text()[-300:])
        t.close()
        ft.stop()


# ---------------------------------------------------------------- main

def main():
    d = tempfile.mkdtemp(prefix="kgdb-features.")
    os.chmod(d, 0o755)
    os.environ["XDG_RUNTIME_DIR"] = d
    only = os.environ.get("FEATURES_ONLY", "").split()
    tests = [("viewer_break", test_viewer_break),
             ("break_seq", test_break_seq),
             ("local_keys", test_local_keys),
             ("fatal_signals", test_fatal_signals),
             ("monitor_kdb", test_monitor_kdb),
             ("ctl_client", test_ctl_client),
             ("usb_lookup", test_usb_lookup),
             ("backoff", test_backoff),
             ("wait", test_wait_busy_forbidden),
             ("listen", test_listen),
             ("arch", test_arch),
             ("tui_launch", test_tui_launch)]
    try:
        for name, fn in tests:
            if only and name not in only:
                continue
            try:
                fn(d)
            except Exception as e:          # a crash is a failure, not a skip
                report(False, name, "exception %r" % e)
    finally:
        kbtest.cleanup()
        shutil.rmtree(d, ignore_errors=True)
    return 0 if kbtest.all_passed() else 1


if __name__ == "__main__":
    sys.exit(main())
