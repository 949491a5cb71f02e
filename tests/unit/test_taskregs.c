/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_taskregs.c: a sleeping task's 'g' as kgdb builds it
 * (bridge/taskregs.c), and the task list walk it finds tasks with
 * (common/tasklist.c), over fake kernel memory: sound lists, thread
 * groups, and hostile ones (loops, broken prev links, unaligned or
 * user-half pointers, lists longer than the cap) that must end cleanly
 * with the reason. The layout comes from the DWARF fixture
 * tests/data/dwarf/taskregs-arm64.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bridge/bridge.h"
#include "bridge/taskregs.h"
#include "common/dwarf.h"
#include "common/elf.h"
#include "common/tasklist.h"
#include "tests/unit/fixdir.h"

static char	fixdir[1024];

/* ---- fake kernel memory: tasks every 0x400 bytes, signal_structs
 * from 0x8000, all at B */

#define B		0xffff000010000000ULL
#define MEMSZ		0x10000
#define TASK(i)		(B + (uint64_t)(i) * 0x400)
#define SIG(i)		(B + 0x8000 + (uint64_t)(i) * 0x40)
/* the fixture's offsets (checked against its DWARF in test_layout) */
#define O_TASKS		0x108
#define O_PID		0x158
#define O_TNODE		0x180
#define O_SIGNAL	0x190
#define O_CTX		0x218
#define O_THEAD		0x8

static uint8_t	mem[MEMSZ];

static void
put64(uint64_t addr, uint64_t v)
{
	int	i;

	assert_true(addr >= B && addr + 8 <= B + MEMSZ);
	for (i = 0; i < 8; i++)
		mem[addr - B + (uint64_t)i] = (uint8_t)(v >> (8 * i));
}

static bool
get(uint64_t addr, uint8_t *buf, size_t len)
{
	if (addr < B || addr + len > B + MEMSZ || addr + len < addr)
		return (false);
	memcpy(buf, mem + (addr - B), len);
	return (true);
}

/* Task i: pid, tasks.next/prev to tasks n and p, alone in its group. */
static void
leader(int i, int pid, int n, int p)
{
	put64(TASK(i) + O_TASKS, TASK(n) + O_TASKS);
	put64(TASK(i) + O_TASKS + 8, TASK(p) + O_TASKS);
	mem[TASK(i) + O_PID - B] = (uint8_t)pid;
	mem[TASK(i) + O_PID + 1 - B] = (uint8_t)(pid >> 8);
	put64(TASK(i) + O_SIGNAL, SIG(i));
	put64(TASK(i) + O_TNODE, SIG(i) + O_THEAD);
	put64(TASK(i) + O_TNODE + 8, SIG(i) + O_THEAD);
	put64(SIG(i) + O_THEAD, TASK(i) + O_TNODE);
	put64(SIG(i) + O_THEAD + 8, TASK(i) + O_TNODE);
}

/* Thread group of leader l: threads t[0..n) after it on thread_head. */
static void
group(int l, const int *t, int n)
{
	uint64_t	head = SIG(l) + O_THEAD;
	uint64_t	node[9];
	int		k, m = n + 2;

	node[0] = head;
	node[1] = TASK(l) + O_TNODE;
	for (k = 0; k < n; k++)
		node[k + 2] = TASK(t[k]) + O_TNODE;
	for (k = 0; k < m; k++) {
		put64(node[k], node[(k + 1) % m]);
		put64(node[k] + 8, node[(k + m - 1) % m]);
	}
	for (k = 0; k < n; k++)
		put64(TASK(t[k]) + O_SIGNAL, SIG(l));
}

static struct cm_tl_layout
lay(void)
{
	struct cm_tl_layout	l;

	memset(&l, 0, sizeof l);
	l.wsize = 8;
	l.init_task = TASK(0);
	l.tasks_off = O_TASKS;
	l.groups = true;
	l.thread_node_off = O_TNODE;
	l.signal_off = O_SIGNAL;
	l.thread_head_off = O_THEAD;
	return (l);
}

