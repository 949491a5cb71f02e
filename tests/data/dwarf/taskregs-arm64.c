/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/data/dwarf/taskregs-arm64.c: what bridge/taskregs.c reads from a
 * vmlinux, for a fixture: an arm64 task_struct cut down to the members
 * the task walk and kgdb's sleeping-task registers use (the list links,
 * pid, the thread group's list, thread.cpu_context), the signal_struct's
 * thread list head, kgdb's per-CPU struct debuggerinfo_struct
 * (kernel/debug/debug_core.h), and the variables init_task, kgdb_info[16]
 * and nr_cpu_ids, placed at kernel addresses by `make tests`
 * (--section-start=.kdata=0xffff800009a00000). Offsets that result:
 * tasks 0x108, pid 0x158, thread_node 0x180, signal 0x190, cpu_context
 * 0x218 (104 bytes), thread_head 0x8; init_task 0xffff800009a00000,
 * kgdb_info 0xffff800009a002a0 (40-byte entries), nr_cpu_ids
 * 0xffff800009a00520. Then arm64's struct pt_regs as the kernel has it
 * (regs[31], sp, pc and pstate inside an anonymous union; 0x110 bytes
 * read from its start) and kgdb_active, at 0xffff800009a00524, after
 * nr_cpu_ids. tests/data/transcripts/taskregs*.txt and
 * tests/unit/test_taskregs.c use it. Nothing here runs.
 */
struct list_head {
	struct list_head	*next, *prev;
};

struct cpu_context {
	unsigned long	x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
	unsigned long	fp, sp, pc;
};

struct thread_struct {
	struct cpu_context	cpu_context;
	unsigned long		other;
};

struct signal_struct {
	int			sigcnt;
	int			live;
	struct list_head	thread_head;
};

struct task_struct {
	unsigned int		 __state;
	int			 on_cpu;
	char			 pad[0x100];
	struct list_head	 tasks;
	char			 pad2[0x40];
	int			 pid;
	int			 tgid;
	char			 pad3[0x20];
	struct list_head	 thread_node;
	struct signal_struct	*signal;
	char			 pad4[0x80];
	struct thread_struct	 thread;
};

struct debuggerinfo_struct {
	void			*debuggerinfo;
	struct task_struct	*task;
	int			 exception_state;
	int			 ret_state;
	int			 irq_depth;
	int			 enter_kgdb;
	_Bool			 rounding_up;
};

struct user_pt_regs {
	unsigned long long	regs[31];
	unsigned long long	sp;
	unsigned long long	pc;
	unsigned long long	pstate;
};

struct pt_regs {
	union {
		struct user_pt_regs user_regs;
		struct {
			unsigned long long regs[31];
			unsigned long long sp;
			unsigned long long pc;
			unsigned long long pstate;
		};
	};
	unsigned long long	orig_x0;
	int			syscallno;
};

typedef struct {
	int	counter;
} atomic_t;

__attribute__((section(".kdata"))) struct task_struct init_task;
__attribute__((section(".kdata"))) struct debuggerinfo_struct kgdb_info[16];
__attribute__((section(".kdata"))) unsigned int nr_cpu_ids;
__attribute__((section(".kdata"))) atomic_t kgdb_active;
/* only for the type: nothing reads it */
struct pt_regs *taskregs_fixture_regs;
