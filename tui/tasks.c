/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/tasks.c: every task of a stopped kernel, read out of its memory
 * (issue 16, the tasks view).
 *
 * The walk starts at init_task and follows task_struct.tasks, the list
 * of every thread group leader, until it comes back to init_task; after
 * each leader with other threads it walks them too (thread_node, on the
 * list at signal->thread_head), where the kernel has those members. Where
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
 * Pure (layer 0). The layout is task_layout.c's.
 */
#include <inttypes.h>

#include "common/dwarf.h"
#include "common/elf.h"
#include "common/tasklist.h"
#include "tui/tui.h"

#define TK_IMG_MAX	32768	/* task_struct bytes the walk may look at */
#define TK_FRAME_MAX	256
#define TK_WCHAN_DEPTH	16
#define TK_STACK_AHEAD	128	/* stack read with a sleeper's frame */
#define TK_MOVED	2	/* a group step went on (not TUI_MEM_WAIT) */
#define TK_GAP		32	/* fields closer than this: one read (a round trip
				 * costs more than this many bytes) */

struct tui_tasks {
	struct tui_task_layout	 lay;
	tui_mem_read_cb		*read;
	void			*arg;
	struct tui_task		*tasks;
	size_t			 n, cap, max;
	uint8_t			*img;		/* one task_struct's fields */
	struct cm_tl		*tl;		/* the list walk */
	uint64_t		 reads, bytes;
};

/* ---- reading */

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