/* The whole walk as a caller does it; the number of reads made. */
static size_t
walk(struct cm_tl *w)
{
	struct cm_tl_links	ln;
	enum cm_tl_want		want;
	uint8_t			b[16];
	uint64_t		addr;
	size_t			reads = 0;
	bool			thread;

	while ((want = cm_tl_next(w, &addr, &thread)) != CM_TL_END) {
		assert_true(++reads < 10000);
		if (want == CM_TL_HEAD) {
			if (!get(addr, b, 8)) {
				cm_tl_fail(w, "head cannot be read");
				continue;
			}
			cm_tl_head(w, cm_le(b, 8));
			continue;
		}
		memset(&ln, 0, sizeof ln);
		if (!get(addr + O_TASKS, b, 16)) {
			cm_tl_fail(w, "task cannot be read");
			continue;
		}
		ln.next = cm_le(b, 8);
		ln.prev = cm_le(b + 8, 8);
		assert_true(get(addr + O_PID, b, 4));
		ln.pid = (int32_t)cm_le(b, 4);
		assert_true(get(addr + O_TNODE, b, 16));
		ln.tn_next = cm_le(b, 8);
		ln.tn_prev = cm_le(b + 8, 8);
		assert_true(get(addr + O_SIGNAL, b, 8));
		ln.sig = cm_le(b, 8);
		(void)cm_tl_task(w, &ln);
	}
	assert_true(cm_tl_done(w));
	return (reads);
}

static void
pids(const struct cm_tl *w, const int *want, size_t n)
{
	uint64_t	a;
	int32_t		pid;
	size_t		i;

	assert_int_equal(cm_tl_count(w), n);
	for (i = 0; i < n; i++) {
		assert_true(cm_tl_get(w, i, &a, &pid));
		assert_int_equal(pid, want[i]);
	}
}

/* init_task, a leader with two threads, another leader: the kernel's
 * order (leader, then its threads), every pid findable. */
static void
test_walk_sound(void **state)
{
	struct cm_tl_layout	 l = lay();
	struct cm_tl		*w;
	static const int	 thr[] = { 3, 4 };
	static const int	 want[] = { 0, 10, 11, 12, 20 };
	uint64_t		 a;

	(void)state;
	memset(mem, 0, sizeof mem);
	leader(0, 0, 1, 2);
	leader(1, 10, 2, 0);
	leader(2, 20, 0, 1);
	leader(3, 11, 0, 0);
	leader(4, 12, 0, 0);
	group(1, thr, 2);
	w = cm_tl_new(&l, 100);
	(void)walk(w);
	assert_string_equal(cm_tl_why(w), "");
	pids(w, want, 5);
	assert_true(cm_tl_find_pid(w, 12, &a) && a == TASK(4));
	assert_false(cm_tl_find_pid(w, 13, &a));
	/* again from the start, as at the next stop */
	cm_tl_reset(w);
	assert_int_equal(cm_tl_count(w), 0);
	(void)walk(w);
	pids(w, want, 5);
	cm_tl_free(w);
}

