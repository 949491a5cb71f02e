/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/elf.c: the ELF reader (common/elf.h).
 *
 * Only the glibc <elf.h> constants are used, never its structures: fields
 * are read at their offsets in the file's byte order (the offset tables
 * below), so a file of either class and either order reads the same way
 * on any host, and nothing is dereferenced unaligned.
 *
 * Order of trust: the ELF header is checked first (magic, class, order,
 * sizes), then the section header table as a whole must lie inside the
 * file, then each section is marked in_file or not; a section that lies
 * outside is kept (its header is still true) but has no bytes. Strings
 * are accepted only when their NUL is inside their table.
 *
 * Why not libelf: what the three users need is a few hundred lines
 * here, while libelf would be a new run-time library for both programs,
 * would copy and convert whole sections whose byte order is not the
 * host's (a vmlinux symbol table is megabytes), and would sit outside
 * the sanitized, coverage-guided fuzz builds, which link only our own
 * objects. DWARF is another matter: a DWARF reader next to this one
 * should use libdw (dwarf_begin() on the same descriptor) rather than
 * grow here.
 *
 * A file mapped by cm_elf_open_fd() that another process truncates while
 * it is mapped faults on access (SIGBUS), as any mapping does: callers
 * map files they do not expect to be rewritten (vmlinux), or copy out
 * what they need and free the view (tui/symtab.c).
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/elf.h"

/* Where the fields are, for each class. */
struct cm_elf_layout {
	size_t	ehsize, shsize, symsize;
	/* ELF header */
	size_t	e_entry, e_shoff, e_flags, e_shentsize, e_shnum, e_shstrndx;
	/* section header */
	size_t	sh_flags, sh_addr, sh_offset, sh_size, sh_link, sh_info,
		sh_align, sh_entsize;
	/* symbol */
	size_t	st_value, st_size, st_info, st_other, st_shndx;
};

static const struct cm_elf_layout cm_elf_l32 = {
	52, 40, 16,
	24, 32, 36, 46, 48, 50,
	8, 12, 16, 20, 24, 28, 32, 36,
	4, 8, 12, 13, 14,
};

static const struct cm_elf_layout cm_elf_l64 = {
	64, 64, 24,
	24, 40, 48, 58, 60, 62,
	8, 16, 24, 32, 40, 44, 48, 56,
	8, 16, 4, 5, 6,
};

struct cm_elf {
	const uint8_t		*buf;
	size_t			 len;
	void			*map;		/* ours to unmap, or NULL */

	struct cm_elf_info	 info;
	const struct cm_elf_layout *l;

	struct cm_elf_section	*sec;
	size_t			 nsec;

	const struct cm_elf_section *symtab, *strtab, *xindex;
	size_t			 nsyms;
	const char		*symwhy;
};

static void __attribute__((format(printf, 2, 3)))
cm_elf_seterr(char *err, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err, CM_ELF_ERRLEN, fmt, ap);
	va_end(ap);
}

static uint16_t
rd16(bool be, const uint8_t *p)
{
	if (be)
		return ((uint16_t)(p[0] << 8 | p[1]));
	return ((uint16_t)(p[1] << 8 | p[0]));
}

static uint32_t
rd32(bool be, const uint8_t *p)
{
	if (be)
		return ((uint32_t)rd16(true, p) << 16 | rd16(true, p + 2));
	return ((uint32_t)rd16(false, p + 2) << 16 | rd16(false, p));
}

static uint64_t
rd64(bool be, const uint8_t *p)
{
	if (be)
		return ((uint64_t)rd32(true, p) << 32 | rd32(true, p + 4));
	return ((uint64_t)rd32(false, p + 4) << 32 | rd32(false, p));
}

/* A word: 4 bytes in a 32-bit file, 8 in a 64-bit one. */
static uint64_t
rdw(const struct cm_elf_info *in, const uint8_t *p)
{
	if (in->bits == 64)
		return (rd64(in->big_endian, p));
	return (rd32(in->big_endian, p));
}

uint16_t
cm_elf_get16(const struct cm_elf *e, const uint8_t *p)
{
	return (rd16(e->info.big_endian, p));
}

uint32_t
cm_elf_get32(const struct cm_elf *e, const uint8_t *p)
{
	return (rd32(e->info.big_endian, p));
}

uint64_t
cm_elf_get64(const struct cm_elf *e, const uint8_t *p)
{
	return (rd64(e->info.big_endian, p));
}

/* [off, off+len) inside a buffer of size total, without overflow. */
static bool
cm_elf_fits(uint64_t total, uint64_t off, uint64_t len)
{
	return (off <= total && len <= total - off);
}

