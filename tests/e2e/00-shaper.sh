#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The serial-line shaper (tests/tools/shaper.c): its error and pacing maths
# (--selftest), then real bytes through it from a fake target
# (shaper_check.py): transparency, bit flips, drops, telnet, cut/restore.
. "$(dirname "$0")/lib.sh"
if [ ! -x "$SHAPER" ]; then
	fail shaper "$SHAPER not built"
	exit 1
fi
"$SHAPER" --selftest | sed 's/ (.*)$//'
if ! command -v python3 >/dev/null; then
	fail shaper-wire "python3 missing (scripts/deps.sh)"
	exit 1
fi
timeout 120 python3 "$(dirname "$0")/shaper_check.py" "$SHAPER"
