/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/console.c: the packet-free console.
 *
 * Viewers: stdout (unless --quiet) and any number of TCP clients on the
 * console port. Each has its own capped queue; a client that stops
 * reading is dropped with a notice, so it can never stall the target link
 * or gdb. stdout is never dropped; past the cap its text is skipped and
 * counted, and the count is shown when it catches up.
 *
 * Typists: those clients and the local keyboard. Their bytes go to
 * br_target_console_input(); when that refuses (gdb holds the stop), the
 * typist is told why, once per burst.
 *
 * Telnet: on connect we offer WILL ECHO, WILL SGA, DO SGA so `telnet`
 * switches to character mode (--console-raw turns that off for nc).
 * A client that answers with any telnet command is a telnet client: its
 * IACs are stripped, IAC BRK and IAC IP break in, and 0xFF in our output
 * is doubled. CR LF and CR NUL from telnet, and a lone LF from nc, arrive
 * at the target as CR, which is what kdb wants.
 *
 * The local keyboard (stdin) is kbd.c's: it types through
 * br_console_type() and shows its answers with br_console_local().
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "bridge/bridge.h"
#include "bridge/peer.h"

#define CON_MAX_CLIENTS		64
#define CON_LINE_MAX		512
#define CON_REFUSE_QUIET_MS	3000
#define CON_BREAK_GAP_MS	1000	/* viewers' break requests: one a second */

struct con_client {
	struct br_console	*c;
	struct br_peer		*pr;		/* the connection (peer.c) */
	struct br_telnet	 tn;
	bool			 telnet;	/* it spoke telnet to us */
	bool			 slow;		/* dropped for not reading */
	uint8_t			 answered[32];	/* telnet options answered */
	uint64_t		 last_refused;
	uint64_t		 last_typed;	/* its keys reached the target */
	TAILQ_ENTRY(con_client)	 entry;
};
TAILQ_HEAD(con_clients, con_client);

struct br_console {
	struct bridge		*br;
	struct evconnlistener	*lis;
	struct br_lguard	*guard;
	int			 port;		/* bound TCP port, 0: none */
	struct evconnlistener	*ulis;		/* --console-socket */
	struct br_lguard	*uguard;
	struct con_clients	 clients;
	size_t			 nclients;

	struct bufferevent	*out;		/* stdout, or NULL */
	bool			 out_direct;	/* stdout is a file: write(2) */
	uint64_t		 out_skipped;
	uint64_t		 in_last_refused; /* the local keyboard */
	uint64_t		 brk_last_ms;	/* a viewer's last break request */
	uint64_t		 brk_ignored;	/* requests inside the gap */

	bool			 at_bol;	/* stream is at line start */
	bool			 ts_bol;	/* a time stamp is due */
	char			 line[CON_LINE_MAX];
	size_t			 linelen;
};


/* A viewer's connection is freed (peer.c's reap): forget it. */
static void
con_client_freed(void *arg)
{
	struct con_client	*cl = arg;
	struct br_console	*c = cl->c;

	TAILQ_REMOVE(&c->clients, cl, entry);
	c->nclients--;
	c->br->front.console_clients = c->nclients;
	/* Told here, not mid-fanout, so no viewer gets it inside a chunk
	 * of console text. */
	if (cl->slow)
		br_console_notice(c, "console client %s dropped: it stopped "
		    "reading", br_peer_name(cl->pr));
	free(cl);
}

/*
 * stdout's file flags before it was made non-blocking, to put back at
 * exit (the shell shares them). Static because kbd.c's fatal-signal
 * handler puts them back too.
 */
static int		con_saved_flags = -1;

void
br_console_restore_stdout(void)
{
	if (con_saved_flags != -1) {
		fcntl(STDOUT_FILENO, F_SETFL, con_saved_flags);
		con_saved_flags = -1;
	}
}

/* Every byte for a viewer goes through here: over its cap, the peer
 * closes it. */
