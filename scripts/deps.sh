#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian packages kgdb-bridge needs, but only those missing.
# Usage: scripts/deps.sh [build|lab|all]   (default: build)
#   build  compiler, libraries and test tools for `make` and `make check`
#   lab    the virtual lab: QEMU, the kernel source and what builds it,
#          for every architecture of the lab matrix (x86_64, arm64): the
#          cross compilers, and dpkg's foreign architectures so that
#          scripts/lab-build.sh can fetch each one's busybox-static
# Safe to run twice or concurrently: apt-get serialises on its own lock and
# this script waits for it.
set -eu

build_pkgs="build-essential pkg-config libcmocka-dev libevent-dev
libserialport-dev libncurses-dev libelf-dev libdw-dev libjansson-dev clang gdb gdb-multiarch tmux python3
ser2net libinih-dev udev systemd debhelper lintian"
lab_pkgs="qemu-system-x86 linux-source-6.1 busybox-static cpio bc flex bison
libssl-dev libelf-dev dwarves xz-utils kmod procps file
qemu-system-arm gcc-aarch64-linux-gnu"
# Guest architectures whose busybox-static comes from Debian's archive.
lab_foreign="arm64"

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
[ -z "$missing" ] && [ -z "$newarch" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
for a in $newarch; do
	echo "deps: adding dpkg architecture $a" >&2
	$SUDO dpkg --add-architecture "$a"
done
echo "deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# The package lists may be absent on a fresh machine: update once.
stamp=/var/lib/apt/periodic/kgdb-bridge-update-stamp
if [ ! -e "$stamp" ] || [ -n "$newarch" ]; then
	$SUDO apt-get -o DPkg::Lock::Timeout=600 update -q >&2
	$SUDO mkdir -p "$(dirname "$stamp")" && $SUDO touch "$stamp"
fi
[ -z "$missing" ] && exit 0
# shellcheck disable=SC2086
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
	$missing >&2
