/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/taskregs.c: a sleeping task's 'g' answered by the bridge itself
 * (issue 16, "info threads on a real board").
 *
 * For a task that is not on a CPU in kgdb, kgdb answers 'g' with
 * sleeping_thread_to_gdb_regs (arch/<arch>/kernel/kgdb.c): the whole
 * register file, zeros but for a few words copied out of the task_struct.
 * On arm64 that is thread.cpu_context: x19-x28, fp, sp and pc, 104 bytes,
 * in a reply of 788 (1576 hex digits); `info threads` asks it of every
 * task. The bridge reads those words with small 'm' reads, through its
 * cache, and builds the same reply: the same function of the same memory.
 *
 * Which task a kgdb thread id names: kgdb takes the task with that pid
 * (getthread, find_task_by_pid_ns). The bridge walks the task list from
 * init_task in the kernel's order (common/tasklist.c, the walk kgdb-tui
 * uses), which is the order of kgdb's thread list and so of gdb's
 * questions; each request goes on from where the last one stopped until
 * it meets the pid, and what was walked is kept until the stop ends (the
 * cache's generation moves). A task gets kgdb's own answer when kgdb
 * holds real registers for it: it is the task of a CPU in kgdb
 * (kgdb_info[cpu].task with its debuggerinfo set, gdb_get_regs_helper in
 * kernel/debug/gdbstub.c), read once a stop for the first nr_cpu_ids
 * entries.
 *
 * Safety:
 *  - every offset from the vmlinux's DWARF: task_struct's tasks, pid,
 *    thread_node and signal, signal_struct's thread_head, struct
 *    debuggerinfo_struct, kgdb_info, nr_cpu_ids, init_task, and the saved
 *    words (thread.cpu_context.* on arm64); without them every 'g' is
 *    forwarded and the missing one is named once in the log;
 *  - the walk is common/tasklist.c's: capped, pointers checked, every
 *    task must point back at the one before, none twice; a thread group
 *    with one task (thread_node's next and prev equal) is not walked into,
 *    so its signal pointer is not read;
 *  - nothing built is served on a gdb connection before it was compared
 *    with kgdb's own answer for one sleeping task on that connection (one
 *    'g' forwarded); a difference is logged once with the register, and
 *    every 'g' of that connection is forwarded. A walk that breaks or a
 *    read that fails forwards that 'g' and checks the next built one
 *    again;
 *  - a 'g' the cache holds already goes to the cache.
 *
 * Only where it pays: a built answer costs the walk's reads (tasks, pid,
 * thread_node: three small reads a task) and one of the saved words, four
 * request/reply turns instead of one. On arm64 that is about a quarter of
 * the target's bytes for info threads (docs/performance.md). x86_64's 'g'
 * is 316 digits, and its pattern needs thread.sp, the bp it points at and
 * the stub's own buffer (kgdb leaves eflags, cs and ss of the previous
 * answer in it): five reads for less than one reply, so x86_64 has no
 * builder; nor has arm (336 digits). riscv64's (576) is built and checked
 * on the lab kernel but saves less (0.7 of the bytes) for more turns:
 * main.c turns the module on for arm64 only, riscv64 waits for monitor
 * bridge taskregs on.
 *
 * Layer 3, beside sleepers.c, which calls br_taskregs_g for gdb's 'g';
 * it calls the cache (br_cache_forward).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/bridge.h"
#include "bridge/sleepers.h"
#include "bridge/taskregs.h"
#include "common/elf.h"

#define TR_TASKS_MAX	4096
#define TR_CPUS_MAX	256	/* kgdb_info entries read at most */
#define TR_FIELD_MAX	32768	/* offsets inside task_struct */
#define TR_READ_MAX	512	/* bytes in one read of ours */

enum tr_state { TR_UNREAD, TR_READY, TR_UNUSABLE };
enum tr_verdict { TR_UNVERIFIED, TR_VERIFIED, TR_MISMATCH };

