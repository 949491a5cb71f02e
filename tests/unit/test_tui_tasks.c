/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_tui_tasks.c: the task walk (tui/tasks.c), the call
 * trace (tui/view_trace.c), the tasks view and the panic summary's lines
 * from memory.
 *
 * The lab cases walk memory captured from the lab kernel stopped in
 * lab.mode=sleepers (tests/data/tui/lab-capture-tasks.sh: lab_tasks.mem),
 * with the layout from the lab vmlinux's own DWARF (labpath.h), and
 * compare with what gdb found walking the same memory with its own idea
 * of the types (lab_tasks.ref). The hostile cases build task lists by
 * hand: loops, broken links, endless lists, frames outside the stack.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/dwarf.h"
#include "tui/tui.h"
#include "tests/unit/labpath.h"

/* ---- sparse memory: "ADDR LEN HEX" lines, or chunks put by hand */

#define SP_MAX	512

struct sparse {
	uint64_t	 addr[SP_MAX];
	size_t		 len[SP_MAX];
	uint8_t		*data[SP_MAX];
	size_t		 n;
	unsigned	 reads;
};

static void
sparse_put(struct sparse *m, uint64_t addr, const void *buf, size_t len)
{
	assert_true(m->n < SP_MAX);
	m->addr[m->n] = addr;
	m->len[m->n] = len;
	m->data[m->n] = tui_xcalloc(1, len);
	memcpy(m->data[m->n], buf, len);
	m->n++;
}

static void
sparse_load(struct sparse *m, const char *path)
{
	FILE			*f = fopen(path, "r");
	static char		 line[8192];
	static uint8_t		 buf[4096];
	unsigned long long	 a;
	size_t			 len, i;
	unsigned		 b;
	char			*hex;

	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		assert_int_equal(sscanf(line, "%llx %zu", &a, &len), 2);
		assert_true(len <= sizeof buf);
		hex = strrchr(line, ' ') + 1;
		for (i = 0; i < len; i++) {
			assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
			buf[i] = (uint8_t)b;
		}
		sparse_put(m, a, buf, len);
	}
	fclose(f);
}

static void
sparse_free(struct sparse *m)
{
	size_t	i;

	for (i = 0; i < m->n; i++)
		free(m->data[i]);
	m->n = 0;
}

/* Every byte from some chunk, else -1. */
static int
sparse_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct sparse	*m = arg;
	uint8_t		*out = buf;
	size_t		 i, k;

	m->reads++;
	for (i = 0; i < len; i++) {
		for (k = m->n; k-- > 0;)
			if (addr + i >= m->addr[k] &&
			    addr + i - m->addr[k] < m->len[k])
				break;
		if (k == (size_t)-1)
			return (-1);
		out[i] = m->data[k][addr + i - m->addr[k]];
	}
	return (0);
}

/* ---- the lab */

struct lab {
	struct tui_symtab	*st;
	struct tui_task_layout	 lay;
	struct tui_taint_layout	 taint;
};

static void
lab_open(struct lab *lab)
{
	char		 err[TUI_ERRLEN], why[1200], *path;
	struct cm_dwarf	*d;

	if ((path = lab_vmlinux_path(why, sizeof why)) == NULL) {
		print_error("no lab vmlinux: %s\n", why);
		fail();
	}
	lab->st = tui_symtab_open(path, err);
	assert_non_null(lab->st);
	d = cm_dwarf_open(path, err);
	free(path);
	assert_non_null(d);
	if (tui_task_layout_dwarf(d, lab->st, TUI_TA_X86_64, &lab->lay,
	    err) != 0)
		print_error("%s\n", err);
	assert_int_equal(tui_taint_layout_dwarf(d, &lab->taint, err), 0);
	cm_dwarf_free(d);
	assert_int_equal(lab->lay.arch, TUI_TA_X86_64);
	assert_int_equal(lab->lay.wsize, 8);
}

struct ref {
	uint64_t	 addr;
	int		 pid, cpu, oncpu;
	unsigned	 state;
	char		 comm[32];
	bool		 resume;
	uint64_t	 pc, sp, fp;
	char		 wchan[64];
};

