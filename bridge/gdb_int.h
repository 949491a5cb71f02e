/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/gdb_int.h: what the gdb front end's files share, and no one else
 * includes. Its files call each other in one direction only (the layer
 * check sees no cycle among them), top to bottom:
 *   gdb.c          listeners, sessions' input, the packet dispatch table
 *   gdb_monitor.c  `monitor` (qRcmd)
 *   gdb_stop.c     '?', stops, the target engine's controller callbacks
 *   gdb_vcont.c    resumes: vCont, range stepping, masked steps on arm64
 *   gdb_tdesc.c    the target description: the bridge's, or kgdb's own
 *   gdb_sess.c     output to gdb, closing, requests, breakpoints, and the
 *                  queue pump, which calls gdb.c's dispatcher through
 *                  br_gdb's packet hook
 */
#ifndef BRIDGE_GDB_INT_H
#define BRIDGE_GDB_INT_H

#include <sys/queue.h>

#include <string.h>

#include "bridge/bridge.h"
#include "bridge/peer.h"

#define GDB_PKT_MAX	RSP_PKT_MAX		/* our PacketSize */
#define GDB_FRAME_MAX	(2 * GDB_PKT_MAX + RSP_PKT_OVERHEAD + 8)
#define GDB_QUEUE_MAX	16
#define GDB_OUT_MAX	(256 * 1024)		/* unread output: drop gdb */
#define GDB_OUT_SOFT	(64 * 1024)		/* unread output: stop reading */
#define GDB_SESS_MAX	8			/* connections on the port */
#define GDB_FLUSH_MS	2000			/* a refusal or detach reply */
#define GDB_O_CHUNK	400			/* text bytes per O packet */

#define GDB_BP_MAX	64			/* breakpoints range stepping knows */
#define GDB_RANGE_SHORT	4			/* bytes: likely one instruction */

struct gpend {
	char	*p;
	size_t	 len;
};

/*
 * A vCont;r the bridge runs itself: kgdb has no range stepping, so the
 * bridge sends 's', reads the pc ('p'; 'g' through the cache at the
 * first stop of a short range) and steps again while the pc
 * stays in [start, end) on the same thread, and gdb sees one stop instead
 * of one per instruction (each of which it would answer with a 'g' and
 * often a stack read). It stops early at a breakpoint gdb set, when the pc
 * does not move, on any other kind of stop, or on gdb's ^C (then the stop
 * says SIGINT). With a watchpoint set it never goes on: kgdb's stop
 * replies do not say that one fired.
 */
struct grange {
	bool		 on;
	bool		 intr;		/* gdb's ^C came while stepping */
	uint64_t	 start, end;
	uint32_t	 thread;
	bool		 have_pc;
	uint64_t	 pc;		/* before the last step */
	char		 stop[64];	/* held while the pc is read */
	size_t		 stoplen;
};

/* A resume from vCont, waiting for the bridge's own Hc. */
struct gvcont {
	char		 cmd[8];	/* "c", "s", "C09", … */
	char		 hc[24];	/* the Hc it needs */
	bool		 range;
	bool		 any;		/* the range is for the stopped thread */
	uint64_t	 start, end;
	uint32_t	 thread;
};

/* A step the bridge runs with interrupts masked (arm64, --step-irqs). */
enum gstep_phase {
	GSTEP_IDLE,
	GSTEP_PREP,		/* reading pstate, pc, instruction; 'P' */
	GSTEP_RUN,		/* stepping with the bits set */
	GSTEP_FIX,		/* stopped: putting the bits back */
};
struct gstep {
	enum gstep_phase phase;
	bool		 cancel;	/* gdb got a stop meanwhile (^C) */
	bool		 requesting;	/* inside gstep_request */
	bool		 have_tid;
	uint64_t	 tid;		/* the thread stepped */
	uint32_t	 orig;		/* pstate before the step */
	uint32_t	 set;		/* the bits the bridge set */
	uint32_t	 written;	/* pstate put back after the step */
	bool		 quiet;		/* the instruction writes no memory */
	uint64_t	 breaks;	/* br_target_breaks() at the step */
	char		 stop[64];	/* held while they are put back */
	size_t		 stoplen;
	/* What the bridge knows of this stop from its own last requests, for
	 * the next step of a range: the pstate it put back, the pc the range
	 * read. Valid only when gs_range_pc steps straight on. */
	struct gstep_known {
		bool	 pstate_ok, pc_ok, hg_ok;
		uint32_t pstate;
		uint64_t pc;
	}		 known;
	bool		 from_range;	/* gs_range_pc is stepping on */
};

/*
 * riscv64: resuming from kgdb's compiled break (gdb_rvbreak.c). PROBE
 * reads whether the kernel sits in it, PLANT puts the bridge's own
 * breakpoint after it for a step, RUN waits for the stop, UNPLANT lifts
 * that breakpoint before gdb hears of the stop.
 */
