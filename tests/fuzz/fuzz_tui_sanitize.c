/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_tui_sanitize.c: wire bytes must never reach the terminal
 * raw. Whatever comes in, tui_sanitize() gives printable ASCII only, within
 * its bound, and sanitizing the result again changes nothing.
 *
 * The fuzz link has only rsp/ objects, so the file under test is included.
 */
#include "tui/panic.c"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const uint8_t *data, size_t size, size_t outmax)
{
	char	*out = malloc(outmax), *again = malloc(outmax);
	size_t	 n, m, i;

	n = tui_sanitize(out, outmax, data, size);
	if (n >= outmax || out[n] != '\0')
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] > 0x7e)
			abort();
	m = tui_sanitize(again, outmax, out, n);
	if (m != n || memcmp(out, again, n) != 0)
		abort();
	free(out);
	free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t	ts;

	if (size > 4096)
		return (0);
	check(data, size, 4 * size + 1);
	check(data, size, 1 + size / 3);
	check(data, size, 1);
	(void)tui_strip_timestamp((const char *)data, size, &ts);
	return (0);
}