static size_t
ref_load(struct ref *r, size_t max, int *sleep_pid, int *reader_pid,
    int *waiter_pid)
{
	FILE			*f = fopen("tests/data/tui/lab_tasks.ref", "r");
	char			 line[512];
	size_t			 n = 0;
	unsigned long long	 a, b, c;

	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "task ", 5) == 0) {
			assert_true(n < max);
			memset(&r[n], 0, sizeof r[n]);
			assert_int_equal(sscanf(line, "task %llx %d %x %d %d "
			    "%31s", &a, &r[n].pid, &r[n].state, &r[n].cpu,
			    &r[n].oncpu, r[n].comm), 6);
			r[n].addr = a;
			n++;
		} else if (strncmp(line, "resume ", 7) == 0) {
			assert_true(n > 0);
			assert_int_equal(sscanf(line, "resume %llx %llx %llx "
			    "%63s", &a, &b, &c, r[n - 1].wchan), 4);
			r[n - 1].resume = true;
			r[n - 1].pc = a;
			r[n - 1].sp = b;
			r[n - 1].fp = c;
		} else if (strncmp(line, "sleepers ", 9) == 0) {
			assert_int_equal(sscanf(line, "sleepers sleep=%d "
			    "reader=%d waiter=%d", sleep_pid, reader_pid,
			    waiter_pid), 3);
		}
	}
	fclose(f);
	return (n);
}

/* The function a task waits in, by name, as the view shows it. */
static const char *
wchan_name(const struct lab *lab, const struct tui_task *k)
{
	const char	*name;
	uint64_t	 off;

	if (k->wchan == 0 || !tui_symtab_lookup(lab->st, k->wchan -
	    (k->wchan_ret ? 1 : 0), &name, &off, NULL))
		return ("-");
	return (name);
}

/*
 * Every task gdb found, in its order, with the same pid, state, CPU and
 * name; for every task off the CPU the same resume pc, sp and fp
 * (inactive_task_frame), and the same function it waits in; the lab's
 * three sleepers where they are known to be.
 */
static void
test_lab_walk(void **state)
{
	struct lab		 lab;
	struct sparse		*m = tui_xcalloc(1, sizeof *m);
	static struct ref	 ref[64];
	struct tui_tasks	*t;
	const struct tui_task	*k;
	char			 err[TUI_ERRLEN];
	size_t			 nref, i;
	int			 sp = -1, rp = -1, wp = -1;
	uint64_t		 reads, bytes;

	(void)state;
	lab_open(&lab);
	nref = ref_load(ref, 64, &sp, &rp, &wp);
	assert_true(nref >= 20);
	sparse_load(m, "tests/data/tui/lab_tasks.mem");
	t = tui_tasks_new(&lab.lay, sparse_read, m);
	assert_int_equal(tui_tasks_walk(t, err), 1);
	assert_string_equal(tui_tasks_why(t), "");
	assert_int_equal(tui_tasks_count(t), nref);
	for (i = 0; i < nref; i++) {
		k = tui_tasks_get(t, i);
		assert_true(k->addr == ref[i].addr);
		assert_int_equal(k->pid, ref[i].pid);
		assert_int_equal(k->state, ref[i].state);
		assert_int_equal(k->cpu, ref[i].cpu);
		assert_int_equal(k->on_cpu, ref[i].oncpu != 0);
		assert_string_equal(k->comm, ref[i].comm);
		assert_int_equal(k->resume, ref[i].resume);
		if (!ref[i].resume)
			continue;
		assert_true(k->pc == ref[i].pc);
		assert_true(k->sp == ref[i].sp);
		assert_true(k->fp == ref[i].fp);
		if (strcmp(wchan_name(&lab, k), ref[i].wchan) != 0)
			print_error("pid %d waits in %s, gdb says %s\n", k->pid,
			    wchan_name(&lab, k), ref[i].wchan);
		assert_string_equal(wchan_name(&lab, k), ref[i].wchan);
	}
	/* The lab's sleepers, as their init left them. */
	assert_true(sp > 0 && rp > 0 && wp > 0);
	k = tui_tasks_find_pid(t, sp);
	assert_non_null(k);
	assert_string_equal(k->comm, "sleep");
	assert_int_equal(tui_task_state_letter(k), 'S');
	assert_non_null(strstr(wchan_name(&lab, k), "nanosleep"));
	k = tui_tasks_find_pid(t, rp);
	assert_non_null(k);
	assert_string_equal(k->comm, "cat");
	assert_string_equal(wchan_name(&lab, k), "pipe_read");
	k = tui_tasks_find_pid(t, wp);
	assert_non_null(k);
	assert_string_equal(k->comm, "sh");
	assert_string_equal(wchan_name(&lab, k), "do_wait");
	/* init raised SysRq-g: on the CPU, no saved frame to trust. */
	k = tui_tasks_find_pid(t, 1);
	assert_non_null(k);
	assert_true(k->on_cpu && !k->resume);
	/* kworkers idle: I, as ps says. */
	for (i = 0; i < nref; i++)
		if (strncmp(tui_tasks_get(t, i)->comm, "kworker/", 8) == 0)
			assert_int_equal(tui_task_state_letter(
			    tui_tasks_get(t, i)), 'I');
	tui_tasks_stats(t, &reads, &bytes);
	print_message("# lab walk: %zu tasks, %llu reads, %llu bytes\n", nref,
	    (unsigned long long)reads, (unsigned long long)bytes);
	tui_tasks_free(t);
	sparse_free(m);
	free(m);
	tui_symtab_free(lab.st);
}

