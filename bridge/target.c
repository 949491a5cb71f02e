/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/target.c: the serial side of the protocol.
 *
 * Every byte link.c reads comes here and goes through one rsp_demux (text
 * mode, markers on). Console text goes to console.c; valid packets are acked
 * at once whoever wants them (kgdb retransmits an unacked packet forever and
 * kgdbcon O packets stall the running kernel's printk); markers move the
 * target state.
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
 */
#include <sys/queue.h>

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "bridge/bridge.h"

#define TGT_ACK_MS	400	/* ack wait, plus the time to send */
/*
 * A request whose '$' was hit is never answered at all: the stub skips to
 * the next '$'. On a line that corrupts frames, once acks have been timed
 * (and only then: a resend the stub did not need makes it answer twice,
 * and RSP cannot tell the copies apart), the first wait is the smoothed
 * round trip plus four deviations (as TCP sizes its retransmit timer), at
 * least TGT_ACK_MIN_MS, and each further one for the same piece doubles up
 * to the configured ack wait. A piece gives up after TGT_MAX_SENDS waits
 * of the full length, as it did before waits were timed: a host too busy
 * to answer in time only costs resends.
 */
#define TGT_ACK_MIN_MS	100
#define TGT_ACK_SLACK_MS 10
#define TGT_REPLY_MS	1200	/* reply wait, plus the time to receive */
#define TGT_BREAK_MS	5000	/* confirm a break-in within this */
#define TGT_MAX_SENDS	4	/* first send plus retransmits */
/*
 * On a noisy line most losses are cheap to repair: the stub NAKs a request
 * it got corrupt, and a reply that came garbled is asked for again within
 * TGT_QUIET_MS. Those retries are bounded by the piece's deadline and by
 * these counts, which are far above what noise needs (at a bit error rate
 * of 1e-3 a 316-byte 'g' reply comes through about 1 time in 12).
 */
#define TGT_MAX_NAKED_SENDS	32	/* resends the stub asked for */
#define TGT_MAX_GARBLED		64	/* replies asked for again */
#define TGT_MAX_NAKS	3	/* '-' sent for one missing reply */
#define TGT_QUIET_MS	50	/* line quiet this long before a resend */
/*
 * A reply of known length (an 'm' piece, 'g') is over once that many
 * bytes came: if none of it made a packet, a '-' goes out after this
 * short gap instead of TGT_QUIET_MS.
 */
#define TGT_GAP_MS	3
/*
 * Noise. Every frame on the line (ours acked or NAKed, the stub's good or
 * corrupt) updates a decaying count, a window of about TGT_NOISE_WINDOW
 * frames. While it holds a corrupt frame, reads are confirmed by a second
 * identical copy (an 8-bit checksum lets about one corrupt frame in 100
 * through once frames carry several flipped bits) and 'm' pieces shrink
 * to the size that costs the least at the error rate seen.
 */
#define TGT_NOISE_WINDOW	64
#define TGT_NOISY	0.5	/* decayed corrupt frames: noisy from here */
#define TGT_READ_MIN	16	/* smallest 'm' piece, bytes */
#define TGT_REQ_CHARS	30	/* framing around one 'm' piece's data:
				 * the request, '$' '#' xx, two acks */
#define TGT_MAX_COPIES	8	/* reads of one piece before giving up on
				 * two that agree */
#define TGT_MAX_BAD	8	/* corrupt frames NAKed for one request, or in
				 * a row without one, before giving up */
#define TGT_KGDB_MS	1500	/* wait for kdb's "kgdb" command to settle */
#define TGT_PROMPT_MS	5000	/* kdb's prompt after its banner, at most */
/* kdb's command line holds at most this much (CMD_BUFLEN in kdb_private.h):
 * erasing this many characters empties a line whose content is unknown. */
#define TGT_KDB_LINE_MAX 200
#define TGT_KDB_RETRIES	2	/* echoed handovers before giving up */
#define TGT_PAGE	4096	/* kgdb reads are all-or-nothing per call */
#define TGT_DEFAULT_BREAK "BREAK,wait:300,g"
#define TGT_BREAK_GAP_MS	50	/* quiet line before a break-in */
#define TGT_BREAK_PAUSE_MS 100
#define TGT_SYSRQ_TRIGGER "echo g > /proc/sysrq-trigger\r"
#define TGT_MAX_QUEUE	64
#define TGT_TYPED_MAX	256	/* typed bytes kept to spot their echo */
#define TGT_TYPED_MS	5000	/* … for this long after the last key */
#define nitems(a)	(sizeof (a) / sizeof (a)[0])

enum treq_kind {
	TREQ_PLAIN,	/* one packet, one reply */
	TREQ_READ,	/* m split into pieces, replies joined */
	TREQ_WRITE,	/* M (or X turned into M) split into pieces */
	TREQ_RESUME,	/* c, s, C, k: ack only; D: ack then "OK" */
	TREQ_NOREPLY,	/* $3#33: ack only */
};

struct treq {
	TAILQ_ENTRY(treq) entry;
	enum treq_kind	 kind;
	bool		 internal;	/* the bridge's own (qC probe) */
	bool		 want_reply;	/* after the ack */
	br_reply_cb	*cb;
	void		*arg;

	char		 piece[RSP_PKT_MAX + 1];	/* payload as sent */
	size_t		 piecelen;

	uint64_t	 addr, total, done;	/* READ/WRITE */
	uint64_t	 asked;		/* bytes the current m piece asks for */
	uint8_t		*data;			/* WRITE: bytes to write */
	char		*acc;			/* READ: joined hex reply */
	size_t		 acclen;

	/* On a noisy line: the current piece's copies so far, each waiting
	 * for another that agrees. */
	char		*cand[TGT_MAX_COPIES];
	size_t		 candlen[TGT_MAX_COPIES];
	int		 copies;
};
TAILQ_HEAD(treq_list, treq);

enum tx_state { TX_IDLE, TX_WAIT_ACK, TX_WAIT_REPLY };

enum enter_step { EN_NONE, EN_PAGER, EN_KGDB, EN_PROBE };

struct brk_step {
	int		 what;		/* 'B' break, 'w' wait, 't' text */
	unsigned	 ms;
	bool		 autow;		/* the pause we add after a BREAK */
	char		*text;
	size_t		 len;
};

struct br_target {
	struct bridge	*br;
	struct br_link	*link;		/* the wire (br_link_*()) */
	struct br_target_ctl ctl;	/* the client driving the stub */
	bool		 hold_console;	/* … holds it in gdb mode */
	struct rsp_demux *dm;
	enum br_tstate	 state;

	struct event	*tick_ev;	/* demux hold deadline */
	struct event	*tx_ev;		/* ack/reply timeout */
	struct event	*brk_ev;	/* break sequence and its confirm */
	struct event	*enter_ev;	/* kdb → gdb steps */
	struct event	*stall_ev;	/* requests wait for a prompt */

	unsigned	 ack_ms, reply_ms, break_ms;
	/* Ack round trips: smoothed, and their deviation (ms). */
	double		 srtt, rttvar;
	bool		 have_rtt;
	bool		 rtt_sample;	/* this send was the piece's first */
	int		 ack_timeouts;	/* in a row, for this piece */
	int		 full_waits;	/* … of the configured length */
	unsigned	 ack_wait_ms;	/* the wait running now */
	uint64_t	 sent_end_ms;	/* when its last byte left */
	uint64_t	 quiet_ms;	/* when our last bytes left the wire */

	struct treq_list queue;
	size_t		 nqueue;
	enum tx_state	 tx;
	bool		 draining;	/* failing requests: do not start more */
	int		 sends;
	int		 naks;		/* '-' sent for this missing reply */
	/*
	 * A hard limit on each piece in flight, whatever the line does: a
	 * stub that answers every request with a bad checksum, or console
	 * text that never pauses, cannot keep a client waiting past it.
	 * Only progress (an O packet of a monitor command) moves it.
	 */
	uint64_t	 deadline_ms;
	uint64_t	 sent_ms;	/* when the piece was first sent */
	int		 req_bad;	/* corrupt frames since then */
	size_t		 req_console;	/* console bytes since then */
	int		 bad_run;	/* corrupt frames in a row, no request */
	bool		 garbled;	/* text came while a reply was due */
	int		 req_garbled;	/* replies asked for again */
	/* Bytes the stub sends in answer to our last request or '-', when
	 * known (0: not known), and the bytes that came since. */
	size_t		 rx_expect;
	size_t		 rx_count;
	size_t		 rx_frame;	/* the reply alone (0: not known) */
	size_t		 rx_text;	/* … of them console text */
	unsigned	 our_naks;	/* '-' sent, ever */
	/* Corrupt frames seen lately, and the characters all recent frames
	 * carried: decayed, see TGT_NOISE_WINDOW. */
	double		 nz_bad, nz_chars;
	/*
	 * The previous reply, to spot kgdb retransmitting it when our '+' was
	 * garbled: it then sees our next '$' in its ack wait, NAKs it and
	 * drops it (docs/kgdb-wire.md §1.3). A copy arriving before the ack of
	 * the next request is held as a suspect: a '-' right after proves it
	 * was the old reply (we resend); silence until the ack timeout means it
	 * was the new reply after all.
	 */
	char		 last_reply[RSP_PKT_MAX];
	size_t		 last_reply_len;
	bool		 suspect;
	/* A second copy came while one was held: the stub repeats its old
	 * reply, taking our request's bytes for bad acks; it never got the
	 * request. */
	bool		 stale;
	uint64_t	 last_rx_ms;

	/* kdb line state (docs/kgdb-wire.md §5.1). */
	bool		 kdb_fresh;	/* no input since "Entering kdb" */
	bool		 at_pager;
	size_t		 kdb_linelen;	/* chars typed since the last '\r' */
	int		 kdb_echoes;	/* handovers that kdb echoed back */
	bool		 kdb_dirty;	/* line holds bytes of unknown count */
	bool		 kdb_seen;	/* this kernel has kdb */
	/* Keys typed while no gdb holds a stub in gdb mode: they wait for the
	 * switch back to kdb, then go to its prompt. */
	char		 held_keys[256];
	size_t		 held_len;
	size_t		 attach_match;	/* progress matching "attach debugger" */
	bool		 attach_seen;

	/* Entering gdb mode. */
	enum enter_step	 enter;
	struct enter_waiter {
		br_ready_cb	*cb;
		void		*arg;
	}		 waiters[8];
	size_t		 nwaiters;

	/* Break-in. */
	struct brk_step	*steps;
	size_t		 nsteps, step;
	bool		 breaking;	/* sequence running */
	bool		 confirming;	/* waiting for the stop */

	bool		 maybe_connected; /* kgdb_connected may be set */
	/* What the keyboards typed last: a frame in its echo is text. */
	char		 typed[TGT_TYPED_MAX];
	size_t		 typedlen;
	uint64_t	 typed_ms;
	bool		 just_resumed;	/* an E reply may still come */
	char		 last_stop[64];	/* "T05thread:01;" */
	size_t		 last_stop_len;
	char		 thread[24];	/* from the last QC reply */
};

static void	tgt_kick(struct br_target *);
static void	tgt_finish(struct br_target *, const char *, size_t,
		    const char *);
static void	tgt_send_piece(struct br_target *, bool);
static void	tgt_stop_seen(struct br_target *, const char *);
static void	tgt_notify_stop(struct br_target *, const char *, const char *,
	    size_t);
static void	tgt_enter_done(struct br_target *, bool, const char *);
static void	tgt_enter_probe(struct br_target *);
static void	tgt_ack(struct br_target *);

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

static void
tgt_set_state(struct br_target *t, enum br_tstate s)
{
	struct br_event	ev;

	memset(&ev, 0, sizeof ev);
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
	br_notify_event(t->br, &ev);
}

/* ---- writing to the wire */

static unsigned	tgt_wire_ms(struct br_target *, size_t);

static int
tgt_write(struct br_target *t, const void *buf, size_t len, char *err)
{
	char		 e[BR_ERRLEN];
	uint64_t	 now;

	if (err == NULL)
		err = e;
	if (t->link == NULL) {
		br_seterr(err, "no link");
		return (-1);
	}
	now = br_now_ms();
	if (t->quiet_ms < now)
		t->quiet_ms = now;
	t->quiet_ms += tgt_wire_ms(t, len);
	return (br_link_write(t->link, buf, len, err));
}

static void
tgt_trace(struct br_target *t, char dir, const void *buf, size_t len,
    const char *note)
{
	if (t->br->transcript != NULL)
		br_transcript_packet(t->br->transcript, dir, buf, len, note);
}

/* Milliseconds to move n bytes over the link (10 bits a byte). */
static unsigned
tgt_wire_ms(struct br_target *t, size_t n)
{
	int	baud = 0;

	if (t->link != NULL)
		baud = br_link_baud(t->link);
	if (baud <= 0)
		baud = 115200;
	return ((unsigned)((n * 10 * 1000) / (size_t)baud) + 1);
}

static void
tgt_timer(struct event *ev, unsigned ms)
{
	struct timeval	tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(ev, &tv);
}

/* ---- the demux tick: only armed while the demux holds bytes */

static void	tgt_demux_cb(void *, const struct rsp_event *);

static void
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

static void
tgt_tick_cb(int fd, short what, void *arg)
{
	struct br_target	*t = arg;

	(void)fd;
	(void)what;
	rsp_demux_tick(t->dm, br_now_ms(), tgt_demux_cb, t);
	tgt_arm_tick(t);
}

/* ---- requests */

static void
tgt_drop_copies(struct treq *r)
{
	int	i;

	for (i = 0; i < r->copies; i++) {
		free(r->cand[i]);
		r->cand[i] = NULL;
	}
	r->copies = 0;
}

static void
treq_free(struct treq *r)
{
	free(r->data);
	free(r->acc);
	tgt_drop_copies(r);
	free(r);
}

static struct treq *
tgt_head(struct br_target *t)
{
	return (TAILQ_FIRST(&t->queue));
}

/* ---- noise */

/* One frame of len characters crossed the line, corrupt or not. */
static void
tgt_noise(struct br_target *t, size_t len, bool bad)
{
	const double	keep = 1.0 - 1.0 / TGT_NOISE_WINDOW;

	t->nz_bad = t->nz_bad * keep + (bad ? 1 : 0);
	t->nz_chars = t->nz_chars * keep + (double)len;
}

static bool
tgt_noisy(const struct br_target *t)
{
	return (t->nz_bad >= TGT_NOISY);
}

/* A square root by Newton's method: one call does not need libm. */
static double
tgt_sqrt(double x)
{
	double	r = x > 1 ? x : 1;
	int	i;

	for (i = 0; i < 64; i++)
		r = (r + x / r) / 2;
	return (r);
}

/*
 * The largest 'm' piece worth asking for: on a clean line the stub's
 * limit. On a noisy one, with q the share of characters that arrive
 * corrupt (corrupt frames over characters carried, which is right while
 * q times a frame's length is small) and h the characters around the
 * data (TGT_REQ_CHARS), a piece of c hex digits goes through whole with
 * probability (1 - q)^(c + h), so each digit delivered costs about
 * (c + h) / c * e^(q (c + h)) characters. That is least where
 * c^2 + h c = h / q: c = (sqrt(h^2 + 4 h / q) - h) / 2. At a bit error
 * rate of 1e-3 (q near 8e-3) that is about 48 digits, 24 bytes, at a cost
 * of 3.2 characters per digit against 1.06 for a whole clean piece.
 */
static uint64_t
tgt_read_cap(const struct br_target *t)
{
	uint64_t	max = t->br->arch->mem_read_max, n;
	double		q, h = TGT_REQ_CHARS, c;

	if (!tgt_noisy(t) || t->nz_chars < 1)
		return (max);
	q = t->nz_bad / t->nz_chars;
	c = (tgt_sqrt(h * h + 4 * h / q) - h) / 2;
	if (c >= 2.0 * (double)max)
		return (max);
	n = (uint64_t)(c / 2) & ~(uint64_t)7;
	if (n < TGT_READ_MIN)
		n = TGT_READ_MIN;
	return (n < max ? n : max);
}

/* Fill r->piece with the next packet of a split request. */
static int
tgt_next_piece(struct br_target *t, struct treq *r)
{
	const struct rsp_arch	*a = t->br->arch;
	uint64_t		 n, addr = r->addr + r->done, room;
	size_t			 max;
	int			 len, hex;

	switch (r->kind) {
	case TREQ_READ:
		n = r->total - r->done;
		if (n > tgt_read_cap(t))
			n = tgt_read_cap(t);
		room = TGT_PAGE - (addr % TGT_PAGE);
		if (n > room)
			n = room;
		len = snprintf(r->piece, sizeof r->piece, "m%" PRIx64
		    ",%" PRIx64, addr, n);
		r->asked = n;
		break;
	case TREQ_WRITE:
		/* "M<addr>,<n>:" then 2n hex digits, all below BUFMAX. */
		len = snprintf(r->piece, sizeof r->piece, "M%" PRIx64 ",",
		    addr);
		max = a->bufmax - 1 - (size_t)len - 4 - 1;
		n = r->total - r->done;
		if (n > max / 2)
			n = max / 2;
		len += snprintf(r->piece + len, sizeof r->piece - (size_t)len,
		    "%" PRIx64 ":", n);
		hex = rsp_hex_encode(r->piece + len,
		    sizeof r->piece - (size_t)len, r->data + r->done, n);
		if (hex < 0)
			return (-1);
		len += hex;
		break;
	default:
		return (0);
	}
	r->piecelen = (size_t)len;
	return (0);
}

/* Parse "m<a>,<l>" or "M<a>,<l>:" into addr and length; returns the
 * offset just past the length, or -1. */
static int
tgt_parse_al(const char *p, size_t len, uint64_t *addr, uint64_t *n)
{
	size_t	off = 1;
	int	k;

	if (len < 4)
		return (-1);
	if ((k = rsp_hex_u64(p + off, len - off, addr)) <= 0)
		return (-1);
	off += (size_t)k;
	if (off >= len || p[off] != ',')
		return (-1);
	off++;
	if ((k = rsp_hex_u64(p + off, len - off, n)) <= 0)
		return (-1);
	return ((int)(off + (size_t)k));
}

static bool
tgt_all_hex(const char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)p[i]))
			return (false);
	return (true);
}

