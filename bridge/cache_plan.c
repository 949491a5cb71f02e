/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/cache_plan.c: the stop-state cache's decisions. For each of gdb's
 * requests, br_cache_request says whether the cache answers it, what goes
 * to the wire first, or that it passes; for each reply, br_cache_reply
 * says what is kept and what gdb gets. The bytes themselves live in the
 * store (cache.c), which this file calls and which never calls back.
 *
 * A miss decides which read to send: gdb's small reads are widened up to
 * the stub's limit (rsp_arch mem_read_max), never across a page (a kgdb
 * read is all-or-nothing), and only inside regions where a read has no
 * side effect: the kernel image, known task stacks (from the SP of every
 * 'g' reply) and the direct map of RAM. A widened read that fails is
 * retried as gdb asked it. Read-only sections come from the vmlinux file
 * once vmlinux.c has compared samples with the kernel.
 *
 * The kgdb stub keeps one "general thread" (Hg) that 'g', 'p', 'G' and 'P'
 * use, reset to the current thread at each stop. The cache models it: Hg
 * for a thread whose registers are cached is answered "OK" locally, and
 * before a thread-dependent request goes to the wire the stub is brought
 * to gdb's thread with an Hg of the cache's own.
 *
 * Layer 0, as cache.c: no I/O, no struct bridge; cache_fwd.c carries out
 * what it decides.
 */
#include "bridge/cache_int.h"

#define CACHE_PAGE		4096
#define CACHE_ALIGN		64	/* widened reads start here */

/* ---- small helpers */

static bool
has_prefix(const char *p, size_t len, const char *pre)
{
	size_t	n = strlen(pre);

	return (len >= n && memcmp(p, pre, n) == 0);
}

static bool
is_exactly(const char *p, size_t len, const char *s)
{
	return (len == strlen(s) && memcmp(p, s, len) == 0);
}

static bool
is_error_reply(const char *p, size_t len)
{
	int	eno;

	return (rsp_reply_errno(p, len, &eno) || (len >= 2 && p[0] == 'E' &&
	    p[1] == '.'));
}

/* "m<addr>,<len>" exactly. */
static bool
parse_m(const char *p, size_t len, uint64_t *addr, uint64_t *n)
{
	size_t	off = 1;
	int	k;

	if (len < 4 || p[0] != 'm')
		return (false);
	if ((k = rsp_hex_u64(p + off, len - off, addr)) <= 0 || p[off] == '-')
		return (false);
	off += (size_t)k;
	if (off >= len || p[off] != ',')
		return (false);
	off++;
	if (off >= len || p[off] == '-' ||
	    (k = rsp_hex_u64(p + off, len - off, n)) <= 0 ||
	    off + (size_t)k != len)
		return (false);
	return (true);
}

/* ---- the read planner */

static bool
in_region(const struct cregion *r, uint64_t addr, uint64_t len)
{
	return (r->end > r->start && addr >= r->start && addr + len <= r->end &&
	    addr + len >= addr);
}

/* Inside the image, the direct map or a known stack: reading there has no
 * side effect, and its bytes may be kept. Anything else (vmalloc space,
 * where ioremap lives too) is read afresh every time. */
const struct cregion *
cache_harmless(const struct br_cache *c, uint64_t addr, uint64_t len)
{
	size_t	i;

	if (in_region(&c->image, addr, len))
		return (&c->image);
	if (in_region(&c->ram, addr, len))
		return (&c->ram);
	for (i = 0; i < c->nstacks; i++)
		if (in_region(&c->stacks[i], addr, len))
			return (&c->stacks[i]);
	return (NULL);
}

/*
 * The read to send for [addr, addr+len): at most max bytes, within this
 * page and one harmless region, not over cached bytes. ahead: from addr
 * upward only (read-ahead); else also below (the planner's widest form).
 */
