/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/cache.c: what a stopped target already said, said again without
 * the serial line.
 *
 * While the kernel sits in kgdb nothing in it changes unless gdb changes
 * it, so the replies to reads are facts until the next resume. The cache
 * keeps, per stop (a generation), the 'g' reply of each thread, the memory
 * gdb has read (merged ranges, capped), the thread list, and the small
 * stable queries (qC, qThreadExtraInfo, T, p, failed reads). Anything that
 * can change those drops them all: resume, step, detach, kill, every write
 * (M, X, G, P), breakpoint changes (Z, z: memory), kdb, a stop reply, link
 * loss. Each of those bumps the generation, and a reply that comes back
 * under an older generation than its request is never stored.
 *
 * It also decides which read to send for a miss: gdb's small reads are
 * widened up to the stub's limit (rsp_arch mem_read_max), never across a
 * page (a kgdb read is all-or-nothing), and only inside regions where a
 * read has no side effect: the kernel image, known task stacks (from the SP
 * of every 'g' reply) and the direct map of RAM. A widened read that fails
 * is retried as gdb asked it. Read-only sections come from the vmlinux file
 * once vmlinux.c has compared samples with the kernel.
 *
 * The kgdb stub keeps one "general thread" (Hg) that 'g', 'p', 'G' and 'P'
 * use, reset to the current thread at each stop. The cache models it: Hg
 * for a thread whose registers are cached is answered "OK" locally, and
 * before a thread-dependent request goes to the wire the stub is brought
 * to gdb's thread with an Hg of the cache's own.
 *
 * The planner only (layer 0): no I/O, no struct bridge, no call to the
 * target or the console. cache_fwd.c runs it against the target engine
 * (br_cache_forward), invalidates it from the event bus and hands it the
 * vmlinux functions (struct br_cache_file); a notice it makes is told
 * from there.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/bridge.h"

#define CACHE_PAGE		4096
#define CACHE_MAX_THREADS	512
#define CACHE_MAX_EXACT		1024
#define CACHE_MAX_STACKS	64
#define CACHE_MAX_LIST		64	/* qf/qs replies */
#define CACHE_TID_CURRENT	0x100000000ULL	/* Hg0, Hg-1, a fresh stop */
#define CACHE_TID_UNKNOWN	0x200000000ULL
#define CACHE_ALIGN		64	/* widened reads start here */

struct cmem {
	uint64_t	 addr;
	size_t		 len;
	uint8_t		*data;
};

struct cexact {
	uint64_t	 tid;		/* CACHE_TID_UNKNOWN: any thread */
	char		*req;
	char		*reply;
	size_t		 replylen;
};

struct cthread {
	uint64_t	 tid;
	char		*g;		/* 'g' reply, or NULL */
	size_t		 glen;
	bool		 valid;		/* Hg to it is known to work */
};

struct cregion {
	uint64_t	 start, end;
};

struct br_cache {
	const struct rsp_arch	*arch;
	struct br_vmlinux	*vml;
	const struct br_cache_file *vops;	/* vml's functions */
	bool			 enabled;
	uint64_t		 gen;
	size_t			 mem_max;
	size_t			 widen_max;	/* longest read the planner makes */
	uint64_t		 ra_next;	/* just past gdb's last read */
	size_t			 ra_size;	/* read-ahead for the next miss */
	size_t			 thread_size;

	struct cmem		*mem;
	size_t			 nmem, memcap, membytes;

	struct cexact		*exact;
	size_t			 nexact;

	struct cthread		*threads;
	size_t			 nthreads;

	char			*list[CACHE_MAX_LIST];	/* qf, qs, qs, … */
	size_t			 listlen[CACHE_MAX_LIST];
	size_t			 nlist;
	bool			 list_done;	/* the empty reply was seen */
	bool			 list_recording;
	size_t			 list_cursor;	/* next qs to serve */

	uint64_t		 stub_hg;	/* the stub's general thread */
	uint64_t		 want_hg;	/* the one gdb selected */

