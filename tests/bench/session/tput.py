#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Console throughput through kgdb-bridge (tests/bench/session.bench.sh).

Plays a target on a Unix socket: once the bridge has connected and the
console clients are in, it sends MB megabytes of console text (lines like a
busy printk, no '$'), then an end line.  Each of CLIENTS raw TCP clients on
the bridge's console port reads until it has seen the end line.  Prints one
line: the MB/s each client received (the slowest), over the time from the
first byte sent to the last client's end line.
"""
import argparse
import os
import socket
import sys
import threading
import time

END = b"bench: end of flood\r\n"


def client(port, results, idx, ready):
    s = socket.create_connection(("127.0.0.1", port))
    ready.release()
    got = 0
    tail = b""
    while True:
        b = s.recv(1 << 20)
        if not b:
            break
        got += len(b)
        tail = (tail + b)[-64:]
        if END in tail:
            break
    results[idx] = (time.monotonic(), got)
    s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--serve", required=True)
    ap.add_argument("--mb", type=int, default=256)
    ap.add_argument("--clients", type=int, default=3)
    ap.add_argument("--port-file", required=True)
    a = ap.parse_args()

    try:
        os.unlink(a.serve)
    except FileNotFoundError:
        pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(a.serve)
    srv.listen(1)
    srv.settimeout(30)
    conn, _ = srv.accept()
    conn.settimeout(None)
    # Drain whatever the bridge writes to the target.
    threading.Thread(target=lambda: [None for _ in iter(
        lambda: conn.recv(4096), b"")], daemon=True).start()
    port = None
    for _ in range(100):
        try:
            port = int(open(a.port_file).read().strip())
            break
        except (OSError, ValueError):
            time.sleep(0.1)
    if port is None:
        print("no console port", file=sys.stderr)
        return 1
    results = [None] * a.clients
    ready = threading.Semaphore(0)
    ts = [threading.Thread(target=client, args=(port, results, i, ready))
          for i in range(a.clients)]
    for t in ts:
        t.start()
    for _ in ts:
        ready.acquire()
    time.sleep(0.5)
    line = b"[  123.456789] bench: console flood line, plain printk text " \
           b"0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOP\r\n"
    block = line * ((1 << 20) // len(line))
    total = a.mb * (1 << 20)
    sent = 0
    t0 = time.monotonic()
    while sent < total:
        conn.sendall(block)
        sent += len(block)
    conn.sendall(END)
    sent += len(END)
    for t in ts:
        t.join(300)
    done = [r for r in results if r is not None]
    if len(done) < a.clients:
        print("only %d of %d clients saw the end" % (len(done), a.clients))
        return 1
    worst = max(r[0] for r in done) - t0
    got = min(r[1] for r in done)
    print("%.0f MB/s per client (%d clients, %d MB each in %.2f s)" % (
        got / worst / 1e6, a.clients, got >> 20, worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
