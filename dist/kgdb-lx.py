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
#
# lx-symbols on Linux 6.10 and later: the module linker script
# (scripts/module.lds.S) gained an output section `.data` without the
# address 0 that every other section there has, so the linker gives that
# one section of every .ko a non-zero address. gdb lays out the sections
# of a relocatable file itself only when all of them are at 0; otherwise
# it takes the addresses as real and moves the debug information by the
# .text offset alone. A breakpoint on a module function still lands right
# (the ELF symbols are right), but its line table, its __init/__exit
# functions and every module variable are wrong: `p &var` gives a small
# number and the frame names the wrong function. lx-symbols here loads
# such a module from a copy whose allocated sections are all back at 0
# (kept under $XDG_CACHE_HOME/kgdb-bridge/ko, one per file, size and
# time), and says so; a .ko without the fault is loaded as it is.
import errno
import hashlib
import os
import struct

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


SHF_ALLOC = 0x2
ET_REL = 1


def ko_sections_to_fix(data):
    """Offsets of the sh_addr fields of a relocatable ELF's allocated
    sections that are not at 0 (empty for anything else)."""
    if len(data) < 64 or data[:4] != b"\x7fELF" or data[4] not in (1, 2) \
            or data[5] not in (1, 2):
        return []
    wide = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    if struct.unpack_from(end + "H", data, 16)[0] != ET_REL:
        return []
    if wide:
        shoff, = struct.unpack_from(end + "Q", data, 40)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 58)
        need, flags_at, addr_at, addr_fmt = 64, 8, 16, "Q"
    else:
        shoff, = struct.unpack_from(end + "I", data, 32)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 46)
        need, flags_at, addr_at, addr_fmt = 40, 8, 12, "I"
    if shentsize < need or shoff + shnum * shentsize > len(data):
        return []
    fix = []
    for i in range(shnum):
        sh = shoff + i * shentsize
        flags, = struct.unpack_from(end + addr_fmt, data, sh + flags_at)
        addr, = struct.unpack_from(end + addr_fmt, data, sh + addr_at)
        if flags & SHF_ALLOC and addr != 0:
            fix.append((sh + addr_at, struct.calcsize(addr_fmt)))
    return fix


def ko_loadable(path):
    """The file lx-symbols should give add-symbol-file for a module: the
    module itself, or a copy with its allocated sections at 0."""
    try:
        with open(path, "rb") as f:
            data = bytearray(f.read())
        st = os.stat(path)
    except OSError:
        return path
    fix = ko_sections_to_fix(data)
    if not fix:
        return path
    for at, size in fix:
        data[at:at + size] = bytes(size)
    base = os.environ.get("XDG_CACHE_HOME") or \
        os.path.join(os.path.expanduser("~"), ".cache")
    key = hashlib.sha1(("%s %d %d" % (os.path.abspath(path), st.st_size,
                        st.st_mtime_ns)).encode()).hexdigest()[:16]
    outdir = os.path.join(base, "kgdb-bridge", "ko", key)
    out = os.path.join(outdir, os.path.basename(path))
    try:
        os.makedirs(outdir, exist_ok=True)
        tmp = out + ".%d" % os.getpid()
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, out)
    except OSError as e:
        gdb.write("kgdb-lx.py: %s has sections at non-zero addresses and "
                  "no copy could be written (%s); its debug information "
                  "will be misplaced\n" % (path, os.strerror(e.errno or
                                                            errno.EIO)))
        return path
    gdb.write("kgdb-lx.py: %s has %d section(s) at non-zero addresses; "
              "loading a copy with them at 0\n" % (os.path.basename(path),
                                                    len(fix)))
    return out


def _wrap_module_file(orig):
    def get_module_file(self, module_name):
        path = orig(self, module_name)
        return ko_loadable(path) if path else path
    return get_module_file


try:
    from linux import symbols as _lx_symbols
    _lx_symbols.LxSymbols._get_module_file = _wrap_module_file(
        _lx_symbols.LxSymbols._get_module_file)
except (ImportError, AttributeError):
    pass    # no lx-symbols in this kernel's helpers: nothing to fix

utils.gdbserver_type = utils.GDBSERVER_KGDB
cpus.get_current_cpu = kgdb_current_cpu
if not utils.is_target_arch("x86"):
    cpus.get_current_task = kgdb_current_task
