/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/gdb_vcont.c: how gdb's resumes reach kgdb. vCont becomes kgdb's
 * c/s/C/S (with the Hc it needs), vCont;r becomes a range step the bridge
 * runs itself, breakpoints gdb planted are tracked so a range step stops
 * at them, and on arm64 a single step runs with interrupts masked
 * (--step-irqs).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/bridge.h"
#include "bridge/gdb_int.h"
#include "bridge/sleepers.h"

static void	gstep_go(struct br_gdb *);
static void	gs_range_done(struct gsess *);

/* ---- arm64: single steps with interrupts masked (--step-irqs) */

/*
 * kgdb on arm64 steps with PSTATE as the stopped code had it (6.1 to at
 * least 6.12: kgdb_arch_handle_exception sets only the step bits). With
 * interrupts enabled, the timer interrupt that came due during the stop
 * is taken first, and every step lands in el1_interrupt. The bridge
 * therefore steps the current thread with PSTATE.I and F set ('P' of
 * pstate, which kgdb takes for the current thread only) and, at the
 * stop, puts the bits it set back: kgdb's 'c' leaves PSTATE alone, so a
 * bit left set would keep interrupts off for good. An instruction that
 * writes DAIF itself (local_irq_enable and friends, ERET) is stepped as
 * kgdb would, so the kernel's own choice stands. Every request here is
 * the bridge's: gdb waits for the stop meanwhile, and the cache is
 * invalidated after each register write.
 */
#define GSTEP_IRQ_BITS	0xc0U		/* PSTATE.I (bit 7), F (bit 6) */


static bool
gstep_applies(const struct br_gdb *g)
{
	const struct rsp_arch	*a = g->br->arch;

	return (a != NULL && a->id == RSP_ARCH_ARM64 &&
	    g->step_irqs == BR_STEP_IRQS_MASKED && g->pstate_reg >= 0 &&
	    a->pc >= 0);
}

static int
gstep_request(struct br_gdb *g, const char *req, br_reply_cb *cb)
{
	return (gs_own_request(g, &g->step.requesting, 'I', req, cb));
}

/* kgdb's reply to the bridge's 'p' of pstate, as a number. */
static bool
gstep_pstate(const char *payload, size_t len, const char *err,
    uint32_t *v)
{
	uint64_t	x;

	if (err != NULL || rsp_reg_le(payload, len, 4, &x) != RSP_OK)
		return (false);
	*v = (uint32_t)x;
	return (true);
}

/* "P<n>=<pstate, little-endian hex>". */
static void
gstep_write_req(const struct br_gdb *g, uint32_t v, char *buf, size_t len)
{
	uint8_t	le[4];
	char	hex[9];

	le[0] = v & 0xff;
	le[1] = (v >> 8) & 0xff;
	le[2] = (v >> 16) & 0xff;
	le[3] = (v >> 24) & 0xff;
	rsp_hex_encode(hex, sizeof hex, le, sizeof le);
	hex[8] = '\0';
	snprintf(buf, len, "P%x=%s", g->br->arch->regs[g->pstate_reg].regnum,
	    hex);
}

/* The step could not be sent after all: what gs_resume does then. */
static void
gstep_failed(struct br_gdb *g)
{
	struct gsess	*s = g->ctl;

	if (s == NULL || gs_gone(s) || !s->waiting_stop)
		return;
	if (s->range.on) {
		gs_range_done(s);
		return;
	}
	gs_resume_failed(s);
}

static void
gstep_undone(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gs_own_gdb(arg);

	(void)payload;
	(void)len;
	(void)err;
	if (g != NULL)
		br_cache_invalidate(g->br->cache, BR_CE_REGS);
}

