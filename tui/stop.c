/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/stop.c: what the live session (live.c) reads at a stop, on the
 * request connection, one read in flight at a time.
 *
 * First what the screen shows: the registers ('g'), the stack words its
 * pane has rows for, and as many of the newest printk records as the log
 * pane has rows. Then behind that view: the tasks and taint a panic
 * report wants (behind.c), the stack on to LIVE_STACK_BYTES and, on a
 * TUI's first stop, the older records up to LIVE_BACKLOG. Where the
 * ring's fields are comes from the vmlinux's DWARF, read once, before
 * the first stop when the vmlinux is known by then. The ring walk
 * (printk.c) runs on the stop's memory snapshot (mem.c): each miss
 * becomes one "mem" request of the bytes not held yet and the walk runs
 * again when it is answered, so no byte is read twice at one stop. Only
 * records newer than the last one seen are read at later stops.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <time.h>

#include "common/ctlproto.h"
#include "rsp/rsp.h"
#include "tui/live_int.h"

uint64_t
live_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

/*
 * KGDB_TUI_TRACE=FILE: one line per read sent and answered, and per
 * milestone of a stop's refresh, each stamped with the wall clock (so a
 * benchmark can set it beside the moment it broke in):
 *   SECONDS send KIND ADDR LEN | SECONDS reply KIND BYTES | SECONDS WHAT
 */
static void __attribute__((format(printf, 2, 3)))
live_trace(struct tui_live *l, const char *fmt, ...)
{
	struct timespec	ts;
	va_list		ap;

	if (l->trace == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(l->trace, "%lld.%06ld ", (long long)ts.tv_sec,
	    ts.tv_nsec / 1000);
	va_start(ap, fmt);
	vfprintf(l->trace, fmt, ap);
	va_end(ap);
	fputc('\n', l->trace);
	fflush(l->trace);
}

static const char *const live_req_names[] = { "regs", "stack", "log",
    "thread", "more", "old" };

static void	live_refresh_step(struct tui_live *);
static void	live_log_step(struct tui_live *);
static void	live_more_step(struct tui_live *);
static void	live_rest_done(struct tui_live *);
static void	live_old_step(struct tui_live *);
static int	live_mem_reply(const json_t *, uint8_t *, size_t);

int
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
	live_trace(l, "dwarf open");
	if ((d = cm_dwarf_open(l->vmlinux, err)) != NULL) {
		rc = tui_prb_layout_dwarf(d, lay, prb, err);
		if (l->arch != NULL) {
			tui_behind_setup(l->behind, d, l->symtab,
			    l->arch->name, l->mem_read_max);
			cm_dwarf_free(d);
		} else
			l->dwarf = d;	/* for the tasks, once it is */
	} else
		tui_behind_why_set(l->behind, err);
	if (rc != 0)
		snprintf(l->log_why, sizeof l->log_why, "%.150s", err);
	live_trace(l, "dwarf done");
	return (rc);
}

/*
 * What the first view reads: as many of the newest records as the log
 * pane has rows at most, and the stack words its pane can show, at most
 * one a row (the rest is read behind the view).
 */
static size_t
live_view_recs(const struct tui_live *l)
{
	size_t	n = l->rows > 0 ? (size_t)l->rows : 50;

	return (n < LIVE_BACKLOG ? n : LIVE_BACKLOG);
}

static size_t
live_view_stack(const struct tui_live *l, unsigned wsize)
{
	size_t	n = (l->rows > 0 ? (size_t)l->rows : 50) * (wsize > 0 ?
		    wsize : 8);

	return (n < LIVE_STACK_BYTES ? n : LIVE_STACK_BYTES);
}

void
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
	l->pk_lay = lay;
	l->pk_prb = prb;
	l->pk_first = true;
	tui_printk_set_backlog(l->pk, live_view_recs(l));
}