enum grv_phase {
	GRV_IDLE,
	GRV_PROBE,
	GRV_PLANT,
	GRV_RUN,
	GRV_UNPLANT,
};
struct grv {
	bool		 on;		/* riscv64 with both symbols known */
	uint64_t	 kcb;		/* kgdb_compiled_break */
	uint64_t	 flag;		/* kgdb_setting_breakpoint */
	enum grv_phase	 phase;
	bool		 requesting;	/* inside grv_request */
	bool		 cancel;	/* gdb got a stop meanwhile (^C) */
	bool		 virt_z;	/* gdb's Z0 at 0, taken here */
	bool		 step;		/* this resume steps off the break */
	bool		 planted;	/* the bridge's Z0 at kcb + 2 is in */
	char		 cmd[8];	/* the resume asked for: "c" or "s" */
	char		 stop[64];	/* held while the breakpoint goes */
	size_t		 stoplen;
	uint64_t	 fixed;		/* resumes corrected (monitor, tests) */
	/* Hands a held stop on (gs_stopped_deliver, given by gdb.c). */
	void		(*deliver)(struct br_gdb *, const char *, size_t);
};

/* Functions no breakpoint may go into (gdb_bpguard.c). */
#define GDB_BPG_MAX	8
struct gbpg {
	struct {
		const char	*name;
		uint64_t	 start, end;
	}		 fn[GDB_BPG_MAX];
	size_t		 n;
	/* gdb's step breakpoints at such a function's entry, planted at
	 * the call's return address instead (arm, riscv64). */
	struct {
		uint64_t	 from, to;
		bool		 shared; /* gdb's own Z0 at to, too */
	}		 moved[GDB_BPG_MAX];
	size_t		 nmoved;
	uint64_t	 nmoves;	/* how many, for tests and the log */
};

struct gsess {
	TAILQ_ENTRY(gsess) entry;
	struct br_gdb	*g;
	unsigned	 id;
	struct br_peer	*pr;		/* the connection (peer.c) */
	struct rsp_demux *dm;
	struct event	*resume_ev;	/* read what waits in the input */
	bool		 rpaused;	/* not reading: output or queue full */

	bool		 refused;	/* a second gdb: error, then close */
	const char	*refuse_why;	/* NULL: another gdb holds the target */
	bool		 noack;
	bool		 busy;		/* a reply is pending */
	bool		 waiting_stop;	/* after c/s, or a held '?' */
	bool		 resumed;	/* after c/s: gdb takes O packets */
	char		 qstop[64];	/* a stop for '?' waiting for qC */
	size_t		 qstoplen;
	char		 pending_stop[64];	/* a stop while busy */
	size_t		 pending_len;
	bool		 in_qrcmd;	/* O packets go to gdb now */

	char		*last;		/* last frame, for a NAK */
	size_t		 lastlen;

	/* The stub's Hc as last set since the stop, "" if none: kgdb puts it
	 * on the current thread at every stop. */
	char		 hc[24];
	char		 hc_req[24];	/* gdb's Hc on its way: kept on OK */
	char		 z_req[48];	/* gdb's Z/z on its way: counted on OK */
	bool		 z_moved;	/* ... and it is a Z0 gdb_bpguard.c moved:
					 * refused, it is the last in bpg.moved
					 * (no Z or z ran since) and is dropped */
	struct grange	 range;
	struct gvcont	 vc;

	struct gpend	 queue[GDB_QUEUE_MAX];
	size_t		 nqueue;
};
TAILQ_HEAD(gsess_list, gsess);

/* A request in flight; outlives the session (and gdb) if it must. */
struct gctx {
	TAILQ_ENTRY(gctx) entry;
	struct br_gdb	*g;		/* NULL once gdb is freed */
	unsigned	 sess_id;
	char		 kind;		/* first byte of the request */
	const bool	*requesting;	/* gs_own_request's flag, or NULL */
};
TAILQ_HEAD(gctx_list, gctx);

struct br_gdb {
	struct bridge	*br;
	struct evconnlistener *lis;
	struct evconnlistener *ulis;	/* --gdb-socket */
	struct br_lguard *uguard;
	int		 port;
	struct gsess	*ctl;		/* the controlling gdb */
	struct gsess_list all;
	size_t		 nsess;		/* in all, closing ones too */
	struct br_lguard *guard;
	struct gctx_list ctxs;
	unsigned	 next_id;
	char		*tdesc;		/* the bridge's own description */
	size_t		 tdesc_len;
	struct gtdesc	*stub;		/* kgdb's, read once (gdb_tdesc.c) */

	/* What gdb has planted (Z/z seen), for range stepping. kgdb keeps
	 * breakpoints across gdb sessions, so these do too. */
	uint64_t	 bp[GDB_BP_MAX];	/* Z0, Z1 */
	size_t		 nbp;
	bool		 bp_full;		/* lost count: never range */
	unsigned	 nwatch;		/* Z2..Z4 */

