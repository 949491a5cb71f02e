/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/view_log.c: the kernel log pane, drawn from its model (log.c).
 */
#include <inttypes.h>

#include "tui/tui.h"

static enum tui_attr
level_attr(int level)
{
	if (level < 0)
		return (TUI_A_NORMAL);
	if (level <= 3)
		return (TUI_A_ERR);
	if (level == 4)
		return (TUI_A_WARN);
	if (level == 5)
		return (TUI_A_NOTICE);
	if (level == 7)
		return (TUI_A_DIM);
	return (TUI_A_NORMAL);
}

/* The log pane: the lines that fit, the search match marked. */
void
tui_log_draw(struct tui_canvas *c, struct tui_rect r, struct tui_log *l)
{
	int		 rows = r.h - 1, y, x, end = r.x + r.w;
	long		 first, i, bottom, match;
	const char	*t, *m, *pat = tui_log_pattern(l, &match);
	const char	*note = tui_log_note(l);
	size_t		 plen = strlen(pat), n = tui_log_count(l);
	struct tui_log_line ln;

	if (r.h < 1 || r.w < 1)
		return;
	tui_canvas_fill(c, r, ' ', TUI_A_NORMAL);
	x = r.x + tui_canvas_printf(c, r.x, r.y, end, TUI_A_TITLE,
	    "log  %zu line%s", n, n == 1 ? "" : "s");
	if (tui_log_following(l))
		x += tui_canvas_put(c, x, r.y, end, TUI_A_TITLE, "  [follow]");
	else
		x += tui_canvas_printf(c, x, r.y, end, TUI_A_TITLE,
		    "  [-%zu]", tui_log_scrolled(l));
	if (pat[0] != '\0')
		x += tui_canvas_printf(c, x, r.y, end, match >= 0 ?
		    TUI_A_TITLE : TUI_A_WARN, "  /%s%s", pat,
		    match >= 0 ? "" : " (not found)");
	if (note[0] != '\0')
		tui_canvas_printf(c, x, r.y, end, TUI_A_WARN, "  %s", note);
	if (rows < 1)
		return;
	tui_log_set_rows(l, rows);
	bottom = (long)n - 1 - (long)tui_log_scrolled(l);
	first = bottom - rows + 1;
	if (first < 0)
		first = 0;
	for (i = first, y = r.y + 1; i <= bottom && y < r.y + r.h; i++, y++) {
		enum tui_attr a;

		if (!tui_log_line(l, (size_t)i, &ln))
			break;
		a = level_attr(ln.level);
		x = r.x;
		/* narrow panes keep the text, not the time */
		if (ln.has_ts && r.w >= 60)
			x += tui_canvas_printf(c, x, y, end, TUI_A_DIM,
			    "[%5" PRIu64 ".%06" PRIu64 "] ",
			    ln.ts / 1000000000, (ln.ts / 1000) % 1000000);
		tui_canvas_put(c, x, y, end, a, ln.text);
		if (plen == 0)
			continue;
		for (t = ln.text; (m = strstr(t, pat)) != NULL; t = m + plen)
			tui_canvas_set_attr(c, x + (int)(m - ln.text), y,
			    (int)plen < end - x - (int)(m - ln.text) ?
			    (int)plen : end - x - (int)(m - ln.text),
			    i == match ? TUI_A_REVERSE : TUI_A_MATCH);
	}
}
