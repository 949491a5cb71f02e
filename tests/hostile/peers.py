#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/hostile/peers.py: clients that misbehave, against the real daemon.

Each case starts kgdb-bridge on a fake target (a Unix socket this script
serves), attacks one port the way a broken or hostile peer would, and
checks that the bridge stays bounded and keeps serving everyone else.
Memory bounds are generous on purpose: they tell a cap from no cap
(the old code grew to hundreds of MB), not a tuned figure.
Prints "PASS: name" / "FAIL: name: why" per case.
"""
import os
import select
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import kbtest  # noqa: E402
from kbtest import (TMO, StubTarget, all_passed, frame,  # noqa: E402
                    kgdb_answers, reporter, tcp_answers, use, wait_until,
                    workdir)

BRIDGE = sys.argv[1]
use(bridge=BRIDGE)
report = reporter('')
RSS_MAX_KB = 64 * 1024


def Bridge(d, target, *extra, nofile=None, wait=True):
    """The daemon, both ports 0, -v; with wait, once its gdb port takes
    a connection. Under ASan freed memory sits in a quarantine of up to
    256 MB, which would read as growth: it is kept small so that RSS
    means memory."""
    b = kbtest.Bridge(d, target, *extra, nofile=nofile, wait_ready=wait,
                      check=True, quarantine_mb=4)
    if wait and not wait_until(lambda: tcp_answers(b.gport)):
        raise RuntimeError("bridge did not listen on %d" % b.gport)
    return b


def gdb_connect(port):
    s = socket.create_connection(("127.0.0.1", port), TMO)
    s.setblocking(False)
    return s


def read_until(s, want, tmo=TMO):
    buf = b""
    end = time.time() + tmo
    while want not in buf and time.time() < end:
        r, _, _ = select.select([s], [], [], 0.1)
        if r:
            try:
                d = s.recv(65536)
            except ConnectionResetError:
                break
            if not d:
                break
            buf += d
    return buf


def closed_by_peer(s, tmo=TMO):
    end = time.time() + tmo
    while time.time() < end:
        r, _, _ = select.select([s], [], [], 0.1)
        if r:
            try:
                if not s.recv(65536):
                    return True
            except ConnectionResetError:
                return True
    return False


def console_hello(port):
    try:
        s = socket.create_connection(("127.0.0.1", port), 2)
    except OSError:
        return False
    s.setblocking(False)
    ok = b"console of" in read_until(s, b"console of", 3)
    s.close()
    return ok


def case(fn, stopped=True):
    def run():
        d = workdir("hostile")
        t = StubTarget(os.path.join(d, "target"), kgdb_answers,
                       stop="T05thread:01;" if stopped else None)
        try:
            fn(d, t)
        except Exception as e:  # a broken case is a failure, never a skip
            report(False, fn.__name__, "exception %r" % (e,))
        finally:
            t.close()
    return run


@case
def pipeline_no_read(d, t):
    """gdb pipelines requests the bridge answers itself and never reads:
    the bridge stops reading it (TCP pushes back) instead of growing."""
    b = Bridge(d, t.target)
    g = gdb_connect(b.gport)
    req = frame("qXfer:features:read:target.xml:0,7fe")
    # Send until TCP pushes back for a whole second (the bridge stopped
    # reading), or 6 s at most.
    sent, blocked_since, end = 0, None, time.time() + 6
    while time.time() < end:
        try:
            sent += g.send(req * 64)
            blocked_since = None
        except BlockingIOError:
            blocked_since = blocked_since or time.time()
            if time.time() - blocked_since > 1:
                break
            time.sleep(0.01)
    pushed_back = blocked_since is not None
    rss = b.rss_kb()
    # The replies that came are the right ones, in order.
    got = read_until(g, b"never", 1)
    g.close()
    # Cut off mid-stream, the bridge serves the next gdb.
    g2 = gdb_connect(b.gport)
    g2.send(frame("qAttached"))
    more = read_until(g2, b"$1#31", TMO)
    err = b.stderr()
    alive = b.alive()
    b.stop()
    g2.close()
    ok = alive and pushed_back and rss < RSS_MAX_KB and \
        b"$1#31" in more and got.startswith(b"+$") and \
        (b"l<?xml" in got[:4096] or b"m<?xml" in got[:4096])
    report(ok, "pipeline_no_read",
           "alive %s, pushed back %s, sent %d B, RSS %d kB, replies %d B, "
           "tail %r, log %s" % (alive, pushed_back, sent, rss, len(got),
                                more[-40:], err[-300:]))


@case
def o_flood_no_read(d, t):
    """Console text as O packets to a resumed gdb that never reads: the
    gdb is dropped at its cap, the bridge stays small and serving."""
    b = Bridge(d, t.target)
    g = gdb_connect(b.gport)
    g.send(frame("qSupported"))
    read_until(g, b"PacketSize", TMO)
    g.send(b"+" + frame("c"))
    time.sleep(0.3)
    t.flood = frame("O" + "41" * 200) * 20
    dropped = False
    end = time.time() + TMO
    while time.time() < end and not dropped:
        dropped = "does not read" in b.stderr()
        time.sleep(0.1)
    t.flood = None
    rss = b.rss_kb()
    served = console_hello(b.cport)
    alive = b.alive()
    err = b.stderr()
    b.stop()
    g.close()
    report(alive and dropped and served and rss < RSS_MAX_KB,
           "o_flood_no_read", "alive %s dropped %s console %s RSS %d kB; %s"
           % (alive, dropped, served, rss, err[-300:]))


@case
def telnet_do_flood(d, t):
    """IAC DO x for every option, over and over, never reading: each
    option is refused once, and the viewer's output stays capped."""
    b = Bridge(d, t.target)
    v = socket.create_connection(("127.0.0.1", b.cport), TMO)
    v.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    v.setblocking(False)
    blob = b"".join(bytes([255, 253, o]) for o in range(256))
    end = time.time() + 3
    while time.time() < end:
        try:
            v.send(blob * 16)
        except BlockingIOError:
            time.sleep(0.01)
    rss = b.rss_kb()
    got = read_until(v, b"never", 1.5)
    wonts = got.count(bytes([255, 252]))
    served = console_hello(b.cport)
    alive = b.alive()
    b.stop()
    v.close()
    # 253 options are refused (ECHO, SGA, BINARY are accepted), once each.
    report(alive and served and rss < RSS_MAX_KB and wonts == 253,
           "telnet_do_flood", "alive %s console %s RSS %d kB, %d WONTs"
           % (alive, served, rss, wonts))


