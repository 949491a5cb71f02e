/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/layout.c: where each pane goes for a given terminal size.
 */
#include "tui/tui.h"

/* The tasks view: the table on top; trace and raw stack below. */
static void
tasks_draw(struct tui_canvas *c, const struct tui_screen *s, int y,
    int band, int w)
{
	int	top = band * 9 / 20, left;

	if (top < 4)
		top = 4;
	tui_tasks_draw(c, (struct tui_rect){ 0, y, w, top }, &s->tasks,
	    s->symtab);
	tui_canvas_fill(c, (struct tui_rect){ 0, y + top, w, 1 }, '-',
	    TUI_A_DIM);
	y += top + 1;
	band -= top + 1;
	if (band < 1)
		return;
	left = w * 52 / 100;
	tui_trace_draw(c, (struct tui_rect){ 0, y, left, band }, s->task_stack,
	    s->symtab, s->task_who);
	tui_canvas_fill(c, (struct tui_rect){ left, y, 1, band }, '|',
	    TUI_A_DIM);
	tui_stack_draw(c, (struct tui_rect){ left + 1, y, w - left - 1, band },
	    s->task_stack, s->symtab);
}

/* Where each pane goes for the terminal's size; the log alone when small. */
void
tui_screen_draw(struct tui_canvas *c, const struct tui_screen *s)
{
	int	w = tui_canvas_width(c), h = tui_canvas_height(c);
	int	y = 1, band, pr, left, regs_h;
	char	hint[128];

	tui_canvas_clear(c);
	tui_status_draw(c, (struct tui_rect){ 0, 0, w, 1 }, &s->status);
	if (h < 2)
		return;
	if (w < 60 || h < 12) {
		/* Too small for panes side by side: the log alone. */
		if (s->log != NULL)
			tui_log_draw(c, (struct tui_rect){ 0, 1, w, h - 1 },
			    s->log);
		return;
	}
	band = h - 1;
	if (s->tasks_mode) {
		tasks_draw(c, s, y, band, w);
		return;
	}
	tui_stack_where(s->stack, s->symtab, hint, sizeof hint);
	if ((pr = tui_panic_rows(s->panic, s->panic_more,
	    hint[0] != '\0')) > 0) {
		if (pr > band * 2 / 5)
			pr = band * 2 / 5;
		tui_panic_draw(c, (struct tui_rect){ 0, y, w, pr }, s->panic,
		    hint, s->panic_more);
		/* a rule under it */
		tui_canvas_fill(c, (struct tui_rect){ 0, y + pr, w, 1 }, '-',
		    TUI_A_DIM);
		y += pr + 1;
		band -= pr + 1;
	}
	if (s->regs == NULL && s->stack == NULL) {
		/* Nothing from the target yet (a replay): all log. */
		if (s->log != NULL)
			tui_log_draw(c, (struct tui_rect){ 0, y, w, band },
			    s->log);
		return;
	}
	left = w >= 120 ? 50 : w >= 100 ? 48 : w * 48 / 100;
	regs_h = band / 2;
	if (regs_h > 13)
		regs_h = 13;
	if (s->regs != NULL)
		tui_regs_draw(c, (struct tui_rect){ 0, y, left, regs_h },
		    s->regs, s->symtab);
	tui_stack_draw(c, (struct tui_rect){ 0, y + regs_h, left,
	    band - regs_h }, s->stack, s->symtab);
	/* a vertical rule between the columns */
	tui_canvas_fill(c, (struct tui_rect){ left, y, 1, band }, '|',
	    TUI_A_DIM);
	if (s->log != NULL)
		tui_log_draw(c, (struct tui_rect){ left + 1, y, w - left - 1,
		    band }, s->log);
}
