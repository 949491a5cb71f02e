/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_cmdline.c: what bridge/cmdline.c does with what the
 * command line asked: a board's name becomes its options in front of the
 * user's (boards.conf from $KGDB_BRIDGE_BOARDS), --version prints.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bridge/bridge.h"

static char	conf[] = "/tmp/test_cmdline_XXXXXX";

static void
write_conf(const char *text)
{
	FILE	*f;

	f = fopen(conf, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	setenv("KGDB_BRIDGE_BOARDS", conf, 1);
}

static int
run(struct br_opts *o, char *err, ...)
{
	char	*argv[16];
	int	 argc = 0;
	va_list	 ap;

	va_start(ap, err);
	argv[argc++] = (char *)"kgdb-bridge";
	while ((argv[argc] = va_arg(ap, char *)) != NULL) {
		argc++;
		assert_true(argc < 16);
	}
	va_end(ap);
	err[0] = '\0';
	return (br_cmdline_parse(o, argc, argv, err));
}

static void
test_board(void **state)
{
	struct br_opts	 o;
	char		 err[BR_ERRLEN], *ctl;

	(void)state;
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	write_conf("[rpi4]\n"
	    "target = /dev/ttyUSB7,921600\n"
	    "log = none\n"
	    "wait = yes\n"
	    "[qemu]\n"
	    "target = tcp:localhost:5000\n"
	    "log = none\n"
	    "break-seq = BREAK,wait:300,g\n");
	assert_int_equal(run(&o, err, "rpi4", (char *)NULL), BR_OPTS_RUN);
	assert_string_equal(o.board, "rpi4");
	assert_int_equal(o.kind, BR_TK_DEVICE);
	assert_string_equal(o.path, "/dev/ttyUSB7");
	assert_int_equal(o.baud, 921600);
	assert_int_equal(o.gdb_port, 4441);
	assert_int_equal(o.console_port, 4440);
	assert_true(o.wait);
	assert_null(o.log_path);
	ctl = br_opts_default_ctl("rpi4");
	assert_string_equal(o.ctl_path, ctl);
	free(ctl);
	br_opts_clear(&o);

	/* The second board's automatic ports; the user's options win. */
	assert_int_equal(run(&o, err, "-q", "qemu", "--gdb-port", "5001",
	    (char *)NULL), BR_OPTS_RUN);
	assert_string_equal(o.board, "qemu");
	assert_int_equal(o.kind, BR_TK_TCP);
	assert_int_equal(o.gdb_port, 5001);
	assert_int_equal(o.console_port, 4442);
	assert_string_equal(o.break_seq, "BREAK,wait:300,g");
	assert_true(o.quiet);
	br_opts_clear(&o);

	assert_int_equal(run(&o, err, "nosuch", (char *)NULL), -1);
	assert_non_null(strstr(err, "no board 'nosuch'"));
	assert_non_null(strstr(err, conf));
	br_opts_clear(&o);

	/* A plain TARGET never reads boards.conf. */
	write_conf("[broken\n");
	assert_int_equal(run(&o, err, "/dev/ttyS0", (char *)NULL),
	    BR_OPTS_RUN);
	assert_null(o.board);
	br_opts_clear(&o);
	assert_int_equal(run(&o, err, "rpi4", (char *)NULL), -1);
	assert_non_null(strstr(err, "not INI"));
	br_opts_clear(&o);
	unsetenv("XDG_RUNTIME_DIR");
}

/* What a board says is checked as if typed, and clashes are named. */
static void
test_board_errors(void **state)
{
	struct br_opts	 o;
	char		 err[BR_ERRLEN];

	(void)state;
	write_conf("[a]\n"
	    "target = /dev/ttyS0\n"
	    "log = none\n"
	    "[b]\n"
	    "target = /dev/ttyS1\n"
	    "log = none\n"
	    "gdb-port = 4441\n"
	    "[c]\n"
	    "target = /dev/ttyS2\n"
	    "log = none\n"
	    "break-seq = BREAK,wait:x\n");
	assert_int_equal(run(&o, err, "b", (char *)NULL), -1);
	assert_non_null(strstr(err, "board 'a''s gdb port"));
	br_opts_clear(&o);
	assert_int_equal(run(&o, err, "c", (char *)NULL), -1);
	assert_non_null(strstr(err, "'wait:x'"));
	br_opts_clear(&o);
}

static void
test_exit(void **state)
{
	struct br_opts	 o;
	char		 err[BR_ERRLEN];

	(void)state;
	assert_int_equal(run(&o, err, "--version", (char *)NULL),
	    BR_OPTS_EXIT);
	br_opts_clear(&o);
	assert_int_equal(run(&o, err, "--bogus", "/dev/ttyS0", (char *)NULL),
	    -1);
	assert_non_null(strstr(err, "--bogus"));
	br_opts_clear(&o);
}

static int
setup(void **state)
{
	int	fd;

	(void)state;
	if ((fd = mkstemp(conf)) == -1)
		return (-1);
	close(fd);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	unlink(conf);
	unsetenv("KGDB_BRIDGE_BOARDS");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_board),
		cmocka_unit_test(test_board_errors),
		cmocka_unit_test(test_exit),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
