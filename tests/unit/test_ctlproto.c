/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_ctlproto.c: control requests (common/ctlproto.c), as
 * data rows: the mem words (hex addresses, decimal lengths, overflow and
 * wrap-around refused with a reason); JSON requests with typed arguments,
 * each checked for type, range and length; malformed requests refused;
 * and requests written by ctl_req_json read back the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/ctlproto.h"
#include "common/json.h"

#define ERRLEN	256

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
	char			 err[ERRLEN];
	uint64_t		 addr, len;
	size_t			 i;
	int			 rc;

	(void)state;
	for (i = 0; i < sizeof mem_rows / sizeof mem_rows[0]; i++) {
		r = &mem_rows[i];
		addr = len = 7;
		err[0] = '\0';
		rc = ctl_mem_words(r->text, 4096, &addr, &len, err, sizeof err);
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
	char		err[ERRLEN];
	uint64_t	addr, len;

	(void)state;
	assert_int_equal(ctl_mem_words("0 18446744073709551615", UINT64_MAX,
	    &addr, &len, err, sizeof err), 0);
	assert_true(len == UINT64_MAX && addr == 0);
	assert_int_equal(ctl_mem_words("0 18446744073709551616", UINT64_MAX,
	    &addr, &len, err, sizeof err), -1);
	assert_int_equal(ctl_mem_words("1 18446744073709551615", UINT64_MAX,
	    &addr, &len, err, sizeof err), 0);
	assert_int_equal(ctl_mem_words("2 18446744073709551615", UINT64_MAX,
	    &addr, &len, err, sizeof err), -1);
	assert_non_null(strstr(err, "past the top"));
}

struct req_row {
	const char	*line;
	int		 rc;
	enum ctl_cmd	 cmd;
	uint64_t	 addr, len;
	const char	*arg;		/* id or text */
	const char	*errpart;	/* substring of err on failure */
};

#define KADDR	0xffffffff81000000ULL

