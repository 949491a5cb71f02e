/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/transport_telnet.c: telnet with RFC 2217, as ser2net, terminal
 * servers and labgrid serve serial ports, and plain telnet (QEMU
 * telnet=on).
 *
 * We offer BINARY, SGA and COM-PORT-OPTION. When the server agrees to
 * COM-PORT-OPTION we set what the TARGET word gives of the line (baud,
 * size, parity, stop, flow), ask for the rest, and send BREAK as
 * SET-CONTROL break-on/off. A server without RFC 2217 (QEMU)
 * gets IAC BRK, which QEMU turns into a BREAK on its UART.
 *
 * Replies to the server's negotiation queue up in pend and go out through
 * drain(); data waits behind them, so the order on the wire is kept.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge/transport.h"

#define TN_PEND_MAX	8192

struct tn_priv {
	int		 fd;
	struct br_telnet tn;
	uint8_t		 pend[TN_PEND_MAX];
	size_t		 plen;
	bool		 cpo;		/* server agreed to RFC 2217 */
	bool		 bin_tx;	/* server said DO BINARY */
	bool		 her[256];	/* options the server WILL do */
	bool		 our[256];	/* options we WILL do */
	char		 line[4];	/* "8N1" as the server reports it */
};

static void
tn_queue(struct tn_priv *p, const uint8_t *buf, size_t len)
{
	/* Negotiation is a handful of bytes; a server flooding us with
	 * options past this cap loses replies, not memory. */
	if (p->plen + len > sizeof p->pend)
		return;
	memcpy(p->pend + p->plen, buf, len);
	p->plen += len;
}

static void
tn_cmd(struct tn_priv *p, uint8_t cmd, uint8_t opt)
{
	uint8_t	b[3];

	tn_queue(p, b, br_telnet_cmd(b, cmd, opt));
}

static void
tn_cpo(struct tn_priv *p, uint8_t sub, const uint8_t *val, size_t vlen)
{
	uint8_t	b[6 + 2 * 4];

	tn_queue(p, b, br_telnet_cpo(b, sub, val, vlen));
}

/*
 * RFC 2217 is on: set what the TARGET word gave and ask for the rest (a
 * value of 0 asks). The server answers each with the line's value, which
 * tn_report takes, so the bridge knows the real rate either way.
 */
static void
tn_set_line(struct br_transport *t, struct tn_priv *p)
{
	const struct br_opts	*o = t->o;
	uint8_t			 v[4];
	uint32_t		 baud = (uint32_t)(o->baud > 0 ? o->baud : 0);

	v[0] = (uint8_t)(baud >> 24);
	v[1] = (uint8_t)(baud >> 16);
	v[2] = (uint8_t)(baud >> 8);
	v[3] = (uint8_t)baud;
	tn_cpo(p, BR_CPO_SET_BAUDRATE, v, 4);
	v[0] = (uint8_t)(o->data_bits > 0 ? o->data_bits : 0);
	tn_cpo(p, BR_CPO_SET_DATASIZE, v, 1);
	v[0] = o->parity == 'o' ? 2 : o->parity == 'e' ? 3 : o->parity ==
	    'n' ? 1 : 0;
	tn_cpo(p, BR_CPO_SET_PARITY, v, 1);
	v[0] = (uint8_t)(o->stop_bits > 0 ? o->stop_bits : 0);
	tn_cpo(p, BR_CPO_SET_STOPSIZE, v, 1);
	v[0] = 0;	/* SET-CONTROL 0: ask for the flow control */
	if (o->flow != NULL && strcmp(o->flow, "none") == 0)
		v[0] = BR_CPO_CTL_FLOW_NONE;
	else if (o->flow != NULL && strcmp(o->flow, "rtscts") == 0)
		v[0] = BR_CPO_CTL_FLOW_HW;
	else if (o->flow != NULL && strcmp(o->flow, "xonxoff") == 0)
		v[0] = BR_CPO_CTL_FLOW_XONXOFF;
	tn_cpo(p, BR_CPO_SET_CONTROL, v, 1);
	if (baud > 0) {
		t->baud = (int)baud;
		t->caps |= BR_LINK_HAS_BAUD;
	}
}