struct br_taskregs {
	const struct rsp_arch	*arch;
	char			*vmlinux;
	bool			 on;
	enum tr_state		 state;
	struct br_tr_layout	 lay;
	char			 why[BR_ERRLEN];
	struct br_taskregs_stats st;
	enum tr_verdict		 verdict;	/* on this gdb connection */
	bool			 told;		/* a refusal logged */
	bool			 busy;		/* a job runs */
	/* this stop's (cache generation gen) */
	bool			 have_gen;
	uint64_t		 gen;
	struct cm_tl		*tl;
	bool			 cpus_known;
	uint64_t		 cpu_task[TR_CPUS_MAX];
	size_t			 ncpu;
};

/* The saved words per architecture, as kgdb's sleeping_thread_to_gdb_regs
 * copies them: register, task_struct member, array index (-1: none). */
struct tr_src {
	const char	*reg, *member;
	int		 index;
};

static const struct tr_src tr_arm64[] = {
	{ "x19", "thread.cpu_context.x19", -1 },
	{ "x20", "thread.cpu_context.x20", -1 },
	{ "x21", "thread.cpu_context.x21", -1 },
	{ "x22", "thread.cpu_context.x22", -1 },
	{ "x23", "thread.cpu_context.x23", -1 },
	{ "x24", "thread.cpu_context.x24", -1 },
	{ "x25", "thread.cpu_context.x25", -1 },
	{ "x26", "thread.cpu_context.x26", -1 },
	{ "x27", "thread.cpu_context.x27", -1 },
	{ "x28", "thread.cpu_context.x28", -1 },
	{ "x29", "thread.cpu_context.fp", -1 },
	{ "sp", "thread.cpu_context.sp", -1 },
	{ "pc", "thread.cpu_context.pc", -1 },
};

static const struct tr_src tr_riscv64[] = {
	{ "sp", "thread.sp", -1 },
	{ "fp", "thread.s", 0 },
	{ "s1", "thread.s", 1 },
	{ "s2", "thread.s", 2 },
	{ "s3", "thread.s", 3 },
	{ "s4", "thread.s", 4 },
	{ "s5", "thread.s", 5 },
	{ "s6", "thread.s", 6 },
	{ "s7", "thread.s", 7 },
	{ "s8", "thread.s", 8 },
	{ "s9", "thread.s", 9 },
	{ "s10", "thread.s", 10 },
	{ "s11", "thread.s", 11 },
	{ "pc", "thread.ra", -1 },
};

/* ---- the layout */

static int
tr_member(struct cm_dwarf *d, const char *sname, const char *path,
    uint64_t size, uint64_t *off, char *err)
{
	struct cm_dwarf_member	m;
	char			derr[CM_DWARF_ERRLEN];

	if (cm_dwarf_member(d, sname, path, &m, derr) != 0) {
		br_seterr(err, "%s", derr);
		return (-1);
	}
	if (m.bit_size != 0 || (size != 0 && m.size != size) ||
	    m.offset > TR_FIELD_MAX) {
		br_seterr(err, "struct %s: %s is not %" PRIu64 " bytes where "
		    "the bridge can read it", sname, path, size);
		return (-1);
	}
	*off = m.offset;
	return (0);
}