/* Step now, masked if the preparation got that far. */
static void
gstep_go(struct br_gdb *g)
{
	struct gstep	*st = &g->step;
	char		 req[32];

	if (st->cancel) {
		/* gdb was handed the stop (a second ^C): no step, and the
		 * bits go back at once if they were set. */
		if (st->phase == GSTEP_RUN) {
			gstep_write_req(g, st->orig, req, sizeof req);
			(void)gstep_request(g, req, gstep_undone);
		}
		st->phase = GSTEP_IDLE;
		return;
	}
	if (st->phase != GSTEP_RUN)
		st->phase = GSTEP_IDLE;
	/* Nothing read before this is served after it, but kernel code
	 * when one instruction that writes no memory runs, masked. */
	st->breaks = br_target_breaks(g->br->target);
	br_cache_invalidate(g->br->cache, st->phase == GSTEP_RUN &&
	    st->quiet ? BR_CE_STEP : BR_CE_RESUME);
	if (br_target_resume(g->br->target, "s", 1) != 0) {
		st->phase = GSTEP_IDLE;
		br_cache_forget_code(g->br->cache);
		gstep_failed(g);
	}
}

static void
gstep_masked(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gs_own_gdb(arg);

	if (g == NULL || g->step.phase != GSTEP_PREP)
		return;
	br_cache_invalidate(g->br->cache, BR_CE_REGS);
	if (err == NULL && is_exactly(payload, len, "OK"))
		g->step.phase = GSTEP_RUN;
	else
		log_info("gdb: kgdb refused to mask interrupts for a step "
		    "(%.*s): stepping as is", (int)len, err != NULL ? "" :
		    payload);
	gstep_go(g);
}

static void
gstep_insn(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gs_own_gdb(arg);
	struct gstep	*st;
	uint8_t		 b[4];
	uint32_t	 insn;
	char		 req[32];

	if (g == NULL || g->step.phase != GSTEP_PREP)
		return;
	st = &g->step;
	if (err != NULL || len != 8 || rsp_hex_decode(b, sizeof b, payload,
	    len) != 4) {
		gstep_go(g);
		return;
	}
	insn = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
	if (rsp_a64_writes_daif(insn)) {
		log_debug("gdb: step of %08x (writes DAIF) as kgdb does it",
		    insn);
		gstep_go(g);
		return;
	}
	st->quiet = rsp_a64_writes_no_memory(insn);
	st->set = ~st->orig & GSTEP_IRQ_BITS;
	gstep_write_req(g, st->orig | st->set, req, sizeof req);
	if (gstep_request(g, req, gstep_masked) != 0)
		gstep_go(g);
}

/* The pc is known: the instruction, from the cache when it has it. */
static void
gstep_have_pc(struct br_gdb *g, uint64_t pc)
{
	char	req[48];

	snprintf(req, sizeof req, "m%" PRIx64 ",4", pc);
	if (br_cache_forward(g->br, req, strlen(req),
	    gstep_insn, gs_own_ctx(g, 'I', &g->step.requesting)) != 0)
		gstep_go(g);
}

static void
gstep_pc(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gs_own_gdb(arg);
	uint64_t	 pc;

	if (g == NULL || g->step.phase != GSTEP_PREP)
		return;
	if (err != NULL || rsp_reg_le(payload, len, 8, &pc) != RSP_OK) {
		gstep_go(g);
		return;
	}
	gstep_have_pc(g, pc);
}

/* pstate is known (st->orig): the pc next. */
static void
gstep_have_orig(struct br_gdb *g)
{
	const struct rsp_arch	*a = g->br->arch;
	struct gstep		*st = &g->step;
	char			 req[16];

	if ((st->orig & GSTEP_IRQ_BITS) == GSTEP_IRQ_BITS) {
		gstep_go(g);	/* masked already */
		return;
	}
	if (st->known.pc_ok) {
		gstep_have_pc(g, st->known.pc);
		return;
	}
	snprintf(req, sizeof req, "p%x", a->regs[a->pc].regnum);
	if (gstep_request(g, req, gstep_pc) != 0)
		gstep_go(g);
}

static void
gstep_orig(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gs_own_gdb(arg);

	if (g == NULL || g->step.phase != GSTEP_PREP)
		return;
	if (!gstep_pstate(payload, len, err, &g->step.orig)) {
		gstep_go(g);	/* unknown */
		return;
	}
	gstep_have_orig(g);
}

/* kgdb's general thread is the current one: pstate next. */
static void
gstep_have_hg(struct br_gdb *g)
{
	struct gstep	*st = &g->step;
	char		 req[16];

	if (st->known.pstate_ok) {
		st->orig = st->known.pstate;
		gstep_have_orig(g);
		return;
	}
	snprintf(req, sizeof req, "p%x",
	    g->br->arch->regs[g->pstate_reg].regnum);
	if (gstep_request(g, req, gstep_orig) != 0)
		gstep_go(g);
}