static struct treq *
tgt_new_req(struct br_target *t, const char *payload, size_t len,
    br_reply_cb *cb, void *arg, const char **why)
{
	const struct rsp_arch	*a = t->br->arch;
	struct treq		*r;
	uint64_t		 addr, n;
	char			 frame[RSP_PKT_MAX + RSP_PKT_OVERHEAD + 8];
	int			 off, flen;

	r = xcalloc(1, sizeof *r);
	r->cb = cb;
	r->arg = arg;
	r->kind = TREQ_PLAIN;
	r->want_reply = true;

	if (len > 0 && payload[0] == 'm' &&
	    (off = tgt_parse_al(payload, len, &addr, &n)) == (int)len) {
		if (n > RSP_PKT_MAX / 2) {
			*why = "read longer than the bridge's PacketSize";
			goto fail;
		}
		if (n > 0 && addr + (n - 1) < addr) {
			*why = "read wraps past the end of the address space";
			goto fail;
		}
		r->asked = n;
		if (n > 0 && (n > tgt_read_cap(t) ||
		    (addr % TGT_PAGE) + n > TGT_PAGE)) {
			r->kind = TREQ_READ;
			r->addr = addr;
			r->total = n;
			r->acc = xmalloc(2 * n + 1);
			tgt_next_piece(t, r);
			return (r);
		}
	}
	if (len > 0 && (payload[0] == 'M' || payload[0] == 'X') &&
	    (off = tgt_parse_al(payload, len, &addr, &n)) > 0 &&
	    (size_t)off < len && payload[off] == ':') {
		const char	*body = payload + off + 1;
		size_t		 blen = len - (size_t)off - 1;

		/*
		 * The length field must match the data that came with it:
		 * kgdb's own M handler reads as many hex digits as the
		 * length says, whatever the packet holds. Checked before
		 * anything is sized from it.
		 */
		if (payload[0] == 'M' ? blen % 2 != 0 || blen / 2 != n ||
		    !tgt_all_hex(body, blen) : blen != n) {
			*why = payload[0] == 'M' ? "M packet: the length "
			    "does not match the data" : "X packet: the length "
			    "does not match the data";
			goto fail;
		}
		if (n > 0 && addr + (n - 1) < addr) {
			*why = "write wraps past the end of the address space";
			goto fail;
		}
		flen = rsp_pkt_encode(frame, sizeof frame, payload, len);
		if (flen > 0 && (size_t)flen - RSP_PKT_OVERHEAD <=
		    a->bufmax - 1) {
			memcpy(r->piece, payload, len);
			r->piecelen = len;
			return (r);
		}
		/* Too long for the stub: split into M packets. */
		r->kind = TREQ_WRITE;
		r->addr = addr;
		r->total = n;
		r->data = xmalloc(n ? n : 1);
		if (payload[0] == 'M') {
			if (rsp_hex_decode(r->data, n, body, blen) != (int)n) {
				*why = "bad M packet";
				goto fail;
			}
		} else {
			if (blen != n) {
				*why = "bad X packet";
				goto fail;
			}
			memcpy(r->data, body, n);
		}
		if (tgt_next_piece(t, r) != 0) {
			*why = "write does not fit";
			goto fail;
		}
		return (r);
	}

	flen = rsp_pkt_encode(frame, sizeof frame, payload, len);
	if (flen < 0 || (size_t)flen - RSP_PKT_OVERHEAD > a->bufmax - 1 ||
	    len > sizeof r->piece - 1) {
		*why = "packet longer than the target's BUFMAX";
		goto fail;
	}
	memcpy(r->piece, payload, len);
	r->piecelen = len;
	return (r);

fail:
	treq_free(r);
	return (NULL);
}

