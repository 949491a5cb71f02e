/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_tui_views.c: the canvas and every view, drawn from the
 * same realistic stop (tests/data/tui/oops_null.txt) and compared with
 * golden screens tests/data/tui/NAME.result (text, then one attribute
 * letter per cell). TUI_UPDATE_GOLDEN=1 rewrites them; review the diff.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rsp/rsp.h"
#include "tui/tui.h"
#include "tests/unit/labpath.h"

static char *
slurp(const char *path, size_t *len_out)
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
		n = 0;
	fclose(f);
	if (len_out != NULL)
		*len_out = (size_t)n;
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
	want = slurp(path, NULL);
	if (want == NULL || strcmp(got, want) != 0)
		print_message("# %s differs; got:\n%s", path, got);
	assert_non_null(want);
	assert_string_equal(got, want);
	free(got);
	free(want);
}

/* ---- a small vmlinux-like ELF64 built in memory */

struct fsym {
	const char	*name;
	uint64_t	 addr, size;
	int		 type;
};

static const struct fsym ksyms[] = {
	{ "_text", 0xffffffff81000000, 0, STT_NOTYPE },
	{ "do_syscall_64", 0xffffffff81a3c100, 0x90, STT_FUNC },
	{ "entry_SYSCALL_64_after_hwframe", 0xffffffff81c00063 - 0x63, 0xcd,
	  STT_FUNC },
	{ "ksys_write", 0xffffffff812a1f00, 0xe0, STT_FUNC },
	{ "vfs_write", 0xffffffff812a1a00, 0x3e0, STT_FUNC },
	{ "proc_reg_write", 0xffffffff8130b100, 0xa0, STT_FUNC },
	{ "write_sysrq_trigger", 0xffffffff8168a300, 0x40, STT_FUNC },
	{ "__handle_sysrq", 0xffffffff8168a000, 0x1a0, STT_FUNC },
	{ "sysrq_handle_crash", 0xffffffff81689e40, 0x20, STT_FUNC },
	{ "_etext", 0xffffffff81e00000, 0, STT_NOTYPE },
};

static struct tui_symtab *
make_symtab(void)
{
	static uint8_t	 img[8192];
	Elf64_Ehdr	 eh;
	Elf64_Shdr	 sh[5];
	Elf64_Sym	 sym;
	char		 str[1024];
	char		 err[TUI_ERRLEN];
	static const char shstr[] = "\0.text\0.symtab\0.strtab\0.shstrtab";
	size_t		 o, so = 1, i, nsym = sizeof ksyms / sizeof ksyms[0];
	size_t		 o_sym, o_str, o_shstr, o_sh;
	struct tui_symtab *st;

	memset(img, 0, sizeof img);
	memset(str, 0, sizeof str);
	o = sizeof eh;
	o_sym = o;
	memset(&sym, 0, sizeof sym);
	memcpy(img + o, &sym, sizeof sym);
	o += sizeof sym;
	for (i = 0; i < nsym; i++) {
		memset(&sym, 0, sizeof sym);
		sym.st_name = (Elf64_Word)so;
		sym.st_value = ksyms[i].addr;
		sym.st_size = ksyms[i].size;
		sym.st_info = (unsigned char)ELF64_ST_INFO(STB_GLOBAL,
		    ksyms[i].type);
		sym.st_shndx = 1;
		memcpy(img + o, &sym, sizeof sym);
		o += sizeof sym;
		memcpy(str + so, ksyms[i].name, strlen(ksyms[i].name) + 1);
		so += strlen(ksyms[i].name) + 1;
	}
	o_str = o;
	memcpy(img + o, str, so);
	o += so;
	o_shstr = o;
	memcpy(img + o, shstr, sizeof shstr);
	o += sizeof shstr;
	o = (o + 7) & ~(size_t)7;
	o_sh = o;
	memset(sh, 0, sizeof sh);
	sh[1] = (Elf64_Shdr){ 1, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
	    0xffffffff81000000, 0, 0xe00000, 0, 0, 16, 0 };
	sh[2] = (Elf64_Shdr){ 7, SHT_SYMTAB, 0, 0, o_sym,
	    (nsym + 1) * sizeof(Elf64_Sym), 3, 1, 8, sizeof(Elf64_Sym) };
	sh[3] = (Elf64_Shdr){ 15, SHT_STRTAB, 0, 0, o_str, so, 0, 0, 1, 0 };
	sh[4] = (Elf64_Shdr){ 23, SHT_STRTAB, 0, 0, o_shstr, sizeof shstr,
	    0, 0, 1, 0 };
	memcpy(img + o_sh, sh, sizeof sh);
	o = o_sh + sizeof sh;
	memset(&eh, 0, sizeof eh);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_shoff = o_sh;
	eh.e_ehsize = sizeof eh;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 5;
	eh.e_shstrndx = 4;
	memcpy(img, &eh, sizeof eh);
	st = tui_symtab_from_mem(img, o, err);
	if (st == NULL)
		print_message("# %s\n", err);
	assert_non_null(st);
	return (st);
}

