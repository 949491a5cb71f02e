/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_opts.c: the command line and the TARGET word
 * (bridge/opts.c), as data rows; the vmlinux and --listen checks of
 * bridge/cmdline.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bridge/bridge.h"

struct target_row {
	const char		*word;
	int			 rc;
	enum br_target_kind	 kind;
	const char		*path;
	const char		*port;
	int			 baud, bits, stop;
	char			 parity;
	const char		*flow;
	unsigned		 vid, pid;
	const char		*serial;
	const char		*errpart;	/* substring of err on failure */
};

static const struct target_row target_rows[] = {
	{ "/dev/ttyUSB0", 0, BR_TK_DEVICE, "/dev/ttyUSB0", NULL, 115200, 8,
	    1, 'n', "none", 0, 0, NULL, NULL },
	{ "/dev/ttyUSB0,921600", 0, BR_TK_DEVICE, "/dev/ttyUSB0", NULL,
	    921600, 8, 1, 'n', "none", 0, 0, NULL, NULL },
	{ "/dev/ttyS1,9600,7E2,rtscts", 0, BR_TK_DEVICE, "/dev/ttyS1", NULL,
	    9600, 7, 2, 'e', "rtscts", 0, 0, NULL, NULL },
	{ "/dev/serial/by-id/usb-FTDI_FT232R-if00-port0,115200,8n1", 0,
	    BR_TK_DEVICE, "/dev/serial/by-id/usb-FTDI_FT232R-if00-port0", NULL,
	    115200, 8, 1, 'n', "none", 0, 0, NULL, NULL },
	{ "/dev/pts/3", 0, BR_TK_DEVICE, "/dev/pts/3", NULL, 115200, 8, 1,
	    'n', "none", 0, 0, NULL, NULL },
	{ "usb:0403:6001", 0, BR_TK_USB, NULL, NULL, 115200, 8, 1, 'n',
	    "none", 0x403, 0x6001, NULL, NULL },
	{ "usb:0525:127A:A1B2", 0, BR_TK_USB, NULL, NULL, 115200, 8, 1, 'n',
	    "none", 0x525, 0x127a, "A1B2", NULL },
	{ "tcp:localhost:5555", 0, BR_TK_TCP, "localhost", "5555", 115200, 8,
	    1, 'n', "none", 0, 0, NULL, NULL },
	{ "tcp:[::1]:23", 0, BR_TK_TCP, "::1", "23", 115200, 8, 1, 'n',
	    "none", 0, 0, NULL, NULL },
	/* RFC 2217: no settings, nothing set (the server's line stays). */
	{ "telnet:ser2net.lab:3001", 0, BR_TK_TELNET, "ser2net.lab", "3001",
	    0, 0, 0, '\0', NULL, 0, 0, NULL, NULL },
	{ "telnet:ser2net.lab:3001,921600", 0, BR_TK_TELNET, "ser2net.lab",
	    "3001", 921600, 0, 0, '\0', NULL, 0, 0, NULL, NULL },
	{ "rfc2217:[::1]:3001,9600,7e2,rtscts", 0, BR_TK_TELNET, "::1",
	    "3001", 9600, 7, 2, 'e', "rtscts", 0, 0, NULL, NULL },
	{ "telnet:h:3001,fast", -1, 0, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0,
	    NULL, "baud" },
	{ "telnet:h:3001,115200,8n1,none,x", -1, 0, NULL, NULL, 0, 0, 0, 0,
	    NULL, 0, 0, NULL, "telnet target" },
	{ "telnet:h:3001,115200,8n1,none,x,y", -1, 0, NULL, NULL, 0, 0, 0, 0,
	    NULL, 0, 0, NULL, "telnet target" },
	{ "unix:/tmp/qemu-serial.sock", 0, BR_TK_UNIX, "/tmp/qemu-serial.sock",
	    NULL, 115200, 8, 1, 'n', "none", 0, 0, NULL, NULL },
	/* failures */
	{ "", -1, 0, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, NULL, "empty" },
	{ "/dev/ttyUSB0,fast", -1, 0, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0,
	    NULL, "baud" },
	{ "/dev/ttyUSB0,115200,9n1", -1, 0, NULL, NULL, 0, 0, 0, 0, NULL, 0,
	    0, NULL, "line settings" },
	{ "/dev/ttyUSB0,115200,8n1,dtrdsr", -1, 0, NULL, NULL, 0, 0, 0, 0,
	    NULL, 0, 0, NULL, "flow" },
	{ "/dev/ttyUSB0,115200,8n1,rtscts,x", -1, 0, NULL, NULL, 0, 0, 0, 0,
	    NULL, 0, 0, NULL, "device target" },
	{ "usb:0403", -1, 0, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, NULL,
	    "usb:VID:PID" },
	{ "usb:04g3:6001", -1, 0, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, NULL,
	    "usb:VID:PID" },
	{ "usb:0403:6001:", -1, 0, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, NULL,
	    "usb:VID:PID" },
	{ "tcp:host", -1, 0, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, NULL,
	    "HOST:PORT" },
	{ "tcp:host:0", -1, 0, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, NULL,
	    "port" },
	{ "tcp:host:99999", -1, 0, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, NULL,
	    "port" },
	{ "unix:", -1, 0, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, NULL,
	    "unix:PATH" },
	{ "serial:/dev/ttyS0", -1, 0, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0,
	    NULL, "unknown target kind" },
};

