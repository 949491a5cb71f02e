/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_tui_printk.c: the printk ring walker against synthetic
 * memory images, laid out as the DWARF of the 6.1 and 6.12 fixtures
 * (tests/data/dwarf, built by make) says, and against memory captured
 * from the lab's kernel, laid out as its vmlinux's DWARF says. The test
 * writes records the way the kernel does
 * (printk_ringbuffer.c data_alloc/desc_reserve, reduced to one writer):
 * descriptor ids starting at DESC0_ID, blocks that wrap to the start of the
 * data ring with the id written at both ends, data-less records, tail
 * pushing when the descriptor or data ring is full. Each memory read is
 * checked (inside a mapped region, at most 511 bytes) and counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/dwarf.h"
#include "tests/unit/fixdir.h"
#include "tests/unit/labpath.h"
#include "tui/tui.h"

#define PRB_SYM		UINT64_C(0xffffffff82000000)
#define RB_ADDR		UINT64_C(0xffffffff82100000)
#define DESCS_ADDR	UINT64_C(0xffffffff82200000)
#define INFOS_ADDR	UINT64_C(0xffffffff82300000)
#define DATA_ADDR	UINT64_C(0xffffffff82400000)

struct region {
	uint64_t	 addr;
	uint8_t		*mem;
	size_t		 len;
};

/* The fixtures' directory (next to this binary), and the kernel version
 * whose layout the fake rings take. */
static char		 fixdir[1024];
static const char	*fix_version = "6.1";

struct fake {
	struct tui_prb_layout l;
	unsigned	 head_lpos_off, tail_lpos_off;	/* text_data_ring */
	unsigned	 ls, W;
	unsigned	 count_bits, size_bits;
	uint64_t	 cnt, dsize, idmask;
	struct region	 r[5];	/* prb, rb, descs, infos, data */
	uint64_t	 head_id, tail_id, head_lpos, tail_lpos, seq;
	size_t		 reads, max_read;
	bool		 fail_reads;
};

static void
put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t
get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = (v << 8) | p[n];
	return (v);
}

static int
fake_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct fake	*f = arg;
	size_t		 i;

	f->reads++;
	if (len > f->max_read)
		f->max_read = len;
	assert_true(len <= 511);
	if (f->fail_reads)
		return (-1);
	for (i = 0; i < 5; i++) {
		struct region *r = &f->r[i];

		if (addr >= r->addr && addr + len <= r->addr + r->len) {
			memcpy(buf, r->mem + (addr - r->addr), len);
			return (0);
		}
	}
	return (-1);
}

static uint8_t *
desc_at(struct fake *f, uint64_t id)
{
	return (f->r[2].mem + (id & (f->cnt - 1)) * f->l.desc_size);
}

static uint8_t *
info_at(struct fake *f, uint64_t id)
{
	return (f->r[3].mem + (id & (f->cnt - 1)) * f->l.info_size);
}

static uint64_t
sv_make(struct fake *f, uint64_t id, unsigned state)
{
	return (((uint64_t)state << (f->W - 2)) | (id & f->idmask));
}

static void
set_desc(struct fake *f, uint64_t id, unsigned state, uint64_t begin,
    uint64_t next)
{
	uint8_t	*d = desc_at(f, id);

	put_le(d + f->l.state_var.off, sv_make(f, id, state), f->ls);
	put_le(d + f->l.begin.off, begin, f->ls);
	put_le(d + f->l.next.off, next, f->ls);
}

static void
sync_header(struct fake *f)
{
	uint8_t	*rb = f->r[1].mem;

	put_le(rb + f->l.head_id.off, f->head_id, f->ls);
	put_le(rb + f->l.tail_id.off, f->tail_id, f->ls);
	put_le(rb + f->head_lpos_off, f->head_lpos, f->ls);
	put_le(rb + f->tail_lpos_off, f->tail_lpos, f->ls);
}

/*
 * The ring layout of fixture prb-VERSION-BITS from its DWARF, and where
 * the data ring's head and tail are (the walk does not read them; the
 * fake writes them as the kernel does).
 */
static void
fix_layout(const char *version, unsigned long_size, struct fake *f)
{
	struct cm_dwarf		*d;
	struct cm_dwarf_member	 m;
	char			 path[1100], err[TUI_ERRLEN];
	uint64_t		 prb;

	snprintf(path, sizeof path, "%s/prb-%s-%u", fixdir, version,
	    long_size * 8);
	d = cm_dwarf_open(path, err);
	if (d == NULL)
		print_message("# %s\n", err);
	assert_non_null(d);
	if (tui_prb_layout_dwarf(d, &f->l, &prb, err) != 0)
		print_message("# %s\n", err);
	assert_int_equal(f->l.long_size, long_size);
	assert_int_equal(cm_dwarf_member(d, "printk_ringbuffer",
	    "text_data_ring.head_lpos", &m, err), 0);
	f->head_lpos_off = (unsigned)m.offset;
	assert_int_equal(cm_dwarf_member(d, "printk_ringbuffer",
	    "text_data_ring.tail_lpos", &m, err), 0);
	f->tail_lpos_off = (unsigned)m.offset;
	cm_dwarf_free(d);
}

