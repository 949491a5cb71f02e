/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/ctl.c: the control socket, and `kgdb-bridge ctl`.
 *
 * A Unix stream socket, mode 0600 in a 0700 directory. One request per
 * line, either JSON ({"v":1,"cmd":"mem","addr":"0xffff…","len":16}) or
 * plain words ("mem ffff… 16", "mark text"), parsed and checked by
 * common/ctlproto.c (the protocol's names, its version and the types and
 * ranges of the arguments live there; docs/kgdb-bridge.1 describes it);
 * one JSON reply per request, always carrying "v" (CTL_PROTO_VERSION)
 * and "ok", written with common/json.c's quoting. Commands:
 *
 *   status              link, device, baud, target state, gdb, stats,
 *                       the last stop reply, vmlinux, largest read
 *   mem addr len        read target memory (len up to 4096):
 *                       {"ok":true,"cmd":"mem","addr":"0x…","hex":"…"}
 *   regs                the 'g' packet, raw ("g") and decoded ("regs")
 *   mark text           a mark in the transcript
 *   subscribe | events  from now on, one JSON event per line:
 *                       {"v":1,"event":"link_down","t":1234,"text":"…"}
 *   quit                shut the bridge down cleanly
 *   ping
 *
 * Control commands, refused while a gdb is attached (it holds control):
 *   break               break in with the configured sequence (allowed
 *                       too while an attached gdb waits for a stop: the
 *                       stop is then its reply)
 *   continue | step     resume the stopped kernel (c, s)
 *   thread id           select the thread later reads see (Hg ID, hex)
 *
 * Target reads (mem, regs, thread) go through br_target_request, one
 * packet at a time: a gdb request that arrives meanwhile waits for at
 * most one of ours, and none of ours ever lands inside a gdb
 * transaction. Nothing here sends '?': the last stop comes from target.c.
 * A client with a read in flight is not read from until it completes, so
 * replies come back in request order.
 *
 * Subscribers have capped queues like console clients: a script that
 * stops reading is dropped, never waited for.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "bridge/bridge.h"
#include "common/json.h"

#define CTL_QUEUE_MAX	(1024 * 1024)
#define CTL_MAX_CLIENTS	32
#define CTL_PAGE	4096	/* a kgdb read is all-or-nothing per page */

/* One target request of a client, in flight. It outlives its client (the
 * target may answer after the client left): cl is NULL then. */
struct ctl_op {
	struct ctl_client	*cl;
	struct bridge		*br;
	enum ctl_cmd		 kind;		/* CTL_MEM, _REGS, _THREAD */
	uint64_t		 addr, len, done, piece;
	char			*hex;		/* MEM: 2*len + 1 */
};

struct ctl_client {
	struct br_ctl		*c;
	struct bufferevent	*bev;
	bool			 subscribed;
	bool			 dead;
	bool			 in_read;	/* inside ctl_read_cb */
	bool			 quit_after;	/* quit once the reply is out */
	struct ctl_op		*op;		/* a target read in flight */
	TAILQ_ENTRY(ctl_client)	 entry;
};
TAILQ_HEAD(ctl_clients, ctl_client);

struct br_ctl {
	struct bridge		*br;
	char			*path;
	struct evconnlistener	*lis;
	struct br_lguard	*guard;
	struct ctl_clients	 clients;
	size_t			 nclients;
	struct event		*reap;
};

static const char *const ctl_note_names[] = {
	[BR_NOTE_LINK_UP] = CTL_EV_LINK_UP,
	[BR_NOTE_LINK_DOWN] = CTL_EV_LINK_DOWN,
	[BR_NOTE_STATE] = CTL_EV_STATE,
	[BR_NOTE_STOP] = CTL_EV_STOP,
	[BR_NOTE_GDB_ATTACH] = CTL_EV_GDB_ATTACH,
	[BR_NOTE_GDB_DETACH] = CTL_EV_GDB_DETACH,
	[BR_NOTE_PANIC] = CTL_EV_PANIC,
	[BR_NOTE_BREAK_FAILED] = CTL_EV_BREAK_FAILED,
	[BR_NOTE_CONSOLE_LINE] = CTL_EV_CONSOLE,
	[BR_NOTE_MARK] = CTL_EV_MARK,
};

void
br_quit(struct bridge *br)
{
	if (br->quit)
		return;
	br->quit = true;
	event_base_loopexit(br->base, NULL);
}

const char *
br_note_name(enum br_note note)
{
	if ((unsigned)note >= sizeof ctl_note_names / sizeof ctl_note_names[0])
		return "unknown";
	return ctl_note_names[note];
}

