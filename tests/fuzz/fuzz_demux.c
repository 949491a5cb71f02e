/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_demux.c: rsp_demux must give the same events however the
 * input is cut, and console + frames + acks must add up to the input.
 *
 * Input layout: byte 0 picks the configuration, byte 1 the number of cuts,
 * then two bytes per cut (an offset modulo the rest), then the wire bytes.
 * Each input runs three times: whole, cut at those offsets, and one byte
 * per feed. Any difference aborts. A fourth run feeds the cuts at clock
 * times taken from the cut bytes, with ticks, and checks only the rules.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "rsp/rsp.h"
#include "tests/fuzz/demux_rec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t fuzz_holds[4] = { 0, 8, 40, 300 };
static const size_t fuzz_maxpay[4] = { 0, 16, 64, 512 };

static int
fuzz_cmp(const void *a, const void *b)
{
	size_t	x = *(const size_t *)a, y = *(const size_t *)b;

	return (x < y ? -1 : x > y);
}

static void
fuzz_fail(const char *what, const struct demux_rec *a,
    const struct demux_rec *b)
{
	fprintf(stderr, "fuzz_demux: %s\n  whole: %s\n  cut:   %s\n  (%s / %s)\n",
	    what, a->ev, b->ev, a->bad ? a->bad : "-", b->bad ? b->bad : "-");
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rsp_demux_cfg	 cfg;
	struct demux_rec	 whole, cut, bytes, timed;
	uint64_t		 times[16];
	size_t			 cuts[16], ncut, len, i, *each;
	const uint8_t		*in;
	uint8_t			 mode;
	bool			 expect;
	int			 ackmode;

	if (size < 2)
		return (0);
	mode = data[0];
	ncut = data[1] % 16u;
	if (size < 2 + 2 * ncut)
		return (0);
	in = data + 2 + 2 * ncut;
	len = size - 2 - 2 * ncut;
	for (i = 0; i < ncut; i++)
		cuts[i] = len ? ((size_t)data[2 + 2 * i] << 8 |
		    data[3 + 2 * i]) % (len + 1) : 0;
	qsort(cuts, ncut, sizeof cuts[0], fuzz_cmp);

	memset(&cfg, 0, sizeof cfg);
	cfg.binary = (mode & 1) != 0;
	cfg.marks = (mode & 2) == 0;
	expect = (mode & 4) != 0;
	ackmode = (mode & 8) != 0;
	cfg.hold_bytes = fuzz_holds[(mode >> 4) & 3];
	cfg.max_payload = fuzz_maxpay[(mode >> 6) & 3];
	cfg.hold_ms = 100;

	if (!demux_rec_run(&whole, &cfg, expect, ackmode, in, len, NULL, 0))
		abort();
	if (!demux_rec_run(&cut, &cfg, expect, ackmode, in, len, cuts, ncut))
		abort();
	if (whole.bad != NULL || cut.bad != NULL)
		fuzz_fail("broken rule", &whole, &cut);
	if (strcmp(whole.ev, cut.ev) != 0)
		fuzz_fail("chunking changed the events", &whole, &cut);

	if ((each = malloc((len + 1) * sizeof *each)) == NULL)
		abort();
	for (i = 0; i < len; i++)
		each[i] = i + 1;
	if (!demux_rec_run(&bytes, &cfg, expect, ackmode, in, len, each,
	    len))
		abort();
	free(each);
	if (bytes.bad != NULL || strcmp(whole.ev, bytes.ev) != 0)
		fuzz_fail("byte-at-a-time changed the events", &whole, &bytes);

	for (i = 0; i < ncut; i++)
		times[i] = (uint64_t)(data[2 + 2 * i] & 0x0f) * 30 * (i + 1);
	for (i = 1; i < ncut; i++)
		if (times[i] < times[i - 1])
			times[i] = times[i - 1];
	if (!demux_rec_run_timed(&timed, &cfg, in, len, cuts, times, ncut))
		abort();
	if (timed.bad != NULL)
		fuzz_fail("broken rule with a clock", &whole, &timed);

	demux_rec_free(&whole);
	demux_rec_free(&cut);
	demux_rec_free(&bytes);
	demux_rec_free(&timed);
	return (0);
}