static void
gstep_hg(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gs_own_gdb(arg);

	if (g == NULL || g->step.phase != GSTEP_PREP)
		return;
	if (err != NULL || !is_exactly(payload, len, "OK")) {
		gstep_go(g);
		return;
	}
	gstep_have_hg(g);
}

/* The step's preparation, from kgdb's general thread on. */
static void
gstep_begin(struct br_gdb *g)
{
	if (g->step.known.hg_ok && br_cache_stub_current(g->br->cache)) {
		/* A range's next step: the stop put kgdb on the current
		 * thread, only the bridge's own 'p' and 'P' went since, and
		 * the cache saw no Hg of anyone's. (Before a resume the
		 * cache already counts on the stop to come: no proof.) */
		gstep_have_hg(g);
		return;
	}
	/* kgdb's Hg moves; the cache must name gdb's thread again. */
	br_cache_invalidate(g->br->cache, BR_CE_THREAD);
	if (gstep_request(g, "Hg0", gstep_hg) != 0)
		gstep_go(g);
}

static void
gstep_compared(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gs_own_gdb(arg);

	(void)payload;
	(void)len;
	(void)err;
	if (g != NULL && g->step.phase == GSTEP_PREP)
		gstep_begin(g);
}

/*
 * Resume with payload (the callers have invalidated the cache). A plain
 * 's' on arm64 first masks interrupts: Hg0 (kgdb's general thread back
 * on the current one, the only thread 'P' may change), pstate, pc, the
 * instruction, 'P' of pstate, then 's'. Returns -1 only if nothing could
 * be sent; a later failure goes to gdb as for a refused resume.
 */
static int
gs_target_resume(struct br_gdb *g, const char *payload, size_t len)
{
	struct gstep	*st = &g->step;
	bool		 from_range = st->from_range;
	uint64_t	 tid;
	char		 stop[64];
	size_t		 n;
	int		 rc;
	struct gstep_known known;
	char		 req[48];

	st->from_range = false;

	if ((rc = grv_resume(g, payload, len)) <= 0)
		return (rc);	/* riscv64: gdb_rvbreak.c */
	if (!(len == 1 && payload[0] == 's') || !gstep_applies(g) ||
	    st->phase != GSTEP_IDLE)
		return (br_target_resume(g->br->target, payload, len));
	/* What the range's last turn left known holds only if it steps
	 * straight on (gs_range_pc): anything else may have moved it. */
	known = st->known;
	memset(st, 0, sizeof *st);
	if (from_range)
		st->known = known;
	n = br_target_last_stop(g->br->target, stop, sizeof stop);
	st->have_tid = rsp_stop_thread(stop, n, &tid);
	st->tid = tid;
	st->phase = GSTEP_PREP;
	/* Kernel code stays cached across quiet steps only once the vmlinux
	 * matched the kernel: have it compared now if nothing has yet. */
	if (br_cache_vml_pending(g->br->cache, req, sizeof req) &&
	    br_cache_forward(g->br, req, strlen(req), gstep_compared,
	    gs_own_ctx(g, 'I', &st->requesting)) == 0)
		return (0);
	gstep_begin(g);
	return (0);
}

/* Resume for another client (bridge.h, struct bridge's resume hook): as
 * br_target_resume(), with a step masked as for gdb (--step-irqs). */
int
gdb_resume_hook(void *arg, const char *payload, size_t len)
{
	struct br_gdb	*g = arg;

	br_cache_invalidate(g->br->cache, BR_CE_RESUME);
	return (gs_target_resume(g, payload, len));
}

static void
gstep_restored(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gs_own_gdb(arg);
	struct gstep	*st;

	if (g == NULL || g->step.phase != GSTEP_FIX)
		return;
	st = &g->step;
	st->phase = GSTEP_IDLE;
	br_cache_invalidate(g->br->cache, BR_CE_REGS);
	if (err == NULL && is_exactly(payload, len, "OK")) {
		st->known.pstate = st->written;
		st->known.pstate_ok = true;
	} else {
		log_warn("gdb: could not put PSTATE back after a step (%s): "
		    "interrupts stay masked in the stepped code until it "
		    "unmasks them", err != NULL ? err : "refused");
		if (g->br->console != NULL)
			br_notice(g->br, "could not unmask "
			    "interrupts after a step");
	}
	gs_stopped_deliver(g, st->stop, st->stoplen);
}