/* s as a JSON string (common/json.c escapes it, both programs alike). */
static void
ctl_quote(struct evbuffer *b, const char *s, size_t len)
{
	char	*q = xmalloc(CM_JSON_QUOTE_MAX(len));
	size_t	 n;

	n = cm_json_quote(q, CM_JSON_QUOTE_MAX(len), s, len);
	evbuffer_add(b, q, n);
	free(q);
}

static void
ctl_kv_u64(struct evbuffer *b, const char *k, uint64_t v)
{
	evbuffer_add_printf(b, ",\"%s\":%llu", k, (unsigned long long)v);
}

static void
ctl_kv_str(struct evbuffer *b, const char *k, const char *v)
{
	evbuffer_add_printf(b, ",\"%s\":", k);
	ctl_quote(b, v, strlen(v));
}

char *
br_ctl_status_json(struct bridge *br)
{
	struct evbuffer	*b = evbuffer_new();
	struct br_stats	*s = &br->stats;
	char		*out;
	size_t		 len;
	int		 caps = br_link_caps(br->link);
	char		 capstr[64];
	int		 gport, cport;

	if (b == NULL)
		fatalx("ctl: out of memory");
	evbuffer_add_printf(b, "{\"v\":%d,\"ok\":true,\"cmd\":\"" CTL_CMD_STATUS "\"",
	    CTL_PROTO_VERSION);
	ctl_kv_u64(b, "pid", (uint64_t)getpid());
	ctl_kv_u64(b, "uptime_ms", br_now_ms() - br->start_ms);
	ctl_kv_str(b, "target", br->opts.target != NULL ? br->opts.target :
	    "");
	ctl_kv_str(b, "link", br_link_up(br->link) ? "up" : "down");
	ctl_kv_str(b, "device", br_link_name(br->link));
	ctl_kv_u64(b, "baud", (uint64_t)br_link_baud(br->link));
	snprintf(capstr, sizeof capstr, "%s%s%s%s%s",
	    caps & BR_LINK_CAN_BREAK ? ",\"break\"" : "",
	    caps & BR_LINK_HAS_BAUD ? ",\"baud\"" : "",
	    caps & BR_LINK_NO_8BIT ? ",\"no_8bit\"" : "",
	    caps & BR_LINK_INT_03 ? ",\"int_03\"" : "",
	    caps & BR_LINK_CONSOLE_ONLY ? ",\"console_only\"" : "");
	evbuffer_add_printf(b, ",\"caps\":[%s]", capstr[0] != '\0' ?
	    capstr + 1 : "");
	ctl_kv_str(b, "state", br->target != NULL ?
	    br_target_state_name(br_target_state(br->target)) : "unknown");
	evbuffer_add_printf(b, ",\"gdb\":%s", br->gdb != NULL &&
	    br_gdb_attached(br->gdb) ? "true" : "false");
	ctl_kv_str(b, "control", br->gdb != NULL && br_gdb_attached(br->gdb) ?
	    "gdb" : "console");
	ctl_kv_u64(b, "console_clients", br_console_clients(br->console));
	/* The ports bound (0: off), which port 0 leaves to the kernel. */
	gport = br->gdb != NULL ? br_gdb_port(br->gdb) : 0;
	cport = br->console != NULL ? br_console_port(br->console) : 0;
	ctl_kv_u64(b, "gdb_port", (uint64_t)gport);
	ctl_kv_u64(b, "console_port", (uint64_t)cport);
	evbuffer_add_printf(b, ",\"ports\":{\"gdb\":%d,\"console\":%d}",
	    gport, cport);
	ctl_kv_str(b, "arch", br->arch != NULL ? br->arch->name :
	    (br->opts.arch != NULL ? br->opts.arch : "x86_64"));
	ctl_kv_str(b, "panic", br->panic);
	{
		char	stop[64] = "";

		if (br->target != NULL)
			br_target_last_stop(br->target, stop, sizeof stop);
		ctl_kv_str(b, "stop", stop);
	}
	ctl_kv_u64(b, "mem_read_max", br->arch != NULL ?
	    (uint64_t)br->arch->mem_read_max : 0);
	if (br->opts.vmlinux != NULL)
		ctl_kv_str(b, "vmlinux", br->opts.vmlinux);
	if (br->opts.log_path != NULL)
		ctl_kv_str(b, "log", br->opts.log_path);
	evbuffer_add_printf(b, ",\"stats\":{\"rx_bytes\":%llu,\"tx_bytes\":"
	    "%llu,\"rx_packets\":%llu,\"tx_packets\":%llu,\"retransmits\":"
	    "%llu,\"cksum_errors\":%llu,\"timeouts\":%llu,\"console_bytes\":"
	    "%llu,\"bad_replies\":%llu,\"verify_reads\":%llu,"
	    "\"verify_mismatches\":%llu,\"early_naks\":%llu}}",
	    (unsigned long long)s->rx_bytes,
	    (unsigned long long)s->tx_bytes,
	    (unsigned long long)s->rx_packets,
	    (unsigned long long)s->tx_packets,
	    (unsigned long long)s->retransmits,
	    (unsigned long long)s->cksum_errors,
	    (unsigned long long)s->timeouts,
	    (unsigned long long)s->console_bytes,
	    (unsigned long long)s->bad_replies,
	    (unsigned long long)s->verify_reads,
	    (unsigned long long)s->verify_mismatches,
	    (unsigned long long)s->early_naks);
	len = evbuffer_get_length(b);
	out = xmalloc(len + 1);
	evbuffer_remove(b, out, len);
	out[len] = '\0';
	evbuffer_free(b);
	return out;
}

