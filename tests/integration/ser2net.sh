#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/ser2net.sh: the bridge behind Debian's ser2net with
# RFC 2217 (the work is in ser2net.py). ser2net comes from scripts/deps.sh.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
. tests/lib/kbtest.sh	# kb_py_suite
kb_py_suite ser2net tests/integration/ser2net.py "$BUILD/kgdb-bridge" \
    ser2net -- "$BUILD/kgdb-bridge"
