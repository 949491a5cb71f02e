#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/bench/ber_best.py: the best a noisy line allows, from a clean trace.

Reads the bridge's --trace of one clean gdb session (the first one in the
file) and, for a bit error rate BER on both directions, prints what that
session's line time could be at best: every wire round trip (request,
reply and the two acks, N characters of 8 bits each) goes through whole
with probability P = (1 - BER)^(8 N), so it costs its clean time divided
by P on average, even if a failure were noticed at no cost at all. With
--copies 2, reads ('m', 'g', 'p') need two whole round trips, as the
bridge asks for when the line corrupts frames. The time the bridge and
gdb spend between round trips is added unchanged.

Usage: ber_best.py TRACE BER [GDB_SECONDS]
GDB_SECONDS (gdb's own start-up and symbol work, measured as the clean
session's wall time minus its line time) turns line times into whole
session ratios.
"""
import sys


def rows_of(path):
    rows = []
    with open(path, errors="replace") as f:
        for line in f:
            p = line.rstrip("\n").split(" ", 4)
            if len(p) < 4 or not p[3].startswith("len="):
                continue
            rows.append((float(p[1]), p[2], int(p[3][4:]),
                         p[4] if len(p) > 4 else ""))
    return rows


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    rows = rows_of(sys.argv[1])
    ber = float(sys.argv[2])
    gdb_s = float(sys.argv[3]) if len(sys.argv) > 3 else None
    starts = [i for i, r in enumerate(rows)
              if r[1] == "g" and r[3].startswith("$qSupported")]
    if not starts:
        sys.exit("ber_best: no gdb session in the trace")
    a = starts[0]
    b = starts[1] if len(starts) > 1 else len(rows)
    wire = once = twice = 0.0
    i = a
    while i < b:
        t, d, n, rest = rows[i]
        if d == ">" and n > 1 and rest.startswith("$"):
            j = i + 1
            while j < b and not (rows[j][1] == "<" and
                                 rows[j][3].startswith("$")):
                j += 1
            if j >= b:
                break
            chars = n + rows[j][2] + 2
            dt = max(rows[j][0] - t, chars * 10 / 115200)
            p = (1 - ber) ** (8 * chars)
            copies = 2 if rest[1:2] in ("m", "g", "p") else 1
            wire += dt
            once += dt / p
            twice += dt * copies / p
            i = j
        i += 1
    span = rows[b - 1][0] - rows[a][0]
    rest = span - wire
    print("clean line time %.2f s (round trips %.2f s, between them %.2f s)"
          % (span, wire, rest))
    for what, v in (("one copy", once), ("two copies of reads", twice)):
        line = rest + v
        msg = "best at BER %g, %s: line %.2f s (%.2fx)" % (
            ber, what, line, line / span)
        if gdb_s is not None:
            msg += ", session %.2f s (%.2fx)" % (
                gdb_s + line, (gdb_s + line) / (gdb_s + span))
        print(msg)


if __name__ == "__main__":
    main()