static int
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

/*
 * How long one piece may take, all retries included: every send waits
 * for its ack and a whole reply at the line's rate, and each '-' for a
 * lost reply waits half a reply timeout.
 */
static unsigned
tgt_budget_ms(struct br_target *t, size_t framelen)
{
	unsigned	once;

	once = t->ack_ms + tgt_wire_ms(t, framelen) + t->reply_ms +
	    tgt_wire_ms(t, t->br->arch->bufmax);
	return (TGT_MAX_SENDS * once + TGT_MAX_NAKS * (t->reply_ms / 2 + 1));
}

/* The piece's budget is spent: fail it and say what the line did. */
static void
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

/* The reply frame's length for the head request, when it is fixed (an
 * 'm' piece's data, 'g'); 0 when it is not known. */
static size_t
tgt_reply_chars(const struct br_target *t, const struct treq *r)
{
	if (r->kind == TREQ_READ || (r->kind == TREQ_PLAIN && r->asked > 0 &&
	    r->piece[0] == 'm'))
		return (2 * r->asked + RSP_PKT_OVERHEAD);
	if (r->kind == TREQ_PLAIN && r->piecelen == 1 && r->piece[0] == 'g')
		return (2 * t->br->arch->numregbytes + RSP_PKT_OVERHEAD);
	return (0);
}

