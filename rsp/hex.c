/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rsp/hex.c: error names, hex digits, numbers and kgdb error replies.
 *
 * Everything works on caller buffers with explicit lengths; nothing here
 * needs a NUL terminator on input.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rsp/rsp.h"

static const char rsp_hex_digits[] = "0123456789abcdef";

const char *
rsp_strerror(int err)
{
	switch (err) {
	case RSP_OK:
		return ("success");
	case RSP_ERR_ARG:
		return ("invalid argument");
	case RSP_ERR_TOOBIG:
		return ("does not fit the limit");
	case RSP_ERR_FRAME:
		return ("malformed packet frame");
	case RSP_ERR_CKSUM:
		return ("packet checksum mismatch");
	case RSP_ERR_HEX:
		return ("bad hex data");
	case RSP_ERR_ESCAPE:
		return ("escape character at end of packet");
	case RSP_ERR_RLE:
		return ("bad run-length encoding");
	case RSP_ERR_SHORT:
		return ("reply shorter than the register layout");
	case RSP_ERR_ARCH:
		return ("unknown architecture");
	case RSP_ERR_SYNTAX:
		return ("malformed request");
	default:
		return (err >= 0 ? "success" : "unknown error");
	}
}

int
rsp_hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

int
rsp_hex_encode(char *out, size_t outmax, const void *in, size_t len)
{
	const uint8_t	*p = in;
	size_t		 i;

	if ((out == NULL && outmax != 0) || (in == NULL && len != 0))
		return (RSP_ERR_ARG);
	/* The result count must stay representable as a positive int. */
	if (len > (size_t)INT32_MAX / 2 || outmax < 2 * len)
		return (RSP_ERR_TOOBIG);
	for (i = 0; i < len; i++) {
		out[2 * i] = rsp_hex_digits[p[i] >> 4];
		out[2 * i + 1] = rsp_hex_digits[p[i] & 0x0f];
	}
	return ((int)(2 * len));
}

int
rsp_hex_decode(void *out, size_t outmax, const char *in, size_t inlen)
{
	uint8_t	*p = out;
	size_t	 i, n;
	int	 hi, lo;

	if ((out == NULL && outmax != 0) || (in == NULL && inlen != 0))
		return (RSP_ERR_ARG);
	if (inlen % 2 != 0)
		return (RSP_ERR_HEX);
	n = inlen / 2;
	if (n > (size_t)INT32_MAX)
		return (RSP_ERR_TOOBIG);
	for (i = 0; i < n; i++) {
		hi = rsp_hex_val((unsigned char)in[2 * i]);
		lo = rsp_hex_val((unsigned char)in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return (RSP_ERR_HEX);
	}
	if (n > outmax)
		return (RSP_ERR_TOOBIG);
	for (i = 0; i < n; i++) {
		hi = rsp_hex_val((unsigned char)in[2 * i]);
		lo = rsp_hex_val((unsigned char)in[2 * i + 1]);
		p[i] = (uint8_t)((hi << 4) | lo);
	}
	return ((int)n);
}

/*
 * Leading zeros do not count against the 16 digit limit: what matters is
 * that the value fits 64 bits. Parsing stops at the first non-hex byte.
 */
int
rsp_hex_u64(const char *in, size_t len, uint64_t *value_out)
{
	uint64_t	v = 0;
	size_t		i = 0, sig = 0;
	bool		neg = false;
	int		d;

	if (in == NULL || value_out == NULL)
		return (RSP_ERR_ARG);
	if (len > (size_t)INT32_MAX)
		len = (size_t)INT32_MAX;
	if (len > 0 && in[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i >= len || rsp_hex_val((unsigned char)in[i]) < 0)
		return (RSP_ERR_HEX);
	for (; i < len && (d = rsp_hex_val((unsigned char)in[i])) >= 0; i++) {
		if (v != 0 || d != 0)
			sig++;
		if (sig > 16)
			return (RSP_ERR_HEX);
		v = (v << 4) | (uint64_t)d;
	}
	*value_out = neg ? (uint64_t)0 - v : v;
	return ((int)i);
}

/* kgdb's error_packet() prints -errno as two decimal digits. */
bool
rsp_reply_errno(const char *payload, size_t len, int *errno_out)
{
	if (payload == NULL || len != 3 || payload[0] != 'E')
		return (false);
	if (payload[1] < '0' || payload[1] > '9' ||
	    payload[2] < '0' || payload[2] > '9')
		return (false);
	if (errno_out != NULL)
		*errno_out = (payload[1] - '0') * 10 + (payload[2] - '0');
	return (true);
}
