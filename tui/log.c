/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/log.c: the log pane's model: a ring of sanitized lines from the
 * console and from printk records, the scroll position and the search.
 * Pure (layer 0): the live session (live.c) fills it, view_log.c draws it.
 */
#include <inttypes.h>

#include "tui/tui.h"

struct logline {
	char		*text;
	uint64_t	 ts;
	uint64_t	 seq;
	int		 level;		/* -1: unknown */
	bool		 has_ts, has_seq;
};

struct tui_log {
	struct logline	*lines;
	size_t		 cap, head, n;	/* ring: oldest at head */
	size_t		 scroll;	/* lines hidden below the view */
	bool		 follow;
	char		 pat[64];
	long		 match;		/* line index, or -1 */
	int		 last_h;	/* rows of lines at the last draw */
	char		 partial[TUI_LOG_LINE_MAX];
	size_t		 plen;
	char		 note[TUI_LOG_NOTE_MAX];
};

struct tui_log *
tui_log_new(size_t cap)
{
	struct tui_log	*l = tui_xcalloc(1, sizeof *l);

	l->cap = cap > 0 ? cap : 1;
	l->lines = tui_xcalloc(l->cap, sizeof *l->lines);
	l->follow = true;
	l->match = -1;
	l->last_h = 1;
	return (l);
}

void
tui_log_free(struct tui_log *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->lines[(l->head + i) % l->cap].text);
	free(l->lines);
	free(l);
}

static struct logline *
line_at(const struct tui_log *l, size_t i)
{
	return (&l->lines[(l->head + i) % l->cap]);
}

static void
push(struct tui_log *l, const char *raw, size_t len, int level, bool has_ts,
    uint64_t ts, bool has_seq, uint64_t seq)
{
	char		 buf[TUI_LOG_LINE_MAX];
	struct logline	*ln;

	tui_sanitize(buf, sizeof buf, raw, len);
	if (l->n == l->cap) {
		free(line_at(l, 0)->text);
		l->head = (l->head + 1) % l->cap;
		l->n--;
		if (l->match >= 0)
			l->match--;
	}
	ln = line_at(l, l->n++);
	*ln = (struct logline){ tui_xstrndup(buf, strlen(buf)), ts, seq,
	    level, has_ts, has_seq };
	/* A reader scrolled back keeps looking at the same lines. */
	if (!l->follow && l->scroll + 1 < l->n)
		l->scroll++;
}

/* The console carries no levels: colour the lines that start reports. */
static int
guess_level(const char *s, size_t len)
{
	static const char *const emerg[] = {
		"Kernel panic - not syncing", "BUG: ", "Oops: ",
		"general protection fault", "kernel BUG at ", "Internal error: ",
		"Unable to handle kernel ",
	};
	size_t	i, n;

	for (i = 0; i < sizeof emerg / sizeof emerg[0]; i++) {
		n = strlen(emerg[i]);
		if (len >= n && memcmp(s, emerg[i], n) == 0)
			return (0);
	}
	if (len >= 9 && memcmp(s, "WARNING: ", 9) == 0)
		return (4);
	return (-1);
}

static void
console_line(struct tui_log *l, const char *s, size_t len)
{
	int		 level = -1;
	uint64_t	 ts = 0;
	size_t		 n;

	while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	/* console_msg_format=syslog puts "<N>" first */
	if (len >= 3 && s[0] == '<' && s[1] >= '0' && s[1] <= '7' &&
	    s[2] == '>') {
		level = s[1] - '0';
		s += 3;
		len -= 3;
	}
	n = tui_strip_timestamp(s, len, &ts);
	if (level < 0)
		level = guess_level(s + n, len - n);
	push(l, s + n, len - n, level, n > 0, ts, false, 0);
}

void
tui_log_console(struct tui_log *l, const char *text, size_t len)
{
	const char	*nl;
	size_t		 n;

	while (len > 0) {
		nl = memchr(text, '\n', len);
		n = nl != NULL ? (size_t)(nl - text) : len;
		if (l->plen + n > sizeof l->partial)
			n = sizeof l->partial - l->plen;
		memcpy(l->partial + l->plen, text, n);
		l->plen += n;
		if (nl == NULL) {
			if (l->plen == sizeof l->partial) {
				console_line(l, l->partial, l->plen);
				l->plen = 0;
			}
			return;
		}
		console_line(l, l->partial, l->plen);
		l->plen = 0;
		n = (size_t)(nl - text) + 1;
		text += n;
		len -= n;
	}
}

