# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/lib/kbtest.py: what the Python suites share: PASS/FAIL lines and
a free TCP port below the ephemeral range (a port there can be the local
end of a live connection, which no bind test can see)."""
import random
import socket

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


def pick_port():
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
