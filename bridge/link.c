/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/link.c: the target wire, whatever the transport.
 *
 * Picks a backend (transport.h) from the TARGET word, watches its fd in
 * the loop, queues output (capped), holds output while a BREAK is on, and
 * when the wire vanishes keeps everyone else connected: it says "link
 * down", retries the open on a backoff timer (by path, so by-id links and
 * re-created ptys are found again; or by USB identity; or by address) and
 * says "link up" when it is back.
 *
 * It calls nothing above it: what it reads, and its coming up and going
 * down, go to the struct br_link_cb it was made with (main.c hands the
 * target link's bytes to target.c, a second console's to the bus).
 *
 * Timers run only while something is pending: a connect, a BREAK, or a
 * reopen. An idle, healthy link has no timer.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "bridge/transport.h"

#define LINK_OUT_MAX		(256 * 1024)
#define LINK_READ_CHUNK		16384
#define LINK_BACKOFF_MIN_MS	100
#define LINK_BACKOFF_MAX_MS	2000
#define LINK_CONNECT_MS		5000

struct br_link {
	struct br_link_base	 base;		/* first: br_link_*() use it */
	struct bridge		*br;
	const struct br_opts	*o;
	struct br_link_cb	 cb;		/* who hears bytes, up, down */
	bool			 console2;	/* read-only, never kgdb */
	struct br_transport	 t;
	char			 name[200];

	bool			 open;		/* transport open */
	bool			 connecting;
	bool			 up;
	bool			 breaking;	/* BREAK on, output held */
	bool			 break_again;	/* another BREAK after this one */
	bool			 ever_up;
	bool			 resolved;	/* --resolve answered this try */
	bool			 lost_pending;
	char			 lost_why[BR_ERRLEN];
	unsigned		 backoff_ms;
	unsigned		 failures;
	char			 fail_why[BR_ERRLEN];	/* last said */

	struct event		*rev, *wev;
	struct event		*retry;		/* reopen / connect timeout */
	struct event		*brk;		/* end of a BREAK */
	struct event		*lost;		/* deferred loss */
	struct evbuffer		*out;

	/* --resolve: a command that says where the target is now. */
	pid_t			 rpid;		/* running, or 0 */
	int			 rfd;		/* its stdout */
	struct event		*rev_res;	/* its output, or its timeout */
	char			 rbuf[256];
	size_t			 rlen;
	struct br_opts		 ropts;		/* *o with its answer */
	char			 rhost[200], rport[16];
};

static int	link_op_write(struct br_link *, const void *, size_t, char *);
static int	link_op_send_break(struct br_link *, char *);
static void	link_try_open(struct br_link *, char *, bool);
static void	link_resolve_start(struct br_link *);
static void	link_arm_write(struct br_link *);

/* The link's side of struct br_link_ops (linkops.c dispatches; l is never
 * NULL here). */
static const char *
link_op_name(const struct br_link *l)
{
	return (l->name);
}

static bool
link_op_up(const struct br_link *l)
{
	return (l->up);
}

static int
link_op_caps(const struct br_link *l)
{
	return (l->t.caps);
}

static int
link_op_baud(const struct br_link *l)
{
	return (l->t.baud);
}

static size_t
link_op_pending(const struct br_link *l)
{
	return (l->out != NULL ? evbuffer_get_length(l->out) : 0);
}

static void
link_set_name(struct br_link *l)
{
	const struct br_opts	*o = l->o;

	switch (o->kind) {
	case BR_TK_TCP:
		snprintf(l->name, sizeof l->name, "tcp:%s:%s", o->path,
		    o->port);
		break;
	case BR_TK_TELNET:
		snprintf(l->name, sizeof l->name, "telnet:%s:%s", o->path,
		    o->port);
		break;
	case BR_TK_UNIX:
		snprintf(l->name, sizeof l->name, "unix:%s", o->path);
		break;
	case BR_TK_USB:
		snprintf(l->name, sizeof l->name, "usb:%04x:%04x%s%s",
		    o->usb_vid, o->usb_pid, o->usb_serial != NULL ? ":" : "",
		    o->usb_serial != NULL ? o->usb_serial : "");
		break;
	case BR_TK_DEVICE:
		snprintf(l->name, sizeof l->name, "%s", o->path);
		break;
	}
}

