/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/tools/tdesc_dump.c: print what rsp/regs.c knows about an
 * architecture, for tests/integration/tdesc_gdb.sh.
 *
 * ARCH is any name rsp_arch_by_name() takes (x86_64, i386, arm64, arm,
 * riscv64, ...).
 *
 *   tdesc_dump ARCH xml        the target description
 *   tdesc_dump ARCH layout     "name offset size regnum" per 'g' register
 *   tdesc_dump ARCH limits     numregbytes bufmax mem_read_max maxreg
 *   tdesc_dump ARCH format HEX "name value" for each register of a 'g'
 */
#include <stdio.h>
#include <string.h>

#include "rsp/rsp.h"

int
main(int argc, char **argv)
{
	const struct rsp_arch	*a;
	static char		 xml[65536];
	static struct rsp_regs	 regs;
	char			 val[128];
	int			 n;

	if (argc < 3 || (a = rsp_arch_by_name(argv[1])) == NULL) {
		fprintf(stderr, "usage: tdesc_dump ARCH xml|layout|limits|"
		    "format HEX\n");
		return (2);
	}
	if (strcmp(argv[2], "xml") == 0) {
		if ((n = rsp_tdesc_xml(a, xml, sizeof xml)) < 0) {
			fprintf(stderr, "%s\n", rsp_strerror(n));
			return (1);
		}
		fwrite(xml, 1, (size_t)n, stdout);
	} else if (strcmp(argv[2], "layout") == 0) {
		for (size_t i = 0; i < a->nregs; i++)
			if (a->regs[i].offset >= 0)
				printf("%s %d %u %u\n", a->regs[i].name,
				    a->regs[i].offset, a->regs[i].size,
				    a->regs[i].regnum);
	} else if (strcmp(argv[2], "limits") == 0) {
		printf("%zu %zu %zu %u\n", a->numregbytes, a->bufmax,
		    a->mem_read_max, a->dbg_max_reg_num);
	} else if (strcmp(argv[2], "format") == 0 && argc == 4) {
		n = rsp_regs_parse_g(a, argv[3], strlen(argv[3]), &regs);
		if (n < 0) {
			fprintf(stderr, "%s\n", rsp_strerror(n));
			return (1);
		}
		for (size_t i = 0; i < a->nregs; i++) {
			if (a->regs[i].offset < 0)
				continue;
			n = rsp_regs_format(&regs, (int)i, val, sizeof val);
			if (n < 0)
				return (1);
			printf("%s %s\n", a->regs[i].name, val);
		}
	} else {
		fprintf(stderr, "unknown command %s\n", argv[2]);
		return (2);
	}
	return (0);
}