static void
ctl_client_lost(struct ctl_client *cl)
{
	if (cl->dead)
		return;
	cl->dead = true;
	bufferevent_disable(cl->bev, EV_READ|EV_WRITE);
	event_active(cl->c->reap, EV_TIMEOUT, 0);
}

static void	ctl_event_cb(struct bufferevent *, short, void *);

/* A client that asked to quit is answered first; the bridge stops once
 * the answer is out (or the client is gone). */
static void
ctl_client_gone(struct ctl_client *cl)
{
	struct bridge	*br = cl->c->br;
	bool		 quit = cl->quit_after;

	ctl_client_lost(cl);
	if (quit)
		br_quit(br);
}

static void
ctl_flushed_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	ctl_client_gone(arg);
}

/* Say the last words, then go: read no more, close once the reply is
 * out (or after a few seconds if the client does not take it). */
static void
ctl_close_after_flush(struct ctl_client *cl)
{
	struct timeval	tv = { 3, 0 };

	bufferevent_disable(cl->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(cl->bev)) == 0) {
		ctl_client_gone(cl);
		return;
	}
	bufferevent_setcb(cl->bev, NULL, ctl_flushed_cb,
	    ctl_event_cb, cl);
	bufferevent_set_timeouts(cl->bev, NULL, &tv);
}

static void
ctl_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct br_ctl		*c = arg;
	struct ctl_client	*cl, *next;

	(void)fd;
	(void)what;
	for (cl = TAILQ_FIRST(&c->clients); cl != NULL; cl = next) {
		next = TAILQ_NEXT(cl, entry);
		if (!cl->dead)
			continue;
		TAILQ_REMOVE(&c->clients, cl, entry);
		c->nclients--;
		if (cl->op != NULL)
			cl->op->cl = NULL;
		bufferevent_free(cl->bev);
		free(cl);
		br_peer_closed();
	}
}

static void
ctl_send(struct ctl_client *cl, struct evbuffer *line)
{
	struct evbuffer	*ob = bufferevent_get_output(cl->bev);
	size_t		 len;

	if (cl->dead)
		return;
	/* Copied, not moved: moving would keep one chain of 1 KiB or more
	 * per short event line, seven times the bytes the cap counts. */
	len = evbuffer_get_length(line);
	if (br_peer_write(cl->bev, evbuffer_pullup(line, (ssize_t)len), len,
	    CTL_QUEUE_MAX) != 0) {
		log_warn("control client dropped: not reading (%zu bytes "
		    "queued)", evbuffer_get_length(ob));
		ctl_client_lost(cl);
	}
	evbuffer_drain(line, len);
}

static void
ctl_reply(struct ctl_client *cl, const char *cmd, bool ok, const char *err)
{
	struct evbuffer	*b = evbuffer_new();

	if (b == NULL)
		fatalx("ctl: out of memory");
	evbuffer_add_printf(b, "{\"v\":%d,\"ok\":%s", CTL_PROTO_VERSION,
	    ok ? "true" : "false");
	if (cmd != NULL)
		ctl_kv_str(b, "cmd", cmd);
	if (err != NULL)
		ctl_kv_str(b, "error", err);
	evbuffer_add(b, "}\n", 2);
	ctl_send(cl, b);
	evbuffer_free(b);
}

static void	ctl_read_cb(struct bufferevent *, void *);

/* Why the control commands are refused now, or NULL when they may run. */
static const char *
ctl_no_control(struct bridge *br)
{
	if (br->target == NULL)
		return "no target";
	if (br->gdb != NULL && br_gdb_attached(br->gdb))
		return "gdb holds control (detach it first)";
	return NULL;
}

static void
ctl_op_free(struct ctl_op *op)
{
	free(op->hex);
	free(op);
}

/* The op is over: reply (if its client is still there), then go on with
 * the client's next request lines. */
