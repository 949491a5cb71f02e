/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/ctlproto.c: control requests, from a line to a checked request
 * and back.
 *
 * A request line comes from any local process of the user: JSON (parsed
 * strictly, see common/json.c) or plain words. Either way every argument
 * is checked for its type, its range and its length here, once, so the
 * bridge acts only on requests that make sense, and a client (the TUI,
 * `kgdb-bridge ctl`) builds its requests from the same table. No I/O.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/ctlproto.h"
#include "common/json.h"
#include "rsp/rsp.h"

#define A_ADDR	0x1
#define A_LEN	0x2
#define A_ID	0x4
#define A_TEXT	0x8

static const struct ctl_cmd_ent {
	const char	*name;
	enum ctl_cmd	 cmd;
	int		 args;		/* all required */
	const char	*usage;
} ctl_cmds[] = {
	{ CTL_CMD_STATUS, CTL_STATUS, 0, NULL },
	{ CTL_CMD_MEM, CTL_MEM, A_ADDR|A_LEN, "mem takes \"addr\" (a number "
	    "up to 2^53, or a string in hex, \"0x\" optional) and \"len\" "
	    "(a number, 1 to 4096)" },
	{ CTL_CMD_REGS, CTL_REGS, 0, NULL },
	{ CTL_CMD_BREAK, CTL_BREAK, 0, NULL },
	{ CTL_CMD_CONTINUE, CTL_CONTINUE, 0, NULL },
	{ CTL_CMD_STEP, CTL_STEP, 0, NULL },
	{ CTL_CMD_THREAD, CTL_THREAD, A_ID, "thread takes \"id\" (a string "
	    "in hex, as gdb and kgdb number threads, or a number)" },
	{ CTL_CMD_MARK, CTL_MARK, A_TEXT, "mark takes \"text\" (a "
	    "non-empty string)" },
	{ CTL_CMD_SUBSCRIBE, CTL_SUBSCRIBE, 0, NULL },
	{ CTL_CMD_EVENTS, CTL_SUBSCRIBE, 0, NULL },
	{ CTL_CMD_QUIT, CTL_QUIT, 0, NULL },
	{ CTL_CMD_PING, CTL_PING, 0, NULL },
};
#define CTL_NCMDS	(sizeof ctl_cmds / sizeof ctl_cmds[0])

static void
ctl_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
ctl_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

const char *
ctl_cmd_name(enum ctl_cmd cmd)
{
	size_t	i;

	for (i = 0; i < CTL_NCMDS; i++)
		if (ctl_cmds[i].cmd == cmd)
			return (ctl_cmds[i].name);
	return ("unknown");
}

static const struct ctl_cmd_ent *
ctl_cmd_find(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < CTL_NCMDS; i++)
		if (strlen(ctl_cmds[i].name) == len &&
		    memcmp(ctl_cmds[i].name, name, len) == 0)
			return (&ctl_cmds[i]);
	return (NULL);
}

bool
ctl_cmd_known(const char *name)
{
	return (ctl_cmd_find(name, strlen(name)) != NULL);
}

static void
ctl_unknown(char *err, size_t errlen)
{
	size_t	i, at;

	ctl_err(err, errlen, "unknown command (");
	for (i = 0; i < CTL_NCMDS && errlen > 0; i++) {
		at = strlen(err);
		snprintf(err + at, errlen - at, "%s%s", i > 0 ? ", " : "",
		    ctl_cmds[i].name);
	}
	if (errlen > 0) {
		at = strlen(err);
		snprintf(err + at, errlen - at, ")");
	}
}