static bool
plan_window(const struct br_cache *c, uint64_t addr, uint64_t len,
    uint64_t max, bool ahead, uint64_t *waddr_out, uint64_t *wlen_out)
{
	const struct cregion	*r = NULL;
	uint64_t		 lo, hi, start, end, next, prev_end;

	if (max > c->widen_max)
		max = c->widen_max;
	*waddr_out = addr;
	*wlen_out = len;
	if (len == 0 || len >= max || addr + len < addr ||
	    addr / CACHE_PAGE != (addr + len - 1) / CACHE_PAGE)
		return (false);
	if ((r = cache_harmless(c, addr, len)) == NULL)
		return (false);
	/* The window: this page, inside the region. */
	lo = addr - addr % CACHE_PAGE;
	hi = lo + CACHE_PAGE;
	if (r->start > lo)
		lo = r->start;
	if (r->end < hi)
		hi = r->end;
	/* Not again what is cached already. */
	cache_mem_neighbours(c, addr, addr + len, &next, &prev_end);
	if (next < hi)
		hi = next;
	if (prev_end > lo)
		lo = prev_end;
	/* Mostly ahead (gdb reads upward): start a little before. */
	start = ahead ? addr : addr - addr % CACHE_ALIGN;
	if (start < lo)
		start = lo;
	if (addr + len - start > max)
		start = addr;
	end = start + max;
	if (end > hi)
		end = hi;
	/* Room left below? Use it. */
	if (!ahead && end - start < max && start > lo) {
		uint64_t more = max - (end - start);

		start = start - lo > more ? start - more : lo;
	}
	if (start == addr && end == addr + len)
		return (false);
	*waddr_out = start;
	*wlen_out = end - start;
	return (true);
}

bool
br_cache_plan(const struct br_cache *c, uint64_t addr, uint64_t len,
    uint64_t *waddr_out, uint64_t *wlen_out)
{
	return (plan_window(c, addr, len, c->widen_max, false, waddr_out,
	    wlen_out));
}

/*
 * Read-ahead: gdb reads upward in small steps (x/32gx is 32 reads of 8
 * bytes, bt 64 bytes a frame). A read that starts where the last one
 * ended doubles the read-ahead, up to widen_max; any other read resets it,
 * so a lone read costs no extra bytes on a slow line.
 */
static void
readahead_note(struct br_cache *c, uint64_t addr, uint64_t n)
{
	size_t	want;

	if (addr == c->ra_next && n > 0) {
		want = c->ra_size > 0 ? 2 * c->ra_size : (size_t)(n < 32 ? 64 :
		    2 * n);
		c->ra_size = want < c->widen_max ? want : c->widen_max;
	} else
		c->ra_size = 0;
	c->ra_next = addr + n;
}

/* ---- requests */

static void
req_reset(struct br_cache_req *r, struct br_cache *c)
{
	memset(r, 0, sizeof *r);
	r->gen = c->gen;
}

static enum br_cache_verdict
hit(struct br_cache *c, char *out, size_t outmax, size_t *outlen,
    const char *p, size_t len)
{
	if (len > outmax)
		return (BR_CACHE_PASS);
	memcpy(out, p, len);
	*outlen = len;
	c->st.hits++;
	c->st.bytes_saved += len;
	return (BR_CACHE_HIT);
}

/* Serve a read from the cache or the file: hex into out. */
static bool
serve_mem(struct br_cache *c, uint64_t addr, uint64_t n, char *out,
    size_t outmax, size_t *outlen)
{
	uint8_t	buf[RSP_PKT_MAX / 2];
	bool	file;

	if (n == 0 || n > sizeof buf || 2 * n > outmax ||
	    !cache_read_held(c, addr, buf, (size_t)n, &file))
		return (false);
	if (file)
		c->st.file_bytes += n;
	*outlen = (size_t)rsp_hex_encode(out, outmax, buf, (size_t)n);
	c->st.hits++;
	c->st.bytes_saved += *outlen;
	return (true);
}

static void
set_fwd_m(struct br_cache_req *r, uint64_t addr, uint64_t n)
{
	r->fwdlen = (size_t)snprintf(r->fwd, sizeof r->fwd, "m%" PRIx64
	    ",%" PRIx64, addr, n);
}

static void
set_fwd_hg(struct br_cache_req *r, uint64_t tid)
{
	if (tid == CACHE_TID_CURRENT)
		r->fwdlen = (size_t)snprintf(r->fwd, sizeof r->fwd, "Hg0");
	else
		r->fwdlen = (size_t)snprintf(r->fwd, sizeof r->fwd, "Hg%"
		    PRIx64, tid);
	r->step = BR_CACHE_STEP_SYNC;
	r->sync_tid = tid;
}

static bool
thread_dependent(const char *p, size_t len)
{
	return (len > 0 && (p[0] == 'g' || p[0] == 'p' || p[0] == 'G' ||
	    p[0] == 'P'));
}

/* A miss for gdb's request: what goes to the wire first. */
static enum br_cache_verdict
plan_miss(struct br_cache *c, const char *p, size_t len,
    struct br_cache_req *r)
{
	uint64_t	addr, n, wa, wn;
	size_t		i;

