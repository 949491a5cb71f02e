/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/json.h: the one JSON reader and writer of kgdb-bridge and
 * kgdb-tui (the control socket's lines).
 *
 * Reading is Debian's libjansson with its strictest settings, behind a few
 * helpers; writing is one string quoter, so both programs escape alike.
 * Pure code: no I/O, no globals. Every byte read may come from another
 * process: nothing here trusts a length it did not check.
 */
#ifndef COMMON_JSON_H
#define COMMON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* The largest integer every JSON implementation keeps exact (a double's
 * 53-bit mantissa): integers above it must travel as strings. */
#define CM_JSON_EXACT_MAX	(UINT64_C(1) << 53)

/* Room cm_json_quote needs for len bytes: two quotes, six bytes at most
 * per input byte ("\u001f", "\ufffd"), the NUL. */
#define CM_JSON_QUOTE_MAX(len)	(6 * (size_t)(len) + 3)

/*
 * One JSON object from buf (len bytes; no NUL needed, and a NUL byte in
 * it is an error). Strict: an object at the top level and nothing but
 * white space after it, UTF-8 only, no duplicate keys, no \u0000, no
 * lone surrogate, integers within int64, nesting at most
 * JSON_PARSER_MAX_DEPTH (2048). NULL with err (errlen bytes, always
 * terminated) saying where and why. Free the result with json_decref().
 */
json_t	*cm_json_parse(const char *buf, size_t len, char *err, size_t errlen);

/* Member key of object o as a string, an unsigned integer or a boolean.
 * Missing, of another type (a negative or fractional number for u64) or
 * o not an object: NULL or false, *out untouched. A string lives as long
 * as o. */
const char *cm_json_str(const json_t *o, const char *key);
bool	 cm_json_u64(const json_t *o, const char *key, uint64_t *out);
bool	 cm_json_bool(const json_t *o, const char *key, bool *out);

/*
 * s (len bytes, any bytes) as a JSON string with its quotes, into out
 * (outlen bytes, terminated whenever outlen > 0, cut if too small).
 * Returns the length the whole quoted string has, as snprintf does: it
 * fits if that is below outlen, and CM_JSON_QUOTE_MAX(len) always does.
 * Valid UTF-8 is kept as it is; '"', '\\' and control characters are
 * escaped; a NUL byte and each byte of an invalid UTF-8 sequence become
 * U+FFFD ("\ufffd"), so the result always reads back with
 * cm_json_parse, as the same text when s is UTF-8 without NUL.
 */
size_t	 cm_json_quote(char *out, size_t outlen, const char *s, size_t len);

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 if the bytes
 * there (n of them) do not start one. */
size_t	 cm_utf8_len(const unsigned char *s, size_t n);

#endif