static void
gstep_after(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gs_own_gdb(arg);
	struct gstep	*st;
	uint32_t	 v;
	char		 req[32];

	if (g == NULL || g->step.phase != GSTEP_FIX)
		return;
	st = &g->step;
	if (gstep_pstate(payload, len, err, &v) && (v & st->set) == st->set) {
		st->written = (v & ~st->set) | (st->orig & st->set);
		gstep_write_req(g, st->written, req, sizeof req);
		if (gstep_request(g, req, gstep_restored) == 0)
			return;
	} else
		log_info("gdb: PSTATE after a masked step is %s: left as "
		    "it is", err != NULL ? "unknown" : "not as set");
	st->phase = GSTEP_IDLE;
	gs_stopped_deliver(g, st->stop, st->stoplen);
}

/*
 * A stop after a masked step: read pstate and put the bits back, then
 * the stop goes on as usual. Returns true if it holds the stop.
 */
bool
gstep_stopped(struct br_gdb *g, const char *payload, size_t len)
{
	struct gstep	*st = &g->step;
	uint64_t	 tid;
	char		 req[16];

	memset(&st->known, 0, sizeof st->known);	/* a new stop */
	if (st->phase != GSTEP_RUN)
		return (false);
	st->phase = GSTEP_IDLE;
	if (st->breaks != br_target_breaks(g->br->target))
		br_cache_forget_code(g->br->cache);	/* ran on, maybe */
	if (len == 0 || (payload[0] != 'T' && payload[0] != 'S') ||
	    len > sizeof st->stop || (st->have_tid &&
	    rsp_stop_thread(payload, len, &tid) && tid != st->tid)) {
		br_cache_forget_code(g->br->cache);
		log_warn("gdb: a masked step ended in %.*s: PSTATE left as "
		    "it is", (int)len, payload);
		return (false);
	}
	memcpy(st->stop, payload, len);
	st->stoplen = len;
	st->phase = GSTEP_FIX;
	/* kgdb's Hg is on the current thread at every stop. */
	snprintf(req, sizeof req, "p%x",
	    g->br->arch->regs[g->pstate_reg].regnum);
	if (gstep_request(g, req, gstep_after) == 0)
		return (true);
	st->phase = GSTEP_IDLE;
	return (false);
}

/* ---- vCont and range stepping */

/*
 * gdb's ^C during a range step. The range ends at its next stop, which
 * then says SIGINT. While the kernel runs, the bridge also breaks in as
 * for 'c', in case that stop was lost. While it is stopped, the stop, the
 * ack of the step or the pc read is on its way; a second ^C stops
 * waiting for it. Returns true if nothing more is to be done now.
 */
bool
gs_range_intr(struct gsess *s)
{
	struct br_target	*t = s->g->br->target;
	char			 err[BR_ERRLEN];
	bool			 again = s->range.intr;

	s->range.intr = true;
	if (br_target_state(t) == BR_TS_RUNNING) {
		if (br_target_break(t, err) != 0)
			gs_outputf(s, "kgdb-bridge: %s\n", err);
		return (true);
	}
	return (!again);
}

/* End a range step: gdb gets the held stop (SIGINT if it pressed ^C). */
static void
gs_range_done(struct gsess *s)
{
	struct grange	*r = &s->range;
	uint64_t	 tid;

	/* Only a plain step of this thread becomes SIGINT; an oops, a
	 * reboot or an error goes to gdb as kgdb said it. */
	if (r->intr && r->stoplen >= 3 && memcmp(r->stop, "T05", 3) == 0 &&
	    rsp_stop_thread(r->stop, r->stoplen, &tid) &&
	    (uint32_t)tid == r->thread) {
		r->stop[1] = '0';
		r->stop[2] = '2';
	}
	log_debug("gdb: range step done");
	gs_stop_reply(s, r->stop, r->stoplen);
}