/* Choose the backend; for devices, follow symlinks (by-id) afresh on
 * every open, since a re-enumerated adapter may come back as ttyUSB1.
 * Whatever the path leads to must be a character device (a tty): a
 * regular file or a FIFO would take the keystrokes meant for a kernel. */
static int
link_choose(struct br_link *l, char *err)
{
	struct br_transport	*t = &l->t;
	char			 real[PATH_MAX];

	t->path[0] = '\0';
	switch (l->o->kind) {
	case BR_TK_TCP:
	case BR_TK_UNIX:
		t->ops = &br_transport_sock_ops;
		return (0);
	case BR_TK_TELNET:
		t->ops = &br_transport_telnet_ops;
		return (0);
	case BR_TK_USB:
		t->ops = &br_transport_serial_ops;
		return (0);
	case BR_TK_DEVICE:
		break;
	}
	if (realpath(l->o->path, real) == NULL) {
		t->errnum = errno;
		br_open_error(err, l->o->path, errno);
		return (-1);
	}
	snprintf(t->path, sizeof t->path, "%s", real);
	if (br_check_device(l->o->path, real, -1, err) == -1) {
		t->errnum = ENOTTY;
		return (-1);
	}
	t->ops = br_serial_supported(real) ? &br_transport_serial_ops :
	    &br_transport_fd_ops;
	return (0);
}

static void
link_describe(struct br_link *l, char *buf, size_t max)
{
	const struct br_opts	*o = l->o;
	size_t			 n;

	n = (size_t)snprintf(buf, max, "%s", l->name);
	if (l->t.path[0] != '\0' && strcmp(l->t.path, l->name) != 0 && n < max)
		n += (size_t)snprintf(buf + n, max - n, " (%s)", l->t.path);
	if (l->t.baud > 0 && n < max)
		n += (size_t)snprintf(buf + n, max - n, " %d %d%c%d%s%s",
		    l->t.baud, o->data_bits, o->parity - 'a' + 'A',
		    o->stop_bits, strcmp(o->flow, "none") != 0 ? " " : "",
		    strcmp(o->flow, "none") != 0 ? o->flow : "");
}

static void
link_went_up(struct br_link *l)
{
	struct bridge	*br = l->br;
	char		 desc[512], msg[600];

	l->up = true;
	l->connecting = false;
	l->backoff_ms = LINK_BACKOFF_MIN_MS;
	l->failures = 0;
	event_assign(l->rev, br->base, l->t.ops->fd(&l->t), EV_READ|EV_PERSIST,
	    event_get_callback(l->rev), l);
	event_add(l->rev, NULL);
	link_describe(l, desc, sizeof desc);
	snprintf(msg, sizeof msg, "%slink up: %s", l->console2 ? "console2 " :
	    "", desc);
	l->ever_up = true;
	if (l->console2)
		log_info("%s", msg);
	if (l->cb.up != NULL)
		l->cb.up(l->cb.arg, msg);
	if (!l->console2)
		link_arm_write(l);
}

static void
link_close(struct br_link *l)
{
	event_del(l->rev);
	event_del(l->wev);
	event_del(l->brk);
	if (l->open)
		l->t.ops->close(&l->t);
	l->open = l->up = l->connecting = l->breaking = false;
	l->break_again = false;
	evbuffer_drain(l->out, evbuffer_get_length(l->out));
}

static void
link_schedule_retry(struct br_link *l)
{
	struct timeval	tv;

	tv.tv_sec = l->backoff_ms / 1000;
	tv.tv_usec = (l->backoff_ms % 1000) * 1000;
	evtimer_add(l->retry, &tv);
	l->backoff_ms *= 2;
	if (l->backoff_ms > LINK_BACKOFF_MAX_MS)
		l->backoff_ms = LINK_BACKOFF_MAX_MS;
}

