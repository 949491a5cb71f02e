/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/json.c: reading one member of a control-socket request.
 *
 * Control clients (scripts, kgdb-tui) send one flat JSON object a line.
 * Only string members are read, found by key; strings are skipped whole,
 * escapes included, so a key inside a value never matches. The line comes
 * from another process: every step is bounded by its NUL. No I/O.
 */
#include <stdlib.h>
#include <string.h>

#include "bridge/bridge.h"

/* The four hex digits after "\u" at p, or -1 if there are not four. */
static int
json_u4(const char *p)
{
	int	i, d, v = 0;

	for (i = 0; i < 4; i++) {
		if ((d = rsp_hex_val((unsigned char)p[i])) < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

char *
br_ctl_json_str(const char *line, const char *key)
{
	const char	*p = line;
	char		*out, *o;
	size_t		 klen = strlen(key);
	int		 u;

	/* Find "key" followed by ':'; a flat object is all we accept. */
	for (;;) {
		p = strchr(p, '"');
		if (p == NULL)
			return NULL;
		if (strncmp(p + 1, key, klen) == 0 && p[1 + klen] == '"') {
			p += klen + 2;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == ':')
				break;
			continue;
		}
		/* Skip over this string, escapes included. */
		for (p++; *p != '\0' && *p != '"'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
		}
		if (*p == '\0')
			return NULL;
		p++;
	}
	for (p++; *p == ' ' || *p == '\t'; p++)
		;
	if (*p != '"')
		return NULL;
	out = o = xmalloc(strlen(p) + 1);
	for (p++; *p != '"'; p++) {
		if (*p == '\0')
			goto bad;
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		switch (*++p) {
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			/* Exactly four hex digits; anything but printable
			 * ASCII becomes '?' (no NUL can get in). */
			if ((u = json_u4(p + 1)) < 0)
				goto bad;
			*o++ = u >= 0x20 && u < 0x7f ? (char)u : '?';
			p += 4;
			break;
		case '\0':
			goto bad;
		default:
			*o++ = *p;
			break;
		}
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}
