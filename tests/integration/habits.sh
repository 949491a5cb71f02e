#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/habits.sh: serial-tool habits (the work is in habits.py).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
. tests/lib/kbtest.sh	# kb_py_suite
kb_py_suite habits tests/integration/habits.py "$BUILD/kgdb-bridge" -- \
    "$BUILD/kgdb-bridge"
