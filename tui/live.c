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
 * A refresh runs at every stop: registers ('g'), then the stack from SP
 * (up to LIVE_STACK_BYTES, page by page), then the printk ring. Where the
 * ring's fields are comes from the vmlinux's DWARF, read once (the first
 * time a vmlinux is known and the ring is wanted); without a vmlinux, or
 * with one without debug info, the log pane shows the console only, its
 * title says so and the refresh message says why. The ring
 * walk (printk.c) runs on a memory snapshot (mem.c): each miss becomes one
 * "mem" request and the walk runs again when it is answered, until it
 * completes. Only records newer than the last one seen are read, so a
 * second stop costs a header read plus the new records.
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
#include "common/dwarf.h"
#include "common/json.h"
#include "rsp/rsp.h"
#include "tui/tui.h"

#define LIVE_STATUS_MS	1000
#define LIVE_STACK_BYTES 1024
#define LIVE_PAGE	4096
#define LIVE_BACKLOG	100	/* records read on the first view */
#define LIVE_RECS_MAX	4000
#define LIVE_LOG_LINES	20000
#define LIVE_PEND_MAX	16

enum live_req { LR_REGS, LR_STACK, LR_LOG, LR_THREAD, LR_MORE };
enum live_step { LS_IDLE, LS_REGS, LS_STACK, LS_LOG, LS_MORE };

struct live_rec {
	uint64_t	 seq, ts_nsec;
	uint32_t	 caller_id;
	uint8_t		 level, facility, flags;
	char		*text;
	size_t		 len;
};

struct tui_live {
	struct tui_conn		*ev, *rq;
	struct tui_status	 status;
	struct tui_regs_view	*regs;
	struct tui_stack	 stack;
	uint8_t			 stackmem[LIVE_STACK_BYTES];
	bool			 have_stack;
	struct tui_log		*log;
	struct tui_panic	*panic;
	struct tui_symtab	*symtab;
	bool			 own_symtab;
	char			*vmlinux;	/* its path, or NULL */
	bool			 layout_done;	/* DWARF read (or failed) */
	char			 log_why[TUI_LOG_NOTE_MAX];
	const struct rsp_arch	*arch;
	struct tui_mem		*mem;
	struct tui_printk	*pk;
	unsigned		 mem_read_max;

	/* behind the first view: the tasks, the taint, a task's stack */
	struct tui_behind	*behind;
	bool			 tasks_view;	/* the tasks view is shown */
	size_t			 tsel;
	uint64_t		 more_t0, more_bytes, more_reads;
	bool			 walked;	/* the walk was over at the start */
	uint64_t		 more_addr;	/* the read in flight */
	size_t			 more_len;

	struct live_rec		*recs;
	size_t			 nrecs;
	bool			 recs_dirty, synced;

	enum live_req		 pend[LIVE_PEND_MAX];
	size_t			 npend;
	enum live_step		 step;
	bool			 again;
	bool			 seen_stop;	/* this stop was read already */
	uint64_t		 stack_sp;
	size_t			 stack_got;

	uint64_t		 t_start, req_bytes, req_reads;
	uint64_t		 last_rx, last_tx, last_ms, next_status;
	bool			 have_rates;
	char			 msg[TUI_ERRLEN];
};

static uint64_t
live_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

static void	live_refresh_step(struct tui_live *);
static void	live_log_step(struct tui_live *);
static void	live_more_step(struct tui_live *);
static void	live_more_start(struct tui_live *);
static int	live_mem_reply(const json_t *, uint8_t *, size_t);

static int
live_send(struct tui_live *l, struct tui_conn *c, enum live_req kind,
    const char *line)
{
	if (c == l->rq) {
		if (l->npend == LIVE_PEND_MAX)
			return (-1);
		l->pend[l->npend++] = kind;
	}
	if (tui_conn_send(c, line) != 0) {
		snprintf(l->msg, sizeof l->msg, "bridge: write failed");
		return (-1);
	}
	return (0);
}

/* ---- the printk ring */

/*
 * The ring's layout from the vmlinux's DWARF, once per vmlinux; on
 * failure log_why says why the pane shows the console only.
 */
