/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/printk.c: walk the lockless printk ring (5.10 and later) in a
 * stopped kernel's memory (printk_ringbuffer.c desc_read/get_data/
 * prb_read, done from the outside), delivering only records not seen
 * before. Every size and offset comes from the vmlinux's DWARF
 * (tui_prb_layout_dwarf, once per vmlinux).
 */
#include <inttypes.h>

#include "common/dwarf.h"
#include "tui/tui.h"

/* Sizes of the leading parts we read. */
#define PK_HDR_MAX	256	/* ring header */
#define PK_DESC_MAX	64	/* one descriptor */
#define PK_INFO_MAX	256	/* the leading fields of one info */
#define PK_DBUF_MAX	512	/* descriptors read at once */
#define PK_TBUF_MAX	512	/* text blocks read at once */

/* Data-less block positions. */
#define PK_FAILED_LPOS	0x1
#define PK_NO_LPOS	0x3

/*
 * One walk's read-ahead. Descriptors of consecutive ids are side by side,
 * and so are the text blocks of consecutive records (until the data ring
 * wraps): reading them together costs the same bytes in fewer reads, and
 * each read costs a request and a reply frame on the wire.
 */
struct pk_walk {
	uint8_t		 dbuf[PK_DBUF_MAX];
	uint64_t	 dfirst, dcount;	/* ring indexes held in dbuf */
	uint8_t		 tbuf[PK_TBUF_MAX];
	uint64_t	 tstart, tlen;		/* data offsets held in tbuf */
};

struct tui_printk {
	struct tui_prb_layout	 l;
	uint64_t		 prb_sym;
	tui_mem_read_cb		*read;
	void			*arg;
	size_t			 backlog;
	struct tui_printk_stats	 st;

	bool			 have_resume;
	uint64_t		 resume_id;	/* first id not yet done */
	bool			 have_max;
	uint64_t		 max_seq;	/* highest seq delivered */
	uint64_t		 pending[TUI_PRINTK_PENDING_MAX];
	size_t			 npending;	/* delivered but not final */

	uint8_t			*text;		/* long_size + TEXT_MAX */
	struct pk_walk		 walk;		/* reset at each poll */
};

/* The ring as the header says it is now. */
struct pk_ring {
	uint64_t	 rb;
	unsigned	 count_bits, size_bits;
	uint64_t	 descs, infos, data;
	uint64_t	 head_id, tail_id;
	uint64_t	 idmask;
};

static uint64_t
get_le(const uint8_t *p, unsigned n)
{
	uint64_t	v = 0;

	while (n-- > 0)
		v = (v << 8) | p[n];
	return (v);
}

/* A field of the struct at buf (the layout is checked: it lies inside). */
static uint64_t
get_field(const uint8_t *buf, const struct tui_prb_field *f)
{
	uint64_t	v = get_le(buf + f->off, f->size);

	if (f->bits > 0)
		v = (v >> f->bit) & ((UINT64_C(1) << f->bits) - 1);
	return (v);
}

static unsigned
field_end(const struct tui_prb_field *f)
{
	return (f->off + f->size);
}

/* One field from the DWARF: member path of struct name. */
static int
lay_field(struct cm_dwarf *d, const char *name, const char *path,
    struct tui_prb_field *f, char *err)
{
	struct cm_dwarf_member	m;

	if (cm_dwarf_member(d, name, path, &m, err) != 0)
		return (-1);
	if (m.size == 0 || m.size > 8 || m.offset > 4096) {
		snprintf(err, TUI_ERRLEN, "struct %s: member %s is %" PRIu64
		    " bytes at %" PRIu64 ": not a field the log reader can "
		    "read", name, path, m.size, m.offset);
		return (-1);
	}
	f->off = (unsigned)m.offset;
	f->size = (unsigned)m.size;
	f->bit = m.bit_offset;
	f->bits = m.bit_size;
	return (0);
}

static int
lay_size(struct cm_dwarf *d, const char *name, unsigned *out, char *err)
{
	uint64_t	v;

	if (cm_dwarf_struct_size(d, name, &v, err) != 0)
		return (-1);
	if (v == 0 || v > 4096) {
		snprintf(err, TUI_ERRLEN, "struct %s is %" PRIu64 " bytes: not "
		    "a printk ring the log reader knows", name, v);
		return (-1);
	}
	*out = (unsigned)v;
	return (0);
}