static void
ctl_op_done(struct ctl_op *op, struct evbuffer *b, const char *err)
{
	struct ctl_client	*cl = op->cl;

	if (cl == NULL) {
		ctl_op_free(op);
		return;
	}
	cl->op = NULL;
	if (b != NULL)
		ctl_send(cl, b);
	else
		ctl_reply(cl, ctl_cmd_name(op->kind), err == NULL, err);
	ctl_op_free(op);
	if (cl->dead)
		return;
	bufferevent_enable(cl->bev, EV_READ);
	if (!cl->in_read)
		ctl_read_cb(cl->bev, cl);
}

static void	ctl_mem_next(struct ctl_op *);

static void
ctl_mem_cb(void *arg, const char *p, size_t len, const char *err)
{
	struct ctl_op	*op = arg;
	struct evbuffer	*b;
	char		 why[BR_ERRLEN];
	int		 eno;

	if (op->cl == NULL) {
		ctl_op_free(op);
		return;
	}
	if (err != NULL) {
		ctl_op_done(op, NULL, err);
		return;
	}
	if (rsp_reply_errno(p, len, &eno) || len != 2 * op->piece) {
		snprintf(why, sizeof why, "cannot read %llu bytes at 0x%llx "
		    "(reply %.*s)", (unsigned long long)op->piece,
		    (unsigned long long)(op->addr + op->done),
		    (int)(len > 8 ? 8 : len), p);
		ctl_op_done(op, NULL, why);
		return;
	}
	memcpy(op->hex + 2 * op->done, p, len);
	op->done += op->piece;
	if (op->done < op->len) {
		ctl_mem_next(op);
		return;
	}
	op->hex[2 * op->len] = '\0';
	if ((b = evbuffer_new()) == NULL)
		fatalx("ctl: out of memory");
	evbuffer_add_printf(b, "{\"v\":%d,\"ok\":true,\"cmd\":\"" CTL_CMD_MEM "\","
	    "\"addr\":\"0x%llx\",\"len\":%llu,\"hex\":\"%s\"}\n",
	    CTL_PROTO_VERSION, (unsigned long long)op->addr,
	    (unsigned long long)op->len, op->hex);
	ctl_op_done(op, b, NULL);
	evbuffer_free(b);
}

/* The next read of a mem request: at most the arch's safe size, never
 * across a page (kgdb fails a read whole if any byte faults). */
static void
ctl_mem_next(struct ctl_op *op)
{
	uint64_t	addr = op->addr + op->done, n = op->len - op->done;
	uint64_t	room = CTL_PAGE - addr % CTL_PAGE;
	char		req[48];
	int		rlen;

	if (n > op->br->arch->mem_read_max)
		n = op->br->arch->mem_read_max;
	if (n > room)
		n = room;
	op->piece = n;
	rlen = snprintf(req, sizeof req, "m%llx,%llx",
	    (unsigned long long)addr, (unsigned long long)n);
	/* On failure the callback has run (and freed op) already. */
	(void)br_target_request(op->br->target, req, (size_t)rlen, ctl_mem_cb,
	    op);
}

static void
ctl_regs_cb(void *arg, const char *p, size_t len, const char *err)
{
	struct ctl_op	*op = arg;
	struct rsp_regs	 regs;
	struct evbuffer	*b;
	const struct rsp_arch *a = op->br->arch;
	uint64_t	 v;
	size_t		 i;
	int		 eno;
	bool		 first = true;

	if (op->cl == NULL) {
		ctl_op_free(op);
		return;
	}
	if (err != NULL || rsp_reply_errno(p, len, &eno) ||
	    rsp_regs_parse_g(a, p, len, &regs) < 0) {
		ctl_op_done(op, NULL, err != NULL ? err :
		    "the target's 'g' reply does not parse");
		return;
	}
	if ((b = evbuffer_new()) == NULL)
		fatalx("ctl: out of memory");
	evbuffer_add_printf(b, "{\"v\":%d,\"ok\":true,\"cmd\":\"" CTL_CMD_REGS "\","
	    "\"arch\":\"%s\",\"g\":\"%.*s\",\"regs\":{", CTL_PROTO_VERSION,
	    a->name, (int)len, p);
	for (i = 0; i < a->nregs; i++) {
		if (rsp_regs_get(&regs, (int)i, &v) < 0)
			continue;
		evbuffer_add_printf(b, "%s\"%s\":\"0x%llx\"", first ? "" : ",",
		    a->regs[i].name, (unsigned long long)v);
		first = false;
	}
	evbuffer_add(b, "}}\n", 3);
	ctl_op_done(op, b, NULL);
	evbuffer_free(b);
}

static void
ctl_thread_cb(void *arg, const char *p, size_t len, const char *err)
{
	struct ctl_op	*op = arg;

	if (op->cl == NULL) {
		ctl_op_free(op);
		return;
	}
	if (err == NULL && !(len == 2 && memcmp(p, "OK", 2) == 0))
		err = "the target refused the thread";
	ctl_op_done(op, NULL, err);
}

