#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/completion.sh: bash completion for both programs
# (dist/kgdb-bridge.bash-completion): options, target kinds, board names,
# serial devices and ctl commands, asked as bash asks them.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
if [ ! -x "$BUILD/kgdb-bridge" ]; then
	echo "FAIL: completion: no $BUILD/kgdb-bridge"
	exit 1
fi
T=$(mktemp -d /tmp/kb-compl.XXXXXX)
trap 'rm -rf "$T"' EXIT
printf '[rpi4]\ntarget = /dev/ttyUSB9\n[imx8]\ntarget = tcp:h:1\n' >"$T/boards.conf"
export KGDB_BRIDGE_BOARDS=$T/boards.conf PATH=$PWD/$BUILD:$PATH
. dist/kgdb-bridge.bash-completion
KB_PREFIX="completion: "
. tests/lib/kbtest.sh	# pass, fail; KB_FAILS counts
# complete FUNC WORD... : what FUNC offers for the last word.
complete_words() {
	local fn=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	"$fn"
	printf '%s\n' "${COMPREPLY[@]}"
}
want() { # name expected-word output
	if printf '%s\n' "$3" | grep -qx -- "$2"; then
		pass "$1"
	else
		fail "$1" "no '$2' in: $(echo $3)"
	fi
}
want "options" --vmlinux "$(complete_words _kgdb_bridge kgdb-bridge --vm)"
want "options from --help" --read-only-viewers "$(complete_words _kgdb_bridge kgdb-bridge --read)"
want "target kinds" telnet: "$(complete_words _kgdb_bridge kgdb-bridge tel)"
want "board names" rpi4 "$(complete_words _kgdb_bridge kgdb-bridge rp)"
dev=$(ls /dev/ttyS* /dev/ttyUSB* 2>/dev/null | head -1)
if [ -n "$dev" ]; then
	want "serial devices" "$dev" "$(complete_words _kgdb_bridge kgdb-bridge "${dev%?}")"
else
	fail "serial devices" "no /dev/ttyS* or /dev/ttyUSB* here to offer"
fi
want "--arch values" arm64 "$(complete_words _kgdb_bridge kgdb-bridge --arch a)"
want "--arch values" arm "$(complete_words _kgdb_bridge kgdb-bridge --arch a)"
want "--arch values" riscv64 "$(complete_words _kgdb_bridge kgdb-bridge --arch r)"
want "--verify-reads values" always "$(complete_words _kgdb_bridge kgdb-bridge --verify-reads a)"
want "ctl commands" status "$(complete_words _kgdb_bridge kgdb-bridge ctl st)"
want "ctl board names" imx8 "$(complete_words _kgdb_bridge kgdb-bridge ctl im)"
want "kgdb-tui boards" imx8 "$(complete_words _kgdb_tui kgdb-tui im)"
want "kgdb-tui options" --replay "$(complete_words _kgdb_tui kgdb-tui --re)"
[ $KB_FAILS -eq 0 ]
