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

#include "rsp/rsp.h"

#define DMX_TAIL	64	/* console context kept across feeds */
#define DMX_LINE_SAT	16	/* linelen saturates here: prompts are short */
#define DMX_PROMPT_MAX	12	/* longest line before '>' we call a prompt */
#define DMX_HOLD_MAX	(1U << 20)
#define DMX_NLONG	5
#define DMX_NSHORT	4
#define DMX_HASHSZ	8192
/* Three bytes to a table index; collisions only make shifts shorter. */
#define DMX_HASH(a, b, c) \
	(((size_t)(a) << 10 ^ (size_t)(b) << 5 ^ (size_t)(c)) & (DMX_HASHSZ - 1))

enum dmx_state {
	DMX_IDLE,
	DMX_BODY,
	DMX_ESC,
	DMX_CK1,
	DMX_CK2,
	DMX_SKIP,
	DMX_SKIP_ESC,
	DMX_SKIP_CK1,
	DMX_SKIP_CK2,
};

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

struct dmx_pat {
	const char	*s;
	size_t		 len;
	enum rsp_mark	 mark;
};

#define DMX_PAT(s, m)	{ s, sizeof(s) - 1, m }

/*
 * Markers matched anywhere in a line. The long ones (at least DMX_MINLONG
 * bytes) are found by a Horspool scan; the short ones by memchr on a rare
 * anchor byte, dmx_short_off[k] bytes before their end.
 */
static const struct dmx_pat dmx_long[DMX_NLONG] = {
	DMX_PAT(RSP_STR_KGDB_WAIT, RSP_MARK_KGDB_WAIT),
	DMX_PAT(RSP_STR_KGDB_ENTER_GDB, RSP_MARK_KGDB_WAIT),
	DMX_PAT(RSP_STR_KGDB_TRAP_WAIT, RSP_MARK_KGDB_WAIT),
	DMX_PAT(RSP_STR_PANIC, RSP_MARK_PANIC),
	DMX_PAT(RSP_STR_GPF, RSP_MARK_OOPS),
};
#define DMX_MINLONG	21
static const struct dmx_pat dmx_short[DMX_NSHORT] = {
	DMX_PAT(RSP_STR_BUG, RSP_MARK_OOPS),		/* 'G' */
	DMX_PAT(RSP_STR_OOPS, RSP_MARK_OOPS),		/* 'O' */
	DMX_PAT(RSP_STR_KERNEL_BUG, RSP_MARK_OOPS),	/* 'G' */
	DMX_PAT(RSP_STR_KDB_ENTER, RSP_MARK_KDB_ENTER),	/* '(' */
};
static const size_t dmx_short_off[DMX_NSHORT] = { 1, 4, 4, 0 };
#define DMX_SHORTMAX	14	/* longest in dmx_short */

struct rsp_demux {
	struct rsp_demux_cfg cfg;
	size_t		 hold;		/* '$' + body bytes before giving up */
	enum dmx_state	 state;
	bool		 expect_ack;
	uint64_t	 last_ms;	/* when the candidate last grew */

	uint8_t		*cand;		/* held frame, raw */
	size_t		 clen;
	size_t		 ccap;
	uint8_t		*pay;		/* decoded payload, cfg.max_payload */

	/* Marker context: the last bytes of the stream (every byte, in
	 * order, frames and acks included) and the current line length. */
	uint8_t		 tail[DMX_TAIL];
	size_t		 tlen;
	size_t		 linelen;
	bool		 pend_prompt;	/* line is "…kdb>": a ' ' completes */
	enum rsp_mark	 pend_mark;
	int		 pend_cpu;

	/* Horspool tables over the long markers, indexed by a hash of the
	 * last three bytes of the window (Wu-Manber with 3-byte blocks). */
	uint8_t		 shift[DMX_HASHSZ];
	uint8_t		 endmask[DMX_HASHSZ];
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
	return i;
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
	return (uint8_t)sum;
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
			return RSP_ERR_TOOBIG;
		memcpy(out, in, len);
		return (int)len;
	}
	for (size_t i = 0; i < len; i++) {
		c = in[i];
		if (c == RSP_PKT_RLE) {
			if (o == 0 || ++i == len)
				return RSP_ERR_RLE;
			if (in[i] < 32 || in[i] > 126)
				return RSP_ERR_RLE;
			n = (size_t)in[i] - 29;
			if (n > outmax - o)
				return RSP_ERR_TOOBIG;
			memset(out + o, out[o - 1], n);
			o += n;
			continue;
		}
		if (c == RSP_PKT_ESCAPE) {
			if (++i == len)
				return RSP_ERR_ESCAPE;
			c = (uint8_t)(in[i] ^ RSP_PKT_ESCAPE_XOR);
		}
		if (o == outmax)
			return RSP_ERR_TOOBIG;
		out[o++] = c;
	}
	return (int)o;
}

