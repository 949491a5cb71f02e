/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/elf_fixture.h: a tiny ELF image in any of the four shapes
 * (32/64-bit, little/big-endian), built field by field in the chosen
 * byte order, for the tests of common/elf.c and of its users.
 *
 * Sections: 0 null, 1 .text (code at 0x1000), 2 .rodata ("hello, kgdb"
 * at 0x2000), 3 .bss, 4 .symtab, 5 .strtab, 6 .shstrtab, 7 .symtab_shndx.
 * Symbols: start (FUNC, .text, 16 bytes), msg (OBJECT, .rodata), undef
 * (undefined), far (st_shndx SHN_XINDEX, really .rodata), last_name
 * (a label in .text, its name last in .strtab).
 * Include after <cmocka.h>.
 */
#ifndef TESTS_UNIT_ELF_FIXTURE_H
#define TESTS_UNIT_ELF_FIXTURE_H

#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define FX_MAX		2048
#define FX_NSEC		8
/* Section indexes in every image. */
enum { S_NULL, S_TEXT, S_RODATA, S_BSS, S_SYMTAB, S_STRTAB, S_SHSTR,
    S_XINDEX };

struct fx {
	uint8_t		 buf[FX_MAX];
	size_t		 len;
	unsigned	 bits;
	bool		 be;
	/* Where things are, for the hostile edits. */
	size_t		 ehsize, shsize, symsize;
	size_t		 shoff;
	size_t		 sym_off, str_off, shstr_off;
	size_t		 nsyms;
};

static const char shstrs[] = "\0.text\0.rodata\0.bss\0.symtab\0.strtab\0"
    ".shstrtab\0.symtab_shndx";
enum { N_TEXT = 1, N_RODATA = 7, N_BSS = 15, N_SYMTAB = 20, N_STRTAB = 28,
    N_SHSTR = 36, N_XINDEX = 46 };
static const char strs[] = "\0start\0msg\0undef\0far\0last_name";
enum { M_START = 1, M_MSG = 7, M_UNDEF = 11, M_FAR = 17, M_LAST = 21 };
static const uint8_t text[16] = { 0x55, 0x48, 0x89, 0xe5, 0x90, 0x90,
    0x5d, 0xc3, 1, 2, 3, 4, 5, 6, 7, 8 };
static const char rodata[] = "hello, kgdb";

static __attribute__((unused)) void
put(struct fx *f, size_t off, uint64_t v, size_t n)
{
	size_t	i;

	assert_true(off + n <= sizeof f->buf);
	for (i = 0; i < n; i++)
		f->buf[off + (f->be ? n - 1 - i : i)] = (uint8_t)(v >> (8 * i));
}

/* A word: 4 or 8 bytes by class. */
static __attribute__((unused)) void
put_word(struct fx *f, size_t off, uint64_t v)
{
	put(f, off, v, f->bits / 8);
}

static __attribute__((unused)) size_t
fx_add(struct fx *f, const void *p, size_t n)
{
	size_t	at = (f->len + 7) & ~(size_t)7;

	assert_true(at + n <= sizeof f->buf);
	memcpy(f->buf + at, p, n);
	f->len = at + n;
	return (at);
}

static __attribute__((unused)) void
fx_sym(struct fx *f, size_t i, uint32_t name, uint64_t value, uint64_t size,
    int bind, int type, uint16_t shndx)
{
	size_t	o = f->sym_off + i * f->symsize;

	put(f, o, name, 4);
	if (f->bits == 64) {
		f->buf[o + 4] = (uint8_t)(bind << 4 | type);
		put(f, o + 6, shndx, 2);
		put(f, o + 8, value, 8);
		put(f, o + 16, size, 8);
	} else {
		put(f, o + 4, value, 4);
		put(f, o + 8, size, 4);
		f->buf[o + 12] = (uint8_t)(bind << 4 | type);
		put(f, o + 14, shndx, 2);
	}
}

/* Offset of field k (0 name … 9 entsize) of section header i. */
static __attribute__((unused)) size_t
sh_field(const struct fx *f, size_t i, int k)
{
	static const size_t o32[] = { 0, 4, 8, 12, 16, 20, 24, 28, 32, 36 };
	static const size_t o64[] = { 0, 4, 8, 16, 24, 32, 40, 44, 48, 56 };

	return (f->shoff + i * f->shsize + (f->bits == 64 ? o64[k] : o32[k]));
}
enum { F_NAME, F_TYPE, F_FLAGS, F_ADDR, F_OFFSET, F_SIZE, F_LINK, F_INFO,
    F_ALIGN, F_ENTSIZE };

/* Set field k of section header i (words by class, link/info 4 bytes). */
static __attribute__((unused)) void
sh_set(struct fx *f, size_t i, int k, uint64_t v)
{
	if (k == F_NAME || k == F_TYPE || k == F_LINK || k == F_INFO)
		put(f, sh_field(f, i, k), v, 4);
	else
		put_word(f, sh_field(f, i, k), v);
}

static __attribute__((unused)) void
fx_shdr(struct fx *f, size_t i, uint32_t name, uint32_t type, uint64_t flags,
    uint64_t addr, uint64_t off, uint64_t size, uint32_t link,
    uint64_t entsize)
{
	sh_set(f, i, F_NAME, name);
	sh_set(f, i, F_TYPE, type);
	sh_set(f, i, F_FLAGS, flags);
	sh_set(f, i, F_ADDR, addr);
	sh_set(f, i, F_OFFSET, off);
	sh_set(f, i, F_SIZE, size);
	sh_set(f, i, F_LINK, link);
	sh_set(f, i, F_ALIGN, 1);
	sh_set(f, i, F_ENTSIZE, entsize);
}

