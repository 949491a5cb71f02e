/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/peer.c: what every accepted connection shares.
 *
 * The gdb port, the console port and the control socket each accept
 * connections from anyone who can reach them. What holds for all of them
 * lives here, so no front end can forget a rule or get one subtly wrong:
 *
 *  - listening: out of descriptors (EMFILE, ENFILE), a listener stops
 *    accepting for a while instead of spinning on accept() (libevent
 *    retries at once otherwise, which took a core and wrote a warning per
 *    try); it says so once, and starts again after a pause or as soon as
 *    a peer is freed; a TCP listener binds the port asked for, or any
 *    free one for port 0, and says which it got;
 *  - one lifecycle for a connection (struct br_peer, peer.h): its
 *    bufferevent, its name, the cap on its unread output (checked in
 *    br_peer_send only: past it the peer is closed and the log says how
 *    much it left unread), close, close after a flush with a deadline,
 *    the idle timeout of the kinds that have one, and the free, which
 *    always comes from the peer's reap event: a front end may close a
 *    peer from any callback, its own read callback included, and the
 *    memory stays valid until that callback has returned.
 *
 * The front ends keep their protocol state only and hear of the peer
 * through the callbacks they gave br_peer_new (read, drained, closed,
 * freed).
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "bridge/bridge.h"
#include "bridge/peer.h"

#define PEER_PAUSE_MS	500	/* no descriptors: try again after this */

struct br_lguard {
	LIST_ENTRY(br_lguard) entry;
	struct evconnlistener	*lis;
	struct event		*resume;
	char			 what[32];
	bool			 paused;
	uint64_t		 pauses;
};
static LIST_HEAD(, br_lguard) peer_guards = LIST_HEAD_INITIALIZER(peer_guards);

static void
peer_resume_cb(int fd, short what, void *arg)
{
	struct br_lguard	*lg = arg;

	(void)fd;
	(void)what;
	if (!lg->paused)
		return;
	lg->paused = false;
	evconnlistener_enable(lg->lis);
}

/* libevent hands the error callback the accept callback's argument, so
 * the guard is found by its listener. */
static void
peer_accept_error(struct evconnlistener *lis, void *arg)
{
	struct br_lguard	*lg;
	struct timeval		 tv = { 0, PEER_PAUSE_MS * 1000 };
	int			 e = errno;

	(void)arg;
	LIST_FOREACH(lg, &peer_guards, entry)
		if (lg->lis == lis)
			break;
	if (lg == NULL)
		return;
	if (e != EMFILE && e != ENFILE && e != ENOBUFS && e != ENOMEM) {
		/* ECONNABORTED and the like concern one peer only. */
		log_debug("%s: accept: %s", lg->what, strerror(e));
		return;
	}
	if (lg->pauses++ == 0)
		log_warn("%s: cannot accept a connection: %s; pausing new "
		    "connections until a descriptor is free (said once)",
		    lg->what, strerror(e));
	lg->paused = true;
	evconnlistener_disable(lg->lis);
	evtimer_add(lg->resume, &tv);
}

/* Guard lis (whose accept callback is already set); freed before it. */
struct br_lguard *
br_lguard_new(struct event_base *base, struct evconnlistener *lis,
    const char *what)
{
	struct br_lguard	*lg;

	lg = xcalloc(1, sizeof *lg);
	lg->lis = lis;
	snprintf(lg->what, sizeof lg->what, "%s", what);
	if ((lg->resume = evtimer_new(base, peer_resume_cb, lg)) == NULL)
		fatalx("evtimer_new");
	evconnlistener_set_error_cb(lis, peer_accept_error);
	LIST_INSERT_HEAD(&peer_guards, lg, entry);
	return (lg);
}

void
br_lguard_free(struct br_lguard *lg)
{
	if (lg == NULL)
		return;
	LIST_REMOVE(lg, entry);
	event_free(lg->resume);
	free(lg);
}

/* A descriptor was closed: paused listeners may accept again. */
void
br_peer_closed(void)
{
	struct br_lguard	*lg;

	LIST_FOREACH(lg, &peer_guards, entry)
		peer_resume_cb(-1, 0, lg);
}

/* ---- one accepted connection */

