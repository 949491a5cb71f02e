/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/target_req.c: requests as the engine sends them (target engine).
 *
 * A client's payload becomes a struct treq: reads and writes split into
 * pieces that fit the stub's buffer and never cross a page, X turned into
 * M, resumes. And the bytes that go out: a write to the link (with the
 * trace), an ack, a NAK, a timer.
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

static int	tgt_parse_al(const char *p, size_t len, uint64_t *addr,
	    uint64_t *n);

/* ---- writing to the wire */


int
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

void
tgt_trace(struct br_target *t, char dir, const void *buf, size_t len,
    const char *note)
{
	if (t->br->transcript != NULL)
		br_transcript_packet(t->br->transcript, dir, buf, len, note);
}

void
tgt_timer(struct event *ev, unsigned ms)
{
	struct timeval	tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(ev, &tv);
}

/* Arm the wait for the piece in flight: ms, but never past its deadline,
 * so that a piece out of time is given up (or its one whole copy passed
 * on) then, not at the end of whatever wait was running. */
void
tgt_tx_timer(struct br_target *t, unsigned ms)
{
	uint64_t	now = br_now_ms();

	if (t->tx != TX_IDLE && t->deadline_ms > 0) {
		if (t->deadline_ms <= now)
			ms = 0;
		else if (t->deadline_ms - now < ms)
			ms = (unsigned)(t->deadline_ms - now);
	}
	tgt_timer(t->tx_ev, ms);
}

/* ---- requests */

void
tgt_drop_copies(struct treq *r)
{
	int	i;

	for (i = 0; i < r->copies; i++) {
		free(r->cand[i]);
		r->cand[i] = NULL;
	}
	r->copies = 0;
}

void
treq_free(struct treq *r)
{
	free(r->data);
	free(r->acc);
	tgt_drop_copies(r);
	free(r);
}

/* Fill r->piece with the next packet of a split request. */
int
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

/* What a client payload becomes: its kind and pieces, or why refused. */
struct treq *
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

/* Ask the stub to send its packet again. */
void
tgt_nak(struct br_target *t, const char *why)
{
	tgt_trace(t, '>', "-", 1, why);
	(void)tgt_write(t, "-", 1, NULL);
	t->our_naks++;
	t->rx_count = 0;
	t->rx_text = 0;
	t->rx_expect = t->rx_frame;
}

void
tgt_ack(struct br_target *t)
{
	tgt_trace(t, '>', "+", 1, NULL);
	(void)tgt_write(t, "+", 1, NULL);
}
