/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/cmd.c: every command of the bridge, in one table.
 *
 * Three front ends ask for commands: the console (Ctrl-] keys on the
 * bridge's terminal, a viewer's telnet BREAK), gdb (`monitor bridge …`)
 * and the control socket. Each looks its command up here (by name or by
 * key), fills a struct br_cmdq and calls br_cmd_run(), which checks what
 * the command needs (a target, a register layout, control) and runs it
 * once for all of them. The front end then shows the outcome its own way:
 * the console as a notice, gdb as O text, the control socket as one JSON
 * reply. A front end offers only the commands whose `from` names it.
 *
 * Layer 3: the target engine, the link and struct bridge below it, never
 * a front end. What the front ends know (a gdb attached and waiting) is
 * in br->front; commands on state a front end owns (gdb's cache and step
 * mode) are added by that front end (br->front.cmds) and run with it as
 * their owner.
 *
 * Reads for the control socket (mem, regs) and its thread selection go
 * through br_target_request, one packet at a time for all control
 * clients together (br->cmd_busy; the others wait in br->cmd_wait, a
 * long read going to the back after each piece): a gdb request that
 * arrives meanwhile waits for at most one of them.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "bridge/bridge.h"
#include "bridge/prefetch.h"
#include "bridge/sleepers.h"
#include "bridge/taskregs.h"

#define CMD_PAGE	4096	/* a kgdb read is all-or-nothing per page */

/* A command waiting for the target; outlives its asker (q.done NULL). */
struct br_cmd_op {
	struct br_cmdq	 q;		/* the asker's, copied */
	bool		 starting;	/* inside the command's fn */
	bool		 finished;	/* ended while starting */
	int		 rc;
	uint64_t	 addr, len, done, piece;	/* mem */
	char		*hex;			/* mem: 2 * len + 1 */
	/* The packet that waits its turn (cmd_send), and for whom. */
	char		 pkt[48];
	size_t		 pktlen;
	br_reply_cb	*cb;
	bool		 waiting;	/* in br->cmd_wait */
	bool		 moves_thread;	/* an Hg: tell gdb's cache when sent */
	struct br_cmd_op *next;		/* in br->cmd_wait */
};

static int	cmd_status(struct br_cmdq *);
static int	cmd_break(struct br_cmdq *);
static int	cmd_resume(struct br_cmdq *);
static int	cmd_mem(struct br_cmdq *);
static int	cmd_regs(struct br_cmdq *);
static int	cmd_thread(struct br_cmdq *);
static int	cmd_mark(struct br_cmdq *);
static int	cmd_quit(struct br_cmdq *);
static int	cmd_subscribe(struct br_cmdq *);
static int	cmd_ping(struct br_cmdq *);
static int	cmd_kdb(struct br_cmdq *);
static int	cmd_help(struct br_cmdq *);
static int	cmd_sleepers(struct br_cmdq *);
static int	cmd_taskregs(struct br_cmdq *);
static int	cmd_prefetch(struct br_cmdq *);

#define CON	BR_CMD_CONSOLE
#define MON	BR_CMD_MONITOR
#define CTL	BR_CMD_CTL
#define TGT	BR_CMD_NEED_TARGET
#define ARCH	BR_CMD_NEED_ARCH
#define CTRL	BR_CMD_NEED_CONTROL

/*
 * The table. Its order is the order of the help texts: the Ctrl-] keys
 * (q, b, s, then ?) and `monitor bridge help` (status, kdb, then the
 * commands gdb.c adds).
 */
