# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/lib/kbtest.py: what the Python suites share (tests/lib/kbtest.sh
is its shell twin): PASS/FAIL lines; the ports a running kgdb-bridge or
faketarget bound on port 0; for programs that cannot report a port they
picked, a guessed free one; and the one launcher of the processes a
suite runs against: kgdb-bridge (Bridge), build/faketarget (FakeTarget)
or a kgdb written here (StubTarget), each with its own files in a
directory of the suite's (workdir), waited for until it serves, and
stopped at exit however the suite ends."""
import atexit
import json
import os
import random
import re
import resource
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
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


# ---- the fake target and the bridge, started and always stopped ----
#
# use(bridge=, fake=) names the binaries once. Every process started here
# is stopped, and every workdir() removed, when the suite exits however
# it exits (an exception, SIGTERM or SIGHUP included); KBTEST_KEEP=1 in
# the environment keeps the directories for a look afterwards.

TMO = 10.0
BRIDGE = None           # kgdb-bridge to run (use())
FAKE = None             # build/faketarget (use())
_procs = []
_dirs = []


def use(bridge=None, fake=None):
    """Name the kgdb-bridge and faketarget binaries the launchers run."""
    global BRIDGE, FAKE
    if bridge:
        BRIDGE = os.path.abspath(bridge)
    if fake:
        FAKE = os.path.abspath(fake)


def cleanup():
    """Stop every process the launchers started, remove every workdir
    (at exit by itself; a suite may call it sooner)."""
    for p in reversed(_procs):
        stop_proc(p, tmo=2)
    del _procs[:]
    if not os.environ.get("KBTEST_KEEP"):
        for d in _dirs:
            shutil.rmtree(d, ignore_errors=True)
    del _dirs[:]


def _on_signal(sig, _frame):
    sys.exit(128 + sig)     # SystemExit: the atexit cleanup runs


atexit.register(cleanup)
for _sig in (signal.SIGTERM, signal.SIGHUP):
    if signal.getsignal(_sig) == signal.SIG_DFL:
        signal.signal(_sig, _on_signal)


def workdir(prefix):
    """A new directory of this suite's own (kb-PREFIX-XXXX in $TMPDIR),
    removed at exit."""
    d = tempfile.mkdtemp(prefix="kb-%s-" % prefix)
    _dirs.append(d)
    return d


def unique(d, name, *suffixes):
    """NAME, or NAME-2, NAME-3...: the first stem for which no NAME+SUFFIX
    is in D yet, so two instances never share a socket or a log."""
    stem, n = name, 1
    while any(os.path.lexists(os.path.join(d, stem + s)) for s in suffixes):
        n += 1
        stem = "%s-%d" % (name, n)
    return stem


def spawn(args, errpath=None, **kw):
    """Popen ARGS, stdin and stdout /dev/null unless kw says otherwise,
    stderr appended to ERRPATH; stopped at exit if still running."""
    kw.setdefault("stdin", subprocess.DEVNULL)
    kw.setdefault("stdout", subprocess.DEVNULL)
    if errpath is not None:
        with open(errpath, "ab") as err:
            p = subprocess.Popen(args, stderr=err, **kw)
    else:
        p = subprocess.Popen(args, **kw)
    _procs.append(p)
    return p


def stop_proc(p, sig=signal.SIGTERM, tmo=TMO):
    """Signal P (SIG), reap it, SIGKILL it after TMO s; its exit status
    (None for no process)."""
    if p is None:
        return None
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(tmo)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if p in _procs:
        _procs.remove(p)
    return p.returncode


def wait_until(cond, tmo=TMO, step=0.05):
    """True once COND() is, polling every STEP s for up to TMO s."""
    end = time.monotonic() + tmo
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(step)
    return bool(cond())


def readfile(path):
    """PATH's text ("" when it cannot be read)."""
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def tcp_answers(port, host="127.0.0.1"):
    """Whether something accepts a TCP connection on PORT now (the probe
    is a connection: the listener sees one come and go)."""
    try:
        socket.create_connection((host, port), 0.5).close()
        return True
    except OSError:
        return False


def frame(payload):
    """One RSP packet: $PAYLOAD#checksum (PAYLOAD str or bytes)."""
    if isinstance(payload, str):
        payload = payload.encode()
    return b"$" + payload + b"#%02x" % (sum(payload) & 0xFF)


def take_packets(buf):
    """The payloads of the whole packets in bytearray BUF, which loses
    them and what came before them; a partial packet stays."""
    out = []
    while b"$" in buf:
        s = buf.index(b"$")
        h = buf.find(b"#", s)
        if h < 0 or len(buf) < h + 3:
            break
        out.append(bytes(buf[s + 1:h]))
        del buf[:h + 3]
    return out