static struct fake *
fake_new(unsigned long_size, unsigned count_bits, unsigned size_bits)
{
	struct fake	*f = tui_xcalloc(1, sizeof *f);
	uint8_t		*rb;

	fix_layout(fix_version, long_size, f);
	f->ls = long_size;
	f->W = long_size * 8;
	f->count_bits = count_bits;
	f->size_bits = size_bits;
	f->cnt = UINT64_C(1) << count_bits;
	f->dsize = UINT64_C(1) << size_bits;
	f->idmask = (UINT64_C(1) << (f->W - 2)) - 1;
	f->r[0] = (struct region){ PRB_SYM, tui_xcalloc(1, 8), long_size };
	f->r[1] = (struct region){ RB_ADDR, tui_xcalloc(1, f->l.rb_size),
	    f->l.rb_size };
	f->r[2] = (struct region){ DESCS_ADDR,
	    tui_xcalloc(f->cnt, f->l.desc_size), f->cnt * f->l.desc_size };
	f->r[3] = (struct region){ INFOS_ADDR,
	    tui_xcalloc(f->cnt, f->l.info_size), f->cnt * f->l.info_size };
	f->r[4] = (struct region){ DATA_ADDR, tui_xcalloc(1, f->dsize),
	    f->dsize };
	f->max_read = 0;
	if (long_size == 4)	/* a 32-bit kernel's addresses */
		for (int i = 0; i < 5; i++)
			f->r[i].addr &= UINT32_MAX;
	put_le(f->r[0].mem, f->r[1].addr, long_size);

	rb = f->r[1].mem;
	put_le(rb + f->l.count_bits.off, count_bits, f->l.count_bits.size);
	put_le(rb + f->l.descs.off, f->r[2].addr, long_size);
	put_le(rb + f->l.infos.off, f->r[3].addr, long_size);
	put_le(rb + f->l.size_bits.off, size_bits, f->l.size_bits.size);
	put_le(rb + f->l.data.off, f->r[4].addr, long_size);

	/* DESC0_ID: -(count+1) in 32-bit unsigned, as the kernel computes. */
	f->head_id = f->tail_id = (uint32_t)-(uint32_t)(f->cnt + 1) &
	    f->idmask;
	set_desc(f, f->head_id, 3, 1, 1);
	/* BLK0_LPOS: -(size) as unsigned long. */
	f->head_lpos = f->tail_lpos = (-(f->dsize)) &
	    (long_size == 8 ? UINT64_MAX : UINT32_MAX);
	sync_header(f);
	return (f);
}

static void
fake_free(struct fake *f)
{
	for (int i = 0; i < 5; i++)
		free(f->r[i].mem);
	free(f);
}

/* Drop the oldest record: its descriptor becomes reusable, and the data
 * tail moves past its block. */
static void
push_tail(struct fake *f)
{
	uint8_t		*d = desc_at(f, f->tail_id);
	uint64_t	 next = get_le(d + f->l.next.off, f->ls);

	if (!(next & 1))
		f->tail_lpos = next;
	put_le(d + f->l.state_var.off, sv_make(f, f->tail_id, 3), f->ls);
	f->tail_id = (f->tail_id + 1) & f->idmask;
}

static uint64_t
lmask(const struct fake *f)
{
	return (f->ls == 8 ? UINT64_MAX : UINT32_MAX);
}

/*
 * Append one record. text NULL: a "lost" data-less record; "" : an empty
 * one. Returns its id.
 */
