/*
 * tests/fuzz/fuzz_tui_panic.c: the oops/panic parser on any text. Fed in
 * chunks cut at points taken from the input, it must stay within its caps
 * and keep every string it stores printable and terminated.
 *
 * The fuzz link has only rsp/ objects, so the file under test is included.
 */
#include "tui/panic.c"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_str(const char *s, size_t max)
{
	size_t	n = strnlen(s, max);

	if (n == max)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tui_panic	*p;
	const struct tui_oops	*o;
	char			 buf[160];
	size_t			 i, step;

	if (size > 65536)
		return 0;
	p = tui_panic_new();
	for (i = 0; i < size; i += step) {
		step = 1 + (size_t)data[i] * 3;
		if (step > size - i)
			step = size - i;
		tui_panic_feed(p, (const char *)data + i, step);
	}
	tui_panic_flush(p);
	if (tui_panic_count(p) > TUI_OOPS_MAX ||
	    tui_panic_count(p) > tui_panic_seen(p))
		abort();
	for (i = 0; i < tui_panic_count(p); i++) {
		o = tui_panic_get(p, i);
		check_str(o->title, sizeof o->title);
		check_str(o->detail, sizeof o->detail);
		check_str(o->comm, sizeof o->comm);
		check_str(o->hardware, sizeof o->hardware);
		check_str(o->release, sizeof o->release);
		check_str(o->file, sizeof o->file);
		check_str(o->taint, sizeof o->taint);
		if (o->nframes > TUI_FRAMES_MAX || o->ncode > TUI_CODE_MAX)
			abort();
		if (o->code_fault >= 0 && (size_t)o->code_fault >= o->ncode)
			abort();
		for (size_t f = 0; f < o->nframes; f++) {
			check_str(o->frames[f].func, sizeof o->frames[f].func);
			tui_frame_format(&o->frames[f], buf, sizeof buf);
		}
		if (tui_oops_where(o) != NULL)
			tui_frame_format(tui_oops_where(o), buf, sizeof buf);
		tui_taint_words(o->taint, buf, sizeof buf);
	}
	tui_panic_free(p);
	return 0;
}
