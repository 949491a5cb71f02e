/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_tui_symtab.c: the vmlinux symbol reader, on the test
 * binary itself (ELF64, PIE: the slide is measured from a known function)
 * and on a small ELF32 image built here, shaped like an i386 vmlinux.
 */
#include <elf.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tui/tui.h"
#include "tests/unit/labpath.h"

/* What the reader must find in this very binary. */
static unsigned long prb __attribute__((used)) = 1;

__attribute__((noinline, used)) int tui_test_marker(int x);
__attribute__((noinline, used)) int
tui_test_marker(int x)
{
	return (x * 3 + (int)prb);
}

static void
test_self_elf64(void **state)
{
	char			 err[TUI_ERRLEN], buf[128], want[128];
	struct tui_symtab	*st;
	uint64_t		 link, addr, off, size;
	const char		*name;
	int64_t			 slide;

	(void)state;
	st = tui_symtab_open("/proc/self/exe", err);
	assert_non_null(st);
	assert_int_equal(tui_symtab_bits(st), 64);
	assert_true(tui_symtab_count(st) > 10);

	assert_true(tui_symtab_addr(st, "tui_test_marker", &link));
	slide = (int64_t)((uint64_t)(uintptr_t)&tui_test_marker - link);
	tui_symtab_set_slide(st, slide);

	addr = (uint64_t)(uintptr_t)&tui_test_marker;
	assert_true(tui_symtab_lookup(st, addr + 3, &name, &off, &size));
	assert_string_equal(name, "tui_test_marker");
	assert_true(off == 3);
	assert_true(size > 3 && size < 256);
	snprintf(want, sizeof want, "tui_test_marker+0x3/0x%llx",
	    (unsigned long long)size);
	tui_symtab_format(st, addr + 3, buf, sizeof buf);
	assert_string_equal(buf, want);
	assert_true(tui_symtab_is_text(st, addr));

	/* Another function of ours, at its runtime address. */
	assert_true(tui_symtab_lookup(st, (uint64_t)(uintptr_t)&test_self_elf64,
	    &name, &off, NULL));
	assert_string_equal(name, "test_self_elf64");
	assert_true(off == 0);

	/* A static object (`prb`), at its runtime address. */
	assert_true(tui_symtab_addr(st, "prb", &addr));
	assert_true(addr == (uint64_t)(uintptr_t)&prb);
	assert_false(tui_symtab_is_text(st, addr));
	assert_false(tui_symtab_lookup(st, addr, NULL, NULL, NULL));
	tui_symtab_free(st);
}

/* ---- a hand-made ELF32 */

struct elfb {
	uint8_t	 buf[4096];
	size_t	 len;
};

static size_t
eb_add(struct elfb *b, const void *p, size_t n)
{
	size_t	at = (b->len + 3) & ~(size_t)3;

	assert_true(at + n <= sizeof b->buf);
	memcpy(b->buf + at, p, n);
	b->len = at + n;
	return (at);
}

static Elf32_Sym
sym32(uint32_t name, uint32_t value, uint32_t size, int bind, int type,
    uint16_t shndx)
{
	Elf32_Sym s;

	memset(&s, 0, sizeof s);
	s.st_name = name;
	s.st_value = value;
	s.st_size = size;
	s.st_info = (unsigned char)ELF32_ST_INFO(bind, type);
	s.st_shndx = shndx;
	return (s);
}

