#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/resolve.sh: --resolve (the work is in resolve.py).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
for tool in "$BUILD/kgdb-bridge" python3; do
	if ! command -v "$tool" >/dev/null; then
		echo "FAIL: resolve: $tool is missing"
		exit 1
	fi
done
exec python3 tests/integration/resolve.py "$BUILD/kgdb-bridge"
