/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/tasks.c: every task of a stopped kernel, read out of its memory
 * (issue 16, the tasks view).
 *
 * The walk starts at init_task and follows task_struct.tasks, the list
 * of every thread group leader, until it comes back to init_task. Where
 * each member is comes from the vmlinux's DWARF (tui_task_layout_dwarf):
 * tasks, pid, comm, the state (__state since 5.14, state before), stack,
 * the CPU (thread_info.cpu with THREAD_INFO_IN_TASK, else cpu), on_cpu
 * and exit_state where the kernel has them; no offsets of one version.
 *
 * For a task that is not on a CPU the walk also finds where it will
 * resume (tui_task.pc, sp, fp), as the kernel's own unwinder starts a
 * blocked task:
 *   x86_64  the struct inactive_task_frame that __switch_to_asm left at
 *           thread.sp: pc = its ret_addr, fp = its bp, sp past it (the
 *           checks of bridge/sleepers.c: the frame inside the task's
 *           THREAD_SIZE stack, ret_addr inside _stext.._etext)
 *   arm64   thread.cpu_context: pc, sp, fp
 *   riscv64 thread.ra, thread.sp, thread.s[0]
 *   arm     thread_info.cpu_context: pc, sp, fp
 * and from there, through the frame-pointer chain, the first return
 * address outside the scheduler (__sched_text_start..__sched_text_end):
 * where it is blocked, as get_wchan says.
 *
 * Memory comes through a tui_mem_read_cb whose return may also be
 * TUI_MEM_WAIT: not read yet. The walk then stops where it is and goes
 * on from the same task at the next tui_tasks_walk, once the caller has
 * fetched what was missing (tui_mem_read3 on a struct tui_mem does
 * exactly this). A read that fails (-1) is final.
 *
 * The memory is hostile: the walk is capped (tui_tasks_set_max), every
 * task reached must point back at the one before it (tasks.prev), no
 * task may come twice, pointers must be aligned kernel addresses, and
 * every frame and frame record must lie inside its task's stack. A
 * broken list ends the walk with what was read and why it ended.
 *
 * Pure (layer 0): no I/O but the DWARF file given to the layout.
 */
#include <inttypes.h>

#include "common/dwarf.h"
#include "tui/tui.h"

#define TK_IMG_MAX	32768	/* task_struct bytes the walk may look at */
#define TK_STACK_MIN	4096
#define TK_STACK_MAX	(1u << 20)
#define TK_FRAME_MAX	256
#define TK_WCHAN_DEPTH	16
#define TK_STACK_AHEAD	128	/* stack read with a sleeper's frame */
#define TK_GAP		32	/* fields closer than this: one read (a round trip
				 * costs more than this many bytes) */

struct tui_tasks {
	struct tui_task_layout	 lay;
	tui_mem_read_cb		*read;
	void			*arg;
	struct tui_task		*tasks;
	size_t			 n, cap, max;
	uint8_t			*img;		/* one task_struct's fields */
	uint64_t		 cur, prev_list;
	bool			 started, done;
	char			 why[TUI_ERRLEN];
	uint64_t		 reads, bytes;
};

/* ---- the layout */

static int
tk_member(struct cm_dwarf *d, const char *sname, const char *path,
    struct tui_task_field *f, bool need, char *err)
{
	struct cm_dwarf_member	m;
	char			derr[CM_DWARF_ERRLEN];

	f->size = 0;
	if (cm_dwarf_member(d, sname, path, &m, derr) != 0) {
		if (need)
			snprintf(err, TUI_ERRLEN, "struct %s has no member %s "
			    "(%.150s)", sname, path, derr);
		return (need ? -1 : 0);
	}
	if (m.bit_size != 0 || m.size == 0 || m.offset + m.size > TK_IMG_MAX) {
		snprintf(err, TUI_ERRLEN, "struct %s: %s is not a field the "
		    "walk can read", sname, path);
		return (-1);
	}
	f->off = (unsigned)m.offset;
	f->size = (unsigned)m.size;
	return (0);
}

