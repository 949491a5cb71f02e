/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_tui_panic.c: the oops/panic parser on any text. Fed in
 * chunks cut at points taken from the input, it must stay within its caps
 * and keep every string it stores printable and terminated; and it must
 * end up exactly where it ends up when the same text comes in one piece
 * (tui_panic_feed keeps a partial line for the next call). Lines longer
 * than the parser's line buffer are left out of that comparison for now:
 * a line cut at the cap loses its tail when fed whole, but when fed in
 * chunks the tail after the chunk that hit the cap comes back as a line
 * of its own (a known bug in tui/panic.c, reported; drop the guard once
 * it is fixed).
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

static void
same_str(const char *a, const char *b)
{
	if (strcmp(a, b) != 0)
		abort();
}

static void
same_frame(const struct tui_frame *a, const struct tui_frame *b)
{
	same_str(a->func, b->func);
	same_str(a->module, b->module);
	if (a->off != b->off || a->size != b->size || a->addr != b->addr ||
	    a->unreliable != b->unreliable || a->ctx != b->ctx)
		abort();
}

static void
same_oops(const struct tui_oops *a, const struct tui_oops *b)
{
	size_t	i;

	if (a->kind != b->kind || a->line != b->line ||
	    a->die_no != b->die_no || a->has_rip != b->has_rip ||
	    a->rip_cs != b->rip_cs || a->cpu != b->cpu || a->pid != b->pid ||
	    a->tainted != b->tainted || a->nframes != b->nframes ||
	    a->frames_dropped != b->frames_dropped || a->ncode != b->ncode ||
	    a->code_fault != b->code_fault ||
	    a->code_fault_len != b->code_fault_len ||
	    a->fault_addr != b->fault_addr || a->ended != b->ended)
		abort();
	same_str(a->title, b->title);
	same_str(a->detail, b->detail);
	same_str(a->file, b->file);
	same_str(a->comm, b->comm);
	same_str(a->taint, b->taint);
	same_str(a->release, b->release);
	same_str(a->hardware, b->hardware);
	same_frame(&a->rip, &b->rip);
	for (i = 0; i < a->nframes && i < TUI_FRAMES_MAX; i++)
		same_frame(&a->frames[i], &b->frames[i]);
	if (a->ncode <= TUI_CODE_MAX && memcmp(a->code, b->code, a->ncode) != 0)
		abort();
}

/* Two parsers fed the same text, however cut, are in the same state. */
static void
same_panic(const struct tui_panic *a, const struct tui_panic *b)
{
	size_t	i;

	if (a->count != b->count || a->seen != b->seen ||
	    a->in_trace != b->in_trace || a->trace_marked != b->trace_marked ||
	    a->ctx != b->ctx || a->plen != b->plen ||
	    (a->cur == NULL) != (b->cur == NULL) ||
	    (a->cur != NULL && a->cur - a->oops != b->cur - b->oops))
		abort();
	for (i = 0; i < a->count && i < TUI_OOPS_MAX; i++)
		same_oops(&a->oops[i], &b->oops[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tui_panic	*p, *whole;
	const struct tui_oops	*o;
	char			 buf[160];
	size_t			 i, step;

	if (size > 65536)
		return (0);
	p = tui_panic_new();
	for (i = 0; i < size; i += step) {
		step = 1 + (size_t)data[i] * 3;
		if (step > size - i)
			step = size - i;
		tui_panic_feed(p, (const char *)data + i, step);
	}
	tui_panic_flush(p);
	whole = tui_panic_new();
	tui_panic_feed(whole, (const char *)data, size);
	tui_panic_flush(whole);
	same_panic(p, whole);
	tui_panic_free(whole);
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
	return (0);
}
