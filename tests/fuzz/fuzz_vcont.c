/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_vcont.c: rsp_vcont_parse, rsp_stop_thread and rsp_reg_le
 * on any bytes (an exact-size heap copy, so ASan sees a read past it).
 *
 * Invariants: a parsed packet has 1..RSP_VCONT_MAX actions, one for each
 * ';' field, each with a known op, a range only on 'r' and never
 * backwards; an action names a thread only if its own field has a ':'.
 * Written out again in gdb's plain form, the actions parse back the same.
 *
 * The input is also read as a recipe for a packet: ops, signals, ranges
 * and threads in each form gdb may write (hex in either case with leading
 * zeros, "-1", "0", "pPID.TID", "pPID", negative ids), with the actions
 * the parser must give back. Past RSP_VCONT_MAX actions it must refuse.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsp/rsp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PKT_MAX	(16 + (RSP_VCONT_MAX + 1) * 96)

static bool
same_act(const struct rsp_vcont_act *a, const struct rsp_vcont_act *b)
{
	return (a->op == b->op && a->sig == b->sig && a->start == b->start &&
	    a->end == b->end && a->any == b->any && a->thread == b->thread);
}

/* The actions in gdb's plain form: "vCont;s:1f;c". */
static size_t
encode(char *out, size_t max, const struct rsp_vcont *v)
{
	const struct rsp_vcont_act	*a;
	size_t				 n, i;

	n = (size_t)snprintf(out, max, "vCont");
	for (i = 0; i < v->n; i++) {
		a = &v->act[i];
		n += (size_t)snprintf(out + n, max - n, ";%c", a->op);
		if (a->op == 'C' || a->op == 'S')
			n += (size_t)snprintf(out + n, max - n, "%02x", a->sig);
		if (a->op == 'r')
			n += (size_t)snprintf(out + n, max - n,
			    "%" PRIx64 ",%" PRIx64, a->start, a->end);
		if (!a->any)
			n += (size_t)snprintf(out + n, max - n, ":%" PRIx64,
			    a->thread);
	}
	if (n >= max)
		abort();
	return (n);
}

static void
check_parsed(const char *in, size_t size, const struct rsp_vcont *v)
{
	struct rsp_vcont	 back;
	char			 pkt[PKT_MAX], *copy;
	const char		*f, *end = in + size, *semi;
	size_t			 i, n;

	if (v->n == 0 || v->n > RSP_VCONT_MAX)
		abort();
	/* One action per ';' field after "vCont". */
	for (i = 0, f = in + 5; f < end; i++, f = semi) {
		if (*f != ';' || i >= v->n)
			abort();
		f++;
		if ((semi = memchr(f, ';', (size_t)(end - f))) == NULL)
			semi = end;
		if (!v->act[i].any && memchr(f, ':', (size_t)(semi - f)) == NULL)
			abort();
	}
	if (i != v->n)
		abort();
	for (i = 0; i < v->n; i++) {
		if (strchr("cstCSr", v->act[i].op) == NULL ||
		    v->act[i].op == '\0')
			abort();
		if (v->act[i].op != 'r' && (v->act[i].start != 0 ||
		    v->act[i].end != 0))
			abort();
		if (v->act[i].start > v->act[i].end)
			abort();
		if (v->act[i].op != 'C' && v->act[i].op != 'S' &&
		    v->act[i].sig != 0)
			abort();
		if (v->act[i].any && v->act[i].thread != 0)
			abort();
	}
	n = encode(pkt, sizeof pkt, v);
	if ((copy = malloc(n)) == NULL)
		abort();
	memcpy(copy, pkt, n);
	if (rsp_vcont_parse(copy, n, &back) != RSP_OK || back.n != v->n)
		abort();
	for (i = 0; i < v->n; i++)
		if (!same_act(&back.act[i], &v->act[i]))
			abort();
	free(copy);
}

/* Bytes of the recipe, zeros once it runs out. */
struct recipe {
	const uint8_t	*p;
	size_t		 left;
};

static uint8_t
take(struct recipe *r)
{
	if (r->left == 0)
		return (0);
	r->left--;
	return (*r->p++);
}

static uint64_t
take64(struct recipe *r)
{
	uint64_t	v = 0;
	unsigned	n = take(r) % 9, i;

	for (i = 0; i < n; i++)
		v = v << 8 | take(r);
	return (v);
}