static const struct br_cmd cmd_table[] = {
	{ .name = CTL_CMD_QUIT, .from = CON|CTL, .keys = "qQ.",
	  .fn = cmd_quit, .keyhelp = "quit" },
	{ .name = CTL_CMD_BREAK, .from = CON|CTL, .keys = "bB",
	  .needs = TGT|CTRL|BR_CMD_OR_GDB_WAITS, .fn = cmd_break,
	  .keyhelp = "break in", .fail = "break-in failed" },
	{ .name = CTL_CMD_STATUS, .from = CON|MON|CTL, .keys = "sS",
	  .fn = cmd_status, .usage = "status",
	  .help = "link, target state, counters", .keyhelp = "status" },
	{ .name = "kdb", .from = MON, .needs = TGT|CTRL, .fn = cmd_kdb,
	  .usage = "kdb", .help = "hand the target to kdb (console)" },
	{ .name = "sleepers", .from = MON, .args = true, .fn = cmd_sleepers,
	  .usage = "sleepers",
	  .help = "[on|off] x86_64: sleeping tasks' saved registers" },
	{ .name = "taskregs", .from = MON, .args = true, .fn = cmd_taskregs,
	  .usage = "taskregs",
	  .help = "[on|off] arm64: sleeping tasks' 'g' built by the bridge" },
	{ .name = "prefetch", .from = MON, .args = true, .fn = cmd_prefetch,
	  .usage = "prefetch",
	  .help = "[on|off] read ahead while the kernel is stopped" },
	{ .name = CTL_CMD_CONTINUE, .from = CTL, .needs = TGT|CTRL,
	  .fn = cmd_resume },
	{ .name = CTL_CMD_STEP, .from = CTL, .needs = TGT|CTRL,
	  .fn = cmd_resume },
	{ .name = CTL_CMD_MEM, .from = CTL, .needs = TGT|ARCH,
	  .fn = cmd_mem },
	{ .name = CTL_CMD_REGS, .from = CTL, .needs = TGT|ARCH,
	  .fn = cmd_regs },
	{ .name = CTL_CMD_THREAD, .from = CTL, .needs = TGT|ARCH|CTRL,
	  .fn = cmd_thread },
	{ .name = CTL_CMD_MARK, .from = CTL, .fn = cmd_mark },
	{ .name = CTL_CMD_SUBSCRIBE, .from = CTL, .fn = cmd_subscribe },
	{ .name = CTL_CMD_PING, .from = CTL, .fn = cmd_ping },
	{ .name = "help", .from = CON|MON, .keys = "?", .fn = cmd_help,
	  .keyhelp = "this help" },
};

static void
br_quit_now(void *arg)
{
	struct bridge	*br = arg;

	event_base_loopexit(br->base, NULL);
}

void
br_quit(struct bridge *br)
{
	if (br->quit)
		return;
	br->quit = true;
	/* A reply on its way is taken first (br_target_quiesce). */
	if (br->target != NULL && br_target_quiesce(br->target, br_quit_now,
	    br, BR_QUIT_WAIT_MS))
		return;
	event_base_loopexit(br->base, NULL);
}

/* ---- lookup and the checks */

const struct br_cmd *
br_cmd_find(struct bridge *br, int from, const char *name, void **owner)
{
	size_t	i;

	for (i = 0; i < nitems(cmd_table); i++) {
		if ((cmd_table[i].from & from) &&
		    strcmp(cmd_table[i].name, name) == 0) {
			*owner = NULL;
			return (&cmd_table[i]);
		}
	}
	for (i = 0; i < br->front.ncmds; i++) {
		if ((br->front.cmds[i].from & from) &&
		    strcmp(br->front.cmds[i].name, name) == 0) {
			*owner = br->front.cmds_owner;
			return (&br->front.cmds[i]);
		}
	}
	return (NULL);
}

const struct br_cmd *
br_cmd_key(struct bridge *br, int key, void **owner)
{
	size_t	i;

	(void)br;
	*owner = NULL;
	for (i = 0; i < nitems(cmd_table); i++) {
		if ((cmd_table[i].from & BR_CMD_CONSOLE) && key != '\0' &&
		    cmd_table[i].keys != NULL &&
		    strchr(cmd_table[i].keys, key) != NULL)
			return (&cmd_table[i]);
	}
	return (NULL);
}

/* Why q's command may not run now, or NULL. */
static const char *
cmd_refused(const struct br_cmdq *q)
{
	struct bridge		*br = q->br;
	const struct br_front	*f = &br->front;
	int			 needs = q->cmd->needs;

	if ((needs & BR_CMD_NEED_TARGET) && br->target == NULL)
		return ("no target");
	if ((needs & BR_CMD_NEED_ARCH) && br->arch == NULL)
		return ("no register layout for this arch");
	if ((needs & BR_CMD_NEED_CONTROL) && q->from == BR_CMD_CTL &&
	    f->gdb_attached && !((needs & BR_CMD_OR_GDB_WAITS) &&
	    f->gdb_waiting != NULL && f->gdb_waiting(f->gdb_arg)))
		return ("gdb holds control (detach it first)");
	return (NULL);
}