static uint64_t
fake_add(struct fake *f, const char *text, unsigned level, unsigned state,
    uint32_t caller)
{
	uint64_t	 id = (f->head_id + 1) & f->idmask;
	uint64_t	 begin, next, size, len = text ? strlen(text) : 0;
	uint8_t		*info;

	/* The descriptor ring keeps cnt-1 records besides the new one. */
	while (((id - f->tail_id) & f->idmask) >= f->cnt)
		push_tail(f);
	if (text == NULL) {
		begin = next = 1;	/* FAILED_LPOS */
	} else if (len == 0) {
		begin = next = 3;	/* NO_LPOS */
	} else {
		size = (f->ls + len + f->ls - 1) & ~(uint64_t)(f->ls - 1);
		begin = f->head_lpos;
		if ((begin >> f->size_bits) == ((begin + size) >> f->size_bits))
			next = begin + size;
		else
			next = (((begin + size) >> f->size_bits) <<
			    f->size_bits) + size;
		next &= lmask(f);
		/* Make room in the data ring. */
		while (((next - f->tail_lpos) & lmask(f)) > f->dsize &&
		    f->tail_id != f->head_id)
			push_tail(f);
		if (((next - f->tail_lpos) & lmask(f)) > f->dsize)
			f->tail_lpos = (next - f->dsize) & lmask(f);
		put_le(f->r[4].mem + (begin & (f->dsize - 1)), id, f->ls);
		if ((begin >> f->size_bits) == (next >> f->size_bits)) {
			memcpy(f->r[4].mem + (begin & (f->dsize - 1)) + f->ls,
			    text, len);
		} else {
			put_le(f->r[4].mem, id, f->ls);
			memcpy(f->r[4].mem + f->ls, text, len);
		}
		f->head_lpos = next;
	}
	set_desc(f, id, state, begin, next);
	info = info_at(f, id);
	memset(info, 0, f->l.info_size);
	put_le(info + f->l.seq.off, f->seq, f->l.seq.size);
	put_le(info + f->l.ts_nsec.off, 1000000ULL * (f->seq + 1) + 7,
	    f->l.ts_nsec.size);
	put_le(info + f->l.text_len.off, len, f->l.text_len.size);
	/* flags and level share a byte (bit fields) */
	info[f->l.level.off] |= (uint8_t)(level << f->l.level.bit);
	info[f->l.flags.off] |= (uint8_t)(TUI_LOG_NEWLINE << f->l.flags.bit);
	put_le(info + f->l.caller_id.off, caller, f->l.caller_id.size);
	f->seq++;
	f->head_id = id;
	sync_header(f);
	return (id);
}

/* What a poll delivered. */
struct got {
	size_t		 n;
	uint64_t	 seq[64], ts[64];
	unsigned	 level[64];
	uint32_t	 caller[64];
	bool		 final[64], lost[64];
	char		 text[64][1100];
};

static void
got_cb(void *arg, const struct tui_printk_rec *r)
{
	struct got *g = arg;

	assert_true(g->n < 64);
	g->seq[g->n] = r->seq;
	g->ts[g->n] = r->ts_nsec;
	g->level[g->n] = r->level;
	g->caller[g->n] = r->caller_id;
	g->final[g->n] = r->final;
	g->lost[g->n] = r->lost;
	assert_true(r->len < sizeof g->text[0]);
	memcpy(g->text[g->n], r->text, r->len);
	g->text[g->n][r->len] = '\0';
	g->n++;
}

/* Only counts (for rings bigger than struct got holds). */
static void
got_cb_count(void *arg, const struct tui_printk_rec *r)
{
	struct got *g = arg;

	(void)r;
	g->n++;
}

static int
poll(struct tui_printk *pk, struct got *g, uint64_t *bytes_out)
{
	struct tui_printk_stats	 before, after;
	char			 err[TUI_ERRLEN];
	int			 n;

	memset(g, 0, sizeof *g);
	tui_printk_stats(pk, &before);
	n = tui_printk_poll(pk, got_cb, g, err);
	tui_printk_stats(pk, &after);
	if (bytes_out != NULL)
		*bytes_out = after.bytes - before.bytes;
	if (n >= 0)
		assert_int_equal((size_t)n, g->n);
	else
		print_message("# poll: %s\n", err);
	return (n);
}

/* A text block: the id, the text, padding to a long. */
static uint64_t
blk(unsigned ls, size_t len)
{
	return ((ls + len + ls - 1) & ~(uint64_t)(ls - 1));
}

static void
basic_and_incremental(unsigned ls)
{
	struct fake		*f = fake_new(ls, 4, 9);
	struct tui_printk	*pk = tui_printk_new(&f->l, f->r[0].addr,
				    fake_read, f);
	struct got		 g;
	const struct tui_prb_field *hf[] = { &f->l.count_bits, &f->l.descs,
	    &f->l.infos, &f->l.head_id, &f->l.tail_id, &f->l.size_bits,
	    &f->l.data };
	uint64_t		 bytes, hdr = 0;
	uint64_t		 per = f->l.desc_size + 24;	/* + info */
	size_t			 i;

	/* The pointer, then the ring header up to its last field read. */
	for (i = 0; i < sizeof hf / sizeof hf[0]; i++)
		if (hf[i]->off + hf[i]->size > hdr)
			hdr = hf[i]->off + hf[i]->size;
	hdr += ls;

	fake_add(f, "Linux version 6.1.0", 5, 2, 0);
	fake_add(f, "Command line: console=ttyS0 kgdboc=ttyS0", 6, 2, 0);
	fake_add(f, "sysrq: Trigger a crash", 6, 2, 73);
	assert_int_equal(poll(pk, &g, &bytes), 3);
	assert_string_equal(g.text[0], "Linux version 6.1.0");
	assert_string_equal(g.text[2], "sysrq: Trigger a crash");
	assert_true(g.seq[0] == 0 && g.seq[2] == 2);
	assert_true(g.ts[1] == 2000007);
	assert_int_equal(g.level[0], 5);
	assert_int_equal(g.level[1], 6);
	assert_true(g.caller[2] == 73);
	assert_true(g.final[2]);
	/* header, then per record desc + 24 info bytes + id + text */
	/* header; the first walk starts at DESC0_ID, a reusable descriptor,
	 * so 4 descriptors; 24 bytes of each info; the 3 text blocks (id,
	 * text, padding to a long) side by side */
	assert_true(bytes == hdr + 4 * f->l.desc_size + 3 * 24 +
	    blk(ls, 19) + blk(ls, 40) + blk(ls, 22));

	/* Nothing new: only the header is read. */
	assert_int_equal(poll(pk, &g, &bytes), 0);
	assert_true(bytes == hdr);

	fake_add(f, "Kernel panic - not syncing: sysrq triggered crash", 0, 2,
	    0x80000001);
	assert_int_equal(poll(pk, &g, &bytes), 1);
	assert_true(g.seq[0] == 3);
	assert_true(g.caller[0] == 0x80000001);
	assert_int_equal(g.level[0], 0);
	assert_true(bytes == hdr + per + blk(ls, 49));
	tui_printk_free(pk);
	fake_free(f);
}

