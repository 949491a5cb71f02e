/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_cache.c: the stop-state cache (bridge/cache.c,
 * bridge/cache_plan.c).
 *
 * The main test is a model check: two identical fake kgdb targets, one
 * asked directly, the other through the cache; a long random sequence of
 * gdb requests (reads, writes, thread switches, register reads, thread
 * lists, breakpoints, resumes) must get byte-identical replies both ways,
 * and the fake behind the cache must never be read in its I/O region more
 * than the direct one. Then each invalidation event, the generation check,
 * the read planner's boundaries, a failed widened read, and on/off.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bridge/bridge.h"
#include "bridge/prefetch.h"

#define PAGE		4096
#define IMG_BASE	0xffffffff81000000ULL
#define IMG_LEN		(16 * PAGE)
#define STK_BASE	0xffffc90000010000ULL	/* a vmalloc'd task stack */
#define STK_LEN		16384
#define RAM_BASE	0xffff888000100000ULL
#define RAM_LEN		(16 * PAGE)
#define RAM_HOLE	(RAM_BASE + 5 * PAGE + 1024)	/* 64 bytes fault */
#define RAM_HOLE_LEN	64
#define IO_BASE		0xffffc90000100000ULL	/* ioremap: reads have effects */
#define IO_LEN		(2 * PAGE)
#define NREGS		156
#define NTHREADS	4

static const uint64_t tids[NTHREADS] = { 1, 2, 0x1c, 0xfffffffe };
static const char *names[NTHREADS] = { "init", "kthreadd", "sleep",
	"shadowCPU0" };

struct fake {
	const struct rsp_arch	*a;
	uint8_t			 img[IMG_LEN];
	uint8_t			 stk[STK_LEN];
	uint8_t			 ram[RAM_LEN];
	uint8_t			 io[IO_LEN];
	uint64_t		 io_bytes;	/* bytes read in the I/O region */
	uint8_t			 regs[NTHREADS][NREGS];
	int			 hg;		/* index; -1: current */
	int			 cur;
	int			 listpos;
	uint64_t		 rng;
	/* Checks on requests the cache made up itself. */
	bool			 own;
	uint64_t		 own_max;
	bool			 own_crossed;
	unsigned		 sent;		/* requests seen */
};

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (*s);
}

static void
fake_mutate(struct fake *f)
{
	size_t	i, t;

	for (i = 0; i < 64; i++) {
		f->stk[rnd(&f->rng) % STK_LEN] = (uint8_t)rnd(&f->rng);
		f->ram[rnd(&f->rng) % RAM_LEN] = (uint8_t)rnd(&f->rng);
	}
	for (t = 0; t < NTHREADS; t++)
		for (i = 0; i < 56; i++)	/* rax..rbp, not rsp */
			f->regs[t][i] = (uint8_t)rnd(&f->rng);
	f->cur = (int)(rnd(&f->rng) % 2);
	f->hg = -1;
	f->listpos = 0;
}

static void
fake_init(struct fake *f, const struct rsp_arch *a)
{
	size_t	i, t;
	uint64_t sp;

	memset(f, 0, sizeof *f);
	f->a = a;
	f->rng = 0x9e3779b97f4a7c15ULL;
	for (i = 0; i < IMG_LEN; i++)
		f->img[i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < STK_LEN; i++)
		f->stk[i] = (uint8_t)(i ^ 0x5a);
	for (i = 0; i < RAM_LEN; i++)
		f->ram[i] = (uint8_t)(i * 13);
	for (i = 0; i < IO_LEN; i++)
		f->io[i] = (uint8_t)i;
	for (t = 0; t < NTHREADS; t++) {
		for (i = 0; i < NREGS; i++)
			f->regs[t][i] = (uint8_t)(t * 31 + i);
		sp = STK_BASE + 0x3e00 - t * 0x40;
		memcpy(&f->regs[t][56], &sp, 8);	/* rsp, little-endian */
	}
	f->hg = -1;
}

/* Address to storage, or NULL if it faults; I/O bytes counted. */
static uint8_t *
fake_byte(struct fake *f, uint64_t a, bool count)
{
	if (a >= IMG_BASE && a < IMG_BASE + IMG_LEN)
		return (&f->img[a - IMG_BASE]);
	if (a >= STK_BASE && a < STK_BASE + STK_LEN)
		return (&f->stk[a - STK_BASE]);
	if (a >= RAM_HOLE && a < RAM_HOLE + RAM_HOLE_LEN)
		return (NULL);
	if (a >= RAM_BASE && a < RAM_BASE + RAM_LEN)
		return (&f->ram[a - RAM_BASE]);
	if (a >= IO_BASE && a < IO_BASE + IO_LEN) {
		if (count)
			f->io_bytes++;
		return (&f->io[a - IO_BASE]);
	}
	return (NULL);
}

/* One kgdb read: all or nothing. */
static bool
fake_read1(struct fake *f, uint64_t a, uint64_t n, uint8_t *out)
{
	uint64_t	i;

	for (i = 0; i < n; i++)
		if (fake_byte(f, a + i, false) == NULL)
			return (false);
	for (i = 0; i < n; i++)
		out[i] = *fake_byte(f, a + i, true);
	return (true);
}

static int
thread_idx(uint64_t v)
{
	uint32_t	t = (uint32_t)v;
	int		i;

	for (i = 0; i < NTHREADS; i++)
		if (tids[i] == t)
			return (i);
	return (-2);
}

static int
parse_al(const char *p, size_t len, uint64_t *a, uint64_t *n)
{
	int	k, k2;

	k = rsp_hex_u64(p + 1, len - 1, a);
	if (k <= 0 || (size_t)k + 1 >= len || p[k + 1] != ',')
		return (-1);
	k2 = rsp_hex_u64(p + k + 2, len - (size_t)k - 2, n);
	if (k2 <= 0)
		return (-1);
	return (k + 2 + k2);
}

