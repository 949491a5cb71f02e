/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_peer.c: the one lifecycle every accepted connection has
 * (bridge/peer.c), on a real loop over socketpairs: the output cap closes
 * a peer, close after flush delivers every queued byte and then frees it,
 * a peer that never reads is freed at the flush deadline anyway, one
 * that hangs up while its last words go out is freed at once, closing
 * from inside the peer's own read callback is safe (ASan watches), the
 * idle timeout applies only to peers made with one, and freeing a peer
 * lets a listener paused for want of descriptors accept again.
 *
 * The listener guard's error callback and its enable/disable calls are
 * seen through --wrap (tests/unit/test_peer.mk), so no descriptor limit
 * has to be reached for real.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "bridge/bridge.h"
#include "bridge/peer.h"

#define BIG	(4 * 1024 * 1024)

/* What happened to one peer. */
struct rec {
	struct br_peer	*p;
	int		 closed;
	int		 freed;
	char		 why[256];
	size_t		 unread_at_close;
	/* test_close_in_read: what the read callback saw after closing */
	bool		 close_in_read;
	int		 reads;
	bool		 gone_after;
	int		 send_after;
	char		 name_after[64];
};

static struct event_base	*base;

static void
rec_read(struct br_peer *p, void *arg)
{
	struct rec	*r = arg;
	struct evbuffer	*in = br_peer_input(p);

	r->reads++;
	if (!r->close_in_read) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	br_peer_close(p, "closed from its own read callback");
	/* Still the peer's memory until the callback returns. */
	r->gone_after = br_peer_gone(p);
	r->send_after = br_peer_send(p, "x", 1);
	snprintf(r->name_after, sizeof r->name_after, "%s", br_peer_name(p));
	evbuffer_drain(in, evbuffer_get_length(in));
}

static void
rec_closed(struct br_peer *p, const char *why, void *arg)
{
	struct rec	*r = arg;

	r->closed++;
	r->unread_at_close = br_peer_unread(p);
	snprintf(r->why, sizeof r->why, "%s", why);
}

static void
rec_freed(void *arg)
{
	struct rec	*r = arg;

	r->freed++;
	r->p = NULL;
}

/* A peer on one end of a socketpair; *other is the test's end. */
static void
mkpeer(struct rec *r, int *other, size_t out_max, int idle_ms)
{
	struct br_peer_cfg	cfg = {
		.what = "test peer", .name = "sp", .out_max = out_max,
		.idle_ms = idle_ms, .idle_why = "idle: said nothing",
		.log_level = BR_LOG_DEBUG, .read = rec_read,
		.closed = rec_closed, .freed = rec_freed,
	};
	int			sv[2];

	memset(r, 0, sizeof *r);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
	cfg.arg = r;
	r->p = br_peer_new(base, sv[0], &cfg);
	assert_non_null(r->p);
	*other = sv[1];
}

static void
loop_once(void)
{
	event_base_loop(base, EVLOOP_NONBLOCK);
}

static void
give_up_cb(evutil_socket_t fd, short what, void *arg)
{
	bool	*late = arg;

	(void)fd;
	(void)what;
	*late = true;
	event_base_loopbreak(base);
}

/* Run the loop until *flag is set (or fail after a generous limit). */
static void
run_until(const int *flag)
{
	struct timeval	 tv = { 20, 0 };
	struct event	*ev;
	bool		 late = false;

	ev = evtimer_new(base, give_up_cb, &late);
	evtimer_add(ev, &tv);
	while (*flag == 0 && !late)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(ev);
	assert_false(late);
}

static int
setup(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);	/* as main.c: EPIPE, not a signal */
	br_log_init(-1, BR_LOG_DEBUG);
	base = event_base_new();
	return (base == NULL ? -1 : 0);
}

static int
teardown(void **state)
{
	(void)state;
	event_base_free(base);
	base = NULL;
	return (0);
}

/* Past its cap a send fails and closes the peer, which drops what it
 * had queued; freed later, from the loop. */