/* The wire is gone: tell everyone, keep every client, start reopening. */
static void
link_lose(struct br_link *l, const char *why)
{
	struct bridge	*br = l->br;
	char		 msg[BR_ERRLEN + 320];
	bool		 was_up = l->up;

	link_close(l);
	l->lost_pending = false;
	if (was_up) {
		snprintf(msg, sizeof msg, "%slink down: %s: %s; reconnecting",
		    l->console2 ? "console2 " : "", l->name, why);
		if (l->console2)
			log_warn("%s", msg);
		if (l->cb.down != NULL)
			l->cb.down(l->cb.arg, msg);
	}
	if (!br->quit)
		link_schedule_retry(l);
}

/* From inside a write (called by target.c), loss is handled on the next
 * loop pass, so no module is re-entered from its own call. */
static void
link_lose_later(struct br_link *l, const char *why)
{
	if (l->lost_pending)
		return;
	l->lost_pending = true;
	snprintf(l->lost_why, sizeof l->lost_why, "%s", why);
	event_del(l->rev);
	event_del(l->wev);
	event_active(l->lost, EV_TIMEOUT, 0);
}

static void
link_lost_cb(evutil_socket_t fd, short what, void *arg)
{
	struct br_link	*l = arg;

	(void)fd;
	(void)what;
	if (l->lost_pending)
		link_lose(l, l->lost_why);
}

static void
link_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct br_link	*l = arg;
	struct bridge	*br = l->br;
	char		 buf[LINK_READ_CHUNK], err[BR_ERRLEN];
	ssize_t		 n;

	(void)fd;
	(void)what;
	n = l->t.ops->read(&l->t, buf, sizeof buf, err);
	if (n == -1) {
		link_lose(l, err);
		return;
	}
	if (n > 0) {
		if (!l->console2)
			br->stats.rx_bytes += (uint64_t)n;
		if (l->cb.read != NULL)
			l->cb.read(l->cb.arg, buf, (size_t)n);
	}
	/* A telnet server's negotiation may have queued replies. */
	if (l->up && l->t.ops->drain != NULL)
		link_arm_write(l);
}

/* Write what we can; 1 if bytes remain, 0 if all out, -1 on loss. */
static int
link_flush(struct br_link *l, char *err)
{
	unsigned char	*p;
	ssize_t		 n;
	size_t		 len;
	int		 rc;

	if (l->t.ops->drain != NULL && (rc = l->t.ops->drain(&l->t, err)) != 0)
		return (rc);
	if (l->breaking)
		return (0);
	while ((len = evbuffer_get_length(l->out)) > 0) {
		if (len > 4096)
			len = 4096;
		p = evbuffer_pullup(l->out, (ssize_t)len);
		n = l->t.ops->write(&l->t, p, len, err);
		if (n == -1)
			return (-1);
		if (n == 0)
			return (1);
		l->br->stats.tx_bytes += l->console2 ? 0 : (uint64_t)n;
		evbuffer_drain(l->out, (size_t)n);
	}
	if (l->t.ops->drain != NULL)
		return (l->t.ops->drain(&l->t, err));
	return (0);
}

static void
link_arm_write(struct br_link *l)
{
	char	err[BR_ERRLEN];
	int	rc;

	if (!l->up || l->lost_pending)
		return;
	rc = link_flush(l, err);
	if (rc == -1)
		link_lose_later(l, err);
	else if (rc == 1)
		event_add(l->wev, NULL);
	else
		event_del(l->wev);
}

static void
link_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct br_link	*l = arg;
	char		 err[BR_ERRLEN];
	int		 soerr = 0;
	socklen_t	 sl = sizeof soerr;

	(void)fd;
	if (l->connecting) {
		if (what & EV_TIMEOUT) {
			link_close(l);
			snprintf(err, sizeof err, "connect to %s timed out",
			    l->name);
			link_try_open(l, err, true);
			return;
		}
		if (getsockopt(l->t.ops->fd(&l->t), SOL_SOCKET, SO_ERROR,
		    &soerr, &sl) == -1)
			soerr = errno;
		if (soerr != 0) {
			link_close(l);
			l->t.errnum = soerr;
			br_open_error(err, l->name, soerr);
			link_try_open(l, err, true);
			return;
		}
		event_del(l->wev);
		link_went_up(l);
		return;
	}
	link_arm_write(l);
}