/* Ask the stub to send its packet again. */
static void
tgt_nak(struct br_target *t, const char *why)
{
	tgt_trace(t, '>', "-", 1, why);
	(void)tgt_write(t, "-", 1, NULL);
	t->our_naks++;
	t->rx_count = 0;
	t->rx_text = 0;
	t->rx_expect = t->rx_frame;
}

/*
 * Whether the reply in flight has come whole and garbled: exactly as many
 * bytes as it has arrived and none of them made it, so nothing more is
 * coming. Any other count (text that goes on, a byte lost) waits for the
 * line to be quiet instead.
 */
static bool
tgt_reply_over(const struct br_target *t)
{
	return (t->tx != TX_IDLE && t->state == BR_TS_STOPPED_GDB &&
	    t->rx_expect > 0 && t->rx_count == t->rx_expect &&
	    (t->garbled || rsp_demux_holding(t->dm)));
}

static unsigned
tgt_quiet_ms(const struct br_target *t)
{
	return (tgt_reply_over(t) ? TGT_GAP_MS : TGT_QUIET_MS);
}

/* How long an ack may take once the request is on the wire. */
static unsigned
tgt_ack_wait(const struct br_target *t)
{
	double	w;
	int	i;

	if (!t->have_rtt || !tgt_noisy(t))
		return (t->ack_ms);
	w = t->srtt + 4 * t->rttvar + TGT_ACK_SLACK_MS;
	if (w < TGT_ACK_MIN_MS)
		w = TGT_ACK_MIN_MS;
	for (i = 0; i < t->ack_timeouts && w < t->ack_ms; i++)
		w *= 2;
	return (w < t->ack_ms ? (unsigned)w : t->ack_ms);
}

/* An ack came for a request sent once: time the round trip (a resent
 * one's ack could be for either copy, so it is not timed). */
static void
tgt_rtt(struct br_target *t)
{
	uint64_t	now = br_now_ms();
	double		s, d;

	if (!t->rtt_sample)
		return;
	t->rtt_sample = false;
	s = now > t->sent_end_ms ? (double)(now - t->sent_end_ms) : 0;
	if (!t->have_rtt) {
		t->srtt = s;
		t->rttvar = s / 2;
		t->have_rtt = true;
		return;
	}
	d = s > t->srtt ? s - t->srtt : t->srtt - s;
	t->rttvar = 0.75 * t->rttvar + 0.25 * d;
	t->srtt = 0.875 * t->srtt + 0.125 * s;
}

/* Send (or resend) the head request's current piece. */
static void
tgt_send_piece(struct br_target *t, bool resend)
{
	struct treq	*r = tgt_head(t);
	char		 frame[RSP_PKT_MAX + RSP_PKT_OVERHEAD + 8];
	char		 err[BR_ERRLEN];
	int		 flen;

	flen = rsp_pkt_encode(frame, sizeof frame, r->piece, r->piecelen);
	if (flen < 0) {
		tgt_finish(t, NULL, 0, "cannot frame request");
		return;
	}
	if (resend)
		t->br->stats.retransmits++;
	else {
		t->br->stats.tx_packets++;
		t->sent_ms = br_now_ms();
		t->deadline_ms = t->sent_ms + tgt_budget_ms(t, (size_t)flen);
		t->req_bad = 0;
		t->req_console = 0;
		t->garbled = false;
		t->req_garbled = 0;
		t->ack_timeouts = 0;
		t->full_waits = 0;
	}
	tgt_trace(t, '>', frame, (size_t)flen, resend ? "retransmit" : NULL);
	rsp_demux_expect_ack(t->dm, true);
	if (tgt_write(t, frame, (size_t)flen, err) != 0) {
		tgt_finish(t, NULL, 0, err);
		return;
	}
	t->tx = TX_WAIT_ACK;
	t->suspect = false;
	t->stale = false;
	t->sends++;
	t->rx_frame = tgt_reply_chars(t, r);
	t->rx_expect = t->rx_frame > 0 ? 1 + t->rx_frame : 0;
	t->rx_count = 0;
	t->rx_text = 0;
	t->rtt_sample = !resend;
	t->sent_end_ms = t->quiet_ms;
	t->ack_wait_ms = tgt_ack_wait(t);
	tgt_timer(t->tx_ev, t->ack_wait_ms + tgt_wire_ms(t, (size_t)flen));
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
	if (r != NULL && r->internal && t->enter == EN_PROBE) {
		/* The mode probe itself: the switch below makes a new one. */
		TAILQ_REMOVE(&t->queue, r, entry);
		t->nqueue--;
		treq_free(r);
		t->enter = EN_NONE;
	}
}

