/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/transport_fd.c: plain file descriptors. Two backends:
 *
 *  fd    a tty opened with termios: ptys (QEMU -serial pty), which
 *        libserialport refuses, and any device it does not know.
 *  sock  TCP and Unix stream sockets (terminal servers, QEMU sockets).
 *
 * Both are non-blocking; a read of 0 bytes, EIO (a pty whose other side
 * closed) or a reset means the link is gone.
 */
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "bridge/transport.h"

struct fd_priv {
	int	fd;
};

void
br_open_error(char *err, const char *path, int errnum)
{
	switch (errnum) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		br_seterr(err, "cannot open %s: no such device (is it "
		    "plugged in? try ls /dev/serial/by-id/)", path);
		break;
	case EBUSY:
	case EWOULDBLOCK:
		br_seterr(err, "%s is busy: another program has it open "
		    "(another kgdb-bridge, screen, minicom, ModemManager?)",
		    path);
		break;
	case EACCES:
	case EPERM:
		br_seterr(err, "cannot open %s: permission denied (join the "
		    "dialout group: sudo usermod -aG dialout $USER, then log "
		    "in again)", path);
		break;
	case ECONNREFUSED:
		br_seterr(err, "cannot connect to %s: connection refused "
		    "(nothing listening there yet?)", path);
		break;
	default:
		br_seterr(err, "cannot open %s: %s", path, strerror(errnum));
		break;
	}
}

int
br_check_device(const char *name, const char *path, int fd, char *err)
{
	struct stat	st;
	const char	*what;

	if ((fd != -1 ? fstat(fd, &st) : stat(path, &st)) == -1) {
		br_open_error(err, name, errno);
		return (-1);
	}
	if (S_ISCHR(st.st_mode))
		return (0);
	if (S_ISSOCK(st.st_mode)) {
		br_seterr(err, "%s is a Unix socket, not a device: give it as "
		    "unix:%s", name, name);
		return (-1);
	}
	if (S_ISREG(st.st_mode))
		what = "a regular file";
	else if (S_ISDIR(st.st_mode))
		what = "a directory";
	else if (S_ISFIFO(st.st_mode))
		what = "a FIFO";
	else if (S_ISBLK(st.st_mode))
		what = "a block device";
	else
		what = "not a device";
	br_seterr(err, "%s is %s, not a serial port or terminal: refusing "
	    "it (the bridge would write keystrokes into it)", name, what);
	return (-1);
}

ssize_t
br_fd_read(int fd, void *buf, size_t len, char *err)
{
	ssize_t	n;

	n = read(fd, buf, len);
	if (n > 0)
		return (n);
	if (n == 0) {
		br_seterr(err, "end of file (the other side closed)");
		return (-1);
	}
	if (errno == EAGAIN || errno == EINTR)
		return (0);
	if (errno == EIO)
		br_seterr(err, "hung up");
	else
		br_seterr(err, "%s", strerror(errno));
	return (-1);
}

ssize_t
br_fd_write(int fd, const void *buf, size_t len, char *err)
{
	ssize_t	n;

	n = send(fd, buf, len, MSG_NOSIGNAL|MSG_DONTWAIT);
	if (n == -1 && errno == ENOTSOCK)
		n = write(fd, buf, len);
	if (n >= 0)
		return (n);
	if (errno == EAGAIN || errno == EINTR)
		return (0);
	br_seterr(err, "%s", strerror(errno));
	return (-1);
}

/* ---- fd: a tty with termios */

static speed_t
fd_speed(int baud)
{
	static const struct { int baud; speed_t sp; } tab[] = {
		{ 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 },
		{ 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 },
		{ 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 },
		{ 460800, B460800 }, { 500000, B500000 }, { 576000, B576000 },
		{ 921600, B921600 }, { 1000000, B1000000 },
		{ 1500000, B1500000 }, { 2000000, B2000000 },
		{ 3000000, B3000000 }, { 4000000, B4000000 },
	};
	size_t	i;

	for (i = 0; i < sizeof tab / sizeof tab[0]; i++) {
		if (tab[i].baud == baud)
			return (tab[i].sp);
	}
	return (B0);
}

