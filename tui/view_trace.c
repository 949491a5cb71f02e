/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/view_trace.c: the call-trace panel (the frames of tui/trace.c),
 * as the kernel prints its "Call Trace:":
 *
 *   call trace  pid 28 sleep  (4 reliable)
 *   __schedule+0x2f0/0x890
 *   schedule+0x5a/0xd0
 *   do_nanosleep+0x6b/0x160
 *   ? hrtimer_init_sleeper+0x30/0x30
 */
#include <inttypes.h>

#include "tui/tui.h"

/* Title with the count of reliable frames, then one frame a line. */
void
tui_trace_draw(struct tui_canvas *c, struct tui_rect r,
    const struct tui_stack *s, const struct tui_symtab *st, const char *who)
{
	struct tui_frame	 fr[TUI_FRAMES_MAX];
	size_t			 n, i, rel = 0;
	int			 y = r.y, end = r.x + r.w;
	char			 buf[TUI_SYM_MAX + 48];

	if (r.h < 1 || r.w < 1)
		return;
	tui_canvas_fill(c, r, ' ', TUI_A_NORMAL);
	n = tui_trace_build(s, st, fr, TUI_FRAMES_MAX);
	for (i = 0; i < n; i++)
		rel += !fr[i].unreliable;
	if (n == 0) {
		tui_canvas_printf(c, r.x, y, end, TUI_A_TITLE, "call trace%s%s"
		    "  (none)", who != NULL && who[0] != '\0' ? "  " : "",
		    who != NULL ? who : "");
		return;
	}
	tui_canvas_printf(c, r.x, y++, end, TUI_A_TITLE, "call trace%s%s  "
	    "(%zu reliable)", who != NULL && who[0] != '\0' ? "  " : "",
	    who != NULL ? who : "", rel);
	for (i = 0; i < n && y < r.y + r.h; i++, y++) {
		tui_frame_format(&fr[i], buf, sizeof buf);
		if (fr[i].unreliable)
			tui_canvas_printf(c, r.x, y, end, TUI_A_DIM, "? %s",
			    buf);
		else
			tui_canvas_put(c, r.x, y, end, TUI_A_NORMAL, buf);
	}
}