static void
test_targets(void **state)
{
	struct br_opts	o;
	char		err[BR_ERRLEN];
	size_t		i;
	int		rc;

	(void)state;
	for (i = 0; i < sizeof target_rows / sizeof target_rows[0]; i++) {
		const struct target_row *r = &target_rows[i];

		memset(&o, 0, sizeof o);
		err[0] = '\0';
		rc = br_opts_parse_target(&o, r->word, err);
		print_message("# %s -> %d %s\n", r->word, rc, err);
		assert_int_equal(rc, r->rc);
		if (rc == -1) {
			assert_non_null(strstr(err, r->errpart));
			br_opts_clear(&o);
			continue;
		}
		assert_int_equal(o.kind, r->kind);
		if (r->path != NULL)
			assert_string_equal(o.path, r->path);
		if (r->port != NULL)
			assert_string_equal(o.port, r->port);
		assert_int_equal(o.baud, r->baud);
		assert_int_equal(o.data_bits, r->bits);
		assert_int_equal(o.stop_bits, r->stop);
		assert_int_equal(o.parity, r->parity);
		if (r->flow == NULL)
			assert_null(o.flow);
		else
			assert_string_equal(o.flow, r->flow);
		assert_int_equal(o.usb_vid, r->vid);
		assert_int_equal(o.usb_pid, r->pid);
		if (r->serial != NULL)
			assert_string_equal(o.usb_serial, r->serial);
		else
			assert_null(o.usb_serial);
		br_opts_clear(&o);
	}
}

static int
parse(struct br_opts *o, char *err, ...)
{
	char	*argv[48];
	int	 argc = 0, rc;
	va_list	 ap;

	va_start(ap, err);
	argv[argc++] = (char *)"kgdb-bridge";
	while ((argv[argc] = va_arg(ap, char *)) != NULL) {
		argc++;
		assert_true(argc < 48);
	}
	va_end(ap);
	rc = br_opts_parse(o, argc, argv, err);
	return (rc);
}

static void
test_defaults(void **state)
{
	struct br_opts	o;
	char		err[BR_ERRLEN];

	(void)state;
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	assert_int_equal(parse(&o, err, "/dev/ttyUSB0", (char *)NULL),
	    BR_OPTS_RUN);
	assert_int_equal(o.gdb_port, 4441);
	assert_int_equal(o.console_port, 4440);
	assert_string_equal(o.listen, "127.0.0.1");
	assert_string_equal(o.ctl_path,
	    "/run/user/1000/kgdb-bridge/ttyUSB0.sock");
	assert_false(o.quiet);
	assert_false(o.break_on_connect);
	assert_false(o.no_cache);	/* the cache is on unless asked */
	assert_false(o.no_sleepers);	/* sleepers too */
	assert_false(o.no_taskregs);	/* and task registers */
	assert_int_equal(o.step_irqs, BR_STEP_IRQS_MASKED);
	assert_false(o.tui);
	br_opts_clear(&o);

	unsetenv("XDG_RUNTIME_DIR");
	assert_int_equal(parse(&o, err, "tcp:10.0.0.5:3001", (char *)NULL),
	    BR_OPTS_RUN);
	{
		char want[128];

		snprintf(want, sizeof want,
		    "/tmp/kgdb-bridge-%u/tcp_10.0.0.5_3001.sock",
		    (unsigned)getuid());
		assert_string_equal(o.ctl_path, want);
	}
	br_opts_clear(&o);
}

