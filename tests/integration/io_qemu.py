#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/integration/io_qemu.py: the bridge's transports on a real kernel.

qemu-telnet: QEMU serves the UART as a telnet server (telnet=on), which
    turns IAC BRK into a BREAK on the emulated 8250. The bridge connects
    with telnet:, shows the console, and `ctl break` (BREAK then sysrq g)
    must land the kernel in kdb; typing "go" on a console client resumes it.
qemu-unix-restart: QEMU serves the UART on a Unix socket; QEMU is killed
    and started again on the same path (a lab machine restarted). The
    console client stays connected, sees "link down", "link up" and the
    new boot.

Generous timeouts (TCG on a shared machine); nothing is judged on speed.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import bridge_io as bio                           # noqa: E402
from kbtest import (Viewer, all_passed, pick_port,  # noqa: E402
                    reporter, use)

BRIDGE = os.path.abspath(sys.argv[1])
LAB = sys.argv[2]
BOOT_TMO = 180.0
bio.BRIDGE = BRIDGE
use(bridge=BRIDGE)      # bio.Bridge is kbtest's launcher
report = reporter("io_qemu: ")


def qemu(d, chardev, tag):
    log = open(os.path.join(d, "qemu-%s.log" % tag), "wb")
    cmdline = ("nokaslr console=ttyS0,115200 kgdboc=ttyS0,115200 "
               "lab.mode=idle lab.tick=1")
    return subprocess.Popen(
        ["qemu-system-x86_64", "-accel", "tcg", "-m", "256", "-smp", "1",
         "-no-reboot", "-nodefaults", "-display", "none", "-vga", "none",
         "-kernel", os.path.join(LAB, "bzImage"),
         "-initrd", os.path.join(LAB, "initramfs.cpio.gz"),
         "-append", cmdline, "-chardev", chardev,
         "-serial", "chardev:s0"],
        stdin=subprocess.DEVNULL, stdout=log, stderr=log,
        start_new_session=True)


def kill(p):
    if p is not None and p.poll() is None:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def wait_port(port, tmo=30):
    end = time.time() + tmo
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def test_telnet(d):
    # QEMU's telnet server with wait=off does not say which port it got,
    # so this one is guessed (pick_port); the bridge's it reports.
    port = pick_port()
    q = qemu(d, "socket,id=s0,host=127.0.0.1,port=%d,server=on,wait=off,"
             "telnet=on" % port, "telnet")
    b = c = None
    try:
        if not wait_port(port):
            report(False, "qemu-telnet: QEMU listens", "no port")
            return
        # Our own probe connection above made QEMU see a client come and
        # go; the bridge is the next one.
        b = bio.Bridge(d, "telnet:127.0.0.1:%d" % port,
                       "--vmlinux", os.path.join(LAB, "vmlinux"), name="qt")
        if not b.ready:
            report(False, "qemu-telnet: bridge up",
                   "no control socket; exit %r; %s" % (b.p.poll(),
                                                       b.stderr()))
            return
        c = Viewer(b.cport)
        ok = c.wait_for(b"lab: tick", tmo=BOOT_TMO)
        report(ok, "qemu-telnet: boot console through the bridge",
               repr(c.buf[-300:]) + b.stderr())
        if not ok:
            return
        report(b"Linux version" in c.buf or b"lab: init" in c.buf,
               "qemu-telnet: kernel messages on the console")
        st = b.cmd("break")
        report(st.get("ok") is True, "qemu-telnet: ctl break accepted",
               repr(st))
        ok = c.wait_for(b"kdb>", tmo=60)
        report(ok and b"Entering kdb" in c.buf,
               "qemu-telnet: IAC BRK + sysrq g enters kdb",
               repr(c.buf[-400:]))
        state = None
        end = time.time() + 20
        while time.time() < end:
            state = b.cmd("status").get("state")
            if state == "kdb":
                break
            time.sleep(0.2)
        report(state == "kdb", "qemu-telnet: status says kdb", repr(state))
        c.buf = b""
        c.s.sendall(b"go\n")
        ok = c.wait_for(b"lab: tick", tmo=60)
        report(ok, "qemu-telnet: 'go' typed on a console client resumes",
               repr(c.buf[-300:]))
    finally:
        if c:
            c.close()
        if b:
            b.stop()
        kill(q)


def test_unix_restart(d):
    path = os.path.join(d, "uart.sock")
    chardev = "socket,id=s0,path=%s,server=on,wait=off" % path
    q = qemu(d, chardev, "unix1")
    b = c = None
    try:
        end = time.time() + 30
        while not os.path.exists(path) and time.time() < end:
            time.sleep(0.1)
        b = bio.Bridge(d, "unix:" + path, name="qu")
        if not b.ready:
            report(False, "qemu-unix-restart: bridge up",
                   "no control socket; exit %r; %s" % (b.p.poll(),
                                                       b.stderr()))
            return
        c = Viewer(b.cport)
        ok = c.wait_for(b"lab: tick", tmo=BOOT_TMO)
        report(ok, "qemu-unix-restart: first boot on the console",
               repr(c.buf[-300:]) + b.stderr())
        if not ok:
            return
        kill(q)
        ok = c.wait_for(b"link down")
        report(ok and not c.eof, "qemu-unix-restart: QEMU gone: link down, "
               "client kept", repr(c.buf[-200:]))
        c.buf = b""
        q = qemu(d, chardev, "unix2")
        ok = c.wait_for(b"link up", tmo=60)
        report(ok, "qemu-unix-restart: QEMU back: link up",
               repr(c.buf[-200:]) + b.stderr())
        ok = c.wait_for(b"lab: tick", tmo=BOOT_TMO)
        report(ok and (b"Linux version" in c.buf or b"lab: init" in c.buf),
               "qemu-unix-restart: second boot on the same client",
               repr(c.buf[-300:]))
        st = b.cmd("status")
        report(st.get("link") == "up", "qemu-unix-restart: status link up",
               json.dumps(st))
    finally:
        if c:
            c.close()
        if b:
            b.stop()
        kill(q)


def main():
    d = tempfile.mkdtemp(prefix="io_qemu.")
    os.environ["XDG_RUNTIME_DIR"] = d
    try:
        test_telnet(d)
        test_unix_restart(d)
    finally:
        subprocess.run(["rm", "-rf", d])
    return 0 if all_passed() else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    sys.exit(main())
