#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/bench/many.bench.sh: one lab host, many boards. Starts
# BENCH_BRIDGES (32) bridges, each on a board profile whose target is a pty
# of its own that prints a console line every BENCH_TICK_S (10) seconds,
# lets them settle, then measures over BENCH_SECS (30) seconds: resident
# memory (each and in all), CPU time, and wake-ups (context switches).
# Never part of `make check` (numbers, not verdicts).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
exec python3 - "$BUILD/kgdb-bridge" <<'PYEOF'
import os, sys, time, tty, tempfile, subprocess, random, socket
bin = sys.argv[1]
N = int(os.environ.get("BENCH_BRIDGES", "32"))
SECS = float(os.environ.get("BENCH_SECS", "30"))
TICK = float(os.environ.get("BENCH_TICK_S", "10"))
d = tempfile.mkdtemp(prefix="kb-many-")
env = dict(os.environ, XDG_RUNTIME_DIR=d, XDG_STATE_HOME=d,
           KGDB_BRIDGE_BOARDS=os.path.join(d, "boards.conf"), HOME=d)
ptys = []
with open(env["KGDB_BRIDGE_BOARDS"], "w") as f:
    base = random.randint(12000, 20000) & ~1
    for i in range(N):
        m, s = os.openpty(); tty.setraw(s)
        ptys.append((m, s))
        f.write("[b%d]\ntarget = %s\ngdb-port = %d\nconsole-port = %d\n"
                "log = none\n\n" % (i, os.ttyname(s), base + 2 * i + 1,
                                    base + 2 * i))
procs = [subprocess.Popen([bin, "-q", "--no-stdin", "b%d" % i], env=env,
                          stdin=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL) for i in range(N)]
time.sleep(3)
def stat(p):
    with open("/proc/%d/stat" % p.pid) as f:
        v = f.read().rsplit(")", 1)[1].split()
    ticks = int(v[11]) + int(v[12])
    rss = sw = 0
    with open("/proc/%d/status" % p.pid) as f:
        for l in f:
            if l.startswith("VmRSS:"):
                rss = int(l.split()[1])
            elif "ctxt_switches" in l:
                sw += int(l.split()[1])
    return ticks, rss, sw
alive = [p for p in procs if p.poll() is None]
before = [stat(p) for p in alive]
t0 = time.time(); nxt = t0
while time.time() - t0 < SECS:
    if time.time() >= nxt:
        for m, _ in ptys:
            os.write(m, b"[ tick ] console line from the board\r\n")
        nxt += TICK
    time.sleep(0.2)
after = [stat(p) for p in alive]
hz = os.sysconf("SC_CLK_TCK")
rss = [a[1] for a in after]
cpu_ms = sum(a[0] - b[0] for a, b in zip(after, before)) * 1000 / hz
wake = sum(a[2] - b[2] for a, b in zip(after, before))
print("bridges running: %d of %d" % (len(alive), N))
print("resident memory: %d KiB in all, %d KiB each (min %d, max %d)"
      % (sum(rss), sum(rss) // max(1, len(rss)), min(rss), max(rss)))
print("over %.0f s, a console line every %.0f s per board: CPU %.0f ms in "
      "all (%.2f%% of one core), %d wake-ups in all (%.1f/s per bridge)"
      % (SECS, TICK, cpu_ms, cpu_ms / (SECS * 10), wake,
         wake / SECS / max(1, len(alive))))
for p in procs:
    p.terminate()
for p in procs:
    p.wait(10)
subprocess.run(["rm", "-rf", d])
sys.exit(0 if len(alive) == N else 1)
PYEOF