/* ---- the stop: registers as the oops printed them */

static const struct tui_reg stop1[] = {
	{ "rax", 0, 8 }, { "rbx", 0x63, 8 }, { "rcx", 0, 8 },
	{ "rdx", 0, 8 }, { "rsi", 0xffffffff8254c3e3, 8 },
	{ "rdi", 0x63, 8 }, { "rbp", 0xffffc90000013e58, 8 },
	{ "rsp", 0xffffc90000013e48, 8 }, { "r8", 0, 8 },
	{ "r9", 0xc0000000ffffdfff, 8 }, { "r10", 1, 8 },
	{ "r11", 0xffffc90000013d08, 8 }, { "r12", 0, 8 }, { "r13", 0, 8 },
	{ "r14", 0, 8 }, { "r15", 0, 8 },
	{ "rip", 0xffffffff81689e56, 8 }, { "eflags", 0x10246, 4 },
	{ "cs", 0x10, 4 }, { "ss", 0x18, 4 }, { "ds", 0, 4 }, { "es", 0, 4 },
	{ "fs", 0, 4 }, { "gs", 0, 4 },
};

/* The stack from rsp up: a frame-pointer chain through the trace. */
static void
make_stack(uint8_t *mem, size_t len, struct tui_stack *s)
{
	static const uint64_t words[] = {
		0x0000000000000063,		/* +00 */
		0xffffffff82a6e8a0,		/* +08 */
		0xffffc90000013e88,		/* +10 saved rbp (fp=rsp+0x10) */
		0xffffffff8168a08f,		/* +18 __handle_sysrq+0x8f */
		0x0000000000000002,		/* +20 */
		0xffffffff81234567,		/* +28 stale text address */
		0xffff888003a2c000,		/* +30 */
		0x0000000000000000,		/* +38 */
		0xffffc90000013ea8,		/* +40 saved rbp */
		0xffffffff8168a324,		/* +48 write_sysrq_trigger+0x24 */
		0x0000000000000000,		/* +50 */
		0x0000000000000000,		/* +58 */
		0xffffc90000013ed0,		/* +60 saved rbp */
		0xffffffff8130b156,		/* +68 proc_reg_write+0x56 */
		0x0000000000000001,		/* +70 */
		0xffffffff812a1ac4,		/* +78 vfs_write+0xc4 (no fp) */
	};

	memset(mem, 0, len);
	for (size_t i = 0; i < sizeof words / sizeof words[0] &&
	    (i + 1) * 8 <= len; i++)
		for (int b = 0; b < 8; b++)
			mem[i * 8 + (size_t)b] = (uint8_t)(words[i] >> (8 * b));
	s->sp = 0xffffc90000013e48;
	s->fp = 0xffffc90000013e58;
	s->pc = 0xffffffff81689e56;
	s->mem = mem;
	s->len = sizeof words;
	s->wsize = 8;
	s->fpk = TUI_FP_UP;
	s->lr = 0;
}

static struct tui_panic *
panic_from(const char *name)
{
	char			 path[256];
	char			*t;
	size_t			 len;
	struct tui_panic	*p = tui_panic_new();

	snprintf(path, sizeof path, "tests/data/tui/%s", name);
	t = slurp(path, &len);
	assert_non_null(t);
	tui_panic_feed(p, t, len);
	tui_panic_flush(p);
	free(t);
	return (p);
}

static struct tui_log *
log_from(const char *name)
{
	char		 path[256];
	char		*t;
	size_t		 len;
	struct tui_log	*l = tui_log_new(1000);

	snprintf(path, sizeof path, "tests/data/tui/%s", name);
	t = slurp(path, &len);
	assert_non_null(t);
	tui_log_console(l, t, len);
	free(t);
	return (l);
}

/* ---- tests */

