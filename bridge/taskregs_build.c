/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/taskregs_build.c: taskregs.c's pure steps (issue 16). Where the
 * words a sleeping task's 'g' is made of lie in its task_struct, and the
 * walk's offsets, from the vmlinux's DWARF; the 'g' kgdb's
 * sleeping_thread_to_gdb_regs builds from those words; where two 'g'
 * texts differ; which tasks the CPUs in kgdb run (kgdb_info[]).
 *
 * Layer 0: no I/O; taskregs.c does the reading and answering.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bridge/bridge.h"
#include "bridge/taskregs.h"
#include "common/elf.h"

#define TR_FIELD_MAX	32768	/* offsets inside task_struct */

/* The saved words per architecture, as kgdb's sleeping_thread_to_gdb_regs
 * copies them: register, task_struct member, array index (-1: none). */
struct tr_src {
	const char	*reg, *member;
	int		 index;
};

static const struct tr_src tr_arm64[] = {
	{ "x19", "thread.cpu_context.x19", -1 },
	{ "x20", "thread.cpu_context.x20", -1 },
	{ "x21", "thread.cpu_context.x21", -1 },
	{ "x22", "thread.cpu_context.x22", -1 },
	{ "x23", "thread.cpu_context.x23", -1 },
	{ "x24", "thread.cpu_context.x24", -1 },
	{ "x25", "thread.cpu_context.x25", -1 },
	{ "x26", "thread.cpu_context.x26", -1 },
	{ "x27", "thread.cpu_context.x27", -1 },
	{ "x28", "thread.cpu_context.x28", -1 },
	{ "x29", "thread.cpu_context.fp", -1 },
	{ "sp", "thread.cpu_context.sp", -1 },
	{ "pc", "thread.cpu_context.pc", -1 },
};

static const struct tr_src tr_riscv64[] = {
	{ "sp", "thread.sp", -1 },
	{ "fp", "thread.s", 0 },
	{ "s1", "thread.s", 1 },
	{ "s2", "thread.s", 2 },
	{ "s3", "thread.s", 3 },
	{ "s4", "thread.s", 4 },
	{ "s5", "thread.s", 5 },
	{ "s6", "thread.s", 6 },
	{ "s7", "thread.s", 7 },
	{ "s8", "thread.s", 8 },
	{ "s9", "thread.s", 9 },
	{ "s10", "thread.s", 10 },
	{ "s11", "thread.s", 11 },
	{ "pc", "thread.ra", -1 },
};

/* arm64's kgdb 'g' of a CPU's task (arch/arm64/kernel/kgdb.c, dbg_reg_def):
 * x0-x30 from pt_regs.regs[], sp, pc, and the low half of pstate as cpsr;
 * v0-v31, fpsr and fpcr have no offset there, so kgdb sends zeros. */
static const struct tr_src tr_arm64_cpu[] = {
	{ "x0", "regs", 0 }, { "x1", "regs", 1 }, { "x2", "regs", 2 },
	{ "x3", "regs", 3 }, { "x4", "regs", 4 }, { "x5", "regs", 5 },
	{ "x6", "regs", 6 }, { "x7", "regs", 7 }, { "x8", "regs", 8 },
	{ "x9", "regs", 9 }, { "x10", "regs", 10 }, { "x11", "regs", 11 },
	{ "x12", "regs", 12 }, { "x13", "regs", 13 }, { "x14", "regs", 14 },
	{ "x15", "regs", 15 }, { "x16", "regs", 16 }, { "x17", "regs", 17 },
	{ "x18", "regs", 18 }, { "x19", "regs", 19 }, { "x20", "regs", 20 },
	{ "x21", "regs", 21 }, { "x22", "regs", 22 }, { "x23", "regs", 23 },
	{ "x24", "regs", 24 }, { "x25", "regs", 25 }, { "x26", "regs", 26 },
	{ "x27", "regs", 27 }, { "x28", "regs", 28 }, { "x29", "regs", 29 },
	{ "x30", "regs", 30 },
	{ "sp", "sp", -1 },
	{ "pc", "pc", -1 },
	{ "cpsr", "pstate", -1 },
};