static int
live_layout(struct tui_live *l, struct tui_prb_layout *lay, uint64_t *prb)
{
	struct cm_dwarf	*d;
	char		 err[TUI_ERRLEN];
	int		 rc = -1;

	if (l->vmlinux == NULL) {
		snprintf(l->log_why, sizeof l->log_why, "needs a vmlinux with "
		    "debug info (--vmlinux FILE)");
		return (-1);
	}
	l->layout_done = true;
	if ((d = cm_dwarf_open(l->vmlinux, err)) != NULL) {
		rc = tui_prb_layout_dwarf(d, lay, prb, err);
		tui_behind_setup(l->behind, d, l->symtab, l->arch != NULL ?
		    l->arch->name : NULL, l->mem_read_max);
		cm_dwarf_free(d);
	} else
		tui_behind_why_set(l->behind, err);
	if (rc != 0)
		snprintf(l->log_why, sizeof l->log_why, "%.150s", err);
	return (rc);
}

static void
live_printk_setup(struct tui_live *l)
{
	struct tui_prb_layout	lay;
	uint64_t		prb;

	if (l->pk != NULL || l->layout_done || l->mem_read_max == 0)
		return;
	if (live_layout(l, &lay, &prb) != 0) {
		tui_log_set_note(l->log, "console only");
		return;
	}
	l->log_why[0] = '\0';
	tui_log_set_note(l->log, NULL);
	lay.mem_read_max = l->mem_read_max;
	l->pk = tui_printk_new(&lay, prb, tui_mem_read, l->mem);
	tui_printk_set_backlog(l->pk, LIVE_BACKLOG);
}

static void
live_rec_cb(void *arg, const struct tui_printk_rec *r)
{
	struct tui_live	*l = arg;
	struct live_rec	*lr = NULL;
	size_t		 i;

	/* A record seen before while it was still growing: replace it. */
	for (i = l->nrecs; i-- > 0 && i + TUI_PRINTK_PENDING_MAX >= l->nrecs;)
		if (l->recs[i].seq == r->seq) {
			lr = &l->recs[i];
			free(lr->text);
			break;
		}
	if (lr == NULL) {
		if (l->nrecs == LIVE_RECS_MAX) {
			free(l->recs[0].text);
			memmove(l->recs, l->recs + 1, (l->nrecs - 1) *
			    sizeof *l->recs);
			l->nrecs--;
		}
		lr = &l->recs[l->nrecs++];
	}
	lr->seq = r->seq;
	lr->ts_nsec = r->ts_nsec;
	lr->caller_id = r->caller_id;
	lr->level = r->level;
	lr->facility = r->facility;
	lr->flags = r->flags;
	lr->text = tui_xstrndup(r->text, r->len);
	lr->len = r->len;
	l->recs_dirty = true;
}

/* The log pane and the panic summary, from the ring's records. */
static void
live_rebuild(struct tui_live *l)
{
	struct tui_log		*log = tui_log_new(LIVE_LOG_LINES);
	struct tui_printk_rec	 r;
	size_t			 i;

	tui_panic_reset(l->panic);
	for (i = 0; i < l->nrecs; i++) {
		memset(&r, 0, sizeof r);
		r.seq = l->recs[i].seq;
		r.ts_nsec = l->recs[i].ts_nsec;
		r.caller_id = l->recs[i].caller_id;
		r.level = l->recs[i].level;
		r.facility = l->recs[i].facility;
		r.flags = l->recs[i].flags;
		r.final = true;
		r.text = l->recs[i].text;
		r.len = l->recs[i].len;
		tui_log_record(log, &r);
		tui_panic_feed(l->panic, r.text, r.len);
		tui_panic_feed(l->panic, "\n", 1);
	}
	tui_panic_flush(l->panic);
	tui_log_free(l->log);
	l->log = log;
	l->recs_dirty = false;
	l->synced = true;
}

/* ---- a refresh: regs, stack, log */