static void
test_basic_lp64(void **state)
{
	(void)state;
	basic_and_incremental(8);
}

static void
test_basic_ilp32(void **state)
{
	(void)state;
	basic_and_incremental(4);
}

/* The same on the 6.12 layout (its desc_ring differs: last_finalized_seq
 * for last_finalized_id; the fields the walk reads sit where 6.1's do,
 * but only the DWARF says so). */
static void
test_basic_612_lp64(void **state)
{
	(void)state;
	fix_version = "6.12";
	basic_and_incremental(8);
	fix_version = "6.1";
}

static void
test_basic_612_ilp32(void **state)
{
	(void)state;
	fix_version = "6.12";
	basic_and_incremental(4);
	fix_version = "6.1";
}

static void test_wrap_and_tail_overtake(void **);

static void
test_wrap_612(void **state)
{
	fix_version = "6.12";
	test_wrap_and_tail_overtake(state);
	fix_version = "6.1";
}

static void
test_wrap_and_tail_overtake(void **state)
{
	struct fake		*f = fake_new(8, 4, 9);	/* 16 descs, 512 B */
	struct tui_printk	*pk = tui_printk_new(&f->l, f->r[0].addr,
				    fake_read, f);
	struct got		 g;
	char			 text[80];
	uint64_t		 i, wrapped = 0, last_wrap = 0;
	int			 n;

	(void)state;
	for (i = 0; i < 40; i++) {
		uint64_t before = f->head_lpos;

		snprintf(text, sizeof text, "record %02u %.*s", (unsigned)i,
		    (int)(i % 12) + 14, "abcdefghijklmnopqrstuvwxyz");
		fake_add(f, text, 6, 2, 1);
		if ((before >> 9) != (f->head_lpos >> 9))
			wrapped++, last_wrap = i;
	}
	assert_true(wrapped >= 2);
	n = poll(pk, &g, NULL);
	/* the 512-byte data ring, not the 16 descriptors, is the limit */
	assert_true(n > 3 && n < 15);
	/* Contiguous and ending with the newest. */
	for (i = 0; i < g.n; i++) {
		uint64_t s = g.seq[i];

		assert_false(g.lost[i]);
		snprintf(text, sizeof text, "record %02u %.*s", (unsigned)s,
		    (int)(s % 12) + 14, "abcdefghijklmnopqrstuvwxyz");
		assert_string_equal(g.text[i], text);
		if (i > 0)
			assert_true(g.seq[i] == g.seq[i - 1] + 1);
	}
	assert_true(g.seq[g.n - 1] == 39);
	/* a block that wrapped to the ring's start was among them */
	assert_true(last_wrap >= g.seq[0]);

	/* Write far more than the ring holds: the tail passes our resume
	 * point, and the walk restarts from the new tail. */
	for (i = 40; i < 80; i++) {
		snprintf(text, sizeof text, "record %02u %.*s", (unsigned)i,
		    (int)(i % 12) + 14, "abcdefghijklmnopqrstuvwxyz");
		fake_add(f, text, 6, 2, 1);
	}
	n = poll(pk, &g, NULL);
	assert_true(n > 3);
	assert_true(g.seq[0] > 40);
	assert_true(g.seq[g.n - 1] == 79);
	assert_string_equal(g.text[g.n - 1], "record 79 abcdefghijklmnopqrstu");
	tui_printk_free(pk);
	fake_free(f);
}