/* Start the head request if nothing is in flight. */
static void
tgt_kick(struct br_target *t)
{
	struct treq	*r;

	while (t->tx == TX_IDLE && (r = tgt_head(t)) != NULL) {
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
				br_target_enter_gdb(t, NULL, NULL);
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
		t->sends = 0;
		t->naks = 0;
		tgt_send_piece(t, false);
	}
}

/* The head request is done (payload, or err). */
static void
tgt_finish(struct br_target *t, const char *payload, size_t len,
    const char *err)
{
	struct treq	*r = tgt_head(t);

	evtimer_del(t->tx_ev);
	rsp_demux_expect_ack(t->dm, false);
	t->tx = TX_IDLE;
	if (r == NULL)
		return;
	TAILQ_REMOVE(&t->queue, r, entry);
	t->nqueue--;
	if (err != NULL)
		log_warn("target: request %.*s failed: %s",
		    (int)(r->piecelen > 32 ? 32 : r->piecelen), r->piece, err);
	if (r->cb != NULL)
		r->cb(r->arg, payload, len, err);
	treq_free(r);
	if (!t->draining)
		tgt_kick(t);
}

/*
 * Whether p can be the reply to the m piece in flight: an error, an empty
 * reply, or hex for at most the bytes asked (a stub may return fewer).
 * Anything longer is a protocol error, never data to join.
 */
static bool
tgt_read_reply_ok(const struct treq *r, const char *p, size_t len)
{
	int	eno;

	if (len == 0 || rsp_reply_errno(p, len, &eno))
		return (true);
	return (len % 2 == 0 && len / 2 <= r->asked && tgt_all_hex(p, len));
}

/* Whether p can be the reply to 'g' or 'p': an error, empty, or hex
 * digits in pairs (kgdb sends registers as hex, nothing else). */
static bool
tgt_regs_reply_ok(const struct treq *r, const char *p, size_t len)
{
	int	eno;

	if (r->kind != TREQ_PLAIN || (r->piece[0] != 'g' && r->piece[0] != 'p'))
		return (true);
	if (len == 0 || rsp_reply_errno(p, len, &eno))
		return (true);
	return (len % 2 == 0 && tgt_all_hex(p, len));
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

/* Whether the head request's reply is worth reading twice: memory and
 * registers, which are harmless to read again and where a wrong digit
 * would mislead. */
static bool
tgt_verifying(const struct br_target *t, const struct treq *r)
{
	bool	read;

	read = r->kind == TREQ_READ || (r->kind == TREQ_PLAIN &&
	    ((r->asked > 0 && r->piece[0] == 'm') ||
	    (r->piecelen == 1 && r->piece[0] == 'g') ||
	    (r->piecelen > 1 && r->piece[0] == 'p')));
	if (!read)
		return (false);
	switch (t->br->opts.verify) {
	case BR_VERIFY_OFF:
		return (false);
	case BR_VERIFY_ALWAYS:
		return (true);
	default:
		return (tgt_noisy(t) || r->copies > 0);
	}
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
static void
tgt_reply(struct br_target *t, const char *p, size_t len)
{
	struct treq	*r = tgt_head(t);
	int		 eno;

	evtimer_del(t->tx_ev);
	rsp_demux_expect_ack(t->dm, false);
	t->suspect = false;
	if (len <= sizeof t->last_reply) {
		memcpy(t->last_reply, p, len);
		t->last_reply_len = len;
	}
	if ((r->asked > 0 && !tgt_read_reply_ok(r, p, len)) ||
	    !tgt_regs_reply_ok(r, p, len)) {
		tgt_bad_reply(t, r, len);
		return;
	}
	if (tgt_verifying(t, r) && !tgt_confirmed(t, r, p, len))
		return;
	tgt_drop_copies(r);
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
	t->sends = 0;
	t->naks = 0;
	tgt_send_piece(t, false);
}

static void
tgt_acked(struct br_target *t)
{
	struct treq	*r = tgt_head(t);

	if (t->tx != TX_WAIT_ACK || r == NULL)
		return;
	t->suspect = false;
	evtimer_del(t->tx_ev);
	tgt_rtt(t);
	tgt_noise(t, r->piecelen + RSP_PKT_OVERHEAD, false);
	if ((r->kind == TREQ_RESUME || r->kind == TREQ_NOREPLY) &&
	    !r->want_reply) {
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
	tgt_timer(t->tx_ev, t->reply_ms + tgt_wire_ms(t, t->br->arch->bufmax));
}

static void
tgt_tx_timeout(int fd, short what, void *arg)
{
	struct br_target	*t = arg;
	uint64_t		 now = br_now_ms();

	(void)fd;
	(void)what;
	if (now >= t->deadline_ms) {
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
		tgt_timer(t->tx_ev, t->reply_ms + tgt_wire_ms(t,
		    t->br->arch->bufmax));
		return;
	}
	/* Bytes are still coming: the stub may be mid-packet. Wait, but
	 * never past the deadline. */
	if (rsp_demux_holding(t->dm) || now - t->last_rx_ms <
	    tgt_quiet_ms(t)) {
		tgt_timer(t->tx_ev, (unsigned)(t->deadline_ms - now <
		    tgt_quiet_ms(t) ? t->deadline_ms - now : tgt_quiet_ms(t)));
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
		t->br->stats.timeouts++;
		br_notice(t->br, "the target does not ack "
		    "packets (is it stopped in the debugger, and is kgdboc "
		    "on this port?)");
		tgt_finish(t, NULL, 0, "no ack from the target");
		return;
	}
	if (t->tx == TX_WAIT_REPLY) {
		if (t->naks < TGT_MAX_NAKS) {
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
			tgt_timer(t->tx_ev, t->reply_ms / 2 + 1);
			return;
		}
		t->br->stats.timeouts++;
		tgt_finish(t, NULL, 0, "timed out waiting for the target's "
		    "reply");
	}
}

/* ---- packets from the target */

/* Remember keyboard bytes going to the target, to know their echo. */
static void
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

static void
tgt_ack(struct br_target *t)
{
	tgt_trace(t, '>', "+", 1, NULL);
	(void)tgt_write(t, "+", 1, NULL);
}

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
			br_target_enter_gdb(t, NULL, NULL);
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
	    tgt_head(t)->want_reply) {
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
		if (len < sizeof t->last_stop) {
			memcpy(t->last_stop, p, len);
			t->last_stop_len = len;
		}
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
		tgt_timer(t->tx_ev, t->reply_ms +
		    tgt_wire_ms(t, t->br->arch->bufmax));
		t->deadline_ms = br_now_ms() + t->reply_ms +
		    tgt_wire_ms(t, t->br->arch->bufmax);
		t->req_bad = 0;
	}
}

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
		tgt_timer(t->tx_ev, tgt_quiet_ms(t) + 1);
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

static void
tgt_mark(struct br_target *t, const struct rsp_event *ev)
{
	switch (ev->mark) {
	case RSP_MARK_KDB_ENTER:
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
			(void)br_target_console_input(t, t->held_keys, n, NULL);
			break;
		}
		/* A gdb request in flight went to kdb's prompt, not the stub. */
		if (t->tx != TX_IDLE && tgt_head(t) != NULL &&
		    !tgt_head(t)->internal)
			tgt_kdb_polluted(t);
		tgt_kick(t);
		break;
	case RSP_MARK_KDB_PAGER:
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
		if (t->state == BR_TS_RUNNING || t->state == BR_TS_UNKNOWN)
			tgt_set_state(t, BR_TS_PANIC);
		br_notify(t->br, BR_NOTE_PANIC, ev->mark == RSP_MARK_PANIC ?
		    "kernel panic" : "oops");
		break;
	}
}

