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
 * The cache off, the module still builds: gdb's thread is then the Hg
 * sleepers.c saw said OK at this stop (br_taskregs_hg), the walk is kept
 * as ever, and each 'g' reads its task's saved words again.
 *
 * Reading ahead (prefetch.c) the same job runs for a thread gdb has not
 * asked for yet (br_taskregs_ahead): each read comes from the cache or
 * goes out in the background on an idle line and is kept in the cache,
 * and nothing is forwarded; where gdb's 'g' would be forwarded the build
 * is declined and the read-ahead reads kgdb's 'g' itself. Before a check
 * has passed, a built answer is held back (check_*) until kgdb's own for
 * the same thread comes in (br_taskregs_ahead_check). gdb's 'g' waits
 * for no build, only for its one read on the wire: it cancels the build
 * (that read's reply still goes to the cache) and takes the walk over,
 * which a job moves on only with a finished step.
 *
 * A task a CPU in kgdb runs (arm64): kgdb's 'g' is pt_regs_to_gdb_regs of
 * that CPU's pt_regs, 268 bytes of x0-x30, sp, pc and pstate and 520 of
 * zeros. The bridge builds it from one read of the pt_regs that
 * kgdb_info[cpu].debuggerinfo names (br_taskregs_g_cpu for kgdb's current
 * thread, found through kgdb_active, and for the shadow CPU threads; the
 * walk's pids that turn out to be on a CPU likewise), checked against
 * kgdb's own once a connection with a verdict of its own (cverdict).
 * nr_cpu_ids is read once a connection. The read-ahead still reads
 * kgdb's 'g' for these threads.
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
 * Layer 3, beside sleepers.c, which calls br_taskregs_g for gdb's 'g',
 * and prefetch.c, which calls br_taskregs_ahead; it calls the cache
 * (br_cache_forward, br_cache_ahead_reply) and, reading ahead, the
 * target engine's background requests. The pure steps are in
 * taskregs_build.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/bridge.h"
#include "bridge/cache_peek.h"
#include "bridge/prefetch.h"
#include "bridge/sleepers.h"
#include "bridge/taskregs.h"
#include "common/elf.h"

#include "bridge/taskregs_int.h"

#define TR_READ_MAX	BR_TR_SAVED_MAX	/* bytes in one read of ours */

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
	if (t->lay.cpu_ok)
		log_info("taskregs: a CPU's 'g' built from %" PRIu64 " bytes "
		    "of its pt_regs", t->lay.cregs_len);
	else
		log_info("taskregs: a CPU's 'g' is kgdb's: %s",
		    t->lay.cpu_why);
	return (true);
}

/* ---- one 'g' of gdb's */

enum { TR_WAIT, TR_AGAIN, TR_DONE };

struct tr_job {
	struct bridge		*br;
	br_reply_cb		*cb;
	void			*arg;
	uint64_t		 tid, gen;
	uint64_t		 epoch;		/* br_taskregs' at its start */
	/* a CPU's thread: kgdb's current one (tid is then the cache's
	 * key for it) or a shadow CPU id; else tid is a pid */
	bool			 current, shadow;
	bool			 cpu_build;	/* building from pt_regs */
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
	/* the read-ahead's (br_taskregs_ahead) */
	bool			 ahead;
	bool			 cancelled;	/* gdb's own took over */
	bool			 wire_err;	/* a read of ours went unanswered */
	br_tr_ahead_cb		*acb;
	void			*aarg;
	uint64_t		 raddr;		/* the read out */
};

enum {
	PH_NCPU, PH_CPUS, PH_FIND, PH_SAVED, PH_VERIFY, PH_ACTIVE, PH_REGS
};

static void	tr_run(struct tr_job *);
static void	tr_read_cb(void *, const char *, size_t, const char *);

/* A read-ahead job is over: cb, and the module free for the next. */
static int
tr_ahead_end(struct tr_job *j, const char *g, size_t len,
    enum br_tr_ahead how)
{
	struct br_taskregs	*t = j->br->taskregs;

	if (t != NULL && t->ahead_job == j) {
		t->ahead_job = NULL;
		t->busy = false;
	}
	j->acb(j->aarg, g, len, how);
	free(j);
	return (TR_DONE);
}

/* A read-ahead read's reply: kept in the cache as the read-ahead's (at
 * the job's stop only), then the job goes on; unanswered, it ends. */
static void
tr_ahead_read_cb(void *arg, const char *payload, size_t len, const char *err)
{
	struct tr_job	*j = arg;
	struct br_ahead	 a;

	j->pending = false;
	if (j->br->cache != NULL) {
		memset(&a, 0, sizeof a);
		a.kind = BR_AHEAD_MEM;
		a.gen = j->gen;
		a.addr = j->raddr;
		a.len = j->want;
		a.pktlen = (size_t)snprintf(a.pkt, sizeof a.pkt, "m%" PRIx64
		    ",%zx", j->raddr, j->want);
		br_cache_ahead_reply(j->br->cache, &a, err != NULL ? NULL :
		    payload, len);
	}
	if (j->cancelled) {
		(void)tr_ahead_end(j, NULL, 0, BR_TR_LATER);
		return;
	}
	if (err != NULL) {
		j->wire_err = true;
		if (!j->running)	/* else tr_read_ahead ends it */
			(void)tr_ahead_end(j, NULL, 0, BR_TR_FAILED);
		return;
	}
	tr_read_cb(j, payload, len, NULL);
}

/* One read of the read-ahead's: from the cache, else in the background
 * while the line is idle (else put off). */
static int
tr_read_ahead(struct tr_job *j, uint64_t addr, size_t len)
{
	struct bridge	*br = j->br;
	char		 m[64];
	int		 n;

	j->want = len;
	j->failed = false;
	j->raddr = addr;
	if (br_cache_mem_held(br->cache, addr, len, j->buf)) {
		j->got = len;
		return (TR_WAIT);	/* not pending: on at once */
	}
	if (!br_target_idle(br->target))
		return (tr_ahead_end(j, NULL, 0, BR_TR_LATER));
	br->taskregs->st.reads++;
	br->taskregs->st.read_bytes += len;
	n = snprintf(m, sizeof m, "m%" PRIx64 ",%zx", addr, len);
	j->pending = true;
	j->wire_err = false;
	(void)br_target_request_bg(br->target, m, (size_t)n,
	    tr_ahead_read_cb, j);
	if (j->wire_err)		/* refused at once */
		return (tr_ahead_end(j, NULL, 0, BR_TR_FAILED));
	return (TR_WAIT);
}

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

	if (j->ahead)
		return (tr_read_ahead(j, addr, len));
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
	if (j->ahead)
		return (tr_ahead_end(j, NULL, 0, BR_TR_KGDB));
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
	if (t->cverdict == TR_VERIFIED)
		t->cverdict = TR_UNVERIFIED;
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
		/* Read once a connection: the kernel sets it at boot. */
		if (l->nr_cpu_ids != 0 && !t->nr_known && j->want == 0)
			return (tr_read(j, l->nr_cpu_ids, 4));
		if (!t->nr_known && j->failed)
			return (tr_off(j, "nr_cpu_ids cannot be read"));
		n = t->nr_known ? t->nr : l->nr_cpu_ids != 0 ?
		    cm_le(j->buf, 4) : 1;
		if (n == 0 || n > l->info_count)
			return (tr_off(j, "nr_cpu_ids is out of kgdb_info's "
			    "range"));
		if (n > TR_CPUS_MAX)
			return (tr_forward(j, "more CPUs than the bridge "
			    "follows"));
		t->nr = n;
		t->nr_known = true;
		j->phase = PH_CPUS;
		j->ncpus = (size_t)n;
		j->cpu_at = 0;
		t->ncpu = 0;
	} else {
		/* a piece of kgdb_info is in */
		if (j->failed)
			return (tr_off(j, "kgdb_info cannot be read"));
		t->ncpu += br_taskregs_cpus(l, j->buf, j->cpu_at,
		    j->got / l->info_size, t->cpus + t->ncpu,
		    TR_CPUS_MAX - t->ncpu);
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

/* The task runs on a CPU in kgdb: its pt_regs, or kgdb's answer. */
static int
tr_on_cpu(struct tr_job *j, const struct br_tr_cpu *c)
{
	struct br_taskregs	*t = j->br->taskregs;

	if (j->ahead || !t->lay.cpu_ok || t->cverdict == TR_MISMATCH) {
		t->st.on_cpu++;
		return (tr_forward(j, NULL));
	}
	j->cpu_build = true;
	j->phase = PH_REGS;
	j->want = 0;
	return (tr_read(j, c->regs + t->lay.cregs_lo,
	    (size_t)t->lay.cregs_len));
}

/* A CPU's thread (kgdb's current one, or a shadow): which CPU, then its
 * pt_regs; a CPU kgdb holds no pt_regs of is kgdb's to answer (it gives
 * that CPU's idle or sleeping task). */
static int
tr_cpu_thread(struct tr_job *j)
{
	struct br_taskregs	*t = j->br->taskregs;
	size_t			 i, cpu;
	int32_t			 a;

	if (j->current && !t->active_known) {
		if (j->phase != PH_ACTIVE) {
			j->phase = PH_ACTIVE;
			return (tr_read(j, t->lay.active_addr, 4));
		}
		if (j->failed)
			return (tr_off(j, "kgdb_active cannot be read"));
		a = (int32_t)cm_le(j->buf, 4);
		if (a < 0 || (size_t)a >= t->lay.info_count)
			return (tr_forward(j, "no CPU is kgdb's master"));
		t->active = (size_t)a;
		t->active_known = true;
	}
	cpu = j->current ? t->active : (size_t)(0xfffffffeULL -
	    (j->tid & 0xffffffffULL));
	for (i = 0; i < t->ncpu; i++)
		if (t->cpus[i].cpu == cpu)
			return (tr_on_cpu(j, &t->cpus[i]));
	return (tr_forward(j, "its CPU holds no registers in kgdb"));
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
			if (t->cpus[i].task == j->task)
				return (tr_on_cpu(j, &t->cpus[i]));
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

/* kgdb's own 'g' of thread tid against the one built for it: the
 * verdict for this connection. */
static void
tr_judge(struct bridge *br, uint64_t tid, bool cpu, const char *kgdb,
    size_t klen, const char *built, size_t blen)
{
	struct br_taskregs	*t = br->taskregs;
	enum tr_verdict		*v = cpu ? &t->cverdict : &t->verdict;
	const char		*reg, *what = cpu ? "a CPU's" : "a sleeping "
				    "task's";

	reg = br_taskregs_differ(br->arch, kgdb, klen, built, blen);
	if (reg == NULL) {
		t->st.verified++;
		if (*v == TR_UNVERIFIED)
			log_info("taskregs: %s 'g' built for thread %#" PRIx64
			    " is kgdb's: building them on this connection",
			    what, tid);
		*v = TR_VERIFIED;
	} else {
		t->st.mismatches++;
		*v = TR_MISMATCH;
		log_warn("taskregs: %s 'g' built for thread %#" PRIx64
		    " differs from kgdb's in %s: kgdb answers them on this "
		    "connection", what, tid, reg);
	}
}

static void
tr_verify_cb(void *arg, const char *payload, size_t len, const char *err)
{
	struct tr_job		*j = arg;
	struct br_taskregs	*t = j->br->taskregs;

	t->busy = false;
	if (err != NULL || payload == NULL) {
		j->cb(j->arg, payload, len, err);
		free(j);
		return;
	}
	/* kgdb's answer goes to whoever asked; a verdict only counts on
	 * the connection and link it was asked on. */
	if (j->epoch == t->epoch)
		tr_judge(j->br, j->tid, j->cpu_build, payload, len, j->g,
		    j->glen);
	j->cb(j->arg, payload, len, NULL);
	free(j);
}

/* The read-ahead's built answer before any check: kept for the one kgdb
 * sends for the same thread, which the read-ahead reads next. */
static int
tr_ahead_unchecked(struct tr_job *j)
{
	struct br_taskregs	*t = j->br->taskregs;

	free(t->check_g);
	t->check_g = xmalloc(j->glen);
	memcpy(t->check_g, j->g, j->glen);
	t->check_glen = j->glen;
	t->check_tid = j->tid;
	t->check_gen = j->gen;
	t->check_have = true;
	return (tr_ahead_end(j, NULL, 0, BR_TR_KGDB));
}

/* gdb's built answer (j->g): first checked against kgdb's own (the
 * verdict not passed yet, compared in tr_verify_cb), else served, kept
 * in the cache and counted. */
static int
tr_answer(struct tr_job *j, enum tr_verdict v, uint64_t *count)
{
	struct bridge	*br = j->br;

	if (v != TR_VERIFIED) {
		j->phase = PH_VERIFY;
		(void)br_cache_forward(br, "g", 1, tr_verify_cb, j);
		return (TR_DONE);
	}
	(*count)++;
	br->taskregs->busy = false;
	br_cache_put_g(br->cache, j->gen, j->tid, j->g, j->glen);
	br_cache_learn_stack(br->cache, j->g, j->glen);
	j->cb(j->arg, j->g, j->glen, NULL);
	free(j);
	return (TR_DONE);
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
	if (j->ahead && t->verdict != TR_VERIFIED)
		return (tr_ahead_unchecked(j));
	if (j->ahead) {
		t->st.built++;
		t->st.ahead++;
		return (tr_ahead_end(j, j->g, j->glen, BR_TR_BUILT));
	}
	return (tr_answer(j, t->verdict, &t->st.built));
}

/* A CPU's pt_regs are in: the answer, or the check of it. */
static int
tr_cpu_built(struct tr_job *j)
{
	struct br_taskregs	*t = j->br->taskregs;
	struct bridge		*br = j->br;
	int			 n;

	if (j->failed)
		return (tr_off(j, "a CPU's pt_regs cannot be read"));
	n = br_taskregs_build_cpu(br->arch, &t->lay, j->buf, j->got, j->g,
	    sizeof j->g - 1);
	if (n < 0)
		return (tr_forward(j, "the answer does not fit"));
	j->glen = (size_t)n;
	j->g[j->glen] = '\0';
	return (tr_answer(j, t->cverdict, &t->st.cpu_built));
}

static int
tr_step(struct tr_job *j)
{
	struct br_taskregs	*t = j->br->taskregs;

	if (j->pending)
		return (TR_WAIT);
	if (br_cache_generation(j->br->cache) != j->gen)
		return (j->ahead ? tr_ahead_end(j, NULL, 0, BR_TR_LATER) :
		    tr_forward(j, "the stop ended"));
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
		if (j->current || j->shadow)
			return (tr_cpu_thread(j));
		return (tr_find(j));
	case PH_ACTIVE:
		return (tr_cpu_thread(j));
	case PH_SAVED:
		return (tr_saved(j));
	case PH_REGS:
		return (tr_cpu_built(j));
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

/* This stop's walk and CPUs: from the start at a new one. */
static void
tr_stop(struct br_taskregs *t, uint64_t gen)
{
	if (!t->have_gen || t->gen != gen) {
		t->have_gen = true;
		t->gen = gen;
		cm_tl_reset(t->tl);
		t->cpus_known = false;
		t->active_known = false;
	}
}

static struct tr_job *
tr_job_new(struct bridge *br, uint64_t tid, uint64_t gen)
{
	struct tr_job	*j = xcalloc(1, sizeof *j);

	j->br = br;
	j->tid = tid;
	j->gen = gen;
	j->epoch = br->taskregs->epoch;
	j->phase = PH_NCPU;
	return (j);
}

/* The vmlinux is not known to be another kernel's. */
static bool
tr_kernel_ok(struct bridge *br)
{
	return (br->vmlinux == NULL ||
	    br_vmlinux_state(br->vmlinux) != BR_VML_MISMATCH);
}

/* gdb's own 'g' goes first: a build of the read-ahead's under way is put
 * off (its read out is still kept) and the walk is gdb's. */
static void
tr_gdb_first(struct br_taskregs *t)
{
	if (t != NULL && t->ahead_job != NULL) {
		t->ahead_job->cancelled = true;
		t->ahead_job = NULL;
		t->busy = false;
	}
}

/* A job for gdb's 'g' of tid (a pid, or for a CPU's thread the cache's
 * key or a shadow id), run at this stop. */
static int
tr_gdb_job(struct bridge *br, uint64_t tid, bool current, bool shadow,
    br_reply_cb *cb, void *arg)
{
	struct br_taskregs	*t = br->taskregs;
	struct tr_job		*j;
	uint64_t		 gen;

	gen = br_cache_generation(br->cache);
	tr_stop(t, gen);
	j = tr_job_new(br, tid, gen);
	j->current = current;
	j->shadow = shadow;
	j->cb = cb;
	j->arg = arg;
	t->busy = true;
	tr_run(j);
	return (0);
}

int
br_taskregs_g(struct bridge *br, uint64_t tid, br_reply_cb *cb, void *arg)
{
	struct br_taskregs	*t = br->taskregs;

	tr_gdb_first(t);
	if (t == NULL || !t->on || t->busy || t->verdict == TR_MISMATCH ||
	    tid == 0 || tid > INT32_MAX || br->cache == NULL ||
	    br_cache_has_g(br->cache, tid) || !tr_ready(t) || !tr_kernel_ok(br))
		return (br_cache_forward(br, "g", 1, cb, arg));
	return (tr_gdb_job(br, tid, false, false, cb, arg));
}

/* gdb's 'g' for a CPU's thread: kgdb's current one (key: the cache's
 * name for it) or a shadow CPU id. */
int
br_taskregs_g_cpu(struct bridge *br, uint64_t key, bool current,
    br_reply_cb *cb, void *arg)
{
	struct br_taskregs	*t = br->taskregs;

	tr_gdb_first(t);
	if (t == NULL || !t->on || t->busy || t->cverdict == TR_MISMATCH ||
	    br->cache == NULL || !br_cache_enabled(br->cache) ||
	    br_cache_has_g(br->cache, key) || !tr_ready(t) ||
	    !t->lay.cpu_ok || !tr_kernel_ok(br) || (!current &&
	    (key < 0xffffffffULL - TR_CPUS_MAX || key > 0xfffffffeULL)))
		return (br_cache_forward(br, "g", 1, cb, arg));
	return (tr_gdb_job(br, key, current, !current, cb, arg));
}

/* ---- the read-ahead's */

bool
br_taskregs_can_build(struct bridge *br)
{
	struct br_taskregs	*t = br->taskregs;

	return (t != NULL && t->on && t->verdict != TR_MISMATCH &&
	    br->cache != NULL && br_cache_enabled(br->cache) &&
	    br->arch != NULL && br->arch->id != RSP_ARCH_X86_64 &&
	    tr_ready(t) && tr_kernel_ok(br));
}

void
br_taskregs_ahead(struct bridge *br, uint64_t tid, br_tr_ahead_cb *cb,
    void *arg)
{
	struct br_taskregs	*t = br->taskregs;
	struct tr_job		*j;

	if (!br_taskregs_can_build(br) || tid == 0 || tid > INT32_MAX) {
		cb(arg, NULL, 0, BR_TR_KGDB);
		return;
	}
	if (t->busy) {
		cb(arg, NULL, 0, BR_TR_LATER);
		return;
	}
	tr_stop(t, br_cache_generation(br->cache));
	j = tr_job_new(br, tid, t->gen);
	j->ahead = true;
	j->acb = cb;
	j->aarg = arg;
	t->busy = true;
	t->ahead_job = j;
	tr_run(j);
}

void
br_taskregs_ahead_check(struct bridge *br, uint64_t tid, const char *g,
    size_t len)
{
	struct br_taskregs	*t = br->taskregs;

	if (t == NULL || !t->check_have || t->check_tid != tid ||
	    br->cache == NULL || t->check_gen != br_cache_generation(br->cache))
		return;
	t->check_have = false;
	if (g == NULL || len == 0 || g[0] == 'E')
		return;
	tr_judge(br, tid, false, g, len, t->check_g, t->check_glen);
}
