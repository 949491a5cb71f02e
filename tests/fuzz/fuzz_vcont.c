/*
 * tests/fuzz/fuzz_vcont.c: rsp_vcont_parse, rsp_stop_thread and rsp_reg_le
 * on any bytes (an exact-size heap copy, so ASan sees a read past it).
 *
 * Invariants: a parsed packet has 1..RSP_VCONT_MAX actions, each with a
 * known op, a range only on 'r' and never backwards; an action that names
 * a thread came from a ':' in the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rsp/rsp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	if (n == RSP_OK) {
		if (v.n == 0 || v.n > RSP_VCONT_MAX)
			abort();
		for (i = 0; i < v.n; i++) {
			if (strchr("cstCSr", v.act[i].op) == NULL ||
			    v.act[i].op == '\0')
				abort();
			if (v.act[i].op != 'r' && (v.act[i].start != 0 ||
			    v.act[i].end != 0))
				abort();
			if (v.act[i].start > v.act[i].end)
				abort();
			if (!v.act[i].any && memchr(in, ':', size) == NULL)
				abort();
		}
	} else if (n != RSP_ERR_SYNTAX && n != RSP_ERR_TOOBIG)
		abort();
	(void)rsp_stop_thread(in, size, &x);
	for (i = 1; i <= 8; i++)
		(void)rsp_reg_le(in, size, i, &x);
	free(in);
	return 0;
}