/*
 * The same walk through a struct tui_mem that starts empty, the way the
 * live session runs it: every miss is fetched (from the capture) and the
 * walk goes on from where it stopped. Same tasks; every fetch is one
 * range the walk asked for, and none is asked for twice.
 */
static void
test_lab_walk_by_misses(void **state)
{
	struct lab		 lab;
	struct sparse		*m = tui_xcalloc(1, sizeof *m);
	struct tui_mem		*mem = tui_mem_new();
	struct tui_tasks	*t, *ref;
	char			 err[TUI_ERRLEN];
	static uint8_t		 buf[4096];
	uint64_t		 addr, seen[1024];
	size_t			 len, i, j, fetches = 0, bytes = 0;
	int			 rc;

	(void)state;
	lab_open(&lab);
	sparse_load(m, "tests/data/tui/lab_tasks.mem");
	ref = tui_tasks_new(&lab.lay, sparse_read, m);
	assert_int_equal(tui_tasks_walk(ref, err), 1);
	t = tui_tasks_new(&lab.lay, tui_mem_read3, mem);
	while ((rc = tui_tasks_walk(t, err)) == 0) {
		assert_true(tui_mem_take_miss(mem, &addr, &len));
		assert_true(len <= lab.lay.mem_read_max && len <= sizeof buf);
		for (j = 0; j < fetches; j++)
			assert_true(seen[j] != addr);
		assert_true(fetches < 1024);
		seen[fetches++] = addr;
		bytes += len;
		if (sparse_read(m, addr, buf, len) == 0)
			tui_mem_put(mem, addr, buf, len);
		else
			tui_mem_put_bad(mem, addr, len);
	}
	assert_int_equal(rc, 1);
	assert_int_equal(tui_tasks_count(t), tui_tasks_count(ref));
	for (i = 0; i < tui_tasks_count(t); i++)
		assert_memory_equal(tui_tasks_get(t, i), tui_tasks_get(ref, i),
		    sizeof(struct tui_task));
	print_message("# lab walk by misses: %zu fetches, %zu bytes for %zu "
	    "tasks\n", fetches, bytes, tui_tasks_count(t));
	/* About seven per task: the fields in five reads, the frame with
	 * the stack above it in one, rarely a frame record past that. */
	assert_true(fetches <= 9 * tui_tasks_count(t));
	tui_tasks_free(t);
	tui_tasks_free(ref);
	tui_mem_free(mem);
	sparse_free(m);
	free(m);
	tui_symtab_free(lab.st);
}

/*
 * The call trace of the sleep from its resume registers and its stack:
 * __schedule first (the resume pc), then schedule and the nanosleep
 * path reliable, down to the system call entry; every reliable frame a
 * return address of the frame-pointer chain.
 */
static void
test_lab_trace(void **state)
{
	struct lab		 lab;
	struct sparse		*m = tui_xcalloc(1, sizeof *m);
	static struct ref	 ref[64];
	struct tui_tasks	*t;
	const struct tui_task	*k;
	struct tui_frame	 fr[TUI_FRAMES_MAX];
	static uint8_t		 stack[1024];
	char			 err[TUI_ERRLEN];
	size_t			 n, i, len, rel = 0;
	int			 sp, rp, wp;
	bool			 nanosleep = false, syscall = false;

	(void)state;
	lab_open(&lab);
	(void)ref_load(ref, 64, &sp, &rp, &wp);
	sparse_load(m, "tests/data/tui/lab_tasks.mem");
	t = tui_tasks_new(&lab.lay, sparse_read, m);
	assert_int_equal(tui_tasks_walk(t, err), 1);
	k = tui_tasks_find_pid(t, sp);
	assert_non_null(k);
	len = sizeof stack;
	if (len > k->stack + lab.lay.thread_size - k->sp)
		len = k->stack + lab.lay.thread_size - k->sp;
	assert_int_equal(sparse_read(m, k->sp, stack, len), 0);
	{
		struct tui_stack s = { k->sp, k->fp, k->pc, stack, len, 8,
		    TUI_FP_UP, 0 };

		n = tui_trace_build(&s, lab.st, fr, TUI_FRAMES_MAX);
	}
	assert_true(n >= 4);
	assert_string_equal(fr[0].func, "__schedule");
	assert_false(fr[0].unreliable);
	for (i = 0; i < n; i++) {
		if (fr[i].unreliable)
			continue;
		rel++;
		if (strstr(fr[i].func, "nanosleep") != NULL)
			nanosleep = true;
		if (strcmp(fr[i].func, "do_syscall_64") == 0)
			syscall = true;
	}
	assert_string_equal(fr[1].func, "schedule");
	assert_false(fr[1].unreliable);
	assert_true(nanosleep && syscall && rel >= 5);
	tui_tasks_free(t);
	sparse_free(m);
	free(m);
	tui_symtab_free(lab.st);
}

