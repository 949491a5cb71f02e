/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/telnet.c: the telnet byte layer (RFC 854) and RFC 2217 framing.
 *
 * Pure: no I/O, no allocation. Used in two places: the telnet target
 * transport (we are the client of ser2net or QEMU telnet=on) and the
 * console port (we are the server for `telnet localhost 4440`).
 */
#include <string.h>

#include "bridge/bridge.h"

enum {
	TN_DATA,	/* plain data */
	TN_IAC,		/* after IAC */
	TN_OPT,		/* after IAC WILL/WONT/DO/DONT */
	TN_SB,		/* inside IAC SB … */
	TN_SB_IAC,	/* IAC inside SB */
};

void
br_telnet_init(struct br_telnet *tn)
{
	memset(tn, 0, sizeof *tn);
	tn->state = TN_DATA;
}

/* Telnet bytes to data: commands to cb, IAC IAC and CR NUL undone. */
size_t
br_telnet_decode(struct br_telnet *tn, const void *in, size_t len,
    void *out, br_telnet_cb *cb, void *arg)
{
	const uint8_t	*p = in;
	uint8_t		*o = out;
	size_t		 n = 0, i;
	uint8_t		 c;

	for (i = 0; i < len; i++) {
		c = p[i];
		switch (tn->state) {
		case TN_DATA:
			if (c == BR_TN_IAC) {
				tn->state = TN_IAC;
				break;
			}
			if (tn->cr && tn->strip_crnul &&
			    (c == 0 || (c == '\n' && tn->crlf_to_cr))) {
				tn->cr = false;
				break;
			}
			tn->cr = c == '\r';
			o[n++] = c;
			break;
		case TN_IAC:
			tn->state = TN_DATA;
			if (c == BR_TN_IAC) {
				tn->cr = false;
				o[n++] = c;
			} else if (c >= BR_TN_WILL) {
				tn->cmd = c;
				tn->state = TN_OPT;
			} else if (c == BR_TN_SB) {
				tn->sblen = 0;
				tn->state = TN_SB;
			} else if (cb != NULL)
				cb(arg, c, 0, NULL, 0);
			break;
		case TN_OPT:
			tn->state = TN_DATA;
			if (cb != NULL)
				cb(arg, tn->cmd, c, NULL, 0);
			break;
		case TN_SB:
			if (c == BR_TN_IAC)
				tn->state = TN_SB_IAC;
			else if (tn->sblen < sizeof tn->sb)
				tn->sb[tn->sblen++] = c;
			break;
		case TN_SB_IAC:
			if (c == BR_TN_IAC) {
				if (tn->sblen < sizeof tn->sb)
					tn->sb[tn->sblen++] = c;
				tn->state = TN_SB;
			} else if (c == BR_TN_SE) {
				tn->state = TN_DATA;
				if (cb != NULL && tn->sblen > 0)
					cb(arg, BR_TN_SB, tn->sb[0], tn->sb,
					    tn->sblen);
			} else {
				/* A broken subnegotiation: drop it and take
				 * the byte as a fresh command. */
				tn->state = TN_IAC;
				i--;
			}
			break;
		}
	}
	return (n);
}

size_t
br_telnet_escape(void *out, size_t outmax, const void *in, size_t len,
    bool crnul, size_t *used_out)
{
	const uint8_t	*p = in;
	uint8_t		*o = out;
	size_t		 n = 0, i;

	for (i = 0; i < len; i++) {
		if (p[i] == BR_TN_IAC || (crnul && p[i] == '\r')) {
			if (n + 2 > outmax)
				break;
			o[n++] = p[i];
			o[n++] = p[i] == BR_TN_IAC ? BR_TN_IAC : 0;
		} else {
			if (n + 1 > outmax)
				break;
			o[n++] = p[i];
		}
	}
	if (used_out != NULL)
		*used_out = i;
	return (n);
}

size_t
br_telnet_cmd(uint8_t *out, uint8_t cmd, uint8_t opt)
{
	out[0] = BR_TN_IAC;
	out[1] = cmd;
	out[2] = opt;
	return (3);
}

size_t
br_telnet_cpo(uint8_t *out, uint8_t sub, const uint8_t *val, size_t vlen)
{
	size_t	n = 0, i;

	out[n++] = BR_TN_IAC;
	out[n++] = BR_TN_SB;
	out[n++] = BR_TN_OPT_COMPORT;
	out[n++] = sub;
	for (i = 0; i < vlen; i++) {
		out[n++] = val[i];
		if (val[i] == BR_TN_IAC)
			out[n++] = BR_TN_IAC;
	}
	out[n++] = BR_TN_IAC;
	out[n++] = BR_TN_SE;
	return (n);
}
