/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rsp/packet.c: GDB remote protocol framing.
 *
 * A frame is '$' body '#' cc, where cc is the modulo-256 sum of the body
 * bytes as sent, in two hex digits. Inside the body, '}' makes the next
 * byte stand for itself XOR 0x20, and "X*c" stands for X followed by c-29
 * more copies of X (GDB manual, Remote Protocol, Overview). The count byte
 * must be printable (' ' .. '~', so 3 .. 97 copies) and must not be '#' or
 * '$'; anything else is RSP_ERR_RLE.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rsp/rsp.h"

/* Counts smaller than this would encode as control characters. */
#define RLE_BASE	29
#define RLE_MIN_CHAR	' '
#define RLE_MAX_CHAR	'~'

static bool
pkt_needs_escape(uint8_t c)
{
	return (c == RSP_PKT_START || c == RSP_PKT_END ||
	    c == RSP_PKT_ESCAPE || c == RSP_PKT_RLE);
}

uint8_t
rsp_pkt_checksum(const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	uint8_t		 sum = 0;
	size_t		 i;

	if (p == NULL)
		return (0);
	for (i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return (sum);
}

int
rsp_pkt_encode(char *out, size_t outmax, const void *payload, size_t len)
{
	static const char	 digits[] = "0123456789abcdef";
	const uint8_t		*p = payload;
	size_t			 i, o = 0;
	uint8_t			 sum = 0, c;

	if ((out == NULL && outmax != 0) || (p == NULL && len != 0))
		return (RSP_ERR_ARG);
	if (len > (size_t)INT32_MAX / 2 - RSP_PKT_OVERHEAD)
		return (RSP_ERR_TOOBIG);
	if (outmax < RSP_PKT_OVERHEAD)
		return (RSP_ERR_TOOBIG);
	out[o++] = RSP_PKT_START;
	for (i = 0; i < len; i++) {
		c = p[i];
		if (pkt_needs_escape(c)) {
			/* Room for two body bytes and the trailer. */
			if (outmax - o < 2 + 3)
				return (RSP_ERR_TOOBIG);
			out[o++] = RSP_PKT_ESCAPE;
			sum = (uint8_t)(sum + RSP_PKT_ESCAPE);
			c ^= RSP_PKT_ESCAPE_XOR;
		} else if (outmax - o < 1 + 3)
			return (RSP_ERR_TOOBIG);
		out[o++] = (char)c;
		sum = (uint8_t)(sum + c);
	}
	out[o++] = RSP_PKT_END;
	out[o++] = digits[sum >> 4];
	out[o++] = digits[sum & 0x0f];
	return ((int)o);
}

int
rsp_pkt_unescape(void *out, size_t outmax, const char *body, size_t len)
{
	uint8_t	*o = out;
	size_t	 i, n = 0, rep;
	uint8_t	 c, last = 0;
	bool	 have_last = false;

	if ((o == NULL && outmax != 0) || (body == NULL && len != 0))
		return (RSP_ERR_ARG);
	if (len > (size_t)INT32_MAX)
		return (RSP_ERR_TOOBIG);
	for (i = 0; i < len; i++) {
		c = (uint8_t)body[i];
		if (c == RSP_PKT_RLE) {
			if (!have_last || i + 1 >= len)
				return (RSP_ERR_RLE);
			c = (uint8_t)body[++i];
			if (c < RLE_MIN_CHAR || c > RLE_MAX_CHAR ||
			    c == RSP_PKT_START || c == RSP_PKT_END)
				return (RSP_ERR_RLE);
			rep = (size_t)c - RLE_BASE;
			if (outmax - n < rep)
				return (RSP_ERR_TOOBIG);
			while (rep-- > 0)
				o[n++] = last;
			continue;
		}
		if (c == RSP_PKT_ESCAPE) {
			if (i + 1 >= len)
				return (RSP_ERR_ESCAPE);
			c = (uint8_t)((uint8_t)body[++i] ^ RSP_PKT_ESCAPE_XOR);
		}
		if (n >= outmax)
			return (RSP_ERR_TOOBIG);
		o[n++] = c;
		last = c;
		have_last = true;
	}
	/* INT32_MAX bounds len, and RLE can grow it 49 times at most. */
	if (n > (size_t)INT32_MAX)
		return (RSP_ERR_TOOBIG);
	return ((int)n);
}

int
rsp_pkt_decode(void *out, size_t outmax, const char *frame, size_t len)
{
	size_t	body_len, i;
	int	hi, lo;

	if ((out == NULL && outmax != 0) || frame == NULL)
		return (RSP_ERR_ARG);
	if (len < RSP_PKT_OVERHEAD || frame[0] != RSP_PKT_START ||
	    frame[len - 3] != RSP_PKT_END)
		return (RSP_ERR_FRAME);
	body_len = len - RSP_PKT_OVERHEAD;
	/* A raw '$' or '#' inside the body means two frames, or none. */
	for (i = 1; i <= body_len; i++)
		if (frame[i] == RSP_PKT_START || frame[i] == RSP_PKT_END)
			return (RSP_ERR_FRAME);
	hi = rsp_hex_val((unsigned char)frame[len - 2]);
	lo = rsp_hex_val((unsigned char)frame[len - 1]);
	if (hi < 0 || lo < 0)
		return (RSP_ERR_FRAME);
	if (rsp_pkt_checksum(frame + 1, body_len) != (uint8_t)((hi << 4) | lo))
		return (RSP_ERR_CKSUM);
	return (rsp_pkt_unescape(out, outmax, frame + 1, body_len));
}