/* The fake target plus target.c's read splitting (pages, mem_read_max). */
static size_t
fake_req(struct fake *f, const char *p, size_t len, char *out)
{
	uint8_t		 buf[2048];
	uint64_t	 a, n, done, piece, v;
	int		 off, t;
	size_t		 i;

	f->sent++;
	out[0] = '\0';
	switch (p[0]) {
	case 'm':
		assert_true(parse_al(p, len, &a, &n) == (int)len);
		if (f->own) {
			if (n > f->own_max)
				f->own_max = n;
			if (a / PAGE != (a + n - 1) / PAGE)
				f->own_crossed = true;
		}
		for (done = 0; done < n; done += piece) {
			piece = n - done;
			if (piece > f->a->mem_read_max)
				piece = f->a->mem_read_max;
			if (piece > PAGE - (a + done) % PAGE)
				piece = PAGE - (a + done) % PAGE;
			if (!fake_read1(f, a + done, piece, buf + done))
				break;
		}
		if (done == 0)
			return ((size_t)sprintf(out, "E22"));
		rsp_hex_encode(out, 4096, buf, (size_t)done);
		return ((size_t)(2 * done));
	case 'M':
		off = parse_al(p, len, &a, &n);
		assert_true(off > 0 && p[off] == ':');
		assert_int_equal(rsp_hex_decode(buf, sizeof buf, p + off + 1,
		    len - (size_t)off - 1), (int)n);
		for (i = 0; i < n; i++)
			if (fake_byte(f, a + i, false) == NULL)
				return ((size_t)sprintf(out, "E14"));
		for (i = 0; i < n; i++)
			*fake_byte(f, a + i, false) = buf[i];
		return ((size_t)sprintf(out, "OK"));
	case 'g':
		t = f->hg < 0 ? f->cur : f->hg;
		rsp_hex_encode(out, 4096, f->regs[t], NREGS);
		return (2 * NREGS);
	case 'G':
		t = f->hg < 0 ? f->cur : f->hg;
		if (t != f->cur)
			return ((size_t)sprintf(out, "E22"));
		rsp_hex_decode(f->regs[t], NREGS, p + 1, len - 1);
		return ((size_t)sprintf(out, "OK"));
	case 'p':
		rsp_hex_u64(p + 1, len - 1, &v);
		t = f->hg < 0 ? f->cur : f->hg;
		if (v >= 17)
			return ((size_t)sprintf(out, "E22"));
		rsp_hex_encode(out, 4096, &f->regs[t][v * 8], 8);
		return (16);
	case 'P':
		off = rsp_hex_u64(p + 1, len - 1, &v);
		t = f->hg < 0 ? f->cur : f->hg;
		if (v >= 17 || t != f->cur)
			return ((size_t)sprintf(out, "E22"));
		rsp_hex_decode(&f->regs[t][v * 8], 8, p + 2 + off, 16);
		return ((size_t)sprintf(out, "OK"));
	case 'H':
		if (rsp_hex_u64(p + 2, len - 2, &v) <= 0)
			return ((size_t)sprintf(out, "E22"));
		if ((uint32_t)v == 0 || (uint32_t)v == 0xffffffffu)
			t = -1;
		else if ((t = thread_idx(v)) < 0)
			return ((size_t)sprintf(out, "E22"));
		if (p[1] == 'g')
			f->hg = t;
		return ((size_t)sprintf(out, "OK"));
	case 'T':
		rsp_hex_u64(p + 1, len - 1, &v);
		return ((size_t)sprintf(out, thread_idx(v) >= 0 ? "OK" :
		    "E22"));
	case 'q':
		if (len == 12 && memcmp(p, "qfThreadInfo", 12) == 0) {
			f->listpos = 1;
			return ((size_t)sprintf(out, "mfffffffe,01"));
		}
		if (len == 12 && memcmp(p, "qsThreadInfo", 12) == 0) {
			if (f->listpos++ == 1)
				return ((size_t)sprintf(out, "m02,1c"));
			return (0);
		}
		if (len == 2 && memcmp(p, "qC", 2) == 0)
			return ((size_t)sprintf(out, "QC%02x",
			    (unsigned)tids[f->cur]));
		if (len > 17 && memcmp(p, "qThreadExtraInfo,", 17) == 0) {
			rsp_hex_u64(p + 17, len - 17, &v);
			if ((t = thread_idx(v)) < 0)
				return ((size_t)sprintf(out, "E22"));
			rsp_hex_encode(out, 4096, names[t], strlen(names[t]));
			return (2 * strlen(names[t]));
		}
		return (0);
	case 'Z':
	case 'z':
		/* A stricter stub than kgdb: the int3 shows at once. */
		rsp_hex_u64(p + 3, len - 3, &a);
		if (a >= IMG_BASE && a < IMG_BASE + IMG_LEN)
			f->img[a - IMG_BASE] = p[0] == 'Z' ? 0xcc :
			    (uint8_t)((a - IMG_BASE) * 7 + 3);
		return ((size_t)sprintf(out, "OK"));
	case 'c':
	case 's':
		fake_mutate(f);
		return ((size_t)sprintf(out, "T05thread:%02x;",
		    (unsigned)tids[f->cur]));
	}
	return (0);
}

/* gdb's request through the cache to fake b; the reply into out. */
static size_t
via_cache(struct br_cache *c, struct fake *b, const char *p, size_t len,
    char *out)
{
	struct br_cache_req	 r;
	char			 reply[4096], res[RSP_PKT_MAX + 1];
	size_t			 rlen, n;
	enum br_cache_verdict	 v;
	int			 guard = 0;

	v = br_cache_request(c, p, len, &r, res, sizeof res, &n);
	while (v != BR_CACHE_HIT) {
		assert_true(guard++ < 16);
		assert_int_not_equal(v, BR_CACHE_FAIL);
		if (v == BR_CACHE_PASS)
			rlen = fake_req(b, p, len, reply);
		else {
			b->own = true;
			rlen = fake_req(b, r.fwd, r.fwdlen, reply);
			b->own = false;
		}
		v = br_cache_reply(c, &r, p, len, reply, rlen, res,
		    sizeof res, &n);
	}
	memcpy(out, res, n);
	out[n] = '\0';
	return (n);
}