static void
dmx_emit(rsp_demux_cb *cb, void *arg, enum rsp_ev_type type,
    const uint8_t *data, size_t len, const uint8_t *raw, size_t rawlen,
    int err)
{
	struct rsp_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.data = data;
	ev.len = len;
	ev.raw = raw;
	ev.rawlen = rawlen;
	ev.err = err;
	ev.kdb_cpu = -1;
	cb(arg, &ev);
}

static void
dmx_emit_mark(rsp_demux_cb *cb, void *arg, enum rsp_mark mark, int cpu)
{
	struct rsp_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.type = RSP_EV_MARK;
	ev.mark = mark;
	ev.kdb_cpu = cpu;
	cb(arg, &ev);
}

/* ---- marker context */

/* Append stream bytes to the marker context (after their events). */
static void
dmx_track(struct rsp_demux *d, const uint8_t *buf, size_t n)
{
	size_t	k, keep, lim;

	d->pend_prompt = false;
	if (!d->cfg.marks || n == 0)
		return;
	lim = n > DMX_LINE_SAT ? n - DMX_LINE_SAT : 0;
	for (k = n; k > lim; k--)
		if (buf[k - 1] == '\n' || buf[k - 1] == '\r')
			break;
	if (k > lim && (buf[k - 1] == '\n' || buf[k - 1] == '\r'))
		d->linelen = n - k;
	else if (lim > 0)
		d->linelen = DMX_LINE_SAT;
	else {
		d->linelen += n;
		if (d->linelen > DMX_LINE_SAT)
			d->linelen = DMX_LINE_SAT;
	}
	if (n >= DMX_TAIL) {
		memcpy(d->tail, buf + n - DMX_TAIL, DMX_TAIL);
		d->tlen = DMX_TAIL;
		return;
	}
	keep = d->tlen;
	if (keep > DMX_TAIL - n)
		keep = DMX_TAIL - n;
	memmove(d->tail, d->tail + d->tlen - keep, keep);
	memcpy(d->tail + keep, buf, n);
	d->tlen = keep + n;
}

/* Byte k places before run[i] (k >= 1), reaching into the tail. */
static int
dmx_before(const struct rsp_demux *d, const uint8_t *run, size_t i, size_t k)
{
	if (k <= i)
		return run[i - k];
	k -= i;
	if (k > d->tlen)
		return -1;
	return d->tail[d->tlen - k];
}

/* Does pat end exactly at run[e]? */
static bool
dmx_ends(const struct rsp_demux *d, const uint8_t *run, size_t e,
    const char *pat, size_t plen)
{
	size_t	have = e + 1, need;

	if (have >= plen)
		return memcmp(run + have - plen, pat, plen) == 0;
	need = plen - have;
	if (need > d->tlen)
		return false;
	return memcmp(d->tail + d->tlen - need, pat, need) == 0 &&
	    memcmp(run, pat + need, have) == 0;
}

/* Next long marker ending at or after from (set Horspool on 3 bytes). */
static size_t
dmx_find_long(const struct rsp_demux *d, const uint8_t *run, size_t n,
    size_t from, enum rsp_mark *mark_out)
{
	size_t	e = from, h;
	int	p1, p2;
	uint8_t	m;

	while (e < n) {
		if (e >= 2)
			h = DMX_HASH(run[e - 2], run[e - 1], run[e]);
		else {
			if ((p1 = dmx_before(d, run, e, 1)) < 0)
				p1 = 0;
			if ((p2 = dmx_before(d, run, e, 2)) < 0)
				p2 = 0;
			h = DMX_HASH((unsigned)p2, (unsigned)p1, run[e]);
		}
		m = d->endmask[h];
		if (m != 0) {
			for (size_t k = 0; k < DMX_NLONG; k++) {
				if ((m & (1U << k)) == 0)
					continue;
				if (dmx_ends(d, run, e, dmx_long[k].s,
				    dmx_long[k].len)) {
					*mark_out = dmx_long[k].mark;
					return e;
				}
			}
		}
		e += d->shift[h];
	}
	return SIZE_MAX;
}