/* Every field the walk reads, by name, from the DWARF; refuses what the
 * walk could not read (big-endian, prb not a ring pointer, wide fields). */
int
tui_prb_layout_dwarf(struct cm_dwarf *d, struct tui_prb_layout *l,
    uint64_t *prb_out, char *err)
{
	static const struct {
		const char	*st, *path;
		size_t		 off;
	} fields[] = {
#define F(st, path, f)	{ st, path, offsetof(struct tui_prb_layout, f) }
		F("printk_ringbuffer", "desc_ring.count_bits", count_bits),
		F("printk_ringbuffer", "desc_ring.descs", descs),
		F("printk_ringbuffer", "desc_ring.infos", infos),
		F("printk_ringbuffer", "desc_ring.head_id", head_id),
		F("printk_ringbuffer", "desc_ring.tail_id", tail_id),
		F("printk_ringbuffer", "text_data_ring.size_bits", size_bits),
		F("printk_ringbuffer", "text_data_ring.data", data),
		F("prb_desc", "state_var", state_var),
		F("prb_desc", "text_blk_lpos.begin", begin),
		F("prb_desc", "text_blk_lpos.next", next),
		F("printk_info", "seq", seq),
		F("printk_info", "ts_nsec", ts_nsec),
		F("printk_info", "text_len", text_len),
		F("printk_info", "facility", facility),
		F("printk_info", "flags", flags),
		F("printk_info", "level", level),
		F("printk_info", "caller_id", caller_id),
#undef F
	};
	static const struct {
		const char	*name;
		size_t		 off;
	} states[] = {
#define S(f)	{ #f, offsetof(struct tui_prb_layout, f) }
		S(desc_reserved), S(desc_committed), S(desc_finalized),
		S(desc_reusable),
#undef S
	};
	struct cm_dwarf_var	 v;
	uint64_t		 ls;
	int64_t			 sv;
	size_t			 i;

	memset(l, 0, sizeof *l);
	if (cm_dwarf_big_endian(d)) {
		snprintf(err, TUI_ERRLEN, "a big-endian kernel: the log "
		    "reader reads little-endian rings only");
		return (-1);
	}
	if (cm_dwarf_var(d, "prb", &v, err) != 0)
		return (-1);
	if (strcmp(v.type, "struct printk_ringbuffer *") != 0 ||
	    v.size != cm_dwarf_bits(d) / 8) {
		snprintf(err, TUI_ERRLEN, "variable prb is a %s, not a "
		    "struct printk_ringbuffer *", v.type);
		return (-1);
	}
	if (cm_dwarf_base_size(d, "long unsigned int", &ls, err) != 0)
		return (-1);
	l->long_size = (unsigned)ls;
	if (lay_size(d, "printk_ringbuffer", &l->rb_size, err) != 0 ||
	    lay_size(d, "prb_desc", &l->desc_size, err) != 0 ||
	    lay_size(d, "printk_info", &l->info_size, err) != 0)
		return (-1);
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (lay_field(d, fields[i].st, fields[i].path,
		    (struct tui_prb_field *)((char *)l + fields[i].off),
		    err) != 0)
			return (-1);
	for (i = 0; i < sizeof states / sizeof states[0]; i++) {
		if (cm_dwarf_enum(d, "desc_state", states[i].name, &sv,
		    err) != 0)
			return (-1);
		if (sv < 0 || sv > 3) {
			snprintf(err, TUI_ERRLEN, "enum desc_state: %s is %lld, "
			    "not a 2-bit state", states[i].name,
			    (long long)sv);
			return (-1);
		}
		*(unsigned *)(void *)((char *)l + states[i].off) =
		    (unsigned)sv;
	}
	if (tui_prb_layout_check(l, err) != 0)
		return (-1);
	*prb_out = v.addr;
	return (0);
}

static int
check_field(const struct tui_prb_field *f, const char *name, unsigned in,
    unsigned want, char *err)
{
	if (f->size == 0 || f->size > 8 || f->off > in ||
	    f->size > in - f->off || (want != 0 && f->size != want) ||
	    f->bits > 32 || f->bit + f->bits > f->size * 8) {
		snprintf(err, TUI_ERRLEN, "printk ring layout: %s is %u "
		    "bytes at %u%s", name, f->size, f->off,
		    want != 0 && f->size != want ? ", not as wide as a long" :
		    "");
		return (-1);
	}
	return (0);
}