static int
tk_sym(const struct tui_symtab *st, const char *name, uint64_t *v,
    char *err)
{
	if (!tui_symtab_addr(st, name, v)) {
		snprintf(err, TUI_ERRLEN, "the vmlinux has no symbol %s", name);
		return (-1);
	}
	return (0);
}

static int
tk_word_field(const struct tui_task_layout *l, const struct tui_task_field *f,
    const char *what, char *err)
{
	if (f->size != l->wsize) {
		snprintf(err, TUI_ERRLEN, "%s is not a word (%u bytes)", what,
		    f->size);
		return (-1);
	}
	return (0);
}

/* Per-architecture: where the resume pc, sp and fp are. */
static int
tk_resume_layout(struct cm_dwarf *d, struct tui_task_layout *l, char *err)
{
	struct tui_task_field	f;
	uint64_t		sz;
	char			derr[CM_DWARF_ERRLEN];

	switch (l->arch) {
	case TUI_TA_X86_64:
		if (tk_member(d, "task_struct", "thread.sp", &l->r_sp, true,
		    err) != 0)
			return (-1);
		if (cm_dwarf_struct_size(d, "inactive_task_frame", &sz,
		    derr) != 0) {
			snprintf(err, TUI_ERRLEN, "%.200s", derr);
			return (-1);
		}
		if (sz == 0 || sz > TK_FRAME_MAX || sz % 8 != 0) {
			snprintf(err, TUI_ERRLEN, "struct inactive_task_frame "
			    "has an odd size (%" PRIu64 ")", sz);
			return (-1);
		}
		l->frame_size = (unsigned)sz;
		if (tk_member(d, "inactive_task_frame", "bp", &f, true,
		    err) != 0)
			return (-1);
		l->frame_bp = f.off;
		if (f.size != 8 || f.off + 8 > sz)
			goto odd;
		if (tk_member(d, "inactive_task_frame", "ret_addr", &f, true,
		    err) != 0)
			return (-1);
		l->frame_ret = f.off;
		if (f.size != 8 || f.off + 8 > sz)
			goto odd;
		return (tk_word_field(l, &l->r_sp, "thread.sp", err));
	case TUI_TA_ARM64:
		if (tk_member(d, "task_struct", "thread.cpu_context.pc",
		    &l->r_pc, true, err) != 0 ||
		    tk_member(d, "task_struct", "thread.cpu_context.sp",
		    &l->r_sp, true, err) != 0 ||
		    tk_member(d, "task_struct", "thread.cpu_context.fp",
		    &l->r_fp, true, err) != 0)
			return (-1);
		break;
	case TUI_TA_RISCV64:
		if (tk_member(d, "task_struct", "thread.ra", &l->r_pc, true,
		    err) != 0 ||
		    tk_member(d, "task_struct", "thread.sp", &l->r_sp, true,
		    err) != 0 ||
		    tk_member(d, "task_struct", "thread.s", &l->r_fp, true,
		    err) != 0)
			return (-1);
		l->r_fp.size = l->wsize;	/* s[0] */
		break;
	case TUI_TA_ARM:
		if (tk_member(d, "task_struct",
		    "thread_info.cpu_context.pc", &l->r_pc, true, err) != 0 ||
		    tk_member(d, "task_struct",
		    "thread_info.cpu_context.sp", &l->r_sp, true, err) != 0 ||
		    tk_member(d, "task_struct",
		    "thread_info.cpu_context.fp", &l->r_fp, true, err) != 0)
			return (-1);
		break;
	default:
		return (0);
	}
	if (tk_word_field(l, &l->r_pc, "the saved pc", err) != 0 ||
	    tk_word_field(l, &l->r_sp, "the saved sp", err) != 0 ||
	    tk_word_field(l, &l->r_fp, "the saved fp", err) != 0)
		return (-1);
	return (0);
odd:
	snprintf(err, TUI_ERRLEN, "struct inactive_task_frame: bp or ret_addr "
	    "is not a word inside it");
	return (-1);
}

