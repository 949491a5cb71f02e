/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_elf_users.c: the three users of common/elf.c (the
 * daemon's --arch sniffing in bridge/cmdline.c, bridge/vmlinux.c and the
 * TUI's tui/symtab.c) on the same small image in all four shapes:
 * 32/64-bit, little/big-endian (big-endian ARM is on the roadmap).
 */
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
#include "tui/tui.h"
#include "tests/unit/elf_fixture.h"

/* The image of shape k in a temporary file; its path into path. */
static void
write_shape(size_t k, char *path, size_t pathlen)
{
	struct fx	f;
	int		fd;

	fx_build(&f, shapes[k].bits, shapes[k].be);
	snprintf(path, pathlen, "%s/kgdb-elf-users-XXXXXX", P_tmpdir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, f.buf, f.len), (ssize_t)f.len);
	close(fd);
}

static void
test_cmdline_arch(void **state)
{
	char	path[256], err[BR_ERRLEN];
	size_t	k;

	(void)state;
	for (k = 0; k < NSHAPES; k++) {
		write_shape(k, path, sizeof path);
		assert_string_equal(br_cmdline_elf_arch(path, err),
		    shapes[k].bits == 64 ? "arm64" : "arm");
		unlink(path);
	}
}

static void
test_vmlinux(void **state)
{
	char				 path[256], err[BR_ERRLEN];
	struct br_vmlinux		*v;
	const struct br_vml_range	*r;
	uint8_t				 buf[16];
	uint64_t			 a, b;
	size_t				 k;

	(void)state;
	for (k = 0; k < NSHAPES; k++) {
		print_message("# %s\n", shapes[k].name);
		write_shape(k, path, sizeof path);
		v = br_vmlinux_open(path, 0, err);
		if (v == NULL)
			print_message("# %s\n", err);
		assert_non_null(v);
		/* .rodata only: .text waits for BR_VML_TEXT, .bss is not
		 * in the file. */
		assert_int_equal(br_vmlinux_ranges(v, &r), 1);
		assert_string_equal(r[0].name, ".rodata");
		assert_true(r[0].addr == 0x2000 && r[0].len == sizeof rodata);
		assert_int_equal(br_vmlinux_file_read(v, 0x2000, buf,
		    sizeof rodata), 0);
		assert_string_equal((char *)buf, rodata);
		assert_true(br_vmlinux_symbol(v, "msg", &a) && a == 0x2000);
		assert_true(br_vmlinux_symbol(v, "far", &a) && a == 0x2004);
		assert_false(br_vmlinux_symbol(v, "undef", &a));
		assert_false(br_vmlinux_image(v, &a, &b));
		br_vmlinux_free(v);

		v = br_vmlinux_open(path, BR_VML_TEXT, err);
		assert_non_null(v);
		assert_int_equal(br_vmlinux_ranges(v, &r), 2);
		assert_int_equal(br_vmlinux_file_read(v, 0x1000, buf,
		    sizeof text), 0);
		assert_memory_equal(buf, text, sizeof text);
		br_vmlinux_free(v);
		unlink(path);
	}
}

static void
test_tui_symtab(void **state)
{
	char			 err[TUI_ERRLEN], buf[64];
	struct fx		 f;
	struct tui_symtab	*st;
	uint64_t		 a;
	size_t			 k;

	(void)state;
	for (k = 0; k < NSHAPES; k++) {
		print_message("# %s\n", shapes[k].name);
		fx_build(&f, shapes[k].bits, shapes[k].be);
		st = tui_symtab_from_mem(f.buf, f.len, err);
		if (st == NULL)
			print_message("# %s\n", err);
		assert_non_null(st);
		assert_int_equal(tui_symtab_bits(st), shapes[k].bits);
		tui_symtab_format(st, 0x1004, buf, sizeof buf);
		assert_string_equal(buf, "start+0x4/0x10");
		assert_true(tui_symtab_addr(st, "msg", &a) && a == 0x2000);
		assert_true(tui_symtab_is_text(st, 0x100f));
		assert_false(tui_symtab_is_text(st, 0x2000));
		tui_symtab_free(st);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline_arch),
		cmocka_unit_test(test_vmlinux),
		cmocka_unit_test(test_tui_symtab),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