/* ---- hand-made lists */

/*
 * A small kernel of our own: task_struct with tasks at 0x10, pid 0x20,
 * comm 0x28, state 0x40, stack 0x48, cpu 0x50, on_cpu 0x54, thread.sp
 * 0x58, thread_node 0x60, signal 0x70; tasks 0x1000 apart from
 * 0xffff880000100000, each with a 16 KiB stack at 0xffff880000800000 +
 * 0x4000 * i, and its signal_struct at task + 0x80 (thread_head at
 * +0x10 in it) unless it shares another's.
 */
#define H_TASK(i)	(0xffff880000100000ULL + 0x1000ULL * (i))
#define H_STACK(i)	(0xffff880000800000ULL + 0x4000ULL * (i))
#define H_TEXT		0xffffffff81000000ULL

static struct tui_task_layout
h_layout(void)
{
	struct tui_task_layout	l;

	memset(&l, 0, sizeof l);
	l.arch = TUI_TA_X86_64;
	l.wsize = 8;
	l.task_size = 0x100;
	l.tasks = (struct tui_task_field){ 0x10, 16 };
	l.pid = (struct tui_task_field){ 0x20, 4 };
	l.comm = (struct tui_task_field){ 0x28, 16 };
	l.state = (struct tui_task_field){ 0x40, 4 };
	l.stack = (struct tui_task_field){ 0x48, 8 };
	l.cpu = (struct tui_task_field){ 0x50, 4 };
	l.on_cpu = (struct tui_task_field){ 0x54, 4 };
	l.r_sp = (struct tui_task_field){ 0x58, 8 };
	l.thread_node = (struct tui_task_field){ 0x60, 16 };
	l.signal = (struct tui_task_field){ 0x70, 8 };
	l.sig_thread_head = 0x10;
	l.frame_size = 56;
	l.frame_bp = 40;
	l.frame_ret = 48;
	l.init_task = H_TASK(0);
	l.text_lo = H_TEXT;
	l.text_hi = H_TEXT + 0x400000;
	l.sched_lo = H_TEXT + 0x1000;
	l.sched_hi = H_TEXT + 0x2000;
	l.thread_size = 0x4000;
	l.mem_read_max = 256;
	return (l);
}

/* Flat memory for the hand-made lists: tasks and stacks. */
struct hmem {
	uint8_t		 tasks[64][0x100];
	uint8_t		 stacks[8][0x4000];
	unsigned	 reads;
	unsigned	 ntasks;	/* tasks at H_TASK(0 .. ntasks-1) */
	uint64_t	 endless;	/* > 0: tasks at 1.. link on forever */
};

static void
h_word(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static int
h_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct hmem	*h = arg;
	uint64_t	 i, off;

	h->reads++;
	if (h->endless > 0 && addr >= H_TASK(1) && addr < H_TASK(1) +
	    0x1000ULL * h->endless) {
		/* Task i links to i + 1, with the prev pointer right. */
		uint8_t	t[0x100];

		i = (addr - H_TASK(0)) / 0x1000;
		off = (addr - H_TASK(0)) % 0x1000;
		if (off + len > sizeof t)
			return (-1);
		memset(t, 0, sizeof t);
		h_word(t + 0x10, H_TASK(i + 1) + 0x10);
		h_word(t + 0x18, H_TASK(i - 1) + 0x10);
		t[0x20] = (uint8_t)i;
		memcpy(t + 0x28, "endless", 7);
		memcpy(buf, t + off, len);
		return (0);
	}
	for (i = 0; i < h->ntasks; i++)
		if (addr >= H_TASK(i) && addr + len <= H_TASK(i) + 0x100) {
			memcpy(buf, h->tasks[i] + (addr - H_TASK(i)), len);
			return (0);
		}
	for (i = 0; i < 8; i++)
		if (addr >= H_STACK(i) && addr + len <= H_STACK(i) + 0x4000) {
			memcpy(buf, h->stacks[i] + (addr - H_STACK(i)), len);
			return (0);
		}
	return (-1);
}

/* Task i: pid, name, next and prev tasks, its stack, sleeping at a
 * frame 0x3e00 into it whose ret_addr is ret (0: none). */