static void
con_client_raw(struct con_client *cl, const void *buf, size_t len)
{
	if (br_peer_gone(cl->pr))
		return;
	if (br_peer_send(cl->pr, buf, len) != 0)
		cl->slow = true;
}

/* Queue text for one client, escaped for telnet if it speaks it. */
static void
con_client_send(struct con_client *cl, const void *buf, size_t len)
{
	uint8_t			 esc[4096];
	const uint8_t		*p = buf;
	size_t			 used, n;

	if (br_peer_gone(cl->pr))
		return;
	if (!cl->telnet) {
		con_client_raw(cl, buf, len);
		return;
	}
	while (len > 0 && !br_peer_gone(cl->pr)) {
		n = br_telnet_escape(esc, sizeof esc, p, len, false, &used);
		con_client_raw(cl, esc, n);
		p += used;
		len -= used;
	}
}

static void
con_stdout_send(struct br_console *c, const void *buf, size_t len)
{
	struct evbuffer	*ob;
	const char	*p = buf;
	ssize_t		 n;

	if (c->out_direct) {
		/* A file cannot be polled and never blocks for long. */
		while (len > 0 && (n = write(STDOUT_FILENO, p, len)) > 0) {
			p += n;
			len -= (size_t)n;
		}
		return;
	}
	if (c->out == NULL)
		return;
	ob = bufferevent_get_output(c->out);
	if (evbuffer_get_length(ob) + len > BR_CONSOLE_QUEUE_MAX) {
		c->out_skipped += len;
		return;
	}
	evbuffer_add(ob, buf, len);
}

static void
con_stdout_write_cb(struct bufferevent *bev, void *arg)
{
	struct br_console	*c = arg;
	char			 msg[128];
	int			 n;

	(void)bev;
	if (c->out_skipped == 0)
		return;
	n = snprintf(msg, sizeof msg, "\r\n[kgdb-bridge] %llu console bytes "
	    "not shown here (terminal too slow; see --log)\r\n",
	    (unsigned long long)c->out_skipped);
	c->out_skipped = 0;
	evbuffer_add(bufferevent_get_output(c->out), msg, (size_t)n);
}

static void
con_stdout_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct br_console	*c = arg;

	(void)what;
	/* stdout is gone (closed pipe): keep running for the others. */
	bufferevent_free(bev);
	c->out = NULL;
}

static void
con_fanout_raw(struct br_console *c, const void *buf, size_t len)
{
	struct con_client	*cl;

	if (len == 0)
		return;
	con_stdout_send(c, buf, len);
	TAILQ_FOREACH(cl, &c->clients, entry)
		con_client_send(cl, buf, len);
}

/* Every viewer, no transcript; with --timestamps each line starts with
 * the local time, as tio's -t does. */
static void
con_fanout(struct br_console *c, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	size_t		 i, start = 0;
	char		 stamp[32];
	struct timespec	 ts;
	struct tm	 tm;
	int		 n;

	if (!c->br->opts.timestamps) {
		con_fanout_raw(c, buf, len);
		return;
	}
	for (i = 0; i < len; i++) {
		if (c->ts_bol) {
			con_fanout_raw(c, p + start, i - start);
			start = i;
			clock_gettime(CLOCK_REALTIME, &ts);
			localtime_r(&ts.tv_sec, &tm);
			n = snprintf(stamp, sizeof stamp, "[%02d:%02d:%02d.%03ld] ",
			    tm.tm_hour, tm.tm_min, tm.tm_sec,
			    ts.tv_nsec / 1000000);
			if (n > 0 && (size_t)n < sizeof stamp)
				con_fanout_raw(c, stamp, (size_t)n);
			c->ts_bol = false;
		}
		if (p[i] == '\n')
			c->ts_bol = true;
	}
	con_fanout_raw(c, p + start, len - start);
}

