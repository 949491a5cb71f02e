/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/target_verify.c: how far to trust the line (target engine).
 *
 * The noise estimate (a decaying count of corrupt frames) and what it
 * sets: the size of 'm' pieces, the ack wait from measured round trips,
 * a piece's time budget, whether a read must be confirmed by a second
 * identical copy; and the checks a reply passes before it is believed.
 * Pure functions of the engine's state: no I/O, no timers, no calls to
 * the other target files.
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

static bool	tgt_noisy(const struct br_target *t);
static double	tgt_sqrt(double x);

/* Milliseconds to move n bytes over the link (10 bits a byte). */
unsigned
tgt_wire_ms(struct br_target *t, size_t n)
{
	int	baud = 0;

	if (t->link != NULL)
		baud = br_link_baud(t->link);
	if (baud <= 0)
		baud = 115200;
	return ((unsigned)((n * 10 * 1000) / (size_t)baud) + 1);
}

/* Whether an answer that takes ms more would still reach gdb before it
 * gives up on the head piece (TGT_GDB_PATIENCE_MS from its first send;
 * a copy asked for to confirm a read is no new send). */
bool
tgt_gdb_still_waits(const struct br_target *t, unsigned ms)
{
	return (br_now_ms() + ms <= t->sent_ms + TGT_GDB_PATIENCE_MS);
}

/* ---- noise */

/*
 * One frame of len characters crossed the line, corrupt or not.
 *
 * The line turns noisy with one corrupt frame and clean again only when
 * the decayed count falls below TGT_CLEAN, about 190 clean frames later.
 * Without that gap a line with a low error rate (1e-4: one short frame
 * in thirty corrupt) flickered between the two: a run of 44 clean frames
 * made it clean, and the next read went unconfirmed into the one frame
 * whose flipped bits the checksum missed.
 */
void
tgt_noise(struct br_target *t, size_t len, bool bad)
{
	const double	keep = 1.0 - 1.0 / TGT_NOISE_WINDOW;

	t->nz_bad = t->nz_bad * keep + (bad ? 1 : 0);
	t->nz_chars = t->nz_chars * keep + (double)len;
	if (t->nz_bad >= TGT_NOISY)
		t->nz_on = true;
	else if (t->nz_bad < TGT_CLEAN)
		t->nz_on = false;
}

static bool
tgt_noisy(const struct br_target *t)
{
	return (t->nz_on);
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
uint64_t
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

bool
tgt_all_hex(const char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)p[i]))
			return (false);
	return (true);
}

/*
 * How long one piece may take, all retries included: every send waits
 * for its ack and a whole reply at the line's rate, and each '-' for a
 * lost reply waits half a reply timeout.
 */
unsigned
tgt_budget_ms(struct br_target *t, size_t framelen)
{
	unsigned	once;

	once = t->ack_ms + tgt_wire_ms(t, framelen) + t->reply_ms +
	    tgt_wire_ms(t, t->br->arch->bufmax);
	return (TGT_MAX_SENDS * once + TGT_MAX_NAKS * (t->reply_ms / 2 + 1));
}

/* The reply frame's length for the head request, when it is fixed (an
 * 'm' piece's data, 'g'); 0 when it is not known. */
size_t
tgt_reply_chars(const struct br_target *t, const struct treq *r)
{
	if (r->kind == TREQ_READ || (r->kind == TREQ_PLAIN && r->asked > 0 &&
	    r->piece[0] == 'm'))
		return (2 * r->asked + RSP_PKT_OVERHEAD);
	if (r->kind == TREQ_PLAIN && r->piecelen == 1 && r->piece[0] == 'g')
		return (2 * t->br->arch->numregbytes + RSP_PKT_OVERHEAD);
	return (0);
}

/*
 * Whether the reply in flight has come whole and garbled: exactly as many
 * bytes as it has arrived and none of them made it, so nothing more is
 * coming. Any other count (text that goes on, a byte lost) waits for the
 * line to be quiet instead.
 */
bool
tgt_reply_over(const struct br_target *t)
{
	return (t->tx != TX_IDLE && t->state == BR_TS_STOPPED_GDB &&
	    t->rx_expect > 0 && t->rx_count == t->rx_expect &&
	    (t->garbled || rsp_demux_holding(t->dm)));
}

unsigned
tgt_quiet_ms(const struct br_target *t)
{
	return (tgt_reply_over(t) ? TGT_GAP_MS : TGT_QUIET_MS);
}

/* How long an ack may take once the request is on the wire. */
unsigned
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
void
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

/*
 * Whether p can be the reply to the m piece in flight: an error, an empty
 * reply, or hex for at most the bytes asked (a stub may return fewer).
 * Anything longer is a protocol error, never data to join.
 */
bool
tgt_read_reply_ok(const struct treq *r, const char *p, size_t len)
{
	int	eno;

	if (len == 0 || rsp_reply_errno(p, len, &eno))
		return (true);
	return (len % 2 == 0 && len / 2 <= r->asked && tgt_all_hex(p, len));
}

/* Whether p can be the reply to 'g' or 'p': an error, empty, or hex
 * digits in pairs (kgdb sends registers as hex, nothing else). */
bool
tgt_regs_reply_ok(const struct treq *r, const char *p, size_t len)
{
	int	eno;

	if (r->kind != TREQ_PLAIN || (r->piece[0] != 'g' && r->piece[0] != 'p'))
		return (true);
	if (len == 0 || rsp_reply_errno(p, len, &eno))
		return (true);
	return (len % 2 == 0 && tgt_all_hex(p, len));
}

/* Whether a request only reads (memory, registers): harmless to send
 * again. */
bool
tgt_rereadable(const struct treq *r)
{
	return (r != NULL && (r->kind == TREQ_READ || (r->kind == TREQ_PLAIN &&
	    ((r->asked > 0 && r->piece[0] == 'm') ||
	    (r->piecelen == 1 && r->piece[0] == 'g') ||
	    (r->piecelen > 1 && r->piece[0] == 'p')))));
}

/* Whether a request may be sent again when its reply was lost: reads,
 * and the queries and thread selections kgdb answers the same way each
 * time (never qfThreadInfo/qsThreadInfo, which move a list along). */
bool
tgt_resendable(const struct treq *r)
{
	if (tgt_rereadable(r))
		return (true);
	if (r == NULL || r->kind != TREQ_PLAIN || r->piecelen < 2)
		return (false);
	return (r->piece[0] == 'H' || r->piece[0] == 'T' ||
	    (r->piecelen == 2 && memcmp(r->piece, "qC", 2) == 0) ||
	    (r->piecelen > 17 && memcmp(r->piece, "qThreadExtraInfo,",
	    17) == 0));
}

/* Whether the head request's reply is worth reading twice: memory,
 * registers and a thread's name, which are harmless to read again and
 * where a wrong character would mislead (matrix run 6 printed a thread
 * "kworkep/u9:0": two flipped bits whose sum the checksum did not see). */
bool
tgt_verifying(const struct br_target *t, const struct treq *r)
{
	if (!tgt_rereadable(r) && !(r != NULL && r->kind == TREQ_PLAIN &&
	    r->piecelen > 17 && memcmp(r->piece, "qThreadExtraInfo,", 17) == 0))
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
