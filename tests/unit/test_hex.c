/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_hex.c: rsp/hex.c — digits, buffers, numbers, kgdb Exx.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rsp/rsp.h"

static void
test_hex_val(void **state)
{
	(void)state;
	for (int c = 0; c < 256; c++) {
		int want = -1;

		if (c >= '0' && c <= '9')
			want = c - '0';
		else if (c >= 'a' && c <= 'f')
			want = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			want = c - 'A' + 10;
		assert_int_equal(rsp_hex_val(c), want);
	}
	assert_int_equal(rsp_hex_val(-1), -1);
}

static void
test_hex_encode(void **state)
{
	uint8_t	in[256];
	char	out[513];
	uint8_t	back[256];

	(void)state;
	for (int i = 0; i < 256; i++)
		in[i] = (uint8_t)i;
	memset(out, 'Z', sizeof out);
	assert_int_equal(rsp_hex_encode(out, 512, in, 256), 512);
	assert_memory_equal(out, "000102", 6);
	assert_memory_equal(out + 506, "fdfeff", 6);
	assert_int_equal(out[512], 'Z');	/* no NUL written */
	assert_int_equal(rsp_hex_decode(back, sizeof back, out, 512), 256);
	assert_memory_equal(back, in, 256);
	/* One byte short of room: nothing may be written past the limit. */
	memset(out, 'Z', sizeof out);
	assert_int_equal(rsp_hex_encode(out, 511, in, 256), RSP_ERR_TOOBIG);
	assert_int_equal(rsp_hex_encode(out, 0, in, 0), 0);
	assert_int_equal(rsp_hex_encode(NULL, 0, NULL, 0), 0);
	assert_int_equal(rsp_hex_encode(NULL, 4, in, 1), RSP_ERR_ARG);
}

struct hex_dec_row {
	const char	*in;
	size_t		 outmax;
	int		 want;
	const char	*bytes;
};

static const struct hex_dec_row hex_dec_rows[] = {
	{ "", 0, 0, "" },
	{ "00", 1, 1, "\0" },
	{ "deadBEEF", 4, 4, "\xde\xad\xbe\xef" },
	{ "DEADbeef", 8, 4, "\xde\xad\xbe\xef" },
	{ "abc", 8, RSP_ERR_HEX, NULL },		/* odd length */
	{ "zz", 8, RSP_ERR_HEX, NULL },
	{ "0g", 8, RSP_ERR_HEX, NULL },
	{ " 0", 8, RSP_ERR_HEX, NULL },
	{ "xxxx", 8, RSP_ERR_HEX, NULL },		/* unavailable marker */
	{ "0102", 1, RSP_ERR_TOOBIG, NULL },
	{ "0102", 0, RSP_ERR_TOOBIG, NULL },
};

static void
test_hex_decode_rows(void **state)
{
	uint8_t	out[16];

	(void)state;
	for (size_t i = 0; i < sizeof hex_dec_rows / sizeof hex_dec_rows[0];
	    i++) {
		const struct hex_dec_row *r = &hex_dec_rows[i];
		int n;

		memset(out, 0xaa, sizeof out);
		n = rsp_hex_decode(out, r->outmax, r->in, strlen(r->in));
		assert_int_equal(n, r->want);
		if (r->bytes != NULL)
			assert_memory_equal(out, r->bytes, (size_t)n);
		/* Nothing written past outmax, whatever the result. */
		assert_int_equal(out[r->outmax], 0xaa);
	}
}

struct u64_row {
	const char	*in;
	int		 want;
	uint64_t	 value;
};

static const struct u64_row u64_rows[] = {
	{ "0", 1, 0 },
	{ "1", 1, 1 },
	{ "ffffffff81000000", 16, 0xffffffff81000000ULL },
	{ "FFFFFFFF81000000", 16, 0xffffffff81000000ULL },
	{ "ffffffffffffffff", 16, UINT64_MAX },
	{ "10000000000000000", RSP_ERR_HEX, 0 },	/* 17 digits */
	{ "0000000000000000001", 19, 1 },		/* leading zeros */
	{ "-2", 2, 0xfffffffffffffffeULL },		/* kgdb thread id */
	{ "-1", 2, UINT64_MAX },
	{ "-0", 2, 0 },
	{ "-", RSP_ERR_HEX, 0 },
	{ "", RSP_ERR_HEX, 0 },
	{ "--1", RSP_ERR_HEX, 0 },
	{ "g", RSP_ERR_HEX, 0 },
	{ "1f,40", 2, 0x1f },				/* stops at ',' */
	{ "ffff:0", 4, 0xffff },
	{ "-ff;", 3, (uint64_t)-0xff },
	{ " 1", RSP_ERR_HEX, 0 },
};

static void
test_hex_u64_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof u64_rows / sizeof u64_rows[0]; i++) {
		const struct u64_row *r = &u64_rows[i];
		uint64_t v = 12345;
		int n;

		n = rsp_hex_u64(r->in, strlen(r->in), &v);
		if (n != r->want)
			fail_msg("row %zu \"%s\": got %d want %d", i, r->in, n,
			    r->want);
		if (n >= 0)
			assert_true(v == r->value);
		else
			assert_true(v == 12345);	/* untouched on error */
	}
	/* len limits the parse even without a terminator. */
	{
		uint64_t v;

		assert_int_equal(rsp_hex_u64("1234", 2, &v), 2);
		assert_true(v == 0x12);
		assert_int_equal(rsp_hex_u64("-5", 1, &v), RSP_ERR_HEX);
		assert_int_equal(rsp_hex_u64(NULL, 1, &v), RSP_ERR_ARG);
	}
}

