/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/symtab.c: vmlinux symbols, from the ELF .symtab and its string
 * table as common/elf.c decodes them (either class, either byte order),
 * copied out so the file need not stay open.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <unistd.h>

#include "common/elf.h"
#include "tui/tui.h"

#define SYMTAB_MAX_BYTES	(512u << 20)	/* sanity caps */
#define SYMTAB_MAX_EXEC		64

/* common/elf.c writes its errors straight into ours. */
_Static_assert(TUI_ERRLEN >= CM_ELF_ERRLEN, "TUI_ERRLEN too small");

struct sym {
	uint64_t	 addr, size;	/* link-time address */
	uint32_t	 name;		/* offset in strtab */
	uint8_t		 type, bind;
	uint16_t	 shndx;
	bool		 sized;		/* size from st_size, not the gap */
};

struct range {
	uint64_t	 lo, hi;
};

struct tui_symtab {
	unsigned	 bits;
	int64_t		 slide;
	char		*strtab;
	size_t		 strsz;
	struct sym	*all;		/* every named symbol, file order */
	size_t		 nall;
	struct sym	*text;		/* text symbols sorted by address */
	size_t		 ntext;
	struct range	 exec[SYMTAB_MAX_EXEC];
	size_t		 nexec;
};

static int
sym_cmp(const void *a, const void *b)
{
	const struct sym	*x = a, *y = b;

	if (x->addr != y->addr)
		return (x->addr < y->addr ? -1 : 1);
	/* At one address, the best name first: sized functions, globals. */
	if (x->sized != y->sized)
		return (x->sized ? -1 : 1);
	if ((x->type == STT_FUNC) != (y->type == STT_FUNC))
		return (x->type == STT_FUNC ? -1 : 1);
	if ((x->bind == STB_GLOBAL) != (y->bind == STB_GLOBAL))
		return (x->bind == STB_GLOBAL ? -1 : 1);
	return (x->name < y->name ? -1 : x->name > y->name);
}

static const char *
sym_name(const struct tui_symtab *st, const struct sym *s)
{
	return (s->name < st->strsz ? st->strtab + s->name : "");
}

/* The symbols of an ELF view (common/elf.c has checked every offset). */
static struct tui_symtab *
symtab_load(const struct cm_elf *e, char *err)
{
	const struct cm_elf_section *h, *sh_sym, *sh_str;
	struct cm_elf_sym	 cs;
	struct tui_symtab	*st;
	const char		*why;
	size_t			 i, nsyms;

	if ((why = cm_elf_symtab_why(e)) != NULL) {
		snprintf(err, TUI_ERRLEN, "%s", why);
		return (NULL);
	}
	sh_sym = cm_elf_symtab(e);
	sh_str = cm_elf_strtab(e);
	if (sh_sym->size > SYMTAB_MAX_BYTES ||
	    sh_str->size > SYMTAB_MAX_BYTES) {
		snprintf(err, TUI_ERRLEN, "symbol table too large");
		return (NULL);
	}

	st = tui_xcalloc(1, sizeof *st);
	st->bits = cm_elf_info(e)->bits;
	for (i = 1; (h = cm_elf_section(e, i)) != NULL; i++) {
		if ((h->flags & SHF_EXECINSTR) && (h->flags & SHF_ALLOC) &&
		    h->size > 0 && st->nexec < SYMTAB_MAX_EXEC) {
			st->exec[st->nexec].lo = h->addr;
			st->exec[st->nexec].hi = h->addr + h->size;
			st->nexec++;
		}
	}
	st->strsz = (size_t)sh_str->size;
	st->strtab = tui_xcalloc(1, st->strsz + 1);
	memcpy(st->strtab, cm_elf_section_bytes(e, sh_str), st->strsz);

	nsyms = cm_elf_nsyms(e);
	st->all = tui_xreallocarray(NULL, nsyms, sizeof *st->all);
	st->text = tui_xreallocarray(NULL, nsyms, sizeof *st->text);
	for (i = 1; cm_elf_sym(e, i, &cs); i++) {
		struct sym	 y;
		const char	*nm;
		bool		 in_exec = false;

		/* Too large for 16 bits: as reserved as SHN_XINDEX. */
		y = (struct sym){ cs.value, cs.size, cs.name_off, cs.type,
		    cs.bind, cs.shndx > UINT16_MAX ? SHN_XINDEX :
		    (uint16_t)cs.shndx, cs.size > 0 };
		if (cs.name == NULL || y.shndx == SHN_UNDEF ||
		    y.type == STT_SECTION || y.type == STT_FILE)
			continue;
		nm = st->strtab + y.name;
		st->all[st->nall++] = y;
		if (y.shndx >= SHN_LORESERVE)
			continue;
		for (size_t k = 0; k < st->nexec; k++)
			if (y.addr >= st->exec[k].lo && y.addr < st->exec[k].hi)
				in_exec = true;
		/* Text symbols: functions, and labels in code that are not
		 * compiler-local ($x, .L…). */
		if (y.type == STT_FUNC || (y.type == STT_NOTYPE && in_exec &&
		    nm[0] != '$' && nm[0] != '.'))
			st->text[st->ntext++] = y;
	}
	qsort(st->text, st->ntext, sizeof *st->text, sym_cmp);
	/* One name per address; unsized symbols reach to the next. */
	if (st->ntext > 0) {
		size_t o = 0;

		for (i = 0; i < st->ntext; i++)
			if (o == 0 || st->text[o - 1].addr != st->text[i].addr)
				st->text[o++] = st->text[i];
		st->ntext = o;
		for (i = 0; i < st->ntext; i++)
			if (!st->text[i].sized && i + 1 < st->ntext)
				st->text[i].size = st->text[i + 1].addr -
				    st->text[i].addr;
	}
	return (st);
}