static const struct rsp_arch *
x86(void)
{
	return (rsp_arch_get(RSP_ARCH_X86_64));
}

static struct br_cache *
new_cache(void)
{
	struct br_cache	*c = br_cache_new(x86());

	br_cache_set_region(c, BR_CACHE_REGION_IMAGE, IMG_BASE,
	    IMG_BASE + IMG_LEN);
	br_cache_set_region(c, BR_CACHE_REGION_RAM, RAM_BASE,
	    RAM_BASE + RAM_LEN);
	return (c);
}

/* A random gdb request. */
static uint64_t gen_next;	/* just past the last read: gdb's x/32gx */

static size_t
gen_req(uint64_t *s, char *p)
{
	static const uint64_t bases[] = { IMG_BASE, STK_BASE, RAM_BASE,
	    IO_BASE, 0xffffc90000200000ULL, 0x400000 };
	static const uint64_t spans[] = { IMG_LEN, STK_LEN, RAM_LEN, IO_LEN,
	    PAGE, PAGE };
	static const uint64_t lens[] = { 1, 2, 4, 8, 16, 64, 100, 256, 511,
	    512, 1000 };
	uint64_t	r = rnd(s) % 100, k, a, n;
	uint8_t		data[8] = { 0 };
	char		hex[17];

	k = rnd(s) % 6;
	if (k < 3 && rnd(s) % 3 == 0)
		k = 2;	/* near the hole now and then */
	a = bases[k] + rnd(s) % spans[k];
	if (k == 2 && rnd(s) % 4 == 0)
		a = RAM_HOLE - 200 + rnd(s) % 400;
	n = lens[rnd(s) % (sizeof lens / sizeof lens[0])];
	if (r < 50) {
		/* Half the reads go on where the last one ended. */
		if (rnd(s) % 2 && gen_next != 0) {
			a = gen_next;
			n = rnd(s) % 2 ? 8 : 64;
		}
		gen_next = a + n;
		return ((size_t)sprintf(p, "m%llx,%llx", (unsigned long long)a,
		    (unsigned long long)n));
	}
	if (r < 56) {
		memset(data, (int)(rnd(s) & 0xff), sizeof data);
		rsp_hex_encode(hex, sizeof hex, data, 8);
		hex[16] = '\0';
		return ((size_t)sprintf(p, "M%llx,8:%s",
		    (unsigned long long)a, hex));
	}
	if (r < 66)
		return ((size_t)sprintf(p, "Hg%s", rnd(s) % 5 == 0 ? "0" :
		    rnd(s) % 7 == 0 ? "99" : rnd(s) % 2 ? "-2" : "1c"));
	if (r < 76)
		return ((size_t)sprintf(p, "g"));
	if (r < 80)
		return ((size_t)sprintf(p, "p%llx",
		    (unsigned long long)(rnd(s) % 20)));
	if (r < 82) {
		rsp_hex_encode(hex, sizeof hex, data, 0);
		return ((size_t)sprintf(p, "P7=%016llx",
		    (unsigned long long)rnd(s)));
	}
	if (r < 85)
		return ((size_t)sprintf(p, "qfThreadInfo"));
	if (r < 88)
		return ((size_t)sprintf(p, "qsThreadInfo"));
	if (r < 91)
		return ((size_t)sprintf(p, "qThreadExtraInfo,%s",
		    rnd(s) % 2 ? "1c" : "-2"));
	if (r < 92)
		return ((size_t)sprintf(p, "qC"));
	if (r < 93)
		return ((size_t)sprintf(p, "T%s", rnd(s) % 2 ? "2" : "77"));
	if (r < 96)
		return ((size_t)sprintf(p, "%c0,%llx,1", rnd(s) % 2 ? 'Z' :
		    'z', (unsigned long long)(IMG_BASE + rnd(s) % IMG_LEN)));
	if (r < 98)
		return ((size_t)sprintf(p, "c"));
	return ((size_t)sprintf(p, "s"));
}

static void
test_model(void **state)
{
	static struct fake	 a, b;
	struct br_cache		*c = new_cache();
	char			 p[256], ra[4096], rb[4096];
	size_t			 len, na, nb;
	uint64_t		 s = 12345;
	int			 i, events = 0;

	(void)state;
	fake_init(&a, x86());
	fake_init(&b, x86());
	for (i = 0; i < 20000; i++) {
		len = gen_req(&s, p);
		/*
		 * Events the stub never sees, just before gdb lists threads
		 * (as a new gdb, or one whose line came back, does): gdb's
		 * detach, answered by the bridge, and a cut line on the same
		 * stop. The stub keeps its Hg; the cache must not assume it
		 * went back to the current thread.
		 */
		if (strcmp(p, "qfThreadInfo") == 0 && ++events % 3 != 0)
			br_cache_invalidate(c, events % 3 == 1 ?
			    BR_CE_DETACH : BR_CE_LINK);
		na = fake_req(&a, p, len, ra);
		ra[na] = '\0';
		nb = via_cache(c, &b, p, len, rb);
		if (na != nb || memcmp(ra, rb, na) != 0)
			fail_msg("step %d: %s: direct %.60s, cached %.60s", i,
			    p, ra, rb);
		if (p[0] == 'c' || p[0] == 's')
			br_cache_invalidate(c, BR_CE_STOP);
		assert_int_equal(a.io_bytes, b.io_bytes);
	}
	/* It did cache and widen, within the limits. */
	assert_true(br_cache_stats(c)->hits > 1000);
	assert_true(br_cache_stats(c)->widened > 100);
	assert_true(br_cache_stats(c)->widen_retries > 0);
	assert_true(b.own_max <= x86()->mem_read_max);
	assert_false(b.own_crossed);
	br_cache_free(c);
}