static void
live_refresh_done(struct tui_live *l, const char *err)
{
	uint64_t	ms = live_now_ms() - l->t_start;

	l->step = LS_IDLE;
	l->status.busy = false;
	if (l->recs_dirty || (l->pk != NULL && err == NULL && !l->synced))
		live_rebuild(l);
	if (err != NULL)
		snprintf(l->msg, sizeof l->msg, "refresh: %s", err);
	else if (l->pk == NULL && l->log_why[0] != '\0')
		snprintf(l->msg, sizeof l->msg, "refreshed: %" PRIu64 " B in "
		    "%" PRIu64 " reads; no kernel log: %.150s", l->req_bytes,
		    l->req_reads, l->log_why);
	else
		snprintf(l->msg, sizeof l->msg, "refreshed: %" PRIu64 " B in "
		    "%" PRIu64 " reads, %" PRIu64 ".%01" PRIu64 " s (%zu log "
		    "records)", l->req_bytes, l->req_reads, ms / 1000,
		    (ms % 1000) / 100, l->nrecs);
	if (l->again) {
		l->again = false;
		tui_live_refresh(l);
		return;
	}
	/* The first view is up: now what lies behind it. */
	if (err == NULL && l->arch != NULL)
		live_more_start(l);
}

void
tui_live_refresh(struct tui_live *l)
{
	if (l->step != LS_IDLE) {
		l->again = true;
		return;
	}
	tui_mem_clear(l->mem);
	tui_behind_reset(l->behind);
	l->step = LS_REGS;
	l->status.busy = true;
	l->t_start = live_now_ms();
	l->req_bytes = l->req_reads = 0;
	live_refresh_step(l);
}

static void
live_mem_request(struct tui_live *l, enum live_req kind, uint64_t addr,
    size_t len)
{
	struct ctl_req	req = { .cmd = CTL_MEM, .addr = addr, .len = len };
	char		line[128];

	(void)ctl_req_json(&req, line, sizeof line);
	l->req_bytes += len;
	l->req_reads++;
	if (live_send(l, l->rq, kind, line) != 0)
		live_refresh_done(l, "cannot send to the bridge");
}

static void
live_refresh_step(struct tui_live *l)
{
	uint64_t	addr;
	size_t		n;

	switch (l->step) {
	case LS_IDLE:
		return;
	case LS_REGS:
		if (live_send(l, l->rq, LR_REGS, CTL_CMD_REGS) != 0)
			live_refresh_done(l, "cannot send to the bridge");
		return;
	case LS_STACK:
		addr = l->stack_sp + l->stack_got;
		n = LIVE_STACK_BYTES - l->stack_got;
		if (n > LIVE_PAGE - addr % LIVE_PAGE)
			n = LIVE_PAGE - addr % LIVE_PAGE;
		if (n == 0) {
			l->step = LS_LOG;
			live_log_step(l);
			return;
		}
		live_mem_request(l, LR_STACK, addr, n);
		return;
	case LS_LOG:
		live_log_step(l);
		return;
	case LS_MORE:
		live_more_step(l);
		return;
	}
}

/* Run the ring walk on what we have; fetch its first miss. */
static void
live_log_step(struct tui_live *l)
{
	char		err[TUI_ERRLEN];
	uint64_t	addr;
	size_t		len;

	live_printk_setup(l);
	if (l->pk == NULL) {
		live_refresh_done(l, NULL);
		return;
	}
	if (tui_printk_poll(l->pk, live_rec_cb, l, err) >= 0) {
		live_refresh_done(l, NULL);
		return;
	}
	if (!tui_mem_take_miss(l->mem, &addr, &len)) {
		live_refresh_done(l, err);
		return;
	}
	/*
	 * The next reads of a walk sit right after this one (the following
	 * records' descriptors, infos and texts), and on this wire a round
	 * trip costs more than a few hundred bytes: read on to the safe size,
	 * but never into the next page, which may not be mapped.
	 */
	if (len < l->mem_read_max && addr % LIVE_PAGE + len <= LIVE_PAGE) {
		len = l->mem_read_max;
		if (addr % LIVE_PAGE + len > LIVE_PAGE)
			len = LIVE_PAGE - addr % LIVE_PAGE;
	}
	live_mem_request(l, LR_LOG, addr, len);
}

/*
 * What comes behind the first view: the task walk (when the tasks view
 * is shown, or a panic report leaves out who was running), the taint
 * (for such a report), and the selected task's stack. All through the
 * stop's snapshot: a miss is one "mem" request of exactly what the walk
 * asked for, and the step runs again with the answer.
 */
