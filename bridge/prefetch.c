/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/prefetch.c: answers before gdb asks (issue 16). At a stop a
 * person reads the prompt and thinks for a second or more before typing
 * bt or info threads; the serial line sits idle meanwhile. This module
 * fills that second: while the kernel is stopped in gdb mode and nothing
 * waits for the line, it sends one request at a time that the cache's
 * read-ahead planner (cache_ahead.c) names, and the reply goes into the
 * stop-state cache. gdb's requests then find their answers there.
 *
 * Rules:
 *  - one request of ours on the wire at most, and only while the target
 *    engine is idle: right after a reply of ours, or once the line has
 *    been quiet for a short while after anyone else's request (the
 *    quiet time: gdb's packets of one command come faster), so a request of
 *    gdb's, the TUI's or ctl's that arrives meanwhile waits behind at
 *    most one of ours (at most BR_PREFETCH_PIECE bytes of memory);
 *  - memory only where the cache deems reading harmless;
 *  - a resume, kdb or a link change ends it: the target leaves the
 *    stopped state before anything more is planned, and a reply planned
 *    at an older cache generation is dropped (the cache never keeps
 *    another stop's answers);
 *  - a sleeping task's 'g' is kept as kgdb sent it: gdb's own 'g' goes
 *    through sleepers.c as always, which finds kgdb's answer and the
 *    frame at its sp in the cache and builds its answer from them;
 *  - where taskregs.c builds sleeping tasks' 'g' (arm64), the planner
 *    names a build (BR_AHEAD_BUILD) instead of kgdb's 'g': taskregs.c
 *    walks to the task and reads its saved words, each read from the
 *    cache or sent here in the background one at a time under the same
 *    rules, and the built 'g' is kept for the thread. kgdb's 'g' is read
 *    only where it declines (a task on a CPU), and once for the check of
 *    a built one against kgdb's (br_taskregs_ahead_check).
 * `--no-prefetch` and `monitor bridge prefetch on|off` switch it.
 *
 * Layer 3: calls the target engine (layer 2) and the cache (layer 0);
 * the engine tells it of an empty queue through br_target_set_idle, the
 * bus of stops and resumes through br_prefetch_note (main.c).
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "bridge/bridge.h"
#include "bridge/prefetch.h"
#include "bridge/taskregs.h"

struct br_prefetch {
	struct bridge		*br;
	bool			 on;
	bool			 hooked;	/* idle cue installed */
	bool			 busy;		/* a request of ours is out */
	bool			 done;		/* nothing left at this stop */
	bool			 quick;		/* ours was the last request */
	bool			 halted;	/* the wire failed one: not again
						 * at this stop */
	bool			 stepping;	/* inside pf_step */
	bool			 again;		/* a build ended inside it */
	unsigned		 quiet_ms;
	struct event		*ev;		/* the quiet time */
	struct br_ahead_cfg	 cfg;
	struct br_prefetch_stats st;
	struct pf_req		*out;		/* the request out, or NULL */
};

/* One request on its way; outlives the module if the target does. */
struct pf_req {
	struct br_prefetch	*p;		/* NULL: the module is gone */
	struct br_ahead		 a;
};

static void	pf_arm(struct br_prefetch *);

/*
 * A request of ours ended: the module is free again. Returns false if the
 * module is gone (q freed); else sets *cp to the cache its answer goes
 * into, or NULL if it came from another stop (counted as dropped).
 */
static bool
pf_end(struct pf_req *q, struct br_cache **cp)
{
	struct br_prefetch	*p = q->p;
	struct br_cache		*c;

	if (p == NULL) {
		free(q);
		return (false);
	}
	p->busy = false;
	p->out = NULL;
	c = p->br->cache;
	if (c != NULL && q->a.gen != br_cache_generation(c))
		c = NULL;
	if (c == NULL)
		p->st.dropped++;
	*cp = c;
	return (true);
}

static void
pf_reply(void *arg, const char *payload, size_t len, const char *err)
{
	struct pf_req		*q = arg;
	struct br_prefetch	*p = q->p;
	struct br_cache		*c;

	if (!pf_end(q, &c))
		return;
	/* Nothing else waits: go on without the quiet time. */
	p->quick = br_target_idle(p->br->target);
	if (c != NULL) {
		if (err == NULL && payload != NULL)
			p->st.reply_bytes += len;
		br_cache_ahead_reply(c, &q->a, err != NULL ? NULL : payload,
		    len);
		/* kgdb's own 'g': the check of a built one, if one waits */
		if (q->a.kind == BR_AHEAD_G && err == NULL)
			br_taskregs_ahead_check(p->br, q->a.tid, payload, len);
	}
	if (err != NULL) {
		/* A stub that does not answer this will not answer the next
		 * either: leave the line to gdb until the next stop. */
		p->st.failed++;
		p->halted = true;
		log_info("prefetch: %s; nothing more read ahead at this stop",
		    err);
	}
	free(q);
	/* The engine's idle cue follows (or a request of gdb's goes
	 * first, and its end cues us again). */
}

/* A build of taskregs.c's ended (maybe inside pf_step). */
static void
pf_built(void *arg, const char *g, size_t len, enum br_tr_ahead how)
{
	struct pf_req		*q = arg;
	struct br_prefetch	*p = q->p;
	struct br_cache		*c;

	if (!pf_end(q, &c))
		return;
	if (c != NULL && how == BR_TR_BUILT) {
		p->st.built++;
		br_cache_ahead_reply(c, &q->a, g, len);
	} else if (c != NULL && how == BR_TR_KGDB)
		br_cache_ahead_reply(c, &q->a, NULL, 0);
	else if (c != NULL && how == BR_TR_FAILED) {
		p->st.failed++;
		p->halted = true;
		log_info("prefetch: a read of taskregs' went unanswered; "
		    "nothing more read ahead at this stop");
	}
	free(q);
	if (p->stepping) {
		/* Nothing went to the wire: no idle cue follows. */
		p->again = how == BR_TR_BUILT || how == BR_TR_KGDB;
		return;
	}
	/* After a reply of ours: the engine's idle cue follows. */
	p->quick = br_target_idle(p->br->target);
}

/* The quiet time is over: one request, if all is still idle. */
static void
pf_step(int fd, short what, void *arg)
{
	struct br_prefetch	*p = arg;
	struct bridge		*br = p->br;
	struct pf_req		*q;

	(void)fd;
	(void)what;
	if (!p->on || p->busy || p->halted || br->cache == NULL ||
	    !br_cache_enabled(br->cache) || !br_target_idle(br->target))
		return;
	q = xcalloc(1, sizeof *q);
	p->cfg.build = br_taskregs_can_build(br);
	if (!br_cache_ahead(br->cache, &p->cfg, &q->a) ||
	    (q->a.kind != BR_AHEAD_BUILD && q->a.pktlen == 0)) {
		free(q);
		p->done = true;
		return;
	}
	q->p = p;
	p->busy = true;
	p->out = q;
	if (q->a.kind == BR_AHEAD_BUILD) {
		p->stepping = true;
		p->again = false;
		br_taskregs_ahead(br, q->a.tid, pf_built, q);
		p->stepping = false;
		if (!p->busy && p->again) {
			p->quick = true;
			pf_arm(p);
			p->quick = false;
		}
		return;
	}
	p->st.requests++;
	/* A refusal calls pf_reply at once (and halts it for the stop). */
	(void)br_target_request_bg(br->target, q->a.pkt, q->a.pktlen,
	    pf_reply, q);
}

/* The engine's queue emptied: something may have changed what the
 * cache holds (gdb's z drops memory, its Hg moves its thread): plan
 * again once the line is quiet. */
static void
pf_idle(void *arg)
{
	struct br_prefetch	*p = arg;

	p->done = false;
	pf_arm(p);
	p->quick = false;
}

static void
pf_hook(struct br_prefetch *p)
{
	if (!p->hooked && p->br->target != NULL) {
		br_target_set_idle(p->br->target, pf_idle, p);
		p->hooked = true;
	}
}

/* Look again once the line has been quiet for a while. */
static void
pf_arm(struct br_prefetch *p)
{
	struct timeval	tv;

	pf_hook(p);
	if (!p->on || p->busy || p->done)
		return;
	tv.tv_sec = p->quick ? 0 : p->quiet_ms / 1000;
	tv.tv_usec = p->quick ? 0 : (p->quiet_ms % 1000) * 1000;
	evtimer_add(p->ev, &tv);
}

struct br_prefetch *
br_prefetch_new(struct bridge *br, bool on)
{
	struct br_prefetch	*p = xcalloc(1, sizeof *p);

	p->br = br;
	p->on = on;
	p->quiet_ms = BR_PREFETCH_QUIET_MS;
	p->ev = evtimer_new(br->base, pf_step, p);
	if (p->ev == NULL)
		fatalx("prefetch: evtimer_new failed");
	p->cfg.piece = BR_PREFETCH_PIECE;
	p->cfg.stack = BR_PREFETCH_STACK;
	p->cfg.thread_stack = BR_PREFETCH_THREAD_STACK;
	if (br->arch != NULL && br->arch->id == RSP_ARCH_ARM64)
		p->cfg.thread_stack = BR_PREFETCH_THREAD_STACK_ARM64;
	p->cfg.code = BR_PREFETCH_CODE;
	p->cfg.threads = true;
	if (br->arch != NULL && p->cfg.piece > br->arch->mem_read_max)
		p->cfg.piece = br->arch->mem_read_max;
	pf_hook(p);
	return (p);
}

void
br_prefetch_free(struct br_prefetch *p)
{
	if (p == NULL)
		return;
	if (p->out != NULL)
		p->out->p = NULL;	/* its reply is dropped */
	if (p->hooked && p->br->target != NULL)
		br_target_set_idle(p->br->target, NULL, NULL);
	event_free(p->ev);
	free(p);
}

void
br_prefetch_set(struct br_prefetch *p, bool on)
{
	if (p == NULL || p->on == on)
		return;
	p->on = on;
	if (!on) {
		evtimer_del(p->ev);
		return;
	}
	p->done = false;
	if (p->br->target != NULL && br_target_idle(p->br->target))
		pf_arm(p);
}

bool
br_prefetch_on(const struct br_prefetch *p)
{
	return (p != NULL && p->on);
}

bool
br_prefetch_done(const struct br_prefetch *p)
{
	return (p != NULL && p->done);
}

const struct br_prefetch_stats *
br_prefetch_stats(const struct br_prefetch *p)
{
	return (&p->st);
}

void
br_prefetch_set_quiet(struct br_prefetch *p, unsigned ms)
{
	p->quiet_ms = ms;
}

void
br_prefetch_note(struct br_prefetch *p, const struct br_event *ev)
{
	if (p == NULL)
		return;
	switch (ev->note) {
	case BR_NOTE_STATE:
	case BR_NOTE_STOP:
	case BR_NOTE_TARGET_LINK:
		break;
	default:
		return;
	}
	/* Whatever it was doing belonged to the old state: a reply still
	 * out is dropped by its generation (the cache's sink ran first). */
	evtimer_del(p->ev);
	p->done = false;
	p->halted = false;
	pf_hook(p);
	if (p->br->target != NULL && br_target_idle(p->br->target))
		pf_arm(p);
}
