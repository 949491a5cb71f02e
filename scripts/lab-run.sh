#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Boot the virtual-lab kernel under QEMU (TCG) with its UART on a socket or
# pty, print where, and tear everything down on exit, INT, TERM, or when the
# process that started us goes away.
#
# usage: scripts/lab-run.sh [options]
#   --serial tcp[:PORT] | telnet[:PORT] | unix[:PATH] | pty
#                       UART endpoint (default tcp:0, a free port).  telnet
#                       turns a telnet BREAK (IAC BRK) into a UART BREAK.
#   --no-wait           don't hold the guest until the first client connects
#   --mode MODE         lab.mode= (idle flood oops panic sysrq sleepers shell)
#   --kgdbwait          stop in kgdb early in boot
#   --flood N --after S --tick S   lab.flood= lab.after= lab.tick=
#   --append ARGS       extra kernel command line
#   --smp N             CPUs (default 2)
#   --arch A            the lab cell's architecture: x86_64 (default),
#                       arm64, arm or riscv64 (LAB_ARCH)
#   --kernel V          the lab cell's kernel version: 6.1 (default) or
#                       6.12 (LAB_KVER)
#   --dir DIR           run directory (pidfile, logs, info; default a temp dir)
#   --info FILE         also write KEY=VALUE lines (LAB_SERIAL, LAB_QEMU_PID,
#                       LAB_MONITOR, LAB_VMLINUX, LAB_DIR) there
#   --watch PID         also stop when PID exits (default: our parent)
#   --background        return once the endpoint is known; QEMU and a
#                       watchdog stay up until --watch PID exits or
#                       `kill $(cat DIR/qemu.pid)`
# The lab is built on first use (scripts/lab-build.sh).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)

serial=tcp:0 wait=on mode=idle kgdbwait= flood= after= tick= append= smp=
arch=${LAB_ARCH:-x86_64} kver=${LAB_KVER:-6.1}
dir= info= watch=$PPID background=0
usage() { sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in
	--serial) serial=$2; shift ;;
	--no-wait) wait=off ;;
	--mode) mode=$2; shift ;;
	--kgdbwait) kgdbwait=kgdbwait ;;
	--flood) flood=$2; shift ;;
	--after) after=$2; shift ;;
	--tick) tick=$2; shift ;;
	--append) append=$2; shift ;;
	--smp) smp=$2; shift ;;
	--arch) arch=$2; shift ;;
	--kernel) kver=$2; shift ;;
	--dir) dir=$2; shift ;;
	--info) info=$2; shift ;;
	--watch) watch=$2; shift ;;
	--background) background=1 ;;
	-h|--help) usage ;;
	*) echo "lab-run: unknown option $1" >&2; usage ;;
	esac
	shift
done

lab=$("$here/scripts/lab-build.sh" --arch "$arch" --kernel "$kver")
tty=ttyS0
# shellcheck disable=SC1091
[ -r "$lab/cell" ] && . "$lab/cell" && tty=$LAB_TTY
[ -n "$dir" ] || dir=$(mktemp -d "${TMPDIR:-/tmp}/kgdb-lab.XXXXXX")
mkdir -p "$dir"
pidfile=$dir/qemu.pid
qlog=$dir/qemu.log
mon=$dir/monitor.sock
rm -f "$pidfile" "$qlog" "$mon"

case "$serial" in
tcp|tcp:*|telnet|telnet:*)
	proto=${serial%%:*}
	port=${serial#*:}
	[ "$port" = "$serial" ] && port=0
	tel=
	[ "$proto" = telnet ] && tel=,telnet=on
	if [ "$port" = 0 ] && [ "$wait" = off ]; then
		# QEMU only reports a port it picked while it waits; pick one
		# below the ephemeral range, where no connection's own end is.
		read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null
		[ "${lo:-0}" -gt 21000 ] 2>/dev/null || lo=32768
		while :; do
			port=$((20000 + RANDOM % (lo - 20000)))
			(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
		done
	fi
	# nodelay: kgdb writes its replies a character at a time, and with
	# Nagle each reply waited for the client's delayed ACK (about 40 ms
	# per request, direct and through the bridge alike).
	chardev="socket,id=s0,host=127.0.0.1,port=$port,server=on,wait=$wait,nodelay=on$tel"
	;;
unix|unix:*)
	path=${serial#unix:}
	[ "$path" = unix ] && path=$dir/serial.sock
	rm -f "$path"
	chardev="socket,id=s0,path=$path,server=on,wait=$wait"
	;;
pty) chardev="pty,id=s0" ;;
*) echo "lab-run: bad --serial $serial" >&2; exit 2 ;;
esac

