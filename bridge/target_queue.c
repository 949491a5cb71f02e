/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/target_queue.c: the request queue (target engine).
 *
 * Requests are sent one at a time: "$…#xx", wait for '+', then for the
 * reply. Here they are queued, sent and resent, their acks and replies
 * taken (a read confirmed by a second copy on a noisy line, pieces
 * joined), and each finished with its client's callback; the state
 * changes a reply proves are made here too.
 */
#include <sys/queue.h>

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "bridge/prefetch.h"
#include "bridge/target_int.h"

static void	tgt_bad_reply(struct br_target *t, struct treq *r, size_t len);
static void	tgt_start_piece(struct br_target *t);
static void	tgt_reply_taken(struct br_target *t, struct treq *r,
		    const char *p, size_t len);
static void	tgt_say_unconfirmed(struct br_target *t, struct treq *r);
static bool	tgt_confirmed(struct br_target *t, struct treq *r, const char
	    *p, size_t len);

const char *
br_target_state_name(enum br_tstate s)
{
	switch (s) {
	case BR_TS_UNKNOWN:
		return ("unknown");
	case BR_TS_RUNNING:
		return ("running");
	case BR_TS_STOPPED_GDB:
		return ("stopped (gdb)");
	case BR_TS_KDB:
		return ("kdb");
	case BR_TS_PANIC:
		return ("running (panic seen)");
	}
	return ("?");
}

void
tgt_set_state(struct br_target *t, enum br_tstate s)
{
	struct br_event	ev;

	memset(&ev, 0, sizeof ev);
	if (s == BR_TS_RUNNING)
		t->crash_seen = false;
	if (t->state == s)
		return;
	log_debug("target: %s -> %s", br_target_state_name(t->state),
	    br_target_state_name(s));
	/* The old and new state go with it: the cache's sink drops what
	 * belonged to the old one (cache_fwd.c). */
	ev.note = BR_NOTE_STATE;
	ev.text = br_target_state_name(s);
	ev.from = t->state;
	ev.to = s;
	t->state = s;
	if (s != BR_TS_STOPPED_GDB)
		t->unsynced = false;	/* the stub left its loop */
	br_notify_event(t->br, &ev);
}

struct treq *
tgt_head(struct br_target *t)
{
	return (TAILQ_FIRST(&t->queue));
}

int
tgt_enqueue(struct br_target *t, struct treq *r, bool front)
{
	if (t->nqueue >= TGT_MAX_QUEUE) {
		treq_free(r);
		return (-1);
	}
	if (front)
		TAILQ_INSERT_HEAD(&t->queue, r, entry);
	else
		TAILQ_INSERT_TAIL(&t->queue, r, entry);
	t->nqueue++;
	tgt_kick(t);
	return (0);
}

int
br_target_request(struct br_target *t, const char *payload, size_t len,
    br_reply_cb *cb, void *arg)
{
	struct treq	*r;
	const char	*why = "bad request";

	if (!br_link_up(t->link)) {
		cb(arg, NULL, 0, "target link is down");
		return (-1);
	}
	if (t->state == BR_TS_RUNNING || t->state == BR_TS_PANIC) {
		cb(arg, NULL, 0, "target is running");
		return (-1);
	}
	if ((r = tgt_new_req(t, payload, len, cb, arg, &why)) == NULL) {
		cb(arg, NULL, 0, why);
		return (-1);
	}
	if (tgt_enqueue(t, r, false) != 0) {
		cb(arg, NULL, 0, "too many requests queued");
		return (-1);
	}
	return (0);
}

int
br_target_request_bg(struct br_target *t, const char *payload, size_t len,
    br_reply_cb *cb, void *arg)
{
	struct treq	*r;
	const char	*why = "bad request";

	if (!br_target_idle(t)) {
		cb(arg, NULL, 0, "the line is busy");
		return (-1);
	}
	if ((r = tgt_new_req(t, payload, len, cb, arg, &why)) == NULL) {
		cb(arg, NULL, 0, why);
		return (-1);
	}
	r->background = true;
	if (tgt_enqueue(t, r, false) != 0) {
		cb(arg, NULL, 0, "too many requests queued");
		return (-1);
	}
	return (0);
}

