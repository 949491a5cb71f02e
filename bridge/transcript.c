/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/transcript.c: the console transcript and the protocol trace.
 *
 * Transcript format, one record per console line:
 *
 *   2026-11-22T04:23:30.123Z 1234.567 tgt  text of the line
 *
 * wall clock (UTC), monotonic seconds, source tag (tgt, con2, brg, mark),
 * then the line. A line split by another source, or still open, goes out
 * as it arrives; its rest follows later under the tag with a '+' ("tgt+").
 * The CR of a CR LF is dropped; other control bytes and backslash are
 * written as \xNN and \\, so every byte can be recovered.
 *
 * Both files are opened O_APPEND with mode 0600 and written with one
 * write(2) per chunk: nothing sits in a user-space buffer, so a killed
 * bridge loses nothing. br_open_private (files.c) refuses symlinks,
 * FIFOs, devices and other users' files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bridge/bridge.h"

#define TR_BUF	8192

struct br_transcript {
	int		 log_fd;	/* -1: none */
	int		 trace_fd;	/* -1: none */
	bool		 open_line;	/* a record is started, no '\n' yet */
	enum br_source	 src;		/* source of the open record */
	bool		 pending_cr;	/* a CR waits to see if LF follows */
	bool		 cut[3];	/* that source's line was cut off */
	char		 buf[TR_BUF];
	size_t		 len;
};

static const char *const tr_tags[] = { "tgt", "con2", "brg" };

struct br_transcript *
br_transcript_new(const char *log_path, const char *trace_path, char *err)
{
	struct br_transcript	*tr;

	tr = xcalloc(1, sizeof *tr);
	tr->log_fd = tr->trace_fd = -1;
	if (log_path != NULL && (tr->log_fd = br_open_private(log_path, "--log",
	    err)) == -1)
		goto fail;
	if (trace_path != NULL &&
	    (tr->trace_fd = br_open_private(trace_path, "--trace",
	    err)) == -1)
		goto fail;
	return (tr);
fail:
	br_transcript_free(tr);
	return (NULL);
}

