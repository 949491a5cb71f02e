/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_json.c: common/json.c, the one JSON reader and writer:
 * what the strict reader refuses (malformed, truncated, duplicate keys,
 * NUL, bad UTF-8 and escapes, huge numbers, deep nesting), the typed
 * getters, escapes both ways, and round trips of any bytes through the
 * writer and back through the reader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/json.h"

static bool
parses(const char *s, size_t len)
{
	char	 err[256];
	json_t	*o = cm_json_parse(s, len, err, sizeof err);

	if (o == NULL) {
		assert_non_null(strstr(err, "malformed JSON"));
		return (false);
	}
	json_decref(o);
	return (true);
}

#define PARSES(lit)	parses(lit, sizeof lit - 1)

static void
test_strict(void **state)
{
	static const char *const bad[] = {
		"",
		" ",
		"{\"v\":1,\"cmd\":\"ping\"",		/* no closing brace */
		"{\"v\":1,\"cmd\":\"ping",
		"{\"v\":1,\"cmd\":\"ping\"}}",
		"{\"v\":1,\"cmd\":\"ping\"}{}",
		"{\"v\":1,\"cmd\":\"ping\"} x",
		"{\"a\":1,}",
		"{\"a\":1 \"b\":2}",
		"{a:1}",
		"{'a':1}",
		"{\"a\":1,\"a\":2}",		/* duplicate key */
		"{\"a\":01}",
		"{\"a\":+1}",
		"{\"a\":.5}",
		"{\"a\":1.}",
		"{\"a\":0x10}",
		"{\"a\":NaN}",
		"{\"a\":Infinity}",
		"{\"a\":1e999}",		/* real overflow */
		"{\"a\":9223372036854775808}",	/* over int64 */
		"{\"a\":-9223372036854775809}",
		"{\"a\":18446744073709551615}",
		"{\"a\":TRUE}",
		"{\"a\":nul}",
		"{\"a\":\"\\u0000\"}",		/* NUL escaped */
		"{\"a\":\"\\ud800\"}",		/* lone surrogates */
		"{\"a\":\"\\udc00\"}",
		"{\"a\":\"\\ud800\\u0041\"}",
		"{\"a\":\"\\u12\"}",
		"{\"a\":\"\\u12g4\"}",
		"{\"a\":\"\\x41\"}",
		"{\"a\":\"\\'\"}",
		"{\"a\":\"\\",
		"{\"a\":\"tab\there\"}",		/* raw control character */
		"{\"a\":\"nl\nhere\"}",
		"{\"a\":\"\xff\"}",			/* invalid UTF-8 */
		"{\"a\":\"\xc0\xaf\"}",		/* overlong */
		"{\"a\":\"\xed\xa0\x80\"}",		/* surrogate in UTF-8 */
		"{\"a\":\"\xf4\x90\x80\x80\"}",	/* above U+10FFFF */
		"{\"a\":\"\xe2\x82\"}",		/* cut sequence */
		"{\"\xff\":1}",
		"\"just a string\"",
		"42",
		"null",
		"[1,2]",				/* not an object */
		"\xef\xbb\xbf{}",			/* a BOM */
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (parses(bad[i], strlen(bad[i])))
			fail_msg("row %zu accepted: '%s'", i, bad[i]);
	assert_true(PARSES("{}"));
	assert_true(PARSES(" \t\r\n{ \"a\" : [ 1 , { } ] } \n"));
	assert_true(PARSES("{\"a\":\"\\ud83d\\ude00 \xf0\x9f\x98\x80\"}"));
	assert_true(PARSES("{\"a\":-0,\"b\":1e2,\"c\":9223372036854775807}"));
	/* A NUL byte anywhere, even after the object, is refused. */
	assert_false(PARSES("{\"a\":1}\0"));
	assert_false(PARSES("{\"a\":\"x\0y\"}"));
	assert_false(PARSES("{\0}"));
	/* jansson alone swallows a NUL after a number (found by fuzz_json). */
	assert_false(PARSES("{\"v\":2\0,\"md\":\"g\"}"));
	assert_false(PARSES("{\"v\":[1\0]}"));
	/* The error says where. */
	{
		char	err[256];

		assert_null(cm_json_parse("{\"a\":1", 6, err, sizeof err));
		assert_non_null(strstr(err, "at byte 6"));
		/* A tiny error buffer is still terminated. */
		assert_null(cm_json_parse("{", 1, err, 4));
		assert_string_equal(err, "mal");
		assert_null(cm_json_parse("{", 1, NULL, 0));
	}
}

/* Nesting: jansson's limit holds, and the stack survives past it. */
static void
test_deep(void **state)
{
	size_t	 depth, i, n;
	char	*s;

	(void)state;
	for (depth = 100; depth <= 100000; depth *= 10) {
		s = malloc(2 * depth + 16);
		assert_non_null(s);
		n = 0;
		s[n++] = '{';
		memcpy(s + n, "\"a\":", 4);
		n += 4;
		for (i = 0; i < depth; i++)
			s[n++] = '[';
		for (i = 0; i < depth; i++)
			s[n++] = ']';
		s[n++] = '}';
		assert_int_equal(parses(s, n), depth < JSON_PARSER_MAX_DEPTH);
		free(s);
	}
}

static void
test_getters(void **state)
{
	static const char	line[] = "{\"v\":1,\"ok\":true,\"cmd\":\"status\","
	    "\"text\":\"\\\"cmd\\\":\\\"no\\\"\",\"baud\":115200,\"gdb\":false,"
	    "\"neg\":-1,\"real\":1.5,\"big\":9223372036854775807,"
	    "\"stats\":{\"rx_bytes\":1234}}";
	json_t		*o;
	uint64_t	 v = 7;
	bool		 b = true;

	(void)state;
	o = cm_json_parse(line, sizeof line - 1, NULL, 0);
	assert_non_null(o);
	assert_string_equal(cm_json_str(o, "cmd"), "status");
	assert_string_equal(cm_json_str(o, "text"), "\"cmd\":\"no\"");
	/* A key inside a string value is not a key; nesting is kept. */
	assert_null(cm_json_str(o, "no"));
	assert_false(cm_json_u64(o, "rx_bytes", &v));
	assert_true(cm_json_u64(json_object_get(o, "stats"), "rx_bytes", &v));
	assert_int_equal(v, 1234);
	assert_true(cm_json_u64(o, "baud", &v));
	assert_int_equal(v, 115200);
	assert_true(cm_json_u64(o, "big", &v));
	assert_true(v == INT64_MAX);
	assert_true(cm_json_bool(o, "gdb", &b));
	assert_false(b);
	/* Of another type: false/NULL, and *out untouched. */
	v = 7;
	b = true;
	assert_false(cm_json_u64(o, "neg", &v));
	assert_false(cm_json_u64(o, "real", &v));
	assert_false(cm_json_u64(o, "cmd", &v));
	assert_false(cm_json_u64(o, "missing", &v));
	assert_false(cm_json_bool(o, "baud", &b));
	assert_null(cm_json_str(o, "baud"));
	assert_true(v == 7 && b);
	assert_null(cm_json_str(NULL, "cmd"));
	assert_false(cm_json_u64(json_object_get(o, "v"), "x", &v));
	json_decref(o);
}

/* Escapes read: every JSON escape, \u with and without surrogates. */
static void
test_escapes_read(void **state)
{
	static const char	line[] = "{\"a\":\"\\\" \\\\ \\/ \\b \\f \\n \\r "
	    "\\t \\u0041 \\u00e9 \\u263A \\ud83d\\ude00 \\u001f\"}";
	static const char	want[] = "\" \\ / \b \f \n \r \t A \xc3\xa9 "
	    "\xe2\x98\xba \xf0\x9f\x98\x80 \x1f";
	json_t			*o;

	(void)state;
	o = cm_json_parse(line, sizeof line - 1, NULL, 0);
	assert_non_null(o);
	assert_string_equal(cm_json_str(o, "a"), want);
	json_decref(o);
}

static void
quote_is(const char *in, size_t len, const char *want)
{
	char	out[256];
	size_t	n;

	n = cm_json_quote(out, sizeof out, in, len);
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
	assert_true(n < CM_JSON_QUOTE_MAX(len));
}

/* Escapes written: what must be escaped is, UTF-8 passes, the rest is
 * U+FFFD. */
static void
test_escapes_write(void **state)
{
	(void)state;
	quote_is("", 0, "\"\"");
	quote_is("a\"\\\n\r\t", 6, "\"a\\\"\\\\\\n\\r\\t\"");
	quote_is("\x01\x1f\x7f\b\f", 5,
	    "\"\\u0001\\u001f\\u007f\\u0008\\u000c\"");
	quote_is("x\0y", 3, "\"x\\ufffdy\"");
	quote_is("/<>'", 4, "\"/<>'\"");
	quote_is("\xc3\xa9\xe2\x98\xba\xf0\x9f\x98\x80", 9,
	    "\"\xc3\xa9\xe2\x98\xba\xf0\x9f\x98\x80\"");
	/* Invalid UTF-8: one U+FFFD per byte that starts no sequence. */
	quote_is("\xff", 1, "\"\\ufffd\"");
	quote_is("\xc3", 1, "\"\\ufffd\"");
	quote_is("\xc3(", 2, "\"\\ufffd(\"");
	quote_is("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");
	quote_is("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");
	quote_is("\xf4\x90\x80\x80", 4,
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	quote_is("\xe2\x82", 2, "\"\\ufffd\\ufffd\"");
	/* Cut: terminated, the full length told, nothing past outlen. */
	{
		char	out[8];

		memset(out, 'Z', sizeof out);
		assert_int_equal(cm_json_quote(out, 5, "abcdef", 6), 8);
		assert_string_equal(out, "\"abc");
		assert_int_equal(out[5], 'Z');
		assert_int_equal(cm_json_quote(NULL, 0, "\xff", 1), 8);
		assert_int_equal(cm_json_quote(out, 1, "abc", 3), 5);
		assert_string_equal(out, "");
	}
}

/* Any bytes, quoted, read back: exactly when they are UTF-8 without
 * NUL; otherwise with U+FFFD where the bad bytes were. Pseudo-random
 * bytes, every length up to 64, many times. */
static void
test_round_trip(void **state)
{
	unsigned char	 in[64];
	char		 line[CM_JSON_QUOTE_MAX(64) + 16], err[256];
	const char	*back;
	json_t		*o;
	uint32_t	 x = 12345;
	size_t		 len, i, n, k, j;
	bool		 clean;

	(void)state;
	for (k = 0; k < 20000; k++) {
		len = k % 65;
		clean = true;
		for (i = 0; i < len; i++) {
			x = x * 1103515245 + 12345;
			/* Mostly text, some UTF-8, some junk. */
			in[i] = (unsigned char)(x >> 16);
			if (k % 3 == 0 && in[i] >= 0x80)
				in[i] &= 0x7f;
		}
		for (i = 0; i < len; i += n)
			if (in[i] == 0 || (n = cm_utf8_len(in + i, len - i)) ==
			    0) {
				clean = false;
				n = 1;
			}
		memcpy(line, "{\"a\":", 5);
		n = 5 + cm_json_quote(line + 5, sizeof line - 5,
		    (const char *)in, len);
		line[n++] = '}';
		o = cm_json_parse(line, n, err, sizeof err);
		if (o == NULL)
			fail_msg("case %zu: %s: %s", k, err, line);
		back = cm_json_str(o, "a");
		assert_non_null(back);
		if (clean) {
			assert_int_equal(strlen(back), len);
			assert_memory_equal(back, in, len);
		} else {
			/* The same text, bad bytes as U+FFFD. */
			for (i = j = 0; i < len; i += n) {
				n = in[i] != 0 ? cm_utf8_len(in + i, len - i) :
				    0;
				if (n == 0) {
					assert_memory_equal(back + j,
					    "\xef\xbf\xbd", 3);
					j += 3;
					n = 1;
				} else {
					assert_memory_equal(back + j, in + i,
					    n);
					j += n;
				}
			}
			assert_int_equal(strlen(back), j);
		}
		json_decref(o);
	}
}

/* A long string, both ways. */
static void
test_long(void **state)
{
	size_t	 len = 1 << 20, n;
	char	*s = malloc(len), *q = malloc(CM_JSON_QUOTE_MAX(len) + 8);
	json_t	*o;

	(void)state;
	assert_non_null(s);
	assert_non_null(q);
	memset(s, 'x', len);
	s[len / 2] = '"';
	memcpy(q, "{\"a\":", 5);
	n = 5 + cm_json_quote(q + 5, CM_JSON_QUOTE_MAX(len), s, len);
	q[n++] = '}';
	o = cm_json_parse(q, n, NULL, 0);
	assert_non_null(o);
	assert_int_equal(json_string_length(json_object_get(o, "a")), len);
	assert_memory_equal(cm_json_str(o, "a"), s, len);
	json_decref(o);
	free(s);
	free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_escapes_read),
		cmocka_unit_test(test_escapes_write),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_long),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
