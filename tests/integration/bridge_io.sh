#!/usr/bin/env bash
# tests/integration/bridge_io.sh: the real daemon's I/O side (link, console,
# transcript, control socket) against fake targets on ptys and sockets.
# The work is in bridge_io.py; this wrapper finds the binary and python.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
if [ ! -x "$BUILD/kgdb-bridge" ]; then
	echo "SKIP: bridge_io: no $BUILD/kgdb-bridge"
	exit 0
fi
if ! command -v python3 >/dev/null; then
	echo "SKIP: bridge_io: no python3"
	exit 0
fi
exec python3 tests/integration/bridge_io.py "$BUILD/kgdb-bridge"
