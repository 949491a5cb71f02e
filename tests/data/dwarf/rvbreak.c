/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/data/dwarf/rvbreak.c: the two symbols bridge/gdb_rvbreak.c looks
 * up in a riscv64 vmlinux, as absolute symbols at the addresses the
 * transcripts tests/data/transcripts/rvbreak*.txt use: kgdb's compiled
 * break (the lab's 6.1 kernel has it at ffffffff80005708) and the counter
 * kgdb_breakpoint() raises around it; and memset, 64 bytes, which
 * bridge/gdb_bpguard.c keeps breakpoints out of (bpguard.txt). `make
 * tests` links it into a small shared object (rvbreak-64); nothing here
 * runs.
 */
__asm__(".globl kgdb_compiled_break\n"
    ".set kgdb_compiled_break, 0xffffffff80005706\n"
    ".globl kgdb_setting_breakpoint\n"
    ".set kgdb_setting_breakpoint, 0xffffffff80a01230\n"
    ".globl memset\n"
    ".set memset, 0xffffffff80155580\n"
    ".type memset, @function\n"
    ".size memset, 0x40\n");

int	rvbreak_fixture;