def telnet_ip_flood(d, t):
    """40 KB of IAC IP (each a break-in request) makes a bounded number
    of attempts and notices, not one per request."""
    b = Bridge(d, t.target)
    v = socket.create_connection(("127.0.0.1", b.cport), TMO)
    v.setblocking(False)
    v.sendall(bytes([255, 244]) * 20480)
    got = read_until(v, b"never", 2.5)
    notices = got.count(b"break-in")
    alive = b.alive()
    b.stop()
    v.close()
    report(alive and 1 <= notices <= 5, "telnet_ip_flood",
           "alive %s, %d break-in lines" % (alive, notices))


telnet_ip_flood = case(telnet_ip_flood, stopped=False)


@case
def idle_gdb(d, t):
    """A connection that never speaks neither holds the target against a
    real gdb nor stays open past --idle-timeout."""
    b = Bridge(d, t.target, "--idle-timeout", "2")
    idle = gdb_connect(b.gport)
    time.sleep(0.3)
    g = gdb_connect(b.gport)
    g.send(frame("qSupported"))
    hello = read_until(g, b"PacketSize", TMO)
    replaced = closed_by_peer(idle, 3)
    idle2 = gdb_connect(b.gport)
    timed_out = closed_by_peer(idle2, 6)
    g.send(b"+" + frame("qAttached"))
    still = read_until(g, b"$1#31", TMO)
    err = b.stderr()
    b.stop()
    for s in (idle, g, idle2):
        s.close()
    report(b"PacketSize" in hello and replaced and b"$1#31" in still,
           "idle_gdb_replaced", "hello %r replaced %s; %s" %
           (hello[-60:], replaced, err[-300:]))
    report(timed_out and "idle-timeout" in err, "idle_gdb_timeout",
           "closed %s; %s" % (timed_out, err[-300:]))


@case
def gdb_port_cap(d, t):
    """More connections than the gdb port takes: the extra ones are told
    why and closed; the bridge keeps its descriptors."""
    b = Bridge(d, t.target)
    first = gdb_connect(b.gport)
    first.send(frame("qSupported"))
    read_until(first, b"PacketSize", TMO)
    conns = [first] + [gdb_connect(b.gport) for _ in range(11)]
    told = sum(1 for s in conns[8:]
               if b"too many connections" in read_until(s, b"#", 3))
    alive = b.alive()
    b.stop()
    for s in conns:
        s.close()
    report(alive and told == 4, "gdb_port_cap",
           "alive %s, %d of 4 extra told" % (alive, told))


