/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_common_elf.c: the ELF reader (common/elf.c) on any
 * bytes. It must refuse (saying why) or open, never read outside the
 * input (libFuzzer and the replay hand over exactly size bytes, so ASan
 * sees any overread), and then hand out only what lies inside:
 *  - the header agrees with cm_elf_ident() on the same bytes, and a
 *    header cm_elf_ident() refuses never opens;
 *  - every section's bytes lie inside the input, and only when in_file;
 *  - every name, section or symbol, ends with a NUL inside its string
 *    table, and a section found by name is that one or an earlier
 *    namesake;
 *  - the symbol table's entries lie inside it, the string table inside
 *    the input, and a defined symbol's name finds a symbol of that name.
 */
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/elf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SYMS_MAX	4096	/* symbols walked, per input */
#define FINDS_MAX	32	/* names looked up, per input */

static const uint8_t	*in_buf;
static size_t		 in_len;

/* [p, p+n) inside the input. */
static void
inside(const void *p, uint64_t n)
{
	const uint8_t	*q = p;

	if (q < in_buf || q > in_buf + in_len ||
	    n > (uint64_t)(in_buf + in_len - q))
		abort();
}

/* A NUL-terminated string that ends inside [lo, lo+n). */
static void
string_inside(const char *s, const uint8_t *lo, uint64_t n)
{
	const uint8_t	*p = (const uint8_t *)s;

	inside(lo, n);
	if (p < lo || p >= lo + n ||
	    memchr(p, '\0', (size_t)(lo + n - p)) == NULL)
		abort();
}

static void
check_sections(const struct cm_elf *e)
{
	const struct cm_elf_info	*in = cm_elf_info(e);
	const struct cm_elf_section	*s, *t, *names = NULL;
	const uint8_t			*p;
	size_t				 i, n = cm_elf_nsections(e);

	if (n != in->shnum || (n == 0 && in->shstrndx != 0))
		abort();
	if (in->shstrndx != 0) {
		if (in->shstrndx >= n)
			abort();
		names = cm_elf_section(e, in->shstrndx);
	}
	for (i = 0; i < n; i++) {
		s = cm_elf_section(e, i);
		if (s == NULL || s->index != i)
			abort();
		p = cm_elf_section_bytes(e, s);
		if ((p != NULL) != s->in_file)
			abort();
		if (p != NULL) {
			inside(p, s->size);
			if (p != cm_elf_bytes(e, s->offset, s->size))
				abort();
		}
		if (s->in_file && (s->type == SHT_NOBITS ||
		    s->type == SHT_NULL))
			abort();
		if (s->name == NULL)
			continue;
		if (names == NULL || !names->in_file ||
		    names->type != SHT_STRTAB)
			abort();
		string_inside(s->name, cm_elf_section_bytes(e, names),
		    names->size);
		t = cm_elf_section_by_name(e, s->name);
		if (t == NULL || t->index > i || strcmp(t->name, s->name) != 0)
			abort();
	}
	if (cm_elf_section(e, n) != NULL)
		abort();
}

static void
check_symbols(const struct cm_elf *e)
{
	const struct cm_elf_section	*sym = cm_elf_symtab(e);
	const struct cm_elf_section	*str = cm_elf_strtab(e);
	const uint8_t			*strp;
	struct cm_elf_sym		 y, z;
	size_t				 i, n = cm_elf_nsyms(e), finds = 0;
	size_t				 esz = cm_elf_info(e)->bits == 64 ?
					     24 : 16;

	if ((sym == NULL) != (cm_elf_symtab_why(e) != NULL))
		abort();
	if (sym == NULL) {
		if (n != 0 || str != NULL || cm_elf_sym(e, 0, &y))
			abort();
		return;
	}
	if (sym->type != SHT_SYMTAB || str == NULL ||
	    str->type != SHT_STRTAB || sym->link != str->index ||
	    !sym->in_file || !str->in_file || n != sym->size / esz)
		abort();
	inside(cm_elf_section_bytes(e, sym), (uint64_t)n * esz);
	strp = cm_elf_section_bytes(e, str);
	for (i = 0; i < n && i < SYMS_MAX; i++) {
		if (!cm_elf_sym(e, i, &y))
			abort();
		if (y.name == NULL)
			continue;
		string_inside(y.name, strp, str->size);
		if (y.name != (const char *)strp + y.name_off)
			abort();
		if (i == 0 || y.shndx == SHN_UNDEF || finds++ >= FINDS_MAX)
			continue;
		if (!cm_elf_sym_find(e, y.name, &z) || z.name == NULL ||
		    strcmp(z.name, y.name) != 0 || z.shndx == SHN_UNDEF)
			abort();
	}
	if (cm_elf_sym(e, n, &y))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cm_elf		*e;
	struct cm_elf_info	 id;
	const struct cm_elf_info *in;
	char			 err[CM_ELF_ERRLEN];
	int			 idr;
	size_t			 len;
	uint64_t		 off, n;

	if (size > 1 << 20)
		return (0);
	in_buf = data;
	in_len = size;
	err[0] = '\0';
	idr = cm_elf_ident(data, size, &id, err);
	if (idr != 0 && (err[0] == '\0' || strlen(err) >= sizeof err))
		abort();
	err[0] = '\0';
	if ((e = cm_elf_open_mem(data, size, err)) == NULL) {
		if (err[0] == '\0' || strlen(err) >= sizeof err)
			abort();
		return (0);
	}
	if (idr != 0)
		abort();
	in = cm_elf_info(e);
	if (in->bits != id.bits || in->big_endian != id.big_endian ||
	    in->machine != id.machine || in->type != id.type ||
	    in->shoff != id.shoff)
		abort();
	if (cm_elf_image(e, &len) != data || len != size)
		abort();
	check_sections(e);
	check_symbols(e);
	/* Raw ranges from the input's own bytes. */
	if (size >= 16) {
		memcpy(&off, data + size - 16, 8);
		memcpy(&n, data + size - 8, 8);
		off %= size + 2;
		if (cm_elf_bytes(e, off, n) != NULL)
			inside(data + off, n);
		else if (off <= size && n <= size - off)
			abort();
	}
	cm_elf_free(e);
	return (0);
}
