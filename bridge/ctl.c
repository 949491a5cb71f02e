/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/ctl.c: the control socket (the server; `kgdb-bridge ctl` is
 * ctl_client.c).
 *
 * A Unix stream socket, mode 0600 in a 0700 directory. One request per
 * line, either JSON ({"v":1,"cmd":"mem","addr":"0xffff…","len":16}) or
 * plain words ("mem ffff… 16", "mark text"), parsed and checked by
 * common/ctlproto.c (the protocol's names, its version and the types and
 * ranges of the arguments live there; docs/kgdb-bridge.1 describes it);
 * one JSON reply per request, always carrying "v" (CTL_PROTO_VERSION)
 * and "ok", written with common/json.c's quoting. The commands are run
 * from cmd.c's table (their work, and the refusals while a gdb holds
 * control, are there; status's JSON is status.c's):
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
 * packet at a time (cmd.c): a gdb request that arrives meanwhile waits
 * for at most one of ours, and none of ours ever lands inside a gdb
 * transaction. Nothing sends '?': the last stop comes from target.c.
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

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "bridge/bridge.h"
#include "bridge/peer.h"
#include "common/json.h"

#define CTL_QUEUE_MAX	(1024 * 1024)
#define CTL_MAX_CLIENTS	32
#define CTL_FLUSH_MS	3000	/* last words: then closed regardless */

