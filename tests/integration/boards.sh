#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/boards.sh: board profiles (the work is in boards.py).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
. tests/lib/kbtest.sh	# kb_py_suite
kb_py_suite boards tests/integration/boards.py "$BUILD/kgdb-bridge" -- \
    "$BUILD/kgdb-bridge"