/* The saved words' places, per the architecture's table. */
static int
tr_slots(struct cm_dwarf *d, const struct rsp_arch *a, struct br_tr_layout *l,
    char *err)
{
	const struct tr_src	*src;
	struct cm_dwarf_member	 m;
	char			 derr[CM_DWARF_ERRLEN];
	uint64_t		 off, lo = UINT64_MAX, hi = 0;
	size_t			 i, n;
	int			 reg;

	if (a->id == RSP_ARCH_ARM64) {
		src = tr_arm64;
		n = nitems(tr_arm64);
	} else if (a->id == RSP_ARCH_RISCV64) {
		src = tr_riscv64;
		n = nitems(tr_riscv64);
	} else {
		br_seterr(err, "kgdb's sleeping-task registers are not built "
		    "on %s", a->name);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if ((reg = rsp_arch_reg_by_name(a, src[i].reg)) < 0 ||
		    a->regs[reg].size != 8 || a->regs[reg].offset < 0) {
			br_seterr(err, "no 8-byte register %s", src[i].reg);
			return (-1);
		}
		if (cm_dwarf_member(d, "task_struct", src[i].member, &m,
		    derr) != 0) {
			br_seterr(err, "%s", derr);
			return (-1);
		}
		off = m.offset + (src[i].index > 0 ? 8 * (uint64_t)src[i].index :
		    0);
		if (m.bit_size != 0 || (src[i].index < 0 && m.size != 8) ||
		    (src[i].index >= 0 && 8 * (uint64_t)src[i].index + 8 >
		    m.size) || off > TR_FIELD_MAX) {
			br_seterr(err, "struct task_struct: %s is no saved "
			    "word", src[i].member);
			return (-1);
		}
		l->slot[i].reg = reg;
		l->slot[i].off = off;
		lo = off < lo ? off : lo;
		hi = off + 8 > hi ? off + 8 : hi;
	}
	l->nslots = n;
	l->saved_lo = lo;
	l->saved_len = hi - lo;
	if (l->saved_len > TR_READ_MAX) {
		br_seterr(err, "the saved words span %" PRIu64 " bytes",
		    l->saved_len);
		return (-1);
	}
	return (0);
}

/* kgdb_info[], its entries' task and debuggerinfo, and nr_cpu_ids. */
static int
tr_kgdb_info(struct cm_dwarf *d, struct br_tr_layout *l, char *err)
{
	struct cm_dwarf_var	v;
	char			derr[CM_DWARF_ERRLEN];

	if (cm_dwarf_var(d, "kgdb_info", &v, derr) != 0) {
		br_seterr(err, "%s", derr);
		return (-1);
	}
	l->info_addr = v.addr;
	if (cm_dwarf_struct_size(d, "debuggerinfo_struct", &l->info_size,
	    derr) != 0) {
		br_seterr(err, "%s", derr);
		return (-1);
	}
	if (l->info_size == 0 || l->info_size > 256 || v.size == 0 ||
	    v.size % l->info_size != 0) {
		br_seterr(err, "kgdb_info is no array of struct "
		    "debuggerinfo_struct");
		return (-1);
	}
	l->info_count = (size_t)(v.size / l->info_size);
	if (tr_member(d, "debuggerinfo_struct", "task", 8, &l->info_task,
	    err) != 0 || tr_member(d, "debuggerinfo_struct", "debuggerinfo", 8,
	    &l->info_dbg, err) != 0)
		return (-1);
	if (l->info_task + 8 > l->info_size || l->info_dbg + 8 > l->info_size) {
		br_seterr(err, "struct debuggerinfo_struct: task or "
		    "debuggerinfo outside it");
		return (-1);
	}
	/* A kernel without SMP has no nr_cpu_ids: one CPU. */
	if (cm_dwarf_var(d, "nr_cpu_ids", &v, derr) == 0 && v.size == 4)
		l->nr_cpu_ids = v.addr;
	else
		l->nr_cpu_ids = 0;
	return (0);
}

int
br_taskregs_layout(struct cm_dwarf *d, const struct rsp_arch *a,
    struct br_tr_layout *l, char *err)
{
	struct cm_dwarf_var	v;
	uint64_t		off;
	char			derr[CM_DWARF_ERRLEN];

	memset(l, 0, sizeof *l);
	if (cm_dwarf_bits(d) != 64 || cm_dwarf_big_endian(d)) {
		br_seterr(err, "not a 64-bit little-endian kernel");
		return (-1);
	}
	l->tl.wsize = 8;
	if (cm_dwarf_var(d, "init_task", &v, derr) != 0) {
		br_seterr(err, "%s", derr);
		return (-1);
	}
	l->tl.init_task = v.addr;
	if (tr_member(d, "task_struct", "tasks", 16, &l->tl.tasks_off,
	    err) != 0 || tr_member(d, "task_struct", "pid", 4, &l->pid_off,
	    err) != 0)
		return (-1);
	/* Threads of a group: where the kernel keeps them on a list. */
	l->tl.groups = tr_member(d, "task_struct", "thread_node", 16,
	    &l->tl.thread_node_off, derr) == 0 && tr_member(d, "task_struct",
	    "signal", 8, &l->tl.signal_off, derr) == 0 &&
	    tr_member(d, "signal_struct", "thread_head", 16, &off,
	    derr) == 0;
	if (l->tl.groups)
		l->tl.thread_head_off = off;
	else
		log_info("taskregs: no thread groups in the walk (%s)", derr);
	if (tr_kgdb_info(d, l, err) != 0)
		return (-1);
	return (tr_slots(d, a, l, err));
}