/* Header fields: e_shoff, e_shentsize, e_shnum, e_shstrndx. */
static __attribute__((unused)) size_t
eh_off(const struct fx *f, const char *what)
{
	bool	w = f->bits == 64;

	if (strcmp(what, "shoff") == 0)
		return (w ? 40 : 32);
	if (strcmp(what, "shentsize") == 0)
		return (w ? 58 : 46);
	if (strcmp(what, "shnum") == 0)
		return (w ? 60 : 48);
	return (w ? 62 : 50);	/* shstrndx */
}

static __attribute__((unused)) void
fx_build(struct fx *f, unsigned bits, bool be)
{
	uint8_t		zero[256];
	uint32_t	xidx[6];
	size_t		text_off, ro_off, x_off;

	memset(f, 0, sizeof *f);
	memset(zero, 0, sizeof zero);
	f->bits = bits;
	f->be = be;
	f->ehsize = bits == 64 ? 64 : 52;
	f->shsize = bits == 64 ? 64 : 40;
	f->symsize = bits == 64 ? 24 : 16;
	f->len = f->ehsize;

	text_off = fx_add(f, text, sizeof text);
	ro_off = fx_add(f, rodata, sizeof rodata);
	f->nsyms = 6;
	f->sym_off = fx_add(f, zero, f->nsyms * f->symsize);
	fx_sym(f, 1, M_START, 0x1000, sizeof text, STB_GLOBAL, STT_FUNC,
	    S_TEXT);
	fx_sym(f, 2, M_MSG, 0x2000, sizeof rodata, STB_LOCAL, STT_OBJECT,
	    S_RODATA);
	fx_sym(f, 3, M_UNDEF, 0, 0, STB_GLOBAL, STT_NOTYPE, SHN_UNDEF);
	fx_sym(f, 4, M_FAR, 0x2004, 4, STB_GLOBAL, STT_OBJECT, SHN_XINDEX);
	fx_sym(f, 5, M_LAST, 0x1008, 0, STB_LOCAL, STT_NOTYPE, S_TEXT);
	f->str_off = fx_add(f, strs, sizeof strs);
	f->shstr_off = fx_add(f, shstrs, sizeof shstrs);
	memset(xidx, 0, sizeof xidx);
	x_off = fx_add(f, xidx, sizeof xidx);
	put(f, x_off + 4 * 4, S_RODATA, 4);

	f->shoff = fx_add(f, zero, 0);
	f->len = f->shoff + FX_NSEC * f->shsize;
	assert_true(f->len <= sizeof f->buf);
	memset(f->buf + f->shoff, 0, FX_NSEC * f->shsize);
	fx_shdr(f, S_TEXT, N_TEXT, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
	    0x1000, text_off, sizeof text, 0, 0);
	fx_shdr(f, S_RODATA, N_RODATA, SHT_PROGBITS, SHF_ALLOC, 0x2000,
	    ro_off, sizeof rodata, 0, 0);
	fx_shdr(f, S_BSS, N_BSS, SHT_NOBITS, SHF_ALLOC | SHF_WRITE, 0x3000,
	    ro_off, 0x100, 0, 0);
	fx_shdr(f, S_SYMTAB, N_SYMTAB, SHT_SYMTAB, 0, 0, f->sym_off,
	    f->nsyms * f->symsize, S_STRTAB, f->symsize);
	fx_shdr(f, S_STRTAB, N_STRTAB, SHT_STRTAB, 0, 0, f->str_off,
	    sizeof strs, 0, 0);
	fx_shdr(f, S_SHSTR, N_SHSTR, SHT_STRTAB, 0, 0, f->shstr_off,
	    sizeof shstrs, 0, 0);
	fx_shdr(f, S_XINDEX, N_XINDEX, SHT_SYMTAB_SHNDX, 0, 0, x_off,
	    sizeof xidx, S_SYMTAB, 4);

	memcpy(f->buf, ELFMAG, SELFMAG);
	f->buf[EI_CLASS] = bits == 64 ? ELFCLASS64 : ELFCLASS32;
	f->buf[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
	f->buf[EI_VERSION] = EV_CURRENT;
	put(f, 16, ET_EXEC, 2);
	put(f, 18, bits == 64 ? EM_AARCH64 : EM_ARM, 2);
	put(f, 20, EV_CURRENT, 4);
	put_word(f, 24, 0x1000);				/* e_entry */
	put_word(f, eh_off(f, "shoff"), f->shoff);
	put(f, bits == 64 ? 52 : 40, f->ehsize, 2);	/* e_ehsize */
	put(f, eh_off(f, "shentsize"), f->shsize, 2);
	put(f, eh_off(f, "shnum"), FX_NSEC, 2);
	put(f, eh_off(f, "shstrndx"), S_SHSTR, 2);
}

/* The four shapes. */
static const struct {
	unsigned	 bits;
	bool		 be;
	const char	*name;
} shapes[] = {
	{ 32, false, "elf32le" }, { 32, true, "elf32be" },
	{ 64, false, "elf64le" }, { 64, true, "elf64be" },
};
#define NSHAPES	(sizeof shapes / sizeof shapes[0])

#endif /* TESTS_UNIT_ELF_FIXTURE_H */