/* The pc from the reply to the bridge's 'p' (the pc alone) or 'g'. */
static bool
gs_reply_pc(const struct rsp_arch *a, const char *payload, size_t len,
    uint64_t *pc)
{
	struct rsp_regs	regs;

	if (len == 2 * a->numregbytes)
		return (rsp_regs_parse_g(a, payload, len, &regs) >= 0 &&
		    rsp_regs_get(&regs, a->pc, pc) == RSP_OK);
	return (rsp_reg_le(payload, len, a->regs[a->pc].size, pc) ==
	    RSP_OK);
}

static void
gs_range_pc(void *arg, const char *payload, size_t len, const char *err)
{
	struct gsess		*s = gs_ctx_session(arg);
	struct grange		*r;
	const struct rsp_arch	*a;
	uint64_t		 pc;

	if (s == NULL || !s->range.on || !s->waiting_stop)
		return;
	r = &s->range;
	a = s->g->br->arch;
	if (err == NULL && !r->intr && gs_reply_pc(a, payload, len, &pc) &&
	    pc >= r->start && pc < r->end && !(r->have_pc && pc == r->pc) &&
	    !gs_bp_at(s->g, pc)) {
		r->pc = pc;
		r->have_pc = true;
		/* Nothing read at this stop may be served after it. The
		 * masked step reads this stop's pstate, pc and instruction
		 * first, and invalidates itself as it sends the step. */
		if (gstep_applies(s->g)) {
			s->g->step.known.pc = pc;
			s->g->step.known.pc_ok = true;
			s->g->step.known.hg_ok = true;
			s->g->step.from_range = true;
		} else
			br_cache_invalidate(s->g->br->cache, BR_CE_RESUME);
		if (gs_target_resume(s->g, "s", 1) == 0)
			return;
	}
	gs_range_done(s);
}

/*
 * A stop while a range step runs. Returns true if the bridge took it
 * (it reads the pc, then steps again or hands the stop to gdb).
 */
static bool
gs_range_stop(struct gsess *s, const char *payload, size_t len)
{
	struct br_gdb		*g = s->g;
	struct grange		*r = &s->range;
	const struct rsp_arch	*a = g->br->arch;
	uint64_t		 tid;
	char			 req[16];

	if (len >= sizeof r->stop)
		return (false);
	memcpy(r->stop, payload, len);
	r->stoplen = len;
	if (r->intr) {
		gs_range_done(s);
		return (true);
	}
	/* Only a plain step of the same thread goes on. */
	if (a == NULL || a->pc < 0 || g->nwatch > 0 || g->bp_full ||
	    len < 3 || memcmp(payload, "T05", 3) != 0 ||
	    !rsp_stop_thread(payload, len, &tid) || (uint32_t)tid != r->thread)
		return (false);
	/* On failure the callbacks below have run already and delivered the
	 * stop. */
	if (!r->have_pc && r->end - r->start <= GDB_RANGE_SHORT &&
	    g->br->cache != NULL && br_cache_enabled(g->br->cache)) {
		/*
		 * A short range most likely ends at its first stop (one
		 * instruction): read every register, and the cache answers
		 * gdb's own 'g' with them, one round trip less. Otherwise
		 * read the pc alone (22 bytes, not 316). Through sleepers.c
		 * as gdb's own 'g' goes: on arm64 it is built from the CPU's
		 * pt_regs (taskregs.c).
		 */
		(void)br_sleepers_forward(g->br, "g", 1,
		    gs_range_pc, gs_ctx_new(s, 'r'));
		return (true);
	}
	snprintf(req, sizeof req, "p%x", (unsigned)a->regs[a->pc].regnum);
	(void)br_target_request(g->br->target, req, strlen(req), gs_range_pc,
	    gs_ctx_new(s, 'r'));
	return (true);
}

/* The thread the kernel stopped in, if the last stop reply names it. */
static bool
gs_stopped_thread(struct gsess *s, uint64_t *tid)
{
	char	stop[64];
	size_t	n;

	n = br_target_last_stop(s->g->br->target, stop, sizeof stop);
	return (rsp_stop_thread(stop, n, tid));
}