/* Hostile lists end with the reason, never loop. */
static void
test_walk_hostile(void **state)
{
	struct cm_tl_layout	 l = lay();
	struct cm_tl		*w;
	static const int	 thr[] = { 3 };
	int			 i;

	(void)state;
	/* 0 → 1 → 2 → 1: 1's prev is 0, not 2 */
	memset(mem, 0, sizeof mem);
	leader(0, 0, 1, 2);
	leader(1, 10, 2, 0);
	leader(2, 20, 1, 1);
	w = cm_tl_new(&l, 100);
	(void)walk(w);
	assert_true(cm_tl_count(w) == 3);
	assert_non_null(strstr(cm_tl_why(w), "loops back to pid 10"));
	cm_tl_free(w);

	/* a broken prev: 2's prev is 0, not 1 */
	leader(2, 20, 0, 0);
	w = cm_tl_new(&l, 100);
	(void)walk(w);
	assert_int_equal(cm_tl_count(w), 2);
	assert_non_null(strstr(cm_tl_why(w), "its prev is"));
	cm_tl_free(w);

	/* unaligned, and a user-half pointer, as next */
	leader(1, 10, 2, 0);
	put64(TASK(1) + O_TASKS, TASK(2) + O_TASKS + 3);
	w = cm_tl_new(&l, 100);
	(void)walk(w);
	assert_int_equal(cm_tl_count(w), 2);
	assert_non_null(strstr(cm_tl_why(w), "broken after pid 10"));
	cm_tl_free(w);
	put64(TASK(1) + O_TASKS, 0x0000000010000108ULL);
	w = cm_tl_new(&l, 100);
	(void)walk(w);
	assert_int_equal(cm_tl_count(w), 2);
	assert_non_null(strstr(cm_tl_why(w), "broken after pid 10"));
	cm_tl_free(w);

	/* outside memory: the read fails, the walk ends */
	put64(TASK(1) + O_TASKS, TASK(60) + O_TASKS + 0x4000);
	w = cm_tl_new(&l, 100);
	(void)walk(w);
	assert_int_equal(cm_tl_count(w), 2);
	assert_string_equal(cm_tl_why(w), "task cannot be read");
	cm_tl_free(w);

	/* a sound ring of 40 against a cap of 10 */
	memset(mem, 0, sizeof mem);
	for (i = 0; i < 40; i++)
		leader(i, 100 + i, (i + 1) % 40, (i + 39) % 40);
	w = cm_tl_new(&l, 10);
	(void)walk(w);
	assert_int_equal(cm_tl_count(w), 10);
	assert_non_null(strstr(cm_tl_why(w), "more than 10 tasks"));
	cm_tl_free(w);

	/* a thread list that leaves its group and never comes back */
	memset(mem, 0, sizeof mem);
	leader(0, 0, 1, 1);
	leader(1, 10, 0, 0);
	leader(3, 11, 0, 0);
	group(1, thr, 1);
	put64(TASK(3) + O_TNODE, TASK(3) + O_TNODE);	/* itself */
	w = cm_tl_new(&l, 100);
	(void)walk(w);
	assert_true(cm_tl_count(w) <= 3);
	assert_true(cm_tl_why(w)[0] != '\0');
	cm_tl_free(w);

	/* init_task itself no kernel address */
	l.init_task = 0x1000;
	w = cm_tl_new(&l, 100);
	(void)walk(w);
	assert_int_equal(cm_tl_count(w), 0);
	assert_non_null(strstr(cm_tl_why(w), "no kernel address"));
	cm_tl_free(w);
}

/* ---- the answer */

static const struct rsp_arch *
a64(void)
{
	return (rsp_arch_get(RSP_ARCH_ARM64));
}

static void
layout_fixture(struct br_tr_layout *l, const struct rsp_arch *a)
{
	struct cm_dwarf	*d;
	char		 path[1200], err[BR_ERRLEN], derr[CM_DWARF_ERRLEN];

	snprintf(path, sizeof path, "%s/taskregs-arm64", fixdir);
	d = cm_dwarf_open(path, derr);
	assert_non_null(d);
	if (br_taskregs_layout(d, a, l, err) != 0)
		fail_msg("layout: %s", err);
	cm_dwarf_free(d);
}

/* The fixture's DWARF gives the offsets the fake memory uses. */
static void
test_layout(void **state)
{
	struct br_tr_layout	l;

	(void)state;
	layout_fixture(&l, a64());
	assert_true(l.tl.init_task == 0xffff800009a00000ULL);
	assert_true(l.tl.tasks_off == O_TASKS && l.pid_off == O_PID);
	assert_true(l.tl.groups && l.tl.thread_node_off == O_TNODE &&
	    l.tl.signal_off == O_SIGNAL && l.tl.thread_head_off == O_THEAD);
	assert_true(l.info_addr == 0xffff800009a002a0ULL);
	assert_int_equal(l.info_size, 40);
	assert_int_equal(l.info_count, 16);
	assert_true(l.info_dbg == 0 && l.info_task == 8);
	assert_true(l.nr_cpu_ids == 0xffff800009a00520ULL);
	assert_int_equal(l.nslots, 13);
	assert_true(l.saved_lo == O_CTX && l.saved_len == 104);
	/* a CPU's 'g': pt_regs from regs[0] to pstate, and kgdb_active */
	assert_true(l.cpu_ok);
	assert_int_equal(l.ncslots, 34);
	assert_true(l.cregs_lo == 0 && l.cregs_len == 272);
	assert_true(l.active_addr == 0xffff800009a00524ULL);
}

