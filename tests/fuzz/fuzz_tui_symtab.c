/*
 * tests/fuzz/fuzz_tui_symtab.c: the ELF symbol reader on any bytes. It
 * must refuse or load, never read outside the image, and answer lookups.
 *
 * The fuzz link has only rsp/ objects, so the file under test is included.
 */
#include "tui/symtab.c"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tui_symtab	*st;
	char			 err[TUI_ERRLEN], buf[128];
	uint64_t		 a = 0, off, sz;
	const char		*name;
	size_t			 i;

	if (size > 1 << 20)
		return 0;
	if ((st = tui_symtab_from_mem(data, size, err)) == NULL) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	for (i = 0; i + 8 <= size && i < 256; i += 8) {
		memcpy(&a, data + i, 8);
		if (tui_symtab_lookup(st, a, &name, &off, &sz)) {
			if (off >= sz)
				abort();
			(void)strlen(name);
		}
		tui_symtab_format(st, a, buf, sizeof buf);
		(void)tui_symtab_is_text(st, a);
	}
	(void)tui_symtab_prb(st, &a);
	(void)tui_symtab_addr(st, "prb", &a);
	tui_symtab_set_slide(st, -0x1000);
	tui_symtab_format(st, 0, buf, sizeof buf);
	tui_symtab_free(st);
	return 0;
}
