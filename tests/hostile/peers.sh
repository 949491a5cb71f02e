#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/hostile/peers.sh: misbehaving gdb and console clients against the
# real daemon (the work is in peers.py). Prefers the sanitized build.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
bin=$BUILD/t/kgdb-bridge
[ -x "$bin" ] || bin=$BUILD/kgdb-bridge
if [ ! -x "$bin" ]; then
	echo "FAIL: peers: no $bin (make tests first)"
	exit 1
fi
if ! command -v python3 >/dev/null; then
	echo "FAIL: peers: python3 is missing (scripts/deps.sh installs it)"
	exit 1
fi
exec python3 tests/hostile/peers.py "$bin"
