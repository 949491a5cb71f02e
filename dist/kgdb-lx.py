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
# answers kgdb's thread ids and names unchanged).
#
# $lx_current() itself reads a register on arm64 ($SP_EL0, which holds
# the current task in the kernel) and on riscv64 ($tp and $sscratch), and
# knows no other architecture but x86. kgdb's register set has neither
# SP_EL0 nor sscratch, so there it ends in "Invalid cast" (6.12) or a
# missing register, with or without the bridge. kgdb keeps what it needs
# itself: kgdb_info[cpu].task is the task each stopped CPU was running,
# the one kgdb answers for that CPU's shadowCPU thread. Outside x86 this
# file takes the current task from there:
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


def kgdb_current_task(cpu=-1):
    """The task kgdb found on a CPU (-1: the one that stopped the kernel)."""
    cpu = int(cpu)
    if cpu == -1:
        cpu = kgdb_current_cpu()
    info = gdb.parse_and_eval("kgdb_info")
    lo, hi = info.type.range()
    if cpu < lo or cpu > hi:
        raise gdb.GdbError("kgdb-lx.py: no CPU %d (kgdb_info has %d..%d)"
                           % (cpu, lo, hi))
    task = info[cpu]["task"]
    if int(task) == 0:
        raise gdb.GdbError("kgdb-lx.py: CPU %d is not stopped in kgdb "
                           "(kgdb_info[%d].task is NULL)" % (cpu, cpu))
    return task.dereference()


utils.gdbserver_type = utils.GDBSERVER_KGDB
cpus.get_current_cpu = kgdb_current_cpu
if not utils.is_target_arch("x86"):
    cpus.get_current_task = kgdb_current_task
