/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/live.c: the TUI's session with a running kgdb-bridge.
 *
 * Two connections to the control socket. "ev" subscribes to events
 * (console lines, stops, state, gdb attach) and asks for the status once
 * a second; it also carries break, continue and step, whose replies come
 * at once. "rq" carries the target reads (regs, mem, thread): the bridge
 * answers those in order and we keep at most one refresh read in flight,
 * so a gdb sharing the target waits for at most one of our packets.
 *
 * What a stop reads, and in what order, is stop.c's; this file follows
 * the bridge's events and status and carries the keys' commands. Without
 * a vmlinux, or with one without debug info, the log pane shows the
 * console only, its title says so and the refresh message says why.
 *
 * The log pane holds the kernel's records; console lines seen while the
 * kernel runs are appended to it and replaced by the ring's own records
 * at the next stop (they are the same lines). While it is stopped the
 * console is kdb's, not the log: left out. The panic summary is parsed
 * from the same text.
 */
#include <inttypes.h>
#include <time.h>

#include "common/ctlproto.h"
#include "tui/live_int.h"

static enum tui_tstate
live_state(const char *s)
{
	if (strcmp(s, "running") == 0)
		return (TUI_TS_RUNNING);
	if (strncmp(s, "stopped", 7) == 0)
		return (TUI_TS_STOPPED);
	if (strcmp(s, "kdb") == 0)
		return (TUI_TS_KDB);
	if (strncmp(s, "running (panic", 14) == 0)
		return (TUI_TS_PANIC);
	return (TUI_TS_UNKNOWN);
}

static void
live_thread_from_stop(struct tui_live *l, const char *stop)
{
	const char	*p = strstr(stop, "thread:");

	l->status.thread = p != NULL ? (int)strtol(p + 7, NULL, 16) : -1;
}

/* The bridge's ctl status into the status bar: link, rates, target state. */
static void
live_status(struct tui_live *l, const json_t *o)
{
	struct tui_status	*s = &l->status;
	const json_t		*st = json_object_get(o, "stats");
	const char		*p;
	uint64_t		 v, rx = 0, tx = 0, now = live_now_ms();
	bool			 b, first = s->device[0] == '\0';

	if ((p = cm_json_str(o, "link")) != NULL && p[0] != '\0')
		s->link_up = strcmp(p, "up") == 0;
	if ((p = cm_json_str(o, "device")) != NULL)
		snprintf(s->device, sizeof s->device, "%.63s", p);
	if (cm_json_u64(o, "baud", &v) && v <= INT32_MAX)
		s->baud = (int)v;
	if ((p = cm_json_str(o, "state")) != NULL && p[0] != '\0') {
		s->state = live_state(p);
		if (s->state != TUI_TS_STOPPED && s->state != TUI_TS_KDB)
			l->seen_stop = false;
	}
	if (cm_json_bool(o, "gdb", &b))
		s->gdb_attached = b;
	if ((p = cm_json_str(o, "stop")) != NULL && p[0] != '\0')
		live_thread_from_stop(l, p);
	if (cm_json_u64(st, "retransmits", &v))
		s->retransmits = v;
	if (cm_json_u64(st, "cksum_errors", &v))
		s->cksum_errors = v;
	if (cm_json_u64(o, "mem_read_max", &v) && v > 0 && v <= 4096)
		l->mem_read_max = (unsigned)v;
	if (l->symtab == NULL && (p = cm_json_str(o, "vmlinux")) != NULL &&
	    p[0] != '\0') {
		char	err[TUI_ERRLEN];

		if ((l->symtab = tui_symtab_open(p, err)) == NULL)
			snprintf(l->msg, sizeof l->msg, "%.159s", err);
		else {
			l->own_symtab = true;
			free(l->vmlinux);
			l->vmlinux = tui_xstrndup(p, strlen(p));
		}
	}
	/* The ring's layout before the first stop, not in its view. */
	if (l->pk == NULL && !l->layout_done && l->vmlinux != NULL &&
	    l->mem_read_max > 0)
		live_printk_setup(l);
	if (cm_json_u64(st, "rx_bytes", &rx) &&
	    cm_json_u64(st, "tx_bytes", &tx)) {
		if (l->have_rates && now > l->last_ms) {
			s->rx_bps = (rx - l->last_rx) * 1000 /
			    (now - l->last_ms);
			s->tx_bps = (tx - l->last_tx) * 1000 /
			    (now - l->last_ms);
		}
		l->last_rx = rx;
		l->last_tx = tx;
		l->last_ms = now;
		l->have_rates = true;
	}
	/* Attached to a stopped target: show it now. */
	if (first && (s->state == TUI_TS_STOPPED || s->state == TUI_TS_KDB) &&
	    !l->seen_stop) {
		l->seen_stop = true;
		tui_live_refresh(l);
	}
}

