#!/bin/bash
# The serial-line shaper (tests/tools/shaper.c): its error and pacing maths
# (--selftest), then real bytes through it from a fake target
# (shaper_check.py): transparency, bit flips, drops, telnet, cut/restore.
. "$(dirname "$0")/lib.sh"
if [ ! -x "$SHAPER" ]; then
	skip shaper "$SHAPER not built"
	exit 0
fi
"$SHAPER" --selftest | sed 's/ (.*)$//'
if ! command -v python3 >/dev/null; then
	skip shaper-wire "python3 missing"
	exit 0
fi
timeout 120 python3 "$(dirname "$0")/shaper_check.py" "$SHAPER"