static void
h_task(struct hmem *h, unsigned i, int pid, unsigned next, unsigned prev,
    uint64_t ret)
{
	uint8_t		*t = h->tasks[i];
	uint64_t	 sp = H_STACK(i % 8) + 0x3e00;

	memset(t, 0, 0x100);
	h_word(t + 0x10, H_TASK(next) + 0x10);
	h_word(t + 0x18, H_TASK(prev) + 0x10);
	memcpy(t + 0x20, &pid, 4);
	snprintf((char *)t + 0x28, 16, "task%u", i);
	t[0x40] = 1;				/* S */
	h_word(t + 0x48, H_STACK(i % 8));
	h_word(t + 0x58, sp);
	/* alone in its group: thread_node and the head link each other */
	h_word(t + 0x60, H_TASK(i) + 0x90);
	h_word(t + 0x68, H_TASK(i) + 0x90);
	h_word(t + 0x70, H_TASK(i) + 0x80);
	h_word(t + 0x90, H_TASK(i) + 0x60);
	h_word(t + 0x98, H_TASK(i) + 0x60);
	if (i >= h->ntasks)
		h->ntasks = i + 1;
	memset(h->stacks[i % 8], 0, 0x4000);
	if (ret != 0) {
		/* the frame: bp points at a record just above it */
		h_word(h->stacks[i % 8] + 0x3e00 + 40, sp + 0x80);
		h_word(h->stacks[i % 8] + 0x3e00 + 48, ret);
		h_word(h->stacks[i % 8] + 0x3e80, sp + 0x100);
		h_word(h->stacks[i % 8] + 0x3e88, H_TEXT + 0x5123);
	}
}

static struct tui_tasks *
h_walk(struct hmem *h, size_t max)
{
	struct tui_task_layout	 l = h_layout();
	struct tui_tasks	*t = tui_tasks_new(&l, h_read, h);
	char			 err[TUI_ERRLEN];

	if (max > 0)
		tui_tasks_set_max(t, max);
	assert_int_equal(tui_tasks_walk(t, err), 1);
	assert_true(tui_tasks_done(t));
	return (t);
}

/* A sound list of three: all of them, the head not twice, waits found. */
static void
test_hostile_sound(void **state)
{
	struct hmem		*h = tui_xcalloc(1, sizeof *h);
	struct tui_tasks	*t;
	const struct tui_task	*k;

	(void)state;
	h_task(h, 0, 0, 1, 2, H_TEXT + 0x1100);
	h_task(h, 1, 10, 2, 0, H_TEXT + 0x1200);
	h_task(h, 2, 20, 0, 1, H_TEXT + 0x4000);	/* outside sched */
	t = h_walk(h, 0);
	assert_int_equal(tui_tasks_count(t), 3);
	assert_string_equal(tui_tasks_why(t), "");
	k = tui_tasks_get(t, 1);
	assert_int_equal(k->pid, 10);
	assert_string_equal(k->comm, "task1");
	assert_true(k->resume && k->pc == H_TEXT + 0x1200);
	assert_true(k->sp == H_STACK(1) + 0x3e00 + 56);
	/* in the scheduler: the record above gives where it waits */
	assert_true(k->wchan == H_TEXT + 0x5123 && k->wchan_ret);
	k = tui_tasks_get(t, 2);
	assert_true(k->wchan == H_TEXT + 0x4000 && !k->wchan_ret);
	tui_tasks_free(t);
	free(h);
}

/* 0 → 1 → 2 → 1: task 1's prev is 0, not 2: caught, not looped. */
static void
test_hostile_loop(void **state)
{
	struct hmem		*h = tui_xcalloc(1, sizeof *h);
	struct tui_tasks	*t;

	(void)state;
	h_task(h, 0, 0, 1, 2, H_TEXT + 0x1100);
	h_task(h, 1, 10, 2, 0, H_TEXT + 0x1100);
	h_task(h, 2, 20, 1, 1, H_TEXT + 0x1100);
	t = h_walk(h, 0);
	assert_int_equal(tui_tasks_count(t), 3);
	assert_non_null(strstr(tui_tasks_why(t), "loops back to pid 10"));
	tui_tasks_free(t);

	/* 0 → 1 → 2 → 0 with 2's prev not 1: a broken link, found. */
	h_task(h, 2, 20, 0, 0, H_TEXT + 0x1100);
	t = h_walk(h, 0);
	assert_int_equal(tui_tasks_count(t), 2);
	assert_non_null(strstr(tui_tasks_why(t), "its prev is"));
	tui_tasks_free(t);

	/* A task that is its own next (and prev). */
	h_task(h, 1, 10, 1, 1, H_TEXT + 0x1100);
	h->tasks[0][0x10] = 0x10;	/* 0 → 1 */
	t = h_walk(h, 0);
	assert_true(tui_tasks_count(t) <= 2);
	assert_true(tui_tasks_why(t)[0] != '\0');
	tui_tasks_free(t);
	free(h);
}

/*
 * Thread groups: threads come after their leader (thread_node on the
 * list at signal->thread_head), wherever the leader sits on that list;
 * a thread list that loops or never comes back to its leader ends the
 * walk, said why.
 */