/* The tty's line settings from the options: raw, baud, framing, flow. */
static int
fd_termios(struct br_transport *t, int fd, char *err)
{
	const struct br_opts	*o = t->o;
	struct termios		 tio;
	speed_t			 sp;

	if (tcgetattr(fd, &tio) == -1) {
		br_seterr(err, "%s: not a terminal: %s", t->path,
		    strerror(errno));
		return (-1);
	}
	cfmakeraw(&tio);
	tio.c_cflag |= CLOCAL|CREAD;
	tio.c_cflag &= ~(CSIZE|PARENB|PARODD|CSTOPB|CRTSCTS);
	tio.c_cflag |= o->data_bits == 5 ? CS5 : o->data_bits == 6 ? CS6 :
	    o->data_bits == 7 ? CS7 : CS8;
	if (o->parity == 'e')
		tio.c_cflag |= PARENB;
	else if (o->parity == 'o')
		tio.c_cflag |= PARENB|PARODD;
	if (o->stop_bits == 2)
		tio.c_cflag |= CSTOPB;
	tio.c_iflag &= ~(IXON|IXOFF|IXANY);
	if (o->flow != NULL && strcmp(o->flow, "rtscts") == 0)
		tio.c_cflag |= CRTSCTS;
	else if (o->flow != NULL && strcmp(o->flow, "xonxoff") == 0)
		tio.c_iflag |= IXON|IXOFF;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	if (o->baud > 0) {
		if ((sp = fd_speed(o->baud)) == B0) {
			br_seterr(err, "%s: baud rate %d is not a standard "
			    "rate this backend can set", t->path, o->baud);
			return (-1);
		}
		cfsetispeed(&tio, sp);
		cfsetospeed(&tio, sp);
		t->baud = o->baud;
	}
	if (tcsetattr(fd, TCSANOW, &tio) == -1) {
		br_seterr(err, "%s: cannot set line settings: %s", t->path,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/* Open a tty or pty path, checked to be what was asked for. */
static int
fd_open(struct br_transport *t, char *err)
{
	struct fd_priv	*p;
	int		 fd;

	fd = open(t->path, O_RDWR|O_NOCTTY|O_NONBLOCK|O_CLOEXEC);
	if (fd == -1) {
		t->errnum = errno;
		br_open_error(err, t->path, errno);
		return (-1);
	}
	/* What was opened, not what the path named a moment ago. */
	if (br_check_device(t->path, t->path, fd, err) == -1) {
		t->errnum = ENOTTY;
		close(fd);
		return (-1);
	}
	/* A second bridge (or picocom, which locks the same way) fails
	 * here at once instead of sharing the line. */
	if (flock(fd, LOCK_EX|LOCK_NB) == -1) {
		t->errnum = errno == EWOULDBLOCK ? EBUSY : errno;
		br_open_error(err, t->path, t->errnum);
		close(fd);
		return (-1);
	}
	if (isatty(fd)) {
		if (fd_termios(t, fd, err) == -1) {
			t->errnum = EINVAL;
			close(fd);
			return (-1);
		}
		ioctl(fd, TIOCEXCL);
	}
	/* A pty cannot carry a BREAK to QEMU's UART; a real tty can. */
	t->caps = BR_LINK_HAS_BAUD;
	if (strncmp(t->path, "/dev/pts/", 9) != 0)
		t->caps |= BR_LINK_CAN_BREAK;
	else
		t->baud = 0;
	p = xcalloc(1, sizeof *p);
	p->fd = fd;
	t->priv = p;
	return (0);
}

static void
fd_close(struct br_transport *t)
{
	struct fd_priv	*p = t->priv;

	if (p == NULL)
		return;
	close(p->fd);
	free(p);
	t->priv = NULL;
}

static int
fd_fd(const struct br_transport *t)
{
	const struct fd_priv	*p = t->priv;

	return (p != NULL ? p->fd : -1);
}

static ssize_t
fd_read(struct br_transport *t, void *buf, size_t len, char *err)
{
	return (br_fd_read(fd_fd(t), buf, len, err));
}

static ssize_t
fd_write(struct br_transport *t, const void *buf, size_t len, char *err)
{
	return (br_fd_write(fd_fd(t), buf, len, err));
}

static int
fd_send_break(struct br_transport *t, bool on, char *err)
{
	if (!(t->caps & BR_LINK_CAN_BREAK)) {
		br_seterr(err, "%s cannot send a BREAK", t->path);
		return (-1);
	}
	if (ioctl(fd_fd(t), on ? TIOCSBRK : TIOCCBRK) == -1) {
		br_seterr(err, "BREAK on %s: %s", t->path, strerror(errno));
		return (-1);
	}
	return (on ? 1 : 0);
}

const struct br_transport_ops br_transport_fd_ops = {
	.name = "tty",
	.open = fd_open,
	.close = fd_close,
	.fd = fd_fd,
	.read = fd_read,
	.write = fd_write,
	.drain = NULL,
	.send_break = fd_send_break,
};

/* ---- sock: TCP and Unix stream sockets */

/* Connect to a unix:, tcp: or telnet: target; errno-like reason on failure. */
int
br_sock_connect(const struct br_opts *o, int *errnum, char *err)
{
	struct addrinfo		 hints, *res = NULL, *ai;
	struct sockaddr_un	 sun;
	char			 where[300];
	int			 fd = -1, on = 1, rc;

	if (o->kind == BR_TK_UNIX) {
		snprintf(where, sizeof where, "unix:%s", o->path);
		memset(&sun, 0, sizeof sun);
		sun.sun_family = AF_UNIX;
		if (strlen(o->path) >= sizeof sun.sun_path) {
			*errnum = ENAMETOOLONG;
			br_seterr(err, "unix socket path too long: %s",
			    o->path);
			return (-1);
		}
		strcpy(sun.sun_path, o->path);
		fd = socket(AF_UNIX, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC,
		    0);
		if (fd == -1)
			goto fail;
		if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1 &&
		    errno != EINPROGRESS && errno != EAGAIN)
			goto fail;
		return (fd);
	}

	snprintf(where, sizeof where, "%s:%s", o->path, o->port);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(o->path, o->port, &hints, &res)) != 0) {
		*errnum = ENOENT;
		br_seterr(err, "cannot resolve %s: %s", o->path,
		    gai_strerror(rc));
		return (-1);
	}
	errno = ECONNREFUSED;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family,
		    ai->ai_socktype|SOCK_NONBLOCK|SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1)
			continue;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    errno == EINPROGRESS)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		goto fail;
	return (fd);
fail:
	*errnum = errno;
	br_open_error(err, where, errno);
	if (fd != -1)
		close(fd);
	return (-1);
}

static int
sock_open(struct br_transport *t, char *err)
{
	struct fd_priv	*p;
	int		 fd;

	if ((fd = br_sock_connect(t->o, &t->errnum, err)) == -1)
		return (-1);
	p = xcalloc(1, sizeof *p);
	p->fd = fd;
	t->priv = p;
	t->caps = 0;
	t->baud = 0;
	return (1);
}

static int
sock_send_break(struct br_transport *t, bool on, char *err)
{
	(void)on;
	br_seterr(err, "a raw %s socket cannot carry a BREAK (use telnet: "
	    "with RFC 2217, or run echo g > /proc/sysrq-trigger on the target)",
	    t->o->kind == BR_TK_UNIX ? "Unix" : "TCP");
	return (-1);
}

const struct br_transport_ops br_transport_sock_ops = {
	.name = "socket",
	.open = sock_open,
	.close = fd_close,
	.fd = fd_fd,
	.read = fd_read,
	.write = fd_write,
	.drain = NULL,
	.send_break = sock_send_break,
};
