/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/demux_rec.h: record rsp_demux events as one normalised string,
 * shared by tests/unit/test_demux.c and tests/fuzz/fuzz_demux.c.
 *
 * Events are written as tokens separated by '|':
 *   C:<text>       console (adjacent runs merged)
 *   P:<payload>    packet        O:<text>   output (decoded)
 *   B<err>:<raw>   bad frame     A / N      ack / nak
 *   M<name>[cpu]   marker, e.g. Mprompt0, Mprompt, Mpager, Moops
 * Bytes outside 0x20..0x7e, '|' and '\' are written as \r, \n or \xNN,
 * so the string is unambiguous for any input. rec->wire collects console
 * bytes, frames and acks in order: the demux invariant is wire == input.
 * Check failures set rec->bad with a reason; callers assert on it.
 */
#ifndef TESTS_DEMUX_REC_H
#define TESTS_DEMUX_REC_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsp/rsp.h"

struct demux_rec {
	char		*ev;		/* normalised events, NUL-terminated */
	size_t		 evlen, evcap;
	uint8_t		*wire;		/* reconstruction of the input */
	size_t		 wlen, wcap;
	int		 last;		/* type of the last token, or -1 */
	const char	*bad;		/* first broken rule, or NULL */
	size_t		 max_payload;
	size_t		 nevents;
	/* Optional behaviour of the fake caller. */
	int		 ack_after_pkt;	/* set expect_ack after each frame */
	struct rsp_demux *d;
};

static void
demux_rec_grow(void **buf, size_t *cap, size_t need)
{
	size_t	ncap = *cap ? *cap : 256;

	if (need <= *cap)
		return;
	while (ncap < need)
		ncap *= 2;
	*buf = realloc(*buf, ncap);
	if (*buf == NULL)
		abort();
	*cap = ncap;
}

static void
demux_rec_puts(struct demux_rec *r, const char *s, size_t n)
{
	demux_rec_grow((void **)&r->ev, &r->evcap, r->evlen + n + 1);
	memcpy(r->ev + r->evlen, s, n);
	r->evlen += n;
	r->ev[r->evlen] = '\0';
}

static void
demux_rec_bytes(struct demux_rec *r, const uint8_t *p, size_t n)
{
	char	tmp[8];

	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c == '\r')
			demux_rec_puts(r, "\\r", 2);
		else if (c == '\n')
			demux_rec_puts(r, "\\n", 2);
		else if (c < 0x20 || c > 0x7e || c == '|' || c == '\\') {
			snprintf(tmp, sizeof tmp, "\\x%02x", c);
			demux_rec_puts(r, tmp, 4);
		} else
			demux_rec_puts(r, (const char *)&c, 1);
	}
}

static void
demux_rec_wire(struct demux_rec *r, const uint8_t *p, size_t n)
{
	if (n == 0)
		return;
	demux_rec_grow((void **)&r->wire, &r->wcap, r->wlen + n);
	memcpy(r->wire + r->wlen, p, n);
	r->wlen += n;
}

static const char *
demux_rec_markname(enum rsp_mark m)
{
	switch (m) {
	case RSP_MARK_KDB_PROMPT:
		return ("prompt");
	case RSP_MARK_KDB_PAGER:
		return ("pager");
	case RSP_MARK_KDB_ENTER:
		return ("enter");
	case RSP_MARK_KGDB_WAIT:
		return ("wait");
	case RSP_MARK_PANIC:
		return ("panic");
	case RSP_MARK_OOPS:
		return ("oops");
	}
	return ("?");
}

/*
 * rsp/packet.c decodes frames on its own: a PACKET must decode to the same
 * payload there, and a complete frame the demux rejected must fail there.
 * One known difference is left out: in binary mode the demux takes "}$"
 * and "}#" as escaped data, while rsp_pkt_decode refuses any '$' or '#'
 * in a body (gdb itself never sends them).
 */