/* Read once (a miss), then the same read is a hit. */
static void
fill(struct br_cache *c, struct fake *f, const char *req)
{
	char	out[4096];

	via_cache(c, f, req, strlen(req), out);
}

static bool
is_hit(struct br_cache *c, const char *req)
{
	struct br_cache_req	r;
	char			out[RSP_PKT_MAX + 1];
	size_t			n;

	return (br_cache_request(c, req, strlen(req), &r, out, sizeof out,
	    &n) == BR_CACHE_HIT);
}

static void
test_invalidate_events(void **state)
{
	static const enum br_cache_event evs[] = { BR_CE_RESUME,
	    BR_CE_WRITE, BR_CE_BREAKPOINT, BR_CE_STOP, BR_CE_KDB,
	    BR_CE_LINK, BR_CE_DETACH };
	static struct fake	 f;
	struct br_cache		*c = new_cache();
	size_t			 i;

	(void)state;
	fake_init(&f, x86());
	for (i = 0; i < sizeof evs / sizeof evs[0]; i++) {
		fill(c, &f, "mffffffff81000100,8");
		fill(c, &f, "g");
		assert_true(is_hit(c, "mffffffff81000100,8"));
		assert_true(is_hit(c, "g"));
		br_cache_invalidate(c, evs[i]);
		assert_false(is_hit(c, "mffffffff81000100,8"));
		/* Breakpoints drop memory only. */
		assert_int_equal(is_hit(c, "g"), evs[i] == BR_CE_BREAKPOINT);
		br_cache_invalidate(c, BR_CE_STOP);
	}
	br_cache_free(c);
}

/* A verified vmlinux whose first four image pages are kernel code and
 * which serves nothing itself. */
static bool
fv_image(const struct br_vmlinux *v, uint64_t *s, uint64_t *e)
{
	(void)v;
	*s = IMG_BASE;
	*e = IMG_BASE + IMG_LEN;
	return (true);
}

static void
fv_reset(struct br_vmlinux *v)
{
	(void)v;
}

static bool
fv_none(const struct br_vmlinux *v, uint64_t a, size_t n)
{
	(void)v;
	(void)a;
	(void)n;
	return (false);
}

static bool
fv_read(const struct br_vmlinux *v, uint64_t a, void *b, size_t n)
{
	(void)b;
	return (fv_none(v, a, n));
}

static enum br_vml_state
fv_state(const struct br_vmlinux *v)
{
	(void)v;
	return (BR_VML_VERIFIED);
}

static bool
fv_code(const struct br_vmlinux *v, uint64_t a, size_t n)
{
	(void)v;
	return (a >= IMG_BASE && n <= 4 * PAGE && a - IMG_BASE <= 4 * PAGE - n);
}

static size_t
fv_nsamples(const struct br_vmlinux *v)
{
	(void)v;
	return (0);
}

static bool
fv_sample(const struct br_vmlinux *v, size_t i, uint64_t *a, size_t *n)
{
	(void)v;
	(void)i;
	(void)a;
	(void)n;
	return (false);
}

static void
fv_check(struct br_vmlinux *v, size_t i, const void *b, size_t n)
{
	(void)v;
	(void)i;
	(void)b;
	(void)n;
}

static const char *
fv_why(const struct br_vmlinux *v)
{
	(void)v;
	return ("");
}

static const struct br_cache_file fv_ops = {
	.image = fv_image, .reset = fv_reset, .read = fv_read,
	.state = fv_state, .covers = fv_none, .code = fv_code,
	.nsamples = fv_nsamples, .sample = fv_sample, .check = fv_check,
	.why = fv_why,
};

/*
 * A quiet step (one instruction that writes no memory) keeps kernel code
 * through its resume and its stop, and only that; register writes and a
 * moved Hg keep all memory.
 */
static void
test_quiet_step(void **state)
{
	static struct fake	 f;
	static int		 dummy;
	struct br_cache		*c = new_cache();
	const char		*code = "mffffffff81000100,8";
	const char		*far = "mffffffff81005100,8";	/* not code */
	const char		*data = "mffff888000100040,8";

	(void)state;
	fake_init(&f, x86());
	br_cache_set_vmlinux(c, &fv_ops, (struct br_vmlinux *)&dummy);
	fill(c, &f, code);
	fill(c, &f, far);
	fill(c, &f, data);
	fill(c, &f, "g");
	br_cache_invalidate(c, BR_CE_STEP);
	assert_true(is_hit(c, code));
	assert_false(is_hit(c, far));
	assert_false(is_hit(c, data));
	assert_false(is_hit(c, "g"));
	/* The target's own notes of the step: running, then the stop
	 * (twice: the state change and the stop packet). */
	br_cache_invalidate(c, BR_CE_RESUME);
	br_cache_invalidate(c, BR_CE_STOP);
	br_cache_invalidate(c, BR_CE_STOP);
	assert_true(is_hit(c, code));
	/* The bridge puts pstate back: kgdb writes it into the pt_regs on
	 * the stack, so only code stays. */
	fill(c, &f, data);
	br_cache_invalidate(c, BR_CE_REGS);
	assert_true(is_hit(c, code));
	assert_false(is_hit(c, data));
	/* The next resume is no quiet step: everything goes. */
	br_cache_invalidate(c, BR_CE_RESUME);
	assert_false(is_hit(c, code));
	br_cache_invalidate(c, BR_CE_STOP);

	/* A step that met a break-in: code goes too. */
	fill(c, &f, code);
	br_cache_invalidate(c, BR_CE_STEP);
	br_cache_forget_code(c);
	assert_false(is_hit(c, code));
	br_cache_invalidate(c, BR_CE_STOP);

	/* The kernel's run after the step is noted once; a second (a
	 * panic while it runs) is another run. */
	fill(c, &f, code);
	br_cache_invalidate(c, BR_CE_STEP);
	br_cache_invalidate(c, BR_CE_RESUME);
	br_cache_invalidate(c, BR_CE_RESUME);
	assert_false(is_hit(c, code));
	br_cache_invalidate(c, BR_CE_STOP);

	/* Any other event between the step and its stop ends it. */
	fill(c, &f, code);
	br_cache_invalidate(c, BR_CE_STEP);
	br_cache_invalidate(c, BR_CE_KDB);
	assert_false(is_hit(c, code));
	br_cache_invalidate(c, BR_CE_STOP);
	fill(c, &f, code);
	br_cache_invalidate(c, BR_CE_STOP);
	assert_false(is_hit(c, code));

	/* Hg moved by another client: memory stays, registers go. */
	fill(c, &f, data);
	fill(c, &f, "g");
	br_cache_invalidate(c, BR_CE_THREAD);
	assert_true(is_hit(c, data));
	assert_false(is_hit(c, "g"));

	/* A reply went on unconfirmed: nothing read stays, code neither
	 * (it may be the doubtful one); the stub's thread is still known. */
	fill(c, &f, code);
	fill(c, &f, data);
	fill(c, &f, "g");
	assert_true(br_cache_stub_current(c));
	br_cache_invalidate(c, BR_CE_DOUBT);
	assert_false(is_hit(c, code));
	assert_false(is_hit(c, data));
	assert_false(is_hit(c, "g"));
	assert_true(br_cache_stub_current(c));

	/* Without a verified file nothing counts as code. */
	br_cache_set_vmlinux(c, &fv_ops, NULL);
	fill(c, &f, code);
	br_cache_invalidate(c, BR_CE_STEP);
	assert_false(is_hit(c, code));
	br_cache_free(c);
}