enum tui_task_arch
tui_task_arch_for(const char *name)
{
	if (name == NULL)
		return (TUI_TA_OTHER);
	if (strcmp(name, "x86_64") == 0)
		return (TUI_TA_X86_64);
	if (strcmp(name, "aarch64") == 0 || strcmp(name, "arm64") == 0)
		return (TUI_TA_ARM64);
	if (strcmp(name, "riscv64") == 0)
		return (TUI_TA_RISCV64);
	if (strcmp(name, "arm") == 0)
		return (TUI_TA_ARM);
	return (TUI_TA_OTHER);
}

/*
 * The walk's layout: task_struct's members (the state and the CPU under
 * either of their names, on_cpu and exit_state if there), the resume
 * registers' places, and from the symbols init_task, the text and
 * scheduler bounds and THREAD_SIZE. -1 names the first thing missing.
 */
int
tui_task_layout_dwarf(struct cm_dwarf *d, const struct tui_symtab *st,
    enum tui_task_arch arch, struct tui_task_layout *l, char *err)
{
	uint64_t	a, b;
	char		derr[CM_DWARF_ERRLEN];

	memset(l, 0, sizeof *l);
	l->arch = arch;
	if (cm_dwarf_big_endian(d)) {
		snprintf(err, TUI_ERRLEN, "a big-endian kernel: the task walk "
		    "reads little-endian words");
		return (-1);
	}
	l->wsize = cm_dwarf_bits(d) == 64 ? 8 : 4;
	if (cm_dwarf_struct_size(d, "task_struct", &a, derr) != 0) {
		snprintf(err, TUI_ERRLEN, "%.200s", derr);
		return (-1);
	}
	l->task_size = a;
	if (tk_member(d, "task_struct", "tasks", &l->tasks, true, err) != 0 ||
	    tk_member(d, "task_struct", "pid", &l->pid, true, err) != 0 ||
	    tk_member(d, "task_struct", "comm", &l->comm, true, err) != 0 ||
	    tk_member(d, "task_struct", "stack", &l->stack, true, err) != 0)
		return (-1);
	/* 5.14 renamed state to __state (and made it an unsigned int). */
	if (tk_member(d, "task_struct", "__state", &l->state, false,
	    err) != 0)
		return (-1);
	if (l->state.size == 0 && tk_member(d, "task_struct", "state",
	    &l->state, false, err) != 0)
		return (-1);
	if (l->state.size == 0) {
		snprintf(err, TUI_ERRLEN, "struct task_struct has no member "
		    "__state or state");
		return (-1);
	}
	/* The CPU: in thread_info when it lives in the task, else cpu. */
	if (tk_member(d, "task_struct", "thread_info.cpu", &l->cpu, false,
	    err) != 0)
		return (-1);
	if (l->cpu.size == 0 && tk_member(d, "task_struct", "cpu", &l->cpu,
	    false, err) != 0)
		return (-1);
	if (l->cpu.size == 0) {
		snprintf(err, TUI_ERRLEN, "struct task_struct has no member "
		    "thread_info.cpu or cpu");
		return (-1);
	}
	if (tk_member(d, "task_struct", "on_cpu", &l->on_cpu, false,
	    err) != 0 ||
	    tk_member(d, "task_struct", "exit_state", &l->exit_state, false,
	    err) != 0)
		return (-1);
	if (l->tasks.size != 2 * l->wsize || l->stack.size != l->wsize ||
	    l->pid.size != 4 || l->state.size > 8 || l->cpu.size > 8 ||
	    l->on_cpu.size > 8 || l->exit_state.size > 8 ||
	    l->comm.size > TUI_TASK_COMM_MAX) {
		snprintf(err, TUI_ERRLEN, "struct task_struct: tasks, stack, "
		    "pid, comm or the state has a size the walk cannot read");
		return (-1);
	}
	if (tk_sym(st, "init_task", &l->init_task, err) != 0 ||
	    tk_sym(st, "_stext", &l->text_lo, err) != 0 ||
	    tk_sym(st, "_etext", &l->text_hi, err) != 0)
		return (-1);
	/*
	 * The linker script puts exactly THREAD_SIZE between the bounds of
	 * the init task's stack (include/asm-generic/vmlinux.lds.h,
	 * INIT_TASK_DATA), named *_init_task before 6.10 and *_init_stack
	 * since.
	 */
	if ((!tui_symtab_addr(st, "__start_init_task", &a) ||
	    !tui_symtab_addr(st, "__end_init_task", &b)) &&
	    (!tui_symtab_addr(st, "__start_init_stack", &a) ||
	    !tui_symtab_addr(st, "__end_init_stack", &b))) {
		snprintf(err, TUI_ERRLEN, "the vmlinux has no symbols "
		    "__start_init_task/__end_init_task (nor *_init_stack)");
		return (-1);
	}
	l->thread_size = b - a;
	if (b <= a || l->thread_size < TK_STACK_MIN ||
	    l->thread_size > TK_STACK_MAX ||
	    (l->thread_size & (l->thread_size - 1)) != 0) {
		snprintf(err, TUI_ERRLEN, "__end_init_task - __start_init_task "
		    "is no stack size (0x%" PRIx64 ")", b - a);
		return (-1);
	}
	/* Without them, the first frame is where it is blocked. */
	if (!tui_symtab_addr(st, "__sched_text_start", &l->sched_lo) ||
	    !tui_symtab_addr(st, "__sched_text_end", &l->sched_hi))
		l->sched_lo = l->sched_hi = 0;
	if (tk_resume_layout(d, l, err) != 0)
		return (-1);
	l->mem_read_max = 256;
	return (0);
}