static void
test_dataless_and_overwritten(void **state)
{
	struct fake		*f = fake_new(8, 4, 10);
	struct tui_printk	*pk = tui_printk_new(&f->l, f->r[0].addr,
				    fake_read, f);
	struct tui_printk_stats	 st;
	struct got		 g;
	uint64_t		 id;
	uint8_t			*d;

	(void)state;
	fake_add(f, "one", 6, 2, 1);
	fake_add(f, "", 6, 2, 1);		/* empty: NO_LPOS */
	fake_add(f, NULL, 4, 2, 1);		/* lost: FAILED_LPOS */
	id = fake_add(f, "overwritten", 6, 2, 1);
	fake_add(f, "five", 6, 2, 1);
	/* Slot of id now claims a newer id (reused under us). */
	d = desc_at(f, id);
	put_le(d, sv_make(f, id + f->cnt, 2), 8);
	assert_int_equal(poll(pk, &g, NULL), 4);
	assert_string_equal(g.text[0], "one");
	assert_string_equal(g.text[1], "");
	assert_false(g.lost[1]);
	assert_true(g.lost[2]);
	assert_int_equal(g.level[2], 4);
	assert_string_equal(g.text[3], "five");
	assert_true(g.seq[3] == 4);
	tui_printk_stats(pk, &st);
	assert_true(st.skipped >= 2);	/* DESC0 (reusable) + overwritten */
	tui_printk_free(pk);
	fake_free(f);
}

static void
test_committed_then_final(void **state)
{
	struct fake		*f = fake_new(8, 5, 11);
	struct tui_printk	*pk = tui_printk_new(&f->l, f->r[0].addr,
				    fake_read, f);
	struct got		 g;
	uint64_t		 id, bytes;
	uint8_t			*d;

	(void)state;
	fake_add(f, "done", 6, 2, 1);
	id = fake_add(f, "partial", 6, 1, 2);	/* committed */
	fake_add(f, "other cpu", 6, 2, 0x80000001);
	assert_int_equal(poll(pk, &g, NULL), 3);
	assert_false(g.final[1]);
	assert_string_equal(g.text[1], "partial");
	assert_true(g.final[2]);

	/* Still committed: delivered again, the later one is not. */
	assert_int_equal(poll(pk, &g, NULL), 1);
	assert_true(g.seq[0] == 1);
	assert_false(g.final[0]);

	/* pr_cont finished it: same descriptor, longer text, finalized.
	 * (Fits: the block was sized with room to spare by the test.) */
	d = desc_at(f, id);
	put_le(d, sv_make(f, id, 2), 8);
	put_le(info_at(f, id) + 16, 7, 2);
	assert_int_equal(poll(pk, &g, NULL), 1);
	assert_true(g.seq[0] == 1);
	assert_true(g.final[0]);
	assert_string_equal(g.text[0], "partial");
	assert_int_equal(poll(pk, &g, &bytes), 0);
	assert_true(bytes == 8 + 64);
	tui_printk_free(pk);
	fake_free(f);
}

static void
test_reserved_stops_walk(void **state)
{
	struct fake		*f = fake_new(8, 5, 11);
	struct tui_printk	*pk = tui_printk_new(&f->l, f->r[0].addr,
				    fake_read, f);
	struct got		 g;
	uint64_t		 id;

	(void)state;
	fake_add(f, "a", 6, 2, 1);
	id = fake_add(f, "being written", 6, 0, 1);	/* reserved */
	fake_add(f, "c", 6, 2, 1);
	assert_int_equal(poll(pk, &g, NULL), 1);
	assert_string_equal(g.text[0], "a");
	put_le(desc_at(f, id), sv_make(f, id, 2), 8);
	assert_int_equal(poll(pk, &g, NULL), 2);
	assert_string_equal(g.text[0], "being written");
	assert_string_equal(g.text[1], "c");
	tui_printk_free(pk);
	fake_free(f);
}

static void
test_long_record_chunked(void **state)
{
	struct fake		*f = fake_new(8, 4, 12);
	struct tui_printk	*pk = tui_printk_new(&f->l, f->r[0].addr,
				    fake_read, f);
	struct got		 g;
	char			 big[1001];

	(void)state;
	for (int i = 0; i < 1000; i++)
		big[i] = (char)('a' + i % 26);
	big[1000] = '\0';
	fake_add(f, big, 3, 2, 1);
	assert_int_equal(poll(pk, &g, NULL), 1);
	assert_string_equal(g.text[0], big);
	assert_int_equal(f->max_read, 511);
	tui_printk_free(pk);
	fake_free(f);
}

static void
test_backlog(void **state)
{
	struct fake		*f = fake_new(8, 5, 12);
	struct tui_printk	*pk = tui_printk_new(&f->l, f->r[0].addr,
				    fake_read, f);
	struct got		 g;
	char			 t[16];

	(void)state;
	for (int i = 0; i < 20; i++) {
		snprintf(t, sizeof t, "r%d", i);
		fake_add(f, t, 6, 2, 1);
	}
	tui_printk_set_backlog(pk, 3);
	assert_int_equal(poll(pk, &g, NULL), 3);
	assert_string_equal(g.text[0], "r17");
	assert_string_equal(g.text[2], "r19");
	fake_add(f, "r20", 6, 2, 1);
	assert_int_equal(poll(pk, &g, NULL), 1);
	assert_string_equal(g.text[0], "r20");
	tui_printk_rewind(pk);
	tui_printk_set_backlog(pk, 0);
	assert_int_equal(poll(pk, &g, NULL), 21);
	tui_printk_free(pk);
	fake_free(f);
}