/* The cache's bus sink (cache_fwd.c): the events that invalidate, once
 * each, and the ones that leave it alone. */
static void
test_bus_events(void **state)
{
	static const struct {
		enum br_note	 note;
		enum br_tstate	 from, to;
		const char	*stop;
		int		 drops;
	} evs[] = {
		{ BR_NOTE_STATE, BR_TS_STOPPED_GDB, BR_TS_RUNNING, NULL, 1 },
		{ BR_NOTE_STATE, BR_TS_RUNNING, BR_TS_STOPPED_GDB, NULL, 1 },
		{ BR_NOTE_STATE, BR_TS_UNKNOWN, BR_TS_STOPPED_GDB, NULL, 1 },
		{ BR_NOTE_STATE, BR_TS_STOPPED_GDB, BR_TS_KDB, NULL, 1 },
		{ BR_NOTE_STATE, BR_TS_STOPPED_GDB, BR_TS_UNKNOWN, NULL, 1 },
		{ BR_NOTE_STOP, 0, 0, "T05thread:01;", 1 },
		{ BR_NOTE_STOP, 0, 0, "W00", 0 },
		{ BR_NOTE_STOP, 0, 0, "X09", 0 },
		{ BR_NOTE_STOP, 0, 0, NULL, 0 },	/* "kdb", "kgdb" */
		{ BR_NOTE_TARGET_LINK, 0, 0, NULL, 1 },
		{ BR_NOTE_DOUBT, 0, 0, NULL, 1 },
		{ BR_NOTE_LINK_UP, 0, 0, NULL, 0 },
		{ BR_NOTE_CONSOLE, 0, 0, NULL, 0 },
		{ BR_NOTE_GDB_DETACH, 0, 0, NULL, 0 },
	};
	static struct fake	 f;
	struct br_cache		*c = new_cache();
	struct br_event		 ev;
	uint64_t		 n;
	size_t			 i;

	(void)state;
	fake_init(&f, x86());
	memset(&ev, 0, sizeof ev);
	ev.note = BR_NOTE_TARGET_LINK;
	br_cache_note(NULL, &ev);	/* relay only: nothing to do */
	for (i = 0; i < sizeof evs / sizeof evs[0]; i++) {
		fill(c, &f, "mffffffff81000100,8");
		assert_true(is_hit(c, "mffffffff81000100,8"));
		memset(&ev, 0, sizeof ev);
		ev.note = evs[i].note;
		ev.text = evs[i].stop != NULL ? evs[i].stop : "kdb";
		ev.from = evs[i].from;
		ev.to = evs[i].to;
		ev.stop = evs[i].stop;
		ev.stoplen = evs[i].stop != NULL ? strlen(evs[i].stop) : 0;
		n = br_cache_stats(c)->invalidations;
		br_cache_note(c, &ev);
		if (br_cache_stats(c)->invalidations - n !=
		    (uint64_t)evs[i].drops)
			fail_msg("event %zu: %llu invalidations, want %d", i,
			    (unsigned long long)(br_cache_stats(c)->
			    invalidations - n), evs[i].drops);
		assert_int_equal(is_hit(c, "mffffffff81000100,8"),
		    evs[i].drops == 0);
		br_cache_invalidate(c, BR_CE_STOP);
	}
	br_cache_free(c);
}

static void
test_invalidate_requests(void **state)
{
	static const char *reqs[] = { "Mffffffff81000000,1:00",
	    "Xffffffff81000000,0:", "G00", "P0=00", "Z0,ffffffff81000000,1",
	    "z0,ffffffff81000000,1", "c", "s", "C09", "D", "k", "3",
	    "vCont;c", "qRcmd,7073" };
	static struct fake	 f;
	struct br_cache		*c = new_cache();
	struct br_cache_req	 r;
	char			 out[RSP_PKT_MAX + 1];
	size_t			 i, n;
	uint64_t		 gen;

	(void)state;
	fake_init(&f, x86());
	for (i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
		fill(c, &f, "mffffffff81000100,8");
		assert_true(is_hit(c, "mffffffff81000100,8"));
		gen = br_cache_generation(c);
		(void)br_cache_request(c, reqs[i], strlen(reqs[i]), &r, out,
		    sizeof out, &n);
		assert_true(br_cache_generation(c) > gen);
		if (is_hit(c, "mffffffff81000100,8"))
			fail_msg("%s left memory cached", reqs[i]);
	}
	br_cache_free(c);
}