/* ---- reading */

static uint64_t
tk_le(const uint8_t *p, unsigned size)
{
	uint64_t	v = 0;

	while (size-- > 0)
		v = v << 8 | p[size];
	return (v);
}

/* A read through the callback: 0, TUI_MEM_WAIT, or -1. */
static int
tk_read(struct tui_tasks *t, uint64_t addr, void *buf, size_t len)
{
	int	rc;

	if (len == 0)
		return (0);
	if (addr + len < addr)
		return (-1);
	rc = t->read(t->arg, addr, buf, len);
	if (rc == 0) {
		t->reads++;
		t->bytes += len;
	}
	return (rc == 0 ? 0 : rc == TUI_MEM_WAIT ? TUI_MEM_WAIT : -1);
}

/* A pointer the kernel could hold: aligned, and on 64-bit kernels in the
 * upper half (every kernel mapping is). */
static bool
tk_kptr(const struct tui_task_layout *l, uint64_t p)
{
	if (p == 0 || p % l->wsize != 0)
		return (false);
	if (l->wsize == 8 && (p >> 63) == 0)
		return (false);
	return (l->wsize == 8 || p <= UINT32_MAX);
}

static bool
tk_text(const struct tui_task_layout *l, uint64_t pc)
{
	return (pc >= l->text_lo && pc < l->text_hi);
}

static bool
tk_sched(const struct tui_task_layout *l, uint64_t pc)
{
	return (l->sched_hi > l->sched_lo && pc >= l->sched_lo &&
	    pc < l->sched_hi);
}

/* [a, a + len) inside the task's stack. */
static bool
tk_in_stack(const struct tui_task_layout *l, const struct tui_task *k,
    uint64_t a, uint64_t len)
{
	return (k->stack != 0 && a >= k->stack && a + len >= a &&
	    a + len <= k->stack + l->thread_size);
}

/*
 * The task_struct fields, read in as few reads as their spread allows
 * (fields closer than TK_GAP share one read, up to mem_read_max).
 */
