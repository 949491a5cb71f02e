/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_tui_panic.c: the console sanitizer and the oops/panic
 * parser, on 6.1-format reports (tests/data/tui/NAME.txt; the lab's real
 * captures join them under tests/data/kgdb/ when they land).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tui/tui.h"

static char *
slurp(const char *path, size_t *len_out)
{
	FILE	*f = fopen(path, "rb");
	char	*buf;
	long	 n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = tui_xcalloc(1, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len_out = (size_t)n;
	return (buf);
}

static struct tui_panic *
parse_file(const char *name)
{
	char			 path[256];
	char			*text;
	size_t			 len, i, step;
	struct tui_panic	*p = tui_panic_new();

	snprintf(path, sizeof path, "tests/data/tui/%s", name);
	text = slurp(path, &len);
	/* Feed in odd-sized pieces: line assembly must not care. */
	for (i = 0; i < len; i += step) {
		step = 1 + (i * 7) % 61;
		if (step > len - i)
			step = len - i;
		tui_panic_feed(p, text + i, step);
	}
	tui_panic_flush(p);
	free(text);
	return (p);
}

static const char *
where(const struct tui_oops *o)
{
	static char		 buf[128];
	const struct tui_frame	*f = tui_oops_where(o);

	if (f == NULL)
		return ("");
	tui_frame_format(f, buf, sizeof buf);
	return (buf);
}

/* ---- sanitizer */

struct san_case {
	const char	*in;
	size_t		 inlen;		/* 0: strlen */
	const char	*want;
};

static const struct san_case san_cases[] = {
	{ "plain text", 0, "plain text" },
	{ "line\r", 0, "line" },
	{ "\x1b[31m" "red\x1b[0m", 0, "red" },
	{ "\x1b[?1049h\x1b[2J" "gone", 0, "gone" },
	{ "\x1b]0;title\x07" "after", 0, "after" },
	{ "\x1b]2;x\x1b\\after", 0, "after" },
	{ "a\x1b" "cb", 0, "ab" },
	{ "bell\x07!", 0, "bell\\x07!" },
	{ "nul\0x", 5, "nul\\x00x" },
	{ "a\tb", 0, "a       b" },
	{ "\x9b" "31m", 0, "\\x9b31m" },
	{ "caf\xc3" "\xa9", 0, "caf\\xc3\\xa9" },
	{ "del\x7f", 0, "del\\x7f" },
	{ "unterminated \x1b[12", 0, "unterminated " },
};

static void
test_sanitize_table(void **state)
{
	char	out[128];
	size_t	i, n, inlen;

	(void)state;
	for (i = 0; i < sizeof san_cases / sizeof san_cases[0]; i++) {
		inlen = san_cases[i].inlen ? san_cases[i].inlen :
		    strlen(san_cases[i].in);
		n = tui_sanitize(out, sizeof out, san_cases[i].in, inlen);
		assert_string_equal(out, san_cases[i].want);
		assert_int_equal(n, strlen(san_cases[i].want));
	}
}

static void
test_sanitize_bounds(void **state)
{
	char	out[8];
	size_t	n;

	(void)state;
	memset(out, 'Z', sizeof out);
	n = tui_sanitize(out, sizeof out, "0123456789", 10);
	assert_int_equal(n, 7);
	assert_string_equal(out, "0123456");
	/* A \xNN that does not fit is left out whole. */
	n = tui_sanitize(out, 6, "ab\x01", 3);
	assert_string_equal(out, "ab");
	assert_int_equal(n, 2);
	n = tui_sanitize(out, 1, "abc", 3);
	assert_int_equal(n, 0);
	assert_string_equal(out, "");
}

static void
test_strip_timestamp(void **state)
{
	uint64_t	ts = 0;
	const char	*s;

	(void)state;
	s = "[   12.401122] sysrq: Trigger a crash";
	assert_int_equal(tui_strip_timestamp(s, strlen(s), &ts), 15);
	assert_true(ts == 12401122000ULL);
	s = "[    0.000000][    T0] Linux version";
	assert_int_equal(tui_strip_timestamp(s, strlen(s), &ts), 23);
	assert_true(ts == 0);
	s = "[1]kdb> ";
	assert_int_equal(tui_strip_timestamp(s, strlen(s), NULL), 0);
	s = "[ 5.5]x";
	assert_int_equal(tui_strip_timestamp(s, strlen(s), &ts), 6);
	assert_true(ts == 5500000000ULL);
}

static void
test_taint_words(void **state)
{
	char	buf[256];

	(void)state;
	assert_string_equal(tui_taint_word('P'), "proprietary module");
	assert_string_equal(tui_taint_word('W'), "warning issued");
	assert_string_equal(tui_taint_word('N'), "in-kernel test run");
	assert_null(tui_taint_word('G'));
	assert_null(tui_taint_word('Z'));
	tui_taint_words("POE", buf, sizeof buf);
	assert_string_equal(buf,
	    "proprietary module, out-of-tree module, unsigned module");
	tui_taint_words("", buf, sizeof buf);
	assert_string_equal(buf, "");
	tui_taint_words("DW", buf, 12);
	assert_true(strlen(buf) < 12);
}

/* ---- parser, one row per capture */

struct oops_want {
	const char	*file;
	size_t		 count;
	enum tui_oops_kind kind;
	const char	*title;
	const char	*detail;	/* NULL: not checked */
	const char	*where;
	int		 cpu, pid;
	const char	*comm;
	bool		 tainted;
	const char	*taint;
	const char	*release;
	const char	*hardware;
	size_t		 nframes;
	const char	*frame0;
	int		 first_unreliable; /* index of the first "?" frame */
	size_t		 ncode;
	int		 code_fault;
	uint8_t		 fault_byte;
	int		 die_no;
	uint64_t	 fault_addr;
};

static const struct oops_want oops_rows[] = {
	{ "oops_null.txt", 2, TUI_OOPS_BUG,
	  "BUG: kernel NULL pointer dereference, address: 0000000000000000",
	  "kernel NULL pointer dereference (supervisor write access in "
	  "kernel mode)",
	  "sysrq_handle_crash+0x16/0x20", 0, 1, "sh", false, "", "6.1.0",
	  "QEMU Standard PC (i440FX + PIIX, 1996), BIOS "
	  "1.16.2-debian-1.16.2-1 04/01/2014",
	  8, "__handle_sysrq.cold+0x43/0x11b", 3, 64, 42, 0xc6, 1, 0 },
	{ "panic_sysrq.txt", 1, TUI_OOPS_PANIC,
	  "Kernel panic - not syncing: sysrq triggered crash",
	  "sysrq triggered crash",
	  "sysrq_handle_crash+0x16/0x20", 1, 73, "sh", true, "W", "6.1.0",
	  NULL, 11, "dump_stack_lvl+0x44/0x5c", 2, 0, -1, 0, 0, 0 },
	{ "gpf_module.txt", 1, TUI_OOPS_GPF,
	  "general protection fault, probably for non-canonical address "
	  "0xdead000000000100: 0000 [#1] PREEMPT SMP NOPTI", NULL,
	  "mydrv_work+0x3a/0x120 [mydrv]", 3, 2211, "kworker/3:2", true,
	  "POE", "6.1.0-13-amd64",
	  "Dell Inc. PowerEdge R640/0W23H8, BIOS 2.17.1 11/15/2022",
	  9, "die_addr+0x32/0x80", 0, 20, 9, 0x48, 1, 0 },
	{ "kbug_irq.txt", 1, TUI_OOPS_KBUG, "kernel BUG at mm/slub.c:4390!",
	  "invalid opcode: 0000 [#1] PREEMPT SMP NOPTI",
	  "kfree+0x10c/0x120", 0, 0, "swapper/0", false, "", "6.1.0",
	  NULL, 15, "die+0x36/0x90", 0, 26, 17, 0x0f, 1, 0 },
	{ "warn_then_oops.txt", 3, TUI_OOPS_WARN,
	  "WARNING: CPU: 1 PID: 88 at drivers/misc/lkdtm/bugs.c:97 "
	  "lkdtm_WARNING+0x12/0x20", NULL,
	  "lkdtm_WARNING+0x12/0x20", 1, 88, "bash", false, "", "6.1.0",
	  NULL, 2, "lkdtm_do_action+0x1c/0x30", -1, 12, 5, 0x0f, 0, 0 },
	{ "arm64_oops.txt", 1, TUI_OOPS_ARM64,
	  "Unable to handle kernel NULL pointer dereference at virtual "
	  "address 0000000000000000",
	  "Internal error: Oops: 0000000096000045 [#1] PREEMPT SMP",
	  "sysrq_handle_crash+0x24/0x30", 2, 140, "sh", false, "", "6.1.0",
	  "linux,dummy-virt (DT)", 4, "sysrq_handle_crash+0x24/0x30", -1,
	  20, 16, 0xb9, 1, 0 },
};

/* Captured from the lab kernel (6.1.192 under QEMU, its module loaded):
 * an lkdtm EXCEPTION oops, then "echo c > /proc/sysrq-trigger". This config prints no call
 * trace for the panic (no CONFIG_DEBUG_BUGVERBOSE) and no Hardware name. */
static const struct oops_want lab_row = {
	"lab_oops_panic.txt", 2, TUI_OOPS_BUG,
	"BUG: kernel NULL pointer dereference, address: 0000000000000000",
	"kernel NULL pointer dereference (supervisor write access in "
	"kernel mode)",
	"lkdtm_EXCEPTION+0x2/0xa", 0, 28, "sh", false, "", "6.1.192", "",
	12, "lkdtm_do_action+0x14/0x17", 0, 64, 42, 0x89, 1, 0 };

static void
test_lab_capture(void **state)
{
	struct tui_panic	*p = parse_file(lab_row.file);
	const struct tui_oops	*o = tui_panic_get(p, 0);
	char			 buf[128];

	(void)state;
	assert_int_equal(tui_panic_count(p), lab_row.count);
	assert_string_equal(o->title, lab_row.title);
	assert_string_equal(o->detail, lab_row.detail);
	assert_string_equal(where(o), lab_row.where);
	assert_int_equal(o->cpu, lab_row.cpu);
	assert_int_equal(o->pid, lab_row.pid);
	assert_string_equal(o->comm, lab_row.comm);
	/* The lab's own module is out of tree (hw-tests/lab/module). */
	assert_true(o->tainted);
	assert_string_equal(o->taint, "O");
	assert_string_equal(o->release, lab_row.release);
	assert_string_equal(o->hardware, lab_row.hardware);
	assert_int_equal(o->nframes, lab_row.nframes);
	tui_frame_format(&o->frames[0], buf, sizeof buf);
	assert_string_equal(buf, lab_row.frame0);
	assert_true(o->frames[0].unreliable);
	tui_frame_format(&o->frames[11], buf, sizeof buf);
	assert_string_equal(buf, "entry_SYSCALL_64_after_hwframe+0x4b/0xb5");
	assert_int_equal(o->ncode, lab_row.ncode);
	assert_int_equal(o->code_fault, lab_row.code_fault);
	assert_int_equal(o->code[o->code_fault], lab_row.fault_byte);
	assert_int_equal(o->die_no, 1);
	assert_true(o->ended);
	o = tui_panic_get(p, 1);
	assert_int_equal(o->kind, TUI_OOPS_PANIC);
	assert_string_equal(o->detail, "sysrq triggered crash");
	/* Nothing in this panic's text says where: the stack pane must. */
	assert_null(tui_oops_where(o));
	assert_int_equal(o->nframes, 0);
	tui_panic_free(p);
}

static void
test_parse_rows(void **state)
{
	size_t			 r, i;
	char			 buf[128];

	(void)state;
	for (r = 0; r < sizeof oops_rows / sizeof oops_rows[0]; r++) {
		const struct oops_want	*w = &oops_rows[r];
		struct tui_panic	*p = parse_file(w->file);
		const struct tui_oops	*o = tui_panic_get(p, 0);
		int			 unrel = -1;

		print_message("# %s\n", w->file);
		assert_int_equal(tui_panic_count(p), w->count);
		assert_non_null(o);
		assert_int_equal(o->kind, w->kind);
		assert_string_equal(o->title, w->title);
		if (w->detail != NULL)
			assert_string_equal(o->detail, w->detail);
		assert_string_equal(where(o), w->where);
		assert_int_equal(o->cpu, w->cpu);
		assert_int_equal(o->pid, w->pid);
		assert_string_equal(o->comm, w->comm);
		assert_int_equal(o->tainted, w->tainted);
		assert_string_equal(o->taint, w->taint);
		assert_string_equal(o->release, w->release);
		if (w->hardware != NULL)
			assert_string_equal(o->hardware, w->hardware);
		assert_int_equal(o->nframes, w->nframes);
		if (w->nframes > 0) {
			tui_frame_format(&o->frames[0], buf, sizeof buf);
			assert_string_equal(buf, w->frame0);
		}
		for (i = 0; i < o->nframes; i++)
			if (o->frames[i].unreliable) {
				unrel = (int)i;
				break;
			}
		assert_int_equal(unrel, w->first_unreliable);
		assert_int_equal(o->ncode, w->ncode);
		assert_int_equal(o->code_fault, w->code_fault);
		if (w->code_fault >= 0)
			assert_int_equal(o->code[w->code_fault], w->fault_byte);
		assert_int_equal(o->die_no, w->die_no);
		assert_true(o->fault_addr == w->fault_addr);
		tui_panic_free(p);
	}
}

static void
test_oops_null_details(void **state)
{
	struct tui_panic	*p = parse_file("oops_null.txt");
	const struct tui_oops	*o = tui_panic_get(p, 0), *o2;

	(void)state;
	assert_true(o->has_rip);
	assert_int_equal(o->rip_cs, 0x10);
	assert_true(o->ended);
	/* The user-mode RIP inside the trace is not the oops RIP. */
	assert_string_equal(o->rip.func, "sysrq_handle_crash");
	assert_true(o->frames[3].unreliable);
	assert_string_equal(o->frames[3].func, "preempt_count_add");
	assert_int_equal(o->frames[0].ctx, TUI_CTX_TASK);
	assert_int_equal(o->code_fault_len, 1);
	/* The fault panic that follows is listed, not the summary. */
	o2 = tui_panic_get(p, 1);
	assert_int_equal(o2->kind, TUI_OOPS_PANIC);
	assert_string_equal(o2->detail, "Fatal exception");
	assert_null(tui_panic_get(p, 2));
	tui_panic_free(p);
}

static void
test_kbug_irq_context(void **state)
{
	struct tui_panic	*p = parse_file("kbug_irq.txt");
	const struct tui_oops	*o = tui_panic_get(p, 0);

	(void)state;
	assert_string_equal(o->file, "mm/slub.c");
	assert_int_equal(o->line, 4390);
	assert_int_equal(o->frames[2].ctx, TUI_CTX_IRQ);
	assert_string_equal(o->frames[2].func, "rcu_do_batch");
	assert_int_equal(o->frames[7].ctx, TUI_CTX_TASK);
	assert_string_equal(o->frames[7].func,
	    "asm_sysvec_apic_timer_interrupt");
	/* The nested RIP (interrupted idle) is not the fault RIP. */
	assert_string_equal(o->rip.func, "kfree");
	assert_string_equal(o->frames[8].func, "default_idle_call");
	tui_panic_free(p);
}

static void
test_warn_then_oopses(void **state)
{
	struct tui_panic	*p = parse_file("warn_then_oops.txt");
	const struct tui_oops	*o;

	(void)state;
	o = tui_panic_get(p, 0);
	assert_string_equal(o->file, "drivers/misc/lkdtm/bugs.c");
	assert_int_equal(o->line, 97);
	o = tui_panic_get(p, 1);
	assert_int_equal(o->kind, TUI_OOPS_BUG);
	assert_int_equal(o->die_no, 1);
	assert_string_equal(o->comm, "my prog");
	assert_string_equal(o->taint, "W");
	assert_true(o->fault_addr == 0xffffffffc0201000ULL);
	assert_true(o->has_rip);
	assert_string_equal(where(o), "0xffffffffc0201000");
	assert_true(o->frames[0].unreliable);
	assert_true(o->frames[0].addr == 0xffffffffc0201000ULL);
	assert_int_equal(o->ncode, 0);
	o = tui_panic_get(p, 2);
	assert_int_equal(o->die_no, 2);
	assert_string_equal(o->taint, "DW");
	assert_true(o->fault_addr == 8);
	tui_panic_free(p);
}

static void
test_many_reports_capped(void **state)
{
	struct tui_panic	*p = tui_panic_new();
	char			 line[80];
	int			 i;

	(void)state;
	for (i = 0; i < 20; i++) {
		snprintf(line, sizeof line, "Kernel panic - not syncing: n%d",
		    i);
		tui_panic_line(p, line, strlen(line));
		tui_panic_line(p, "RIP: 0010:f+0x1/0x2", 19);
	}
	assert_int_equal(tui_panic_count(p), TUI_OOPS_MAX);
	assert_int_equal(tui_panic_seen(p), 20);
	assert_string_equal(tui_panic_get(p, 0)->detail, "n0");
	tui_panic_reset(p);
	assert_int_equal(tui_panic_count(p), 0);
	tui_panic_free(p);
}

static void
test_hostile_lines(void **state)
{
	struct tui_panic	*p = tui_panic_new();
	const struct tui_oops	*o;
	static const char	 evil[] =
	    "[ 1.0] Kernel panic - not syncing: \x1b[2J\x1b]0;pwn\x07" "gone\r\n"
	    "CPU: 0 PID: 1 Comm: \x1b[31msh Not tainted 6.1.0 #1\n";
	char			 big[3000];

	(void)state;
	tui_panic_feed(p, evil, sizeof evil - 1);
	o = tui_panic_get(p, 0);
	assert_string_equal(o->detail, "gone");
	assert_string_equal(o->comm, "sh");
	/* An overlong line is cut, not overflowed. */
	memset(big, 'A', sizeof big);
	memcpy(big, "BUG: ", 5);
	tui_panic_feed(p, big, sizeof big);
	tui_panic_feed(p, "\n", 1);
	o = tui_panic_get(p, 1);
	assert_non_null(o);
	assert_int_equal(strlen(o->title), sizeof o->title - 1);
	tui_panic_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_table),
		cmocka_unit_test(test_sanitize_bounds),
		cmocka_unit_test(test_strip_timestamp),
		cmocka_unit_test(test_taint_words),
		cmocka_unit_test(test_parse_rows),
		cmocka_unit_test(test_lab_capture),
		cmocka_unit_test(test_oops_null_details),
		cmocka_unit_test(test_kbug_irq_context),
		cmocka_unit_test(test_warn_then_oopses),
		cmocka_unit_test(test_many_reports_capped),
		cmocka_unit_test(test_hostile_lines),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