class StubTarget:
    """A kgdb imitation written in Python, on a Unix socket: a thread
    accepts the bridge (once, or again after every loss with many=True),
    sends STOP (a payload) first if given, acks every packet with '+',
    replies ANSWER(packet) when that is not None, and keeps the packets
    (pkts) and every byte (raw). flood, when set, is sent over and over
    without waiting (console text the bridge must keep up with)."""

    def __init__(self, path, answer=None, stop=None, many=False):
        self.path = path
        self.target = "unix:" + path
        self.answer = answer or (lambda pkt: None)
        self.stop = stop
        self.many = many
        self.srv = socket.socket(socket.AF_UNIX)
        self.srv.bind(path)
        self.srv.listen(1)
        self.conn = None
        self.conns = []
        self.quit = False
        self.flood = None
        self.raw = bytearray()
        self.pkts = []
        self.ready = threading.Event()
        self.th = threading.Thread(target=self._run, daemon=True)
        self.th.start()

    def _run(self):
        self.srv.settimeout(0.2)
        while not self.quit:
            try:
                c, _ = self.srv.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.conn = c
            self.conns.append(c)
            self.ready.set()
            self._serve(c)
            if not self.many:
                return

    def _serve(self, c):
        buf = bytearray()
        try:
            if self.stop is not None:
                c.sendall(frame(self.stop))
            while not self.quit:
                r, _, _ = select.select([c], [], [], 0.05)
                if r:
                    d = c.recv(65536)
                    if not d:
                        return
                    self.raw += d
                    buf += d
                    for pkt in take_packets(buf):
                        self.pkts.append(pkt)
                        c.sendall(b"+")
                        reply = self.answer(pkt)
                        if reply is not None:
                            c.sendall(frame(reply))
                flood = self.flood
                if flood:
                    try:
                        c.send(flood, socket.MSG_DONTWAIT)
                    except BlockingIOError:
                        pass
        except (OSError, ValueError):
            return

    def send(self, data):
        self.conn.sendall(data)

    def vanish(self):
        """The target goes away: no more listening, every connection
        cut."""
        self.srv.close()
        for c in self.conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()

    def close(self):
        self.quit = True
        self.th.join(2)
        for c in self.conns:
            c.close()
        self.srv.close()


def kgdb_answers(pkt):
    """What a kgdb stopped at a breakpoint replies, for the packets the
    bridge sends on its own: '?' S05, qC QC01, g an x86-64 register block
    of zeros."""
    if pkt == b"?":
        return "S05"
    if pkt.startswith(b"qC"):
        return "QC01" if pkt == b"qC" else None
    if pkt == b"g":
        return "00" * 156
    return None


class FakeTarget:
    """build/faketarget (use(fake=)) on a Unix socket NAME.ft.sock in D,
    or with telnet=True on a TCP port it picks and prints; its log
    (what it received) in NAME.ft.log, its stderr in NAME.ft.err.
    target is the bridge's TARGET word for it."""

    def __init__(self, d, name, *args, telnet=False):
        self.log = os.path.join(d, name + ".ft.log")
        self.errpath = os.path.join(d, name + ".ft.err")
        if telnet:
            where = ["--tcp", "0", "--telnet"]     # it says which port
        else:
            self.sock = os.path.join(d, name + ".ft.sock")
            where = ["--unix", self.sock]
            self.target = "unix:" + self.sock
        # A socket and log left by an earlier fake of the same name would
        # make the wait below return before this one is listening.
        for f in (self.log, getattr(self, "sock", None)):
            if f is not None and os.path.exists(f):
                os.unlink(f)
        self.p = spawn([FAKE] + where + ["--log", self.log] + list(args),
                       self.errpath)
        wait_until(lambda: os.path.exists(self.log) and
                   (telnet or os.path.exists(self.sock)))
        if telnet:
            self.port = fake_tcp_port(self.errpath, TMO)
            self.target = "telnet:127.0.0.1:%d" % self.port
            wait_until(self.listening)

    def listening(self):
        if not tcp_answers(self.port):
            return False
        # That probe was a connection: the fake serves one at a time and
        # survives its loss, so wait for it to log it and go back.
        wait_until(lambda: "LINK lost" in self.text(), 2)
        return True

    def text(self):
        return readfile(self.log)

    def count(self, word):
        return sum(1 for l in self.text().splitlines() if l.startswith(word))

    def stop(self):
        return stop_proc(self.p)