static void
test_canvas(void **state)
{
	struct tui_canvas	*c = tui_canvas_new(10, 3);
	char			*d;

	(void)state;
	assert_int_equal(tui_canvas_put(c, 8, 0, -1, TUI_A_BOLD, "abcdef"), 2);
	assert_int_equal(tui_canvas_put(c, -2, 1, -1, TUI_A_NORMAL, "xyz\x1b"),
	    2);
	assert_int_equal(tui_canvas_put(c, 0, 2, 4, TUI_A_ERR, "123456"), 4);
	assert_int_equal(tui_canvas_put(c, 0, 3, -1, TUI_A_ERR, "off"), 0);
	d = tui_canvas_dump(c);
	assert_string_equal(d, "        ab\nz?\n1234\n-- attr\n"
	    "........bb\n\neeee\n");
	free(d);
	assert_int_equal(tui_canvas_cell(c, 1, 1)->ch, '?');
	assert_null(tui_canvas_cell(c, 10, 0));
	tui_canvas_resize(c, 4, 1);
	d = tui_canvas_dump(c);
	assert_string_equal(d, "\n-- attr\n\n");
	free(d);
	tui_canvas_free(c);
}

static void
test_status(void **state)
{
	struct tui_canvas	*c = tui_canvas_new(80, 5);
	struct tui_status	 s;

	(void)state;
	memset(&s, 0, sizeof s);
	s.bridge = true;
	s.link_up = true;
	snprintf(s.device, sizeof s.device, "/dev/ttyUSB0");
	s.baud = 115200;
	s.state = TUI_TS_RUNNING;
	s.cpu = s.thread = -1;
	s.rx_bps = 950;
	tui_status_draw(c, (struct tui_rect){ 0, 0, 80, 1 }, &s);
	s.state = TUI_TS_STOPPED;
	s.gdb_attached = true;
	s.cpu = 0;
	s.thread = 1;
	s.rx_bps = 11520;
	s.tx_bps = 1234;
	tui_status_draw(c, (struct tui_rect){ 0, 1, 80, 1 }, &s);
	s.state = TUI_TS_PANIC;
	s.retransmits = 3;
	s.cksum_errors = 1;
	s.busy = true;
	s.tick = 1;
	tui_status_draw(c, (struct tui_rect){ 0, 2, 80, 1 }, &s);
	s.link_up = false;
	tui_status_draw(c, (struct tui_rect){ 0, 3, 80, 1 }, &s);
	s.bridge = false;
	tui_status_draw(c, (struct tui_rect){ 0, 4, 80, 1 }, &s);
	golden(c, "status");
	tui_canvas_free(c);
}

static void
test_eflags(void **state)
{
	char	buf[64];

	(void)state;
	tui_eflags_format(0x246, buf, sizeof buf);
	assert_string_equal(buf, "0x246 [ PF ZF IF ]");
	tui_eflags_format(0x10286, buf, sizeof buf);
	assert_string_equal(buf, "0x10286 [ PF SF IF RF ]");
	tui_eflags_format(0, buf, sizeof buf);
	assert_string_equal(buf, "0x0 [ ]");
	tui_eflags_format(0x246, buf, 8);
	assert_int_equal(strlen(buf), 7);
}

/* The pane takes what rsp/regs parsed from a real-shaped 'g' reply. */
static void
test_regs_from_rsp(void **state)
{
	const struct rsp_arch	*a = rsp_arch_get(RSP_ARCH_X86_64);
	struct rsp_regs		 rr;
	struct tui_reg		 out[TUI_REGS_MAX];
	char			 hex[2 * RSP_REGS_MAX + 1];
	uint8_t			 raw[RSP_REGS_MAX];
	int			 rip, efl;
	size_t			 n, i;
	bool			 seen_rip = false, seen_efl = false;

	(void)state;
	assert_non_null(a);
	memset(raw, 0, sizeof raw);
	rip = rsp_arch_reg_by_name(a, "rip");
	efl = rsp_arch_reg_by_name(a, "eflags");
	assert_true(rip >= 0 && efl >= 0);
	for (i = 0; i < 8; i++)
		raw[a->regs[rip].offset + (int)i] =
		    (uint8_t)(UINT64_C(0xffffffff81689e56) >> (8 * i));
	raw[a->regs[efl].offset] = 0x46;
	raw[a->regs[efl].offset + 1] = 0x02;
	assert_int_equal(rsp_hex_encode(hex, sizeof hex, raw,
	    a->numregbytes), (int)(2 * a->numregbytes));
	assert_true(rsp_regs_parse_g(a, hex, 2 * a->numregbytes, &rr) >= 0);
	n = tui_regs_from_rsp(&rr, out, TUI_REGS_MAX);
	assert_true(n >= 17);
	for (i = 0; i < n; i++) {
		if (strcmp(out[i].name, "rip") == 0) {
			assert_true(out[i].value == 0xffffffff81689e56);
			seen_rip = true;
		}
		if (strcmp(out[i].name, "eflags") == 0) {
			assert_true(out[i].value == 0x246);
			seen_efl = true;
		}
	}
	assert_true(seen_rip && seen_efl);
	assert_int_equal(tui_regs_from_rsp(&rr, out, 3), 3);
}

