#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/tdesc_gdb.sh: real gdb accepts rsp_tdesc_xml() and then
# expects exactly kgdb's 'g' packet.
#
# Per architecture (x86_64, i386, arm64, arm, riscv64):
#  1. gdb -batch loads the XML with "set tdesc filename" and
#     "maint print remote-registers" must list kgdb's 'g' layout (names,
#     offsets, sizes) and nothing else below NUMREGBYTES.
#  2. A small fake kgdb stub (python3) serves the XML through
#     qXfer:features:read, answers 'g' with exactly NUMREGBYTES bytes, '?'
#     with S05 and 'p' for registers outside 'g' with "xx…". gdb connects,
#     runs "info registers"; there must be no "too long" or fetch error,
#     gdb must never ask 'p' for a register 'g' already carried, the 'g'
#     packet it keeps must be kgdb's layout, and every value gdb prints
#     must equal rsp_regs_format() for the same 'g' reply.
#  3. Where kgdb serves no description (all but riscv64), the same stub
#     without one: gdb's own layout. Every register line `info registers`
#     prints both ways must be the same (types too: arm64's cpsr as
#     "[ SP EL=1 ... ]", not a bare number), or gdb through the bridge
#     would show something else than gdb straight on the line.
# Prints PASS:/FAIL:/SKIP: lines.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
DUMP=$BUILD/tdesc_dump
tmp=$(mktemp -d)
stub_pid=
cleanup() {
	[ -n "$stub_pid" ] && kill "$stub_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

KB_PREFIX="tdesc_gdb "
. tests/lib/kbtest.sh	# pass NAME, fail NAME [WHY]

if [ ! -x "$DUMP" ]; then
	make --no-print-directory "$DUMP" >/dev/null 2>&1
fi
if [ ! -x "$DUMP" ]; then
	fail "build: $DUMP missing"
	exit 0
fi
if ! command -v python3 >/dev/null; then
	fail "all: python3 not installed (scripts/deps.sh)"
	exit 0
fi

cat >"$tmp/stub.py" <<'PY'
# Fake kgdb: one gdb connection, then exit. Logs every request. With
# "none" for the description it offers none, as kgdb does on most
# architectures: gdb then uses its built-in layout.
import re, socket, sys
xml = b'' if sys.argv[1] == 'none' else open(sys.argv[1], 'rb').read()
ghex = open(sys.argv[2]).read().strip()
portfile, logfile = sys.argv[3], sys.argv[4]
sizes = {int(m.group(2)): int(m.group(1)) // 8 for m in re.finditer(
    rb'<reg name="[^"]*" bitsize="(\d+)"[^>]*regnum="(\d+)"', xml)}
ingn = set(int(x) for x in sys.argv[5].split(','))
log = open(logfile, 'w')
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', 0))
srv.listen(1)
open(portfile, 'w').write(str(srv.getsockname()[1]))
srv.settimeout(30)
c, _ = srv.accept()
c.settimeout(30)

def esc(b):
    out = bytearray()
    for x in b:
        if x in b'$#}*':
            out += bytes([0x7d, x ^ 0x20])
        else:
            out.append(x)
    return bytes(out)

def send(p):
    p = esc(p)
    c.sendall(b'$' + p + b'#%02x' % (sum(p) & 0xff))

buf = b''
while True:
    try:
        d = c.recv(4096)
    except socket.timeout:
        break
    if not d:
        break
    buf += d
    while True:
        buf = buf.lstrip(b'+-\x03')
        m = re.match(rb'\$([^#]*)#..', buf, re.S)
        if not m:
            break
        buf = buf[m.end():]
        c.sendall(b'+')
        p = m.group(1)
        log.write(p.decode('latin1') + '\n')
        log.flush()
        if p.startswith(b'qSupported'):
            send(b'PacketSize=3ff' +
                 (b';qXfer:features:read+' if xml else b''))
        elif p.startswith(b'qXfer:features:read:target.xml:'):
            off, ln = (int(x, 16) for x in p.split(b':')[4].split(b','))
            chunk = xml[off:off + ln]
            send((b'l' if off + ln >= len(xml) else b'm') + chunk)
        elif p == b'?':
            send(b'S05')
        elif p == b'g':
            send(ghex.encode())
        elif p.startswith(b'p'):
            n = int(p[1:], 16)
            if n in ingn or n not in sizes:
                send(b'E22')
            else:
                send(b'xx' * sizes[n])
        elif p.startswith(b'm'):
            send(b'E22')
        elif p in (b'k', b'D'):
            send(b'OK')
            break
        else:
            send(b'')
