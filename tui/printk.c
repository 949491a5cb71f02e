/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/printk.c: walk the 6.1 lockless printk ring in a stopped kernel's
 * memory (printk_ringbuffer.c desc_read/get_data/prb_read, done from the
 * outside), delivering only records not seen before.
 */
#include <inttypes.h>

#include "tui/tui.h"

/* Sizes of the leading parts we read. */
#define PK_HDR_MAX	256
#define PK_DBUF_MAX	512	/* descriptors read at once */
#define PK_TBUF_MAX	512	/* text blocks read at once */

/* Descriptor states (sv >> (W-2)). */
#define PK_RESERVED	0
#define PK_COMMITTED	1
#define PK_FINALIZED	2
#define PK_REUSABLE	3

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

void
tui_prb_layout_lp64(struct tui_prb_layout *l)
{
	memset(l, 0, sizeof *l);
	l->long_size = 8;
	l->mem_read_max = 511;
	l->rb_desc_ring = 0;
	l->rb_text_data_ring = 48;
	l->dr_count_bits = 0;
	l->dr_descs = 8;
	l->dr_infos = 16;
	l->dr_head_id = 24;
	l->dr_tail_id = 32;
	l->da_size_bits = 0;
	l->da_data = 8;
	l->desc_size = 24;
	l->desc_state_var = 0;
	l->desc_begin = 8;
	l->desc_next = 16;
	l->info_size = 88;
	l->info_seq = 0;
	l->info_ts_nsec = 8;
	l->info_text_len = 16;
	l->info_facility = 18;
	l->info_flags = 19;
	l->info_caller_id = 20;
}

void
tui_prb_layout_ilp32(struct tui_prb_layout *l)
{
	tui_prb_layout_lp64(l);
	l->long_size = 4;
	l->rb_text_data_ring = 24;
	l->dr_descs = 4;
	l->dr_infos = 8;
	l->dr_head_id = 12;
	l->dr_tail_id = 16;
	l->da_data = 4;
	l->desc_size = 12;
	l->desc_begin = 4;
	l->desc_next = 8;
}

static uint64_t
get_le(const uint8_t *p, unsigned n)
{
	uint64_t	v = 0;

	while (n-- > 0)
		v = (v << 8) | p[n];
	return v;
}

static uint64_t
get_long(const struct tui_printk *pk, const uint8_t *buf, unsigned off)
{
	return get_le(buf + off, pk->l.long_size);
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
			return -1;
		}
		addr += n;
		p += n;
		len -= n;
	}
	return 0;
}

struct tui_printk *
tui_printk_new(const struct tui_prb_layout *l, uint64_t prb_sym,
    tui_mem_read_cb *read, void *arg)
{
	struct tui_printk	*pk = tui_xcalloc(1, sizeof *pk);

	pk->l = *l;
	if (pk->l.long_size != 4)
		pk->l.long_size = 8;
	if (pk->l.mem_read_max == 0)
		pk->l.mem_read_max = 511;
	pk->prb_sym = prb_sym;
	pk->read = read;
	pk->arg = arg;
	pk->text = tui_xcalloc(1, pk->l.long_size + TUI_PRINTK_TEXT_MAX);
	return pk;
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
	uint8_t		 ptr[8], hdr[PK_HDR_MAX];
	unsigned	 dr = l->rb_desc_ring, da = l->rb_text_data_ring;
	unsigned	 end, e, W = l->long_size * 8;

	/* prb may switch from the static ring to the dynamic one: reread. */
	if (pk_read(pk, pk->prb_sym, ptr, l->long_size, err) != 0)
		return -1;
	r->rb = get_long(pk, ptr, 0);

	end = dr + l->dr_tail_id + l->long_size;
	if ((e = dr + l->dr_head_id + l->long_size) > end)
		end = e;
	if ((e = dr + l->dr_descs + l->long_size) > end)
		end = e;
	if ((e = dr + l->dr_infos + l->long_size) > end)
		end = e;
	if ((e = da + l->da_data + l->long_size) > end)
		end = e;
	if (end > sizeof hdr) {
		snprintf(err, TUI_ERRLEN, "ring layout too large (%u)", end);
		return -1;
	}
	if (pk_read(pk, r->rb, hdr, end, err) != 0)
		return -1;
	r->count_bits = (unsigned)get_le(hdr + dr + l->dr_count_bits, 4);
	r->size_bits = (unsigned)get_le(hdr + da + l->da_size_bits, 4);
	r->descs = get_long(pk, hdr, dr + l->dr_descs);
	r->infos = get_long(pk, hdr, dr + l->dr_infos);
	r->head_id = get_long(pk, hdr, dr + l->dr_head_id);
	r->tail_id = get_long(pk, hdr, dr + l->dr_tail_id);
	r->data = get_long(pk, hdr, da + l->da_data);
	r->idmask = (UINT64_C(1) << (W - 2)) - 1;
	/* Sanity: 6.1 sizes are a few thousand descriptors, < 2^31 bytes. */
	if (r->count_bits > 24 || r->size_bits < 5 || r->size_bits > 31 ||
	    r->count_bits == 0) {
		snprintf(err, TUI_ERRLEN,
		    "no printk ring at 0x%" PRIx64 " (count_bits %u, "
		    "size_bits %u)", r->rb, r->count_bits, r->size_bits);
		return -1;
	}
	r->head_id &= r->idmask;
	r->tail_id &= r->idmask;
	return 0;
}