	enum br_step_irqs step_irqs;
	int		 pstate_reg;		/* index in arch->regs, or -1 */
	struct gstep	 step;
	struct grv	 rv;
	struct gbpg	 bpg;

	/* gdb.c's dispatcher: gs_process hands it each queued packet. */
	void		(*packet)(struct gsess *, const char *, size_t);
};

/* The session's connection is closed: it takes no more. */
static inline bool
gs_gone(const struct gsess *s)
{
	return (br_peer_gone(s->pr));
}

static inline bool
is_exactly(const char *p, size_t len, const char *str)
{
	return (len == strlen(str) && memcmp(p, str, len) == 0);
}

/* gdb_sess.c: output, close, requests, breakpoints, the queue pump */
int	 gs_raw(struct gsess *s, const void *buf, size_t len);
void	 gs_sends(struct gsess *s, const char *str);
void	 gs_output(struct gsess *s, const void *text, size_t len);
void	 gs_outputf(struct gsess *s, const char *fmt, ...)
	    printflike(2, 3);
void	 gs_reply(struct gsess *s, const void *payload, size_t len);
void	 gs_replys(struct gsess *s, const char *str);
void	 gs_free(struct gsess *s);
void	 gs_closed(struct br_peer *p, const char *why, void *arg);
void	 gs_freed(void *arg);
void	 gs_close(struct gsess *s, const char *why);
void	 gs_close_after_flush(struct gsess *s, const char *why);
struct gsess	*gs_ctx_session(struct gctx *c);
struct gctx	*gs_ctx_new(struct gsess *s, char kind);
void	 gs_forward(struct gsess *s, const char *p, size_t len);
void	 gs_process(struct gsess *s);
void	 gs_unpause(struct gsess *s);
void	 gs_stop_reply(struct gsess *s, const char *payload, size_t len);
bool	 gs_bp_at(const struct br_gdb *g, uint64_t pc);
void	 gs_resume_failed(struct gsess *s);
int	 gs_own_request(struct br_gdb *g, bool *requesting, char kind,
	    const char *req, br_reply_cb *cb);
struct gctx	*gs_own_ctx(struct br_gdb *g, char kind, const bool *requesting);
struct br_gdb	*gs_own_gdb(struct gctx *c);
void	 gs_bp_forget(struct br_gdb *g);

/* gdb_vcont.c: resumes, vCont, range steps, masked steps */
void	 gs_resume(struct gsess *s, const char *p, size_t len);
void	 gs_vcont(struct gsess *s, const char *p, size_t len);
bool	 gs_range_intr(struct gsess *s);
void	 gs_stopped_deliver(struct br_gdb *g, const char *payload,
	    size_t len);
bool	 gstep_stopped(struct br_gdb *g, const char *payload, size_t len);
int	 gdb_resume_hook(void *arg, const char *payload, size_t len);

/* gdb_rvbreak.c: riscv64, resumes from kgdb's 2-byte compiled break */
void	 grv_init(struct br_gdb *g,
	    void (*deliver)(struct br_gdb *, const char *, size_t));
void	 grv_use(struct br_gdb *g, uint64_t kcb, uint64_t flag);
bool	 grv_breakpoint(struct gsess *s, const char *p, size_t len);
int	 grv_resume(struct br_gdb *g, const char *payload, size_t len);
bool	 grv_stopped(struct br_gdb *g, const char *payload, size_t len);

/* gdb_bpguard.c: breakpoints that would hang kgdb, refused */
void	 gbpg_init(struct br_gdb *g);
enum gbpg_verdict {
	GBPG_PASS,		/* not one of ours: forward as is */
	GBPG_ANSWERED,		/* refused here, the reply sent */
	GBPG_MOVED,		/* forward the rewritten packet instead */
};
enum gbpg_verdict gbpg_breakpoint(struct gsess *s, const char *p, size_t len,
	    char *out, size_t outlen, size_t *outlen_out);

/* gdb_stop.c: '?', stops, the target's controller callbacks */
void	 gs_want_stop(struct gsess *s);
void	 gdb_ctl_stopped(void *arg, const char *payload, size_t len);
void	 gdb_ctl_output(void *arg, const void *text, size_t len);
void	 gdb_ctl_stop_failed(void *arg, const char *why);
void	 gdb_ctl_entered(void *arg, const char *how);

/* gdb_tdesc.c: qXfer:features:read, from kgdb's documents or the bridge's */
int	 gs_tdesc_init(struct br_gdb *g, char *err);
void	 gs_tdesc_free(struct br_gdb *g);
void	 gs_tdesc_read(struct gsess *s, const char *p, size_t len);

/* gdb_monitor.c: `monitor ...`, and the commands gdb adds to cmd.c's */
#define GDB_MONITOR_NCMDS	2
extern const struct br_cmd gdb_monitor_cmds[GDB_MONITOR_NCMDS];
void	 gs_qrcmd(struct gsess *s, const char *p, size_t len);

#endif
