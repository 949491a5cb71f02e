#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/integration/ser2net.py: the bridge behind Debian's real ser2net.

A pty stands in for the board's UART (its master is the board); ser2net
serves the slave with RFC 2217 at 921600, as a lab would configure it.
The bridge must leave that speed alone when the TARGET word gives none
(it used to force 115200), report the server's line, carry bytes both
ways, and set the line when the TARGET word asks.
Prints "PASS: name" / "FAIL: name: why".
"""
import json
import os
import pty  # noqa: F401  (openpty lives in os; pty documents the intent)
import select
import socket
import subprocess
import sys
import tempfile
import termios
import time
import tty

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from kbtest import all_passed, bridge_ports, pick_port, reporter  # noqa: E402


BRIDGE = sys.argv[1]
report = reporter('ser2net: ')
TMO = 10.0






def speed(fd):
    return termios.tcgetattr(fd)[4]


def wait_for(fn, tmo=TMO):
    end = time.time() + tmo
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    return fn()


def run(d, word_tail):
    """ser2net on a fresh pty at 921600; the bridge on telnet: with
    word_tail appended. Returns (pty master, slave fd, bridge, ser2net,
    console port, ctl path)."""
    m, s = os.openpty()
    tty.setraw(s)
    a = termios.tcgetattr(s)
    a[4] = a[5] = termios.B9600	# ser2net must set its own 921600
    termios.tcsetattr(s, termios.TCSANOW, a)
    # ser2net takes its port from the configuration and does not report
    # one it picked: guess that one; the bridge's it reports (port 0).
    port = pick_port()
    conf = os.path.join(d, "ser2net.yaml")
    with open(conf, "w") as f:
        f.write("connection: &board\n"
                "  accepter: telnet(rfc2217),tcp,127.0.0.1,%d\n"
                "  connector: serialdev,%s,921600n81,local\n"
                % (port, os.ttyname(s)))
    s2n = subprocess.Popen(["ser2net", "-n", "-d", "-c", conf, "-P",
                            os.path.join(d, "ser2net.pid")],
                           stdout=open(os.path.join(d, "ser2net.out"), "w"),
                           stderr=subprocess.STDOUT)

    def up():
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return True
        except OSError:
            return False
    wait_for(up)
    ctl = os.path.join(d, "ctl")
    err = open(os.path.join(d, "bridge.err"), "w+")
    b = subprocess.Popen([BRIDGE, "-q", "--no-stdin", "-v", "--gdb-port",
                          "off", "--console-port", "0", "--ctl", ctl,
                          "telnet:127.0.0.1:%d%s" % (port, word_tail)],
                         stdin=subprocess.DEVNULL, stderr=err)
    b.err = err
    try:
        cport = bridge_ports(ctl, TMO)[1]
    except RuntimeError:
        cport = 0       # the cases then fail to connect, and say so
    return m, s, b, s2n, cport, ctl


def status(ctl):
    r = subprocess.run([BRIDGE, "ctl", "--ctl", ctl, "status"],
                       capture_output=True, text=True, timeout=TMO)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {}


def stop(b, s2n, m, s):
    for p in (b, s2n):
        p.terminate()
        try:
            p.wait(TMO)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    b.err.close()
    os.close(m)
    os.close(s)


def log(b):
    b.err.flush()
    b.err.seek(0)
    return b.err.read()


def test_keeps_line(d):
    m, s, b, s2n, cport, ctl = run(d, "")
    st = wait_for(lambda: status(ctl).get("baud") == 921600 and status(ctl))
    time.sleep(0.5)	# anything the bridge would set has arrived by now
    report(speed(s) == termios.B921600, "a port at 921600 stays at 921600",
           "pty speed %d (B921600 is %d)" % (speed(s), termios.B921600))
    report(bool(st) and st.get("baud") == 921600,
           "status reports the server's 921600", repr(st)[:200])
    report("line is 8N1" in log(b), "the log names the server's 8N1",
           log(b)[-300:])
    # Bytes both ways: the board prints, a viewer types.
    v = socket.create_connection(("127.0.0.1", cport), TMO)
    v.setblocking(False)
    os.write(m, b"hello from the board\r\n")
    got = b""
    end = time.time() + TMO
    while b"hello from the board" not in got and time.time() < end:
        r, _, _ = select.select([v], [], [], 0.1)
        if r:
            got += v.recv(4096)
    v.sendall(b"uname -r\r")
    typed = b""
    end = time.time() + TMO
    while b"uname -r" not in typed and time.time() < end:
        r, _, _ = select.select([m], [], [], 0.1)
        if r:
            typed += os.read(m, 4096)
    v.close()
    report(b"hello from the board" in got and b"uname -r" in typed,
           "console bytes pass both ways", "%r / %r" % (got[-60:],
                                                        typed[-40:]))
    stop(b, s2n, m, s)


def test_sets_line(d):
    m, s, b, s2n, cport, ctl = run(d, ",115200")
    ok = wait_for(lambda: speed(s) == termios.B115200)
    st = status(ctl)
    report(bool(ok) and st.get("baud") == 115200,
           ",115200 in the TARGET word sets the line",
           "pty speed %d, status %r" % (speed(s), st.get("baud")))
    stop(b, s2n, m, s)


def main():
    d = tempfile.mkdtemp(prefix="kb-ser2net-")
    for t in (test_keeps_line, test_sets_line):
        sub = os.path.join(d, t.__name__)
        os.mkdir(sub)
        try:
            t(sub)
        except Exception as e:	# a broken case fails, never skips
            report(False, t.__name__, "exception %r" % (e,))
    subprocess.run(["rm", "-rf", d])
    return 0 if all_passed() else 1


if __name__ == "__main__":
    sys.exit(main())