/* A ring record as the TUI keeps it (lr's old text is the caller's). */
static void
live_rec_fill(struct live_rec *lr, const struct tui_printk_rec *r)
{
	lr->seq = r->seq;
	lr->ts_nsec = r->ts_nsec;
	lr->caller_id = r->caller_id;
	lr->level = r->level;
	lr->facility = r->facility;
	lr->flags = r->flags;
	lr->text = tui_xstrndup(r->text, r->len);
	lr->len = r->len;
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
	live_rec_fill(lr, r);
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
	live_trace(l, "view %s", err != NULL ? "failed" : "full");
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
	l->rest_done = false;
	if (l->pk != NULL && l->pk_first)	/* the screen may have grown */
		tui_printk_set_backlog(l->pk, live_view_recs(l));
	l->step = LS_REGS;
	l->status.busy = true;
	l->t_start = live_now_ms();
	l->req_bytes = l->req_reads = 0;
	live_trace(l, "refresh");
	live_refresh_step(l);
}

static void
live_mem_request(struct tui_live *l, enum live_req kind, uint64_t addr,
    size_t len)
{
	struct ctl_req	req = { .cmd = CTL_MEM, .addr = addr, .len = len };
	char		line[128];

	(void)ctl_req_json(&req, line, sizeof line);
	live_trace(l, "send %s %" PRIx64 " %zu", live_req_names[kind], addr,
	    len);
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
		live_trace(l, "send regs");
		if (live_send(l, l->rq, LR_REGS, CTL_CMD_REGS) != 0)
			live_refresh_done(l, "cannot send to the bridge");
		return;
	case LS_STACK:
	case LS_REST_STACK:
		addr = l->stack_sp + l->stack_got;
		n = l->stack_want > l->stack_got ? l->stack_want -
		    l->stack_got : 0;
		if (n > LIVE_PAGE - addr % LIVE_PAGE)
			n = LIVE_PAGE - addr % LIVE_PAGE;
		if (n == 0) {
			l->step = l->step == LS_STACK ? LS_LOG : LS_REST_LOG;
			live_refresh_step(l);
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
	case LS_REST_LOG:
		live_old_step(l);
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
		/* The first walk read a screenful: the older ones behind. */
		if (l->pk_first)
			l->old_want = live_view_recs(l) < LIVE_BACKLOG;
		l->pk_first = false;
		live_refresh_done(l, NULL);
		return;
	}
	if (!tui_mem_take_miss(l->mem, &addr, &len)) {
		live_refresh_done(l, err);
		return;
	}
	/*
	 * Exactly the miss, not more: the walk asks for its descriptors and
	 * texts in runs already, and what lies after an info is the rest of
	 * that info (64 of its 88 bytes on 6.1), which the walk never uses.
	 * (Reading on to the largest read cost the first view twice the
	 * bytes it needs.)
	 */
	live_mem_request(l, LR_LOG, addr, len);
}

/* ---- behind the view: the rest of the stack, older records */

static void
live_rest_start(struct tui_live *l)
{
	l->rest_done = true;
	l->status.busy = true;
	l->stack_want = LIVE_STACK_BYTES;
	l->step = l->have_stack ? LS_REST_STACK : LS_REST_LOG;
	live_refresh_step(l);
}

void
live_old_free(struct tui_live *l)
{
	size_t	i;

	for (i = 0; i < l->nold; i++)
		free(l->old[i].text);
	free(l->old);
	l->old = NULL;
	l->nold = 0;
	tui_printk_free(l->pk_old);
	l->pk_old = NULL;
}

/* A record of the older walk: kept if older than all we hold. */
static void
live_old_cb(void *arg, const struct tui_printk_rec *r)
{
	struct tui_live	*l = arg;
	struct live_rec	*lr;

	if (!r->final || l->nold == LIVE_BACKLOG ||
	    (l->nrecs > 0 && r->seq >= l->recs[0].seq) ||
	    (l->nold > 0 && r->seq <= l->old[l->nold - 1].seq))
		return;
	if (l->old == NULL)
		l->old = tui_xcalloc(LIVE_BACKLOG, sizeof *l->old);
	lr = &l->old[l->nold++];
	live_rec_fill(lr, r);
}

/*
 * The k older records old[] in front of the n in recs[] (room for max):
 * when they do not all fit, the oldest of old[] are dropped (their texts
 * freed); the others' texts belong to recs[] now. The new count.
 */
size_t
live_recs_prepend(struct live_rec *recs, size_t n, size_t max,
    struct live_rec *old, size_t k)
{
	size_t	drop = 0, i;

