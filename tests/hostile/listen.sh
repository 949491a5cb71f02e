#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/hostile/listen.sh: --listen on an address other machines can
# reach. The gdb and console ports have no password: the bridge must warn
# at start-up for anything but 127.0.0.0/8 and ::1 (0.0.0.0 and ::
# included), and stay quiet on loopback or when no port is open. The
# listeners live for a moment only, on ports the kernel picks (port 0),
# which the daemon must then report, in its log and in ctl status.
SUITE=listen
. "$(dirname "$0")/lib.sh"

NOLINK=unix:$TMP/nothing.sock
WARN="is not a loopback address: anyone who can reach the .* can read and write kernel memory and stop the kernel"

# listen NAME ADDR WANT_WARNING(yes|no) [PORT ARGS...]
listen() {
	local name=$1 addr=$2 want=$3 out=$TMP/$RANDOM.out
	shift 3
	local ports=("$@")
	[ ${#ports[@]} -eq 0 ] && ports=(--gdb-port 0 --console-port 0)
	kb_start_br "$out" --ctl "$TMP/ctl" --wait --listen "$addr" \
	    "${ports[@]}" "$NOLINK"
	kb_stop_br
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
    --gdb-port 0 --console-port off
listen ":: warns" :: yes
listen "127.0.0.1 is quiet" 127.0.0.1 no
listen "127.0.0.2 is quiet" 127.0.0.2 no
listen "::1 is quiet" ::1 no
listen "0.0.0.0 with both ports off is quiet" 0.0.0.0 no \
    --gdb-port off --console-port off
# port_zero NAME ADDR: both ports 0; the ports ctl status reports are
# the ones the start-up line names, distinct, and both answer.
port_zero() {
	local name=$1 addr=$2 out=$TMP/$RANDOM.out ports g c host=$2
	kb_start_br "$out" --ctl "$TMP/ctl0" --wait --listen "$addr" \
	    --gdb-port 0 --console-port 0 "$NOLINK"
	ports=$(kb_ports "$BR" "$TMP/ctl0")
	read -r g c <<<"${ports:-0 0}"
	[ "$addr" = ::1 ] && host="\\[::1\\]"
	if [ "${g:-0}" -eq 0 ] || [ "${c:-0}" -eq 0 ] || [ "$g" = "$c" ]; then
		fail "$name" "ctl status ports '$ports'"
	elif ! grep -qE "console port $host:$c, gdb port $host:$g," "$out"; then
		fail "$name" "start-up line disagrees with status ($g $c): $(grep 'gdb port' "$out")"
	elif ! (exec 3<>"/dev/tcp/$addr/$c") 2>/dev/null ||
	    ! (exec 3<>"/dev/tcp/$addr/$g") 2>/dev/null; then
		fail "$name" "nothing answers on $addr port $g or $c"
	else
		pass "$name"
	fi
	kb_stop_br
	sanitizer_ok "$out" || fail "$name: sanitizer" "report in $out"
}
port_zero "port 0 on 127.0.0.1: bound ports reported and answering" 127.0.0.1
port_zero "port 0 on ::1: bound ports reported and answering" ::1
check "man page warns about --listen" "no warning in docs/kgdb-bridge.1" \
    grep -q "can read and write kernel memory" docs/kgdb-bridge.1
