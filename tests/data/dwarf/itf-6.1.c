/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/data/dwarf/itf-6.1.c: what bridge/sleepers.c reads from a
 * vmlinux, for a fixture: the frame an x86_64 Linux 6.1 task leaves at
 * thread.sp when it is switched out (arch/x86/include/asm/switch_to.h,
 * restated), and the symbols that bound kernel text and the init task's
 * stack (absolute, at the addresses of the lab's nokaslr kernel: text
 * 0xffffffff81000000-0xffffffff81400000, a 16 KiB stack). `make tests`
 * builds it with -g (itf-6.1-64) and without (itf-6.1-64-nodebug);
 * tests/data/transcripts/sleepers*.txt use them. Nothing here runs.
 */
struct inactive_task_frame {
	unsigned long	r15;
	unsigned long	r14;
	unsigned long	r13;
	unsigned long	r12;
	unsigned long	bx;
	unsigned long	bp;
	unsigned long	ret_addr;
};

struct inactive_task_frame	*itf_frame;

/* The init stack's bounds as 6.1 names them (itf-6.12.c: as 6.10 on). */
#ifndef ITF_STACK
#define ITF_STACK	"task"
#endif

__asm__(".globl _stext\n.set _stext, 0xffffffff81000000\n"
    ".globl _etext\n.set _etext, 0xffffffff81400000\n"
    ".globl __start_init_" ITF_STACK "\n"
    ".set __start_init_" ITF_STACK ", 0xffffffff81800000\n"
    ".globl __end_init_" ITF_STACK "\n"
    ".set __end_init_" ITF_STACK ", 0xffffffff81804000\n");
