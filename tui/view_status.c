/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/view_status.c: the one-line status bar.
 */
#include <inttypes.h>

#include "tui/tui.h"

const char *
tui_tstate_name(enum tui_tstate s)
{
	switch (s) {
	case TUI_TS_UNKNOWN:	return ("unknown");
	case TUI_TS_RUNNING:	return ("running");
	case TUI_TS_STOPPED:	return ("stopped");
	case TUI_TS_KDB:	return ("kdb");
	case TUI_TS_PANIC:	return ("PANIC");
	}
	return ("?");
}

/* 950, 1.2k, 11k */
static void
rate(char *buf, size_t len, uint64_t bps)
{
	if (bps < 1000)
		snprintf(buf, len, "%" PRIu64, bps);
	else if (bps < 10000)
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "k", bps / 1000,
		    (bps % 1000) / 100);
	else
		snprintf(buf, len, "%" PRIu64 "k", bps / 1000);
}

/* The status bar: the link, the target state, its CPU and thread, rates. */
void
tui_status_draw(struct tui_canvas *c, struct tui_rect r,
    const struct tui_status *s)
{
	static const char spin[] = "|/-\\";
	char		 rx[32], tx[32], where[64];
	int		 x = r.x, end = r.x + r.w - 2, n;

	if (r.h < 1 || r.w < 1)
		return;
	tui_canvas_fill(c, (struct tui_rect){ r.x, r.y, r.w, 1 }, ' ',
	    TUI_A_REVERSE);
	if (!s->bridge) {
		tui_canvas_put(c, x + 1, r.y, end, TUI_A_REVERSE,
		    s->mode[0] != '\0' ? s->mode :
		    "no bridge: not connected to kgdb-bridge");
		return;
	}
	if (s->link_up)
		n = tui_canvas_printf(c, x + 1, r.y, end, TUI_A_REVERSE,
		    "%s", s->device);
	else
		n = tui_canvas_printf(c, x + 1, r.y, end, TUI_A_ERR,
		    "%s down", s->device[0] ? s->device : "link");
	x += 1 + n;
	if (s->link_up && s->baud > 0)
		x += tui_canvas_printf(c, x, r.y, end, TUI_A_REVERSE, " %d",
		    s->baud);
	x += tui_canvas_put(c, x, r.y, end, TUI_A_REVERSE, "  ");
	x += tui_canvas_put(c, x, r.y, end, s->state == TUI_TS_PANIC ?
	    TUI_A_ERR : TUI_A_REVERSE, tui_tstate_name(s->state));
	x += tui_canvas_put(c, x, r.y, end, TUI_A_REVERSE,
	    s->gdb_attached ? "  gdb" : "  no gdb");
	where[0] = '\0';
	if (s->cpu >= 0 && s->thread >= 0)
		snprintf(where, sizeof where, "  cpu %d thr %d", s->cpu,
		    s->thread);
	else if (s->cpu >= 0)
		snprintf(where, sizeof where, "  cpu %d", s->cpu);
	else if (s->thread >= 0)
		snprintf(where, sizeof where, "  thr %d", s->thread);
	x += tui_canvas_put(c, x, r.y, end, TUI_A_REVERSE, where);
	rate(rx, sizeof rx, s->rx_bps);
	rate(tx, sizeof tx, s->tx_bps);
	x += tui_canvas_printf(c, x, r.y, end, TUI_A_REVERSE,
	    "  rx/tx %s/%s B/s", rx, tx);
	if (s->retransmits > 0 || s->cksum_errors > 0)
		x += tui_canvas_printf(c, x, r.y, end, TUI_A_WARN,
		    "  retx %" PRIu64 " cksum %" PRIu64, s->retransmits,
		    s->cksum_errors);
	/* The read indicator sits at the right edge. */
	if (s->busy && r.w >= 3)
		tui_canvas_printf(c, r.x + r.w - 2, r.y, -1, TUI_A_REVERSE,
		    "%c", spin[s->tick % 4]);
	(void)x;
}