/* Called with why set when an attempt just failed asynchronously. */
static void
link_try_open(struct br_link *l, char *why, bool failed)
{
	char		 err[BR_ERRLEN];
	struct timeval	 tv = { LINK_CONNECT_MS / 1000, 0 };
	int		 rc;

	if (!failed && l->o->resolve != NULL && l->rpid == 0 &&
	    !l->resolved) {
		link_resolve_start(l);
		return;
	}
	if (!failed) {
		l->resolved = false;	/* ask again before the next try */
		rc = link_choose(l, err);
		if (rc == 0)
			rc = l->t.ops->open(&l->t, err);
		if (rc >= 0) {
			l->open = true;
			if (rc == 1) {
				l->connecting = true;
				event_assign(l->wev, l->br->base,
				    l->t.ops->fd(&l->t), EV_WRITE,
				    event_get_callback(l->wev), l);
				event_add(l->wev, &tv);
				return;
			}
			event_assign(l->wev, l->br->base, l->t.ops->fd(&l->t),
			    EV_WRITE, event_get_callback(l->wev), l);
			link_went_up(l);
			return;
		}
		why = err;
	}
	/* Say why once, then stay quiet until it changes. */
	if (l->failures++ == 0 || strcmp(why, l->fail_why) != 0)
		log_info("%s%s unavailable: %s; retrying", l->console2 ?
		    "console2 " : "", l->name, why);
	else
		log_debug("reopen %s: %s", l->name, why);
	snprintf(l->fail_why, sizeof l->fail_why, "%s", why);
	if (!l->br->quit)
		link_schedule_retry(l);
}

/*
 * --resolve CMD: labgrid (and others) serve a re-plugged adapter on a new
 * port, so where the target is can change between connects. CMD runs
 * before every connect, off the loop's back (its output is read as it
 * comes, with a deadline); its first line, HOST:PORT, is where to go.
 */
#define LINK_RESOLVE_MS	10000
extern char **environ;

static void
link_resolve_end(struct br_link *l, const char *why)
{
	int	st;

	event_del(l->rev_res);
	if (l->rfd != -1)
		close(l->rfd);
	l->rfd = -1;
	if (l->rpid > 0) {
		if (waitpid(l->rpid, &st, WNOHANG) == 0) {
			kill(-l->rpid, SIGKILL);
			(void)waitpid(l->rpid, &st, 0);
		} else
			kill(-l->rpid, SIGKILL);	/* what it left */
		l->rpid = 0;
	}
	if (why != NULL) {
		l->resolved = false;
		link_try_open(l, (char *)why, true);
		return;
	}
	l->resolved = true;
	link_try_open(l, NULL, false);
}

/* The --resolve command's answer: HOST:PORT to connect to, or why not. */
static void
link_resolve_cb(evutil_socket_t fd, short what, void *arg)
{
	struct br_link	*l = arg;
	char		 why[BR_ERRLEN], *nl, *colon;
	ssize_t		 n;

	if (what & EV_TIMEOUT) {
		link_resolve_end(l, "--resolve command gave no answer in time");
		return;
	}
	n = read(fd, l->rbuf + l->rlen, sizeof l->rbuf - 1 - l->rlen);
	if (n > 0) {
		l->rlen += (size_t)n;
		if (l->rlen < sizeof l->rbuf - 1 &&
		    memchr(l->rbuf, '\n', l->rlen) == NULL)
			return;
	} else if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	l->rbuf[l->rlen] = '\0';
	if ((nl = strchr(l->rbuf, '\n')) != NULL)
		*nl = '\0';
	colon = strrchr(l->rbuf, ':');
	if (colon == NULL || colon == l->rbuf || colon[1] == '\0' ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    strlen(colon + 1) > 5 || (size_t)(colon - l->rbuf) >=
	    sizeof l->rhost) {
		snprintf(why, sizeof why, "--resolve said '%.60s', not "
		    "HOST:PORT", l->rbuf);
		link_resolve_end(l, why);
		return;
	}
	*colon = '\0';
	snprintf(l->rhost, sizeof l->rhost, "%.199s", l->rbuf[0] == '[' &&
	    colon[-1] == ']' ? l->rbuf + 1 : l->rbuf);
	if (l->rbuf[0] == '[' && colon[-1] == ']')
		l->rhost[strlen(l->rhost) - 1] = '\0';
	snprintf(l->rport, sizeof l->rport, "%s", colon + 1);
	l->ropts = *l->o;
	l->ropts.path = l->rhost;
	l->ropts.port = l->rport;
	l->t.o = &l->ropts;
	log_debug("--resolve: %s:%s", l->rhost, l->rport);
	link_resolve_end(l, NULL);
}