#define H_TN(i)		(H_TASK(i) + 0x60)
static void
h_group(struct hmem *h, unsigned leader, const unsigned *order, size_t n)
{
	uint64_t	head = H_TASK(leader) + 0x90, node[8];
	size_t		i;

	/* order: the group's tasks as they sit on the list after head */
	for (i = 0; i < n; i++) {
		node[i] = H_TN(order[i]);
		h_word(h->tasks[order[i]] + 0x70, H_TASK(leader) + 0x80);
	}
	for (i = 0; i < n; i++) {
		h_word(h->tasks[order[i]] + 0x60, i + 1 < n ? node[i + 1] :
		    head);
		h_word(h->tasks[order[i]] + 0x68, i > 0 ? node[i - 1] : head);
	}
	h_word(h->tasks[leader] + 0x90, node[0]);
	h_word(h->tasks[leader] + 0x98, node[n - 1]);
}

static void
test_hostile_threads(void **state)
{
	static const unsigned	 first[] = { 1, 3, 4 }, middle[] = { 3, 1, 4 };
	static const int	 want[] = { 0, 10, 11, 12, 20 };
	struct hmem		*h = tui_xcalloc(1, sizeof *h);
	struct tui_tasks	*t;
	size_t			 i, pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		h_task(h, 0, 0, 1, 2, H_TEXT + 0x1100);
		h_task(h, 1, 10, 2, 0, H_TEXT + 0x1100);
		h_task(h, 2, 20, 0, 1, H_TEXT + 0x1100);
		h_task(h, 3, 11, 3, 3, H_TEXT + 0x1100);
		h_task(h, 4, 12, 4, 4, H_TEXT + 0x1100);
		h_group(h, 1, pass == 0 ? first : middle, 3);
		t = h_walk(h, 0);
		assert_string_equal(tui_tasks_why(t), "");
		assert_int_equal(tui_tasks_count(t), 5);
		for (i = 0; i < 5; i++) {
			/* the leader first, then the others in list order */
			int pid = want[i];

			if (pass == 1 && i == 2)
				pid = 12;
			if (pass == 1 && i == 3)
				pid = 11;
			assert_int_equal(tui_tasks_get(t, i)->pid, pid);
			assert_int_equal(tui_tasks_get(t, i)->thread,
			    pid == 11 || pid == 12);
		}
		tui_tasks_free(t);
	}
	/* 12's next is 11 again: a loop */
	h_group(h, 1, first, 3);
	h_word(h->tasks[4] + 0x60, H_TN(3));
	t = h_walk(h, 0);
	assert_non_null(strstr(tui_tasks_why(t), "loops back to pid 11"));
	tui_tasks_free(t);
	/* the head's next is the head: never back at the leader */
	h_group(h, 1, first, 3);
	h_word(h->tasks[1] + 0x60, H_TASK(1) + 0x90);
	h_word(h->tasks[1] + 0x68, H_TN(4));		/* not alone */
	h_word(h->tasks[1] + 0x90, H_TASK(1) + 0x90);
	t = h_walk(h, 0);
	assert_non_null(strstr(tui_tasks_why(t), "does not come back"));
	assert_int_equal(tui_tasks_count(t), 2);
	tui_tasks_free(t);
	free(h);
}

/* A list that never comes back, each link sound: the cap ends it. */
static void
test_hostile_endless(void **state)
{
	struct hmem		*h = tui_xcalloc(1, sizeof *h);
	struct tui_tasks	*t;

	(void)state;
	h_task(h, 0, 0, 1, 0, 0);
	h->endless = 20000;
	t = h_walk(h, 100);
	assert_int_equal(tui_tasks_count(t), 100);
	assert_non_null(strstr(tui_tasks_why(t), "more than 100"));
	tui_tasks_free(t);
	/* the default cap holds too, and the reads stay bounded */
	h->reads = 0;
	t = h_walk(h, 0);
	assert_int_equal(tui_tasks_count(t), TUI_TASKS_MAX);
	assert_true(h->reads < 16 * TUI_TASKS_MAX);
	tui_tasks_free(t);
	free(h);
}

/* Next pointers that are no pointers, and a next that cannot be read. */
static void
test_hostile_bad_next(void **state)
{
	static const uint64_t	 bad[] = { 0, 0x10, 0x7fff00001010ULL,
				     H_TASK(0) + 0x13 };
	struct hmem		*h = tui_xcalloc(1, sizeof *h);
	struct tui_tasks	*t;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		h_task(h, 0, 0, 1, 1, H_TEXT + 0x1100);
		h_task(h, 1, 10, 0, 0, H_TEXT + 0x1100);
		h_word(h->tasks[1] + 0x10, bad[i]);
		t = h_walk(h, 0);
		assert_int_equal(tui_tasks_count(t), 2);
		assert_non_null(strstr(tui_tasks_why(t), "broken"));
		tui_tasks_free(t);
	}
	/* a kernel address nothing is mapped at */
	h_word(h->tasks[1] + 0x10, H_TASK(40) + 0x10);
	t = h_walk(h, 0);
	assert_int_equal(tui_tasks_count(t), 2);
	assert_non_null(strstr(tui_tasks_why(t), "cannot be read"));
	tui_tasks_free(t);
	free(h);
}