static int
tk_fields(struct tui_tasks *t, uint64_t task, uint8_t *img)
{
	const struct tui_task_layout *l = &t->lay;
	struct tui_task_field	 f[12], tmp;
	size_t			 n = 0, i, j;
	unsigned		 lo, hi, max = l->mem_read_max > 0 ?
				     l->mem_read_max : 256;
	int			 rc;

	f[n++] = l->tasks;
	f[n++] = l->pid;
	f[n++] = l->comm;
	f[n++] = l->state;
	f[n++] = l->stack;
	f[n++] = l->cpu;
	if (l->on_cpu.size > 0)
		f[n++] = l->on_cpu;
	if (l->exit_state.size > 0)
		f[n++] = l->exit_state;
	if (l->r_pc.size > 0)
		f[n++] = l->r_pc;
	if (l->r_sp.size > 0)
		f[n++] = l->r_sp;
	if (l->r_fp.size > 0)
		f[n++] = l->r_fp;
	for (i = 1; i < n; i++)		/* by offset */
		for (j = i; j > 0 && f[j].off < f[j - 1].off; j--) {
			tmp = f[j];
			f[j] = f[j - 1];
			f[j - 1] = tmp;
		}
	for (i = 0; i < n; i = j) {
		lo = f[i].off;
		hi = f[i].off + f[i].size;
		for (j = i + 1; j < n && f[j].off <= hi + TK_GAP &&
		    (f[j].off + f[j].size > hi ? f[j].off + f[j].size : hi) -
		    lo <= max; j++)
			if (f[j].off + f[j].size > hi)
				hi = f[j].off + f[j].size;
		if ((rc = tk_read(t, task + lo, img + lo, hi - lo)) != 0)
			return (rc);
	}
	return (0);
}

static void
tk_comm(char *out, const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n && p[i] != '\0'; i++)
		out[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	out[i] = '\0';
}

/* Where a blocked task resumes; k->why when it cannot be known. */
static int
tk_resume(struct tui_tasks *t, struct tui_task *k, const uint8_t *img)
{
	const struct tui_task_layout *l = &t->lay;
	uint8_t			 frame[TK_FRAME_MAX];
	uint64_t		 sp;
	size_t			 len;
	int			 rc;

	switch (l->arch) {
	case TUI_TA_X86_64:
		sp = tk_le(img + l->r_sp.off, 8);
		if (sp % 8 != 0 || !tk_in_stack(l, k, sp, l->frame_size)) {
			snprintf(k->why, sizeof k->why, "thread.sp %#" PRIx64
			    " is outside its stack", sp);
			return (0);
		}
		/*
		 * The frame and the stack above it, for the wchan walk: on
		 * the lab kernel the first frame outside the scheduler is
		 * nearly always within 128 bytes of it (more costs bytes,
		 * less costs round trips).
		 */
		len = l->frame_size + TK_STACK_AHEAD;
		if (l->mem_read_max > l->frame_size && len > l->mem_read_max)
			len = l->mem_read_max;
		if (len > k->stack + l->thread_size - sp)
			len = k->stack + l->thread_size - sp;
		{
			uint8_t	*buf = tui_xcalloc(1, len);

			rc = tk_read(t, sp, buf, len);
			if (rc == -1) {	/* the frame alone, then */
				len = l->frame_size;
				rc = tk_read(t, sp, buf, len);
			}
			if (rc == 0)
				memcpy(frame, buf, l->frame_size);
			free(buf);
		}
		if (rc == TUI_MEM_WAIT)
			return (rc);
		if (rc != 0) {
			snprintf(k->why, sizeof k->why, "the frame at %#" PRIx64
			    " cannot be read", sp);
			return (0);
		}
		k->pc = tk_le(frame + l->frame_ret, 8);
		k->fp = tk_le(frame + l->frame_bp, 8);
		k->sp = sp + l->frame_size;
		break;
	case TUI_TA_ARM64:
	case TUI_TA_RISCV64:
	case TUI_TA_ARM:
		k->pc = tk_le(img + l->r_pc.off, l->wsize);
		k->sp = tk_le(img + l->r_sp.off, l->wsize);
		k->fp = tk_le(img + l->r_fp.off, l->wsize);
		if (!tk_in_stack(l, k, k->sp, 0)) {
			snprintf(k->why, sizeof k->why, "saved sp %#" PRIx64
			    " is outside its stack", k->sp);
			return (0);
		}
		break;
	default:
		snprintf(k->why, sizeof k->why, "no resume registers on this "
		    "architecture");
		return (0);
	}
	if (!tk_text(l, k->pc)) {
		snprintf(k->why, sizeof k->why, "resume pc %#" PRIx64 " is "
		    "outside the kernel text", k->pc);
		k->pc = k->sp = k->fp = 0;
		return (0);
	}
	k->resume = true;
	return (0);
}

