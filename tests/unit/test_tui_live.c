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

#include "tui/tui.h"

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
	/* One byte past the end is a miss, and the first miss is kept. */
	assert_int_equal(tui_mem_read(m, 0x1030, out, 17), -1);
	assert_int_equal(tui_mem_read(m, 0x2000, out, 8), -1);
	assert_true(tui_mem_take_miss(m, &addr, &len));
	assert_int_equal(addr, 0x1030);
	assert_int_equal(len, 17);
	assert_false(tui_mem_take_miss(m, &addr, &len));
	/* A wrapping address never matches. */
	assert_int_equal(tui_mem_read(m, UINT64_MAX - 3, out, 8), -1);
	tui_mem_clear(m);
	assert_int_equal(tui_mem_read(m, 0x1000, out, 1), -1);
	tui_mem_free(m);
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
		cmocka_unit_test(test_walk_on_snapshot),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