/* First match of pat ending at or after lo, found by its anchor byte. */
static size_t
dmx_find_anchor(const uint8_t *run, size_t n, size_t lo, const char *pat,
    size_t plen, size_t anchor)
{
	const uint8_t	*p;
	size_t		 at = lo - anchor, e;

	while (at < n && (p = memchr(run + at, pat[plen - 1 - anchor],
	    n - at)) != NULL) {
		e = (size_t)(p - run) + anchor;
		if (e >= n)
			break;
		if (memcmp(run + e + 1 - plen, pat, plen) == 0)
			return e;
		at = (size_t)(p - run) + 1;
	}
	return SIZE_MAX;
}

/*
 * Next short marker ending at or after from. Those that start in the tail
 * can only end in the first DMX_SHORTMAX - 1 bytes and are checked there;
 * the rest lie wholly in the run and are found from their anchor byte.
 */
static size_t
dmx_find_short(const struct rsp_demux *d, const uint8_t *run, size_t n,
    size_t from, enum rsp_mark *mark_out)
{
	size_t	e, k, len, lo, best = SIZE_MAX, at;

	for (e = from; e < n && e < DMX_SHORTMAX - 1 && best == SIZE_MAX;
	    e++) {
		for (k = 0; k < DMX_NSHORT; k++) {
			len = dmx_short[k].len;
			if (e + 1 >= len ||
			    run[e] != (uint8_t)dmx_short[k].s[len - 1])
				continue;
			if (dmx_ends(d, run, e, dmx_short[k].s, len)) {
				*mark_out = dmx_short[k].mark;
				best = e;
				break;
			}
		}
	}
	for (k = 0; k < DMX_NSHORT; k++) {
		len = dmx_short[k].len;
		lo = from > len - 1 ? from : len - 1;
		if (lo >= best)
			continue;
		at = dmx_find_anchor(run, n, lo, dmx_short[k].s, len,
		    dmx_short_off[k]);
		if (at < best) {
			best = at;
			*mark_out = dmx_short[k].mark;
		}
	}
	return best;
}

/*
 * Is run[i] (a '>') the end of a prompt line: "kdb>", "[N]kdb>" or
 * "more>" right after a CR, LF or the start of the stream?
 */
static bool
dmx_prompt_at(const struct rsp_demux *d, const uint8_t *run, size_t i,
    enum rsp_mark *mark_out, int *cpu_out)
{
	char	line[DMX_PROMPT_MAX + 1];
	size_t	len, k;
	int	c, cpu;

	for (len = 0; len <= DMX_PROMPT_MAX && len < i; len++)
		if (run[i - 1 - len] == '\n' || run[i - 1 - len] == '\r')
			break;
	if (len == i) {
		/* No line end in the run before '>': count the tail too. */
		if (d->linelen >= DMX_LINE_SAT)
			return false;
		len = i + d->linelen;
	}
	if (len > DMX_PROMPT_MAX || len < 3)
		return false;
	for (k = 0; k < len; k++) {
		if ((c = dmx_before(d, run, i, len - k)) < 0)
			return false;
		line[k] = (char)c;
	}
	line[len] = '\0';
	if (strcmp(line, "more") == 0) {
		*mark_out = RSP_MARK_KDB_PAGER;
		*cpu_out = -1;
		return true;
	}
	if (len < 3 || memcmp(line + len - 3, "kdb", 3) != 0)
		return false;
	*mark_out = RSP_MARK_KDB_PROMPT;
	*cpu_out = -1;
	if (len == 3)
		return true;
	if (len < 6 || len > 10 || line[0] != '[' || line[len - 4] != ']')
		return false;
	cpu = 0;
	for (k = 1; k < len - 4; k++) {
		if (line[k] < '0' || line[k] > '9')
			return false;
		cpu = cpu * 10 + (line[k] - '0');
	}
	*cpu_out = cpu;
	return true;
}

/*
 * Next prompt ending (its ' ') at or after from. A prompt whose '>' is the
 * last byte of the run is reported through *pend (its ' ' is yet to come).
 */