/* ---- the layout */

static int
tr_member(struct cm_dwarf *d, const char *sname, const char *path,
    uint64_t size, uint64_t *off, char *err)
{
	struct cm_dwarf_member	m;
	char			derr[CM_DWARF_ERRLEN];

	if (cm_dwarf_member(d, sname, path, &m, derr) != 0) {
		br_seterr(err, "%s", derr);
		return (-1);
	}
	if (m.bit_size != 0 || (size != 0 && m.size != size) ||
	    m.offset > TR_FIELD_MAX) {
		br_seterr(err, "struct %s: %s is not %" PRIu64 " bytes where "
		    "the bridge can read it", sname, path, size);
		return (-1);
	}
	*off = m.offset;
	return (0);
}

/*
 * The places of n words of struct sname (each 8 bytes: a member, or an
 * element of an array member) into slot[], and the span they lie in.
 * A register may be narrower than its word (arm64's cpsr: pstate's low
 * half); none may be wider.
 */
static int
tr_place(struct cm_dwarf *d, const struct rsp_arch *a, const char *sname,
    const struct tr_src *src, size_t n, struct br_tr_slot *slot,
    uint64_t *lo_out, uint64_t *len_out, char *err)
{
	struct cm_dwarf_member	 m;
	char			 derr[CM_DWARF_ERRLEN];
	uint64_t		 off, lo = UINT64_MAX, hi = 0;
	size_t			 i;
	int			 reg;

	for (i = 0; i < n; i++) {
		if ((reg = rsp_arch_reg_by_name(a, src[i].reg)) < 0 ||
		    a->regs[reg].size > 8 || a->regs[reg].offset < 0) {
			br_seterr(err, "no register %s of 8 bytes or less",
			    src[i].reg);
			return (-1);
		}
		if (cm_dwarf_member(d, sname, src[i].member, &m, derr) != 0) {
			br_seterr(err, "%s", derr);
			return (-1);
		}
		off = m.offset + (src[i].index > 0 ? 8 * (uint64_t)src[i].index :
		    0);
		if (m.bit_size != 0 || (src[i].index < 0 && m.size != 8) ||
		    (src[i].index >= 0 && 8 * (uint64_t)src[i].index + 8 >
		    m.size) || off > TR_FIELD_MAX) {
			br_seterr(err, "struct %s: %s is no 8-byte word",
			    sname, src[i].member);
			return (-1);
		}
		slot[i].reg = reg;
		slot[i].off = off;
		lo = off < lo ? off : lo;
		hi = off + 8 > hi ? off + 8 : hi;
	}
	*lo_out = lo;
	*len_out = hi - lo;
	if (*len_out > BR_TR_SAVED_MAX) {
		br_seterr(err, "the words of struct %s span %" PRIu64
		    " bytes", sname, *len_out);
		return (-1);
	}
	return (0);
}

/* The saved words' places, per the architecture's table. */
static int
tr_slots(struct cm_dwarf *d, const struct rsp_arch *a, struct br_tr_layout *l,
    char *err)
{
	const struct tr_src	*src;
	size_t			 n;

	if (a->id == RSP_ARCH_ARM64) {
		src = tr_arm64;
		n = nitems(tr_arm64);
	} else if (a->id == RSP_ARCH_RISCV64) {
		src = tr_riscv64;
		n = nitems(tr_riscv64);
	} else {
		br_seterr(err, "kgdb's sleeping-task registers are not built "
		    "on %s", a->name);
		return (-1);
	}
	if (tr_place(d, a, "task_struct", src, n, l->slot, &l->saved_lo,
	    &l->saved_len, err) != 0)
		return (-1);
	l->nslots = n;
	return (0);
}

/*
 * arm64: where a CPU's 'g' comes from (struct pt_regs) and which CPU is
 * kgdb's master (kgdb_active). Missing: kgdb answers those threads, and
 * cpu_why says why; the sleeping tasks' builds do not depend on it.
 */
