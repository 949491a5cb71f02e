/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_serial.c: what transport_serial.c makes of a USB device
 * (its capabilities from vendor/product, driver and name), and lowering an
 * FTDI-style latency timer, on a sysfs tree built in a temporary directory.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bridge/bridge.h"
#include "bridge/transport.h"

struct row {
	int		 vid, pid;
	const char	*driver, *path;
	int		 caps;
};

static const struct row rows[] = {
	/* An FTDI adapter and an on-board UART: baud and BREAK. */
	{ 0x0403, 0x6001, "ftdi_sio", "/dev/ttyUSB0",
	    BR_LINK_HAS_BAUD|BR_LINK_CAN_BREAK },
	{ -1, -1, "serial8250", "/dev/ttyS0",
	    BR_LINK_HAS_BAUD|BR_LINK_CAN_BREAK },
	/* EHCI debug port: usb_debug on the host, g_dbgp's identity, or
	 * the gadget's own tty. */
	{ 0x0525, 0x127a, "", "/dev/ttyUSB1",
	    BR_LINK_NO_8BIT|BR_LINK_INT_03 },
	{ 0x1234, 0x5678, "debug", "/dev/ttyUSB2",
	    BR_LINK_NO_8BIT|BR_LINK_INT_03 },
	{ -1, -1, "", "/dev/ttyGS0", BR_LINK_NO_8BIT|BR_LINK_INT_03 },
	/* xHCI DbC, either product id, whatever driver: console only. */
	{ 0x1d6b, 0x0010, "usb_serial_simple", "/dev/ttyUSB3",
	    BR_LINK_CONSOLE_ONLY },
	{ 0x1d6b, 0x0011, "debug", "/dev/ttyUSB4", BR_LINK_CONSOLE_ONLY },
	/* Another Linux Foundation id is not DbC. */
	{ 0x1d6b, 0x0002, "", "/dev/ttyUSB5",
	    BR_LINK_HAS_BAUD|BR_LINK_CAN_BREAK },
};

static void
test_classify(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		print_message("%04x:%04x %s %s\n", rows[i].vid & 0xffff,
		    rows[i].pid & 0xffff, rows[i].driver, rows[i].path);
		assert_int_equal(br_serial_classify(rows[i].vid, rows[i].pid,
		    rows[i].driver, rows[i].path), rows[i].caps);
	}
}

/* A sysfs root with ttyUSB0's latency_timer holding TEXT (NULL: none). */
static void
make_sysfs(char *root, size_t max, const char *text, char *file,
    size_t fmax)
{
	char	dir[1024];
	int	fd;

	snprintf(root, max, "%s/kgdb-serial.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(root));
	snprintf(dir, sizeof dir, "%s/bus", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof dir, "%s/bus/usb-serial", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof dir, "%s/bus/usb-serial/devices", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof dir, "%s/bus/usb-serial/devices/ttyUSB0", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(file, fmax, "%s/latency_timer", dir);
	if (text == NULL)
		return;
	fd = open(file, O_WRONLY|O_CREAT|O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void
read_file(const char *file, char *buf, size_t max)
{
	int	fd = open(file, O_RDONLY);
	ssize_t	n;

	assert_true(fd >= 0);
	n = read(fd, buf, max - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
}

static void
cleanup(const char *root, const char *file)
{
	char	dir[1024];

	unlink(file);
	snprintf(dir, sizeof dir, "%s/bus/usb-serial/devices/ttyUSB0", root);
	rmdir(dir);
	snprintf(dir, sizeof dir, "%s/bus/usb-serial/devices", root);
	rmdir(dir);
	snprintf(dir, sizeof dir, "%s/bus/usb-serial", root);
	rmdir(dir);
	snprintf(dir, sizeof dir, "%s/bus", root);
	rmdir(dir);
	assert_int_equal(rmdir(root), 0);
}

static void
test_latency_lowered(void **state)
{
	char	root[PATH_MAX], file[PATH_MAX], buf[16];

	(void)state;
	make_sysfs(root, sizeof root, "16\n", file, sizeof file);
	assert_int_equal(br_serial_latency(root, "/dev/ttyUSB0"), 1);
	read_file(file, buf, sizeof buf);
	assert_int_equal(atoi(buf), 1);
	/* Already 1 ms: nothing written. */
	assert_int_equal(br_serial_latency(root, "/dev/ttyUSB0"), 0);
	cleanup(root, file);
}

static void
test_latency_absent(void **state)
{
	char	root[PATH_MAX], file[PATH_MAX];

	(void)state;
	make_sysfs(root, sizeof root, NULL, file, sizeof file);
	/* No timer file (not an FTDI-style adapter), or another tty. */
	assert_int_equal(br_serial_latency(root, "/dev/ttyUSB0"), 0);
	assert_int_equal(br_serial_latency(root, "/dev/ttyACM0"), 0);
	cleanup(root, file);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_latency_lowered),
		cmocka_unit_test(test_latency_absent),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