/* ---- the answer (pure) */

int
br_taskregs_build(const struct rsp_arch *a, const struct br_tr_layout *l,
    const uint8_t *saved, size_t len, char *out, size_t outmax)
{
	static const char	 hex[] = "0123456789abcdef";
	const struct rsp_reg	*r;
	size_t			 i, k, at, glen = 2 * (size_t)a->numregbytes;
	uint64_t		 v;

	if (glen > outmax || len != l->saved_len)
		return (-1);
	memset(out, '0', glen);
	for (i = 0; i < l->nslots; i++) {
		r = &a->regs[l->slot[i].reg];
		if (r->offset < 0 || 2 * ((size_t)r->offset + r->size) > glen ||
		    l->slot[i].off < l->saved_lo ||
		    l->slot[i].off - l->saved_lo + 8 > len)
			return (-1);
		v = cm_le(saved + (l->slot[i].off - l->saved_lo), 8);
		at = 2 * (size_t)r->offset;
		for (k = 0; k < r->size && k < 8; k++, v >>= 8) {
			out[at + 2 * k] = hex[(v >> 4) & 0xf];
			out[at + 2 * k + 1] = hex[v & 0xf];
		}
	}
	return ((int)glen);
}

const char *
br_taskregs_differ(const struct rsp_arch *a, const char *g1, size_t len1,
    const char *g2, size_t len2)
{
	const struct rsp_reg	*r;
	size_t			 i, at, n;
	int			 j;

	if (len1 != len2)
		return ("length");
	for (j = 0; j < (int)a->nregs; j++) {
		r = &a->regs[j];
		if (r->offset < 0)
			continue;
		at = 2 * (size_t)r->offset;
		n = 2 * (size_t)r->size;
		if (at + n > len1)
			continue;
		for (i = at; i < at + n; i++)
			if ((g1[i] | 0x20) != (g2[i] | 0x20))
				return (r->name);
	}
	for (i = 0; i < len1; i++)	/* bytes no register covers */
		if ((g1[i] | 0x20) != (g2[i] | 0x20))
			return ("padding");
	return (NULL);
}

size_t
br_taskregs_cpus(const struct br_tr_layout *l, const uint8_t *info,
    size_t count, uint64_t *tasks, size_t max)
{
	const uint8_t	*e;
	size_t		 i, n = 0;
	uint64_t	 task;

	for (i = 0; i < count && n < max; i++) {
		e = info + i * l->info_size;
		task = cm_le(e + l->info_task, 8);
		/* kgdb forwards to pt_regs only with debuggerinfo set */
		if (task != 0 && cm_le(e + l->info_dbg, 8) != 0)
			tasks[n++] = task;
	}
	return (n);
}

/* ---- the module */

struct br_taskregs *
br_taskregs_new(const struct rsp_arch *a, const char *vmlinux, bool on)
{
	struct br_taskregs	*t = xcalloc(1, sizeof *t);

	t->arch = a;
	t->vmlinux = vmlinux != NULL ? xstrdup(vmlinux) : NULL;
	t->on = on;
	return (t);
}

void
br_taskregs_free(struct br_taskregs *t)
{
	if (t == NULL)
		return;
	cm_tl_free(t->tl);
	free(t->vmlinux);
	free(t);
}