static void
tr_cpu_slots(struct cm_dwarf *d, const struct rsp_arch *a,
    struct br_tr_layout *l)
{
	struct cm_dwarf_var	v;
	char			derr[CM_DWARF_ERRLEN];

	l->cpu_ok = false;
	if (a->id != RSP_ARCH_ARM64) {
		br_seterr(l->cpu_why, "a CPU's registers are built on arm64 "
		    "only");
		return;
	}
	if (tr_place(d, a, "pt_regs", tr_arm64_cpu, nitems(tr_arm64_cpu),
	    l->cslot, &l->cregs_lo, &l->cregs_len, l->cpu_why) != 0)
		return;
	l->ncslots = nitems(tr_arm64_cpu);
	if (cm_dwarf_var(d, "kgdb_active", &v, derr) != 0) {
		br_seterr(l->cpu_why, "%s", derr);
		return;
	}
	if (v.size != 4) {
		br_seterr(l->cpu_why, "kgdb_active is not 4 bytes");
		return;
	}
	l->active_addr = v.addr;
	l->cpu_why[0] = '\0';
	l->cpu_ok = true;
}

/* kgdb_info[], its entries' task and debuggerinfo, and nr_cpu_ids. */
static int
tr_kgdb_info(struct cm_dwarf *d, struct br_tr_layout *l, char *err)
{
	struct cm_dwarf_var	v;
	char			derr[CM_DWARF_ERRLEN];

	if (cm_dwarf_var(d, "kgdb_info", &v, derr) != 0) {
		br_seterr(err, "%s", derr);
		return (-1);
	}
	l->info_addr = v.addr;
	if (cm_dwarf_struct_size(d, "debuggerinfo_struct", &l->info_size,
	    derr) != 0) {
		br_seterr(err, "%s", derr);
		return (-1);
	}
	if (l->info_size == 0 || l->info_size > 256 || v.size == 0 ||
	    v.size % l->info_size != 0) {
		br_seterr(err, "kgdb_info is no array of struct "
		    "debuggerinfo_struct");
		return (-1);
	}
	l->info_count = (size_t)(v.size / l->info_size);
	if (tr_member(d, "debuggerinfo_struct", "task", 8, &l->info_task,
	    err) != 0 || tr_member(d, "debuggerinfo_struct", "debuggerinfo", 8,
	    &l->info_dbg, err) != 0)
		return (-1);
	if (l->info_task + 8 > l->info_size || l->info_dbg + 8 > l->info_size) {
		br_seterr(err, "struct debuggerinfo_struct: task or "
		    "debuggerinfo outside it");
		return (-1);
	}
	/* A kernel without SMP has no nr_cpu_ids: one CPU. */
	if (cm_dwarf_var(d, "nr_cpu_ids", &v, derr) == 0 && v.size == 4)
		l->nr_cpu_ids = v.addr;
	else
		l->nr_cpu_ids = 0;
	return (0);
}

int
br_taskregs_layout(struct cm_dwarf *d, const struct rsp_arch *a,
    struct br_tr_layout *l, char *err)
{
	struct cm_dwarf_var	v;
	uint64_t		off;
	char			derr[CM_DWARF_ERRLEN];

	memset(l, 0, sizeof *l);
	if (cm_dwarf_bits(d) != 64 || cm_dwarf_big_endian(d)) {
		br_seterr(err, "not a 64-bit little-endian kernel");
		return (-1);
	}
	l->tl.wsize = 8;
	if (cm_dwarf_var(d, "init_task", &v, derr) != 0) {
		br_seterr(err, "%s", derr);
		return (-1);
	}
	l->tl.init_task = v.addr;
	if (tr_member(d, "task_struct", "tasks", 16, &l->tl.tasks_off,
	    err) != 0 || tr_member(d, "task_struct", "pid", 4, &l->pid_off,
	    err) != 0)
		return (-1);
	/* Threads of a group: where the kernel keeps them on a list. */
	l->tl.groups = tr_member(d, "task_struct", "thread_node", 16,
	    &l->tl.thread_node_off, derr) == 0 && tr_member(d, "task_struct",
	    "signal", 8, &l->tl.signal_off, derr) == 0 &&
	    tr_member(d, "signal_struct", "thread_head", 16, &off,
	    derr) == 0;
	if (l->tl.groups)
		l->tl.thread_head_off = off;
	else
		log_info("taskregs: no thread groups in the walk (%s)", derr);
	if (tr_kgdb_info(d, l, err) != 0 || tr_slots(d, a, l, err) != 0)
		return (-1);
	tr_cpu_slots(d, a, l);
	return (0);
}