/* A ctl event: console lines to the log, stops and state to a refresh. */
static void
live_event(struct tui_live *l, const char *ev, const json_t *o)
{
	char		 text[TUI_LOG_LINE_MAX];
	const char	*p = cm_json_str(o, "text");
	int		 n;

	/* Cut to the log's line length, as the old reader did. */
	n = snprintf(text, sizeof text - 1, "%s", p != NULL ? p : "");
	if (n < 0)
		n = 0;
	else if ((size_t)n > sizeof text - 2)
		n = (int)(sizeof text - 2);
	if (strcmp(ev, CTL_EV_CONSOLE) == 0) {
		/* A stopped kernel logs nothing: what comes then is kdb
		 * talking (its prompt, a monitor command's output). */
		if (l->status.state == TUI_TS_STOPPED ||
		    l->status.state == TUI_TS_KDB)
			return;
		text[n] = '\n';
		tui_log_console(l->log, text, (size_t)n + 1);
		tui_panic_feed(l->panic, text, (size_t)n + 1);
	} else if (strcmp(ev, CTL_EV_STOP) == 0) {
		live_thread_from_stop(l, text);
		if (strcmp(text, "kdb") == 0)
			l->status.state = TUI_TS_KDB;
		else if (text[0] == 'T' || text[0] == 'S')
			l->status.state = TUI_TS_STOPPED;
		/* kdb says so at every prompt: one read per stop. */
		if (!l->seen_stop) {
			l->seen_stop = true;
			tui_live_refresh(l);
		}
	} else if (strcmp(ev, CTL_EV_STATE) == 0) {
		l->status.state = live_state(text);
		if (l->status.state != TUI_TS_STOPPED &&
		    l->status.state != TUI_TS_KDB)
			l->seen_stop = false;
	} else if (strcmp(ev, CTL_EV_GDB_ATTACH) == 0) {
		l->status.gdb_attached = true;
	} else if (strcmp(ev, CTL_EV_GDB_DETACH) == 0) {
		l->status.gdb_attached = false;
	} else if (strcmp(ev, CTL_EV_LINK_UP) == 0) {
		l->status.link_up = true;
	} else if (strcmp(ev, CTL_EV_LINK_DOWN) == 0) {
		l->status.link_up = false;
	} else if (strcmp(ev, CTL_EV_BREAK_FAILED) == 0) {
		snprintf(l->msg, sizeof l->msg, "break-in failed: %.140s", text);
	}
}

static void
live_ev_line(struct tui_live *l, const char *line)
{
	json_t		*o;
	const char	*ev, *cmd, *err;
	bool		 ok = true;

	/* A line that does not parse is not the bridge's: dropped. */
	if ((o = cm_json_parse(line, strlen(line), NULL, 0)) == NULL)
		return;
	if ((ev = cm_json_str(o, "event")) != NULL && ev[0] != '\0')
		live_event(l, ev, o);
	else if ((cmd = cm_json_str(o, "cmd")) == NULL || cmd[0] == '\0')
		;
	else if (strcmp(cmd, CTL_CMD_STATUS) == 0)
		live_status(l, o);
	else {
		(void)cm_json_bool(o, "ok", &ok);
		if (!ok && (err = cm_json_str(o, "error")) != NULL &&
		    err[0] != '\0')
			snprintf(l->msg, sizeof l->msg, "%.30s: %.120s", cmd,
			    err);
	}
	json_decref(o);
}