int
br_target_resume(struct br_target *t, const char *payload, size_t len)
{
	struct treq	*r;
	const char	*why = "bad request";

	if (!br_link_up(t->link))
		return (-1);
	if ((r = tgt_new_req(t, payload, len, NULL, NULL, &why)) == NULL)
		return (-1);
	r->kind = TREQ_RESUME;
	r->want_reply = (len == 1 && payload[0] == 'D');
	return (tgt_enqueue(t, r, false));
}

/* The piece's budget is spent: fail it and say what the line did. */
void
tgt_give_up(struct br_target *t, const char *what)
{
	struct treq	*r = tgt_head(t);
	char		 msg[256];

	t->br->stats.timeouts++;
	snprintf(msg, sizeof msg, "%s: gave up on '%.*s' after %" PRIu64
	    " ms, %d sends; the line carried %d corrupt frames and %zu "
	    "console bytes meanwhile", what, r != NULL ? (int)(r->piecelen >
	    16 ? 16 : r->piecelen) : 0, r != NULL ? r->piece : "",
	    br_now_ms() - t->sent_ms, t->sends, t->req_bad, t->req_console);
	br_notice(t->br, "%s", msg);
	tgt_finish(t, NULL, 0, msg);
}

/* Send (or resend) the head request's current piece. */
void
tgt_send_piece(struct br_target *t, bool resend)
{
	struct treq	*r = tgt_head(t);
	char		 frame[RSP_PKT_MAX + RSP_PKT_OVERHEAD + 8];
	char		 err[BR_ERRLEN];
	int		 flen;

	if (t->syncing)
		flen = rsp_pkt_encode(frame, sizeof frame, "qC", 2);
	else
		flen = rsp_pkt_encode(frame, sizeof frame, r->piece,
		    r->piecelen);
	if (flen < 0) {
		tgt_finish(t, NULL, 0, "cannot frame request");
		return;
	}
	if (resend) {
		t->br->stats.retransmits++;
		t->unsynced = true;	/* the stub may answer both copies */
	}
	else {
		t->br->stats.tx_packets++;
		t->deadline_ms = br_now_ms() + tgt_budget_ms(t, (size_t)flen);
		/*
		 * A copy asked for to confirm a read is no new request for
		 * gdb, which waits from the first send: the copies get what
		 * is left of its patience, then the one whole copy goes on.
		 */
		if (r->copies == 0)
			t->sent_ms = br_now_ms();
		else if (!r->background && t->deadline_ms > t->sent_ms +
		    TGT_GDB_PATIENCE_MS)
			t->deadline_ms = t->sent_ms + TGT_GDB_PATIENCE_MS;
		t->req_bad = 0;
		t->req_console = 0;
		t->garbled = false;
		t->req_garbled = 0;
		t->ack_timeouts = 0;
		t->full_waits = 0;
	}
	tgt_trace(t, '>', frame, (size_t)flen, resend ? "retransmit" : NULL);
	rsp_demux_expect_ack(t->dm, true);
	/* A qXfer reply is binary data (kgdb's XML has spaces, which text
	 * mode takes for console); anything else puts text mode back. */
	rsp_demux_set_binary(t->dm, r->piecelen > 6 &&
	    memcmp(r->piece, "qXfer:", 6) == 0);
	if (tgt_write(t, frame, (size_t)flen, err) != 0) {
		tgt_finish(t, NULL, 0, err);
		return;
	}
	t->tx = TX_WAIT_ACK;
	t->suspect = false;
	t->stale = false;
	t->sends++;
	t->rx_frame = t->syncing ? 0 : tgt_reply_chars(t, r);
	t->rx_expect = t->rx_frame > 0 ? 1 + t->rx_frame : 0;
	t->rx_count = 0;
	t->rx_text = 0;
	t->rtt_sample = !resend;
	t->sent_end_ms = t->quiet_ms;
	t->ack_wait_ms = tgt_ack_wait(t);
	tgt_tx_timer(t, t->ack_wait_ms + tgt_wire_ms(t, (size_t)flen));
}

/* Send the head request's next piece, behind a qC if replies to frames
 * sent before may still come (see unsynced in struct br_target). */