	r->step = BR_CACHE_STEP_ORIG;
	if (thread_dependent(p, len) && c->want_hg != CACHE_TID_UNKNOWN &&
	    c->want_hg != c->stub_hg) {
		set_fwd_hg(r, c->want_hg);
		return (BR_CACHE_SEND);
	}
	if (!parse_m(p, len, &addr, &n))
		return (BR_CACHE_PASS);
	/* A read the file could serve: verify the file first. */
	if (c->vml != NULL && c->vops->state(c->vml) == BR_VML_UNVERIFIED &&
	    c->vops->covers(c->vml, addr, (size_t)n) &&
	    c->vops->nsamples(c->vml) > 0) {
		i = r->sample;
		if (c->vops->sample(c->vml, i, &wa, &r->sample_len)) {
			set_fwd_m(r, wa, r->sample_len);
			r->step = BR_CACHE_STEP_VERIFY;
			return (BR_CACHE_SEND);
		}
	}
	if (c->ra_size > n && plan_window(c, addr, n, c->ra_size, true, &wa,
	    &wn)) {
		r->step = BR_CACHE_STEP_WIDE;
		r->waddr = wa;
		r->wlen = wn;
		set_fwd_m(r, wa, wn);
		c->st.widened++;
		return (BR_CACHE_SEND);
	}
	return (BR_CACHE_PASS);
}

/* gdb's request: answered here, a packet of our own first, or the wire. */
enum br_cache_verdict
br_cache_request(struct br_cache *c, const char *p, size_t len,
    struct br_cache_req *r, char *out, size_t outmax, size_t *outlen)
{
	uint64_t	 addr, n, tid;
	struct cthread	*t;
	struct cexact	*e;

	req_reset(r, c);
	*outlen = 0;
	if (c == NULL || !c->enabled || len == 0)
		return (BR_CACHE_PASS);
	r->active = true;

	switch (p[0]) {
	case 'm':
		if (!parse_m(p, len, &addr, &n))
			break;
		readahead_note(c, addr, n);
		if ((e = cache_exact_get(c, CACHE_TID_UNKNOWN, p, len)) != NULL)
			return (hit(c, out, outmax, outlen, e->reply,
			    e->replylen));
		if (serve_mem(c, addr, n, out, outmax, outlen))
			return (BR_CACHE_HIT);
		return (plan_miss(c, p, len, r));
	case 'g':
		if (len != 1)
			break;
		if (c->want_hg != CACHE_TID_UNKNOWN &&
		    (t = cache_thread_get(c, c->want_hg, false)) != NULL &&
		    t->g != NULL)
			return (hit(c, out, outmax, outlen, t->g, t->glen));
		return (plan_miss(c, p, len, r));
	case 'p':
		if (c->want_hg != CACHE_TID_UNKNOWN &&
		    (e = cache_exact_get(c, c->want_hg, p, len)) != NULL)
			return (hit(c, out, outmax, outlen, e->reply,
			    e->replylen));
		return (plan_miss(c, p, len, r));
	case 'H':
		if (len >= 2 && p[1] == 'g' && cache_parse_tid(p + 2, len - 2,
		    &tid)) {
			r->hg_tid = tid;
			if (tid == c->stub_hg || cache_thread_valid(c, tid)) {
				c->want_hg = tid;
				return (hit(c, out, outmax, outlen, "OK", 2));
			}
			/* Unknown thread: the stub decides; send it now. */
			r->step = BR_CACHE_STEP_HG;
			return (BR_CACHE_PASS);
		}
		break;
	case 'q':
		if (is_exactly(p, len, "qfThreadInfo")) {
			if (c->list_done && c->nlist > 0) {
				c->list_cursor = 1;
				return (hit(c, out, outmax, outlen, c->list[0],
				    c->listlen[0]));
			}
			r->step = BR_CACHE_STEP_LISTF;
			c->list_epoch++;
			return (BR_CACHE_PASS);
		}
		if (is_exactly(p, len, "qsThreadInfo")) {
			if (c->list_done && c->list_cursor > 0) {
				size_t	i = c->list_cursor < c->nlist ?
				    c->list_cursor++ : c->nlist - 1;

				return (hit(c, out, outmax, outlen, c->list[i],
				    c->listlen[i]));
			}
			r->step = BR_CACHE_STEP_LISTS;
			c->list_epoch++;
			return (BR_CACHE_PASS);
		}
		if (is_exactly(p, len, "qC") ||
		    has_prefix(p, len, "qThreadExtraInfo,")) {
			if ((e = cache_exact_get(c, CACHE_TID_UNKNOWN, p,
			    len)) != NULL)
				return (hit(c, out, outmax, outlen, e->reply,
				    e->replylen));
			r->step = BR_CACHE_STEP_EXACT;
			return (BR_CACHE_PASS);
		}
		if (has_prefix(p, len, "qRcmd,"))
			br_cache_invalidate(c, BR_CE_WRITE);	/* kdb may */
		break;
	case 'T':
		if ((e = cache_exact_get(c, CACHE_TID_UNKNOWN, p, len)) != NULL)
			return (hit(c, out, outmax, outlen, e->reply,
			    e->replylen));
		r->step = BR_CACHE_STEP_EXACT;
		return (BR_CACHE_PASS);
	case 'M':
	case 'X':
	case 'G':
	case 'P':
		br_cache_invalidate(c, BR_CE_WRITE);
		r->gen = c->gen;
		return (plan_miss(c, p, len, r));
	case 'Z':
	case 'z':
		br_cache_invalidate(c, BR_CE_BREAKPOINT);
		break;
	case 'c':
	case 's':
	case 'C':
	case 'S':
	case 'D':
	case 'k':
	case 'v':
	case '?':
	case 'R':
		br_cache_invalidate(c, BR_CE_RESUME);
		break;
	case '3':
		br_cache_invalidate(c, BR_CE_KDB);
		break;
	}
	r->gen = c->gen;
	r->step = BR_CACHE_STEP_ORIG;
	return (BR_CACHE_PASS);
}

