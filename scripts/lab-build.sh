#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build a virtual-lab kernel and initramfs once, into a cache outside the
# repository, and print the cache directory on stdout (progress on stderr).
#
#   scripts/lab-build.sh [--arch A] [--kernel V]          build if needed,
#                                   print the directory
#   scripts/lab-build.sh [--arch A] [--kernel V] --path   print the directory
#                                   it would use; exit 1 if not built yet
#
# A lab cell is an architecture and a kernel version: --arch (or LAB_ARCH)
# is x86_64 (the default), arm64, arm or riscv64; --kernel (or LAB_KVER)
# is 6.1 (the default) or 6.12, built from Debian's
# /usr/src/linux-source-V.tar.xz.
# The directory holds the kernel image (kernel, and bzImage on x86_64),
# vmlinux (with DWARF) and initramfs.cpio.gz.  The kernel is keyed by a
# hash of the config fragment, the kernel source, the architecture and
# $recipe below (bump it when the kernel steps change); the initramfs adds
# a hash of the init script, busybox and this script, so editing /init
# repacks the initramfs (a second) without rebuilding the kernel.
# Two runs at once are safe: the second waits on a lock and then finds the
# result.  Knobs: KGDB_LAB_CACHE (default $XDG_CACHE_HOME/kgdb-bridge/lab),
# KGDB_LAB_JOBS (default 3), KGDB_LAB_SRC (default Debian's tarball).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
arch=${LAB_ARCH:-x86_64}
kver=${LAB_KVER:-6.1}
pathonly=0
while [ $# -gt 0 ]; do
	case "$1" in
	--arch) arch=$2; shift ;;
	--kernel) kver=$2; shift ;;
	--path) pathonly=1 ;;
	*) echo "lab-build: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
init=$here/hw-tests/lab/init
self=$here/scripts/lab-build.sh
src_tar=${KGDB_LAB_SRC:-/usr/src/linux-source-$kver.tar.xz}
cache=${KGDB_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kgdb-bridge/lab}
jobs=${KGDB_LAB_JOBS:-3}

# One block per architecture: the kernel's ARCH and cross compiler, the
# fragment, the image make builds and where it lands, Debian's name for
# the architecture (for busybox-static) and the console tty with its
# device numbers.
case "$arch" in
x86_64)
	karch=x86_64 cross= frag=$here/hw-tests/lab/kgdb.config
	target=bzImage image=arch/x86/boot/bzImage
	debarch=amd64 tty=ttyS0 ttydev="4 64"
	;;
arm64)
	karch=arm64 cross=aarch64-linux-gnu- frag=$here/hw-tests/lab/kgdb-arm64.config
	target=Image image=arch/arm64/boot/Image
	debarch=arm64 tty=ttyAMA0 ttydev="204 64"
	;;
arm)
	karch=arm cross=arm-linux-gnueabihf- frag=$here/hw-tests/lab/kgdb-arm.config
	target=zImage image=arch/arm/boot/zImage
	debarch=armhf tty=ttyAMA0 ttydev="204 64"
	;;
riscv64)
	karch=riscv cross=riscv64-linux-gnu- frag=$here/hw-tests/lab/kgdb-riscv64.config
	target=Image image=arch/riscv/boot/Image
	debarch=riscv64 tty=ttyS0 ttydev="4 64"
	;;
*)
	echo "lab-build: error: no lab for architecture '$arch' (x86_64, arm64, arm, riscv64)" >&2
	exit 2
	;;
esac

say() { echo "lab-build: $*" >&2; }
die() { echo "lab-build: error: $*" >&2; exit 1; }

