#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/integration/habits.py: what users of tio, picocom and minicom
expect: a hint for their options, and --timestamps on console lines.
Prints "PASS: name" / "FAIL: name: why"."""
import os
import re
import select
import socket
import subprocess
import sys
import time
import tty

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from kbtest import (TMO, Bridge, all_passed, reporter, use,  # noqa: E402
                    workdir)


BRIDGE = sys.argv[1]
use(bridge=BRIDGE)
report = reporter('habits: ')


def test_hints():
    rows = [
        (["-b", "921600", "/dev/ttyUSB0"], "kgdb-bridge /dev/ttyUSB0,921600"),
        (["-b921600", "/dev/ttyS1"], "kgdb-bridge /dev/ttyS1,921600"),
        (["--baud=57600", "/dev/ttyS1"], "kgdb-bridge /dev/ttyS1,57600"),
        (["-D", "/dev/ttyACM0"], "kgdb-bridge /dev/ttyACM0"),
        (["--parity", "even", "/dev/ttyS0"], "/dev/ttyS0,115200,8e1"),
        (["-t", "/dev/ttyS0"], "--timestamps"),
    ]
    for args, want in rows:
        r = subprocess.run([BRIDGE] + args, capture_output=True, text=True,
                           timeout=TMO)
        report(r.returncode == 2 and want in r.stderr,
               "hint for %s" % " ".join(args),
               "rc %d: %r" % (r.returncode, r.stderr[:200]))


def pty_bridge(*extra):
    """A pty (master, slave) and the daemon on its slave, console port 0
    (b.cport stays 0, so connecting fails, when it never said)."""
    m, s = os.openpty()
    tty.setraw(s)
    b = Bridge(workdir("habits"), os.ttyname(s), *extra, gdb=False,
               verbose=False)
    return m, s, b


def lines_from(stamps):
    m, s, b = pty_bridge(*(["--timestamps"] if stamps else []))
    port = b.cport
    v = None
    end = time.time() + TMO
    while v is None and time.time() < end:
        try:
            v = socket.create_connection(("127.0.0.1", port), 1)
        except OSError:
            time.sleep(0.05)
    got = b""
    if v is not None:
        v.setblocking(False)
        end = time.time() + TMO
        while b"console of" not in got and time.time() < end:
            if select.select([v], [], [], 0.1)[0]:
                got += v.recv(4096)
        os.write(m, b"first line\r\nsecond ")
        time.sleep(0.2)
        os.write(m, b"half\r\nthird\r\n")
        end = time.time() + TMO
        while b"third" not in got and time.time() < end:
            if select.select([v], [], [], 0.1)[0]:
                got += v.recv(4096)
        v.close()
    b.stop()
    os.close(m)
    os.close(s)
    return got.decode("latin-1")


def test_timestamps():
    stamp = r"\[\d\d:\d\d:\d\d\.\d\d\d\] "
    got = lines_from(True)
    ok = all(re.search(stamp + w, got) for w in
             ("first line\r\n", "second half\r\n", "third\r\n"))
    report(ok and len(re.findall(stamp, got)) >= 3,
           "--timestamps: each line starts with the time, once",
           repr(got[-200:]))
    got = lines_from(False)
    report("first line\r\nsecond half\r\nthird" in got and
           not re.search(stamp, got), "no stamps without --timestamps",
           repr(got[-200:]))


def test_typing_notice():
    """Keys from a viewer reach the target, and every viewer is told who
    typed: once for a burst, not once a key."""
    m, s, b = pty_bridge()
    port = b.cport
    conns = []
    end = time.time() + TMO
    while len(conns) < 2 and time.time() < end:
        try:
            conns.append(socket.create_connection(("127.0.0.1", port), 1))
        except OSError:
            time.sleep(0.05)
    typist, watcher = conns
    watcher.setblocking(False)
    for ch in b"ls -l\r":
        typist.sendall(bytes([ch]))
        time.sleep(0.02)
    got, reached = b"", b""
    end = time.time() + TMO
    while (b"is typing" not in got or b"ls -l" not in reached) and \
            time.time() < end:
        if select.select([watcher], [], [], 0.05)[0]:
            got += watcher.recv(4096)
        if select.select([m], [], [], 0.05)[0]:
            reached += os.read(m, 4096)
    time.sleep(0.3)
    while select.select([watcher], [], [], 0.1)[0]:
        chunk = watcher.recv(4096)
        if not chunk:
            break
        got += chunk
    for c in conns:
        c.close()
    b.stop()
    os.close(m)
    os.close(s)
    report(b"ls -l" in reached and got.count(b"is typing into the target") == 1,
           "a viewer's keys reach the target and the others are told once",
           "target got %r, viewer saw %r" % (reached[-20:], got[-200:]))


test_hints()
test_timestamps()
test_typing_notice()
sys.exit(0 if all_passed() else 1)
