/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/cache.c: what a stopped target already said, said again without
 * the serial line. This file is the store; cache_plan.c decides what to do
 * with each request and reply.
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
 * Here: the cache's lifetime and switches, invalidation, the memory
 * ranges, the threads (their 'g' replies, which of them Hg may name, the
 * stacks their SPs show), the exact replies, and the statistics. Nothing
 * here calls cache_plan.c (see cache_int.h).
 *
 * Layer 0: no I/O, no struct bridge, no call to the target or the
 * console. cache_fwd.c runs the cache against the target engine
 * (br_cache_forward), invalidates it from the event bus and hands it the
 * vmlinux functions (struct br_cache_file); a notice it makes is told
 * from there.
 */
#include "bridge/cache_int.h"
#include "bridge/cache_peek.h"
#include "bridge/sleepers.h"
#include "bridge/taskregs.h"

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

/* Drop the memory held but what lies wholly in kernel code (br_vmlinux_code:
 * only once the file is verified). */
static void
cache_drop_memory_but_code(struct br_cache *c)
{
	struct cmem	*m;
	size_t		 i, n = 0;

	for (i = 0; i < c->nmem; i++) {
		m = &c->mem[i];
		if (c->vml != NULL && c->vops->code != NULL &&
		    c->vops->code(c->vml, m->addr, m->len)) {
			c->mem[n++] = *m;
			continue;
		}
		c->membytes -= m->len;
		free(m->data);
	}
	c->nmem = n;
}

