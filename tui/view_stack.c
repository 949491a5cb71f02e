/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/view_stack.c: raw stack words from SP up, annotated, and the call
 * chain from saved frame pointers (the lab kernels have
 * CONFIG_FRAME_POINTER; where each architecture keeps the caller's fp and
 * the return address is enum tui_fp_kind).
 */
#include <inttypes.h>

#include "tui/tui.h"

static uint64_t
word_at(const uint8_t *p, unsigned w)
{
	uint64_t	v = 0;

	while (w-- > 0)
		v = (v << 8) | p[w];
	return (v);
}

size_t
tui_stack_where(const struct tui_stack *s, const struct tui_symtab *st,
    char *buf, size_t buflen)
{
	struct tui_fp_frame fr[TUI_FP_MAX];
	size_t		 n, i, len;

	if (buflen == 0)
		return (0);
	buf[0] = '\0';
	if (s == NULL || s->mem == NULL || st == NULL)
		return (0);
	n = tui_stack_fp_walk(s, fr, TUI_FP_MAX);
	for (i = 0; i < n; i++) {
		len = tui_symtab_format_ret(st, fr[i].ret, buf, buflen);
		if (len == 0)
			continue;
		/* compare the name only: up to the '+' */
		{
			char	name[TUI_SYM_MAX];
			size_t	k = strcspn(buf, "+");

			if (k >= sizeof name)
				k = sizeof name - 1;
			memcpy(name, buf, k);
			name[k] = '\0';
			if (!tui_frame_is_reporting(name))
				return (len);
		}
	}
	buf[0] = '\0';
	return (0);
}

/* The stack pane: words from sp, return addresses and frames marked. */
void
tui_stack_draw(struct tui_canvas *c, struct tui_rect r,
    const struct tui_stack *s, const struct tui_symtab *st)
{
	struct tui_fp_frame fr[TUI_FP_MAX];
	size_t		 nfr = 0, i, f;
	int		 y = r.y, end = r.x + r.w, hexw;
	char		 sym[96];
	uint64_t	 addr, w;
	bool		 ret, saved;

	if (r.h < 1 || r.w < 1)
		return;
	tui_canvas_fill(c, r, ' ', TUI_A_NORMAL);
	if (s == NULL || s->mem == NULL || s->len == 0) {
		tui_canvas_put(c, r.x, y, end, TUI_A_TITLE, "stack (none)");
		return;
	}
	nfr = tui_stack_fp_walk(s, fr, TUI_FP_MAX);
	tui_canvas_printf(c, r.x, y++, end, TUI_A_TITLE,
	    "stack  sp %0*" PRIx64 "  %zu fp frame%s", (int)s->wsize * 2,
	    s->sp, nfr, nfr == 1 ? "" : "s");
	hexw = (int)s->wsize * 2;
	for (i = 0; i + s->wsize <= s->len && y < r.y + r.h; i += s->wsize) {
		int x = r.x;

		addr = s->sp + i;
		w = word_at(s->mem + i, s->wsize);
		ret = saved = false;
		for (f = 0; f < nfr; f++) {
			if (fr[f].ret_at == addr)
				ret = true;
			if (fr[f].saved_at == addr)
				saved = true;
		}
		/* offset from sp: short, and what one reads a frame by */
		x += tui_canvas_printf(c, x, y, end, TUI_A_DIM, "+%03zx", i);
		x += tui_canvas_printf(c, x, y, end, ret ? TUI_A_BOLD :
		    TUI_A_NORMAL, "%c%0*" PRIx64, ret ? '>' : saved ? '*' : ' ',
		    hexw, w);
		sym[0] = '\0';
		/* text addresses on a stack are return addresses */
		if (st != NULL && tui_symtab_is_text(st, w))
			tui_symtab_format_ret(st, w, sym, sizeof sym);
		if (sym[0] != '\0')
			tui_canvas_put(c, x + 1, y, end, ret ? TUI_A_BOLD :
			    TUI_A_DIM, sym);
		y++;
	}
}
