/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/fixdir.h: where the built DWARF fixtures are. The Makefile
 * compiles the sources in tests/data/dwarf into a dwarf/ directory next
 * to the test binaries, so the path follows the binary (argv[0]),
 * whatever BUILD is.
 */
#ifndef TESTS_UNIT_FIXDIR_H
#define TESTS_UNIT_FIXDIR_H

#include <stdio.h>
#include <string.h>

static inline void
fixdir_init(char *buf, size_t len, const char *argv0)
{
	const char	*slash = strrchr(argv0, '/');

	snprintf(buf, len, "%.*s/dwarf", slash != NULL ?
	    (int)(slash - argv0) : 1, slash != NULL ? argv0 : ".");
}

#endif
