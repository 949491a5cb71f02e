/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/view_regs.c: the register pane, drawn from its model (regs.c), with
 * values changed since the last stop highlighted.
 */
#include <inttypes.h>

#include "tui/tui.h"

size_t
tui_eflags_format(uint64_t v, char *buf, size_t buflen)
{
	static const struct {
		unsigned	 bit;
		const char	*name;
	} bits[] = {
		{ 0, "CF" }, { 2, "PF" }, { 4, "AF" }, { 6, "ZF" },
		{ 7, "SF" }, { 8, "TF" }, { 9, "IF" }, { 10, "DF" },
		{ 11, "OF" }, { 14, "NT" }, { 16, "RF" }, { 17, "VM" },
		{ 18, "AC" }, { 19, "VIF" }, { 20, "VIP" }, { 21, "ID" },
	};
	size_t	o;
	int	i;

	if (buflen == 0)
		return (0);
	/* gdb 13 names the flags from bit 0 up: "[ PF ZF IF ]" */
	o = (size_t)snprintf(buf, buflen, "0x%" PRIx64 " [", v);
	for (i = 0; i < (int)(sizeof bits / sizeof bits[0]); i++)
		if ((v >> bits[i].bit) & 1 && o < buflen)
			o += (size_t)snprintf(buf + o, buflen - o, " %s",
			    bits[i].name);
	if (o < buflen)
		o += (size_t)snprintf(buf + o, buflen - o, " ]");
	return (o < buflen ? o : buflen - 1);
}

/* pc, sp, fp and flags by their names on each architecture. */
static bool
is_name(const char *n, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(n, *list) == 0)
			return (true);
	return (false);
}

static const char *const pc_names[] = { "rip", "eip", "pc", NULL };
static const char *const prio_names[] = { "rsp", "rbp", "eflags", "esp",
	"ebp", "sp", "x29", "cpsr", NULL };

static void
draw_value(struct tui_canvas *c, int x, int y, int end,
    const struct tui_regs_view *v, const struct tui_reg *rg)
{
	char		 buf[64];
	enum tui_attr	 a = tui_regs_view_changed(v, rg->name) ?
			    TUI_A_CHANGED : TUI_A_NORMAL;

	x += tui_canvas_printf(c, x, y, end, TUI_A_DIM, "%-6s ", rg->name);
	if (strcmp(rg->name, "eflags") == 0) {
		tui_eflags_format(rg->value, buf, sizeof buf);
		tui_canvas_put(c, x, y, end, a, buf);
	} else if (rg->size == 4) {
		tui_canvas_printf(c, x, y, end, a, "%08" PRIx64, rg->value);
	} else {
		tui_canvas_printf(c, x, y, end, a, "%016" PRIx64, rg->value);
	}
}

/* The registers pane: pc first with its symbol, then columns as wide as fit. */
void
tui_regs_draw(struct tui_canvas *c, struct tui_rect r,
    const struct tui_regs_view *v, const struct tui_symtab *st)
{
	const struct tui_reg *order[TUI_REGS_MAX];
	size_t		 n = 0, i, k, nregs = tui_regs_view_count(v);
	int		 y = r.y, end = r.x + r.w, cols, colw, row, rows;
	char		 sym[96];

	if (r.h < 1 || r.w < 1)
		return;
	tui_canvas_fill(c, r, ' ', TUI_A_NORMAL);
	tui_canvas_printf(c, r.x, y++, end, TUI_A_TITLE, "registers%s",
	    nregs == 0 ? " (none)" : "");
	if (nregs == 0)
		return;

	/* pc first, on its own line with its symbol; then the others. */
	for (i = 0; i < nregs; i++)
		if (is_name(tui_regs_view_get(v, i)->name, pc_names))
			order[n++] = tui_regs_view_get(v, i);
	for (k = 0; prio_names[k] != NULL; k++)
		for (i = 0; i < nregs; i++)
			if (strcmp(tui_regs_view_get(v, i)->name,
			    prio_names[k]) == 0)
				order[n++] = tui_regs_view_get(v, i);
	for (i = 0; i < nregs; i++)
		if (!is_name(tui_regs_view_get(v, i)->name, pc_names) &&
		    !is_name(tui_regs_view_get(v, i)->name, prio_names))
			order[n++] = tui_regs_view_get(v, i);

	k = 0;
	if (n > 0 && is_name(order[0]->name, pc_names) && y < r.y + r.h) {
		draw_value(c, r.x, y, end, v, order[0]);
		sym[0] = '\0';
		if (st != NULL)
			tui_symtab_format(st, order[0]->value, sym, sizeof sym);
		if (sym[0] != '\0') {
			if (r.w >= 7 + 16 + 1 + (int)strlen(sym))
				tui_canvas_put(c, r.x + 7 + 16 + 1, y, end,
				    TUI_A_BOLD, sym);
			else if (y + 1 < r.y + r.h)
				tui_canvas_put(c, r.x + 2, ++y, end,
				    TUI_A_BOLD, sym);
		}
		y++;
		k = 1;
	}
	/* eflags decoded is wide: it gets a line of its own. */
	colw = 7 + 16 + 2;
	cols = r.w >= 2 * colw ? r.w / colw : 1;
	if (cols > 4)
		cols = 4;
	rows = r.y + r.h - y;
	for (row = 0; k < n && row < rows; row++) {
		if (strcmp(order[k]->name, "eflags") == 0) {
			draw_value(c, r.x, y + row, end, v, order[k++]);
			continue;
		}
		for (int col = 0; col < cols && k < n; col++) {
			if (strcmp(order[k]->name, "eflags") == 0)
				break;
			draw_value(c, r.x + col * colw, y + row,
			    col + 1 < cols ? r.x + (col + 1) * colw - 1 : end,
			    v, order[k++]);
		}
	}
}