/* Store what gdb's own request (or a read-ahead) brought back. */
void
cache_store_reply(struct br_cache *c, struct br_cache_req *r, const char *p,
    size_t len, const char *reply, size_t rlen)
{
	uint8_t		 buf[RSP_PKT_MAX / 2];
	uint64_t	 addr, n;
	struct cthread	*t;
	int		 k;

	switch (r->step) {
	case BR_CACHE_STEP_HG:
		if (is_exactly(reply, rlen, "OK")) {
			c->stub_hg = c->want_hg = r->hg_tid;
			if ((t = cache_thread_get(c, r->hg_tid, true)) != NULL)
				t->valid = true;
		}
		return;
	case BR_CACHE_STEP_LISTF:
		while (c->nlist > 0)
			free(c->list[--c->nlist]);
		c->list_done = false;
		c->list_recording = !is_error_reply(reply, rlen);
		c->list_cursor = 0;
		/* FALLTHROUGH */
	case BR_CACHE_STEP_LISTS:
		if (!c->list_recording || is_error_reply(reply, rlen)) {
			c->list_recording = false;
			return;
		}
		if (c->nlist == CACHE_MAX_LIST) {
			c->list_recording = false;
			return;
		}
		c->list[c->nlist] = cache_dupn(reply, rlen);
		c->listlen[c->nlist++] = rlen;
		cache_list_learn(c, reply, rlen);
		if (rlen == 0 || reply[0] == 'l') {
			c->list_done = true;
			c->list_recording = false;
		}
		return;
	case BR_CACHE_STEP_EXACT:
		if (rlen > 0)
			cache_exact_put(c, CACHE_TID_UNKNOWN, p, len, reply,
			    rlen);
		return;
	default:
		break;
	}
	if (len == 0)
		return;
	switch (p[0]) {
	case 'm':
		if (!parse_m(p, len, &addr, &n))
			return;
		if (is_error_reply(reply, rlen)) {
			cache_exact_put(c, CACHE_TID_UNKNOWN, p, len, reply,
			    rlen);
			return;
		}
		/* A split read may come back short: keep what came. */
		if ((k = rsp_hex_decode(buf, sizeof buf, reply, rlen)) > 0 &&
		    (uint64_t)k <= n &&
		    cache_harmless(c, addr, (uint64_t)k) != NULL)
			cache_mem_put(c, addr, buf, (size_t)k);
		return;
	case 'g':
		if (len != 1 || c->stub_hg == CACHE_TID_UNKNOWN ||
		    is_error_reply(reply, rlen) || rlen == 0)
			return;
		if ((t = cache_thread_get(c, c->stub_hg, true)) == NULL)
			return;
		free(t->g);
		t->g = cache_dupn(reply, rlen);
		t->glen = rlen;
		t->valid = true;
		t->ahead = false;
		cache_stack_learn(c, reply, rlen);
		return;
	case 'p':
		if (c->stub_hg != CACHE_TID_UNKNOWN && rlen > 0 &&
		    !is_error_reply(reply, rlen))
			cache_exact_put(c, c->stub_hg, p, len, reply, rlen);
		return;
	}
}