static void
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
			tgt_noise(t, tgt_head(t)->piecelen + RSP_PKT_OVERHEAD,
			    true);
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
		tgt_timer(t->tx_ev, TGT_GAP_MS);
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

/*
 * kdb said it was entered but no prompt followed, and requests wait. Go
 * on as if the prompt had come: the switch to gdb mode erases whatever
 * is on kdb's line, and if it fails the requests fail with the reason.
 */
static void
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

static void
brk_free_steps(struct br_target *t)
{
	size_t	i;

	for (i = 0; i < t->nsteps; i++)
		free(t->steps[i].text);
	free(t->steps);
	t->steps = NULL;
	t->nsteps = t->step = 0;
}

static int
brk_parse(struct br_target *t, const char *seq, char *err)
{
	char	*copy, *tok, *save = NULL;
	struct brk_step *s;
	unsigned long v;
	char	*end;

	brk_free_steps(t);
	copy = xstrdup(seq);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		t->steps = xrealloc(t->steps, (t->nsteps + 1) * sizeof *s);
		s = &t->steps[t->nsteps++];
		memset(s, 0, sizeof *s);
		if (strcasecmp(tok, "BREAK") == 0) {
			s->what = 'B';
			/* A short pause after a BREAK, unless one is given. */
			t->steps = xrealloc(t->steps, (t->nsteps + 1) *
			    sizeof *s);
			s = &t->steps[t->nsteps++];
			memset(s, 0, sizeof *s);
			s->what = 'w';
			s->autow = true;
			s->ms = TGT_BREAK_PAUSE_MS;
		} else if (strncmp(tok, "wait:", 5) == 0) {
			if (t->nsteps >= 2 && t->steps[t->nsteps - 2].autow) {
				/* An explicit wait replaces ours. */
				t->nsteps--;
				s = &t->steps[t->nsteps - 1];
			}
			s->what = 'w';
			s->autow = false;
			v = strtoul(tok + 5, &end, 10);
			if (*end != '\0' || v > 10000) {
				br_seterr(err, "bad break step '%s'", tok);
				goto fail;
			}
			s->ms = (unsigned)v;
		} else if (strncmp(tok, "0x", 2) == 0 && strlen(tok) == 4) {
			s->what = 't';
			v = strtoul(tok + 2, &end, 16);
			if (*end != '\0') {
				br_seterr(err, "bad break step '%s'", tok);
				goto fail;
			}
			s->text = xmalloc(1);
			s->text[0] = (char)v;
			s->len = 1;
		} else if (strcmp(tok, "sysrq-trigger") == 0) {
			s->what = 't';
			s->text = xstrdup(TGT_SYSRQ_TRIGGER);
			s->len = strlen(s->text);
		} else {
			s->what = 't';
			s->text = xstrdup(tok);
			s->len = strlen(tok);
		}
	}
	free(copy);
	if (t->nsteps == 0) {
		br_seterr(err, "empty break sequence");
		return (-1);
	}
	return (0);
fail:
	free(copy);
	brk_free_steps(t);
	return (-1);
}

/* Check a --break-seq at startup, so a typo is a usage error, not a
 * failed break-in at the worst moment. */
int
br_target_check_break_seq(const char *seq, char *err)
{
	struct br_target	*t = xcalloc(1, sizeof *t);
	int			 rc;

	rc = brk_parse(t, seq, err);
	brk_free_steps(t);
	free(t);
	return (rc);
}

static void
brk_failed(struct br_target *t, const char *what)
{
	char	msg[512];

	t->breaking = t->confirming = false;
	snprintf(msg, sizeof msg, "break-in failed: %s. Check that the "
	    "port is the kernel's console= and kgdboc=, that "
	    "kernel.sysrq is 1 (or use sysrq_always_enabled), or run "
	    "'echo g > /proc/sysrq-trigger' on the target "
	    "(--break-seq sysrq-trigger types it into a root shell)", what);
	br_notice(t->br, "%s", msg);
	br_notify(t->br, BR_NOTE_BREAK_FAILED, what);
	if (t->ctl.stop_failed != NULL)
		t->ctl.stop_failed(t->ctl.arg, msg);
}

static void
brk_run(int fd, short what, void *arg)
{
	struct br_target	*t = arg;
	struct brk_step		*s;
	char			 err[BR_ERRLEN];

	(void)fd;
	(void)what;
	if (t->confirming) {
		brk_failed(t, "the target did not stop within the timeout");
		return;
	}
	while (t->breaking && t->step < t->nsteps) {
		s = &t->steps[t->step++];
		switch (s->what) {
		case 'B':
			if (br_link_send_break(t->link, err) != 0) {
				brk_failed(t, err);
				return;
			}
			break;
		case 'w':
			tgt_timer(t->brk_ev, s->ms);
			return;
		case 't':
			if (tgt_write(t, s->text, s->len, err) != 0) {
				brk_failed(t, err);
				return;
			}
			break;
		}
	}
	if (t->breaking) {
		t->breaking = false;
		t->confirming = true;
		tgt_timer(t->brk_ev, t->break_ms);
	}
}