/* Target bytes for a snapshot miss: what the fake holds, 0 elsewhere
 * (a miss may run on past a region, as it may on a kernel's pages). */
static void
fake_fetch(struct fake *f, uint64_t addr, uint8_t *buf, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (fake_read(f, addr + i, buf + i, 1) != 0)
			buf[i] = 0;
}

struct fetched {
	size_t		 n;
	uint64_t	 addr[256], len[256];
	uint64_t	 bytes;
};

/* Run a walk on the snapshot as live.c does: each miss fetched, once;
 * no byte asked for twice. */
static int
snap_poll(struct tui_printk *pk, struct tui_mem *m, struct fake *f,
    struct fetched *ft, struct got *g)
{
	char		err[TUI_ERRLEN];
	uint8_t		buf[4096];
	uint64_t	addr;
	size_t		len, i;
	int		n;

	while ((n = tui_printk_poll(pk, got_cb, g, err)) < 0) {
		assert_true(tui_mem_take_miss(m, &addr, &len));
		assert_true(len > 0 && len <= sizeof buf);
		for (i = 0; i < ft->n; i++)
			assert_false(addr < ft->addr[i] + ft->len[i] &&
			    ft->addr[i] < addr + len);
		assert_true(ft->n < 256);
		ft->addr[ft->n] = addr;
		ft->len[ft->n++] = len;
		ft->bytes += len;
		fake_fetch(f, addr, buf, len);
		tui_mem_put(m, addr, buf, len);
	}
	return (n);
}

/*
 * The TUI's first view: a screenful of the newest records, then a second
 * walk further back on the same snapshot (the older ones behind the
 * view). The second asks for none of the bytes the first had, and both
 * see the records they should.
 */
static void
test_screen_then_older(void **state)
{
	struct fake		*f = fake_new(8, 6, 12);
	struct tui_mem		*m = tui_mem_new();
	struct tui_printk	*pk1, *pk2;
	struct fetched		 ft;
	struct got		 g;
	uint64_t		 first;
	char			 t[64];
	int			 i;

	(void)state;
	for (i = 0; i < 40; i++) {
		snprintf(t, sizeof t, "record %d %.*s", i, i % 23,
		    "of some varying length");
		fake_add(f, t, 6, 2, 1);
	}
	memset(&ft, 0, sizeof ft);
	memset(&g, 0, sizeof g);
	pk1 = tui_printk_new(&f->l, f->r[0].addr, tui_mem_read, m);
	tui_printk_set_backlog(pk1, 8);
	assert_true(snap_poll(pk1, m, f, &ft, &g) >= 0);
	assert_int_equal(g.n, 8);
	assert_int_equal(g.seq[0], 32);
	assert_string_equal(g.text[7], "record 39 of some varying ");
	first = ft.bytes;

	memset(&g, 0, sizeof g);
	pk2 = tui_printk_new(&f->l, f->r[0].addr, tui_mem_read, m);
	tui_printk_set_backlog(pk2, 30);
	assert_true(snap_poll(pk2, m, f, &ft, &g) >= 0);
	assert_int_equal(g.n, 30);
	for (i = 0; i < 30; i++)
		assert_int_equal(g.seq[i], 10 + i);
	assert_string_equal(g.text[0], "record 10 of some va");
	assert_string_equal(g.text[29], "record 39 of some varying ");
	/* the screenful cost less than the older records behind it */
	assert_true(first < ft.bytes - first);
	tui_printk_free(pk1);
	tui_printk_free(pk2);
	tui_mem_free(m);
	fake_free(f);
}

static void
test_errors(void **state)
{
	struct fake		*f = fake_new(8, 4, 9);
	struct tui_printk	*pk;
	struct got		 g;
	char			 err[TUI_ERRLEN] = "";

	(void)state;
	fake_add(f, "x", 6, 2, 1);
	f->fail_reads = true;
	pk = tui_printk_new(&f->l, f->r[0].addr, fake_read, f);
	assert_int_equal(tui_printk_poll(pk, got_cb, &g, err), -1);
	assert_non_null(strstr(err, "cannot read"));
	tui_printk_free(pk);
	f->fail_reads = false;
	/* prb pointing at zeros: not a ring. */
	put_le(f->r[0].mem, DATA_ADDR + 256, 8);
	memset(f->r[4].mem, 0, f->dsize);
	pk = tui_printk_new(&f->l, f->r[0].addr, fake_read, f);
	memset(&g, 0, sizeof g);
	assert_int_equal(tui_printk_poll(pk, got_cb, &g, err), -1);
	assert_non_null(strstr(err, "no printk ring"));
	tui_printk_free(pk);
	fake_free(f);
}

/*
 * What a look at a lab-sized ring costs: 4096 descriptors, 128 KiB of
 * text (CONFIG_LOG_BUF_SHIFT=17), 300 records of boot-log length. The
 * first look reads the newest 200; the second, after 5 more, reads only
 * those. Wire bytes are estimated for 'm' over RSP: a ~32-byte request
 * and its frame per read, two hex digits per byte.
 */