/* kgdb's pt_regs_to_gdb_regs on arm64, from a pt_regs of 272 bytes:
 * x0-x30, sp, pc at their own offsets, cpsr the low half of pstate, the
 * 520 bytes after it zero. */
static void
test_build_cpu(void **state)
{
	struct br_tr_layout	 l;
	const struct rsp_arch	*a = a64();
	uint8_t			 regs[272];
	char			 out[RSP_PKT_MAX + 1];
	size_t			 i;
	unsigned		 x;
	int			 n;

	(void)state;
	layout_fixture(&l, a);
	for (i = 0; i < sizeof regs; i++)
		regs[i] = (uint8_t)(i * 7 + 1);
	n = br_taskregs_build_cpu(a, &l, regs, sizeof regs, out, sizeof out);
	assert_int_equal(n, 1576);
	for (i = 0; i < 788; i++) {
		assert_int_equal(sscanf(out + 2 * i, "%2x", &x), 1);
		/* x0-x30, sp, pc: 264 bytes as they are; cpsr: 4 of
		 * pstate's 8; then nothing */
		if (i < 268)
			assert_int_equal(x, regs[i]);
		else
			assert_int_equal(x, 0);
	}
	/* a short read, no room, or no pt_regs in the DWARF: refused */
	assert_int_equal(br_taskregs_build_cpu(a, &l, regs, 264, out,
	    sizeof out), -1);
	assert_int_equal(br_taskregs_build_cpu(a, &l, regs, sizeof regs, out,
	    1000), -1);
	l.cpu_ok = false;
	assert_int_equal(br_taskregs_build_cpu(a, &l, regs, sizeof regs, out,
	    sizeof out), -1);
}

/* kgdb's arm64 sleeping_thread_to_gdb_regs, written out by hand: 788
 * bytes, zero but x19-x28 (offset 152), x29 = fp (232), sp (248), pc
 * (256), each little-endian. */
static void
expect_arm64(char *out, const uint64_t *w)
{
	static const int	at[] = { 152, 160, 168, 176, 184, 192, 200,
				    208, 216, 224, 232, 248, 256 };
	int			i, b;

	memset(out, '0', 1576);
	out[1576] = '\0';
	for (i = 0; i < 13; i++)
		for (b = 0; b < 8; b++)
			snprintf(out + 2 * (at[i] + b), 3, "%02x",
			    (unsigned)(w[i] >> (8 * b)) & 0xff);
	out[1576] = '\0';
	/* snprintf's NULs landed inside: put the digit back */
	for (i = 0; i < 1576; i++)
		if (out[i] == '\0')
			out[i] = '0';
}

static void
test_build_arm64(void **state)
{
	struct br_tr_layout	 l;
	const struct rsp_arch	*a = a64();
	uint8_t			 ctx[104];
	uint64_t		 w[13];
	char			 out[RSP_PKT_MAX + 1], want[1600];
	int			 i, b, n;

	(void)state;
	layout_fixture(&l, a);
	for (i = 0; i < 13; i++) {
		w[i] = 0xffff800008000000ULL + 0x111 * (uint64_t)(i + 1);
		for (b = 0; b < 8; b++)
			ctx[8 * i + b] = (uint8_t)(w[i] >> (8 * b));
	}
	n = br_taskregs_build(a, &l, ctx, sizeof ctx, out, sizeof out);
	assert_int_equal(n, 1576);
	out[n] = '\0';
	expect_arm64(want, w);
	assert_string_equal(out, want);
	/* the wrong span length, or no room: refused */
	assert_int_equal(br_taskregs_build(a, &l, ctx, 96, out, sizeof out),
	    -1);
	assert_int_equal(br_taskregs_build(a, &l, ctx, sizeof ctx, out,
	    1000), -1);
	/* and where kgdb's differs, the register is named */
	assert_null(br_taskregs_differ(a, out, 1576, want, 1576));
	want[2 * 256 + 3] ^= 1;		/* pc */
	assert_string_equal(br_taskregs_differ(a, out, 1576, want, 1576),
	    "pc");
	want[2 * 256 + 3] ^= 1;
	want[2 * 8] = '1';			/* x1 */
	assert_string_equal(br_taskregs_differ(a, out, 1576, want, 1576),
	    "x1");
	assert_string_equal(br_taskregs_differ(a, out, 1576, want, 1574),
	    "length");
	/* kgdb's digits may come in either case */
	for (i = 0; i < 1576; i++)
		if (out[i] >= 'a' && out[i] <= 'f')
			out[i] = (char)(out[i] - 'a' + 'A');
	want[2 * 8] = '0';
	assert_null(br_taskregs_differ(a, out, 1576, want, 1576));
}

