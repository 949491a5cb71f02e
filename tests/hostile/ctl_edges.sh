#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/hostile/ctl_edges.sh: control clients at the edges (quit, NUL bytes,
# leaving early) against the real daemon; the work is in ctl_edges.py.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
. tests/lib/kbtest.sh	# kb_bridge_bin, kb_py_suite
bin=$(kb_bridge_bin)
kb_py_suite ctl_edges tests/hostile/ctl_edges.py "$bin" -- "$bin"
