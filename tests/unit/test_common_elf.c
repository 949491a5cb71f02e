/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_common_elf.c: the ELF reader (common/elf.c) on small
 * images built here in all four shapes (32/64-bit, little/big-endian),
 * then on hostile variants of them: tables outside the file, overflowing
 * offsets, huge counts, the extended-numbering escapes, string tables
 * without their NUL, overlapping tables, and every truncation.
 *
 * Also a tool for the fuzz seed corpus: `test_common_elf --seeds DIR`
 * writes the four images there, then exits.
 */
#include <sys/stat.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/elf.h"
#include "tests/unit/elf_fixture.h"

/*
 * Everything the reader hands out lies inside the image: section bytes,
 * names (with their NUL) and symbols; and lookups agree with iteration.
 */
static void
check_inside(const struct cm_elf *e, const uint8_t *buf, size_t len)
{
	const struct cm_elf_section	*s;
	const uint8_t			*p;
	struct cm_elf_sym		 y, z;
	size_t				 i, n;

	for (i = 0; (s = cm_elf_section(e, i)) != NULL; i++) {
		assert_int_equal(s->index, i);
		p = cm_elf_section_bytes(e, s);
		if (p != NULL) {
			assert_true(s->in_file);
			assert_true(p >= buf && s->size <= len &&
			    (size_t)(p - buf) <= len - s->size);
		}
		if (s->name != NULL) {
			p = (const uint8_t *)s->name;
			assert_true(p >= buf && p < buf + len);
			n = strnlen(s->name, len - (size_t)(p - buf));
			assert_true(n < len - (size_t)(p - buf));
			/* By name: this one or an earlier namesake. */
			assert_true(cm_elf_section_by_name(e, s->name)->index <=
			    i);
		}
	}
	assert_int_equal(i, cm_elf_nsections(e));
	assert_true((cm_elf_nsyms(e) == 0) == (cm_elf_symtab(e) == NULL));
	assert_true((cm_elf_symtab(e) == NULL) ==
	    (cm_elf_symtab_why(e) != NULL));
	for (i = 0; cm_elf_sym(e, i, &y); i++) {
		if (y.name == NULL)
			continue;
		p = (const uint8_t *)y.name;
		s = cm_elf_strtab(e);
		assert_true(p >= buf + s->offset &&
		    p < buf + s->offset + s->size);
		n = strnlen(y.name, (size_t)(buf + s->offset + s->size - p));
		assert_true(p + n < buf + s->offset + s->size);
		if (i > 0 && y.shndx != SHN_UNDEF) {
			assert_true(cm_elf_sym_find(e, y.name, &z));
			assert_string_equal(z.name, y.name);
		}
	}
	assert_int_equal(i, cm_elf_nsyms(e));
}

/* ---- the four shapes, read right */

static void
test_ident(void **state)
{
	struct fx		 f;
	struct cm_elf_info	 in;
	char			 err[CM_ELF_ERRLEN];
	size_t			 k;

	(void)state;
	for (k = 0; k < NSHAPES; k++) {
		fx_build(&f, shapes[k].bits, shapes[k].be);
		assert_int_equal(cm_elf_ident(f.buf, f.ehsize, &in, err), 0);
		assert_int_equal(in.bits, shapes[k].bits);
		assert_true(in.big_endian == shapes[k].be);
		assert_int_equal(in.type, ET_EXEC);
		assert_int_equal(in.machine, shapes[k].bits == 64 ?
		    EM_AARCH64 : EM_ARM);
		assert_true(in.entry == 0x1000 && in.shoff == f.shoff);
		assert_int_equal(in.shnum, FX_NSEC);
		assert_int_equal(in.shstrndx, S_SHSTR);
		/* One byte short of the header. */
		assert_int_equal(cm_elf_ident(f.buf, f.ehsize - 1, &in, err),
		    -1);
		assert_non_null(strstr(err, "header truncated"));
	}
	f.buf[EI_CLASS] = 3;
	assert_int_equal(cm_elf_ident(f.buf, f.len, &in, err), -1);
	assert_string_equal(err, "unknown ELF class 3");
	f.buf[EI_CLASS] = ELFCLASS64;
	f.buf[EI_DATA] = 0;
	assert_int_equal(cm_elf_ident(f.buf, f.len, &in, err), -1);
	assert_string_equal(err, "unknown ELF byte order 0");
	assert_int_equal(cm_elf_ident("\177ELF", 4, &in, err), -1);
	assert_string_equal(err, "not an ELF file");
	assert_int_equal(cm_elf_ident("#!/bin/sh\nexit 0\n\n", 18, &in, err),
	    -1);
	assert_string_equal(err, "not an ELF file");
}