static void
test_regs(void **state)
{
	struct tui_canvas	*c = tui_canvas_new(80, 14);
	struct tui_regs_view	*v = tui_regs_view_new();
	struct tui_symtab	*st = make_symtab();
	struct tui_reg		 stop2[sizeof stop1 / sizeof stop1[0]];

	(void)state;
	tui_regs_draw(c, (struct tui_rect){ 0, 0, 80, 1 }, v, st);
	tui_regs_view_set(v, stop1, sizeof stop1 / sizeof stop1[0]);
	assert_false(tui_regs_view_changed(v, "rip"));
	/* The second stop: a step later, three registers moved. */
	memcpy(stop2, stop1, sizeof stop2);
	stop2[0].value = 1;			/* rax */
	stop2[16].value = 0xffffffff8168a08f;	/* rip */
	stop2[17].value = 0x246;		/* eflags */
	tui_regs_view_set(v, stop2, sizeof stop2 / sizeof stop2[0]);
	assert_true(tui_regs_view_changed(v, "rip"));
	assert_true(tui_regs_view_changed(v, "rax"));
	assert_false(tui_regs_view_changed(v, "rbx"));
	assert_false(tui_regs_view_changed(v, "nosuch"));
	/* wide (two or three columns) and narrow (one column) */
	tui_regs_draw(c, (struct tui_rect){ 0, 1, 80, 7 }, v, st);
	tui_regs_draw(c, (struct tui_rect){ 0, 8, 30, 6 }, v, st);
	golden(c, "regs");
	tui_symtab_free(st);
	tui_regs_view_free(v);
	tui_canvas_free(c);
}

static void
test_stack(void **state)
{
	struct tui_canvas	*c = tui_canvas_new(60, 18);
	struct tui_symtab	*st = make_symtab();
	struct tui_stack	 s;
	struct tui_fp_frame	 fr[8];
	uint8_t			 mem[256];
	size_t			 n;

	(void)state;
	make_stack(mem, sizeof mem, &s);
	n = tui_stack_fp_walk(&s, fr, 8);
	assert_int_equal(n, 3);
	assert_true(fr[0].ret == 0xffffffff8168a08f);
	assert_true(fr[1].ret == 0xffffffff8168a324);
	assert_true(fr[2].ret == 0xffffffff8130b156);
	assert_true(fr[0].saved_at == s.fp && fr[0].ret_at == s.fp + 8);
	/* fp outside, misaligned, or a loop: stop at once */
	{
		struct tui_stack t = s;

		t.fp = 0x10;
		assert_int_equal(tui_stack_fp_walk(&t, fr, 8), 0);
		t.fp = s.fp + 1;
		assert_int_equal(tui_stack_fp_walk(&t, fr, 8), 0);
	}
	assert_int_equal(tui_stack_fp_walk(&s, fr, 1), 1);
	tui_stack_draw(c, (struct tui_rect){ 0, 0, 60, 18 }, &s, st);
	golden(c, "stack");
	{
		char where_buf[128];

		assert_true(tui_stack_where(&s, st, where_buf,
		    sizeof where_buf) > 0);
		assert_string_equal(where_buf, "__handle_sysrq+0x8f/0x1a0");
		assert_int_equal(tui_stack_where(&s, NULL, where_buf,
		    sizeof where_buf), 0);
	}
	tui_stack_draw(c, (struct tui_rect){ 0, 0, 60, 18 }, NULL, st);
	assert_int_equal(tui_canvas_cell(c, 6, 0)->ch, '(');
	tui_symtab_free(st);
	tui_canvas_free(c);
}

/* Little-endian words into mem at word index i (w bytes each). */
static void
put_words(uint8_t *mem, unsigned w, const uint64_t *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (unsigned b = 0; b < w; b++)
			mem[i * w + b] = (uint8_t)(words[i] >> (8 * b));
}

/*
 * riscv (arch/riscv/kernel/stacktrace.c): the record sits below fp, the
 * caller's fp at fp-16 and ra at fp-8; the kgdb stop is in a leaf
 * (arch_kgdb_breakpoint saves only s0, at fp-8), whose return address
 * is still in ra.
 */
