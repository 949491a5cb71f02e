/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/cache_fwd.c: the stop-state cache (cache.c and cache_plan.c, a
 * pure store and planner) in the daemon.
 *
 * Three jobs, each the link between the planner and a module it must not
 * call itself: br_cache_forward() runs a gdb request through the planner
 * and the target engine and tells the cache's notices on the event bus;
 * br_cache_note() is the cache's bus sink, which turns the target's state
 * changes, stops and link resets into invalidations; and
 * br_cache_use_vmlinux() hands the planner vmlinux.c's functions.
 */
#include <stdlib.h>
#include <string.h>

#include "bridge/bridge.h"

/* ---- invalidation, from the bus */

/* Which invalidation (if any) an event means. */
static bool
cfwd_event(const struct br_event *ev, enum br_cache_event *out)
{
	switch (ev->note) {
	case BR_NOTE_STATE:
		/*
		 * Whatever the cache holds belongs to the old state. From
		 * unknown to stopped (the probe after a link came back) need
		 * not be a new stop: the stub may still be on gdb's thread.
		 */
		*out = ev->to == BR_TS_KDB ? BR_CE_KDB :
		    ev->to == BR_TS_UNKNOWN ? BR_CE_LINK :
		    ev->to == BR_TS_RUNNING || ev->to == BR_TS_PANIC ?
		    BR_CE_RESUME : ev->from == BR_TS_UNKNOWN ? BR_CE_LINK :
		    BR_CE_STOP;
		return (true);
	case BR_NOTE_STOP:
		/* A stop packet is a new stop (a new generation, even in the
		 * same state) with the stub on the current thread again; an
		 * exit (W, X) already went to "unknown". */
		if (ev->stop == NULL || ev->stoplen == 0 || ev->stop[0] == 'W' ||
		    ev->stop[0] == 'X')
			return (false);
		*out = BR_CE_STOP;
		return (true);
	case BR_NOTE_DOUBT:
		*out = BR_CE_DOUBT;
		return (true);
	case BR_NOTE_TARGET_LINK:
		/* Maybe another kernel now: drop all, compare the vmlinux
		 * again. */
		*out = BR_CE_LINK;
		return (true);
	default:
		return (false);
	}
}

void
br_cache_note(struct br_cache *c, const struct br_event *ev)
{
	enum br_cache_event	ce;

	if (c != NULL && cfwd_event(ev, &ce))
		br_cache_invalidate(c, ce);
}

/* ---- the vmlinux file, through the planner's struct br_cache_file */

static const struct br_cache_file cfwd_vmlinux = {
	.image = br_vmlinux_image,
	.reset = br_vmlinux_reset,
	.read = br_vmlinux_read,
	.state = br_vmlinux_state,
	.covers = br_vmlinux_covers,
	.code = br_vmlinux_code,
	.nsamples = br_vmlinux_nsamples,
	.sample = br_vmlinux_sample,
	.check = br_vmlinux_check,
	.why = br_vmlinux_why,
};

void
br_cache_use_vmlinux(struct br_cache *c, struct br_vmlinux *v)
{
	br_cache_set_vmlinux(c, &cfwd_vmlinux, v);
}

/* ---- the drop-in for br_target_request */

struct cfwd {
	struct bridge		*br;
	struct br_cache		*c;
	struct br_target	*t;
	br_reply_cb		*cb;
	void			*arg;
	struct br_cache_req	 r;
	char			*orig;
	size_t			 origlen;
};

static void	cfwd_reply(void *, const char *, size_t, const char *);

/* A notice the planner made since it counted seen: on the bus. */
static void
cfwd_tell(struct cfwd *f, uint64_t seen)
{
	if (br_cache_notices(f->c) != seen)
		br_notice(f->br, "%s", br_cache_notice(f->c));
}

static void
cfwd_send(struct cfwd *f, enum br_cache_verdict v, const char *out,
    size_t outlen, const char *err)
{
	switch (v) {
	case BR_CACHE_HIT:
		f->cb(f->arg, out, outlen, NULL);
		break;
	case BR_CACHE_FAIL:
		f->cb(f->arg, NULL, 0, err != NULL ? err : "request failed");
		break;
	case BR_CACHE_PASS:
		(void)br_target_request(f->t, f->orig, f->origlen, cfwd_reply,
		    f);
		return;
	case BR_CACHE_SEND:
		(void)br_target_request(f->t, f->r.fwd, f->r.fwdlen,
		    cfwd_reply, f);
		return;
	}
	free(f->orig);
	free(f);
}

static void
cfwd_reply(void *arg, const char *payload, size_t len, const char *err)
{
	struct cfwd		*f = arg;
	char			 out[RSP_PKT_MAX + 1];
	size_t			 outlen;
	uint64_t		 seen = br_cache_notices(f->c);
	enum br_cache_verdict	 v;

	v = br_cache_reply(f->c, &f->r, f->orig, f->origlen,
	    err != NULL ? NULL : payload, len, out, sizeof out, &outlen);
	cfwd_tell(f, seen);
	cfwd_send(f, v, out, outlen, err);
}

int
br_cache_forward(struct bridge *br, const char *p, size_t len,
    br_reply_cb *cb, void *arg)
{
	struct br_cache		*c = br->cache;
	struct cfwd		*f;
	char			 out[RSP_PKT_MAX + 1];
	size_t			 outlen;
	uint64_t		 seen;
	enum br_cache_verdict	 v;

	if (c == NULL || !br_cache_enabled(c))
		return (br_target_request(br->target, p, len, cb, arg));
	f = xcalloc(1, sizeof *f);
	f->br = br;
	f->c = c;
	f->t = br->target;
	f->cb = cb;
	f->arg = arg;
	f->orig = xmalloc(len + 1);
	memcpy(f->orig, p, len);
	f->orig[len] = '\0';
	f->origlen = len;
	seen = br_cache_notices(c);
	v = br_cache_request(c, p, len, &f->r, out, sizeof out, &outlen);
	cfwd_tell(f, seen);
	cfwd_send(f, v, out, outlen, NULL);
	return (0);
}