int
br_cmd_run(struct br_cmdq *q, const struct br_cmd *cmd, void *owner)
{
	const char	*why;

	q->cmd = cmd;
	q->owner = owner;
	q->err[0] = '\0';
	q->reply = NULL;
	q->quit = q->subscribe = false;
	q->op = NULL;
	if ((why = cmd_refused(q)) != NULL) {
		br_seterr(q->err, "%s", why);
		return (BR_CMD_ERR);
	}
	return (cmd->fn(q));
}

void
br_cmd_printf(struct br_cmdq *q, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	br_voutf(q->print, q->arg, fmt, ap);
	va_end(ap);
}

/* ---- commands waiting for the target */

static struct br_cmd_op *
cmd_op_new(struct br_cmdq *q)
{
	struct br_cmd_op	*op = xcalloc(1, sizeof *op);

	op->q = *q;
	/* Only the command's fn reads them, while the asker holds them. */
	op->q.args = NULL;
	op->q.req = NULL;
	op->starting = true;
	return (op);
}

static void
cmd_op_free(struct br_cmd_op *op)
{
	free(op->q.reply);
	free(op->hex);
	free(op);
}

/* The command is over: tell the asker, unless it is gone or it has not
 * yet heard that the command waits (then br_cmd_run says it). */
static void
cmd_op_end(struct br_cmd_op *op, int rc)
{
	if (op->starting) {
		op->finished = true;
		op->rc = rc;
		return;
	}
	if (op->q.done != NULL)
		op->q.done(&op->q, rc);
	cmd_op_free(op);
}

/* The command's fn is done starting op: PENDING, or its outcome if the
 * target already answered (a request refused at once). */
static int
cmd_op_started(struct br_cmdq *q, struct br_cmd_op *op)
{
	int	rc;

	op->starting = false;
	if (!op->finished) {
		q->op = op;
		return (BR_CMD_PENDING);
	}
	rc = op->rc;
	memcpy(q->err, op->q.err, sizeof q->err);
	q->reply = op->q.reply;
	op->q.reply = NULL;
	cmd_op_free(op);
	return (rc);
}

void
br_cmd_cancel(struct br_cmd_op *op)
{
	struct br_cmd_op	**pp;

	if (op == NULL)
		return;
	op->q.done = NULL;
	if (!op->waiting)
		return;		/* in the target's queue: its reply frees it */
	/* Not sent yet: nothing will call it back, so it goes now. */
	for (pp = &op->q.br->cmd_wait; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == op) {
			*pp = op->next;
			break;
		}
	}
	cmd_op_free(op);
}

/* An error that ends op (the reply is the plain one, with err). */
static void
cmd_op_fail(struct br_cmd_op *op, const char *err)
{
	br_seterr(op->q.err, "%s", err);
	cmd_op_end(op, BR_CMD_ERR);
}

/* Whether the asker left: then op goes without another request. */
static bool
cmd_op_gone(struct br_cmd_op *op)
{
	if (op->q.done != NULL || op->starting)
		return (false);
	cmd_op_free(op);
	return (true);
}

static void	cmd_mem_next(struct br_cmd_op *);
static void	cmd_send_next(struct bridge *);

/* The target is done with the op in flight: on to its callback, then to
 * the next op waiting (op may be gone by then). */
static void
cmd_sent_cb(void *arg, const char *p, size_t len, const char *err)
{
	struct br_cmd_op	*op = arg;
	struct bridge		*br = op->q.br;

	if (br->cmd_busy == op)
		br->cmd_busy = NULL;
	op->cb(op, p, len, err);
	cmd_send_next(br);
}

/* Send the ops waiting, in order, while none is in the target's queue. On
 * a refusal (link down) the callback has run, and the next one goes. */
static void
cmd_send_next(struct bridge *br)
{
	struct br_cmd_op	*op;

	while (br->cmd_busy == NULL && (op = br->cmd_wait) != NULL) {
		br->cmd_wait = op->next;
		op->next = NULL;
		op->waiting = false;
		br->cmd_busy = op;
		/* The stub's Hg is no longer what gdb's cache believes. */
		if (op->moves_thread && br->thread_moved != NULL)
			br->thread_moved(br->thread_moved_arg);
		(void)br_target_request(br->target, op->pkt, op->pktlen,
		    cmd_sent_cb, op);
	}
}