void
tui_log_record(struct tui_log *l, const struct tui_printk_rec *r)
{
	const char	*s = r->text, *nl;
	size_t		 len = r->len, n;

	/* A record seen before, still at the end: take its new text. */
	while (l->n > 0 && line_at(l, l->n - 1)->has_seq &&
	    line_at(l, l->n - 1)->seq == r->seq) {
		free(line_at(l, l->n - 1)->text);
		l->n--;
	}
	if (r->lost) {
		push(l, "<record lost>", 13, r->level, true, r->ts_nsec, true,
		    r->seq);
		return;
	}
	do {
		nl = memchr(s, '\n', len);
		n = nl != NULL ? (size_t)(nl - s) : len;
		push(l, s, n, r->level, true, r->ts_nsec, true, r->seq);
		if (nl == NULL)
			break;
		s += n + 1;
		len -= n + 1;
	} while (len > 0);
}

size_t
tui_log_count(const struct tui_log *l)
{
	return (l->n);
}

const char *
tui_log_text(const struct tui_log *l, size_t i)
{
	return (i < l->n ? line_at(l, i)->text : NULL);
}

void
tui_log_scroll(struct tui_log *l, int delta)
{
	long	s = (long)l->scroll + delta;
	long	max = (long)l->n - 1;

	if (s < 0)
		s = 0;
	if (s > max)
		s = max < 0 ? 0 : max;
	l->scroll = (size_t)s;
	if (delta > 0)
		l->follow = false;
	else if (delta < 0 && l->scroll == 0)
		l->follow = true;	/* back at the bottom */
}

void
tui_log_follow(struct tui_log *l)
{
	l->scroll = 0;
	l->follow = true;
}

bool
tui_log_following(const struct tui_log *l)
{
	return (l->follow);
}

long
tui_log_search(struct tui_log *l, const char *pat, bool older)
{
	long	i, start, bottom;

	if (pat[0] == '\0') {
		l->pat[0] = '\0';
		l->match = -1;
		return (-1);
	}
	if (strcmp(pat, l->pat) != 0) {
		snprintf(l->pat, sizeof l->pat, "%s", pat);
		l->match = -1;
	}
	if (l->n == 0)
		return (-1);
	bottom = (long)l->n - 1 - (long)l->scroll;
	if (l->match >= 0)
		start = l->match + (older ? -1 : 1);
	else
		start = bottom;
	for (i = start; i >= 0 && i < (long)l->n; i += older ? -1 : 1) {
		if (strstr(line_at(l, (size_t)i)->text, l->pat) != NULL) {
			l->match = i;
			/* Bring the match into view, not at the very edge. */
			if (i > bottom || i <= bottom - l->last_h) {
				long s = (long)l->n - 1 - i - l->last_h / 2;

				if (s < 0)
					s = 0;
				l->scroll = (size_t)s;
			}
			l->follow = false;
			return (i);
		}
	}
	return (-1);
}

bool
tui_log_line(const struct tui_log *l, size_t i, struct tui_log_line *out)
{
	const struct logline	*ln;

	if (i >= l->n)
		return (false);
	ln = line_at(l, i);
	out->text = ln->text;
	out->ts = ln->ts;
	out->level = ln->level;
	out->has_ts = ln->has_ts;
	return (true);
}

size_t
tui_log_scrolled(const struct tui_log *l)
{
	return (l->scroll);
}

const char *
tui_log_pattern(const struct tui_log *l, long *match_out)
{
	*match_out = l->match;
	return (l->pat);
}

void
tui_log_set_rows(struct tui_log *l, int rows)
{
	l->last_h = rows > 0 ? rows : 1;
}

void
tui_log_set_note(struct tui_log *l, const char *note)
{
	snprintf(l->note, sizeof l->note, "%s", note != NULL ? note : "");
}

const char *
tui_log_note(const struct tui_log *l)
{
	return (l->note);
}