struct tui_symtab *
tui_symtab_open(const char *path, char *err)
{
	struct cm_elf		*e;
	struct tui_symtab	*st = NULL;
	int			 fd;

	err[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, TUI_ERRLEN, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	/* The mapping lives only while the symbols are copied out. */
	e = cm_elf_open_fd(fd, err);
	close(fd);
	if (e != NULL) {
		st = symtab_load(e, err);
		cm_elf_free(e);
	}
	if (st == NULL) {
		char tmp[TUI_ERRLEN];

		snprintf(tmp, sizeof tmp, "%s: %s", path, err);
		memcpy(err, tmp, TUI_ERRLEN);
	}
	return (st);
}

struct tui_symtab *
tui_symtab_from_mem(const void *buf, size_t len, char *err)
{
	struct cm_elf		*e;
	struct tui_symtab	*st;

	err[0] = '\0';
	if ((e = cm_elf_open_mem(buf, len, err)) == NULL)
		return (NULL);
	st = symtab_load(e, err);
	cm_elf_free(e);
	return (st);
}

void
tui_symtab_free(struct tui_symtab *st)
{
	if (st == NULL)
		return;
	free(st->strtab);
	free(st->all);
	free(st->text);
	free(st);
}

void
tui_symtab_set_slide(struct tui_symtab *st, int64_t slide)
{
	st->slide = slide;
}

size_t
tui_symtab_count(const struct tui_symtab *st)
{
	return (st->ntext);
}

unsigned
tui_symtab_bits(const struct tui_symtab *st)
{
	return (st->bits);
}

bool
tui_symtab_lookup(const struct tui_symtab *st, uint64_t addr,
    const char **name_out, uint64_t *off_out, uint64_t *size_out)
{
	uint64_t	 a = addr - (uint64_t)st->slide;
	size_t		 lo = 0, hi = st->ntext, mid;
	const struct sym *s;

	/* Last symbol with s->addr <= a. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (st->text[mid].addr <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return (false);
	s = &st->text[lo - 1];
	if (a - s->addr >= s->size)
		return (false);
	if (name_out != NULL)
		*name_out = sym_name(st, s);
	if (off_out != NULL)
		*off_out = a - s->addr;
	if (size_out != NULL)
		*size_out = s->size;
	return (true);
}

size_t
tui_symtab_format(const struct tui_symtab *st, uint64_t addr, char *buf,
    size_t buflen)
{
	const char	*name;
	uint64_t	 off, size;
	int		 n;

	if (buflen == 0)
		return (0);
	buf[0] = '\0';
	if (st == NULL || !tui_symtab_lookup(st, addr, &name, &off, &size))
		return (0);
	n = snprintf(buf, buflen, "%s+0x%" PRIx64 "/0x%" PRIx64, name, off,
	    size);
	if (n < 0)
		return (0);
	return ((size_t)n < buflen ? (size_t)n : buflen - 1);
}

bool
tui_symtab_addr(const struct tui_symtab *st, const char *name,
    uint64_t *addr_out)
{
	const struct sym *found = NULL;
	size_t		 i;

	for (i = 0; i < st->nall; i++) {
		if (strcmp(sym_name(st, &st->all[i]), name) != 0)
			continue;
		if (found == NULL || (found->bind != STB_GLOBAL &&
		    st->all[i].bind == STB_GLOBAL))
			found = &st->all[i];
	}
	if (found == NULL)
		return (false);
	*addr_out = found->addr + (uint64_t)st->slide;
	return (true);
}

bool
tui_symtab_is_text(const struct tui_symtab *st, uint64_t addr)
{
	uint64_t	a = addr - (uint64_t)st->slide;
	size_t		i;

	for (i = 0; i < st->nexec; i++)
		if (a >= st->exec[i].lo && a < st->exec[i].hi)
			return (true);
	return (false);
}

size_t
tui_symtab_format_ret(const struct tui_symtab *st, uint64_t addr, char *buf,
    size_t buflen)
{
	const char	*name;
	uint64_t	 off, size;
	int		 n;

	if (buflen == 0)
		return (0);
	buf[0] = '\0';
	/* A call that never returns (panic) is its function's last
	 * instruction: its return address is already the next function. */
	if (st == NULL || addr == 0 ||
	    !tui_symtab_lookup(st, addr - 1, &name, &off, &size))
		return (0);
	n = snprintf(buf, buflen, "%s+0x%" PRIx64 "/0x%" PRIx64, name, off + 1,
	    size);
	if (n < 0)
		return (0);
	return ((size_t)n < buflen ? (size_t)n : buflen - 1);
}