static const struct req_row req_rows[] = {
	/* Plain words and JSON without arguments. */
	{ "status", 0, CTL_STATUS, 0, 0, NULL, NULL },
	{ "ping  ", 0, CTL_PING, 0, 0, NULL, NULL },
	{ "events", 0, CTL_SUBSCRIBE, 0, 0, NULL, NULL },
	{ "{\"v\":1,\"cmd\":\"ping\"}", 0, CTL_PING, 0, 0, NULL, NULL },
	{ "{\"cmd\":\"status\"}", 0, CTL_STATUS, 0, 0, NULL, NULL },
	{ " {\"cmd\":\"status\"} ", -1, 0, 0, 0, NULL, "unknown command" },
	{ "{\"cmd\":\"quit\"}\t ", 0, CTL_QUIT, 0, 0, NULL, NULL },
	/* Typed mem arguments: numbers, hex strings, 2^53 and beyond. */
	{ "{\"v\":1,\"cmd\":\"mem\",\"addr\":\"0xffffffff81000000\","
	    "\"len\":16}", 0, CTL_MEM, KADDR, 16, NULL, NULL },
	{ "{\"cmd\":\"mem\",\"addr\":\"ffffffff81000000\",\"len\":4096}", 0,
	    CTL_MEM, KADDR, 4096, NULL, NULL },
	{ "{\"cmd\":\"mem\",\"len\":1,\"addr\":4096}", 0, CTL_MEM, 4096, 1,
	    NULL, NULL },
	{ "{\"cmd\":\"mem\",\"addr\":9007199254740992,\"len\":1}", 0, CTL_MEM,
	    9007199254740992ULL, 1, NULL, NULL },
	{ "{\"cmd\":\"mem\",\"addr\":9007199254740993,\"len\":1}", -1, 0, 0, 0,
	    NULL, "send it as a hex string" },
	{ "{\"cmd\":\"mem\",\"addr\":18446744071562067968,\"len\":1}", -1, 0,
	    0, 0, NULL, "malformed JSON" },
	{ "{\"cmd\":\"mem\",\"addr\":\"0xffffffffffffffff\",\"len\":1}", 0,
	    CTL_MEM, 0xffffffffffffffffULL, 1, NULL, NULL },
	{ "{\"cmd\":\"mem\",\"addr\":\"0xffffffffffffffff\",\"len\":2}", -1,
	    0, 0, 0, NULL, "past the top" },
	{ "{\"cmd\":\"mem\",\"addr\":\"0x10000000000000000\",\"len\":1}", -1,
	    0, 0, 0, NULL, "more than 64 bits" },
	{ "{\"cmd\":\"mem\",\"addr\":-1,\"len\":1}", -1, 0, 0, 0, NULL,
	    "negative" },
	{ "{\"cmd\":\"mem\",\"addr\":1.5,\"len\":1}", -1, 0, 0, 0, NULL,
	    "must be an integer" },
	{ "{\"cmd\":\"mem\",\"addr\":1e3,\"len\":1}", -1, 0, 0, 0, NULL,
	    "must be an integer" },
	{ "{\"cmd\":\"mem\",\"addr\":\"\",\"len\":1}", -1, 0, 0, 0, NULL,
	    "no hex digits" },
	{ "{\"cmd\":\"mem\",\"addr\":\"0x\",\"len\":1}", -1, 0, 0, 0, NULL,
	    "no hex digits" },
	{ "{\"cmd\":\"mem\",\"addr\":\"12 34\",\"len\":1}", -1, 0, 0, 0, NULL,
	    "not hex" },
	{ "{\"cmd\":\"mem\",\"addr\":true,\"len\":1}", -1, 0, 0, 0, NULL,
	    "number or a string" },
	{ "{\"cmd\":\"mem\",\"addr\":[1],\"len\":1}", -1, 0, 0, 0, NULL,
	    "number or a string" },
	{ "{\"cmd\":\"mem\",\"addr\":1,\"len\":\"16\"}", -1, 0, 0, 0, NULL,
	    "len must be an integer" },
	{ "{\"cmd\":\"mem\",\"addr\":1,\"len\":0}", -1, 0, 0, 0, NULL,
	    "out of range" },
	{ "{\"cmd\":\"mem\",\"addr\":1,\"len\":4097}", -1, 0, 0, 0, NULL,
	    "out of range" },
	{ "{\"cmd\":\"mem\",\"addr\":1,\"len\":-5}", -1, 0, 0, 0, NULL,
	    "out of range" },
	{ "{\"cmd\":\"mem\",\"addr\":1,\"len\":9223372036854775807}", -1, 0,
	    0, 0, NULL, "beyond 2^53" },
	{ "{\"cmd\":\"mem\",\"addr\":1}", -1, 0, 0, 0, NULL,
	    "missing argument" },
	{ "{\"cmd\":\"mem\",\"len\":1}", -1, 0, 0, 0, NULL,
	    "missing argument" },
	/* The undocumented "text" of old requests is refused. */
	{ "{\"cmd\":\"mem\",\"text\":\"ffff 16\"}", -1, 0, 0, 0, NULL,
	    "unknown member \"text\"" },
	{ "{\"cmd\":\"ping\",\"x\":1}", -1, 0, 0, 0, NULL,
	    "takes no arguments" },
	{ "{\"cmd\":\"ping\",\"\\u00e9\\n\":1}", -1, 0, 0, 0, NULL,
	    "ping: unknown member (it takes" },
	/* thread and mark. */
	{ "{\"cmd\":\"thread\",\"id\":\"1a\"}", 0, CTL_THREAD, 0, 0, "1a",
	    NULL },
	{ "{\"cmd\":\"thread\",\"id\":26}", 0, CTL_THREAD, 0, 0, "1a", NULL },
	{ "{\"cmd\":\"thread\",\"id\":-2}", 0, CTL_THREAD, 0, 0, "-2", NULL },
	{ "{\"cmd\":\"thread\",\"id\":\"-1\"}", 0, CTL_THREAD, 0, 0, "-1",
	    NULL },
	{ "{\"cmd\":\"thread\",\"id\":\"1;c\"}", -1, 0, 0, 0, NULL,
	    "not hex" },
	{ "{\"cmd\":\"thread\",\"id\":\"12345678901234567\"}", -1, 0, 0, 0,
	    NULL, "1 to 16 hex digits" },
	{ "{\"cmd\":\"thread\",\"id\":\"\"}", -1, 0, 0, 0, NULL,
	    "1 to 16 hex digits" },
	{ "{\"cmd\":\"thread\",\"id\":\"--1\"}", -1, 0, 0, 0, NULL,
	    "not hex" },
	{ "{\"cmd\":\"thread\",\"id\":null}", -1, 0, 0, 0, NULL,
	    "must be an integer" },
	{ "thread 2", 0, CTL_THREAD, 0, 0, "2", NULL },
	{ "thread  -1 ", 0, CTL_THREAD, 0, 0, "-1", NULL },
	{ "thread 1;c", -1, 0, 0, 0, NULL, "not hex" },
	{ "thread 1 2", -1, 0, 0, 0, NULL, "usage: thread" },
	{ "thread", -1, 0, 0, 0, NULL, "usage: thread" },
	{ "{\"cmd\":\"mark\",\"text\":\"a \\\"b\\\"\\n\\u00e9\"}", 0, CTL_MARK,
	    0, 0, "a \"b\"\n\xc3\xa9", NULL },
	{ "{\"cmd\":\"mark\",\"text\":\"\"}", -1, 0, 0, 0, NULL,
	    "mark needs a text" },
	{ "{\"cmd\":\"mark\",\"text\":7}", -1, 0, 0, 0, NULL,
	    "text must be a string" },
	{ "{\"cmd\":\"mark\"}", -1, 0, 0, 0, NULL, "missing argument" },
	{ "mark two  words", 0, CTL_MARK, 0, 0, "two  words", NULL },
	{ "mark", -1, 0, 0, 0, NULL, "mark needs a text" },
	{ "mark caf\xc3\xa9", 0, CTL_MARK, 0, 0, "caf\xc3\xa9", NULL },
	{ "mark caf\xe9", -1, 0, 0, 0, NULL, "not UTF-8" },
	{ "mem ffffffff81000000 16", 0, CTL_MEM, KADDR, 16, NULL, NULL },
	{ "mem ffff 5000", -1, 0, 0, 0, NULL, "over 4096" },
	{ "status now", -1, 0, 0, 0, NULL, "takes no arguments" },
	/* Envelope: version, cmd. */
	{ "{\"v\":2,\"cmd\":\"ping\"}", -1, 0, 0, 0, NULL,
	    "unsupported protocol version" },
	{ "{\"v\":\"1\",\"cmd\":\"ping\"}", -1, 0, 0, 0, NULL,
	    "unsupported protocol version" },
	{ "{\"v\":1.0,\"cmd\":\"ping\"}", -1, 0, 0, 0, NULL,
	    "unsupported protocol version" },
	{ "{\"v\":1}", -1, 0, 0, 0, NULL, "no \"cmd\"" },
	{ "{\"cmd\":1}", -1, 0, 0, 0, NULL, "must be a string" },
	{ "{\"cmd\":\"launch\"}", -1, 0, 0, 0, NULL, "unknown command (status" },
	{ "launch", -1, 0, 0, 0, NULL, "unknown command" },
	{ "", -1, 0, 0, 0, NULL, "unknown command" },
	/* Malformed JSON: refused whole. */
	{ "{\"v\":1,\"cmd\":\"ping\"", -1, 0, 0, 0, NULL, "malformed JSON" },
	{ "{\"v\":1,\"cmd\":\"ping\"}}", -1, 0, 0, 0, NULL, "malformed JSON" },
	{ "{\"v\":1,\"cmd\":\"ping\"} x", -1, 0, 0, 0, NULL, "malformed JSON" },
	{ "{\"cmd\":\"ping\",\"cmd\":\"quit\"}", -1, 0, 0, 0, NULL,
	    "malformed JSON" },
	{ "{\"cmd\":\"ping\",}", -1, 0, 0, 0, NULL, "malformed JSON" },
	{ "{'cmd':'ping'}", -1, 0, 0, 0, NULL, "malformed JSON" },
	{ "{\"cmd\":\"pi\\u0000ng\"}", -1, 0, 0, 0, NULL, "malformed JSON" },
	{ "{\"cmd\":\"mark\",\"text\":\"\\ud800\"}", -1, 0, 0, 0, NULL,
	    "malformed JSON" },
	{ "{\"cmd\":\"mark\",\"text\":\"\xff\"}", -1, 0, 0, 0, NULL,
	    "malformed JSON" },
	{ "{\"cmd\":\"mark\",\"text\":\"\\x41\"}", -1, 0, 0, 0, NULL,
	    "malformed JSON" },
	{ "{\"cmd\":\"mark\",\"text\":\"a\tb\"}", -1, 0, 0, 0, NULL,
	    "malformed JSON" },
	{ "{\"cmd\":\"mem\",\"addr\":01,\"len\":1}", -1, 0, 0, 0, NULL,
	    "malformed JSON" },
	{ "{\"cmd\":\"mem\",\"addr\":1e99999,\"len\":1}", -1, 0, 0, 0, NULL,
	    "malformed JSON" },
	{ "[\"ping\"]", -1, 0, 0, 0, NULL, "unknown command" },
	{ "{", -1, 0, 0, 0, NULL, "malformed JSON" },
};