static void
test_over_cap(void **state)
{
	struct rec	r;
	char		buf[600], got[16];
	int		other;

	(void)state;
	memset(buf, 'a', sizeof buf);
	mkpeer(&r, &other, 1000, 0);
	assert_int_equal(br_peer_send(r.p, buf, sizeof buf), 0);
	assert_int_equal(br_peer_unread(r.p), 600);
	assert_int_equal(r.closed, 0);
	assert_int_equal(br_peer_send(r.p, buf, sizeof buf), -1);
	assert_int_equal(r.closed, 1);
	assert_non_null(strstr(r.why, "does not read"));
	assert_non_null(strstr(r.why, "cap of 1000"));
	assert_true(br_peer_gone(r.p));
	assert_int_equal(br_peer_send(r.p, "b", 1), -1);
	assert_int_equal(r.closed, 1);
	assert_int_equal(r.freed, 0);		/* never inside the send */
	run_until(&r.freed);
	assert_int_equal(r.freed, 1);
	/* Dropped, not delivered: the other end sees the end at once. */
	assert_int_equal(read(other, got, sizeof got), 0);
	close(other);
}

static void
drain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct evbuffer	*got = arg;
	char		 buf[65536];
	ssize_t		 n;

	(void)what;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		evbuffer_add(got, buf, (size_t)n);
	if (n == 0)
		evbuffer_add(got, "", 0);	/* seen below by eof */
}

/* Everything queued before close_after_flush arrives, then the end of
 * the stream, then the free; the peer reads nothing more meanwhile. */
static void
test_flush_delivers(void **state)
{
	struct rec	 r;
	struct evbuffer	*got = evbuffer_new();
	struct event	*rd;
	uint8_t		*want = malloc(BIG);
	size_t		 i;
	int		 other;
	char		 tail;

	(void)state;
	for (i = 0; i < BIG; i++)
		want[i] = (uint8_t)(i * 7 + i / 251);
	mkpeer(&r, &other, 2 * BIG, 0);
	for (i = 0; i < BIG; i += 65536)
		assert_int_equal(br_peer_send(r.p, want + i, 65536), 0);
	br_peer_close_after_flush(r.p, "said goodbye", 60000);
	assert_int_equal(r.closed, 0);		/* not while bytes wait */
	assert_false(br_peer_gone(r.p));
	/* Sent after this is not read. */
	assert_int_equal(write(other, "ignored", 7), 7);
	rd = event_new(base, other, EV_READ | EV_PERSIST, drain_cb, got);
	event_add(rd, NULL);
	run_until(&r.freed);
	assert_int_equal(r.closed, 1);
	assert_string_equal(r.why, "said goodbye");
	assert_int_equal(r.unread_at_close, 0);
	assert_int_equal(r.reads, 0);
	/* The rest, up to the end of the stream. */
	while (read(other, &tail, 1) == 1)
		evbuffer_add(got, &tail, 1);
	assert_int_equal(read(other, &tail, 1), 0);
	assert_int_equal(evbuffer_get_length(got), BIG);
	assert_memory_equal(evbuffer_pullup(got, -1), want, BIG);
	event_free(rd);
	evbuffer_free(got);
	free(want);
	close(other);
}

/* A peer that never reads does not keep its last words for ever. */
static void
test_flush_deadline(void **state)
{
	struct rec	 r;
	uint8_t		*junk = calloc(1, BIG);
	int		 other;

	(void)state;
	mkpeer(&r, &other, 2 * BIG, 0);
	assert_int_equal(br_peer_send(r.p, junk, BIG), 0);
	br_peer_close_after_flush(r.p, "said goodbye", 100);
	run_until(&r.freed);
	assert_int_equal(r.closed, 1);
	assert_int_equal(r.freed, 1);
	/* More than a socket buffer was still queued: it was not taken. */
	assert_true(r.unread_at_close > 0);
	assert_non_null(strstr(r.why, "said goodbye"));
	assert_non_null(strstr(r.why, "not taken in 100 ms"));
	free(junk);
	close(other);
}

/* Closed while its last words are still going out: they keep going
 * until the deadline, but a client that hangs up frees it at once. */
static void
test_flush_hangup(void **state)
{
	struct rec	 r;
	uint8_t		*junk = calloc(1, BIG);
	int		 other;

	(void)state;
	mkpeer(&r, &other, 2 * BIG, 0);
	assert_int_equal(br_peer_send(r.p, junk, BIG), 0);
	br_peer_close_after_flush(r.p, "said goodbye", 600000);
	br_peer_close(r.p, "replaced");
	assert_int_equal(r.closed, 1);
	assert_string_equal(r.why, "replaced");
	assert_true(br_peer_gone(r.p));
	loop_once();
	assert_int_equal(r.freed, 0);		/* its output still goes */
	close(other);
	run_until(&r.freed);			/* not the ten minutes */
	assert_int_equal(r.closed, 1);
	free(junk);
}

/* Closing inside the read callback: the callback goes on using the
 * peer (ASan would see a use after free), the free comes later. */
