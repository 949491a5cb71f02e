/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_json.c: common/json.c and common/ctlproto.c, the one
 * JSON reader and writer and the control request parser, on any bytes
 * (any local process can write to the control socket; the TUI reads what
 * the bridge writes).
 *
 * The input is taken three ways:
 *  - as a request line: ctl_req_parse accepts it or says why; an accepted
 *    request, written back by ctl_req_json, parses to the same request;
 *  - as a JSON line: cm_json_parse accepts it or says why; an accepted
 *    line holds no NUL byte, is an object, and every member read through
 *    the getters has the type the getter promises;
 *  - as bytes to send: quoted by cm_json_quote into an object, they must
 *    parse back, exactly when they are UTF-8 without NUL, and otherwise
 *    as the same text with U+FFFD for each byte that starts no sequence.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/ctlproto.h"
#include "common/json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_request(const char *line, size_t size)
{
	struct ctl_req	*a = malloc(sizeof *a), *b = malloc(sizeof *b);
	char		 err[256], *out;
	size_t		 n;

	if (a == NULL || b == NULL)
		abort();
	err[0] = '\0';
	if (ctl_req_parse(a, line, size, err, sizeof err) != 0) {
		if (err[0] == '\0' || strlen(err) >= sizeof err)
			abort();
		goto out;
	}
	if (a->name == NULL || (a->cmd == CTL_MEM && (a->len == 0 ||
	    a->len > CTL_MEM_MAX || a->len - 1 > UINT64_MAX - a->addr)))
		abort();
	n = ctl_req_json(a, NULL, 0);
	if ((out = malloc(n + 1)) == NULL)
		abort();
	if (ctl_req_json(a, out, n + 1) != n || strlen(out) != n)
		abort();
	if (ctl_req_parse(b, out, n, err, sizeof err) != 0) {
		/* Only a mark too long once escaped may not come back. */
		if (a->cmd != CTL_MARK || n <= CTL_LINE_MAX)
			abort();
	} else if (a->cmd != b->cmd || strcmp(a->name, b->name) != 0 ||
	    a->addr != b->addr || a->len != b->len ||
	    strcmp(a->id, b->id) != 0 || strcmp(a->text, b->text) != 0)
		abort();
	free(out);
out:
	free(a);
	free(b);
}

static void
check_json(const char *line, size_t size)
{
	const char	*k, *s;
	json_t		*o, *v;
	uint64_t	 u;
	char		 err[256];
	bool		 bl;

	err[0] = '\0';
	if ((o = cm_json_parse(line, size, err, sizeof err)) == NULL) {
		if (strncmp(err, "malformed JSON", 14) != 0)
			abort();
		return;
	}
	if (!json_is_object(o) || memchr(line, '\0', size) != NULL)
		abort();
	json_object_foreach(o, k, v) {
		s = cm_json_str(o, k);
		if ((s != NULL) != json_is_string(v) || (s != NULL &&
		    strlen(s) != json_string_length(v)))
			abort();
		if (cm_json_u64(o, k, &u) != (json_is_integer(v) &&
		    json_integer_value(v) >= 0))
			abort();
		if (cm_json_bool(o, k, &bl) != json_is_boolean(v))
			abort();
	}
	json_decref(o);
}

static void
check_quote(const char *data, size_t size)
{
	const unsigned char	*in = (const unsigned char *)data;
	const char		*back;
	size_t			 max = CM_JSON_QUOTE_MAX(size) + 8, n, i, j, k;
	char			*q = malloc(max), err[256];
	json_t			*o;

	if (q == NULL)
		abort();
	memcpy(q, "{\"a\":", 5);
	n = cm_json_quote(q + 5, max - 5, data, size);
	if (n + 5 >= max - 1 || strlen(q + 5) != n)
		abort();
	n += 5;
	q[n++] = '}';
	if ((o = cm_json_parse(q, n, err, sizeof err)) == NULL ||
	    (back = cm_json_str(o, "a")) == NULL)
		abort();
	/* The length first, so the comparisons stay inside back. */
	for (i = j = 0; i < size; i += k) {
		k = in[i] != 0 ? cm_utf8_len(in + i, size - i) : 0;
		j += k == 0 ? 3 : k;
		k = k == 0 ? 1 : k;
	}
	if (strlen(back) != j || json_string_length(json_object_get(o, "a"))
	    != j)
		abort();
	for (i = j = 0; i < size; i += k) {
		k = in[i] != 0 ? cm_utf8_len(in + i, size - i) : 0;
		if (k == 0) {
			if (memcmp(back + j, "\xef\xbf\xbd", 3) != 0)
				abort();
			j += 3;
			k = 1;
		} else {
			if (memcmp(back + j, in + i, k) != 0)
				abort();
			j += k;
		}
	}
	json_decref(o);
	free(q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*line = (const char *)data;

	if (size > 65536)
		return (0);
	check_request(line, size);
	check_json(line, size);
	check_quote(line, size);
	return (0);
}