[ -r "$src_tar" ] || die "no kernel source at $src_tar (run: scripts/deps.sh lab)"
# What differs between kernel versions goes in a per-version fragment next
# to the architecture's: kgdb-6.12.config (x86_64), kgdb-arm64-6.12.config.
# It is merged after the base one; its "# lab-gone: CONFIG_X" lines name
# options of the base fragment that this version no longer has (they are
# then neither merged nor checked).  A version without such a file builds
# from the base fragment alone, and its key stays what it was.
vfrag=${frag%.config}-$kver.config
[ -r "$vfrag" ] || vfrag=
gone=
[ -z "$vfrag" ] || gone=$(sed -n 's/^# lab-gone: \(CONFIG_[A-Za-z0-9_]*\).*/\1/p' "$vfrag" | paste -sd "|")
recipe=1
srcver=$(basename "$src_tar")-$(stat -c %s "$src_tar")
# x86_64 keeps the key it had before there were other architectures (its
# kernel stays cached); every other one hashes its name and compiler too.
archkey=
[ "$arch" = x86_64 ] || archkey="arch $arch $karch $cross"
kkey=$( (cat "$frag" ${vfrag:+"$vfrag"}; echo "$srcver recipe $recipe"
	[ -z "$archkey" ] || echo "$archkey") | sha256sum | cut -c1-16)

# busybox-static for the guest: the host's own when it is the same
# architecture, else Debian's package for the guest's, fetched once into
# the cache (scripts/deps.sh lab enables the foreign architecture).
# Debian 12 has no riscv64 packages: there busybox is built once from
# Debian's busybox source package with the cross compiler and Debian's
# own static configuration (scripts/deps.sh lab enables deb-src).
hostarch=$(dpkg --print-architecture 2>/dev/null || echo unknown)
bb_from_source() { # into $cache/busybox-$debarch.tmp/x/bin/busybox
	local t=$cache/busybox-$debarch.tmp
	(cd "$t" && apt-get source --download-only -q busybox >&2 &&
	    dpkg-source -x -q busybox_*.dsc src >&2) || return 1
	cp "$t/src/debian/config/pkg/static" "$t/src/.config"
	(cd "$t/src" && yes "" | make CROSS_COMPILE="$cross" oldconfig >&2 &&
	    make CROSS_COMPILE="$cross" -j"$jobs" busybox >&2) || return 1
	mkdir -p "$t/x/bin"
	cp "$t/src/busybox" "$t/x/bin/busybox"
}
if [ "$debarch" = "$hostarch" ]; then
	busybox=/bin/busybox
else
	busybox=$cache/busybox-$debarch/bin/busybox
	if [ ! -x "$busybox" ] && [ "$pathonly" = 0 ]; then
		rm -rf "$cache/busybox-$debarch.tmp"
		mkdir -p "$cache/busybox-$debarch.tmp"
		if [ "$debarch" = riscv64 ]; then
			say "building busybox for $debarch from Debian's source (a few minutes)"
			bb_from_source ||
			    die "cannot build busybox for $debarch (run: scripts/deps.sh lab)"
		else
			(cd "$cache/busybox-$debarch.tmp" &&
			    apt-get download -q "busybox-static:$debarch" >&2 &&
			    dpkg-deb -x busybox-static_*_"$debarch".deb x) ||
			    die "cannot fetch busybox-static:$debarch (run: scripts/deps.sh lab)"
		fi
		rm -rf "$cache/busybox-$debarch"
		mv "$cache/busybox-$debarch.tmp/x" "$cache/busybox-$debarch"
		rm -rf "$cache/busybox-$debarch.tmp"
	fi
