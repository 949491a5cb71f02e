/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/log.c: the daemon's diagnostic log (not the console transcript).
 *
 * One sink and one level for the whole process: the two globals style.md
 * rule 7 allows. Lines go to stderr, or to a descriptor given to
 * br_log_init: opening a file is the caller's (files.c is a layer above),
 * so the log, which every file calls, calls none.
 * While the terminal is in raw input mode, output post-processing is kept
 * on (console.c), so a plain '\n' still ends a line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bridge/bridge.h"

static int	log_fd = STDERR_FILENO;
static int	log_level = BR_LOG_INFO;

static const char *const log_names[] = { "error", "warning", "", "debug" };

void
br_log_init(int fd, int level)
{
	log_level = level;
	if (fd == -1 || fd == log_fd)
		return;
	if (log_fd != STDERR_FILENO)
		close(log_fd);
	log_fd = fd;
}

void
br_logv(int level, const char *fmt, va_list ap)
{
	char	 line[1024];
	int	 n, m;

	if (level > log_level)
		return;
	if (level == BR_LOG_INFO)
		n = snprintf(line, sizeof line, "kgdb-bridge: ");
	else
		n = snprintf(line, sizeof line, "kgdb-bridge: %s: ",
		    log_names[level]);
	m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n > sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	/* One write per line: lines from a killed daemon stay whole. */
	if (write(log_fd, line, (size_t)n) == -1) {
		/* Nowhere left to complain. */
	}
}

void
br_log(int level, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	br_logv(level, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	char	msg[768];
	int	saved = errno;
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	br_log(BR_LOG_ERROR, "%s: %s", msg, strerror(saved));
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	br_logv(BR_LOG_ERROR, fmt, ap);
	va_end(ap);
	exit(1);
}

void
br_seterr(char *err, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err, BR_ERRLEN, fmt, ap);
	va_end(ap);
}

void
br_voutf(void (*out)(void *, const char *, size_t), void *arg,
    const char *fmt, va_list ap)
{
	char	buf[1024];
	int	n;

	n = vsnprintf(buf, sizeof buf, fmt, ap);
	if (n < 0 || out == NULL)
		return;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	out(arg, buf, (size_t)n);
}