/* The frame record's layout for the architecture (tui/regs.c). */
static enum tui_fp_kind
tk_fp_kind(enum tui_task_arch a)
{
	if (a == TUI_TA_RISCV64)
		return (TUI_FP_RISCV);
	if (a == TUI_TA_ARM)
		return (TUI_FP_APCS);
	return (TUI_FP_UP);
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
	struct tui_task_field	 f[14], tmp;
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
	if (l->thread_node.size > 0) {
		f[n++] = l->thread_node;
		f[n++] = l->signal;
	}
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
		sp = cm_le(img + l->r_sp.off, 8);
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
		k->pc = cm_le(frame + l->frame_ret, 8);
		k->fp = cm_le(frame + l->frame_bp, 8);
		k->sp = sp + l->frame_size;
		break;
	case TUI_TA_ARM64:
	case TUI_TA_RISCV64:
	case TUI_TA_ARM:
		k->pc = cm_le(img + l->r_pc.off, l->wsize);
		k->sp = cm_le(img + l->r_sp.off, l->wsize);
		k->fp = cm_le(img + l->r_fp.off, l->wsize);
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
		if (fp % w != 0 || fp < 3 * w)
			return (0);
		tui_fp_record(tk_fp_kind(l->arch), fp, w, &saved_at, &ret_at);
		if (!tk_in_stack(l, k, saved_at, w) ||
		    !tk_in_stack(l, k, ret_at, w))
			return (0);
		/* Both words in one read: they are neighbours. */
		lo = saved_at < ret_at ? saved_at : ret_at;
		hi = (saved_at > ret_at ? saved_at : ret_at) + w;
		if ((rc = tk_read(t, lo, rec, hi - lo)) != 0)
			return (rc == TUI_MEM_WAIT ? rc : 0);
		next = cm_le(rec + (saved_at - lo), l->wsize);
		ret = cm_le(rec + (ret_at - lo), l->wsize);
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

/*
 * One task's fields: 0 read, TUI_MEM_WAIT, or -1 (its links break the list
 * or it cannot be read: the walk is over, the cursor says why). The list
 * is checked before anything else of the task is read.
 */
static int
tk_one(struct tui_tasks *t, uint64_t task, struct tui_task *k,
    struct cm_tl_links *ln, bool thread)
{
	const struct tui_task_layout *l = &t->lay;
	uint8_t			*img = t->img;
	char			 why[CM_TL_ERRLEN];
	uint64_t		 st;
	int			 rc;

	memset(k, 0, sizeof *k);
	if ((rc = tk_fields(t, task, img)) != 0) {
		if (rc == TUI_MEM_WAIT)
			return (rc);
		snprintf(why, sizeof why, "task %#" PRIx64 " cannot be read",
		    task);
		cm_tl_fail(t->tl, why);
		return (-1);
	}
	memset(ln, 0, sizeof *ln);
	ln->next = cm_le(img + l->tasks.off, l->wsize);
	ln->prev = cm_le(img + l->tasks.off + l->wsize, l->wsize);
	if (l->thread_node.size > 0) {
		ln->tn_next = cm_le(img + l->thread_node.off, l->wsize);
		ln->tn_prev = cm_le(img + l->thread_node.off + l->wsize,
		    l->wsize);
		ln->sig = cm_le(img + l->signal.off, l->wsize);
	}
	ln->pid = (int32_t)cm_le(img + l->pid.off, 4);
	if (cm_tl_check(t->tl, ln, why) != 0) {
		cm_tl_fail(t->tl, why);
		return (-1);
	}
	k->addr = task;
	k->thread = thread;
	k->pid = ln->pid;
	tk_comm(k->comm, img + l->comm.off, l->comm.size);
	st = cm_le(img + l->state.off, l->state.size);
	k->state = (uint32_t)st;
	if (l->exit_state.size > 0)
		k->exit_state = (uint32_t)cm_le(img + l->exit_state.off,
		    l->exit_state.size);
	k->cpu = (int)(uint32_t)cm_le(img + l->cpu.off, l->cpu.size);
	k->on_cpu = l->on_cpu.size > 0 &&
	    cm_le(img + l->on_cpu.off, l->on_cpu.size) != 0;
	k->stack = cm_le(img + l->stack.off, l->wsize);
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

/* The list walk's layout: the links' places from the task layout. */
static struct cm_tl *
tk_cursor(const struct tui_task_layout *l, size_t max)
{
	struct cm_tl_layout	 cl;
	struct cm_tl		*tl;

	memset(&cl, 0, sizeof cl);
	cl.wsize = l->wsize;
	cl.init_task = l->init_task;
	cl.tasks_off = l->tasks.off;
	cl.groups = l->thread_node.size > 0 && l->signal.size > 0;
	cl.thread_node_off = l->thread_node.off;
	cl.signal_off = l->signal.off;
	cl.thread_head_off = l->sig_thread_head;
	if ((tl = cm_tl_new(&cl, max)) == NULL) {
		fprintf(stderr, "kgdb-tui: out of memory\n");
		abort();
	}
	return (tl);
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
	t->tl = tk_cursor(l, t->max);
	return (t);
}

void
tui_tasks_free(struct tui_tasks *t)
{
	if (t == NULL)
		return;
	cm_tl_free(t->tl);
	free(t->tasks);
	free(t->img);
	free(t);
}

void
tui_tasks_set_max(struct tui_tasks *t, size_t max)
{
	t->max = max > 0 && max < TUI_TASKS_MAX ? max : TUI_TASKS_MAX;
	cm_tl_free(t->tl);
	t->tl = tk_cursor(&t->lay, t->max);
	t->n = 0;
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
	cm_tl_reset(t->tl);
	t->reads = t->bytes = 0;
}

static void
tk_push(struct tui_tasks *t, const struct tui_task *k)
{
	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 64 : t->cap * 2;
		t->tasks = tui_xreallocarray(t->tasks, t->cap,
		    sizeof *t->tasks);
	}
	t->tasks[t->n++] = *k;
}

/*
 * Go on from where the last call stopped: the cursor (common/tasklist.c)
 * names each task in the kernel's order and checks the list; each is read
 * here with its other fields, until the list is back at init_task,
 * breaks, loops or reaches the cap.
 */
int
tui_tasks_walk(struct tui_tasks *t, char *err)
{
	struct tui_task		k;
	struct cm_tl_links	ln;
	enum cm_tl_want		want;
	uint64_t		addr;
	uint8_t			buf[8];
	char			why[CM_TL_ERRLEN];
	bool			thread;
	int			rc;

	while ((want = cm_tl_next(t->tl, &addr, &thread)) != CM_TL_END) {
		if (want == CM_TL_HEAD) {
			/* the list head in signal_struct: step over it */
			rc = tk_read(t, addr, buf, t->lay.wsize);
			if (rc == TUI_MEM_WAIT)
				goto wait;
			if (rc != 0) {
				snprintf(why, sizeof why, "thread list head at "
				    "%#" PRIx64 " cannot be read", addr);
				cm_tl_fail(t->tl, why);
				break;
			}
			cm_tl_head(t->tl, cm_le(buf, t->lay.wsize));
			continue;
		}
		rc = tk_one(t, addr, &k, &ln, thread);
		if (rc == TUI_MEM_WAIT)
			goto wait;
		if (rc != 0 || cm_tl_task(t->tl, &ln) != 0)
			break;
		tk_push(t, &k);
	}
	return (1);
wait:
	snprintf(err, TUI_ERRLEN, "waiting for memory");
	return (0);
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
	return (cm_tl_done(t->tl));
}

const char *
tui_tasks_why(const struct tui_tasks *t)
{
	return (cm_tl_why(t->tl));
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
