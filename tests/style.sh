#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/style.sh: the style rules a script can check (issue 12), printed
# as a suite for tests/run.sh:
#   style: program sources  rsp/, common/, bridge/, tui/ (.c and .h): a
#          returned value in parentheses, a one-line comment above every
#          function over 40 lines saying what it decides, no file over
#          1000 lines
#   style: tests and tools  the return rule only
#   style: make targets     every `make TARGET` the docs show is a
#                           target of the Makefile
# scripts/style.py says what each offence is; --fix mends the returns.
set -u
cd "$(dirname "$0")/.."
echo "PLAN: 3"
rc=0
check() { # name mode files...
	local name=$1 mode=$2 out
	shift 2
	if out=$(python3 scripts/style.py "$mode" "$@" 2>&1); then
		echo "PASS: style: $name ($# files)"
	else
		echo "FAIL: style: $name: $(printf '%s\n' "$out" | wc -l) offences:"
		printf '%s\n' "$out" | head -n 20 | sed 's/^/  /'
		rc=1
	fi
}
shopt -s nullglob
check "program sources" --check rsp/*.[ch] common/*.[ch] bridge/*.[ch] tui/*.[ch]
check "tests and tools" --returns tests/unit/*.[ch] tests/fuzz/*.[ch] \
    tests/tools/*.c tests/bench/*.c tests/data/dwarf/*.c

# `make X` as the docs show it (in backquotes or at the start of a shown
# command line), less the kernel's own targets the lab notes quote.
kernel_targets=" tinyconfig olddefconfig scripts_gdb modules "
missing=
for t in $(grep -ohE '(`|^ +|^\$ )make [a-z][a-z0-9-]*' README.md docs/*.md \
    hw-tests/README.md | sed -E 's/.*make //' | sort -u); do
	[[ "$kernel_targets" == *" $t "* ]] && continue
	grep -qE "^$t:" Makefile || missing="$missing $t"
done
if [ -z "$missing" ]; then
	echo "PASS: style: make targets"
else
	echo "FAIL: style: make targets: the docs show make$missing, the Makefile has no such target"
	rc=1
fi
exit $rc