# One block per architecture: QEMU and its machine, and what the kernel
# command line needs there.
case "$arch" in
x86_64)
	# no_timer_check: under TCG on a busy host the IO-APIC timer check
	# can fail and panic at boot ("IO-APIC + timer doesn't work!").
	# tsc=reliable: on a busy host the clocksource watchdog sees TSC skew
	# and prints a warning at a random moment, in the middle of whatever
	# a test compares.
	# The CPUs go in as one socket each: without ACPI (tinyconfig has
	# none) the kernel finds CPUs only in SeaBIOS's MP table, which has
	# one entry per socket, so "-smp 2" (QEMU 7.2 makes that one socket
	# with two cores) came up with a single CPU.
	qemu=(qemu-system-x86_64 -vga none)
	archargs="no_timer_check tsc=reliable"
	: "${smp:=2}"
	smpargs="$smp,sockets=$smp,cores=1,threads=1"
	;;
arm64)
	# QEMU's virt board: a PL011 at 0x09000000 (ttyAMA0), GICv2, PSCI
	# for the secondary CPUs.  rodata=off: kernel text is read-only on
	# arm64 whatever the config (STRICT_KERNEL_RWX has no prompt there);
	# see hw-tests/README.md for why the lab turns it off.
	qemu=(qemu-system-aarch64 -M virt -cpu cortex-a57)
	archargs="rodata=off"
	: "${smp:=2}"
	smpargs=$smp
	;;
arm)
	# QEMU's virt board for 32-bit ARM: the same PL011 (ttyAMA0), GIC and
	# PSCI as arm64.  highmem=off: this kernel has no LPAE, so nothing
	# (PCIe windows) may sit above 4 GiB.  Text stays read-only: arm's
	# kgdb writes breakpoints through __patch_text (hw-tests/README.md).
	qemu=(qemu-system-arm -M virt,highmem=off -cpu cortex-a15)
	archargs=
	: "${smp:=2}"
	smpargs=$smp
	;;
riscv64)
	# QEMU's virt board: OpenSBI (QEMU's own copy, -bios default) starts
	# the kernel in S-mode and the secondary CPUs through SBI HSM; the
	# UART is an ns16550a (ttyS0).  The kernel is built without
	# STRICT_KERNEL_RWX and STRICT_MODULE_RWX (hw-tests/README.md):
	# kgdb plants breakpoints with a plain write into text, module text
	# too. With module text read-only a breakpoint there hung 6.1 (the
	# write faulted for ever in vmalloc_fault()) unless rodata=off, and
	# failed with E14 on 6.12 whatever rodata said. rodata=off stays,
	# for kernels built before the fragment said so.
	# riscv_isa_fallback: QEMU 7.2 describes each hart with the old
	# "riscv,isa" string only; from 6.5 on a kernel built without
	# RISCV_ISA_FALLBACK (tinyconfig leaves it off) finds no usable hart
	# and stops at BUG_ON(!found_boot_cpu) before the console is up.
	# The kernel logs "Malformed early option" for it and still obeys.
	qemu=(qemu-system-riscv64 -M virt -bios default)
	archargs=rodata=off
	case "$kver" in 6.1) ;; *) archargs="$archargs riscv_isa_fallback" ;; esac
	: "${smp:=2}"
	smpargs=$smp
	;;
*) echo "lab-run: no lab for architecture '$arch' (x86_64, arm64, arm, riscv64)" >&2; exit 2 ;;
esac

