/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/symtab.c: vmlinux symbols, parsed straight from the ELF section
 * headers, .symtab and its string table. No libelf: <elf.h> has the
 * structures, and we need only a few fields of each.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <unistd.h>

#include "tui/tui.h"

#define SYMTAB_MAX_BYTES	(512u << 20)	/* sanity caps */
#define SYMTAB_MAX_SECTIONS	65535u
#define SYMTAB_MAX_EXEC		64

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
	uint16_t	 data_shndx;	/* ".data", or 0 */
};

/* Where the ELF bytes come from: a file or memory. */
struct src {
	int		 fd;
	const uint8_t	*mem;
	uint64_t	 len;
};

static int
src_read(const struct src *s, uint64_t off, void *buf, uint64_t len,
    char *err)
{
	ssize_t	 n;
	uint8_t	*p = buf;

	if (off > s->len || len > s->len - off) {
		snprintf(err, TUI_ERRLEN, "ELF truncated (need %" PRIu64
		    " bytes at %" PRIu64 ")", len, off);
		return -1;
	}
	if (s->mem != NULL) {
		memcpy(buf, s->mem + off, len);
		return 0;
	}
	while (len > 0) {
		n = pread(s->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, TUI_ERRLEN, "read: %s",
			    n < 0 ? strerror(errno) : "short file");
			return -1;
		}
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

/* One section header, whatever the class. */
struct shdr {
	uint32_t	 name, type, link;
	uint64_t	 flags, addr, off, size, entsize;
};

static int
read_shdr(const struct src *s, bool is64, uint64_t shoff, unsigned shentsize,
    unsigned i, struct shdr *h, char *err)
{
	if (is64) {
		Elf64_Shdr	e;

		if (src_read(s, shoff + (uint64_t)i * shentsize, &e, sizeof e,
		    err) != 0)
			return -1;
		*h = (struct shdr){ e.sh_name, e.sh_type, e.sh_link,
		    e.sh_flags, e.sh_addr, e.sh_offset, e.sh_size,
		    e.sh_entsize };
	} else {
		Elf32_Shdr	e;

		if (src_read(s, shoff + (uint64_t)i * shentsize, &e, sizeof e,
		    err) != 0)
			return -1;
		*h = (struct shdr){ e.sh_name, e.sh_type, e.sh_link,
		    e.sh_flags, e.sh_addr, e.sh_offset, e.sh_size,
		    e.sh_entsize };
	}
	return 0;
}

/* A section's bytes lie inside the file (checked before allocating). */
static bool
sect_fits(const struct src *s, const struct shdr *h, char *err)
{
	if (h->off > s->len || h->size > s->len - h->off ||
	    h->size > SYMTAB_MAX_BYTES) {
		snprintf(err, TUI_ERRLEN, "section outside the file");
		return false;
	}
	return true;
}

static int
sym_cmp(const void *a, const void *b)
{
	const struct sym	*x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* At one address, the best name first: sized functions, globals. */
	if (x->sized != y->sized)
		return x->sized ? -1 : 1;
	if ((x->type == STT_FUNC) != (y->type == STT_FUNC))
		return x->type == STT_FUNC ? -1 : 1;
	if ((x->bind == STB_GLOBAL) != (y->bind == STB_GLOBAL))
		return x->bind == STB_GLOBAL ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;
}

static const char *
sym_name(const struct tui_symtab *st, const struct sym *s)
{
	return s->name < st->strsz ? st->strtab + s->name : "";
}

static struct tui_symtab *
symtab_load(const struct src *s, char *err)
{
	struct tui_symtab *st = NULL;
	unsigned char	 ident[EI_NIDENT];
	bool		 is64;
	uint64_t	 shoff, i, nsyms;
	unsigned	 shnum, shentsize, shstrndx, symidx = 0, entsz;
	struct shdr	 h, sh_sym = { 0 }, sh_str, sh_names;
	char		*names = NULL;
	uint8_t		*raw = NULL;

	if (src_read(s, 0, ident, sizeof ident, err) != 0)
		return NULL;
	if (memcmp(ident, ELFMAG, SELFMAG) != 0) {
		snprintf(err, TUI_ERRLEN, "not an ELF file");
		return NULL;
	}
	if (ident[EI_DATA] != ELFDATA2LSB) {
		snprintf(err, TUI_ERRLEN, "big-endian ELF not supported");
		return NULL;
	}
	if (ident[EI_CLASS] == ELFCLASS64) {
		Elf64_Ehdr e;

		if (src_read(s, 0, &e, sizeof e, err) != 0)
			return NULL;
		is64 = true;
		shoff = e.e_shoff;
		shnum = e.e_shnum;
		shentsize = e.e_shentsize;
		shstrndx = e.e_shstrndx;
		entsz = sizeof(Elf64_Shdr);
	} else if (ident[EI_CLASS] == ELFCLASS32) {
		Elf32_Ehdr e;

		if (src_read(s, 0, &e, sizeof e, err) != 0)
			return NULL;
		is64 = false;
		shoff = e.e_shoff;
		shnum = e.e_shnum;
		shentsize = e.e_shentsize;
		shstrndx = e.e_shstrndx;
		entsz = sizeof(Elf32_Shdr);
	} else {
		snprintf(err, TUI_ERRLEN, "unknown ELF class %u",
		    ident[EI_CLASS]);
		return NULL;
	}
	if (shnum == 0 || shnum > SYMTAB_MAX_SECTIONS || shentsize < entsz ||
	    shstrndx >= shnum) {
		snprintf(err, TUI_ERRLEN, "no usable section headers");
		return NULL;
	}

	st = tui_xcalloc(1, sizeof *st);
	st->bits = is64 ? 64 : 32;
	if (read_shdr(s, is64, shoff, shentsize, shstrndx, &sh_names,
	    err) != 0)
		goto fail;
	if (!sect_fits(s, &sh_names, err))
		goto fail;
	names = tui_xcalloc(1, sh_names.size + 1);
	if (src_read(s, sh_names.off, names, sh_names.size, err) != 0)
		goto fail;

	for (i = 1; i < shnum; i++) {
		if (read_shdr(s, is64, shoff, shentsize, (unsigned)i, &h,
		    err) != 0)
			goto fail;
		if (h.type == SHT_SYMTAB && symidx == 0) {
			symidx = (unsigned)i;
			sh_sym = h;
		}
		if ((h.flags & SHF_EXECINSTR) && (h.flags & SHF_ALLOC) &&
		    h.size > 0 && st->nexec < SYMTAB_MAX_EXEC) {
			st->exec[st->nexec].lo = h.addr;
			st->exec[st->nexec].hi = h.addr + h.size;
			st->nexec++;
		}
		if (h.name < sh_names.size && strcmp(names + h.name,
		    ".data") == 0)
			st->data_shndx = (uint16_t)i;
	}
	if (symidx == 0) {
		snprintf(err, TUI_ERRLEN, "no .symtab (stripped?)");
		goto fail;
	}
	if (sh_sym.link == 0 || sh_sym.link >= shnum ||
	    read_shdr(s, is64, shoff, shentsize, sh_sym.link, &sh_str,
	    err) != 0) {
		if (err[0] == '\0')
			snprintf(err, TUI_ERRLEN, "bad .symtab link");
		goto fail;
	}
	if (!sect_fits(s, &sh_sym, err) || !sect_fits(s, &sh_str, err))
		goto fail;
	st->strsz = sh_str.size;
	st->strtab = tui_xcalloc(1, sh_str.size + 1);
	if (src_read(s, sh_str.off, st->strtab, sh_str.size, err) != 0)
		goto fail;
	entsz = is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	nsyms = sh_sym.size / entsz;
	raw = tui_xcalloc(1, sh_sym.size);
	if (src_read(s, sh_sym.off, raw, nsyms * entsz, err) != 0)
		goto fail;

	st->all = tui_xreallocarray(NULL, nsyms, sizeof *st->all);
	st->text = tui_xreallocarray(NULL, nsyms, sizeof *st->text);
	for (i = 1; i < nsyms; i++) {
		struct sym	 y;
		const char	*nm;
		bool		 in_exec = false;

		if (is64) {
			Elf64_Sym e;

			memcpy(&e, raw + i * entsz, sizeof e);
			y = (struct sym){ e.st_value, e.st_size, e.st_name,
			    (uint8_t)ELF64_ST_TYPE(e.st_info),
			    (uint8_t)ELF64_ST_BIND(e.st_info), e.st_shndx,
			    e.st_size > 0 };
		} else {
			Elf32_Sym e;

			memcpy(&e, raw + i * entsz, sizeof e);
			y = (struct sym){ e.st_value, e.st_size, e.st_name,
			    (uint8_t)ELF32_ST_TYPE(e.st_info),
			    (uint8_t)ELF32_ST_BIND(e.st_info), e.st_shndx,
			    e.st_size > 0 };
		}
		if (y.name == 0 || y.name >= st->strsz ||
		    y.shndx == SHN_UNDEF || y.type == STT_SECTION ||
		    y.type == STT_FILE)
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
	free(names);
	free(raw);
	return st;
fail:
	free(names);
	free(raw);
	tui_symtab_free(st);
	return NULL;
}

struct tui_symtab *
tui_symtab_open(const char *path, char *err)
{
	struct src		 s = { .fd = -1 };
	struct tui_symtab	*st;
	off_t			 end;

	err[0] = '\0';
	if ((s.fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, TUI_ERRLEN, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((end = lseek(s.fd, 0, SEEK_END)) < 0) {
		snprintf(err, TUI_ERRLEN, "%s: %s", path, strerror(errno));
		close(s.fd);
		return NULL;
	}
	s.len = (uint64_t)end;
	st = symtab_load(&s, err);
	close(s.fd);
	if (st == NULL) {
		char tmp[TUI_ERRLEN];

		snprintf(tmp, sizeof tmp, "%s: %s", path, err);
		memcpy(err, tmp, TUI_ERRLEN);
	}
	return st;
}

struct tui_symtab *
tui_symtab_from_mem(const void *buf, size_t len, char *err)
{
	struct src	s = { .fd = -1, .mem = buf, .len = len };

	err[0] = '\0';
	return symtab_load(&s, err);
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
	return st->ntext;
}

unsigned
tui_symtab_bits(const struct tui_symtab *st)
{
	return st->bits;
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
		return false;
	s = &st->text[lo - 1];
	if (a - s->addr >= s->size)
		return false;
	if (name_out != NULL)
		*name_out = sym_name(st, s);
	if (off_out != NULL)
		*off_out = a - s->addr;
	if (size_out != NULL)
		*size_out = s->size;
	return true;
}

size_t
tui_symtab_format(const struct tui_symtab *st, uint64_t addr, char *buf,
    size_t buflen)
{
	const char	*name;
	uint64_t	 off, size;
	int		 n;

	if (buflen == 0)
		return 0;
	buf[0] = '\0';
	if (st == NULL || !tui_symtab_lookup(st, addr, &name, &off, &size))
		return 0;
	n = snprintf(buf, buflen, "%s+0x%" PRIx64 "/0x%" PRIx64, name, off,
	    size);
	if (n < 0)
		return 0;
	return (size_t)n < buflen ? (size_t)n : buflen - 1;
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
		return false;
	*addr_out = found->addr + (uint64_t)st->slide;
	return true;
}

bool
tui_symtab_prb(const struct tui_symtab *st, uint64_t *addr_out)
{
	size_t	i;

	for (i = 0; i < st->nall; i++) {
		const struct sym *y = &st->all[i];

		if (y->type == STT_OBJECT && y->size == st->bits / 8 &&
		    st->data_shndx != 0 && y->shndx == st->data_shndx &&
		    strcmp(sym_name(st, y), "prb") == 0) {
			*addr_out = y->addr + (uint64_t)st->slide;
			return true;
		}
	}
	return false;
}

bool
tui_symtab_is_text(const struct tui_symtab *st, uint64_t addr)
{
	uint64_t	a = addr - (uint64_t)st->slide;
	size_t		i;

	for (i = 0; i < st->nexec; i++)
		if (a >= st->exec[i].lo && a < st->exec[i].hi)
			return true;
	return false;
}

size_t
tui_symtab_format_ret(const struct tui_symtab *st, uint64_t addr, char *buf,
    size_t buflen)
{
	const char	*name;
	uint64_t	 off, size;
	int		 n;

	if (buflen == 0)
		return 0;
	buf[0] = '\0';
	/* A call that never returns (panic) is its function's last
	 * instruction: its return address is already the next function. */
	if (st == NULL || addr == 0 ||
	    !tui_symtab_lookup(st, addr - 1, &name, &off, &size))
		return 0;
	n = snprintf(buf, buflen, "%s+0x%" PRIx64 "/0x%" PRIx64, name, off + 1,
	    size);
	if (n < 0)
		return 0;
	return (size_t)n < buflen ? (size_t)n : buflen - 1;
}
