/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/panic.c: make console text safe to show, and read kernel oops and
 * panic reports out of it.
 *
 * The parser is line-driven and keeps very little state: the report being
 * filled, and whether we are inside its call trace. A report starts at a
 * header line (BUG:, Oops:, general protection fault, kernel BUG at,
 * Kernel panic, WARNING:, and arm64's Internal error / Unable to handle);
 * the lines after it fill in CPU, task, taint, hardware, RIP, code bytes
 * and the trace. Formats follow Linux 6.1 x86_64 (dumpstack.c, panic.c,
 * dump_stack.c) with the arm64 and i386 spellings of the same facts.
 */
#include <ctype.h>
#include <inttypes.h>

#include "tui/tui.h"

#define PANIC_LINE_MAX	1024

struct tui_panic {
	struct tui_oops	 oops[TUI_OOPS_MAX];
	size_t		 count;		/* kept */
	size_t		 seen;		/* started, kept or not */
	struct tui_oops	*cur;		/* report being filled, or NULL */
	bool		 in_trace;
	bool		 trace_marked;	/* a <TASK>-style marker was seen */
	enum tui_frame_ctx ctx;
	char		 partial[PANIC_LINE_MAX];
	size_t		 plen;
	bool		 skip;		/* a cut line: drop to its '\n' */
};

/* ---- sanitizer */

static bool
san_put(char *out, size_t outmax, size_t *o, const char *s, size_t n)
{
	if (*o + n + 1 > outmax)
		return (false);
	memcpy(out + *o, s, n);
	*o += n;
	return (true);
}

/* Terminal-safe text: escapes and control bytes shown as hex, never passed. */
size_t
tui_sanitize(char *out, size_t outmax, const void *in, size_t len)
{
	const uint8_t	*p = in;
	size_t		 i, o = 0;
	char		 hex[5];

	if (outmax == 0)
		return (0);
	for (i = 0; i < len; i++) {
		uint8_t c = p[i];

		if (c == 0x1b) {
			if (i + 1 >= len)
				break;
			c = p[++i];
			if (c == '[') {
				/* CSI: parameters, then one final byte. */
				while (++i < len &&
				    (p[i] < 0x40 || p[i] > 0x7e))
					;
			} else if (c == ']' || c == 'P' || c == 'X' ||
			    c == '^' || c == '_') {
				/* String: until BEL or ESC \. */
				while (++i < len) {
					if (p[i] == 0x07)
						break;
					if (p[i] == 0x1b && i + 1 < len &&
					    p[i + 1] == '\\') {
						i++;
						break;
					}
				}
			}
			/* Anything else: a two-byte sequence, both gone. */
			continue;
		}
		if (c == '\r')
			continue;
		if (c == '\t') {
			do {
				if (!san_put(out, outmax, &o, " ", 1))
					goto done;
			} while (o % 8 != 0);
			continue;
		}
		if (c >= 0x20 && c <= 0x7e) {
			if (!san_put(out, outmax, &o, (const char *)&c, 1))
				goto done;
			continue;
		}
		snprintf(hex, sizeof hex, "\\x%02x", c);
		if (!san_put(out, outmax, &o, hex, 4))
			goto done;
	}
done:
	out[o] = '\0';
	return (o);
}

/* The length of a leading "[ sec.usec]" printk stamp, and its time. */
size_t
tui_strip_timestamp(const char *s, size_t len, uint64_t *ts_nsec_out)
{
	size_t		i = 0, j, nd;
	uint64_t	sec = 0, usec = 0;

	if (len < 4 || s[0] != '[')
		return (0);
	i = 1;
	while (i < len && s[i] == ' ')
		i++;
	for (nd = 0; i < len && isdigit((unsigned char)s[i]); i++, nd++)
		if (nd < 12)
			sec = sec * 10 + (uint64_t)(s[i] - '0');
	if (nd == 0 || i >= len || s[i] != '.')
		return (0);
	i++;
	for (nd = 0; i < len && isdigit((unsigned char)s[i]); i++, nd++)
		if (nd < 6)
			usec = usec * 10 + (uint64_t)(s[i] - '0');
	if (nd == 0 || i >= len || s[i] != ']')
		return (0);
	for (; nd < 6; nd++)
		usec *= 10;
	i++;
	/* CONFIG_PRINTK_CALLER: "[    T1]" or "[    C0]". */
	if (i < len && s[i] == '[') {
		j = i + 1;
		while (j < len && s[j] == ' ')
			j++;
		if (j < len && (s[j] == 'T' || s[j] == 'C')) {
			j++;
			nd = 0;
			while (j < len && isdigit((unsigned char)s[j]))
				j++, nd++;
			if (nd > 0 && j < len && s[j] == ']')
				i = j + 1;
		}
	}
	if (i < len && s[i] == ' ')
		i++;
	if (ts_nsec_out != NULL)
		*ts_nsec_out = sec * 1000000000ULL + usec * 1000ULL;
	return (i);
}

/* ---- taint */

static const struct {
	char		 letter;
	const char	*word;
} taint_table[] = {
	{ 'P', "proprietary module" },
	{ 'F', "module force-loaded" },
	{ 'S', "out-of-spec system" },
	{ 'R', "module force-unloaded" },
	{ 'M', "machine check" },
	{ 'B', "bad page" },
	{ 'U', "user-requested" },
	{ 'D', "died before (oops/BUG)" },
	{ 'A', "ACPI table overridden" },
	{ 'W', "warning issued" },
	{ 'C', "staging driver" },
	{ 'I', "firmware workaround" },
	{ 'O', "out-of-tree module" },
	{ 'E', "unsigned module" },
	{ 'L', "soft lockup seen" },
	{ 'K', "live-patched" },
	{ 'X', "auxiliary (distro)" },
	{ 'T', "struct randomization" },
	{ 'N', "in-kernel test run" },
};

const char *
tui_taint_word(char letter)
{
	size_t	i;

	for (i = 0; i < sizeof taint_table / sizeof taint_table[0]; i++)
		if (taint_table[i].letter == letter)
			return (taint_table[i].word);
	return (NULL);
}

size_t
tui_taint_words(const char *letters, char *buf, size_t buflen)
{
	size_t		 o = 0, n;
	const char	*w;

	if (buflen == 0)
		return (0);
	buf[0] = '\0';
	for (; *letters != '\0'; letters++) {
		/* 'G' means "only GPL modules": not a taint. */
		if ((w = tui_taint_word(*letters)) == NULL)
			continue;
		n = strlen(w) + (o > 0 ? 2 : 0);
		if (o + n + 1 > buflen)
			break;
		snprintf(buf + o, buflen - o, "%s%s", o > 0 ? ", " : "", w);
		o += n;
	}
	return (o);
}

/* ---- small parsing helpers */

static bool
starts(const char *s, const char *prefix)
{
	return (strncmp(s, prefix, strlen(prefix)) == 0);
}

static void
copy_str(char *dst, size_t dstmax, const char *src, size_t len)
{
	if (len >= dstmax)
		len = dstmax - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	while (len > 0 && dst[len - 1] == ' ')
		dst[--len] = '\0';
}

static bool
parse_hex(const char **sp, uint64_t *v_out)
{
	const char	*s = *sp;
	uint64_t	 v = 0;
	int		 n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (isxdigit((unsigned char)*s)) {
		if (++n > 16)
			return (false);
		v = v * 16 + (uint64_t)(isdigit((unsigned char)*s) ? *s - '0' :
		    (tolower((unsigned char)*s) - 'a' + 10));
		s++;
	}
	if (n == 0)
		return (false);
	*sp = s;
	*v_out = v;
	return (true);
}

static bool
sym_char(int c)
{
	return (isalnum(c) || c == '_' || c == '.' || c == '$');
}

/*
 * Parse "func+0x16/0x20", optionally followed by " [module]", or a bare
 * "0xffff…" address. Returns the end of what was parsed, or NULL.
 */
static const char *
parse_symoff(const char *s, struct tui_frame *f)
{
	const char	*start = s, *p;

	memset(f, 0, sizeof *f);
	if (s[0] == '0' && s[1] == 'x') {
		p = s;
		if (!parse_hex(&p, &f->addr))
			return (NULL);
		return ((*p == '\0' || *p == ' ') ? p : NULL);
	}
	while (sym_char((unsigned char)*s))
		s++;
	if (s == start || *s != '+')
		return (NULL);
	copy_str(f->func, sizeof f->func, start, (size_t)(s - start));
	p = s + 1;
	if (!parse_hex(&p, &f->off) || *p != '/')
		return (NULL);
	p++;
	if (!parse_hex(&p, &f->size))
		return (NULL);
	if (p[0] == ' ' && p[1] == '[') {
		const char *m = p + 2;
		size_t n = strcspn(m, " ]");

		copy_str(f->module, sizeof f->module, m, n);
		p = strchr(m, ']');
		p = p != NULL ? p + 1 : m + strlen(m);
	}
	return (p);
}

static int
parse_die_no(const char *s)
{
	const char	*p = strstr(s, "[#");

	return (p != NULL ? atoi(p + 2) : 0);
}

/* ---- report state */

static struct tui_oops *
oops_start(struct tui_panic *p, enum tui_oops_kind kind, const char *title)
{
	struct tui_oops	*o;

	p->seen++;
	p->in_trace = false;
	p->trace_marked = false;
	p->ctx = TUI_CTX_NONE;
	if (p->count >= TUI_OOPS_MAX) {
		p->cur = NULL;
		return (NULL);
	}
	o = &p->oops[p->count++];
	memset(o, 0, sizeof *o);
	o->kind = kind;
	o->cpu = o->pid = -1;
	o->code_fault = -1;
	copy_str(o->title, sizeof o->title, title, strlen(title));
	p->cur = o;
	return (o);
}

/* A die header ("Oops: 0002 [#1]", "invalid opcode: 0000 [#1]") that
 * belongs to a report whose CPU line has not come yet. */
static bool
oops_open(const struct tui_panic *p)
{
	return (p->cur != NULL && p->cur->cpu < 0 && !p->cur->ended &&
	    p->cur->kind != TUI_OOPS_PANIC && p->cur->kind != TUI_OOPS_WARN);
}

/* "invalid opcode: 0000 [#1] …", "int3: 0000 [#1]", "stack segment: …" */
static bool
is_die_header(const char *s)
{
	const char	*c = strchr(s, ':');
	const char	*q;

	if (c == NULL || c == s || strstr(c, " [#") == NULL)
		return (false);
	for (q = s; q < c; q++)
		if (!islower((unsigned char)*q) && *q != ' ' && *q != '#' &&
		    !isdigit((unsigned char)*q))
			return (false);
	q = c + 1;
	if (*q++ != ' ')
		return (false);
	for (int n = 0; n < 4; n++, q++)
		if (!isxdigit((unsigned char)*q))
			return (false);
	return (*q == ' ');
}

/* "CPU: n PID: p Comm: c ..." into the oops: CPU, pid, comm, taint. */
static void
parse_cpu_line(struct tui_oops *o, const char *s)
{
	const char	*p, *comm, *t, *rel;
	size_t		 n;

	o->cpu = atoi(s + 5);
	if ((p = strstr(s, " PID: ")) != NULL)
		o->pid = atoi(p + 6);
	if ((comm = strstr(s, " Comm: ")) == NULL)
		return;
	comm += 7;
	/* The comm may hold spaces: the taint field is the last anchor. */
	t = NULL;
	for (p = comm; (p = strstr(p, " Not tainted ")) != NULL; p++)
		t = p;
	if (t != NULL) {
		o->tainted = false;
		rel = t + 13;
	} else {
		for (p = comm; (p = strstr(p, " Tainted: ")) != NULL; p++)
			t = p;
		if (t == NULL) {
			copy_str(o->comm, sizeof o->comm, comm, strlen(comm));
			return;
		}
		o->tainted = true;
		/* Single-letter columns, then the release. */
		rel = t + 10;
		n = 0;
		for (;;) {
			while (*rel == ' ')
				rel++;
			p = rel;
			while (*p == 'G' || (*p != '\0' && tui_taint_word(*p)))
				p++;
			if (p == rel || (*p != ' ' && *p != '\0'))
				break;
			for (; rel < p; rel++)
				if (*rel != 'G' && n + 1 < sizeof o->taint)
					o->taint[n++] = *rel;
		}
		o->taint[n] = '\0';
	}
	n = (size_t)(t - comm);
	copy_str(o->comm, sizeof o->comm, comm, n);
	if ((p = strstr(o->comm, " Kdump: loaded")) != NULL)
		*(char *)p = '\0';
	while (*rel == ' ')
		rel++;
	copy_str(o->release, sizeof o->release, rel, strcspn(rel, " "));
}

/* The "Code:" bytes, and which one the fault was at (<xx> or (xxxx)). */
static void
parse_code(struct tui_oops *o, const char *s)
{
	uint64_t	 v;
	const char	*p;
	int		 digits, i;
	char		 close;

	o->ncode = 0;
	o->code_fault = -1;
	while (*s != '\0') {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		close = 0;
		if (*s == '<')
			close = '>';
		else if (*s == '(')
			close = ')';
		p = s + (close ? 1 : 0);
		if (!isxdigit((unsigned char)*p))
			return;
		s = p;
		if (!parse_hex(&p, &v))
			return;
		digits = (int)(p - s);
		if (digits != 2 && digits != 8)
			return;
		if (close) {
			if (*p != close)
				return;
			p++;
		}
		if (*p != ' ' && *p != '\0')
			return;
		if (o->ncode + (size_t)(digits / 2) > TUI_CODE_MAX)
			return;
		if (close && o->code_fault < 0) {
			o->code_fault = (int)o->ncode;
			o->code_fault_len = digits / 2;
		}
		for (i = digits / 2 - 1; i >= 0; i--)
			o->code[o->ncode++] = (uint8_t)(v >> (8 * i));
		s = p;
	}
}

static void
parse_rip(struct tui_oops *o, const char *s, bool has_cs)
{
	uint64_t	 cs = 0;
	struct tui_frame f;
	const char	*p = s;

	if (has_cs) {
		if (!parse_hex(&p, &cs) || *p != ':')
			return;
		p++;
		/* Only a kernel-mode RIP says where the kernel was. */
		if ((cs & 3) != 0)
			return;
	}
	if (parse_symoff(p, &f) == NULL)
		return;
	o->rip = f;
	o->rip_cs = (unsigned)cs;
	o->has_rip = true;
}

static bool
trace_marker(struct tui_panic *p, const char *s)
{
	static const struct {
		const char		*tag;
		enum tui_frame_ctx	 ctx;
	} tags[] = {
		{ "<TASK>", TUI_CTX_TASK }, { "<IRQ>", TUI_CTX_IRQ },
		{ "<SOFTIRQ>", TUI_CTX_SOFTIRQ }, { "<NMI>", TUI_CTX_NMI },
		{ "<#DF>", TUI_CTX_EXCEPTION }, { "<#DB>", TUI_CTX_EXCEPTION },
		{ "<#MC>", TUI_CTX_EXCEPTION }, { "<#VC>", TUI_CTX_EXCEPTION },
	};
	size_t	i;

	if (s[0] != '<')
		return (false);
	if (s[1] == '/') {
		if (strcmp(s, "</TASK>") == 0)
			p->in_trace = false;
		p->ctx = TUI_CTX_NONE;
		return (true);
	}
	for (i = 0; i < sizeof tags / sizeof tags[0]; i++) {
		if (strcmp(s, tags[i].tag) == 0) {
			p->ctx = tags[i].ctx;
			p->trace_marked = true;
			return (true);
		}
	}
	return (false);
}

/* Register dump lines that may sit inside an x86 trace. */
static bool
regdump_line(const char *s)
{
	static const char *const pfx[] = {
		"RIP: ", "RSP: ", "RAX: ", "RDX: ", "RBP: ", "R10: ", "R13: ",
		"FS: ", "CS: ", "CR2: ", "DR0: ", "DR3: ", "Code: ", "PKRU: ",
		"EIP: ", "EAX: ", "ESI: ", "DS: ",
	};
	size_t	i;

	for (i = 0; i < sizeof pfx / sizeof pfx[0]; i++)
		if (starts(s, pfx[i]))
			return (true);
	return (false);
}

static void
trace_line(struct tui_panic *p, struct tui_oops *o, const char *s)
{
	struct tui_frame f;
	bool		 unreliable = false;
	const char	*q = s, *end;

	if (trace_marker(p, s))
		return;
	if (q[0] == '?' && q[1] == ' ') {
		unreliable = true;
		q += 2;
	}
	if ((end = parse_symoff(q, &f)) != NULL &&
	    (*end == '\0' || *end == ' ')) {
		f.unreliable = unreliable;
		f.ctx = p->ctx;
		if (o->nframes < TUI_FRAMES_MAX)
			o->frames[o->nframes++] = f;
		else
			o->frames_dropped++;
		return;
	}
	if (p->trace_marked && regdump_line(s))
		return;
	/* arm64 and older traces have no closing marker. */
	if (!p->trace_marked)
		p->in_trace = false;
}

/* One sanitized line with its timestamp gone and leading blanks kept. */
static void
panic_parse(struct tui_panic *p, const char *line)
{
	struct tui_oops	*o;
	const char	*s = line, *q;
	uint64_t	 v;

	while (*s == ' ')
		s++;
	if (*s == '\0')
		return;

	/* Headers that always start a report. */
	if (starts(s, "Kernel panic - not syncing: ")) {
		if ((o = oops_start(p, TUI_OOPS_PANIC, s)) != NULL)
			copy_str(o->detail, sizeof o->detail, s + 28,
			    strlen(s + 28));
		return;
	}
	if (starts(s, "BUG: ")) {
		if ((o = oops_start(p, TUI_OOPS_BUG, s)) != NULL) {
			copy_str(o->detail, sizeof o->detail, s + 5,
			    strcspn(s + 5, ","));
			if ((q = strstr(s, "address: ")) != NULL) {
				q += 9;
				if (parse_hex(&q, &v))
					o->fault_addr = v;
			}
		}
		return;
	}
	if (starts(s, "kernel BUG at ")) {
		if ((o = oops_start(p, TUI_OOPS_KBUG, s)) != NULL) {
			q = s + 14;
			copy_str(o->file, sizeof o->file, q, strcspn(q, ":!"));
			if ((q = strchr(q, ':')) != NULL)
				o->line = atoi(q + 1);
		}
		return;
	}
	if (starts(s, "general protection fault")) {
		if ((o = oops_start(p, TUI_OOPS_GPF, s)) != NULL)
			o->die_no = parse_die_no(s);
		return;
	}
	if (starts(s, "WARNING: ")) {
		if ((o = oops_start(p, TUI_OOPS_WARN, s)) != NULL &&
		    (q = strstr(s, " at ")) != NULL) {
			q += 4;
			copy_str(o->file, sizeof o->file, q, strcspn(q, ": "));
			if ((q = strchr(q, ':')) != NULL)
				o->line = atoi(q + 1);
		}
		return;
	}
	if (starts(s, "Unable to handle kernel ")) {
		if ((o = oops_start(p, TUI_OOPS_ARM64, s)) != NULL &&
		    (q = strstr(s, "virtual address ")) != NULL) {
			q += 16;
			if (parse_hex(&q, &v))
				o->fault_addr = v;
		}
		return;
	}
	if (starts(s, "Internal error: ") || starts(s, "Oops: ") ||
	    is_die_header(s)) {
		if (oops_open(p)) {
			p->cur->die_no = parse_die_no(s);
			if (p->cur->detail[0] == '\0')
				copy_str(p->cur->detail, sizeof p->cur->detail,
				    s, strlen(s));
			return;
		}
		o = oops_start(p, starts(s, "Internal error: ") ?
		    TUI_OOPS_ARM64 : TUI_OOPS_OOPS, s);
		if (o != NULL)
			o->die_no = parse_die_no(s);
		return;
	}

	if ((o = p->cur) == NULL)
		return;
	if (starts(s, "---[ end ")) {
		o->ended = true;
		p->in_trace = false;
		return;
	}
	if (starts(s, "Call Trace:") || starts(s, "Call trace:")) {
		p->in_trace = true;
		p->trace_marked = false;
		p->ctx = TUI_CTX_NONE;
		return;
	}
	if (p->in_trace) {
		trace_line(p, o, s);
		if (p->in_trace)
			return;
	}
	if (starts(s, "CPU: ") && o->cpu < 0 && strstr(s, " PID: ")) {
		parse_cpu_line(o, s);
	} else if (starts(s, "Hardware name: ") && o->hardware[0] == '\0') {
		copy_str(o->hardware, sizeof o->hardware, s + 15,
		    strlen(s + 15));
	} else if (starts(s, "#PF: ") && o->detail[0] != '\0' &&
	    strchr(o->detail, '(') == NULL && o->kind == TUI_OOPS_BUG) {
		/* keep the BUG text; the first #PF line adds the access */
		size_t n = strlen(o->detail);

		snprintf(o->detail + n, sizeof o->detail - n, " (%s)", s + 5);
	} else if (!o->has_rip && !o->ended && starts(s, "RIP: ")) {
		parse_rip(o, s + 5, true);
	} else if (!o->has_rip && !o->ended && starts(s, "EIP: ")) {
		parse_rip(o, s + 5, false);
	} else if (!o->has_rip && !o->ended && starts(s, "pc : ")) {
		parse_rip(o, s + 5, false);
	} else if (o->ncode == 0 && !o->ended && starts(s, "Code: ")) {
		parse_code(o, s + 6);
	} else if (o->fault_addr == 0 && starts(s, "CR2: ")) {
		q = s + 5;
		if (parse_hex(&q, &v))
			o->fault_addr = v;
	}
}

/* ---- public */

struct tui_panic *
tui_panic_new(void)
{
	return (tui_xcalloc(1, sizeof(struct tui_panic)));
}

void
tui_panic_free(struct tui_panic *p)
{
	free(p);
}

void
tui_panic_reset(struct tui_panic *p)
{
	memset(p, 0, sizeof *p);
}

void
tui_panic_line(struct tui_panic *p, const char *line, size_t len)
{
	char	buf[PANIC_LINE_MAX];
	size_t	ts;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	ts = tui_strip_timestamp(line, len, NULL);
	tui_sanitize(buf, sizeof buf, line + ts, len - ts);
	panic_parse(p, buf);
}

void
tui_panic_feed(struct tui_panic *p, const char *text, size_t len)
{
	const char	*nl;
	size_t		 n;

	/*
	 * A line longer than the buffer is cut: its head is parsed, the
	 * rest dropped up to its newline, wherever the text was split (so
	 * a header in a long line's tail never starts a report).
	 */
	while (len > 0) {
		nl = memchr(text, '\n', len);
		n = nl != NULL ? (size_t)(nl - text) : len;
		if (!p->skip) {
			if (p->plen + n > sizeof p->partial)
				n = sizeof p->partial - p->plen;
			memcpy(p->partial + p->plen, text, n);
			p->plen += n;
			if (p->plen == sizeof p->partial) {
				tui_panic_flush(p);
				p->skip = true;
			}
		}
		if (nl == NULL)
			return;
		tui_panic_flush(p);
		p->skip = false;
		n = (size_t)(nl - text) + 1;
		text += n;
		len -= n;
	}
}

void
tui_panic_flush(struct tui_panic *p)
{
	if (p->plen > 0)
		tui_panic_line(p, p->partial, p->plen);
	p->plen = 0;
}

size_t
tui_panic_count(const struct tui_panic *p)
{
	return (p->count);
}

size_t
tui_panic_seen(const struct tui_panic *p)
{
	return (p->seen);
}

const struct tui_oops *
tui_panic_get(const struct tui_panic *p, size_t i)
{
	return (i < p->count ? &p->oops[i] : NULL);
}

/* Functions that report a problem rather than have it. */
bool
tui_frame_is_reporting(const char *f)
{
	static const char *const names[] = {
		"dump_stack", "dump_stack_lvl", "show_stack", "show_trace_log_lvl",
		"panic", "vpanic", "__warn", "warn_slowpath_fmt", "report_bug",
		"handle_bug", "exc_invalid_op", "asm_exc_invalid_op", "die",
		"__die", "oops_end", "_printk", "printk", "vprintk",
		"kgdb_breakpoint", "kgdb_panic", "__schedule_bug",
		"__might_resched", "__might_sleep",
		/* where a panic loop waits */
		"delay_loop", "delay_tsc", "__delay", "__const_udelay",
		"__udelay", "mdelay", "panic_smp_self_stop", "native_safe_halt",
		"cpu_relax",
	};
	size_t	i, n;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		n = strlen(names[i]);
		/* "panic.cold" is still panic */
		if (strncmp(f, names[i], n) == 0 &&
		    (f[n] == '\0' || f[n] == '.'))
			return (true);
	}
	return (false);
}