struct errno_row {
	const char	*in;
	bool		 ok;
	int		 err;
};

static const struct errno_row errno_rows[] = {
	{ "E22", true, 22 },	/* EINVAL */
	{ "E14", true, 14 },	/* EFAULT */
	{ "E02", true, 2 },	/* ENOENT */
	{ "E17", true, 17 },	/* EEXIST */
	{ "E07", true, 7 },	/* E2BIG */
	{ "E01", true, 1 },
	{ "E00", true, 0 },
	{ "E99", true, 99 },
	{ "E", false, 0 },
	{ "E2", false, 0 },
	{ "E2x", false, 0 },
	{ "Exyz", false, 0 },
	{ "E1a", false, 0 },	/* hex, not decimal: kgdb never sends it */
	{ "Eff", false, 0 },
	{ "E222", false, 0 },
	{ "e22", false, 0 },
	{ "OK", false, 0 },
	{ "", false, 0 },
	{ "E.msg", false, 0 },
	{ "X22", false, 0 },
};

static void
test_reply_errno_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof errno_rows / sizeof errno_rows[0]; i++) {
		const struct errno_row *r = &errno_rows[i];
		int e = -7;
		bool ok;

		ok = rsp_reply_errno(r->in, strlen(r->in), &e);
		if (ok != r->ok)
			fail_msg("row %zu \"%s\": got %d", i, r->in, ok);
		assert_int_equal(e, ok ? r->err : -7);
	}
	/* Length is what counts, not a NUL. */
	assert_true(!rsp_reply_errno("E22", 2, NULL));
	assert_true(rsp_reply_errno("E225", 3, NULL));
}

/* '?' gets the signal and the stopped thread: the stop's own, else qC's. */
static const struct { const char *in, *qc, *out; } status_rows[] = {
	{ "T05thread:01;", NULL, "T05thread:01;" },
	{ "T0bthread:fffffffe;", "QC02", "T0bthread:fffffffe;" },
	{ "T05a:0102;thread:3;b:00;", NULL, "T05thread:3;" },
	{ "T05thread:01", NULL, "T05thread:01;" },	/* last field, no ';' */
	{ "S05", NULL, "S05" },
	{ "S05", "QC01", "T05thread:01;" },
	{ "S1f", "QCfffffffd", "T1fthread:fffffffd;" },
	{ "T05", "QC2", "T05thread:2;" },
	{ "S05", "E01", "S05" },
	{ "S05", "QC", "S05" },
	{ "S05", "QCzz", "S05" },
	{ "S05", "QC00000000000000001", "S05" },	/* 17 digits */
	{ "S05", "qc01", "S05" },
	{ "T05thread:;", NULL, "S05" },
	{ "T05thread:zz;", "QC3", "T05thread:3;" },
	{ "T5", "QC1", "T5" },	/* one digit: not a stop reply, unchanged */
	{ "Tzz;", NULL, "Tzz;" },
	{ "W00", "QC1", "W00" },
	{ "X09", NULL, "X09" },
	{ "", NULL, "" },
};

static void
test_stop_status_rows(void **state)
{
	const char	*qc;
	char		 out[48];
	int		 n;

	(void)state;
	for (size_t i = 0; i < sizeof status_rows / sizeof status_rows[0];
	    i++) {
		qc = status_rows[i].qc;
		memset(out, '@', sizeof out);
		n = rsp_stop_status(out, sizeof out, status_rows[i].in,
		    strlen(status_rows[i].in), qc, qc != NULL ? strlen(qc) : 0);
		if (n != (int)strlen(status_rows[i].out))
			fail_msg("row %zu \"%s\": got %d", i,
			    status_rows[i].in, n);
		assert_memory_equal(out, status_rows[i].out, (size_t)n);
		assert_int_equal(out[n], '@');	/* no NUL, no overrun */
	}
	/* The lengths given count, and a small buffer is an error. */
	assert_int_equal(rsp_stop_status(out, sizeof out, "T05thread", 2,
	    NULL, 0), 2);
	assert_int_equal(rsp_stop_status(out, sizeof out, "S05", 3, "QC12",
	    3), 12);
	assert_memory_equal(out, "T05thread:1;", 12);
	assert_int_equal(rsp_stop_status(out, 2, "S05", 3, NULL, 0),
	    RSP_ERR_TOOBIG);
	assert_int_equal(rsp_stop_status(out, 12, "T05thread:01;", 13, NULL,
	    0), RSP_ERR_TOOBIG);
	assert_int_equal(rsp_stop_status(out, 13, "T05thread:01;", 13, NULL,
	    0), 13);
	assert_int_equal(rsp_stop_status(out, 2, "W00", 3, NULL, 0),
	    RSP_ERR_TOOBIG);
}

static void
test_strerror(void **state)
{
	(void)state;
	for (int e = RSP_ERR_SYNTAX; e <= RSP_OK; e++) {
		const char *s = rsp_strerror(e);

		assert_non_null(s);
		assert_true(strlen(s) > 0);
		/* Every code has its own text. */
		for (int f = e + 1; f <= RSP_OK; f++)
			assert_string_not_equal(s, rsp_strerror(f));
	}
	assert_string_equal(rsp_strerror(-1000), "unknown error");
	assert_string_equal(rsp_strerror(RSP_ERR_CKSUM),
	    "packet checksum mismatch");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_val),
		cmocka_unit_test(test_hex_encode),
		cmocka_unit_test(test_hex_decode_rows),
		cmocka_unit_test(test_hex_u64_rows),
		cmocka_unit_test(test_reply_errno_rows),
		cmocka_unit_test(test_stop_status_rows),
		cmocka_unit_test(test_strerror),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
