#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/io_qemu.sh: kgdb-bridge's transports against the real
# kernel under QEMU (TCG): telnet (QEMU turns IAC BRK into a UART BREAK, so
# a break-in must reach kdb) and a Unix socket across a QEMU restart.
# Builds the virtual lab if needed (scripts/lab-build.sh); FAILs when it
# cannot, since `make check` installs everything the lab needs.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
cases="qemu-telnet qemu-unix-restart"
# fail_all WHY: every case fails for one reason (a skip would prove nothing).
fail_all() { for c in $cases; do echo "FAIL: io_qemu: $c: $1"; done; exit 1; }
[ -x "$BUILD/kgdb-bridge" ] || fail_all "no $BUILD/kgdb-bridge"
command -v python3 >/dev/null || fail_all "no python3"
command -v qemu-system-x86_64 >/dev/null || fail_all "no qemu-system-x86_64"
lab=$(scripts/lab-build.sh) || fail_all "the lab did not build (scripts/lab-build.sh)"
[ -r "$lab/bzImage" ] && [ -r "$lab/initramfs.cpio.gz" ] || fail_all "lab incomplete at $lab"
exec python3 tests/integration/io_qemu.py "$BUILD/kgdb-bridge" "$lab"
