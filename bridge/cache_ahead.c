/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/cache_ahead.c: the stop-state cache's read-ahead planner. While
 * the kernel sits stopped and the line is idle, prefetch.c asks here what
 * to read next, one wire request at a time, and hands each reply back to
 * be kept as if gdb's own request had brought it.
 *
 * What gdb asks right after nearly every stop, in the order it asks:
 *  1. the registers of the thread that stopped ('g' at the stub's
 *     "current" thread), then the top of its stack from
 *     the sp they hold (bt's frame-pointer and DWARF unwinding reads there;
 *     on the x86_64 lab kernel, bt at a SysRq-g stop reads about 600
 *     bytes above sp, in gdb's 64-byte lines, and one line past the
 *     stack's end), then the code at its pc (x/i $pc);
 *  2. the thread list (qfThreadInfo, qsThreadInfo until 'l');
 *  3. each thread's name (qThreadExtraInfo, with gdb's spelling of the
 *     id: "-2" for kgdb's fffffffe);
 *  4. each thread's registers (Hg, 'g') and a little of its stack from
 *     that sp (info threads shows every thread's frame: for a sleeping
 *     x86_64 task that is the frame sleepers.c reads at its sp, and the
 *     words above it that gdb reads for the frame's function); where the
 *     caller builds a sleeping task's 'g' itself (cfg->build: taskregs.c
 *     on arm64), a BR_AHEAD_BUILD instead of Hg and 'g', whose small
 *     reads of task memory are what gdb's own 'g' of that thread would
 *     cost, and kgdb's 'g' only where the builder declines, then
 *  5. the stub back on gdb's thread.
 * Each step is planned afresh from what the cache holds, so whatever gdb
 * fetched meanwhile is not read again, and nothing is continued that gdb
 * may have disturbed (a thread list gdb started itself is left to gdb).
 *
 * Safety: memory only inside the regions cache_plan.c deems harmless
 * (image, direct map, known stacks), within one page per read; thread
 * list pieces only in an unbroken sequence of the read-ahead's own; an Hg
 * marks the stub's thread unknown until its reply, so any request of
 * gdb's planned meanwhile names gdb's thread first. Replies are kept only
 * under the generation they were planned in: never across a resume.
 *
 * Layer 0 like the rest of the cache: calls cache_plan.c and cache.c.
 */
#include <stdarg.h>

#include "bridge/cache_int.h"
#include "bridge/prefetch.h"

#define AHEAD_SLOP	64	/* read past the stack's end (bt does) */
#define AHEAD_LINE	64	/* gdb's stack and code cache lines */
#define AHEAD_MAX_FAILS	16	/* failed reads at one stop: give up */

/* ---- failures: remembered for the stop as exact entries no gdb
 * request can match (tid CACHE_TID_AHEAD) */

static bool
ahead_failed(const struct br_cache *c, const char *key, size_t len)
{
	return (cache_exact_get(c, CACHE_TID_AHEAD, key, len) != NULL);
}

static void
ahead_fail(struct br_cache *c, const char *key, size_t len)
{
	cache_exact_put(c, CACHE_TID_AHEAD, key, len, "E", 1);
}

static size_t
ahead_nfails(const struct br_cache *c)
{
	size_t	i, n = 0;

	for (i = 0; i < c->nexact; i++)
		if (c->exact[i].tid == CACHE_TID_AHEAD)
			n++;
	return (n);
}

/* ---- the requests */

static void printflike(3, 4)
ahead_pkt(struct br_ahead *a, enum br_ahead_kind kind, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	a->kind = kind;
	va_start(ap, fmt);
	n = vsnprintf(a->pkt, sizeof a->pkt, fmt, ap);
	va_end(ap);
	a->pktlen = n > 0 && (size_t)n < sizeof a->pkt ? (size_t)n : 0;
}

/* The stub to thread tid: its thread is unknown until the reply. */
static bool
plan_hg(struct br_cache *c, uint64_t tid, struct br_ahead *a)
{
	if (tid == CACHE_TID_CURRENT)
		ahead_pkt(a, BR_AHEAD_HG, "Hg0");
	else
		ahead_pkt(a, BR_AHEAD_HG, "Hg%" PRIx64, tid);
	if (ahead_failed(c, a->pkt, a->pktlen))
		return (false);
	a->tid = tid;
	a->prev_hg = c->stub_hg;
	c->stub_hg = CACHE_TID_UNKNOWN;
	return (true);
}

/* Thread tid's registers: held, or the request that gets them (an Hg
 * first when the stub is elsewhere). False with *stuck: cannot. */
static bool
plan_regs(struct br_cache *c, uint64_t tid, struct br_ahead *a, bool *stuck)
{
	struct cthread	*t = cache_thread_get(c, tid, false);
	char		 key[32];
	int		 n;

	*stuck = false;
	if (t != NULL && t->g != NULL)
		return (false);
	n = snprintf(key, sizeof key, "g%" PRIx64, tid);
	if (ahead_failed(c, key, (size_t)n)) {
		*stuck = true;
		return (false);
	}
	if (c->stub_hg != tid) {
		if (plan_hg(c, tid, a))
			return (true);
		*stuck = true;
		return (false);
	}
	ahead_pkt(a, BR_AHEAD_G, "g");
	a->tid = tid;
	return (true);
}

/* Register idx (sp, pc) of thread tid, from its held 'g'. */
static bool
thread_reg(struct br_cache *c, uint64_t tid, int idx, uint64_t *v)
{
	struct cthread	*t = cache_thread_get(c, tid, false);
	struct rsp_regs	 regs;

	return (t != NULL && t->g != NULL && idx >= 0 &&
	    rsp_regs_parse_g(c->arch, t->g, t->glen, &regs) >= 0 &&
	    rsp_regs_get(&regs, idx, v) >= 0 && *v != 0);
}

/*
 * The first piece of [lo, end) that the cache lacks: at most cfg->piece
 * bytes, inside one page and one harmless region.
 */
static bool
plan_mem(struct br_cache *c, const struct br_ahead_cfg *cfg, uint64_t lo,
    uint64_t end, struct br_ahead *a)
{
	const struct cregion	*r;
	uint64_t		 at, e;
	uint8_t			 buf[RSP_PKT_MAX / 2];

	if (cfg->piece == 0)
		return (false);
	for (at = lo; at < end; at = e) {
		e = at + cfg->piece;
		if (e > (at | 4095) + 1)
			e = (at | 4095) + 1;
		if (e > end)
			e = end;
		if ((r = cache_harmless(c, at, 1)) == NULL)
			return (false);
		if (e > r->end)
			e = r->end;
		if (e - at > sizeof buf)
			e = at + sizeof buf;
		if (cache_mem_get(c, at, (size_t)(e - at), buf))
			continue;
		ahead_pkt(a, BR_AHEAD_MEM, "m%" PRIx64 ",%" PRIx64, at, e - at);
		if (ahead_failed(c, a->pkt, a->pktlen))
			continue;
		a->addr = at;
		a->len = e - at;
		return (true);
	}
	return (false);
}

/*
 * The top of a stack: want bytes from sp, from the 64-byte line that
 * holds it (gdb's stack cache reads whole lines), cut at the end of the
 * THREAD_SIZE block holding sp, plus slop.
 */
static bool
plan_stack(struct br_cache *c, const struct br_ahead_cfg *cfg, uint64_t sp,
    size_t want, uint64_t slop, struct br_ahead *a)
{
	uint64_t	lo = sp & ~(uint64_t)(AHEAD_LINE - 1), end, block;

	if (c->thread_size == 0 || want == 0)
		return (false);
	block = (sp & ~((uint64_t)c->thread_size - 1)) + c->thread_size;
	end = lo + want;
	if (end < lo || end > block + slop)
		end = block + slop;
	return (plan_mem(c, cfg, lo, end, a));
}

/* The thread list: its first piece, or the next one of our own. */
static bool
plan_list(struct br_cache *c, struct br_ahead *a)
{
	if (c->list_done || ahead_failed(c, "qfThreadInfo", 12))
		return (false);
	if (c->nlist == 0 && !c->list_recording)
		ahead_pkt(a, BR_AHEAD_LISTF, "qfThreadInfo");
	else if (c->list_recording && c->list_epoch == c->ahead_epoch)
		ahead_pkt(a, BR_AHEAD_LISTS, "qsThreadInfo");
	else
		return (false);	/* gdb's own, under way: gdb finishes it */
	/* Counted when planned, as gdb's are: one of gdb's after it
	 * means the stub's place in the list is gdb's now. */
	c->ahead_epoch = ++c->list_epoch;
	return (true);
}

/* A thread's name as gdb asks for it: "qThreadExtraInfo,-2" for kgdb's
 * shadow CPU fffffffe, lowercase hex without zeros otherwise. */
static bool
plan_extra(struct br_cache *c, uint64_t tid, struct br_ahead *a)
{
	if (tid >= 0x80000000ULL)
		ahead_pkt(a, BR_AHEAD_EXTRA, "qThreadExtraInfo,-%" PRIx64,
		    (uint64_t)0x100000000ULL - tid);
	else
		ahead_pkt(a, BR_AHEAD_EXTRA, "qThreadExtraInfo,%" PRIx64,
		    tid);
	return (cache_exact_get(c, CACHE_TID_UNKNOWN, a->pkt,
	    a->pktlen) == NULL && !ahead_failed(c, a->pkt, a->pktlen));
}

/* A thread of the list (not "current", not unknown). */
static bool
listed(const struct cthread *t)
{
	return (t->valid && t->tid < CACHE_TID_CURRENT);
}

/* A sleeping thread's 'g' from the caller's builder: not a shadow CPU
 * (kgdb's negative ids, a CPU's own registers), not declined before. */
static bool
plan_build(const struct br_ahead_cfg *cfg, const struct cthread *t,
    struct br_ahead *a)
{
	if (!cfg->build || t->nobuild || t->g != NULL || t->tid == 0 ||
	    t->tid >= 0x80000000ULL)
		return (false);
	a->kind = BR_AHEAD_BUILD;
	a->tid = t->tid;
	a->pktlen = 0;
	return (true);
}

/* Steps 3 and 4 (see the top): names, then registers and stacks. */
static bool
plan_threads(struct br_cache *c, const struct br_ahead_cfg *cfg,
    struct br_ahead *a)
{
	uint64_t	sp;
	size_t		i;
	bool		stuck;

	for (i = 0; i < c->nthreads; i++)
		if (listed(&c->threads[i]) && plan_extra(c,
		    c->threads[i].tid, a))
			return (true);
	if (!cfg->threads || c->want_hg == CACHE_TID_UNKNOWN)
		return (false);
	for (i = 0; i < c->nthreads; i++) {
		uint64_t tid = c->threads[i].tid;

		if (!listed(&c->threads[i]))
			continue;
		if (plan_build(cfg, &c->threads[i], a))
			return (true);
		if (plan_regs(c, tid, a, &stuck))
			return (true);
		/* Its stack only under kgdb's own 'g' that we read: once gdb
		 * has asked for the thread, gdb read what it wanted. */
		if (!stuck && c->threads[i].ahead &&
		    thread_reg(c, tid, c->arch->sp, &sp) &&
		    plan_stack(c, cfg, sp, cfg->thread_stack, 0, a))
			return (true);
	}
	return (false);
}

bool
br_cache_ahead(struct br_cache *c, const struct br_ahead_cfg *cfg,
    struct br_ahead *a)
{
	uint64_t	 want, cur, sp, pc;
	bool		 stuck = true;

	memset(a, 0, sizeof *a);
	if (c == NULL || !c->enabled || ahead_nfails(c) >= AHEAD_MAX_FAILS)
		return (false);
	a->gen = c->gen;
	/* gdb's thread must be known to put the stub back on it: else no
	 * Hg of ours (nor anything that needs one). */
	want = c->want_hg;
	cur = CACHE_TID_CURRENT;
	if (want != CACHE_TID_UNKNOWN) {
		if (plan_regs(c, cur, a, &stuck))
			return (true);
		if (!stuck && thread_reg(c, cur, c->arch->sp, &sp) &&
		    plan_stack(c, cfg, sp, cfg->stack, AHEAD_SLOP, a))
			return (true);
		/* The code at pc (x/i $pc, a step's disassembly). */
		pc = 0;
		if (!stuck && cfg->code > 0 &&
		    thread_reg(c, cur, c->arch->pc, &pc) &&
		    plan_mem(c, cfg, pc & ~(uint64_t)(AHEAD_LINE - 1),
		    (pc & ~(uint64_t)(AHEAD_LINE - 1)) + cfg->code, a))
			return (true);
	}
	if (plan_list(c, a))
		return (true);
	if (c->list_done && plan_threads(c, cfg, a))
		return (true);
	/* Done: the stub back on gdb's thread, where gdb left it. */
	if (want != CACHE_TID_UNKNOWN && c->stub_hg != want &&
	    plan_hg(c, want, a))
		return (true);
	return (false);
}

/* ---- the replies */

static void
ahead_keep(struct br_cache *c, enum br_cache_step step, const char *p,
    size_t len, const char *reply, size_t rlen)
{
	struct br_cache_req	r;

	memset(&r, 0, sizeof r);
	r.active = true;
	r.gen = c->gen;
	r.step = step;
	cache_store_reply(c, &r, p, len, reply, rlen);
}

static bool
ahead_error(const char *reply, size_t rlen)
{
	return (reply == NULL || rlen == 0 || reply[0] == 'E');
}

/* An Hg's reply: the stub's thread is known again. */
static void
ahead_hg_reply(struct br_cache *c, const struct br_ahead *a,
    const char *reply, size_t rlen)
{
	struct cthread	*t;

	if (reply != NULL && rlen == 2 && memcmp(reply, "OK", 2) == 0) {
		c->stub_hg = a->tid;
		if ((t = cache_thread_get(c, a->tid, true)) != NULL)
			t->valid = true;
		return;
	}
	/* Refused: the stub stayed; lost: it may be anywhere. */
	c->stub_hg = reply != NULL ? a->prev_hg : CACHE_TID_UNKNOWN;
	ahead_fail(c, a->pkt, a->pktlen);
}

/* Which replies are kept (by kind, and only at a's stop) and which are
 * remembered as failures. */
void
br_cache_ahead_reply(struct br_cache *c, const struct br_ahead *a,
    const char *reply, size_t rlen)
{
	struct cthread	*t;
	char		 key[32];
	int		 n;

	if (c == NULL || a->gen != c->gen || !c->enabled)
		return;		/* another stop's: never kept */
	switch (a->kind) {
	case BR_AHEAD_HG:
		ahead_hg_reply(c, a, reply, rlen);
		return;
	case BR_AHEAD_G:
		t = cache_thread_get(c, a->tid, false);
		if (ahead_error(reply, rlen) || c->stub_hg != a->tid) {
			n = snprintf(key, sizeof key, "g%" PRIx64, a->tid);
			ahead_fail(c, key, (size_t)n);
		} else if (t == NULL || t->g == NULL) {
			ahead_keep(c, BR_CACHE_STEP_ORIG, "g", 1, reply, rlen);
			if ((t = cache_thread_get(c, a->tid, false)) != NULL)
				t->ahead = true;
		}
		return;
	case BR_AHEAD_MEM:
		if (ahead_error(reply, rlen) || rlen != 2 * a->len)
			ahead_fail(c, a->pkt, a->pktlen);
		else
			ahead_keep(c, BR_CACHE_STEP_ORIG, a->pkt, a->pktlen,
			    reply, rlen);
		return;
	case BR_AHEAD_LISTF:
	case BR_AHEAD_LISTS:
		if (reply == NULL || (rlen > 0 && reply[0] == 'E')) {
			ahead_fail(c, "qfThreadInfo", 12);
			c->list_recording = false;
			return;
		}
		ahead_keep(c, a->kind == BR_AHEAD_LISTF ? BR_CACHE_STEP_LISTF :
		    BR_CACHE_STEP_LISTS, a->pkt, a->pktlen, reply, rlen);
		return;
	case BR_AHEAD_EXTRA:
		if (reply == NULL || rlen == 0)
			ahead_fail(c, a->pkt, a->pktlen);
		else
			ahead_keep(c, BR_CACHE_STEP_EXACT, a->pkt, a->pktlen,
			    reply, rlen);
		return;
	case BR_AHEAD_BUILD:
		if ((t = cache_thread_get(c, a->tid, true)) == NULL)
			return;
		if (reply == NULL || rlen == 0) {
			t->nobuild = true;	/* kgdb's 'g' next */
			return;
		}
		if (t->g != NULL)
			return;			/* gdb's own came first */
		t->g = cache_dupn(reply, rlen);
		t->glen = rlen;
		t->valid = true;
		t->ahead = true;		/* its stack next */
		cache_stack_learn(c, reply, rlen);
		return;
	}
}
