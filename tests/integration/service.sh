#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/service.sh: kgdb-bridge as a lab service.
#  - the systemd unit that `make install` writes passes systemd-analyze
#    verify without a word (and a broken copy does not: the check bites);
#  - the daemon says READY=1 on $NOTIFY_SOCKET once its ports listen;
#  - SIGHUP reopens the transcript (logrotate) and the bridge goes on;
#  - the udev rule parses: udevadm test, in a private mount namespace so
#    the host's rules are untouched (no USB adapter here, so the latency
#    timer line itself cannot fire; hw-tests/README.md says how to check
#    it on a lab host).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
bin=$BUILD/kgdb-bridge
for tool in "$bin" systemd-analyze udevadm unshare python3; do
	if ! command -v "$tool" >/dev/null; then
		echo "FAIL: service: $tool is missing (scripts/deps.sh installs it)"
		exit 1
	fi
done
T=$(mktemp -d /tmp/kb-service.XXXXXX)
trap 'rm -rf "$T"' EXIT
KB_PREFIX="service: "
. tests/lib/kbtest.sh	# pass, fail; KB_FAILS counts

# 1. The unit.
make --no-print-directory -s BUILD="$BUILD" install DESTDIR="$T/root" \
    PREFIX=/usr BINDIR="$PWD/$BUILD" >"$T/install.out" 2>&1 ||
	fail "make install" "$(tail -3 "$T/install.out")"
unit=$T/root/usr/lib/systemd/system/kgdb-bridge@.service
mkdir -p "$T/units"
cp "$unit" "$T/units/" 2>/dev/null
out=$(cd "$T/units" && systemd-analyze verify --man=no kgdb-bridge@rpi4.service 2>&1)
rc=$?
if [ $rc -eq 0 ] && [ -z "$out" ]; then
	pass "systemd-analyze verify is silent on kgdb-bridge@.service"
else
	fail "systemd-analyze verify" "rc $rc: $out"
fi
sed 's/^Type=notify/Type=notfy/' "$unit" >"$T/units/kgdb-bridge@.service"
out=$(cd "$T/units" && systemd-analyze verify --man=no kgdb-bridge@rpi4.service 2>&1)
if [ -n "$out" ]; then
	pass "a broken unit is reported (the check can fail)"
else
	fail "broken unit" "systemd-analyze said nothing"
fi
grep -q "^ExecStart=$PWD/$BUILD/kgdb-bridge --quiet --no-stdin %i" "$unit" &&
	grep -q '^Type=notify' "$unit" && grep -q '^DynamicUser=yes' "$unit" &&
	grep -q '^ProtectSystem=strict' "$unit" && grep -q '^Restart=on-failure' "$unit" &&
	pass "the unit runs the board headless, notify, restarts, hardened" ||
	fail "unit contents" "$(grep -E '^(ExecStart|Type|DynamicUser|ProtectSystem|Restart)=' "$unit")"

# A missing library is named with its package, not left to the linker.
out=$(PKG_CONFIG_LIBDIR=/nonexistent make --no-print-directory -s depcheck 2>&1)
rc=$?
if [ $rc -ne 0 ] && echo "$out" | grep -q 'install libevent-dev'; then
	pass "a missing build dependency is named: $(echo "$out" | head -1)"
else
	fail "depcheck" "rc $rc: $out"
fi

# 2 and 3: readiness and SIGHUP, with a pty for a target.
python3 - "$bin" "$T" <<'PYEOF' || KB_FAILS=$((KB_FAILS + 1))
import os, socket, subprocess, sys, time, tty, random
bin, T = sys.argv[1], sys.argv[2]
sys.path.insert(0, "tests/lib")
from kbtest import bridge_ports
ok = True
def check(cond, name, why):
    global ok
    print(("PASS: service: %s" % name) if cond else
          ("FAIL: service: %s: %s" % (name, why)), flush=True)
    ok = ok and cond
m, s = os.openpty(); tty.setraw(s)
ns = os.path.join(T, "notify"); log = os.path.join(T, "board.log")
srv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); srv.bind(ns)
srv.settimeout(10)
env = dict(os.environ, NOTIFY_SOCKET=ns)
b = subprocess.Popen([bin, "-q", "--no-stdin", "--gdb-port", "0",
                      "--console-port", "off", "--ctl",
                      os.path.join(T, "ctl"), "--log", log, os.ttyname(s)],
                     env=env, stdin=subprocess.DEVNULL,
                     stderr=open(os.path.join(T, "err"), "w"))
try:
    msg = srv.recv(100)
except socket.timeout:
    msg = b""
listening = False
try:
    gp = bridge_ports(os.path.join(T, "ctl"))[0]
    socket.create_connection(("127.0.0.1", gp), 2).close(); listening = True
except (OSError, RuntimeError):
    pass
check(msg == b"READY=1" and listening, "READY=1 on NOTIFY_SOCKET once the "
      "gdb port listens", "got %r, listening %s" % (msg, listening))
os.write(m, b"before rotation\r\n"); time.sleep(0.5)
os.rename(log, log + ".1")
b.send_signal(1)
time.sleep(0.5)
os.write(m, b"after rotation\r\n")
end = time.time() + 10
while time.time() < end and not (os.path.exists(log) and
                                  b"after rotation" in open(log, "rb").read()):
    time.sleep(0.1)
old = open(log + ".1", "rb").read()
new = open(log, "rb").read() if os.path.exists(log) else b""
alive = b.poll() is None
check(alive and b"before rotation" in old and b"after rotation" not in old
      and b"after rotation" in new and os.stat(log).st_mode & 0o777 == 0o600,
      "SIGHUP reopens the transcript; the bridge goes on",
      "alive %s old %r new %r" % (alive, old[-60:], new[-60:]))
b.terminate(); b.wait(10)
sys.exit(0 if ok else 1)
PYEOF

# 4. The udev rule, in a namespace of our own.
out=$(unshare -m sh -c '
	mkdir -p /run/udev/rules.d &&
	    mount -t tmpfs tmpfs /run/udev/rules.d || exit 9
	cp "$1" /run/udev/rules.d/ && udevadm test --action=add /sys/class/tty/tty0 2>&1
	printf "ACTION==\"add\", GRUOP=\"x\"\n" >/run/udev/rules.d/61-broken.rules
	udevadm test --action=add /sys/class/tty/tty0 2>&1 | grep 61-broken
' sh "$PWD/dist/60-kgdb-bridge.rules")
if echo "$out" | grep -q 'Reading rules file: /run/udev/rules.d/60-kgdb-bridge.rules' &&
    ! echo "$out" | grep '60-kgdb-bridge.rules:' | grep -q . &&
    echo "$out" | grep -q "61-broken.rules:1 Invalid key"; then
	pass "udevadm test reads 60-kgdb-bridge.rules without an error (and flags a broken one)"
else
	fail "udev rule" "$(echo "$out" | grep -i -E 'kgdb|broken|invalid|error' | head -5)"
fi
[ $KB_FAILS -eq 0 ]