static void
con_note_lines(struct br_console *c, const uint8_t *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		/* Room for the longest thing one byte becomes (3 bytes). */
		if (p[i] == '\n' || c->linelen >= sizeof c->line - 4) {
			while (c->linelen > 0 && c->line[c->linelen - 1] ==
			    '\r')
				c->linelen--;
			c->line[c->linelen] = '\0';
			br_notify(c->br, BR_NOTE_CONSOLE_LINE, c->line);
			c->linelen = 0;
			if (p[i] == '\n')
				continue;
		}
		if (p[i] == '\0') {
			/* The line is a C string from here on: a NUL would
			 * end it early, so it shows as U+FFFD. */
			memcpy(c->line + c->linelen, "\xef\xbf\xbd", 3);
			c->linelen += 3;
			continue;
		}
		c->line[c->linelen++] = (char)p[i];
	}
}

void
br_console_output(struct br_console *c, enum br_source src,
    const void *buf, size_t len)
{
	if (c == NULL || len == 0)
		return;
	c->br->stats.console_bytes += len;
	br_transcript_console(c->br->transcript, src, buf, len);
	con_fanout(c, buf, len);
	c->at_bol = ((const uint8_t *)buf)[len - 1] == '\n';
	if (src != BR_SRC_BRIDGE)
		con_note_lines(c, buf, len);
}

/* How an event shows on the console: main.c installs this as a bus sink.
 * Console bytes and notices are rendered here; panics, marks and link
 * changes become notices. */
void
br_console_event(struct br_console *c, const struct br_event *ev)
{
	switch (ev->note) {
	case BR_NOTE_CONSOLE:
		br_console_output(c, ev->src, ev->buf, ev->len);
		break;
	case BR_NOTE_NOTICE:
		br_console_notice(c, "%s", ev->text);
		break;
	case BR_NOTE_PANIC:
		br_console_notice(c, "PANIC/OOPS on the target: %s", ev->text);
		break;
	case BR_NOTE_MARK:
		br_console_notice(c, "mark: %s", ev->text);
		break;
	case BR_NOTE_LINK_DOWN:
	case BR_NOTE_LINK_UP:
		br_console_notice(c, "%s", ev->text);
		break;
	default:
		/* target.c and gdb.c word the others themselves. */
		break;
	}
}