cmdline="nokaslr $archargs console=$tty,115200 kgdboc=$tty,115200 $kgdbwait lab.mode=$mode"
[ -n "$flood" ] && cmdline="$cmdline lab.flood=$flood"
[ -n "$after" ] && cmdline="$cmdline lab.after=$after"
[ -n "$tick" ] && cmdline="$cmdline lab.tick=$tick"
[ -n "$append" ] && cmdline="$cmdline $append"

qpid=
wdpid=
cleanup() {
	trap - EXIT INT TERM
	[ -n "$wdpid" ] && kill "$wdpid" 2>/dev/null
	local p=$qpid
	[ -z "$p" ] && [ -s "$pidfile" ] && p=$(cat "$pidfile")
	if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
		kill -TERM "$p" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$p" 2>/dev/null
	fi
	rm -f "$pidfile"
}

"${qemu[@]}" -accel tcg -m 256 -smp "$smpargs" -no-reboot \
	-nodefaults -display none \
	-kernel "$lab/kernel" -initrd "$lab/initramfs.cpio.gz" \
	-append "$cmdline" \
	-chardev "$chardev" -serial chardev:s0 \
	-monitor "unix:$mon,server=on,wait=off" \
	-pidfile "$pidfile" >"$qlog" 2>&1 &	# a pty's name comes on stdout
qpid=$!
if [ "$background" = 0 ]; then
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
fi

# Watchdog: QEMU must not outlive whoever asked for it.
launcher=$$
(
	trap '' INT
	while kill -0 "$qpid" 2>/dev/null; do
		if ! kill -0 "$watch" 2>/dev/null ||
		    { [ "$background" = 0 ] && ! kill -0 "$launcher" 2>/dev/null; }; then
			kill -TERM "$qpid" 2>/dev/null
			sleep 1
			kill -KILL "$qpid" 2>/dev/null
			break
		fi
		sleep 0.5
	done
) </dev/null >/dev/null 2>&1 &
wdpid=$!

# Find the endpoint QEMU actually opened.
where=
for _ in $(seq 1 100); do
	kill -0 "$qpid" 2>/dev/null || break
	case "$chardev" in
	socket*)
		l=
		if [ "$wait" = on ]; then
			l=$(grep -o 'waiting for connection on: [^ ]*' "$qlog" 2>/dev/null | head -n 1)
			l=${l#*disconnected:}
			l=${l%%,*}
		elif [ -S "$mon" ]; then
			case "$chardev" in
			*path=*) l=unix:$path ;;
			*) l=tcp:127.0.0.1:$port ;;
			esac
		fi
		case "$l" in
		tcp:*|telnet:*)
			p=${l##*:}
			if [ "$proto" = telnet ]; then where=telnet:127.0.0.1:$p; else where=tcp:127.0.0.1:$p; fi
			;;
		unix:*) where=unix:${l#unix:} ;;
		esac
		;;
	pty*)
		l=$(grep -o 'redirected to /dev/pts/[0-9]*' "$qlog" 2>/dev/null | head -n 1)
		[ -n "$l" ] && where=${l#redirected to }
		;;
	esac
	[ -n "$where" ] && break
	sleep 0.1
done
if [ -z "$where" ]; then
	echo "lab-run: QEMU did not come up:" >&2
	cat "$qlog" >&2
	[ "$background" = 1 ] && cleanup
	exit 1
fi

echo "lab-run: serial on $where (vmlinux $lab/vmlinux, qemu pid $qpid, dir $dir)" >&2
if [ -n "$info" ]; then
	{
		echo "LAB_SERIAL=$where"
		echo "LAB_QEMU_PID=$qpid"
		echo "LAB_MONITOR=$mon"
		echo "LAB_VMLINUX=$lab/vmlinux"
		echo "LAB_BUILD=$lab"
		echo "LAB_ARCH=$arch"
		echo "LAB_TTY=$tty"
		echo "LAB_SMP=$smp"
		echo "LAB_DIR=$dir"
		echo "LAB_WATCHDOG_PID=$wdpid"
	} >"$info.tmp"
	mv "$info.tmp" "$info"
fi
echo "$where"
[ "$background" = 1 ] && exit 0
set +e
wait "$qpid"
rc=$?
qpid=
exit $rc
