#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: may the bridge serve kernel memory from the vmlinux file?
# On the lab kernel, stopped by SysRq-g once booted (alternatives, static
# keys and __ro_after_init are all settled by then), every byte of every
# range bridge/vmlinux.c would serve (tests/unit/test_vmlinux --ranges) is
# compared with the running kernel's own bytes, and so is .text, which it
# does not serve by default.  The kernel's bytes come from QEMU's monitor
# (memsave of the guest's virtual addresses: all of them, at once) and,
# as a cross-check of that path, from gdb reading over the serial line
# straight from kgdb (dump binary memory) for a sample of each.
#   cache-1-rodata   the served read-only data equals the kernel, byte for
#                    byte (this is what makes serving it correct)
#   cache-2-text     .text: how many bytes differ (runtime patching); the
#                    bridge must not serve .text unless that is 0
#   cache-3-kgdb     kgdb's own reads over the line equal the monitor's
#   cache-4-ranges   nothing writable, init-only or per-CPU is served
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_setup cache

CASES="cache-1-rodata cache-2-text cache-3-kgdb cache-4-ranges"
# shellcheck disable=SC2086
echo "PLAN: $(echo $CASES | wc -w)"
# shellcheck disable=SC2086
fail_every() { fail_all "$1" $CASES; }
TOOL=$BUILD/t/test_vmlinux
[ -x "$TOOL" ] || fail_every "$TOOL not built (make tests)"
need_lab || fail_every "$E2E_WHY"
command -v python3 >/dev/null || fail_every "python3 missing (QEMU monitor client)"

# monitor CMD...: run QEMU human-monitor commands, wait for each prompt.
monitor() {
	python3 - "$LAB_MONITOR" "$@" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(60)
def upto_prompt():
    buf = b""
    while not buf.endswith(b"(qemu) "):
        b = s.recv(65536)
        if not b:
            break
        buf += b
    return buf
upto_prompt()
for cmd in sys.argv[2:]:
    s.sendall(cmd.encode() + b"\n")
    out = upto_prompt()
    # The reply follows the echoed command line.
    reply = out.decode(errors="replace").split("\r\n", 1)[-1]
    if "rror" in reply or "nvalid" in reply or "Try " in reply:
        sys.stderr.write(reply.replace("\r", "") + "\n")
        sys.exit(1)
PY
}

"$TOOL" --ranges "$VMLINUX" >"$T/ranges" 2>"$T/ranges.err" ||
    fail_every "test_vmlinux --ranges failed: $(head -n 1 "$T/ranges.err")"
"$TOOL" --ranges "$VMLINUX" --text >"$T/ranges.text" 2>"$T/ranges.text.err" ||
    fail_every "test_vmlinux --ranges --text failed: $(head -n 1 "$T/ranges.text.err")"
grep -q ' \.text$' "$T/ranges.text" && grep -qv ' \.text$' "$T/ranges.text" ||
    fail_every "test_vmlinux --ranges --text listed no .text or no read-only range"

# 4: what is served, against the ELF's own section flags.
bad=
while read -r addr len off name; do
	case "$name" in
	.data|.bss|.brk|.data..percpu|.init.*|.exit.*|.smp_locks|.text|.vvar)
		bad="$bad $name" ;;
	esac
done <"$T/ranges"
if [ -n "$bad" ]; then
	fail cache-4-ranges "served:$bad"
elif ! grep -q ' \.rodata$' "$T/ranges"; then
	fail cache-4-ranges "no .rodata range served"
else
	pass cache-4-ranges
fi

lab_start a --mode sysrq --after 2 --tick 1 || fail_every "lab did not boot"
line_start || fail_every "shaper did not start"
if ! wait_for "$(line_rx)" 'kdb>' 90; then
	for c in cache-1-rodata cache-2-text cache-3-kgdb; do
		fail "$c" "no SysRq-g stop on the console"
	done
	exit 0
fi
sleep 1

# The kernel's bytes for every range (served ones, and .text).
i=0 cmds=()
while read -r addr len off name; do
	cmds+=("memsave $addr $(printf %#x "$len") \"$T/k-$i.bin\"")
	dd if="$VMLINUX" of="$T/f-$i.bin" bs=64K iflag=skip_bytes,count_bytes \
	    skip="$off" count="$len" status=none
	i=$((i + 1))
