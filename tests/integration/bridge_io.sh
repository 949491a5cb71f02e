#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/bridge_io.sh: the real daemon's I/O side (link, console,
# transcript, control socket) against fake targets on ptys and sockets.
# The work is in bridge_io.py; this wrapper finds the binary and python.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
# What it needs is installed by `make check` (scripts/deps.sh): a missing
# piece fails, as in the lab suites.
if [ ! -x "$BUILD/kgdb-bridge" ]; then
	echo "FAIL: bridge_io: no $BUILD/kgdb-bridge (make)"
	exit 1
fi
if ! command -v python3 >/dev/null; then
	echo "FAIL: bridge_io: no python3 (scripts/deps.sh)"
	exit 1
fi
exec python3 tests/integration/bridge_io.py "$BUILD/kgdb-bridge"
