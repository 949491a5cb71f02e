/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/taskregs.h: a sleeping task's 'g' answered by the bridge from
 * the words kgdb builds it from (issue 16, "info threads on a real
 * board"). bridge.h is full, so the module's interface is here.
 */
#ifndef BRIDGE_TASKREGS_H
#define BRIDGE_TASKREGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bridge/bridge.h"
#include "common/dwarf.h"
#include "common/tasklist.h"

#define BR_TR_SLOTS	16	/* saved words a 'g' is built from, at most */
#define BR_TR_CSLOTS	40	/* pt_regs words a CPU's 'g' is built from */
#define BR_TR_SAVED_MAX	512	/* the span they lie in, at most (bytes) */

/* One register of kgdb's answer: rsp_arch register reg gets the word at
 * task_struct + off. */
struct br_tr_slot {
	int		 reg;
	uint64_t	 off;
};

/* What the vmlinux's DWARF says, read once (br_taskregs_layout). */
struct br_tr_layout {
	struct cm_tl_layout tl;		/* the list walk's offsets */
	uint64_t	 pid_off;	/* task_struct.pid (4 bytes) */
	/* kgdb_info[] (kernel/debug/debug_core.c): the CPUs in kgdb and
	 * the task each was running */
	uint64_t	 info_addr, info_size, info_task, info_dbg;
	size_t		 info_count;
	uint64_t	 nr_cpu_ids;	/* its address; 0: none (count) */
	/* the words kgdb's sleeping_thread_to_gdb_regs copies */
	struct br_tr_slot slot[BR_TR_SLOTS];
	size_t		 nslots;
	uint64_t	 saved_lo, saved_len; /* the span they lie in */
	/*
	 * arm64: kgdb's 'g' of a task a CPU in kgdb runs is
	 * pt_regs_to_gdb_regs of that CPU's pt_regs (kgdb_info[cpu]
	 * .debuggerinfo): these words of struct pt_regs, the rest zero.
	 * cpu_ok false (cpu_why says why): those are kgdb's to answer.
	 */
	bool		 cpu_ok;
	char		 cpu_why[128];
	struct br_tr_slot cslot[BR_TR_CSLOTS];
	size_t		 ncslots;
	uint64_t	 cregs_lo, cregs_len;
	uint64_t	 active_addr;	/* kgdb_active: the master CPU */
};

/* A CPU in kgdb (kgdb_info[cpu] with a task and pt_regs). */
struct br_tr_cpu {
	size_t		 cpu;
	uint64_t	 task;
	uint64_t	 regs;		/* its struct pt_regs */
};

struct br_taskregs_stats {
	uint64_t	 built;		/* 'g' answered from the saved words */
	uint64_t	 cpu_built;	/* … from a CPU's pt_regs (arm64) */
	uint64_t	 ahead;		/* … of them, built by the read-ahead */
	uint64_t	 on_cpu;	/* kgdb's: the task is on a CPU */
	uint64_t	 forwarded;	/* kgdb's for another reason */
	uint64_t	 verified;	/* built and kgdb's compared equal */
	uint64_t	 mismatches;
	uint64_t	 walked;	/* tasks walked (all stops) */
	uint64_t	 reads;		/* memory reads asked (cache or wire) */
	uint64_t	 read_bytes;	/* their bytes */
};

struct br_taskregs;

/* bridge/taskregs.c (layer 3) */
/* vmlinux: the --vmlinux path (NULL: none, every 'g' is kgdb's); read
 * at the first 'g' of a sleeping task, not here. */
struct br_taskregs *br_taskregs_new(const struct rsp_arch *a,
		    const char *vmlinux, bool on);
void		 br_taskregs_free(struct br_taskregs *t);
/* On or off (monitor bridge taskregs); off forwards every 'g'. */
void		 br_taskregs_set(struct bridge *br, bool on);
bool		 br_taskregs_on(const struct br_taskregs *t);
/* A gdb connected: nothing built is served before a check against
 * kgdb's own answer on this connection. */
void		 br_taskregs_attach(struct bridge *br);
/* The bus (main.c): a target link that went or came back is treated as a
 * new connection: the checks run again, nr_cpu_ids is read again. */
void		 br_taskregs_note(struct bridge *br, const struct br_event *ev);
const struct br_taskregs_stats *br_taskregs_stats(
		    const struct br_taskregs *t);
/* Why the module forwards everything ("" if it does not, or did not need
 * to know yet). */
const char	*br_taskregs_why(const struct br_taskregs *t);
/* gdb's 'g' for thread tid (a kgdb pid, not a shadow CPU id), which gdb
 * selected with Hg: built here, or br_cache_forward's. */
int		 br_taskregs_g(struct bridge *br, uint64_t tid,
		    br_reply_cb *cb, void *arg);

/* gdb's 'g' for the thread of a CPU in kgdb: kgdb's current thread
 * (current; key is the cache's name for it, br_cache_gdb_want) or a
 * shadow CPU id (key). arm64, the cache on: built from that CPU's
 * pt_regs, checked once a connection against kgdb's own; else
 * br_cache_forward's. */
int		 br_taskregs_g_cpu(struct bridge *br, uint64_t key,
		    bool current, br_reply_cb *cb, void *arg);

/* gdb's Hg, said OK, as sleepers.c watches it (known: a thread id, not
 * 0 or -1) at cache generation gen: gdb's thread when the cache is off,
 * which keeps no track of it. */
void		 br_taskregs_hg(struct br_taskregs *t, bool known,
		    uint64_t tid, uint64_t gen);
/* That thread, if known at generation gen. */
bool		 br_taskregs_gdb_thread(const struct br_taskregs *t,
		    uint64_t gen, uint64_t *tid);

/* ---- for the read-ahead (prefetch.c) */

/* How a build for the read-ahead ended. */
enum br_tr_ahead {
	BR_TR_BUILT,	/* the answer kgdb would give, kept by the caller */
	BR_TR_KGDB,	/* declined: only kgdb's own 'g' will do (a task on
			 * a CPU or not found, a read that failed, or the
			 * built one waits to be checked against kgdb's) */
	BR_TR_LATER,	/* put off: someone wants the line, gdb's own 'g'
			 * took over, or the stop ended */
	BR_TR_FAILED,	/* a read of ours went unanswered */
};
typedef void	 br_tr_ahead_cb(void *arg, const char *g, size_t len,
		    enum br_tr_ahead how);
/* Whether sleeping threads' 'g' is built here (on, usable, not refuted
 * on this connection, the cache on): if so the read-ahead asks
 * br_taskregs_ahead for them instead of kgdb. */
bool		 br_taskregs_can_build(struct bridge *br);
/* Thread tid's 'g' for the read-ahead: the walk and reads of
 * br_taskregs_g, each read from the cache or sent in the background on
 * an idle line (br_target_request_bg) and kept in the cache; nothing is
 * forwarded. cb once, maybe before this returns. Until a built answer
 * has been checked it is kept and declined (BR_TR_KGDB): kgdb's 'g',
 * read next, goes to br_taskregs_ahead_check. gdb's own 'g' takes the
 * walk over from a build under way (it ends BR_TR_LATER). */
void		 br_taskregs_ahead(struct bridge *br, uint64_t tid,
		    br_tr_ahead_cb *cb, void *arg);
/* kgdb's own 'g' of tid, read ahead: compared with a built one kept for
 * the check, which decides, as gdb's first 'g' does, whether built
 * answers are served. */
void		 br_taskregs_ahead_check(struct bridge *br, uint64_t tid,
		    const char *g, size_t len);

/* A test's seam (the fuzz harness has no vmlinux): use l as if read. */
void		 br_taskregs_use_layout(struct br_taskregs *t,
		    const struct br_tr_layout *l);

/* bridge/taskregs_build.c (layer 0): the pure steps. */
/* The layout for architecture a from a vmlinux's DWARF; -1 with err. */
int		 br_taskregs_layout(struct cm_dwarf *d, const struct rsp_arch *a,
		    struct br_tr_layout *l, char *err);
/* kgdb's 'g' for a sleeping task whose saved span (l->saved_len bytes
 * from task_struct + l->saved_lo) is saved: every register 0 but the
 * slots. out gets 2 * a->numregbytes hex digits; -1 if out is short. */
int		 br_taskregs_build(const struct rsp_arch *a,
		    const struct br_tr_layout *l, const uint8_t *saved,
		    size_t len, char *out, size_t outmax);
/* The register where two 'g' texts first differ (NULL: equal), or
 * "length" when they are not the same size. */
const char	*br_taskregs_differ(const struct rsp_arch *a, const char *g1,
		    size_t len1, const char *g2, size_t len2);
/* kgdb's 'g' for a task on a CPU in kgdb from l->cregs_len bytes of
 * its pt_regs at l->cregs_lo: as br_taskregs_build. */
int		 br_taskregs_build_cpu(const struct rsp_arch *a,
		    const struct br_tr_layout *l, const uint8_t *regs,
		    size_t len, char *out, size_t outmax);
/* The CPUs kgdb holds registers of, from count entries of kgdb_info[]
 * (the first is CPU first) read into info: into cpus (at most max);
 * their number. */
size_t		 br_taskregs_cpus(const struct br_tr_layout *l,
		    const uint8_t *info, size_t first, size_t count,
		    struct br_tr_cpu *cpus, size_t max);

/* bridge/cache.c, for taskregs.c: whether the cache holds a 'g' of tid
 * at this stop. */
bool		 br_cache_has_g(struct br_cache *c, uint64_t tid);
/* Learn the stack a 'g' text's sp lies in (reads there are harmless). */
void		 br_cache_learn_stack(struct br_cache *c, const char *g,
		    size_t len);

#endif /* BRIDGE_TASKREGS_H */