done <"$T/ranges.text"
if ! monitor "${cmds[@]}" 2>"$T/monitor.err"; then
	for c in cache-1-rodata cache-2-text cache-3-kgdb; do
		fail "$c" "QEMU monitor: $(head -n 1 "$T/monitor.err")"
	done
	exit 0
fi

# Differing bytes per range; the addresses of the first few.
ro_bytes=0 ro_diff=0 tx_bytes=0 tx_diff=0 i=0
: >"$T/diffs"
while read -r addr len off name; do
	n=$(cmp -l "$T/f-$i.bin" "$T/k-$i.bin" 2>/dev/null | wc -l)
	if [ "$(stat -c %s "$T/k-$i.bin" 2>/dev/null)" != "$len" ]; then
		n=$len
	fi
	echo "$name $addr $len bytes: $n differ" >>"$T/diffs"
	cmp -l "$T/f-$i.bin" "$T/k-$i.bin" 2>/dev/null | head -n 4 |
	    while read -r o _ _; do
		printf '    %s+%#x\n' "$name" "$((o - 1))"
	    done >>"$T/diffs"
	if [ "$name" = .text ]; then
		tx_bytes=$((tx_bytes + len)) tx_diff=$((tx_diff + n))
	else
		ro_bytes=$((ro_bytes + len)) ro_diff=$((ro_diff + n))
	fi
	i=$((i + 1))
done <"$T/ranges.text"
sed 's/^/    /' "$T/diffs" >&2
echo "    served read-only data: $ro_diff of $ro_bytes bytes differ from the kernel" >&2
echo "    .text: $tx_diff of $tx_bytes bytes differ from the kernel" >&2

if [ "$ro_bytes" -gt 0 ] && [ "$ro_diff" = 0 ]; then
	pass cache-1-rodata
else
	fail cache-1-rodata "$ro_diff of $ro_bytes served bytes differ from the running kernel"
fi
if grep -q ' \.text$' "$T/ranges"; then
	fail cache-2-text "served by default although $tx_diff bytes differ"
elif [ "$tx_bytes" -gt 0 ]; then
	echo "    .text is not served: $tx_diff of $tx_bytes bytes are patched at run time" >&2
	pass cache-2-text
else
	fail cache-2-text "no .text range to compare"
fi

# 3: kgdb over the line, for 4 KiB at the start of each range (the banner
# page too), against what the monitor saw.
gcmds=() i=0
while read -r addr len off name; do
	n=$len
	[ "$n" -gt 4096 ] && n=4096
	gcmds+=(-ex "dump binary memory $T/g-$i.bin $addr $((addr + n))")
	i=$((i + 1))
done <"$T/ranges.text"
# gdb 13 reads PacketSize/2 = 1024 bytes at a time where kgdb says
# PacketSize=800 (riscv64, arm64), and 6.12's kgdb refuses more than
# (BUFMAX - 1) / 2 = 1023 with E22 (kernel/debug/gdbstub.c,
# gdb_cmd_memread; 6.1 has no such check): reads of 1016 bytes.
GDB_TIMEOUT=600 gdb_run a-dump "$LINE_PORT" \
    -ex 'set remote memory-read-packet-size 2032' "${gcmds[@]}" \
    "${GDB_VANISH[@]}" 2>/dev/null
bad= i=0 compared=0
while read -r addr len off name; do
	n=$len
	[ "$n" -gt 4096 ] && n=4096
	if ! cmp -s -n "$n" "$T/g-$i.bin" "$T/k-$i.bin" ||
	    [ "$(stat -c %s "$T/g-$i.bin" 2>/dev/null)" != "$n" ] ||
	    [ "$(stat -c %s "$T/k-$i.bin" 2>/dev/null)" -lt "$n" ]; then
		bad="$bad $name"
	else
		compared=$((compared + 1))
	fi
	i=$((i + 1))
done <"$T/ranges.text"
if [ "$compared" = 0 ]; then
	fail cache-3-kgdb "no range compared"
elif [ -z "$bad" ]; then
	pass cache-3-kgdb
else
	fail cache-3-kgdb "kgdb's bytes differ from the monitor's in:$bad"
	tail -n 5 "$T/a-dump.gdb" | sed 's/^/    | /' >&2
fi
lab_stop
exit 0