int
br_target_break(struct br_target *t, char *err)
{
	const char	*seq = t->br->opts.break_seq;
	uint64_t	 now;
	int		 caps;

	if (!br_link_up(t->link)) {
		br_seterr(err, "target link is down");
		return (-1);
	}
	if (t->state == BR_TS_STOPPED_GDB || t->state == BR_TS_KDB)
		return (0);	/* already stopped */
	if (t->breaking || t->confirming)
		return (0);	/* one BREAK at a time: two cancel */
	caps = br_link_caps(t->link);
	if (caps & BR_LINK_CONSOLE_ONLY) {
		br_seterr(err, "this link (xHCI DbC) carries the console "
		    "only: kgdb cannot stop the kernel through it");
		return (-1);
	}
	if (seq == NULL) {
		if (caps & BR_LINK_INT_03)
			seq = "0x03";
		else if (caps & BR_LINK_CAN_BREAK)
			seq = TGT_DEFAULT_BREAK;
		else {
			br_seterr(err, "this link cannot send a BREAK; run "
			    "'echo g > /proc/sysrq-trigger' on the target, or "
			    "use --break-seq sysrq-trigger");
			brk_failed(t, "no BREAK on this link");
			return (-1);
		}
	}
	if (brk_parse(t, seq, err) != 0)
		return (-1);
	log_info("target: breaking in with '%s'", seq);
	t->breaking = true;
	t->step = 0;
	now = br_now_ms();
	if (t->quiet_ms + TGT_BREAK_GAP_MS > now) {
		/*
		 * Let what was just written go first: a BREAK can overtake
		 * it (QEMU's telnet chardev acts on IAC BRK before the data
		 * of the same read), and the SysRq key would then be one of
		 * those bytes, e.g. the DELs that erase an echoed probe.
		 */
		tgt_timer(t->brk_ev, (unsigned)(t->quiet_ms +
		    TGT_BREAK_GAP_MS - now));
		return (0);
	}
	brk_run(-1, 0, t);
	return (0);
}

/* ---- kdb and gdb mode */

static void
tgt_enter_done(struct br_target *t, bool ok, const char *why)
{
	struct enter_waiter	w[8];
	size_t			i, n = t->nwaiters;

	t->enter = EN_NONE;
	evtimer_del(t->enter_ev);
	memcpy(w, t->waiters, n * sizeof w[0]);
	t->nwaiters = 0;
	for (i = 0; i < n; i++)
		w[i].cb(w[i].arg, ok, why);
	if (!ok && (t->state == BR_TS_KDB || t->state == BR_TS_UNKNOWN)) {
		/* Requests waiting on the switch fail with it. */
		t->draining = true;
		while (tgt_head(t) != NULL && t->tx == TX_IDLE)
			tgt_finish(t, NULL, 0, why);
		t->draining = false;
	}
	tgt_kick(t);
}

static void
tgt_probe_cb(void *arg, const char *p, size_t len, const char *err)
{
	struct br_target	*t = arg;

	if (err != NULL) {
		tgt_enter_done(t, false, err);
		return;
	}
	if (len < 2 || p[0] != 'Q' || p[1] != 'C') {
		tgt_enter_done(t, false, "unexpected reply to qC");
		return;
	}
	snprintf(t->thread, sizeof t->thread, "%.*s", (int)(len - 2), p + 2);
	if (t->thread[0] == '\0')
		snprintf(t->thread, sizeof t->thread, "0");
	tgt_set_state(t, BR_TS_STOPPED_GDB);
	t->maybe_connected = true;
	if (t->last_stop_len == 0)
		t->last_stop_len = (size_t)snprintf(t->last_stop,
		    sizeof t->last_stop, "T05thread:%s;", t->thread);
	tgt_enter_done(t, true, NULL);
}

static void
tgt_enter_probe(struct br_target *t)
{
	struct treq	*r;
	const char	*why;

	t->enter = EN_PROBE;
	r = tgt_new_req(t, "qC", 2, tgt_probe_cb, t, &why);
	r->internal = true;
	if (tgt_enqueue(t, r, true) != 0)
		tgt_enter_done(t, false, "queue full");
}

static void
tgt_enter_step(int fd, short what, void *arg)
{
	struct br_target	*t = arg;
	char			 buf[256];
	size_t			 n;

	(void)fd;
	(void)what;
	switch (t->enter) {
	case EN_PAGER:
		/* Back at a prompt after 'q': type the kgdb command. */
		t->enter = EN_KGDB;
		t->attach_seen = false;
		t->attach_match = 0;
		(void)tgt_write(t, RSP_KDB_CMD_KGDB,
		    strlen(RSP_KDB_CMD_KGDB), NULL);
		tgt_timer(t->enter_ev, TGT_KGDB_MS);
		break;
	case EN_KGDB:
		if (t->attach_seen && br_now_ms() - t->last_rx_ms <
		    TGT_QUIET_MS) {
			tgt_timer(t->enter_ev, TGT_QUIET_MS);
			break;
		}
		/* The stub now waits for '$' with kgdb_connected clear. */
		tgt_enter_probe(t);
		break;
	default:
		(void)buf;
		(void)n;
		break;
	}
}

void
br_target_enter_gdb(struct br_target *t, br_ready_cb *cb, void *arg)
{
	char	buf[256];
	size_t	n;

	if (cb != NULL) {
		if (t->nwaiters == nitems(t->waiters)) {
			cb(arg, false, "too many waiters");
			return;
		}
		t->waiters[t->nwaiters].cb = cb;
		t->waiters[t->nwaiters++].arg = arg;
	}
	if (t->enter != EN_NONE)
		return;
	if (!br_link_up(t->link)) {
		tgt_enter_done(t, false, "target link is down");
		return;
	}
	if (t->state == BR_TS_RUNNING || t->state == BR_TS_PANIC) {
		tgt_enter_done(t, false, "target is running");
		return;
	}
	if (t->state != BR_TS_KDB) {
		/* Stopped in gdb mode, or unknown: qC is harmless. */
		tgt_enter_probe(t);
		return;
	}
	if (t->at_pager) {
		t->enter = EN_PAGER;
		t->kdb_fresh = false;
		(void)tgt_write(t, "q", 1, NULL);
		tgt_timer(t->enter_ev, TGT_KGDB_MS);
		return;
	}
	if (t->kdb_fresh) {
		/* kgdb_transition_check hands "$qC#b4" to the stub. */
		tgt_enter_probe(t);
		return;
	}
	/* kdb has had input: erase the line, then the kgdb command. */
	n = (t->kdb_dirty ? TGT_KDB_LINE_MAX : t->kdb_linelen) + 2;
	if (n > sizeof buf - 8)
		n = sizeof buf - 8;
	memset(buf, '\b', n);
	memcpy(buf + n, RSP_KDB_CMD_KGDB, strlen(RSP_KDB_CMD_KGDB));
	n += strlen(RSP_KDB_CMD_KGDB);
	t->enter = EN_KGDB;
	t->attach_seen = false;
	t->attach_match = 0;
	t->kdb_linelen = 0;
	t->kdb_fresh = false;
	t->kdb_dirty = false;
	(void)tgt_write(t, buf, n, NULL);
	tgt_timer(t->enter_ev, TGT_KGDB_MS);
}