static void
tgt_start_piece(struct br_target *t)
{
	struct treq	*r = tgt_head(t);

	if (t->unsynced && t->state == BR_TS_STOPPED_GDB && r != NULL &&
	    !r->internal) {
		t->syncing = true;
		tgt_trace(t, '>', "", 0, "replies may be owed: qC first");
	}
	t->sends = 0;
	t->naks = 0;
	tgt_send_piece(t, false);
}

/*
 * A packet that is not the head request's reply although it came while
 * one was due: while syncing, anything before "QC" (the answer to a frame
 * sent earlier); otherwise a "QC" to anything but qC (a copy of the sync
 * reply). Acked already; dropped here, the waits go on.
 */
bool
tgt_stale_sync(struct br_target *t, const char *p, size_t len)
{
	struct treq	*r = tgt_head(t);
	bool		 qc = len >= 2 && p[0] == 'Q' && p[1] == 'C';

	if (r == NULL || t->tx == TX_IDLE)
		return (false);
	if (t->syncing ? qc : !qc || (r->piecelen == 2 &&
	    memcmp(r->piece, "qC", 2) == 0))
		return (false);
	tgt_trace(t, '<', "", 0, t->syncing ? "an old reply before the "
	    "sync: dropped" : "a copy of the sync reply: dropped");
	return (true);
}

/* Start the head request if nothing is in flight. */
void
tgt_kick(struct br_target *t)
{
	struct treq	*r;

	while (t->tx == TX_IDLE && !t->quitting && (r = tgt_head(t)) != NULL) {
		if (!br_link_up(t->link)) {
			t->draining = true;
			tgt_finish(t, NULL, 0, "target link is down");
			t->draining = false;
			continue;
		}
		/*
		 * A request to a kdb prompt: switch to gdb mode first. In
		 * state unknown (the link just came up) only the bridge's
		 * own probe goes on the wire: if a shell has the line, that
		 * one erased probe is all it sees, never a client's request.
		 */
		if (!r->internal && (t->state == BR_TS_KDB ||
		    t->state == BR_TS_UNKNOWN) && r->kind != TREQ_NOREPLY) {
			if (t->enter == EN_NONE)
				t->enter_gdb(t, NULL, NULL);
			return;
		}
		/* The probe found a running kernel: nothing to send to. */
		if (!r->internal && (t->state == BR_TS_RUNNING ||
		    t->state == BR_TS_PANIC) && r->kind != TREQ_RESUME &&
		    r->kind != TREQ_NOREPLY) {
			t->draining = true;
			tgt_finish(t, NULL, 0, "target is running");
			t->draining = false;
			continue;
		}
		if (t->enter != EN_NONE && !r->internal)
			return;
		tgt_start_piece(t);
	}
}

/* The head request is done (payload, or err). */
void
tgt_finish(struct br_target *t, const char *payload, size_t len,
    const char *err)
{
	struct treq	*r = tgt_head(t);

	evtimer_del(t->tx_ev);
	rsp_demux_expect_ack(t->dm, false);
	t->tx = TX_IDLE;
	t->syncing = false;
	if (r == NULL)
		return;
	TAILQ_REMOVE(&t->queue, r, entry);
	t->nqueue--;
	if (err != NULL)
		log_warn("target: request %.*s failed: %s",
		    (int)(r->piecelen > 32 ? 32 : r->piecelen), r->piece, err);
	if (r->cb != NULL)
		r->cb(r->arg, payload, len, err);
	/* After the reply is stored: the cache's sink drops it again. */
	if (r->doubtful)
		br_notify(t->br, BR_NOTE_DOUBT, "");
	treq_free(r);
	if (!t->draining)
		tgt_kick(t);
	if (t->quitting)
		tgt_quiet(t);
	else if (t->idle != NULL && br_target_idle(t))
		t->idle(t->idle_arg);
}

/*
 * The target answered a read with something that cannot be its reply
 * (it checksummed, so it was acked). Reads are harmless to repeat: ask
 * again within the send budget, then fail the request with the reason.
 */
