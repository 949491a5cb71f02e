/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_vcont.c: rsp/vcont.c — vCont packets as gdb 13 writes
 * them and as nobody should, the thread of a stop reply, 'p' values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rsp/rsp.h"

static int
parse(const char *s, struct rsp_vcont *v)
{
	return (rsp_vcont_parse(s, strlen(s), v));
}

static void
test_vcont_gdb_forms(void **state)
{
	struct rsp_vcont	v;

	(void)state;
	/* continue */
	assert_int_equal(parse("vCont;c", &v), RSP_OK);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.act[0].op, 'c');
	assert_true(v.act[0].any);
	/* stepi with the others continuing */
	assert_int_equal(parse("vCont;s:1d;c", &v), RSP_OK);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.act[0].op, 's');
	assert_false(v.act[0].any);
	assert_int_equal(v.act[0].thread, 0x1d);
	assert_int_equal(v.act[1].op, 'c');
	assert_true(v.act[1].any);
	/* step: a range for one thread */
	assert_int_equal(parse("vCont;rffffffff8107d3a5,ffffffff8107d3b8:1d;c",
	    &v), RSP_OK);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.act[0].op, 'r');
	assert_int_equal(v.act[0].start, 0xffffffff8107d3a5ULL);
	assert_int_equal(v.act[0].end, 0xffffffff8107d3b8ULL);
	assert_int_equal(v.act[0].thread, 0x1d);
	/* signals; -1 and 0 are no thread in particular */
	assert_int_equal(parse("vCont;C09:-1", &v), RSP_OK);
	assert_int_equal(v.act[0].op, 'C');
	assert_int_equal(v.act[0].sig, 9);
	assert_true(v.act[0].any);
	assert_int_equal(parse("vCont;S0f:0", &v), RSP_OK);
	assert_int_equal(v.act[0].sig, 15);
	assert_true(v.act[0].any);
	/* multiprocess thread ids */
	assert_int_equal(parse("vCont;s:p1.1d;c:p1.-1", &v), RSP_OK);
	assert_int_equal(v.act[0].thread, 0x1d);
	assert_false(v.act[0].any);
	assert_true(v.act[1].any);
	assert_int_equal(parse("vCont;c:p2", &v), RSP_OK);
	assert_true(v.act[0].any);
	/* a negative thread (kgdb's shadow CPU threads) */
	assert_int_equal(parse("vCont;t:-2", &v), RSP_OK);
	assert_int_equal(v.act[0].op, 't');
	assert_int_equal((uint32_t)v.act[0].thread, 0xfffffffeU);
	/* an empty range is one step */
	assert_int_equal(parse("vCont;r10,10", &v), RSP_OK);
}

static void
test_vcont_bad(void **state)
{
	static const char *const bad[] = {
		"", "vCont", "vCont;", "vCont?", "vcont;c", "vCont;x",
		"vCont;cc", "vCont;c;", "vCont;;c", "vCont;c:", "vCont;c:zz",
		"vCont;c:1d:2", "vCont;C", "vCont;C100", "vCont;Cxx",
		"vCont;C-1", "vCont;r", "vCont;r10", "vCont;r10,", "vCont;r,10",
		"vCont;r20,10", "vCont;r1,2,3", "vCont;r-1,2",
		"vCont;c:p", "vCont;c:p1.", "vCont;c:px.1", "vCont;c:1d;",
		"vCont;s:11111111111111111", "vCont;c x",
	};
	struct rsp_vcont	v;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v.n = 99;
		if (parse(bad[i], &v) != RSP_ERR_SYNTAX)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	/* Nine actions do not fit. */
	assert_int_equal(parse("vCont;c:1;c:2;c:3;c:4;c:5;c:6;c:7;c:8;c", &v),
	    RSP_ERR_TOOBIG);
	assert_int_equal(parse("vCont;c:1;c:2;c:3;c:4;c:5;c:6;c:7;c", &v),
	    RSP_OK);
	assert_int_equal(v.n, 8);
	/* The length counts, not a NUL. */
	assert_int_equal(rsp_vcont_parse("vCont;cX", 7, &v), RSP_OK);
	assert_int_equal(rsp_vcont_parse(NULL, 0, &v), RSP_ERR_ARG);
}

static void
test_stop_thread(void **state)
{
	uint64_t	t = 7;

	(void)state;
	assert_true(rsp_stop_thread("T05thread:1d;", 13, &t));
	assert_int_equal(t, 0x1d);
	assert_true(rsp_stop_thread("T0bthread:fffffffe;", 19, &t));
	assert_int_equal(t, 0xfffffffeULL);
	assert_true(rsp_stop_thread("T05watch:ffff0000;thread:02;", 28, &t));
	assert_int_equal(t, 2);
	/* no ';' at the end is still the whole field */
	assert_true(rsp_stop_thread("T05thread:3", 11, &t));
	assert_int_equal(t, 3);
	t = 7;
	assert_false(rsp_stop_thread("S05", 3, &t));
	assert_false(rsp_stop_thread("T05", 3, &t));
	assert_false(rsp_stop_thread("T05thread:;", 11, &t));
	assert_false(rsp_stop_thread("T05thread:zz;", 13, &t));
	assert_false(rsp_stop_thread("Txxthread:1;", 12, &t));
	assert_false(rsp_stop_thread("T05threads:1;", 13, &t));
	assert_false(rsp_stop_thread("T05thread:1d;", 8, &t));
	assert_int_equal(t, 7);
}

static void
test_reg_le(void **state)
{
	uint64_t	v = 0;

	(void)state;
	assert_int_equal(rsp_reg_le("a5d30781ffffffff", 16, 8, &v), RSP_OK);
	assert_int_equal(v, 0xffffffff8107d3a5ULL);
	assert_int_equal(rsp_reg_le("78563412", 8, 4, &v), RSP_OK);
	assert_int_equal(v, 0x12345678);
	assert_int_equal(rsp_reg_le("785634", 6, 4, &v), RSP_ERR_SHORT);
	assert_int_equal(rsp_reg_le("7856341200", 10, 4, &v),
	    RSP_ERR_TOOBIG);
	assert_int_equal(rsp_reg_le("E22", 3, 8, &v), RSP_ERR_SHORT);
	assert_int_equal(rsp_reg_le("xx563412", 8, 4, &v), RSP_ERR_HEX);
	assert_int_equal(rsp_reg_le("00", 2, 9, &v), RSP_ERR_ARG);
	assert_int_equal(v, 0x12345678);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vcont_gdb_forms),
		cmocka_unit_test(test_vcont_bad),
		cmocka_unit_test(test_stop_thread),
		cmocka_unit_test(test_reg_le),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