/* Append one action made from the recipe to pkt at *n; its expected
 * value goes to a. */
static void
make_action(struct recipe *r, char *pkt, size_t *n,
    struct rsp_vcont_act *a)
{
	static const char	 ops[] = "cstCSr";
	size_t			 max = PKT_MAX - *n;
	char			*o = pkt + *n;
	uint64_t		 x, y, pid;
	int			 k = 0;
	bool			 named = false;

	memset(a, 0, sizeof *a);
	a->any = true;
	a->op = ops[take(r) % 6];
	k += snprintf(o + k, max - (size_t)k, ";%c", a->op);
	if (a->op == 'C' || a->op == 'S') {
		a->sig = take(r);
		k += snprintf(o + k, max - (size_t)k, a->sig & 1 ? "%02X" :
		    "%x", a->sig);
	} else if (a->op == 'r') {
		x = take64(r);
		y = take64(r);
		a->start = x < y ? x : y;
		a->end = x < y ? y : x;
		k += snprintf(o + k, max - (size_t)k, "%" PRIx64 ",%" PRIX64,
		    a->start, a->end);
	}
	x = take64(r);
	pid = 1 + take(r);
	switch (take(r) % 8) {
	case 0:		/* no thread */
		break;
	case 1:		/* plain hex */
		named = true;
		k += snprintf(o + k, max - (size_t)k, ":%" PRIx64, x);
		break;
	case 2:		/* upper case, leading zeros */
		named = true;
		k += snprintf(o + k, max - (size_t)k, ":000%" PRIX64, x);
		break;
	case 3:		/* every thread */
		k += snprintf(o + k, max - (size_t)k, ":-1");
		break;
	case 4:		/* multiprocess: the TID counts */
		named = true;
		k += snprintf(o + k, max - (size_t)k, ":p%" PRIx64 ".%" PRIx64,
		    pid, x);
		break;
	case 5:		/* a whole process: any of its threads */
		k += snprintf(o + k, max - (size_t)k, ":p%" PRIx64, pid);
		break;
	case 6:		/* every thread of a process */
		k += snprintf(o + k, max - (size_t)k, ":p%" PRIx64 ".-1", pid);
		break;
	case 7:		/* a negative id: -2 is 0xff…fe */
		named = true;
		x &= 0xff;
		k += snprintf(o + k, max - (size_t)k, ":-%" PRIx64, x);
		x = (uint64_t)0 - x;
		break;
	}
	/* "0" and "-1" name no thread in particular. */
	if (named && x != 0 && x != UINT64_MAX) {
		a->any = false;
		a->thread = x;
	}
	*n += (size_t)k;
}

static void
check_recipe(const uint8_t *data, size_t size)
{
	struct recipe		 r = { data, size };
	struct rsp_vcont	 v;
	struct rsp_vcont_act	 want[RSP_VCONT_MAX + 1];
	char			 pkt[PKT_MAX], *copy;
	size_t			 n, count, i;
	int			 rc;

	count = 1 + take(&r) % (RSP_VCONT_MAX + 1);
	n = (size_t)snprintf(pkt, sizeof pkt, "vCont");
	for (i = 0; i < count; i++)
		make_action(&r, pkt, &n, &want[i]);
	if ((copy = malloc(n)) == NULL)
		abort();
	memcpy(copy, pkt, n);
	rc = rsp_vcont_parse(copy, n, &v);
	if (count > RSP_VCONT_MAX) {
		if (rc != RSP_ERR_TOOBIG)
			abort();
	} else {
		if (rc != RSP_OK || v.n != count)
			abort();
		for (i = 0; i < count; i++)
			if (!same_act(&v.act[i], &want[i]))
				abort();
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rsp_vcont	 v;
	char			*in;
	uint64_t		 x;
	size_t			 i;
	int			 n;

	in = malloc(size ? size : 1);
	if (in == NULL)
		abort();
	memcpy(in, data, size);
	n = rsp_vcont_parse(in, size, &v);
	if (n == RSP_OK)
		check_parsed(in, size, &v);
	else if (n != RSP_ERR_SYNTAX && n != RSP_ERR_TOOBIG)
		abort();
	(void)rsp_stop_thread(in, size, &x);
	for (i = 1; i <= 8; i++)
		(void)rsp_reg_le(in, size, i, &x);
	free(in);
	check_recipe(data, size);
	return (0);
}
