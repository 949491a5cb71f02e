/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/gdb_bpguard.c: breakpoints that would hang the kernel, refused.
 *
 * kgdb's breakpoint trap reaches kgdb_handle_exception(), which calls a
 * few functions before kgdb_cpu_enter() lifts the planted breakpoints:
 * memset() above all (it clears its struct kgdb_state; an out-of-line
 * call on arm64, arm and riscv64 builds of 6.1 and 6.12), then
 * kgdb_arch_pc(), kgdb_skipexception() and dbg_deactivate_sw_breakpoints()
 * themselves. A breakpoint in any of them traps again inside that path,
 * and again: seen on the riscv64 lab, both CPUs then spin in
 * vkdb_printf() and neither gdb nor a BREAK reaches the kernel until it
 * is reset. gdb plants such a breakpoint without being asked on every
 * architecture where it steps in software (riscv64, arm): a `next` over a
 * call to memset() first plants one at memset's entry.
 *
 * With a vmlinux, a Z0 or Z1 inside one of these functions is answered
 * with an error that says why (the kernel is not asked); gdb then says
 * "Cannot insert breakpoint", and the engineer can `finish`, `until` or
 * break on the next line instead. Without a vmlinux nothing is refused.
 * gdb's own step breakpoint at such an entry, for a direct call the
 * stopped thread is about to make, is moved after the call instead
 * (gbpg_call_site), so stepping over a call to memset works.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/bridge.h"
#include "bridge/cache_peek.h"
#include "bridge/gdb_int.h"

/* What kgdb_handle_exception() runs with the breakpoints still in. */
static const char *const bpg_names[] = {
	"memset",
	"__memset",
	"__pi___memset",
	"kgdb_handle_exception",
	"kgdb_arch_pc",
	"kgdb_skipexception",
	"dbg_deactivate_sw_breakpoints",
};

void
gbpg_init(struct br_gdb *g)
{
	struct br_vmlinux	*v = g->br->vmlinux;
	struct gbpg		*bg = &g->bpg;
	uint64_t		 addr, size;
	size_t			 i;

	memset(bg, 0, sizeof *bg);
	if (v == NULL)
		return;
	for (i = 0; i < nitems(bpg_names) && bg->n < GDB_BPG_MAX; i++) {
		if (!br_vmlinux_function(v, bpg_names[i], &addr, &size) ||
		    addr + size < addr)
			continue;
		bg->fn[bg->n].name = bpg_names[i];
		bg->fn[bg->n].start = addr;
		bg->fn[bg->n].end = addr + size;
		bg->n++;
	}
}

static bool
gbpg_call_reg(struct br_gdb *g, const uint8_t *at, uint64_t *target,
    unsigned *len)
{
	const struct rsp_arch	*a = g->br->arch;
	uint64_t		 v;
	int64_t			 off;
	unsigned		 regnum;
	int			 idx;

	/* A call through a register: its value at this stop, as gdb's own
	 * step works the target out. at holds 4 bytes (the last 2 may be
	 * zeros standing in for a compressed instruction's neighbour). */
	if (rsp_call_indirect(a->id, at, 4, &regnum, &off, len) != RSP_OK ||
	    (idx = rsp_arch_reg_by_num(a, regnum)) < 0 ||
	    !br_cache_gdb_reg(g->br->cache, idx, &v))
		return (false);
	*target = v + (uint64_t)off;	/* arm: off is 0, v 32 bits */
	return (true);
}

/*
 * gdb steps in software on arm and riscv64: to step a call, it plants a
 * breakpoint at the function the call goes to. When that is one of the
 * functions above, the bridge plants it at the call's return address
 * instead, so the call runs whole and the kernel stops right after it;
 * gdb, whose step breakpoint the stop is not at, takes the stop as the end
 * of its step (a `stepi` over the call becomes a `nexti`, a `step` or
 * `next` goes on through the line). Only when this stop's registers and
 * code say so: gdb's thread's pc is a call to exactly that entry:
 * direct (arm BL; riscv64 JAL ra, or AUIPC and JALR ra), or through a
 * register that holds it (arm BLX Rm; riscv64 C.JALR, JALR ra). Sets
 * *ret.
 */