static void
link_resolve_start(struct br_link *l)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	struct timeval			 tv = { LINK_RESOLVE_MS / 1000, 0 };
	char				 sh[] = "/bin/sh", dashc[] = "-c";
	char				*argv[] = { sh, dashc, NULL, NULL };
	char				 why[BR_ERRLEN];
	int				 p[2], rc;

	if (pipe(p) == -1 || fcntl(p[0], F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(p[1], F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(p[0], F_SETFL, O_NONBLOCK) == -1) {
		snprintf(why, sizeof why, "--resolve: %s", strerror(errno));
		link_try_open(l, why, true);
		return;
	}
	argv[2] = l->o->resolve;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
	    O_RDONLY, 0);
	/* A group of its own, so a command that hangs goes whole. */
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	rc = posix_spawn(&l->rpid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		l->rpid = 0;
		snprintf(why, sizeof why, "--resolve: %s", strerror(rc));
		link_try_open(l, why, true);
		return;
	}
	l->rfd = p[0];
	l->rlen = 0;
	event_assign(l->rev_res, l->br->base, l->rfd, EV_READ | EV_PERSIST,
	    link_resolve_cb, l);
	event_add(l->rev_res, &tv);
}

static void
link_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct br_link	*l = arg;

	(void)fd;
	(void)what;
	if (!l->open)
		link_try_open(l, NULL, false);
}

static void
link_brk_cb(evutil_socket_t fd, short what, void *arg)
{
	struct br_link	*l = arg;
	char		 err[BR_ERRLEN];

	(void)fd;
	(void)what;
	if (!l->breaking)
		return;
	l->breaking = false;
	if (l->up && l->t.ops->send_break(&l->t, false, err) == -1)
		log_warn("%s", err);
	link_arm_write(l);
	if (l->break_again) {
		l->break_again = false;
		if (link_op_send_break(l, err) == -1)
			log_warn("%s", err);
	}
}

static const struct br_link_ops link_ops = {
	.write = link_op_write,
	.send_break = link_op_send_break,
	.up = link_op_up,
	.caps = link_op_caps,
	.baud = link_op_baud,
	.name = link_op_name,
	.pending = link_op_pending,
};

/* A link for o: its transport chosen, opened now or retried later. */
static struct br_link *
link_new(struct bridge *br, const struct br_opts *o,
    const struct br_link_cb *cb, bool console2, char *err)
{
	struct br_link	*l;
	int		 rc;

	l = xcalloc(1, sizeof *l);
	l->base.ops = &link_ops;
	l->br = br;
	l->o = o;
	l->cb = *cb;
	l->console2 = console2;
	l->t.o = o;
	l->backoff_ms = LINK_BACKOFF_MIN_MS;
	l->out = evbuffer_new();
	l->rev = event_new(br->base, -1, EV_READ|EV_PERSIST, link_read_cb, l);
	l->wev = event_new(br->base, -1, EV_WRITE, link_write_cb, l);
	l->retry = evtimer_new(br->base, link_retry_cb, l);
	l->brk = evtimer_new(br->base, link_brk_cb, l);
	l->lost = event_new(br->base, -1, 0, link_lost_cb, l);
	l->rev_res = event_new(br->base, -1, 0, link_resolve_cb, l);
	l->rfd = -1;
	if (l->out == NULL || l->rev == NULL || l->wev == NULL ||
	    l->retry == NULL || l->brk == NULL || l->lost == NULL ||
	    l->rev_res == NULL)
		fatalx("link: out of memory");
	link_set_name(l);
	if (o->resolve != NULL) {
		/* Where it is comes from the command, at every connect. */
		link_try_open(l, NULL, false);
		return (l);
	}

	/* The first open is synchronous, so a missing, busy or forbidden
	 * device is one clear line at startup (unless --wait). */
	rc = link_choose(l, err);
	if (rc == 0)
		rc = l->t.ops->open(&l->t, err);
	if (rc == -1) {
		if (!br->opts.wait || l->t.errnum == EBUSY ||
		    l->t.errnum == EACCES || l->t.errnum == EPERM ||
		    l->t.errnum == ENOTTY) {
			br_link_free(l);
			return (NULL);
		}
		log_info("%s (waiting for it)", err);
		snprintf(l->fail_why, sizeof l->fail_why, "%s", err);
		l->failures = 1;
		link_schedule_retry(l);
		return (l);
	}
	l->open = true;
	event_assign(l->wev, br->base, l->t.ops->fd(&l->t), EV_WRITE,
	    link_write_cb, l);
	if (rc == 1) {
		struct timeval tv = { LINK_CONNECT_MS / 1000, 0 };

		l->connecting = true;
		event_add(l->wev, &tv);
	} else
		link_went_up(l);
	return (l);
}