c.close()
PY

# name offset size regnum of gdb's registers that have a g/G offset.
gdb_g_layout() { # file -> "name offset size rmtnr" lines, g registers only
	awk 'NF >= 8 && $1 != "Name" && $1 != "'"''"'" {
		print $1, $NF, $5, $(NF-1) }' "$1"
}

check_arch() { # arch gdb_arch gdb_binary
	local arch=$1 garch=$2 gdb=$3
	local xml=$tmp/$arch.xml lim nrb bufmax mrm maxreg total ok
	"$DUMP" "$arch" xml >"$xml" || { fail "$arch: tdesc_dump xml"; return; }
	# By offset: gdb lists registers by its own numbers, which for
	# RISC-V CSRs (sstatus 321, scause 387, stval 388) are not the
	# 'g' order.
	"$DUMP" "$arch" layout | sort -n -k2 >"$tmp/$arch.kgdb"
	read -r nrb bufmax mrm maxreg < <("$DUMP" "$arch" limits)

	# Our own table: contiguous from 0 and adding up to NUMREGBYTES.
	total=$(awk 'BEGIN { e = 0; ok = 1 } { if ($2 != e) ok = 0; e = $2 + $3 }
	    END { print ok ? e : -1 }' "$tmp/$arch.kgdb")
	if [ "$total" = "$nrb" ]; then
		pass "$arch: layout contiguous, $total bytes = NUMREGBYTES"
	else
		fail "$arch: layout total $total, NUMREGBYTES $nrb"
	fi

	# 1. Offline: gdb parses the XML with this architecture.
	"$gdb" -batch -nx -ex "set architecture $garch" \
	    -ex "set tdesc filename $xml" \
	    -ex "maint print remote-registers" >"$tmp/$arch.off" 2>&1
	if grep -qiE 'warning|error|could not|unknown' "$tmp/$arch.off"; then
		fail "$arch: gdb rejected the description:"
		grep -iE 'warning|error|could not|unknown' "$tmp/$arch.off" |
		    sed 's/^/    /'
		return
	fi
	pass "$arch: gdb $garch accepts the description"
	# Registers gdb places below NUMREGBYTES are kgdb's, at kgdb's
	# offsets and sizes, with their gdb numbers as remote numbers.
	gdb_g_layout "$tmp/$arch.off" |
	    awk -v n="$nrb" '$2 < n { print $1, $2, $3, $4 }' |
	    sort -n -k2 >"$tmp/$arch.gdb0"
	if diff -u "$tmp/$arch.kgdb" "$tmp/$arch.gdb0" >"$tmp/$arch.diff0"
	then
		pass "$arch: gdb layout below $nrb bytes = kgdb 'g' layout ($(wc -l <"$tmp/$arch.kgdb") registers)"
	else
		fail "$arch: gdb layout differs from kgdb:"
		sed 's/^/    /' "$tmp/$arch.diff0"
	fi
	# The first register past 'g' must start exactly at NUMREGBYTES,
	# so a 'g' of NUMREGBYTES ends on a register boundary.
	if gdb_g_layout "$tmp/$arch.off" | awk -v n="$nrb" \
	    '$2 < n && $2 + $3 > n { bad = 1 } END { exit bad }'; then
		pass "$arch: no gdb register straddles byte $nrb"
	else
		fail "$arch: a gdb register straddles byte $nrb"
	fi

	# 2. Live: fake kgdb stub.
	# A 'g' reply of distinct values; x86 eflags 0x246 as kgdb reports.
	python3 - "$tmp/$arch.kgdb" "$nrb" "$arch" >"$tmp/$arch.g" <<'PY'
import sys
arch = sys.argv[3]
regs = [l.split() for l in open(sys.argv[1])]
raw = bytearray(int(sys.argv[2]))
for i, (name, off, size, num) in enumerate(regs):
    off, size = int(off), int(size)
    v = (0x1111111111111111 * (i % 15 + 1)) & ((1 << 8 * min(size, 8)) - 1)
    if name == 'eflags':
        v = 0x246
    if name in ('rip', 'pc'):
        v = 0xffffffff8113b4d4
    if name == 'eip':
        v = 0xc10a1b2c
    if name in ('rsp', 'sp'):
        v = 0xffffc90000013e48
    if name in ('cs', 'ss', 'ds', 'es', 'fs', 'gs'):
        v = 0x10 + 8 * i % 0x40
    if arch == 'arm':
        v = {'pc': 0xc010a2b4, 'sp': 0xc1e01f48,
             'cpsr': 0x600001d3}.get(name, v)
    if arch == 'riscv64':
        # kgdb sends x0 as zero (dbg_reg_def offset -1).
        v = {'zero': 0, 'pc': 0xffffffff80a1b2c4,
             'sp': 0xff20000000013e48, 'sstatus': 0x200000120,
             'scause': 3}.get(name, v)
    b = v.to_bytes(8, 'little')[:size] + bytes(max(0, size - 8))
    if size > 8:
        b = bytes((i * 16 + k) & 0xff for k in range(size))
    raw[off:off + size] = b
print(raw.hex())
PY
	ingn=$(awk '{ printf "%s%s", s, $4; s = "," }' "$tmp/$arch.kgdb")
	rm -f "$tmp/port"
	python3 "$tmp/stub.py" "$xml" "$tmp/$arch.g" "$tmp/port" \
	    "$tmp/$arch.log" "$ingn" 2>"$tmp/$arch.stuberr" &
	stub_pid=$!
	for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
	if [ ! -s "$tmp/port" ]; then
		fail "$arch: fake stub did not start"
		return
	fi
	timeout 60 "$gdb" -batch -nx -ex "set architecture $garch" \
	    -ex "set remotetimeout 10" \
	    -ex "target remote 127.0.0.1:$(cat "$tmp/port")" \
	    -ex "info registers" \
	    -ex "echo ==ALL==\n" -ex "info all-registers" \
	    -ex "echo ==PC==\n" -ex 'p/x $pc' \
	    -ex "kill" >"$tmp/$arch.live" 2>&1
	wait "$stub_pid" 2>/dev/null
	stub_pid=

	if grep -q "too long" "$tmp/$arch.live"; then
		fail "$arch: gdb says the 'g' reply is too long"
	elif grep -qiE "could not fetch|truncated|remote failure|error" \
	    "$tmp/$arch.live"; then
		fail "$arch: gdb errors during info registers:"
		grep -iE "could not fetch|truncated|remote failure|error" \
		    "$tmp/$arch.live" | sed 's/^/    /'
	elif ! grep -qx 'g' "$tmp/$arch.log"; then
		fail "$arch: gdb never sent 'g'"
	else
		pass "$arch: live gdb 'info registers': no 'too long', no error"
	fi
	if grep -q 'qXfer:features:read:target.xml' "$tmp/$arch.log"; then
		pass "$arch: gdb fetched the description via qXfer"
	else
		fail "$arch: gdb did not fetch target.xml"
	fi
	# gdb took the 'g' reply as complete for kgdb's registers and asked
	# 'p' (during "info all-registers") for exactly the others: so the
	# 'g' packet it expects is kgdb's layout, NUMREGBYTES long.
	grep '^p' "$tmp/$arch.log" | sed 's/^p//' | sort -u |
	    while read -r n; do echo $((16#$n)); done |
	    sort -n >"$tmp/$arch.pasked"
	grep -o 'regnum="[0-9]*"' "$xml" | tr -dc '0-9\n' | sort |
	    comm -23 - <(cut -d' ' -f4 "$tmp/$arch.kgdb" | sort) |
	    sort -n >"$tmp/$arch.pwant"
	if cmp -s "$tmp/$arch.pasked" "$tmp/$arch.pwant"; then
		pass "$arch: gdb asked 'p' for exactly the $(wc -l <"$tmp/$arch.pwant") registers outside the $nrb-byte 'g'"
	else
		fail "$arch: 'p' asked ($(tr '\n' ' ' <"$tmp/$arch.pasked")) != outside 'g' ($(tr '\n' ' ' <"$tmp/$arch.pwant"))"
	fi
	# Every value gdb shows equals rsp_regs_format() for the same 'g'.
	"$DUMP" "$arch" format "$(cat "$tmp/$arch.g")" >"$tmp/$arch.fmt"
	ok=1
	nchk=0
	while read -r name val; do
		line=$(sed -n '1,/==ALL==/p' "$tmp/$arch.live" |
		    awk -v n="$name" '$1 == n' | tr -s ' ')
		[ -z "$line" ] && continue
		nchk=$((nchk + 1))
		case "$val" in
		*"["*) got=$(echo "$line" | sed -E 's/^[^ ]+ +//') ;;
		*) got=$(echo "$line" | awk '{ print $2 }') ;;
		esac
		if [ "$got" != "$val" ]; then
			ok=0
			fail "$arch: $name: gdb shows '$got', rsp_regs_format '$val'"
		fi
	done <"$tmp/$arch.fmt"
	if [ $ok = 1 ] && [ $nchk -gt 0 ]; then
		pass "$arch: rsp_regs_format = gdb for $nchk registers"
	elif [ $nchk -eq 0 ]; then
		fail "$arch: no register of 'info registers' compared"
	fi
	# 3. gdb's own layout, no description: the same register lines.
	if [ "$arch" != riscv64 ]; then
		rm -f "$tmp/port"
		python3 "$tmp/stub.py" none "$tmp/$arch.g" "$tmp/port" \
		    "$tmp/$arch.log0" "$ingn" 2>"$tmp/$arch.stuberr0" &
		stub_pid=$!
		for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
		timeout 60 "$gdb" -batch -nx -ex "set architecture $garch" \
		    -ex "set remotetimeout 10" \
		    -ex "target remote 127.0.0.1:$(cat "$tmp/port" 2>/dev/null)" \
		    -ex "echo ==REGS==\n" -ex "info registers" \
		    -ex "kill" >"$tmp/$arch.live0" 2>&1
		wait "$stub_pid" 2>/dev/null
		stub_pid=
		regs_of() { # gdb output -> its register lines, "name rest"
			grep -E '^[a-z][a-z0-9]* +(0x|-?[0-9])' "$1" |
			    tr -s ' ' | LC_ALL=C sort -u -k1,1
		}
		sed -n '1,/==ALL==/p' "$tmp/$arch.live" | regs_of /dev/stdin \
		    >"$tmp/$arch.with"
		regs_of "$tmp/$arch.live0" >"$tmp/$arch.without"
		# Registers both ways print; their lines must be equal.
		LC_ALL=C join "$tmp/$arch.with" \
		    <(sed 's/ / =GDB= /' "$tmp/$arch.without") \
		    >"$tmp/$arch.join" 2>/dev/null
		nboth=$(wc -l <"$tmp/$arch.join")
		ndiff=$(awk '{ split($0, h, " =GDB= "); n = index(h[1], " ");
		    if (substr(h[1], n + 1) != h[2]) print }' "$tmp/$arch.join" |
		    tee "$tmp/$arch.regdiff" | wc -l)
		if [ "$nboth" -eq 0 ]; then
			fail "$arch: no register printed both with and without the description"
		elif [ "$ndiff" -eq 0 ]; then
			pass "$arch: info registers with the description = gdb's own layout ($nboth registers)"
		else
			fail "$arch: $ndiff of $nboth registers print otherwise than gdb's own layout:"
			sed 's/^/    /' "$tmp/$arch.regdiff" | head -n 8
		fi
	fi
	case $arch in
	x86_64) want=0xffffffff8113b4d4 ;;
	i386) want=0xc10a1b2c ;;
	arm64) want=0xffffffff8113b4d4 ;;
	arm) want=0xc010a2b4 ;;
	riscv64) want=0xffffffff80a1b2c4 ;;
	esac
	if grep -q "^\$1 = $want\$" "$tmp/$arch.live"; then
		pass "$arch: \$pc = $want"
	else
		fail "$arch: \$pc is not $want"
	fi
}

if command -v gdb >/dev/null; then
	check_arch x86_64 i386:x86-64 gdb
	check_arch i386 i386 gdb
else
	fail "x86_64: gdb not installed (scripts/deps.sh)"
	fail "i386: gdb not installed (scripts/deps.sh)"
fi
if command -v gdb-multiarch >/dev/null; then
	check_arch arm64 aarch64 gdb-multiarch
	check_arch arm arm gdb-multiarch
	check_arch riscv64 riscv:rv64 gdb-multiarch
else
	for a in arm64 arm riscv64; do
		fail "$a: gdb-multiarch not installed (scripts/deps.sh)"
	done
fi
exit 0
