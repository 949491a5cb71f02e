/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/view_tasks.c: the task table of the tasks view.
 *
 *   tasks  25 (walk complete)                            j k move
 *       PID S CPU COMM             BLOCKED IN
 *         1 R   0 init             (stopped here)
 *        28 S   0 sleep            hrtimer_nanosleep+0x8f/0x120
 *
 * One row per task; the selected one in reverse. BLOCKED IN is the first
 * return address outside the scheduler from the task's resume registers
 * (tui_task.wchan), or why there is none.
 */
#include <inttypes.h>

#include "tui/tui.h"

#define ROW_HEAD	"    PID S CPU COMM             BLOCKED IN"

/* Title, header, then the rows around the selection: for each task
 * where it waits, or why that is not known. */
void
tui_tasks_draw(struct tui_canvas *c, struct tui_rect r,
    const struct tui_tasks_view *v, const struct tui_symtab *st)
{
	const struct tui_task	*k;
	int			 y = r.y, end = r.x + r.w, rows, x;
	size_t			 n, i, top;
	char			 where[TUI_SYM_MAX + 48];
	enum tui_attr		 a;

	if (r.h < 1 || r.w < 1)
		return;
	tui_canvas_fill(c, r, ' ', TUI_A_NORMAL);
	n = v->tasks != NULL ? tui_tasks_count(v->tasks) : 0;
	if (v->tasks == NULL || (n == 0 && !tui_tasks_done(v->tasks))) {
		tui_canvas_printf(c, r.x, y, end, TUI_A_TITLE, "tasks  %s",
		    v->note != NULL && v->note[0] != '\0' ? v->note :
		    "(reading)");
		return;
	}
	x = r.x + tui_canvas_printf(c, r.x, y, end, TUI_A_TITLE, "tasks  %zu",
	    n);
	if (!tui_tasks_done(v->tasks))
		tui_canvas_put(c, x, y, end, TUI_A_DIM, "  (reading)");
	else if (tui_tasks_why(v->tasks)[0] != '\0')
		tui_canvas_printf(c, x, y, end, TUI_A_WARN, "  %s",
		    tui_tasks_why(v->tasks));
	y++;
	if (y >= r.y + r.h)
		return;
	tui_canvas_put(c, r.x, y++, end, TUI_A_DIM, ROW_HEAD);
	rows = r.y + r.h - y;
	if (rows <= 0 || n == 0)
		return;
	/* Keep the selection in view, centred when it can be. */
	top = 0;
	if (v->sel >= (size_t)rows / 2)
		top = v->sel - (size_t)rows / 2;
	if (top + (size_t)rows > n)
		top = n > (size_t)rows ? n - (size_t)rows : 0;
	for (i = top; i < n && y < r.y + r.h; i++, y++) {
		k = tui_tasks_get(v->tasks, i);
		a = i == v->sel ? TUI_A_REVERSE : TUI_A_NORMAL;
		if (i == v->sel)
			tui_canvas_fill(c, (struct tui_rect){ r.x, y, r.w, 1 },
			    ' ', a);
		where[0] = '\0';
		if (k->pid == v->current_pid && v->current_pid > 0)
			snprintf(where, sizeof where, "(stopped here)");
		else if (k->on_cpu)
			snprintf(where, sizeof where, "(on a CPU)");
		else if (k->wchan != 0) {
			if (k->wchan_ret)
				tui_symtab_format_ret(st, k->wchan, where,
				    sizeof where);
			else
				tui_symtab_format(st, k->wchan, where,
				    sizeof where);
			if (where[0] == '\0')
				snprintf(where, sizeof where, "%#" PRIx64,
				    k->wchan);
		} else if (k->resume)
			tui_symtab_format(st, k->pc, where, sizeof where);
		else
			snprintf(where, sizeof where, "? %s", k->why);
		tui_canvas_printf(c, r.x, y, end, a, "%7d %c %3d %-16.16s %s",
		    k->pid, tui_task_state_letter(k), k->cpu, k->comm, where);
	}
}