/* A reply to a request planned before a resume is not stored. */
static void
test_generation(void **state)
{
	static struct fake	 f;
	struct br_cache		*c = new_cache();
	struct br_cache_req	 r;
	char			 out[RSP_PKT_MAX + 1], reply[4096];
	size_t			 n, rlen;
	enum br_cache_verdict	 v;

	(void)state;
	fake_init(&f, x86());
	v = br_cache_request(c, "g", 1, &r, out, sizeof out, &n);
	assert_int_equal(v, BR_CACHE_PASS);
	rlen = fake_req(&f, "g", 1, reply);
	br_cache_invalidate(c, BR_CE_RESUME);
	v = br_cache_reply(c, &r, "g", 1, reply, rlen, out, sizeof out, &n);
	assert_int_equal(v, BR_CACHE_HIT);
	assert_int_equal(n, rlen);		/* gdb still gets its reply */
	assert_false(is_hit(c, "g"));		/* but it was not kept */
	br_cache_free(c);
}

static void
test_plan_bounds(void **state)
{
	struct br_cache		*c = new_cache();
	static struct fake	 f;
	uint64_t		 a, n, wa, wn, max = x86()->mem_read_max;
	uint64_t		 s = 777;
	int			 i;
	bool			 w;

	(void)state;
	fake_init(&f, x86());
	fill(c, &f, "g");	/* learns the stack from rsp */
	for (i = 0; i < 100000; i++) {
		int k = (int)(rnd(&s) % 5);

		a = (k == 0 ? IMG_BASE : k == 1 ? STK_BASE : k == 2 ?
		    RAM_BASE : k == 3 ? IO_BASE : 0x7ffff000ULL) +
		    rnd(&s) % (20 * PAGE) - 2 * PAGE;
		n = 1 + rnd(&s) % 600;
		w = br_cache_plan(c, a, n, &wa, &wn);
		if (!w) {
			assert_true(wa == a && wn == n);
			continue;
		}
		assert_true(wa <= a && wa + wn >= a + n);
		assert_true(wn <= max);
		assert_true(wa / PAGE == (wa + wn - 1) / PAGE);
		assert_true((wa >= IMG_BASE && wa + wn <= IMG_BASE + IMG_LEN) ||
		    (wa >= STK_BASE && wa + wn <= STK_BASE + STK_LEN) ||
		    (wa >= RAM_BASE && wa + wn <= RAM_BASE + RAM_LEN));
	}
	/* Never into I/O space or user space; never across a page. */
	assert_false(br_cache_plan(c, IO_BASE + 8, 8, &wa, &wn));
	assert_false(br_cache_plan(c, 0x400000, 8, &wa, &wn));
	assert_false(br_cache_plan(c, IMG_BASE + PAGE - 4, 8, &wa, &wn));
	assert_false(br_cache_plan(c, IMG_BASE, max, &wa, &wn));
	/* A small read in the image grows to the limit. */
	assert_true(br_cache_plan(c, IMG_BASE + 0x100, 8, &wa, &wn));
	assert_int_equal(wn, max);
	/* A stack that is not known: as asked. */
	assert_false(br_cache_plan(c, STK_BASE + STK_LEN + 0x100, 8, &wa,
	    &wn));
	br_cache_free(c);
}

/* The widened read faults (a hole gdb's read misses): retried as asked. */
static void
test_widen_retry(void **state)
{
	static struct fake	 f;
	struct br_cache		*c = new_cache();
	char			 out[4096], direct[4096];
	const char		*req = "mffff8880001053f0,8";	/* hole - 16 */
	size_t			 n;

	(void)state;
	fake_init(&f, x86());
	/* The read before it ends where it starts: read-ahead. */
	via_cache(c, &f, "mffff8880001053e8,8", 19, out);
	n = via_cache(c, &f, req, strlen(req), out);
	assert_int_equal(fake_req(&f, req, strlen(req), direct), n);
	assert_memory_equal(out, direct, n);
	assert_int_equal(br_cache_stats(c)->widen_retries, 1);
	assert_true(is_hit(c, req));
	br_cache_free(c);
}

static void
test_threads(void **state)
{
	static struct fake	 f;
	struct br_cache		*c = new_cache();
	char			 out[4096];
	unsigned		 sent;

	(void)state;
	fake_init(&f, x86());
	fill(c, &f, "qfThreadInfo");
	fill(c, &f, "qsThreadInfo");
	fill(c, &f, "qsThreadInfo");
	fill(c, &f, "Hg1c");
	fill(c, &f, "g");
	fill(c, &f, "qThreadExtraInfo,1c");
	fill(c, &f, "Hg0");
	sent = f.sent;
	/* The whole list again, registers and names: no wire at all. */
	via_cache(c, &f, "qfThreadInfo", 12, out);
	assert_string_equal(out, "mfffffffe,01");
	via_cache(c, &f, "qsThreadInfo", 12, out);
	assert_string_equal(out, "m02,1c");
	via_cache(c, &f, "qsThreadInfo", 12, out);
	assert_string_equal(out, "");
	via_cache(c, &f, "Hg1c", 4, out);
	assert_string_equal(out, "OK");
	via_cache(c, &f, "g", 1, out);
	assert_int_equal(strlen(out), 2 * NREGS);
	via_cache(c, &f, "qThreadExtraInfo,1c", 19, out);
	assert_int_equal(f.sent, sent);
	/* A thread in the list whose registers are not cached: Hg is local,
	 * and 'g' sends the stub there first. */
	via_cache(c, &f, "Hg2", 3, out);
	assert_string_equal(out, "OK");
	assert_int_equal(f.sent, sent);
	via_cache(c, &f, "g", 1, out);
	assert_int_equal(f.sent, sent + 2);
	br_cache_free(c);
}