static size_t
dmx_find_prompt(const struct rsp_demux *d, const uint8_t *run, size_t n,
    size_t from, enum rsp_mark *mark_out, int *cpu_out, bool *pend)
{
	const uint8_t	*p;
	size_t		 i;

	while (from < n && (p = memchr(run + from, '>', n - from)) != NULL) {
		i = (size_t)(p - run);
		from = i + 1;
		if (i + 1 < n && run[i + 1] != ' ')
			continue;
		if (!dmx_prompt_at(d, run, i, mark_out, cpu_out))
			continue;
		if (i + 1 < n)
			return i + 1;
		*pend = true;
	}
	return SIZE_MAX;
}

/* Console bytes out, with markers placed after the byte completing them. */
static void
dmx_console(struct rsp_demux *d, const uint8_t *buf, size_t n,
    rsp_demux_cb *cb, void *arg)
{
	size_t		 cur = 0, nl, nc, np, e;
	enum rsp_mark	 ml = RSP_MARK_OOPS, mp = RSP_MARK_KDB_PROMPT, mk;
	enum rsp_mark	 ms = RSP_MARK_OOPS;
	int		 cp = -1, cpu;
	bool		 pend = false, pend_seen = false;
	enum rsp_mark	 pm = RSP_MARK_KDB_PROMPT;
	int		 pc = -1;

	if (n == 0)
		return;
	if (!d->cfg.marks) {
		dmx_emit(cb, arg, RSP_EV_CONSOLE, buf, n, NULL, 0, 0);
		return;
	}
	if (d->pend_prompt && buf[0] == ' ') {
		dmx_emit(cb, arg, RSP_EV_CONSOLE, buf, 1, NULL, 0, 0);
		dmx_emit_mark(cb, arg, d->pend_mark, d->pend_cpu);
		cur = 1;
	}
	nl = dmx_find_long(d, buf, n, cur, &ml);
	nc = dmx_find_short(d, buf, n, cur, &ms);
	np = dmx_find_prompt(d, buf, n, cur, &mp, &cp, &pend);
	if (pend) {
		pend_seen = true;
		pm = mp;
		pc = cp;
	}
	for (;;) {
		e = nl;
		mk = ml;
		cpu = -1;
		if (nc < e) {
			e = nc;
			mk = ms;
		}
		if (np < e) {
			e = np;
			mk = mp;
			cpu = cp;
		}
		if (e == SIZE_MAX)
			break;
		dmx_emit(cb, arg, RSP_EV_CONSOLE, buf + cur, e + 1 - cur,
		    NULL, 0, 0);
		dmx_emit_mark(cb, arg, mk, cpu);
		cur = e + 1;
		if (nl == e)
			nl = dmx_find_long(d, buf, n, cur, &ml);
		if (nc == e)
			nc = dmx_find_short(d, buf, n, cur, &ms);
		if (np == e) {
			pend = false;
			np = dmx_find_prompt(d, buf, n, cur, &mp, &cp, &pend);
			if (pend) {
				pend_seen = true;
				pm = mp;
				pc = cp;
			}
		}
	}
	if (cur < n)
		dmx_emit(cb, arg, RSP_EV_CONSOLE, buf + cur, n - cur, NULL, 0,
		    0);
	dmx_track(d, buf, n);
	if (pend_seen) {
		d->pend_prompt = true;
		d->pend_mark = pm;
		d->pend_cpu = pc;
	}
}

/* ---- frames */

static void
dmx_release(struct rsp_demux *d, rsp_demux_cb *cb, void *arg)
{
	size_t	n = d->clen;

	d->state = DMX_IDLE;
	d->clen = 0;
	dmx_console(d, d->cand, n, cb, arg);
}

static void
dmx_bad(struct rsp_demux *d, int err, rsp_demux_cb *cb, void *arg)
{
	size_t	n = d->clen;

	d->clen = 0;
	if (n == 0)
		return;
	dmx_emit(cb, arg, RSP_EV_BADPKT, NULL, 0, d->cand, n, err);
	dmx_track(d, d->cand, n);
}

