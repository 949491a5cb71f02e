/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_transcript.c: the transcript's record format, source
 * tags, continuation, escapes, marks, the protocol trace, and mode 0600.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bridge/bridge.h"

static char	dir[] = "/tmp/test_transcriptXXXXXX";
static char	logp[256], tracep[256];

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return (-1);
	snprintf(logp, sizeof logp, "%s/console.log", dir);
	snprintf(tracep, sizeof tracep, "%s/trace", dir);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	unlink(logp);
	unlink(tracep);
	rmdir(dir);
	return (0);
}

static char *
slurp(const char *path)
{
	static char	buf[65536];
	ssize_t		n;
	int		fd;

	fd = open(path, O_RDONLY);
	assert_true(fd != -1);
	n = read(fd, buf, sizeof buf - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
	return (buf);
}

/* Strip "2026-…Z 12.345 " from each line so lines compare exactly. */
static void
strip_stamps(const char *in, char *out, size_t max)
{
	regex_t		re;
	regmatch_t	m;
	const char	*p = in;
	size_t		n = 0, len;

	assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:"
	    "[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z [0-9]+\\.[0-9]{3} ", REG_EXTENDED|
	    REG_NEWLINE), 0);
	while (*p != '\0') {
		assert_int_equal(regexec(&re, p, 1, &m, 0), 0);
		assert_int_equal(m.rm_so, 0);
		p += m.rm_eo;
		len = strcspn(p, "\n");
		if (p[len] == '\n')
			len++;
		assert_true(n + len < max);
		memcpy(out + n, p, len);
		n += len;
		p += len;
	}
	out[n] = '\0';
	regfree(&re);
}

static void
test_records(void **state)
{
	struct br_transcript	*tr;
	char			 err[BR_ERRLEN], got[4096];
	struct stat		 st;

	(void)state;
	/* An existing, world-readable file is made private. */
	close(open(logp, O_WRONLY|O_CREAT|O_TRUNC, 0644));
	chmod(logp, 0644);
	tr = br_transcript_new(logp, tracep, err);
	assert_non_null(tr);
	assert_int_equal(stat(logp, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(tracep, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	br_transcript_console(tr, BR_SRC_TARGET, "Linux version\r\nab", 17);
	/* Written as it arrives: the open line is on disk already. */
	strip_stamps(slurp(logp), got, sizeof got);
	assert_string_equal(got, "tgt Linux version\ntgt ab");

	br_transcript_console(tr, BR_SRC_CONSOLE2, "dbgp\n", 5);
	br_transcript_console(tr, BR_SRC_TARGET, "c\r", 2);
	br_transcript_console(tr, BR_SRC_TARGET, "\n\x1b[0m\\ \r[0]kdb> \r\n",
	    18);
	br_transcript_mark(tr, "before reset");
	br_transcript_console(tr, BR_SRC_TARGET, "tail", 4);
	br_transcript_console(tr, BR_SRC_BRIDGE, "[kgdb-bridge] link down\r\n",
	    25);
	br_transcript_console(tr, BR_SRC_TARGET, "\xc3\xa9t\xc3\xa9\n", 6);
	strip_stamps(slurp(logp), got, sizeof got);
	assert_string_equal(got,
	    "tgt Linux version\n"
	    "tgt ab\n"
	    "con2 dbgp\n"
	    "tgt+ c\n"
	    "tgt \\x1b[0m\\\\ \\x0d[0]kdb> \n"
	    "mark ==== before reset ====\n"
	    "tgt tail\n"
	    "brg [kgdb-bridge] link down\n"
	    "tgt+ \xc3\xa9t\xc3\xa9\n");

	br_transcript_packet(tr, '<', "T05thread:01;", 13, NULL);
	br_transcript_packet(tr, '>', "m\x01\n", 3, "retransmit");
	strip_stamps(slurp(tracep), got, sizeof got);
	assert_string_equal(got,
	    "< len=13 T05thread:01;\n"
	    "> len=3 retransmit m\\x01\\x0a\n");
	br_transcript_free(tr);

	/* NULL and half-configured transcripts are no-ops. */
	br_transcript_console(NULL, BR_SRC_TARGET, "x", 1);
	br_transcript_mark(NULL, "x");
	br_transcript_packet(NULL, '<', "x", 1, NULL);
	tr = br_transcript_new(NULL, NULL, err);
	assert_non_null(tr);
	br_transcript_console(tr, BR_SRC_TARGET, "x", 1);
	br_transcript_free(tr);
}

static void
test_open_error(void **state)
{
	char	err[BR_ERRLEN];

	(void)state;
	assert_null(br_transcript_new("/nonexistent/dir/log", NULL, err));
	assert_non_null(strstr(err, "cannot open /nonexistent/dir/log"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_open_error),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