static void
test_options(void **state)
{
	struct br_opts	o;
	char		err[BR_ERRLEN];

	(void)state;
	/* Options may follow the TARGET (GNU argument order). */
	assert_int_equal(parse(&o, err, "--gdb-port", "5001",
	    "--console-port=off", "/dev/pts/4", "--listen", "0.0.0.0", "--log",
	    "/tmp/t.log", "--trace", "/tmp/t.trace", "--ctl", "/tmp/c.sock",
	    "--vmlinux", "/tmp/vmlinux", "--arch", "arm64", "--console2",
	    "usb:0525:127a", "--break-seq", "BREAK,g", "--break-on-connect",
	    "--takeover", "--no-stdin", "--wait", "--console-raw", "--no-cache",
	    "--no-sleepers", "--no-taskregs", "--step-irqs", "kernel", "-q",
	    "-v", "-v", (char *)NULL),
	    BR_OPTS_RUN);
	assert_int_equal(o.verify, BR_VERIFY_AUTO);
	assert_int_equal(o.gdb_port, 5001);
	assert_int_equal(o.console_port, BR_PORT_OFF);
	assert_string_equal(o.path, "/dev/pts/4");
	assert_string_equal(o.listen, "0.0.0.0");
	assert_string_equal(o.log_path, "/tmp/t.log");
	assert_string_equal(o.trace_path, "/tmp/t.trace");
	assert_string_equal(o.ctl_path, "/tmp/c.sock");
	assert_string_equal(o.vmlinux, "/tmp/vmlinux");
	assert_string_equal(o.arch, "arm64");
	assert_string_equal(o.console2, "usb:0525:127a");
	assert_string_equal(o.break_seq, "BREAK,g");
	assert_true(o.break_on_connect && o.takeover && o.no_stdin &&
	    o.wait && o.console_raw && o.no_cache && o.no_sleepers &&
	    o.no_taskregs && o.quiet);
	assert_int_equal(o.verbose, 2);
	assert_int_equal(o.step_irqs, BR_STEP_IRQS_KERNEL);
	br_opts_clear(&o);
	assert_int_equal(parse(&o, err, "--step-irqs=masked", "/dev/ttyS0",
	    (char *)NULL), BR_OPTS_RUN);
	assert_int_equal(o.step_irqs, BR_STEP_IRQS_MASKED);
	br_opts_clear(&o);
}

/* --verify-reads: auto unless told. */
static void
test_verify_reads(void **state)
{
	struct br_opts	o;
	char		err[BR_ERRLEN];

	(void)state;
	assert_int_equal(parse(&o, err, "--verify-reads", "always",
	    "/dev/pts/4", (char *)NULL), BR_OPTS_RUN);
	assert_int_equal(o.verify, BR_VERIFY_ALWAYS);
	br_opts_clear(&o);
	assert_int_equal(parse(&o, err, "--verify-reads=off", "/dev/pts/4",
	    (char *)NULL), BR_OPTS_RUN);
	assert_int_equal(o.verify, BR_VERIFY_OFF);
	br_opts_clear(&o);
}

/* Port 0 asks the kernel for any free port; "off" opens none. Two
 * listeners on port 0 do not clash (each gets its own). */
