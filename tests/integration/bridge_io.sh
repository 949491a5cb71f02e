#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/bridge_io.sh: the real daemon's I/O side (link, console,
# transcript, control socket) against fake targets on ptys and sockets.
# The work is in bridge_io.py; this wrapper finds the binary and python.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
. tests/lib/kbtest.sh	# kb_py_suite
kb_py_suite bridge_io tests/integration/bridge_io.py "$BUILD/kgdb-bridge" -- \
    "$BUILD/kgdb-bridge"