/* The first return address outside the scheduler: where it waits. */
static int
tk_wchan(struct tui_tasks *t, struct tui_task *k)
{
	const struct tui_task_layout *l = &t->lay;
	uint64_t		 fp = k->fp, w = l->wsize, next, ret;
	uint64_t		 saved_at, ret_at, lo, hi;
	uint8_t			 rec[32];
	int			 depth, rc;

	if (!tk_sched(l, k->pc)) {
		k->wchan = k->pc;
		return (0);
	}
	for (depth = 0; depth < TK_WCHAN_DEPTH; depth++) {
		switch (l->arch) {
		case TUI_TA_RISCV64:
			saved_at = fp - 2 * w;
			ret_at = fp - w;
			break;
		case TUI_TA_ARM:
			saved_at = fp - 3 * w;
			ret_at = fp - w;
			break;
		default:
			saved_at = fp;
			ret_at = fp + w;
			break;
		}
		if (fp % w != 0 || fp < 3 * w ||
		    !tk_in_stack(l, k, saved_at, w) ||
		    !tk_in_stack(l, k, ret_at, w))
			return (0);
		/* Both words in one read: they are neighbours. */
		lo = saved_at < ret_at ? saved_at : ret_at;
		hi = (saved_at > ret_at ? saved_at : ret_at) + w;
		if ((rc = tk_read(t, lo, rec, hi - lo)) != 0)
			return (rc == TUI_MEM_WAIT ? rc : 0);
		next = tk_le(rec + (saved_at - lo), l->wsize);
		ret = tk_le(rec + (ret_at - lo), l->wsize);
		if (!tk_text(l, ret))
			return (0);
		if (!tk_sched(l, ret)) {
			k->wchan = ret;
			k->wchan_ret = true;
			return (0);
		}
		if (next <= fp)
			return (0);
		fp = next;
	}
	return (0);
}

/* One task: 0 read, TUI_MEM_WAIT, or -1 (t->why: the list is broken). */
static int
tk_one(struct tui_tasks *t, uint64_t task, struct tui_task *k,
    uint64_t *next)
{
	const struct tui_task_layout *l = &t->lay;
	uint8_t			*img = t->img;
	uint64_t		 prev, st;
	int			 rc;

	memset(k, 0, sizeof *k);
	if ((rc = tk_fields(t, task, img)) != 0) {
		if (rc == TUI_MEM_WAIT)
			return (rc);
		snprintf(t->why, sizeof t->why, "task %#" PRIx64 " cannot be "
		    "read", task);
		return (-1);
	}
	*next = tk_le(img + l->tasks.off, l->wsize);
	prev = tk_le(img + l->tasks.off + l->wsize, l->wsize);
	if (t->prev_list != 0 && prev != t->prev_list) {
		snprintf(t->why, sizeof t->why, "task list broken at %#"
		    PRIx64 ": its prev is %#" PRIx64 ", not %#" PRIx64, task,
		    prev, t->prev_list);
		return (-1);
	}
	k->addr = task;
	k->pid = (int32_t)tk_le(img + l->pid.off, 4);
	tk_comm(k->comm, img + l->comm.off, l->comm.size);
	st = tk_le(img + l->state.off, l->state.size);
	k->state = (uint32_t)st;
	if (l->exit_state.size > 0)
		k->exit_state = (uint32_t)tk_le(img + l->exit_state.off,
		    l->exit_state.size);
	k->cpu = (int)(uint32_t)tk_le(img + l->cpu.off, l->cpu.size);
	k->on_cpu = l->on_cpu.size > 0 &&
	    tk_le(img + l->on_cpu.off, l->on_cpu.size) != 0;
	k->stack = tk_le(img + l->stack.off, l->wsize);
	if (k->stack % l->thread_size != 0 || !tk_kptr(l, k->stack)) {
		snprintf(k->why, sizeof k->why, "stack %#" PRIx64 " is no "
		    "stack", k->stack);
		k->stack = 0;
		return (0);
	}
	if (k->on_cpu) {
		snprintf(k->why, sizeof k->why, "on a CPU");
		return (0);
	}
	if ((rc = tk_resume(t, k, img)) != 0)
		return (rc);
	if (k->resume && (rc = tk_wchan(t, k)) != 0)
		return (rc);
	return (0);
}

