/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/prefetch.h: answers before gdb asks (issue 16). While the kernel
 * sits stopped and nothing waits for the line, the bridge reads what gdb
 * asks for after nearly every stop into the stop-state cache. bridge.h is
 * full (tests/style.sh: 1000 lines), so the module's interface, the
 * cache's read-ahead planner and the target engine's idle cue are
 * declared here.
 */
#ifndef BRIDGE_PREFETCH_H
#define BRIDGE_PREFETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bridge/bridge.h"

/* ---- bridge/cache_ahead.c (layer 0): what to read next, and keeping it */

enum br_ahead_kind {
	BR_AHEAD_HG,		/* move the stub's general thread */
	BR_AHEAD_G,		/* a thread's registers */
	BR_AHEAD_MEM,		/* a piece of a stack */
	BR_AHEAD_LISTF,		/* qfThreadInfo */
	BR_AHEAD_LISTS,		/* qsThreadInfo */
	BR_AHEAD_EXTRA,		/* qThreadExtraInfo (the thread's name) */
	BR_AHEAD_BUILD,		/* a sleeping thread's 'g', built from its
				 * saved words (taskregs.c): no packet of
				 * its own, its reply the built 'g' */
};

/* One wire request of the read-ahead: planned by br_cache_ahead, sent as
 * pkt, its reply handed to br_cache_ahead_reply. */
struct br_ahead {
	enum br_ahead_kind kind;
	uint64_t	 gen;		/* the stop it was planned at */
	uint64_t	 tid;		/* HG, G: the thread */
	uint64_t	 prev_hg;	/* HG: the stub's thread before it */
	uint64_t	 addr, len;	/* MEM */
	char		 pkt[48];
	size_t		 pktlen;
};

/* How far to read. */
struct br_ahead_cfg {
	size_t		 piece;		/* the longest read, bytes */
	size_t		 stack;		/* the stopped thread: bytes from sp */
	size_t		 thread_stack;	/* every other thread: bytes */
	size_t		 code;		/* at its pc: bytes */
	bool		 threads;	/* every thread's registers too */
	bool		 build;		/* … built (BR_AHEAD_BUILD) where the
					 * builder has not declined, not
					 * asked of kgdb */
};

/*
 * The next request to read ahead for this stop, or false when the cache
 * holds all it would read (or is off). Only what gdb's own requests
 * would fetch, and memory only inside the regions the planner deems
 * harmless (image, direct map, known stacks). Planning an Hg marks the
 * stub's thread unknown until its reply: a request of gdb's planned
 * meanwhile names gdb's thread first.
 */
bool		 br_cache_ahead(struct br_cache *c,
		    const struct br_ahead_cfg *cfg, struct br_ahead *a);
/* Its reply (NULL: the wire failed): kept if a's stop is still the
 * cache's; a failure is remembered for the stop, not asked again. For
 * BR_AHEAD_BUILD the reply is the built 'g' (kept as the thread's, its
 * stack read next), or NULL: the builder declined, kgdb's 'g' is read. */
void		 br_cache_ahead_reply(struct br_cache *c,
		    const struct br_ahead *a, const char *reply, size_t rlen);

/* ---- bridge/target_queue.c, for prefetch.c */

/* Stopped in gdb mode, nothing queued or in flight, no switch or
 * break-in under way: a request now is sent at once. */
bool		 br_target_idle(const struct br_target *t);
/* br_target_request for the read-ahead: only while idle (else cb at
 * once with an error), and never resent: the first wait that runs out
 * fails it, so a request queued behind it waits no longer than that. */
int		 br_target_request_bg(struct br_target *t,
		    const char *payload, size_t len, br_reply_cb *cb,
		    void *arg);
/* fn(arg) whenever the queue empties and the target is idle (NULL: no
 * one). Called from inside a reply's handling: defer real work. */
void		 br_target_set_idle(struct br_target *t, void (*fn)(void *),
		    void *arg);

/* ---- bridge/prefetch.c (layer 3): the read-ahead in the daemon */

#define BR_PREFETCH_QUIET_MS	100	/* idle this long after a request
					 * of someone else's (gdb's packets
					 * of one command come faster) */
#define BR_PREFETCH_PIECE	256	/* bytes per read: gdb waits for
					 * one at most (~45 ms at 115200) */
#define BR_PREFETCH_STACK	2048	/* the stopped thread, from sp */
#define BR_PREFETCH_THREAD_STACK 192	/* other threads (info threads
					 * reads the frame at a sleeping
					 * task's sp and the lines above) */
#define BR_PREFETCH_THREAD_STACK_ARM64 128 /* … on arm64, where gdb reads
					 * the line holding sp and the
					 * next (lab trace, info threads) */
#define BR_PREFETCH_CODE	128	/* at pc (x/16i $pc) */

struct br_prefetch_stats {
	uint64_t	 requests;	/* sent to the target */
	uint64_t	 reply_bytes;	/* their replies' payload bytes */
	uint64_t	 dropped;	/* replies of a stop that had ended */
	uint64_t	 failed;	/* no reply: given up for the stop */
	uint64_t	 built;		/* sleeping threads' 'g' built by
					 * taskregs.c instead of read */
};

struct br_prefetch;
/* Reads ahead for br's cache through br's target (both must exist when
 * it first runs); on: as --no-prefetch says. */
struct br_prefetch *br_prefetch_new(struct bridge *br, bool on);
void		 br_prefetch_free(struct br_prefetch *p);
/* monitor bridge prefetch on|off (p may be NULL: nothing to switch). */
void		 br_prefetch_set(struct br_prefetch *p, bool on);
bool		 br_prefetch_on(const struct br_prefetch *p);
/* Whether it has read all it would at this stop. */
bool		 br_prefetch_done(const struct br_prefetch *p);
const struct br_prefetch_stats *br_prefetch_stats(
		    const struct br_prefetch *p);
/* The wait for an idle line before a read (tests: longer, for order). */
void		 br_prefetch_set_quiet(struct br_prefetch *p, unsigned ms);
/* Its bus sink (main.c installs it after the cache's): a stop starts
 * it, a resume, kdb or a link change ends what it was doing. */
void		 br_prefetch_note(struct br_prefetch *p,
		    const struct br_event *ev);

#endif /* BRIDGE_PREFETCH_H */
