/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/memarg.c: the arguments of the control socket's mem command.
 *
 * "ADDR LEN" from a control client (any local process of the user):
 * ADDR in hex with an optional 0x, LEN in decimal. Every digit is checked
 * for overflow, and a range that would wrap past 2^64 - 1 is refused, so
 * the reads built from it (ctl.c) never wrap. No I/O.
 */
#include <stdint.h>
#include <string.h>

#include "bridge/bridge.h"

static void
memarg_blanks(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

int
br_mem_args(const char *text, uint64_t max, uint64_t *addr,
    uint64_t *len, char *err)
{
	const char	*p = text, *start, *q;
	uint64_t	 a = 0, l = 0, d;
	int		 n;

	if (p == NULL)
		goto usage;
	memarg_blanks(&p);
	/* ADDR: hex, "0x" optional, at most 64 bits. */
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	start = p;
	p += strspn(p, "0123456789abcdefABCDEF");
	n = p - start > 40 ? 40 : (int)(p - start);
	for (q = start; q < p; q++) {
		if (a > UINT64_MAX >> 4) {
			br_seterr(err, "mem: address %.*s is more than 64 "
			    "bits", n, start);
			return -1;
		}
		a = a << 4 | (uint64_t)rsp_hex_val((unsigned char)*q);
	}
	if (p == start || (*p != ' ' && *p != '\t'))
		goto usage;
	memarg_blanks(&p);
	/* LEN: decimal (so "010" is ten), 1 to max. */
	start = p;
	p += strspn(p, "0123456789");
	n = p - start > 40 ? 40 : (int)(p - start);
	for (q = start; q < p; q++) {
		d = (uint64_t)(*q - '0');
		if (l > (UINT64_MAX - d) / 10 || (l = l * 10 + d) > max) {
			br_seterr(err, "mem: length %.*s is over %llu bytes",
			    n, start, (unsigned long long)max);
			return -1;
		}
	}
	if (p == start)
		goto usage;
	memarg_blanks(&p);
	if (*p != '\0')
		goto usage;
	if (l == 0) {
		br_seterr(err, "mem: length 0 (want 1 to %llu bytes)",
		    (unsigned long long)max);
		return -1;
	}
	if (l - 1 > UINT64_MAX - a) {
		br_seterr(err, "mem: %llu bytes at 0x%llx run past the top of "
		    "the address space", (unsigned long long)l,
		    (unsigned long long)a);
		return -1;
	}
	*addr = a;
	*len = l;
	return 0;
usage:
	br_seterr(err, "usage: mem ADDR LEN (ADDR in hex, 0x optional; LEN "
	    "in decimal, 1 to %llu bytes)", (unsigned long long)max);
	return -1;
}