/* mem, regs, thread (arguments checked already): start a target request
 * for cl. */
static void
ctl_target_op(struct ctl_client *cl, const struct ctl_req *req)
{
	struct bridge	*br = cl->c->br;
	struct ctl_op	*op;
	const char	*why;
	char		 pkt[40];

	if (br->target == NULL || br->arch == NULL) {
		ctl_reply(cl, req->name, false, br->target == NULL ?
		    "no target" : "no register layout for this arch");
		return;
	}
	if (req->cmd == CTL_THREAD && (why = ctl_no_control(br)) != NULL) {
		ctl_reply(cl, req->name, false, why);
		return;
	}
	op = xcalloc(1, sizeof *op);
	op->cl = cl;
	op->br = br;
	op->kind = req->cmd;
	cl->op = op;
	bufferevent_disable(cl->bev, EV_READ);
	switch (req->cmd) {
	case CTL_MEM:
		op->addr = req->addr;
		op->len = req->len;
		op->hex = xmalloc(2 * req->len + 1);
		ctl_mem_next(op);
		break;
	case CTL_REGS:
		(void)br_target_request(br->target, "g", 1, ctl_regs_cb, op);
		break;
	default:
		snprintf(pkt, sizeof pkt, "Hg%s", req->id);
		/* The stub's Hg is no longer what the gdb cache believes. */
		br_cache_invalidate(br->cache, BR_CE_THREAD);
		(void)br_target_request(br->target, pkt, strlen(pkt),
		    ctl_thread_cb, op);
		break;
	}
}

/* break, continue, step: only while no gdb holds control. */
static void
ctl_control(struct ctl_client *cl, enum ctl_cmd which)
{
	struct bridge	*br = cl->c->br;
	const char	*why, *how, *cmd = ctl_cmd_name(which);
	char		 err[BR_ERRLEN];
	enum br_tstate	 s;
	bool		 brk = which == CTL_BREAK;

	/*
	 * A gdb that continued and waits for the stop has asked for this
	 * break-in: it becomes gdb's stop reply, as its own interrupt would
	 * (scripts interrupt a gdb session this way).
	 */
	if ((why = ctl_no_control(br)) != NULL && !(brk &&
	    br->target != NULL && br_gdb_waiting_stop(br->gdb))) {
		ctl_reply(cl, cmd, false, why);
		return;
	}
	s = br_target_state(br->target);
	if (brk) {
		if (s == BR_TS_STOPPED_GDB || s == BR_TS_KDB)
			ctl_reply(cl, cmd, false, "the target is stopped "
			    "already");
		else if (br_target_break(br->target, err) == -1)
			ctl_reply(cl, cmd, false, err);
		else
			ctl_reply(cl, cmd, true, NULL);
		return;
	}
	if (s != BR_TS_STOPPED_GDB && s != BR_TS_KDB) {
		ctl_reply(cl, cmd, false, "the target is not stopped");
		return;
	}
	how = which == CTL_CONTINUE ? "c" : "s";
	if ((br->resume != NULL ? br->resume(br->resume_arg, how, 1) :
	    br_target_resume(br->target, how, 1)) != 0)
		ctl_reply(cl, cmd, false, "cannot resume (link down, or too "
		    "many requests queued)");
	else
		ctl_reply(cl, cmd, true, NULL);
}

/* One request line: parsed and checked by common/ctlproto.c, then run. */
static void
ctl_command(struct ctl_client *cl, const char *line, size_t len)
{
	struct bridge	*br = cl->c->br;
	struct evbuffer	*b;
	struct ctl_req	*req = xmalloc(sizeof *req);
	char		 err[BR_ERRLEN], *s;

	if (ctl_req_parse(req, line, len, err, sizeof err) == -1) {
		ctl_reply(cl, req->name, false, err);
		goto out;
	}
	switch (req->cmd) {
	case CTL_STATUS:
		s = br_ctl_status_json(br);
		if ((b = evbuffer_new()) == NULL)
			fatalx("ctl: out of memory");
		evbuffer_add_printf(b, "%s\n", s);
		ctl_send(cl, b);
		evbuffer_free(b);
		free(s);
		break;
	case CTL_BREAK:
	case CTL_CONTINUE:
	case CTL_STEP:
		ctl_control(cl, req->cmd);
		break;
	case CTL_MEM:
	case CTL_REGS:
	case CTL_THREAD:
		ctl_target_op(cl, req);
		break;
	case CTL_MARK:
		br_notify(br, BR_NOTE_MARK, req->text);
		ctl_reply(cl, req->name, true, NULL);
		break;
	case CTL_SUBSCRIBE:
		cl->subscribed = true;
		ctl_reply(cl, req->name, true, NULL);
		break;
	case CTL_QUIT:
		ctl_reply(cl, req->name, true, NULL);
		cl->quit_after = true;
		ctl_close_after_flush(cl);
		break;
	case CTL_PING:
		ctl_reply(cl, req->name, true, NULL);
		break;
	}
out:
	free(req);
}