struct br_peer {
	struct bufferevent	*bev;
	struct event		*reap;		/* the free; the flush deadline */
	struct event		*idle;		/* NULL: no idle timeout */
	struct br_peer_cfg	 cb;		/* callbacks, cap (no strings) */
	const char		*what;
	char			 name[64];
	char			 idle_why[96];
	char			 flush_why[64];
	int			 flush_ms;
	bool			 spoke;
	bool			 flushing;	/* closes once the output is out */
	bool			 closed;	/* freed at the reap */
	uint64_t		 flush_until;	/* closed: output kept till then */
};

/* "gdb 127.0.0.1:4242", or the kind alone for a peer with no name. */
static void
peer_log(const struct br_peer *p, int level, const char *fmt, ...)
    printflike(3, 4);

static void
peer_log(const struct br_peer *p, int level, const char *fmt, ...)
{
	char	msg[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	br_log(level, "%s%s%s: %s", p->what, p->name[0] != '\0' ? " " : "",
	    p->name, msg);
}

/*
 * Close p now (once): no more reading, no more sends, the front end told
 * why. The output is dropped, unless a flush deadline is still running
 * (it was closing after a flush when something else closed it).
 */
static void
peer_shut(struct br_peer *p, int level, const char *why)
{
	if (p->closed)
		return;
	p->closed = true;
	p->flushing = false;
	if (p->idle != NULL)
		evtimer_del(p->idle);
	bufferevent_disable(p->bev, p->flush_until != 0 ? EV_READ :
	    EV_READ | EV_WRITE);
	peer_log(p, level, "closing (%s)", why);
	if (p->cb.closed != NULL)
		p->cb.closed(p, why, p->cb.arg);
}

/* Free p from its reap event: now, or when the kept output is out. */
static void
peer_reap_later(struct br_peer *p)
{
	uint64_t	now = br_now_ms();
	struct timeval	tv;

	if (p->flush_until != 0 && br_peer_unread(p) > 0 &&
	    now < p->flush_until) {
		tv.tv_sec = (time_t)((p->flush_until - now) / 1000);
		tv.tv_usec = (suseconds_t)((p->flush_until - now) % 1000 * 1000);
		evtimer_add(p->reap, &tv);
	} else
		event_active(p->reap, EV_TIMEOUT, 0);
}

static void
peer_close_now(struct br_peer *p, int level, const char *why)
{
	if (p->closed)
		return;
	peer_shut(p, level, why);
	peer_reap_later(p);
}

static void
peer_release(struct br_peer *p)
{
	bufferevent_free(p->bev);
	event_free(p->reap);
	if (p->idle != NULL)
		event_free(p->idle);
	free(p);
	br_peer_closed();
}

/* The reap: free a closed peer whose kept output is out or late; a peer
 * still flushing at its deadline is closed and freed. */
static void
peer_reap_cb(int fd, short what, void *arg)
{
	struct br_peer	*p = arg;
	char		 why[160];

	(void)fd;
	(void)what;
	if (!p->closed) {
		snprintf(why, sizeof why, "%s; %zu bytes of its last output "
		    "not taken in %d ms", p->flush_why, br_peer_unread(p),
		    p->flush_ms);
		p->flush_until = 0;
		peer_shut(p, BR_LOG_WARN, why);
	} else if (p->flush_until != 0 && br_peer_unread(p) > 0 &&
	    br_now_ms() < p->flush_until) {
		peer_reap_later(p);
		return;
	}
	if (p->cb.freed != NULL)
		p->cb.freed(p->cb.arg);
	peer_release(p);
}

static void
peer_read_cb(struct bufferevent *bev, void *arg)
{
	struct br_peer	*p = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);

	if (p->closed || p->flushing) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	p->cb.read(p, p->cb.arg);
}

/* All the output is written: a flushing peer closes, a closed one with
 * kept output is freed, an open one is told. */
static void
peer_write_cb(struct bufferevent *bev, void *arg)
{
	struct br_peer	*p = arg;

	(void)bev;
	if (br_peer_unread(p) > 0)
		return;
	if (p->closed)
		peer_reap_later(p);
	else if (p->flushing)
		peer_close_now(p, p->cb.log_level, p->flush_why);
	else if (p->cb.drained != NULL)
		p->cb.drained(p, p->cb.arg);
}

static void
peer_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct br_peer	*p = arg;

	(void)bev;
	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	p->flush_until = 0;	/* nobody left to read it */
	if (p->closed) {	/* its kept output: free it now */
		peer_reap_later(p);
		return;
	}
	peer_close_now(p, p->cb.log_level, what & BEV_EVENT_EOF ?
	    "disconnected" : "connection error");
}