static void
tgt_bad_reply(struct br_target *t, struct treq *r, size_t len)
{
	char	why[160];

	t->br->stats.bad_replies++;
	snprintf(why, sizeof why, "the target answered '%.*s' with %zu "
	    "characters that are not its reply", (int)(r->piecelen > 24 ? 24 :
	    r->piecelen), r->piece, len);
	tgt_trace(t, '<', "", 0, why);
	log_warn("target: %s", why);
	if (t->sends < TGT_MAX_SENDS) {
		t->tx = TX_IDLE;
		tgt_send_piece(t, true);
		return;
	}
	br_notice(t->br, "%s; gave up after %d tries",
	    why, t->sends);
	tgt_finish(t, NULL, 0, why);
}

/*
 * A read's reply on a noisy line counts once another copy agrees with it.
 * A frame with several flipped bits passes an 8-bit checksum now and then:
 * at a bit error rate of 1e-3 about one in four 'g' replies that pass is
 * wrong. Two identical wrong copies practically never happen. Returns
 * false when the piece was asked for again.
 */
static bool
tgt_confirmed(struct br_target *t, struct treq *r, const char *p,
    size_t len)
{
	int	i;

	for (i = 0; i < r->copies; i++) {
		if (r->candlen[i] == len && memcmp(r->cand[i], p, len) == 0) {
			tgt_drop_copies(r);
			return (true);
		}
	}
	if (r->copies > 0) {
		t->br->stats.verify_mismatches++;
		tgt_trace(t, '<', "", 0, "copies differ");
	}
	if (r->copies + 1 >= TGT_MAX_COPIES) {
		br_notice(t->br, "'%.*s': %d copies of the "
		    "reply and no two alike; passing the last one on "
		    "unconfirmed (memory that changes as it is read, or a very "
		    "noisy line)", (int)(r->piecelen > 24 ? 24 : r->piecelen),
		    r->piece, r->copies + 1);
		tgt_drop_copies(r);
		r->doubtful = true;
		return (true);
	}
	/* gdb would be gone before another copy could come: this one
	 * goes on as it is (tgt_take_unconfirmed says so). */
	if (!r->background && !tgt_gdb_still_waits(t, t->ack_wait_ms +
	    tgt_wire_ms(t, tgt_reply_chars(t, r)))) {
		tgt_say_unconfirmed(t, r);
		tgt_drop_copies(r);
		return (true);
	}
	r->cand[r->copies] = xmalloc(len + 1);
	memcpy(r->cand[r->copies], p, len);
	r->candlen[r->copies] = len;
	r->copies++;
	t->br->stats.verify_reads++;
	tgt_trace(t, '>', "", 0, "read again to confirm");
	t->tx = TX_IDLE;
	t->sends = 0;
	t->naks = 0;
	tgt_send_piece(t, false);
	return (false);
}

/* A reply arrived for the head request's current piece. */
void
tgt_reply(struct br_target *t, const char *p, size_t len)
{
	struct treq	*r = tgt_head(t);

	evtimer_del(t->tx_ev);
	rsp_demux_expect_ack(t->dm, false);
	t->suspect = false;
	if (len <= sizeof t->last_reply) {
		memcpy(t->last_reply, p, len);
		t->last_reply_len = len;
	}
	if (t->syncing) {
		/* The stub has answered every earlier frame. */
		t->tx = TX_IDLE;
		if (len < 2 || p[0] != 'Q' || p[1] != 'C') {
			tgt_send_piece(t, true);	/* still syncing */
			return;
		}
		t->syncing = false;
		t->unsynced = false;
		t->sends = 0;
		t->naks = 0;
		tgt_send_piece(t, false);
		return;
	}
	if ((r->asked > 0 && !tgt_read_reply_ok(r, p, len)) ||
	    !tgt_regs_reply_ok(r, p, len)) {
		tgt_bad_reply(t, r, len);
		return;
	}
	if (tgt_verifying(t, r) && !tgt_confirmed(t, r, p, len))
		return;
	tgt_drop_copies(r);
	tgt_reply_taken(t, r, p, len);
}

/* One whole copy of r's piece goes on with no second to confirm it. */
static void
tgt_say_unconfirmed(struct br_target *t, struct treq *r)
{
	br_notice(t->br, "'%.*s': no second copy of the reply agreed with the "
	    "first in time (a noisy line); passing that one on unconfirmed",
	    (int)(r->piecelen > 24 ? 24 : r->piecelen), r->piece);
	r->doubtful = true;
}

