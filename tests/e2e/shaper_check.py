#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Drive build/shaper between a fake target (a TCP server here) and a client,
and check what crosses it.  Prints PASS/FAIL lines.  usage: shaper_check.py SHAPER"""
import os, random, signal, socket, subprocess, sys, tempfile, time

SHAPER = sys.argv[1]
IAC, BRK, WILL, SB, SE = 255, 243, 251, 250, 240
tmp = tempfile.mkdtemp(prefix="shaper-check.")


def result(ok, name, why=""):
    print(("PASS: " if ok else "FAIL: ") + name + ("" if ok else ": " + why), flush=True)


def target_server():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    return s, s.getsockname()[1]


def start(port, *opts):
    pf = os.path.join(tmp, "port%d" % random.randrange(1 << 30))
    p = subprocess.Popen([SHAPER, "--listen", "tcp:127.0.0.1:0", "--upstream",
                          "tcp:127.0.0.1:%d" % port, "--port-file", pf] + list(opts),
                         stderr=subprocess.PIPE)
    for _ in range(100):
        if os.path.exists(pf) and open(pf).read().strip():
            return p, int(open(pf).read())
        time.sleep(0.05)
    raise SystemExit("shaper did not start")


def recv_n(sock, n, timeout=20):
    sock.settimeout(timeout)
    buf = b""
    while len(buf) < n:
        try:
            d = sock.recv(65536)
        except socket.timeout:
            break
        if not d:
            break
        buf += d
    return buf


def reconnect(p, lport, settle):
    """Restore a cut line (SIGUSR2) and connect a new client to it."""
    p.send_signal(signal.SIGUSR2)
    time.sleep(0.3)
    c = socket.create_connection(("127.0.0.1", lport))
    time.sleep(settle)
    return c


def session(opts, payload, up_payload=b"", timeout=10):
    srv, port = target_server()
    p, lport = start(port, *opts)
    c = socket.create_connection(("127.0.0.1", lport))
    t, _ = srv.accept()
    t.sendall(payload)
    got = recv_n(c, len(payload), timeout)
    if up_payload:
        c.sendall(up_payload)
    up = recv_n(t, len(up_payload), 10) if up_payload else b""
    c.close(); t.close(); srv.close()
    p.send_signal(signal.SIGTERM)
    err = p.communicate(timeout=10)[1].decode()
    return got, up, err


rnd = random.Random(7)
data = bytes(rnd.randrange(256) for _ in range(65536))

got, up, err = session([], data, data[:4096])
result(got == data and up == data[:4096], "shaper passes bytes unchanged",
       "%d/%d bytes differ" % (sum(a != b for a, b in zip(got, data)), len(data)))

got, up, err = session(["--ber", "0.01", "--seed", "3"], data)
flips = sum(bin(a ^ b).count("1") for a, b in zip(got, data))
result(len(got) == len(data) and 2000 < flips < 8500,
       "shaper flips bits at --ber 0.01", "len %d, %d bits flipped" % (len(got), flips))

got2, _, _ = session(["--ber", "0.01", "--seed", "3"], data)
result(got2 == got, "shaper errors repeat with the same seed", "runs differ")

got, _, err = session(["--drop", "0.1", "--seed", "5"], data[:20000], timeout=1)
result(14000 < len(got) < 20000 and "dropped" in err, "shaper drops bytes at --drop 0.1",
       "%d of 20000 arrived" % len(got))

# telnet: commands pass intact at a high error rate; 0xff data stays escaped.
chunk = bytes([IAC, WILL, 1, IAC, SB, 44, 1, 0, 0, IAC, SE]) + b"hello" + \
    bytes([IAC, IAC]) + bytes([IAC, BRK])
stream = chunk * 200
srv, port = target_server()
p, lport = start(port, "--telnet", "--ber", "0.05", "--seed", "9")
c = socket.create_connection(("127.0.0.1", lport))
t, _ = srv.accept()
t.sendall(stream)
c.sendall(bytes([IAC, BRK]) * 50 + b"x" * 100)
time.sleep(1)
c.settimeout(2)
got = b""
try:
    while True:
        d = c.recv(65536)
        if not d:
            break
        got += d
        if got.count(bytes([IAC, BRK])) >= 200 and len(got) > len(stream) - 1500:
            break
except socket.timeout:
    pass
t.settimeout(2)
upgot = recv_n(t, 150, 3)
c.close(); t.close(); srv.close()
p.send_signal(signal.SIGTERM); p.communicate(timeout=10)
i, cmds, datab, bad = 0, 0, 0, 0
while i < len(got):
    if got[i] == IAC:
        if i + 1 >= len(got):
            bad += 1; break
        n = got[i + 1]
        if n == IAC:
            datab += 1; i += 2; continue
        if n == BRK:
            cmds += 1; i += 2; continue
        if n == WILL:
            bad += got[i + 2] != 1; cmds += 1; i += 3; continue
        if n == SB:
            bad += got[i + 2:i + 8] != bytes([44, 1, 0, 0, IAC, SE]); cmds += 1; i += 8; continue
        bad += 1; i += 2
    else:
        datab += 1; i += 1
result(cmds == 600 and bad == 0 and datab == 1200 and upgot.count(bytes([IAC, BRK])) == 50,
       "shaper telnet: commands and BREAK pass intact, data escaped",
       "cmds %d/600 bad %d data %d/1200 up-breaks %d" % (cmds, bad, datab, upgot.count(bytes([IAC, BRK]))))

# cut and restore
srv, port = target_server()
p, lport = start(port)
c = socket.create_connection(("127.0.0.1", lport))
t, _ = srv.accept()
t.sendall(b"before")
ok1 = recv_n(c, 6, 5) == b"before"
p.send_signal(signal.SIGUSR1)
c.settimeout(5)
eof = c.recv(10) == b""
time.sleep(0.3)
try:
    socket.create_connection(("127.0.0.1", lport), timeout=2).close()
    refused = False
except OSError:
    refused = True
t.sendall(b"lost")
time.sleep(0.3)
c = reconnect(p, lport, 0.2)
t.sendall(b"after")
ok2 = recv_n(c, 5, 5) == b"after"
c.sendall(b"up!")
ok3 = recv_n(t, 3, 5) == b"up!"
c.close(); t.close(); srv.close()
p.send_signal(signal.SIGTERM); err = p.communicate(timeout=10)[1].decode()
result(ok1 and eof and refused and ok2 and ok3 and "cuts 1" in err,
       "shaper cut closes the client, refuses, restore accepts again",
       "before %s eof %s refused %s after %s up %s" % (ok1, eof, refused, ok2, ok3))

# telnet: a client after a cut hears the options the target gave the first
# one (QEMU negotiates once per connection of the shaper's, not per client).
DO = 253
hello = bytes([IAC, WILL, 1, IAC, WILL, 0, IAC, DO, 0])
srv, port = target_server()
p, lport = start(port, "--telnet")
c = socket.create_connection(("127.0.0.1", lport))
t, _ = srv.accept()
t.sendall(hello + b"boot")
first = recv_n(c, len(hello) + 4, 5)
p.send_signal(signal.SIGUSR1)
c.settimeout(5)
c.recv(100)
time.sleep(0.3)
c = reconnect(p, lport, 0.3)
t.sendall(b"after")
second = recv_n(c, len(hello) + 5, 5)
c.close(); t.close(); srv.close()
p.send_signal(signal.SIGTERM); p.communicate(timeout=10)
opts = set(second[i:i + 3] for i in range(0, len(second) - 2) if second[i] == IAC)
result(first == hello + b"boot" and second.endswith(b"after") and
       opts == {bytes([IAC, WILL, 1]), bytes([IAC, WILL, 0]), bytes([IAC, DO, 0])},
       "shaper telnet: a client after a cut gets the target's options",
       "first %r second %r" % (first, second))
