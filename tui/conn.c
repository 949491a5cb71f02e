/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/conn.c: one connection to the bridge's control socket.
 *
 * Requests are short lines written whole (a Unix socket to a local
 * daemon); replies and events are read only when poll(2) says so, and
 * handed out a line at a time. A line longer than TUI_CONN_LINE_MAX is
 * the bridge misbehaving: the connection reports an error.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <unistd.h>

#include "tui/tui.h"

struct tui_conn {
	int	 fd;
	char	*buf;		/* bytes read, not yet handed out */
	size_t	 len, off;	/* off: start of the next line */
};

struct tui_conn *
tui_conn_open(const char *path, char *err)
{
	struct sockaddr_un	 sun;
	struct tui_conn		*c;
	int			 fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		snprintf(err, TUI_ERRLEN, "socket path too long: %s", path);
		return (NULL);
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, TUI_ERRLEN, "socket: %s", strerror(errno));
		return (NULL);
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		snprintf(err, TUI_ERRLEN, "cannot connect to %s: %s", path,
		    strerror(errno));
		close(fd);
		return (NULL);
	}
	c = tui_xcalloc(1, sizeof *c);
	c->fd = fd;
	c->buf = tui_xcalloc(1, TUI_CONN_LINE_MAX + 1);
	return (c);
}

void
tui_conn_free(struct tui_conn *c)
{
	if (c == NULL)
		return;
	close(c->fd);
	free(c->buf);
	free(c);
}

int
tui_conn_fd(const struct tui_conn *c)
{
	return (c->fd);
}

int
tui_conn_send(struct tui_conn *c, const char *line)
{
	size_t	 len = strlen(line), done = 0;
	ssize_t	 n;

	while (done <= len) {
		if (done == len)
			n = write(c->fd, "\n", 1);
		else
			n = write(c->fd, line + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return (-1);
		done += (size_t)n;
	}
	return (0);
}

int
tui_conn_read(struct tui_conn *c)
{
	ssize_t	n;

	if (c->off > 0) {
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->off = 0;
	}
	if (c->len == TUI_CONN_LINE_MAX)
		return (-1);	/* no newline in a whole buffer */
	do
		n = read(c->fd, c->buf + c->len, TUI_CONN_LINE_MAX - c->len);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return (-1);
	c->len += (size_t)n;
	return (0);
}

const char *
tui_conn_line(struct tui_conn *c)
{
	char	*start = c->buf + c->off, *nl;

	nl = memchr(start, '\n', c->len - c->off);
	if (nl == NULL)
		return (NULL);
	*nl = '\0';
	c->off = (size_t)(nl - c->buf) + 1;
	return (start);
}
