/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/peer.h: one accepted connection (a gdb, a console viewer, a
 * control client), as peer.c runs it for every front end. The front end
 * keeps only its protocol state and gives callbacks; the peer owns the
 * socket and its lifetime:
 *
 *  - output: br_peer_send queues bytes unless the unread output would pass
 *    the peer's cap; past it the peer is closed (logged with the count),
 *    so a client that never reads costs a bounded amount of memory;
 *  - close (br_peer_close): at once, the unread output dropped;
 *  - close after flush (br_peer_close_after_flush): read no more, close
 *    once the output is out, or at a deadline if the client does not take
 *    it;
 *  - deferred free: a peer is freed from its own reap event, never inside
 *    one of its callbacks, so a front end may close it anywhere (inside
 *    its read callback too) and use it until that callback returns;
 *  - an idle timeout for the kinds that want one (gdb's --idle-timeout):
 *    closed unless it says something valid (br_peer_spoke) in time.
 *
 * The callbacks: read (input waits in br_peer_input), drained (all output
 * was written), closed (once, when the peer closes for any reason, with
 * why; nothing is freed yet) and freed (from the reap event: free the
 * front end's state; the peer is freed right after it returns, and may
 * still be asked its name). All but read may be NULL.
 */
#ifndef BRIDGE_PEER_H
#define BRIDGE_PEER_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct evbuffer;
struct br_peer;

struct br_peer_cfg {
	const char	*what;		/* "gdb", "console client", … */
	const char	*name;		/* its address, for messages */
	size_t		 out_max;	/* unread output past this: closed */
	size_t		 in_max;	/* unread input kept (0: libevent's) */
	int		 idle_ms;	/* no br_peer_spoke by then: closed
					 * (0: never) */
	const char	*idle_why;	/* … saying this */
	int		 log_level;	/* of ordinary closes (BR_LOG_*) */
	void		(*read)(struct br_peer *, void *);
	void		(*drained)(struct br_peer *, void *);
	void		(*closed)(struct br_peer *, const char *, void *);
	void		(*freed)(void *);
	void		*arg;
};

/* A peer on the connected socket fd (closed with it), reading. */
struct br_peer	*br_peer_new(struct event_base *base, int fd,
		    const struct br_peer_cfg *cfg);
/* Free at once, no callbacks: the owner's teardown. */
void		 br_peer_free(struct br_peer *p);
/* Queue bytes: -1 if the peer is closed, or closes it now for passing
 * its cap. */
int		 br_peer_send(struct br_peer *p, const void *buf, size_t len);
size_t		 br_peer_unread(const struct br_peer *p);
struct evbuffer	*br_peer_input(struct br_peer *p);
/* Stop or start reading (back-pressure; a command waiting). */
void		 br_peer_reading(struct br_peer *p, bool on);
/* It said something valid: the idle timeout no longer applies. */
void		 br_peer_spoke(struct br_peer *p);
bool		 br_peer_has_spoken(const struct br_peer *p);
void		 br_peer_close(struct br_peer *p, const char *why);
void		 br_peer_close_after_flush(struct br_peer *p, const char *why,
		    int ms);
/* Closed (the closed callback ran; freed at the reap): sends fail. A
 * peer closing after a flush is not gone until its output is out. */
bool		 br_peer_gone(const struct br_peer *p);
const char	*br_peer_name(const struct br_peer *p);
/* A peer's descriptor was closed: paused listeners try again now. */
void		 br_peer_closed(void);

#endif