/* The server's answer to one of tn_set_line's: what the line is now. */
static void
tn_report(struct br_transport *t, struct tn_priv *p, const uint8_t *sb,
    size_t sblen)
{
	uint32_t	v;

	/* sb[0] is the option, sb[1] the server's subcommand (100 + ours). */
	switch (sb[1]) {
	case 100 + BR_CPO_SET_BAUDRATE:
		if (sblen != 6)
			return;
		v = (uint32_t)sb[2] << 24 | (uint32_t)sb[3] << 16 |
		    (uint32_t)sb[4] << 8 | sb[5];
		if (v == 0 || v > 100000000)
			return;
		if (t->baud != (int)v)
			log_info("%s:%s: the server's line runs at %u baud",
			    t->o->path, t->o->port, v);
		t->baud = (int)v;
		t->caps |= BR_LINK_HAS_BAUD;
		break;
	case 100 + BR_CPO_SET_DATASIZE:
		if (sblen == 3)
			p->line[0] = (char)('0' + (sb[2] % 10));
		break;
	case 100 + BR_CPO_SET_PARITY:
		if (sblen == 3)
			p->line[1] = sb[2] == 2 ? 'O' : sb[2] == 3 ? 'E' :
			    sb[2] == 1 ? 'N' : sb[2] == 4 ? 'M' : sb[2] == 5 ?
			    'S' : '?';
		break;
	case 100 + BR_CPO_SET_STOPSIZE:
		if (sblen == 3)
			p->line[2] = sb[2] == 2 ? '2' : sb[2] == 3 ? '5' :
			    sb[2] == 1 ? '1' : '?';
		if (p->line[0] != '\0' && p->line[1] != '\0')
			log_info("%s:%s: the server's line is %s", t->o->path,
			    t->o->port, p->line);
		break;
	default:
		break;
	}
}

static bool
tn_we_do(uint8_t opt)
{
	return (opt == BR_TN_OPT_BINARY || opt == BR_TN_OPT_SGA ||
	    opt == BR_TN_OPT_COMPORT);
}

static bool
tn_they_may(uint8_t opt)
{
	return (opt == BR_TN_OPT_BINARY || opt == BR_TN_OPT_SGA ||
	    opt == BR_TN_OPT_ECHO || opt == BR_TN_OPT_COMPORT);
}

/* A telnet negotiation from the server: which options we agree to. */
static void
tn_command(void *arg, uint8_t cmd, uint8_t opt, const uint8_t *sb,
    size_t sblen)
{
	struct br_transport	*t = arg;
	struct tn_priv		*p = t->priv;

	switch (cmd) {
	case BR_TN_DO:
		if (!tn_we_do(opt)) {
			tn_cmd(p, BR_TN_WONT, opt);
			break;
		}
		if (!p->our[opt])
			tn_cmd(p, BR_TN_WILL, opt);
		p->our[opt] = true;
		if (opt == BR_TN_OPT_BINARY)
			p->bin_tx = true;
		if (opt == BR_TN_OPT_COMPORT && !p->cpo) {
			p->cpo = true;
			t->caps |= BR_LINK_CAN_BREAK;
			log_info("%s:%s speaks RFC 2217", t->o->path,
			    t->o->port);
			tn_set_line(t, p);
		}
		break;
	case BR_TN_DONT:
		if (p->our[opt])
			tn_cmd(p, BR_TN_WONT, opt);
		p->our[opt] = false;
		if (opt == BR_TN_OPT_BINARY)
			p->bin_tx = false;
		if (opt == BR_TN_OPT_COMPORT)
			p->cpo = false;
		break;
	case BR_TN_WILL:
		if (!tn_they_may(opt)) {
			tn_cmd(p, BR_TN_DONT, opt);
			break;
		}
		if (!p->her[opt])
			tn_cmd(p, BR_TN_DO, opt);
		p->her[opt] = true;
		if (opt == BR_TN_OPT_BINARY)
			p->tn.strip_crnul = false;
		break;
	case BR_TN_WONT:
		if (p->her[opt])
			tn_cmd(p, BR_TN_DONT, opt);
		p->her[opt] = false;
		if (opt == BR_TN_OPT_BINARY)
			p->tn.strip_crnul = true;
		break;
	case BR_TN_SB:
		/* The line's settings are taken; other notifications
		 * (line and modem state) are only logged. */
		if (opt == BR_TN_OPT_COMPORT && sblen >= 2) {
			log_debug("RFC 2217 notification %u (%zu bytes)",
			    sb[1], sblen);
			tn_report(t, p, sb, sblen);
		}
		break;
	default:
		break;
	}
}

