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
import os
import pty  # noqa: F401  (openpty lives in os; pty documents the intent)
import select
import socket
import subprocess
import sys
import termios
import time
import tty

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from kbtest import (TMO, Bridge, all_passed, pick_port,  # noqa: E402
                    reporter, spawn, stop_proc, tcp_answers, use, workdir)


BRIDGE = sys.argv[1]
use(bridge=BRIDGE)
report = reporter('ser2net: ')


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
    word_tail appended. Returns (pty master, slave fd, bridge, ser2net);
    the bridge's cport is 0 (the cases then fail to connect, and say so)
    when it never said."""
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
    with open(os.path.join(d, "ser2net.out"), "w") as out:
        s2n = spawn(["ser2net", "-n", "-d", "-c", conf, "-P",
                     os.path.join(d, "ser2net.pid")], stdout=out,
                    stderr=subprocess.STDOUT)
    wait_for(lambda: tcp_answers(port))
    b = Bridge(d, "telnet:127.0.0.1:%d%s" % (port, word_tail), gdb=False)
    return m, s, b, s2n


def stop(b, s2n, m, s):
    b.stop()
    stop_proc(s2n)
    os.close(m)
    os.close(s)


def test_keeps_line(d):
    m, s, b, s2n = run(d, "")
    st = wait_for(lambda: b.ctl_client("status").get("baud") == 921600 and
                  b.ctl_client("status"))
    time.sleep(0.5)	# anything the bridge would set has arrived by now
    report(speed(s) == termios.B921600, "a port at 921600 stays at 921600",
           "pty speed %d (B921600 is %d)" % (speed(s), termios.B921600))
    report(bool(st) and st.get("baud") == 921600,
           "status reports the server's 921600", repr(st)[:200])
    report("line is 8N1" in b.stderr(), "the log names the server's 8N1",
           b.stderr()[-300:])
    # Bytes both ways: the board prints, a viewer types.
    v = socket.create_connection(("127.0.0.1", b.cport), TMO)
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
    m, s, b, s2n = run(d, ",115200")
    ok = wait_for(lambda: speed(s) == termios.B115200)
    st = b.ctl_client("status")
    report(bool(ok) and st.get("baud") == 115200,
           ",115200 in the TARGET word sets the line",
           "pty speed %d, status %r" % (speed(s), st.get("baud")))
    stop(b, s2n, m, s)


def main():
    d = workdir("ser2net")
    for t in (test_keeps_line, test_sets_line):
        sub = os.path.join(d, t.__name__)
        os.mkdir(sub)
        try:
            t(sub)
        except Exception as e:	# a broken case fails, never skips
            report(False, t.__name__, "exception %r" % (e,))
    return 0 if all_passed() else 1


if __name__ == "__main__":
    sys.exit(main())
