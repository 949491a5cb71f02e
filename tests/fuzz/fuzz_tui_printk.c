/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_tui_printk.c: the printk ring walker on a ring whose
 * contents are garbage, as a crashed kernel's memory may be. The harness
 * builds a plausible header (sizes, ids) from the first bytes and fills
 * descriptors, infos and text from the rest; the walker must finish, keep
 * every read within 511 bytes, and never deliver more than it may.
 *
 * The ring is laid out as the 6.1 and 6.12 kernels' DWARF says for 64-
 * and 32-bit little-endian targets (the numbers test_common_dwarf reads
 * from the fixtures; kgdb-tui itself takes them from the vmlinux).
 *
 * The fuzz link has only rsp/ and common/ objects, so the file under
 * test is included.
 */
#include "tui/printk.c"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define F_PRB	0x1000u
#define F_RB	0x2000u
#define F_DESCS	0x10000u
#define F_INFOS	0x20000u
#define F_DATA	0x40000u

#define FL(o, s)	{ (o), (s), 0, 0 }
static const struct tui_prb_layout flay[2] = {
	{ .long_size = 8, .rb_size = 88,
	  .count_bits = FL(0, 4), .descs = FL(8, 8), .infos = FL(16, 8),
	  .head_id = FL(24, 8), .tail_id = FL(32, 8), .size_bits = FL(48, 4),
	  .data = FL(56, 8),
	  .desc_size = 24, .state_var = FL(0, 8), .begin = FL(8, 8),
	  .next = FL(16, 8),
	  .info_size = 88, .seq = FL(0, 8), .ts_nsec = FL(8, 8),
	  .text_len = FL(16, 2), .facility = FL(18, 1),
	  .flags = { 19, 1, 0, 5 }, .level = { 19, 1, 5, 3 },
	  .caller_id = FL(20, 4),
	  .desc_reserved = 0, .desc_committed = 1, .desc_finalized = 2,
	  .desc_reusable = 3 },
	{ .long_size = 4, .rb_size = 44,
	  .count_bits = FL(0, 4), .descs = FL(4, 4), .infos = FL(8, 4),
	  .head_id = FL(12, 4), .tail_id = FL(16, 4), .size_bits = FL(24, 4),
	  .data = FL(28, 4),
	  .desc_size = 12, .state_var = FL(0, 4), .begin = FL(4, 4),
	  .next = FL(8, 4),
	  .info_size = 88, .seq = FL(0, 8), .ts_nsec = FL(8, 8),
	  .text_len = FL(16, 2), .facility = FL(18, 1),
	  .flags = { 19, 1, 0, 5 }, .level = { 19, 1, 5, 3 },
	  .caller_id = FL(20, 4),
	  .desc_reserved = 0, .desc_committed = 1, .desc_finalized = 2,
	  .desc_reusable = 3 },
};

struct fimg {
	uint8_t		 prb[8], rb[128];
	uint8_t		*descs, *infos, *text;
	size_t		 ndescs, ninfos, ntext;
	unsigned	 maxread;
};

static void
fput(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static int
fread_mem(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct fimg	*m = arg;
	struct {
		uint64_t	 at;
		const uint8_t	*p;
		size_t		 n;
	} r[] = {
		{ F_PRB, m->prb, sizeof m->prb }, { F_RB, m->rb, sizeof m->rb },
		{ F_DESCS, m->descs, m->ndescs }, { F_INFOS, m->infos, m->ninfos },
		{ F_DATA, m->text, m->ntext },
	};

	if (len > 511)
		abort();
	for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
		if (addr >= r[i].at && addr + len <= r[i].at + r[i].n) {
			memcpy(buf, r[i].p + (addr - r[i].at), len);
			return (0);
		}
	return (-1);
}

static size_t	fdelivered;

static void
fcb(void *arg, const struct tui_printk_rec *r)
{
	(void)arg;
	if (r->len > TUI_PRINTK_TEXT_MAX || (r->len > 0 && r->text == NULL))
		abort();
	if (r->len > 0)
		(void)memchr(r->text, 0, r->len);	/* touch every byte */
	fdelivered++;
}

static size_t
take(uint8_t *dst, size_t n, const uint8_t **src, size_t *left)
{
	size_t	k = n < *left ? n : *left;

	memset(dst, 0, n);
	memcpy(dst, *src, k);
	*src += k;
	*left -= k;
	return (k);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tui_prb_layout	 l;
	struct fimg		 m;
	struct tui_printk	*pk;
	char			 err[TUI_ERRLEN];
	unsigned		 ls, cb, sb, W;
	uint64_t		 cnt, mask, head, tail;
	const uint8_t		*p;
	size_t			 left;

	if (size < 16 || size > 1 << 16)
		return (0);
	memset(&m, 0, sizeof m);
	l = flay[data[0] & 1];
	ls = l.long_size;
	W = ls * 8;
	cb = 1 + data[1] % 6;
	sb = 5 + data[2] % 8;
	cnt = UINT64_C(1) << cb;
	mask = (UINT64_C(1) << (W - 2)) - 1;
	tail = ((uint64_t)data[3] << 24 | (uint64_t)data[4] << 16 |
	    data[5]) & mask;
	head = (tail + data[6] % (2 * cnt)) & mask;
	if (data[7] & 1)	/* bootstrap ids as the kernel computes them */
		tail = (uint32_t)-(uint32_t)(cnt + 1) & mask;
	fput(m.prb, F_RB, ls);
	fput(m.rb + l.count_bits.off, cb, l.count_bits.size);
	fput(m.rb + l.descs.off, F_DESCS, ls);
	fput(m.rb + l.infos.off, F_INFOS, ls);
	fput(m.rb + l.head_id.off, head, ls);
	fput(m.rb + l.tail_id.off, tail, ls);
	fput(m.rb + l.size_bits.off, sb, l.size_bits.size);
	fput(m.rb + l.data.off, F_DATA, ls);

	p = data + 8;
	left = size - 8;
	m.ndescs = cnt * l.desc_size;
	m.ninfos = cnt * l.info_size;
	m.ntext = (size_t)1 << sb;
	m.descs = malloc(m.ndescs);
	m.infos = malloc(m.ninfos);
	m.text = malloc(m.ntext);
	take(m.descs, m.ndescs, &p, &left);
	/* infos are mostly zero; take a little from the input */
	take(m.infos, m.ninfos, &p, &left);
	take(m.text, m.ntext, &p, &left);

	pk = tui_printk_new(&l, F_PRB, fread_mem, &m);
	fdelivered = 0;
	for (int round = 0; round < 3; round++) {
		if (round == 1 && left > 0)
			tui_printk_set_backlog(pk, data[8] % 5);
		if (tui_printk_poll(pk, fcb, NULL, err) < 0 &&
		    strnlen(err, sizeof err) == sizeof err)
			abort();
		if (round == 1)
			tui_printk_rewind(pk);
	}
	/* At most one full ring per poll, plus re-deliveries of pending. */
	if (fdelivered > 3 * (cnt + 1))
		abort();
	tui_printk_free(pk);
	free(m.descs);
	free(m.infos);
	free(m.text);
	return (0);
}