static void
ctl_read_cb(struct bufferevent *bev, void *arg)
{
	struct ctl_client	*cl = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	char			*line;
	size_t			 len;

	cl->in_read = true;
	while (!cl->dead && cl->op == NULL &&
	    (line = evbuffer_readln(in, &len, EVBUFFER_EOL_CRLF)) != NULL) {
		if (len > 0)
			ctl_command(cl, line, len);
		free(line);
	}
	cl->in_read = false;
	if (cl->op != NULL)
		return;	/* lines after it wait for its reply */
	if (evbuffer_get_length(in) > CTL_LINE_MAX) {
		ctl_reply(cl, NULL, false, "request line too long");
		ctl_close_after_flush(cl);
	}
}

static void
ctl_event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF|BEV_EVENT_ERROR|BEV_EVENT_TIMEOUT))
		ctl_client_gone(arg);
}

static void
ctl_accept_cb(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct br_ctl		*c = arg;
	struct ctl_client	*cl;

	(void)lis;
	(void)sa;
	(void)salen;
	if (c->nclients >= CTL_MAX_CLIENTS) {
		/* One line saying why, best effort: the socket is new and
		 * empty, so a short reply fits; then close. */
		char	msg[128];
		int	n;

		n = snprintf(msg, sizeof msg, "{\"v\":%d,\"ok\":false,"
		    "\"error\":\"too many control clients (limit %d)\"}\n",
		    CTL_PROTO_VERSION, CTL_MAX_CLIENTS);
		(void)send(fd, msg, (size_t)n, MSG_NOSIGNAL|MSG_DONTWAIT);
		evutil_closesocket(fd);
		log_warn("control client refused: %d connected already",
		    CTL_MAX_CLIENTS);
		return;
	}
	cl = xcalloc(1, sizeof *cl);
	cl->c = c;
	cl->bev = bufferevent_socket_new(c->br->base, fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (cl->bev == NULL)
		fatalx("ctl: out of memory");
	bufferevent_setcb(cl->bev, ctl_read_cb, NULL, ctl_event_cb, cl);
	/* Never more than one line's worth unread: a longer line is then
	 * refused at exactly CTL_LINE_MAX bytes (before its newline), not
	 * at whatever size the reads happened to come in. */
	bufferevent_setwatermark(cl->bev, EV_READ, 0, CTL_LINE_MAX + 1);
	bufferevent_enable(cl->bev, EV_READ|EV_WRITE);
	TAILQ_INSERT_TAIL(&c->clients, cl, entry);
	c->nclients++;
}

void
br_ctl_notify(struct br_ctl *c, const struct br_event *ev)
{
	struct ctl_client	*cl;
	struct evbuffer		*b;
	enum br_note		 note = ev->note;
	const char		*text = ev->text;

	/* Console bytes and notices are no control-socket events. */
	if (c == NULL || BR_NOTE_INTERNAL(note))
		return;
	TAILQ_FOREACH(cl, &c->clients, entry) {
		if (!cl->subscribed || cl->dead)
			continue;
		if ((b = evbuffer_new()) == NULL)
			fatalx("ctl: out of memory");
		evbuffer_add_printf(b, "{\"v\":%d,\"event\":\"%s\",\"t\":%llu",
		    CTL_PROTO_VERSION, br_note_name(note),
		    (unsigned long long)br_now_ms());
		if (text != NULL)
			ctl_kv_str(b, "text", text);
		evbuffer_add(b, "}\n", 2);
		ctl_send(cl, b);
		evbuffer_free(b);
	}
}

struct br_ctl *
br_ctl_new(struct bridge *br, const char *path, char *err)
{
	struct br_ctl		*c;
	struct sockaddr_un	 sun;
	mode_t			 old;
	int			 fd;

	if (strlen(path) >= sizeof sun.sun_path) {
		br_seterr(err, "control socket path too long: %s", path);
		return NULL;
	}
	/* The directory: private, and checked before it is trusted. */
	if (br_ctl_dir_check(path, true, err) == -1)
		return NULL;
	if ((fd = br_peer_unix_connect(path)) != -1) {
		close(fd);
		br_seterr(err, "another kgdb-bridge already serves %s (one "
		    "bridge per target; or give --ctl)", path);
		return NULL;
	}
	unlink(path);	/* stale socket of a killed bridge */

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK,
	    0)) == -1) {
		br_seterr(err, "control socket: %s", strerror(errno));
		return NULL;
	}
	old = umask(077);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		umask(old);
		br_seterr(err, "cannot bind control socket %s: %s", path,
		    strerror(errno));
		close(fd);
		return NULL;
	}
	umask(old);
	chmod(path, 0600);
	c = xcalloc(1, sizeof *c);
	c->br = br;
	c->path = xstrdup(path);
	TAILQ_INIT(&c->clients);
	c->reap = event_new(br->base, -1, 0, ctl_reap_cb, c);
	c->lis = evconnlistener_new(br->base, ctl_accept_cb, c,
	    LEV_OPT_CLOSE_ON_FREE|LEV_OPT_CLOSE_ON_EXEC, 8, fd);
	if (c->lis == NULL || c->reap == NULL) {
		br_seterr(err, "cannot listen on %s: %s", path,
		    strerror(errno));
		if (c->lis == NULL)
			close(fd);
		br_ctl_free(c);
		return NULL;
	}
	c->guard = br_lguard_new(br->base, c->lis, "control socket");
	return c;
}