/* ---- the interface */

struct tui_live *
tui_live_open(const char *path, struct tui_symtab *st, const char *vmlinux,
    char *err)
{
	struct tui_live	*l;
	const char	*p;

	l = tui_xcalloc(1, sizeof *l);
	if ((l->ev = tui_conn_open(path, err)) == NULL ||
	    (l->rq = tui_conn_open(path, err)) == NULL) {
		tui_conn_free(l->ev);
		free(l);
		return (NULL);
	}
	l->symtab = st;
	if (st != NULL && vmlinux != NULL)
		l->vmlinux = tui_xstrndup(vmlinux, strlen(vmlinux));
	l->regs = tui_regs_view_new();
	l->log = tui_log_new(LIVE_LOG_LINES);
	l->panic = tui_panic_new();
	l->mem = tui_mem_new();
	l->behind = tui_behind_new(l->mem);
	l->recs = tui_xcalloc(LIVE_RECS_MAX, sizeof *l->recs);
	l->status.bridge = true;
	l->status.cpu = l->status.thread = -1;
	if (tui_conn_send(l->ev, CTL_CMD_SUBSCRIBE) != 0 ||
	    tui_conn_send(l->ev, CTL_CMD_STATUS) != 0) {
		snprintf(err, TUI_ERRLEN, "cannot talk to the bridge at %s",
		    path);
		tui_live_free(l);
		return (NULL);
	}
	l->next_status = live_now_ms() + LIVE_STATUS_MS;
	if ((p = getenv("KGDB_TUI_TRACE")) != NULL && p[0] != '\0')
		l->trace = fopen(p, "a");
	return (l);
}

void
tui_live_free(struct tui_live *l)
{
	size_t	i;

	if (l == NULL)
		return;
	tui_conn_free(l->ev);
	tui_conn_free(l->rq);
	tui_regs_view_free(l->regs);
	tui_log_free(l->log);
	tui_panic_free(l->panic);
	tui_printk_free(l->pk);
	live_old_free(l);
	cm_dwarf_free(l->dwarf);
	tui_behind_free(l->behind);
	tui_mem_free(l->mem);
	for (i = 0; i < l->nrecs; i++)
		free(l->recs[i].text);
	free(l->recs);
	if (l->own_symtab)
		tui_symtab_free(l->symtab);
	free(l->vmlinux);
	if (l->trace != NULL)
		fclose(l->trace);
	free(l);
}

size_t
tui_live_fds(const struct tui_live *l, int *fds, size_t max)
{
	if (max < 2)
		return (0);
	fds[0] = tui_conn_fd(l->ev);
	fds[1] = tui_conn_fd(l->rq);
	return (2);
}

int
tui_live_timeout(const struct tui_live *l)
{
	uint64_t	now = live_now_ms();
	int		ms;

	ms = l->next_status > now ? (int)(l->next_status - now) : 0;
	if (l->status.busy && ms > 120)
		ms = 120;	/* keep the indicator turning */
	return (ms);
}

int
tui_live_input(struct tui_live *l, int fd, char *err)
{
	struct tui_conn	*c = fd == tui_conn_fd(l->ev) ? l->ev : l->rq;
	const char	*line;

	if (tui_conn_read(c) != 0) {
		snprintf(err, TUI_ERRLEN, "the bridge closed the control "
		    "connection");
		return (-1);
	}
	while ((line = tui_conn_line(c)) != NULL) {
		if (c == l->ev)
			live_ev_line(l, line);
		else
			live_rq_line(l, line);
	}
	return (0);
}

void
tui_live_set_rows(struct tui_live *l, int rows)
{
	l->rows = rows;
}