/* riscv64 (arch/riscv/kernel/kgdb.c): sp, s0-s11 from thread.s[], pc
 * from thread.ra, on a layout made here (thread.ra, sp, s[12] in a row). */
static void
test_build_riscv64(void **state)
{
	const struct rsp_arch	*a = rsp_arch_get(RSP_ARCH_RISCV64);
	struct br_tr_layout	 l;
	static const char *const names[] = { "pc", "sp", "fp", "s1", "s2",
	    "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11" };
	uint8_t			 saved[112];
	char			 out[RSP_PKT_MAX + 1];
	size_t			 i, b;
	uint64_t		 v;
	int			 reg;

	(void)state;
	memset(&l, 0, sizeof l);
	for (i = 0; i < 14; i++) {
		l.slot[i].reg = rsp_arch_reg_by_name(a, names[i]);
		assert_true(l.slot[i].reg >= 0);
		l.slot[i].off = 0x900 + 8 * i;	/* ra, sp, s[0..11] */
		for (b = 0; b < 8; b++)
			saved[8 * i + b] = (uint8_t)(0xa0 + i);
	}
	l.nslots = 14;
	l.saved_lo = 0x900;
	l.saved_len = 112;
	assert_int_equal(br_taskregs_build(a, &l, saved, sizeof saved, out,
	    sizeof out), 576);
	for (i = 0; i < 36; i++) {
		v = 0;
		for (b = 0; b < 8; b++) {
			unsigned	x;

			assert_int_equal(sscanf(out + 16 * i + 2 * b, "%2x",
			    &x), 1);
			v |= (uint64_t)x << (8 * b);
		}
		reg = -1;
		for (b = 0; b < 14; b++)
			if (l.slot[b].reg == (int)i)
				reg = (int)b;
		if (reg < 0)
			assert_true(v == 0);
		else
			assert_true(v == 0x0101010101010101ULL *
			    (uint64_t)(0xa0 + reg));
	}
}

/* kgdb_info: only entries with both a task and pt_regs count. */
static void
test_cpus(void **state)
{
	struct br_tr_layout	l;
	uint8_t			info[4 * 40];
	struct br_tr_cpu	cpus[4];

	(void)state;
	layout_fixture(&l, a64());
	memset(info, 0, sizeof info);
	info[0] = 0x10;			/* CPU0: regs, task 0x..100 */
	info[8 + 1] = 0x01;
	info[8 + 7] = 0xff;
	info[40 + 8 + 1] = 0x02;	/* CPU1: a task but no regs */
	info[40 + 8 + 7] = 0xff;
	info[80] = 0x20;		/* CPU2: regs but no task */
	assert_int_equal(br_taskregs_cpus(&l, info, 0, 4, cpus, 4), 1);
	assert_true(cpus[0].task == 0xff00000000000100ULL);
	assert_true(cpus[0].regs == 0x10 && cpus[0].cpu == 0);
	assert_int_equal(br_taskregs_cpus(&l, info, 0, 4, cpus, 0), 0);
	/* entries read from CPU 5 on: numbered from there */
	assert_int_equal(br_taskregs_cpus(&l, info, 5, 4, cpus, 4), 1);
	assert_int_equal(cpus[0].cpu, 5);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_sound),
		cmocka_unit_test(test_walk_hostile),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_build_arm64),
		cmocka_unit_test(test_build_cpu),
		cmocka_unit_test(test_build_riscv64),
		cmocka_unit_test(test_cpus),
	};

	(void)argc;
	fixdir_init(fixdir, sizeof fixdir, argv[0]);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