static void
test_shapes(void **state)
{
	struct fx			 f;
	struct cm_elf			*e;
	const struct cm_elf_section	*s;
	struct cm_elf_sym		 y;
	char				 err[CM_ELF_ERRLEN];
	const uint8_t			*p;
	size_t				 k;

	(void)state;
	for (k = 0; k < NSHAPES; k++) {
		print_message("# %s\n", shapes[k].name);
		fx_build(&f, shapes[k].bits, shapes[k].be);
		e = cm_elf_open_mem(f.buf, f.len, err);
		assert_non_null(e);
		assert_int_equal(cm_elf_info(e)->bits, shapes[k].bits);
		assert_int_equal(cm_elf_nsections(e), FX_NSEC);
		assert_null(cm_elf_section(e, 0)->name);
		assert_null(cm_elf_section(e, FX_NSEC));

		s = cm_elf_section_by_name(e, ".text");
		assert_non_null(s);
		assert_int_equal(s->index, S_TEXT);
		assert_int_equal(s->type, SHT_PROGBITS);
		assert_true(s->flags == (SHF_ALLOC | SHF_EXECINSTR));
		assert_true(s->addr == 0x1000 && s->size == sizeof text);
		assert_memory_equal(cm_elf_section_bytes(e, s), text,
		    sizeof text);
		s = cm_elf_section_by_name(e, ".rodata");
		assert_string_equal((const char *)cm_elf_section_bytes(e, s),
		    rodata);
		s = cm_elf_section_by_name(e, ".bss");
		assert_true(s->size == 0x100 && !s->in_file);
		assert_null(cm_elf_section_bytes(e, s));
		assert_null(cm_elf_section_by_name(e, ".data"));
		assert_int_equal(cm_elf_section_by_name(e, ".symtab_shndx")->type,
		    SHT_SYMTAB_SHNDX);

		/* The symbols, decoded in the file's order. */
		assert_null(cm_elf_symtab_why(e));
		assert_int_equal(cm_elf_nsyms(e), 6);
		assert_true(cm_elf_sym(e, 0, &y));
		assert_null(y.name);
		assert_true(cm_elf_sym(e, 1, &y));
		assert_string_equal(y.name, "start");
		assert_true(y.value == 0x1000 && y.size == sizeof text);
		assert_int_equal(y.type, STT_FUNC);
		assert_int_equal(y.bind, STB_GLOBAL);
		assert_int_equal(y.shndx, S_TEXT);
		assert_false(cm_elf_sym(e, 6, &y));
		assert_true(cm_elf_sym_find(e, "msg", &y));
		assert_true(y.value == 0x2000 && y.bind == STB_LOCAL &&
		    y.type == STT_OBJECT && y.shndx == S_RODATA);
		/* Undefined symbols are not definitions. */
		assert_false(cm_elf_sym_find(e, "undef", &y));
		assert_false(cm_elf_sym_find(e, "nosuch", &y));
		/* SHN_XINDEX: the real index is in .symtab_shndx. */
		assert_true(cm_elf_sym_find(e, "far", &y));
		assert_int_equal(y.shndx, S_RODATA);
		assert_true(cm_elf_sym_find(e, "last_name", &y));
		assert_true(y.value == 0x1008);

		/* Raw fields in the file's order. */
		p = cm_elf_bytes(e, 18, 2);
		assert_int_equal(cm_elf_get16(e, p), cm_elf_info(e)->machine);
		p = cm_elf_bytes(e, 20, 4);
		assert_int_equal(cm_elf_get32(e, p), EV_CURRENT);
		if (shapes[k].bits == 64) {
			p = cm_elf_bytes(e, 40, 8);
			assert_true(cm_elf_get64(e, p) == f.shoff);
		}
		assert_null(cm_elf_bytes(e, f.len - 1, 2));
		assert_null(cm_elf_bytes(e, 1, UINT64_MAX));
		assert_non_null(cm_elf_bytes(e, f.len, 0));
		check_inside(e, f.buf, f.len);
		cm_elf_free(e);
	}
}

