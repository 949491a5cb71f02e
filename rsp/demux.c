/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rsp/demux.c: split one direction of a kgdb line into console text, RSP
 * frames, acks and console markers.
 *
 * The demultiplexer is push-style: rsp_demux_feed() takes whatever the
 * line delivered and calls back with events in input order. It owns three
 * buffers, sized once in rsp_demux_new(): the candidate frame being held
 * (from '$' on), the decoded payload, and a short tail of the console
 * stream so that markers which straddle two feeds are still found at the
 * same byte.
 *
 * States: IDLE is console text. A '$' starts a candidate (BODY); '#' moves
 * to the two checksum digits (CK1, CK2). In binary mode '}' protects the
 * next byte (ESC), and a candidate that outgrows the hold limit turns into
 * an oversized frame whose remaining bytes are skipped up to '#xx' (SKIP*):
 * they are reported as BADPKT pieces, never as console.
 */
#include <stdlib.h>
#include <string.h>

#include "rsp/demux_int.h"

/*
 * Byte classes: DMX_C_TEXT continues a text-mode body (0x21-0x7e but '$'
 * and '#'); DMX_C_BINSTOP stops a binary body scan ('$', '#', '}').
 */
#define DMX_C_TEXT	1
#define DMX_C_BINSTOP	2
static const uint8_t dmx_class[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 1, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 1, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/*
 * Length of the leading run of text-mode body bytes in p[0..n), eight at
 * a time: a word is skipped whole when none of its bytes is below 0x21,
 * above 0x7e, '#' or '$' (the usual has-less/has-zero bit tricks).
 */
static size_t
dmx_text_span(const uint8_t *p, size_t n)
{
	const uint64_t	ones = 0x0101010101010101ULL;
	const uint64_t	high = 0x8080808080808080ULL;
	uint64_t	w, x, y, bad;
	size_t		i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		bad = (w - ones * 0x21) & ~w;		/* < 0x21 */
		bad |= (w + ones * 0x01) | w;		/* >= 0x7f */
		x = w ^ (ones * RSP_PKT_END);
		y = w ^ (ones * RSP_PKT_START);
		bad |= (x - ones) & ~x;
		bad |= (y - ones) & ~y;
		if (bad & high)
			break;
	}
	for (; i < n; i++)
		if ((dmx_class[p[i]] & DMX_C_TEXT) == 0)
			break;
	return (i);
}

/* 8-bit sum; eight byte lanes at a time, adding without carries. */
static uint8_t
dmx_checksum(const uint8_t *p, size_t len)
{
	const uint64_t	hi = 0x8080808080808080ULL;
	uint64_t	acc = 0, w;
	unsigned	sum = 0;
	size_t		i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		acc = ((acc & ~hi) + (w & ~hi)) ^ ((acc ^ w) & hi);
	}
	for (int k = 0; k < 8; k++)
		sum += (unsigned)(acc >> (8 * k)) & 0xff;
	for (; i < len; i++)
		sum += p[i];
	return ((uint8_t)sum);
}

/* Undo '}' escapes and expand "x*n" runs (repeat x n-29 more times). */
static int
dmx_unescape(uint8_t *out, size_t outmax, const uint8_t *in, size_t len)
{
	size_t	o = 0, n;
	uint8_t	c;

	if (memchr(in, RSP_PKT_ESCAPE, len) == NULL &&
	    memchr(in, RSP_PKT_RLE, len) == NULL) {
		if (len > outmax)
			return (RSP_ERR_TOOBIG);
		memcpy(out, in, len);
		return ((int)len);
	}
	for (size_t i = 0; i < len; i++) {
		c = in[i];
		if (c == RSP_PKT_RLE) {
			if (o == 0 || ++i == len)
				return (RSP_ERR_RLE);
			if (in[i] < 32 || in[i] > 126)
				return (RSP_ERR_RLE);
			n = (size_t)in[i] - 29;
			if (n > outmax - o)
				return (RSP_ERR_TOOBIG);
			memset(out + o, out[o - 1], n);
			o += n;
			continue;
		}
		if (c == RSP_PKT_ESCAPE) {
			if (++i == len)
				return (RSP_ERR_ESCAPE);
			c = (uint8_t)(in[i] ^ RSP_PKT_ESCAPE_XOR);
		}
		if (o == outmax)
			return (RSP_ERR_TOOBIG);
		out[o++] = c;
	}
	return ((int)o);
}

/* ---- frames */

static void
dmx_release(struct rsp_demux *d, rsp_demux_cb *cb, void *arg)
{
	size_t	n = d->clen;

	d->state = DMX_IDLE;
	d->clen = 0;
	rsp_dmx_console(d, d->cand, n, cb, arg);
}

