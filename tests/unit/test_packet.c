/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_packet.c: rsp/packet.c — framing, checksums, '}' escapes,
 * '*' runs, limits. Frames in the rows are literal wire bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rsp/rsp.h"

/* Frame body with a correct checksum appended: "$" body "#" cc. */
static size_t
mkframe(char *out, size_t outmax, const char *body, size_t len)
{
	assert_true(len + 4 <= outmax);
	out[0] = '$';
	memcpy(out + 1, body, len);
	snprintf(out + 1 + len, 4, "#%02x", rsp_pkt_checksum(body, len));
	return (len + 4);
}

static void
test_checksum(void **state)
{
	(void)state;
	assert_int_equal(rsp_pkt_checksum("", 0), 0);
	assert_int_equal(rsp_pkt_checksum("?", 1), 0x3f);
	assert_int_equal(rsp_pkt_checksum("qC", 2), 0xb4);
	assert_int_equal(rsp_pkt_checksum("3", 1), 0x33);
	assert_int_equal(rsp_pkt_checksum("\xff\xff", 2), 0xfe);
}

struct enc_row {
	const char	*payload;
	size_t		 len;
	const char	*frame;
};

static const struct enc_row enc_rows[] = {
	{ "", 0, "$#00" },
	{ "?", 1, "$?#3f" },
	{ "qC", 2, "$qC#b4" },
	{ "3", 1, "$3#33" },
	{ "OK", 2, "$OK#9a" },
	/* '$' '#' '}' '*' go out as '}' and the byte XOR 0x20. */
	{ "$", 1, "$}\x04#81" },
	{ "#", 1, "$}\x03#80" },
	{ "}", 1, "$}]#da" },
	{ "*", 1, "$}\x0a#87" },
	{ "a*b", 3, "$a}\x0a" "b#4a" },
	/* Binary data passes as is. */
	{ "\0\xff\x80", 3, "$\0\xff\x80#7f" },
};

static void
test_encode_rows(void **state)
{
	char	out[64];
	uint8_t	back[64];

	(void)state;
	for (size_t i = 0; i < sizeof enc_rows / sizeof enc_rows[0]; i++) {
		const struct enc_row *r = &enc_rows[i];
		size_t flen;
		int n;

		/* Literal frames may hold NUL: the checksum tail is 3 chars. */
		flen = 1 + 3;
		for (size_t k = 1; r->frame[k] != '#' ||
		    (k == 1 && r->len == 1 && r->payload[0] == '#'); k++)
			flen++;
		n = rsp_pkt_encode(out, sizeof out, r->payload, r->len);
		if (n != (int)flen || memcmp(out, r->frame, flen) != 0)
			fail_msg("row %zu: got %d, want %zu", i, n, flen);
		n = rsp_pkt_decode(back, sizeof back, out, flen);
		assert_int_equal(n, (int)r->len);
		assert_memory_equal(back, r->payload, r->len);
	}
}

/* Every byte value, alone and all together, survives the round trip. */
static void
test_roundtrip_all_bytes(void **state)
{
	uint8_t	payload[256], back[256];
	char	frame[2 * 256 + 4];
	int	n, d;

	(void)state;
	for (int b = 0; b < 256; b++) {
		uint8_t one = (uint8_t)b;

		n = rsp_pkt_encode(frame, sizeof frame, &one, 1);
		assert_true(n == 5 || n == 6);
		assert_int_equal(n == 6, b == '$' || b == '#' || b == '}' ||
		    b == '*');
		d = rsp_pkt_decode(back, sizeof back, frame, (size_t)n);
		assert_int_equal(d, 1);
		assert_int_equal(back[0], one);
	}
	for (int b = 0; b < 256; b++)
		payload[b] = (uint8_t)(255 - b);
	n = rsp_pkt_encode(frame, sizeof frame, payload, 256);
	assert_int_equal(n, 256 + 4 + 4);
	/* The body holds no raw framing byte. */
	for (int k = 1; k < n - 3; k++)
		assert_true(frame[k] != '$' && frame[k] != '#');
	d = rsp_pkt_decode(back, sizeof back, frame, (size_t)n);
	assert_int_equal(d, 256);
	assert_memory_equal(back, payload, 256);
	/* Exactly enough room, then one byte less. */
	d = rsp_pkt_decode(back, 256, frame, (size_t)n);
	assert_int_equal(d, 256);
	d = rsp_pkt_decode(back, 255, frame, (size_t)n);
	assert_int_equal(d, RSP_ERR_TOOBIG);
}

struct dec_row {
	const char	*body;		/* raw body; checksum is made for it */
	size_t		 outmax;
	int		 want;
	const char	*payload;
};