/* A layout the walk can trust: every field inside its struct and as wide
 * as the walk reads it, states distinct. */
int
tui_prb_layout_check(const struct tui_prb_layout *l, char *err)
{
	unsigned	ls = l->long_size, rb = l->rb_size;
	unsigned	ds = l->desc_size, is = l->info_size;

	if (ls != 4 && ls != 8) {
		snprintf(err, TUI_ERRLEN, "printk ring layout: a long of %u "
		    "bytes", ls);
		return (-1);
	}
	if (l->desc_reserved > 3 || l->desc_committed > 3 ||
	    l->desc_finalized > 3 || l->desc_reusable > 3 ||
	    l->desc_reserved == l->desc_committed ||
	    l->desc_reserved == l->desc_finalized ||
	    l->desc_reserved == l->desc_reusable ||
	    l->desc_committed == l->desc_finalized ||
	    l->desc_committed == l->desc_reusable ||
	    l->desc_finalized == l->desc_reusable) {
		snprintf(err, TUI_ERRLEN, "printk ring layout: descriptor "
		    "states not four distinct 2-bit values");
		return (-1);
	}
	if (rb > PK_HDR_MAX || ds > PK_DESC_MAX || is > 4096) {
		snprintf(err, TUI_ERRLEN, "printk ring layout: structs too "
		    "large (%u, %u, %u bytes)", rb, ds, is);
		return (-1);
	}
	if (check_field(&l->count_bits, "count_bits", rb, 0, err) != 0 ||
	    check_field(&l->descs, "descs", rb, ls, err) != 0 ||
	    check_field(&l->infos, "infos", rb, ls, err) != 0 ||
	    check_field(&l->head_id, "head_id", rb, ls, err) != 0 ||
	    check_field(&l->tail_id, "tail_id", rb, ls, err) != 0 ||
	    check_field(&l->size_bits, "size_bits", rb, 0, err) != 0 ||
	    check_field(&l->data, "data", rb, ls, err) != 0 ||
	    check_field(&l->state_var, "state_var", ds, ls, err) != 0 ||
	    check_field(&l->begin, "begin", ds, ls, err) != 0 ||
	    check_field(&l->next, "next", ds, ls, err) != 0 ||
	    check_field(&l->seq, "seq", is, 0, err) != 0 ||
	    check_field(&l->ts_nsec, "ts_nsec", is, 0, err) != 0 ||
	    check_field(&l->text_len, "text_len", is, 0, err) != 0 ||
	    check_field(&l->facility, "facility", is, 0, err) != 0 ||
	    check_field(&l->flags, "flags", is, 0, err) != 0 ||
	    check_field(&l->level, "level", is, 0, err) != 0 ||
	    check_field(&l->caller_id, "caller_id", is, 0, err) != 0)
		return (-1);
	return (0);
}

/* Bytes of an info the walk reads: up to the end of its last field. */
static unsigned
info_need(const struct tui_prb_layout *l)
{
	const struct tui_prb_field *f[] = { &l->seq, &l->ts_nsec,
	    &l->text_len, &l->facility, &l->flags, &l->level, &l->caller_id };
	unsigned	n = 0;
	size_t		i;

	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		if (field_end(f[i]) > n)
			n = field_end(f[i]);
	return (n);
}

static uint64_t
get_long(const struct tui_printk *pk, const uint8_t *buf, unsigned off)
{
	return (get_le(buf + off, pk->l.long_size));
}

/* Read in pieces no longer than mem_read_max, counting the cost. */
static int
pk_read(struct tui_printk *pk, uint64_t addr, void *buf, size_t len,
    char *err)
{
	uint8_t	*p = buf;
	size_t	 n;

	while (len > 0) {
		n = len < pk->l.mem_read_max ? len : pk->l.mem_read_max;
		pk->st.bytes += n;
		pk->st.reads++;
		if (pk->read(pk->arg, addr, p, n) != 0) {
			snprintf(err, TUI_ERRLEN,
			    "cannot read %zu bytes at 0x%" PRIx64, n, addr);
			return (-1);
		}
		addr += n;
		p += n;
		len -= n;
	}
	return (0);
}

