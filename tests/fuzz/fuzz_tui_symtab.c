/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_tui_symtab.c: the ELF symbol reader on any bytes. It
 * must refuse (saying why) or load, never read outside the image, and
 * then answer lookups as its header says:
 *  - the text symbols are sorted by address, one per address, each named
 *    from the string table, and a symbol without a size reaches to the
 *    next one;
 *  - a lookup gives the last text symbol at or below the address, if the
 *    address is inside it (checked against a plain scan), and a symbol's
 *    own address finds that symbol at offset 0;
 *  - the formatted forms say the same as the lookup (a return address
 *    names the symbol of the byte before it);
 *  - a KASLR slide moves every address in and out by the slide and
 *    changes nothing else;
 *  - a text symbol's name finds an address that a symbol of that name has.
 *
 * The fuzz link has only rsp/ objects, so the file under test is included.
 */
#include "tui/symtab.c"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define QUERIES_MAX	64	/* lookups checked against a scan, per input */
#define NAMES_MAX	16	/* names looked up, per input */

/* The reference: the last text symbol at or below a, if a is inside it. */
static const struct sym *
scan(const struct tui_symtab *st, uint64_t a)
{
	const struct sym	*best = NULL;
	size_t			 i;

	for (i = 0; i < st->ntext; i++)
		if (st->text[i].addr <= a)
			best = &st->text[i];
	if (best == NULL || a - best->addr >= best->size)
		return (NULL);
	return (best);
}

/* buf, n bytes long, is name then "+0x", either maybe cut short. */
static bool
starts_with_name(const char *buf, size_t n, const char *name)
{
	size_t	m = strlen(name);

	if (n <= m)
		return (memcmp(buf, name, n) == 0);
	return (memcmp(buf, name, m) == 0 &&
	    memcmp(buf + m, "+0x", n - m < 3 ? n - m : 3) == 0);
}

/* Lookup, format and format_ret at addr (runtime) with st's slide, for
 * the link-time address a. */
static void
check_addr(const struct tui_symtab *st, uint64_t a)
{
	const struct sym	*want = scan(st, a);
	const char		*name = NULL;
	uint64_t		 addr = a + (uint64_t)st->slide, off, sz;
	char			 buf[96];
	size_t			 n;
	bool			 found;

	found = tui_symtab_lookup(st, addr, &name, &off, &sz);
	if (found != (want != NULL))
		abort();
	if (found && (name != sym_name(st, want) || off != a - want->addr ||
	    sz != want->size || off >= sz))
		abort();
	n = tui_symtab_format(st, addr, buf, sizeof buf);
	if (n != strlen(buf) || (n == 0) != !found ||
	    (found && !starts_with_name(buf, n, name)))
		abort();
	/* A return address: the symbol of the byte before it. */
	n = tui_symtab_format_ret(st, addr + 1, buf, sizeof buf);
	if (n != strlen(buf) || (n == 0) != (!found || addr + 1 == 0) ||
	    (n > 0 && !starts_with_name(buf, n, name)))
		abort();
	(void)tui_symtab_is_text(st, addr);
}

static void
check_table(const struct tui_symtab *st, const uint8_t *data, size_t size)
{
	const struct sym	*s;
	const char		*name;
	uint64_t		 a, off, sz;
	size_t			 i, j, q = 0;
	bool			 named;

	if (tui_symtab_count(st) != st->ntext || st->ntext > st->nall ||
	    (tui_symtab_bits(st) != 32 && tui_symtab_bits(st) != 64))
		abort();
	for (i = 0; i < st->ntext; i++) {
		s = &st->text[i];
		if (s->name == 0 || s->name >= st->strsz ||
		    s->shndx >= SHN_LORESERVE || s->shndx == SHN_UNDEF)
			abort();
		if (i + 1 < st->ntext) {
			if (s->addr >= st->text[i + 1].addr)
				abort();
			if (!s->sized &&
			    s->size != st->text[i + 1].addr - s->addr)
				abort();
		}
		/* A label (no type) is text only inside executable code. */
		if (s->type != STT_FUNC &&
		    !tui_symtab_is_text(st, s->addr + (uint64_t)st->slide))
			abort();
		if (s->size > 0 && (!tui_symtab_lookup(st, s->addr +
		    (uint64_t)st->slide, &name, &off, &sz) ||
		    name != sym_name(st, s) || off != 0 || sz != s->size))
			abort();
		if (q < QUERIES_MAX) {
			/* Around each symbol: below, at, inside, at its end. */
			check_addr(st, s->addr - 1);
			check_addr(st, s->addr + s->size / 2);
			check_addr(st, s->addr + s->size);
			q++;
		}
	}
	for (i = 0; i + 8 <= size && i < 8 * QUERIES_MAX; i += 8) {
		memcpy(&a, data + i, 8);
		check_addr(st, a);
	}
	for (i = 0; i < st->ntext && i < NAMES_MAX; i++) {
		name = sym_name(st, &st->text[i]);
		if (!tui_symtab_addr(st, name, &a))
			abort();
		a -= (uint64_t)st->slide;
		for (j = 0, named = false; j < st->nall && !named; j++)
			named = st->all[j].addr == a &&
			    strcmp(sym_name(st, &st->all[j]), name) == 0;
		if (!named)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tui_symtab	*st;
	char			 err[TUI_ERRLEN];
	uint64_t		 slide = 0;

	if (size > 1 << 20)
		return (0);
	if ((st = tui_symtab_from_mem(data, size, err)) == NULL) {
		if (err[0] == '\0' || strlen(err) >= sizeof err)
			abort();
		return (0);
	}
	check_table(st, data, size);
	/* Again under a slide taken from the input (KASLR moves the kernel
	 * by a page multiple; any value must work). */
	if (size >= 8)
		memcpy(&slide, data + size - 8, 8);
	tui_symtab_set_slide(st, (int64_t)(slide & ~(uint64_t)0xfff));
	check_table(st, data, size);
	tui_symtab_set_slide(st, -0x1000);
	check_table(st, data, size);
	tui_symtab_free(st);
	return (0);
}