/* op's next packet, cb its reply: behind the other clients' requests. */
static void
cmd_send(struct br_cmd_op *op, const char *pkt, br_reply_cb *cb)
{
	struct bridge		*br = op->q.br;
	struct br_cmd_op	**pp;

	op->pktlen = strlen(pkt);
	if (op->pktlen >= sizeof op->pkt)
		fatalx("cmd: packet too long: %s", pkt);
	memcpy(op->pkt, pkt, op->pktlen + 1);
	op->cb = cb;
	op->waiting = true;
	op->next = NULL;
	for (pp = &br->cmd_wait; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = op;
	cmd_send_next(br);
}

static void
cmd_mem_cb(void *arg, const char *p, size_t len, const char *err)
{
	struct br_cmd_op	*op = arg;
	char			 why[BR_ERRLEN];
	int			 eno;

	if (cmd_op_gone(op))
		return;
	if (err != NULL) {
		cmd_op_fail(op, err);
		return;
	}
	if (rsp_reply_errno(p, len, &eno) || len != 2 * op->piece) {
		snprintf(why, sizeof why, "cannot read %llu bytes at 0x%llx "
		    "(reply %.*s)", (unsigned long long)op->piece,
		    (unsigned long long)(op->addr + op->done),
		    (int)(len > 8 ? 8 : len), p);
		cmd_op_fail(op, why);
		return;
	}
	memcpy(op->hex + 2 * op->done, p, len);
	op->done += op->piece;
	if (op->done < op->len) {
		cmd_mem_next(op);
		return;
	}
	op->hex[2 * op->len] = '\0';
	xasprintf(&op->q.reply, "{\"v\":%d,\"ok\":true,\"cmd\":\""
	    CTL_CMD_MEM "\",\"addr\":\"0x%llx\",\"len\":%llu,\"hex\":\"%s\"}",
	    CTL_PROTO_VERSION, (unsigned long long)op->addr,
	    (unsigned long long)op->len, op->hex);
	cmd_op_end(op, BR_CMD_OK);
}

/* The next read of a mem request: at most the arch's safe size, never
 * across a page (kgdb fails a read whole if any byte faults). */
static void
cmd_mem_next(struct br_cmd_op *op)
{
	struct bridge	*br = op->q.br;
	uint64_t	 addr = op->addr + op->done, n = op->len - op->done;
	uint64_t	 room = CMD_PAGE - addr % CMD_PAGE;
	char		 req[48];

	if (n > br->arch->mem_read_max)
		n = br->arch->mem_read_max;
	if (n > room)
		n = room;
	op->piece = n;
	snprintf(req, sizeof req, "m%llx,%llx", (unsigned long long)addr,
	    (unsigned long long)n);
	cmd_send(op, req, cmd_mem_cb);
}

/* ctl mem ADDR LEN: the hex of the bytes, read page by page. */
static int
cmd_mem(struct br_cmdq *q)
{
	struct br_cmd_op	*op = cmd_op_new(q);

	op->addr = q->req->addr;
	op->len = q->req->len;
	op->hex = xmalloc(2 * q->req->len + 1);
	cmd_mem_next(op);
	return (cmd_op_started(q, op));
}

static void
cmd_regs_cb(void *arg, const char *p, size_t len, const char *err)
{
	struct br_cmd_op	*op = arg;
	const struct rsp_arch	*a = op->q.br->arch;
	struct rsp_regs		 regs;
	char			*out, *t;
	uint64_t		 v;
	size_t			 i;
	int			 eno;
	bool			 first = true;

	if (cmd_op_gone(op))
		return;
	if (err != NULL || rsp_reply_errno(p, len, &eno) ||
	    rsp_regs_parse_g(a, p, len, &regs) < 0) {
		cmd_op_fail(op, err != NULL ? err :
		    "the target's 'g' reply does not parse");
		return;
	}
	xasprintf(&out, "{\"v\":%d,\"ok\":true,\"cmd\":\"" CTL_CMD_REGS "\","
	    "\"arch\":\"%s\",\"g\":\"%.*s\",\"regs\":{", CTL_PROTO_VERSION,
	    a->name, (int)len, p);
	for (i = 0; i < a->nregs; i++) {
		if (rsp_regs_get(&regs, (int)i, &v) < 0)
			continue;
		xasprintf(&t, "%s%s\"%s\":\"0x%llx\"", out, first ? "" : ",",
		    a->regs[i].name, (unsigned long long)v);
		free(out);
		out = t;
		first = false;
	}
	xasprintf(&op->q.reply, "%s}}", out);
	free(out);
	cmd_op_end(op, BR_CMD_OK);
}

/* ctl regs: the 'g' packet, raw and decoded. */
static int
cmd_regs(struct br_cmdq *q)
{
	struct br_cmd_op	*op = cmd_op_new(q);

	cmd_send(op, "g", cmd_regs_cb);
	return (cmd_op_started(q, op));
}

static void
cmd_thread_cb(void *arg, const char *p, size_t len, const char *err)
{
	struct br_cmd_op	*op = arg;

	if (cmd_op_gone(op))
		return;
	if (err == NULL && !(len == 2 && memcmp(p, "OK", 2) == 0))
		err = "the target refused the thread";
	if (err != NULL)
		cmd_op_fail(op, err);
	else
		cmd_op_end(op, BR_CMD_OK);
}

/* ctl thread ID: the thread later reads see (Hg). */
static int
cmd_thread(struct br_cmdq *q)
{
	struct br_cmd_op	*op = cmd_op_new(q);
	char			 pkt[40];

	snprintf(pkt, sizeof pkt, "Hg%s", q->req->id);
	op->moves_thread = true;
	cmd_send(op, pkt, cmd_thread_cb);
	return (cmd_op_started(q, op));
}

/* ---- the others */

static void
cmd_status_line(void *arg, const char *text, size_t len)
{
	struct br_cmdq	*q = arg;

	q->print(q->arg, text, len);
}

static int
cmd_status(struct br_cmdq *q)
{
	struct br_status	st;
	char			line[512];
	int			n;

	br_status_get(q->br, &st);
	switch (q->from) {
	case BR_CMD_CTL:
		q->reply = br_status_json(&st);
		break;
	case BR_CMD_MONITOR:
		br_status_text(&st, cmd_status_line, q);
		break;
	default:
		n = br_status_line(&st, line, sizeof line);
		if (n > 0 && (size_t)n < sizeof line)
			q->print(q->arg, line, (size_t)n);
		break;
	}
	return (BR_CMD_OK);
}

/* A break-in; on a stopped target there is nothing to do (NOOP). */
static int
cmd_break(struct br_cmdq *q)
{
	enum br_tstate	s = br_target_state(q->br->target);

	if (s == BR_TS_STOPPED_GDB || s == BR_TS_KDB) {
		br_seterr(q->err, "the target is stopped already");
		return (BR_CMD_NOOP);
	}
	if (br_target_break(q->br->target, q->err) == -1)
		return (BR_CMD_ERR);
	return (BR_CMD_OK);
}

/* continue, step: as gdb would resume (br->resume, --step-irqs). */
static int
cmd_resume(struct br_cmdq *q)
{
	struct bridge	*br = q->br;
	enum br_tstate	 s = br_target_state(br->target);
	const char	*how = strcmp(q->cmd->name, CTL_CMD_STEP) == 0 ? "s" :
			    "c";

	if (s != BR_TS_STOPPED_GDB && s != BR_TS_KDB) {
		br_seterr(q->err, "the target is not stopped");
		return (BR_CMD_ERR);
	}
	if ((br->resume != NULL ? br->resume(br->resume_arg, how, 1) :
	    br_target_resume(br->target, how, 1)) != 0) {
		br_seterr(q->err, "cannot resume (link down, or too many "
		    "requests queued)");
		return (BR_CMD_ERR);
	}
	return (BR_CMD_OK);
}

static int
cmd_mark(struct br_cmdq *q)
{
	br_notify(q->br, BR_NOTE_MARK, q->req->text);
	return (BR_CMD_OK);
}

/* The front end stops the bridge once its answer is out. */
static int
cmd_quit(struct br_cmdq *q)
{
	q->quit = true;
	return (BR_CMD_OK);
}

static int
cmd_subscribe(struct br_cmdq *q)
{
	q->subscribe = true;
	return (BR_CMD_OK);
}

static int
cmd_ping(struct br_cmdq *q)
{
	(void)q;
	return (BR_CMD_OK);
}

/* gdb hands the stopped target to kdb: said only when it is sent. */
static int
cmd_kdb(struct br_cmdq *q)
{
	enum br_tstate	s = br_target_state(q->br->target);

	if (!br_link_up(q->br->link)) {
		br_seterr(q->err, "the target link is down: nothing sent");
		return (BR_CMD_ERR);
	}
	if (s == BR_TS_KDB) {
		br_seterr(q->err, "the target is in kdb already");
		return (BR_CMD_NOOP);
	}
	if (s == BR_TS_RUNNING || s == BR_TS_PANIC) {
		br_seterr(q->err, "the target is running: nothing sent");
		return (BR_CMD_ERR);
	}
	br_target_enter_kdb(q->br->target);
	br_cmd_printf(q, "switching the target to kdb ($3#33); gdb requests "
	    "switch it back. Detach or use the console.\n");
	return (BR_CMD_OK);
}

/* `monitor bridge sleepers [on|off]`: the switch, or what it did. */
static int
cmd_sleepers(struct br_cmdq *q)
{
	struct br_sleepers			*s = q->br->sleepers;
	const struct br_sleepers_stats		*st;
	const char				*arg = q->args;

	if (s == NULL) {
		br_cmd_printf(q, "sleepers: only on x86_64 (kgdb gives other "
		    "architectures' sleeping tasks their saved registers)\n");
		return (BR_CMD_OK);
	}
	if (strcmp(arg, "on") == 0 || strcmp(arg, "off") == 0) {
		br_sleepers_set(q->br, strcmp(arg, "on") == 0);
		log_info("sleepers: %s (monitor)", arg);
		br_cmd_printf(q, "sleepers %s\n", arg);
		return (BR_CMD_OK);
	}
	if (arg[0] != '\0') {
		br_cmd_printf(q, "usage: monitor bridge sleepers [on|off]\n");
		return (BR_CMD_OK);
	}
	st = br_sleepers_stats(s);
	br_cmd_printf(q, "sleepers: %s; %" PRIu64 " answered from the saved "
	    "frame, %" PRIu64 " left as kgdb gave them, %" PRIu64 " frames "
	    "read%s%s\n", br_sleepers_on(s) ? "on" : "off", st->rewritten,
	    st->refused, st->frame_reads, br_sleepers_why(s)[0] != '\0' ?
	    "; unusable: " : "", br_sleepers_why(s));
	return (BR_CMD_OK);
}

/* `monitor bridge taskregs [on|off]`: the switch, or what it did. */
static int
cmd_taskregs(struct br_cmdq *q)
{
	struct br_taskregs			*t = q->br->taskregs;
	const struct br_taskregs_stats		*st;
	const char				*arg = q->args;

	if (t == NULL) {
		br_cmd_printf(q, "taskregs: only on arm64 and riscv64 (kgdb's "
		    "'g' elsewhere costs no more than its reads)\n");
		return (BR_CMD_OK);
	}
	if (strcmp(arg, "on") == 0 || strcmp(arg, "off") == 0) {
		br_taskregs_set(q->br, strcmp(arg, "on") == 0);
		log_info("taskregs: %s (monitor)", arg);
		br_cmd_printf(q, "taskregs %s\n", arg);
		return (BR_CMD_OK);
	}
	if (arg[0] != '\0') {
		br_cmd_printf(q, "usage: monitor bridge taskregs [on|off]\n");
		return (BR_CMD_OK);
	}
	st = br_taskregs_stats(t);
	br_cmd_printf(q, "taskregs: %s; %" PRIu64 " built (%" PRIu64 " read "
	    "ahead), %" PRIu64 " from a CPU's pt_regs, %" PRIu64 " on a CPU "
	    "left to kgdb, %" PRIu64 " forwarded, %" PRIu64 " checked, %"
	    PRIu64 " differed; %" PRIu64 " tasks walked, %" PRIu64
	    " reads of %" PRIu64 " bytes%s%s\n", br_taskregs_on(t) ?
	    "on" : "off", st->built, st->ahead, st->cpu_built, st->on_cpu,
	    st->forwarded, st->verified, st->mismatches, st->walked,
	    st->reads, st->read_bytes,
	    br_taskregs_why(t)[0] != '\0' ? "; unusable: " : "",
	    br_taskregs_why(t));
	return (BR_CMD_OK);
}

/* `monitor bridge prefetch [on|off]`: the switch, or what it did. */
static int
cmd_prefetch(struct br_cmdq *q)
{
	struct br_prefetch		*p = q->br->prefetch;
	const struct br_prefetch_stats	*st;
	const char			*arg = q->args;

	if (p == NULL) {
		br_cmd_printf(q, "prefetch: none (it needs the stop-state "
		    "cache)\n");
		return (BR_CMD_OK);
	}
	if (strcmp(arg, "on") == 0 || strcmp(arg, "off") == 0) {
		br_prefetch_set(p, strcmp(arg, "on") == 0);
		log_info("prefetch: %s (monitor)", arg);
		br_cmd_printf(q, "prefetch %s\n", arg);
		return (BR_CMD_OK);
	}
	if (arg[0] != '\0') {
		br_cmd_printf(q, "usage: monitor bridge prefetch [on|off]\n");
		return (BR_CMD_OK);
	}
	st = br_prefetch_stats(p);
	br_cmd_printf(q, "prefetch: %s; %" PRIu64 " requests read ahead (%"
	    PRIu64 " reply bytes), %" PRIu64 " 'g' built by taskregs, %"
	    PRIu64 " replies of an ended stop dropped, %" PRIu64
	    " unanswered%s\n", br_prefetch_on(p) ? "on" : "off", st->requests,
	    st->reply_bytes, st->built, st->dropped, st->failed,
	    br_prefetch_done(p) ? "; this stop read ahead" : "");
	return (BR_CMD_OK);
}

/* One line of `monitor bridge help` for c. */
static void
cmd_help_monitor(char *buf, size_t len, size_t *used, const struct br_cmd *c)
{
	char	head[64];
	int	n;

	if (c->usage == NULL || *used >= len)
		return;
	snprintf(head, sizeof head, "monitor bridge %s", c->usage);
	if (strlen(head) < 24)
		n = snprintf(buf + *used, len - *used, "%-24s%s\n", head,
		    c->help);
	else
		n = snprintf(buf + *used, len - *used, "%s\n%24s%s\n", head,
		    "", c->help);
	if (n > 0)
		*used += (size_t)n < len - *used ? (size_t)n : len - *used - 1;
}

/* The help of the asker's front end, from the table. */
static int
cmd_help(struct br_cmdq *q)
{
	const struct br_front	*f = &q->br->front;
	char			 buf[1024];
	size_t			 i, used = 0;
	int			 n;

	if (q->from == BR_CMD_MONITOR) {
		for (i = 0; i < nitems(cmd_table); i++) {
			if (cmd_table[i].from & BR_CMD_MONITOR)
				cmd_help_monitor(buf, sizeof buf, &used,
				    &cmd_table[i]);
		}
		for (i = 0; i < f->ncmds; i++) {
			if (f->cmds[i].from & BR_CMD_MONITOR)
				cmd_help_monitor(buf, sizeof buf, &used,
				    &f->cmds[i]);
		}
		br_cmd_printf(q, "%.*smonitor <kdb command>   runs in kdb on "
		    "the target\n", (int)used, buf);
		return (BR_CMD_OK);
	}
	n = snprintf(buf, sizeof buf, "\r\n[kgdb-bridge] keys after Ctrl-]: ");
	used = (size_t)n;
	for (i = 0; i < nitems(cmd_table); i++) {
		if (!(cmd_table[i].from & BR_CMD_CONSOLE) ||
		    cmd_table[i].keys == NULL || cmd_table[i].fn == cmd_help)
			continue;
		n = snprintf(buf + used, sizeof buf - used, "%c %s, ",
		    cmd_table[i].keys[0], cmd_table[i].keyhelp);
		if (n > 0 && (size_t)n < sizeof buf - used)
			used += (size_t)n;
	}
	n = snprintf(buf + used, sizeof buf - used, "Ctrl-] send Ctrl-], %c "
	    "%s\r\n", q->cmd->keys[0], q->cmd->keyhelp);
	if (n > 0 && (size_t)n < sizeof buf - used)
		q->print(q->arg, buf, used + (size_t)n);
	return (BR_CMD_OK);
}
