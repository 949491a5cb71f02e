/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/view_panic.c: the panic at a glance.
 *
 *   Oops  BUG: kernel NULL pointer dereference, address: 0000000000000000
 *   at    sysrq_handle_crash+0x16/0x20
 *   task  CPU 0  PID 1  sh   6.1.0
 *   taint not tainted
 *   hw    QEMU Standard PC (i440FX + PIIX, 1996), BIOS …
 *   code  … 0f ae f8 c6 04 25 …   (the faulting byte marked)
 *   trace __handle_sysrq.cold+0x43/0x11b
 *         ? preempt_count_add+0x6a/0xa0
 *   also  #2 panic: Fatal exception
 */
#include <inttypes.h>

#include "tui/tui.h"

#define LABEL_W	6

static int
label(struct tui_canvas *c, struct tui_rect r, int y, const char *name)
{
	tui_canvas_put(c, r.x, y, r.x + r.w, TUI_A_DIM, name);
	return (r.x + LABEL_W);
}

static void
draw_code(struct tui_canvas *c, struct tui_rect r, int y,
    const struct tui_oops *o)
{
	int	x = label(c, r, y, "code"), end = r.x + r.w;
	int	fit = (end - x) / 3, from, to, i;

	if (fit <= 0)
		return;
	/* A window of bytes with the faulting one in the middle. */
	from = 0;
	if (o->code_fault >= 0)
		from = o->code_fault - fit / 2;
	if (from + fit > (int)o->ncode)
		from = (int)o->ncode - fit;
	if (from < 0)
		from = 0;
	to = from + fit < (int)o->ncode ? from + fit : (int)o->ncode;
	for (i = from; i < to; i++) {
		bool f = o->code_fault >= 0 && i >= o->code_fault &&
		    i < o->code_fault + o->code_fault_len;

		/* the kernel's own marking, so it shows without colour */
		if (f && i == o->code_fault)
			x += tui_canvas_put(c, x - 1, y, end, TUI_A_FAULT,
			    "<") - 1;
		x += tui_canvas_printf(c, x, y, end, f ? TUI_A_FAULT :
		    TUI_A_NORMAL, "%02x", o->code[i]);
		if (f && i == o->code_fault + o->code_fault_len - 1)
			x += tui_canvas_put(c, x, y, end, TUI_A_FAULT, ">") - 1;
		x++;
	}
}

/* The rows the pane fills, counted as tui_panic_draw fills them. */
int
tui_panic_rows(const struct tui_panic *p, const struct tui_panic_more *more,
    bool hint)
{
	const struct tui_oops	*o;
	size_t			 frames;
	int			 rows = 1;

	if (p == NULL || (o = tui_panic_get(p, 0)) == NULL)
		return (0);
	/* The lines tui_panic_draw fills, in its order. */
	rows += tui_oops_where(o) != NULL || hint;
	rows += o->cpu >= 0 || o->comm[0] != '\0' || (more != NULL &&
	    (more->pid >= 0 || more->cpu >= 0));
	rows += o->cpu >= 0 || (more != NULL && more->have_taint);
	rows += o->hardware[0] != '\0';
	rows += o->ncode > 0;
	frames = o->nframes;
	if (frames == 0 && more != NULL)
		frames = more->nframes;
	return (rows + (int)frames + (tui_panic_seen(p) > 1));
}

/*
 * The panic pane: what, where, who, and as much of the trace as fits;
 * what the report leaves out comes from memory (more) when given, marked
 * so.
 */