static void
build_elf32(struct elfb *b)
{
	/* sections: 0 null, 1 .text, 2 .data, 3 .symtab, 4 .strtab,
	 * 5 .shstrtab, 6 .bss */
	static const char shstr[] =
	    "\0.text\0.data\0.symtab\0.strtab\0.shstrtab\0.bss";
	static const char str[] =
	    "\0_text\0start_kernel\0panic\0local_helper\0prb\0_etext\0"
	    "$x\0jiffies";
	/* offsets in str */
	enum { S_TEXT = 1, S_START = 7, S_PANIC = 20, S_LOCAL = 26,
	    S_PRB = 39, S_ETEXT = 43, S_DOLLAR = 50, S_JIFFIES = 53 };
	Elf32_Sym	 syms[11];
	Elf32_Ehdr	 eh;
	Elf32_Shdr	 sh[7];
	size_t		 o_shstr, o_str, o_sym, o_sh;
	uint8_t		 zeros[16] = { 0 };

	memset(b, 0, sizeof *b);
	memset(syms, 0, sizeof syms);
	syms[1] = sym32(S_TEXT, 0xc1000000, 0, STB_GLOBAL, STT_NOTYPE, 1);
	syms[2] = sym32(S_START, 0xc1000000, 0x40, STB_GLOBAL, STT_FUNC, 1);
	syms[3] = sym32(S_PANIC, 0xc1000040, 0, STB_GLOBAL, STT_FUNC, 1);
	syms[4] = sym32(S_LOCAL, 0xc1000080, 0x20, STB_LOCAL, STT_FUNC, 1);
	/* decoys: a "prb" of the wrong size and one outside .data */
	syms[5] = sym32(S_PRB, 0xc2000000, 16, STB_LOCAL, STT_OBJECT, 2);
	syms[6] = sym32(S_PRB, 0xc3000000, 4, STB_LOCAL, STT_OBJECT, 6);
	syms[7] = sym32(S_PRB, 0xc2000008, 4, STB_LOCAL, STT_OBJECT, 2);
	syms[8] = sym32(S_ETEXT, 0xc1000100, 0, STB_GLOBAL, STT_NOTYPE, 1);
	syms[9] = sym32(S_DOLLAR, 0xc10000c0, 0, STB_LOCAL, STT_NOTYPE, 1);
	syms[10] = sym32(S_JIFFIES, 0xc2000004, 4, STB_GLOBAL, STT_OBJECT, 2);

	memset(&eh, 0, sizeof eh);
	b->len = sizeof eh;
	eb_add(b, zeros, sizeof zeros);
	o_shstr = eb_add(b, shstr, sizeof shstr);
	o_str = eb_add(b, str, sizeof str);
	o_sym = eb_add(b, syms, sizeof syms);

	memset(sh, 0, sizeof sh);
	sh[1] = (Elf32_Shdr){ 1, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
	    0xc1000000, 0, 0x100, 0, 0, 16, 0 };
	sh[2] = (Elf32_Shdr){ 7, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
	    0xc2000000, 0, 0x10, 0, 0, 4, 0 };
	sh[3] = (Elf32_Shdr){ 13, SHT_SYMTAB, 0, 0, (Elf32_Off)o_sym,
	    sizeof syms, 4, 5, 4, sizeof(Elf32_Sym) };
	sh[4] = (Elf32_Shdr){ 21, SHT_STRTAB, 0, 0, (Elf32_Off)o_str,
	    sizeof str, 0, 0, 1, 0 };
	sh[5] = (Elf32_Shdr){ 29, SHT_STRTAB, 0, 0, (Elf32_Off)o_shstr,
	    sizeof shstr, 0, 0, 1, 0 };
	sh[6] = (Elf32_Shdr){ 39, SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
	    0xc3000000, 0, 0x10, 0, 0, 4, 0 };
	o_sh = eb_add(b, sh, sizeof sh);

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS32;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_386;
	eh.e_version = EV_CURRENT;
	eh.e_shoff = (Elf32_Off)o_sh;
	eh.e_ehsize = sizeof eh;
	eh.e_shentsize = sizeof(Elf32_Shdr);
	eh.e_shnum = 7;
	eh.e_shstrndx = 5;
	memcpy(b->buf, &eh, sizeof eh);
}

struct look {
	uint64_t	 addr;
	const char	*want;		/* "" : not found */
};

static void
test_elf32_image(void **state)
{
	static const struct look rows[] = {
		{ 0xc1000000, "start_kernel+0x0/0x40" },
		{ 0xc1000010, "start_kernel+0x10/0x40" },
		{ 0xc1000050, "panic+0x10/0x40" },	/* unsized: to next */
		{ 0xc1000081, "local_helper+0x1/0x20" },
		{ 0xc10000a0, "" },			/* past local_helper */
		{ 0xc10000c4, "" },			/* $x is not a name */
		{ 0xc0ffffff, "" },
		{ 0xc2000004, "" },			/* data */
	};
	static const struct look rets[] = {
		{ 0xc1000040, "start_kernel+0x40/0x40" }, /* call at its end */
		{ 0xc1000041, "panic+0x1/0x40" },
		{ 0xc1000000, "" },
	};
	struct elfb		*b = tui_xcalloc(1, sizeof *b);
	struct tui_symtab	*st;
	char			 err[TUI_ERRLEN], buf[64];
	uint64_t		 a;
	size_t			 i;

	(void)state;
	build_elf32(b);
	st = tui_symtab_from_mem(b->buf, b->len, err);
	if (st == NULL)
		print_message("# %s\n", err);
	assert_non_null(st);
	assert_int_equal(tui_symtab_bits(st), 32);
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		tui_symtab_format(st, rows[i].addr, buf, sizeof buf);
		assert_string_equal(buf, rows[i].want);
	}
	for (i = 0; i < sizeof rets / sizeof rets[0]; i++) {
		tui_symtab_format_ret(st, rets[i].addr, buf, sizeof buf);
		assert_string_equal(buf, rets[i].want);
	}
	assert_true(tui_symtab_addr(st, "_text", &a));
	assert_true(a == 0xc1000000);
	assert_true(tui_symtab_addr(st, "jiffies", &a));
	assert_true(a == 0xc2000004);
	assert_false(tui_symtab_addr(st, "nosuch", &a));
	assert_true(tui_symtab_is_text(st, 0xc10000ff));
	assert_false(tui_symtab_is_text(st, 0xc1000100));

	/* KASLR: everything moves by the slide. */
	tui_symtab_set_slide(st, 0x200000);
	tui_symtab_format(st, 0xc1200010, buf, sizeof buf);
	assert_string_equal(buf, "start_kernel+0x10/0x40");
	assert_true(tui_symtab_addr(st, "jiffies", &a));
	assert_true(a == 0xc2200004);
	tui_symtab_free(st);

	/* Cut anywhere, it fails cleanly. */
	for (i = 0; i < b->len; i += 7) {
		st = tui_symtab_from_mem(b->buf, i, err);
		if (st != NULL)
			tui_symtab_free(st);
		else
			assert_true(err[0] != '\0');
	}
	free(b);
}

