/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/canvas.c: the character grid views draw into.
 */
#include <stdarg.h>

#include "tui/tui.h"

struct tui_canvas {
	int		 w, h;
	struct tui_cell	*cells;
};

struct tui_canvas *
tui_canvas_new(int w, int h)
{
	struct tui_canvas	*c = tui_xcalloc(1, sizeof *c);

	tui_canvas_resize(c, w, h);
	return (c);
}

void
tui_canvas_free(struct tui_canvas *c)
{
	if (c == NULL)
		return;
	free(c->cells);
	free(c);
}

void
tui_canvas_resize(struct tui_canvas *c, int w, int h)
{
	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	free(c->cells);
	c->w = w;
	c->h = h;
	c->cells = tui_xcalloc((size_t)w * (size_t)h, sizeof *c->cells);
	tui_canvas_clear(c);
}

void
tui_canvas_clear(struct tui_canvas *c)
{
	for (int i = 0; i < c->w * c->h; i++)
		c->cells[i] = (struct tui_cell){ ' ', TUI_A_NORMAL };
}

int
tui_canvas_width(const struct tui_canvas *c)
{
	return (c->w);
}

int
tui_canvas_height(const struct tui_canvas *c)
{
	return (c->h);
}

const struct tui_cell *
tui_canvas_cell(const struct tui_canvas *c, int x, int y)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h)
		return (NULL);
	return (&c->cells[y * c->w + x]);
}

int
tui_canvas_put(struct tui_canvas *c, int x, int y, int x_end,
    enum tui_attr a, const char *s)
{
	int	n = 0;

	if (y < 0 || y >= c->h)
		return (0);
	if (x_end < 0 || x_end > c->w)
		x_end = c->w;
	for (; *s != '\0' && x < x_end; s++, x++) {
		unsigned char ch = (unsigned char)*s;

		if (x < 0)
			continue;
		c->cells[y * c->w + x].ch = ch >= 0x20 && ch <= 0x7e ?
		    (char)ch : '?';
		c->cells[y * c->w + x].attr = (uint8_t)a;
		n++;
	}
	return (n);
}

int
tui_canvas_printf(struct tui_canvas *c, int x, int y, int x_end,
    enum tui_attr a, const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return (tui_canvas_put(c, x, y, x_end, a, buf));
}

void
tui_canvas_fill(struct tui_canvas *c, struct tui_rect r, char ch,
    enum tui_attr a)
{
	for (int y = r.y; y < r.y + r.h; y++)
		for (int x = r.x; x < r.x + r.w; x++)
			if (x >= 0 && y >= 0 && x < c->w && y < c->h)
				c->cells[y * c->w + x] =
				    (struct tui_cell){ ch, (uint8_t)a };
}

void
tui_canvas_set_attr(struct tui_canvas *c, int x, int y, int n,
    enum tui_attr a)
{
	if (y < 0 || y >= c->h)
		return;
	for (; n > 0; n--, x++)
		if (x >= 0 && x < c->w)
			c->cells[y * c->w + x].attr = (uint8_t)a;
}

char
tui_attr_letter(enum tui_attr a)
{
	static const char letters[TUI_A_COUNT] = {
		[TUI_A_NORMAL] = '.', [TUI_A_BOLD] = 'b', [TUI_A_DIM] = 'd',
		[TUI_A_REVERSE] = 'r', [TUI_A_TITLE] = 't',
		[TUI_A_CHANGED] = 'c', [TUI_A_ERR] = 'e', [TUI_A_WARN] = 'w',
		[TUI_A_NOTICE] = 'n', [TUI_A_MATCH] = 'm', [TUI_A_FAULT] = 'f',
	};

	return ((unsigned)a < TUI_A_COUNT ? letters[a] : '?');
}

char *
tui_canvas_dump(const struct tui_canvas *c)
{
	size_t	 cap = (size_t)(c->w + 1) * (size_t)c->h * 2 + 16, o = 0;
	char	*out = tui_xcalloc(1, cap);
	int	 x, y, end;

	for (y = 0; y < c->h; y++) {
		for (end = c->w; end > 0 &&
		    c->cells[y * c->w + end - 1].ch == ' '; end--)
			;
		for (x = 0; x < end; x++)
			out[o++] = c->cells[y * c->w + x].ch;
		out[o++] = '\n';
	}
	memcpy(out + o, "-- attr\n", 8);
	o += 8;
	for (y = 0; y < c->h; y++) {
		for (end = c->w; end > 0 &&
		    c->cells[y * c->w + end - 1].attr == TUI_A_NORMAL; end--)
			;
		for (x = 0; x < end; x++)
			out[o++] = tui_attr_letter(
			    (enum tui_attr)c->cells[y * c->w + x].attr);
		out[o++] = '\n';
	}
	out[o] = '\0';
	return (out);
}