void
br_console_notice(struct br_console *c, const char *fmt, ...)
{
	char	msg[768], line[800];
	va_list	ap;
	int	n;

	if (c == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	n = snprintf(line, sizeof line, "%s[kgdb-bridge] %s\r\n",
	    c->at_bol ? "" : "\r\n", msg);
	if (n < 0 || (size_t)n >= sizeof line)
		n = (int)strlen(line);
	br_transcript_console(c->br->transcript, BR_SRC_BRIDGE, line,
	    (size_t)n);
	con_fanout(c, line, (size_t)n);
	c->at_bol = true;
}

size_t
br_console_clients(const struct br_console *c)
{
	return (c != NULL ? c->nclients : 0);
}

/* Bytes a typist sent; cl is NULL for the local keyboard. */
static void
con_input(struct br_console *c, struct con_client *cl, const uint8_t *buf,
    size_t len)
{
	char		 err[BR_ERRLEN], msg[BR_ERRLEN + 64];
	uint64_t	 now, *last;
	int		 n;

	if (len == 0 || c->br->target == NULL)
		return;
	if (cl != NULL && c->br->opts.read_only_viewers)
		br_seterr(err, "this console is read-only "
		    "(--read-only-viewers); type on the bridge's terminal");
	else if (br_target_console_input(c->br->target, buf, len, err) == 0) {
		/*
		 * Everyone watching should know when keys other than the
		 * local terminal's reach the kernel: once per burst.
		 */
		now = br_now_ms();
		if (cl != NULL && (cl->last_typed == 0 ||
		    now - cl->last_typed > CON_REFUSE_QUIET_MS))
			br_console_notice(c, "console client %s is typing into "
			    "the target", br_peer_name(cl->pr));
		if (cl != NULL)
			cl->last_typed = now;
		return;
	}
	now = br_now_ms();
	last = cl != NULL ? &cl->last_refused : &c->in_last_refused;
	if (*last == 0 || now - *last > CON_REFUSE_QUIET_MS) {
		n = snprintf(msg, sizeof msg, "\r\n[kgdb-bridge] input not "
		    "sent: %s\r\n", err);
		if (n > 0 && (size_t)n >= sizeof msg)
			n = (int)sizeof msg - 1;
		if (cl != NULL)
			con_client_send(cl, msg, (size_t)n);
		else
			con_stdout_send(c, msg, (size_t)n);
	}
	*last = now;
}

void
br_console_type(struct br_console *c, const void *buf, size_t len)
{
	if (c != NULL)
		con_input(c, NULL, buf, len);
}

void
br_console_local(struct br_console *c, const void *buf, size_t len)
{
	if (c != NULL)
		con_stdout_send(c, buf, len);
}

static void
con_client_print(void *arg, const char *text, size_t len)
{
	con_client_send(arg, text, len);
}

/* A viewer's telnet BREAK: cmd.c's break, as Ctrl-] b runs it (quiet on
 * a stopped kernel, a failure told to every viewer). */
static void
con_break(struct con_client *cl)
{
	struct bridge		*br = cl->c->br;
	const struct br_cmd	*cmd;
	struct br_cmdq		 q;
	void			*owner;
	int			 rc;

	if ((cmd = br_cmd_find(br, BR_CMD_CONSOLE, CTL_CMD_BREAK,
	    &owner)) == NULL)
		return;
	memset(&q, 0, sizeof q);
	q.br = br;
	q.from = BR_CMD_CONSOLE;
	q.args = "";
	q.print = con_client_print;
	q.arg = cl;
	rc = br_cmd_run(&q, cmd, owner);
	free(q.reply);
	if (rc == BR_CMD_ERR)
		br_console_notice(cl->c, "%s: %s", cmd->fail != NULL ?
		    cmd->fail : cmd->name, q.err);
}

/* A viewer's telnet command: BREAK and IP break in, at most once a second
 * (a read-only viewer's become a ^C); options we do not do are refused,
 * once each. */
static void
con_telnet_cmd(void *arg, uint8_t cmd, uint8_t opt, const uint8_t *sb,
    size_t sblen)
{
	struct con_client	*cl = arg;
	struct br_console	*c = cl->c;
	uint8_t			 b[3];
	uint64_t		 now;

	(void)sb;
	(void)sblen;
	cl->telnet = true;
	switch (cmd) {
	case BR_TN_BRK:
	case BR_TN_IP:
		if (c->br->opts.read_only_viewers) {
			con_input(c, cl, (const uint8_t *)"\003", 1);
			break;
		}
		/* One break-in a second is plenty; a flood of them would be
		 * a flood of failure notices. */
		now = br_now_ms();
		if (c->brk_last_ms != 0 && now - c->brk_last_ms <
		    CON_BREAK_GAP_MS) {
			if (c->brk_ignored++ == 0)
				log_info("console client %s: break requests "
				    "closer than %d ms apart are ignored",
				    br_peer_name(cl->pr), CON_BREAK_GAP_MS);
			break;
		}
		c->brk_last_ms = now;
		con_break(cl);
		break;
	case BR_TN_DO:
	case BR_TN_WILL:
		/* Refuse what we do not do, once per option: a client
		 * repeating itself gets no echo storm (RFC 854's rule). */
		if (cl->answered[opt / 8] & (1U << (opt % 8)))
			break;
		cl->answered[opt / 8] |= (uint8_t)(1U << (opt % 8));
		if (cmd == BR_TN_DO && opt != BR_TN_OPT_ECHO &&
		    opt != BR_TN_OPT_SGA && opt != BR_TN_OPT_BINARY) {
			br_telnet_cmd(b, BR_TN_WONT, opt);
			con_client_raw(cl, b, 3);
		} else if (cmd == BR_TN_WILL && opt != BR_TN_OPT_SGA &&
		    opt != BR_TN_OPT_BINARY) {
			br_telnet_cmd(b, BR_TN_DONT, opt);
			con_client_raw(cl, b, 3);
		}
		break;
	default:
		break;
	}
}

/* nc sends LF for Enter; kdb (and a target tty with ICRNL) wants CR. */
static size_t
con_lf_to_cr(uint8_t *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (p[i] == '\n')
			p[i] = '\r';
	}
	return (len);
}