static void
test_req_rows(void **state)
{
	const struct req_row	*r;
	struct ctl_req		 req;
	char			 err[ERRLEN];
	size_t			 i;
	int			 rc;
	bool			 bad;

	(void)state;
	for (i = 0; i < sizeof req_rows / sizeof req_rows[0]; i++) {
		r = &req_rows[i];
		err[0] = '\0';
		rc = ctl_req_parse(&req, r->line, strlen(r->line), err,
		    sizeof err);
		if (rc != r->rc)
			bad = true;
		else if (rc == 0)
			bad = req.cmd != r->cmd || req.addr != r->addr ||
			    req.len != r->len || (r->arg != NULL &&
			    strcmp(r->cmd == CTL_THREAD ? req.id : req.text,
			    r->arg) != 0);
		else
			bad = strstr(err, r->errpart) == NULL;
		if (bad)
			fail_msg("row %zu '%s': rc %d cmd %d addr %llx len %llu "
			    "id '%s' text '%s' err '%s'", i, r->line, rc,
			    (int)req.cmd, (unsigned long long)req.addr,
			    (unsigned long long)req.len, req.id, req.text, err);
	}
}

/* Bytes a C string cannot show: a NUL inside the line. */
static void
test_req_nul(void **state)
{
	static const char	json[] = "{\"cmd\":\"ping\"}\0junk";
	static const char	words[] = "mark a\0b";
	struct ctl_req		req;
	char			err[ERRLEN];

	(void)state;
	assert_int_equal(ctl_req_parse(&req, json, sizeof json - 1, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "malformed JSON"));
	assert_int_equal(ctl_req_parse(&req, words, sizeof words - 1, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "NUL"));
	/* A line over the limit, whatever it holds. */
	{
		static char	long_line[CTL_LINE_MAX + 2];

		memset(long_line, 'x', sizeof long_line - 1);
		memcpy(long_line, "mark ", 5);
		assert_int_equal(ctl_req_parse(&req, long_line,
		    CTL_LINE_MAX, err, sizeof err), 0);
		assert_int_equal(strlen(req.text), CTL_LINE_MAX - 5);
		assert_int_equal(ctl_req_parse(&req, long_line,
		    CTL_LINE_MAX + 1, err, sizeof err), -1);
		assert_non_null(strstr(err, "too long"));
	}
	/* Deep nesting is refused, not recursed into without end. */
	{
		static char	deep[CTL_LINE_MAX];
		size_t		i;

		deep[0] = '{';
		memcpy(deep + 1, "\"cmd\":", 6);
		for (i = 7; i < sizeof deep - 1; i++)
			deep[i] = '[';
		assert_int_equal(ctl_req_parse(&req, deep, sizeof deep - 1,
		    err, sizeof err), -1);
		assert_non_null(strstr(err, "malformed JSON"));
	}
}