/*
 * The head request's wait ran out while a read was being confirmed: one
 * copy came whole (its checksum held) and no second agreed with it. That
 * copy is better than an error for gdb: it goes on unconfirmed, said so
 * on the console. Returns false if there is none.
 */
bool
tgt_take_unconfirmed(struct br_target *t)
{
	struct treq	*r = tgt_head(t);
	char		*p;
	size_t		 len;

	/* A read-ahead's read fails instead: nobody waits for it. */
	if (r == NULL || r->copies == 0 || t->syncing || r->background)
		return (false);
	len = r->candlen[r->copies - 1];
	p = r->cand[r->copies - 1];
	r->cand[r->copies - 1] = NULL;
	r->copies--;
	tgt_drop_copies(r);
	evtimer_del(t->tx_ev);
	/* The stub may still owe copies we NAKed: the next piece syncs. */
	t->unsynced = true;
	t->tx = TX_IDLE;
	t->br->stats.timeouts++;
	tgt_say_unconfirmed(t, r);
	tgt_reply_taken(t, r, p, len);
	free(p);
	return (true);
}

/* A reply taken (confirmed, or all there is) for r's current piece. */
static void
tgt_reply_taken(struct br_target *t, struct treq *r, const char *p,
    size_t len)
{
	int	eno;

	switch (r->kind) {
	case TREQ_READ:
		if (rsp_reply_errno(p, len, &eno) || len == 0) {
			if (r->done == 0) {
				tgt_finish(t, p, len, NULL);
				return;
			}
			/* A partial read: what we have is a valid reply. */
			tgt_finish(t, r->acc, r->acclen, NULL);
			return;
		}
		/* tgt_read_reply_ok: len is even and at most 2 * asked. */
		memcpy(r->acc + r->acclen, p, len);
		r->acclen += len;
		r->done += len / 2;
		if (r->done >= r->total || len < 2 * r->asked) {
			tgt_finish(t, r->acc, r->acclen, NULL);
			return;
		}
		break;
	case TREQ_WRITE:
		if (len != 2 || memcmp(p, "OK", 2) != 0) {
			tgt_finish(t, p, len, NULL);
			return;
		}
		r->done += (r->piecelen - (size_t)(strchr(r->piece, ':') -
		    r->piece) - 1) / 2;
		if (r->done >= r->total) {
			tgt_finish(t, "OK", 2, NULL);
			return;
		}
		break;
	case TREQ_RESUME:
		/* Only D has a reply; the kernel runs from here. */
		tgt_set_state(t, BR_TS_RUNNING);
		t->maybe_connected = false;
		tgt_finish(t, p, len, NULL);
		return;
	default:
		if (r->internal && len >= 2 && p[0] == 'Q' && p[1] == 'C')
			tgt_set_state(t, BR_TS_STOPPED_GDB);
		tgt_finish(t, p, len, NULL);
		return;
	}
	/* Next piece of a split request. */
	if (tgt_next_piece(t, r) != 0) {
		tgt_finish(t, NULL, 0, "cannot build the next piece");
		return;
	}
	t->tx = TX_IDLE;
	tgt_start_piece(t);
}

void
tgt_acked(struct br_target *t)
{
	struct treq	*r = tgt_head(t);

	if (t->tx != TX_WAIT_ACK || r == NULL)
		return;
	t->suspect = false;
	evtimer_del(t->tx_ev);
	tgt_rtt(t);
	tgt_noise(t, r->piecelen + RSP_PKT_OVERHEAD, false);
	/* While syncing, the '+' is the qC's: its reply is still due. */
	if ((r->kind == TREQ_RESUME || r->kind == TREQ_NOREPLY) &&
	    !r->want_reply && !t->syncing) {
		if (r->kind == TREQ_RESUME) {
			tgt_set_state(t, BR_TS_RUNNING);
			t->last_stop_len = 0;
			t->just_resumed = r->piece[0] != 'k';
			t->maybe_connected = r->piece[0] != 'k';
		} else {
			t->maybe_connected = false;
			t->last_stop_len = 0;
		}
		tgt_finish(t, "", 0, NULL);
		return;
	}
	t->tx = TX_WAIT_REPLY;
	tgt_tx_timer(t, t->reply_ms + tgt_wire_ms(t, t->br->arch->bufmax));
}

