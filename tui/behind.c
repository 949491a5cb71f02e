/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/behind.c: what the live session reads behind the first view of a
 * stop (registers, stack, log): the task walk when the tasks view is
 * shown or a panic report leaves out who was running; the kernel's taint
 * for such a report; and the selected task's stack from its resume sp,
 * for its call trace.
 *
 * Everything goes through the stop's memory snapshot (mem.c): a step
 * runs what it can on what is there and returns TUI_MEM_WAIT with the
 * snapshot's miss set when it needs more; live.c fetches exactly that
 * range and steps again. Nothing is read twice at one stop.
 */
#include <inttypes.h>

#include "common/dwarf.h"
#include "tui/tui.h"

#define BH_STACK_BYTES	1024

struct tui_behind {
	struct tui_mem		*mem;
	struct tui_tasks	*tasks;
	char			 why[TUI_ERRLEN];
	struct tui_taint_layout	 taint;
	bool			 taint_ok;
	/* the selected task's stack */
	struct tui_stack	 tstack;
	uint8_t			 tstackmem[BH_STACK_BYTES];
	bool			 have_tstack;
	uint64_t		 tstack_task;	/* whose it is; 0: none yet */
	struct tui_panic_more	 more;
	bool			 have_more;
};

struct tui_behind *
tui_behind_new(struct tui_mem *m)
{
	struct tui_behind	*b = tui_xcalloc(1, sizeof *b);

	b->mem = m;
	snprintf(b->why, sizeof b->why, "needs a vmlinux with debug info "
	    "(--vmlinux FILE)");
	return (b);
}

void
tui_behind_free(struct tui_behind *b)
{
	if (b == NULL)
		return;
	tui_tasks_free(b->tasks);
	free(b);
}

/* The task walk's and the taint's layouts; why says what is missing. */
void
tui_behind_setup(struct tui_behind *b, struct cm_dwarf *d,
    const struct tui_symtab *st, const char *arch, unsigned mem_read_max)
{
	struct tui_task_layout	lay;
	char			err[TUI_ERRLEN];

	b->taint_ok = tui_taint_layout_dwarf(d, &b->taint, err) == 0;
	if (st == NULL || arch == NULL) {
		snprintf(b->why, sizeof b->why, "no symbols or no registers");
		return;
	}
	if (tui_task_layout_dwarf(d, st, tui_task_arch_for(arch), &lay,
	    err) != 0) {
		snprintf(b->why, sizeof b->why, "%.200s", err);
		return;
	}
	lay.mem_read_max = mem_read_max > 0 ? mem_read_max : 256;
	tui_tasks_free(b->tasks);
	b->tasks = tui_tasks_new(&lay, tui_mem_read3, b->mem);
	b->why[0] = '\0';
}

void
tui_behind_why_set(struct tui_behind *b, const char *why)
{
	snprintf(b->why, sizeof b->why, "%.200s", why);
}

const char *
tui_behind_why(const struct tui_behind *b)
{
	return (b->tasks == NULL ? b->why : "");
}

void
tui_behind_reset(struct tui_behind *b)
{
	if (b->tasks != NULL)
		tui_tasks_reset(b->tasks);
	b->have_tstack = false;
	b->tstack_task = 0;
	b->have_more = false;
}

/*
 * The selected task's stack from its resume sp up to BH_STACK_BYTES
 * (not past its stack's end); nothing for a task on a CPU or the one
 * stopped here (the registers' own stack shows that one).
 */
static int
bh_tstack(struct tui_behind *b, const struct tui_behind_ctx *x)
{
	const struct tui_task	*k;
	uint64_t		 end;
	size_t			 len;
	int			 rc;

	if (!x->tasks_view || b->tasks == NULL ||
	    (k = tui_tasks_get(b->tasks, x->sel)) == NULL ||
	    b->tstack_task == k->addr)
		return (0);
	b->have_tstack = false;
	if (!k->resume || k->on_cpu || k->pid == x->thread) {
		b->tstack_task = k->addr;
		return (0);
	}
	end = k->stack + tui_tasks_layout(b->tasks)->thread_size;
	len = BH_STACK_BYTES;
	if (k->sp >= end)
		len = 0;
	else if (end - k->sp < len)
		len = (size_t)(end - k->sp);
	rc = len > 0 ? tui_mem_read3(b->mem, k->sp, b->tstackmem, len) : -1;
	if (rc == TUI_MEM_WAIT)
		return (rc);
	b->tstack_task = k->addr;
	if (rc != 0 || x->stack == NULL)
		return (0);
	b->tstack = *x->stack;		/* word size, frame kind */
	b->tstack.pc = k->pc;
	b->tstack.sp = k->sp;
	b->tstack.fp = k->fp;
	b->tstack.lr = 0;
	b->tstack.mem = b->tstackmem;
	b->tstack.len = len;
	b->have_tstack = true;
	return (0);
}

/* The panic summary's lines from memory: the stopped task, the taint,
 * the trace on the registers' stack. */
static void
bh_more(struct tui_behind *b, const struct tui_behind_ctx *x)
{
	const struct tui_task	*k;

	memset(&b->more, 0, sizeof b->more);
	b->more.pid = b->more.cpu = -1;
	if (x->thread > 0) {
		b->more.pid = x->thread;
		if (b->tasks != NULL && (k = tui_tasks_find_pid(b->tasks,
		    x->thread)) != NULL) {
			b->more.cpu = k->cpu;
			snprintf(b->more.comm, sizeof b->more.comm, "%s",
			    k->comm);
		}
	}
	if (b->taint_ok)
		b->more.have_taint = tui_taint_read(&b->taint, tui_mem_read3,
		    b->mem, b->more.taint, sizeof b->more.taint) == 0;
	if (x->stack != NULL)
		b->more.nframes = tui_trace_build(x->stack, x->symtab,
		    b->more.frames, 8);
	b->have_more = true;
}

bool
tui_behind_panic_wants(const struct tui_panic *p)
{
	const struct tui_oops	*o = tui_panic_get(p, 0);

	return (o != NULL && (o->cpu < 0 || o->nframes == 0));
}

int
tui_behind_step(struct tui_behind *b, const struct tui_behind_ctx *x)
{
	char	err[TUI_ERRLEN], taint[40];
	int	rc = 0;

	if (b->tasks != NULL && (x->tasks_view || x->panic) &&
	    tui_tasks_walk(b->tasks, err) == 0)
		return (TUI_MEM_WAIT);
	if (x->panic && b->taint_ok && (rc = tui_taint_read(&b->taint,
	    tui_mem_read3, b->mem, taint, sizeof taint)) == TUI_MEM_WAIT)
		return (rc);
	if ((rc = bh_tstack(b, x)) == TUI_MEM_WAIT)
		return (rc);
	if (x->panic)
		bh_more(b, x);
	return (0);
}

const struct tui_tasks *
tui_behind_tasks(const struct tui_behind *b)
{
	return (b->tasks);
}

const struct tui_stack *
tui_behind_task_stack(const struct tui_behind *b, size_t sel)
{
	const struct tui_task	*k;

	if (b->tasks == NULL || !b->have_tstack ||
	    (k = tui_tasks_get(b->tasks, sel)) == NULL ||
	    k->addr != b->tstack_task)
		return (NULL);
	return (&b->tstack);
}

const struct tui_panic_more *
tui_behind_more(const struct tui_behind *b)
{
	return (b->have_more ? &b->more : NULL);
}
