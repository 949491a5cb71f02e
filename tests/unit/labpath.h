/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/labpath.h: the virtual lab's vmlinux, for the unit tests that
 * check against the real kernel.
 *
 * The path is the one scripts/lab-build.sh --path prints (so it follows
 * KGDB_LAB_CACHE and XDG_CACHE_HOME, and names this checkout's build, not
 * any build in the cache); KGDB_VMLINUX overrides it.  `make check` builds
 * the lab before the tests: a missing lab is a failure with its reason,
 * never a quiet pass.
 */
#ifndef TESTS_UNIT_LABPATH_H
#define TESTS_UNIT_LABPATH_H

#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The vmlinux path (malloc'd), or NULL and why. */
static __attribute__((unused)) char *
lab_vmlinux_path(char *why, size_t whylen)
{
	const char	*env = getenv("KGDB_VMLINUX");
	char		 dir[1024], *path;
	FILE		*p;
	size_t		 n;
	int		 st;

	if (env != NULL && env[0] != '\0')
		snprintf(dir, sizeof dir, "%s", env);
	else {
		if ((p = popen("scripts/lab-build.sh --path 2>&1", "r")) ==
		    NULL) {
			snprintf(why, whylen, "cannot run scripts/lab-build.sh");
			return (NULL);
		}
		if (fgets(dir, sizeof dir, p) == NULL)
			dir[0] = '\0';
		st = pclose(p);
		dir[strcspn(dir, "\n")] = '\0';
		if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			snprintf(why, whylen, "the lab is not built (%s): run "
			    "scripts/lab-build.sh or make check", dir);
			return (NULL);
		}
		n = strlen(dir);
		snprintf(dir + n, sizeof dir - n, "/vmlinux");
	}
	if (access(dir, R_OK) != 0) {
		snprintf(why, whylen, "%s: not readable", dir);
		return (NULL);
	}
	if ((path = strdup(dir)) == NULL)
		snprintf(why, whylen, "out of memory");
	return (path);
}

#endif