/* ---- hostile variants */

enum want { OPEN_FAILS, OPENS };

struct hostile {
	const char	*what;
	void		(*edit)(struct fx *);
	enum want	 want;
	const char	*errpart;	/* in err, or in cm_elf_symtab_why */
	void		(*check)(const struct cm_elf *);
};

static void
ed_shoff_past_end(struct fx *f)
{
	put_word(f, eh_off(f, "shoff"), f->len);
}

static void
ed_shoff_wraps(struct fx *f)
{
	put_word(f, eh_off(f, "shoff"), f->bits == 64 ? UINT64_MAX - 8 :
	    UINT32_MAX - 8);
}

static void
ed_shnum_huge(struct fx *f)
{
	put(f, eh_off(f, "shnum"), 0xfeff, 2);
}

static void
ed_shentsize_small(struct fx *f)
{
	put(f, eh_off(f, "shentsize"), 8, 2);
}

static void
ed_shstrndx_range(struct fx *f)
{
	put(f, eh_off(f, "shstrndx"), FX_NSEC, 2);
}

/* Extended numbering: the count lives in section 0's sh_size. */
static void
ed_xnum(struct fx *f)
{
	put(f, eh_off(f, "shnum"), 0, 2);
	sh_set(f, 0, F_SIZE, FX_NSEC);
}

static void
ed_xnum_huge(struct fx *f)
{
	put(f, eh_off(f, "shnum"), 0, 2);
	sh_set(f, 0, F_SIZE, f->bits == 64 ? (uint64_t)1 << 40 : UINT32_MAX);
}

static void
ed_xstrndx(struct fx *f)
{
	put(f, eh_off(f, "shstrndx"), SHN_XINDEX, 2);
	sh_set(f, 0, F_LINK, S_SHSTR);
}

static void
ed_xstrndx_range(struct fx *f)
{
	put(f, eh_off(f, "shstrndx"), SHN_XINDEX, 2);
	sh_set(f, 0, F_LINK, 0x10000);
}

static void
ed_section_past_end(struct fx *f)
{
	sh_set(f, S_RODATA, F_OFFSET, f->len);
}

static void
ed_section_wraps(struct fx *f)
{
	sh_set(f, S_RODATA, F_OFFSET, f->bits == 64 ? UINT64_MAX - 4 :
	    UINT32_MAX - 4);
	sh_set(f, S_RODATA, F_SIZE, 16);
}

/* .strtab cut inside "last_name": no NUL after it in the table. */
static void
ed_strtab_no_nul(struct fx *f)
{
	sh_set(f, S_STRTAB, F_SIZE, M_LAST + 4);
}

static void
ed_st_name_past(struct fx *f)
{
	put(f, f->sym_off + 2 * f->symsize, sizeof strs + 100, 4);
}

static void
ed_symtab_ragged(struct fx *f)
{
	sh_set(f, S_SYMTAB, F_SIZE, 3 * f->symsize + 5);
}

static void
ed_symtab_entsize(struct fx *f)
{
	sh_set(f, S_SYMTAB, F_ENTSIZE, 7);
}

static void
ed_symtab_link_self(struct fx *f)
{
	sh_set(f, S_SYMTAB, F_LINK, S_SYMTAB);
}

static void
ed_symtab_link_range(struct fx *f)
{
	sh_set(f, S_SYMTAB, F_LINK, 1000);
}

static void
ed_symtab_huge(struct fx *f)
{
	sh_set(f, S_SYMTAB, F_SIZE, f->bits == 64 ? (uint64_t)1 << 60 :
	    UINT32_MAX);
}

static void
ed_strtab_outside(struct fx *f)
{
	sh_set(f, S_STRTAB, F_OFFSET, f->len - 2);
}

/* The string table is the symbol table's own bytes. */
static void
ed_overlap(struct fx *f)
{
	sh_set(f, S_STRTAB, F_OFFSET, f->sym_off);
	sh_set(f, S_STRTAB, F_SIZE, f->nsyms * f->symsize);
}

/* The section header table starts inside the ELF header. */
static void
ed_shdr_on_header(struct fx *f)
{
	put_word(f, eh_off(f, "shoff"), 4);
}

