#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/features.sh: documented features no other suite
# touches (viewer and local break-in, --break-seq, terminal restore on
# fatal signals, monitor bridge kdb, the ctl client, usb: lookup, reconnect
# back-off, --wait refusals, --listen, --arch, --tui). The work is in
# features.py; this wrapper checks the tools and FAILs when one is missing.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
. tests/lib/kbtest.sh	# kb_py_suite
kb_py_suite features tests/integration/features.py \
    "$BUILD/kgdb-bridge" "$BUILD/faketarget" "$BUILD/tdesc_dump" \
    gdb gdb-multiarch flock setpriv unshare stty -- \
    "$BUILD/kgdb-bridge" "$BUILD/faketarget"
