#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/data/tui/lab-capture.sh: how the lab_* fixtures here were made.
# Not part of `make check`; run by hand when the lab kernel changes:
#
#   tests/data/tui/lab-capture.sh [LAB_DIR]   (default: the lab's cache)
#
# 1. Boot the lab kernel under QEMU (TCG) in lab.mode=shell with QEMU's own
#    gdbstub; from the serial console, write 4600 lines to /dev/kmsg (the
#    128 KiB text ring and the 4096 descriptors both wrap).
# 2. gdb on QEMU's stub dumps prb, *prb, the descriptors, the infos and the
#    text ring, and runs lx-dmesg (scripts/gdb/linux/dmesg.py from the
#    kernel source) as the reference. That is look 1.
# 3. On the console: an lkdtm EXCEPTION oops, then echo c > sysrq-trigger.
#    The console transcript from the flood's end on is lab_oops_panic.txt.
#    Dump again (look 2).
#    gdb on QEMU's stub also writes the panic loop's registers, backtrace and
#    stack (lab_panic_bt.txt, lab_panic_stack.mem).
# 4. A small program built on tui/printk.c walks look 1 with a backlog of
#    40, then look 2 incrementally, recording every read it made: those are
#    lab_prb_look{1,2}.mem ("ADDR LEN HEX" lines). The reference lines are
#    the last 40 lx-dmesg lines of look 1 and the lines look 2 added.
set -eu
repo=$(cd "$(dirname "$0")/../../.." && pwd)
lab=${1:-$(ls -d "$HOME"/.cache/kgdb-bridge/lab/*/ | while read -r d; do
	[ -f "$d/bzImage" ] && [ -f "$d/vmlinux" ] && echo "$d"; done | head -1)}
src=$(ls -d "$HOME"/.cache/kgdb-bridge/lab/src-*/ | head -1)
w=$(mktemp -d)
port=$((20000 + RANDOM % 30000))
trap '[ -f "$w/qemu.pid" ] && kill "$(cat "$w/qemu.pid")" 2>/dev/null; rm -rf "$w"' EXIT

mkdir -p "$w/gdbpy" "$w/img1" "$w/img2"
cp -r "$src/scripts/gdb/linux" "$w/gdbpy/"

cat >"$w/drive.py" <<'PY'
import socket, sys, time, os
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
for _ in range(100):
    try:
        s.connect(path); break
    except OSError:
        time.sleep(0.1)
s.settimeout(0.2)
log = open(out, 'wb'); buf = b''
def pump(until=None, timeout=60):
    global buf
    end = time.time() + timeout
    while time.time() < end:
        try:
            d = s.recv(65536)
            if not d:
                return False
            log.write(d); log.flush(); buf += d
        except socket.timeout:
            pass
        if until is not None and until in buf:
            return True
    return until is None
def send(cmd):
    global buf
    buf = b''
    s.sendall(cmd.encode() + b'\r')
assert pump(b'lab: shell on ttyS0', 120), 'no shell'
time.sleep(1); pump(None, 1)
send('i=0; while [ $i -lt 4600 ]; do echo "tui-flood $i: the quick brown fox jumps over the lazy dog" >/dev/kmsg; i=$((i+1)); done; echo FLOOD-""DONE')
assert pump(b'FLOOD-DONE', 300), 'flood'
time.sleep(1); pump(None, 1)
open(out + '.stage1', 'w').close()
while not os.path.exists(out + '.go'):
    pump(None, 0.5)
send('echo EXCEPTION >/sys/kernel/debug/provoke-crash/DIRECT')
assert pump(b'end trace', 60), 'oops'
pump(b'lab: shell on ttyS0', 20)
time.sleep(1); pump(None, 1)
send('echo c >/proc/sysrq-trigger')
assert pump(b'end Kernel panic', 60), 'panic'
pump(None, 2)
open(out + '.stage2', 'w').close()
PY

cat >"$w/dump.gdb" <<GDB
set pagination off
set confirm off
target remote 127.0.0.1:$port
dump binary memory DIR/prbvar.bin (char*)&prb ((char*)&prb)+8
dump binary memory DIR/rb.bin (char*)prb ((char*)prb)+88
dump binary memory DIR/descs.bin (char*)prb->desc_ring.descs ((char*)prb->desc_ring.descs)+(24<<prb->desc_ring.count_bits)
dump binary memory DIR/infos.bin (char*)prb->desc_ring.infos ((char*)prb->desc_ring.infos)+(88<<prb->desc_ring.count_bits)
dump binary memory DIR/data.bin (char*)prb->text_data_ring.data ((char*)prb->text_data_ring.data)+(1<<prb->text_data_ring.size_bits)
printf "%lx %lx %lx %lx %lx\n", &prb, prb, prb->desc_ring.descs, prb->desc_ring.infos, prb->text_data_ring.data
python import sys; sys.path.insert(0, "$w/gdbpy")
python import linux.dmesg
set logging file DIR/lx-dmesg.txt
set logging redirect on
set logging overwrite on
set logging enabled on
lx-dmesg
set logging enabled off
detach
GDB

qemu-system-x86_64 -accel tcg -m 256 -smp 1 -no-reboot -nodefaults \
    -display none -vga none -kernel "$lab/bzImage" \
    -initrd "$lab/initramfs.cpio.gz" \
    -append "console=ttyS0,115200 nokaslr lab.mode=shell lab.tick=0" \
    -chardev "socket,id=s0,path=$w/ser.sock,server=on,wait=off" \
    -serial chardev:s0 -gdb "tcp:127.0.0.1:$port" -pidfile "$w/qemu.pid" &
sleep 1
python3 "$w/drive.py" "$w/ser.sock" "$w/console.raw" &
for _ in $(seq 1 300); do [ -f "$w/console.raw.stage1" ] && break; sleep 1; done
sed "s|DIR|$w/img1|g" "$w/dump.gdb" >"$w/d1.gdb"
gdb -batch -nx -x "$w/d1.gdb" "$lab/vmlinux" |
    grep -E '^[0-9a-f]{16}( [0-9a-f]{16}){4}$' >"$w/addrs"
touch "$w/console.raw.go"
for _ in $(seq 1 120); do [ -f "$w/console.raw.stage2" ] && break; sleep 1; done
sed "s|DIR|$w/img2|g" "$w/dump.gdb" >"$w/d2.gdb"
gdb -batch -nx -x "$w/d2.gdb" "$lab/vmlinux" >/dev/null

# The same stop, the kernel spinning in panic's delay loop: rip, rsp and
# rbp, every frame of gdb's backtrace down to the kernel entry ("#N  0xPC
# in NAME", or "#N  NAME" for the frame an inlined one sits in) and 2 KiB
# of stack from rsp: lab_panic_bt.txt and lab_panic_stack.mem, for
# test_tui_views' test_lab_panic_stack.
cat >"$w/panic.py" <<PY
import gdb
f = gdb.newest_frame()
regs = [int(gdb.parse_and_eval(r)) & (2**64 - 1) for r in ('\$rip', '\$rsp', '\$rbp')]
out = ['regs %x %x %x' % tuple(regs)]
n = 0
inl = False     # the frame before was inlined into this one: same pc
while f is not None:
    name = f.name() or '??'
    if inl:
        out.append('#%-2d %s' % (n, name))
    else:
        out.append('#%-2d 0x%x in %s' % (n, f.pc(), name))
    inl = f.type() == gdb.INLINE_FRAME
    n += 1
    if name.startswith('entry_'):
        break
    f = f.older()
open('$w/panic_bt.txt', 'w').write('\n'.join(out) + '\n')
with open('$w/panic_stack.mem', 'w') as m:
    for i in range(4):
        a = regs[1] + 512 * i
        m.write('%x 512 %s\n' % (a, bytes(gdb.selected_inferior().read_memory(a, 512)).hex()))
PY
gdb -batch -nx -ex "target remote 127.0.0.1:$port" -ex "source $w/panic.py" \
    -ex detach "$lab/vmlinux" >/dev/null

cat >"$w/rec.c" <<'C'
#include "tui/printk.c"
#include <inttypes.h>
struct reg { uint64_t at; uint8_t *p; size_t n; };
struct img { struct reg r[5]; FILE *rec; };
static void
load(struct img *m, const char *dir, const uint64_t *at)
{
	static const char *nm[5] = { "prbvar.bin", "rb.bin", "descs.bin",
	    "infos.bin", "data.bin" };
	char p[512];
	for (int i = 0; i < 5; i++) {
		FILE *f;
		snprintf(p, sizeof p, "%s/%s", dir, nm[i]);
		f = fopen(p, "rb");
		fseek(f, 0, SEEK_END);
		m->r[i].n = (size_t)ftell(f);
		fseek(f, 0, SEEK_SET);
		m->r[i].p = malloc(m->r[i].n);
		if (fread(m->r[i].p, 1, m->r[i].n, f) != m->r[i].n)
			exit(1);
		fclose(f);
		m->r[i].at = at[i];
	}
}
static int
rd(void *arg, uint64_t a, void *buf, size_t len)
{
	struct img *m = arg;
	for (int i = 0; i < 5; i++)
		if (a >= m->r[i].at && a + len <= m->r[i].at + m->r[i].n) {
			memcpy(buf, m->r[i].p + (a - m->r[i].at), len);
			fprintf(m->rec, "%" PRIx64 " %zu ", a, len);
			for (size_t k = 0; k < len; k++)
				fprintf(m->rec, "%02x", ((uint8_t *)buf)[k]);
			fputc('\n', m->rec);
			return 0;
		}
	return -1;
}
static void cb(void *a, const struct tui_printk_rec *r) { (void)a; (void)r; }
int
main(int argc, char **argv)
{
	struct tui_prb_layout l;
	struct img a, b;
	struct tui_printk *pk;
	struct cm_dwarf *d;
	char err[256];
	uint64_t at[5], prb;
	(void)argc;
	for (int i = 0; i < 5; i++)
		at[i] = strtoull(argv[3 + i], NULL, 16);
	/* the layout from the lab vmlinux's DWARF, as kgdb-tui does */
	if ((d = cm_dwarf_open(argv[8], err)) == NULL ||
	    tui_prb_layout_dwarf(d, &l, &prb, err) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	cm_dwarf_free(d);
	load(&a, argv[1], at);
	load(&b, argv[2], at);
	a.rec = fopen("lab_prb_look1.mem", "w");
	b.rec = fopen("lab_prb_look2.mem", "w");
	pk = tui_printk_new(&l, at[0], rd, &a);
	tui_printk_set_backlog(pk, 40);
	printf("look1 %d\n", tui_printk_poll(pk, cb, NULL, err));
	pk->arg = &b;
	printf("look2 %d\n", tui_printk_poll(pk, cb, NULL, err));
	fclose(a.rec);
	fclose(b.rec);
	return 0;
}
C
cc -std=c11 -D_DEFAULT_SOURCE -I"$repo" -o "$w/rec" "$w/rec.c" \
    "$repo/common/dwarf.c" -ldw -lelf
cd "$repo/tests/data/tui"
# shellcheck disable=SC2046
"$w/rec" "$w/img1" "$w/img2" $(cat "$w/addrs") "$lab/vmlinux"
python3 - "$w" <<'PY'
import sys
w = sys.argv[1]
raw = open(w + '/console.raw', 'rb').read()
i = raw.index(b'FLOOD-DONE')
start = raw.rindex(b'\n', 0, raw.rindex(b'\n', 0, raw.rindex(b'\n', 0, i))) + 1
open('lab_oops_panic.txt', 'wb').write(raw[start:])
strip = lambda l: l.split('] ', 1)[1]
d1 = open(w + '/img1/lx-dmesg.txt').read().splitlines()
d2 = open(w + '/img2/lx-dmesg.txt').read().splitlines()
last = strip(d1[-1])
idx = max(i for i, l in enumerate(d2) if strip(l) == last)
open('lab_prb_look1.dmesg', 'w').write('\n'.join(d1[-40:]) + '\n')
open('lab_prb_look2.dmesg', 'w').write('\n'.join(d2[idx + 1:]) + '\n')
PY
cp "$w/panic_bt.txt" lab_panic_bt.txt
cp "$w/panic_stack.mem" lab_panic_stack.mem
echo "lab-capture: fixtures rewritten in tests/data/tui (review the diff;"
echo "the byte counts asserted in test_tui_printk change with the kernel)"
