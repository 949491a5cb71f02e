/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/tasklist.h: the walk over a stopped kernel's task list, as a
 * cursor that reads nothing itself (issue 16). Both programs walk it:
 * kgdb-tui for its tasks view (tui/tasks.c), kgdb-bridge to find the
 * task_struct of a kgdb thread id (bridge/taskregs.c).
 *
 * The order is the kernel's own (for_each_process_thread, which is also
 * kgdb's qfThreadInfo order): init_task, then task_struct.tasks, the list
 * of every thread group leader, until it comes back to init_task; after a
 * leader that has other threads, those threads (task_struct.thread_node
 * on the list whose head is signal->thread_head), where the kernel has
 * those members.
 *
 * The caller asks cm_tl_next what to read: a task's links (at the
 * offsets of struct cm_tl_layout, from the vmlinux's DWARF), or one word
 * (a thread list's head in a signal_struct). It reads them however it
 * can, as late as it likes, and hands them back (cm_tl_task, cm_tl_head);
 * until then cm_tl_next names the same thing again.
 *
 * The memory is hostile: the walk is capped, every task reached must
 * point back at the one before it (tasks.prev, or thread_node.prev), no
 * task may come twice, a pointer must be an aligned kernel address (on a
 * 64-bit kernel, in the upper half). A broken list ends the walk with
 * what was walked and why it ended (cm_tl_why).
 *
 * Pure (layer 0): no I/O, one allocation in cm_tl_new.
 */
#ifndef COMMON_TASKLIST_H
#define COMMON_TASKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CM_TL_ERRLEN	160

/* Offsets, from the vmlinux's DWARF; groups false: no thread lists. */
struct cm_tl_layout {
	unsigned	 wsize;		/* 4 or 8 */
	uint64_t	 init_task;	/* its address */
	uint64_t	 tasks_off;	/* task_struct.tasks */
	bool		 groups;
	uint64_t	 thread_node_off; /* task_struct.thread_node */
	uint64_t	 signal_off;	/* task_struct.signal */
	uint64_t	 thread_head_off; /* signal_struct.thread_head */
};

/* A task's links as read (tn_* and sig only with groups). */
struct cm_tl_links {
	uint64_t	 next, prev;		/* tasks */
	uint64_t	 tn_next, tn_prev;	/* thread_node */
	uint64_t	 sig;			/* signal */
	int32_t		 pid;
};

enum cm_tl_want {
	CM_TL_TASK,	/* read the links of the task_struct at *addr */
	CM_TL_HEAD,	/* read the word at *addr */
	CM_TL_END	/* over (cm_tl_why: "" or why it ended early) */
};

struct cm_tl;

/* A walk of at most max tasks (at least 1); NULL if out of memory. */
struct cm_tl	*cm_tl_new(const struct cm_tl_layout *l, size_t max);
void		 cm_tl_free(struct cm_tl *w);
/* From init_task again, nothing walked. */
void		 cm_tl_reset(struct cm_tl *w);
/* What to read next; *thread: a thread reached by its group's list. */
enum cm_tl_want	 cm_tl_next(struct cm_tl *w, uint64_t *addr, bool *thread);
/* Whether the links of the task cm_tl_next named keep the list whole;
 * -1 ends nothing but says why in why (CM_TL_ERRLEN). */
int		 cm_tl_check(const struct cm_tl *w, const struct cm_tl_links *ln,
		     char *why);
/* The task cm_tl_next named, read: 0 it is walked, -1 the list is broken
 * there and the walk is over. */
int		 cm_tl_task(struct cm_tl *w, const struct cm_tl_links *ln);
/* The word at the head cm_tl_next named. */
void		 cm_tl_head(struct cm_tl *w, uint64_t next);
/* What cm_tl_next named cannot be read: the walk is over, why says so. */
void		 cm_tl_fail(struct cm_tl *w, const char *why);

bool		 cm_tl_done(const struct cm_tl *w);
const char	*cm_tl_why(const struct cm_tl *w);
size_t		 cm_tl_count(const struct cm_tl *w);
/* The i-th task walked: its address and pid; false past the end. */
bool		 cm_tl_get(const struct cm_tl *w, size_t i, uint64_t *addr,
		     int32_t *pid);
/* The first task walked with this pid; false if none (yet). */
bool		 cm_tl_find_pid(const struct cm_tl *w, int32_t pid,
		     uint64_t *addr);

#endif /* COMMON_TASKLIST_H */
