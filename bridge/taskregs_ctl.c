/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/taskregs_ctl.c: bridge/taskregs.c's switches and counters, and
 * gdb's thread as sleepers.c watches its Hg when the cache is off. The
 * building itself is taskregs.c's.
 */
#include <stdlib.h>

#include "bridge/bridge.h"
#include "bridge/taskregs_int.h"

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
	free(t->check_g);
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
	struct br_taskregs	*t = br->taskregs;

	if (t != NULL) {
		t->verdict = t->cverdict = TR_UNVERIFIED;
		t->nr_known = false;
		t->epoch++;
	}
}

void
br_taskregs_note(struct bridge *br, const struct br_event *ev)
{
	/* The link went or came back: maybe another kernel (another build,
	 * another CPU count) behind it. Everything is checked again. */
	if (ev->note == BR_NOTE_TARGET_LINK)
		br_taskregs_attach(br);
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

/* ---- gdb's thread, the cache off */

void
br_taskregs_hg(struct br_taskregs *t, bool known, uint64_t tid, uint64_t gen)
{
	if (t == NULL)
		return;
	t->hg_known = known;
	t->hg_tid = tid;
	t->hg_gen = gen;
}

bool
br_taskregs_gdb_thread(const struct br_taskregs *t, uint64_t gen,
    uint64_t *tid)
{
	if (t == NULL || !t->hg_known || t->hg_gen != gen)
		return (false);
	*tid = t->hg_tid;
	return (true);
}