	if (n > max)
		n = max;
	if (n + k > max)
		drop = n + k - max;
	for (i = 0; i < drop; i++)
		free(old[i].text);
	k -= drop;
	memmove(recs + k, recs, n * sizeof *recs);
	memcpy(recs, old + drop, k * sizeof *recs);
	return (n + k);
}

/* The older records in front of the ones the view has (as many as fit). */
static void
live_old_merge(struct tui_live *l)
{
	if (l->nold == 0)
		return;
	l->nrecs = live_recs_prepend(l->recs, l->nrecs, LIVE_RECS_MAX,
	    l->old, l->nold);
	l->nold = 0;		/* the texts are the log's now */
	live_rebuild(l);
}

/*
 * The records before the first view's, read once per TUI: a walk of its
 * own (LIVE_BACKLOG back from the head) on the same snapshot, so what
 * the view read costs nothing again; only the older ones are kept.
 */
static void
live_old_step(struct tui_live *l)
{
	char		err[TUI_ERRLEN];
	uint64_t	addr;
	size_t		len;
	int		rc;

	if (l->again || !l->old_want || l->pk == NULL) {
		live_rest_done(l);
		return;
	}
	if (l->pk_old == NULL) {
		l->pk_old = tui_printk_new(&l->pk_lay, l->pk_prb, tui_mem_read,
		    l->mem);
		tui_printk_set_backlog(l->pk_old, LIVE_BACKLOG);
	}
	if ((rc = tui_printk_poll(l->pk_old, live_old_cb, l, err)) >= 0 ||
	    !tui_mem_take_miss(l->mem, &addr, &len)) {
		if (rc >= 0) {
			live_old_merge(l);
			l->old_want = false;
		}
		live_old_free(l);
		live_rest_done(l);
		return;
	}
	live_mem_request(l, LR_OLD, addr, len);
}

static void
live_old_reply(struct tui_live *l, const json_t *o, bool ok)
{
	uint8_t		 buf[4096];
	const char	*addr;
	int		 n;

	if (!ok || (addr = cm_json_str(o, "addr")) == NULL ||
	    addr[0] == '\0' || (n = live_mem_reply(o, buf, sizeof buf)) <= 0) {
		live_old_free(l);
		live_rest_done(l);
		return;
	}
	tui_mem_put(l->mem, strtoull(addr, NULL, 16), buf, (size_t)n);
	live_old_step(l);
}

static void
live_rest_done(struct tui_live *l)
{
	const struct tui_tasks	*t;

	l->step = LS_IDLE;
	l->status.busy = false;
	live_trace(l, "behind done");
	t = tui_behind_tasks(l->behind);
	if (l->again) {
		l->again = false;
		live_old_free(l);
		tui_live_refresh(l);
	} else if (l->tasks_view && t != NULL && !tui_tasks_done(t))
		live_more_start(l);	/* T was pressed meanwhile */
}

/*
 * What comes behind the first view: the task walk (when the tasks view
 * is shown, or a panic report leaves out who was running), the taint
 * (for such a report), and the selected task's stack. All through the
 * stop's snapshot: a miss is one "mem" request of exactly what the walk
 * asked for, and the step runs again with the answer.
 */
void
live_more_start(struct tui_live *l)
{
	if (l->dwarf != NULL && l->arch != NULL) {
		tui_behind_setup(l->behind, l->dwarf, l->symtab,
		    l->arch->name, l->mem_read_max);
		cm_dwarf_free(l->dwarf);
		l->dwarf = NULL;
	}
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
	} else if (!l->rest_done)
		live_rest_start(l);
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
	l->stack_want = live_view_stack(l, l->stack.wsize);
	l->have_stack = false;
	live_trace(l, "view regs");
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
	if (n <= 0) {
		/* The top of the stack: nothing more to read behind. */
		l->stack_want = l->stack_got;
	}
	if (l->step == LS_REST_STACK && l->again) {
		live_rest_done(l);
		return;
	}
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
void
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
	live_trace(l, "reply %s %zu", live_req_names[kind], strlen(line));
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
	case LR_OLD:
		live_old_reply(l, o, ok);
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
