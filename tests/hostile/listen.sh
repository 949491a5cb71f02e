#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/hostile/listen.sh: --listen on an address other machines can
# reach. The gdb and console ports have no password: the bridge must warn
# at start-up for anything but 127.0.0.0/8 and ::1 (0.0.0.0 and ::
# included), and stay quiet on loopback or when no port is open. The
# listeners live for a moment only, on unused high ports.
SUITE=listen
. "$(dirname "$0")/lib.sh"

NOLINK=unix:$TMP/nothing.sock
WARN="is not a loopback address: anyone who can reach the .* can read and write kernel memory and stop the kernel"

# listen NAME ADDR WANT_WARNING(yes|no) [PORT ARGS...]
listen() {
	local name=$1 addr=$2 want=$3 out=$TMP/$RANDOM.out
	shift 3
	local ports=("$@")
	[ ${#ports[@]} -eq 0 ] &&
	    ports=(--gdb-port "$(free_port)" --console-port "$(free_port)")
	"$BR" --no-stdin -q --ctl "$TMP/ctl" --wait --listen "$addr" \
	    "${ports[@]}" "$NOLINK" </dev/null >"$out" 2>&1 &
	BRPID=$!
	PIDS+=("$BRPID")
	wait_grep "$out" 'gdb port|error' 100
	stop_br
	if ! sanitizer_ok "$out"; then
		fail "$name" "sanitizer report in $out"
	elif [ "$want" = yes ] && ! grep -qE -- "$WARN" "$out"; then
		fail "$name" "no warning: $(head -n 3 "$out")"
	elif [ "$want" = no ] && grep -q "not a loopback" "$out"; then
		fail "$name" "warned: $(head -n 1 "$out")"
	else
		pass "$name"
	fi
}

listen "0.0.0.0 warns" 0.0.0.0 yes
listen "0.0.0.0 with only the gdb port warns" 0.0.0.0 yes \
    --gdb-port "$(free_port)" --console-port off
listen ":: warns" :: yes
listen "127.0.0.1 is quiet" 127.0.0.1 no
listen "127.0.0.2 is quiet" 127.0.0.2 no
listen "::1 is quiet" ::1 no
listen "0.0.0.0 with both ports off is quiet" 0.0.0.0 no \
    --gdb-port off --console-port off
check "man page warns about --listen" "no warning in docs/kgdb-bridge.1" \
    grep -q "can read and write kernel memory" docs/kgdb-bridge.1