static void
test_ports(void **state)
{
	struct br_opts	o;
	char		err[BR_ERRLEN];

	(void)state;
	assert_int_equal(parse(&o, err, "--gdb-port", "0", "--console-port",
	    "0", "/dev/pts/4", (char *)NULL), BR_OPTS_RUN);
	assert_int_equal(o.gdb_port, 0);
	assert_int_equal(o.console_port, 0);
	br_opts_clear(&o);
	assert_int_equal(parse(&o, err, "--gdb-port", "off", "--console-port",
	    "65535", "/dev/pts/4", (char *)NULL), BR_OPTS_RUN);
	assert_int_equal(o.gdb_port, BR_PORT_OFF);
	assert_int_equal(o.console_port, 65535);
	br_opts_clear(&o);
	assert_int_equal(parse(&o, err, "--gdb-port", "4440",
	    "/dev/pts/4", (char *)NULL), -1);
	assert_non_null(strstr(err, "both 4440"));
	br_opts_clear(&o);
	assert_int_equal(parse(&o, err, "--gdb-port", "-1",
	    "/dev/pts/4", (char *)NULL), -1);
	assert_non_null(strstr(err, "off"));
	br_opts_clear(&o);
	assert_int_equal(parse(&o, err, "--console-port", "Off",
	    "/dev/pts/4", (char *)NULL), -1);
	br_opts_clear(&o);
}

/* --tui: the terminal belongs to kgdb-tui, so no console and no keys. */
static void
test_tui(void **state)
{
	struct br_opts	o;
	char		err[BR_ERRLEN], *p;

	(void)state;
	assert_int_equal(parse(&o, err, "--tui", "tcp:127.0.0.1:5555",
	    (char *)NULL), BR_OPTS_RUN);
	assert_true(o.tui && o.quiet && o.no_stdin);
	br_opts_clear(&o);
	assert_int_equal(parse(&o, err, "--tui=x", "/dev/ttyS0",
	    (char *)NULL), -1);
	br_opts_clear(&o);

	setenv("KGDB_TUI", "/opt/k/kgdb-tui", 1);
	p = br_launch_tui_path();
	assert_string_equal(p, "/opt/k/kgdb-tui");
	free(p);
	unsetenv("KGDB_TUI");
	p = br_launch_tui_path();
	assert_non_null(strstr(p, "kgdb-tui"));
	free(p);
}

static void
test_bad_options(void **state)
{
	static const struct {
		const char	*a, *b, *c;
		const char	*errpart;
	} rows[] = {
		{ "--bogus", "/dev/ttyS0", NULL, "unknown" },
		{ "--gdb-port", "x", "/dev/ttyS0", "--gdb-port" },
		{ "--gdb-port", "70000", "/dev/ttyS0", "--gdb-port" },
		{ "--console-port", "-1", "/dev/ttyS0", "--console-port" },
		{ "--arch", "mips", "/dev/ttyS0", "--arch" },
		{ "--arch", "riscv", "/dev/ttyS0", "--arch" },
		{ "--arch", "riscv32", "/dev/ttyS0", "--arch" },
		{ "--arch", "ARM", "/dev/ttyS0", "--arch" },
		{ "/dev/ttyS0", "/dev/ttyS1", NULL, "one TARGET" },
		{ "-q", NULL, NULL, "no TARGET" },
		{ "/dev/ttyS0", "--gdb-port", NULL, "needs a value" },
		{ "--gdb-port", "4440", "/dev/ttyS0", "both" },
		{ "-x", "/dev/ttyS0", NULL, "-x" },
		{ "--verify-reads", "maybe", "/dev/ttyS0", "--verify-reads" },
		{ "--step-irqs", "off", "/dev/ttyS0", "--step-irqs" },
	};
	struct br_opts	o;
	char		err[BR_ERRLEN];
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		err[0] = '\0';
		assert_int_equal(parse(&o, err, rows[i].a, rows[i].b,
		    rows[i].c, (char *)NULL), -1);
		print_message("# %s\n", err);
		assert_non_null(strstr(err, rows[i].errpart));
		br_opts_clear(&o);
	}
}

