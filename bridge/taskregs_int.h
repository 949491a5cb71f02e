/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/taskregs_int.h: the state of bridge/taskregs.c, shared with
 * taskregs_ctl.c (its switches, counters and gdb's thread with the cache
 * off). Nothing else includes it.
 */
#ifndef BRIDGE_TASKREGS_INT_H
#define BRIDGE_TASKREGS_INT_H

#include "bridge/taskregs.h"

#define TR_TASKS_MAX	4096
#define TR_CPUS_MAX	256	/* kgdb_info entries read at most */

enum tr_state { TR_UNREAD, TR_READY, TR_UNUSABLE };
struct tr_job;
enum tr_verdict { TR_UNVERIFIED, TR_VERIFIED, TR_MISMATCH };

struct br_taskregs {
	const struct rsp_arch	*arch;
	char			*vmlinux;
	bool			 on;
	enum tr_state		 state;
	struct br_tr_layout	 lay;
	char			 why[BR_ERRLEN];
	struct br_taskregs_stats st;
	enum tr_verdict		 verdict;	/* on this gdb connection */
	bool			 told;		/* a refusal logged */
	bool			 busy;		/* a job runs */
	struct tr_job		*ahead_job;	/* … the read-ahead's */
	/* a built answer of the read-ahead's, until kgdb's own for the
	 * same thread at the same stop is read to check it */
	bool			 check_have;
	uint64_t		 check_gen, check_tid;
	char			*check_g;
	size_t			 check_glen;
	/* gdb's thread as sleepers.c saw its Hg (the cache off) */
	bool			 hg_known;
	uint64_t		 hg_tid, hg_gen;
	/* this stop's (cache generation gen) */
	bool			 have_gen;
	uint64_t		 gen;
	struct cm_tl		*tl;
	bool			 cpus_known;
	struct br_tr_cpu	 cpus[TR_CPUS_MAX];
	size_t			 ncpu;
	bool			 nr_known;	/* nr_cpu_ids: set at boot */
	uint64_t		 nr;
	bool			 active_known;	/* kgdb_active, this stop */
	size_t			 active;
	/* a CPU's 'g' from its pt_regs (arm64): checked on its own */
	enum tr_verdict		 cverdict;
	/* a new gdb connection or target link: a check started before it
	 * decides nothing after it */
	uint64_t		 epoch;
};

#endif /* BRIDGE_TASKREGS_INT_H */
