/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_breakseq.c: the --break-seq language (bridge/breakseq.c),
 * as data rows: a sequence and the steps it becomes, written as a string
 * ("B" BREAK, "w300" a wait, "t'g'" text), or the error it gets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bridge/bridge.h"

struct row {
	const char	*seq;
	const char	*steps;		/* NULL: refused */
	const char	*errpart;	/* substring of err when refused */
};

static const struct row rows[] = {
	{ "BREAK,wait:300,g", "B w300 t'g'", NULL },
	/* BREAK's own pause, unless a wait of the user's follows. */
	{ "BREAK,g", "B w100 t'g'", NULL },
	{ "break", "B w100", NULL },
	{ "BREAK,wait:0,g", "B w0 t'g'", NULL },
	{ "BREAK,wait:10,wait:20", "B w10 w20", NULL },
	{ "wait:10000", "w10000", NULL },
	{ "BREAK,wait:200,abc,BREAK,wait:500,g",
	    "B w200 t'abc' B w500 t'g'", NULL },
	{ "0x03", "t'\\x03'", NULL },
	{ "0xfF", "t'\\xff'", NULL },
	{ "0x1", "t'0x1'", NULL },		/* not two digits: text */
	{ "0x123", "t'0x123'", NULL },
	{ "sysrq-trigger", "t'echo g > /proc/sysrq-trigger\\x0d'", NULL },
	{ "BREAK,,g,", "B w100 t'g'", NULL },	/* empty steps skipped */
	{ "", NULL, "empty break sequence" },
	{ ",", NULL, "empty break sequence" },
	{ "wait:x", NULL, "'wait:x'" },
	{ "wait:", NULL, "'wait:'" },
	{ "wait:10001", NULL, "'wait:10001'" },
	{ "wait:-1", NULL, "'wait:-1'" },
	{ "wait: 5", NULL, "'wait: 5'" },
	{ "wait:+5", NULL, "'wait:+5'" },
	{ "wait:000010", "w10", NULL },
	{ "BREAK,wait:99999999999999999999", NULL, "wait:MS" },
	{ "0xZZ", NULL, "'0xZZ'" },
	{ "0x-1", NULL, "'0x-1'" },
	{ "0x 1", NULL, "two hex digits" },
};

/* The steps as a string, in the rows' notation. */
static void
render(const struct br_breakseq *bs, char *out, size_t max)
{
	const struct br_breakseq_step	*s;
	size_t				 i, j, n = 0;
	unsigned char			 c;

	out[0] = '\0';
	for (i = 0; i < bs->n; i++) {
		s = &bs->steps[i];
		if (i > 0)
			n += (size_t)snprintf(out + n, max - n, " ");
		switch (s->what) {
		case BR_BREAKSEQ_BREAK:
			n += (size_t)snprintf(out + n, max - n, "B");
			assert_null(s->text);
			break;
		case BR_BREAKSEQ_WAIT:
			n += (size_t)snprintf(out + n, max - n, "w%u", s->ms);
			assert_null(s->text);
			break;
		case BR_BREAKSEQ_TEXT:
			n += (size_t)snprintf(out + n, max - n, "t'");
			for (j = 0; j < s->len; j++) {
				c = (unsigned char)s->text[j];
				n += (size_t)snprintf(out + n, max - n,
				    c >= 0x20 && c < 0x7f ? "%c" : "\\x%02x",
				    c);
			}
			n += (size_t)snprintf(out + n, max - n, "'");
			break;
		default:
			fail_msg("step %zu: what %d", i, (int)s->what);
		}
		assert_true(n < max);
	}
}

static void
test_rows(void **state)
{
	struct br_breakseq	*bs;
	char			 err[BR_ERRLEN], got[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		err[0] = '\0';
		bs = br_breakseq_new(rows[i].seq, err);
		if (bs != NULL)
			render(bs, got, sizeof got);
		print_message("# '%s' -> %s%s\n", rows[i].seq,
		    bs != NULL ? got : "refused: ", bs != NULL ? "" : err);
		if (rows[i].steps == NULL) {
			assert_null(bs);
			assert_non_null(strstr(err, rows[i].errpart));
			assert_int_equal(br_breakseq_check(rows[i].seq, err),
			    -1);
			continue;
		}
		assert_non_null(bs);
		assert_string_equal(got, rows[i].steps);
		assert_string_equal(err, "");
		assert_int_equal(br_breakseq_check(rows[i].seq, err), 0);
		br_breakseq_free(bs);
	}
	br_breakseq_free(NULL);
}

/* The whole sequence is kept, however long (the steps are allocated). */
static void
test_long(void **state)
{
	struct br_breakseq	*bs;
	char			 seq[4096], err[BR_ERRLEN];
	size_t			 i, n = 0;

	(void)state;
	for (i = 0; i < 500; i++)
		n += (size_t)snprintf(seq + n, sizeof seq - n, "%sBREAK",
		    i > 0 ? "," : "");
	assert_true(n < sizeof seq);
	bs = br_breakseq_new(seq, err);
	assert_non_null(bs);
	assert_int_equal(bs->n, 1000);
	assert_int_equal(bs->steps[998].what, BR_BREAKSEQ_BREAK);
	assert_int_equal(bs->steps[999].what, BR_BREAKSEQ_WAIT);
	br_breakseq_free(bs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_long),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
