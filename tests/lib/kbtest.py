# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/lib/kbtest.py: what the Python suites share (tests/lib/kbtest.sh
is its shell twin): PASS/FAIL lines; the ports a running kgdb-bridge or
faketarget bound on port 0; and, for programs that cannot report a port
they picked, a guessed free one."""
import json
import random
import re
import socket
import time

results = []


def reporter(prefix):
    """A report(ok, name, why) that prints "PASS: prefixname" or
    "FAIL: prefixname: why" and remembers the verdict in results."""
    def report(ok, name, why=""):
        results.append(ok)
        print(("PASS: %s%s" % (prefix, name)) if ok else
              ("FAIL: %s%s: %s" % (prefix, name, why)), flush=True)
    return report


def all_passed():
    return bool(results) and all(results)


def bridge_ports(ctl, timeout=10):
    """(gdb, console): the ports a kgdb-bridge started with --gdb-port 0
    and --console-port 0 bound (0 for one that is off), from the status
    on its control socket. Asking, not guessing, leaves no moment in
    which another program can take the port. Waits up to timeout s;
    raises RuntimeError without an answer."""
    end = time.monotonic() + timeout
    while True:
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(2)
                s.connect(ctl)
                s.sendall(b'{"v":1,"cmd":"status"}\n')
                line = s.makefile("rb").readline()
            p = json.loads(line)["ports"]
            return int(p["gdb"]), int(p["console"])
        except (OSError, ValueError, KeyError, TypeError):
            if time.monotonic() > end:
                raise RuntimeError("no ports from %s" % ctl)
            time.sleep(0.1)


def fake_tcp_port(errpath, timeout=10):
    """The port "faketarget --tcp 0" bound, from its stderr file."""
    end = time.monotonic() + timeout
    while True:
        try:
            with open(errpath) as f:
                m = re.search(r"^faketarget: tcp port (\d+)$", f.read(),
                              re.M)
            if m:
                return int(m.group(1))
        except OSError:
            pass
        if time.monotonic() > end:
            raise RuntimeError("no port in %s" % errpath)
        time.sleep(0.05)


def pick_port():
    """A TCP port free on 127.0.0.1 now, below the ephemeral range (a port
    there can be the local end of a live connection, which no bind test
    can see). Only for a program that cannot bind port 0 and say what it
    got (ser2net, QEMU's telnet server when it does not wait): for the
    bridge use bridge_ports, for faketarget fake_tcp_port. It races
    whoever binds next."""
    lo = 20000
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            lo = int(f.read().split()[0])
    except OSError:
        pass
    for _ in range(200):
        p = random.randint(10000, max(10001, lo - 1))
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", p))
            return p
        except OSError:
            continue
        finally:
            s.close()
    raise RuntimeError("no free port")