static void
write_elf(const char *path, int class, int data, unsigned machine)
{
	unsigned char	h[64];
	FILE		*f;

	memset(h, 0, sizeof h);
	memcpy(h, "\177ELF", 4);
	h[4] = (unsigned char)class;
	h[5] = (unsigned char)data;
	if (data == 1) {
		h[18] = (unsigned char)machine;
		h[19] = (unsigned char)(machine >> 8);
	} else {
		h[18] = (unsigned char)(machine >> 8);
		h[19] = (unsigned char)machine;
	}
	f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(h, 1, sizeof h, f);
	fclose(f);
}

static void
test_elf_arch(void **state)
{
	char	path[] = "/tmp/test_opts_elfXXXXXX", err[BR_ERRLEN];
	int	fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd != -1);
	close(fd);
	write_elf(path, 2, 1, 62);
	assert_string_equal(br_cmdline_elf_arch(path, err), "x86_64");
	write_elf(path, 1, 1, 3);
	assert_string_equal(br_cmdline_elf_arch(path, err), "i386");
	write_elf(path, 2, 1, 183);
	assert_string_equal(br_cmdline_elf_arch(path, err), "arm64");
	write_elf(path, 2, 2, 183);	/* big-endian arm64 header */
	assert_string_equal(br_cmdline_elf_arch(path, err), "arm64");
	write_elf(path, 1, 1, 40);	/* EM_ARM */
	assert_string_equal(br_cmdline_elf_arch(path, err), "arm");
	write_elf(path, 1, 2, 40);	/* big-endian arm: same machine */
	assert_string_equal(br_cmdline_elf_arch(path, err), "arm");
	write_elf(path, 2, 1, 243);	/* EM_RISCV, 64-bit class */
	assert_string_equal(br_cmdline_elf_arch(path, err), "riscv64");
	write_elf(path, 1, 1, 243);	/* rv32: no kgdb layout for it */
	assert_null(br_cmdline_elf_arch(path, err));
	assert_non_null(strstr(err, "unsupported ELF machine 243, 32-bit"));
	write_elf(path, 2, 1, 8);	/* MIPS */
	assert_null(br_cmdline_elf_arch(path, err));
	assert_non_null(strstr(err, "unsupported ELF machine 8"));
	fd = open(path, O_WRONLY|O_TRUNC);
	assert_true(write(fd, "#!/bin/sh\n", 10) == 10);
	close(fd);
	assert_null(br_cmdline_elf_arch(path, err));
	assert_non_null(strstr(err, "not an ELF"));
	unlink(path);
	assert_null(br_cmdline_elf_arch(path, err));
	assert_non_null(strstr(err, "cannot open"));
}

/* Every name rsp_arch_by_name() knows is a valid --arch, kept as given. */
static void
test_arch_names(void **state)
{
	static const char *const names[] = {
		"x86_64", "amd64", "i386", "x86", "arm64", "aarch64", "arm",
		"armv7", "riscv64", "riscv:rv64",
	};
	struct br_opts	o;
	char		err[BR_ERRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		err[0] = '\0';
		int rc = parse(&o, err, "--arch", names[i], "/dev/ttyS0",
		    (char *)NULL);

		if (rc != 0) {
			br_opts_clear(&o);
			fail_msg("--arch %s: %s", names[i], err);
		}
		assert_string_equal(o.arch, names[i]);
		br_opts_clear(&o);
	}
}

/*
 * Parsing only says what was asked; nothing is printed, listed or read
 * here (cmdline.c does it). The first such option decides, as before.
 */
static void
test_asked(void **state)
{
	static const struct {
		const char	*a, *b;
		int		 rc;
	} rows[] = {
		{ "--help", "/dev/ttyS0", BR_OPTS_HELP },
		{ "-h", NULL, BR_OPTS_HELP },
		{ "--version", NULL, BR_OPTS_VERSION },
		{ "--list", NULL, BR_OPTS_LIST },
		{ "--list-boards", "/dev/ttyS0", BR_OPTS_LIST_BOARDS },
		{ "--list", "--help", BR_OPTS_LIST },
		{ "--version", "--list", BR_OPTS_VERSION },
	};
	struct br_opts	o;
	char		err[BR_ERRLEN];
	size_t		i;

	(void)state;
	setenv("KGDB_BRIDGE_BOARDS", "/nonexistent/boards.conf", 1);
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		err[0] = '\0';
		assert_int_equal(parse(&o, err, rows[i].a, rows[i].b,
		    (char *)NULL), rows[i].rc);
		assert_string_equal(err, "");
		br_opts_clear(&o);
	}
	unsetenv("KGDB_BRIDGE_BOARDS");
}