void
br_taskregs_use_layout(struct br_taskregs *t, const struct br_tr_layout *l)
{
	cm_tl_free(t->tl);
	t->lay = *l;
	if ((t->tl = cm_tl_new(&t->lay.tl, TR_TASKS_MAX)) == NULL)
		abort();
	t->state = TR_READY;
	t->why[0] = '\0';
}

void
br_taskregs_set(struct bridge *br, bool on)
{
	struct br_taskregs	*t = br->taskregs;

	if (t == NULL || t->on == on)
		return;
	t->on = on;
	/* Answers of the other kind held for this stop go. */
	if (br->cache != NULL)
		br_cache_invalidate(br->cache, BR_CE_WRITE);
}

bool
br_taskregs_on(const struct br_taskregs *t)
{
	return (t != NULL && t->on);
}

void
br_taskregs_attach(struct bridge *br)
{
	if (br->taskregs != NULL)
		br->taskregs->verdict = TR_UNVERIFIED;
}

const struct br_taskregs_stats *
br_taskregs_stats(const struct br_taskregs *t)
{
	return (&t->st);
}

const char *
br_taskregs_why(const struct br_taskregs *t)
{
	return (t->why);
}

/* The layout, read at the first 'g' it is needed for; false (said once)
 * if it cannot be had. */
static bool
tr_ready(struct br_taskregs *t)
{
	struct cm_dwarf	*d;
	char		 derr[CM_DWARF_ERRLEN];

	if (t->state != TR_UNREAD)
		return (t->state == TR_READY);
	t->state = TR_UNUSABLE;
	if (t->vmlinux == NULL)
		br_seterr(t->why, "no --vmlinux");
	else if ((d = cm_dwarf_open(t->vmlinux, derr)) == NULL)
		br_seterr(t->why, "%s", derr);
	else {
		if (br_taskregs_layout(d, t->arch, &t->lay, t->why) == 0 &&
		    (t->tl = cm_tl_new(&t->lay.tl, TR_TASKS_MAX)) != NULL)
			t->state = TR_READY;
		cm_dwarf_free(d);
	}
	if (t->state != TR_READY) {
		log_warn("taskregs: every 'g' goes to kgdb: %s", t->why);
		return (false);
	}
	t->why[0] = '\0';
	log_info("taskregs: sleeping tasks' 'g' built from %" PRIu64 " bytes "
	    "of task_struct at +%#" PRIx64 "; kgdb_info[%zu]",
	    t->lay.saved_len, t->lay.saved_lo, t->lay.info_count);
	return (true);
}

/* ---- one 'g' of gdb's */

enum { TR_WAIT, TR_AGAIN, TR_DONE };

struct tr_job {
	struct bridge		*br;
	br_reply_cb		*cb;
	void			*arg;
	uint64_t		 tid, gen;
	uint64_t		 task;		/* found: its task_struct */
	bool			 found;
	int			 phase;
	bool			 running;	/* inside tr_run's loop */
	bool			 pending;	/* a read is out */
	bool			 failed;	/* the read failed */
	/* the read out: into buf[0..want) */
	uint8_t			 buf[TR_READ_MAX];
	size_t			 ncpus, cpu_at;	/* kgdb_info: entries, read */
	size_t			 want, got;
	/* a task's links as they are read */
	int			 lstep;
	bool			 thread;	/* reached by a group's list */
	struct cm_tl_links	 ln;
	char			 g[RSP_PKT_MAX + 1];	/* the built answer */
	size_t			 glen;
};

enum {
	PH_NCPU, PH_CPUS, PH_FIND, PH_SAVED, PH_VERIFY
};

static void	tr_run(struct tr_job *);

static void
tr_read_cb(void *arg, const char *payload, size_t len, const char *err)
{
	struct tr_job	*j = arg;
	int		 k;

	j->pending = false;
	k = err != NULL || payload == NULL || (len > 0 && payload[0] == 'E') ?
	    -1 : rsp_hex_decode(j->buf, sizeof j->buf, payload, len);
	j->failed = k < 0 || (size_t)k != j->want;
	j->got = k < 0 ? 0 : (size_t)k;
	if (!j->running)
		tr_run(j);
}

