/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/cache_int.h: what the stop-state cache's two files share, and no
 * one else includes: its limits, struct br_cache and its parts, two tiny
 * helpers, and the store's functions. bridge.h is the cache's interface.
 *
 * Calls go one way (tests/layers.txt allows no cycle): cache_plan.c (the
 * decisions on requests and replies) -> cache.c (the store).
 */
#ifndef BRIDGE_CACHE_INT_H
#define BRIDGE_CACHE_INT_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/bridge.h"

#define CACHE_MAX_THREADS	512
#define CACHE_MAX_EXACT		1024
#define CACHE_MAX_STACKS	64
#define CACHE_MAX_LIST		64	/* qf/qs replies */
#define CACHE_TID_CURRENT	0x100000000ULL	/* Hg0, Hg-1, a fresh stop */
#define CACHE_TID_UNKNOWN	0x200000000ULL
#define CACHE_TID_AHEAD		0x300000000ULL	/* read-ahead's failures */

struct cmem {
	uint64_t	 addr;
	size_t		 len;
	uint8_t		*data;
};

struct cexact {
	uint64_t	 tid;		/* CACHE_TID_UNKNOWN: any thread */
	char		*req;
	char		*reply;
	size_t		 replylen;
};

struct cthread {
	uint64_t	 tid;
	char		*g;		/* 'g' reply, or NULL */
	size_t		 glen;
	bool		 valid;		/* Hg to it is known to work */
	bool		 ahead;		/* g is kgdb's, got by the read-ahead
					 * (cache_ahead.c): its stack is to
					 * read too */
	bool		 nobuild;	/* the read-ahead's builder declined
					 * it: read kgdb's 'g' instead */
};

struct cregion {
	uint64_t	 start, end;
};

struct br_cache {
	const struct rsp_arch	*arch;
	struct br_vmlinux	*vml;
	const struct br_cache_file *vops;	/* vml's functions */
	bool			 enabled;
	uint64_t		 gen;
	size_t			 mem_max;
	size_t			 widen_max;	/* longest read the planner makes */
	uint64_t		 ra_next;	/* just past gdb's last read */
	size_t			 ra_size;	/* read-ahead for the next miss */
	size_t			 thread_size;

	struct cmem		*mem;
	size_t			 nmem, memcap, membytes;
	enum {
		CACHE_KC_NONE,		/* code goes at the next resume */
		CACHE_KC_STEP,		/* a quiet step is about to go */
		CACHE_KC_RUN,		/* and the kernel runs it */
		CACHE_KC_STOPPED,	/* and has stopped */
	}			 keep_code;

	struct cexact		*exact;
	size_t			 nexact;

	struct cthread		*threads;
	size_t			 nthreads;

	char			*list[CACHE_MAX_LIST];	/* qf, qs, qs, … */
	size_t			 listlen[CACHE_MAX_LIST];
	size_t			 nlist;
	bool			 list_done;	/* the empty reply was seen */
	bool			 list_recording;
	size_t			 list_cursor;	/* next qs to serve */

	/* Which qfThreadInfo/qsThreadInfo went to the wire last: a count
	 * of them, so the read-ahead never continues another's list. */
	uint64_t		 list_epoch;
	uint64_t		 ahead_epoch;	/* … after its own last one */
	uint64_t		 stub_hg;	/* the stub's general thread */
	uint64_t		 want_hg;	/* the one gdb selected */

	struct cregion		 image;		/* kernel image */
	struct cregion		 ram;		/* direct map */
	struct cregion		 stacks[CACHE_MAX_STACKS];
	size_t			 nstacks;

	struct br_cache_stats	 st;
	char			 notice[BR_ERRLEN];
	uint64_t		 nnotices;	/* notices made so far */
};

/* ---- tiny helpers both files use */

static inline char *
cache_dupn(const char *p, size_t len)
{
	char	*s = xmalloc(len + 1);

	memcpy(s, p, len);
	s[len] = '\0';
	return (s);
}

/* A thread id as kgdb reads it: through an int; 0 and -1 mean current. */
static inline bool
cache_parse_tid(const char *p, size_t len, uint64_t *tid)
{
	uint64_t	v;
	uint32_t	t;

	if (len == 0 || rsp_hex_u64(p, len, &v) != (int)len)
		return (false);
	t = (uint32_t)v;
	*tid = (t == 0 || t == 0xffffffffu) ? CACHE_TID_CURRENT : t;
	return (true);
}

/* cache_plan.c, for cache_ahead.c */
const struct cregion *	cache_harmless(const struct br_cache *c,
	    uint64_t addr, uint64_t len);
void	cache_store_reply(struct br_cache *c, struct br_cache_req *r,
	    const char *p, size_t len, const char *reply, size_t rlen);

/* cache.c */
bool	cache_mem_get(const struct br_cache *c, uint64_t addr, size_t len,
	    uint8_t *out);
bool	cache_read_held(const struct br_cache *c, uint64_t addr, uint8_t *out,
	    size_t len, bool *file);
void	cache_mem_put(struct br_cache *c, uint64_t addr, const uint8_t *data,
	    size_t len);
void	cache_mem_neighbours(const struct br_cache *c, uint64_t addr,
	    uint64_t end, uint64_t *next_out, uint64_t *prev_end_out);
struct cthread *	cache_thread_get(struct br_cache *c, uint64_t tid,
	    bool create);
bool	cache_thread_valid(struct br_cache *c, uint64_t tid);
struct cexact *	cache_exact_get(const struct br_cache *c, uint64_t tid,
	    const char *req, size_t len);
void	cache_exact_put(struct br_cache *c, uint64_t tid, const char *req,
	    size_t len, const char *reply, size_t replylen);
void	cache_list_learn(struct br_cache *c, const char *p, size_t len);
void	cache_stack_learn(struct br_cache *c, const char *g, size_t len);

#endif