static bool
gbpg_call_site(struct br_gdb *g, uint64_t entry, uint64_t *ret)
{
	const struct rsp_arch	*a = g->br->arch;
	struct br_cache		*c = g->br->cache;
	uint64_t		 pc, cpsr, target;
	uint8_t			 code[8];
	unsigned		 len;
	int			 t;

	if (a == NULL || (a->id != RSP_ARCH_ARM && a->id != RSP_ARCH_RISCV64))
		return (false);
	if (!br_cache_gdb_reg(c, a->pc, &pc) || pc < 4)
		return (false);
	if (a->id == RSP_ARCH_ARM && ((t = rsp_arch_reg_by_name(a,
	    "cpsr")) < 0 || !br_cache_gdb_reg(c, t, &cpsr) ||
	    (cpsr & 0x20) != 0))
		return (false);		/* Thumb: not decoded */
	/*
	 * The word before the call matters only for riscv64's AUIPC. When
	 * this stop read no further back than pc (the start of a region
	 * gdb read, a function's first instruction), a zero word stands in
	 * for it: no AUIPC, so only a one-instruction call decodes.
	 */
	if (!br_cache_peek(c, pc - 4, code, sizeof code)) {
		memset(code, 0, sizeof code);
		if (!br_cache_peek(c, pc, code + 4, 4) &&
		    (a->id != RSP_ARCH_RISCV64 ||
		    !br_cache_peek(c, pc, code + 4, 2) ||
		    (code[4] & 3) == 3))
			return (false);	/* two bytes do for C.JALR only */
	}
	if (rsp_call_target(a->id, pc, code, sizeof code, &target,
	    &len) != RSP_OK && !gbpg_call_reg(g, code + 4, &target, &len))
		return (false);
	if (target != entry)
		return (false);
	*ret = pc + len;
	return (true);
}

/* The moved breakpoint kgdb holds at to, or -1. */
static int
gbpg_moved_to(const struct gbpg *bg, uint64_t to)
{
	size_t	i;

	for (i = 0; i < bg->nmoved; i++)
		if (bg->moved[i].to == to)
			return ((int)i);
	return (-1);
}

/*
 * gdb lifts a breakpoint the bridge moved: lift it where it is, unless
 * gdb's own breakpoint there keeps it in (shared). gdb lifting its own
 * breakpoint at a moved one's address leaves that one in.
 */
static enum gbpg_verdict
gbpg_lift(struct gsess *s, uint64_t addr, const char *rest, size_t restlen,
    char *out, size_t outlen, size_t *outlen_out)
{
	struct gbpg	*bg = &s->g->bpg;
	const char	*semi;
	size_t		 i;
	int		 n;

	if ((n = gbpg_moved_to(bg, addr)) >= 0 && bg->moved[n].shared) {
		bg->moved[n].shared = false;
		gs_replys(s, "OK");
		return (GBPG_ANSWERED);
	}

	/* Only ",kind": conditions after a ';' are not the lift's. */
	if ((semi = memchr(rest, ';', restlen)) != NULL)
		restlen = (size_t)(semi - rest);
	for (i = 0; i < bg->nmoved; i++) {
		if (bg->moved[i].from != addr)
			continue;
		if (bg->moved[i].shared) {
			bg->moved[i] = bg->moved[--bg->nmoved];
			gs_replys(s, "OK");
			return (GBPG_ANSWERED);
		}
		n = snprintf(out, outlen, "z0,%" PRIx64 "%.*s",
		    bg->moved[i].to, (int)restlen, rest);
		if (n < 0 || (size_t)n >= outlen)
			return (GBPG_PASS);
		*outlen_out = (size_t)n;
		bg->moved[i] = bg->moved[--bg->nmoved];
		return (GBPG_MOVED);
	}
	return (GBPG_PASS);
}

/*
 * gdb's step breakpoint at the entry addr of function i (rest: its
 * ",kind"), planted after the call instead when gbpg_call_site finds one:
 * GBPG_MOVED (the packet in out) or GBPG_ANSWERED (already in, or gdb's
 * own breakpoint at the return address serves it); GBPG_PASS if it cannot
 * be moved, and is refused.
 */