void
br_ctl_free(struct br_ctl *c)
{
	struct ctl_client	*cl;

	if (c == NULL)
		return;
	while ((cl = TAILQ_FIRST(&c->clients)) != NULL) {
		TAILQ_REMOVE(&c->clients, cl, entry);
		if (cl->op != NULL)
			cl->op->cl = NULL;
		bufferevent_free(cl->bev);
		free(cl);
	}
	br_lguard_free(c->guard);
	if (c->lis != NULL) {
		evconnlistener_free(c->lis);
		unlink(c->path);
	}
	if (c->reap != NULL)
		event_free(c->reap);
	free(c->path);
	free(c);
}

/* ---- the client: `kgdb-bridge ctl …` (blocking; no loop needed) */

static void
ctl_usage(FILE *f)
{
	fprintf(f, "usage: kgdb-bridge ctl [--ctl PATH | --target TARGET] "
	    "COMMAND\n"
	    "commands: status, mem ADDR LEN, regs, mark TEXT, events (alias "
	    "subscribe),\n"
	    "          quit, ping; break (with gdb attached only while it "
	    "waits for a stop);\n"
	    "          without gdb attached also continue, step, thread "
	    "ID,\n"
	    "          or one raw JSON request line with typed arguments, "
	    "e.g.\n"
	    "          '{\"v\":1,\"cmd\":\"mem\",\"addr\":"
	    "\"0xffffffff81000000\",\"len\":16}'\n"
	    "ADDR is hex (0x optional), LEN decimal (1 to 4096); the protocol "
	    "is in\nkgdb-bridge(1), CONTROL.\n"
	    "Without --ctl, the one bridge running for this user is used.\n");
}

static bool
ctl_is_command(const char *w)
{
	return w[0] == '{' || ctl_cmd_known(w);
}

/* The control socket of board name, or NULL if there is no such board. */
static char *
ctl_board_path(const char *name)
{
	struct br_boards	*bs;
	const struct br_board	*b;
	char			 err[BR_ERRLEN], *path = NULL;

	if (strpbrk(name, "/:,") != NULL || (bs = br_boards_load(err)) ==
	    NULL)
		return (NULL);
	if ((b = br_boards_find(bs, name)) != NULL)
		path = br_boards_ctl(b);
	br_boards_free(bs);
	return (path);
}

/* The socket of the only bridge running, or NULL with a message. */
static char *
ctl_find(void)
{
	char		*dir = br_opts_ctl_dir(), *found = NULL, *p;
	char		 err[BR_ERRLEN];
	struct dirent	*de;
	DIR		*d;
	int		 n = 0, fd;

	/* A directory someone else controls holds no socket to trust. */
	if (br_private_dir(dir, false, err) == -1 && access(dir, F_OK) == 0) {
		fprintf(stderr, "kgdb-bridge ctl: %s\n", err);
		free(dir);
		return NULL;
	}
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "kgdb-bridge ctl: no bridge is running (no "
		    "%s)\n", dir);
		free(dir);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".sock") != 0)
			continue;
		xasprintf(&p, "%s/%s", dir, de->d_name);
		if ((fd = br_peer_unix_connect(p)) == -1) {
			free(p);
			continue;
		}
		close(fd);
		if (n++ == 0)
			found = p;
		else {
			if (n == 2)
				fprintf(stderr, "kgdb-bridge ctl: several "
				    "bridges run; choose one with --ctl:\n  "
				    "%s\n", found);
			fprintf(stderr, "  %s\n", p);
			free(p);
		}
	}
	closedir(d);
	if (n == 0)
		fprintf(stderr, "kgdb-bridge ctl: no bridge is running (no "
		    "live socket in %s)\n", dir);
	free(dir);
	if (n != 1) {
		free(found);
		return NULL;
	}
	return found;
}

