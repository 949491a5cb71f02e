/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_sleepers.c: bridge/sleepers.c reads its layout from a
 * vmlinux of either naming of the init stack's bounds (*_init_task up to
 * Linux 6.9, *_init_stack since 6.10), and says which symbol is missing
 * when neither is there. The answers themselves are tested by the
 * sleepers*.txt transcripts (test_gdb).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "bridge/sleepers.h"
#include "tests/unit/fixdir.h"

static char	fixdir[1024];

static void
layout_of(const char *name, struct br_sl_layout *l, int want, char *err)
{
	char	path[1200];

	snprintf(path, sizeof path, "%s/%s", fixdir, name);
	memset(l, 0, sizeof *l);
	err[0] = '\0';
	assert_int_equal(br_sleepers_layout(path, l, err), want);
}

static void
test_both_namings(void **state)
{
	static const char *const names[] = { "itf-6.1-64", "itf-6.12-64" };
	struct br_sl_layout	 l;
	char			 err[BR_ERRLEN];
	size_t			 i;

	(void)state;
	for (i = 0; i < 2; i++) {
		layout_of(names[i], &l, 0, err);
		assert_true(l.thread_size == 0x4000);
		assert_true(l.text_lo == 0xffffffff81000000ULL);
		assert_true(l.text_hi == 0xffffffff81400000ULL);
		assert_true(l.size == 56);
		assert_true(l.off[BR_SL_RET] == 48);
	}
}

static void
test_no_debug_info(void **state)
{
	struct br_sl_layout	 l;
	char			 err[BR_ERRLEN];

	(void)state;
	layout_of("itf-6.1-64-nodebug", &l, -1, err);
	if (strstr(err, "debug") == NULL && strstr(err, "DWARF") == NULL)
		fail_msg("%s", err);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_namings),
		cmocka_unit_test(test_no_debug_info),
	};

	(void)argc;
	fixdir_init(fixdir, sizeof fixdir, argv[0]);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
