/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/peer.c: what every accepted connection shares.
 *
 * The gdb port, the console port and the control socket each accept
 * connections from anyone who can reach them. Two rules hold for all of
 * them and live here, so no front end can forget one:
 *
 *  - out of descriptors (EMFILE, ENFILE), a listener stops accepting for a
 *    while instead of spinning on accept() (libevent retries at once
 *    otherwise, which took a core and wrote a warning per try); it says
 *    so once, and starts again after a pause or when a peer goes away;
 *  - a TCP listener binds the port asked for, or any free one for port 0,
 *    and says which it got (ctl status reports it, so nobody has to
 *    guess a free port and race another program for it);
 *  - a peer's unread output is capped: br_peer_write refuses bytes past
 *    the cap and the caller drops that peer, so a client that never
 *    reads costs a bounded amount of memory.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>

#include <errno.h>
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

int
br_peer_write(struct bufferevent *bev, const void *buf, size_t len,
    size_t max)
{
	struct evbuffer	*ob = bufferevent_get_output(bev);

	if (evbuffer_get_length(ob) + len > max)
		return (-1);
	if (evbuffer_add(ob, buf, len) != 0)
		return (-1);
	return (0);
}

size_t
br_peer_unread(struct bufferevent *bev)
{
	return (evbuffer_get_length(bufferevent_get_output(bev)));
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