static void
live_more_start(struct tui_live *l)
{
	l->step = LS_MORE;
	l->status.busy = true;
	l->more_t0 = live_now_ms();
	l->more_bytes = l->req_bytes;
	l->more_reads = l->req_reads;
	l->walked = tui_behind_tasks(l->behind) != NULL &&
	    tui_tasks_done(tui_behind_tasks(l->behind));
	live_more_step(l);
}

/* All read: say what the walk cost when this step made it (a new
 * selection only reads that task's stack: no message). */
static void
live_more_done(struct tui_live *l)
{
	const struct tui_tasks	*t = tui_behind_tasks(l->behind);
	uint64_t		 ms = live_now_ms() - l->more_t0;

	l->step = LS_IDLE;
	if (l->tasks_view && t == NULL)
		snprintf(l->msg, sizeof l->msg, "tasks: %.200s",
		    tui_behind_why(l->behind));
	else if (l->tasks_view && !l->walked && tui_tasks_done(t))
		snprintf(l->msg, sizeof l->msg, "tasks: %zu, %" PRIu64 " B in "
		    "%" PRIu64 " reads, %" PRIu64 ".%01" PRIu64 " s",
		    tui_tasks_count(t), l->req_bytes - l->more_bytes,
		    l->req_reads - l->more_reads, ms / 1000,
		    (ms % 1000) / 100);
	l->status.busy = false;
	if (l->again) {
		l->again = false;
		tui_live_refresh(l);
	}
}

static void
live_more_step(struct tui_live *l)
{
	struct tui_behind_ctx	x;
	uint64_t		addr;
	size_t			len;

	memset(&x, 0, sizeof x);
	x.tasks_view = l->tasks_view;
	x.panic = tui_behind_panic_wants(l->panic);
	x.thread = l->status.state == TUI_TS_STOPPED ||
	    l->status.state == TUI_TS_KDB ? l->status.thread : -1;
	x.stack = l->have_stack ? &l->stack : NULL;
	x.symtab = l->symtab;
	x.sel = l->tsel;
	if (tui_behind_step(l->behind, &x) != TUI_MEM_WAIT ||
	    !tui_mem_take_miss(l->mem, &addr, &len) || len > 4096) {
		live_more_done(l);
		return;
	}
	l->more_addr = addr;
	l->more_len = len;
	live_mem_request(l, LR_MORE, addr, len);
}

static void
live_more_reply(struct tui_live *l, const json_t *o, bool ok)
{
	uint8_t		 buf[4096];
	const char	*a;
	int		 n = -1;

	a = ok ? cm_json_str(o, "addr") : NULL;
	if (a != NULL && a[0] != '\0')
		n = live_mem_reply(o, buf, sizeof buf);
	/* All of what was asked, or the range is refused for this stop (a
	 * short answer would be asked for again and again). */
	if (n > 0 && (size_t)n == l->more_len &&
	    strtoull(a, NULL, 16) == l->more_addr)
		tui_mem_put(l->mem, l->more_addr, buf, (size_t)n);
	else
		tui_mem_put_bad(l->mem, l->more_addr, l->more_len);
	if (l->step == LS_MORE)
		live_more_step(l);
}

/* Hex of a mem reply into buf; the byte count, or -1. */
static int
live_mem_reply(const json_t *o, uint8_t *buf, size_t max)
{
	const char	*hex = cm_json_str(o, "hex");
	size_t		 n = hex != NULL ? strlen(hex) : 0;

	if (n == 0 || n % 2 != 0 || n / 2 > max)
		return (-1);
	return (rsp_hex_decode(buf, max, hex, n));
}