struct ctl_client {
	struct br_ctl		*c;
	struct br_peer		*pr;		/* the connection (peer.c) */
	bool			 subscribed;
	bool			 in_read;	/* inside ctl_read_cb */
	bool			 quit_after;	/* quit once the reply is out */
	struct br_cmd_op	*op;		/* a command waiting for the
						   target, or NULL */
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
	unsigned		 next_id;	/* names clients in the log */
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

const char *
br_note_name(enum br_note note)
{
	if ((unsigned)note >= sizeof ctl_note_names / sizeof ctl_note_names[0])
		return ("unknown");
	return (ctl_note_names[note]);
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
ctl_kv_str(struct evbuffer *b, const char *k, const char *v)
{
	evbuffer_add_printf(b, ",\"%s\":", k);
	ctl_quote(b, v, strlen(v));
}

/* The connection closed: a client that asked to quit was answered (or
 * is gone), so the bridge stops now. */
static void
ctl_client_closed(struct br_peer *p, const char *why, void *arg)
{
	struct ctl_client	*cl = arg;

	(void)p;
	(void)why;
	if (cl->quit_after)
		br_quit(cl->c->br);
}

/* Freed (peer.c's reap): a command it waits for ends unanswered. */
static void
ctl_client_freed(void *arg)
{
	struct ctl_client	*cl = arg;

	TAILQ_REMOVE(&cl->c->clients, cl, entry);
	cl->c->nclients--;
	br_cmd_cancel(cl->op);
	free(cl);
}

/* Say the last words, then go: read no more, close once the reply is
 * out (or after a few seconds if the client does not take it). */
static void
ctl_close_after_flush(struct ctl_client *cl, const char *why)
{
	br_peer_close_after_flush(cl->pr, why, CTL_FLUSH_MS);
}

/* A line for the client; past its cap the peer closes it. */
static void
ctl_send(struct ctl_client *cl, struct evbuffer *line)
{
	size_t	len;

	if (br_peer_gone(cl->pr))
		return;
	/* Copied, not moved: moving would keep one chain of 1 KiB or more
	 * per short event line, seven times the bytes the cap counts. */
	len = evbuffer_get_length(line);
	(void)br_peer_send(cl->pr, evbuffer_pullup(line, (ssize_t)len), len);
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

static void	ctl_read_cb(struct br_peer *, void *);

/* A command's outcome, as its one reply line. */
static void
ctl_answer(struct ctl_client *cl, const char *name, const struct br_cmdq *q,
    int rc)
{
	struct evbuffer	*b;

	if (q->reply == NULL) {
		ctl_reply(cl, name, rc == BR_CMD_OK, rc == BR_CMD_OK ? NULL :
		    q->err);
		return;
	}
	if ((b = evbuffer_new()) == NULL)
		fatalx("ctl: out of memory");
	evbuffer_add_printf(b, "%s\n", q->reply);
	ctl_send(cl, b);
	evbuffer_free(b);
}

/* A command that waited for the target is over: reply (if the client is
 * still there; cmd.c calls nobody otherwise), then go on with the
 * client's next request lines. */
static void
ctl_cmd_done(struct br_cmdq *q, int rc)
{
	struct ctl_client	*cl = q->arg;

	cl->op = NULL;
	ctl_answer(cl, q->cmd->name, q, rc);
	if (br_peer_gone(cl->pr))
		return;
	br_peer_reading(cl->pr, true);
	if (!cl->in_read)
		ctl_read_cb(cl->pr, cl);
}

/*
 * One request line: parsed and checked by common/ctlproto.c, then run
 * from cmd.c's table. A command that waits for the target holds the
 * client's later lines back until it is over.
 */
static void
ctl_command(struct ctl_client *cl, const char *line, size_t len)
{
	struct bridge		*br = cl->c->br;
	struct ctl_req		*req = xmalloc(sizeof *req);
	const struct br_cmd	*cmd;
	struct br_cmdq		 q;
	void			*owner;
	char			 err[BR_ERRLEN];
	int			 rc;

	if (ctl_req_parse(req, line, len, err, sizeof err) == -1) {
		ctl_reply(cl, req->name, false, err);
		goto out;
	}
	cmd = br_cmd_find(br, BR_CMD_CTL, ctl_cmd_name(req->cmd), &owner);
	if (cmd == NULL) {
		/* ctlproto.h and cmd.c's table disagree: a bug, told. */
		ctl_reply(cl, req->name, false, "no such command here");
		goto out;
	}
	memset(&q, 0, sizeof q);
	q.br = br;
	q.from = BR_CMD_CTL;
	q.args = "";
	q.req = req;
	q.done = ctl_cmd_done;
	q.arg = cl;
	rc = br_cmd_run(&q, cmd, owner);
	if (rc == BR_CMD_PENDING) {
		cl->op = q.op;
		br_peer_reading(cl->pr, false);
		goto out;
	}
	if (q.subscribe)
		cl->subscribed = true;
	ctl_answer(cl, req->name, &q, rc);
	free(q.reply);
	if (q.quit) {
		cl->quit_after = true;
		ctl_close_after_flush(cl, "asked the bridge to quit");
	}
out:
	free(req);
}

static void
ctl_read_cb(struct br_peer *p, void *arg)
{
	struct ctl_client	*cl = arg;
	struct evbuffer		*in = br_peer_input(p);
	char			*line;
	size_t			 len;

	cl->in_read = true;
	/* Nothing after a quit runs, even from the same write. */
	while (!br_peer_gone(p) && cl->op == NULL && !cl->quit_after &&
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
		ctl_close_after_flush(cl, "request line too long");
	}
}

/* A new control client: refused with one JSON line past
 * CTL_MAX_CLIENTS, else a peer reading one request line at a time. */
static void
ctl_accept_cb(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct br_ctl		*c = arg;
	struct ctl_client	*cl;
	char			 name[16];
	/*
	 * Never more than one line's worth unread: a longer line is then
	 * refused at exactly CTL_LINE_MAX bytes (before its newline), not
	 * at whatever size the reads happened to come in. No idle timeout:
	 * a subscriber is quiet by design, the socket is the user's own and
	 * CTL_MAX_CLIENTS bounds what idle clients hold.
	 */
	struct br_peer_cfg	 pc = {
		.what = "control client", .name = name,
		.out_max = CTL_QUEUE_MAX, .in_max = CTL_LINE_MAX + 1,
		.log_level = BR_LOG_DEBUG, .read = ctl_read_cb,
		.closed = ctl_client_closed, .freed = ctl_client_freed,
	};

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
	snprintf(name, sizeof name, "#%u", ++c->next_id);
	pc.arg = cl;
	cl->pr = br_peer_new(c->br->base, fd, &pc);
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
		if (!cl->subscribed || br_peer_gone(cl->pr))
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

/* The control socket at path: refused while another bridge serves it, a
 * stale one replaced, bound 0600 in a directory checked first. */
struct br_ctl *
br_ctl_new(struct bridge *br, const char *path, char *err)
{
	struct br_ctl		*c;
	struct sockaddr_un	 sun;
	mode_t			 old;
	int			 fd;

	if (strlen(path) >= sizeof sun.sun_path) {
		br_seterr(err, "control socket path too long: %s", path);
		return (NULL);
	}
	/* The directory: private, and checked before it is trusted. */
	if (br_ctl_dir_check(path, true, err) == -1)
		return (NULL);
	if ((fd = br_peer_unix_connect(path)) != -1) {
		close(fd);
		br_seterr(err, "another kgdb-bridge already serves %s (one "
		    "bridge per target; or give --ctl)", path);
		return (NULL);
	}
	unlink(path);	/* stale socket of a killed bridge */

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK,
	    0)) == -1) {
		br_seterr(err, "control socket: %s", strerror(errno));
		return (NULL);
	}
	old = umask(077);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		umask(old);
		br_seterr(err, "cannot bind control socket %s: %s", path,
		    strerror(errno));
		close(fd);
		return (NULL);
	}
	umask(old);
	chmod(path, 0600);
	c = xcalloc(1, sizeof *c);
	c->br = br;
	c->path = xstrdup(path);
	TAILQ_INIT(&c->clients);
	c->lis = evconnlistener_new(br->base, ctl_accept_cb, c,
	    LEV_OPT_CLOSE_ON_FREE|LEV_OPT_CLOSE_ON_EXEC, 8, fd);
	if (c->lis == NULL) {
		br_seterr(err, "cannot listen on %s: %s", path,
		    strerror(errno));
		if (c->lis == NULL)
			close(fd);
		br_ctl_free(c);
		return (NULL);
	}
	c->guard = br_lguard_new(br->base, c->lis, "control socket");
	return (c);
}

void
br_ctl_free(struct br_ctl *c)
{
	struct ctl_client	*cl;

	if (c == NULL)
		return;
	while ((cl = TAILQ_FIRST(&c->clients)) != NULL) {
		TAILQ_REMOVE(&c->clients, cl, entry);
		br_cmd_cancel(cl->op);
		br_peer_free(cl->pr);
		free(cl);
	}
	br_lguard_free(c->guard);
	if (c->lis != NULL) {
		evconnlistener_free(c->lis);
		unlink(c->path);
	}
	free(c->path);
	free(c);
}