static void
test_close_in_read(void **state)
{
	struct rec	r;
	int		other;

	(void)state;
	mkpeer(&r, &other, 1000, 0);
	r.close_in_read = true;
	assert_int_equal(write(other, "hello", 5), 5);
	run_until(&r.closed);
	assert_int_equal(r.reads, 1);
	assert_true(r.gone_after);
	assert_int_equal(r.send_after, -1);
	assert_string_equal(r.name_after, "sp");
	assert_string_equal(r.why, "closed from its own read callback");
	run_until(&r.freed);
	assert_int_equal(r.closed, 1);
	assert_int_equal(r.freed, 1);
	close(other);
}

static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
	int	*done = arg;

	(void)fd;
	(void)what;
	*done = 1;
}

/* Only a peer made with an idle timeout is closed for saying nothing,
 * and not once it has spoken. */
static void
test_idle(void **state)
{
	struct rec	 quiet, never, spoke;
	struct timeval	 tv = { 0, 300 * 1000 };
	struct event	*ev;
	int		 o1, o2, o3, done = 0;

	(void)state;
	mkpeer(&quiet, &o1, 1000, 50);
	mkpeer(&never, &o2, 1000, 0);
	mkpeer(&spoke, &o3, 1000, 50);
	br_peer_spoke(spoke.p);
	assert_true(br_peer_has_spoken(spoke.p));
	assert_false(br_peer_has_spoken(quiet.p));
	run_until(&quiet.freed);
	assert_string_equal(quiet.why, "idle: said nothing");
	/* Well past the timeout, the other two are still there. */
	ev = evtimer_new(base, stop_cb, &done);
	evtimer_add(ev, &tv);
	run_until(&done);
	event_free(ev);
	assert_int_equal(never.closed, 0);
	assert_int_equal(spoke.closed, 0);
	assert_false(br_peer_gone(never.p));
	assert_false(br_peer_gone(spoke.p));
	br_peer_free(never.p);
	br_peer_free(spoke.p);
	assert_int_equal(never.freed, 0);	/* the owner's free: no calls */
	close(o1);
	close(o2);
	close(o3);
}

/* ---- the listener guard, seen through --wrap */

void	__real_evconnlistener_set_error_cb(struct evconnlistener *,
	    evconnlistener_errorcb);
void	__wrap_evconnlistener_set_error_cb(struct evconnlistener *,
	    evconnlistener_errorcb);
int	__real_evconnlistener_enable(struct evconnlistener *);
int	__wrap_evconnlistener_enable(struct evconnlistener *);

static evconnlistener_errorcb	guard_errcb;
static int			enables;

void
__wrap_evconnlistener_set_error_cb(struct evconnlistener *lis,
    evconnlistener_errorcb cb)
{
	guard_errcb = cb;
	__real_evconnlistener_set_error_cb(lis, cb);
}

int
__wrap_evconnlistener_enable(struct evconnlistener *lis)
{
	enables++;
	return (__real_evconnlistener_enable(lis));
}

static void
accept_cb(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	(void)lis;
	(void)sa;
	(void)salen;
	(void)arg;
	close(fd);
}

/* Out of descriptors the listener pauses; a peer's free resumes it at
 * once (br_peer_closed), without waiting for the pause to end. */
static void
test_guard_resume(void **state)
{
	struct sockaddr_in	 sin = { .sin_family = AF_INET };
	struct evconnlistener	*lis;
	struct br_lguard	*lg;
	struct rec		 r;
	int			 other;

	(void)state;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lis = evconnlistener_new_bind(base, accept_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 4,
	    (struct sockaddr *)&sin, sizeof sin);
	assert_non_null(lis);
	guard_errcb = NULL;
	lg = br_lguard_new(base, lis, "test port");
	assert_non_null(guard_errcb);
	mkpeer(&r, &other, 1000, 0);
	/* accept() said EMFILE: paused. */
	errno = EMFILE;
	guard_errcb(lis, NULL);
	enables = 0;
	br_peer_close(r.p, "done");
	assert_int_equal(enables, 0);		/* not before the free */
	loop_once();
	assert_int_equal(r.freed, 1);
	assert_int_equal(enables, 1);
	/* Resumed already: the pause's own timer has nothing left to do. */
	br_lguard_free(lg);
	evconnlistener_free(lis);
	close(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_over_cap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flush_delivers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flush_deadline, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flush_hangup, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_close_in_read, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_idle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guard_resume, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
