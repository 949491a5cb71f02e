/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_tui_json.c: the TUI's reader of control-socket lines on
 * any bytes. Whatever the line, a value copied out stays inside its buffer,
 * is terminated, holds no NUL before its returned length, and a buffer too
 * small gets a prefix of what a big enough one gets; a member is a string,
 * a number or a boolean, never two of them.
 *
 * The same bytes are also taken as values the bridge could send: a string
 * (each byte plainly or as an escape, chosen by its position), a number
 * and a boolean, put into a nested line behind decoy members that hold the
 * keys inside their text. They must read back as sent (a \u escape of NUL
 * or above 0xff as '?'); the string cut before its closing quote, a
 * missing key and a member of another type must not read at all.
 *
 * The fuzz link has only rsp/ objects, so the file under test is included.
 */
#include "tui/json.c"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_raw(const char *line, const char *key)
{
	size_t		 len = strlen(line);
	char		 small[8], *full = malloc(len + 1), big[512];
	uint64_t	 v;
	bool		 b;
	int		 ns, nf, nb, kinds = 0;

	if (full == NULL)
		abort();
	/* An unescaped value is never longer than its text in the line:
	 * full is never too small. */
	ns = tui_json_str(line, key, small, sizeof small);
	nf = tui_json_str(line, key, full, len + 1);
	nb = tui_json_str(line, key, big, sizeof big);
	if ((ns < 0) != (nf < 0) || (nb < 0) != (nf < 0))
		abort();
	if (nf >= 0) {
		if ((size_t)nf > len || strlen(full) != (size_t)nf)
			abort();
		if (ns != (nf < (int)sizeof small ? nf : (int)sizeof small - 1) ||
		    strlen(small) != (size_t)ns || memcmp(small, full, ns) != 0)
			abort();
		if (nb != (nf < (int)sizeof big ? nf : (int)sizeof big - 1) ||
		    strlen(big) != (size_t)nb || memcmp(big, full, nb) != 0)
			abort();
		kinds++;
	}
	if (tui_json_u64(line, key, &v))
		kinds++;
	if (tui_json_bool(line, key, &b))
		kinds++;
	if (kinds > 1)
		abort();
	free(full);
}

/* The letter of b's two-byte escape, or 0. */
static char
short_escape(uint8_t b)
{
	switch (b) {
	case '"':	return '"';
	case '\\':	return '\\';
	case '\n':	return 'n';
	case '\r':	return 'r';
	case '\t':	return 't';
	case '\b':	return 'b';
	case '\f':	return 'f';
	}
	return 0;
}

/*
 * Quote the n bytes at in as a JSON string body at o, each byte in a form
 * picked by its position, and put what tui_json_str must give back for it
 * in want. Returns the new end of o; *wlen is the length of want.
 */
static char *
quote_mixed(char *o, const uint8_t *in, size_t n, char *want, size_t *wlen)
{
	static const char	 hex[] = "0123456789abcdef0123456789ABCDEF";
	size_t			 i, w = 0;
	const char		*h;
	uint8_t			 b;
	char			 e;

	for (i = 0; i < n; i++) {
		b = in[i];
		h = hex + (i & 1) * 16;	/* either case of hex digits */
		if ((e = short_escape(b)) != 0) {
			*o++ = '\\';
			*o++ = e;
			want[w++] = (char)b;
		} else if (i % 7 == 6) {
			/* Above 0xff: no byte for it. */
			o = stpcpy(o, "\\u");
			*o++ = h[1 + b % 15];
			*o++ = h[b >> 4];
			*o++ = h[b >> 4];
			*o++ = h[b & 15];
			want[w++] = '?';
		} else if (b == 0 || b < 0x20 || i % 3 == 0) {
			o = stpcpy(o, "\\u00");
			*o++ = h[b >> 4];
			*o++ = h[b & 15];
			want[w++] = b != 0 ? (char)b : '?';
		} else if (b == '/' || b == '\'') {
			/* Any other escaped byte stands for itself. */
			*o++ = '\\';
			*o++ = (char)b;
			want[w++] = (char)b;
		} else {
			*o++ = (char)b;
			want[w++] = (char)b;
		}
	}
	*wlen = w;
	return o;
}

static void
check_generated(const uint8_t *data, size_t size)
{
	char		*line = malloc(6 * size + 256), *want = malloc(size + 1);
	char		*o, small[8], *got = malloc(size + 1);
	uint64_t	 num = 0, v;
	size_t		 wlen, i;
	bool		 flag = size > 0 && (data[0] & 1), b;
	int		 n;

	if (line == NULL || want == NULL || got == NULL)
		abort();
	for (i = 0; i < 8 && i < size; i++)
		num = num << 8 | data[i];
	/* Decoys first: the keys inside string values, at two depths. */
	o = line + sprintf(line, "{\"event\":\"log\",\"x\":\"\\\"text\\\":"
	    "\\\"no\\\"\",\"stats\":{\"y\":\"\\\"rx_bytes\\\":7\","
	    "\"rx_bytes\" : %s%" PRIu64 ",\"ok\":\t%s,\"text\": \"",
	    size > 1 && data[1] & 1 ? "000" : "", num,
	    flag ? "true" : "false");
	o = quote_mixed(o, data, size, want, &wlen);
	*o = '\0';
	/* Cut before the closing quote. */
	if (tui_json_str(line, "text", got, size + 1) != -1)
		abort();
	strcpy(o, "\"},\"regs\":{\"pc\":\"ff\"}}");

	n = tui_json_str(line, "text", got, size + 1);
	if (n < 0 || (size_t)n != wlen || memcmp(got, want, wlen) != 0 ||
	    got[wlen] != '\0')
		abort();
	n = tui_json_str(line, "text", small, sizeof small);
	if (n != (wlen < sizeof small ? (int)wlen : (int)sizeof small - 1) ||
	    memcmp(small, want, (size_t)n) != 0 || small[n] != '\0')
		abort();
	/* Every number reads back, UINT64_MAX included. */
	if (!tui_json_u64(line, "rx_bytes", &v) || v != num)
		abort();
	if (!tui_json_bool(line, "ok", &b) || b != flag)
		abort();
	if (tui_json_str(line, "pc", small, sizeof small) != 2 ||
	    strcmp(small, "ff") != 0)
		abort();
	/* Members of another type, and keys that are not there. */
	if (tui_json_str(line, "rx_bytes", small, sizeof small) != -1 ||
	    tui_json_str(line, "stats", small, sizeof small) != -1 ||
	    tui_json_u64(line, "text", &v) || tui_json_bool(line, "text", &b) ||
	    tui_json_u64(line, "ok", &v) ||
	    tui_json_str(line, "no", small, sizeof small) != -1)
		abort();
	/* The decoy itself is a member like any other. */
	if (tui_json_str(line, "y", small, sizeof small) != 7 ||
	    strcmp(small, "\"rx_byt") != 0)
		abort();
	free(got);
	free(want);
	free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {
		"cmd", "event", "text", "hex", "g", "state", "rx_bytes", "ok",
		"",
	};
	char		*line;
	size_t		 i;

	if (size > 65536)
		return 0;
	check_generated(data, size);
	line = malloc(size + 1);
	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		check_raw(line, keys[i]);
	free(line);
	return 0;
}
