#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/integration/boards.py: board profiles (boards.conf) with the real
daemon: listing, clashes, bad files, running a board by name with its
options, the command line winning, its transcript and its control socket
(kgdb-bridge ctl BOARD). Prints "PASS: name" / "FAIL: name: why"."""
import datetime
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import tty

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from kbtest import all_passed, reporter  # noqa: E402


BRIDGE = sys.argv[1]
report = reporter('boards: ')
TMO = 10.0






def run(env, *args):
    return subprocess.run([BRIDGE] + list(args), capture_output=True,
                          text=True, timeout=TMO, env=env,
                          stdin=subprocess.DEVNULL)


def main():
    d = tempfile.mkdtemp(prefix="kb-boards-")
    env = dict(os.environ)
    env["XDG_RUNTIME_DIR"] = os.path.join(d, "run")
    env["XDG_STATE_HOME"] = os.path.join(d, "state")
    env["XDG_CONFIG_HOME"] = os.path.join(d, "config")
    env["HOME"] = d
    os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700)
    m, s = os.openpty()
    tty.setraw(s)
    conf = os.path.join(d, "config", "kgdb-bridge", "boards.conf")
    os.makedirs(os.path.dirname(conf))
    with open(conf, "w") as f:
        f.write("; lab boards\n"
                "[rpi4]\n"
                "target = %s\n"
                "gdb-port = 0\n"
                "console-port = 0\n"
                "timestamps = yes\n"
                "idle-timeout = 7\n"
                "\n"
                "[imx8]\n"
                "target = telnet:127.0.0.1:3001,921600\n"
                "log = none\n"
                % os.ttyname(s))

    r = run(env, "--list-boards")
    lines = r.stdout.splitlines()
    report(r.returncode == 0 and any(l.split()[:3] == ["rpi4", "0", "0"]
                                     for l in lines) and
           any(l.split()[:3] == ["imx8", "4443", "4442"] for l in lines),
           "--list-boards: the board's own ports (0: any free one), and "
           "4440+2i/4441+2i for the second", r.stdout + r.stderr)

    # Running a board by name: its target, options, log and socket.
    b = subprocess.Popen([BRIDGE, "-q", "--no-stdin", "rpi4"], env=env,
                         stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
    st = {}
    end = time.time() + TMO
    while time.time() < end and not st:
        c = run(env, "ctl", "rpi4", "status")
        try:
            st = json.loads(c.stdout)
        except ValueError:
            time.sleep(0.1)
    day = datetime.date.today().isoformat()
    log = os.path.join(d, "state", "kgdb-bridge", "rpi4-%s.log" % day)
    gp, cp = st.get("gdb_port", 0), st.get("console_port", 0)
    report(st.get("target") == os.ttyname(s) and gp > 0 and cp > 0 and
           gp != cp and st.get("ports") == {"gdb": gp, "console": cp},
           "'kgdb-bridge rpi4' runs the board on the ports port 0 got; "
           "'ctl rpi4 status' finds it and says which", repr(st)[:300])
    report(os.path.exists(log) and os.stat(log).st_mode & 0o777 == 0o600,
           "the board's transcript is %s, mode 0600" %
           "$XDG_STATE_HOME/kgdb-bridge/rpi4-DATE.log",
           repr(os.listdir(os.path.join(d, "state", "kgdb-bridge"))
                if os.path.isdir(os.path.join(d, "state", "kgdb-bridge"))
                else "no dir"))
    r = run(env, "--list-boards")
    report(any(l.split()[:4] == ["rpi4", "0", "0", "running"]
               for l in r.stdout.splitlines()),
           "--list-boards shows rpi4 running", r.stdout)
    # kgdb-tui BOARD finds the same bridge (in tmux: it needs a terminal).
    tui = os.path.join(os.path.dirname(BRIDGE), "kgdb-tui")
    sess = "kbboards%d" % os.getpid()
    subprocess.run(["tmux", "-L", sess, "new-session", "-d", "-x", "100",
                    "-y", "30", "env", "XDG_RUNTIME_DIR=" +
                    env["XDG_RUNTIME_DIR"], tui, "rpi4"], timeout=TMO)
    screen = ""
    end = time.time() + TMO
    while time.time() < end and os.ttyname(s) not in screen:
        time.sleep(0.3)
        screen = subprocess.run(["tmux", "-L", sess, "capture-pane", "-p"],
                                capture_output=True, text=True).stdout
    subprocess.run(["tmux", "-L", sess, "kill-server"],
                   capture_output=True)
    report(os.ttyname(s) in screen, "kgdb-tui rpi4 shows the board's bridge",
           screen[-400:])
    b.terminate()
    b.wait(TMO)

    # The command line wins over the board.
    b = subprocess.Popen([BRIDGE, "-q", "--no-stdin", "--gdb-port",
                          "off", "rpi4"], env=env,
                         stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
    st = {}
    end = time.time() + TMO
    while time.time() < end and not st:
        c = run(env, "ctl", "--target", "rpi4", "status")
        try:
            st = json.loads(c.stdout)
        except ValueError:
            time.sleep(0.1)
    report(st.get("gdb_port") == 0 and st.get("console_port", 0) > 0,
           "--gdb-port on the command line wins (off over the board's 0)",
           repr(st)[:200])
    b.terminate()
    b.wait(TMO)

    # Clashes are named; bad files say where.
    with open(conf, "a") as f:
        f.write("[imx93]\ntarget = /dev/ttyUSB7\nconsole-port = 4443\n")
    r = run(env, "imx93")
    report(r.returncode == 2 and "board 'imx8'" in r.stderr and
           "imx93" in r.stderr, "a clash names the other board", r.stderr)
    r = run(env, "nosuch")
    report(r.returncode == 2 and "no board 'nosuch'" in r.stderr and
           conf in r.stderr, "an unknown board names the files read",
           r.stderr)
    bad = os.path.join(d, "bad.conf")
    with open(bad, "w") as f:
        f.write("[x]\ntarget = /dev/null\nspeed = 9600\n")
    env2 = dict(env, KGDB_BRIDGE_BOARDS=bad)
    r = run(env2, "x")
    report(r.returncode == 2 and "%s:3: unknown key 'speed'" % bad in
           r.stderr, "a bad key names its file and line", r.stderr)
    with open(bad, "w") as f:
        f.write("[loop]\ntarget = loop\n")
    r = run(env2, "loop")
    report(r.returncode == 2 and "cannot name another" in r.stderr,
           "a board's target must be a path or kind:", r.stderr)
    os.close(m)
    os.close(s)
    subprocess.run(["rm", "-rf", d])
    return 0 if all_passed() else 1


sys.exit(main())