struct tui_printk *
tui_printk_new(const struct tui_prb_layout *l, uint64_t prb_sym,
    tui_mem_read_cb *read, void *arg)
{
	struct tui_printk	*pk = tui_xcalloc(1, sizeof *pk);

	pk->l = *l;
	if (pk->l.mem_read_max == 0)
		pk->l.mem_read_max = 511;
	pk->prb_sym = prb_sym;
	pk->read = read;
	pk->arg = arg;
	pk->text = tui_xcalloc(1, pk->l.long_size + TUI_PRINTK_TEXT_MAX);
	return (pk);
}

void
tui_printk_free(struct tui_printk *pk)
{
	if (pk == NULL)
		return;
	free(pk->text);
	free(pk);
}

void
tui_printk_set_backlog(struct tui_printk *pk, size_t n)
{
	pk->backlog = n;
}

void
tui_printk_stats(const struct tui_printk *pk, struct tui_printk_stats *out)
{
	*out = pk->st;
}

void
tui_printk_rewind(struct tui_printk *pk)
{
	pk->have_resume = pk->have_max = false;
	pk->npending = 0;
}

static int
pk_header(struct tui_printk *pk, struct pk_ring *r, char *err)
{
	const struct tui_prb_layout *l = &pk->l;
	const struct tui_prb_field *f[] = { &l->count_bits, &l->descs,
	    &l->infos, &l->head_id, &l->tail_id, &l->size_bits, &l->data };
	uint8_t		 ptr[8], hdr[PK_HDR_MAX];
	unsigned	 W = l->long_size * 8, end = 0;
	size_t		 i;

	/* Only as far as the last field we use. */
	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		if (field_end(f[i]) > end)
			end = field_end(f[i]);

	/* prb may switch from the static ring to the dynamic one: reread. */
	if (pk_read(pk, pk->prb_sym, ptr, l->long_size, err) != 0)
		return (-1);
	r->rb = get_long(pk, ptr, 0);
	if (pk_read(pk, r->rb, hdr, end, err) != 0)
		return (-1);
	r->count_bits = (unsigned)get_field(hdr, &l->count_bits);
	r->size_bits = (unsigned)get_field(hdr, &l->size_bits);
	r->descs = get_field(hdr, &l->descs);
	r->infos = get_field(hdr, &l->infos);
	r->head_id = get_field(hdr, &l->head_id);
	r->tail_id = get_field(hdr, &l->tail_id);
	r->data = get_field(hdr, &l->data);
	r->idmask = (UINT64_C(1) << (W - 2)) - 1;
	/* Sanity: rings are a few thousand descriptors, < 2^31 bytes. */
	if (r->count_bits > 24 || r->size_bits < 5 || r->size_bits > 31 ||
	    r->count_bits == 0) {
		snprintf(err, TUI_ERRLEN,
		    "no printk ring at 0x%" PRIx64 " (count_bits %u, "
		    "size_bits %u)", r->rb, r->count_bits, r->size_bits);
		return (-1);
	}
	r->head_id &= r->idmask;
	r->tail_id &= r->idmask;
	return (0);
}

static bool
pk_is_pending(const struct tui_printk *pk, uint64_t seq, size_t *idx_out)
{
	size_t	i;

	for (i = 0; i < pk->npending; i++)
		if (pk->pending[i] == seq) {
			if (idx_out != NULL)
				*idx_out = i;
			return (true);
		}
	return (false);
}

static void
pk_unpend(struct tui_printk *pk, size_t i)
{
	pk->pending[i] = pk->pending[--pk->npending];
}

/*
 * Text of one record: where its block is (get_data), then one read of the
 * block's id and as much text as the info says. Sets rec->text/len/lost.
 */
/*
 * Bytes [start, start+need) of the data ring into pk->text. Served from
 * the walk's text window when it holds them; otherwise read the block
 * (len bytes) and the blocks of the following descriptors that continue
 * it, as far as one read goes.
 */