static void
test_stack_riscv(void **state)
{
	const uint64_t	 sp = 0xff6000000061fa90;
	const uint64_t	 words[] = {
		0x00000000deadbeef,	/* +00 stale (leaf's sp) */
		sp + 0x40,		/* +08 leaf: caller's fp (fp0 = +10) */
		0x0000000000000001,	/* +10 */
		0x0000000000000002,	/* +18 */
		0x0000000000000003,	/* +20 */
		0x0000000000000004,	/* +28 */
		sp + 0x70,		/* +30 fp1-16: caller's fp */
		0xffffffff80400010,	/* +38 fp1-8: return address */
		0x0000000000000005,	/* +40 */
		0x0000000000000006,	/* +48 */
		0x0000000000000007,	/* +50 */
		0x0000000000000008,	/* +58 */
		sp + 0xa0,		/* +60 fp2-16 */
		0xffffffff80400020,	/* +68 fp2-8 */
		0x0000000000000009,	/* +70 */
		0x000000000000000a,	/* +78 */
		0x000000000000000b,	/* +80 */
		0x000000000000000c,	/* +88 */
		0x0000000000000000,	/* +90 fp3-16: end of the chain */
		0xffffffff80400030,	/* +98 fp3-8 */
	};
	uint8_t			 mem[sizeof words];
	struct tui_stack	 s = { sp, sp + 0x10, 0xffffffff80005708, mem,
	    sizeof mem, 8, TUI_FP_RISCV, 0xffffffff80052624 };
	struct tui_fp_frame	 fr[8];

	(void)state;
	put_words(mem, 8, words, sizeof words / sizeof words[0]);
	assert_int_equal(tui_fp_kind_for("riscv64"), TUI_FP_RISCV);
	assert_int_equal(tui_fp_kind_for("arm"), TUI_FP_APCS);
	assert_int_equal(tui_fp_kind_for("x86_64"), TUI_FP_UP);
	assert_int_equal(tui_fp_kind_for("arm64"), TUI_FP_UP);
	assert_int_equal(tui_stack_fp_walk(&s, fr, 8), 4);
	assert_true(fr[0].ret == 0xffffffff80052624 && fr[0].ret_at == 0);
	assert_true(fr[1].ret == 0xffffffff80400010);
	assert_true(fr[1].fp == sp + 0x40 && fr[1].ret_at == sp + 0x38 &&
	    fr[1].saved_at == sp + 0x30);
	assert_true(fr[2].ret == 0xffffffff80400020);
	assert_true(fr[3].ret == 0xffffffff80400030);
	/* Without ra the leaf cannot be told: the walk reads fp0's record
	 * as a full one (its "return address" the saved fp) and stops at
	 * the stale word below it. */
	s.lr = 0;
	assert_int_equal(tui_stack_fp_walk(&s, fr, 8), 1);
	assert_true(fr[0].ret == sp + 0x40);
	/* From a frame that keeps ra, the same chain. */
	s.fp = sp + 0x40;
	assert_int_equal(tui_stack_fp_walk(&s, fr, 8), 3);
	assert_true(fr[0].ret == 0xffffffff80400010);
}

/* arm built by gcc: the APCS frame, [fp-12] caller's fp, [fp-4] lr. */
static void
test_stack_apcs(void **state)
{
	const uint64_t	 sp = 0xc1001e00;
	const uint64_t	 words[] = {
		0x11111111,	/* +00 */
		sp + 0x1c,	/* +04 fp0-12: caller's fp */
		sp + 0x14,	/* +08 fp0-8: sp */
		0xc0163730,	/* +0c fp0-4: lr */
		0xc0100000,	/* +10 fp0: pc slot */
		0x22222222,	/* +14 */
		0x00000000,	/* +18 fp1-4 */
		0xc0163800,	/* +1c fp1: pc slot */
	};
	uint8_t			 mem[8 * 4];
	struct tui_stack	 s = { sp, sp + 0x10, 0xc0100000, mem,
	    sizeof mem, 4, TUI_FP_APCS, 0 };
	struct tui_fp_frame	 fr[8];

	(void)state;
	put_words(mem, 4, words, sizeof words / sizeof words[0]);
	assert_int_equal(tui_stack_fp_walk(&s, fr, 8), 2);
	assert_true(fr[0].ret == 0xc0163730 && fr[0].saved_at == sp + 0x04);
	assert_true(fr[1].fp == sp + 0x1c && fr[1].ret == 0);
}

static void
test_panic_view(void **state)
{
	struct tui_canvas	*c = tui_canvas_new(80, 14);
	struct tui_panic	*p = panic_from("oops_null.txt");

	(void)state;
	tui_panic_draw(c, (struct tui_rect){ 0, 0, 80, 14 }, p, NULL, NULL);
	golden(c, "panic_oops_null");
	tui_panic_free(p);

	p = panic_from("warn_then_oops.txt");
	tui_canvas_resize(c, 80, 8);
	tui_panic_draw(c, (struct tui_rect){ 0, 0, 80, 8 }, p, NULL, NULL);
	golden(c, "panic_warn_then_oops");
	tui_panic_free(p);

	/* the lab kernel's real oops, then its panic */
	p = panic_from("lab_oops_panic.txt");
	tui_canvas_resize(c, 80, 12);
	tui_panic_draw(c, (struct tui_rect){ 0, 0, 80, 12 }, p, NULL, NULL);
	golden(c, "panic_lab");
	tui_panic_free(p);

	p = panic_from("gpf_module.txt");
	tui_canvas_resize(c, 100, 12);
	tui_panic_draw(c, (struct tui_rect){ 0, 0, 100, 12 }, p, NULL, NULL);
	golden(c, "panic_gpf_module");
	tui_panic_free(p);
	tui_canvas_free(c);
}