static void
con_client_read_cb(struct br_peer *p, void *arg)
{
	struct con_client	*cl = arg;
	uint8_t			 buf[4096], data[4096];
	size_t			 m;
	int			 n;

	while ((n = evbuffer_remove(br_peer_input(p), buf, sizeof buf)) > 0) {
		if (br_peer_gone(p))
			return;
		m = br_telnet_decode(&cl->tn, buf, (size_t)n, data,
		    con_telnet_cmd, cl);
		con_input(cl->c, cl, data, con_lf_to_cr(data, m));
	}
}

/* A new viewer: refused past CON_MAX_CLIENTS, else offered telnet's
 * character mode (unless --console-raw) and told what it watches. */
static void
con_accept_cb(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct br_console	*c = arg;
	struct con_client	*cl;
	char			 host[48], serv[8], hello[512], addr[64];
	struct br_peer_cfg	 pc = {
		.what = "console client", .name = addr,
		.out_max = BR_CONSOLE_QUEUE_MAX, .log_level = BR_LOG_DEBUG,
		.read = con_client_read_cb, .freed = con_client_freed,
	};
	uint8_t			 neg[9];
	int			 n;

	(void)lis;
	if (c->nclients >= CON_MAX_CLIENTS) {
		static const char full[] = "[kgdb-bridge] too many console "
		    "clients\r\n";

		if (write(fd, full, sizeof full - 1) == -1) {
			/* It is being refused anyway. */
		}
		evutil_closesocket(fd);
		return;
	}
	cl = xcalloc(1, sizeof *cl);
	cl->c = c;
	br_telnet_init(&cl->tn);
	cl->tn.strip_crnul = cl->tn.crlf_to_cr = true;
	if (sa->sa_family == AF_UNIX)
		snprintf(addr, sizeof addr, "unix socket");
	else if (getnameinfo(sa, (socklen_t)salen, host, sizeof host, serv,
	    sizeof serv, NI_NUMERICHOST|NI_NUMERICSERV) == 0)
		snprintf(addr, sizeof addr, "%s:%s", host, serv);
	else
		snprintf(addr, sizeof addr, "?");
	/* Viewers may watch in silence for ever: no idle timeout. */
	pc.arg = cl;
	cl->pr = br_peer_new(c->br->base, fd, &pc);
	TAILQ_INSERT_TAIL(&c->clients, cl, entry);
	c->nclients++;
	c->br->front.console_clients = c->nclients;

	if (!c->br->opts.console_raw) {
		br_telnet_cmd(neg, BR_TN_WILL, BR_TN_OPT_ECHO);
		br_telnet_cmd(neg + 3, BR_TN_WILL, BR_TN_OPT_SGA);
		br_telnet_cmd(neg + 6, BR_TN_DO, BR_TN_OPT_SGA);
		con_client_raw(cl, neg, sizeof neg);
	}
	n = snprintf(hello, sizeof hello, "[kgdb-bridge] console of %s "
	    "(link %s, target %s)\r\n", br_link_name(c->br->link),
	    br_link_up(c->br->link) ? "up" : "down", c->br->target != NULL ?
	    br_target_state_name(br_target_state(c->br->target)) : "?");
	if (n > 0 && (size_t)n < sizeof hello)
		con_client_raw(cl, hello, (size_t)n);
	log_info("console client %s connected (%zu now)", addr, c->nclients);
}