void
tui_panic_draw(struct tui_canvas *c, struct tui_rect r,
    const struct tui_panic *p, const char *where_hint,
    const struct tui_panic_more *more)
{
	const struct tui_oops	*o;
	const struct tui_frame	*w, *frames;
	char			 buf[256];
	int			 y = r.y, end = r.x + r.w, x, last = r.y + r.h;
	size_t			 i, nrest, shown, nframes;
	bool			 mem_frames = false;

	if (r.h < 1 || r.w < 1)
		return;
	tui_canvas_fill(c, r, ' ', TUI_A_NORMAL);
	if (p == NULL || (o = tui_panic_get(p, 0)) == NULL) {
		tui_canvas_put(c, r.x, y, end, TUI_A_TITLE,
		    "no oops or panic seen");
		return;
	}
	nrest = tui_panic_seen(p) - 1;

	x = r.x + tui_canvas_printf(c, r.x, y, end, TUI_A_ERR, "%-*s",
	    LABEL_W, o->kind == TUI_OOPS_PANIC ? "PANIC" :
	    o->kind == TUI_OOPS_WARN ? "WARN" : "OOPS");
	tui_canvas_put(c, x, y++, end, TUI_A_BOLD, o->title);

	if (y < last && (w = tui_oops_where(o)) != NULL) {
		x = label(c, r, y, "at");
		tui_frame_format(w, buf, sizeof buf);
		tui_canvas_put(c, x, y++, end, TUI_A_BOLD, buf);
	} else if (y < last && where_hint != NULL && where_hint[0] != '\0') {
		x = label(c, r, y, "at");
		x += tui_canvas_put(c, x, y, end, TUI_A_BOLD, where_hint);
		tui_canvas_put(c, x, y++, end, TUI_A_DIM, "  (from the stack)");
	}
	if (y < last && (o->cpu >= 0 || o->comm[0] != '\0')) {
		x = label(c, r, y, "task");
		tui_canvas_printf(c, x, y++, end, TUI_A_NORMAL,
		    "CPU %d  PID %d  %s  %s", o->cpu, o->pid, o->comm,
		    o->release);
	} else if (y < last && more != NULL && (more->pid >= 0 ||
	    more->cpu >= 0)) {
		/* The report did not say: the stopped task, from memory. */
		x = label(c, r, y, "task");
		x += more->cpu >= 0 ? tui_canvas_printf(c, x, y, end,
		    TUI_A_NORMAL, "CPU %d  ", more->cpu) : 0;
		x += tui_canvas_printf(c, x, y, end, TUI_A_NORMAL, "PID %d  %s",
		    more->pid, more->comm);
		tui_canvas_put(c, x, y++, end, TUI_A_DIM, "  (from memory)");
	}
	if (y < last && o->cpu < 0 && more != NULL && more->have_taint) {
		x = label(c, r, y, "taint");
		if (more->taint[0] == '\0')
			x += tui_canvas_put(c, x, y, end, TUI_A_NORMAL,
			    "not tainted");
		else {
			x += tui_canvas_printf(c, x, y, end, TUI_A_WARN, "%s ",
			    more->taint);
			tui_taint_words(more->taint, buf, sizeof buf);
			x += tui_canvas_put(c, x, y, end, TUI_A_NORMAL, buf);
		}
		tui_canvas_put(c, x, y++, end, TUI_A_DIM, "  (from memory)");
	} else if (y < last && o->cpu >= 0) {
		x = label(c, r, y, "taint");
		if (!o->tainted || o->taint[0] == '\0') {
			tui_canvas_put(c, x, y++, end, TUI_A_NORMAL,
			    "not tainted");
		} else {
			x += tui_canvas_printf(c, x, y, end, TUI_A_WARN, "%s ",
			    o->taint);
			tui_taint_words(o->taint, buf, sizeof buf);
			tui_canvas_put(c, x, y++, end, TUI_A_NORMAL, buf);
		}
	}
	if (y < last && o->hardware[0] != '\0') {
		x = label(c, r, y, "hw");
		tui_canvas_put(c, x, y++, end, TUI_A_NORMAL, o->hardware);
	}
	if (y < last && o->ncode > 0)
		draw_code(c, r, y++, o);
	/* Keep a row for the other reports when there are any. */
	if (nrest > 0)
		last--;
	frames = o->frames;
	nframes = o->nframes;
	if (nframes == 0 && more != NULL && more->nframes > 0) {
		/* No trace printed: the one the stack holds. */
		frames = more->frames;
		nframes = more->nframes;
		mem_frames = true;
	}
	for (i = 0; i < nframes && y < last; i++, y++) {
		const struct tui_frame *f = &frames[i];

		x = i == 0 ? label(c, r, y, "trace") : r.x + LABEL_W;
		tui_frame_format(f, buf, sizeof buf);
		if (f->unreliable)
			x += tui_canvas_printf(c, x, y, end, TUI_A_DIM, "? %s",
			    buf);
		else
			x += tui_canvas_put(c, x, y, end, TUI_A_NORMAL, buf);
		if (i == 0 && mem_frames)
			tui_canvas_put(c, x, y, end, TUI_A_DIM,
			    "  (from the stack)");
	}
	if (nrest == 0 || y >= r.y + r.h)
		return;
	x = label(c, r, y, "also");
	shown = tui_panic_count(p);
	for (i = 1; i < shown && x < end; i++) {
		const struct tui_oops *q = tui_panic_get(p, i);

		x += tui_canvas_printf(c, x, y, end, TUI_A_WARN, "%s%s%s",
		    i > 1 ? " | " : "", tui_oops_kind_name(q->kind),
		    q->kind == TUI_OOPS_PANIC ? ": " : "");
		if (q->kind == TUI_OOPS_PANIC)
			x += tui_canvas_put(c, x, y, end, TUI_A_WARN,
			    q->detail);
		else if (q->die_no > 0)
			x += tui_canvas_printf(c, x, y, end, TUI_A_WARN,
			    " #%d", q->die_no);
	}
	if (tui_panic_seen(p) > shown)
		tui_canvas_printf(c, x, y, end, TUI_A_WARN, " (+%zu more)",
		    tui_panic_seen(p) - shown);
}