static void
test_log_view(void **state)
{
	struct tui_canvas	*c = tui_canvas_new(80, 10);
	struct tui_log		*l = log_from("oops_null.txt");
	struct tui_printk_rec	 r;
	long			 m;

	(void)state;
	assert_int_equal(tui_log_count(l), 42);
	tui_log_draw(c, (struct tui_rect){ 0, 0, 80, 10 }, l);
	golden(c, "log_follow");

	/* search back for "RIP", then again: the earlier one */
	m = tui_log_search(l, "RIP", true);
	assert_int_equal(m, 37);
	m = tui_log_search(l, "RIP", true);
	assert_int_equal(m, 29);
	assert_false(tui_log_following(l));
	tui_log_draw(c, (struct tui_rect){ 0, 0, 80, 10 }, l);
	golden(c, "log_search");
	assert_int_equal(tui_log_search(l, "no such text", true), -1);

	/* printk records: levels, a committed record replaced by its final
	 * form, embedded newlines */
	tui_log_search(l, "", true);
	tui_log_follow(l);
	memset(&r, 0, sizeof r);
	r.seq = 500;
	r.ts_nsec = 13000000000ULL;
	r.level = 4;
	r.text = "sched: RT throttling activated";
	r.len = strlen(r.text);
	r.final = true;
	tui_log_record(l, &r);
	r.seq = 501;
	r.level = 6;
	r.text = "partial";
	r.len = 7;
	r.final = false;
	tui_log_record(l, &r);
	r.text = "partial line, done\nsecond line";
	r.len = strlen(r.text);
	r.final = true;
	tui_log_record(l, &r);
	assert_int_equal(tui_log_count(l), 45);
	assert_string_equal(tui_log_text(l, 44), "second line");
	r.seq = 502;
	r.level = 2;
	r.lost = true;
	tui_log_record(l, &r);
	tui_log_draw(c, (struct tui_rect){ 0, 0, 80, 10 }, l);
	golden(c, "log_records");

	/* scrolling back keeps the view on the same lines as more arrive */
	tui_log_scroll(l, 5);
	tui_log_console(l, "new line\n", 9);
	assert_false(tui_log_following(l));
	tui_log_scroll(l, -100);
	assert_true(tui_log_following(l));
	tui_log_free(l);
	tui_canvas_free(c);
}

static void
test_log_ring_and_hostile(void **state)
{
	struct tui_log	*l = tui_log_new(4);
	char		 line[32];

	(void)state;
	for (int i = 0; i < 10; i++) {
		snprintf(line, sizeof line, "<%d>line %d\r\n", i % 8, i);
		tui_log_console(l, line, strlen(line));
	}
	assert_int_equal(tui_log_count(l), 4);
	assert_string_equal(tui_log_text(l, 0), "line 6");
	assert_null(tui_log_text(l, 4));
	tui_log_console(l, "\x1b[2J\x1b]0;x\x07" "ok\tz\n", 15);
	assert_string_equal(tui_log_text(l, 3), "ok      z");
	/* a partial line waits for its end */
	tui_log_console(l, "half", 4);
	assert_int_equal(tui_log_count(l), 4);
	tui_log_console(l, " done\n", 6);
	assert_string_equal(tui_log_text(l, 3), "half done");
	tui_log_free(l);
}

static void
screen(int w, int h, const char *name, bool with_panic)
{
	struct tui_canvas	*c = tui_canvas_new(w, h);
	struct tui_screen	 s;
	struct tui_stack	 stk;
	uint8_t			 mem[256];
	struct tui_symtab	*st = make_symtab();
	struct tui_panic	*p = panic_from("oops_null.txt");
	struct tui_log		*l = log_from("oops_null.txt");

	memset(&s, 0, sizeof s);
	s.status.bridge = true;
	s.status.link_up = true;
	snprintf(s.status.device, sizeof s.status.device, "/dev/ttyUSB0");
	s.status.baud = 115200;
	s.status.state = TUI_TS_STOPPED;
	s.status.gdb_attached = true;
	s.status.cpu = 0;
	s.status.thread = 1;
	s.regs = tui_regs_view_new();
	tui_regs_view_set(s.regs, stop1, sizeof stop1 / sizeof stop1[0]);
	make_stack(mem, sizeof mem, &stk);
	s.stack = &stk;
	s.log = l;
	s.panic = with_panic ? p : NULL;
	s.symtab = st;
	tui_screen_draw(c, &s);
	golden(c, name);
	tui_regs_view_free(s.regs);
	tui_log_free(l);
	tui_panic_free(p);
	tui_symtab_free(st);
	tui_canvas_free(c);
}

