/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/tasklist.c: the task list walk as a cursor (see tasklist.h).
 * Pure (layer 0).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/tasklist.h"

struct cm_tl {
	struct cm_tl_layout	 lay;
	size_t			 max, n;
	uint64_t		*addr;		/* the tasks walked, in order */
	int32_t			*pid;
	bool			 started, done;
	uint64_t		 cur;		/* the leader */
	uint64_t		 prev_list;	/* its expected tasks.prev */
	/* inside cur's thread group */
	bool			 in_group, g_past_head;
	uint64_t		 g_leader_next;	/* cur's tasks.next */
	uint64_t		 g_lnode, g_head, g_node, g_prev;
	/* what cm_tl_next named */
	uint64_t		 want;
	bool			 want_thread;
	uint64_t		 want_prev;	/* 0: not checked (init_task) */
	char			 why[CM_TL_ERRLEN];
};

static void __attribute__((format(printf, 2, 3)))
tl_end(struct cm_tl *w, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(w->why, sizeof w->why, fmt, ap);
	va_end(ap);
	w->done = true;
}

/* A pointer the kernel could hold: aligned, and on 64-bit kernels in the
 * upper half (every kernel mapping is). */
static bool
tl_kptr(const struct cm_tl_layout *l, uint64_t p)
{
	if (p == 0 || p % l->wsize != 0)
		return (false);
	if (l->wsize == 8)
		return ((p >> 63) != 0);
	return (p <= UINT32_MAX);
}

struct cm_tl *
cm_tl_new(const struct cm_tl_layout *l, size_t max)
{
	struct cm_tl	*w;

	if (max == 0 || max > SIZE_MAX / sizeof *w->addr ||
	    (w = calloc(1, sizeof *w)) == NULL)
		return (NULL);
	w->lay = *l;
	if (w->lay.wsize != 4)
		w->lay.wsize = 8;
	w->max = max;
	w->addr = calloc(max, sizeof *w->addr);
	w->pid = calloc(max, sizeof *w->pid);
	if (w->addr == NULL || w->pid == NULL) {
		cm_tl_free(w);
		return (NULL);
	}
	return (w);
}

void
cm_tl_free(struct cm_tl *w)
{
	if (w == NULL)
		return;
	free(w->addr);
	free(w->pid);
	free(w);
}

void
cm_tl_reset(struct cm_tl *w)
{
	w->n = 0;
	w->started = w->done = w->in_group = false;
	w->why[0] = '\0';
}

/* Whether task was walked already (the list loops): the walk ends. */
static bool
tl_seen(struct cm_tl *w, uint64_t task)
{
	size_t	i;

	for (i = 0; i < w->n; i++)
		if (w->addr[i] == task) {
			tl_end(w, "task list loops back to pid %" PRId32,
			    w->pid[i]);
			return (true);
		}
	return (false);
}

/* On to the leader after cur (whose pid is given); false: over. */
static bool
tl_next_leader(struct cm_tl *w, uint64_t next, int32_t pid)
{
	const struct cm_tl_layout *l = &w->lay;

	w->in_group = false;
	if (next == l->init_task + l->tasks_off) {
		w->done = true;
		return (false);
	}
	if (!tl_kptr(l, next) || next < l->tasks_off) {
		tl_end(w, "task list broken after pid %" PRId32 ": next is %#"
		    PRIx64, pid, next);
		return (false);
	}
	w->prev_list = w->cur + l->tasks_off;
	w->cur = next - l->tasks_off;
	return (!tl_seen(w, w->cur));
}

/* The thread group's step cm_tl_next names: a thread, the head, or on. */
static enum cm_tl_want
tl_group(struct cm_tl *w, uint64_t *addr, bool *thread)
{
	const struct cm_tl_layout *l = &w->lay;
	uint64_t		 node = w->g_node;

	if (node == w->g_lnode)		/* back at the leader */
		return (tl_next_leader(w, w->g_leader_next,
		    w->pid[w->n - 1]) ? CM_TL_TASK : CM_TL_END);
	if (node == w->g_head) {
		if (w->g_past_head) {
			tl_end(w, "thread list of %#" PRIx64 " does not come "
			    "back to its leader", w->g_lnode -
			    l->thread_node_off);
			return (CM_TL_END);
		}
		*addr = w->g_head;
		*thread = false;
		return (CM_TL_HEAD);
	}
	if (!tl_kptr(l, node) || node < l->thread_node_off) {
		tl_end(w, "thread list broken: next is %#" PRIx64, node);
		return (CM_TL_END);
	}
	if (tl_seen(w, node - l->thread_node_off))
		return (CM_TL_END);
	w->want = node - l->thread_node_off;
	w->want_thread = true;
	w->want_prev = w->g_prev;
	*addr = w->want;
	*thread = true;
	return (CM_TL_TASK);
}