void
tui_live_tick(struct tui_live *l)
{
	uint64_t	now = live_now_ms();

	if (l->status.busy)
		l->status.tick++;
	if (now >= l->next_status) {
		(void)live_send(l, l->ev, LR_REGS, CTL_CMD_STATUS);
		l->next_status = now + LIVE_STATUS_MS;
	}
}

void
tui_live_command(struct tui_live *l, const char *cmd)
{
	struct ctl_req	*req = tui_xcalloc(1, sizeof *req);
	char		 err[TUI_ERRLEN], *line;
	size_t		 n;

	/* The words are checked as the bridge checks them. */
	if (ctl_req_parse(req, cmd, strlen(cmd), err, sizeof err) == -1) {
		snprintf(l->msg, sizeof l->msg, "%.159s", err);
		free(req);
		return;
	}
	n = ctl_req_json(req, NULL, 0);
	line = tui_xcalloc(1, n + 1);
	(void)ctl_req_json(req, line, n + 1);
	if (req->cmd == CTL_THREAD)
		(void)live_send(l, l->rq, LR_THREAD, line);
	else
		(void)live_send(l, l->ev, LR_REGS, line);
	free(line);
	free(req);
}

void
tui_live_screen(struct tui_live *l, struct tui_screen *s)
{
	const struct tui_task	*k;
	const struct tui_tasks	*t;

	s->status = l->status;
	s->regs = l->regs;
	s->stack = l->have_stack ? &l->stack : NULL;
	s->log = l->log;
	s->panic = l->panic;
	s->symtab = l->symtab;
	s->panic_more = tui_behind_more(l->behind);
	s->tasks_mode = l->tasks_view;
	s->tasks.tasks = t = tui_behind_tasks(l->behind);
	/* fewer tasks at this stop than at the one before */
	if (t != NULL && tui_tasks_count(t) > 0 &&
	    l->tsel >= tui_tasks_count(t))
		l->tsel = tui_tasks_count(t) - 1;
	s->tasks.sel = l->tsel;
	s->tasks.current_pid = l->status.thread;
	s->tasks.note = tui_behind_why(l->behind);
	s->task_stack = NULL;
	s->task_who[0] = '\0';
	if (t != NULL && (k = tui_tasks_get(t, l->tsel)) != NULL) {
		snprintf(s->task_who, sizeof s->task_who, "pid %d %s", k->pid,
		    k->comm);
		if (k->pid == l->status.thread && l->have_stack)
			s->task_stack = &l->stack;
		else
			s->task_stack = tui_behind_task_stack(l->behind,
			    l->tsel);
	}
}

/* The tasks view on or off; on reads the tasks at this stop. */
void
tui_live_tasks_view(struct tui_live *l, bool on)
{
	bool	stopped = l->status.state == TUI_TS_STOPPED ||
		    l->status.state == TUI_TS_KDB;

	l->tasks_view = on;
	/* (a refresh under way reads them at its end) */
	if (on && l->step == LS_IDLE && stopped && l->arch != NULL)
		live_more_start(l);
	else if (on && !stopped)
		snprintf(l->msg, sizeof l->msg, "tasks: read at the next stop");
}

/* Move the selection by delta rows (clamped); read that task's stack. */
void
tui_live_tasks_select(struct tui_live *l, long delta)
{
	const struct tui_tasks	*t = tui_behind_tasks(l->behind);
	size_t			 n = t != NULL ? tui_tasks_count(t) : 0;
	long	to = (long)l->tsel + delta;

	if (n == 0)
		return;
	if (to < 0)
		to = 0;
	if ((size_t)to >= n)
		to = (long)n - 1;
	l->tsel = (size_t)to;
	if (l->step == LS_IDLE && tui_tasks_done(t) &&
	    (l->status.state == TUI_TS_STOPPED ||
	    l->status.state == TUI_TS_KDB))
		live_more_start(l);
}

struct tui_log *
tui_live_log(struct tui_live *l)
{
	return (l->log);
}

const char *
tui_live_message(const struct tui_live *l)
{
	return (l->msg);
}

void
tui_live_clear_message(struct tui_live *l)
{
	l->msg[0] = '\0';
}
