/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/view_regs.c: the register pane, with values changed since the last
 * stop highlighted.
 */
#include <inttypes.h>

#include "rsp/rsp.h"
#include "tui/tui.h"

struct tui_regs_view {
	struct tui_reg	 cur[TUI_REGS_MAX];
	size_t		 n;
	struct tui_reg	 prev[TUI_REGS_MAX];
	size_t		 nprev;
	unsigned	 stops;
};

struct tui_regs_view *
tui_regs_view_new(void)
{
	return tui_xcalloc(1, sizeof(struct tui_regs_view));
}

void
tui_regs_view_free(struct tui_regs_view *v)
{
	free(v);
}

void
tui_regs_view_set(struct tui_regs_view *v, const struct tui_reg *regs,
    size_t n)
{
	if (n > TUI_REGS_MAX)
		n = TUI_REGS_MAX;
	memcpy(v->prev, v->cur, sizeof v->prev);
	v->nprev = v->n;
	memcpy(v->cur, regs, n * sizeof *regs);
	v->n = n;
	for (size_t i = 0; i < n; i++)
		v->cur[i].name[sizeof v->cur[i].name - 1] = '\0';
	v->stops++;
}

static const struct tui_reg *
find(const struct tui_reg *set, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(set[i].name, name) == 0)
			return &set[i];
	return NULL;
}

bool
tui_regs_view_changed(const struct tui_regs_view *v, const char *name)
{
	const struct tui_reg *a = find(v->cur, v->n, name);
	const struct tui_reg *b = find(v->prev, v->nprev, name);

	return a != NULL && b != NULL && a->value != b->value;
}

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
		return 0;
	/* gdb 13 names the flags from bit 0 up: "[ PF ZF IF ]" */
	o = (size_t)snprintf(buf, buflen, "0x%" PRIx64 " [", v);
	for (i = 0; i < (int)(sizeof bits / sizeof bits[0]); i++)
		if ((v >> bits[i].bit) & 1 && o < buflen)
			o += (size_t)snprintf(buf + o, buflen - o, " %s",
			    bits[i].name);
	if (o < buflen)
		o += (size_t)snprintf(buf + o, buflen - o, " ]");
	return o < buflen ? o : buflen - 1;
}

/* pc, sp, fp and flags by their names on each architecture. */
static bool
is_name(const char *n, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(n, *list) == 0)
			return true;
	return false;
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

void
tui_regs_draw(struct tui_canvas *c, struct tui_rect r,
    const struct tui_regs_view *v, const struct tui_symtab *st)
{
	const struct tui_reg *order[TUI_REGS_MAX];
	size_t		 n = 0, i, k;
	int		 y = r.y, end = r.x + r.w, cols, colw, row, rows;
	char		 sym[96];

	if (r.h < 1 || r.w < 1)
		return;
	tui_canvas_fill(c, r, ' ', TUI_A_NORMAL);
	tui_canvas_printf(c, r.x, y++, end, TUI_A_TITLE, "registers%s",
	    v->n == 0 ? " (none)" : "");
	if (v->n == 0)
		return;

	/* pc first, on its own line with its symbol; then the others. */
	for (i = 0; i < v->n; i++)
		if (is_name(v->cur[i].name, pc_names))
			order[n++] = &v->cur[i];
	for (k = 0; prio_names[k] != NULL; k++)
		for (i = 0; i < v->n; i++)
			if (strcmp(v->cur[i].name, prio_names[k]) == 0)
				order[n++] = &v->cur[i];
	for (i = 0; i < v->n; i++)
		if (!is_name(v->cur[i].name, pc_names) &&
		    !is_name(v->cur[i].name, prio_names))
			order[n++] = &v->cur[i];

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

size_t
tui_regs_from_rsp(const struct rsp_regs *r, struct tui_reg *out, size_t max)
{
	const struct rsp_arch	*a = r->arch;
	size_t			 i, n = 0;
	uint64_t		 v;

	if (a == NULL)
		return 0;
	for (i = 0; i < a->nregs && n < max; i++) {
		if (a->regs[i].offset < 0 || a->regs[i].size > 8 ||
		    rsp_regs_get(r, (int)i, &v) < 0)
			continue;
		memset(&out[n], 0, sizeof out[n]);
		snprintf(out[n].name, sizeof out[n].name, "%s",
		    a->regs[i].name);
		out[n].value = v;
		out[n].size = (uint8_t)a->regs[i].size;
		n++;
	}
	return n;
}