static void
ed_no_shdrs(struct fx *f)
{
	put_word(f, eh_off(f, "shoff"), 0);
}

static void
ed_shstr_no_nul(struct fx *f)
{
	sh_set(f, S_SHSTR, F_SIZE, sizeof shstrs - 1);
}

static void
ed_shstr_not_strtab(struct fx *f)
{
	sh_set(f, S_SHSTR, F_TYPE, SHT_PROGBITS);
}

static void
ed_xindex_short(struct fx *f)
{
	sh_set(f, S_XINDEX, F_SIZE, 8);
}

static void
ck_xnum(const struct cm_elf *e)
{
	assert_int_equal(cm_elf_nsections(e), FX_NSEC);
	assert_non_null(cm_elf_section_by_name(e, ".rodata"));
}

static void
ck_names(const struct cm_elf *e)
{
	assert_string_equal(cm_elf_section(e, S_TEXT)->name, ".text");
}

static void
ck_rodata_gone(const struct cm_elf *e)
{
	const struct cm_elf_section *s = cm_elf_section(e, S_RODATA);

	assert_false(s->in_file);
	assert_null(cm_elf_section_bytes(e, s));
	/* The other sections are still read. */
	assert_non_null(cm_elf_section_bytes(e, cm_elf_section(e, S_TEXT)));
	assert_int_equal(cm_elf_nsyms(e), 6);
}

static void
ck_last_unnamed(const struct cm_elf *e)
{
	struct cm_elf_sym	y;

	assert_true(cm_elf_sym(e, 5, &y));
	assert_null(y.name);
	assert_true(y.name_off == M_LAST);
	assert_true(cm_elf_sym(e, 4, &y));
	assert_string_equal(y.name, "far");
	assert_false(cm_elf_sym_find(e, "last_name", &y));
}

static void
ck_msg_unnamed(const struct cm_elf *e)
{
	struct cm_elf_sym	y;

	assert_true(cm_elf_sym(e, 2, &y));
	assert_null(y.name);
	assert_true(cm_elf_sym_find(e, "start", &y));
}

static void
ck_three_syms(const struct cm_elf *e)
{
	assert_int_equal(cm_elf_nsyms(e), 3);
}

static void
ck_no_sections(const struct cm_elf *e)
{
	assert_int_equal(cm_elf_nsections(e), 0);
	assert_int_equal(cm_elf_info(e)->shnum, 0);
}

static void
ck_last_section_unnamed(const struct cm_elf *e)
{
	assert_null(cm_elf_section(e, S_XINDEX)->name);
	assert_string_equal(cm_elf_section(e, S_SHSTR)->name, ".shstrtab");
}

static void
ck_all_unnamed(const struct cm_elf *e)
{
	size_t	i;

	for (i = 0; i < cm_elf_nsections(e); i++)
		assert_null(cm_elf_section(e, i)->name);
	/* Symbols do not need section names. */
	assert_int_equal(cm_elf_nsyms(e), 6);
}

static void
ck_xindex_unresolved(const struct cm_elf *e)
{
	struct cm_elf_sym	y;

	assert_true(cm_elf_sym_find(e, "far", &y));
	assert_int_equal(y.shndx, SHN_XINDEX);
}