static enum gbpg_verdict
gbpg_move(struct gsess *s, size_t i, uint64_t addr, const char *rest,
    size_t restlen, char *out, size_t outlen, size_t *outlen_out)
{
	struct gbpg	*bg = &s->g->bpg;
	uint64_t	 ret;
	bool		 shared;
	int		 m, k;

	if (bg->nmoved >= nitems(bg->moved) ||
	    !gbpg_call_site(s->g, addr, &ret))
		return (GBPG_PASS);
	if ((m = gbpg_moved_to(bg, ret)) >= 0 && bg->moved[m].from == addr) {
		gs_replys(s, "OK");	/* in already */
		return (GBPG_ANSWERED);
	}
	/* gdb's own breakpoint there already serves. */
	shared = m < 0 && gs_bp_at(s->g, ret);
	k = snprintf(out, outlen, "Z0,%" PRIx64 "%.*s", ret, (int)restlen,
	    rest);
	if (k <= 0 || (size_t)k >= outlen)
		return (GBPG_PASS);
	bg->moved[bg->nmoved].from = addr;
	bg->moved[bg->nmoved].to = ret;
	bg->moved[bg->nmoved].shared = shared;
	bg->nmoved++;
	bg->nmoves++;
	log_info("gdb: the step breakpoint at %s (%" PRIx64 ") planted after "
	    "the call instead, at %" PRIx64 ": kgdb cannot take one in %s",
	    bg->fn[i].name, addr, ret, bg->fn[i].name);
	if (shared) {
		gs_replys(s, "OK");
		return (GBPG_ANSWERED);
	}
	*outlen_out = (size_t)k;
	return (GBPG_MOVED);
}

/*
 * gdb's Z0/Z1 inside one of the functions above: refused (GBPG_ANSWERED,
 * the reply sent), or for a step over a call to one, moved to the return
 * address (GBPG_MOVED, the packet to send in out). A z0 of a moved one is
 * moved the same way. Anything else: GBPG_PASS.
 */
enum gbpg_verdict
gbpg_breakpoint(struct gsess *s, const char *p, size_t len, char *out,
    size_t outlen, size_t *outlen_out)
{
	struct gbpg		*bg = &s->g->bpg;
	const char		*rest;
	uint64_t		 addr;
	size_t			 i, n, restlen;
	int			 used, m;
	enum gbpg_verdict	 v;
	char			 buf[256];

	if (bg->n == 0 || len < 4 || (p[0] != 'Z' && p[0] != 'z') ||
	    (p[1] != '0' && p[1] != '1') || p[2] != ',')
		return (GBPG_PASS);
	n = len - 3;
	used = rsp_hex_u64(p + 3, n, &addr);
	if (used <= 0 || (size_t)used >= n || p[3 + used] != ',')
		return (GBPG_PASS);	/* malformed: kgdb answers it */
	rest = p + 3 + used;
	restlen = n - (size_t)used;
	if (p[0] == 'z')
		return (p[1] == '0' ? gbpg_lift(s, addr, rest, restlen, out,
		    outlen, outlen_out) : GBPG_PASS);
	/* kgdb takes one breakpoint an address: a moved one serves both. */
	if (p[1] == '0' && (m = gbpg_moved_to(bg, addr)) >= 0 &&
	    !bg->moved[m].shared) {
		bg->moved[m].shared = true;
		gs_replys(s, "OK");
		return (GBPG_ANSWERED);
	}
	for (i = 0; i < bg->n; i++) {
		if (addr < bg->fn[i].start || addr >= bg->fn[i].end)
			continue;
		if (p[1] == '0' && addr == bg->fn[i].start &&
		    (v = gbpg_move(s, i, addr, rest, restlen, out, outlen,
		    outlen_out)) != GBPG_PASS)
			return (v);
		log_warn("gdb: breakpoint at %" PRIx64 " (%s+%" PRIu64 ") "
		    "refused: kgdb's own breakpoint handling runs it",
		    addr, bg->fn[i].name, addr - bg->fn[i].start);
		if (s->g->br->console != NULL)
			br_notice(s->g->br, "a breakpoint in %s was refused: "
			    "kgdb calls it while handling a breakpoint, and "
			    "the kernel would hang", bg->fn[i].name);
		snprintf(buf, sizeof buf, "E.kgdb-bridge: no breakpoint in "
		    "%s: kgdb calls it while it handles a breakpoint, which "
		    "would hang the kernel; finish or break further on",
		    bg->fn[i].name);
		gs_replys(s, buf);
		return (GBPG_ANSWERED);
	}
	return (GBPG_PASS);
}
