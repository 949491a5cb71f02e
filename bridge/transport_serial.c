/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/transport_serial.c: local serial ports through libserialport
 * (the only file that includes it, style.md rule 6).
 *
 * sp_open takes the port exclusively, so a second bridge fails at once.
 * The loop watches sp_get_port_handle; bytes move with the non-blocking
 * calls. sp_nonblocking_read returns 0 for "nothing" and for "unplugged"
 * alike, so a readable port that gives 0 bytes is taken as unplugged.
 *
 * USB identity decides the quirks: the EHCI debug port cable (0525:127a,
 * usb_debug) and g_dbgp have no baud rate and no BREAK and lose bytes
 * >= 0x80 (kgdbdbgp); xHCI DbC (1d6b:0010/0011) carries a console but no
 * kgdb. FTDI-style adapters get their latency timer lowered to 1 ms.
 */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libserialport.h>

#include "bridge/transport.h"

struct ser_priv {
	struct sp_port	*port;
	int		 fd;
};

static void
ser_error(char *err, const char *what, const char *path)
{
	char	*msg = sp_last_error_message();

	br_seterr(err, "%s %s: %s", what, path, msg != NULL ? msg : "failed");
	sp_free_error_message(msg);
}

bool
br_serial_supported(const char *path)
{
	struct sp_port	*port;

	if (sp_get_port_by_name(path, &port) != SP_OK)
		return (false);
	sp_free_port(port);
	return (true);
}

int
br_serial_find_usb(struct br_transport *t, char *err)
{
	const struct br_opts	 *o = t->o;
	struct sp_port		**list, *match = NULL;
	char			 *ser;
	int			  vid, pid, i, n = 0;

	if (sp_list_ports(&list) != SP_OK) {
		ser_error(err, "cannot list", "serial ports");
		t->errnum = EIO;
		return (-1);
	}
	for (i = 0; list[i] != NULL; i++) {
		if (sp_get_port_transport(list[i]) != SP_TRANSPORT_USB ||
		    sp_get_port_usb_vid_pid(list[i], &vid, &pid) != SP_OK)
			continue;
		if ((unsigned)vid != o->usb_vid || (unsigned)pid != o->usb_pid)
			continue;
		ser = sp_get_port_usb_serial(list[i]);
		if (o->usb_serial != NULL &&
		    (ser == NULL || strcmp(ser, o->usb_serial) != 0))
			continue;
		if (match == NULL)
			match = list[i];
		n++;
	}
	if (match == NULL) {
		t->errnum = ENOENT;
		br_seterr(err, "no USB serial device %04x:%04x%s%s is plugged "
		    "in (lsusb lists what is)", o->usb_vid, o->usb_pid,
		    o->usb_serial != NULL ? " serial " : "",
		    o->usb_serial != NULL ? o->usb_serial : "");
		sp_free_port_list(list);
		return (-1);
	}
	if (n > 1)
		log_warn("%d devices match usb:%04x:%04x, using %s; add the "
		    "serial number to choose", n, o->usb_vid, o->usb_pid,
		    sp_get_port_name(match));
	snprintf(t->path, sizeof t->path, "%s", sp_get_port_name(match));
	sp_free_port_list(list);
	return (0);
}

/* The kernel driver bound to a tty, from sysfs ("ftdi_sio", "debug"). */
void
br_serial_driver(const char *sysroot, const char *path, char *out,
    size_t max)
{
	const char	*base = strrchr(path, '/');
	char		 link[PATH_MAX], sys[PATH_MAX];
	ssize_t		 n;
	const char	*slash;

	out[0] = '\0';
	base = base != NULL ? base + 1 : path;
	snprintf(sys, sizeof sys, "%s/class/tty/%s/device/driver", sysroot,
	    base);
	if ((n = readlink(sys, link, sizeof link - 1)) <= 0)
		return;
	link[n] = '\0';
	slash = strrchr(link, '/');
	snprintf(out, max, "%.63s", slash != NULL ? slash + 1 : link);
}

/*
 * FTDI-style adapters hold received bytes up to their latency timer (16 ms
 * by default) before sending them up: ruinous for request/reply traffic.
 * Lower it to 1 ms when the device has one and we may write it.
 */