static void
test_screens(void **state)
{
	(void)state;
	screen(80, 24, "screen_80x24", true);
	screen(120, 40, "screen_120x40", true);
	screen(80, 24, "screen_80x24_nopanic", false);
	screen(40, 10, "screen_40x10", true);
}

/*
 * The lab kernel stopped in its panic loop (lab.mode=panic under QEMU):
 * 2 KiB of stack from rsp, rsp/rbp, and gdb's bt on the same stop
 * (tests/data/tui/lab_panic_{stack.mem,bt.txt}). The frame-pointer walk
 * must find gdb's frames, return address for return address; with the
 * lab's vmlinux (the same build), the pane names them as gdb does.
 */
struct bt_frame {
	uint64_t	 pc;
	char		 name[64];	/* outermost of an inlined chain */
};

static size_t
load_bt(struct bt_frame *f, size_t max, uint64_t *rip, uint64_t *rsp,
    uint64_t *rbp)
{
	FILE		*in = fopen("tests/data/tui/lab_panic_bt.txt", "r");
	char		 line[256], name[64];
	unsigned long long pc, a, b, c;
	size_t		 n = 0;

	assert_non_null(in);
	assert_non_null(fgets(line, sizeof line, in));
	assert_int_equal(sscanf(line, "regs %llx %llx %llx", &a, &b, &c), 3);
	*rip = a;
	*rsp = b;
	*rbp = c;
	while (fgets(line, sizeof line, in) != NULL) {
		char *p = strchr(line, ' ');

		while (p != NULL && *p == ' ')
			p++;
		assert_non_null(p);
		if (sscanf(p, "0x%llx in %63s", &pc, name) == 2) {
			assert_true(n < max);
			f[n].pc = pc;
			snprintf(f[n].name, sizeof f[n].name, "%s", name);
			n++;
		} else if (sscanf(p, "%63s", name) == 1 && n > 0) {
			/* an inlined caller: the symbol is the outer one */
			snprintf(f[n - 1].name, sizeof f[n - 1].name, "%s",
			    name);
		}
	}
	fclose(in);
	return (n);
}

static size_t
load_stack(uint8_t *mem, size_t max, uint64_t rsp)
{
	FILE		*in = fopen("tests/data/tui/lab_panic_stack.mem", "r");
	static char	 line[2048];
	unsigned long long a;
	size_t		 len, i, total = 0;
	unsigned	 b;

	assert_non_null(in);
	while (fgets(line, sizeof line, in) != NULL) {
		assert_int_equal(sscanf(line, "%llx %zu", &a, &len), 2);
		assert_true(a == rsp + total && total + len <= max);
		for (i = 0; i < len; i++) {
			assert_int_equal(sscanf(strrchr(line, ' ') + 1 + 2 * i,
			    "%2x", &b), 1);
			mem[total + i] = (uint8_t)b;
		}
		total += len;
	}
	fclose(in);
	return (total);
}

/*
 * The lab's vmlinux (labpath.h), which must be the build the capture came
 * from: gdb's frames in lab_panic_bt.txt name the functions at their
 * addresses.  Fails with the reason otherwise.
 */
static struct tui_symtab *
lab_symtab(const struct bt_frame *bt, size_t nbt)
{
	char			 err[TUI_ERRLEN], why[1200], *path;
	struct tui_symtab	*st;
	const char		*name;
	uint64_t		 off;
	size_t			 i, named = 0;

	if ((path = lab_vmlinux_path(why, sizeof why)) == NULL) {
		print_error("no lab vmlinux to name the frames: %s\n", why);
		fail();
	}
	if ((st = tui_symtab_open(path, err)) == NULL) {
		print_error("%s: %s\n", path, err);
		free(path);
		fail();
	}
	/* frame 0 is a pc, the others return addresses (look before them) */
	for (i = 0; i < nbt; i++) {
		if (i != 0 && strcmp(bt[i].name, "sysrq_handle_crash") != 0)
			continue;
		if (!tui_symtab_lookup(st, bt[i].pc - (i > 0), &name, &off,
		    NULL) || strcmp(name, bt[i].name) != 0) {
			print_error("%s is not the kernel tests/data/tui/"
			    "lab_panic_* came from (%s at %#llx): capture "
			    "them again (tests/data/tui/lab-capture.sh)\n",
			    path, bt[i].name, (unsigned long long)bt[i].pc);
			tui_symtab_free(st);
			free(path);
			fail();
		}
		named++;
	}
	free(path);
	assert_int_equal(named, 2);
	return (st);
}