/* Class and byte order: they decide how every later field is read. */
int
cm_elf_ident(const void *buf, size_t len, struct cm_elf_info *info_out,
    char *err)
{
	const uint8_t			*p = buf;
	const struct cm_elf_layout	*l;
	struct cm_elf_info		 in;

	if (len < EI_NIDENT || memcmp(p, ELFMAG, SELFMAG) != 0) {
		cm_elf_seterr(err, "not an ELF file");
		return (-1);
	}
	memset(&in, 0, sizeof in);
	switch (p[EI_CLASS]) {
	case ELFCLASS32:
		in.bits = 32;
		l = &cm_elf_l32;
		break;
	case ELFCLASS64:
		in.bits = 64;
		l = &cm_elf_l64;
		break;
	default:
		cm_elf_seterr(err, "unknown ELF class %u", p[EI_CLASS]);
		return (-1);
	}
	switch (p[EI_DATA]) {
	case ELFDATA2LSB:
		in.big_endian = false;
		break;
	case ELFDATA2MSB:
		in.big_endian = true;
		break;
	default:
		cm_elf_seterr(err, "unknown ELF byte order %u", p[EI_DATA]);
		return (-1);
	}
	if (len < l->ehsize) {
		cm_elf_seterr(err, "ELF header truncated (%zu of %zu bytes)",
		    len, l->ehsize);
		return (-1);
	}
	in.osabi = p[EI_OSABI];
	in.type = rd16(in.big_endian, p + 16);
	in.machine = rd16(in.big_endian, p + 18);
	in.entry = rdw(&in, p + l->e_entry);
	in.shoff = rdw(&in, p + l->e_shoff);
	in.flags = rd32(in.big_endian, p + l->e_flags);
	/* Counts stay raw here: their escapes need section 0. */
	in.shnum = rd16(in.big_endian, p + l->e_shnum);
	in.shstrndx = rd16(in.big_endian, p + l->e_shstrndx);
	*info_out = in;
	return (0);
}

/* NUL-terminated string at off inside section s, or NULL. */
static const char *
cm_elf_str(const struct cm_elf *e, const struct cm_elf_section *s,
    uint64_t off)
{
	const uint8_t	*p;

	if (s == NULL || !s->in_file || off == 0 || off >= s->size)
		return (NULL);
	p = e->buf + s->offset;
	if (memchr(p + off, '\0', (size_t)(s->size - off)) == NULL)
		return (NULL);
	return ((const char *)p + off);
}

/* Decode section header i (the table was checked to fit). */
static void
cm_elf_read_shdr(struct cm_elf *e, uint64_t shentsize, uint32_t i,
    struct cm_elf_section *s)
{
	const struct cm_elf_layout	*l = e->l;
	const struct cm_elf_info	*in = &e->info;
	const uint8_t			*p;
	bool				 be = in->big_endian;

	p = e->buf + in->shoff + (uint64_t)i * shentsize;
	memset(s, 0, sizeof *s);
	s->index = i;
	s->type = rd32(be, p + 4);
	s->flags = rdw(in, p + l->sh_flags);
	s->addr = rdw(in, p + l->sh_addr);
	s->offset = rdw(in, p + l->sh_offset);
	s->size = rdw(in, p + l->sh_size);
	s->link = rd32(be, p + l->sh_link);
	s->info = rd32(be, p + l->sh_info);
	s->align = rdw(in, p + l->sh_align);
	s->entsize = rdw(in, p + l->sh_entsize);
	s->in_file = s->type != SHT_NOBITS && s->type != SHT_NULL &&
	    cm_elf_fits(e->len, s->offset, s->size);
}

/*
 * The section header table: the extended-numbering escapes (a count or a
 * name-table index too large for the header lives in section 0), then
 * the whole table must lie inside the file before any entry is read.
 */