/*
 * kdb said it was entered but no prompt followed, and requests wait. Go
 * on as if the prompt had come: the switch to gdb mode erases whatever
 * is on kdb's line, and if it fails the requests fail with the reason.
 */
void
tgt_stall_cb(int fd, short what, void *arg)
{
	struct br_target	*t = arg;

	(void)fd;
	(void)what;
	if (tgt_head(t) == NULL || t->tx != TX_IDLE || t->enter != EN_NONE)
		return;
	log_info("target: kdb's banner came but no prompt; switching anyway");
	t->kdb_fresh = false;
	t->kdb_dirty = true;
	tgt_kick(t);
}

/* ---- link, state, lifetime */

void
br_target_set_controller(struct br_target *t, const struct br_target_ctl *c)
{
	if (c != NULL)
		t->ctl = *c;
	else
		memset(&t->ctl, 0, sizeof t->ctl);
}

void
br_target_hold_console(struct br_target *t, bool hold)
{
	t->hold_console = hold;
}

bool
br_target_switching(const struct br_target *t)
{
	return (t->enter != EN_NONE);
}

/* ---- shutting down */

/* Nothing on the wire any more, or no more waiting: tell br_quit. */
void
tgt_quiet(struct br_target *t)
{
	void	(*cb)(void *) = t->quiet_cb;

	if (cb == NULL || (t->tx != TX_IDLE && br_link_up(t->link) &&
	    evtimer_pending(t->quiet_ev, NULL)))
		return;
	t->quiet_cb = NULL;
	evtimer_del(t->quiet_ev);
	cb(t->quiet_arg);
}

static void
tgt_quiet_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct br_target	*t = arg;

	(void)fd;
	(void)what;
	log_info("target: no reply to the last request before shutting "
	    "down; detaching anyway");
	tgt_quiet(t);
}

/*
 * The bridge is shutting down: the request on the wire gets its reply (or
 * max_ms pass), nothing else is started, then done(arg). The D that
 * br_target_free sends must not reach kgdb while it waits for the ack of
 * a reply: it would take the '$' for a bad ack, send the reply again, and
 * the D would be lost, leaving the kernel stopped with nobody attached.
 * Returns false (done is not called) if nothing is on the wire.
 */
bool
br_target_quiesce(struct br_target *t, void (*done)(void *), void *arg,
    unsigned max_ms)
{
	struct timeval	tv = { max_ms / 1000, (max_ms % 1000) * 1000 };

	t->quitting = true;
	if (t->tx == TX_IDLE || !br_link_up(t->link))
		return (false);
	if (t->quiet_ev == NULL &&
	    (t->quiet_ev = evtimer_new(t->br->base, tgt_quiet_timeout, t)) ==
	    NULL)
		return (false);
	t->quiet_cb = done;
	t->quiet_arg = arg;
	evtimer_add(t->quiet_ev, &tv);
	return (true);
}

bool
br_target_idle(const struct br_target *t)
{
	return (t != NULL && t->state == BR_TS_STOPPED_GDB &&
	    t->tx == TX_IDLE && TAILQ_EMPTY(&t->queue) && !t->draining &&
	    t->enter == EN_NONE && !t->breaking && !t->confirming &&
	    br_link_up(t->link));
}

void
br_target_set_idle(struct br_target *t, void (*fn)(void *), void *arg)
{
	t->idle = fn;
	t->idle_arg = arg;
}

enum br_tstate
br_target_state(const struct br_target *t)
{
	return (t->state);
}

uint64_t
br_target_breaks(const struct br_target *t)
{
	return (t->breaks);
}

size_t
br_target_last_stop(const struct br_target *t, char *buf, size_t len)
{
	if (len == 0)
		return (0);
	snprintf(buf, len, "%.*s", (int)t->last_stop_len, t->last_stop);
	return (t->last_stop_len);
}

void
br_target_set_timeouts(struct br_target *t, unsigned ack_ms,
    unsigned reply_ms, unsigned break_ms)
{
	t->ack_ms = ack_ms;
	t->reply_ms = reply_ms;
	t->break_ms = break_ms;
}
