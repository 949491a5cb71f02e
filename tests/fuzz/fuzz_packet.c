/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_packet.c: rsp_pkt_decode and rsp_pkt_unescape on any
 * bytes, into an output buffer of exactly the size they are told (so ASan
 * sees any write past it). The first two input bytes choose that size.
 *
 * Invariants: a decoded payload re-encodes to a frame that decodes to the
 * same payload; decode and unescape of the same body agree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rsp/rsp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t		*out, *back;
	char		*in, *frame;
	size_t		 outmax, fmax;
	int		 n, m, u;

	if (size < 2)
		return (0);
	outmax = ((size_t)data[0] << 8 | data[1]) % (2 * RSP_PKT_MAX + 1);
	data += 2;
	size -= 2;
	/* Exact-size copies: any read or write outside is an ASan report. */
	in = malloc(size ? size : 1);
	out = malloc(outmax ? outmax : 1);
	if (in == NULL || out == NULL)
		abort();
	memcpy(in, data, size);

	n = rsp_pkt_decode(out, outmax, in, size);
	if (n > (int)outmax)
		abort();
	if (n >= 0) {
		/* The body alone, unescaped, gives the same bytes. */
		back = malloc(outmax ? outmax : 1);
		if (back == NULL)
			abort();
		u = rsp_pkt_unescape(back, outmax, in + 1, size - 4);
		if (u != n || memcmp(back, out, (size_t)n) != 0)
			abort();
		free(back);

		fmax = 2 * (size_t)n + RSP_PKT_OVERHEAD;
		frame = malloc(fmax);
		back = malloc(n ? (size_t)n : 1);
		if (frame == NULL || back == NULL)
			abort();
		m = rsp_pkt_encode(frame, fmax, out, (size_t)n);
		if (m < 0 || (size_t)m > fmax)
			abort();
		/* A one-byte-short buffer must be refused, not overrun. */
		if (rsp_pkt_encode(frame, (size_t)m - 1, out, (size_t)n) !=
		    RSP_ERR_TOOBIG)
			abort();
		u = rsp_pkt_decode(back, (size_t)n, frame, (size_t)m);
		if (u != n || memcmp(back, out, (size_t)n) != 0)
			abort();
		/* Encoding never uses runs, so it never grows on decode. */
		if (n > 0 && rsp_pkt_decode(back, (size_t)n - 1, frame,
		    (size_t)m) != RSP_ERR_TOOBIG)
			abort();
		free(frame);
		free(back);
	} else if (n < RSP_ERR_RLE)
		abort();

	/* The same bytes as a bare body. */
	u = rsp_pkt_unescape(out, outmax, in, size);
	if (u > (int)outmax || (u < 0 && u != RSP_ERR_TOOBIG &&
	    u != RSP_ERR_ESCAPE && u != RSP_ERR_RLE))
		abort();

	free(in);
	free(out);
	return (0);
}
