/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rsp/demux_marks.c: the console markers of rsp/demux.c: kgdb's and kdb's
 * banners, panics and oopses, kdb prompts, found in the console stream
 * (even across two feeds) and reported right after the byte completing
 * them.
 */
#include <stdlib.h>
#include <string.h>

#include "rsp/demux_int.h"

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

/* The Horspool tables of a new demux. */
void
rsp_dmx_marks_init(struct rsp_demux *d)
{
	size_t		 m, k, j, len, dist, h;
	const char	*s;

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
}


/* Append stream bytes to the marker context (after their events). */
void
rsp_dmx_track(struct rsp_demux *d, const uint8_t *buf, size_t n)
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
		return (run[i - k]);
	k -= i;
	if (k > d->tlen)
		return (-1);
	return (d->tail[d->tlen - k]);
}

/* Does pat end exactly at run[e]? */
static bool
dmx_ends(const struct rsp_demux *d, const uint8_t *run, size_t e,
    const char *pat, size_t plen)
{
	size_t	have = e + 1, need;

	if (have >= plen)
		return (memcmp(run + have - plen, pat, plen) == 0);
	need = plen - have;
	if (need > d->tlen)
		return (false);
	return (memcmp(d->tail + d->tlen - need, pat, need) == 0 &&
	    memcmp(run, pat + need, have) == 0);
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
					return (e);
				}
			}
		}
		e += d->shift[h];
	}
	return (SIZE_MAX);
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
			return (e);
		at = (size_t)(p - run) + 1;
	}
	return (SIZE_MAX);
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
	return (best);
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
			return (false);
		len = i + d->linelen;
	}
	if (len > DMX_PROMPT_MAX || len < 3)
		return (false);
	for (k = 0; k < len; k++) {
		if ((c = dmx_before(d, run, i, len - k)) < 0)
			return (false);
		line[k] = (char)c;
	}
	line[len] = '\0';
	if (strcmp(line, "more") == 0) {
		*mark_out = RSP_MARK_KDB_PAGER;
		*cpu_out = -1;
		return (true);
	}
	if (len < 3 || memcmp(line + len - 3, "kdb", 3) != 0)
		return (false);
	*mark_out = RSP_MARK_KDB_PROMPT;
	*cpu_out = -1;
	if (len == 3)
		return (true);
	if (len < 6 || len > 10 || line[0] != '[' || line[len - 4] != ']')
		return (false);
	cpu = 0;
	for (k = 1; k < len - 4; k++) {
		if (line[k] < '0' || line[k] > '9')
			return (false);
		cpu = cpu * 10 + (line[k] - '0');
	}
	*cpu_out = cpu;
	return (true);
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
			return (i + 1);
		*pend = true;
	}
	return (SIZE_MAX);
}

/* Console bytes out, with markers placed after the byte completing them. */
void
rsp_dmx_console(struct rsp_demux *d, const uint8_t *buf, size_t n,
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
		rsp_dmx_emit(cb, arg, RSP_EV_CONSOLE, buf, n, NULL, 0, 0);
		return;
	}
	if (d->pend_prompt && buf[0] == ' ') {
		rsp_dmx_emit(cb, arg, RSP_EV_CONSOLE, buf, 1, NULL, 0, 0);
		rsp_dmx_emit_mark(cb, arg, d->pend_mark, d->pend_cpu);
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
		rsp_dmx_emit(cb, arg, RSP_EV_CONSOLE, buf + cur, e + 1 - cur,
		    NULL, 0, 0);
		rsp_dmx_emit_mark(cb, arg, mk, cpu);
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
		rsp_dmx_emit(cb, arg, RSP_EV_CONSOLE, buf + cur, n - cur, NULL, 0,
		    0);
	rsp_dmx_track(d, buf, n);
	if (pend_seen) {
		d->pend_prompt = true;
		d->pend_mark = pm;
		d->pend_cpu = pc;
	}
}