@case
def emfile_backoff(d, t):
    """Descriptors run out: the listener pauses and says so once, instead
    of spinning on accept(); once some close, it serves again."""
    b = Bridge(d, t.target, nofile=40)
    held = []
    for _ in range(80):
        try:
            s = socket.create_connection(("127.0.0.1", b.cport), 3)
            held.append(s)
        except OSError:
            break
    time.sleep(2)
    err = b.stderr()
    spins = err.count("accept")
    for s in held:
        s.close()
    served = False
    end = time.time() + TMO
    while not served and time.time() < end:
        served = console_hello(b.cport)
    alive = b.alive()
    b.stop()
    report(alive and served and 1 <= spins <= 3 and len(held) >= 40,
           "emfile_backoff", "alive %s served %s, %d accept lines, %d held"
           % (alive, served, spins, len(held)))


def read_only_viewers(d, t):
    """--read-only-viewers: a viewer's keys and break requests never reach
    the target; the viewer is told why."""
    b = Bridge(d, t.target, "--read-only-viewers")
    v = socket.create_connection(("127.0.0.1", b.cport), TMO)
    v.setblocking(False)
    read_until(v, b"console of", TMO)
    v.sendall(b"echo pwned\r" + bytes([255, 244]))
    got = read_until(v, b"read-only", TMO)
    time.sleep(0.5)
    err = b.stderr()
    alive = b.alive()
    b.stop()
    v.close()
    report(alive and b"read-only" in got and b"pwned" not in t.raw and
           "breaking in" not in err, "read_only_viewers",
           "alive %s, told %r, target got %r" % (alive, got[-80:],
                                                 bytes(t.raw[-40:])))


read_only_viewers = case(read_only_viewers, stopped=False)


def unix_sockets(d, t):
    """--gdb-socket and --console-socket: real gdb attaches with 'target
    remote PATH'; both sockets are 0600; unsafe places are refused."""
    gs, cs = os.path.join(d, "gdb.sock"), os.path.join(d, "con.sock")
    b = Bridge(d, t.target, "--gdb-socket", gs, "--console-socket", cs,
               wait=False)
    end = time.time() + TMO
    while not (os.path.exists(gs) and os.path.exists(cs)) and \
            time.time() < end:
        time.sleep(0.05)
    modes = [oct(os.stat(p).st_mode & 0o777) for p in (gs, cs)
             if os.path.exists(p)]
    gdb = subprocess.run(["gdb", "-nx", "-batch", "-ex",
                          "set architecture i386:x86-64", "-ex",
                          "target remote " + gs, "-ex", "info registers rip",
                          "-ex", "detach"], capture_output=True, text=True,
                         timeout=60)
    v = socket.socket(socket.AF_UNIX)
    v.connect(cs)
    v.setblocking(False)
    hello = read_until(v, b"console of", TMO)
    v.close()
    alive = b.alive()
    b.stop()
    gone = not os.path.exists(gs) and not os.path.exists(cs)
    report(alive and modes == ["0o600", "0o600"] and "rip" in gdb.stdout
           and b"console of" in hello and gone, "unix_sockets",
           "alive %s modes %s gdb %r console %r removed %s" %
           (alive, modes, (gdb.stdout + gdb.stderr)[-200:], hello[-40:],
            gone))
    # A world-writable directory, and a file that is not a socket.
    bad = os.path.join(d, "open")
    os.mkdir(bad)
    os.chmod(bad, 0o777)
    notsock = os.path.join(d, "notes.txt")
    with open(notsock, "w") as f:
        f.write("keep me\n")
    for path, want in ((os.path.join(bad, "g.sock"), "writable by others"),
                       (notsock, "not a socket")):
        r = subprocess.run([BRIDGE, "-q", "--no-stdin", "--gdb-port", "off",
                            "--console-port", "off", "--ctl",
                            os.path.join(d, "ctl2"), "--gdb-socket", path,
                            t.target], capture_output=True,
                           text=True, timeout=30)
        with open(notsock) as f:
            kept = f.read() == "keep me\n"
        report(r.returncode != 0 and want in r.stderr and kept,
               "unix_socket_refused: " + want,
               "rc %d, %r" % (r.returncode, r.stderr[-200:]))


unix_sockets = case(unix_sockets)


for c in (pipeline_no_read, o_flood_no_read, telnet_do_flood,
          telnet_ip_flood, idle_gdb, gdb_port_cap, emfile_backoff,
          read_only_viewers, unix_sockets):
    c()
sys.exit(0 if all_passed() else 1)