int
br_serial_latency(const char *sysroot, const char *path)
{
	const char	*base = strrchr(path, '/');
	char		 sys[PATH_MAX], val[16];
	ssize_t		 n;
	int		 fd, ms, rc = 0;

	base = base != NULL ? base + 1 : path;
	snprintf(sys, sizeof sys, "%s/bus/usb-serial/devices/%s/latency_timer",
	    sysroot, base);
	if ((fd = open(sys, O_RDWR|O_CLOEXEC)) == -1) {
		if (errno == EACCES) {
			log_warn("%s: latency timer is read-only here; as root:"
			    " echo 1 > %s (up to 15x faster)", base, sys);
			return (-1);
		}
		return (0);	/* no timer: not an FTDI-style adapter */
	}
	n = read(fd, val, sizeof val - 1);
	if (n > 0) {
		val[n] = '\0';
		ms = atoi(val);
		if (ms > 1) {
			if (pwrite(fd, "1\n", 2, 0) == 2) {
				log_info("%s: lowered the USB latency timer "
				    "from %d to 1 ms", base, ms);
				rc = 1;
			} else {
				log_warn("%s: cannot lower the latency timer "
				    "(%d ms): %s", base, ms, strerror(errno));
				rc = -1;
			}
		}
	}
	close(fd);
	return (rc);
}

int
br_serial_classify(int vid, int pid, const char *driver, const char *path)
{
	bool	dbc = vid == 0x1d6b && (pid == 0x0010 || pid == 0x0011);

	if (dbc) {
		log_warn("%s is an xHCI debug capability (DbC): it carries "
		    "console text, but kgdb cannot use it in Linux 6.1",
		    path);
		return (BR_LINK_CONSOLE_ONLY);
	}
	/* usb_debug (driver "debug") and the g_dbgp gadget (0525:127a, or
	 * ttyGS on the gadget side) are the EHCI debug port. */
	if ((vid == 0x0525 && pid == 0x127a) || strcmp(driver, "debug") == 0 ||
	    strstr(path, "ttyGS") != NULL) {
		log_info("%s is a USB debug port (kgdbdbgp): no baud rate, no "
		    "BREAK, no 8-bit data; break in with kgdbdbgp=N,secs "
		    "polling", path);
		return (BR_LINK_NO_8BIT|BR_LINK_INT_03);
	}
	return (BR_LINK_HAS_BAUD|BR_LINK_CAN_BREAK);
}

static void
ser_identify(struct br_transport *t, struct sp_port *port)
{
	const char	*sysroot = "/sys";
	char		 drv[64];
	int		 vid = -1, pid = -1;
	bool		 usb;

	usb = sp_get_port_transport(port) == SP_TRANSPORT_USB;
	if (usb)
		sp_get_port_usb_vid_pid(port, &vid, &pid);
	br_serial_driver(sysroot, t->path, drv, sizeof drv);
	t->caps = br_serial_classify(vid, pid, drv, t->path);
	if (usb && (t->caps & BR_LINK_HAS_BAUD))
		(void)br_serial_latency(sysroot, t->path);
}

static int
ser_configure(struct br_transport *t, struct sp_port *port, char *err)
{
	const struct br_opts	*o = t->o;
	enum sp_flowcontrol	 fc = SP_FLOWCONTROL_NONE;
	enum sp_parity		 par = SP_PARITY_NONE;

	if (!(t->caps & BR_LINK_HAS_BAUD)) {
		t->baud = 0;
		return (0);
	}
	if (o->parity == 'e')
		par = SP_PARITY_EVEN;
	else if (o->parity == 'o')
		par = SP_PARITY_ODD;
	if (o->flow != NULL && strcmp(o->flow, "rtscts") == 0)
		fc = SP_FLOWCONTROL_RTSCTS;
	else if (o->flow != NULL && strcmp(o->flow, "xonxoff") == 0)
		fc = SP_FLOWCONTROL_XONXOFF;
	if (sp_set_baudrate(port, o->baud > 0 ? o->baud : 115200) != SP_OK ||
	    sp_set_bits(port, o->data_bits > 0 ? o->data_bits : 8) != SP_OK ||
	    sp_set_parity(port, par) != SP_OK ||
	    sp_set_stopbits(port, o->stop_bits > 0 ? o->stop_bits : 1) !=
	    SP_OK || sp_set_flowcontrol(port, fc) != SP_OK) {
		ser_error(err, "cannot set line settings on", t->path);
		return (-1);
	}
	t->baud = o->baud > 0 ? o->baud : 115200;
	return (0);
}