static int
tn_flush(struct tn_priv *p, char *err)
{
	ssize_t	n;

	while (p->plen > 0) {
		n = br_fd_write(p->fd, p->pend, p->plen, err);
		if (n == -1)
			return (-1);
		if (n == 0)
			return (1);
		memmove(p->pend, p->pend + n, p->plen - (size_t)n);
		p->plen -= (size_t)n;
	}
	return (0);
}

static int
tn_open(struct br_transport *t, char *err)
{
	struct tn_priv	*p;
	int		 fd;

	if ((fd = br_sock_connect(t->o, &t->errnum, err)) == -1)
		return (-1);
	p = xcalloc(1, sizeof *p);
	p->fd = fd;
	br_telnet_init(&p->tn);
	p->tn.strip_crnul = true;	/* until the server does BINARY */
	t->priv = p;
	t->caps = 0;
	t->baud = 0;
	/* Our offer; it goes out once the connect completes. */
	tn_cmd(p, BR_TN_WILL, BR_TN_OPT_BINARY);
	tn_cmd(p, BR_TN_DO, BR_TN_OPT_BINARY);
	tn_cmd(p, BR_TN_WILL, BR_TN_OPT_SGA);
	tn_cmd(p, BR_TN_DO, BR_TN_OPT_SGA);
	tn_cmd(p, BR_TN_WILL, BR_TN_OPT_COMPORT);
	p->our[BR_TN_OPT_BINARY] = p->our[BR_TN_OPT_SGA] = true;
	p->our[BR_TN_OPT_COMPORT] = true;
	p->her[BR_TN_OPT_BINARY] = p->her[BR_TN_OPT_SGA] = true;
	/* IAC BRK works on QEMU even without RFC 2217. */
	t->caps |= BR_LINK_CAN_BREAK;
	return (1);
}

static void
tn_close(struct br_transport *t)
{
	struct tn_priv	*p = t->priv;

	if (p == NULL)
		return;
	close(p->fd);
	free(p);
	t->priv = NULL;
}

static int
tn_fd(const struct br_transport *t)
{
	const struct tn_priv	*p = t->priv;

	return (p != NULL ? p->fd : -1);
}

static ssize_t
tn_read(struct br_transport *t, void *buf, size_t len, char *err)
{
	struct tn_priv	*p = t->priv;
	ssize_t		 n;

	n = br_fd_read(p->fd, buf, len, err);
	if (n <= 0)
		return (n);
	/* Decoding only shrinks, so it can work in place. */
	return ((ssize_t)br_telnet_decode(&p->tn, buf, (size_t)n, buf,
	    tn_command, t));
}

static ssize_t
tn_write(struct br_transport *t, const void *buf, size_t len, char *err)
{
	struct tn_priv	*p = t->priv;
	size_t		 used, room;
	int		 rc;

	if ((rc = tn_flush(p, err)) != 0)
		return (rc == -1 ? -1 : 0);
	room = sizeof p->pend - p->plen;
	p->plen += br_telnet_escape(p->pend + p->plen, room, buf, len,
	    !p->bin_tx, &used);
	if (tn_flush(p, err) == -1)
		return (-1);
	return ((ssize_t)used);
}

static int
tn_drain(struct br_transport *t, char *err)
{
	return (tn_flush(t->priv, err));
}

static int
tn_send_break(struct br_transport *t, bool on, char *err)
{
	struct tn_priv	*p = t->priv;
	uint8_t		 v;

	if (!p->cpo) {
		if (on) {
			uint8_t b[2] = { BR_TN_IAC, BR_TN_BRK };

			tn_queue(p, b, 2);
		}
		return (tn_flush(p, err) == -1 ? -1 : 0);
	}
	v = on ? BR_CPO_CTL_BREAK_ON : BR_CPO_CTL_BREAK_OFF;
	tn_cpo(p, BR_CPO_SET_CONTROL, &v, 1);
	if (tn_flush(p, err) == -1)
		return (-1);
	return (on ? 1 : 0);
}

const struct br_transport_ops br_transport_telnet_ops = {
	.name = "telnet",
	.open = tn_open,
	.close = tn_close,
	.fd = tn_fd,
	.read = tn_read,
	.write = tn_write,
	.drain = tn_drain,
	.send_break = tn_send_break,
};
