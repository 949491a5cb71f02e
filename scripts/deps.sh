#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian packages kgdb-bridge needs, but only those missing.
# Usage: scripts/deps.sh [build|lab|all]   (default: build)
#   build  compiler, libraries and test tools for `make` and `make check`
#   lab    the virtual lab: QEMU, the kernel sources (6.1 and 6.12) and
#          what builds them, for every architecture of the lab matrix
#          (x86_64, arm64, arm, riscv64): the cross compilers, dpkg's
#          foreign architectures so that scripts/lab-build.sh can fetch
#          each one's busybox-static, and Debian's source packages (deb-src)
#          for riscv64, whose busybox it builds (Debian 12 has no riscv64
#          packages)
# Safe to run twice or concurrently: apt-get serialises on its own lock and
# this script waits for it.
set -eu

build_pkgs="build-essential pkg-config libcmocka-dev libevent-dev
libserialport-dev libncurses-dev libelf-dev libdw-dev libjansson-dev clang gdb gdb-multiarch tmux python3
ser2net libinih-dev udev systemd debhelper lintian"
lab_pkgs="qemu-system-x86 linux-source-6.1 linux-source-6.12 busybox-static
cpio bc flex bison libssl-dev libelf-dev dwarves xz-utils kmod procps file
qemu-system-arm gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf
qemu-system-misc gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
dpkg-dev"
# Guest architectures whose busybox-static comes from Debian's archive.
lab_foreign="arm64 armhf"
# The deb-src list (for riscv64's busybox), written once if missing.
lab_src=/etc/apt/sources.list.d/kgdb-bridge-src.sources

foreign=
case "${1:-build}" in
build) want=$build_pkgs ;;
lab) want=$lab_pkgs foreign=$lab_foreign ;;
all) want="$build_pkgs $lab_pkgs" foreign=$lab_foreign ;;
*) echo "usage: $0 [build|lab|all]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$s" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
newarch=
for a in $foreign; do
	dpkg --print-foreign-architectures | grep -qx "$a" || newarch="$newarch $a"
done
newsrc=
if [ -n "$foreign" ] && [ ! -e "$lab_src" ] &&
    ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	newsrc=$lab_src
fi
[ -z "$missing" ] && [ -z "$newarch" ] && [ -z "$newsrc" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
for a in $newarch; do
	echo "deps: adding dpkg architecture $a" >&2
	$SUDO dpkg --add-architecture "$a"
done
if [ -n "$newsrc" ]; then
	echo "deps: adding Debian's source packages (deb-src) in $newsrc" >&2
	. /etc/os-release
	printf '%s\n' "Types: deb-src" "URIs: http://deb.debian.org/debian" \
	    "Suites: $VERSION_CODENAME" "Components: main" \
	    "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
	    $SUDO tee "$newsrc" >/dev/null
fi
echo "deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# The package lists may be absent on a fresh machine: update once.
stamp=/var/lib/apt/periodic/kgdb-bridge-update-stamp
if [ ! -e "$stamp" ] || [ -n "$newarch" ] || [ -n "$newsrc" ]; then
	$SUDO apt-get -o DPkg::Lock::Timeout=600 update -q >&2
	$SUDO mkdir -p "$(dirname "$stamp")" && $SUDO touch "$stamp"
fi
[ -z "$missing" ] && exit 0
# shellcheck disable=SC2086
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
	$missing >&2
