/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/target.c: the serial side of the protocol.
 *
 * Every byte the link reads comes here and goes through one rsp_demux
 * (text mode, markers on). Console text goes on the event bus; valid
 * packets are acked at once whoever wants them (kgdb retransmits an
 * unacked packet forever and kgdbcon O packets stall the running kernel's
 * printk); markers move the target state.
 *
 * Requests are sent one at a time: "$…#xx", wait for '+', then for the
 * reply. A '-' or an ack timeout resends, a bounded number of times, but
 * never while the stub may be sending (a '$' during kgdb's ack wait makes it
 * NAK and drop its own packet, docs/kgdb-wire.md §1.3). A reply timeout
 * sends one '-' (which makes a stub in its ack wait retransmit), then fails
 * the request so gdb sees an error and not a dead connection.
 *
 * Reads larger than the stub's buffer allows are split (and at page
 * boundaries, since a kgdb read is all-or-nothing) and joined; writes are
 * split into M packets that fit BUFMAX.
 *
 * The engine is five files, each calling only the ones after it
 * (target_int.h): target_kdb.c (break-in, kdb, lifetime), this one (the
 * bytes from the target: demux callbacks, the ack and reply timeouts),
 * target_queue.c (the request queue), target_req.c (requests, writes),
 * target_verify.c (the line's noise, reply checks); and target.c, the
 * --break-seq parser.
 */
#include <sys/queue.h>

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "bridge/target_int.h"

static void	tgt_kdb_polluted(struct br_target *t);
static bool	tgt_in_typed(const struct br_target *t, const uint8_t *raw,
	    size_t len);
static bool	tgt_frame_is_text(const struct br_target *t, const struct
	    rsp_event *ev);
static bool	tgt_is_stop(const char *p, size_t len);
static void	tgt_packet(struct br_target *t, const struct rsp_event *ev);
static void	tgt_output(struct br_target *t, const struct rsp_event *ev);
static void	tgt_badpkt(struct br_target *t, const struct rsp_event *ev);
static void	tgt_console(struct br_target *t, const uint8_t *buf, size_t
	    len);
static void	tgt_mark(struct br_target *t, const struct rsp_event *ev);
static void	tgt_notify_stop(struct br_target *t, const char *text, const
	    char *stop, size_t len);
static void	tgt_stop_seen(struct br_target *t, const char *how);

/* ---- the demux tick: only armed while the demux holds bytes */


void
tgt_arm_tick(struct br_target *t)
{
	uint64_t	dl = rsp_demux_deadline(t->dm), now;

	if (dl == UINT64_MAX) {
		evtimer_del(t->tick_ev);
		return;
	}
	now = br_now_ms();
	tgt_timer(t->tick_ev, dl > now ? (unsigned)(dl - now) : 0);
}

void
tgt_tick_cb(int fd, short what, void *arg)
{
	struct br_target	*t = arg;

	(void)fd;
	(void)what;
	rsp_demux_tick(t->dm, br_now_ms(), tgt_demux_cb, t);
	tgt_arm_tick(t);
}

/*
 * kdb has our bytes on its command line: a request sent before the kernel
 * stopped (they wait in the UART until kdb reads them), or one that kdb
 * echoed. Nothing reached the stub, so the send is simply forgotten; the
 * line is then of unknown content, and the switch to gdb mode erases it
 * whole before typing "kgdb".
 */
static void
tgt_kdb_polluted(struct br_target *t)
{
	struct treq	*r = tgt_head(t);

	evtimer_del(t->tx_ev);
	rsp_demux_expect_ack(t->dm, false);
	t->tx = TX_IDLE;
	t->kdb_fresh = false;
	t->kdb_dirty = true;
	/* Copies of a read from before kdb's turn count for nothing: the
	 * piece starts over, with gdb's clock (sent_ms) too. */
	if (r != NULL)
		tgt_drop_copies(r);
	if (r != NULL && r->internal && t->enter == EN_PROBE) {
		/* The mode probe itself: the switch below makes a new one. */
		TAILQ_REMOVE(&t->queue, r, entry);
		t->nqueue--;
		treq_free(r);
		t->enter = EN_NONE;
	}
}


/* A wait ran out: NAK a garbled reply, resend, wait on or give up. */
void
tgt_tx_timeout(int fd, short what, void *arg)
{
	struct br_target	*t = arg;
	uint64_t		 now = br_now_ms();

	(void)fd;
	(void)what;
	if (now >= t->deadline_ms) {
		/* The stub may still send what it owes (a reply we NAKed, a
		 * slow one): the next piece syncs first. */
		if (t->tx != TX_IDLE)
			t->unsynced = true;
		if (!tgt_take_unconfirmed(t))
			tgt_give_up(t, "no reply from the target in time");
		return;
	}
	/*
	 * The reply came garbled (text, or a frame whose '#' was hit and
	 * that waits for bytes that will not come) and the line is quiet:
	 * a stub sends its frame in one go, so it is over. NAK now.
	 */
	if (t->tx != TX_IDLE && t->state == BR_TS_STOPPED_GDB &&
	    (t->garbled || rsp_demux_holding(t->dm)) &&
	    now - t->last_rx_ms >= tgt_quiet_ms(t)) {
		bool		early = tgt_reply_over(t);
		size_t		seen = t->rx_count;
		unsigned	naks = t->our_naks;

		if (rsp_demux_holding(t->dm)) {
			/* The held frame may turn out corrupt and be NAKed
			 * right here: then that '-' is the one. */
			rsp_demux_flush(t->dm, tgt_demux_cb, t);
			tgt_arm_tick(t);
			if (t->tx == TX_IDLE || t->our_naks != naks)
				return;
		}
		t->garbled = false;
		if (++t->req_garbled > TGT_MAX_GARBLED) {
			tgt_ack(t);
			tgt_give_up(t, "every reply arrives garbled");
			return;
		}
		if (early)
			t->br->stats.early_naks++;
		tgt_noise(t, seen, true);
		tgt_nak(t, "garbled reply");
		tgt_tx_timer(t, t->reply_ms + tgt_wire_ms(t,
		    t->br->arch->bufmax));
		return;
	}
	/* Bytes are still coming: the stub may be mid-packet. Wait, but
	 * never past the deadline. */
	if (rsp_demux_holding(t->dm) || now - t->last_rx_ms <
	    tgt_quiet_ms(t)) {
		tgt_tx_timer(t, (unsigned)(t->deadline_ms - now <
		    tgt_quiet_ms(t) ? t->deadline_ms - now : tgt_quiet_ms(t)));
		return;
	}
	/*
	 * A read-ahead's request is not worth a wait of anyone's: no '-',
	 * no resend. Whatever the stub still owes is dropped by the qC
	 * sync the next piece starts with.
	 */
	if (t->tx != TX_IDLE && !t->suspect && tgt_head(t) != NULL &&
	    tgt_head(t)->background) {
		t->unsynced = true;
		t->br->stats.timeouts++;
		tgt_finish(t, NULL, 0, "no reply to a read-ahead: given up");
		return;
	}
	if (t->tx == TX_WAIT_ACK && t->suspect && t->stale &&
	    t->sends < TGT_MAX_NAKED_SENDS) {
		/* The stub never read the request (see struct br_target). */
		tgt_trace(t, '<', "", 0, "copies of the old reply: resend");
		tgt_send_piece(t, true);
		return;
	}
	if (t->tx == TX_WAIT_ACK && t->suspect && !t->stale) {
		/* No '-' came: the copy was this request's reply. */
		char	copy[RSP_PKT_MAX];
		size_t	n = t->last_reply_len;

		memcpy(copy, t->last_reply, n);
		tgt_reply(t, copy, n);
		return;
	}
	if (t->tx == TX_WAIT_ACK) {
		t->ack_timeouts++;
		if (t->ack_wait_ms >= t->ack_ms)
			t->full_waits++;
		if (t->full_waits < TGT_MAX_SENDS &&
		    t->sends < TGT_MAX_NAKED_SENDS) {
			log_info("target: no ack, resending");
			tgt_send_piece(t, true);
			return;
		}
		if (tgt_take_unconfirmed(t))
			return;
		t->br->stats.timeouts++;
		br_notice(t->br, "the target does not ack "
		    "packets (is it stopped in the debugger, and is kgdboc "
		    "on this port?)");
		tgt_finish(t, NULL, 0, "no ack from the target");
		return;
	}
	if (t->tx == TX_WAIT_REPLY) {
		/* Once the piece was sent again, no '-' that would end after
		 * gdb stopped waiting (TGT_GDB_PATIENCE_MS). */
		if (t->naks < TGT_MAX_NAKS && (t->sends <= 1 ||
		    tgt_gdb_still_waits(t, t->reply_ms / 2 + 1))) {
			/*
			 * A stub waiting for its ack resends on '-'. A frame
			 * whose '$' or '#' was garbled never shows up as one,
			 * so ask again a bounded number of times (gdb itself
			 * waits 3 x remotetimeout before giving up).
			 */
			/*
			 * Nothing came after the ack, not even garbled text
			 * (that is the branch above): the stub is late, a busy
			 * host, and the line said nothing about its noise.
			 */
			t->naks++;
			tgt_nak(t, "reply timeout");
			/* A stub that was only slow resends its reply when it
			 * reads this '-' in its ack wait: one copy too many. */
			t->unsynced = true;
			tgt_tx_timer(t, t->reply_ms / 2 + 1);
			return;
		}
		/*
		 * No '-' brought the reply back: kgdb took a '$' in its ack
		 * wait for the end of it (it NAKs that frame and forgets its
		 * reply), or never read the request whole. A read (or a
		 * query answered the same each time) is safe to ask again:
		 * the qC sync drops whatever the stub still owes.
		 */
		if (tgt_resendable(tgt_head(t)) && t->sends < TGT_MAX_SENDS &&
		    tgt_gdb_still_waits(t, t->ack_ms + t->reply_ms)) {
			log_info("target: no reply after NAKs, asking again");
			t->naks = 0;
			tgt_send_piece(t, true);
			return;
		}
		if (tgt_take_unconfirmed(t))
			return;
		t->br->stats.timeouts++;
		tgt_finish(t, NULL, 0, "timed out waiting for the target's "
		    "reply");
	}
}

/* ---- packets from the target */

/* Remember keyboard bytes going to the target, to know their echo. */
void
tgt_typed(struct br_target *t, const void *buf, size_t len)
{
	if (len >= TGT_TYPED_MAX) {
		memcpy(t->typed, (const char *)buf + len - TGT_TYPED_MAX,
		    TGT_TYPED_MAX);
		t->typedlen = TGT_TYPED_MAX;
	} else {
		if (t->typedlen + len > TGT_TYPED_MAX) {
			memmove(t->typed, t->typed + (t->typedlen + len -
			    TGT_TYPED_MAX), TGT_TYPED_MAX - len);
			t->typedlen = TGT_TYPED_MAX - len;
		}
		memcpy(t->typed + t->typedlen, buf, len);
		t->typedlen += len;
	}
	t->typed_ms = br_now_ms();
}

static bool
tgt_in_typed(const struct br_target *t, const uint8_t *raw, size_t len)
{
	size_t	i;

	if (len == 0 || len > t->typedlen ||
	    br_now_ms() - t->typed_ms > TGT_TYPED_MS)
		return (false);
	for (i = 0; i + len <= t->typedlen; i++)
		if (memcmp(t->typed + i, raw, len) == 0)
			return (true);
	return (false);
}

/*
 * Whether a frame from the wire is console text after all: the echo of
 * what someone typed (a "$S05#b8" typed into a shell must not become a
 * stop), or a frame while no stub can be talking: the kernel runs, gdb
 * never resumed it (kgdb_connected is clear, so its stub sends nothing
 * unasked), and no break-in or request is under way.
 */
static bool
tgt_frame_is_text(const struct br_target *t, const struct rsp_event *ev)
{
	if (tgt_in_typed(t, ev->raw, ev->rawlen))
		return (true);
	return ((t->state == BR_TS_RUNNING || t->state == BR_TS_PANIC) &&
	    !t->maybe_connected && !t->breaking && !t->confirming &&
	    t->tx == TX_IDLE && t->enter == EN_NONE);
}

/*
 * Keep a stop reply as the last stop. One too long for last_stop keeps
 * its signal and the whole "n:r;" pairs that fit, a shorter reply of its
 * own kind: never the previous stop's text, which would tell status, the
 * stop event and gdb another signal and thread.
 */
static void
tgt_keep_stop(struct br_target *t, const char *p, size_t len)
{
	size_t	n = len;

	if (n >= sizeof t->last_stop) {
		n = sizeof t->last_stop - 1;
		while (n > 3 && p[n - 1] != ';')
			n--;
		log_debug("target: stop reply of %zu bytes kept as %.*s", len,
		    (int)n, p);
	}
	memcpy(t->last_stop, p, n);
	t->last_stop_len = n;
}

static bool
tgt_is_stop(const char *p, size_t len)
{
	if (len < 3)
		return (false);
	if ((p[0] == 'T' || p[0] == 'S') && isxdigit((unsigned char)p[1]) &&
	    isxdigit((unsigned char)p[2]))
		return (true);
	if ((p[0] == 'W' || p[0] == 'X') && isxdigit((unsigned char)p[1]))
		return (true);
	return (false);
}

/* A valid frame: console text, the head request's reply, a stop, noise. */
static void
tgt_packet(struct br_target *t, const struct rsp_event *ev)
{
	const char	*p = (const char *)ev->data;
	size_t		 len = ev->len;

	/*
	 * kdb's "kgdb" command prints "use $D#44+ or $3#33": valid frames
	 * that no stub ever sends. They are console text, as are frames
	 * no stub can have sent.
	 */
	if ((len == 1 && (p[0] == 'D' || p[0] == '3')) ||
	    tgt_frame_is_text(t, ev)) {
		br_notify_console(t->br, BR_SRC_TARGET, ev->raw,
		    ev->rawlen);
		return;
	}
	/*
	 * Our own request coming back is a tty echoing it: the kernel runs
	 * and a shell has the line. Never ack that; erase what we typed.
	 */
	if (t->tx != TX_IDLE && tgt_head(t) != NULL &&
	    len == tgt_head(t)->piecelen &&
	    memcmp(p, tgt_head(t)->piece, len) == 0) {
		char	del[RSP_PKT_MAX + RSP_PKT_OVERHEAD];
		size_t	n = ev->rawlen < sizeof del ? ev->rawlen : sizeof del;

		br_notify_console(t->br, BR_SRC_TARGET, ev->raw,
		    ev->rawlen);
		if (t->state == BR_TS_KDB &&
		    t->kdb_echoes++ < TGT_KDB_RETRIES) {
			/* kdb, not a shell: hand over with a clean line. */
			log_info("target: kdb echoed a request; erasing its "
			    "line and switching with \"kgdb\"");
			tgt_kdb_polluted(t);
			t->enter_gdb(t, NULL, NULL);
			return;
		}
		memset(del, 0x7f, n);
		(void)tgt_write(t, del, n, NULL);
		if (t->state == BR_TS_KDB) {
			tgt_finish(t, NULL, 0, "kdb echoes requests and will "
			    "not switch to gdb mode (type \"kgdb\" at the kdb "
			    "prompt)");
			return;
		}
		tgt_set_state(t, BR_TS_RUNNING);
		tgt_finish(t, NULL, 0, "the target's tty echoed the request: "
		    "the kernel is running, not in the debugger");
		return;
	}
	/*
	 * At a kdb prompt the stub is not reading packets, so a frame there
	 * is kdb echoing one we sent earlier: console text, and no '+' to
	 * put on kdb's line. Only the reply to the mode probe is real.
	 */
	if (t->state == BR_TS_KDB &&
	    !(t->enter == EN_PROBE && t->tx != TX_IDLE)) {
		br_notify_console(t->br, BR_SRC_TARGET, ev->raw,
		    ev->rawlen);
		return;
	}
	t->br->stats.rx_packets++;
	tgt_trace(t, '<', ev->raw, ev->rawlen, NULL);
	tgt_ack(t);
	if (t->tx != TX_IDLE)
		tgt_noise(t, ev->rawlen, false);
	t->maybe_connected = true;
	t->bad_run = 0;

	if (tgt_stale_sync(t, p, len))
		return;
	if (t->tx == TX_WAIT_ACK && tgt_head(t) != NULL &&
	    tgt_head(t)->want_reply && t->sends > 0 &&
	    len == t->last_reply_len && memcmp(p, t->last_reply, len) == 0) {
		/*
		 * Maybe the previous reply again (see struct br_target). A
		 * further copy before any ack is never the reply: kgdb is
		 * still in its old ack wait, resending for every byte of
		 * our request that it read as a bad ack.
		 */
		if (t->suspect)
			t->stale = true;
		t->suspect = true;
		rsp_demux_expect_ack(t->dm, true);
		return;
	}
	if (t->tx != TX_IDLE && tgt_head(t) != NULL &&
	    (tgt_head(t)->want_reply || t->syncing)) {
		/* The reply (its ack may have been lost on the way). */
		tgt_reply(t, p, len);
		return;
	}
	if (tgt_is_stop(p, len)) {
		char	 buf[sizeof t->last_stop];

		if (p[0] == 'W' || p[0] == 'X') {
			t->last_stop_len = 0;
			t->maybe_connected = false;
			tgt_set_state(t, BR_TS_UNKNOWN);
			snprintf(buf, sizeof buf, "%.*s", (int)len, p);
			tgt_notify_stop(t, buf, p, len);
			if (t->ctl.stopped != NULL)
				t->ctl.stopped(t->ctl.arg, p, len);
			return;
		}
		tgt_keep_stop(t, p, len);
		tgt_set_state(t, BR_TS_STOPPED_GDB);
		/* A new stop (a new generation, even in the same state): the
		 * STOP event carries its packet (tgt_stop_seen). */
		tgt_stop_seen(t, NULL);
		return;
	}
	if (t->just_resumed && len == 3 && p[0] == 'E') {
		/* The stub refused to resume (e.g. "Can't switch threads"). */
		t->just_resumed = false;
		tgt_set_state(t, BR_TS_STOPPED_GDB);
		if (t->ctl.stopped != NULL)
			t->ctl.stopped(t->ctl.arg, p, len);
		return;
	}
	log_debug("target: unsolicited packet %.*s", (int)(len > 40 ? 40 :
	    len), p);
}

static void
tgt_output(struct br_target *t, const struct rsp_event *ev)
{
	/* "OK" looks like an empty O packet to a careless parser. */
	if (ev->rawlen == 7 && memcmp(ev->raw, "$OK#9a", 6) == 0) {
		struct rsp_event	pk = *ev;

		pk.type = RSP_EV_PACKET;
		pk.data = (const uint8_t *)"OK";
		pk.len = 2;
		tgt_packet(t, &pk);
		return;
	}
	if (tgt_frame_is_text(t, ev)) {
		br_notify_console(t->br, BR_SRC_TARGET, ev->raw,
		    ev->rawlen);
		return;
	}
	t->br->stats.rx_packets++;
	tgt_trace(t, '<', ev->raw, ev->rawlen, "output");
	tgt_ack(t);
	t->maybe_connected = true;
	br_notify_console(t->br, BR_SRC_TARGET, ev->data, ev->len);
	if (t->ctl.output != NULL)
		t->ctl.output(t->ctl.arg, ev->data, ev->len);
	/* An O packet while waiting for a reply (qRcmd) is progress: it
	 * restarts the wait and moves the deadline. */
	if (t->tx == TX_WAIT_REPLY) {
		t->deadline_ms = br_now_ms() + t->reply_ms +
		    tgt_wire_ms(t, t->br->arch->bufmax);
		tgt_tx_timer(t, t->reply_ms +
		    tgt_wire_ms(t, t->br->arch->bufmax));
		t->req_bad = 0;
	}
}

/* A bad checksum: console text, a reply to NAK, or a frame to drop. */
static void
tgt_badpkt(struct br_target *t, const struct rsp_event *ev)
{
	bool	 nak = false;

	if (tgt_in_typed(t, ev->raw, ev->rawlen)) {
		br_notify_console(t->br, BR_SRC_TARGET, ev->raw,
		    ev->rawlen);
		return;
	}
	t->br->stats.cksum_errors++;
	tgt_trace(t, '<', ev->raw, ev->rawlen, rsp_strerror(ev->err));
	if (t->tx == TX_WAIT_REPLY || t->tx == TX_WAIT_ACK ||
	    t->state == BR_TS_STOPPED_GDB)
		nak = true;
	else if (t->maybe_connected && ev->rawlen > 1 &&
	    strchr("TSWO", ev->raw[1]) != NULL)
		nak = true;	/* a stub's packet: it waits for our answer */
	if (nak && (t->tx != TX_IDLE ? ++t->req_bad > TGT_MAX_GARBLED :
	    ++t->bad_run > TGT_MAX_BAD)) {
		/*
		 * The stub resends whatever we NAK, and this line garbles
		 * every copy. Take it with '+' so the stub is free to read
		 * again, and stop waiting for it.
		 */
		tgt_ack(t);
		if (t->tx != TX_IDLE) {
			tgt_give_up(t, "every reply arrives corrupt");
			return;
		}
		if (t->bad_run == TGT_MAX_BAD + 1)
			br_notice(t->br, "the target's "
			    "packets keep arriving corrupt (%d in a row): "
			    "noise on the line, or a wrong baud rate?",
			    t->bad_run);
		t->bad_run = 0;
		return;
	}
	if (nak) {
		if (t->tx != TX_IDLE)
			tgt_noise(t, ev->rawlen, true);
		tgt_nak(t, "nak");
		return;
	}
	/* Not ours to answer: it was console text after all. */
	br_notify_console(t->br, BR_SRC_TARGET, ev->raw, ev->rawlen);
}

/* Console text: watch for kdb's reply to the "kgdb" command. */
static void
tgt_console(struct br_target *t, const uint8_t *buf, size_t len)
{
	static const char	 pat[] = "attach debugger";
	size_t			 i;

	t->just_resumed = false;
	if (t->tx != TX_IDLE) {
		t->req_console += len;
		t->rx_text += len;
	}
	/*
	 * A kernel stopped in kgdb prints nothing but O packets: text while
	 * its reply is due is that reply with its '$' hit. Ask again as soon
	 * as the line is quiet, not after a whole reply timeout.
	 */
	if (t->tx != TX_IDLE && t->state == BR_TS_STOPPED_GDB &&
	    !t->garbled && (t->tx == TX_WAIT_REPLY || t->rx_text > 2)) {
		/*
		 * Once: tgt_tx_timeout then waits for quiet, within the
		 * deadline, however long the text goes on. Before the ack,
		 * text is the reply after a garbled '+' (more than the one
		 * byte a garbled '+' or '-' makes). Text only: a read from
		 * the link can hold a stray byte and a whole good frame.
		 */
		t->garbled = true;
		tgt_tx_timer(t, tgt_quiet_ms(t) + 1);
	}
	br_notify_console(t->br, BR_SRC_TARGET, buf, len);
	if (t->enter != EN_KGDB)
		return;
	for (i = 0; i < len; i++) {
		if (buf[i] == (uint8_t)pat[t->attach_match]) {
			if (++t->attach_match == sizeof pat - 1) {
				t->attach_seen = true;
				t->attach_match = 0;
				tgt_timer(t->enter_ev, TGT_QUIET_MS);
			}
		} else
			t->attach_match = buf[i] == (uint8_t)pat[0];
	}
}

/* A kdb/kgdb marker: the state it proves, and what waited for it. */
static void
tgt_mark(struct br_target *t, const struct rsp_event *ev)
{
	switch (ev->mark) {
	case RSP_MARK_KDB_ENTER:
		t->kdb_from_gdb = t->state == BR_TS_STOPPED_GDB;
		t->kdb_fresh = true;
		t->kdb_linelen = 0;
		t->kdb_echoes = 0;
		t->kdb_dirty = false;
		t->kdb_seen = true;
		/* A request sent before the stop is now on kdb's line. */
		if (t->tx != TX_IDLE)
			tgt_kdb_polluted(t);
		/* Requests now wait for kdb's prompt; if none comes (a cut
		 * banner, noise), they must not wait for ever. */
		if (tgt_head(t) != NULL)
			tgt_timer(t->stall_ev, TGT_PROMPT_MS);
		t->at_pager = false;
		t->maybe_connected = false;
		t->last_stop_len = 0;
		tgt_set_state(t, BR_TS_KDB);
		tgt_stop_seen(t, "kdb");
		break;
	case RSP_MARK_KDB_PROMPT:
		t->kdb_from_gdb = false;
		t->at_pager = false;
		t->kdb_linelen = 0;
		t->kdb_seen = true;
		if (t->state != BR_TS_KDB) {
			tgt_set_state(t, BR_TS_KDB);
			t->maybe_connected = false;
			t->last_stop_len = 0;
		}
		tgt_stop_seen(t, "kdb");
		if (t->enter == EN_PAGER) {
			tgt_timer(t->enter_ev, 20);
			break;
		}
		if (t->held_len > 0 && t->tx == TX_IDLE) {
			size_t	n = t->held_len;

			t->held_len = 0;
			(void)t->keys(t, t->held_keys, n, NULL);
			break;
		}
		/* A gdb request in flight went to kdb's prompt, not the stub. */
		if (t->tx != TX_IDLE && tgt_head(t) != NULL &&
		    !tgt_head(t)->internal)
			tgt_kdb_polluted(t);
		tgt_kick(t);
		break;
	case RSP_MARK_KDB_PAGER:
		t->kdb_from_gdb = false;
		t->at_pager = true;
		break;
	case RSP_MARK_KGDB_WAIT:
		/* The stub waits silently for gdb, kgdb_connected clear. */
		t->maybe_connected = false;
		t->last_stop_len = 0;
		tgt_set_state(t, BR_TS_STOPPED_GDB);
		tgt_stop_seen(t, "kgdb");
		break;
	case RSP_MARK_PANIC:
	case RSP_MARK_OOPS:
		if (ev->mark == RSP_MARK_OOPS && t->kdb_from_gdb &&
		    !t->crash_seen) {
			/*
			 * kdb_stub() calls any stop that is neither its own
			 * breakpoint nor a keyboard entry an oops: here one
			 * of gdb's (a breakpoint, a step), which kdb now
			 * shows with "Oops:" in its banner and then wants
			 * "go" twice. Nothing crashed; a real oops has
			 * printed its own line before kdb's.
			 */
			t->kdb_from_gdb = false;
			br_notice(t->br, "kdb reports gdb's stop as an oops: "
			    "nothing crashed; kdb wants \"go\" twice to "
			    "resume");
			break;
		}
		t->crash_seen = true;
		if (t->state == BR_TS_RUNNING || t->state == BR_TS_UNKNOWN)
			tgt_set_state(t, BR_TS_PANIC);
		br_notify(t->br, BR_NOTE_PANIC, ev->mark == RSP_MARK_PANIC ?
		    "kernel panic" : "oops");
		break;
	}
}

void
tgt_demux_cb(void *arg, const struct rsp_event *ev)
{
	struct br_target	*t = arg;

	switch (ev->type) {
	case RSP_EV_CONSOLE:
		tgt_console(t, ev->data, ev->len);
		break;
	case RSP_EV_PACKET:
		tgt_packet(t, ev);
		break;
	case RSP_EV_OUTPUT:
		tgt_output(t, ev);
		break;
	case RSP_EV_BADPKT:
		tgt_badpkt(t, ev);
		break;
	case RSP_EV_ACK:
		tgt_acked(t);
		break;
	case RSP_EV_NAK:
		t->suspect = false;
		if (t->tx == TX_WAIT_ACK) {
			evtimer_del(t->tx_ev);
			/* After a resend the '-' may be kgdb refusing our
			 * second copy in its own ack wait, no noise. */
			if (t->sends == 1 && !t->unsynced)
				tgt_noise(t, tgt_head(t)->piecelen +
				    RSP_PKT_OVERHEAD, true);
			if (t->sends < TGT_MAX_NAKED_SENDS)
				tgt_send_piece(t, true);
			else
				tgt_finish(t, NULL, 0, "the target NAKs "
				    "every retransmit (line noise?)");
		}
		break;
	case RSP_EV_MARK:
		tgt_mark(t, ev);
		break;
	}
}

void
br_target_input(struct br_target *t, const void *buf, size_t len)
{
	t->last_rx_ms = br_now_ms();
	t->rx_count += len;
	rsp_demux_feed(t->dm, buf, len, t->last_rx_ms, tgt_demux_cb, t);
	tgt_arm_tick(t);
	/* A garbled reply is over as soon as all its bytes are here. */
	if (tgt_reply_over(t))
		tgt_tx_timer(t, TGT_GAP_MS);
}

/* ---- stops, break-in */

/* BR_NOTE_STOP with its stop packet (text: the packet as a string). */
static void
tgt_notify_stop(struct br_target *t, const char *text, const char *stop,
    size_t len)
{
	struct br_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.note = BR_NOTE_STOP;
	ev.text = text;
	ev.stop = stop;
	ev.stoplen = len;
	br_notify_event(t->br, &ev);
}

/* The target stopped: a stop packet (how == NULL), kdb or kgdb's banner. */
static void
tgt_stop_seen(struct br_target *t, const char *how)
{
	if (t->confirming || t->breaking) {
		t->confirming = false;
		t->breaking = false;
		evtimer_del(t->brk_ev);
		log_info("target: break-in confirmed (%s)",
		    how ? how : "stop packet");
	}
	if (how == NULL) {
		char	buf[sizeof t->last_stop];

		snprintf(buf, sizeof buf, "%.*s", (int)t->last_stop_len,
		    t->last_stop);
		tgt_notify_stop(t, buf, t->last_stop, t->last_stop_len);
		if (t->ctl.stopped != NULL)
			t->ctl.stopped(t->ctl.arg, t->last_stop,
			    t->last_stop_len);
		return;
	}
	br_notify(t->br, BR_NOTE_STOP, how);
	/* Whether to switch to gdb mode now is the client's call. */
	if (t->ctl.entered != NULL)
		t->ctl.entered(t->ctl.arg, how);
}