static void
dmx_bad(struct rsp_demux *d, int err, rsp_demux_cb *cb, void *arg)
{
	size_t	n = d->clen;

	d->clen = 0;
	if (n == 0)
		return;
	rsp_dmx_emit(cb, arg, RSP_EV_BADPKT, NULL, 0, d->cand, n, err);
	rsp_dmx_track(d, d->cand, n);
}

static bool
dmx_is_output(const uint8_t *p, size_t len)
{
	if (len < 3 || p[0] != 'O' || (len - 1) % 2 != 0)
		return (false);
	for (size_t i = 1; i < len; i++)
		if (rsp_hex_val(p[i]) < 0)
			return (false);
	return (true);
}

/* cand holds "$body#xx": report it and go back to console. */
static void
dmx_finish(struct rsp_demux *d, rsp_demux_cb *cb, void *arg)
{
	const uint8_t	*body = d->cand + 1;
	size_t		 blen = d->clen - RSP_PKT_OVERHEAD, n, i;
	int		 hi, lo, r;

	d->state = DMX_IDLE;
	hi = rsp_hex_val(d->cand[d->clen - 2]);
	lo = rsp_hex_val(d->cand[d->clen - 1]);
	if (hi < 0 || lo < 0) {
		dmx_bad(d, RSP_ERR_FRAME, cb, arg);
		return;
	}
	if (dmx_checksum(body, blen) != (uint8_t)(hi << 4 | lo)) {
		dmx_bad(d, RSP_ERR_CKSUM, cb, arg);
		return;
	}
	r = dmx_unescape(d->pay, d->cfg.max_payload, body, blen);
	if (r < 0) {
		dmx_bad(d, r, cb, arg);
		return;
	}
	n = (size_t)r;
	if (dmx_is_output(d->pay, n)) {
		for (i = 0; 2 * i + 2 < n; i++)
			d->pay[i] = (uint8_t)(rsp_hex_val(d->pay[2 * i + 1]) << 4 |
			    rsp_hex_val(d->pay[2 * i + 2]));
		rsp_dmx_emit(cb, arg, RSP_EV_OUTPUT, d->pay, i, d->cand, d->clen,
		    0);
	} else
		rsp_dmx_emit(cb, arg, RSP_EV_PACKET, d->pay, n, d->cand, d->clen,
		    0);
	n = d->clen;
	d->clen = 0;
	rsp_dmx_track(d, d->cand, n);
}

/* Oversized binary frame: keep one byte of it, in pieces of ccap. */
static void
dmx_skip_put(struct rsp_demux *d, uint8_t c, rsp_demux_cb *cb, void *arg)
{
	if (d->clen == d->ccap)
		dmx_bad(d, RSP_ERR_TOOBIG, cb, arg);
	d->cand[d->clen++] = c;
}

/* A body byte was appended: give up on a candidate that is too long. */
static void
dmx_check_hold(struct rsp_demux *d, rsp_demux_cb *cb, void *arg)
{
	if (d->clen < d->hold)
		return;
	if (!d->cfg.binary) {
		dmx_release(d, cb, arg);
		return;
	}
	d->state = d->state == DMX_ESC ? DMX_SKIP_ESC : DMX_SKIP;
	dmx_bad(d, RSP_ERR_TOOBIG, cb, arg);
}

static bool
dmx_printable(uint8_t c)
{
	return (c >= 0x21 && c <= 0x7e);
}

/* Text-mode body: the hot loop for packet-heavy input. */
static const uint8_t *
dmx_text_body(struct rsp_demux *d, const uint8_t *p, const uint8_t *end,
    rsp_demux_cb *cb, void *arg)
{
	size_t	room = d->hold - d->clen, n, i;
	uint8_t	c;

	n = (size_t)(end - p);
	if (n > room)
		n = room;
	i = dmx_text_span(p, n);
	memcpy(d->cand + d->clen, p, i);
	d->clen += i;
	p += i;
	if (d->clen >= d->hold) {
		dmx_release(d, cb, arg);
		return (p);
	}
	if (p == end)
		return (p);
	c = *p;
	if (c == RSP_PKT_END) {
		d->cand[d->clen++] = c;
		d->state = DMX_CK1;
		return (p + 1);
	}
	/* '$', space, CR, LF or a control byte: not a frame after all. */
	dmx_release(d, cb, arg);
	return (p);
}

/* Binary-mode body: copy plain bytes up to '$', '#', '}' or the limit. */
static const uint8_t *
dmx_bin_body(struct rsp_demux *d, const uint8_t *p, const uint8_t *end)
{
	size_t	room = d->hold - d->clen, n, i;

	n = (size_t)(end - p);
	if (n > room - 1)
		n = room - 1;
	for (i = 0; i < n; i++)
		if (dmx_class[p[i]] & DMX_C_BINSTOP)
			break;
	memcpy(d->cand + d->clen, p, i);
	d->clen += i;
	return (p + i);
}