struct br_link *
br_link_new(struct bridge *br, const struct br_opts *o,
    const struct br_link_cb *cb, char *err)
{
	return (link_new(br, o, cb, false, err));
}

struct br_link *
br_link_new_console2(struct bridge *br, const struct br_opts *o,
    const struct br_link_cb *cb, char *err)
{
	return (link_new(br, o, cb, true, err));
}

static int
link_op_write(struct br_link *l, const void *buf, size_t len, char *err)
{
	if (!l->up || l->lost_pending) {
		br_seterr(err, "the target link is down");
		return (-1);
	}
	if (l->console2) {
		br_seterr(err, "the second console is read-only");
		return (-1);
	}
	if (evbuffer_get_length(l->out) + len > LINK_OUT_MAX) {
		br_seterr(err, "the target link is not taking data (%zu bytes "
		    "queued)", evbuffer_get_length(l->out));
		return (-1);
	}
	evbuffer_add(l->out, buf, len);
	link_arm_write(l);
	return (0);
}

static int
link_op_send_break(struct br_link *l, char *err)
{
	struct timeval	tv = { 0, BR_BREAK_MS * 1000 };
	int		rc;

	if (!l->up) {
		br_seterr(err, "the target link is down");
		return (-1);
	}
	/*
	 * A BREAK asked for while one is on (a --break-seq with a guard
	 * string, BREAK,wait:200,abc,BREAK,…, on a link whose BREAK lasts
	 * longer than the wait) follows it, after the bytes held behind it.
	 */
	if (l->breaking) {
		l->break_again = true;
		return (0);
	}
	/* Bytes queued before the BREAK go first. */
	if (link_flush(l, err) == -1)
		return (-1);
	rc = l->t.ops->send_break(&l->t, true, err);
	if (rc == -1)
		return (-1);
	if (rc == 1) {
		l->breaking = true;
		evtimer_add(l->brk, &tv);
	}
	link_arm_write(l);
	return (0);
}

/* Push what is queued (the D of a clean detach) before closing, for a
 * bounded time. */
static void
link_flush_sync(struct br_link *l)
{
	char		err[BR_ERRLEN];
	uint64_t	end = br_now_ms() + 500;

	if (l->breaking) {
		l->breaking = false;
		l->t.ops->send_break(&l->t, false, err);
	}
	while (l->up && br_now_ms() < end) {
		if (link_flush(l, err) != 1)
			break;
		usleep(10000);
	}
}

void
br_link_free(struct br_link *l)
{
	if (l == NULL)
		return;
	link_flush_sync(l);
	link_close(l);
	event_free(l->rev);
	event_free(l->wev);
	event_free(l->retry);
	event_free(l->brk);
	event_free(l->lost);
	if (l->rpid != 0 || l->rfd != -1) {
		l->resolved = true;	/* no retry from here */
		event_del(l->rev_res);
		if (l->rfd != -1)
			close(l->rfd);
		if (l->rpid > 0) {
			kill(-l->rpid, SIGKILL);
			(void)waitpid(l->rpid, NULL, 0);
		}
	}
	event_free(l->rev_res);
	evbuffer_free(l->out);
	free(l);
}
