/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_tui_live.c: the pieces under the TUI's live session
 * (its JSON reader, common/json.c, has test_json.c): the per-stop memory
 * snapshot the printk walk runs on (tui/mem.c), including the rerun loop
 * live.c drives: each miss fetched once, then never asked again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tui/live_int.h"

static void
test_mem(void **state)
{
	struct tui_mem	*m = tui_mem_new();
	uint8_t		 data[64], out[64];
	uint64_t	 addr;
	size_t		 len, i;

	(void)state;
	for (i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)i;
	tui_mem_put(m, 0x1000, data, sizeof data);
	assert_int_equal(tui_mem_read(m, 0x1010, out, 16), 0);
	assert_memory_equal(out, data + 16, 16);
	assert_int_equal(tui_mem_read(m, 0x1000, out, 64), 0);
	/* One byte past the end is a miss from there on (a run: as long as
	 * the read), and the first miss is kept. */
	assert_int_equal(tui_mem_read(m, 0x1030, out, 17), -1);
	assert_int_equal(tui_mem_read(m, 0x2000, out, 8), -1);
	assert_true(tui_mem_take_miss(m, &addr, &len));
	assert_int_equal(addr, 0x1040);
	assert_int_equal(len, 17);
	assert_false(tui_mem_take_miss(m, &addr, &len));
	/* A wrapping address never matches. */
	assert_int_equal(tui_mem_read(m, UINT64_MAX - 3, out, 8), -1);
	tui_mem_clear(m);
	assert_int_equal(tui_mem_read(m, 0x1000, out, 1), -1);
	tui_mem_free(m);
}

/*
 * A read across several chunks is served from them; a miss names only
 * the bytes not held, up to the next held byte: nothing is fetched twice.
 */
static void
test_mem_pieces(void **state)
{
	struct tui_mem	*m = tui_mem_new();
	uint8_t		 data[256], out[256];
	uint64_t	 addr;
	size_t		 len, i;

	(void)state;
	for (i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i ^ 0x5a);
	tui_mem_put(m, 0x1000, data, 64);
	tui_mem_put(m, 0x1040, data + 64, 32);
	/* two chunks side by side: one read across both */
	assert_int_equal(tui_mem_read(m, 0x1030, out, 40), 0);
	assert_memory_equal(out, data + 0x30, 40);
	/* a gap at [0x1060, 0x1080), then held bytes again */
	tui_mem_put(m, 0x1080, data + 128, 64);
	assert_int_equal(tui_mem_read(m, 0x1050, out, 0x60), -1);
	assert_true(tui_mem_take_miss(m, &addr, &len));
	assert_int_equal(addr, 0x1060);
	assert_int_equal(len, 0x20);
	tui_mem_put(m, addr, data + 96, len);
	assert_int_equal(tui_mem_read(m, 0x1050, out, 0x60), 0);
	assert_memory_equal(out, data + 0x50, 0x60);
	/* past the last chunk, a run goes on: from its end, as long as the
	 * read (the next blocks in the same round trip) */
	assert_int_equal(tui_mem_read3(m, 0x10b0, out, 0x40), TUI_MEM_WAIT);
	assert_true(tui_mem_take_miss(m, &addr, &len));
	assert_int_equal(addr, 0x10c0);
	assert_int_equal(len, 0x40);
	/* ... but not into the next page past the read's end */
	tui_mem_put(m, 0x1f00, data, 0xe0);
	assert_int_equal(tui_mem_read(m, 0x1f80, out, 0x70), -1);
	assert_true(tui_mem_take_miss(m, &addr, &len));
	assert_int_equal(addr, 0x1fe0);
	assert_int_equal(len, 0x20);
	/* a read that starts where nothing is held: exactly it */
	assert_int_equal(tui_mem_read(m, 0x3000, out, 24), -1);
	assert_true(tui_mem_take_miss(m, &addr, &len));
	assert_int_equal(addr, 0x3000);
	assert_int_equal(len, 24);
	/* a refused range is not asked again */
	tui_mem_put_bad(m, 0x10c0, 0x30);
	assert_int_equal(tui_mem_read3(m, 0x10b0, out, 0x40), -1);
	assert_false(tui_mem_take_miss(m, &addr, &len));
	tui_mem_free(m);
}

static struct live_rec
rec(uint64_t seq)
{
	char	t[16];

	snprintf(t, sizeof t, "r%llu", (unsigned long long)seq);
	return ((struct live_rec){ .seq = seq, .text = tui_xstrndup(t,
	    strlen(t)), .len = strlen(t) });
}

/*
 * The records read behind the first view go in front of its records, in
 * order; when they do not all fit, the oldest are dropped.
 */
static void
test_recs_prepend(void **state)
{
	struct live_rec	recs[6], old[4];
	size_t		n, i;

	(void)state;
	recs[0] = rec(10);
	recs[1] = rec(11);
	for (i = 0; i < 3; i++)
		old[i] = rec(7 + i);
	n = live_recs_prepend(recs, 2, 6, old, 3);
	assert_int_equal(n, 5);
	for (i = 0; i < n; i++)
		assert_int_equal(recs[i].seq, i < 3 ? 7 + i : 10 + i - 3);
	assert_string_equal(recs[0].text, "r7");
	assert_string_equal(recs[4].text, "r11");
	/* room for one more: only the newest of the older ones */
	for (i = 0; i < 4; i++)
		old[i] = rec(3 + i);
	n = live_recs_prepend(recs, n, 6, old, 4);
	assert_int_equal(n, 6);
	assert_int_equal(recs[0].seq, 6);
	assert_int_equal(recs[1].seq, 7);
	assert_int_equal(recs[5].seq, 11);
	/* nothing older: unchanged */
	assert_int_equal(live_recs_prepend(recs, n, 6, old, 0), 6);
	assert_int_equal(recs[0].seq, 6);
	for (i = 0; i < n; i++)
		free(recs[i].text);
}

/* The "target": 4 KiB of known bytes at 0x10000. */
static int
img_read(const uint8_t *img, uint64_t addr, void *buf, size_t len)
{
	if (addr < 0x10000 || addr - 0x10000 > 4096 ||
	    len > 4096 - (addr - 0x10000))
		return (-1);
	memcpy(buf, img + (addr - 0x10000), len);
	return (0);
}

static void
test_walk_on_snapshot(void **state)
{
	struct tui_mem	*m = tui_mem_new();
	uint8_t		 target[4096], buf[32];
	uint64_t	 addr;
	size_t		 len;
	int		 misses = 0, i, rc;

	(void)state;
	for (i = 0; i < (int)sizeof target; i++)
		target[i] = (uint8_t)(i * 7);
	/* A "walk" of 8 reads at scattered places, rerun after each miss. */
	for (;;) {
		rc = 0;
		for (i = 0; i < 8 && rc == 0; i++)
			rc = tui_mem_read(m, 0x10000 + (uint64_t)i * 300, buf,
			    sizeof buf);
		if (rc == 0)
			break;
		assert_true(tui_mem_take_miss(m, &addr, &len));
		assert_int_equal(addr, 0x10000 + (uint64_t)misses * 300);
		assert_int_equal(img_read(target, addr, buf, len), 0);
		tui_mem_put(m, addr, buf, len);
		misses++;
	}
	assert_int_equal(misses, 8);
	assert_memory_equal(buf, target + 7 * 300, sizeof buf);
	tui_mem_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem),
		cmocka_unit_test(test_mem_pieces),
		cmocka_unit_test(test_recs_prepend),
		cmocka_unit_test(test_walk_on_snapshot),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