/*
 * The request line for the words of argv: a JSON line given as it is, or
 * a command and its arguments, read by the parser the bridge uses and
 * sent as typed JSON. Words that do not parse go as they are, for the
 * bridge to refuse with its reason (unless a line break would split
 * them). NULL after saying why. *events: the reply is a stream of events.
 */
static char *
ctl_client_request(int argc, char **argv, bool *events)
{
	struct ctl_req	*req = xmalloc(sizeof *req);
	char		 err[BR_ERRLEN], *line = NULL, *t, *out = NULL;
	size_t		 n;
	int		 i;

	*events = false;
	if (argv[0][0] == '{') {
		out = xstrdup(argv[0]);
		if (ctl_req_parse(req, out, strlen(out), err, sizeof err) == 0)
			*events = req->cmd == CTL_SUBSCRIBE;
		goto done;
	}
	for (i = 0; i < argc; i++) {
		xasprintf(&t, "%s%s%s", line != NULL ? line : "", line != NULL ?
		    " " : "", argv[i]);
		free(line);
		line = t;
	}
	if (ctl_req_parse(req, line, strlen(line), err, sizeof err) == -1) {
		/* The bridge says what is wrong, in a JSON reply as for any
		 * other request; a line break would make it two requests. */
		if (strpbrk(line, "\r\n") != NULL)
			fprintf(stderr, "kgdb-bridge ctl: %s\n", err);
		else {
			out = line;
			line = NULL;
		}
		goto done;
	}
	*events = req->cmd == CTL_SUBSCRIBE;
	n = ctl_req_json(req, NULL, 0);
	if (n > CTL_LINE_MAX) {
		fprintf(stderr, "kgdb-bridge ctl: the request is %zu bytes as "
		    "JSON, over the limit of %d\n", n, CTL_LINE_MAX);
		goto done;
	}
	out = xmalloc(n + 1);
	(void)ctl_req_json(req, out, n + 1);
done:
	free(line);
	free(req);
	return out;
}

/* Whether a reply line says "ok": true. */
static bool
ctl_reply_ok(const char *line)
{
	json_t	*o = cm_json_parse(line, strlen(line), NULL, 0);
	bool	 ok = false;

	if (o != NULL)
		(void)cm_json_bool(o, "ok", &ok);
	json_decref(o);
	return ok;
}

int
br_ctl_client_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "ctl", required_argument, NULL, 'c' },
		{ "target", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char		*path = NULL, *req = NULL, buf[65536];
	char		 err[BR_ERRLEN];
	FILE		*in;
	int		 c, fd, rc = 1;
	bool		 events;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			free(path);
			path = xstrdup(optarg);
			break;
		case 't':
			free(path);
			path = ctl_board_path(optarg);
			if (path == NULL)
				path = br_opts_default_ctl(optarg);
			break;
		case 'h':
			ctl_usage(stdout);
			free(path);
			return 0;
		default:
			ctl_usage(stderr);
			free(path);
			return 2;
		}
	}
	if (optind >= argc) {
		ctl_usage(stderr);
		free(path);
		return 2;
	}
	/* "kgdb-bridge ctl BOARD status": a board's name before the
	 * command (a command word is never taken for a board). */
	if (path == NULL && optind + 1 < argc && !ctl_is_command(argv[optind])
	    && (path = ctl_board_path(argv[optind])) != NULL)
		optind++;
	if ((req = ctl_client_request(argc - optind, argv + optind,
	    &events)) == NULL) {
		rc = 2;
		goto out;
	}
	if (path == NULL && (path = ctl_find()) == NULL)
		goto out;
	if (br_ctl_dir_check(path, false, err) == -1) {
		fprintf(stderr, "kgdb-bridge ctl: %s\n", err);
		goto out;
	}
	if ((fd = br_peer_unix_connect(path)) == -1) {
		fprintf(stderr, "kgdb-bridge ctl: cannot connect to %s: %s\n",
		    path, strerror(errno));
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	if (dprintf(fd, "%s\n", req) < 0 || (in = fdopen(fd, "r")) == NULL) {
		fprintf(stderr, "kgdb-bridge ctl: %s\n", strerror(errno));
		close(fd);
		goto out;
	}
	while (fgets(buf, sizeof buf, in) != NULL) {
		fputs(buf, stdout);
		fflush(stdout);
		if (!events) {
			rc = ctl_reply_ok(buf) ? 0 : 1;
			break;
		}
		rc = 0;
	}
	fclose(in);
out:
	free(path);
	free(req);
	return rc;
}