static const struct hostile hostile[] = {
	{ "shoff past the end", ed_shoff_past_end, OPEN_FAILS,
	    "outside the file", NULL },
	{ "shoff wraps", ed_shoff_wraps, OPEN_FAILS, "outside the file",
	    NULL },
	{ "shnum huge", ed_shnum_huge, OPEN_FAILS, "outside the file", NULL },
	{ "shentsize too small", ed_shentsize_small, OPEN_FAILS, "too small",
	    NULL },
	{ "shstrndx out of range", ed_shstrndx_range, OPEN_FAILS,
	    "out of range", NULL },
	{ "shnum escape", ed_xnum, OPENS, NULL, ck_xnum },
	{ "shnum escape, huge", ed_xnum_huge, OPEN_FAILS, "outside the file",
	    NULL },
	{ "shstrndx escape", ed_xstrndx, OPENS, NULL, ck_names },
	{ "shstrndx escape out of range", ed_xstrndx_range, OPEN_FAILS,
	    "out of range", NULL },
	{ "section past the end", ed_section_past_end, OPENS, NULL,
	    ck_rodata_gone },
	{ "section offset wraps", ed_section_wraps, OPENS, NULL,
	    ck_rodata_gone },
	{ "strtab without NUL", ed_strtab_no_nul, OPENS, NULL,
	    ck_last_unnamed },
	{ "st_name past strtab", ed_st_name_past, OPENS, NULL,
	    ck_msg_unnamed },
	{ "symtab size not a multiple", ed_symtab_ragged, OPENS, NULL,
	    ck_three_syms },
	{ "symtab entsize", ed_symtab_entsize, OPENS, "entry size", NULL },
	{ "symtab linked to itself", ed_symtab_link_self, OPENS, "link",
	    NULL },
	{ "symtab link out of range", ed_symtab_link_range, OPENS, "link",
	    NULL },
	{ "symtab huge", ed_symtab_huge, OPENS, "outside the file", NULL },
	{ "strtab outside", ed_strtab_outside, OPENS, "outside the file",
	    NULL },
	{ "strtab overlaps symtab", ed_overlap, OPENS, NULL, NULL },
	{ "section headers on the ELF header", ed_shdr_on_header, OPENS,
	    NULL, NULL },
	{ "no section headers", ed_no_shdrs, OPENS, "no .symtab",
	    ck_no_sections },
	{ "shstrtab without NUL", ed_shstr_no_nul, OPENS, NULL,
	    ck_last_section_unnamed },
	{ "shstrtab not a string table", ed_shstr_not_strtab, OPENS, NULL,
	    ck_all_unnamed },
	{ "symtab_shndx too short", ed_xindex_short, OPENS, NULL,
	    ck_xindex_unresolved },
};
#define NHOSTILE	(sizeof hostile / sizeof hostile[0])

static void
test_hostile(void **state)
{
	struct fx	 f;
	struct cm_elf	*e;
	char		 err[CM_ELF_ERRLEN];
	uint8_t		*copy;
	size_t		 k, i;

	(void)state;
	for (k = 0; k < NSHAPES; k++) {
		for (i = 0; i < NHOSTILE; i++) {
			print_message("# %s: %s\n", shapes[k].name,
			    hostile[i].what);
			fx_build(&f, shapes[k].bits, shapes[k].be);
			hostile[i].edit(&f);
			/* Exactly len bytes: ASan sees any overread. */
			copy = malloc(f.len);
			assert_non_null(copy);
			memcpy(copy, f.buf, f.len);
			err[0] = '\0';
			e = cm_elf_open_mem(copy, f.len, err);
			if (hostile[i].want == OPEN_FAILS) {
				assert_null(e);
				print_message("#   %s\n", err);
				assert_non_null(strstr(err,
				    hostile[i].errpart));
				free(copy);
				continue;
			}
			if (e == NULL)
				print_message("#   %s\n", err);
			assert_non_null(e);
			if (hostile[i].errpart != NULL) {
				assert_non_null(cm_elf_symtab_why(e));
				assert_non_null(strstr(cm_elf_symtab_why(e),
				    hostile[i].errpart));
			}
			if (hostile[i].check != NULL)
				hostile[i].check(e);
			check_inside(e, copy, f.len);
			cm_elf_free(e);
			free(copy);
		}
	}
}

/* Cut anywhere: refused with a reason, or read without leaving the cut. */
static void
test_truncated(void **state)
{
	struct fx	 f;
	struct cm_elf	*e;
	char		 err[CM_ELF_ERRLEN];
	uint8_t		*copy;
	size_t		 k, n, opened = 0;

	(void)state;
	for (k = 0; k < NSHAPES; k++) {
		fx_build(&f, shapes[k].bits, shapes[k].be);
		for (n = 0; n <= f.len; n++) {
			copy = malloc(n > 0 ? n : 1);
			assert_non_null(copy);
			memcpy(copy, f.buf, n);
			err[0] = '\0';
			e = cm_elf_open_mem(copy, n, err);
			if (e == NULL) {
				assert_true(err[0] != '\0');
				/* Only the section headers are at the end. */
				assert_true(n < f.len);
			} else {
				check_inside(e, copy, n);
				opened++;
				cm_elf_free(e);
			}
			free(copy);
		}
	}
	/* Only the whole images open: the section headers come last. */
	assert_int_equal(opened, NSHAPES);
}