fi
modsrc=$here/hw-tests/lab/module
ikey=$( (cat "$init" "$self" "$modsrc"/*; [ -r "$busybox" ] && cat "$busybox") |
	sha256sum | cut -c1-8)
kout=$cache/$kkey
out=$cache/$kkey-$ikey

if [ "$pathonly" = 1 ]; then
	echo "$out"
	[ -e "$out/done" ]
	exit
fi

if [ -e "$out/done" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/$kkey.lock"
if ! flock -n 9; then
	say "another build of $kkey is running; waiting for it"
	flock 9
fi
if [ -e "$out/done" ]; then
	echo "$out"
	exit 0
fi

for t in make gcc flex bison bc cpio gzip xz perl ${cross:+${cross}gcc}; do
	command -v $t >/dev/null 2>&1 || die "missing $t (run: scripts/deps.sh lab)"
done
[ -x "$busybox" ] || die "missing $busybox (package busybox-static:$debarch)"
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$busybox" 2>&1 | grep -q 'not a dynamic' ||
	die "$busybox is not static (install busybox-static)"

start=$(date +%s)
srcdir=$cache/src-$(echo "$srcver" | sha256sum | cut -c1-12)
if [ ! -e "$kout/done" ]; then

# One shared, unpacked source tree per tarball (read-only once unpacked;
# each configuration builds out of tree with O=).
exec 8>"$srcdir.lock"
flock 8
if [ ! -e "$srcdir/.unpacked" ]; then
	say "unpacking $src_tar (about a minute)"
	rm -rf "$srcdir" "$srcdir.tmp"
	mkdir -p "$srcdir.tmp"
	tar -xJf "$src_tar" -C "$srcdir.tmp" --strip-components=1
	mv "$srcdir.tmp" "$srcdir"
	touch "$srcdir/.unpacked"
fi
flock -u 8

rm -rf "$kout"
obj=$kout/obj
mkdir -p "$obj"
log=$kout/build.log
say "building the $arch $kver kernel in $kout (log: $log)"

kmake() {
	make -C "$srcdir" O="$obj" ARCH=$karch ${cross:+CROSS_COMPILE=$cross} "$@"
}

kmake tinyconfig >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "tinyconfig failed"; }
# The fragments as this version takes them: the base without its gone
# options, then the version's own.
want=$kout/fragment.config
grep -v -E "^(# )?(${gone:-NONE_GONE})[= ]" "$frag" >"$want" || true
[ -z "$vfrag" ] || cat "$vfrag" >>"$want"
(cd "$obj" && ARCH=$karch "$srcdir/scripts/kconfig/merge_config.sh" -m \
	.config "$want") >>"$log" 2>&1 ||
	{ tail -n 30 "$log" >&2; die "merge_config failed"; }
kmake olddefconfig >>"$log" 2>&1 || { tail -n 30 "$log" >&2; die "olddefconfig failed"; }

# Every line of the fragment must have survived the dependency resolution.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qx "$line" "$obj/.config" || {
			say "not set as asked: $line (got: $(grep "^${line%%=*}=" "$obj/.config" || echo unset))"
			bad=1
		}
		;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }
		sym=${sym%% *}
		if grep -q "^$sym=" "$obj/.config"; then
			say "should be unset: $sym"
			bad=1
		fi
		;;
	esac
done <"$want"
[ $bad -eq 0 ] || die "config fragment did not apply (see $obj/.config)"

say "compiling with make -j$jobs (about 4 minutes on 2 cores)"
# Show one progress line every 20 objects rather than the whole log.
set +e
(
	# With modules, "modules" also writes Module.symvers, which the
	# lab's own module (hw-tests/lab/module) is built against.
	mods=
	grep -qx CONFIG_MODULES=y "$obj/.config" && mods=modules
	kmake -j"$jobs" "$target" vmlinux $mods 2>&1
	echo "lab-build-rc=$?"
) | tee -a "$log" | awk '
	/^lab-build-rc=/ { sub(/^lab-build-rc=/, ""); rc = $0; next }
	/^  (CC|AS|LD|AR)/ { n++; if (n % 100 == 0) { printf "lab-build: %d objects... %s\n", n, $2; fflush() } }
	END { exit rc }' >&2
rc=$?
set -e
if [ $rc -ne 0 ]; then
	grep -E 'error|Error' "$log" | tail -n 20 >&2 || true
	die "kernel build failed (rc $rc; log: $log)"
fi

cp "$obj/$image" "$kout/$(basename "$image")"
ln -sf obj/vmlinux "$kout/vmlinux"
cp "$obj/.config" "$kout/config"
echo "$(($(date +%s) - start))" >"$kout/build-seconds"
touch "$kout/done"
say "kernel built in $(cat "$kout/build-seconds") s"
fi

# gdb's lx- helpers (vmlinux-gdb.py and scripts/gdb/linux with its
# generated constants.py) are not part of the bzImage/vmlinux targets:
# make them here, once per kernel, under the kernel's lock.
if grep -qx CONFIG_GDB_SCRIPTS=y "$kout/config" &&
    [ ! -e "$kout/obj/scripts/gdb/linux/constants.py" ]; then
	make -C "$srcdir" O="$kout/obj" ARCH=$karch ${cross:+CROSS_COMPILE=$cross} \
	    scripts_gdb >>"$kout/build.log" 2>&1 ||
	    { tail -n 20 "$kout/build.log" >&2; die "make scripts_gdb failed (log: $kout/build.log)"; }
fi

# initramfs: busybox-static plus our /init, packed with the kernel's own
# gen_init_cpio (it makes /dev/console without needing root).
rm -rf "$out"
mkdir -p "$out"
cc -O2 -o "$out/gen_init_cpio" "$srcdir/usr/gen_init_cpio.c"
cat >"$out/initramfs.list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
nod /dev/$tty 0600 0 0 c $ttydev
nod /dev/null 0666 0 0 c 1 3
dir /bin 0755 0 0
dir /sbin 0755 0 0
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /tmp 1777 0 0
dir /root 0700 0 0
file /bin/busybox $busybox 0755 0 0
slink /bin/sh busybox 0777 0 0
file /init $init 0755 0 0
LIST
# The lab's module, when the kernel takes modules: built out of tree
# against this kernel, loaded by /init, and kept in modules/ for gdb's
# lx-symbols.
if grep -qx CONFIG_MODULES=y "$kout/config"; then
	mkdir -p "$out/modules" "$out/module-src"
	cp "$modsrc"/* "$out/module-src/"
	make -C "$srcdir" O="$kout/obj" ARCH=$karch ${cross:+CROSS_COMPILE=$cross} \
	    M="$out/module-src" modules >"$out/module.log" 2>&1 ||
	    { tail -n 20 "$out/module.log" >&2; die "the lab module did not build (log: $out/module.log)"; }
	cp "$out/module-src/kgdb_lab.ko" "$out/modules/"
	cat >>"$out/initramfs.list" <<LIST
dir /lib 0755 0 0
dir /lib/modules 0755 0 0
file /lib/modules/kgdb_lab.ko $out/modules/kgdb_lab.ko 0644 0 0
LIST
fi
"$out/gen_init_cpio" "$out/initramfs.list" | gzip -9 >"$out/initramfs.cpio.gz"
ln -sf "../$kkey/$(basename "$image")" "$out/$(basename "$image")"
ln -sf "../$kkey/$(basename "$image")" "$out/kernel"
{
	echo "LAB_ARCH=$arch"
	echo "LAB_KVER=$kver"
	echo "LAB_TTY=$tty"
	echo "LAB_BUILD_SECONDS=$(cat "$kout/build-seconds" 2>/dev/null || echo 0)"
} >"$out/cell"
ln -sf "../$kkey/obj/vmlinux" "$out/vmlinux"
# gdb's lx-* helpers load from here (add-auto-load-safe-path this dir).
ln -sf "../$kkey/obj/vmlinux-gdb.py" "$out/vmlinux-gdb.py"
ln -sf "../$kkey/obj/scripts" "$out/scripts"
ln -sf "../$kkey/config" "$out/config"
touch "$out/done"
say "ready in $(($(date +%s) - start)) s: $out"
echo "$out"