/* The control socket (kgdb-tui's thread key) sends its own Hg: the cache
 * must not go on believing the stub is on gdb's thread. */
static void
test_thread_moved_behind(void **state)
{
	static struct fake	 f;
	struct br_cache		*c = new_cache();
	char			 out[4096], want[4096];
	unsigned		 sent;

	(void)state;
	fake_init(&f, x86());
	fill(c, &f, "Hg1c");
	fill(c, &f, "g");
	rsp_hex_encode(want, sizeof want, f.regs[2], NREGS);
	want[2 * NREGS] = '\0';
	/* What ctl.c does for "thread 2": invalidate, then Hg2 on the wire. */
	br_cache_invalidate(c, BR_CE_THREAD);
	f.hg = 1;				/* tids[1] == 2 */
	sent = f.sent;
	via_cache(c, &f, "g", 1, out);
	/* gdb's thread is still 0x1c: the cache names it before 'g'. */
	assert_int_equal(f.sent, sent + 2);
	assert_int_equal(f.hg, 2);
	assert_string_equal(out, want);
	br_cache_free(c);
}

static void
test_off(void **state)
{
	static struct fake	 f;
	struct br_cache		*c = new_cache();
	char			 out[4096];
	char			 text[1024];
	unsigned		 sent;

	(void)state;
	fake_init(&f, x86());
	fill(c, &f, "mffffffff81000100,8");
	assert_true(is_hit(c, "mffffffff81000100,8"));
	br_cache_set_enabled(c, false);
	assert_false(br_cache_enabled(c));
	sent = f.sent;
	via_cache(c, &f, "mffffffff81000100,8", 19, out);
	assert_int_equal(f.sent, sent + 1);
	assert_false(is_hit(c, "mffffffff81000100,8"));
	br_cache_set_enabled(c, true);
	fill(c, &f, "mffffffff81000100,8");
	assert_true(is_hit(c, "mffffffff81000100,8"));
	assert_true(br_cache_stats_text(c, text, sizeof text) > 0);
	assert_non_null(strstr(text, "cache: on"));
	br_cache_free(c);
}

/* ---- the read-ahead (bridge/cache_ahead.c) */

static const struct br_ahead_cfg ahead_cfg = {
	.piece = 256, .stack = 2048, .thread_stack = 192, .code = 128,
	.threads = true,
};

/* One read-ahead request: planned, sent to b (bounds checked as the
 * cache's own), its reply kept. False when there is nothing to read. */
static bool
ahead_plan_send(struct br_cache *c, struct fake *b, struct br_ahead *a,
    char *reply, size_t *rlen)
{
	uint64_t	io = b->io_bytes;

	if (!br_cache_ahead(c, &ahead_cfg, a))
		return (false);
	assert_true(a->pktlen > 0 && a->pktlen < sizeof a->pkt);
	/* One page, one piece at most. */
	if (a->kind == BR_AHEAD_MEM)
		assert_true(a->len > 0 && a->len <= ahead_cfg.piece &&
		    a->addr / PAGE == (a->addr + a->len - 1) / PAGE);
	b->own = true;
	*rlen = fake_req(b, a->pkt, a->pktlen, reply);
	b->own = false;
	reply[*rlen] = '\0';
	/* Never a byte where reading has effects. */
	assert_int_equal(b->io_bytes, io);
	return (true);
}

/*
 * gdb's request p through the cache, while a read-ahead request a (sent
 * just before, reply waiting) is on the wire: gdb's is planned first,
 * then a's reply is kept, then gdb's goes on as usual.
 */
static size_t
via_cache_behind(struct br_cache *c, struct fake *b, const char *p,
    size_t len, char *out, const struct br_ahead *a, const char *areply,
    size_t arlen)
{
	struct br_cache_req	 r;
	char			 reply[4096], res[RSP_PKT_MAX + 1];
	size_t			 rlen, n;
	enum br_cache_verdict	 v;
	int			 guard = 0;

	v = br_cache_request(c, p, len, &r, res, sizeof res, &n);
	br_cache_ahead_reply(c, a, areply, arlen);
	while (v != BR_CACHE_HIT) {
		assert_true(guard++ < 16);
		assert_int_not_equal(v, BR_CACHE_FAIL);
		if (v == BR_CACHE_PASS)
			rlen = fake_req(b, p, len, reply);
		else
			rlen = fake_req(b, r.fwd, r.fwdlen, reply);
		v = br_cache_reply(c, &r, p, len, reply, rlen, res,
		    sizeof res, &n);
	}
	memcpy(out, res, n);
	out[n] = '\0';
	return (n);
}

/*
 * The model check again, with the read-ahead running between gdb's
 * requests: some of its requests finish before gdb's next one, others
 * are still on the wire when gdb's comes (the stub's thread moved, a
 * thread list half read). Every reply gdb gets must still equal the
 * direct target's, and the read-ahead must stay in its bounds: never
 * the I/O region, one page and one piece per read at most.
 */