/* ---- from a descriptor */

static void
test_fd(void **state)
{
	struct fx		 f;
	struct cm_elf		*e;
	struct cm_elf_sym	 y;
	char			 path[] = "/tmp/test_common_elfXXXXXX";
	char			 err[CM_ELF_ERRLEN];
	int			 fd, p[2];

	(void)state;
	fx_build(&f, 64, true);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, f.buf, f.len), (ssize_t)f.len);
	e = cm_elf_open_fd(fd, err);
	close(fd);		/* the view keeps its own mapping */
	assert_non_null(e);
	assert_true(cm_elf_sym_find(e, "start", &y));
	assert_true(y.value == 0x1000);
	assert_memory_equal(cm_elf_section_bytes(e,
	    cm_elf_section_by_name(e, ".text")), text, sizeof text);
	cm_elf_free(e);

	/* Empty, short, not regular. */
	fd = open(path, O_RDWR | O_TRUNC);
	assert_true(fd >= 0);
	assert_null(cm_elf_open_fd(fd, err));
	assert_string_equal(err, "not an ELF file");
	assert_int_equal(write(fd, f.buf, 40), 40);
	assert_null(cm_elf_open_fd(fd, err));
	assert_non_null(strstr(err, "header truncated"));
	close(fd);
	unlink(path);
	assert_int_equal(pipe(p), 0);
	assert_null(cm_elf_open_fd(p[0], err));
	assert_string_equal(err, "not a regular file");
	close(p[0]);
	close(p[1]);
	fd = open("/tmp", O_RDONLY);
	assert_null(cm_elf_open_fd(fd, err));
	assert_string_equal(err, "not a regular file");
	close(fd);
	assert_null(cm_elf_open_fd(-1, err));
	assert_string_equal(err, strerror(EBADF));

	/* A real one: this program (whatever the toolchain made of it). */
	fd = open("/proc/self/exe", O_RDONLY);
	e = cm_elf_open_fd(fd, err);
	close(fd);
	assert_non_null(e);
	assert_true(cm_elf_sym_find(e, "test_fd", &y));
	assert_int_equal(y.type, STT_FUNC);
	assert_non_null(cm_elf_section_by_name(e, ".text"));
	cm_elf_free(e);
}

static int
write_seed(const char *dir, const char *name, const uint8_t *buf, size_t len)
{
	char	 path[512];
	FILE	*fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fp = fopen(path, "wb")) == NULL ||
	    fwrite(buf, 1, len, fp) != len || fclose(fp) != 0) {
		perror(path);
		return (-1);
	}
	return (0);
}

/*
 * The fuzz seed corpus into dir: the four images, each hostile edit of
 * each, and a few that fail early (not ELF, bad class, cut header).
 */
static int
write_seeds(const char *dir)
{
	struct fx	 f;
	char		 name[128];
	size_t		 k, i, j;

	for (k = 0; k < NSHAPES; k++) {
		fx_build(&f, shapes[k].bits, shapes[k].be);
		if (write_seed(dir, shapes[k].name, f.buf, f.len) != 0 ||
		    write_seed(dir, strcat(strcpy(name, shapes[k].name),
		    "-cut-header"), f.buf, f.ehsize - 1) != 0)
			return (1);
		for (i = 0; i < NHOSTILE; i++) {
			fx_build(&f, shapes[k].bits, shapes[k].be);
			hostile[i].edit(&f);
			snprintf(name, sizeof name, "%s-%s", shapes[k].name,
			    hostile[i].what);
			for (j = 0; name[j] != '\0'; j++)
				if (name[j] == ' ' || name[j] == ',')
					name[j] = '_';
			if (write_seed(dir, name, f.buf, f.len) != 0)
				return (1);
		}
	}
	f.buf[EI_CLASS] = 7;
	if (write_seed(dir, "bad-class", f.buf, f.len) != 0 ||
	    write_seed(dir, "not-elf", (const uint8_t *)"#!/bin/sh\n",
	    10) != 0)
		return (1);
	return (0);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ident),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_fd),
	};

	if (argc == 3 && strcmp(argv[1], "--seeds") == 0)
		return (write_seeds(argv[2]));
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