struct tui_tasks *
tui_tasks_new(const struct tui_task_layout *l, tui_mem_read_cb *read,
    void *arg)
{
	struct tui_tasks	*t = tui_xcalloc(1, sizeof *t);

	t->lay = *l;
	t->read = read;
	t->arg = arg;
	t->max = TUI_TASKS_MAX;
	t->img = tui_xcalloc(1, TK_IMG_MAX);
	return (t);
}

void
tui_tasks_free(struct tui_tasks *t)
{
	if (t == NULL)
		return;
	free(t->tasks);
	free(t->img);
	free(t);
}

void
tui_tasks_set_max(struct tui_tasks *t, size_t max)
{
	t->max = max > 0 && max < TUI_TASKS_MAX ? max : TUI_TASKS_MAX;
}

void
tui_tasks_set_read_max(struct tui_tasks *t, unsigned max)
{
	t->lay.mem_read_max = max;
}

void
tui_tasks_reset(struct tui_tasks *t)
{
	t->n = 0;
	t->started = t->done = false;
	t->why[0] = '\0';
	t->reads = t->bytes = 0;
}

/*
 * Go on from the task where the last call stopped: read it, check it
 * points back at the one before, keep it, follow its next, until the
 * list is back at init_task, breaks, loops or reaches the cap.
 */
int
tui_tasks_walk(struct tui_tasks *t, char *err)
{
	struct tui_task	k;
	uint64_t	next, head = t->lay.init_task + t->lay.tasks.off;
	size_t		i;
	int		rc;

	if (t->done)
		return (1);
	if (!t->started) {
		t->started = true;
		t->cur = t->lay.init_task;
		t->prev_list = 0;
		if (!tk_kptr(&t->lay, t->cur)) {
			snprintf(t->why, sizeof t->why, "init_task at %#" PRIx64
			    " is no kernel address", t->cur);
			t->done = true;
		}
	}
	while (!t->done) {
		if (t->n >= t->max) {
			snprintf(t->why, sizeof t->why, "more than %zu tasks: "
			    "stopped there", t->max);
			break;
		}
		if ((rc = tk_one(t, t->cur, &k, &next)) == TUI_MEM_WAIT) {
			snprintf(err, TUI_ERRLEN, "waiting for memory");
			return (0);
		}
		if (rc != 0)
			break;
		if (t->n == t->cap) {
			t->cap = t->cap == 0 ? 64 : t->cap * 2;
			t->tasks = tui_xreallocarray(t->tasks, t->cap,
			    sizeof *t->tasks);
		}
		t->tasks[t->n++] = k;
		if (next == head)
			break;
		if (!tk_kptr(&t->lay, next) || next < t->lay.tasks.off) {
			snprintf(t->why, sizeof t->why, "task list broken "
			    "after pid %d: next is %#" PRIx64, k.pid, next);
			break;
		}
		t->prev_list = t->cur + t->lay.tasks.off;
		t->cur = next - t->lay.tasks.off;
		for (i = 0; i < t->n; i++)
			if (t->tasks[i].addr == t->cur) {
				snprintf(t->why, sizeof t->why, "task list "
				    "loops back to pid %d", t->tasks[i].pid);
				break;
			}
		if (i < t->n)
			break;
	}
	t->done = true;
	return (1);
}

size_t
tui_tasks_count(const struct tui_tasks *t)
{
	return (t->n);
}

const struct tui_task *
tui_tasks_get(const struct tui_tasks *t, size_t i)
{
	return (i < t->n ? &t->tasks[i] : NULL);
}

