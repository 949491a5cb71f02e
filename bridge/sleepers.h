/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/sleepers.h: sleeping tasks with the registers they will resume
 * with (issue 16, x86_64). bridge.h is full (tests/style.sh: 1000 lines),
 * so the module's interface, and the two cache functions only it uses,
 * are declared here.
 */
#ifndef BRIDGE_SLEEPERS_H
#define BRIDGE_SLEEPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bridge/bridge.h"

/* The members of struct inactive_task_frame the answer uses, in order. */
enum {
	BR_SL_R15, BR_SL_R14, BR_SL_R13, BR_SL_R12, BR_SL_BX, BR_SL_BP,
	BR_SL_RET, BR_SL_NMEMB
};

/* What the vmlinux says, read once (br_sleepers_layout). */
struct br_sl_layout {
	uint64_t	 size;			/* sizeof the frame */
	uint64_t	 off[BR_SL_NMEMB];	/* member offsets */
	uint64_t	 text_lo, text_hi;	/* _stext, _etext */
	uint64_t	 thread_size;		/* __end_init_task -
						 * __start_init_task */
};

struct br_sleepers_stats {
	uint64_t	 rewritten;	/* answers with the frame's registers */
	uint64_t	 refused;	/* the pattern, but not safe: kgdb's */
	uint64_t	 frame_reads;	/* frames asked for (cache or wire) */
};

struct br_sleepers;

/* bridge/sleepers.c (layer 3) */
/* vmlinux: the --vmlinux path (NULL: none; every answer is kgdb's). The
 * file is read at the first sleeping task, not here. */
struct br_sleepers *br_sleepers_new(const struct rsp_arch *a,
		    const char *vmlinux, bool on);
void		 br_sleepers_free(struct br_sleepers *s);
/* On or off (monitor bridge sleepers): answers held by the cache for
 * this stop are dropped, so the next ones follow the switch. */
void		 br_sleepers_set(struct bridge *br, bool on);
bool		 br_sleepers_on(const struct br_sleepers *s);
const struct br_sleepers_stats *br_sleepers_stats(
		    const struct br_sleepers *s);
/* Why the layout is unusable ("" if it is or was not needed yet). */
const char	*br_sleepers_why(const struct br_sleepers *s);
/* The drop-in for br_cache_forward() that gdb's requests go through: a
 * 'g' (or a 'p' of a register the frame holds) of a sleeping task gets
 * the frame's registers; everything else is br_cache_forward's. */
int		 br_sleepers_forward(struct bridge *br, const char *p,
		    size_t len, br_reply_cb *cb, void *arg);

/* A test's seam (the fuzz harness has no vmlinux): use l as if read. */
void		 br_sleepers_use_layout(struct br_sleepers *s,
		    const struct br_sl_layout *l);

/* The pure steps, for tests. */
/* The layout from a vmlinux (DWARF and symbols); -1 with err. */
int		 br_sleepers_layout(const char *path, struct br_sl_layout *l,
		    char *err);
/* kgdb's 'g' for a task it found sleeping (sleeping_thread_to_gdb_regs):
 * pc, flags and the other registers 0, cs __KERNEL_CS, ss __KERNEL_DS;
 * *sp, *bp as it sent them. */
bool		 br_sleepers_pattern(const struct rsp_arch *a, const char *g,
		    size_t glen, uint64_t *sp, uint64_t *bp);
/* The answer from kgdb's g and the frame read at its sp: 0 with out
 * (glen bytes), or -1 with why (the frame crosses a stack, its return
 * address is outside the text, it disagrees with kgdb's bp). */
int		 br_sleepers_rewrite(const struct rsp_arch *a,
		    const struct br_sl_layout *l, const char *g, size_t glen,
		    const uint8_t *frame, size_t flen, char *out, char *why);

/* bridge/cache.c, for sleepers.c */
/* The thread gdb selected, as the cache names it (tid), and whether it
 * is kgdb's current one (Hg0, Hg-1, or none since the stop); false if
 * unknown or the cache is off. */
bool		 br_cache_gdb_want(const struct br_cache *c, uint64_t *tid,
		    bool *current);
/* The thread gdb's next 'g' is for, if known and not "current". */
bool		 br_cache_gdb_thread(const struct br_cache *c,
		    uint64_t *tid_out);
/* Hold g as thread tid's 'g' reply, if the stop is still generation gen. */
void		 br_cache_put_g(struct br_cache *c, uint64_t gen, uint64_t tid,
		    const char *g, size_t len);

#endif /* BRIDGE_SLEEPERS_H */
