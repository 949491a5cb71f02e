/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/json.c: just enough JSON to read the bridge's control-socket lines.
 *
 * The bridge writes one object per line, flat but for "stats" and "regs".
 * A member is found by its key wherever it sits: the line is walked token
 * by token, strings skipped whole (escapes included), so a key-like text
 * inside a value never matches. Values are copied out, never pointed to.
 * The lines come from another process: everything here is bounded by the
 * NUL of the line and the caller's buffer.
 */
#include <inttypes.h>

#include "rsp/rsp.h"
#include "tui/tui.h"

/* p at an opening quote: the position just past the closing one, or NULL
 * if the string does not end. */
static const char *
json_skip_str(const char *p)
{
	for (p++; *p != '\0'; p++) {
		if (*p == '\\') {
			if (p[1] == '\0')
				return NULL;
			p++;
		} else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* The first byte of key's value, or NULL. */
static const char *
json_find(const char *line, const char *key)
{
	const char	*p = line, *end, *q;
	size_t		 klen = strlen(key);

	while ((p = strchr(p, '"')) != NULL) {
		if ((end = json_skip_str(p)) == NULL)
			return NULL;
		for (q = end; *q == ' ' || *q == '\t'; q++)
			;
		if (*q == ':' && (size_t)(end - p) == klen + 2 &&
		    memcmp(p + 1, key, klen) == 0) {
			for (q++; *q == ' ' || *q == '\t'; q++)
				;
			return q;
		}
		p = end;
	}
	return NULL;
}

int
tui_json_str(const char *line, const char *key, char *buf, size_t buflen)
{
	const char	*p = json_find(line, key);
	size_t		 n = 0;
	unsigned	 u;
	int		 i, h;
	char		 ch;

	if (p == NULL || *p != '"' || buflen == 0)
		return -1;
	for (p++; *p != '"'; p++) {
		if (*p == '\0')
			return -1;
		ch = *p;
		if (ch == '\\') {
			switch (*++p) {
			case 'n':
				ch = '\n';
				break;
			case 'r':
				ch = '\r';
				break;
			case 't':
				ch = '\t';
				break;
			case 'b':
				ch = '\b';
				break;
			case 'f':
				ch = '\f';
				break;
			case 'u':
				for (u = 0, i = 1; i <= 4; i++) {
					h = rsp_hex_val((unsigned char)p[i]);
					if (h < 0)
						return -1;
					u = u << 4 | (unsigned)h;
				}
				p += 4;
				/* The bridge escapes raw bytes this way. */
				ch = u < 0x100 && u != 0 ? (char)u : '?';
				break;
			case '\0':
				return -1;
			default:
				ch = *p;
				break;
			}
		}
		if (n + 1 < buflen)
			buf[n++] = ch;
	}
	buf[n] = '\0';
	return (int)n;
}

bool
tui_json_u64(const char *line, const char *key, uint64_t *out)
{
	const char	*p = json_find(line, key);
	uint64_t	 v = 0;
	bool		 any = false;

	if (p == NULL)
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > UINT64_MAX / 10 || (v == UINT64_MAX / 10 &&
		    (uint64_t)(*p - '0') > UINT64_MAX % 10))
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
		any = true;
	}
	if (any)
		*out = v;
	return any;
}

bool
tui_json_bool(const char *line, const char *key, bool *out)
{
	const char	*p = json_find(line, key);

	if (p == NULL)
		return false;
	if (strncmp(p, "true", 4) == 0)
		*out = true;
	else if (strncmp(p, "false", 5) == 0)
		*out = false;
	else
		return false;
	return true;
}