	struct cregion		 image;		/* kernel image */
	struct cregion		 ram;		/* direct map */
	struct cregion		 stacks[CACHE_MAX_STACKS];
	size_t			 nstacks;

	struct br_cache_stats	 st;
	char			 notice[BR_ERRLEN];
	uint64_t		 nnotices;	/* notices made so far */
};

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

static char *
dupn(const char *p, size_t len)
{
	char	*s = xmalloc(len + 1);

	memcpy(s, p, len);
	s[len] = '\0';
	return (s);
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

/* A thread id as kgdb reads it: through an int; 0 and -1 mean current. */
static bool
parse_tid(const char *p, size_t len, uint64_t *tid)
{
	uint64_t	v;
	uint32_t	t;

	if (len == 0 || rsp_hex_u64(p, len, &v) != (int)len)
		return (false);
	t = (uint32_t)v;
	*tid = (t == 0 || t == 0xffffffffu) ? CACHE_TID_CURRENT : t;
	return (true);
}

/* ---- lifetime, switches */

struct br_cache *
br_cache_new(const struct rsp_arch *a)
{
	struct br_cache	*c;

	c = xcalloc(1, sizeof *c);
	c->arch = a;
	c->enabled = true;
	c->gen = 1;
	c->mem_max = BR_CACHE_MEM_MAX;
	c->widen_max = a->mem_read_max;
	c->stub_hg = c->want_hg = CACHE_TID_CURRENT;
	switch (a->id) {
	case RSP_ARCH_X86_64:
		c->thread_size = 16384;
		/* The kernel image map (KERNEL_IMAGE_SIZE, 512 MiB without
		 * KASLR) and the first 64 GiB of the direct map. Fixmap,
		 * vmalloc/ioremap space and modules stay out. */
		c->image.start = 0xffffffff80000000ULL;
		c->image.end = 0xffffffffa0000000ULL;
		c->ram.start = 0xffff888000000000ULL;
		c->ram.end = c->ram.start + (64ULL << 30);
		break;
	case RSP_ARCH_ARM64:
		c->thread_size = 16384;
		break;
	case RSP_ARCH_I386:
	case RSP_ARCH_ARM:	/* arm THREAD_SIZE_ORDER 1 */
		c->thread_size = 8192;
		break;
	case RSP_ARCH_RISCV64:	/* 64-bit THREAD_SIZE_ORDER 2 */
		c->thread_size = 16384;
		break;
	}
	return (c);
}

static void
cache_drop_memory(struct br_cache *c)
{
	size_t	i;

	for (i = 0; i < c->nmem; i++)
		free(c->mem[i].data);
	c->nmem = 0;
	c->membytes = 0;
}

static void
cache_drop_all(struct br_cache *c)
{
	size_t	i;

	cache_drop_memory(c);
	for (i = 0; i < c->nexact; i++) {
		free(c->exact[i].req);
		free(c->exact[i].reply);
	}
	c->nexact = 0;
	for (i = 0; i < c->nthreads; i++)
		free(c->threads[i].g);
	c->nthreads = 0;
	for (i = 0; i < c->nlist; i++)
		free(c->list[i]);
	c->nlist = 0;
	c->list_done = c->list_recording = false;
	c->list_cursor = 0;
	c->nstacks = 0;
}

void
br_cache_free(struct br_cache *c)
{
	if (c == NULL)
		return;
	cache_drop_all(c);
	free(c->mem);
	free(c->exact);
	free(c->threads);
	free(c);
}

void
br_cache_set_vmlinux(struct br_cache *c, const struct br_cache_file *ops,
    struct br_vmlinux *v)
{
	uint64_t	s, e;

	c->vml = v;
	c->vops = ops;
	if (v != NULL && ops->image(v, &s, &e)) {
		c->image.start = s;
		c->image.end = e;
	}
}

void
br_cache_set_region(struct br_cache *c, int which, uint64_t start,
    uint64_t end)
{
	struct cregion	*r = which == BR_CACHE_REGION_IMAGE ? &c->image :
			    &c->ram;

	r->start = start;
	r->end = end > start ? end : start;
}

void
br_cache_set_limit(struct br_cache *c, size_t mem_max)
{
	c->mem_max = mem_max;
	if (c->membytes > mem_max)
		cache_drop_memory(c);
}

void
br_cache_set_widen(struct br_cache *c, size_t max)
{
	c->widen_max = max < c->arch->mem_read_max ? max :
	    c->arch->mem_read_max;
}

void
br_cache_set_enabled(struct br_cache *c, bool on)
{
	if (c->enabled == on)
		return;
	c->enabled = on;
	br_cache_invalidate(c, BR_CE_OFF);
	/* Hg went by unobserved while off: the stub's thread is unknown. */
	c->stub_hg = c->want_hg = CACHE_TID_UNKNOWN;
}

bool
br_cache_enabled(const struct br_cache *c)
{
	return (c->enabled);
}

uint64_t
br_cache_generation(const struct br_cache *c)
{
	return (c->gen);
}

void
br_cache_invalidate(struct br_cache *c, enum br_cache_event ev)
{
	if (c == NULL)
		return;
	c->st.invalidations++;
	c->gen++;
	if (ev == BR_CE_BREAKPOINT) {
		/* Breakpoints touch kernel text only: memory goes. */
		cache_drop_memory(c);
		return;
	}
	cache_drop_all(c);
	switch (ev) {
	case BR_CE_OFF:
	case BR_CE_WRITE:
	case BR_CE_DETACH:
		/* Nothing moved the stub's Hg (gdb's D is answered by the
		 * bridge): it stays where it is, and gdb's choice stays
		 * what the next gdb inherits, as it would on a plain line. */
		return;
	case BR_CE_THREAD:
		/* The control socket moved the stub's general thread: the
		 * next thread-dependent request names gdb's thread first. */
		c->stub_hg = CACHE_TID_UNKNOWN;
		return;
	case BR_CE_LINK:
		/* Maybe the same stop, with the stub on any thread gdb chose
		 * before the line went; maybe another kernel. Unknown: the
		 * next thread-dependent request names gdb's thread first. */
		c->stub_hg = CACHE_TID_UNKNOWN;
		if (c->vml != NULL)
			c->vops->reset(c->vml);
		return;
	default:
		/* kgdb starts every stop on the current thread. */
		c->stub_hg = c->want_hg = CACHE_TID_CURRENT;
		return;
	}
}

const struct br_cache_stats *
br_cache_stats(const struct br_cache *c)
{
	return (&c->st);
}

/* ---- memory ranges */

/* Bytes [addr, addr+len) if every one is cached. */
static bool
mem_get(const struct br_cache *c, uint64_t addr, size_t len, uint8_t *out)
{
	size_t	i;

	for (i = 0; i < c->nmem; i++) {
		const struct cmem *m = &c->mem[i];

		if (addr >= m->addr && len <= m->len &&
		    addr - m->addr <= m->len - len) {
			memcpy(out, m->data + (addr - m->addr), len);
			return (true);
		}
	}
	return (false);
}

/* Store bytes, merging with every range they touch or overlap. */
static void
mem_put(struct br_cache *c, uint64_t addr, const uint8_t *data, size_t len)
{
	uint64_t	lo = addr, hi = addr + len;
	uint8_t		*buf;
	size_t		 i, j;

	if (len == 0 || hi < lo)
		return;
	if (len > c->mem_max)
		return;
	if (c->membytes + len > c->mem_max)
		cache_drop_memory(c);
	for (i = 0; i < c->nmem; i++) {
		if (c->mem[i].addr <= hi && c->mem[i].addr + c->mem[i].len >=
		    lo) {
			if (c->mem[i].addr < lo)
				lo = c->mem[i].addr;
			if (c->mem[i].addr + c->mem[i].len > hi)
				hi = c->mem[i].addr + c->mem[i].len;
		}
	}
	buf = xmalloc((size_t)(hi - lo));
	/* Old bytes first, then the new ones over them (same values). */
	for (i = 0, j = 0; i < c->nmem; i++) {
		struct cmem *m = &c->mem[i];

		if (m->addr >= lo && m->addr + m->len <= hi) {
			memcpy(buf + (m->addr - lo), m->data, m->len);
			c->membytes -= m->len;
			free(m->data);
			continue;
		}
		c->mem[j++] = *m;
	}
	c->nmem = j;
	memcpy(buf + (addr - lo), data, len);
	if (c->nmem == c->memcap) {
		c->memcap = c->memcap ? 2 * c->memcap : 16;
		c->mem = xrealloc(c->mem, c->memcap * sizeof *c->mem);
	}
	c->mem[c->nmem].addr = lo;
	c->mem[c->nmem].len = (size_t)(hi - lo);
	c->mem[c->nmem].data = buf;
	c->nmem++;
	c->membytes += (size_t)(hi - lo);
}

/* Where the nearest cached byte at or after addr is (or UINT64_MAX), and
 * the end of a cached range that holds addr - 1 (or 0). */
static void
mem_neighbours(const struct br_cache *c, uint64_t addr, uint64_t end,
    uint64_t *next_out, uint64_t *prev_end_out)
{
	uint64_t	next = UINT64_MAX, prev = 0;
	size_t		i;

	for (i = 0; i < c->nmem; i++) {
		uint64_t	ma = c->mem[i].addr, me = ma + c->mem[i].len;

		if (ma >= end && ma < next)
			next = ma;
		if (me <= addr && me > prev)
			prev = me;
	}
	*next_out = next;
	*prev_end_out = prev;
}

/* ---- threads, exact replies */

static struct cthread *
thread_get(struct br_cache *c, uint64_t tid, bool create)
{
	size_t	i;

	for (i = 0; i < c->nthreads; i++)
		if (c->threads[i].tid == tid)
			return (&c->threads[i]);
	if (!create || c->nthreads == CACHE_MAX_THREADS)
		return (NULL);
	if ((c->nthreads & (c->nthreads - 1)) == 0 || c->nthreads == 0)
		c->threads = xrealloc(c->threads, (c->nthreads ? 2 *
		    c->nthreads : 8) * sizeof *c->threads);
	memset(&c->threads[c->nthreads], 0, sizeof *c->threads);
	c->threads[c->nthreads].tid = tid;
	return (&c->threads[c->nthreads++]);
}

static bool
thread_valid(struct br_cache *c, uint64_t tid)
{
	struct cthread	*t;

	if (tid == CACHE_TID_CURRENT)
		return (true);
	t = thread_get(c, tid, false);
	return (t != NULL && t->valid);
}

static struct cexact *
exact_get(const struct br_cache *c, uint64_t tid, const char *req,
    size_t len)
{
	size_t	i;

	for (i = 0; i < c->nexact; i++)
		if (c->exact[i].tid == tid && strlen(c->exact[i].req) == len &&
		    memcmp(c->exact[i].req, req, len) == 0)
			return (&c->exact[i]);
	return (NULL);
}

static void
exact_put(struct br_cache *c, uint64_t tid, const char *req, size_t len,
    const char *reply, size_t replylen)
{
	if (exact_get(c, tid, req, len) != NULL ||
	    c->nexact == CACHE_MAX_EXACT)
		return;
	if ((c->nexact & (c->nexact - 1)) == 0 || c->nexact == 0)
		c->exact = xrealloc(c->exact, (c->nexact ? 2 * c->nexact : 8) *
		    sizeof *c->exact);
	c->exact[c->nexact].tid = tid;
	c->exact[c->nexact].req = dupn(req, len);
	c->exact[c->nexact].reply = dupn(reply, replylen);
	c->exact[c->nexact].replylen = replylen;
	c->nexact++;
}

/* Thread ids in a qf/qs reply ("m1,2,fffffffe") become valid Hg targets. */
static void
list_learn(struct br_cache *c, const char *p, size_t len)
{
	size_t		i = 1, j;
	uint64_t	tid;
	struct cthread	*t;

	if (len < 2 || p[0] != 'm')
		return;
	while (i < len) {
		for (j = i; j < len && p[j] != ','; j++)
			;
		if (parse_tid(p + i, j - i, &tid) &&
		    (t = thread_get(c, tid, true)) != NULL)
			t->valid = true;
		i = j + 1;
	}
}

/* A stack: the THREAD_SIZE-aligned block holding this thread's SP. */
static void
stack_learn(struct br_cache *c, const char *g, size_t len)
{
	struct rsp_regs	regs;
	uint64_t	sp, base;
	size_t		i;

	if (c->thread_size == 0 || c->arch->sp < 0 ||
	    rsp_regs_parse_g(c->arch, g, len, &regs) < 0 ||
	    rsp_regs_get(&regs, c->arch->sp, &sp) < 0 || sp == 0)
		return;
	base = sp & ~((uint64_t)c->thread_size - 1);
	for (i = 0; i < c->nstacks; i++)
		if (c->stacks[i].start == base)
			return;
	if (c->nstacks == CACHE_MAX_STACKS)
		return;
	c->stacks[c->nstacks].start = base;
	c->stacks[c->nstacks].end = base + c->thread_size;
	c->nstacks++;
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
static const struct cregion *
harmless(const struct br_cache *c, uint64_t addr, uint64_t len)
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
	if ((r = harmless(c, addr, len)) == NULL)
		return (false);
	/* The window: this page, inside the region. */
	lo = addr - addr % CACHE_PAGE;
	hi = lo + CACHE_PAGE;
	if (r->start > lo)
		lo = r->start;
	if (r->end < hi)
		hi = r->end;
	/* Not again what is cached already. */
	mem_neighbours(c, addr, addr + len, &next, &prev_end);
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

	if (n == 0 || n > sizeof buf || 2 * n > outmax)
		return (false);
	if (mem_get(c, addr, (size_t)n, buf)) {
		/* counted by hit() */
	} else if (c->vml != NULL && c->vops->read(c->vml, addr, buf,
	    (size_t)n))
		c->st.file_bytes += n;
	else
		return (false);
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
		if ((e = exact_get(c, CACHE_TID_UNKNOWN, p, len)) != NULL)
			return (hit(c, out, outmax, outlen, e->reply,
			    e->replylen));
		if (serve_mem(c, addr, n, out, outmax, outlen))
			return (BR_CACHE_HIT);
		return (plan_miss(c, p, len, r));
	case 'g':
		if (len != 1)
			break;
		if (c->want_hg != CACHE_TID_UNKNOWN &&
		    (t = thread_get(c, c->want_hg, false)) != NULL &&
		    t->g != NULL)
			return (hit(c, out, outmax, outlen, t->g, t->glen));
		return (plan_miss(c, p, len, r));
	case 'p':
		if (c->want_hg != CACHE_TID_UNKNOWN &&
		    (e = exact_get(c, c->want_hg, p, len)) != NULL)
			return (hit(c, out, outmax, outlen, e->reply,
			    e->replylen));
		return (plan_miss(c, p, len, r));
	case 'H':
		if (len >= 2 && p[1] == 'g' && parse_tid(p + 2, len - 2,
		    &tid)) {
			r->hg_tid = tid;
			if (tid == c->stub_hg || thread_valid(c, tid)) {
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
			return (BR_CACHE_PASS);
		}
		if (is_exactly(p, len, "qC") ||
		    has_prefix(p, len, "qThreadExtraInfo,")) {
			if ((e = exact_get(c, CACHE_TID_UNKNOWN, p, len)) !=
			    NULL)
				return (hit(c, out, outmax, outlen, e->reply,
				    e->replylen));
			r->step = BR_CACHE_STEP_EXACT;
			return (BR_CACHE_PASS);
		}
		if (has_prefix(p, len, "qRcmd,"))
			br_cache_invalidate(c, BR_CE_WRITE);	/* kdb may */
		break;
	case 'T':
		if ((e = exact_get(c, CACHE_TID_UNKNOWN, p, len)) != NULL)
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

/* Store what gdb's own request brought back. */
static void
store_reply(struct br_cache *c, struct br_cache_req *r, const char *p,
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
			if ((t = thread_get(c, r->hg_tid, true)) != NULL)
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
		c->list[c->nlist] = dupn(reply, rlen);
		c->listlen[c->nlist++] = rlen;
		list_learn(c, reply, rlen);
		if (rlen == 0 || reply[0] == 'l') {
			c->list_done = true;
			c->list_recording = false;
		}
		return;
	case BR_CACHE_STEP_EXACT:
		if (rlen > 0)
			exact_put(c, CACHE_TID_UNKNOWN, p, len, reply, rlen);
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
			exact_put(c, CACHE_TID_UNKNOWN, p, len, reply, rlen);
			return;
		}
		/* A split read may come back short: keep what came. */
		if ((k = rsp_hex_decode(buf, sizeof buf, reply, rlen)) > 0 &&
		    (uint64_t)k <= n && harmless(c, addr, (uint64_t)k) != NULL)
			mem_put(c, addr, buf, (size_t)k);
		return;
	case 'g':
		if (len != 1 || c->stub_hg == CACHE_TID_UNKNOWN ||
		    is_error_reply(reply, rlen) || rlen == 0)
			return;
		if ((t = thread_get(c, c->stub_hg, true)) == NULL)
			return;
		free(t->g);
		t->g = dupn(reply, rlen);
		t->glen = rlen;
		t->valid = true;
		stack_learn(c, reply, rlen);
		return;
	case 'p':
		if (c->stub_hg != CACHE_TID_UNKNOWN && rlen > 0 &&
		    !is_error_reply(reply, rlen))
			exact_put(c, c->stub_hg, p, len, reply, rlen);
		return;
	}
}

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
			mem_put(c, r->waddr, buf, (size_t)k);
		c->st.misses++;
		*outlen = (size_t)rsp_hex_encode(out, outmax, buf +
		    (addr - r->waddr), (size_t)n);
		return (BR_CACHE_HIT);
	default:
		break;
	}
	if (fresh)
		store_reply(c, r, p, len, reply, rlen);
	c->st.misses++;
	if (rlen > outmax)
		rlen = outmax;
	memcpy(out, reply, rlen);
	*outlen = rlen;
	return (BR_CACHE_HIT);
}