static int
cm_elf_sections(struct cm_elf *e, char *err)
{
	struct cm_elf_info	*in = &e->info;
	const uint8_t		*h = e->buf;
	struct cm_elf_section	 s0;
	uint64_t		 shentsize, shnum, shstrndx, i;

	shentsize = rd16(in->big_endian, h + e->l->e_shentsize);
	shnum = in->shnum;
	shstrndx = in->shstrndx;
	if (in->shoff == 0) {
		/* No table at all: legal (a stripped-down image). */
		in->shnum = in->shstrndx = 0;
		return (0);
	}
	if (shentsize < e->l->shsize) {
		cm_elf_seterr(err, "section header size %ju too small",
		    (uintmax_t)shentsize);
		return (-1);
	}
	if (!cm_elf_fits(e->len, in->shoff, shentsize)) {
		cm_elf_seterr(err, "section headers outside the file");
		return (-1);
	}
	if (shnum == 0 || shstrndx == SHN_XINDEX) {
		cm_elf_read_shdr(e, shentsize, 0, &s0);
		if (shnum == 0)
			shnum = s0.size;
		if (shstrndx == SHN_XINDEX)
			shstrndx = s0.link;
	}
	if (shnum > UINT32_MAX || shnum > (e->len - in->shoff) / shentsize) {
		cm_elf_seterr(err, "section headers outside the file (%ju "
		    "of %ju bytes at %ju)", (uintmax_t)shnum,
		    (uintmax_t)shentsize, (uintmax_t)in->shoff);
		return (-1);
	}
	if (shstrndx != SHN_UNDEF && shstrndx >= shnum) {
		cm_elf_seterr(err, "section name table %ju out of range "
		    "(%ju sections)", (uintmax_t)shstrndx, (uintmax_t)shnum);
		return (-1);
	}
	in->shnum = (uint32_t)shnum;
	in->shstrndx = (uint32_t)shstrndx;
	e->nsec = (size_t)shnum;
	if (e->nsec == 0)
		return (0);
	e->sec = calloc(e->nsec, sizeof *e->sec);
	if (e->sec == NULL) {
		cm_elf_seterr(err, "%s", strerror(errno));
		return (-1);
	}
	for (i = 0; i < shnum; i++)
		cm_elf_read_shdr(e, shentsize, (uint32_t)i, &e->sec[i]);
	if (shstrndx != SHN_UNDEF && e->sec[shstrndx].type == SHT_STRTAB)
		for (i = 0; i < shnum; i++)
			e->sec[i].name = cm_elf_str(e, &e->sec[shstrndx],
			    rd32(in->big_endian, e->buf + in->shoff +
			    i * shentsize));
	return (0);
}

/* The first SHT_SYMTAB; usable or not, and why. */
static void
cm_elf_find_symtab(struct cm_elf *e)
{
	const struct cm_elf_section	*s = NULL, *t;
	size_t				 i;

	for (i = 1; i < e->nsec && s == NULL; i++)
		if (e->sec[i].type == SHT_SYMTAB)
			s = &e->sec[i];
	if (s == NULL) {
		e->symwhy = "no .symtab (stripped?)";
		return;
	}
	if (!s->in_file) {
		e->symwhy = "symbol table outside the file";
		return;
	}
	if (s->entsize != 0 && s->entsize != e->l->symsize) {
		e->symwhy = "bad .symtab entry size";
		return;
	}
	if (s->link == SHN_UNDEF || s->link >= e->nsec ||
	    e->sec[s->link].type != SHT_STRTAB) {
		e->symwhy = "bad .symtab link";
		return;
	}
	t = &e->sec[s->link];
	if (!t->in_file) {
		e->symwhy = "symbol names outside the file";
		return;
	}
	e->symtab = s;
	e->strtab = t;
	e->nsyms = (size_t)(s->size / e->l->symsize);
	/* Section indexes too large for st_shndx, if the file has them. */
	for (i = 1; i < e->nsec; i++)
		if (e->sec[i].type == SHT_SYMTAB_SHNDX &&
		    e->sec[i].link == s->index && e->sec[i].in_file) {
			e->xindex = &e->sec[i];
			break;
		}
}

static struct cm_elf *
cm_elf_load(const uint8_t *buf, size_t len, void *map, char *err)
{
	struct cm_elf	*e;

	if ((e = calloc(1, sizeof *e)) == NULL) {
		cm_elf_seterr(err, "%s", strerror(errno));
		return (NULL);
	}
	e->buf = buf;
	e->len = len;
	e->map = map;
	if (cm_elf_ident(buf, len, &e->info, err) != 0)
		goto fail;
	e->l = e->info.bits == 64 ? &cm_elf_l64 : &cm_elf_l32;
	if (cm_elf_sections(e, err) != 0)
		goto fail;
	cm_elf_find_symtab(e);
	return (e);
fail:
	cm_elf_free(e);
	return (NULL);
}

struct cm_elf *
cm_elf_open_mem(const void *buf, size_t len, char *err)
{
	return (cm_elf_load(buf, len, NULL, err));
}