/* Frames that must not be trusted: outside the stack, ret not text, a
 * frame-record chain that points at itself, a stack that is no stack. */
static void
test_hostile_frames(void **state)
{
	struct hmem		*h = tui_xcalloc(1, sizeof *h);
	struct tui_tasks	*t;
	const struct tui_task	*k;

	(void)state;
	h_task(h, 0, 0, 1, 3, H_TEXT + 0x1100);
	h_task(h, 1, 10, 2, 0, 0x1234);			/* ret not text */
	h_task(h, 2, 20, 3, 1, H_TEXT + 0x1100);
	h_word(h->tasks[2] + 0x58, H_STACK(2) + 0x3ff0);	/* crosses end */
	h_task(h, 3, 30, 0, 2, H_TEXT + 0x1100);
	/* task 3's record points at itself: the wait is not found */
	h_word(h->stacks[3] + 0x3e80, H_STACK(3) + 0x3e80);
	h_word(h->stacks[3] + 0x3e88, H_TEXT + 0x1300);
	t = h_walk(h, 0);
	assert_int_equal(tui_tasks_count(t), 4);
	k = tui_tasks_get(t, 1);
	assert_false(k->resume);
	assert_non_null(strstr(k->why, "outside the kernel text"));
	k = tui_tasks_get(t, 2);
	assert_false(k->resume);
	assert_non_null(strstr(k->why, "outside its stack"));
	k = tui_tasks_get(t, 3);
	assert_true(k->resume);
	assert_true(k->wchan == 0);
	tui_tasks_free(t);

	/* a stack pointer that is not THREAD_SIZE-aligned */
	h_task(h, 1, 10, 0, 0, H_TEXT + 0x1100);
	h_word(h->tasks[1] + 0x48, H_STACK(1) + 8);
	h->tasks[0][0x10] = 0x10;
	h_word(h->tasks[0] + 0x18, H_TASK(1) + 0x10);
	h->ntasks = 2;
	t = h_walk(h, 0);
	assert_int_equal(tui_tasks_count(t), 2);
	k = tui_tasks_get(t, 1);
	assert_false(k->resume);
	assert_non_null(strstr(k->why, "no stack"));
	tui_tasks_free(t);
	free(h);
}

/* The taint in the kernel's own letters, from a made-up table. */
static void
test_taint(void **state)
{
	struct tui_taint_layout	 tl = { 0x1000, 0x2000, 8, 3, 0, 19 };
	struct sparse		*m = tui_xcalloc(1, sizeof *m);
	const char		*letters = "PFSRMBUDAWCIOELKXTN";
	uint8_t			 tab[19 * 3], mask[8] = { 0 };
	char			 out[40];
	struct lab		 lab;
	size_t			 i;

	(void)state;
	for (i = 0; i < 19; i++) {
		tab[i * 3] = (uint8_t)letters[i];
		tab[i * 3 + 1] = '-';
		tab[i * 3 + 2] = 0;
	}
	mask[0] = 0x01;			/* P */
	mask[1] = 0x12;			/* W (9) and O (12) */
	sparse_put(m, 0x1000, mask, 8);
	sparse_put(m, 0x2000, tab, sizeof tab);
	assert_int_equal(tui_taint_read(&tl, sparse_read, m, out, sizeof out),
	    0);
	assert_string_equal(out, "PWO");
	memset(mask, 0, sizeof mask);
	sparse_free(m);
	sparse_put(m, 0x1000, mask, 8);
	sparse_put(m, 0x2000, tab, sizeof tab);
	assert_int_equal(tui_taint_read(&tl, sparse_read, m, out, sizeof out),
	    0);
	assert_string_equal(out, "");
	sparse_free(m);
	/* nothing to read: -1, not a guess */
	assert_int_equal(tui_taint_read(&tl, sparse_read, m, out, sizeof out),
	    -1);
	free(m);
	/* the lab's own table: a byte per letter, one bit each */
	lab_open(&lab);
	assert_int_equal(lab.taint.mask_size, 8);
	assert_true(lab.taint.count >= 18 && lab.taint.count <= 64);
	tui_symtab_free(lab.st);
}

/* ---- the views */

static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "rb");
	char	*buf;
	long	 n;

	if (f == NULL)
		return (NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = tui_xcalloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf[0] = '\0';
	fclose(f);
	return (buf);
}

