#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make demo`: the README's run command.  Installs the lab's packages,
# builds the lab kernel (cached), boots it under QEMU with its UART on a
# telnet socket (so a BREAK reaches it), and runs kgdb-bridge on it in the
# foreground with the console on this terminal.  It prints the one line to
# paste into gdb.  Everything stops when the bridge exits (its quit key, or
# Ctrl-C), or when this script is killed.
#
# With no terminal on stdin the bridge runs with --no-stdin until killed
# (INT/TERM), or for DEMO_SECONDS seconds if that is set.
#
# Knobs (environment): DEMO_GDB_PORT (4441), DEMO_CONSOLE_PORT (4440),
# DEMO_LAB_ARGS (lab-run options; default "--kgdbwait --mode shell": the
# kernel waits for gdb at boot, then gives a shell on the console),
# DEMO_SECONDS, BUILD (build).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$here/$BUILD ;; esac
bridge=$BUILD/kgdb-bridge
gdb_port=${DEMO_GDB_PORT:-4441}
con_port=${DEMO_CONSOLE_PORT:-4440}
lab_args=${DEMO_LAB_ARGS:---kgdbwait --mode shell}

say() { echo "demo: $*" >&2; }

"$here/scripts/deps.sh" lab || { say "could not install the lab packages"; exit 1; }
lab=$("$here/scripts/lab-build.sh") || { say "lab build failed"; exit 1; }
if [ ! -x "$bridge" ]; then
	say "$bridge is missing: run make first"
	exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/kgdb-demo.XXXXXX")
bpid=
cleanup() {
	trap - EXIT INT TERM
	[ -n "$bpid" ] && kill "$bpid" 2>/dev/null && wait "$bpid" 2>/dev/null
	[ -s "$dir/lab/qemu.pid" ] && kill "$(cat "$dir/lab/qemu.pid")" 2>/dev/null
	sleep 0.3
	[ -s "$dir/lab/qemu.pid" ] && kill -KILL "$(cat "$dir/lab/qemu.pid")" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck disable=SC2086
"$here/scripts/lab-run.sh" --background --serial telnet --dir "$dir/lab" \
    --info "$dir/info" --watch $$ $lab_args >/dev/null || exit 1
# shellcheck disable=SC1091
. "$dir/info"

cat >&2 <<MSG

  kgdb-bridge on the lab kernel ($LAB_SERIAL).  In another terminal:

    gdb $lab/vmlinux -ex 'target remote :$gdb_port'

  more console viewers: telnet localhost $con_port

MSG

opts=(--gdb-port "$gdb_port" --console-port "$con_port"
	--vmlinux "$lab/vmlinux" --log "$dir/transcript.log")
if [ -t 0 ] && [ -z "${DEMO_SECONDS:-}" ]; then
	"$bridge" "${opts[@]}" "$LAB_SERIAL"
	exit $?
fi
"$bridge" "${opts[@]}" --no-stdin "$LAB_SERIAL" </dev/null &
bpid=$!
if [ -n "${DEMO_SECONDS:-}" ]; then
	sleep "$DEMO_SECONDS" &
	wait $!
	kill -0 "$bpid" 2>/dev/null || { wait "$bpid"; exit $?; }
	exit 0
fi
wait "$bpid"
rc=$?
bpid=
exit $rc