static void
test_errors(void **state)
{
	char	err[TUI_ERRLEN];

	(void)state;
	assert_null(tui_symtab_open("/nonexistent/vmlinux", err));
	assert_non_null(strstr(err, "No such file"));
	assert_null(tui_symtab_from_mem("#!/bin/sh\nexit 0\n\n", 18, err));
	assert_string_equal(err, "not an ELF file");
	assert_null(tui_symtab_open("tests/data/tui/oops_null.txt", err));
	assert_non_null(strstr(err, "not an ELF file"));
}

/*
 * The lab's real vmlinux (labpath.h): prb and known functions, and nm as
 * the reference for a sample of every function symbol.
 */
static void
test_lab_vmlinux(void **state)
{
	char			*path, err[TUI_ERRLEN], why[1200];
	char			 cmd[700], line[512], name[256], type;
	struct tui_symtab	*st;
	uint64_t		 a, b, off, size, nsize;
	const char		*got;
	FILE			*nm;
	unsigned		 n = 0, checked = 0;

	(void)state;
	if ((path = lab_vmlinux_path(why, sizeof why)) == NULL) {
		print_error("%s\n", why);
		fail();
	}
	st = tui_symtab_open(path, err);
	if (st == NULL)
		print_message("# %s\n", err);
	assert_non_null(st);
	assert_int_equal(tui_symtab_bits(st), 64);
	assert_true(tui_symtab_count(st) > 10000);

	/* prb by name, and not printk_rb_static itself */
	assert_true(tui_symtab_addr(st, "prb", &a));
	assert_true(tui_symtab_addr(st, "printk_rb_static", &b));
	assert_true(a != b && a >> 32 == 0xffffffff);

	/* docs/kgdb-wire.md 8.4: a sysrq stop is at kgdb_breakpoint+11 */
	assert_true(tui_symtab_addr(st, "kgdb_breakpoint", &a));
	assert_true(tui_symtab_lookup(st, a + 11, &got, &off, NULL));
	assert_string_equal(got, "kgdb_breakpoint");
	assert_true(off == 11);
	assert_true(tui_symtab_addr(st, "sysrq_handle_crash", &a));
	assert_true(tui_symtab_is_text(st, a));

	/* Every 53rd sized function nm lists lands on its own start. */
	snprintf(cmd, sizeof cmd, "nm -S --defined-only '%s'", path);
	nm = popen(cmd, "r");
	assert_non_null(nm);
	while (fgets(line, sizeof line, nm) != NULL) {
		if (sscanf(line, "%" SCNx64 " %" SCNx64 " %c %255s", &a, &nsize,
		    &type, name) != 4 || (type != 't' && type != 'T') ||
		    nsize == 0 || n++ % 53 != 0)
			continue;
		assert_true(tui_symtab_lookup(st, a + nsize / 2, &got, &off,
		    &size));
		if (a + nsize / 2 - off != a)
			print_message("# %s at %" PRIx64 ": got %s+%" PRIx64
			    "\n", name, a, got, off);
		assert_true(a + nsize / 2 - off == a);
		checked++;
	}
	pclose(nm);
	print_message("# %u functions checked against nm\n", checked);
	assert_true(checked > 200);
	tui_symtab_free(st);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_self_elf64),
		cmocka_unit_test(test_elf32_image),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_lab_vmlinux),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