class Bridge:
    """kgdb-bridge (use(bridge=)) on TARGET: -q --no-stdin, the gdb and
    console ports 0 (the kernel picks) or off, its control socket
    NAME.ctl in D (ctl=False: none), its stderr in NAME.err (NAME-2...
    when a bridge before it had NAME). With a control socket it waits until the
    daemon answers there (ready) and asks which ports it bound (gport,
    cport); check=True raises RuntimeError when it never does. pre goes
    before the command (setpriv, unshare...), nofile caps its descriptors,
    env replaces the environment; quarantine_mb shrinks ASan's freed-memory
    quarantine so that its RSS means memory in use."""

    def __init__(self, d, target, *extra, name="bridge", gdb=True,
                 console=True, ctl=True, verbose=True, check=False,
                 wait_ready=True, pre=None, env=None, nofile=None,
                 quarantine_mb=None):
        self.name = unique(d, name, ".ctl", ".err")
        self.ctl = os.path.join(d, self.name + ".ctl") if ctl else None
        self.errpath = os.path.join(d, self.name + ".err")
        self.gport = self.cport = 0
        args = [BRIDGE, "-q", "--no-stdin"] + (["-v"] if verbose else []) + \
            ["--gdb-port", "0" if gdb else "off",
             "--console-port", "0" if console else "off"]
        if ctl:
            args += ["--ctl", self.ctl]
        args += list(extra) + [target]
        if quarantine_mb is not None:
            env = dict(os.environ if env is None else env)
            env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + \
                ":quarantine_size_mb=%d" % quarantine_mb

        def limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
        kw = {"env": env}
        if nofile:
            kw["preexec_fn"] = limit
        self.p = spawn((pre or []) + args, self.errpath, **kw)
        self.ready = None
        if ctl and wait_ready:
            self.ready = self.wait_ready()
            if check and not self.ready:
                raise RuntimeError("no answer on %s: %s" %
                                   (self.ctl, self.stderr()[-300:]))

    def wait_ready(self):
        """Whether the daemon answered on its control socket (the loop
        runs, so every port listens by now) before exiting or TMO s;
        gport and cport are then the ports it bound."""
        def up():
            st = self.cmd("status")
            if "ports" not in st:
                return False
            self.gport = int(st["ports"]["gdb"])
            self.cport = int(st["ports"]["console"])
            return True
        return wait_until(lambda: self.p.poll() is not None or up()) and \
            self.p.poll() is None

    def cmd(self, req):
        """One control request's reply, as a dict ({} for none)."""
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(TMO)
                s.connect(self.ctl)
                s.sendall((req + "\n").encode())
                line = s.makefile("rb").readline()
            return json.loads(line)
        except (OSError, ValueError, TypeError):
            return {}

    def state(self):
        return self.cmd("status").get("state")

    def ctl_client(self, *words):
        """`kgdb-bridge ctl --ctl CTL WORDS...` (the client program, not
        a socket of ours): its one JSON reply, {} for none."""
        r = subprocess.run([BRIDGE, "ctl", "--ctl", self.ctl] + list(words),
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=TMO)
        try:
            return json.loads(r.stdout)
        except ValueError:
            return {}

    def stderr(self):
        return readfile(self.errpath)

    def wait_log(self, text, tmo=TMO):
        return wait_until(lambda: text in self.stderr(), tmo)

    def alive(self):
        return self.p.poll() is None

    def rss_kb(self):
        """Its resident memory in kB (0 when gone)."""
        try:
            with open("/proc/%d/status" % self.p.pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def stop(self, sig=signal.SIGTERM):
        return stop_proc(self.p, sig)


class Viewer:
    """A console client of the bridge on PORT: raw, or with telnet=True
    agreeing to what the server offers as telnet(1) does (DO ECHO, DO
    SGA, WILL SGA). rcvbuf shrinks its receive buffer (a slow reader).
    buf is everything it got, eof whether the bridge closed it."""

    def __init__(self, port, telnet=False, rcvbuf=None, host="127.0.0.1"):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.s = socket.socket(fam)
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.settimeout(TMO)
        self.s.connect((host, port))
        self.s.setblocking(False)
        self.telnet = telnet
        self.buf = b""
        self.eof = False
        if telnet:
            self.s.sendall(bytes([255, 253, 1, 255, 253, 3, 255, 251, 3]))

    def pump(self, tmo=0.1):
        r, _, _ = select.select([self.s], [], [], tmo)
        if not r:
            return
        try:
            d = self.s.recv(1 << 20)
        except BlockingIOError:
            return
        except OSError:
            self.eof = True
            return
        if not d:
            self.eof = True
        self.buf += d

    def wait_for(self, want, tmo=TMO):
        end = time.monotonic() + tmo
        while want not in self.buf and not self.eof and \
                time.monotonic() < end:
            self.pump()
        return want in self.buf

    def wait_len(self, n, tmo=TMO):
        end = time.monotonic() + tmo
        while len(self.buf) < n and not self.eof and time.monotonic() < end:
            self.pump()
        return len(self.buf) >= n

    def settle(self, secs):
        end = time.monotonic() + secs
        while time.monotonic() < end:
            self.pump()

    def text(self):
        return self.buf.decode(errors="replace")

    def close(self):
        self.s.close()