/* One read of ours, through the cache: TR_WAIT. */
static int
tr_read(struct tr_job *j, uint64_t addr, size_t len)
{
	struct br_taskregs	*t = j->br->taskregs;
	char			 m[64];
	int			 n;

	j->want = len;
	j->pending = true;
	j->failed = false;
	t->st.reads++;
	t->st.read_bytes += len;
	n = snprintf(m, sizeof m, "m%" PRIx64 ",%zx", addr, len);
	(void)br_cache_forward(j->br, m, (size_t)n, tr_read_cb, j);
	return (TR_WAIT);
}

/* kgdb answers this one; the job is over. */
static int
tr_forward(struct tr_job *j, const char *why)
{
	struct br_taskregs	*t = j->br->taskregs;

	if (why != NULL) {
		t->st.forwarded++;
		if (!t->told) {
			t->told = true;
			log_info("taskregs: thread %" PRIu64 "'s 'g' goes to "
			    "kgdb: %s (said once)", j->tid, why);
		} else
			log_debug("taskregs: thread %" PRIu64 "'s 'g' goes to "
			    "kgdb: %s", j->tid, why);
	}
	t->busy = false;
	(void)br_cache_forward(j->br, "g", 1, j->cb, j->arg);
	free(j);
	return (TR_DONE);
}

/* Something looked off: check the next built answer again. */
static int
tr_off(struct tr_job *j, const char *why)
{
	struct br_taskregs	*t = j->br->taskregs;

	if (t->verdict == TR_VERIFIED)
		t->verdict = TR_UNVERIFIED;
	return (tr_forward(j, why));
}

/* The CPUs in kgdb and their tasks, once a stop. */
static int
tr_cpus(struct tr_job *j)
{
	struct br_taskregs	*t = j->br->taskregs;
	const struct br_tr_layout *l = &t->lay;
	uint64_t		 n;

	if (j->phase == PH_NCPU) {
		if (j->pending)
			return (TR_WAIT);
		if (l->nr_cpu_ids != 0 && j->want == 0)
			return (tr_read(j, l->nr_cpu_ids, 4));
		if (j->failed)
			return (tr_off(j, "nr_cpu_ids cannot be read"));
		n = l->nr_cpu_ids != 0 ? cm_le(j->buf, 4) : 1;
		if (n == 0 || n > l->info_count)
			return (tr_off(j, "nr_cpu_ids is out of kgdb_info's "
			    "range"));
		if (n > TR_CPUS_MAX)
			return (tr_forward(j, "more CPUs than the bridge "
			    "follows"));
		j->phase = PH_CPUS;
		j->ncpus = (size_t)n;
		j->cpu_at = 0;
		t->ncpu = 0;
	} else {
		/* a piece of kgdb_info is in */
		if (j->failed)
			return (tr_off(j, "kgdb_info cannot be read"));
		t->ncpu += br_taskregs_cpus(l, j->buf, j->got / l->info_size,
		    t->cpu_task + t->ncpu, TR_CPUS_MAX - t->ncpu);
		j->cpu_at += j->got / l->info_size;
	}
	if (j->cpu_at < j->ncpus) {
		n = j->ncpus - j->cpu_at;
		if (n > TR_READ_MAX / l->info_size)
			n = TR_READ_MAX / l->info_size;
		return (tr_read(j, l->info_addr + j->cpu_at * l->info_size,
		    (size_t)(n * l->info_size)));
	}
	t->cpus_known = true;
	j->phase = PH_FIND;
	j->want = 0;
	return (TR_AGAIN);
}

/*
 * The links of the task the cursor names, one small read each: tasks,
 * pid, thread_node, and signal only when the thread list is not just
 * this task (next == prev).
 */
