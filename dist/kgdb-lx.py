# SPDX-License-Identifier: GPL-2.0-or-later
# kgdb-lx.py: make the kernel's gdb helpers (vmlinux-gdb.py, lx-*) know
# that the remote end is kgdb, and find the current CPU as kgdb has it.
#
# The helpers that need the current CPU ($lx_current(), $lx_per_cpu(),
# lx-cpus ...) first guess which gdb server they talk to. Up to at least
# Linux 6.1 they take it for kgdb only when `info thread 2` names
# shadowCPU0, which fails whenever shadowCPU0 is gdb's thread 1 (a
# SysRq-g from kdb, for one); then they stop with "obtaining the current
# CPU is not yet supported with this gdb server". Even when the guess
# holds, those versions read the thread id from the third field of gdb's
# ptid, which gdb has left 0 for remote threads for years, and fail with
# an IndexError. Later kernels (6.12 has it) look for any shadowCPU and
# take the current CPU from kgdb_active. This file does the same for any
# version, on a direct line and through kgdb-bridge alike (the bridge
# answers kgdb's thread ids and names unchanged):
#
#   (gdb) source vmlinux-gdb.py
#   (gdb) source /usr/local/share/kgdb-bridge/kgdb-lx.py
#   (gdb) p $lx_current().comm
import gdb

try:
    from linux import cpus, utils
except ImportError:
    raise gdb.GdbError("kgdb-lx.py: source the kernel's vmlinux-gdb.py first")


def kgdb_current_cpu():
    """The CPU kgdb runs on: the one that stopped the kernel."""
    return int(gdb.parse_and_eval("kgdb_active.counter"))


utils.gdbserver_type = utils.GDBSERVER_KGDB
cpus.get_current_cpu = kgdb_current_cpu