static void
peer_idle_cb(int fd, short what, void *arg)
{
	struct br_peer	*p = arg;

	(void)fd;
	(void)what;
	if (!p->spoke && !p->closed)
		peer_close_now(p, p->cb.log_level, p->idle_why);
}

struct br_peer *
br_peer_new(struct event_base *base, int fd, const struct br_peer_cfg *cfg)
{
	struct br_peer	*p = xcalloc(1, sizeof *p);
	struct timeval	 tv;

	p->cb = *cfg;
	p->what = cfg->what;
	snprintf(p->name, sizeof p->name, "%s", cfg->name != NULL ?
	    cfg->name : "");
	snprintf(p->idle_why, sizeof p->idle_why, "%s", cfg->idle_why !=
	    NULL ? cfg->idle_why : "said nothing in time");
	p->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	p->reap = event_new(base, -1, 0, peer_reap_cb, p);
	if (p->bev == NULL || p->reap == NULL)
		fatalx("%s: out of memory", cfg->what);
	bufferevent_setcb(p->bev, peer_read_cb, peer_write_cb, peer_event_cb,
	    p);
	if (cfg->in_max > 0)
		bufferevent_setwatermark(p->bev, EV_READ, 0, cfg->in_max);
	bufferevent_enable(p->bev, EV_READ | EV_WRITE);
	if (cfg->idle_ms > 0) {
		if ((p->idle = evtimer_new(base, peer_idle_cb, p)) == NULL)
			fatalx("%s: out of memory", cfg->what);
		tv.tv_sec = cfg->idle_ms / 1000;
		tv.tv_usec = cfg->idle_ms % 1000 * 1000;
		evtimer_add(p->idle, &tv);
	}
	return (p);
}

void
br_peer_free(struct br_peer *p)
{
	if (p != NULL)
		peer_release(p);
}

/* Every byte for a peer goes through here: its cap is checked here only. */
int
br_peer_send(struct br_peer *p, const void *buf, size_t len)
{
	char	why[128];
	size_t	unread = br_peer_unread(p);

	if (p->closed)
		return (-1);
	if (unread + len > p->cb.out_max) {
		snprintf(why, sizeof why, "does not read what it is sent: "
		    "%zu bytes unread, %zu more would pass its cap of %zu",
		    unread, len, p->cb.out_max);
		p->flush_until = 0;
		peer_close_now(p, BR_LOG_WARN, why);
		return (-1);
	}
	if (evbuffer_add(bufferevent_get_output(p->bev), buf, len) != 0)
		fatalx("%s: out of memory", p->what);
	return (0);
}

size_t
br_peer_unread(const struct br_peer *p)
{
	return (evbuffer_get_length(bufferevent_get_output(p->bev)));
}

struct evbuffer *
br_peer_input(struct br_peer *p)
{
	return (bufferevent_get_input(p->bev));
}

void
br_peer_reading(struct br_peer *p, bool on)
{
	if (p->closed || p->flushing)
		return;
	if (on)
		bufferevent_enable(p->bev, EV_READ);
	else
		bufferevent_disable(p->bev, EV_READ);
}

void
br_peer_spoke(struct br_peer *p)
{
	p->spoke = true;
	if (p->idle != NULL)
		evtimer_del(p->idle);
}

bool
br_peer_has_spoken(const struct br_peer *p)
{
	return (p->spoke);
}

void
br_peer_close(struct br_peer *p, const char *why)
{
	peer_close_now(p, p->cb.log_level, why);
}

/* Read no more; closed once the output is out, and freed by the deadline
 * (ms from now) whether the peer took it or not. */
void
br_peer_close_after_flush(struct br_peer *p, const char *why, int ms)
{
	struct timeval	tv = { ms / 1000, ms % 1000 * 1000 };

	if (p->closed || p->flushing)
		return;
	p->flush_until = br_now_ms() + (uint64_t)ms;
	if (br_peer_unread(p) == 0) {
		br_peer_close(p, why);
		return;
	}
	p->flushing = true;
	p->flush_ms = ms;
	snprintf(p->flush_why, sizeof p->flush_why, "%s", why);
	bufferevent_disable(p->bev, EV_READ);
	evtimer_add(p->reap, &tv);
}

bool
br_peer_gone(const struct br_peer *p)
{
	return (p->closed);
}

const char *
br_peer_name(const struct br_peer *p)
{
	return (p->name);
}

