#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/resolve.sh: --resolve (the work is in resolve.py).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
. tests/lib/kbtest.sh	# kb_py_suite
kb_py_suite resolve tests/integration/resolve.py "$BUILD/kgdb-bridge" -- \
    "$BUILD/kgdb-bridge"