static int
tr_links(struct tr_job *j, uint64_t task)
{
	struct br_taskregs	*t = j->br->taskregs;
	const struct br_tr_layout *l = &t->lay;
	char			 why[CM_TL_ERRLEN];

	if (j->lstep > 0 && j->failed) {
		snprintf(why, sizeof why, "task %#" PRIx64 " cannot be read",
		    task);
		cm_tl_fail(t->tl, why);
		return (tr_off(j, why));
	}
	switch (j->lstep++) {
	case 0:
		memset(&j->ln, 0, sizeof j->ln);
		/* a thread is checked by thread_node alone */
		if (!j->thread)
			return (tr_read(j, task + l->tl.tasks_off, 16));
		/* FALLTHROUGH */
	case 1:
		if (!j->thread) {
			j->ln.next = cm_le(j->buf, 8);
			j->ln.prev = cm_le(j->buf + 8, 8);
		}
		j->lstep = 2;
		return (tr_read(j, task + l->pid_off, 4));
	case 2:
		j->ln.pid = (int32_t)cm_le(j->buf, 4);
		if (l->tl.groups)
			return (tr_read(j, task + l->tl.thread_node_off, 16));
		break;
	case 3:
		j->ln.tn_next = cm_le(j->buf, 8);
		j->ln.tn_prev = cm_le(j->buf + 8, 8);
		/*
		 * Alone on its list (next and prev both the head, the only
		 * other entry): the head names the signal_struct, unread.
		 * A thread of a group needs no signal at all.
		 */
		if (j->ln.tn_next == j->ln.tn_prev &&
		    j->ln.tn_next >= l->tl.thread_head_off) {
			j->ln.sig = j->ln.tn_next - l->tl.thread_head_off;
			break;
		}
		if (!j->thread)
			return (tr_read(j, task + l->tl.signal_off, 8));
		break;
	case 4:
		j->ln.sig = cm_le(j->buf, 8);
		break;
	default:
		break;
	}
	j->lstep = 0;
	j->want = 0;
	if (cm_tl_task(t->tl, &j->ln) != 0)
		return (tr_off(j, cm_tl_why(t->tl)));
	t->st.walked++;
	return (TR_AGAIN);
}

/* On with the walk until it meets the pid. */
static int
tr_find(struct tr_job *j)
{
	struct br_taskregs	*t = j->br->taskregs;
	enum cm_tl_want		 w;
	uint64_t		 addr;
	bool			 thread;
	size_t			 i;
	char			 why[BR_ERRLEN];

	if (j->lstep == 0 && j->want == 0 &&
	    cm_tl_find_pid(t->tl, (int32_t)j->tid, &j->task)) {
		for (i = 0; i < t->ncpu; i++)
			if (t->cpu_task[i] == j->task) {
				t->st.on_cpu++;
				return (tr_forward(j, NULL));
			}
		j->phase = PH_SAVED;
		return (tr_read(j, j->task + t->lay.saved_lo,
		    (size_t)t->lay.saved_len));
	}
	w = cm_tl_next(t->tl, &addr, &thread);
	if (w == CM_TL_END) {
		br_seterr(why, "no task with pid %" PRIu64 " in the list%s%s",
		    j->tid, cm_tl_why(t->tl)[0] != '\0' ? ": " : "",
		    cm_tl_why(t->tl));
		return (cm_tl_why(t->tl)[0] != '\0' ? tr_off(j, why) :
		    tr_forward(j, why));
	}
	if (w == CM_TL_HEAD) {
		if (j->want == 0)
			return (tr_read(j, addr, 8));
		j->want = 0;
		if (j->failed) {
			cm_tl_fail(t->tl, "a thread list head cannot be read");
			return (tr_off(j, cm_tl_why(t->tl)));
		}
		cm_tl_head(t->tl, cm_le(j->buf, 8));
		return (TR_AGAIN);
	}
	j->thread = thread;
	return (tr_links(j, addr));
}