void
br_target_enter_kdb(struct br_target *t)
{
	struct treq	*r;
	const char	*why;

	if (t->state == BR_TS_KDB)
		return;
	r = tgt_new_req(t, "3", 1, NULL, NULL, &why);
	r->kind = TREQ_NOREPLY;
	r->want_reply = false;
	r->internal = true;
	(void)tgt_enqueue(t, r, false);
}

int
br_target_console_input(struct br_target *t, const void *buf, size_t len,
    char *err)
{
	const uint8_t	*p = buf;
	size_t		 i;

	if (!br_link_up(t->link)) {
		br_seterr(err, "target link is down");
		return (-1);
	}
	if (t->state == BR_TS_STOPPED_GDB && t->hold_console) {
		br_seterr(err, "gdb holds the stopped target; typing now "
		    "would corrupt the protocol (use 'monitor bridge kdb' "
		    "in gdb, or detach gdb)");
		return (-1);
	}
	if (t->tx != TX_IDLE || t->enter != EN_NONE) {
		br_seterr(err, "the bridge is talking to the debugger stub; "
		    "try again in a moment");
		return (-1);
	}
	if (t->state == BR_TS_STOPPED_GDB && t->kdb_seen) {
		/*
		 * Nobody holds the stub, which ignores keys: this is the kdb
		 * terminal again. Back to kdb with "$3#33"; the keys follow
		 * at its prompt.
		 */
		if (t->held_len + len > sizeof t->held_keys) {
			br_seterr(err, "switching the stopped kernel back to "
			    "kdb; type again at the kdb prompt");
			return (-1);
		}
		if (t->held_len == 0) {
			br_notice(t->br, "the kernel is "
			    "stopped in gdb mode and no gdb is attached: "
			    "switching back to kdb");
			br_target_enter_kdb(t);
		}
		memcpy(t->held_keys + t->held_len, buf, len);
		t->held_len += len;
		return (0);
	}
	if (t->state == BR_TS_KDB) {
		for (i = 0; i < len; i++) {
			t->kdb_fresh = false;
			if (p[i] == '\r')
				t->kdb_linelen = 0;
			else if (p[i] == '\b' || p[i] == 0x7f) {
				if (t->kdb_linelen > 0)
					t->kdb_linelen--;
			} else if (p[i] >= 0x20)
				t->kdb_linelen++;
		}
		t->at_pager = false;
	}
	tgt_typed(t, buf, len);
	return (tgt_write(t, buf, len, err));
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

void
br_target_link_changed(struct br_target *t, bool up)
{
	struct br_event	ev;

	rsp_demux_flush(t->dm, tgt_demux_cb, t);
	tgt_arm_tick(t);
	/* Maybe another kernel now: whatever is known about the stopped
	 * kernel goes (the cache's sink drops all). */
	memset(&ev, 0, sizeof ev);
	ev.note = BR_NOTE_TARGET_LINK;
	ev.up = up;
	br_notify_event(t->br, &ev);
	if (up) {
		/* No probe: a '?' would drop every breakpoint. */
		tgt_set_state(t, BR_TS_UNKNOWN);
		return;
	}
	t->held_len = 0;
	t->draining = true;
	while (tgt_head(t) != NULL)
		tgt_finish(t, NULL, 0, "target link went down");
	t->draining = false;
	if (t->enter != EN_NONE)
		tgt_enter_done(t, false, "target link went down");
	if (t->breaking || t->confirming) {
		/* Whoever waits for this break-in hears that it failed. */
		evtimer_del(t->brk_ev);
		brk_failed(t, "the target link went down");
	}
	t->last_stop_len = 0;
	tgt_set_state(t, BR_TS_UNKNOWN);
}

enum br_tstate
br_target_state(const struct br_target *t)
{
	return (t->state);
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

struct br_target *
br_target_new(struct bridge *br, struct br_link *link)
{
	struct br_target	*t;
	struct rsp_demux_cfg	 cfg;

	t = xcalloc(1, sizeof *t);
	t->br = br;
	t->link = link;
	t->state = BR_TS_UNKNOWN;
	t->ack_ms = TGT_ACK_MS;
	t->reply_ms = TGT_REPLY_MS;
	t->break_ms = TGT_BREAK_MS;
	TAILQ_INIT(&t->queue);

	memset(&cfg, 0, sizeof cfg);
	cfg.max_payload = br->arch->bufmax < RSP_PKT_MAX ? br->arch->bufmax :
	    RSP_PKT_MAX;
	cfg.hold_bytes = cfg.max_payload + RSP_PKT_OVERHEAD;
	cfg.hold_ms = 500;
	cfg.binary = false;
	cfg.marks = true;
	if ((t->dm = rsp_demux_new(&cfg)) == NULL)
		fatalx("rsp_demux_new");

	t->tick_ev = evtimer_new(br->base, tgt_tick_cb, t);
	t->tx_ev = evtimer_new(br->base, tgt_tx_timeout, t);
	t->brk_ev = evtimer_new(br->base, brk_run, t);
	t->enter_ev = evtimer_new(br->base, tgt_enter_step, t);
	t->stall_ev = evtimer_new(br->base, tgt_stall_cb, t);
	if (t->tick_ev == NULL || t->tx_ev == NULL || t->brk_ev == NULL ||
	    t->enter_ev == NULL || t->stall_ev == NULL)
		fatalx("evtimer_new");
	return (t);
}

void
br_target_free(struct br_target *t)
{
	if (t == NULL)
		return;
	/*
	 * Leave no stub waiting for a gdb that is gone. The trailing '+'
	 * acks the stub's "OK" to D, so it resumes without us (kdb itself
	 * suggests "$D#44+").
	 */
	if (t->state == BR_TS_STOPPED_GDB && br_link_up(t->link)) {
		log_info("target: detaching (D) on shutdown");
		(void)tgt_write(t, "$D#44+", 6, NULL);
	}
	t->draining = true;
	while (tgt_head(t) != NULL)
		tgt_finish(t, NULL, 0, "bridge shutting down");
	while (t->nwaiters > 0)
		tgt_enter_done(t, false, "bridge shutting down");
	brk_free_steps(t);
	event_free(t->tick_ev);
	event_free(t->tx_ev);
	event_free(t->brk_ev);
	event_free(t->enter_ev);
	event_free(t->stall_ev);
	rsp_demux_free(t->dm);
	free(t);
}