static void
golden(const struct tui_canvas *c, const char *name)
{
	char	 path[256];
	char	*got = tui_canvas_dump(c), *want;
	FILE	*f;

	snprintf(path, sizeof path, "tests/data/tui/%s.result", name);
	if (getenv("TUI_UPDATE_GOLDEN") != NULL) {
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
	}
	want = slurp(path);
	if (want == NULL || strcmp(got, want) != 0)
		print_message("# %s differs; got:\n%s", path, got);
	assert_non_null(want);
	assert_string_equal(got, want);
	free(got);
	free(want);
}

/*
 * The tasks view on the lab's stop, the cat selected: the table (init
 * stopped here, the sleepers in their functions), its call trace beside
 * its raw stack. And the panic summary of the lab's SysRq-c, whose text
 * names no task and no trace, with those lines from memory.
 */
static void
test_views(void **state)
{
	struct lab		 lab;
	struct sparse		*m = tui_xcalloc(1, sizeof *m);
	static struct ref	 ref[64];
	struct tui_tasks	*t;
	const struct tui_task	*k;
	struct tui_canvas	*c = tui_canvas_new(110, 40);
	struct tui_screen	 s;
	struct tui_panic	*p;
	struct tui_panic_more	 more;
	static uint8_t		 stack[1024];
	char			 err[TUI_ERRLEN], *txt;
	size_t			 i, len;
	int			 sp, rp, wp;
	struct tui_stack	 ts;

	(void)state;
	lab_open(&lab);
	(void)ref_load(ref, 64, &sp, &rp, &wp);
	sparse_load(m, "tests/data/tui/lab_tasks.mem");
	t = tui_tasks_new(&lab.lay, sparse_read, m);
	assert_int_equal(tui_tasks_walk(t, err), 1);
	memset(&s, 0, sizeof s);
	s.status.bridge = true;
	s.status.state = TUI_TS_STOPPED;
	s.status.cpu = -1;
	s.status.thread = 1;
	s.symtab = lab.st;
	s.tasks_mode = true;
	s.tasks.tasks = t;
	s.tasks.current_pid = 1;
	for (i = 0; i < tui_tasks_count(t); i++)
		if (tui_tasks_get(t, i)->pid == rp)
			s.tasks.sel = i;
	k = tui_tasks_get(t, s.tasks.sel);
	len = sizeof stack;
	if (len > k->stack + lab.lay.thread_size - k->sp)
		len = k->stack + lab.lay.thread_size - k->sp;
	assert_int_equal(sparse_read(m, k->sp, stack, len), 0);
	ts = (struct tui_stack){ k->sp, k->fp, k->pc, stack, len, 8,
	    TUI_FP_UP, 0 };
	s.task_stack = &ts;
	snprintf(s.task_who, sizeof s.task_who, "pid %d %s", k->pid, k->comm);
	tui_screen_draw(c, &s);
	golden(c, "tasks_lab");

	/* The lab's SysRq-c panic (a report with no task, taint or trace). */
	p = tui_panic_new();
	txt = slurp("tests/data/tui/lab_panic.txt");
	assert_non_null(txt);
	tui_panic_feed(p, txt, strlen(txt));
	tui_panic_flush(p);
	free(txt);
	memset(&more, 0, sizeof more);
	more.cpu = 0;
	more.pid = rp;
	snprintf(more.comm, sizeof more.comm, "cat");
	more.have_taint = true;
	snprintf(more.taint, sizeof more.taint, "O");
	more.nframes = tui_trace_build(&ts, lab.st, more.frames, 6);
	memset(&s, 0, sizeof s);
	s.status.bridge = true;
	s.status.state = TUI_TS_STOPPED;
	s.status.cpu = s.status.thread = -1;
	s.panic = p;
	s.panic_more = &more;
	s.symtab = lab.st;
	tui_canvas_resize(c, 100, 30);
	tui_screen_draw(c, &s);
	golden(c, "panic_more");
	/* without what memory says, those rows stay empty, as before */
	assert_int_equal(tui_panic_rows(p, NULL, true), 2);
	assert_int_equal(tui_panic_rows(p, &more, true), 10);
	tui_panic_free(p);
	tui_canvas_free(c);
	tui_tasks_free(t);
	sparse_free(m);
	free(m);
	tui_symtab_free(lab.st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lab_walk),
		cmocka_unit_test(test_lab_walk_by_misses),
		cmocka_unit_test(test_lab_trace),
		cmocka_unit_test(test_hostile_sound),
		cmocka_unit_test(test_hostile_loop),
		cmocka_unit_test(test_hostile_threads),
		cmocka_unit_test(test_hostile_endless),
		cmocka_unit_test(test_hostile_bad_next),
		cmocka_unit_test(test_hostile_frames),
		cmocka_unit_test(test_taint),
		cmocka_unit_test(test_views),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