struct cm_elf *
cm_elf_open_fd(int fd, char *err)
{
	struct stat	 st;
	void		*m;
	struct cm_elf	*e;

	if (fstat(fd, &st) == -1) {
		cm_elf_seterr(err, "%s", strerror(errno));
		return (NULL);
	}
	if (!S_ISREG(st.st_mode)) {
		cm_elf_seterr(err, "not a regular file");
		return (NULL);
	}
	if (st.st_size < EI_NIDENT) {
		cm_elf_seterr(err, "not an ELF file");
		return (NULL);
	}
	if ((uintmax_t)st.st_size > SIZE_MAX) {
		cm_elf_seterr(err, "file too large");
		return (NULL);
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		cm_elf_seterr(err, "mmap: %s", strerror(errno));
		return (NULL);
	}
	e = cm_elf_load(m, (size_t)st.st_size, m, err);
	/* cm_elf_load's failure path has unmapped it already. */
	return (e);
}

void
cm_elf_free(struct cm_elf *e)
{
	if (e == NULL)
		return;
	if (e->map != NULL)
		munmap(e->map, e->len);
	free(e->sec);
	free(e);
}

const struct cm_elf_info *
cm_elf_info(const struct cm_elf *e)
{
	return (&e->info);
}

const uint8_t *
cm_elf_image(const struct cm_elf *e, size_t *len_out)
{
	*len_out = e->len;
	return (e->buf);
}

const uint8_t *
cm_elf_bytes(const struct cm_elf *e, uint64_t off, uint64_t len)
{
	if (!cm_elf_fits(e->len, off, len))
		return (NULL);
	return (e->buf + off);
}

size_t
cm_elf_nsections(const struct cm_elf *e)
{
	return (e->nsec);
}

const struct cm_elf_section *
cm_elf_section(const struct cm_elf *e, size_t i)
{
	if (i >= e->nsec)
		return (NULL);
	return (&e->sec[i]);
}

const struct cm_elf_section *
cm_elf_section_by_name(const struct cm_elf *e, const char *name)
{
	size_t	i;

	for (i = 0; i < e->nsec; i++)
		if (e->sec[i].name != NULL && strcmp(e->sec[i].name,
		    name) == 0)
			return (&e->sec[i]);
	return (NULL);
}

const uint8_t *
cm_elf_section_bytes(const struct cm_elf *e, const struct cm_elf_section *s)
{
	if (s == NULL || !s->in_file)
		return (NULL);
	return (e->buf + s->offset);
}

size_t
cm_elf_nsyms(const struct cm_elf *e)
{
	return (e->nsyms);
}

const char *
cm_elf_symtab_why(const struct cm_elf *e)
{
	return (e->symtab == NULL ? e->symwhy : NULL);
}

const struct cm_elf_section *
cm_elf_symtab(const struct cm_elf *e)
{
	return (e->symtab);
}

const struct cm_elf_section *
cm_elf_strtab(const struct cm_elf *e)
{
	return (e->strtab);
}

bool
cm_elf_sym(const struct cm_elf *e, size_t i, struct cm_elf_sym *sym_out)
{
	const struct cm_elf_layout	*l = e->l;
	const struct cm_elf_info	*in = &e->info;
	const uint8_t			*p;
	uint8_t				 info;

	if (i >= e->nsyms)
		return (false);
	p = e->buf + e->symtab->offset + i * l->symsize;
	memset(sym_out, 0, sizeof *sym_out);
	sym_out->name_off = rd32(in->big_endian, p);
	sym_out->name = cm_elf_str(e, e->strtab, sym_out->name_off);
	sym_out->value = rdw(in, p + l->st_value);
	sym_out->size = rdw(in, p + l->st_size);
	info = p[l->st_info];
	sym_out->type = info & 0xf;
	sym_out->bind = info >> 4;
	sym_out->other = p[l->st_other];
	sym_out->shndx = rd16(in->big_endian, p + l->st_shndx);
	if (sym_out->shndx == SHN_XINDEX && e->xindex != NULL &&
	    i < e->xindex->size / 4)
		sym_out->shndx = rd32(in->big_endian, e->buf +
		    e->xindex->offset + i * 4);
	return (true);
}

bool
cm_elf_sym_find(const struct cm_elf *e, const char *name,
    struct cm_elf_sym *sym_out)
{
	struct cm_elf_sym	s;
	size_t			i;

	for (i = 1; i < e->nsyms; i++) {
		if (!cm_elf_sym(e, i, &s) || s.shndx == SHN_UNDEF ||
		    s.name == NULL || strcmp(s.name, name) != 0)
			continue;
		*sym_out = s;
		return (true);
	}
	return (false);
}
