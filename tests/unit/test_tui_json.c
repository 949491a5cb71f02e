/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_tui_json.c: tui/json.c's readers at their edges.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <cmocka.h>

#include "tui/tui.h"

/* Every u64 reads back, up to UINT64_MAX; one more is refused. */
static void
test_u64_edges(void **state)
{
	uint64_t	v = 0;

	(void)state;
	assert_true(tui_json_u64("{\"n\":0}", "n", &v));
	assert_true(v == 0);
	assert_true(tui_json_u64("{\"n\":18446744073709551610}", "n", &v));
	assert_true(v == UINT64_MAX - 5);
	assert_true(tui_json_u64("{\"n\":18446744073709551615}", "n", &v));
	assert_true(v == UINT64_MAX);
	v = 7;
	assert_false(tui_json_u64("{\"n\":18446744073709551616}", "n", &v));
	assert_false(tui_json_u64("{\"n\":99999999999999999999}", "n", &v));
	assert_true(v == 7);
	assert_false(tui_json_u64("{\"n\":\"1\"}", "n", &v));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64_edges),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