/* Drop all but memory: what kgdb said of threads and registers. */
static void
cache_drop_threads(struct br_cache *c)
{
	size_t	i;

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

static void
cache_drop_all(struct br_cache *c)
{
	cache_drop_memory(c);
	cache_drop_threads(c);
}

/*
 * Whether kernel code read before ev may be served after it. A quiet step
 * (BR_CE_STEP: one instruction that writes no memory, the other CPUs held
 * in kgdb) keeps it through the kernel's resume and the stop that ends
 * the step; the resume after that stop drops it like any other.
 */
static bool
cache_keeps_code(struct br_cache *c, enum br_cache_event ev)
{
	switch (ev) {
	case BR_CE_STEP:
		c->keep_code = CACHE_KC_STEP;
		return (true);
	case BR_CE_RESUME:
		/* The target's note that it runs: once (a panic after it
		 * is another). */
		if (c->keep_code == CACHE_KC_STEP) {
			c->keep_code = CACHE_KC_RUN;
			return (true);
		}
		break;
	case BR_CE_STOP:
		if (c->keep_code != CACHE_KC_NONE) {
			c->keep_code = CACHE_KC_STOPPED;
			return (true);
		}
		break;
	default:
		break;
	}
	c->keep_code = CACHE_KC_NONE;
	return (false);
}

void
br_cache_forget_code(struct br_cache *c)
{
	if (c == NULL || c->keep_code == CACHE_KC_NONE)
		return;
	c->keep_code = CACHE_KC_NONE;
	c->gen++;
	cache_drop_memory(c);
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

/*
 * What ev leaves standing: breakpoints take memory; a moved Hg takes what
 * kgdb said of threads; register writes and a quiet step keep kernel code
 * alone; everything else takes all. Then where kgdb's general thread is.
 */
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
	if (ev == BR_CE_THREAD) {
		/* An Hg changes no memory. */
		cache_drop_threads(c);
		c->stub_hg = CACHE_TID_UNKNOWN;
		return;
	}
	if (ev == BR_CE_DOUBT) {
		/* What was read may hold the unconfirmed reply: the next
		 * read of it goes to the target and is confirmed. */
		cache_drop_memory(c);
		cache_drop_threads(c);
		return;
	}
	if (ev == BR_CE_REGS) {
		/* kgdb writes registers into the pt_regs on the stack (which
		 * taskregs reads as memory): all but kernel code goes. */
		cache_drop_memory_but_code(c);
		cache_drop_threads(c);
		return;
	}
	if (cache_keeps_code(c, ev)) {
		cache_drop_memory_but_code(c);
		cache_drop_threads(c);
	} else
		cache_drop_all(c);
	switch (ev) {
	case BR_CE_OFF:
	case BR_CE_WRITE:
	case BR_CE_DETACH:
		/* Nothing moved the stub's Hg (gdb's D is answered by the
		 * bridge): it stays where it is, and gdb's choice stays
		 * what the next gdb inherits, as it would on a plain line. */
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

/* Bytes [addr, addr+len) from this stop's memory, else from the vmlinux's
 * sections it serves (*file set); false if neither holds all of them. */
bool
cache_read_held(const struct br_cache *c, uint64_t addr, uint8_t *out,
    size_t len, bool *file)
{
	*file = false;
	if (cache_mem_get(c, addr, len, out))
		return (true);
	if (c->vml == NULL || !c->vops->read(c->vml, addr, out, len))
		return (false);
	*file = true;
	return (true);
}

/* Bytes [addr, addr+len) if every one is cached. */
bool
cache_mem_get(const struct br_cache *c, uint64_t addr, size_t len, uint8_t *out)
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
void
cache_mem_put(struct br_cache *c, uint64_t addr, const uint8_t *data,
    size_t len)
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
void
cache_mem_neighbours(const struct br_cache *c, uint64_t addr, uint64_t end,
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

struct cthread *
cache_thread_get(struct br_cache *c, uint64_t tid, bool create)
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

bool
cache_thread_valid(struct br_cache *c, uint64_t tid)
{
	struct cthread	*t;

	if (tid == CACHE_TID_CURRENT)
		return (true);
	t = cache_thread_get(c, tid, false);
	return (t != NULL && t->valid);
}

struct cexact *
cache_exact_get(const struct br_cache *c, uint64_t tid, const char *req,
    size_t len)
{
	size_t	i;

	for (i = 0; i < c->nexact; i++)
		if (c->exact[i].tid == tid && strlen(c->exact[i].req) == len &&
		    memcmp(c->exact[i].req, req, len) == 0)
			return (&c->exact[i]);
	return (NULL);
}

void
cache_exact_put(struct br_cache *c, uint64_t tid, const char *req, size_t len,
    const char *reply, size_t replylen)
{
	if (cache_exact_get(c, tid, req, len) != NULL ||
	    c->nexact == CACHE_MAX_EXACT)
		return;
	if ((c->nexact & (c->nexact - 1)) == 0 || c->nexact == 0)
		c->exact = xrealloc(c->exact, (c->nexact ? 2 * c->nexact : 8) *
		    sizeof *c->exact);
	c->exact[c->nexact].tid = tid;
	c->exact[c->nexact].req = cache_dupn(req, len);
	c->exact[c->nexact].reply = cache_dupn(reply, replylen);
	c->exact[c->nexact].replylen = replylen;
	c->nexact++;
}

/* Thread ids in a qf/qs reply ("m1,2,fffffffe") become valid Hg targets. */
void
cache_list_learn(struct br_cache *c, const char *p, size_t len)
{
	size_t		i = 1, j;
	uint64_t	tid;
	struct cthread	*t;

	if (len < 2 || p[0] != 'm')
		return;
	while (i < len) {
		for (j = i; j < len && p[j] != ','; j++)
			;
		if (cache_parse_tid(p + i, j - i, &tid) &&
		    (t = cache_thread_get(c, tid, true)) != NULL)
			t->valid = true;
		i = j + 1;
	}
}

/* A stack: the THREAD_SIZE-aligned block holding this thread's SP. */
void
cache_stack_learn(struct br_cache *c, const char *g, size_t len)
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


/* ---- for sleepers.c: the thread gdb's 'g' is for, and its new answer */

bool
br_cache_gdb_want(const struct br_cache *c, uint64_t *tid, bool *current)
{
	if (c == NULL || !c->enabled || c->want_hg == CACHE_TID_UNKNOWN)
		return (false);
	*tid = c->want_hg;
	*current = c->want_hg == CACHE_TID_CURRENT;
	return (true);
}

bool
br_cache_vml_pending(const struct br_cache *c, char *req, size_t len)
{
	uint64_t	a;
	size_t		n;

	if (c == NULL || !c->enabled || c->vml == NULL ||
	    c->vops->state(c->vml) != BR_VML_UNVERIFIED ||
	    c->vops->nsamples(c->vml) == 0 ||
	    !c->vops->sample(c->vml, 0, &a, &n))
		return (false);
	snprintf(req, len, "m%" PRIx64 ",1", a);
	return (true);
}

bool
br_cache_stub_current(const struct br_cache *c)
{
	return (c != NULL && c->enabled && c->stub_hg == CACHE_TID_CURRENT);
}

bool
br_cache_gdb_thread(const struct br_cache *c, uint64_t *tid_out)
{
	uint64_t	tid;
	bool		current;

	if (!br_cache_gdb_want(c, &tid, &current) || current)
		return (false);
	*tid_out = tid;
	return (true);
}

void
br_cache_put_g(struct br_cache *c, uint64_t gen, uint64_t tid, const char *g,
    size_t len)
{
	struct cthread	*t;

	if (c == NULL || !c->enabled || gen != c->gen || len == 0 ||
	    (t = cache_thread_get(c, tid, true)) == NULL)
		return;
	free(t->g);
	t->g = cache_dupn(g, len);
	t->glen = len;
	t->valid = true;
	t->ahead = false;	/* sleepers.c's now: gdb read its stack */
}

/* ---- for gdb_bpguard.c: what this stop already holds, asked of nobody */

bool
br_cache_gdb_reg(struct br_cache *c, int idx, uint64_t *v)
{
	struct cthread	*t;
	struct rsp_regs	 r;

	if (c == NULL || !c->enabled || c->want_hg == CACHE_TID_UNKNOWN ||
	    idx < 0 || (t = cache_thread_get(c, c->want_hg, false)) == NULL ||
	    t->g == NULL || rsp_regs_parse_g(c->arch, t->g, t->glen, &r) < 0)
		return (false);
	return (rsp_regs_get(&r, idx, v) == RSP_OK);
}

bool
br_cache_peek(struct br_cache *c, uint64_t addr, void *buf, size_t len)
{
	bool	file;

	return (c != NULL && c->enabled && len > 0 &&
	    cache_read_held(c, addr, buf, len, &file));
}

/* ---- for taskregs.c */

bool
br_cache_has_g(struct br_cache *c, uint64_t tid)
{
	struct cthread	*t;

	return (c != NULL && c->enabled && (t = cache_thread_get(c, tid,
	    false)) != NULL &&
	    t->g != NULL);
}

bool
br_cache_mem_held(struct br_cache *c, uint64_t addr, size_t len,
    uint8_t *out)
{
	return (c != NULL && c->enabled && len > 0 &&
	    cache_mem_get(c, addr, len, out));
}

void
br_cache_learn_stack(struct br_cache *c, const char *g, size_t len)
{
	if (c != NULL && c->enabled)
		cache_stack_learn(c, g, len);
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