/* Open a serial port through libserialport, at the options' settings. */
static int
ser_open(struct br_transport *t, char *err)
{
	struct ser_priv	*p;
	struct sp_port	*port;
	int		 fd, e;

	if (t->o->kind == BR_TK_USB && br_serial_find_usb(t, err) == -1)
		return (-1);
	if (sp_get_port_by_name(t->path, &port) != SP_OK) {
		t->errnum = access(t->path, F_OK) == 0 ? ENODEV : ENOENT;
		br_open_error(err, t->path, t->errnum);
		return (-1);
	}
	if (sp_open(port, SP_MODE_READ_WRITE) != SP_OK) {
		e = sp_last_error_code();
		t->errnum = e;
		if (e == EBUSY || e == EACCES || e == EPERM || e == ENOENT ||
		    e == EWOULDBLOCK)
			br_open_error(err, t->path, e);
		else
			ser_error(err, "cannot open", t->path);
		sp_free_port(port);
		return (-1);
	}
	if (sp_get_port_handle(port, &fd) != SP_OK) {
		ser_error(err, "no handle for", t->path);
		goto fail;
	}
	if (flock(fd, LOCK_EX|LOCK_NB) == -1) {
		t->errnum = EBUSY;
		br_open_error(err, t->path, EBUSY);
		goto fail;
	}
	ser_identify(t, port);
	if (ser_configure(t, port, err) == -1) {
		t->errnum = EINVAL;
		goto fail;
	}
	p = xcalloc(1, sizeof *p);
	p->port = port;
	p->fd = fd;
	t->priv = p;
	return (0);
fail:
	sp_close(port);
	sp_free_port(port);
	return (-1);
}

static void
ser_close(struct br_transport *t)
{
	struct ser_priv	*p = t->priv;

	if (p == NULL)
		return;
	sp_close(p->port);
	sp_free_port(p->port);
	free(p);
	t->priv = NULL;
}

static int
ser_fd(const struct br_transport *t)
{
	const struct ser_priv	*p = t->priv;

	return (p != NULL ? p->fd : -1);
}

static ssize_t
ser_read(struct br_transport *t, void *buf, size_t len, char *err)
{
	struct ser_priv	*p = t->priv;
	struct pollfd	 pfd;
	enum sp_return	 n;

	n = sp_nonblocking_read(p->port, buf, len);
	if (n > 0)
		return (n);
	if (n < 0) {
		ser_error(err, "read from", t->path);
		return (-1);
	}
	/* 0: nothing, or gone. The loop said readable, so look closer:
	 * a hangup, or readable twice over with no byte, is an unplug. */
	pfd.fd = p->fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 0) == 1) {
		if (pfd.revents & (POLLHUP|POLLERR|POLLNVAL))
			goto gone;
		if ((pfd.revents & POLLIN) &&
		    (n = sp_nonblocking_read(p->port, buf, len)) == 0)
			goto gone;
		if (n > 0)
			return (n);
	}
	return (0);
gone:
	br_seterr(err, "device gone (unplugged or reset)");
	return (-1);
}

static ssize_t
ser_write(struct br_transport *t, const void *buf, size_t len, char *err)
{
	struct ser_priv	*p = t->priv;
	enum sp_return	 n;

	n = sp_nonblocking_write(p->port, buf, len);
	if (n < 0) {
		ser_error(err, "write to", t->path);
		return (-1);
	}
	return (n);
}

static int
ser_send_break(struct br_transport *t, bool on, char *err)
{
	struct ser_priv	*p = t->priv;

	if (!(t->caps & BR_LINK_CAN_BREAK)) {
		br_seterr(err, "%s has no BREAK (USB debug port)", t->path);
		return (-1);
	}
	if ((on ? sp_start_break(p->port) : sp_end_break(p->port)) != SP_OK) {
		ser_error(err, "BREAK on", t->path);
		return (-1);
	}
	return (on ? 1 : 0);
}

const struct br_transport_ops br_transport_serial_ops = {
	.name = "serial",
	.open = ser_open,
	.close = ser_close,
	.fd = ser_fd,
	.read = ser_read,
	.write = ser_write,
	.drain = NULL,
	.send_break = ser_send_break,
};