size_t
br_cache_stats_text(const struct br_cache *c, char *buf, size_t len)
{
	const struct br_cache_stats	*s = &c->st;
	uint64_t			 total = s->hits + s->misses;
	int				 n;
	const char			*vml = "no --vmlinux";

	if (c->vml != NULL)
		switch (c->vops->state(c->vml)) {
		case BR_VML_UNVERIFIED:
			vml = "not yet compared with the kernel";
			break;
		case BR_VML_VERIFIED:
			vml = "matches the kernel: serving read-only sections";
			break;
		case BR_VML_MISMATCH:
			vml = c->vops->why(c->vml);
			break;
		}
	n = snprintf(buf, len, "cache: %s\n"
	    "requests: %" PRIu64 " answered by the bridge, %" PRIu64
	    " sent to the target (%.0f%% hits)\n"
	    "reply bytes: %" PRIu64 " saved, %" PRIu64 " off the wire; %"
	    PRIu64 " memory bytes from vmlinux\n"
	    "reads widened: %" PRIu64 " (%" PRIu64 " retried as asked)\n"
	    "held now: %zu memory ranges (%zu bytes), %zu threads; "
	    "generation %" PRIu64 ", %" PRIu64 " invalidations\n"
	    "vmlinux: %s\n",
	    c->enabled ? "on" : "off (monitor bridge cache on)",
	    s->hits, s->misses, total ? 100.0 * (double)s->hits /
	    (double)total : 0.0, s->bytes_saved, s->wire_bytes,
	    s->file_bytes, s->widened, s->widen_retries, c->nmem,
	    c->membytes, c->nthreads, c->gen, s->invalidations, vml);
	if (n < 0)
		return (0);
	return ((size_t)n < len ? (size_t)n : len - 1);
}

const char *
br_cache_notice(const struct br_cache *c)
{
	return (c->notice);
}

uint64_t
br_cache_notices(const struct br_cache *c)
{
	return (c->nnotices);
}
