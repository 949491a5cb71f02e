/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/transport.h: private to link.c and the bridge/transport_*.c
 * backends (style.md rule 11). The link owns the loop events, the output
 * queue and reconnects; a transport only opens, moves bytes, and sends
 * BREAK in its own way.
 */
#ifndef BRIDGE_TRANSPORT_H
#define BRIDGE_TRANSPORT_H

#include <sys/types.h>

#include "bridge/bridge.h"

struct br_transport;

struct br_transport_ops {
	const char	*name;
	/* 0: open; 1: connecting (the link waits for the fd to be
	 * writable, then checks SO_ERROR); -1: failed, err filled and
	 * t->errnum set (ENOENT, EBUSY, EACCES, …). */
	int		 (*open)(struct br_transport *t, char *err);
	void		 (*close)(struct br_transport *t);
	int		 (*fd)(const struct br_transport *t);
	/* > 0: bytes read; 0: nothing now; -1: the link is gone. Called
	 * once per readable event. */
	ssize_t		 (*read)(struct br_transport *t, void *buf, size_t len,
			     char *err);
	/* Bytes of buf taken (0: would block); -1: the link is gone. */
	ssize_t		 (*write)(struct br_transport *t, const void *buf,
			     size_t len, char *err);
	/* Push bytes the transport queued itself (telnet replies): 0 all
	 * out, 1 some left (wait for writable), -1 gone. May be NULL. */
	int		 (*drain)(struct br_transport *t, char *err);
	/* on=true starts a BREAK: -1 cannot, 0 done in one go, 1 started
	 * (the link holds output and calls again with on=false after
	 * BR_BREAK_MS). */
	int		 (*send_break)(struct br_transport *t, bool on,
			     char *err);
};

#define BR_BREAK_MS	250	/* what tcsendbreak(fd, 0) gives on Linux */

struct br_transport {
	const struct br_transport_ops *ops;
	const struct br_opts	*o;
	char		 path[4096];	/* resolved device path, if any */
	int		 caps;		/* BR_LINK_* */
	int		 baud;		/* in effect, 0 if none applies */
	int		 errnum;	/* errno of the last open failure */
	void		*priv;
};

extern const struct br_transport_ops br_transport_fd_ops;
extern const struct br_transport_ops br_transport_sock_ops;
extern const struct br_transport_ops br_transport_telnet_ops;
extern const struct br_transport_ops br_transport_serial_ops;

/* transport_serial.c, exposed for tests: the link's BR_LINK_* caps from a
 * USB identity (vid/pid -1 if none), the tty's driver name and its path;
 * and lowering an FTDI-style latency timer under SYSROOT ("/sys"):
 * 1 lowered, 0 nothing to do, -1 could not. */
int	 br_serial_classify(int vid, int pid, const char *driver,
	    const char *path);
int	 br_serial_latency(const char *sysroot, const char *path);

/* transport_fd.c helpers shared with the telnet backend. */
int	 br_sock_connect(const struct br_opts *o, int *errnum, char *err);
ssize_t	 br_fd_read(int fd, void *buf, size_t len, char *err);
ssize_t	 br_fd_write(int fd, const void *buf, size_t len, char *err);
/* One clear line for an open failure of path (ENOENT, EBUSY, EACCES). */
void	 br_open_error(char *err, const char *path, int errnum);
/* 0 when fd (or path, if fd is -1) is a character device, as a serial
 * port or tty is; else -1 with err saying what it is (regular file, FIFO,
 * Unix socket, ...) under the name the user gave. */
int	 br_check_device(const char *name, const char *path, int fd,
	    char *err);
/* Find a libserialport port by USB identity; fills t->path. */
int	 br_serial_find_usb(struct br_transport *t, char *err);
/* Whether path is a libserialport-capable serial device (not a pty). */
bool	 br_serial_supported(const char *path);

#endif
