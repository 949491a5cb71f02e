/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_regs.c: rsp_regs_parse_g for each architecture, then
 * every register formatted into a large and a small buffer (both of exact
 * size on the heap, so ASan sees any write past them).
 *
 * Input: byte 0 picks the architecture (low 2 bits), whether the rest is
 * hex text as sent by kgdb (bit 2 clear) or raw register bytes to be hex
 * encoded into a 'g' of the right length (bit 2 set), and the small
 * buffer size (high bits). The rest is the payload.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rsp/rsp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BIG	160

static void
format_all(const struct rsp_regs *r, size_t small)
{
	const struct rsp_arch	*a = r->arch;
	char			*big, *sm;
	int			 nb, ns;
	uint64_t		 v;

	big = malloc(BIG);
	sm = malloc(small);
	if (big == NULL || sm == NULL)
		abort();
	for (size_t i = 0; i < a->nregs; i++) {
		nb = rsp_regs_format(r, (int)i, big, BIG);
		if (nb <= 0 || nb >= BIG || strlen(big) != (size_t)nb)
			abort();
		ns = rsp_regs_format(r, (int)i, sm, small);
		if ((size_t)nb < small) {
			if (ns != nb || memcmp(sm, big, (size_t)nb + 1) != 0)
				abort();
		} else if (ns != RSP_ERR_TOOBIG)
			abort();
		/* A value the 'g' carries is what the text starts with. */
		if (rsp_regs_get(r, (int)i, &v) == RSP_OK) {
			if (a->regs[i].offset < 0 || a->regs[i].size > 8 ||
			    strncmp(big, "0x", 2) != 0 ||
			    strtoull(big + 2, NULL, 16) != v)
				abort();
		} else if (a->regs[i].offset >= 0 && a->regs[i].size <= 8 &&
		    (size_t)a->regs[i].offset + a->regs[i].size <= r->len)
			abort();
	}
	free(big);
	free(sm);
}

/* The bytes as code at a call site, as gdb_bpguard.c decodes it on the
 * architectures that step in software: what comes back is sane. */
static void
calls(const uint8_t *data, size_t size)
{
	static const enum rsp_arch_id ids[] = {
		RSP_ARCH_ARM, RSP_ARCH_RISCV64, RSP_ARCH_ARM64,
	};
	uint64_t	target;
	int64_t		off;
	unsigned	len, regnum;
	size_t		i, n = size < 8 ? size : 8;

	for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		if (rsp_call_target(ids[i], 0xffffffffc0000004ULL, data, n,
		    &target, &len) == RSP_OK && (len != 4 || n < 8))
			abort();
		if (rsp_call_indirect(ids[i], data, n, &regnum, &off,
		    &len) == RSP_OK && ((len != 2 && len != 4) || len > n ||
		    regnum > 31 || off < -2048 || off > 2047))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum rsp_arch_id ids[] = {
		RSP_ARCH_X86_64, RSP_ARCH_I386, RSP_ARCH_ARM64, RSP_ARCH_X86_64,
	};
	const struct rsp_arch	*a;
	struct rsp_regs		*regs;
	char			*hex;
	size_t			 small, hlen;
	int			 n;

	if (size < 1)
		return (0);
	calls(data + 1, size - 1);
	a = rsp_arch_get(ids[data[0] & 3]);
	small = (size_t)(data[0] >> 3) + 1;	/* 1 .. 32 */
	regs = malloc(sizeof *regs);
	if (a == NULL || regs == NULL)
		abort();
	if (data[0] & 4) {
		/* Raw bytes: always a well-formed 'g' of any content. */
		uint8_t raw[RSP_REGS_MAX];

		memset(raw, 0, sizeof raw);
		memcpy(raw, data + 1, size - 1 < a->numregbytes ? size - 1 :
		    a->numregbytes);
		hlen = 2 * a->numregbytes;
		hex = malloc(hlen);
		if (hex == NULL || rsp_hex_encode(hex, hlen, raw,
		    a->numregbytes) != (int)hlen)
			abort();
	} else {
		hlen = size - 1;
		hex = malloc(hlen ? hlen : 1);
		if (hex == NULL)
			abort();
		memcpy(hex, data + 1, hlen);
	}
	n = rsp_regs_parse_g(a, hex, hlen, regs);
	if (n >= 0) {
		if ((size_t)n != a->numregbytes || regs->len != a->numregbytes ||
		    hlen != 2 * a->numregbytes || regs->arch != a)
			abort();
		format_all(regs, small);
	} else if (n != RSP_ERR_SHORT && n != RSP_ERR_TOOBIG &&
	    n != RSP_ERR_HEX)
		abort();
	else if ((data[0] & 4) != 0)
		abort();
	free(hex);
	free(regs);
	return (0);
}