const struct tui_task *
tui_tasks_find_pid(const struct tui_tasks *t, int pid)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		if (t->tasks[i].pid == pid)
			return (&t->tasks[i]);
	return (NULL);
}

bool
tui_tasks_done(const struct tui_tasks *t)
{
	return (t->done);
}

const char *
tui_tasks_why(const struct tui_tasks *t)
{
	return (t->why);
}

void
tui_tasks_stats(const struct tui_tasks *t, uint64_t *reads, uint64_t *bytes)
{
	*reads = t->reads;
	*bytes = t->bytes;
}

const struct tui_task_layout *
tui_tasks_layout(const struct tui_tasks *t)
{
	return (&t->lay);
}

/*
 * The letter ps shows (fs/proc/array.c, task_state_index): the highest
 * reported bit of state | exit_state over R S D T t X Z P, and I for an
 * idle kernel thread (TASK_UNINTERRUPTIBLE | TASK_NOLOAD). These bits
 * have kept their values since 4.14.
 */
char
tui_task_state_letter(const struct tui_task *k)
{
	static const char	letters[] = "RSDTtXZP";
	uint32_t		s = (k->state | k->exit_state) & 0x7f;
	int			i;

	if (k->state == 0x402)
		return ('I');
	for (i = 6; i >= 0; i--)
		if (s & (1u << i))
			return (letters[i + 1]);
	return ('R');
}

/* ---- the taint, as the kernel's own table spells it */

int
tui_taint_layout_dwarf(struct cm_dwarf *d, struct tui_taint_layout *tl,
    char *err)
{
	struct cm_dwarf_var	v;
	struct cm_dwarf_member	m;
	uint64_t		size;
	char			derr[CM_DWARF_ERRLEN];

	memset(tl, 0, sizeof *tl);
	if (cm_dwarf_var(d, "tainted_mask", &v, derr) != 0 ||
	    (v.size != 4 && v.size != 8)) {
		snprintf(err, TUI_ERRLEN, "no tainted_mask word (%.150s)",
		    derr);
		return (-1);
	}
	tl->mask_addr = v.addr;
	tl->mask_size = (unsigned)v.size;
	if (cm_dwarf_var(d, "taint_flags", &v, derr) != 0 ||
	    cm_dwarf_struct_size(d, "taint_flag", &size, derr) != 0 ||
	    cm_dwarf_member(d, "taint_flag", "c_true", &m, derr) != 0) {
		snprintf(err, TUI_ERRLEN, "no taint_flags table (%.150s)",
		    derr);
		return (-1);
	}
	if (size == 0 || size > 16 || m.size != 1 || m.offset >= size ||
	    v.size % size != 0 || v.size / size > 64 ||
	    v.size / size > tl->mask_size * 8) {
		snprintf(err, TUI_ERRLEN, "taint_flags has an odd layout");
		return (-1);
	}
	tl->flags_addr = v.addr;
	tl->flag_size = (unsigned)size;
	tl->c_true_off = (unsigned)m.offset;
	tl->count = (unsigned)(v.size / size);
	return (0);
}

int
tui_taint_read(const struct tui_taint_layout *tl, tui_mem_read_cb *read,
    void *arg, char *letters, size_t len)
{
	uint8_t		tab[16 * 64], mb[8];
	uint64_t	mask;
	size_t		i, n = 0;
	int		rc;

	if (len == 0 || tl->count == 0)
		return (-1);
	letters[0] = '\0';
	if ((rc = read(arg, tl->mask_addr, mb, tl->mask_size)) != 0 ||
	    (rc = read(arg, tl->flags_addr, tab, (size_t)tl->count *
	    tl->flag_size)) != 0)
		return (rc == TUI_MEM_WAIT ? rc : -1);
	mask = tk_le(mb, tl->mask_size);
	for (i = 0; i < tl->count && n + 1 < len; i++) {
		char	ch = (char)tab[i * tl->flag_size + tl->c_true_off];

		if ((mask >> i & 1) != 0)
			letters[n++] = ch >= 0x21 && ch < 0x7f ? ch : '?';
	}
	letters[n] = '\0';
	return (0);
}
