/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_memarg.c: the arguments of the control socket's mem
 * command (bridge/memarg.c), as data rows: hex addresses, decimal
 * lengths, overflow and wrap-around refused with a reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bridge/bridge.h"

struct mem_row {
	const char	*text;
	int		 rc;
	uint64_t	 addr, len;
	const char	*errpart;	/* substring of err on failure */
};

static const struct mem_row mem_rows[] = {
	{ "ffffffff81000000 8", 0, 0xffffffff81000000ULL, 8, NULL },
	{ "0xffffffff81000000 8", 0, 0xffffffff81000000ULL, 8, NULL },
	{ "0XFFFF 4096", 0, 0xffff, 4096, NULL },
	{ "  10\t 1  ", 0, 0x10, 1, NULL },
	/* LEN is decimal: no octal, whatever the leading zero. */
	{ "1000 010", 0, 0x1000, 10, NULL },
	{ "1000 0010", 0, 0x1000, 10, NULL },
	/* ADDR is hex even with a leading zero. */
	{ "010 8", 0, 0x10, 8, NULL },
	{ "0000000000000000000000ffffffffffffffff 1", 0,
	    0xffffffffffffffffULL, 1, NULL },
	/* The last byte of the address space, and a range ending on it. */
	{ "ffffffffffffffff 1", 0, 0xffffffffffffffffULL, 1, NULL },
	{ "fffffffffffff000 4096", 0, 0xfffffffffffff000ULL, 4096, NULL },
	/* Wrap past 2^64. */
	{ "ffffffffffffffff 2", -1, 0, 0, "past the top" },
	{ "fffffffffffff001 4096", -1, 0, 0, "past the top" },
	/* Overflow of either number. */
	{ "10000000000000000 1", -1, 0, 0, "more than 64 bits" },
	{ "0x1ffffffffffffffff 1", -1, 0, 0, "more than 64 bits" },
	{ "10 18446744073709551617", -1, 0, 0, "over 4096" },
	{ "10 99999999999999999999999999", -1, 0, 0, "over 4096" },
	{ "10 4097", -1, 0, 0, "over 4096" },
	{ "10 0", -1, 0, 0, "length 0" },
	/* Malformed. */
	{ "10 0x10", -1, 0, 0, "usage" },
	{ "10 -1", -1, 0, 0, "usage" },
	{ "10 +1", -1, 0, 0, "usage" },
	{ "-10 1", -1, 0, 0, "usage" },
	{ "0x 1", -1, 0, 0, "usage" },
	{ "zz 1", -1, 0, 0, "usage" },
	{ "10", -1, 0, 0, "usage" },
	{ "10 ", -1, 0, 0, "usage" },
	{ "10 1 2", -1, 0, 0, "usage" },
	{ "10 1x", -1, 0, 0, "usage" },
	{ "10g 1", -1, 0, 0, "usage" },
	{ "", -1, 0, 0, "usage" },
	{ NULL, -1, 0, 0, "usage" },
};

static void
test_mem_rows(void **state)
{
	const struct mem_row	*r;
	char			 err[BR_ERRLEN];
	uint64_t		 addr, len;
	size_t			 i;
	int			 rc;

	(void)state;
	for (i = 0; i < sizeof mem_rows / sizeof mem_rows[0]; i++) {
		r = &mem_rows[i];
		addr = len = 7;
		err[0] = '\0';
		rc = br_mem_args(r->text, 4096, &addr, &len, err);
		if (rc != r->rc || (rc == 0 && (addr != r->addr ||
		    len != r->len)) || (rc != 0 && (strstr(err, r->errpart) ==
		    NULL || addr != 7 || len != 7)))
			fail_msg("row %zu '%s': rc %d addr %llx len %llu err "
			    "'%s'", i, r->text != NULL ? r->text : "(null)", rc,
			    (unsigned long long)addr, (unsigned long long)len,
			    err);
	}
}

/* With no cap on LEN, its digits still cannot wrap. */
static void
test_mem_huge_max(void **state)
{
	char		err[BR_ERRLEN];
	uint64_t	addr, len;

	(void)state;
	assert_int_equal(br_mem_args("0 18446744073709551615", UINT64_MAX,
	    &addr, &len, err), 0);
	assert_true(len == UINT64_MAX && addr == 0);
	assert_int_equal(br_mem_args("0 18446744073709551616", UINT64_MAX,
	    &addr, &len, err), -1);
	assert_int_equal(br_mem_args("1 18446744073709551615", UINT64_MAX,
	    &addr, &len, err), 0);
	assert_int_equal(br_mem_args("2 18446744073709551615", UINT64_MAX,
	    &addr, &len, err), -1);
	assert_non_null(strstr(err, "past the top"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_rows),
		cmocka_unit_test(test_mem_huge_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
