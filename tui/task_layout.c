/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/task_layout.c: where the task walk (tasks.c) finds what it reads,
 * from the vmlinux's DWARF and symbols: task_struct's members under the
 * names each kernel version gives them, the places of a sleeping task's
 * resume registers per architecture, the text and scheduler bounds,
 * THREAD_SIZE; and the kernel's taint in the letters of its own table.
 * Pure (layer 0): no I/O but the DWARF file given.
 */
#include <inttypes.h>

#include "common/dwarf.h"
#include "common/elf.h"
#include "tui/tui.h"

#define TK_IMG_MAX	32768	/* as tasks.c: task_struct bytes it reads */
#define TK_STACK_MIN	4096
#define TK_STACK_MAX	(1u << 20)
#define TK_FRAME_MAX	256

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
	if (tk_member(d, "task_struct", "thread_node", &l->thread_node, false,
	    err) != 0 ||
	    tk_member(d, "task_struct", "signal", &l->signal, false,
	    err) != 0)
		return (-1);
	if (l->thread_node.size > 0 && l->signal.size > 0) {
		struct cm_dwarf_member	m;

		if (cm_dwarf_member(d, "signal_struct", "thread_head", &m,
		    derr) != 0 || m.size != 2 * l->wsize ||
		    m.offset > TK_IMG_MAX)
			l->thread_node.size = 0;
		else
			l->sig_thread_head = (unsigned)m.offset;
	}
	if (l->thread_node.size != 2 * l->wsize ||
	    l->signal.size != l->wsize)
		l->thread_node.size = l->signal.size = 0;
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
	mask = cm_le(mb, tl->mask_size);
	for (i = 0; i < tl->count && n + 1 < len; i++) {
		char	ch = (char)tab[i * tl->flag_size + tl->c_true_off];

		if ((mask >> i & 1) != 0)
			letters[n++] = ch >= 0x21 && ch < 0x7f ? ch : '?';
	}
	letters[n] = '\0';
	return (0);
}
