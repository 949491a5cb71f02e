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
 *  - a peer's unread output is capped: br_peer_write refuses bytes past
 *    the cap and the caller drops that peer, so a client that never
 *    reads costs a bounded amount of memory.
 */
#include <sys/queue.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

uint64_t
br_lguard_pauses(const struct br_lguard *lg)
{
	return (lg->pauses);
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