static void
tr_write(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			/* Disk full or gone: say so once per failure. */
			log_warn("transcript write: %s", strerror(errno));
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void
tr_flush(struct br_transcript *tr)
{
	if (tr->len > 0)
		tr_write(tr->log_fd, tr->buf, tr->len);
	tr->len = 0;
}

static void
tr_put(struct br_transcript *tr, const char *s, size_t len)
{
	if (tr->len + len > sizeof tr->buf)
		tr_flush(tr);
	memcpy(tr->buf + tr->len, s, len);
	tr->len += len;
}

/* "2026-11-22T04:23:30.123Z 1234.567 " */
static size_t
tr_stamp(char *out, size_t max)
{
	struct timespec	 ts;
	struct tm	 tm;
	uint64_t	 mono = br_now_ms();
	size_t		 n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(out, max, "%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(out + n, max - n, ".%03ldZ %llu.%03llu ",
	    ts.tv_nsec / 1000000, (unsigned long long)(mono / 1000),
	    (unsigned long long)(mono % 1000));
	return (n);
}

static void
tr_begin(struct br_transcript *tr, enum br_source src)
{
	char	h[96];
	size_t	n;
	bool	cont = tr->cut[src];

	tr->cut[src] = false;

	n = tr_stamp(h, sizeof h);
	n += (size_t)snprintf(h + n, sizeof h - n, "%s%s ", tr_tags[src],
	    cont ? "+" : "");
	tr_put(tr, h, n);
	tr->open_line = true;
	tr->src = src;
}

static void
tr_end(struct br_transcript *tr)
{
	tr_put(tr, "\n", 1);
	tr->open_line = false;
}

static void
tr_byte(struct br_transcript *tr, uint8_t c)
{
	char	esc[5];

	if (c == '\\')
		tr_put(tr, "\\\\", 2);
	else if ((c < 0x20 && c != '\t') || c == 0x7f) {
		snprintf(esc, sizeof esc, "\\x%02x", c);
		tr_put(tr, esc, 4);
	} else
		tr_put(tr, (const char *)&c, 1);
}

void
br_transcript_console(struct br_transcript *tr, enum br_source src,
    const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	size_t		 i;

	if (tr == NULL || tr->log_fd == -1 || len == 0)
		return;
	if ((unsigned)src > BR_SRC_BRIDGE)
		src = BR_SRC_BRIDGE;
	if (tr->open_line && tr->src != src) {
		/* Another source cuts in: close this record; it resumes
		 * later as a continuation. */
		if (tr->pending_cr) {
			tr_byte(tr, '\r');
			tr->pending_cr = false;
		}
		tr_end(tr);
		tr->cut[tr->src] = true;
	}
	for (i = 0; i < len; i++) {
		if (!tr->open_line)
			tr_begin(tr, src);
		if (tr->pending_cr) {
			tr->pending_cr = false;
			if (p[i] == '\n') {
				tr_end(tr);
				continue;
			}
			tr_byte(tr, '\r');
		}
		if (p[i] == '\n')
			tr_end(tr);
		else if (p[i] == '\r')
			tr->pending_cr = true;
		else
			tr_byte(tr, p[i]);
	}
	tr_flush(tr);
}

/* A br_notify() sink: panics and user marks go in the transcript. */
void
br_transcript_note(struct br_transcript *tr, enum br_note note,
    const char *text)
{
	if (note == BR_NOTE_PANIC || note == BR_NOTE_MARK)
		br_transcript_mark(tr, text);
}

void
br_transcript_mark(struct br_transcript *tr, const char *text)
{
	char	h[96];
	size_t	n, i;

	if (tr == NULL || tr->log_fd == -1)
		return;
	if (tr->open_line) {
		if (tr->pending_cr)
			tr_byte(tr, '\r');
		tr->pending_cr = false;
		tr_end(tr);
		tr->cut[tr->src] = true;
	}
	n = tr_stamp(h, sizeof h);
	tr_put(tr, h, n);
	tr_put(tr, "mark ==== ", 10);
	for (i = 0; text[i] != '\0' && i < 1024; i++)
		tr_byte(tr, (uint8_t)text[i]);
	tr_put(tr, " ====\n", 6);
	tr_flush(tr);
}

void
br_transcript_packet(struct br_transcript *tr, char dir, const void *buf,
    size_t len, const char *note)
{
	char		*line, esc[5];
	const uint8_t	*p = buf;
	size_t		 n, i, max;

	if (tr == NULL || tr->trace_fd == -1)
		return;
	max = 128 + 4 * len + (note != NULL ? strlen(note) : 0);
	line = xmalloc(max);
	n = tr_stamp(line, max);
	n += (size_t)snprintf(line + n, max - n, "%c len=%zu%s%s ", dir, len,
	    note != NULL ? " " : "", note != NULL ? note : "");
	for (i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] >= 0x7f || p[i] == '\\') {
			snprintf(esc, sizeof esc, "\\x%02x", p[i]);
			memcpy(line + n, esc, 4);
			n += 4;
		} else
			line[n++] = (char)p[i];
	}
	line[n++] = '\n';
	tr_write(tr->trace_fd, line, n);
	free(line);
}

/*
 * SIGHUP (logrotate): the open record is ended and written, then each
 * file is opened again at its path. On failure the old file is kept, so
 * nothing is lost, and -1 says why.
 */
int
br_transcript_reopen(struct br_transcript *tr, const char *log_path,
    const char *trace_path, char *err)
{
	int	fd, rc = 0;

	if (tr == NULL)
		return (0);
	if (tr->log_fd != -1 && log_path != NULL) {
		if (tr->open_line)
			tr_end(tr);
		tr_flush(tr);
		if ((fd = br_open_private(log_path, "--log", err)) == -1)
			rc = -1;
		else {
			close(tr->log_fd);
			tr->log_fd = fd;
		}
	}
	if (tr->trace_fd != -1 && trace_path != NULL) {
		if ((fd = br_open_private(trace_path, "--trace", err)) == -1)
			rc = -1;
		else {
			close(tr->trace_fd);
			tr->trace_fd = fd;
		}
	}
	return (rc);
}

void
br_transcript_free(struct br_transcript *tr)
{
	if (tr == NULL)
		return;
	if (tr->log_fd != -1) {
		if (tr->open_line) {
			tr_end(tr);
			tr_flush(tr);
		}
		close(tr->log_fd);
	}
	if (tr->trace_fd != -1)
		close(tr->trace_fd);
	free(tr);
}
