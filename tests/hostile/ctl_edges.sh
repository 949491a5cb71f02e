#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/hostile/ctl_edges.sh: control clients at the edges (quit, NUL bytes,
# leaving early) against the real daemon; the work is in ctl_edges.py.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
bin=$BUILD/t/kgdb-bridge
[ -x "$bin" ] || bin=$BUILD/kgdb-bridge
if [ ! -x "$bin" ]; then
	echo "FAIL: ctl_edges: no $bin (make tests first)"
	exit 1
fi
if ! command -v python3 >/dev/null; then
	echo "FAIL: ctl_edges: python3 is missing (scripts/deps.sh installs it)"
	exit 1
fi
exec python3 tests/hostile/ctl_edges.py "$bin"