const struct tui_frame *
tui_oops_where(const struct tui_oops *o)
{
	size_t	i;

	if (o->has_rip)
		return (&o->rip);
	for (i = 0; i < o->nframes; i++)
		if (!o->frames[i].unreliable && o->frames[i].func[0] != '\0' &&
		    !tui_frame_is_reporting(o->frames[i].func))
			return (&o->frames[i]);
	return (NULL);
}

size_t
tui_frame_format(const struct tui_frame *f, char *buf, size_t buflen)
{
	int	n;

	if (buflen == 0)
		return (0);
	if (f->func[0] == '\0')
		n = snprintf(buf, buflen, "0x%" PRIx64, f->addr);
	else if (f->module[0] != '\0')
		n = snprintf(buf, buflen, "%s+0x%" PRIx64 "/0x%" PRIx64 " [%s]",
		    f->func, f->off, f->size, f->module);
	else
		n = snprintf(buf, buflen, "%s+0x%" PRIx64 "/0x%" PRIx64,
		    f->func, f->off, f->size);
	if (n < 0)
		n = 0;
	return ((size_t)n < buflen ? (size_t)n : buflen - 1);
}

const char *
tui_oops_kind_name(enum tui_oops_kind k)
{
	switch (k) {
	case TUI_OOPS_BUG:	return ("BUG");
	case TUI_OOPS_OOPS:	return ("Oops");
	case TUI_OOPS_GPF:	return ("general protection fault");
	case TUI_OOPS_KBUG:	return ("kernel BUG");
	case TUI_OOPS_PANIC:	return ("panic");
	case TUI_OOPS_WARN:	return ("warning");
	case TUI_OOPS_ARM64:	return ("arm64 fault");
	}
	return ("?");
}