static void
test_cost_lab_sized(void **state)
{
	struct fake		*f = fake_new(8, 12, 17);
	struct tui_printk	*pk = tui_printk_new(&f->l, f->r[0].addr,
				    fake_read, f);
	struct tui_printk_stats	 a, b;
	struct got		*g = tui_xcalloc(1, sizeof *g);
	char			 t[128];
	int			 i, n;
	char			 err[TUI_ERRLEN];

	(void)state;
	for (i = 0; i < 300; i++) {
		snprintf(t, sizeof t, "pci 0000:00:%02x.0: [8086:7000] type 00 "
		    "class 0x060100 record %d", i % 32, i);
		fake_add(f, t, 6, 2, 1);
	}
	tui_printk_set_backlog(pk, 200);
	n = tui_printk_poll(pk, got_cb_count, g, err);
	assert_int_equal(n, 200);
	tui_printk_stats(pk, &a);
	for (i = 0; i < 5; i++)
		fake_add(f, "sysrq: Trigger a crash", 6, 2, 1);
	n = tui_printk_poll(pk, got_cb_count, g, err);
	assert_int_equal(n, 5);
	tui_printk_stats(pk, &b);
	print_message("# first look: %llu bytes in %llu reads (~%llu wire "
	    "bytes); second: %llu bytes in %llu reads (~%llu wire bytes)\n",
	    (unsigned long long)a.bytes, (unsigned long long)a.reads,
	    (unsigned long long)(2 * a.bytes + 32 * a.reads),
	    (unsigned long long)(b.bytes - a.bytes),
	    (unsigned long long)(b.reads - a.reads),
	    (unsigned long long)(2 * (b.bytes - a.bytes) +
	    32 * (b.reads - a.reads)));
	/* header (2 reads), descriptors 21 per read, one info read per
	 * record, text blocks several per read */
	assert_true(a.reads <= 2 + 10 + 200 + 200 / 5);
	assert_true(b.reads - a.reads == 2 + 1 + 5 + 1);
	assert_true(b.bytes - a.bytes == 72 + 5 * 24 + 5 * 24 + 5 * blk(8, 22));
	free(g);
	tui_printk_free(pk);
	fake_free(f);
}

/* ---- the lab kernel's real ring */

/*
 * tests/data/tui/lab_prb_look{1,2}.mem: what the walker read of a real
 * 6.1 ring (the lab kernel under QEMU, ring wrapped by 4600 /dev/kmsg
 * lines; then an lkdtm oops and a sysrq panic), as "ADDR LEN HEX" lines;
 * look1 before the oops with a backlog of 40, look2 after the panic.
 * The .dmesg files are lx-dmesg's output (the kernel's own gdb script) on
 * the same memory: the reference. tests/data/tui/lab-capture.sh made
 * them.
 */
struct span {
	uint64_t	 addr;
	size_t		 len;
	uint8_t		*bytes;
};

struct sparse {
	struct span	 s[256];
	size_t		 n;
};

static void
sparse_load(struct sparse *m, const char *path)
{
	FILE		*f = fopen(path, "r");
	char		 line[4096];
	char		*hex;
	unsigned long long a;
	size_t		 len, i;
	unsigned	 b;

	assert_non_null(f);
	m->n = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		assert_true(m->n < 256);
		assert_int_equal(sscanf(line, "%llx %zu", &a, &len), 2);
		hex = strchr(strchr(line, ' ') + 1, ' ') + 1;
		m->s[m->n].addr = a;
		m->s[m->n].len = len;
		m->s[m->n].bytes = tui_xcalloc(1, len);
		for (i = 0; i < len; i++) {
			assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
			m->s[m->n].bytes[i] = (uint8_t)b;
		}
		m->n++;
	}
	fclose(f);
}

static void
sparse_free(struct sparse *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->s[i].bytes);
	m->n = 0;
}

static int
sparse_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct sparse	*m = arg;

	assert_true(len <= 511);
	for (size_t i = 0; i < m->n; i++)
		if (addr >= m->s[i].addr &&
		    addr + len <= m->s[i].addr + m->s[i].len) {
			memcpy(buf, m->s[i].bytes + (addr - m->s[i].addr), len);
			return (0);
		}
	return (-1);
}

/* Records as lx-dmesg prints them: "[%5u.%06u] line" per text line. */
struct lines {
	char		 buf[16384];
	size_t		 len;
};

static void
lines_cb(void *arg, const struct tui_printk_rec *r)
{
	struct lines	*o = arg;
	const char	*t = r->text, *nl;
	size_t		 left = r->len, n;

	do {
		nl = memchr(t, '\n', left);
		n = nl != NULL ? (size_t)(nl - t) : left;
		o->len += (size_t)snprintf(o->buf + o->len, sizeof o->buf -
		    o->len, "[%5llu.%06llu] %.*s\n",
		    (unsigned long long)(r->ts_nsec / 1000000000),
		    (unsigned long long)(r->ts_nsec % 1000000000 / 1000),
		    (int)n, t);
		assert_true(o->len < sizeof o->buf);
		t += n + 1;
		left -= nl != NULL ? n + 1 : n;
	} while (nl != NULL);
}