static void
demux_rec_crosscheck(struct demux_rec *r, const struct rsp_event *ev)
{
	uint8_t	buf[RSP_PKT_MAX];
	int	n;

	if (ev->rawlen < RSP_PKT_OVERHEAD || ev->raw[0] != '$' ||
	    ev->raw[ev->rawlen - 3] != '#')
		return;
	for (size_t i = 1; i + 3 < ev->rawlen; i++)
		if (ev->raw[i] == '$' || ev->raw[i] == '#')
			return;
	n = rsp_pkt_decode(buf, r->max_payload, (const char *)ev->raw,
	    ev->rawlen);
	if (ev->type == RSP_EV_PACKET && (n < 0 || (size_t)n != ev->len ||
	    memcmp(buf, ev->data, ev->len) != 0))
		r->bad = r->bad ? r->bad : "rsp_pkt_decode disagrees (packet)";
	if (ev->type == RSP_EV_OUTPUT && n < 0)
		r->bad = r->bad ? r->bad : "rsp_pkt_decode disagrees (output)";
	if (ev->type == RSP_EV_BADPKT && ev->err != RSP_ERR_TOOBIG &&
	    n >= 0)
		r->bad = r->bad ? r->bad : "rsp_pkt_decode disagrees (bad)";
}

static void
demux_rec_cb(void *arg, const struct rsp_event *ev)
{
	struct demux_rec	*r = arg;
	char			 tmp[64];
	int			 n;

	r->nevents++;
	if (ev->type == RSP_EV_CONSOLE) {
		if (ev->len == 0 || ev->data == NULL)
			r->bad = r->bad ? r->bad : "empty console event";
		if (r->last != RSP_EV_CONSOLE) {
			if (r->evlen > 0)
				demux_rec_puts(r, "|", 1);
			demux_rec_puts(r, "C:", 2);
		}
		demux_rec_bytes(r, ev->data, ev->len);
		demux_rec_wire(r, ev->data, ev->len);
		r->last = RSP_EV_CONSOLE;
		return;
	}
	if (r->evlen > 0)
		demux_rec_puts(r, "|", 1);
	r->last = (int)ev->type;
	switch (ev->type) {
	case RSP_EV_PACKET:
	case RSP_EV_OUTPUT:
		if (ev->raw == NULL || ev->rawlen < RSP_PKT_OVERHEAD ||
		    ev->raw[0] != '$' || ev->raw[ev->rawlen - 3] != '#')
			r->bad = r->bad ? r->bad : "packet raw is not a frame";
		if (ev->type == RSP_EV_PACKET && ev->len > r->max_payload)
			r->bad = r->bad ? r->bad : "payload over max_payload";
		if (ev->type == RSP_EV_OUTPUT && (ev->len == 0 ||
		    ev->raw[1] != 'O'))
			r->bad = r->bad ? r->bad : "bad output event";
		demux_rec_crosscheck(r, ev);
		demux_rec_puts(r, ev->type == RSP_EV_PACKET ? "P:" : "O:", 2);
		if (ev->len > 0)
			demux_rec_bytes(r, ev->data, ev->len);
		demux_rec_wire(r, ev->raw, ev->rawlen);
		if (r->ack_after_pkt)
			rsp_demux_expect_ack(r->d, true);
		break;
	case RSP_EV_BADPKT:
		if (ev->raw == NULL || ev->rawlen == 0 || ev->err >= 0)
			r->bad = r->bad ? r->bad : "bad BADPKT event";
		demux_rec_crosscheck(r, ev);
		n = snprintf(tmp, sizeof tmp, "B%d:", ev->err);
		demux_rec_puts(r, tmp, (size_t)n);
		demux_rec_bytes(r, ev->raw, ev->rawlen);
		demux_rec_wire(r, ev->raw, ev->rawlen);
		if (r->ack_after_pkt)
			rsp_demux_expect_ack(r->d, true);
		break;
	case RSP_EV_ACK:
	case RSP_EV_NAK:
		if (ev->rawlen != 1 || ev->raw[0] !=
		    (ev->type == RSP_EV_ACK ? '+' : '-'))
			r->bad = r->bad ? r->bad : "bad ack event";
		demux_rec_puts(r, ev->type == RSP_EV_ACK ? "A" : "N", 1);
		demux_rec_wire(r, ev->raw, ev->rawlen);
		break;
	case RSP_EV_MARK:
		if (ev->len != 0 || ev->rawlen != 0)
			r->bad = r->bad ? r->bad : "mark with bytes";
		if (ev->mark == RSP_MARK_KDB_PROMPT && ev->kdb_cpu >= 0)
			n = snprintf(tmp, sizeof tmp, "M%s%d",
			    demux_rec_markname(ev->mark), ev->kdb_cpu);
		else
			n = snprintf(tmp, sizeof tmp, "M%s",
			    demux_rec_markname(ev->mark));
		demux_rec_puts(r, tmp, (size_t)n);
		break;
	default:
		r->bad = r->bad ? r->bad : "unknown event type";
		break;
	}
}

