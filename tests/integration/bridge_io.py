#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/integration/bridge_io.py: kgdb-bridge's I/O side, end to end.

Runs the real daemon against fake targets: a pty pair reached through a
symlink (as /dev/serial/by-id/... is), a Unix socket server, and a telnet
server that speaks RFC 2217. Checks console fan-out to several clients,
telnet negotiation and IAC handling, the slow-client drop, the transcript
(content and mode 0600), the control socket, link loss and reconnect with
clients kept, exclusive open, --console2 merging, and bad options.

Prints "PASS: name" / "FAIL: name: why" / "SKIP: name: why". Timeouts are
generous; nothing passes or fails on speed.
"""
import json
import os
import re
import select
import socket
import stat
import subprocess
import sys
import tempfile
import time
import tty

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import kbtest  # noqa: E402
from kbtest import Viewer  # noqa: E402

BRIDGE = os.path.abspath(sys.argv[1])
kbtest.use(bridge=BRIDGE)
TMO = 10.0              # generous: the machine is shared
SUITE = "bridge_io"
report = kbtest.reporter(SUITE + ": ")


class Pty:
    """A fake serial target: we hold the master, the bridge opens the
    slave through a symlink that we re-point on every 'replug'."""

    def __init__(self, link):
        self.link = link
        self.plug()

    def plug(self):
        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.slave_name = os.ttyname(slave)
        os.close(slave)
        os.set_blocking(self.master, False)
        tmp = self.link + ".new"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(self.slave_name, tmp)
        os.replace(tmp, self.link)

    def unplug(self):
        os.unlink(self.link)
        os.close(self.master)
        self.master = None

    def write(self, data):
        view = memoryview(data)
        end = time.time() + TMO
        while view and time.time() < end:
            try:
                n = os.write(self.master, view)
                view = view[n:]
            except BlockingIOError:
                select.select([], [self.master], [], 0.1)
        return not view

    def read_until(self, want, tmo=TMO):
        got = b""
        end = time.time() + tmo
        while want not in got and time.time() < end:
            r, _, _ = select.select([self.master], [], [], 0.1)
            if r:
                try:
                    got += os.read(self.master, 65536)
                except (BlockingIOError, OSError):
                    pass
        return got


def Bridge(d, target, *extra, name="b"):
    """The daemon (kbtest's launcher): its console port 0, no gdb port,
    its control socket and stderr beside the other files in D."""
    return kbtest.Bridge(d, target, *extra, name=name, gdb=False,
                         verbose=False)


def run(args, tmo=TMO):
    p = subprocess.run([BRIDGE] + args, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=tmo)
    return p.returncode, p.stdout.decode(errors="replace"), \
        p.stderr.decode(errors="replace")


def test_options(d):
    for args, what in ((["--bogus", "/dev/null"], "unknown option"),
                       (["--gdb-port", "x", "/dev/null"], "bad port"),
                       ([], "no TARGET"),
                       (["a", "b"], "two TARGETs"),
                       (["usb:zz:1"], "bad usb target"),
                       (["foo:bar"], "unknown target kind"),
                       (["--break-seq", "BREAK,wait:x,g", "/dev/null"],
                        "bad break sequence")):
        rc, out, err = run(args)
        report(rc == 2 and "usage:" in err and
               len(err.strip().splitlines()) == 2,
               "exit 2 + usage for %s" % what, "rc=%d err=%r" % (rc, err))
    rc, out, err = run(["--help"])
    report(rc == 0 and "TARGET" in out and "--console-port" in out and
           "Ctrl-]" in out, "--help", "rc=%d" % rc)
    rc, out, err = run(["--version"])
    report(rc == 0 and out.startswith("kgdb-bridge "), "--version")
    rc, out, err = run(["--gdb-port", "off", "--no-stdin", "--ctl",
                        os.path.join(d, "x.sock"), "/dev/ttyNOSUCH9"])
    lines = [l for l in err.splitlines() if "error" in l]
    report(rc == 1 and len(lines) == 1 and "no such device" in lines[0],
           "missing device: exit 1, one clear line", "rc=%d err=%r" % (rc, err))


def test_pty(d):
    link = os.path.join(d, "serial-by-id-target")
    pty = Pty(link)
    log = os.path.join(d, "console.log")
    b = Bridge(d, link, "--log", log, "--trace", os.path.join(d, "trace"))
    report(b.ready, "daemon starts on a pty behind a symlink", b.stderr())
    if not b.ready:
        b.stop()
        return

    st = os.stat(b.ctl)
    report(stat.S_IMODE(st.st_mode) == 0o600 and stat.S_ISSOCK(st.st_mode),
           "control socket mode 0600", oct(st.st_mode))
    st = os.stat(log)
    report(stat.S_IMODE(st.st_mode) == 0o600, "transcript mode 0600",
           oct(st.st_mode))

    # Three viewers: one telnet, two raw.
    tn = Viewer(b.cport, telnet=True)
    raw1 = Viewer(b.cport)
    raw2 = Viewer(b.cport)
    for c in (tn, raw1, raw2):
        c.wait_for(b"console of")
    report(tn.buf.startswith(bytes([255, 251, 1, 255, 251, 3, 255, 253, 3])),
           "telnet negotiation offered (WILL ECHO, WILL SGA, DO SGA)",
           repr(tn.buf[:12]))
    time.sleep(0.3)
    text = b"Linux version 6.1.0 (fake)\r\nhello from the target\r\n"
    pkt = b"$T05thread:01;#07"
    pty.write(text + b"before" + pkt + b"after\r\n" + b"\x07bell\r\n" +
              b"\xffbyte\r\n")
    ok = all(c.wait_for(b"byte\r\n") for c in (tn, raw1, raw2))
    report(ok and all(b"hello from the target\r\n" in c.buf
                      for c in (tn, raw1, raw2)),
           "console fan-out to 3 clients", repr(raw1.buf[-120:]))
    report(all(b"T05thread" not in c.buf for c in (tn, raw1, raw2)) and
           b"beforeafter" in raw1.buf,
           "no packet bytes on the console", repr(raw1.buf[-80:]))
    report(b"\xff\xffbyte" in tn.buf and b"\xffbyte" in raw1.buf and
           b"\xff\xffbyte" not in raw1.buf,
           "0xFF doubled for telnet clients only")

    # Typing: raw client's LF arrives as CR; telnet CR NUL as CR.
    raw1.s.sendall(b"ls -l\n")
    got = pty.read_until(b"ls -l\r")
    report(b"ls -l\r" in got and b"\n" not in got,
           "raw client input reaches the target, LF as CR", repr(got))
    tn.s.sendall(b"kdb\r\x00")
    got = pty.read_until(b"kdb\r")
    report(b"kdb\r" in got and b"\x00" not in got,
           "telnet client input: CR NUL as CR, IAC stripped", repr(got))

    # A panic on the console: viewers alerted, status and transcript.
    pty.write(b"[   42.000000] Kernel panic - not syncing: test crash\r\n")
    report(all(c.wait_for(b"PANIC/OOPS") for c in (tn, raw1, raw2)),
           "panic: every viewer alerted", repr(raw1.buf[-200:]))
    st = b.cmd("status")
    report(st.get("panic", "") != "", "panic: shown in status", repr(st))

    # Control socket.
    st = b.cmd('{"v":1,"cmd":"status"}')
    report(st.get("v") == 1 and st.get("ok") is True and
           st.get("link") == "up" and st.get("console_clients") == 3 and
           "stats" in st and st["stats"]["console_bytes"] > 0,
           "ctl status (JSON)", repr(st))
    st = b.cmd('{"v":2,"cmd":"status"}')
    report(st.get("ok") is False and "version" in st.get("error", ""),
           "ctl refuses an unknown protocol version", repr(st))
    st = b.cmd("mark before-reset")
    report(st.get("ok") is True, "ctl mark (plain text)", repr(st))
    rc, out, err = run(["ctl", "--ctl", b.ctl, "status"])
    report(rc == 0 and json.loads(out).get("link") == "up",
           "kgdb-bridge ctl status", "rc=%d %r %r" % (rc, out, err))
    rc, out, err = run(["ctl", "--ctl", b.ctl, "frobnicate"])
    report(rc == 1 and '"ok":false' in out, "ctl unknown command fails",
           out)

    # Subscriber for events.
    ev = socket.socket(socket.AF_UNIX)
    ev.connect(b.ctl)
    ev.sendall(b'{"v":1,"cmd":"subscribe"}\n')
    evf = ev.makefile("rb")
    first = json.loads(evf.readline())
    report(first.get("ok") is True, "ctl subscribe")
    pty.write(b"event line\r\n")
    ev.settimeout(TMO)
    seen = None
    try:
        for _ in range(50):
            e = json.loads(evf.readline())
            if e.get("event") == "console" and e.get("text") == "event line":
                seen = e
                break
    except (OSError, ValueError):
        pass
    report(seen is not None, "console line as an event")

    # Exclusive open: a second bridge on the same port fails (rather than
    # waiting for the port: run() gives up after TMO).
    rc, out, err = run(["--gdb-port", "off", "--console-port", "off",
                        "--no-stdin", "-q", "--ctl",
                        os.path.join(d, "second.sock"), link])
    report(rc == 1 and "busy" in err,
           "second bridge on the same port: busy", err)
    rc, out, err = run(["--gdb-port", "off", "--console-port", "off",
                        "--no-stdin", "-q", "--ctl", b.ctl, "/dev/null"])
    report(rc == 1 and "already serves" in err,
           "second bridge on the same control socket refused", err)

    # Link loss: unplug, clients stay, "link down"; replug, "link up".
    pty.unplug()
    ok = all(c.wait_for(b"link down") for c in (tn, raw1, raw2))
    report(ok and not any(c.eof for c in (tn, raw1, raw2)),
           "link down reported, clients kept", repr(raw2.buf[-200:]))
    down = None
    try:
        for _ in range(200):
            e = json.loads(evf.readline())
            if e.get("event") == "link_down":
                down = e
                break
    except (OSError, ValueError):
        pass
    report(down is not None, "link_down event to subscribers")
    st = b.cmd("status")
    report(st.get("link") == "down", "status says link down", repr(st))
    time.sleep(0.5)
    pty.plug()
    ok = all(c.wait_for(b"link up") for c in (tn, raw1, raw2))
    report(ok and not any(c.eof for c in (tn, raw1, raw2)),
           "link up after replug, clients kept", repr(raw2.buf[-200:]))
    time.sleep(0.2)
    pty.write(b"after the reset\r\n")
    report(all(c.wait_for(b"after the reset\r\n") for c in (tn, raw1, raw2)),
           "console flows again after reconnect")

    # A client that stops reading is dropped; the others get everything.
    slow = Viewer(b.cport, rcvbuf=4096)
    slow.wait_for(b"console of")
    for c in (tn, raw1, raw2):
        c.buf = b""
    chunk = (b"x" * 99 + b"\n") * 1000           # 100 kB
    total = 0
    end = time.time() + 60
    while time.time() < end and total < 4 * 1024 * 1024:
        if not pty.write(chunk):
            break
        total += len(chunk)
        for c in (tn, raw1, raw2):
            c.pump(0)
    pty.write(b"END-OF-FLOOD\r\n")
    ok = all(c.wait_for(b"END-OF-FLOOD", tmo=30) for c in (tn, raw1, raw2))
    # A notice may cut a line in two, so count the bytes.
    xs = raw1.buf.count(b"x")
    report(ok and xs == total // 100 * 99,
           "reading clients get the whole flood (%d bytes)" % total,
           "got %d of %d" % (xs, total // 100 * 99))
    report(all(b"stopped reading" in c.buf for c in (tn, raw1, raw2)),
           "others told the slow client was dropped")
    # Drain what the slow client had; it must end in EOF.
    slow.s.setblocking(True)
    slow.s.settimeout(TMO)
    eof = False
    try:
        while True:
            d2 = slow.s.recv(1 << 20)
            if not d2:
                eof = True
                break
    except (ConnectionResetError, socket.timeout, OSError) as e:
        eof = isinstance(e, ConnectionResetError)
    report(eof, "slow client disconnected")
    st = b.cmd("status")
    report(st.get("console_clients") == 3, "three clients remain",
           repr(st.get("console_clients")))

    # Memory and idle CPU are measured by tests/bench/footprint.bench.sh
    # (make bench), not asserted here.

    rc = b.stop()
    report(rc == 0, "SIGTERM: clean exit 0", "rc=%r" % rc)
    report(not os.path.exists(b.ctl), "control socket removed on exit")

    # The transcript.
    with open(log, "rb") as f:
        tr = f.read().decode(errors="replace")
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \d+\.\d{3} "
    report(re.search(stamp + r"tgt hello from the target\n", tr) is not None,
           "transcript line: wall clock, monotonic, source, text",
           tr[:300])
    report("T05thread" not in tr and "beforeafter" in tr,
           "transcript has no packet bytes")
    report(re.search(stamp + r"mark ==== before-reset ====", tr) is not None,
           "transcript mark from ctl")
    report(re.search(stamp + r"mark ==== kernel panic ====", tr) is not None,
           "transcript marks the panic", tr[-2000:])
    report(re.search(stamp + r"brg \[kgdb-bridge\] link down", tr)
           is not None, "transcript records link down (source brg)")
    report("\\x07bell" in tr, "transcript escapes control bytes")
    # Count in target records made only of x: notices name the random temp
    # dir, which may hold "xx" itself, and a line cut by a notice may leave
    # a single x in its "tgt+" rest (a run of one, seen once in CI).
    xs = sum(len(m.group(1)) for m in
             (re.match(r"^\S+ \S+ tgt\+? (x+)$", l)
              for l in tr.splitlines()) if m)
    report(xs == total // 100 * 99, "transcript has every flood byte",
           "%d" % xs)
    for c in (tn, raw1, raw2):
        c.close()
    ev.close()


def test_wait(d):
    """--wait: started before the adapter is plugged in."""
    link = os.path.join(d, "late-adapter")
    b = Bridge(d, link, "--wait", name="wait")
    report(b.ready and b.wait_log("waiting for it"),
           "--wait: starts without the device, says it waits", b.stderr())
    c = Viewer(b.cport)
    c.wait_for(b"console of")
    pty = Pty(link)
    ok = c.wait_for(b"link up")
    time.sleep(0.2)
    pty.write(b"late hello\r\n")
    report(ok and c.wait_for(b"late hello\r\n"),
           "--wait: link up once the device appears", repr(c.buf[-200:]))
    b.stop()
    c.close()


def test_console2(d):
    a = Pty(os.path.join(d, "main-tty"))
    b2 = Pty(os.path.join(d, "dbgp-tty"))
    log = os.path.join(d, "c2.log")
    b = Bridge(d, a.link, "--log", log, "--console2", b2.link, name="c2")
    if not b.ready:
        report(False, "console2 daemon starts", b.stderr())
        b.stop()
        return
    c = Viewer(b.cport)
    c.wait_for(b"console of")
    time.sleep(0.3)
    a.write(b"from ttyS0\r\n")
    c.wait_for(b"from ttyS0\r\n")
    b2.write(b"from dbgp\r\n")
    ok = c.wait_for(b"from dbgp\r\n")
    report(ok and b"from ttyS0" in c.buf, "console2 merged into the stream")
    # The second console is read-only: typing goes to the main target.
    c.s.sendall(b"x\n")
    got = a.read_until(b"x\r", tmo=3)
    report(b"x\r" in got, "input goes to the main target only")
    b.stop()
    with open(log) as f:
        tr = f.read()
    report(re.search(r" tgt from ttyS0\n", tr) is not None and
           re.search(r" con2 from dbgp\n", tr) is not None,
           "transcript tags the two sources", tr)
    c.close()


def test_unix(d):
    path = os.path.join(d, "qemu-serial.sock")
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    srv.listen(1)
    b = Bridge(d, "unix:" + path, name="ux")
    srv.settimeout(TMO)
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        report(False, "unix target connects", b.stderr())
        b.stop()
        return
    report(b.ready, "unix target connects")
    c = Viewer(b.cport)
    c.wait_for(b"console of")
    time.sleep(0.2)
    conn.sendall(b"unix console\r\n")
    report(c.wait_for(b"unix console\r\n"), "unix target console")
    conn.close()        # QEMU restarts
    report(c.wait_for(b"link down") and not c.eof,
           "unix: link down, client kept")
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        conn = None
    report(conn is not None and c.wait_for(b"link up"),
           "unix: reconnects and says link up")
    if conn:
        conn.sendall(b"back again\r\n")
        report(c.wait_for(b"back again\r\n"), "unix: console after reconnect")
        conn.close()
    b.stop()
    c.close()
    srv.close()


def test_telnet(d):
    """A ser2net-like RFC 2217 server."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    b = Bridge(d, "telnet:127.0.0.1:%d" % port, name="tn")
    srv.settimeout(TMO)
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        report(False, "telnet target connects", b.stderr())
        b.stop()
        return
    conn.settimeout(0.2)
    got = b""

    def more(want, tmo=TMO):
        nonlocal got
        end = time.time() + tmo
        while want not in got and time.time() < end:
            try:
                d2 = conn.recv(65536)
                if not d2:
                    break
                got += d2
            except socket.timeout:
                pass
        return want in got

    IAC, SB, SE, DO, WILL = 255, 250, 240, 253, 251
    report(more(bytes([IAC, WILL, 44])), "telnet: client offers COM-PORT",
           repr(got))
    conn.sendall(bytes([IAC, DO, 44, IAC, WILL, 3, IAC, WILL, 0]))
    # No settings in the TARGET word: the line is asked for, not set
    # (a ser2net port configured at 921600 must stay there).
    ask = bytes([IAC, SB, 44, 1, 0, 0, 0, 0, IAC, SE])
    report(more(ask), "telnet: RFC 2217 asks the baud rate (0)", repr(got))
    report(more(bytes([IAC, SB, 44, 2, 0, IAC, SE])) and
           more(bytes([IAC, SB, 44, 3, 0, IAC, SE])) and
           more(bytes([IAC, SB, 44, 4, 0, IAC, SE])) and
           more(bytes([IAC, SB, 44, 5, 0, IAC, SE])),
           "telnet: data size, parity, stop and flow asked, not set")
    report(bytes([IAC, SB, 44, 1, 0, 1, 0xc2, 0]) not in got,
           "telnet: never SET-BAUDRATE 115200 unasked", repr(got))
    # The server answers with its line: 921600 8N1.
    conn.sendall(bytes([IAC, SB, 44, 101, 0, 0x0e, 0x10, 0, IAC, SE,
                        IAC, SB, 44, 102, 8, IAC, SE,
                        IAC, SB, 44, 103, 1, IAC, SE,
                        IAC, SB, 44, 104, 1, IAC, SE]))
    c = Viewer(b.cport)
    c.wait_for(b"console of")
    time.sleep(0.2)
    # Data with an escaped IAC, and a command in the middle of it.
    conn.sendall(b"tel\xff\xffnet " + bytes([IAC, WILL, 1]) + b"ok\r\n")
    report(c.wait_for(b"tel\xffnet ok\r\n"),
           "telnet: IAC IAC is 0xFF, commands stripped", repr(c.buf[-40:]))
    st = b.cmd("status")
    report(st.get("baud") == 921600 and "break" in st.get("caps", []),
           "telnet: status shows the server's baud and BREAK", repr(st))
    report("line is 8N1" in b.stderr() and "921600 baud" in b.stderr(),
           "telnet: the log says what the server's line is",
           b.stderr()[-300:])
    got = b""
    st = b.cmd("break")
    on = bytes([IAC, SB, 44, 5, 5, IAC, SE])
    off = bytes([IAC, SB, 44, 5, 6, IAC, SE])
    ok = more(off) and more(b"g", tmo=3)
    i_on, i_off = got.find(on), got.find(off)
    i_g = got.find(b"g", i_off + 1) if i_off >= 0 else -1
    report(ok and 0 <= i_on < i_off < i_g,
           "telnet: break = SET-CONTROL on, off, then sysrq g", repr(got))
    b.stop()
    c.close()
    conn.close()
    srv.close()

    # Settings given are set, and only those.
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    b = Bridge(d, "telnet:127.0.0.1:%d,921600,7e1" % port, name="tn2")
    srv.settimeout(TMO)
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        report(False, "telnet target with settings connects", b.stderr())
        b.stop()
        return
    conn.settimeout(0.2)
    got = b""
    more(bytes([IAC, WILL, 44]))
    conn.sendall(bytes([IAC, DO, 44]))
    report(more(bytes([IAC, SB, 44, 1, 0, 0x0e, 0x10, 0, IAC, SE])) and
           more(bytes([IAC, SB, 44, 2, 7, IAC, SE])) and
           more(bytes([IAC, SB, 44, 3, 3, IAC, SE])) and
           more(bytes([IAC, SB, 44, 5, 0, IAC, SE])),
           "telnet: ,921600,7e1 sets baud, size, parity; flow asked",
           repr(got))
    b.stop()
    conn.close()
    srv.close()


def test_local_terminal(d):
    """stdin/stdout on a terminal: raw input, Ctrl-] keys, and the
    terminal settings put back on exit."""
    import pty as ptymod
    import termios
    tgt = Pty(os.path.join(d, "local-tty"))
    ctl = os.path.join(d, "local.sock")
    pid, fd = ptymod.fork()
    if pid == 0:
        os.execv(BRIDGE, [BRIDGE, "--gdb-port", "off", "--console-port", "off",
                          "--ctl", ctl, tgt.link])
    before = termios.tcgetattr(fd)
    out = b""

    def expect(want, tmo=TMO):
        nonlocal out
        end = time.time() + tmo
        while want not in out and time.time() < end:
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try:
                    out += os.read(fd, 65536)
                except OSError:
                    break
        return want in out

    ok = expect(b"link up")
    report(ok, "local terminal: console starts", repr(out))
    time.sleep(0.3)
    raw = termios.tcgetattr(fd)
    report(not (raw[3] & termios.ICANON) and not (raw[3] & termios.ECHO),
           "local terminal: raw input while running")
    tgt.write(b"printed on the terminal\r\n")
    report(expect(b"printed on the terminal"),
           "local terminal: console text on stdout")
    os.write(fd, b"typed\r")
    got = tgt.read_until(b"typed\r")
    report(b"typed\r" in got, "local terminal: keys reach the target",
           repr(got))
    os.write(fd, b"\x1d?")
    report(expect(b"q quit"), "local terminal: Ctrl-] ? shows the keys")
    os.write(fd, b"\x1d\x1d")
    got = tgt.read_until(b"\x1d", tmo=3)
    report(got == b"\x1d", "local terminal: Ctrl-] Ctrl-] sends one Ctrl-]",
           repr(got))
    os.write(fd, b"\x1dq")
    end = time.time() + TMO
    st = None
    while time.time() < end:
        p2, st = os.waitpid(pid, os.WNOHANG)
        if p2 == pid:
            break
        expect(b"\x00never", tmo=0.1)
        st = None
    report(st is not None and os.WIFEXITED(st) and
           os.WEXITSTATUS(st) == 0, "local terminal: Ctrl-] q quits, exit 0",
           repr(st))
    try:
        after = termios.tcgetattr(fd)
        report(after[3] == before[3] and after[0] == before[0],
               "local terminal: settings restored on exit")
    except termios.error as e:
        report(False, "local terminal: settings restored on exit", str(e))
    os.close(fd)


def kernel_consoles():
    """The tty names the running kernel writes its console to."""
    try:
        with open("/sys/class/tty/console/active") as f:
            return f.read().split()
    except OSError:
        return []


def test_serial(d):
    """A real UART node through libserialport (no cable needed): line
    settings, exclusive open, permission error.  Only on a device named in
    KGDB_TEST_SERIAL: libserialport cannot open a pty (sp_open's TIOCMGET
    fails with ENOTTY), and the UART a machine has is often its own kernel
    console (a VM's ttyS0), which a test must not reconfigure.  Without
    one this prints a SKIP with the reason (never a PASS)."""
    dev = os.environ.get("KGDB_TEST_SERIAL", "")
    why = None
    if dev == "":
        why = ("no KGDB_TEST_SERIAL: name a real UART (e.g. /dev/ttyS1, "
               "/dev/ttyUSB0) that is not the kernel console; a pty "
               "cannot stand in for one")
    elif os.path.basename(os.path.realpath(dev)) in kernel_consoles():
        why = "%s is this kernel's console; not reconfiguring it" % dev
    elif not os.access(dev, os.R_OK | os.W_OK):
        why = "%s: no read/write access" % dev
    if why is not None:
        print("SKIP: %s: serial (line settings, busy, permission "
              "denied): %s" % (SUITE, why))
        return
    b = Bridge(d, dev + ",9600,7e2", name="ser")
    st = b.cmd("status") if b.ready else {}
    report(st.get("baud") == 9600 and "break" in st.get("caps", []) and
           "9600 7E2" in b.stderr(), "serial: line settings",
           repr(st) + b.stderr())
    rc, out, err = run(["--gdb-port", "off", "--console-port", "off",
                        "--no-stdin", "-q", "--ctl",
                        os.path.join(d, "ser2.sock"), dev])
    report(rc == 1 and "busy" in err, "serial: busy", err)
    b.stop()
    if os.getuid() != 0 or not os.path.exists("/usr/bin/setpriv"):
        print("SKIP: %s: serial: permission denied: needs root and "
              "setpriv" % SUITE)
        return
    p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534",
                        "--clear-groups", BRIDGE, "--gdb-port", "off",
                        "--console-port", "off", "--no-stdin", "-q", "--ctl",
                        "/tmp/kgdb-bridge-io-nobody.sock", dev],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=TMO)
    err = p.stderr.decode(errors="replace")
    st = os.stat(dev)
    if st.st_mode & 0o006:
        print("SKIP: %s: serial: permission denied: %s is world-writable"
              % (SUITE, dev))
        return
    report(p.returncode == 1 and "permission denied" in err and
           "dialout" in err and len(err.strip().splitlines()) == 1,
           "serial: permission denied, one line naming dialout", err)


def main():
    d = tempfile.mkdtemp(prefix="bridge_io.")
    os.environ["XDG_RUNTIME_DIR"] = d
    try:
        test_options(d)
        test_pty(d)
        test_console2(d)
        test_wait(d)
        test_unix(d)
        test_telnet(d)
        test_local_terminal(d)
        test_serial(d)
    finally:
        subprocess.run(["rm", "-rf", d])
    return 0 if kbtest.all_passed() else 1


if __name__ == "__main__":
    sys.exit(main())