static void
test_lab_panic_stack(void **state)
{
	struct bt_frame		 bt[32];
	struct tui_fp_frame	 fr[TUI_FP_MAX];
	static uint8_t		 mem[4096];
	uint64_t		 rip, rsp, rbp, off;
	size_t			 nbt, len, nfr, i;
	struct tui_symtab	*st;
	const char		*name;

	(void)state;
	nbt = load_bt(bt, 32, &rip, &rsp, &rbp);
	assert_int_equal(nbt, 14);
	len = load_stack(mem, sizeof mem, rsp);
	assert_int_equal(len, 2048);
	{
		struct tui_stack walk = { rsp, rbp, rip, mem, len, 8,
		    TUI_FP_UP, 0 };

		nfr = tui_stack_fp_walk(&walk, fr, TUI_FP_MAX);
	}
	/* The delay function keeps no frame: its return (bt #1) is the word
	 * at rsp;
	 * the walk starts at __delay's frame and finds every later one up
	 * to entry_SYSCALL_64, which keeps none. */
	assert_true(bt[0].pc == rip);
	{
		uint64_t w0 = 0;

		for (i = 8; i-- > 0;)
			w0 = w0 << 8 | mem[i];
		assert_true(w0 == bt[1].pc);
	}
	assert_int_equal(nfr, nbt - 2);
	for (i = 0; i < nfr; i++)
		assert_true(fr[i].ret == bt[i + 2].pc);

	st = lab_symtab(bt, nbt);
	for (i = 0; i < nfr; i++) {
		char buf[128];

		/* a return address can sit just past its function's end */
		assert_true(tui_symtab_lookup(st, fr[i].ret - 1, &name, &off,
		    NULL));
		tui_symtab_format_ret(st, fr[i].ret, buf, sizeof buf);
		assert_memory_equal(buf, name, strlen(name));
		/* gdb names entry code by its ELF symbol; the symtab, like
		 * the kernel's traces, by the nearest label in it
		 * (entry_SYSCALL_64_after_hwframe) */
		if (strcmp(name, bt[i + 2].name) != 0)
			assert_memory_equal(name, bt[i + 2].name,
			    strlen(bt[i + 2].name));
	}
	print_message("# %zu fp frames match gdb's bt by name\n", nfr);
	{
		/* The panic's text names no function; the stack does. */
		struct tui_stack	 stk = { rsp, rbp, rip, mem, len, 8,
		    TUI_FP_UP, 0 };
		struct tui_canvas	*c = tui_canvas_new(80, 24);
		struct tui_panic	*p = panic_from("lab_panic.txt");
		struct tui_screen	 scr;
		char			 wb[128], *d;

		tui_stack_where(&stk, st, wb, sizeof wb);
		assert_string_equal(wb, "sysrq_handle_crash+0x10/0x10");
		memset(&scr, 0, sizeof scr);
		scr.status.cpu = scr.status.thread = -1;
		scr.stack = &stk;
		scr.panic = p;
		scr.symtab = st;
		tui_screen_draw(c, &scr);
		d = tui_canvas_dump(c);
		assert_non_null(strstr(d, "\nPANIC Kernel panic - not syncing: "
		    "sysrq triggered crash\nat    sysrq_handle_crash+0x10/0x10"
		    "  (from the stack)\n"));
		free(d);
		tui_panic_free(p);
		tui_canvas_free(c);
	}
	{
		char buf[128];

		/* panic() never returns: the call ends sysrq_handle_crash */
		tui_symtab_format_ret(st, fr[2].ret, buf, sizeof buf);
		assert_string_equal(buf, "sysrq_handle_crash+0x10/0x10");
		tui_symtab_format(st, fr[2].ret, buf, sizeof buf);
		assert_string_not_equal(buf, "sysrq_handle_crash+0x10/0x10");
	}
	tui_symtab_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canvas),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_eflags),
		cmocka_unit_test(test_regs_from_rsp),
		cmocka_unit_test(test_regs),
		cmocka_unit_test(test_stack),
		cmocka_unit_test(test_stack_riscv),
		cmocka_unit_test(test_stack_apcs),
		cmocka_unit_test(test_panic_view),
		cmocka_unit_test(test_log_view),
		cmocka_unit_test(test_log_ring_and_hostile),
		cmocka_unit_test(test_screens),
		cmocka_unit_test(test_lab_panic_stack),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