static void
demux_rec_init(struct demux_rec *r, size_t max_payload)
{
	memset(r, 0, sizeof *r);
	r->last = -1;
	r->max_payload = max_payload ? max_payload : RSP_PKT_MAX;
	demux_rec_puts(r, "", 0);
}

static void
demux_rec_free(struct demux_rec *r)
{
	free(r->ev);
	free(r->wire);
	memset(r, 0, sizeof *r);
}

/*
 * Feed input cut at the given increasing offsets (all at clock 0), then
 * flush. Returns false if the demux could not be made.
 */
static bool
demux_rec_run(struct demux_rec *r, const struct rsp_demux_cfg *cfg,
    bool expect_ack, int ack_after_pkt, const uint8_t *in, size_t len,
    const size_t *cuts, size_t ncuts)
{
	struct rsp_demux	*d;
	size_t			 at = 0, to;

	demux_rec_init(r, cfg->max_payload);
	if ((d = rsp_demux_new(cfg)) == NULL)
		return (false);
	r->d = d;
	r->ack_after_pkt = ack_after_pkt;
	rsp_demux_expect_ack(d, expect_ack);
	for (size_t i = 0; i <= ncuts; i++) {
		to = i < ncuts ? cuts[i] : len;
		if (to < at)
			to = at;
		if (to > len)
			to = len;
		rsp_demux_feed(d, in + at, to - at, 0, demux_rec_cb, r);
		at = to;
	}
	rsp_demux_flush(d, demux_rec_cb, r);
	if (rsp_demux_holding(d))
		r->bad = r->bad ? r->bad : "holding after flush";
	if (r->wlen != len || (len > 0 && memcmp(r->wire, in, len) != 0))
		r->bad = r->bad ? r->bad : "console+frames+acks != input";
	rsp_demux_free(d);
	r->d = NULL;
	return (true);
}

/*
 * Like demux_rec_run, but feed i happens at clock times[i] (increasing)
 * and rsp_demux_tick runs before it at ticks[i]. Time-outs make the events
 * depend on the clock, so only the rules (invariant, deadlines) are
 * checked, not the event string.
 */
static bool
demux_rec_run_timed(struct demux_rec *r, const struct rsp_demux_cfg *cfg,
    const uint8_t *in, size_t len, const size_t *cuts,
    const uint64_t *times, size_t ncuts)
{
	struct rsp_demux	*d;
	size_t			 at = 0, to;
	uint64_t		 now = 0, dl;

	demux_rec_init(r, cfg->max_payload);
	if ((d = rsp_demux_new(cfg)) == NULL)
		return (false);
	r->d = d;
	r->ack_after_pkt = 1;
	for (size_t i = 0; i <= ncuts; i++) {
		to = i < ncuts ? cuts[i] : len;
		if (to < at)
			to = at;
		if (to > len)
			to = len;
		if (i < ncuts && times[i] > now)
			now = times[i];
		dl = rsp_demux_deadline(d);
		rsp_demux_tick(d, now, demux_rec_cb, r);
		if (dl <= now && rsp_demux_holding(d))
			r->bad = r->bad ? r->bad : "held past the deadline";
		if (!rsp_demux_holding(d) &&
		    rsp_demux_deadline(d) != UINT64_MAX)
			r->bad = r->bad ? r->bad : "deadline with nothing held";
		rsp_demux_feed(d, in + at, to - at, now, demux_rec_cb, r);
		if (rsp_demux_holding(d) && cfg->hold_ms != 0 &&
		    to > at && rsp_demux_deadline(d) != now + cfg->hold_ms)
			r->bad = r->bad ? r->bad : "deadline not last byte + hold";
		at = to;
	}
	rsp_demux_flush(d, demux_rec_cb, r);
	if (rsp_demux_holding(d))
		r->bad = r->bad ? r->bad : "holding after flush";
	if (r->wlen != len || (len > 0 && memcmp(r->wire, in, len) != 0))
		r->bad = r->bad ? r->bad : "console+frames+acks != input";
	rsp_demux_free(d);
	r->d = NULL;
	return (true);
}

#endif
