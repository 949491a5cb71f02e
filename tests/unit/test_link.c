/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_link.c: the telnet and RFC 2217 byte layer
 * (bridge/telnet.c) that the telnet transport and the console port share,
 * as data rows; and the link's reopen over a real socketpair-like Unix
 * socket with the loop running.
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

struct cmd_rec {
	uint8_t	cmd, opt;
	uint8_t	sb[BR_TN_SB_MAX];
	size_t	sblen;
};

struct rec {
	struct cmd_rec	cmds[16];
	size_t		n;
};

static void
record(void *arg, uint8_t cmd, uint8_t opt, const uint8_t *sb, size_t sblen)
{
	struct rec	*r = arg;

	assert_true(r->n < 16);
	r->cmds[r->n].cmd = cmd;
	r->cmds[r->n].opt = opt;
	r->cmds[r->n].sblen = sblen;
	if (sblen > 0)
		memcpy(r->cmds[r->n].sb, sb, sblen);
	r->n++;
}

struct decode_row {
	const char	*name;
	const char	*in;
	size_t		 inlen;
	bool		 crnul;		/* strip NUL after CR */
	bool		 crlf;		/* fold CR LF */
	const char	*out;
	size_t		 outlen;
	size_t		 ncmds;
	uint8_t		 cmd0, opt0;
};

#define S(x)	x, sizeof(x) - 1

static const struct decode_row decode_rows[] = {
	{ "plain", S("hello\r\n"), false, false, S("hello\r\n"), 0, 0, 0 },
	{ "iac iac", S("a\xff\xff" "b"), false, false, S("a\xff" "b"), 0, 0,
	    0 },
	{ "will echo", S("a\xff\xfb\x01" "b"), false, false, S("ab"), 1,
	    BR_TN_WILL, 1 },
	{ "do comport", S("\xff\xfd\x2c"), false, false, S(""), 1, BR_TN_DO,
	    44 },
	{ "brk", S("x\xff\xf3y"), false, false, S("xy"), 1, BR_TN_BRK, 0 },
	{ "ip", S("\xff\xf4"), false, false, S(""), 1, BR_TN_IP, 0 },
	{ "sb with iac", S("\xff\xfa\x2c\x65\xff\xff\x01\xff\xf0z"), false,
	    false, S("z"), 1, BR_TN_SB, 44 },
	{ "cr nul", S("ls\r\0x"), true, false, S("ls\rx"), 0, 0, 0 },
	{ "cr nul kept", S("ls\r\0x"), false, false, S("ls\r\0x"), 0, 0, 0 },
	{ "cr lf folded", S("ls\r\nx"), true, true, S("ls\rx"), 0, 0, 0 },
	{ "lf alone kept", S("ls\nx"), true, true, S("ls\nx"), 0, 0, 0 },
	{ "broken sb", S("\xff\xfa\x2c\x01\xff\xfb\x03q"), false, false, S("q"),
	    1, BR_TN_WILL, 3 },
};

static void
test_decode_rows(void **state)
{
	uint8_t		out[256];
	struct rec	r;
	struct br_telnet tn;
	size_t		i, n;

	(void)state;
	for (i = 0; i < sizeof decode_rows / sizeof decode_rows[0]; i++) {
		const struct decode_row *row = &decode_rows[i];

		print_message("# %s\n", row->name);
		memset(&r, 0, sizeof r);
		br_telnet_init(&tn);
		tn.strip_crnul = row->crnul;
		tn.crlf_to_cr = row->crlf;
		n = br_telnet_decode(&tn, row->in, row->inlen, out, record, &r);
		assert_int_equal(n, row->outlen);
		assert_memory_equal(out, row->out, n);
		assert_int_equal(r.n, row->ncmds);
		if (row->ncmds > 0) {
			assert_int_equal(r.cmds[0].cmd, row->cmd0);
			assert_int_equal(r.cmds[0].opt, row->opt0);
		}
	}
}