/* What ctl_req_json writes reads back as the same request, and is what
 * the documentation shows. */
static void
test_req_json(void **state)
{
	static const char *const lines[] = {
		"mem ffffffff81000000 16",
		"mem 0 1",
		"thread -2",
		"mark quote \" backslash \\ tab\t bell\x07 \xc3\xa9 end",
		"status", "events", "subscribe", "regs", "break", "continue",
		"step", "quit", "ping",
	};
	struct ctl_req	a, b;
	char		err[ERRLEN], out[CTL_LINE_MAX + 1];
	size_t		i, n;

	(void)state;
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		assert_int_equal(ctl_req_parse(&a, lines[i], strlen(lines[i]),
		    err, sizeof err), 0);
		n = ctl_req_json(&a, out, sizeof out);
		assert_int_equal(n, strlen(out));
		assert_int_equal(ctl_req_json(&a, NULL, 0), n);
		if (ctl_req_parse(&b, out, n, err, sizeof err) != 0)
			fail_msg("'%s' -> '%s': %s", lines[i], out, err);
		assert_int_equal(a.cmd, b.cmd);
		assert_string_equal(a.name, b.name);
		assert_true(a.addr == b.addr && a.len == b.len);
		assert_string_equal(a.id, b.id);
		assert_string_equal(a.text, b.text);
	}
	assert_int_equal(ctl_req_parse(&a, lines[0], strlen(lines[0]), err,
	    sizeof err), 0);
	(void)ctl_req_json(&a, out, sizeof out);
	assert_string_equal(out, "{\"v\":1,\"cmd\":\"mem\",\"addr\":"
	    "\"0xffffffff81000000\",\"len\":16}");
	/* Cut to a small buffer: terminated, and the full length said. */
	n = ctl_req_json(&a, out, 10);
	assert_int_equal(strlen(out), 9);
	assert_true(n > 10);
	assert_true(ctl_cmd_known("events") && !ctl_cmd_known("event"));
	assert_string_equal(ctl_cmd_name(CTL_SUBSCRIBE), "subscribe");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_rows),
		cmocka_unit_test(test_mem_huge_max),
		cmocka_unit_test(test_req_rows),
		cmocka_unit_test(test_req_nul),
		cmocka_unit_test(test_req_json),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