static void
test_ahead_model(void **state)
{
	static struct fake	 a, b;
	struct br_cache		*c = new_cache();
	struct br_ahead		 ah;
	char			 p[256], ra[4096], rb[4096], rah[4096];
	size_t			 len, na, nb, nah;
	uint64_t		 s = 777, k;
	int			 i, steps = 0, behind = 0;
	bool			 listing = false;

	(void)state;
	fake_init(&a, x86());
	fake_init(&b, x86());
	for (i = 0; i < 20000; i++) {
		len = gen_req(&s, p);
		/* gdb lists threads in one run from qfThreadInfo on, never
		 * with a lone qsThreadInfo (the stub's place in its list is
		 * shared) nor with other requests between. */
		if (strcmp(p, "qsThreadInfo") == 0 && !listing)
			len = (size_t)sprintf(p, "qfThreadInfo");
		for (k = rnd(&s) % 4; k > 0; k--)
			if (ahead_plan_send(c, &b, &ah, rah, &nah)) {
				br_cache_ahead_reply(c, &ah, rah, nah);
				steps++;
			}
		na = fake_req(&a, p, len, ra);
		ra[na] = '\0';
		if (rnd(&s) % 3 == 0 && ahead_plan_send(c, &b, &ah, rah,
		    &nah)) {
			nb = via_cache_behind(c, &b, p, len, rb, &ah, rah,
			    nah);
			behind++;
		} else
			nb = via_cache(c, &b, p, len, rb);
		if (na != nb || memcmp(ra, rb, na) != 0)
			fail_msg("step %d: %s: direct %.60s, cached %.60s", i,
			    p, ra, rb);
		if (strcmp(p, "qsThreadInfo") != 0)
			listing = strcmp(p, "qfThreadInfo") == 0;
		else if (ra[0] != 'm')
			listing = false;
		if (p[0] == 'c' || p[0] == 's')
			br_cache_invalidate(c, BR_CE_STOP);
		assert_int_equal(a.io_bytes, b.io_bytes);
	}
	assert_true(steps > 1000 && behind > 1000);
	assert_false(b.own_crossed);
	br_cache_free(c);
}

/*
 * After a stop, the read-ahead left alone to the end: then what gdb asks
 * first (registers, the stack's top lines, the thread list, names, every
 * thread's registers) needs no request at all, and a resume drops it.
 */
static void
test_ahead_then_gdb(void **state)
{
	static struct fake	 f;
	struct br_cache		*c = new_cache();
	struct br_ahead		 ah;
	char			 out[4096], rah[4096], want[4096], req[64];
	size_t			 nah, t;
	unsigned		 sent;
	int			 n = 0;
	uint64_t		 sp;

	(void)state;
	fake_init(&f, x86());
	f.cur = 2;			/* "current" is 0x1c */
	while (ahead_plan_send(c, &f, &ah, rah, &nah)) {
		br_cache_ahead_reply(c, &ah, rah, nah);
		assert_true(++n < 200);
	}
	sent = f.sent;
	via_cache(c, &f, "g", 1, out);
	rsp_hex_encode(want, sizeof want, f.regs[2], NREGS);
	want[2 * NREGS] = '\0';
	assert_string_equal(out, want);
	memcpy(&sp, &f.regs[2][56], 8);
	snprintf(req, sizeof req, "m%llx,40", (unsigned long long)(sp & ~63ULL));
	via_cache(c, &f, req, strlen(req), out);
	snprintf(req, sizeof req, "m%llx,40",
	    (unsigned long long)((sp & ~63ULL) + 0x100));
	via_cache(c, &f, req, strlen(req), out);
	via_cache(c, &f, "qfThreadInfo", 12, out);
	assert_string_equal(out, "mfffffffe,01");
	via_cache(c, &f, "qsThreadInfo", 12, out);
	via_cache(c, &f, "qsThreadInfo", 12, out);
	assert_string_equal(out, "");
	via_cache(c, &f, "qThreadExtraInfo,-2", 19, out);
	via_cache(c, &f, "qThreadExtraInfo,1c", 19, out);
	for (t = 0; t < NTHREADS; t++) {
		snprintf(req, sizeof req, "Hg%llx", (unsigned long long)tids[t]);
		via_cache(c, &f, req, strlen(req), out);
		assert_string_equal(out, "OK");
		via_cache(c, &f, "g", 1, out);
		rsp_hex_encode(want, sizeof want, f.regs[t], NREGS);
		want[2 * NREGS] = '\0';
		assert_string_equal(out, want);
		memcpy(&sp, &f.regs[t][56], 8);
		snprintf(req, sizeof req, "m%llx,40",
		    (unsigned long long)(sp & ~63ULL));
		via_cache(c, &f, req, strlen(req), out);
	}
	/* Not one request on the wire for all of that. */
	assert_int_equal(f.sent, sent);
	/* A resume: nothing of this stop is served any more, and a reply
	 * planned before it is not kept. */
	br_cache_invalidate(c, BR_CE_RESUME);
	assert_true(br_cache_ahead(c, &ahead_cfg, &ah));
	assert_string_equal(ah.pkt, "g");
	br_cache_invalidate(c, BR_CE_STOP);
	br_cache_ahead_reply(c, &ah, want, 2 * NREGS);
	assert_false(is_hit(c, "g"));
	br_cache_free(c);
}

/* The memory cap: past it the cache starts over, never grows beyond. */
static void
test_cap(void **state)
{
	static struct fake	 f;
	struct br_cache		*c = new_cache();
	char			 req[64], out[4096];
	int			 i;

	(void)state;
	fake_init(&f, x86());
	br_cache_set_limit(c, 2048);
	for (i = 0; i < 16; i++) {
		snprintf(req, sizeof req, "m%llx,1ff",
		    (unsigned long long)(IMG_BASE + (uint64_t)i * PAGE));
		via_cache(c, &f, req, strlen(req), out);
		assert_true(is_hit(c, req));
	}
	snprintf(req, sizeof req, "m%llx,1ff", (unsigned long long)IMG_BASE);
	assert_false(is_hit(c, req));
	br_cache_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_invalidate_events),
		cmocka_unit_test(test_bus_events),
		cmocka_unit_test(test_quiet_step),
		cmocka_unit_test(test_invalidate_requests),
		cmocka_unit_test(test_generation),
		cmocka_unit_test(test_plan_bounds),
		cmocka_unit_test(test_widen_retry),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_thread_moved_behind),
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_ahead_model),
		cmocka_unit_test(test_ahead_then_gdb),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
