/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/json.c: reading and writing the control socket's JSON.
 *
 * The parsing is libjansson's; what is ours is the policy (the strict
 * flags, what counts as an unsigned number) and the writer, which must
 * turn any bytes (a console line is not always UTF-8) into a string every
 * strict reader accepts. No I/O, no allocation but jansson's.
 */
#include <stdio.h>
#include <string.h>

#include "common/json.h"

json_t *
cm_json_parse(const char *buf, size_t len, char *err, size_t errlen)
{
	json_error_t	 je;
	json_t		*o;
	const char	*nul;

	/*
	 * jansson refuses a NUL inside a string but lets one pass right
	 * after a number ("{\"v\":1\0}" parses): refuse them all first.
	 */
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		if (errlen > 0)
			snprintf(err, errlen, "malformed JSON at byte %zu: a NUL "
			    "byte", (size_t)(nul - buf));
		return (NULL);
	}
	/* No JSON_DECODE_ANY (the top must be an object or array), no
	 * JSON_ALLOW_NUL, no JSON_DISABLE_EOF_CHECK. */
	o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (o == NULL) {
		if (errlen > 0)
			snprintf(err, errlen, "malformed JSON at byte %d: %s",
			    je.position, je.text);
		return (NULL);
	}
	if (!json_is_object(o)) {
		if (errlen > 0)
			snprintf(err, errlen, "malformed JSON: not an object");
		json_decref(o);
		return (NULL);
	}
	return (o);
}

const char *
cm_json_str(const json_t *o, const char *key)
{
	const json_t	*v;

	if (!json_is_object(o) || (v = json_object_get(o, key)) == NULL ||
	    !json_is_string(v))
		return (NULL);
	return (json_string_value(v));
}

bool
cm_json_u64(const json_t *o, const char *key, uint64_t *out)
{
	const json_t	*v;
	json_int_t	 n;

	if (!json_is_object(o) || (v = json_object_get(o, key)) == NULL ||
	    !json_is_integer(v) || (n = json_integer_value(v)) < 0)
		return (false);
	*out = (uint64_t)n;
	return (true);
}

bool
cm_json_bool(const json_t *o, const char *key, bool *out)
{
	const json_t	*v;

	if (!json_is_object(o) || (v = json_object_get(o, key)) == NULL ||
	    !json_is_boolean(v))
		return (false);
	*out = json_is_true(v);
	return (true);
}

/* The shortest-form rules of UTF-8: no overlong forms, no surrogates. */
size_t
cm_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		need, i;

	if (n == 0)
		return (0);
	if (s[0] < 0x80)
		return (1);
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* no overlong form */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* no surrogate */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* no overlong form */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* nothing above U+10FFFF */
	} else
		return (0);
	if (n < need || s[1] < lo || s[1] > hi)
		return (0);
	for (i = 2; i < need; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return (0);
	return (need);
}

/* Append n bytes of p at *at in out, as far as they fit. */
static void
quote_put(char *out, size_t outlen, size_t *at, const char *p, size_t n)
{
	size_t	room;

	if (outlen > 0 && *at < outlen - 1) {
		room = outlen - 1 - *at;
		memcpy(out + *at, p, n < room ? n : room);
	}
	*at += n;
}

/* Escape what JSON needs escaped; keep valid UTF-8, replace the rest. */
size_t
cm_json_quote(char *out, size_t outlen, const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	static const char	 hex[] = "0123456789abcdef";
	size_t			 at = 0, i, n;
	char			 esc[6];

	quote_put(out, outlen, &at, "\"", 1);
	for (i = 0; i < len; i += n) {
		n = 1;
		switch (u[i]) {
		case '"':
			quote_put(out, outlen, &at, "\\\"", 2);
			continue;
		case '\\':
			quote_put(out, outlen, &at, "\\\\", 2);
			continue;
		case '\n':
			quote_put(out, outlen, &at, "\\n", 2);
			continue;
		case '\r':
			quote_put(out, outlen, &at, "\\r", 2);
			continue;
		case '\t':
			quote_put(out, outlen, &at, "\\t", 2);
			continue;
		case '\0':
			quote_put(out, outlen, &at, "\\ufffd", 6);
			continue;
		}
		if (u[i] < 0x20 || u[i] == 0x7f) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[u[i] >> 4];
			esc[5] = hex[u[i] & 0xf];
			quote_put(out, outlen, &at, esc, 6);
		} else if ((n = cm_utf8_len(u + i, len - i)) == 0) {
			n = 1;
			quote_put(out, outlen, &at, "\\ufffd", 6);
		} else
			quote_put(out, outlen, &at, s + i, n);
	}
	quote_put(out, outlen, &at, "\"", 1);
	if (outlen > 0)
		out[at < outlen ? at : outlen - 1] = '\0';
	return (at);
}