/* A wire reply: kept or not, the request's next step, or gdb's answer. */
enum br_cache_verdict
br_cache_reply(struct br_cache *c, struct br_cache_req *r, const char *p,
    size_t len, const char *reply, size_t rlen, char *out, size_t outmax,
    size_t *outlen)
{
	uint8_t		 buf[RSP_PKT_MAX / 2];
	uint64_t	 addr, n, sa;
	size_t		 sl;
	int		 k;
	bool		 fresh;

	*outlen = 0;
	if (c == NULL || !r->active) {
		if (reply == NULL)
			return (BR_CACHE_FAIL);
		if (rlen > outmax)
			rlen = outmax;
		memcpy(out, reply, rlen);
		*outlen = rlen;
		return (BR_CACHE_HIT);
	}
	fresh = r->gen == c->gen && c->enabled;
	if (reply == NULL) {
		/* The wire failed: the stub's Hg state is unknown now. */
		if (r->step == BR_CACHE_STEP_SYNC || r->step ==
		    BR_CACHE_STEP_HG)
			c->stub_hg = CACHE_TID_UNKNOWN;
		return (BR_CACHE_FAIL);
	}
	c->st.wire_bytes += rlen;

	switch (r->step) {
	case BR_CACHE_STEP_SYNC:
		if (!is_exactly(reply, rlen, "OK")) {
			/* The stub refused gdb's thread: say so to gdb. */
			c->want_hg = c->stub_hg;
			return (hit(c, out, outmax, outlen, "E22", 3));
		}
		c->stub_hg = r->sync_tid;
		r->step = BR_CACHE_STEP_ORIG;
		return (BR_CACHE_PASS);
	case BR_CACHE_STEP_VERIFY:
		if (c->vml != NULL && c->vops->state(c->vml) ==
		    BR_VML_UNVERIFIED) {
			k = rsp_hex_decode(buf, sizeof buf, reply, rlen);
			if (c->vops->sample(c->vml, r->sample, &sa, &sl))
				c->vops->check(c->vml, r->sample, k >= 0 &&
				    !is_error_reply(reply, rlen) ? buf : NULL,
				    k >= 0 ? (size_t)k : 0);
			if (c->vops->state(c->vml) == BR_VML_MISMATCH) {
				snprintf(c->notice, sizeof c->notice, "%s",
				    c->vops->why(c->vml));
				log_warn("%s", c->notice);
				c->nnotices++;
			} else if (c->vops->state(c->vml) ==
			    BR_VML_VERIFIED)
				log_info("vmlinux matches the running kernel: "
				    "serving its read-only sections");
			r->sample++;
		}
		/* Start over: a hit now, the next sample, or the wire. */
		if (!parse_m(p, len, &addr, &n))
			return (BR_CACHE_PASS);
		if (fresh && serve_mem(c, addr, n, out, outmax, outlen))
			return (BR_CACHE_HIT);
		return (plan_miss(c, p, len, r));
	case BR_CACHE_STEP_WIDE:
		k = is_error_reply(reply, rlen) ? -1 :
		    rsp_hex_decode(buf, sizeof buf, reply, rlen);
		if (k < 0 || (uint64_t)k != r->wlen ||
		    !parse_m(p, len, &addr, &n) || addr < r->waddr ||
		    addr + n > r->waddr + r->wlen) {
			/* All or nothing: ask again for exactly gdb's. */
			c->st.widen_retries++;
			r->step = BR_CACHE_STEP_ORIG;
			return (BR_CACHE_PASS);
		}
		if (fresh)
			cache_mem_put(c, r->waddr, buf, (size_t)k);
		c->st.misses++;
		*outlen = (size_t)rsp_hex_encode(out, outmax, buf +
		    (addr - r->waddr), (size_t)n);
		return (BR_CACHE_HIT);
	default:
		break;
	}
	if (fresh)
		cache_store_reply(c, r, p, len, reply, rlen);
	c->st.misses++;
	if (rlen > outmax)
		rlen = outmax;
	memcpy(out, reply, rlen);
	*outlen = rlen;
	return (BR_CACHE_HIT);
}