/*
 * Whether the directory holding path is safe for a socket of ours:
 * owned by us or root, and not writable by others unless sticky (then
 * nobody else can remove or replace what we create there).
 */
static int
peer_dir_ok(const char *path, char *err)
{
	struct stat	 sb;
	char		*dir, *slash;
	int		 rc = 0;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, strlen(dir) + 1, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &sb) == -1) {
		br_seterr(err, "%s: %s", dir, strerror(errno));
		rc = -1;
	} else if (!S_ISDIR(sb.st_mode)) {
		br_seterr(err, "%s is not a directory", dir);
		rc = -1;
	} else if (sb.st_uid != geteuid() && sb.st_uid != 0) {
		br_seterr(err, "%s belongs to uid %u, not to us: another user "
		    "could replace the socket", dir, (unsigned)sb.st_uid);
		rc = -1;
	} else if ((sb.st_mode & (S_IWGRP | S_IWOTH)) &&
	    !(sb.st_mode & S_ISVTX)) {
		br_seterr(err, "%s is writable by others: another user could "
		    "replace the socket (use a private directory)", dir);
		rc = -1;
	}
	free(dir);
	return (rc);
}

int
br_peer_unix_connect(const char *path)
{
	struct sockaddr_un	sun;
	int			fd, e;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return (-1);
	}
	return (fd);
}

/* A private listening socket at path, replacing only a dead one. */
int
br_peer_unix_listen(const char *path, const char *what, char *err)
{
	struct sockaddr_un	 sun;
	struct stat		 sb;
	mode_t			 old;
	int			 fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		br_seterr(err, "%s socket path too long: %s", what, path);
		return (-1);
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (peer_dir_ok(path, err) != 0)
		return (-1);
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode)) {
			br_seterr(err, "%s exists and is not a socket: not "
			    "replacing it", path);
			return (-1);
		}
		if ((fd = br_peer_unix_connect(path)) != -1) {
			close(fd);
			br_seterr(err, "%s: another program serves it", path);
			return (-1);
		}
		if (unlink(path) == -1) {	/* a dead bridge's */
			br_seterr(err, "cannot remove the stale %s: %s", path,
			    strerror(errno));
			return (-1);
		}
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1) {
		br_seterr(err, "%s socket: %s", what, strerror(errno));
		return (-1);
	}
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		umask(old);
		br_seterr(err, "cannot bind the %s socket %s: %s", what, path,
		    strerror(errno));
		close(fd);
		return (-1);
	}
	umask(old);
	if (chmod(path, 0600) == -1 || listen(fd, 8) == -1) {
		br_seterr(err, "%s socket %s: %s", what, path,
		    strerror(errno));
		unlink(path);
		close(fd);
		return (-1);
	}
	return (fd);
}

/* A TCP listener on addr:port (0: any), and the port it got. */
struct evconnlistener *
br_peer_tcp_listen(struct event_base *base, const char *addr, int port,
    const char *what, void (*cb)(struct evconnlistener *, int,
    struct sockaddr *, int, void *), void *arg, int *bound, char *err)
{
	struct evconnlistener	*lis;
	struct addrinfo		 hints, *res;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof ss;
	char			 serv[16];
	int			 rc;

	*bound = 0;
	if (port < 0 || port > 65535) {
		br_seterr(err, "%s port %d: out of range", what, port);
		return (NULL);
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(serv, sizeof serv, "%d", port);
	if ((rc = getaddrinfo(addr, serv, &hints, &res)) != 0) {
		br_seterr(err, "bad --listen address %s for the %s port: %s",
		    addr, what, gai_strerror(rc));
		return (NULL);
	}
	lis = evconnlistener_new_bind(base, cb, arg, LEV_OPT_REUSEABLE |
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16, res->ai_addr,
	    (int)res->ai_addrlen);
	freeaddrinfo(res);
	if (lis == NULL) {
		br_seterr(err, "cannot listen on %s:%s for the %s: %s "
		    "(another kgdb-bridge? choose --%s-port, 0 for any)",
		    addr, serv, what, strerror(errno), what);
		return (NULL);
	}
	if (getsockname(evconnlistener_get_fd(lis), (struct sockaddr *)&ss,
	    &sslen) == 0) {
		if (ss.ss_family == AF_INET)
			*bound = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		else if (ss.ss_family == AF_INET6)
			*bound = ntohs(((struct sockaddr_in6 *)&ss)->
			    sin6_port);
	}
	return (lis);
}