/* A TARGET without '/', ':' or ',' names a board: its name and where it
 * sits in argv (getopt moves the options in front of it). No file read. */
static void
test_board_word(void **state)
{
	struct br_opts	o;
	char		err[BR_ERRLEN];
	char		*argv[] = { (char *)"kgdb-bridge", (char *)"-q",
			    (char *)"rpi4", (char *)"--wait", NULL };

	(void)state;
	setenv("KGDB_BRIDGE_BOARDS", "/nonexistent/boards.conf", 1);
	assert_int_equal(br_opts_parse(&o, 4, argv, err), BR_OPTS_BOARD);
	assert_string_equal(o.board, "rpi4");
	assert_string_equal(argv[o.board_at], "rpi4");
	assert_true(o.quiet && o.wait);
	br_opts_clear(&o);
	assert_int_equal(parse(&o, err, "imx8.a-b_c", (char *)NULL),
	    BR_OPTS_BOARD);
	assert_string_equal(o.board, "imx8.a-b_c");
	assert_int_equal(o.board_at, 1);
	br_opts_clear(&o);
	/* A usage error still comes first. */
	assert_int_equal(parse(&o, err, "--gdb-port", "x", "rpi4",
	    (char *)NULL), -1);
	br_opts_clear(&o);
	unsetenv("KGDB_BRIDGE_BOARDS");
}

/* --break-seq is checked while parsing (breakseq.c). */
static void
test_break_seq(void **state)
{
	struct br_opts	o;
	char		err[BR_ERRLEN];

	(void)state;
	assert_int_equal(parse(&o, err, "--break-seq",
	    "BREAK,wait:200,abc,BREAK,wait:500,g", "/dev/ttyS0", (char *)NULL),
	    BR_OPTS_RUN);
	br_opts_clear(&o);
	assert_int_equal(parse(&o, err, "--break-seq", "BREAK,wait:x,g",
	    "/dev/ttyS0", (char *)NULL), -1);
	assert_non_null(strstr(err, "wait:x"));
	br_opts_clear(&o);
	assert_int_equal(parse(&o, err, "--break-seq", "", "/dev/ttyS0",
	    (char *)NULL), -1);
	assert_non_null(strstr(err, "empty --break-seq"));
	br_opts_clear(&o);
	assert_int_equal(parse(&o, err, "--break-seq", ",,", "/dev/ttyS0",
	    (char *)NULL), -1);
	assert_non_null(strstr(err, "empty break sequence"));
	br_opts_clear(&o);
}

/* --listen: only 127.0.0.0/8 and ::1 stay private (no DNS: numeric). */
static void
test_listen_loopback(void **state)
{
	(void)state;
	assert_true(br_cmdline_listen_loopback("127.0.0.1"));
	assert_true(br_cmdline_listen_loopback("127.1.2.3"));
	assert_true(br_cmdline_listen_loopback("::1"));
	assert_true(br_cmdline_listen_loopback("::ffff:127.0.0.1"));
	assert_false(br_cmdline_listen_loopback("0.0.0.0"));
	assert_false(br_cmdline_listen_loopback("::"));
	assert_false(br_cmdline_listen_loopback("10.0.0.1"));
	assert_false(br_cmdline_listen_loopback("128.0.0.1"));
	assert_false(br_cmdline_listen_loopback("::2"));
	assert_false(br_cmdline_listen_loopback("::ffff:10.0.0.1"));
	assert_false(br_cmdline_listen_loopback("fe80::1"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_verify_reads),
		cmocka_unit_test(test_tui),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_elf_arch),
		cmocka_unit_test(test_arch_names),
		cmocka_unit_test(test_listen_loopback),
		cmocka_unit_test(test_asked),
		cmocka_unit_test(test_board_word),
		cmocka_unit_test(test_break_seq),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