/* Resume as vCont asked; the Hc it needed is in place. */
static void
gs_vcont_go(struct gsess *s)
{
	struct gvcont	*v = &s->vc;
	struct grange	*r = &s->range;
	uint64_t	 tid = 0;
	bool		 ok = true;

	if (v->range && v->any) {
		/* The range is for the thread that is stopped now. */
		ok = gs_stopped_thread(s, &tid);
		v->thread = (uint32_t)tid;
	}
	gs_resume(s, v->cmd, strlen(v->cmd));
	if (!v->range || !ok || !s->waiting_stop || s->g->br->arch == NULL)
		return;
	memset(r, 0, sizeof *r);
	r->on = true;
	r->start = v->start;
	r->end = v->end;
	r->thread = v->thread;
}

static void
gs_vcont_hc(void *arg, const char *payload, size_t len, const char *err)
{
	struct gsess	*s = gs_ctx_session(arg);

	if (s == NULL)
		return;
	if (err != NULL || !is_exactly(payload, len, "OK")) {
		/* As kgdb would refuse gdb's own Hc: gdb sees the error. */
		if (err != NULL)
			gs_replys(s, "E05");
		else
			gs_reply(s, payload, len);
		gs_process(s);
		return;
	}
	snprintf(s->hc, sizeof s->hc, "%s", s->vc.hc);
	gs_vcont_go(s);
}

static void
gs_vcont_refuse(struct gsess *s, const char *why)
{
	char	buf[256];

	log_info("gdb: vCont refused: %s", why);
	snprintf(buf, sizeof buf, "E.kgdb-bridge: %s", why);
	gs_replys(s, buf);
}

/*
 * vCont to kgdb's c/s/C/S: kgdb resumes every CPU and steps only the
 * current thread, so one thread may step (or get a signal) and the rest
 * may only continue. When no default action is given (gdb's scheduler
 * locking, or a step over a breakpoint), the thread goes to kgdb with Hc
 * first, as gdb itself does without vCont; kgdb then refuses to resume
 * any other thread. vCont;r becomes 's' and the loop above.
 */
void
gs_vcont(struct gsess *s, const char *p, size_t len)
{
	struct rsp_vcont		 v;
	const struct rsp_vcont_act	*act = NULL, *dflt = NULL, *a;
	struct gvcont			*vc = &s->vc;
	uint64_t			 cur;
	bool				 lock, need;
	size_t				 i;
	char				 req[32];
	int				 rc;

	if ((rc = rsp_vcont_parse(p, len, &v)) != RSP_OK) {
		gs_vcont_refuse(s, rc == RSP_ERR_TOOBIG ? "vCont: too many "
		    "actions" : "malformed vCont packet");
		return;
	}
	for (i = 0; i < v.n; i++) {
		a = &v.act[i];
		if (a->op == 't') {
			gs_vcont_refuse(s, "kgdb cannot stop one thread "
			    "(vCont;t)");
			return;
		}
		if (a->any) {
			if (dflt == NULL)
				dflt = a;	/* the leftmost applies */
		} else if (a->op != 'c' || act == NULL) {
			if (act != NULL && act->op != 'c') {
				gs_vcont_refuse(s, "kgdb steps or signals "
				    "one thread at a time");
				return;
			}
			act = a;
		}
	}
	if (act == NULL)
		act = dflt;
	if (dflt != NULL && dflt != act && dflt->op != 'c') {
		gs_vcont_refuse(s, "kgdb resumes every other thread: only "
		    "'c' for them");
		return;
	}
	memset(vc, 0, sizeof *vc);
	switch (act->op) {
	case 'C':
	case 'S':
		snprintf(vc->cmd, sizeof vc->cmd, "%c%02x", act->op,
		    act->sig);
		break;
	case 'r':
		vc->range = true;
		vc->start = act->start;
		vc->end = act->end;
		vc->any = act->any;
		vc->thread = (uint32_t)act->thread;
		/* FALLTHROUGH */
	default:
		vc->cmd[0] = act->op == 'c' ? 'c' : 's';
		break;
	}
	lock = dflt == NULL && !act->any;
	if (lock) {
		/* kgdb's Hc is the thread that stopped unless set since. */
		snprintf(vc->hc, sizeof vc->hc, "%" PRIx64, act->thread);
		if (s->hc[0] != '\0')
			need = rsp_hex_u64(s->hc, strlen(s->hc), &cur) <= 0 ||
			    cur != act->thread;
		else
			need = !gs_stopped_thread(s, &cur) ||
			    (uint32_t)cur != (uint32_t)act->thread;
	} else {
		snprintf(vc->hc, sizeof vc->hc, "0");
		need = s->hc[0] != '\0' && strcmp(s->hc, "0") != 0 &&
		    strcmp(s->hc, "-1") != 0;
	}
	if (!need) {
		gs_vcont_go(s);
		return;
	}
	snprintf(req, sizeof req, "Hc%s", vc->hc);
	(void)br_target_request(s->g->br->target, req, strlen(req),
	    gs_vcont_hc, gs_ctx_new(s, 'H'));
}

