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
missing=
for f in "$BUILD/kgdb-bridge" "$BUILD/faketarget" "$BUILD/tdesc_dump"; do
	[ -x "$f" ] || missing="$missing $f"
done
for c in python3 gdb gdb-multiarch flock setpriv unshare stty; do
	command -v "$c" >/dev/null || missing="$missing $c"
done
if [ -n "$missing" ]; then
	echo "FAIL: features: missing:$missing (make; scripts/deps.sh build)"
	exit 1
fi
exec python3 tests/integration/features.py "$BUILD/kgdb-bridge" \
    "$BUILD/faketarget"
