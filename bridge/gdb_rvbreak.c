/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/gdb_rvbreak.c: riscv64, resuming from kgdb's compiled break.
 *
 * Linux 6.1 and 6.12 write kgdb_compiled_break (arch/riscv/kernel/kgdb.c)
 * as a bare "ebreak", which a kernel built with compressed instructions
 * assembles to the 2-byte c.ebreak (0x9002). At every stop there
 * (kgdbwait, SysRq-g, a panic, the bridge's own break-in) two things go
 * wrong, on a plain line as through a bridge that only relays:
 *  - the kernel resumes at pc + 4, since kgdb's die notifier adds 4 for a
 *    compiled break, so the instruction after the c.ebreak never runs;
 *  - gdb steps in software on riscv and decodes 0x9002 as c.jalr with rs1
 *    = x0: it asks for a breakpoint at address 0, kgdb refuses, and stepi,
 *    next and step stop with "Cannot insert breakpoint 0".
 * The bridge corrects both. kgdb's 'c' takes an address before adding
 * its 4, so "c<kcb - 2>" resumes exactly after the c.ebreak. gdb's Z0 at
 * 0 is answered here (kgdb is never asked); a resume while it stands, or
 * an 's', at the compiled break plants the bridge's own breakpoint right
 * after the c.ebreak, so the kernel stops one instruction on, which gdb
 * takes as the end of its step. The breakpoint is lifted before gdb hears
 * of the stop.
 *
 * Whether the kernel sits at the compiled break is asked at each such
 * resume: kgdb_setting_breakpoint (non-zero only while kgdb_breakpoint()
 * runs: one small read, the only cost to an ordinary resume), then the pc
 * of the current thread and the two bytes there. Anything unexpected
 * resumes as asked. Without a vmlinux that names both symbols, nothing
 * here applies.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/bridge.h"
#include "bridge/gdb_int.h"

#define GRV_CEBREAK	"0290"		/* c.ebreak, as kgdb's 'm' shows it */

void
grv_init(struct br_gdb *g,
    void (*deliver)(struct br_gdb *, const char *, size_t))
{
	struct bridge	*br = g->br;
	uint64_t	 kcb, flag;

	memset(&g->rv, 0, sizeof g->rv);
	g->rv.deliver = deliver;
	if (br->arch == NULL || br->arch->id != RSP_ARCH_RISCV64 ||
	    br->arch->pc < 0 || br->vmlinux == NULL)
		return;
	if (!br_vmlinux_symbol(br->vmlinux, "kgdb_compiled_break", &kcb) ||
	    !br_vmlinux_symbol(br->vmlinux, "kgdb_setting_breakpoint",
	    &flag) || kcb < 2) {
		log_info("gdb: the vmlinux has no kgdb_compiled_break or "
		    "kgdb_setting_breakpoint: resumes from kgdb's break go "
		    "to it as gdb sends them");
		return;
	}
	grv_use(g, kcb, flag);
}

/* The two addresses, from grv_init (or a fuzzer, which has no vmlinux);
 * grv_init comes first. */
void
grv_use(struct br_gdb *g, uint64_t kcb, uint64_t flag)
{
	g->rv.kcb = kcb;
	g->rv.flag = flag;
	g->rv.on = true;
}

static int
grv_request(struct br_gdb *g, const char *req, br_reply_cb *cb)
{
	return (gs_own_request(g, &g->rv.requesting, 'V', req, cb));
}

/* The bridge's breakpoint after the c.ebreak: "Z0,…,2" or "z0,…,2". */
static void
grv_bp_req(const struct grv *rv, char op, char *buf, size_t len)
{
	snprintf(buf, len, "%c0,%" PRIx64 ",2", op, rv->kcb + 2);
}

static void
grv_ignore(void *arg, const char *payload, size_t len, const char *err)
{
	(void)payload;
	(void)len;
	(void)err;
	(void)gs_own_gdb(arg);
}

/* Lift the bridge's breakpoint without waiting (a resume that failed). */
static void
grv_unplant_now(struct br_gdb *g)
{
	char	req[48];

	if (!g->rv.planted)
		return;
	g->rv.planted = false;
	grv_bp_req(&g->rv, 'z', req, sizeof req);
	(void)grv_request(g, req, grv_ignore);
}

/* Nothing could be resumed: gdb hears it as for a refused resume. */
static void
grv_failed(struct br_gdb *g)
{
	struct gsess	*s = g->ctl;

	g->rv.phase = GRV_IDLE;
	grv_unplant_now(g);
	if (s == NULL || gs_gone(s) || !s->waiting_stop)
		return;
	gs_resume_failed(s);
}

/* Resume as asked: the kernel is not at the compiled break. */
static void
grv_plain(struct br_gdb *g)
{
	struct grv	*rv = &g->rv;

	rv->phase = GRV_IDLE;
	br_cache_invalidate(g->br->cache, BR_CE_RESUME);
	if (br_target_resume(g->br->target, rv->cmd, strlen(rv->cmd)) != 0)
		grv_failed(g);
}

/* The kernel sits at the compiled break: resume right after it. */
static void
grv_off(struct br_gdb *g)
{
	struct grv	*rv = &g->rv;
	char		 req[32];

	rv->fixed++;
	rv->phase = rv->planted ? GRV_RUN : GRV_IDLE;
	snprintf(req, sizeof req, "c%" PRIx64, rv->kcb - 2);
	log_info("gdb: resuming after kgdb's 2-byte compiled break at "
	    "%" PRIx64 " (%s%s)", rv->kcb, req, rv->step ? ", a step" : "");
	br_cache_invalidate(g->br->cache, BR_CE_RESUME);
	if (br_target_resume(g->br->target, req, strlen(req)) != 0)
		grv_failed(g);
}

/* True if the resume was given up: a stop reached gdb meanwhile. */
static bool
grv_cancelled(struct br_gdb *g)
{
	if (!g->rv.cancel)
		return (false);
	g->rv.phase = GRV_IDLE;
	grv_unplant_now(g);
	return (true);
}

static void
grv_planted(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gs_own_gdb(arg);

	if (g == NULL || g->rv.phase != GRV_PLANT)
		return;
	if (err == NULL && is_exactly(payload, len, "OK"))
		g->rv.planted = true;
	if (grv_cancelled(g))
		return;
	if (!g->rv.planted) {
		/* Without it the step would run on as a continue. */
		log_warn("gdb: kgdb refused the breakpoint after its compiled "
		    "break (%.*s): the step is not sent", err != NULL ? 0 :
		    (int)len, err != NULL ? "" : payload);
		grv_failed(g);
		return;
	}
	grv_off(g);
}

static void
grv_insn(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gs_own_gdb(arg);
	struct grv	*rv;
	char		 req[48];

	if (g == NULL || g->rv.phase != GRV_PROBE || grv_cancelled(g))
		return;
	rv = &g->rv;
	if (err != NULL || !is_exactly(payload, len, GRV_CEBREAK)) {
		/* A 4-byte ebreak: kgdb's own 4 is right. */
		grv_plain(g);
		return;
	}
	if (!rv->step || gs_bp_at(g, rv->kcb + 2)) {
		grv_off(g);	/* gdb's own breakpoint there ends a step */
		return;
	}
	rv->phase = GRV_PLANT;
	grv_bp_req(rv, 'Z', req, sizeof req);
	if (grv_request(g, req, grv_planted) != 0)
		grv_failed(g);
}

static void
grv_pc(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gs_own_gdb(arg);
	uint64_t	 pc;
	char		 req[48];

	if (g == NULL || g->rv.phase != GRV_PROBE || grv_cancelled(g))
		return;
	if (err != NULL || rsp_reg_le(payload, len, 8, &pc) != RSP_OK ||
	    pc != g->rv.kcb) {
		grv_plain(g);
		return;
	}
	/* The instruction the kernel has there, not the file's. */
	snprintf(req, sizeof req, "m%" PRIx64 ",2", g->rv.kcb);
	if (grv_request(g, req, grv_insn) != 0)
		grv_plain(g);
}

static void
grv_hg(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb		*g = gs_own_gdb(arg);
	const struct rsp_arch	*a;
	char			 req[16];

	if (g == NULL || g->rv.phase != GRV_PROBE || grv_cancelled(g))
		return;
	if (err != NULL || !is_exactly(payload, len, "OK")) {
		grv_plain(g);
		return;
	}
	a = g->br->arch;
	snprintf(req, sizeof req, "p%x", (unsigned)a->regs[a->pc].regnum);
	if (grv_request(g, req, grv_pc) != 0)
		grv_plain(g);
}

static void
grv_flagged(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gs_own_gdb(arg);
	uint64_t	 v;

	if (g == NULL || g->rv.phase != GRV_PROBE || grv_cancelled(g))
		return;
	/* Zero, unreadable or an error: not inside kgdb_breakpoint(). */
	if (err != NULL || len != 8 || rsp_hex_u64(payload, len, &v) !=
	    (int)len || v == 0) {
		grv_plain(g);
		return;
	}
	/* kgdb's Hg moves; the cache must name gdb's thread again. */
	br_cache_invalidate(g->br->cache, BR_CE_THREAD);
	if (grv_request(g, "Hg0", grv_hg) != 0)
		grv_plain(g);
}

/*
 * A resume for gdb or another client (gs_target_resume). Returns 1 if it
 * is not one this file handles, 0 once taken (a failure later goes to gdb
 * as for a refused resume), -1 if nothing could be sent.
 */
int
grv_resume(struct br_gdb *g, const char *payload, size_t len)
{
	struct grv	*rv = &g->rv;
	char		 req[48];

	if (!rv->on || rv->phase != GRV_IDLE || len != 1 ||
	    (payload[0] != 'c' && payload[0] != 's'))
		return (1);
	grv_unplant_now(g);		/* never, but never left behind */
	rv->cmd[0] = payload[0];
	rv->cmd[1] = '\0';
	rv->step = payload[0] == 's' || rv->virt_z;
	rv->cancel = false;
	rv->phase = GRV_PROBE;
	snprintf(req, sizeof req, "m%" PRIx64 ",4", rv->flag);
	if (grv_request(g, req, grv_flagged) != 0) {
		rv->phase = GRV_IDLE;
		return (br_target_resume(g->br->target, payload, len));
	}
	return (0);
}

/*
 * gdb's breakpoint at address 0 (its decoding of c.ebreak as a jump to
 * x0): answered here, and it makes the next resume a step if the kernel
 * turns out to sit at the compiled break. Returns true if answered.
 */
bool
grv_breakpoint(struct gsess *s, const char *p, size_t len)
{
	struct grv	*rv = &s->g->rv;

	if (!rv->on || !(is_exactly(p, len, "Z0,0,2") ||
	    is_exactly(p, len, "Z0,0,4") || is_exactly(p, len, "z0,0,2") ||
	    is_exactly(p, len, "z0,0,4")))
		return (false);
	rv->virt_z = p[0] == 'Z';
	log_debug("gdb: %.*s answered here (gdb's step off c.ebreak)",
	    (int)len, p);
	gs_replys(s, "OK");
	return (true);
}

static void
grv_unplanted(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gs_own_gdb(arg);

	if (g == NULL || g->rv.phase != GRV_UNPLANT)
		return;
	if (err != NULL || !is_exactly(payload, len, "OK"))
		log_warn("gdb: could not lift the breakpoint after kgdb's "
		    "compiled break (%s)", err != NULL ? err : "refused");
	g->rv.phase = GRV_IDLE;
	br_cache_invalidate(g->br->cache, BR_CE_WRITE);
	g->rv.deliver(g, g->rv.stop, g->rv.stoplen);
}

/*
 * A stop. Before the resume went out it cancels it; after a step it
 * lifts the bridge's breakpoint first. Returns true if it holds the stop.
 */
bool
grv_stopped(struct br_gdb *g, const char *payload, size_t len)
{
	struct grv	*rv = &g->rv;
	char		 req[48];

	if (rv->phase == GRV_PROBE || rv->phase == GRV_PLANT) {
		rv->cancel = true;	/* a ^C gave gdb the stop it has */
		return (false);
	}
	if (rv->phase != GRV_RUN)
		return (false);
	rv->phase = GRV_IDLE;
	rv->step = false;
	if (!rv->planted)
		return (false);
	if (len > sizeof rv->stop) {
		grv_unplant_now(g);
		return (false);
	}
	memcpy(rv->stop, payload, len);
	rv->stoplen = len;
	rv->planted = false;
	rv->phase = GRV_UNPLANT;
	grv_bp_req(rv, 'z', req, sizeof req);
	if (grv_request(g, req, grv_unplanted) != 0) {
		rv->phase = GRV_IDLE;
		return (false);
	}
	return (true);
}