/*
 * kgdb's answer to qC for a '?' whose stop names no thread: the stop goes
 * to gdb with that thread (rsp_stop_status), or without one if qC failed.
 */
static void
gs_status_qc(void *arg, const char *payload, size_t len, const char *err)
{
	struct gsess	*s = gs_ctx_session(arg);
	char		 status[64];
	int		 n;

	if (s == NULL || !s->waiting_stop || s->resumed || s->qstoplen == 0)
		return;
	if (err != NULL)
		log_info("gdb: qC for the stop's thread failed (%s): the stop "
		    "goes without one", err);
	n = rsp_stop_status(status, sizeof status, s->qstop, s->qstoplen,
	    err == NULL ? payload : NULL, err == NULL ? len : 0);
	s->qstoplen = 0;
	if (n < 0)
		gs_stop_reply(s, "S05", 3);
	else
		gs_stop_reply(s, status, (size_t)n);
}

void
gs_stopped_deliver(struct br_gdb *g, const char *payload, size_t len)
{
	struct gsess	*s = g->ctl;
	char		 status[64];
	uint64_t	 tid;
	int		 n;

	if (s == NULL || gs_gone(s) || !s->waiting_stop)
		return;
	if (!s->resumed) {
		/*
		 * The answer to gdb's '?': the signal and the thread that
		 * stopped. kgdb's own '?' reply names no thread (the stop the
		 * bridge holds often comes from its own '?'): then kgdb's qC,
		 * through the cache, says which (rsp_stop_status says why).
		 */
		if (len >= 3 && len <= sizeof s->qstop &&
		    (payload[0] == 'S' || payload[0] == 'T') &&
		    !rsp_stop_thread(payload, len, &tid)) {
			memcpy(s->qstop, payload, len);
			s->qstoplen = len;
			(void)br_cache_forward(g->br, "qC", 2, gs_status_qc,
			    gs_ctx_new(s, 'C'));
			return;
		}
		n = rsp_stop_status(status, sizeof status, payload, len,
		    NULL, 0);
		if (n >= 0) {
			payload = status;
			len = (size_t)n;
		}
	}
	if (s->resumed && s->range.on && gs_range_stop(s, payload, len))
		return;
	gs_stop_reply(s, payload, len);
}

void
gs_resume(struct gsess *s, const char *p, size_t len)
{
	struct br_gdb	*g = s->g;
	enum br_tstate	 st = br_target_state(g->br->target);

	s->range.on = false;
	/* Nothing read before this is served after it. */
	br_cache_invalidate(g->br->cache, p[0] == 'D' ? BR_CE_DETACH :
	    BR_CE_RESUME);
	if (p[0] == 'D') {
		/* Detach leaves the kernel stopped (see the top). */
		gs_replys(s, "OK");
		gs_close_after_flush(s, "detached");
		return;
	}
	if (p[0] == 'k') {
		gs_bp_forget(g);	/* kgdb removes them all */
		if (st == BR_TS_STOPPED_GDB)
			(void)br_target_resume(g->br->target, "k", 1);
		s->busy = false;
		gs_close_after_flush(s, "killed the session");
		return;
	}
	/* No reply now: the stop reply answers it. */
	s->busy = false;
	s->waiting_stop = true;
	s->resumed = true;
	if (gs_target_resume(g, p, len) != 0) {
		s->waiting_stop = false;
		s->resumed = false;
		gs_replys(s, "E05");
	}
}
