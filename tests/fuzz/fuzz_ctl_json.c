/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_ctl_json.c: the bridge reads control requests with
 * br_ctl_json_str (bridge/json.c); any local process can write to the
 * socket. Whatever the line: no read past its NUL, and a value found is a
 * string no longer than the line that, quoted again, reads back the same.
 *
 * The same bytes are also taken as a value to send: quoted into a request
 * (each byte plainly or as an escape, chosen by its position) behind a
 * decoy member whose text holds the key, the value must read back as
 * exactly those bytes, but with every \u escape outside printable ASCII
 * as '?': no NUL gets in, nothing is lost, a key inside a value never
 * matches. The same request cut before its closing quote reads as NULL.
 *
 * Input layout: the key (up to the first byte 0x01), then the line. The
 * fuzz link has only rsp/ objects, so the file under test is included,
 * with the allocator it needs.
 */
#include <stdlib.h>

#include "bridge/json.c"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void *
xmalloc(size_t size)
{
	void	*p = malloc(size == 0 ? 1 : size);

	if (p == NULL)
		abort();
	return p;
}

/* Room for a quoted copy of len bytes (six bytes each at most), with a
 * prefix and suffix of up to 64 bytes. */
static char *
quote_buf(size_t len)
{
	return xmalloc(6 * len + 128);
}

/* Append a plain JSON quoting of s (what br_ctl_json_quote would send for
 * text with no NUL); returns the new end. */
static char *
quote_plain(char *o, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '"':
		case '\\':
			*o++ = '\\';
			*o++ = *s;
			break;
		case '\n':
			o = stpcpy(o, "\\n");
			break;
		case '\r':
			o = stpcpy(o, "\\r");
			break;
		case '\t':
			o = stpcpy(o, "\\t");
			break;
		default:
			*o++ = *s;
			break;
		}
	}
	return o;
}

/* A value read from a raw line, quoted into a request of its own, reads
 * back byte for byte. */
static void
check_requote(const char *key, const char *v)
{
	char	*req = quote_buf(strlen(v)), *o, *back;

	o = stpcpy(req, "{\"");
	o = stpcpy(o, key);
	o = stpcpy(o, "\": \"");
	o = quote_plain(o, v);
	strcpy(o, "\"}");
	if ((back = br_ctl_json_str(req, key)) == NULL ||
	    strcmp(back, v) != 0)
		abort();
	free(back);
	free(req);
}

/*
 * Quote the n bytes at in as a JSON string body at o, each byte in a form
 * picked by its position, and put what the reader must give back for it
 * in want. Returns the new end of o; *wlen is the length of want.
 */
static char *
quote_mixed(char *o, const uint8_t *in, size_t n, char *want, size_t *wlen)
{
	static const char	 hex[] = "0123456789abcdef0123456789ABCDEF";
	size_t			 i, w = 0;
	const char		*h;
	uint8_t			 b;

	for (i = 0; i < n; i++) {
		b = in[i];
		h = hex + (i & 1) * 16;	/* either case of hex digits */
		if (b == '"' || b == '\\') {
			*o++ = '\\';
			*o++ = (char)b;
			want[w++] = (char)b;
		} else if (b == '\n' || b == '\r' || b == '\t') {
			*o++ = '\\';
			*o++ = b == '\n' ? 'n' : b == '\r' ? 'r' : 't';
			want[w++] = (char)b;
		} else if (b == '/' && i % 2 == 0) {
			/* Any other escaped byte stands for itself. */
			o = stpcpy(o, "\\/");
			want[w++] = '/';
		} else if (b == 0 || i % 3 == 0 || (b < 0x20 && i % 2 == 0)) {
			o = stpcpy(o, "\\u00");
			*o++ = h[b >> 4];
			*o++ = h[b & 15];
			want[w++] = b >= 0x20 && b < 0x7f ? (char)b : '?';
		} else {
			/* Raw bytes, control and high ones too, pass. */
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
	char	*req = quote_buf(size), *want = xmalloc(size + 1), *o, *v;
	size_t	 wlen;

	/* A decoy member whose value is "cmd":"no" and a number member
	 * named like the key come first. */
	o = stpcpy(req, "{\"x\":\"\\\"cmd\\\":\\\"no\\\"\", \"cmd\" :");
	o = quote_mixed(o, data, size, want, &wlen);
	*o = '\0';
	/* Without a string after the ':' (the bytes were not quoted). */
	if ((v = br_ctl_json_str(req, "cmd")) != NULL)
		abort();

	o = stpcpy(req, "{\"x\":\"\\\"cmd\\\":\\\"no\\\"\", \"cmd\" :\t\"");
	o = quote_mixed(o, data, size, want, &wlen);
	*o = '\0';
	/* Cut before the closing quote: malformed. */
	if ((v = br_ctl_json_str(req, "cmd")) != NULL)
		abort();
	strcpy(o, "\", \"text\": \"t\"}");
	if ((v = br_ctl_json_str(req, "cmd")) == NULL)
		abort();
	if (strlen(v) != wlen || memcmp(v, want, wlen) != 0)
		abort();
	free(v);
	if ((v = br_ctl_json_str(req, "text")) == NULL || strcmp(v, "t") != 0)
		abort();
	free(v);
	free(want);
	free(req);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*sep = memchr(data, 0x01, size);
	const char	*keys[] = { "cmd", "text", "v" };
	char		*key, *line, *v;
	size_t		 klen, i;

	if (size > 65536)
		return 0;
	check_generated(data, size);
	if (sep == NULL)
		return 0;
	klen = (size_t)(sep - data);
	key = malloc(klen + 1);
	memcpy(key, data, klen);
	key[klen] = '\0';
	/* An exact-size copy: ASan sees any read past the NUL. */
	line = malloc(size - klen);
	memcpy(line, sep + 1, size - klen - 1);
	line[size - klen - 1] = '\0';
	for (i = 0; i <= 3; i++) {
		v = br_ctl_json_str(line, i < 3 ? keys[i] : key);
		if (v != NULL) {
			if (strlen(v) > strlen(line))
				abort();
			if (i < 3)
				check_requote(keys[i], v);
			free(v);
		}
	}
	free(key);
	free(line);
	return 0;
}