/* Same text line by line; timestamps within 1 us (lx-dmesg rounds, the
 * console truncates). */
static void
same_as_dmesg(const char *got, const char *path)
{
	FILE		*f = fopen(path, "r");
	char		 want[512];
	const char	*g = got, *e;
	unsigned long	 s1, u1, s2, u2;
	size_t		 n = 0;

	assert_non_null(f);
	while (fgets(want, sizeof want, f) != NULL) {
		e = strchr(g, '\n');
		assert_non_null(e);
		assert_int_equal(sscanf(g, "[%lu.%lu]", &s1, &u1), 2);
		assert_int_equal(sscanf(want, "[%lu.%lu]", &s2, &u2), 2);
		assert_true(labs((long)(s1 * 1000000 + u1) -
		    (long)(s2 * 1000000 + u2)) <= 1);
		if (strncmp(strchr(g, ']'), strchr(want, ']'),
		    (size_t)(e - strchr(g, ']'))) != 0)
			print_message("# got  %.*s\n# want %s", (int)(e - g), g,
			    want);
		assert_memory_equal(strchr(g, ']'), strchr(want, ']'),
		    (size_t)(e - strchr(g, ']')));
		g = e + 1;
		n++;
	}
	fclose(f);
	assert_string_equal(g, "");
	assert_true(n > 0);
}

static void
test_lab_ring(void **state)
{
	struct tui_prb_layout	 l;
	struct sparse		*m = tui_xcalloc(1, sizeof *m);
	struct lines		*o = tui_xcalloc(1, sizeof *o);
	struct tui_printk	*pk;
	struct tui_printk_stats	 a, b;
	struct cm_dwarf		*d;
	char			 err[TUI_ERRLEN], *vml;
	uint64_t		 prb;

	(void)state;
	/* The layout from the lab vmlinux's own DWARF. */
	vml = lab_vmlinux_path(err, sizeof err);
	if (vml == NULL)
		print_message("# %s\n", err);
	assert_non_null(vml);
	d = cm_dwarf_open(vml, err);
	free(vml);
	assert_non_null(d);
	assert_int_equal(tui_prb_layout_dwarf(d, &l, &prb, err), 0);
	cm_dwarf_free(d);
	sparse_load(m, "tests/data/tui/lab_prb_look1.mem");
	/* prb's address from the same DWARF (tests/data/tui/lab-capture.sh
	 * captured the memory from this build of the lab). */
	pk = tui_printk_new(&l, prb, sparse_read, m);
	tui_printk_set_backlog(pk, 40);
	assert_int_equal(tui_printk_poll(pk, lines_cb, o, err), 40);
	same_as_dmesg(o->buf, "tests/data/tui/lab_prb_look1.dmesg");
	tui_printk_stats(pk, &a);

	/* Later: the oops and the panic. Only the new records are read. */
	sparse_free(m);
	sparse_load(m, "tests/data/tui/lab_prb_look2.mem");
	o->len = 0;
	o->buf[0] = '\0';
	assert_int_equal(tui_printk_poll(pk, lines_cb, o, err), 59);
	same_as_dmesg(o->buf, "tests/data/tui/lab_prb_look2.dmesg");
	tui_printk_stats(pk, &b);
	print_message("# lab ring: look1 %llu bytes/%llu reads, look2 %llu "
	    "bytes/%llu reads\n", (unsigned long long)a.bytes,
	    (unsigned long long)a.reads,
	    (unsigned long long)(b.bytes - a.bytes),
	    (unsigned long long)(b.reads - a.reads));
	assert_true(a.bytes == 4872 && a.reads == 50);
	assert_true(b.bytes - a.bytes == 6856 && b.reads - a.reads == 74);
	tui_printk_free(pk);
	sparse_free(m);
	free(m);
	free(o);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_lp64),
		cmocka_unit_test(test_basic_ilp32),
		cmocka_unit_test(test_basic_612_lp64),
		cmocka_unit_test(test_basic_612_ilp32),
		cmocka_unit_test(test_wrap_612),
		cmocka_unit_test(test_wrap_and_tail_overtake),
		cmocka_unit_test(test_dataless_and_overwritten),
		cmocka_unit_test(test_committed_then_final),
		cmocka_unit_test(test_reserved_stops_walk),
		cmocka_unit_test(test_long_record_chunked),
		cmocka_unit_test(test_backlog),
		cmocka_unit_test(test_screen_then_older),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_cost_lab_sized),
		cmocka_unit_test(test_lab_ring),
	};


	(void)argc;
	fixdir_init(fixdir, sizeof fixdir, argv[0]);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