/* One step in a candidate state; returns the first unconsumed byte. */
static const uint8_t *
dmx_frame_step(struct rsp_demux *d, const uint8_t *p, const uint8_t *end,
    rsp_demux_cb *cb, void *arg)
{
	uint8_t	c = *p;
	bool	ok;

	switch (d->state) {
	case DMX_BODY:
		if (!d->cfg.binary)
			return (dmx_text_body(d, p, end, cb, arg));
		if (d->hold - d->clen > 1) {
			/* Plain bytes that cannot reach the limit. */
			p = dmx_bin_body(d, p, end);
			if (p == end)
				return (p);
			c = *p;
		}
		if (c == RSP_PKT_START) {
			dmx_release(d, cb, arg);
			return (p);
		}
		d->cand[d->clen++] = c;
		if (c == RSP_PKT_END) {
			d->state = DMX_CK1;
			return (p + 1);
		}
		if (c == RSP_PKT_ESCAPE)
			d->state = DMX_ESC;
		dmx_check_hold(d, cb, arg);
		return (p + 1);
	case DMX_ESC:
		d->cand[d->clen++] = c;
		d->state = DMX_BODY;
		dmx_check_hold(d, cb, arg);
		return (p + 1);
	case DMX_CK1:
	case DMX_CK2:
		if (rsp_hex_val(c) >= 0)
			ok = true;
		else if (d->cfg.binary)
			ok = c != RSP_PKT_START;
		else
			ok = dmx_printable(c) && c != RSP_PKT_START;
		if (!ok) {
			if (d->cfg.binary) {
				d->state = DMX_IDLE;
				dmx_bad(d, RSP_ERR_FRAME, cb, arg);
			} else
				dmx_release(d, cb, arg);
			return (p);
		}
		d->cand[d->clen++] = c;
		if (d->state == DMX_CK1)
			d->state = DMX_CK2;
		else
			dmx_finish(d, cb, arg);
		return (p + 1);
	case DMX_SKIP:
	case DMX_SKIP_CK1:
	case DMX_SKIP_CK2:
		if (c == RSP_PKT_START) {
			d->state = DMX_IDLE;
			dmx_bad(d, RSP_ERR_TOOBIG, cb, arg);
			return (p);
		}
		dmx_skip_put(d, c, cb, arg);
		if (d->state == DMX_SKIP_CK2) {
			d->state = DMX_IDLE;
			dmx_bad(d, RSP_ERR_TOOBIG, cb, arg);
		} else if (d->state == DMX_SKIP_CK1)
			d->state = DMX_SKIP_CK2;
		else if (c == RSP_PKT_END)
			d->state = DMX_SKIP_CK1;
		else if (c == RSP_PKT_ESCAPE)
			d->state = DMX_SKIP_ESC;
		return (p + 1);
	case DMX_SKIP_ESC:
		dmx_skip_put(d, c, cb, arg);
		d->state = DMX_SKIP;
		return (p + 1);
	case DMX_IDLE:
		break;
	}
	return (p);
}

/* Let go of whatever is held: a candidate is console, a skip is BADPKT. */
static void
dmx_drop_hold(struct rsp_demux *d, rsp_demux_cb *cb, void *arg)
{
	switch (d->state) {
	case DMX_IDLE:
		return;
	case DMX_SKIP:
	case DMX_SKIP_ESC:
	case DMX_SKIP_CK1:
	case DMX_SKIP_CK2:
		d->state = DMX_IDLE;
		dmx_bad(d, RSP_ERR_TOOBIG, cb, arg);
		return;
	default:
		dmx_release(d, cb, arg);
		return;
	}
}

/*
 * Text mode, nothing held, a '$' at q: scan its body in this buffer. If it
 * is bound to come back as console (a stop byte before '#', or the hold
 * limit), return true with *next where console scanning resumes; the
 * events are the same as the slow path's, with console runs merged.
 * Otherwise return false with *next at the first byte not in the body.
 */
static bool
dmx_text_skip(const struct rsp_demux *d, const uint8_t *q,
    const uint8_t *end, const uint8_t **next)
{
	const uint8_t	*i, *lim;

	lim = (size_t)(end - q) > d->hold ? q + d->hold : end;
	i = q + 1 + dmx_text_span(q + 1, (size_t)(lim - q - 1));
	*next = i;
	if (i == q + d->hold)
		return (true);
	return (i < end && *i != RSP_PKT_END);
}

/* ---- public */