enum cm_tl_want
cm_tl_next(struct cm_tl *w, uint64_t *addr, bool *thread)
{
	enum cm_tl_want	r;

	*addr = 0;
	*thread = false;
	if (!w->started) {
		w->started = true;
		w->cur = w->lay.init_task;
		w->prev_list = 0;
		w->in_group = false;
		if (!tl_kptr(&w->lay, w->cur))
			tl_end(w, "init_task at %#" PRIx64 " is no kernel "
			    "address", w->cur);
	}
	while (!w->done) {
		if (w->n >= w->max) {
			tl_end(w, "more than %zu tasks: stopped there", w->max);
			break;
		}
		if (!w->in_group) {
			w->want = w->cur;
			w->want_thread = false;
			w->want_prev = w->prev_list;
			*addr = w->cur;
			return (CM_TL_TASK);
		}
		r = tl_group(w, addr, thread);
		if (r == CM_TL_HEAD || (r == CM_TL_TASK && w->in_group))
			return (r);
		/* a new leader, or the end: round again */
	}
	return (CM_TL_END);
}

int
cm_tl_check(const struct cm_tl *w, const struct cm_tl_links *ln, char *why)
{
	uint64_t	prev = w->want_thread ? ln->tn_prev : ln->prev;

	if (w->want_prev != 0 && prev != w->want_prev) {
		snprintf(why, CM_TL_ERRLEN, "%s list broken at %#" PRIx64
		    ": its prev is %#" PRIx64 ", not %#" PRIx64,
		    w->want_thread ? "thread" : "task", w->want, prev,
		    w->want_prev);
		return (-1);
	}
	return (0);
}

/* A leader's other threads, if it has any: its thread_node links to the
 * head in its signal_struct, and back to it when it is alone. */
static bool
tl_group_start(struct cm_tl *w, const struct cm_tl_links *ln)
{
	const struct cm_tl_layout *l = &w->lay;

	if (!l->groups || !tl_kptr(l, ln->sig) ||
	    ln->sig + l->thread_head_off < ln->sig)
		return (false);
	w->g_head = ln->sig + l->thread_head_off;
	w->g_lnode = w->cur + l->thread_node_off;
	if (ln->tn_next == w->g_head && ln->tn_prev == w->g_head)
		return (false);
	w->in_group = true;
	w->g_past_head = false;
	w->g_node = ln->tn_next;
	w->g_prev = w->g_lnode;
	w->g_leader_next = ln->next;
	return (true);
}

int
cm_tl_task(struct cm_tl *w, const struct cm_tl_links *ln)
{
	if (w->done || w->n >= w->max)
		return (-1);
	if (cm_tl_check(w, ln, w->why) != 0) {
		w->done = true;
		return (-1);
	}
	w->addr[w->n] = w->want;
	w->pid[w->n++] = ln->pid;
	if (w->want_thread) {
		w->g_prev = w->g_node;
		w->g_node = ln->tn_next;
		return (0);
	}
	if (!tl_group_start(w, ln))
		(void)tl_next_leader(w, ln->next, ln->pid);
	return (0);
}

void
cm_tl_head(struct cm_tl *w, uint64_t next)
{
	if (!w->in_group)
		return;
	w->g_past_head = true;
	w->g_prev = w->g_head;
	w->g_node = next;
}

void
cm_tl_fail(struct cm_tl *w, const char *why)
{
	tl_end(w, "%s", why);
}

bool
cm_tl_done(const struct cm_tl *w)
{
	return (w->done);
}

const char *
cm_tl_why(const struct cm_tl *w)
{
	return (w->why);
}

size_t
cm_tl_count(const struct cm_tl *w)
{
	return (w->n);
}

bool
cm_tl_get(const struct cm_tl *w, size_t i, uint64_t *addr, int32_t *pid)
{
	if (i >= w->n)
		return (false);
	*addr = w->addr[i];
	*pid = w->pid[i];
	return (true);
}

bool
cm_tl_find_pid(const struct cm_tl *w, int32_t pid, uint64_t *addr)
{
	size_t	i;

	for (i = 0; i < w->n; i++)
		if (w->pid[i] == pid) {
			*addr = w->addr[i];
			return (true);
		}
	return (false);
}