static int
pk_data(struct tui_printk *pk, const struct pk_ring *r, struct pk_walk *w,
    uint64_t idx, uint64_t start, uint64_t len, uint64_t next, size_t need,
    char *err)
{
	const struct tui_prb_layout *l = &pk->l;
	uint64_t	 cnt = UINT64_C(1) << r->count_bits, j, b2, n2;
	uint64_t	 max = l->mem_read_max < PK_TBUF_MAX ? l->mem_read_max :
			    PK_TBUF_MAX;
	const uint8_t	*d;

	if (w->tlen > 0 && start >= w->tstart &&
	    start + need <= w->tstart + w->tlen) {
		memcpy(pk->text, w->tbuf + (start - w->tstart), need);
		return (0);
	}
	if (len > max || len < need) {
		w->tlen = 0;
		return (pk_read(pk, r->data + start, pk->text, need, err));
	}
	for (j = idx + 1; j < cnt && j - w->dfirst < w->dcount; j++) {
		d = w->dbuf + (j - w->dfirst) * l->desc_size;
		b2 = get_field(d, &l->begin);
		n2 = get_field(d, &l->next);
		if (b2 != next || (b2 >> r->size_bits) != (n2 >> r->size_bits) ||
		    b2 >= n2 || len + (n2 - b2) > max)
			break;
		len += n2 - b2;
		next = n2;
	}
	if (pk_read(pk, r->data + start, w->tbuf, len, err) != 0)
		return (-1);
	w->tstart = start;
	w->tlen = len;
	memcpy(pk->text, w->tbuf, need);
	return (0);
}

/*
 * Text of one record: where its block is (get_data), then its id and as
 * much text as the info says. Sets rec->text/len/lost.
 */
static int
pk_text(struct tui_printk *pk, const struct pk_ring *r, struct pk_walk *w,
    uint64_t id, uint64_t idx, uint64_t begin, uint64_t next,
    unsigned text_len, struct tui_printk_rec *rec, char *err)
{
	unsigned	 ls = pk->l.long_size;
	uint64_t	 dsize = UINT64_C(1) << r->size_bits, start, blk;
	size_t		 want;

	rec->text = (const char *)pk->text + ls;
	rec->len = 0;
	if ((begin & 1) && (next & 1)) {
		/* No data: empty (NO_LPOS) or lost (FAILED_LPOS). */
		rec->lost = !(begin == PK_NO_LPOS && next == PK_NO_LPOS);
		return (0);
	}
	if ((begin >> r->size_bits) == (next >> r->size_bits) &&
	    begin < next) {
		start = begin & (dsize - 1);
		blk = next - begin;
	} else if ((begin >> r->size_bits) + 1 == (next >> r->size_bits)) {
		start = 0;
		blk = next & (dsize - 1);
	} else {
		rec->lost = true;
		return (0);
	}
	if (blk < ls || blk > dsize || start + blk > dsize) {
		rec->lost = true;
		return (0);
	}
	want = text_len;
	if (want > blk - ls)
		want = (size_t)(blk - ls);
	if (want > TUI_PRINTK_TEXT_MAX)
		want = TUI_PRINTK_TEXT_MAX;
	if (pk_data(pk, r, w, idx, start, blk, next, ls + want, err) != 0)
		return (-1);
	/* The block starts with its descriptor's id. */
	if ((get_long(pk, pk->text, 0) & r->idmask) != id) {
		rec->lost = true;
		return (0);
	}
	rec->len = want;
	return (0);
}

