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
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/bridge.h"
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

/*
 * gdb's Z0 or Z1: refused here (true, the reply sent) if its address is
 * inside one of the functions above.
 */
bool
gbpg_breakpoint(struct gsess *s, const char *p, size_t len)
{
	const struct gbpg	*bg = &s->g->bpg;
	uint64_t		 addr;
	size_t			 i, n;
	int			 used;
	char			 buf[256];

	if (bg->n == 0 || len < 4 || p[0] != 'Z' || (p[1] != '0' &&
	    p[1] != '1') || p[2] != ',')
		return (false);
	n = len - 3;
	used = rsp_hex_u64(p + 3, n, &addr);
	if (used <= 0 || (size_t)used >= n || p[3 + used] != ',')
		return (false);	/* malformed: kgdb answers it */
	for (i = 0; i < bg->n; i++) {
		if (addr < bg->fn[i].start || addr >= bg->fn[i].end)
			continue;
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
		return (true);
	}
	return (false);
}