/* A demux for cfg: its limits settled, its buffers and marker tables built. */
struct rsp_demux *
rsp_demux_new(const struct rsp_demux_cfg *cfg)
{
	struct rsp_demux	*d;

	if (cfg == NULL || cfg->max_payload > RSP_PKT_MAX ||
	    cfg->hold_bytes > DMX_HOLD_MAX)
		return (NULL);
	if ((d = calloc(1, sizeof *d)) == NULL)
		return (NULL);
	d->cfg = *cfg;
	if (d->cfg.max_payload == 0)
		d->cfg.max_payload = RSP_PKT_MAX;
	d->hold = d->cfg.hold_bytes;
	if (d->hold == 0)
		d->hold = 2 * d->cfg.max_payload + RSP_PKT_OVERHEAD;
	if (d->hold < 2)
		d->hold = 2;
	d->ccap = d->hold + 3;
	d->cand = malloc(d->ccap);
	d->pay = malloc(d->cfg.max_payload);
	if (d->cand == NULL || d->pay == NULL) {
		rsp_demux_free(d);
		return (NULL);
	}
	d->state = DMX_IDLE;
	rsp_dmx_marks_init(d);
	return (d);
}

void
rsp_demux_free(struct rsp_demux *d)
{
	if (d == NULL)
		return;
	free(d->cand);
	free(d->pay);
	free(d);
}

/* Split wire bytes into acks, frames and console text, as they come. */
void
rsp_demux_feed(struct rsp_demux *d, const void *buf, size_t len,
    uint64_t now_ms, rsp_demux_cb *cb, void *arg)
{
	const uint8_t	*p = buf, *end = p + len, *q, *s, *body;
	uint8_t		 c;

	if (d == NULL || (buf == NULL && len > 0))
		return;
	rsp_demux_tick(d, now_ms, cb, arg);
	while (p < end) {
		if (d->state != DMX_IDLE) {
			p = dmx_frame_step(d, p, end, cb, arg);
			continue;
		}
		s = p;
		body = NULL;
		for (;;) {
			q = memchr(s, RSP_PKT_START, (size_t)(end - s));
			if (q == NULL) {
				q = end;
				break;
			}
			if (d->cfg.binary || d->expect_ack)
				break;
			if (!dmx_text_skip(d, q, end, &s)) {
				body = s;	/* q..s is a candidate */
				break;
			}
		}
		if (d->expect_ack) {
			for (s = p; s < q; s++)
				if (*s == RSP_ACK || *s == RSP_NAK)
					break;
			q = s;
		}
		if (q > p)
			rsp_dmx_console(d, p, (size_t)(q - p), cb, arg);
		if (q == end)
			break;
		c = *q;
		p = q + 1;
		if (c == RSP_PKT_START) {
			d->state = DMX_BODY;
			d->cand[0] = c;
			d->clen = 1;
			if (body != NULL) {
				/* dmx_text_skip already scanned the body */
				memcpy(d->cand + 1, p, (size_t)(body - p));
				d->clen += (size_t)(body - p);
				p = body;
			}
			continue;
		}
		d->expect_ack = false;
		rsp_dmx_emit(cb, arg, c == RSP_ACK ? RSP_EV_ACK : RSP_EV_NAK,
		    q, 1, q, 1, 0);
		rsp_dmx_track(d, q, 1);
	}
	if (len > 0 && d->state != DMX_IDLE)
		d->last_ms = now_ms;
}

void
rsp_demux_tick(struct rsp_demux *d, uint64_t now_ms, rsp_demux_cb *cb,
    void *arg)
{
	if (d == NULL || d->state == DMX_IDLE)
		return;
	if (now_ms >= rsp_demux_deadline(d))
		dmx_drop_hold(d, cb, arg);
}

uint64_t
rsp_demux_deadline(const struct rsp_demux *d)
{
	if (d == NULL || d->state == DMX_IDLE || d->cfg.hold_ms == 0)
		return (UINT64_MAX);
	if (d->last_ms > UINT64_MAX - d->cfg.hold_ms)
		return (UINT64_MAX);
	return (d->last_ms + d->cfg.hold_ms);
}

void
rsp_demux_flush(struct rsp_demux *d, rsp_demux_cb *cb, void *arg)
{
	if (d != NULL)
		dmx_drop_hold(d, cb, arg);
}

void
rsp_demux_expect_ack(struct rsp_demux *d, bool on)
{
	if (d != NULL)
		d->expect_ack = on;
}

void
rsp_demux_set_binary(struct rsp_demux *d, bool on)
{
	if (d != NULL && d->state == DMX_IDLE)
		d->cfg.binary = on;
}

bool
rsp_demux_holding(const struct rsp_demux *d)
{
	return (d != NULL && d->state != DMX_IDLE);
}
