/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rsp/vcont.c: gdb's vCont packet taken apart, and the two things the
 * bridge reads out of kgdb's answers while it steps through a range: the
 * thread of a stop reply and the value of a 'p' reply.
 *
 * A vCont packet is "vCont" and then one or more ";ACTION[:THREAD]". An
 * ACTION is c, s or t; C or S with a signal in hex; or r START,END (hex
 * addresses, START inclusive, END exclusive). THREAD is a hex thread id,
 * "-1" (every thread) or the multiprocess form "pPID.TID". gdb writes the
 * actions with a thread first and the one without last; nothing here
 * depends on that order.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rsp/rsp.h"

/* Length of the field starting at p: up to ':' or ';' or the end. */
static size_t
vc_field(const char *p, size_t len)
{
	size_t	n = 0;

	while (n < len && p[n] != ':' && p[n] != ';')
		n++;
	return (n);
}

/* Exactly the n bytes at p as one hex number. */
static bool
vc_hex(const char *p, size_t n, uint64_t *v)
{
	int	k;

	if (n == 0 || p[0] == '-')
		return (false);
	k = rsp_hex_u64(p, n, v);
	return (k > 0 && (size_t)k == n);
}

/* A thread id: "-1" and "0" name no thread in particular. */
static bool
vc_thread(const char *p, size_t n, struct rsp_vcont_act *a)
{
	const char	*dot;
	uint64_t	 v;
	int		 k;

	if (n > 0 && p[0] == 'p') {
		/* pPID or pPID.TID: only TID matters to kgdb. */
		dot = memchr(p, '.', n);
		if (dot == NULL) {
			a->any = true;
			return (vc_hex(p + 1, n - 1, &v));
		}
		if (!vc_hex(p + 1, (size_t)(dot - p) - 1, &v))
			return (false);
		n -= (size_t)(dot - p) + 1;
		p = dot + 1;
	}
	if (n == 0 || (k = rsp_hex_u64(p, n, &v)) <= 0 || (size_t)k != n)
		return (false);
	if (v == 0 || v == UINT64_MAX) {
		a->any = true;
		return (true);
	}
	a->any = false;
	a->thread = v;
	return (true);
}

static bool
vc_action(const char *p, size_t n, struct rsp_vcont_act *a)
{
	const char	*comma;
	uint64_t	 v;

	memset(a, 0, sizeof *a);
	a->any = true;
	if (n == 0)
		return (false);
	a->op = p[0];
	switch (p[0]) {
	case 'c':
	case 's':
	case 't':
		return (n == 1);
	case 'C':
	case 'S':
		if (!vc_hex(p + 1, n - 1, &v) || v > 0xff)
			return (false);
		a->sig = (uint8_t)v;
		return (true);
	case 'r':
		comma = memchr(p, ',', n);
		if (comma == NULL ||
		    !vc_hex(p + 1, (size_t)(comma - p) - 1, &a->start) ||
		    !vc_hex(comma + 1, n - (size_t)(comma - p) - 1, &a->end))
			return (false);
		return (a->start <= a->end);
	default:
		return (false);
	}
}

int
rsp_vcont_parse(const char *p, size_t len, struct rsp_vcont *out)
{
	struct rsp_vcont_act	*a;
	size_t			 n;

	if (p == NULL || out == NULL)
		return (RSP_ERR_ARG);
	out->n = 0;
	if (len < 6 || memcmp(p, "vCont;", 6) != 0)
		return (RSP_ERR_SYNTAX);
	p += 5;
	len -= 5;
	while (len > 0) {
		/* Here p[0] is the ';' before an action. */
		p++;
		len--;
		if (out->n == RSP_VCONT_MAX)
			return (RSP_ERR_TOOBIG);
		a = &out->act[out->n];
		n = vc_field(p, len);
		if (!vc_action(p, n, a))
			return (RSP_ERR_SYNTAX);
		p += n;
		len -= n;
		if (len > 0 && p[0] == ':') {
			n = vc_field(p + 1, len - 1);
			if (!vc_thread(p + 1, n, a))
				return (RSP_ERR_SYNTAX);
			p += n + 1;
			len -= n + 1;
		}
		if (len > 0 && p[0] != ';')
			return (RSP_ERR_SYNTAX);
		out->n++;
	}
	return (out->n > 0 ? RSP_OK : RSP_ERR_SYNTAX);
}