/* ---- the answer (pure) */

/* A whole 'g' text, zero but for the slots' registers, each the low
 * bytes of its word in words (span len, from lo), little-endian. */
static int
tr_fill(const struct rsp_arch *a, const struct br_tr_slot *slot, size_t n,
    uint64_t lo, const uint8_t *words, size_t len, char *out, size_t outmax)
{
	static const char	 hex[] = "0123456789abcdef";
	const struct rsp_reg	*r;
	size_t			 i, k, at, glen = 2 * (size_t)a->numregbytes;
	uint64_t		 v;

	if (glen > outmax)
		return (-1);
	memset(out, '0', glen);
	for (i = 0; i < n; i++) {
		r = &a->regs[slot[i].reg];
		if (r->offset < 0 || 2 * ((size_t)r->offset + r->size) > glen ||
		    slot[i].off < lo || slot[i].off - lo + 8 > len)
			return (-1);
		v = cm_le(words + (slot[i].off - lo), 8);
		at = 2 * (size_t)r->offset;
		for (k = 0; k < r->size && k < 8; k++, v >>= 8) {
			out[at + 2 * k] = hex[(v >> 4) & 0xf];
			out[at + 2 * k + 1] = hex[v & 0xf];
		}
	}
	return ((int)glen);
}

int
br_taskregs_build(const struct rsp_arch *a, const struct br_tr_layout *l,
    const uint8_t *saved, size_t len, char *out, size_t outmax)
{
	if (len != l->saved_len)
		return (-1);
	return (tr_fill(a, l->slot, l->nslots, l->saved_lo, saved, len, out,
	    outmax));
}

int
br_taskregs_build_cpu(const struct rsp_arch *a, const struct br_tr_layout *l,
    const uint8_t *regs, size_t len, char *out, size_t outmax)
{
	if (!l->cpu_ok || len != l->cregs_len)
		return (-1);
	return (tr_fill(a, l->cslot, l->ncslots, l->cregs_lo, regs, len, out,
	    outmax));
}

const char *
br_taskregs_differ(const struct rsp_arch *a, const char *g1, size_t len1,
    const char *g2, size_t len2)
{
	const struct rsp_reg	*r;
	size_t			 i, at, n;
	int			 j;

	if (len1 != len2)
		return ("length");
	for (j = 0; j < (int)a->nregs; j++) {
		r = &a->regs[j];
		if (r->offset < 0)
			continue;
		at = 2 * (size_t)r->offset;
		n = 2 * (size_t)r->size;
		if (at + n > len1)
			continue;
		for (i = at; i < at + n; i++)
			if ((g1[i] | 0x20) != (g2[i] | 0x20))
				return (r->name);
	}
	for (i = 0; i < len1; i++)	/* bytes no register covers */
		if ((g1[i] | 0x20) != (g2[i] | 0x20))
			return ("padding");
	return (NULL);
}

size_t
br_taskregs_cpus(const struct br_tr_layout *l, const uint8_t *info,
    size_t first, size_t count, struct br_tr_cpu *cpus, size_t max)
{
	const uint8_t	*e;
	size_t		 i, n = 0;
	uint64_t	 task, regs;

	for (i = 0; i < count && n < max; i++) {
		e = info + i * l->info_size;
		task = cm_le(e + l->info_task, 8);
		regs = cm_le(e + l->info_dbg, 8);
		/* kgdb forwards to pt_regs only with debuggerinfo set */
		if (task != 0 && regs != 0) {
			cpus[n].cpu = first + i;
			cpus[n].task = task;
			cpus[n].regs = regs;
			n++;
		}
	}
	return (n);
}