static bool
pk_is_pending(const struct tui_printk *pk, uint64_t seq, size_t *idx_out)
{
	size_t	i;

	for (i = 0; i < pk->npending; i++)
		if (pk->pending[i] == seq) {
			if (idx_out != NULL)
				*idx_out = i;
			return true;
		}
	return false;
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
		return 0;
	}
	if (len > max || len < need) {
		w->tlen = 0;
		return pk_read(pk, r->data + start, pk->text, need, err);
	}
	for (j = idx + 1; j < cnt && j - w->dfirst < w->dcount; j++) {
		d = w->dbuf + (j - w->dfirst) * l->desc_size;
		b2 = get_long(pk, d, l->desc_begin);
		n2 = get_long(pk, d, l->desc_next);
		if (b2 != next || (b2 >> r->size_bits) != (n2 >> r->size_bits) ||
		    b2 >= n2 || len + (n2 - b2) > max)
			break;
		len += n2 - b2;
		next = n2;
	}
	if (pk_read(pk, r->data + start, w->tbuf, len, err) != 0)
		return -1;
	w->tstart = start;
	w->tlen = len;
	memcpy(pk->text, w->tbuf, need);
	return 0;
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
		return 0;
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
		return 0;
	}
	if (blk < ls || blk > dsize || start + blk > dsize) {
		rec->lost = true;
		return 0;
	}
	want = text_len;
	if (want > blk - ls)
		want = (size_t)(blk - ls);
	if (want > TUI_PRINTK_TEXT_MAX)
		want = TUI_PRINTK_TEXT_MAX;
	if (pk_data(pk, r, w, idx, start, blk, next, ls + want, err) != 0)
		return -1;
	/* The block starts with its descriptor's id. */
	if ((get_long(pk, pk->text, 0) & r->idmask) != id) {
		rec->lost = true;
		return 0;
	}
	rec->len = want;
	return 0;
}

int
tui_printk_poll(struct tui_printk *pk, tui_printk_rec_cb *cb, void *arg,
    char *err)
{
	const struct tui_prb_layout *l = &pk->l;
	struct pk_ring	 r;
	struct pk_walk	*w = &pk->walk;
	uint8_t		 info[64];
	const uint8_t	*desc;
	uint64_t	 m;
	uint64_t	 id, start, n, k, cnt, sv, begin, next, d_head, d_res;
	uint64_t	 new_resume = 0;
	bool		 have_new_resume = false;
	unsigned	 W = l->long_size * 8, info_need, state;
	size_t		 pidx;
	int		 delivered = 0;

	if (l->desc_size == 0 || l->desc_size > 64) {
		snprintf(err, TUI_ERRLEN, "descriptor too large");
		return -1;
	}
	info_need = l->info_caller_id + 4;
	if (l->info_seq + 8 > info_need)
		info_need = l->info_seq + 8;
	if (l->info_ts_nsec + 8 > info_need)
		info_need = l->info_ts_nsec + 8;
	if (info_need > sizeof info) {
		snprintf(err, TUI_ERRLEN, "info layout too large");
		return -1;
	}
	w->dcount = w->tlen = 0;
	if (pk_header(pk, &r, err) != 0)
		return -1;
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
				return -1;
			w->dfirst = idx;
			w->dcount = m;
		}
		desc = w->dbuf + (idx - w->dfirst) * l->desc_size;
		sv = get_long(pk, desc, l->desc_state_var);
		state = (unsigned)(sv >> (W - 2)) & 3;
		if ((sv & r.idmask) != id || state == PK_REUSABLE) {
			pk->st.skipped++;
			continue;
		}
		if (state == PK_RESERVED) {
			/* Being written: come back to it next time. */
			if (!have_new_resume)
				new_resume = id, have_new_resume = true;
			break;
		}
		if (pk_read(pk, r.infos + idx * l->info_size, info, info_need,
		    err) != 0)
			return -1;
		memset(&rec, 0, sizeof rec);
		rec.seq = get_le(info + l->info_seq, 8);
		rec.ts_nsec = get_le(info + l->info_ts_nsec, 8);
		rec.facility = info[l->info_facility];
		rec.flags = info[l->info_flags] & 0x1f;
		rec.level = info[l->info_flags] >> 5;
		rec.caller_id = (uint32_t)get_le(info + l->info_caller_id, 4);
		rec.final = state == PK_FINALIZED;

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
		begin = get_long(pk, desc, l->desc_begin);
		next = get_long(pk, desc, l->desc_next);
		if (pk_text(pk, &r, w, id, idx, begin, next,
		    (unsigned)get_le(info + l->info_text_len, 2), &rec,
		    err) != 0)
			return -1;
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
	return delivered;
}