static bool
dmx_is_output(const uint8_t *p, size_t len)
{
	if (len < 3 || p[0] != 'O' || (len - 1) % 2 != 0)
		return false;
	for (size_t i = 1; i < len; i++)
		if (rsp_hex_val(p[i]) < 0)
			return false;
	return true;
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
		dmx_emit(cb, arg, RSP_EV_OUTPUT, d->pay, i, d->cand, d->clen,
		    0);
	} else
		dmx_emit(cb, arg, RSP_EV_PACKET, d->pay, n, d->cand, d->clen,
		    0);
	n = d->clen;
	d->clen = 0;
	dmx_track(d, d->cand, n);
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
	return c >= 0x21 && c <= 0x7e;
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
		return p;
	}
	if (p == end)
		return p;
	c = *p;
	if (c == RSP_PKT_END) {
		d->cand[d->clen++] = c;
		d->state = DMX_CK1;
		return p + 1;
	}
	/* '$', space, CR, LF or a control byte: not a frame after all. */
	dmx_release(d, cb, arg);
	return p;
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
	return p + i;
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
			return dmx_text_body(d, p, end, cb, arg);
		if (d->hold - d->clen > 1) {
			/* Plain bytes that cannot reach the limit. */
			p = dmx_bin_body(d, p, end);
			if (p == end)
				return p;
			c = *p;
		}
		if (c == RSP_PKT_START) {
			dmx_release(d, cb, arg);
			return p;
		}
		d->cand[d->clen++] = c;
		if (c == RSP_PKT_END) {
			d->state = DMX_CK1;
			return p + 1;
		}
		if (c == RSP_PKT_ESCAPE)
			d->state = DMX_ESC;
		dmx_check_hold(d, cb, arg);
		return p + 1;
	case DMX_ESC:
		d->cand[d->clen++] = c;
		d->state = DMX_BODY;
		dmx_check_hold(d, cb, arg);
		return p + 1;
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
			return p;
		}
		d->cand[d->clen++] = c;
		if (d->state == DMX_CK1)
			d->state = DMX_CK2;
		else
			dmx_finish(d, cb, arg);
		return p + 1;
	case DMX_SKIP:
	case DMX_SKIP_CK1:
	case DMX_SKIP_CK2:
		if (c == RSP_PKT_START) {
			d->state = DMX_IDLE;
			dmx_bad(d, RSP_ERR_TOOBIG, cb, arg);
			return p;
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
		return p + 1;
	case DMX_SKIP_ESC:
		dmx_skip_put(d, c, cb, arg);
		d->state = DMX_SKIP;
		return p + 1;
	case DMX_IDLE:
		break;
	}
	return p;
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
		return true;
	return i < end && *i != RSP_PKT_END;
}

/* ---- public */

struct rsp_demux *
rsp_demux_new(const struct rsp_demux_cfg *cfg)
{
	struct rsp_demux	*d;
	size_t			 m, k, j, len, dist, h;
	const char		*s;

	if (cfg == NULL || cfg->max_payload > RSP_PKT_MAX ||
	    cfg->hold_bytes > DMX_HOLD_MAX)
		return NULL;
	if ((d = calloc(1, sizeof *d)) == NULL)
		return NULL;
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
		return NULL;
	}
	d->state = DMX_IDLE;

	/* Horspool over the last DMX_MINLONG bytes of each long marker: a
	 * window ending in 3-byte block b may move on by the least distance
	 * from a block like b to the end of a marker. */
	m = DMX_MINLONG;
	memset(d->shift, (int)(m - 2), sizeof d->shift);
	for (k = 0; k < DMX_NLONG; k++) {
		s = dmx_long[k].s;
		len = dmx_long[k].len;
		for (j = len - m + 2; j < len; j++) {
			dist = len - 1 - j;
			h = DMX_HASH((uint8_t)s[j - 2], (uint8_t)s[j - 1],
			    (uint8_t)s[j]);
			if (dist == 0)
				d->endmask[h] = (uint8_t)(d->endmask[h] |
				    (1U << k));
			else if (dist < d->shift[h])
				d->shift[h] = (uint8_t)dist;
		}
	}
	return d;
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
			dmx_console(d, p, (size_t)(q - p), cb, arg);
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
		dmx_emit(cb, arg, c == RSP_ACK ? RSP_EV_ACK : RSP_EV_NAK,
		    q, 1, q, 1, 0);
		dmx_track(d, q, 1);
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
		return UINT64_MAX;
	if (d->last_ms > UINT64_MAX - d->cfg.hold_ms)
		return UINT64_MAX;
	return d->last_ms + d->cfg.hold_ms;
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

bool
rsp_demux_holding(const struct rsp_demux *d)
{
	return d != NULL && d->state != DMX_IDLE;
}