/* The hex number in s[0..n) ("0x" optional) into *out; -1 with err. */
static int
ctl_hex(const char *what, const char *s, size_t n, uint64_t *out, char *err,
    size_t errlen)
{
	uint64_t	v = 0;
	size_t		i = 0;
	int		d, shown = n > 40 ? 40 : (int)n;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	if (i == n) {
		ctl_err(err, errlen, "%s: no hex digits", what);
		return (-1);
	}
	for (; i < n; i++) {
		if ((d = rsp_hex_val((unsigned char)s[i])) < 0) {
			ctl_err(err, errlen, "%s: \"%.*s\" is not hex", what,
			    shown, s);
			return (-1);
		}
		if (v > UINT64_MAX >> 4) {
			ctl_err(err, errlen, "%s: address %.*s is more than "
			    "64 bits", what, shown, s);
			return (-1);
		}
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return (0);
}

/* addr and len together: len in 1..max, no wrap past 2^64 - 1. */
static int
ctl_mem_range(uint64_t addr, uint64_t len, uint64_t max, char *err,
    size_t errlen)
{
	if (len == 0) {
		ctl_err(err, errlen, "mem: length 0 (want 1 to %llu bytes)",
		    (unsigned long long)max);
		return (-1);
	}
	if (len > max) {
		ctl_err(err, errlen, "mem: length %llu is over %llu bytes",
		    (unsigned long long)len, (unsigned long long)max);
		return (-1);
	}
	if (len - 1 > UINT64_MAX - addr) {
		ctl_err(err, errlen, "mem: %llu bytes at 0x%llx run past the "
		    "top of the address space", (unsigned long long)len,
		    (unsigned long long)addr);
		return (-1);
	}
	return (0);
}

static void
ctl_blanks(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/* "ADDR LEN" from a ctl mem command: hex address, decimal length up to max. */
int
ctl_mem_words(const char *text, uint64_t max, uint64_t *addr, uint64_t *len,
    char *err, size_t errlen)
{
	const char	*p = text, *start, *q;
	uint64_t	 a, l = 0, d;
	int		 n;

	if (p == NULL)
		goto usage;
	ctl_blanks(&p);
	/* ADDR: hex, "0x" optional, at most 64 bits. */
	start = p;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	q = p;
	p += strspn(p, "0123456789abcdefABCDEF");
	if (p == q || (*p != ' ' && *p != '\t'))
		goto usage;
	if (ctl_hex("mem", start, (size_t)(p - start), &a, err, errlen) == -1)
		return (-1);
	ctl_blanks(&p);
	/* LEN: decimal (so "010" is ten), 1 to max. */
	start = p;
	p += strspn(p, "0123456789");
	n = p - start > 40 ? 40 : (int)(p - start);
	for (q = start; q < p; q++) {
		d = (uint64_t)(*q - '0');
		if (l > (UINT64_MAX - d) / 10 || (l = l * 10 + d) > max) {
			ctl_err(err, errlen, "mem: length %.*s is over %llu "
			    "bytes", n, start, (unsigned long long)max);
			return (-1);
		}
	}
	if (p == start)
		goto usage;
	ctl_blanks(&p);
	if (*p != '\0')
		goto usage;
	if (ctl_mem_range(a, l, max, err, errlen) == -1)
		return (-1);
	*addr = a;
	*len = l;
	return (0);
usage:
	ctl_err(err, errlen, "usage: mem ADDR LEN (ADDR in hex, 0x optional; "
	    "LEN in decimal, 1 to %llu bytes)", (unsigned long long)max);
	return (-1);
}

/* A thread id as text: an optional '-', then 1 to 16 hex digits. */
static int
ctl_id_text(struct ctl_req *req, const char *s, size_t n, char *err,
    size_t errlen)
{
	size_t	i = n > 0 && s[0] == '-' ? 1 : 0;

	if (n == i || n - i > 16) {
		ctl_err(err, errlen, "thread: the id must be 1 to 16 hex "
		    "digits, with an optional '-'");
		return (-1);
	}
	for (; i < n; i++) {
		if (rsp_hex_val((unsigned char)s[i]) < 0) {
			ctl_err(err, errlen, "thread: the id is not hex (as gdb "
			    "and kgdb number threads)");
			return (-1);
		}
	}
	memcpy(req->id, s, n);
	req->id[n] = '\0';
	return (0);
}

/* A JSON integer argument, exact in any JSON implementation. */
static int
ctl_json_exact(const char *what, const json_t *v, json_int_t *out, char *err,
    size_t errlen)
{
	json_int_t	n;

	if (!json_is_integer(v)) {
		ctl_err(err, errlen, "%s must be an integer", what);
		return (-1);
	}
	n = json_integer_value(v);
	if (n > (json_int_t)CM_JSON_EXACT_MAX ||
	    n < -(json_int_t)CM_JSON_EXACT_MAX) {
		ctl_err(err, errlen, "%s: %lld is beyond 2^53, where JSON "
		    "numbers stop being exact: send it as a hex string", what,
		    (long long)n);
		return (-1);
	}
	*out = n;
	return (0);
}

static int
ctl_json_addr(struct ctl_req *req, const json_t *v, char *err, size_t errlen)
{
	json_int_t	n;

	if (json_is_string(v))
		return (ctl_hex("mem: addr", json_string_value(v),
		    json_string_length(v), &req->addr, err, errlen));
	if (!json_is_number(v)) {
		ctl_err(err, errlen, "mem: addr must be a number or a string in "
		    "hex");
		return (-1);
	}
	if (ctl_json_exact("mem: addr", v, &n, err, errlen) == -1)
		return (-1);
	if (n < 0) {
		ctl_err(err, errlen, "mem: addr must not be negative");
		return (-1);
	}
	req->addr = (uint64_t)n;
	return (0);
}

static int
ctl_json_len(struct ctl_req *req, const json_t *v, char *err, size_t errlen)
{
	json_int_t	n;

	if (ctl_json_exact("mem: len", v, &n, err, errlen) == -1)
		return (-1);
	if (n < 1 || n > CTL_MEM_MAX) {
		ctl_err(err, errlen, "mem: len %lld is out of range (1 to %d "
		    "bytes)", (long long)n, CTL_MEM_MAX);
		return (-1);
	}
	req->len = (uint64_t)n;
	return (0);
}

static int
ctl_json_id(struct ctl_req *req, const json_t *v, char *err, size_t errlen)
{
	json_int_t	n;
	char		buf[CTL_ID_MAX + 2];
	int		len;

	if (json_is_string(v))
		return (ctl_id_text(req, json_string_value(v),
		    json_string_length(v), err, errlen));
	if (ctl_json_exact("thread: id", v, &n, err, errlen) == -1)
		return (-1);
	/* A number is the id's value; the wire wants hex. */
	len = snprintf(buf, sizeof buf, "%s%llx", n < 0 ? "-" : "",
	    (unsigned long long)(n < 0 ? -n : n));
	return (ctl_id_text(req, buf, (size_t)len, err, errlen));
}

static int
ctl_text(struct ctl_req *req, const char *s, size_t n, char *err,
    size_t errlen)
{
	size_t	i, k;

	if (n == 0) {
		ctl_err(err, errlen, "mark needs a text");
		return (-1);
	}
	if (n > CTL_LINE_MAX || memchr(s, '\0', n) != NULL) {
		ctl_err(err, errlen, "mark: the text is too long or holds a "
		    "NUL");
		return (-1);
	}
	/* UTF-8 in either form, so that words and JSON say the same. */
	for (i = 0; i < n; i += k) {
		if ((k = cm_utf8_len((const unsigned char *)s + i, n - i)) ==
		    0) {
			ctl_err(err, errlen, "mark: the text is not UTF-8");
			return (-1);
		}
	}
	memcpy(req->text, s, n);
	req->text[n] = '\0';
	return (0);
}

/* The members of a JSON request, beyond "v" and "cmd", for e. */
static int
ctl_json_args(struct ctl_req *req, const struct ctl_cmd_ent *e,
    json_t *o, char *err, size_t errlen)
{
	const char	*k;
	json_t		*v;
	int		 seen = 0, bit, rc;

	json_object_foreach(o, k, v) {
		if (strcmp(k, "v") == 0 || strcmp(k, "cmd") == 0)
			continue;
		if (strcmp(k, CTL_ARG_ADDR) == 0)
			bit = A_ADDR;
		else if (strcmp(k, CTL_ARG_LEN) == 0)
			bit = A_LEN;
		else if (strcmp(k, CTL_ARG_ID) == 0)
			bit = A_ID;
		else if (strcmp(k, CTL_ARG_TEXT) == 0)
			bit = A_TEXT;
		else
			bit = 0;
		if ((e->args & bit) == 0) {
			/* The key is shown only if it is short, plain text. */
			if (strlen(k) <= 32 && strspn(k, "abcdefghijklmnopqrst"
			    "uvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
			    strlen(k))
				ctl_err(err, errlen, "%s: unknown member \"%s\" "
				    "(%s)", e->name, k, e->usage != NULL ?
				    e->usage : "it takes no arguments");
			else
				ctl_err(err, errlen, "%s: unknown member (%s)",
				    e->name, e->usage != NULL ? e->usage :
				    "it takes no arguments");
			return (-1);
		}
		seen |= bit;
		switch (bit) {
		case A_ADDR:
			rc = ctl_json_addr(req, v, err, errlen);
			break;
		case A_LEN:
			rc = ctl_json_len(req, v, err, errlen);
			break;
		case A_ID:
			rc = ctl_json_id(req, v, err, errlen);
			break;
		default:
			if (!json_is_string(v)) {
				ctl_err(err, errlen, "mark: text must be a "
				    "string");
				return (-1);
			}
			rc = ctl_text(req, json_string_value(v),
			    json_string_length(v), err, errlen);
			break;
		}
		if (rc == -1)
			return (-1);
	}
	if (seen != e->args) {
		ctl_err(err, errlen, "%s: missing argument (%s)", e->name,
		    e->usage);
		return (-1);
	}
	if (e->cmd == CTL_MEM)
		return (ctl_mem_range(req->addr, req->len, CTL_MEM_MAX, err,
		    errlen));
	return (0);
}

static int
ctl_req_json_parse(struct ctl_req *req, const char *line, size_t len,
    char *err, size_t errlen)
{
	const struct ctl_cmd_ent	*e;
	json_t				*o, *v;
	const char			*cmd;
	int				 rc = -1;

	if ((o = cm_json_parse(line, len, err, errlen)) == NULL)
		return (-1);
	/* "v" is optional; if there, it must be ours. */
	if ((v = json_object_get(o, "v")) != NULL && (!json_is_integer(v) ||
	    json_integer_value(v) != CTL_PROTO_VERSION)) {
		ctl_err(err, errlen, "unsupported protocol version (this bridge "
		    "speaks v%d)", CTL_PROTO_VERSION);
		goto out;
	}
	if ((v = json_object_get(o, "cmd")) == NULL) {
		ctl_err(err, errlen, "no \"cmd\" in request");
		goto out;
	}
	if (!json_is_string(v)) {
		ctl_err(err, errlen, "\"cmd\" must be a string");
		goto out;
	}
	cmd = json_string_value(v);
	if ((e = ctl_cmd_find(cmd, json_string_length(v))) == NULL) {
		ctl_unknown(err, errlen);
		goto out;
	}
	req->cmd = e->cmd;
	req->name = e->name;
	rc = ctl_json_args(req, e, o, err, errlen);
out:
	json_decref(o);
	return (rc);
}

/* Plain words: the command, then its arguments as text. */
static int
ctl_req_words(struct ctl_req *req, const char *line, size_t len, char *err,
    size_t errlen)
{
	const struct ctl_cmd_ent	*e;
	const char			*rest, *end;
	char				 buf[CTL_LINE_MAX + 1];
	size_t				 n;

	if (memchr(line, '\0', len) != NULL) {
		ctl_err(err, errlen, "a NUL byte in the request");
		return (-1);
	}
	/* The words as a string of their own: line need not end in NUL. */
	memcpy(buf, line, len);
	buf[len] = '\0';
	line = buf;
	n = strcspn(line, " \t");
	if ((e = ctl_cmd_find(line, n)) == NULL) {
		ctl_unknown(err, errlen);
		return (-1);
	}
	req->cmd = e->cmd;
	req->name = e->name;
	rest = line + n;
	if (*rest != '\0')
		rest++;		/* one separator: the rest is a mark's text */
	switch (e->cmd) {
	case CTL_MEM:
		return (ctl_mem_words(rest, CTL_MEM_MAX, &req->addr, &req->len,
		    err, errlen));
	case CTL_MARK:
		return (ctl_text(req, rest, strlen(rest), err, errlen));
	case CTL_THREAD:
		ctl_blanks(&rest);
		end = rest + strcspn(rest, " \t");
		n = (size_t)(end - rest);
		ctl_blanks(&end);
		if (n == 0 || *end != '\0') {
			ctl_err(err, errlen, "usage: thread ID (a thread id in "
			    "hex, as gdb and kgdb number them)");
			return (-1);
		}
		return (ctl_id_text(req, rest, n, err, errlen));
	default:
		ctl_blanks(&rest);
		if (*rest != '\0') {
			ctl_err(err, errlen, "%s takes no arguments", e->name);
			return (-1);
		}
		return (0);
	}
}

int
ctl_req_parse(struct ctl_req *req, const char *line, size_t len, char *err,
    size_t errlen)
{
	memset(req, 0, sizeof *req);
	req->name = NULL;
	if (len > CTL_LINE_MAX) {
		ctl_err(err, errlen, "request line too long");
		return (-1);
	}
	if (len > 0 && line[0] == '{')
		return (ctl_req_json_parse(req, line, len, err, errlen));
	return (ctl_req_words(req, line, len, err, errlen));
}

size_t
ctl_req_json(const struct ctl_req *req, char *out, size_t outlen)
{
	size_t	at;
	int	n;

	n = snprintf(out, outlen, "{\"v\":%d,\"cmd\":\"%s\"",
	    CTL_PROTO_VERSION, req->name != NULL ? req->name :
	    ctl_cmd_name(req->cmd));
	at = (size_t)n;
	switch (req->cmd) {
	case CTL_MEM:
		n = snprintf(at < outlen ? out + at : NULL, at < outlen ?
		    outlen - at : 0, ",\"" CTL_ARG_ADDR "\":\"0x%llx\",\""
		    CTL_ARG_LEN "\":%llu", (unsigned long long)req->addr,
		    (unsigned long long)req->len);
		at += (size_t)n;
		break;
	case CTL_THREAD:
		n = snprintf(at < outlen ? out + at : NULL, at < outlen ?
		    outlen - at : 0, ",\"" CTL_ARG_ID "\":\"%s\"", req->id);
		at += (size_t)n;
		break;
	case CTL_MARK:
		n = snprintf(at < outlen ? out + at : NULL, at < outlen ?
		    outlen - at : 0, ",\"" CTL_ARG_TEXT "\":");
		at += (size_t)n;
		at += cm_json_quote(at < outlen ? out + at : NULL, at < outlen ?
		    outlen - at : 0, req->text, strlen(req->text));
		break;
	default:
		break;
	}
	if (at + 1 < outlen) {
		out[at] = '}';
		out[at + 1] = '\0';
	} else if (outlen > 0)
		out[outlen - 1] = '\0';
	return (at + 1);
}