static void
tr_verify_cb(void *arg, const char *payload, size_t len, const char *err)
{
	struct tr_job		*j = arg;
	struct br_taskregs	*t = j->br->taskregs;
	const char		*reg;

	t->busy = false;
	if (err != NULL || payload == NULL) {
		j->cb(j->arg, payload, len, err);
		free(j);
		return;
	}
	reg = br_taskregs_differ(j->br->arch, payload, len, j->g, j->glen);
	if (reg == NULL) {
		t->st.verified++;
		if (t->verdict == TR_UNVERIFIED)
			log_info("taskregs: thread %" PRIu64 "'s built 'g' is "
			    "kgdb's: building them on this connection",
			    j->tid);
		t->verdict = TR_VERIFIED;
	} else {
		t->st.mismatches++;
		t->verdict = TR_MISMATCH;
		log_warn("taskregs: thread %" PRIu64 "'s built 'g' differs "
		    "from kgdb's in %s: every 'g' goes to kgdb on this "
		    "connection", j->tid, reg);
	}
	j->cb(j->arg, payload, len, NULL);
	free(j);
}

/* The saved words are in: the answer, or the check of it. */
static int
tr_saved(struct tr_job *j)
{
	struct br_taskregs	*t = j->br->taskregs;
	struct bridge		*br = j->br;
	int			 n;

	if (j->failed)
		return (tr_off(j, "the saved registers cannot be read"));
	n = br_taskregs_build(br->arch, &t->lay, j->buf, j->got, j->g,
	    sizeof j->g - 1);
	if (n < 0)
		return (tr_forward(j, "the answer does not fit"));
	j->glen = (size_t)n;
	j->g[j->glen] = '\0';
	if (t->verdict != TR_VERIFIED) {
		/* kgdb's own, for this one: compared in tr_verify_cb. */
		j->phase = PH_VERIFY;
		(void)br_cache_forward(br, "g", 1, tr_verify_cb, j);
		return (TR_DONE);
	}
	t->st.built++;
	t->busy = false;
	br_cache_put_g(br->cache, j->gen, j->tid, j->g, j->glen);
	br_cache_learn_stack(br->cache, j->g, j->glen);
	j->cb(j->arg, j->g, j->glen, NULL);
	free(j);
	return (TR_DONE);
}

static int
tr_step(struct tr_job *j)
{
	struct br_taskregs	*t = j->br->taskregs;

	if (j->pending)
		return (TR_WAIT);
	if (br_cache_generation(j->br->cache) != j->gen)
		return (tr_forward(j, "the stop ended"));
	switch (j->phase) {
	case PH_NCPU:
	case PH_CPUS:
		if (t->cpus_known) {
			j->phase = PH_FIND;
			j->want = 0;
			return (TR_AGAIN);
		}
		return (tr_cpus(j));
	case PH_FIND:
		return (tr_find(j));
	case PH_SAVED:
		return (tr_saved(j));
	default:
		return (tr_forward(j, "lost its way"));
	}
}

/* Steps until one waits for a read that is out, or the job is over. A
 * read the cache answers at once comes back inside the loop. */
static void
tr_run(struct tr_job *j)
{
	int	r;

	j->running = true;
	for (;;) {
		r = tr_step(j);
		if (r == TR_DONE)
			return;
		if (r == TR_WAIT && j->pending) {
			j->running = false;
			return;
		}
	}
}

int
br_taskregs_g(struct bridge *br, uint64_t tid, br_reply_cb *cb, void *arg)
{
	struct br_taskregs	*t = br->taskregs;
	struct tr_job		*j;
	uint64_t		 gen;

	if (t == NULL || !t->on || t->busy || t->verdict == TR_MISMATCH ||
	    tid == 0 || tid > INT32_MAX || br->cache == NULL ||
	    br_cache_has_g(br->cache, tid) || !tr_ready(t) ||
	    (br->vmlinux != NULL &&
	    br_vmlinux_state(br->vmlinux) == BR_VML_MISMATCH))
		return (br_cache_forward(br, "g", 1, cb, arg));
	gen = br_cache_generation(br->cache);
	if (!t->have_gen || t->gen != gen) {
		t->have_gen = true;
		t->gen = gen;
		cm_tl_reset(t->tl);
		t->cpus_known = false;
	}
	j = xcalloc(1, sizeof *j);
	j->br = br;
	j->cb = cb;
	j->arg = arg;
	j->tid = tid;
	j->gen = gen;
	j->phase = PH_NCPU;
	t->busy = true;
	tr_run(j);
	return (0);
}