/* The field of a stop reply that names its thread. */
static const char stop_key[] = "thread:";

const char *
rsp_stop_thread_text(const char *stop, size_t len, size_t *idlen)
{
	size_t	i = 3, n;

	if (len < 3 || stop[0] != 'T' || rsp_hex_val((unsigned char)stop[1])
	    < 0 || rsp_hex_val((unsigned char)stop[2]) < 0)
		return (NULL);
	/* T AA n1:r1;n2:r2;… */
	while (i < len) {
		n = 0;
		while (i + n < len && stop[i + n] != ';')
			n++;
		if (n > sizeof stop_key - 1 &&
		    memcmp(stop + i, stop_key, sizeof stop_key - 1) == 0) {
			*idlen = n - (sizeof stop_key - 1);
			return (stop + i + sizeof stop_key - 1);
		}
		i += n + 1;
	}
	return (NULL);
}

bool
rsp_stop_thread(const char *stop, size_t len, uint64_t *thread)
{
	const char	*id;
	size_t		 n;
	uint64_t	 v;

	if ((id = rsp_stop_thread_text(stop, len, &n)) == NULL ||
	    !vc_hex(id, n, &v))
		return (false);
	*thread = v;
	return (true);
}

int
rsp_reg_le(const char *hex, size_t len, size_t size, uint64_t *value)
{
	uint8_t		b[8];
	uint64_t	v = 0;
	int		n;

	if (hex == NULL || value == NULL || size == 0 || size > sizeof b)
		return (RSP_ERR_ARG);
	if (len != 2 * size)
		return (len < 2 * size ? RSP_ERR_SHORT : RSP_ERR_TOOBIG);
	if ((n = rsp_hex_decode(b, sizeof b, hex, len)) < 0)
		return (n);
	while (n-- > 0)
		v = (v << 8) | b[n];
	*value = v;
	return (RSP_OK);
}

/* The thread id of a "thread:ID" field or of a "QCID" reply: 1 to 16 hex
 * digits, the whole field. Returns its length, 0 if it is not one. */
static size_t
stop_tid(const char *p, size_t len)
{
	size_t	i;

	if (len == 0 || len > 16)
		return (0);
	for (i = 0; i < len; i++)
		if (rsp_hex_val((unsigned char)p[i]) < 0)
			return (0);
	return (len);
}

/*
 * gdb's '?' answer for a stop (rsp.h): its own thread if it names one, else
 * qC's, else none ("Sxx"); what is not a stop reply is copied.
 */
int
rsp_stop_status(char *out, size_t outmax, const char *stop, size_t len,
    const char *qc, size_t qclen)
{
	const char	*id;
	size_t		 idlen = 0;

	if (len < 3 || (stop[0] != 'T' && stop[0] != 'S') ||
	    rsp_hex_val((unsigned char)stop[1]) < 0 ||
	    rsp_hex_val((unsigned char)stop[2]) < 0) {
		if (len > outmax)
			return (RSP_ERR_TOOBIG);
		memcpy(out, stop, len);
		return ((int)len);
	}
	/* The stop's own thread field, else qC's "QCID". */
	id = rsp_stop_thread_text(stop, len, &idlen);
	if (id != NULL && stop_tid(id, idlen) == 0)
		id = NULL;
	if (id == NULL && qc != NULL && qclen > 2 && qc[0] == 'Q' &&
	    qc[1] == 'C' && (idlen = stop_tid(qc + 2, qclen - 2)) > 0)
		id = qc + 2;
	if (id == NULL) {
		if (outmax < 3)
			return (RSP_ERR_TOOBIG);
		out[0] = 'S';
		out[1] = stop[1];
		out[2] = stop[2];
		return (3);
	}
	if (outmax < 3 + (sizeof stop_key - 1) + idlen + 1)
		return (RSP_ERR_TOOBIG);
	out[0] = 'T';
	out[1] = stop[1];
	out[2] = stop[2];
	memcpy(out + 3, stop_key, sizeof stop_key - 1);
	memcpy(out + 3 + sizeof stop_key - 1, id, idlen);
	out[3 + sizeof stop_key - 1 + idlen] = ';';
	return ((int)(3 + sizeof stop_key - 1 + idlen + 1));
}
