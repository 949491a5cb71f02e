#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/hostile/peers.sh: misbehaving gdb and console clients against the
# real daemon (the work is in peers.py). Prefers the sanitized build.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
. tests/lib/kbtest.sh	# kb_bridge_bin, kb_py_suite
bin=$(kb_bridge_bin)
kb_py_suite peers tests/hostile/peers.py "$bin" -- "$bin"