static const struct dec_row dec_rows[] = {
	{ "OK", 16, 2, "OK" },
	{ "", 16, 0, "" },
	/* Run-length: X*c is X and c-29 more X. */
	{ "0* ", 16, 4, "0000" },		/* ' ' = 3 more */
	{ "0*!", 16, 5, "00000" },
	{ "0*\"", 16, 6, "000000" },		/* 5 more */
	{ "0*%", 16, 9, "000000000" },		/* 8 more; '#','$' skipped */
	{ "a*~", 128, 98, NULL },		/* '~' = 97 more, the most */
	{ "ab* c", 16, 6, "abbbbc" },
	{ "0* * ", 16, 7, "0000000" },		/* run of a run */
	{ "}]* ", 16, 4, "}}}}" },		/* run of an escaped byte */
	{ "x*}", 128, 97, NULL },		/* count byte is never escaped */
	{ "0*", 16, RSP_ERR_RLE, NULL },	/* no count */
	{ "*  ", 16, RSP_ERR_RLE, NULL },	/* nothing to repeat */
	{ "0*\x1f", 16, RSP_ERR_RLE, NULL },	/* below ' ' */
	{ "0*\x7f", 16, RSP_ERR_RLE, NULL },	/* above '~' */
	{ "0*\xff", 16, RSP_ERR_RLE, NULL },
	{ "0*\x01", 16, RSP_ERR_RLE, NULL },
	{ "0* ", 3, RSP_ERR_TOOBIG, NULL },	/* run past outmax */
	{ "0* ", 4, 4, "0000" },
	/* Escapes. */
	{ "}\x03}\x04}]}\x0a", 16, 4, "#$}*" },
	{ "a}", 16, RSP_ERR_ESCAPE, NULL },
	{ "}", 16, RSP_ERR_ESCAPE, NULL },
	{ "}}", 16, 1, "]" },
	{ "}\xa0", 16, 1, "\x80" },
	/* Limits. */
	{ "abc", 2, RSP_ERR_TOOBIG, NULL },
	{ "abc", 3, 3, "abc" },
	{ "a", 0, RSP_ERR_TOOBIG, NULL },
};

static void
test_decode_rows(void **state)
{
	char	frame[300];
	uint8_t	out[256];
	uint8_t	un[256];

	(void)state;
	for (size_t i = 0; i < sizeof dec_rows / sizeof dec_rows[0]; i++) {
		const struct dec_row *r = &dec_rows[i];
		size_t blen = strlen(r->body), flen;
		int n;

		flen = mkframe(frame, sizeof frame, r->body, blen);
		memset(out, 0xaa, sizeof out);
		n = rsp_pkt_decode(out, r->outmax, frame, flen);
		if (n != r->want)
			fail_msg("row %zu \"%s\": got %d (%s) want %d", i,
			    r->body, n, rsp_strerror(n), r->want);
		if (r->payload != NULL)
			assert_memory_equal(out, r->payload, (size_t)n);
		else if (n > 0)
			for (int k = 0; k < n; k++)
				assert_int_equal(out[k], r->body[0]);
		assert_int_equal(out[r->outmax], 0xaa);
		/* The unframed variant agrees. */
		assert_int_equal(rsp_pkt_unescape(un, r->outmax, r->body, blen),
		    r->want);
		if (n > 0)
			assert_memory_equal(un, out, (size_t)n);
	}
}

/* '#' (35) and '$' (36) may not be run counts; only unescape sees them. */
static void
test_rle_forbidden_counts(void **state)
{
	uint8_t	out[64];
	char	body[3] = { '0', '*', 0 };

	(void)state;
	for (int c = 0; c < 256; c++) {
		int n, want;

		body[2] = (char)c;
		n = rsp_pkt_unescape(out, sizeof out, body, 3);
		if (c < ' ' || c > '~' || c == '#' || c == '$')
			want = RSP_ERR_RLE;
		else if (c - 29 + 1 > (int)sizeof out)
			want = RSP_ERR_TOOBIG;
		else
			want = c - 29 + 1;
		if (n != want)
			fail_msg("count byte 0x%02x: got %d want %d", c, n,
			    want);
	}
}

struct frame_row {
	const char	*frame;
	int		 want;
};

static const struct frame_row frame_rows[] = {
	{ "$OK#9a", 2 },
	{ "$OK#9A", 2 },		/* either case */
	{ "$OK#9b", RSP_ERR_CKSUM },
	{ "$OK#00", RSP_ERR_CKSUM },
	{ "$Ok#9a", RSP_ERR_CKSUM },
	{ "$OK#9", RSP_ERR_FRAME },	/* truncated */
	{ "$OK#", RSP_ERR_FRAME },
	{ "$OK", RSP_ERR_FRAME },
	{ "$", RSP_ERR_FRAME },
	{ "", RSP_ERR_FRAME },
	{ "$#0", RSP_ERR_FRAME },
	{ "OK#9a", RSP_ERR_FRAME },
	{ "+$OK#9a", RSP_ERR_FRAME },
	{ "$OK#9a+", RSP_ERR_FRAME },
	{ "$OK#9g", RSP_ERR_FRAME },
	{ "$OK#zz", RSP_ERR_FRAME },
	{ "$O$K#c3", RSP_ERR_FRAME },	/* raw '$' in body */
	{ "$O#K#c5", RSP_ERR_FRAME },	/* raw '#' in body */
	{ "$$OK#bf", RSP_ERR_FRAME },
	/* The checksum covers the body as sent, escapes included. */
	{ "$}]#da", 1 },
	{ "$}]#7d", RSP_ERR_CKSUM },	/* sum of the unescaped byte */
	{ "$0* #7a", 4 },
	{ "$0000#c0", 4 },
	{ "$0* #c0", RSP_ERR_CKSUM },	/* sum of the expanded run */
	{ "$S05#b8", 3 },
	{ "$T05thread:0000000000000001;#a7", 27 },
};