/* Any split of the input gives the same data and commands. */
static void
test_decode_split(void **state)
{
	static const char in[] = "ab\xff\xff\xff\xfb\x01\r\0cd\xff\xfa\x2c"
	    "\x65\xff\xff\x07\xff\xf0" "ef\xff\xf3g";
	uint8_t		 whole[64], part[64];
	struct rec	 r1, r2;
	struct br_telnet tn;
	size_t		 n1, n2, cut, cut2;

	(void)state;
	memset(&r1, 0, sizeof r1);
	br_telnet_init(&tn);
	tn.strip_crnul = true;
	n1 = br_telnet_decode(&tn, in, sizeof in - 1, whole, record, &r1);
	assert_int_equal(r1.n, 3);
	assert_int_equal(r1.cmds[1].sblen, 4);
	assert_int_equal(r1.cmds[1].sb[2], 0xff);
	for (cut = 0; cut < sizeof in; cut++) {
		for (cut2 = cut; cut2 < sizeof in; cut2++) {
			memset(&r2, 0, sizeof r2);
			br_telnet_init(&tn);
			tn.strip_crnul = true;
			n2 = br_telnet_decode(&tn, in, cut, part, record, &r2);
			n2 += br_telnet_decode(&tn, in + cut, cut2 - cut,
			    part + n2, record, &r2);
			n2 += br_telnet_decode(&tn, in + cut2,
			    sizeof in - 1 - cut2, part + n2, record, &r2);
			assert_int_equal(n2, n1);
			assert_memory_equal(part, whole, n1);
			assert_int_equal(r2.n, r1.n);
		}
	}
}

static void
test_escape(void **state)
{
	uint8_t	out[16];
	size_t	used, n;

	(void)state;
	n = br_telnet_escape(out, sizeof out, "a\xff" "b\r", 4, false, &used);
	assert_int_equal(used, 4);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "a\xff\xff" "b\r", 5);
	n = br_telnet_escape(out, sizeof out, "a\r", 2, true, &used);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "a\r\0", 3);
	/* Never splits an escape across the end of out. */
	n = br_telnet_escape(out, 2, "a\xff", 2, false, &used);
	assert_int_equal(n, 1);
	assert_int_equal(used, 1);
	n = br_telnet_escape(out, 3, "\xff\xff", 2, false, &used);
	assert_int_equal(n, 2);
	assert_int_equal(used, 1);
}

static void
test_rfc2217(void **state)
{
	uint8_t		out[32];
	const uint8_t	baud[4] = { 0, 1, 0xc2, 0 };	/* 115200 */
	const uint8_t	odd[4] = { 0, 0, 0xff, 0xff };	/* IAC in value */
	const uint8_t	brk = BR_CPO_CTL_BREAK_ON;
	size_t		n;

	(void)state;
	n = br_telnet_cpo(out, BR_CPO_SET_BAUDRATE, baud, 4);
	assert_int_equal(n, 10);
	assert_memory_equal(out, "\xff\xfa\x2c\x01\x00\x01\xc2\x00\xff\xf0",
	    10);
	n = br_telnet_cpo(out, BR_CPO_SET_BAUDRATE, odd, 4);
	assert_int_equal(n, 12);
	assert_memory_equal(out,
	    "\xff\xfa\x2c\x01\x00\x00\xff\xff\xff\xff\xff\xf0", 12);
	n = br_telnet_cpo(out, BR_CPO_SET_CONTROL, &brk, 1);
	assert_memory_equal(out, "\xff\xfa\x2c\x05\x05\xff\xf0", n);
	n = br_telnet_cmd(out, BR_TN_WILL, BR_TN_OPT_COMPORT);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "\xff\xfb\x2c", 3);
}

/* An overlong subnegotiation is cut at the cap, never overflows. */
static void
test_sb_cap(void **state)
{
	uint8_t		 in[300], out[300];
	struct rec	 r;
	struct br_telnet tn;
	size_t		 n;

	(void)state;
	memset(in, 'A', sizeof in);
	in[0] = BR_TN_IAC;
	in[1] = BR_TN_SB;
	in[sizeof in - 3] = BR_TN_IAC;
	in[sizeof in - 2] = BR_TN_SE;
	in[sizeof in - 1] = 'z';
	memset(&r, 0, sizeof r);
	br_telnet_init(&tn);
	n = br_telnet_decode(&tn, in, sizeof in, out, record, &r);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 'z');
	assert_int_equal(r.n, 1);
	assert_int_equal(r.cmds[0].sblen, BR_TN_SB_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_rows),
		cmocka_unit_test(test_decode_split),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_rfc2217),
		cmocka_unit_test(test_sb_cap),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