static void
live_regs_reply(struct tui_live *l, const json_t *o)
{
	struct rsp_regs		 r;
	struct tui_reg		 regs[TUI_REGS_MAX];
	const char		*arch, *g;
	uint64_t		 pc = 0, sp = 0, fp = 0;
	int			 ra;

	if ((arch = cm_json_str(o, "arch")) != NULL && arch[0] != '\0')
		l->arch = rsp_arch_by_name(arch);
	g = cm_json_str(o, "g");
	if (l->arch == NULL || g == NULL || g[0] == '\0' ||
	    rsp_regs_parse_g(l->arch, g, strlen(g), &r) < 0) {
		live_refresh_done(l, "registers: no usable 'g' reply");
		return;
	}
	tui_regs_view_set(l->regs, regs, tui_regs_from_rsp(&r, regs,
	    TUI_REGS_MAX));
	(void)rsp_regs_get(&r, l->arch->pc, &pc);
	(void)rsp_regs_get(&r, l->arch->sp, &sp);
	(void)rsp_regs_get(&r, l->arch->fp, &fp);
	l->stack.pc = pc;
	l->stack.sp = sp;
	l->stack.fp = fp;
	/* A stack word is as wide as the stack pointer (i386, arm: 4). */
	l->stack.wsize = l->arch->regs[l->arch->sp].size;
	l->stack.fpk = tui_fp_kind_for(l->arch->name);
	l->stack.lr = 0;
	if ((ra = rsp_arch_reg_by_name(l->arch, "ra")) >= 0)
		(void)rsp_regs_get(&r, ra, &l->stack.lr);
	l->stack_sp = sp;
	l->stack_got = 0;
	l->have_stack = false;
	l->step = LS_STACK;
	live_refresh_step(l);
}

static void
live_stack_reply(struct tui_live *l, const json_t *o, bool ok)
{
	int	n = -1;

	if (ok)
		n = live_mem_reply(o, l->stackmem + l->stack_got,
		    LIVE_STACK_BYTES - l->stack_got);
	if (n > 0) {
		l->stack_got += (size_t)n;
		l->stack.mem = l->stackmem;
		l->stack.len = l->stack_got;
		l->have_stack = true;
	}
	if (n <= 0 || l->stack_got >= LIVE_STACK_BYTES)
		l->step = LS_LOG;	/* the top of the stack, or enough */
	live_refresh_step(l);
}

static void
live_log_reply(struct tui_live *l, const json_t *o, bool ok)
{
	uint8_t		 buf[4096];
	const char	*addr;
	int		 n;

	if (!ok || (addr = cm_json_str(o, "addr")) == NULL ||
	    addr[0] == '\0' || (n = live_mem_reply(o, buf, sizeof buf)) <= 0) {
		live_refresh_done(l, "the printk ring could not be read");
		return;
	}
	tui_mem_put(l->mem, strtoull(addr, NULL, 16), buf, (size_t)n);
	live_log_step(l);
}

/* ---- lines from the bridge */

/* A reply on the request connection, to the request it answers (they
 * come in order): regs, stack, log, thread, or a read behind the view. */
static void
live_rq_line(struct tui_live *l, const char *line)
{
	enum live_req	 kind;
	json_t		*o;
	bool		 ok = false;
	char		 err[128];
	const char	*e;

	if (l->npend == 0)
		return;		/* not ours */
	kind = l->pend[0];
	memmove(l->pend, l->pend + 1, --l->npend * sizeof l->pend[0]);
	/* A line that does not parse is a failed reply. */
	if ((o = cm_json_parse(line, strlen(line), err, sizeof err)) != NULL) {
		(void)cm_json_bool(o, "ok", &ok);
		if (!ok)
			snprintf(err, sizeof err, "%s", (e = cm_json_str(o,
			    "error")) != NULL ? e : "failed");
	}
	switch (kind) {
	case LR_REGS:
		if (!ok)
			live_refresh_done(l, err);
		else
			live_regs_reply(l, o);
		break;
	case LR_STACK:
		live_stack_reply(l, o, ok);
		break;
	case LR_LOG:
		live_log_reply(l, o, ok);
		break;
	case LR_MORE:
		live_more_reply(l, o, ok);
		break;
	case LR_THREAD:
		if (!ok)
			snprintf(l->msg, sizeof l->msg, "thread: %s", err);
		else
			tui_live_refresh(l);
		break;
	}
	json_decref(o);
}

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
	tui_behind_free(l->behind);
	tui_mem_free(l->mem);
	for (i = 0; i < l->nrecs; i++)
		free(l->recs[i].text);
	free(l->recs);
	if (l->own_symtab)
		tui_symtab_free(l->symtab);
	free(l->vmlinux);
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
