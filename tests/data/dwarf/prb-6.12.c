/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/data/dwarf/prb-6.12.c: the printk ring's types as Linux 6.12
 * declares them (kernel/printk/printk_ringbuffer.h, dev_printk.h,
 * types.h), restated for a DWARF fixture: `make tests` builds this with
 * -g for 64 and 32 bits, and test_common_dwarf reads the layouts back
 * through common/dwarf.c without a kernel build. Only the types and the
 * `prb` pointer matter; nothing here runs.
 */
typedef unsigned char		u8;
typedef unsigned short		u16;
typedef unsigned int		u32;
typedef unsigned long long	u64;
typedef long long		s64;

typedef struct {
	int	counter;
} atomic_t;
#ifdef __LP64__
typedef struct {
	s64	counter;
} atomic64_t;
typedef atomic64_t		atomic_long_t;
#else
typedef atomic_t		atomic_long_t;
#endif

struct dev_printk_info {
	char	subsystem[16];
	char	device[48];
};

struct printk_info {
	u64	seq;
	u64	ts_nsec;
	u16	text_len;
	u8	facility;
	u8	flags:5;
	u8	level:3;
	u32	caller_id;
	struct dev_printk_info	dev_info;
};

struct prb_data_blk_lpos {
	unsigned long	begin;
	unsigned long	next;
};

struct prb_desc {
	atomic_long_t			state_var;
	struct prb_data_blk_lpos	text_blk_lpos;
};

struct prb_data_ring {
	unsigned int	size_bits;
	char		*data;
	atomic_long_t	head_lpos;
	atomic_long_t	tail_lpos;
};

/* 6.12: the last finalized record is remembered by seq. */
struct prb_desc_ring {
	unsigned int		count_bits;
	struct prb_desc		*descs;
	struct printk_info	*infos;
	atomic_long_t		head_id;
	atomic_long_t		tail_id;
	atomic_long_t		last_finalized_seq;
};

/* The states a descriptor's state_var carries in its top two bits. */
enum desc_state {
	desc_miss	= -1,
	desc_reserved	= 0x0,
	desc_committed	= 0x1,
	desc_finalized	= 0x2,
	desc_reusable	= 0x3,
};

struct printk_ringbuffer {
	struct prb_desc_ring	desc_ring;
	struct prb_data_ring	text_data_ring;
	atomic_long_t		fail;
};

static struct prb_desc fix_descs[4];
static struct printk_info fix_infos[4];
static char fix_text[64];
static struct printk_ringbuffer printk_rb_static = {
	{ 2, fix_descs, fix_infos, { 0 }, { 0 }, { 0 } },
	{ 6, fix_text, { 0 }, { 0 } },
	{ 0 },
};
/* 6.12: a global pointer (printk.c). */
struct printk_ringbuffer *prb = &printk_rb_static;

/* Keep the enum in the debug info, as printk_ringbuffer.c's use does. */
enum desc_state fix_state(unsigned long sv);
enum desc_state
fix_state(unsigned long sv)
{
	return ((enum desc_state)(sv >> (sizeof(long) * 8 - 2)));
}

/* Keep prb in the image. */
struct printk_ringbuffer **fix_keep(void);
struct printk_ringbuffer **
fix_keep(void)
{
	return (&prb);
}
