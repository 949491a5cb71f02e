#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/integration/resolve.py: --resolve CMD, for labgrid, which serves
a re-plugged adapter on a new TCP port. The command prints HOST:PORT
before every connect; the bridge follows the target from one port to the
next, and says why when the command fails or answers nonsense."""
import os
import select
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from kbtest import TMO, Bridge, all_passed, reporter, use, workdir  # noqa: E402

BRIDGE = sys.argv[1]
use(bridge=BRIDGE)
report = reporter("resolve: ")


class Server:
    """A TCP 'serial port' that accepts one client and records bytes."""

    def __init__(self):
        self.s = socket.socket()
        self.s.bind(("127.0.0.1", 0))
        self.s.listen(1)
        self.port = self.s.getsockname()[1]
        self.conn = None

    def accept(self, tmo=TMO):
        if select.select([self.s], [], [], tmo)[0]:
            self.conn, _ = self.s.accept()
            return True
        return False

    def close(self):
        if self.conn:
            self.conn.close()
        self.s.close()


def main():
    d = workdir("resolve")
    where = os.path.join(d, "where")
    a, b = Server(), Server()
    with open(where, "w") as f:
        f.write("127.0.0.1:%d\n" % a.port)
    p = Bridge(d, "tcp:labgrid-place:1", "--resolve", "cat " + where,
               gdb=False, console=False, wait_ready=False)
    first = a.accept()
    report(first, "the first connect goes where the command says",
           "port %d never got a client" % a.port)
    end = time.time() + TMO
    while time.time() < end and p.ctl_client("status").get("link") != "up":
        time.sleep(0.1)
    # Re-plug: the adapter comes back on another port.
    with open(where, "w") as f:
        f.write("127.0.0.1:%d\n" % b.port)
    a.close()
    second = b.accept()
    end = time.time() + TMO
    while time.time() < end and p.ctl_client("status").get("link") != "up":
        time.sleep(0.1)
    if second:
        b.conn.sendall(b"hello after the re-plug\r\n")
    up = p.ctl_client("status").get("link") == "up"
    report(second and up, "after a re-plug it follows the target to its new "
           "port", "accepted %s, link up %s" % (second, up))
    # Nonsense, then a command that hangs: the reason is logged, and the
    # bridge keeps trying without stalling (ctl answers meanwhile).
    with open(where, "w") as f:
        f.write("not an address\n")
    b.close()
    t0 = time.time()
    answered = bool(p.ctl_client("status"))
    fast = time.time() - t0 < 5
    said = p.wait_log("not HOST:PORT")
    report(said and answered and fast, "a nonsense answer is logged, the "
           "bridge stays responsive", p.stderr()[-300:])
    p.stop()
    # A command that hangs: the bridge gives up on it after its 10 s
    # deadline, says so, and answers ctl all the while.
    p = Bridge(d, "tcp:labgrid-place:1", "--resolve", "sleep 60",
               gdb=False, console=False, wait_ready=False)
    slow, saw = 0.0, False
    end = time.time() + 25
    while time.time() < end and not saw:
        t0 = time.time()
        p.ctl_client("status")
        slow = max(slow, time.time() - t0)
        saw = "no answer in time" in p.stderr()
        time.sleep(0.5)
    p.stop()
    left = subprocess.run(["pgrep", "-f", "^sleep 60$"], capture_output=True,
                          text=True).stdout.split()
    report(saw and slow < 3 and not left, "a command that hangs is given up "
           "on (nothing of it left), and ctl answers meanwhile",
           "said %s, slowest ctl %.1f s, left %r: %s" %
           (saw, slow, left, p.stderr()[-200:]))
    r = subprocess.run([BRIDGE, "--resolve", "true", "/dev/ttyS0"],
                       capture_output=True, text=True, timeout=TMO)
    report(r.returncode == 2 and "tcp: or telnet:" in r.stderr,
           "--resolve with a device is refused", r.stderr)
    return 0 if all_passed() else 1


sys.exit(main())
