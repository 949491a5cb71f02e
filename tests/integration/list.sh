#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/list.sh: kgdb-bridge --list names this host's serial
# ports with their driver and who holds each open. (The VM has one UART,
# ttyS0; it is opened read-only here and never configured.)
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
bin=$BUILD/kgdb-bridge
if [ ! -x "$bin" ]; then
	echo "FAIL: list: no $bin"
	exit 1
fi
port=$(ls /dev/ttyS0 /dev/ttyUSB0 /dev/ttyAMA0 2>/dev/null | head -1)
if [ -z "$port" ]; then
	echo "FAIL: list: no serial port on this host to list"
	exit 1
fi
KB_PREFIX="list: "
. tests/lib/kbtest.sh	# pass, fail; KB_FAILS counts
# A holder of our own, whose descriptor nobody else inherits.
python3 -c 'import os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
time.sleep(30)' "$port" &
holder=$!
# Wait until it has the port open (a loaded machine may take seconds to
# start python), so the listing below can only miss a holder it should
# see.
for _ in $(seq 100); do
	ls -l /proc/$holder/fd 2>/dev/null | grep -q -- "-> $port\$" && break
	sleep 0.1
done
out=$("$bin" --list 2>&1)
rc=$?
kill $holder 2>/dev/null
wait $holder 2>/dev/null
if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -qx "$port"; then
	pass "$port is listed"
else
	fail "$port not listed (rc $rc)" "$out"
fi
if printf '%s\n' "$out" | grep -A6 -x "$port" | grep -q "open by .*$holder (python3)"; then
	pass "who holds $port open (pid $holder)"
else
	fail "holder $holder not shown" "$out"
fi
if printf '%s\n' "$out" | grep -A6 -x "$port" | grep -q "driver   [a-z0-9_]"; then
	pass "$port's driver"
else
	fail "no driver for $port" "$out"
fi
[ $KB_FAILS -eq 0 ]