static void
test_frame_rows(void **state)
{
	uint8_t	out[64];

	(void)state;
	for (size_t i = 0; i < sizeof frame_rows / sizeof frame_rows[0]; i++) {
		const struct frame_row *r = &frame_rows[i];
		int n;

		n = rsp_pkt_decode(out, sizeof out, r->frame,
		    strlen(r->frame));
		if (n != r->want)
			fail_msg("row %zu \"%s\": got %d (%s) want %d", i,
			    r->frame, n, rsp_strerror(n), r->want);
	}
}

/* A frame truncated anywhere never decodes and never reads past len. */
static void
test_truncated_everywhere(void **state)
{
	char	frame[64];
	char	*heap;
	uint8_t	out[64];
	size_t	flen;

	(void)state;
	flen = mkframe(frame, sizeof frame, "m}]ffff8100* ,4}\x0a", 17);
	assert_int_equal(rsp_pkt_decode(out, sizeof out, frame, flen), 16);
	for (size_t cut = 0; cut < flen; cut++) {
		/* An exact-size copy makes ASan catch any over-read. */
		heap = test_malloc(cut == 0 ? 1 : cut);
		memcpy(heap, frame, cut);
		assert_true(rsp_pkt_decode(out, sizeof out, heap, cut) < 0);
		test_free(heap);
	}
}

/* Output limits: TOOBIG, never a byte past outmax. */
static void
test_encode_limits(void **state)
{
	uint8_t	payload[RSP_PKT_MAX];
	char	*out;
	int	n;

	(void)state;
	memset(payload, 'x', sizeof payload);
	payload[0] = '#';	/* escaped: +1 */
	for (size_t max = 0; max < 20; max++) {
		out = test_malloc(max == 0 ? 1 : max);
		n = rsp_pkt_encode(out, max, payload, 10);
		/* 10 bytes, one escaped, plus framing: 15. */
		assert_int_equal(n, max >= 15 ? 15 : RSP_ERR_TOOBIG);
		test_free(out);
	}
	/* The last byte needs escaping and only one slot is left. */
	payload[9] = '*';
	out = test_malloc(15);
	assert_int_equal(rsp_pkt_encode(out, 15, payload, 10), RSP_ERR_TOOBIG);
	test_free(out);
	out = test_malloc(2 * RSP_PKT_MAX + RSP_PKT_OVERHEAD);
	n = rsp_pkt_encode(out, 2 * RSP_PKT_MAX + RSP_PKT_OVERHEAD, payload,
	    sizeof payload);
	assert_int_equal(n, RSP_PKT_MAX + 2 + RSP_PKT_OVERHEAD);
	test_free(out);
	assert_int_equal(rsp_pkt_encode(NULL, 10, "a", 1), RSP_ERR_ARG);
	assert_int_equal(rsp_pkt_decode(NULL, 10, "$#00", 4), RSP_ERR_ARG);
	assert_int_equal(rsp_pkt_decode(NULL, 0, "$#00", 4), 0);
}

/* A 2048-byte kgdb payload at RSP_PKT_MAX, and one byte over. */
static void
test_decode_oversize(void **state)
{
	static char	body[RSP_PKT_MAX + 1];
	static char	frame[RSP_PKT_MAX + 8];
	uint8_t		*out;
	size_t		 flen;

	(void)state;
	memset(body, '0', sizeof body);
	flen = mkframe(frame, sizeof frame, body, RSP_PKT_MAX);
	out = test_malloc(RSP_PKT_MAX);
	assert_int_equal(rsp_pkt_decode(out, RSP_PKT_MAX, frame, flen),
	    RSP_PKT_MAX);
	flen = mkframe(frame, sizeof frame, body, RSP_PKT_MAX + 1);
	assert_int_equal(rsp_pkt_decode(out, RSP_PKT_MAX, frame, flen),
	    RSP_ERR_TOOBIG);
	/* A short frame whose runs expand past the limit. */
	{
		char rle[3 * 30];
		size_t k = 0;

		rle[k++] = 'a';
		while (k + 2 <= sizeof rle) {
			rle[k++] = '*';
			rle[k++] = '~';
		}
		flen = mkframe(frame, sizeof frame, rle, k);
		/* 1 + 44 * 97 = 4269 bytes wanted. */
		assert_int_equal(rsp_pkt_decode(out, RSP_PKT_MAX, frame, flen),
		    RSP_ERR_TOOBIG);
	}
	test_free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_encode_rows),
		cmocka_unit_test(test_roundtrip_all_bytes),
		cmocka_unit_test(test_decode_rows),
		cmocka_unit_test(test_rle_forbidden_counts),
		cmocka_unit_test(test_frame_rows),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_encode_limits),
		cmocka_unit_test(test_decode_oversize),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
