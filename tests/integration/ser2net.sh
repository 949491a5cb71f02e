#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/ser2net.sh: the bridge behind Debian's ser2net with
# RFC 2217 (the work is in ser2net.py). ser2net comes from scripts/deps.sh.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
for tool in "$BUILD/kgdb-bridge" ser2net python3; do
	if ! command -v "$tool" >/dev/null; then
		echo "FAIL: ser2net: $tool is missing (scripts/deps.sh installs it)"
		exit 1
	fi
done
exec python3 tests/integration/ser2net.py "$BUILD/kgdb-bridge"