static void
con_setup_stdout(struct br_console *c)
{
	struct stat	st;
	int		flags;

	if (fstat(STDOUT_FILENO, &st) == -1)
		return;
	if (!isatty(STDOUT_FILENO) && !S_ISFIFO(st.st_mode) &&
	    !S_ISSOCK(st.st_mode)) {
		c->out_direct = true;
		return;
	}
	/* Non-blocking, so a stopped terminal cannot stall the loop. The
	 * flags are shared with the shell: put back at exit. */
	if ((flags = fcntl(STDOUT_FILENO, F_GETFL)) == -1)
		return;
	if (!(flags & O_NONBLOCK)) {
		if (con_saved_flags == -1)
			atexit(br_console_restore_stdout);
		con_saved_flags = flags;
		fcntl(STDOUT_FILENO, F_SETFL, flags | O_NONBLOCK);
	}
	c->out = bufferevent_socket_new(c->br->base, STDOUT_FILENO, 0);
	if (c->out == NULL)
		fatalx("console: out of memory");
	bufferevent_setcb(c->out, NULL, con_stdout_write_cb,
	    con_stdout_event_cb, c);
	bufferevent_enable(c->out, EV_WRITE);
}

static int
con_listen(struct br_console *c, char *err)
{
	struct bridge	*br = c->br;

	c->lis = br_peer_tcp_listen(br->base, br->opts.listen,
	    br->opts.console_port, "console", con_accept_cb, c, &c->port, err);
	if (c->lis == NULL)
		return (-1);
	br->front.console_port = c->port;
	c->guard = br_lguard_new(br->base, c->lis, "console port");
	return (0);
}

int
br_console_port(const struct br_console *c)
{
	return (c->port);
}

static int
con_listen_unix(struct br_console *c, char *err)
{
	int	fd;

	if ((fd = br_peer_unix_listen(c->br->opts.console_socket, "console",
	    err)) == -1)
		return (-1);
	c->ulis = evconnlistener_new(c->br->base, con_accept_cb, c,
	    LEV_OPT_CLOSE_ON_FREE|LEV_OPT_CLOSE_ON_EXEC, 0, fd);
	if (c->ulis == NULL) {
		br_seterr(err, "console socket: %s", strerror(errno));
		close(fd);
		unlink(c->br->opts.console_socket);
		return (-1);
	}
	c->uguard = br_lguard_new(c->br->base, c->ulis, "console socket");
	return (0);
}

struct br_console *
br_console_new(struct bridge *br, char *err)
{
	struct br_console	*c;

	c = xcalloc(1, sizeof *c);
	c->br = br;
	c->at_bol = true;
	c->ts_bol = true;
	TAILQ_INIT(&c->clients);
	if (br->opts.console_port != BR_PORT_OFF && con_listen(c, err) == -1) {
		br_console_free(c);
		return (NULL);
	}
	if (br->opts.console_socket != NULL && con_listen_unix(c, err) == -1) {
		br_console_free(c);
		return (NULL);
	}
	if (!br->opts.quiet)
		con_setup_stdout(c);
	return (c);
}

void
br_console_free(struct br_console *c)
{
	struct con_client	*cl;

	if (c == NULL)
		return;
	br_lguard_free(c->guard);
	if (c->lis != NULL)
		evconnlistener_free(c->lis);
	br_lguard_free(c->uguard);
	if (c->ulis != NULL) {
		evconnlistener_free(c->ulis);
		unlink(c->br->opts.console_socket);
	}
	while ((cl = TAILQ_FIRST(&c->clients)) != NULL) {
		TAILQ_REMOVE(&c->clients, cl, entry);
		br_peer_free(cl->pr);
		free(cl);
	}
	if (c->out != NULL)
		bufferevent_free(c->out);
	c->br->front.console_clients = 0;
	c->br->front.console_port = 0;
	br_console_restore_stdout();
	free(c);
}