/* Walk the ring from where the last poll stopped: each whole record to cb. */
int
tui_printk_poll(struct tui_printk *pk, tui_printk_rec_cb *cb, void *arg,
    char *err)
{
	const struct tui_prb_layout *l = &pk->l;
	struct pk_ring	 r;
	struct pk_walk	*w = &pk->walk;
	uint8_t		 info[PK_INFO_MAX];
	const uint8_t	*desc;
	uint64_t	 m;
	uint64_t	 id, start, n, k, cnt, sv, begin, next, d_head, d_res;
	uint64_t	 new_resume = 0;
	bool		 have_new_resume = false;
	unsigned	 W = l->long_size * 8, ineed, state;
	size_t		 pidx;
	int		 delivered = 0;

	if (tui_prb_layout_check(l, err) != 0)
		return (-1);
	if ((ineed = info_need(l)) > sizeof info) {
		snprintf(err, TUI_ERRLEN, "printk ring layout: info fields "
		    "past %zu bytes", sizeof info);
		return (-1);
	}
	w->dcount = w->tlen = 0;
	if (pk_header(pk, &r, err) != 0)
		return (-1);
	cnt = UINT64_C(1) << r.count_bits;
	d_head = (r.head_id - r.tail_id) & r.idmask;
	if (d_head >= cnt)	/* not a ring we understand: read the last cnt */
		r.tail_id = (r.head_id - cnt + 1) & r.idmask, d_head = cnt - 1;

	start = r.tail_id;
	if (pk->have_resume) {
		d_res = (pk->resume_id - r.tail_id) & r.idmask;
		if (d_res <= d_head + 1)
			start = pk->resume_id;
		/* else the tail overtook us: records were lost, start over */
	} else if (pk->backlog > 0 && d_head + 1 > pk->backlog) {
		start = (r.head_id - pk->backlog + 1) & r.idmask;
	}
	n = ((r.head_id - start) & r.idmask) + 1;
	if (((start - r.tail_id) & r.idmask) > d_head)
		n = 0;		/* start == head + 1: nothing new */

	for (k = 0, id = start; k < n; k++, id = (id + 1) & r.idmask) {
		struct tui_printk_rec	rec;
		uint64_t		idx = id & (cnt - 1);

		/*
		 * Descriptors of consecutive ids sit side by side: read the
		 * ones this walk will visit in as few reads as fit.
		 */
		if (w->dcount == 0 || idx < w->dfirst ||
		    idx >= w->dfirst + w->dcount) {
			m = n - k;
			if (m > cnt - idx)
				m = cnt - idx;
			if (m > sizeof w->dbuf / l->desc_size)
				m = sizeof w->dbuf / l->desc_size;
			if (m > l->mem_read_max / l->desc_size)
				m = l->mem_read_max / l->desc_size;
			if (m == 0)
				m = 1;
			if (pk_read(pk, r.descs + idx * l->desc_size, w->dbuf,
			    (size_t)m * l->desc_size, err) != 0)
				return (-1);
			w->dfirst = idx;
			w->dcount = m;
		}
		desc = w->dbuf + (idx - w->dfirst) * l->desc_size;
		sv = get_field(desc, &l->state_var);
		state = (unsigned)(sv >> (W - 2)) & 3;
		if ((sv & r.idmask) != id || state == l->desc_reusable) {
			pk->st.skipped++;
			continue;
		}
		if (state == l->desc_reserved) {
			/* Being written: come back to it next time. */
			if (!have_new_resume)
				new_resume = id, have_new_resume = true;
			break;
		}
		if (pk_read(pk, r.infos + idx * l->info_size, info, ineed,
		    err) != 0)
			return (-1);
		memset(&rec, 0, sizeof rec);
		rec.seq = get_field(info, &l->seq);
		rec.ts_nsec = get_field(info, &l->ts_nsec);
		rec.facility = (uint8_t)get_field(info, &l->facility);
		rec.flags = (uint8_t)get_field(info, &l->flags);
		rec.level = (uint8_t)get_field(info, &l->level);
		rec.caller_id = (uint32_t)get_field(info, &l->caller_id);
		rec.final = state == l->desc_finalized;

		/* Already delivered in its final form? */
		if (pk->have_max && rec.seq <= pk->max_seq &&
		    !pk_is_pending(pk, rec.seq, NULL))
			continue;
		if (!rec.final && !pk_is_pending(pk, rec.seq, NULL)) {
			if (pk->npending == TUI_PRINTK_PENDING_MAX) {
				/* No room to remember it: stop here. */
				if (!have_new_resume)
					new_resume = id, have_new_resume = true;
				break;
			}
			pk->pending[pk->npending++] = rec.seq;
		}
		begin = get_field(desc, &l->begin);
		next = get_field(desc, &l->next);
		if (pk_text(pk, &r, w, id, idx, begin, next,
		    (unsigned)get_field(info, &l->text_len), &rec, err) != 0)
			return (-1);
		if (rec.final && pk_is_pending(pk, rec.seq, &pidx))
			pk_unpend(pk, pidx);
		if (!rec.final && !have_new_resume)
			new_resume = id, have_new_resume = true;
		if (!pk->have_max || rec.seq > pk->max_seq)
			pk->max_seq = rec.seq, pk->have_max = true;
		cb(arg, &rec);
		delivered++;
	}
	pk->resume_id = have_new_resume ? new_resume :
	    (n > 0 ? id : pk->resume_id);
	if (!pk->have_resume && !have_new_resume && n == 0)
		pk->resume_id = start;
	pk->have_resume = true;
	return (delivered);
}
