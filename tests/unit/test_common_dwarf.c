/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_common_dwarf.c: common/dwarf.c on real DWARF: the lab's
 * 6.1 x86_64 vmlinux, and the 6.1 and 6.12 printk ring fixtures
 * (tests/data/dwarf, built by make for 64 and 32 bits, DWARF 5 and 4).
 * The expected numbers were read from the kernel headers by hand (and
 * agree with pahole on the lab kernel); the errors must name what is
 * missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/dwarf.h"
#include "common/elf.h"
#include "tests/unit/fixdir.h"
#include "tests/unit/labpath.h"
#include "tui/tui.h"

static char	fixdir[1024];

static struct cm_dwarf *
fix_open(const char *name)
{
	struct cm_dwarf	*d;
	char		 path[1100], err[CM_DWARF_ERRLEN];

	snprintf(path, sizeof path, "%s/%s", fixdir, name);
	if ((d = cm_dwarf_open(path, err)) == NULL)
		print_message("# %s\n", err);
	assert_non_null(d);
	return (d);
}

static void
member_is(struct cm_dwarf *d, const char *st, const char *path,
    uint64_t off, uint64_t size)
{
	struct cm_dwarf_member	m;
	char			err[CM_DWARF_ERRLEN];

	if (cm_dwarf_member(d, st, path, &m, err) != 0)
		print_message("# %s\n", err);
	else if (m.offset != off || m.size != size)
		print_message("# %s.%s: %llu+%llu, want %llu+%llu\n", st, path,
		    (unsigned long long)m.offset, (unsigned long long)m.size,
		    (unsigned long long)off, (unsigned long long)size);
	assert_int_equal(cm_dwarf_member(d, st, path, &m, err), 0);
	assert_int_equal(m.offset, off);
	assert_int_equal(m.size, size);
	assert_int_equal(m.bit_size, 0);
}

static void
size_is(struct cm_dwarf *d, const char *st, uint64_t want)
{
	uint64_t	size = 0;
	char		err[CM_DWARF_ERRLEN];

	assert_int_equal(cm_dwarf_struct_size(d, st, &size, err), 0);
	assert_int_equal(size, want);
}

/* The bit fields of printk_info: flags:5 then level:3 in byte 19. */
static void
info_bits(struct cm_dwarf *d)
{
	struct cm_dwarf_member	m;
	char			err[CM_DWARF_ERRLEN];

	assert_int_equal(cm_dwarf_member(d, "printk_info", "flags", &m, err),
	    0);
	assert_int_equal(m.offset, 19);
	assert_int_equal(m.size, 1);
	assert_int_equal(m.bit_offset, 0);
	assert_int_equal(m.bit_size, 5);
	assert_int_equal(cm_dwarf_member(d, "printk_info", "level", &m, err),
	    0);
	assert_int_equal(m.offset, 19);
	assert_int_equal(m.bit_offset, 5);
	assert_int_equal(m.bit_size, 3);
}

/* A 64-bit ring (x86_64, arm64, riscv64): the same on 6.1 and 6.12. */
static void
ring64(struct cm_dwarf *d)
{
	assert_int_equal(cm_dwarf_bits(d), 64);
	assert_false(cm_dwarf_big_endian(d));
	size_is(d, "printk_ringbuffer", 88);
	size_is(d, "prb_desc_ring", 48);
	size_is(d, "prb_data_ring", 32);
	size_is(d, "prb_desc", 24);
	size_is(d, "printk_info", 88);
	member_is(d, "printk_ringbuffer", "desc_ring", 0, 48);
	member_is(d, "printk_ringbuffer", "desc_ring.count_bits", 0, 4);
	member_is(d, "printk_ringbuffer", "desc_ring.descs", 8, 8);
	member_is(d, "printk_ringbuffer", "desc_ring.infos", 16, 8);
	member_is(d, "printk_ringbuffer", "desc_ring.head_id", 24, 8);
	member_is(d, "printk_ringbuffer", "desc_ring.tail_id", 32, 8);
	member_is(d, "printk_ringbuffer", "text_data_ring", 48, 32);
	member_is(d, "printk_ringbuffer", "text_data_ring.size_bits", 48, 4);
	member_is(d, "printk_ringbuffer", "text_data_ring.data", 56, 8);
	/* through the atomic_long_t typedef to its struct */
	member_is(d, "printk_ringbuffer", "fail.counter", 80, 8);
	member_is(d, "prb_desc", "state_var", 0, 8);
	member_is(d, "prb_desc", "text_blk_lpos.begin", 8, 8);
	member_is(d, "prb_desc", "text_blk_lpos.next", 16, 8);
	member_is(d, "printk_info", "seq", 0, 8);
	member_is(d, "printk_info", "ts_nsec", 8, 8);
	member_is(d, "printk_info", "text_len", 16, 2);
	member_is(d, "printk_info", "facility", 18, 1);
	member_is(d, "printk_info", "caller_id", 20, 4);
	member_is(d, "printk_info", "dev_info.device", 40, 48);
	info_bits(d);
}

/* A 32-bit ring (i386, arm): longs and pointers of 4 bytes. */
static void
ring32(struct cm_dwarf *d)
{
	assert_int_equal(cm_dwarf_bits(d), 32);
	size_is(d, "printk_ringbuffer", 44);
	size_is(d, "prb_desc", 12);
	size_is(d, "printk_info", 88);
	member_is(d, "printk_ringbuffer", "desc_ring.descs", 4, 4);
	member_is(d, "printk_ringbuffer", "desc_ring.infos", 8, 4);
	member_is(d, "printk_ringbuffer", "desc_ring.head_id", 12, 4);
	member_is(d, "printk_ringbuffer", "desc_ring.tail_id", 16, 4);
	member_is(d, "printk_ringbuffer", "text_data_ring.size_bits", 24, 4);
	member_is(d, "printk_ringbuffer", "text_data_ring.data", 28, 4);
	member_is(d, "prb_desc", "text_blk_lpos.next", 8, 4);
	member_is(d, "printk_info", "caller_id", 20, 4);
	info_bits(d);
}

/* What tells 6.1 from 6.12 in these structs, and how prb is declared. */
static void
version_is(struct cm_dwarf *d, bool v612, unsigned bits)
{
	struct cm_dwarf_member	m;
	struct cm_dwarf_var	v;
	char			err[CM_DWARF_ERRLEN];
	unsigned		ls = bits / 8;
	int64_t			sv;

	member_is(d, "printk_ringbuffer", v612 ?
	    "desc_ring.last_finalized_seq" : "desc_ring.last_finalized_id",
	    5 * ls, ls);
	assert_int_equal(cm_dwarf_member(d, "printk_ringbuffer", v612 ?
	    "desc_ring.last_finalized_id" : "desc_ring.last_finalized_seq",
	    &m, err), -1);
	assert_non_null(strstr(err, v612 ? "last_finalized_id" :
	    "last_finalized_seq"));
	assert_int_equal(cm_dwarf_var(d, "prb", &v, err), 0);
	assert_string_equal(v.type, "struct printk_ringbuffer *");
	assert_int_equal(v.size, ls);
	assert_true(v.addr != 0);
	assert_int_equal(cm_dwarf_enum(d, "desc_state", "desc_miss", &sv,
	    err), 0);
	assert_int_equal(sv, -1);
	assert_int_equal(cm_dwarf_enum(d, "desc_state", "desc_reusable", &sv,
	    err), 0);
	assert_int_equal(sv, 3);
}

static void
test_fixture_61(void **state)
{
	struct cm_dwarf	*d;

	(void)state;
	d = fix_open("prb-6.1-64");
	ring64(d);
	version_is(d, false, 64);
	cm_dwarf_free(d);
	d = fix_open("prb-6.1-32");
	ring32(d);
	version_is(d, false, 32);
	cm_dwarf_free(d);
	/* DWARF 4: bit fields in the old form (DW_AT_bit_offset). */
	d = fix_open("prb-6.1-64-dwarf4");
	ring64(d);
	version_is(d, false, 64);
	cm_dwarf_free(d);
}

static void
test_fixture_612(void **state)
{
	struct cm_dwarf	*d;

	(void)state;
	d = fix_open("prb-6.12-64");
	ring64(d);
	version_is(d, true, 64);
	cm_dwarf_free(d);
	d = fix_open("prb-6.12-32");
	ring32(d);
	version_is(d, true, 32);
	cm_dwarf_free(d);
	d = fix_open("prb-6.12-64-dwarf4");
	ring64(d);
	version_is(d, true, 64);
	cm_dwarf_free(d);
}

/* The printk walk's layout, as kgdb-tui builds it, on each fixture. */
static void
test_prb_layout(void **state)
{
	static const char *const names[] = { "prb-6.1-64", "prb-6.1-32",
	    "prb-6.12-64", "prb-6.12-32", "prb-6.12-64-dwarf4" };
	struct tui_prb_layout	 l;
	struct cm_dwarf		*d;
	struct cm_dwarf_var	 v;
	uint64_t		 prb;
	char			 err[TUI_ERRLEN];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		d = fix_open(names[i]);
		assert_int_equal(tui_prb_layout_dwarf(d, &l, &prb, err), 0);
		assert_int_equal(cm_dwarf_var(d, "prb", &v, err), 0);
		assert_int_equal(prb, v.addr);
		assert_int_equal(l.long_size, cm_dwarf_bits(d) / 8);
		assert_int_equal(l.desc_size, 3 * l.long_size);
		assert_int_equal(l.info_size, 88);
		assert_int_equal(l.head_id.off, 3 * l.long_size);
		assert_int_equal(l.level.bit, 5);
		assert_int_equal(l.level.bits, 3);
		assert_int_equal(l.desc_reserved, 0);
		assert_int_equal(l.desc_finalized, 2);
		assert_int_equal(tui_prb_layout_check(&l, err), 0);
		/* A field outside its struct is refused. */
		l.caller_id.off = 86;
		assert_int_equal(tui_prb_layout_check(&l, err), -1);
		assert_non_null(strstr(err, "caller_id"));
		cm_dwarf_free(d);
	}
}

static void
test_errors(void **state)
{
	struct cm_dwarf		*d;
	struct cm_dwarf_member	 m;
	struct cm_dwarf_var	 v;
	uint64_t		 size;
	int64_t			 sv;
	char			 err[CM_DWARF_ERRLEN], path[1100];

	(void)state;
	d = fix_open("prb-6.1-64");
	assert_int_equal(cm_dwarf_member(d, "printk_ringbuffer",
	    "desc_ring.count_bitz", &m, err), -1);
	assert_string_equal(err, "struct printk_ringbuffer has no member "
	    "desc_ring.count_bitz");
	assert_int_equal(cm_dwarf_member(d, "printk_ringbuffer",
	    "desc_ring..descs", &m, err), -1);
	assert_non_null(strstr(err, "bad member path"));
	assert_int_equal(cm_dwarf_member(d, "printk_ringbuffer", "", &m,
	    err), -1);
	/* Through a pointer is not through a struct. */
	assert_int_equal(cm_dwarf_member(d, "printk_ringbuffer",
	    "desc_ring.descs.state_var", &m, err), -1);
	assert_non_null(strstr(err, "no member desc_ring.descs.state_var"));
	/* Into a bit field. */
	assert_int_equal(cm_dwarf_member(d, "printk_info", "flags.x", &m,
	    err), -1);
	assert_int_equal(cm_dwarf_struct_size(d, "printk_ringbufer", &size,
	    err), -1);
	assert_string_equal(err, "no struct printk_ringbufer in the debug "
	    "info");
	assert_int_equal(cm_dwarf_var(d, "prbb", &v, err), -1);
	assert_string_equal(err, "no variable prbb in the debug info");
	assert_int_equal(cm_dwarf_enum(d, "desc_state", "desc_final", &sv,
	    err), -1);
	assert_string_equal(err, "enum desc_state has no value desc_final");
	assert_int_equal(cm_dwarf_enum(d, "desc_stat", "desc_finalized", &sv,
	    err), -1);
	assert_string_equal(err, "no enum desc_stat in the debug info");
	assert_int_equal(cm_dwarf_base_size(d, "long long long", &size, err),
	    -1);
	assert_non_null(strstr(err, "long long long"));
	cm_dwarf_free(d);

	snprintf(path, sizeof path, "%s/prb-6.1-64-nodebug", fixdir);
	assert_null(cm_dwarf_open(path, err));
	assert_non_null(strstr(err, "no debug info"));
	assert_non_null(strstr(err, "prb-6.1-64-nodebug"));
	assert_null(cm_dwarf_open("/nonexistent/vmlinux", err));
	assert_non_null(strstr(err, "/nonexistent/vmlinux"));
	assert_null(cm_dwarf_open("tests/unit/test_common_dwarf.c", err));
	assert_non_null(strstr(err, "not an ELF file"));
	assert_null(cm_dwarf_open("tests", err));
	assert_non_null(strstr(err, "not a regular file"));
	assert_null(cm_dwarf_open_mem("", 0, err));
	assert_non_null(strstr(err, "not an ELF file"));
}

/* The fixture cut short, and with bytes flipped: an error or an answer,
 * never a crash (ASan watches). */
static void
test_damaged(void **state)
{
	struct cm_dwarf		*d;
	struct cm_dwarf_member	 m;
	struct cm_dwarf_var	 v;
	uint64_t		 size;
	char			 err[CM_DWARF_ERRLEN], path[1100];
	uint8_t			*buf, *copy;
	size_t			 len, cut, i;
	FILE			*f;
	unsigned		 ok = 0, refused = 0;

	(void)state;
	snprintf(path, sizeof path, "%s/prb-6.12-64", fixdir);
	assert_non_null(f = fopen(path, "rb"));
	buf = malloc(1 << 20);
	assert_non_null(buf);
	len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	assert_true(len > 1000 && len < (1 << 20));
	copy = malloc(len);
	assert_non_null(copy);
	for (cut = 0; cut < len; cut += 97) {
		if ((d = cm_dwarf_open_mem(buf, cut, err)) == NULL) {
			refused++;
			continue;
		}
		if (cm_dwarf_member(d, "printk_ringbuffer",
		    "text_data_ring.data", &m, err) == 0)
			ok++;
		(void)cm_dwarf_var(d, "prb", &v, err);
		cm_dwarf_free(d);
	}
	for (i = 0; i < len; i += 13) {
		memcpy(copy, buf, len);
		copy[i] ^= 0xa5;
		if ((d = cm_dwarf_open_mem(copy, len, err)) == NULL)
			continue;
		(void)cm_dwarf_struct_size(d, "printk_info", &size, err);
		(void)cm_dwarf_member(d, "printk_info", "level", &m, err);
		(void)cm_dwarf_member(d, "printk_ringbuffer",
		    "desc_ring.tail_id", &m, err);
		(void)cm_dwarf_var(d, "prb", &v, err);
		cm_dwarf_free(d);
	}
	/* a file cut before its section headers is no ELF file at all */
	assert_true(refused > 0);
	free(copy);
	free(buf);
	print_message("# cuts: %u refused, %u still answered\n", refused, ok);
}

/* The lab's 6.1 x86_64 kernel, as built by make check. */
static void
test_lab_vmlinux(void **state)
{
	struct cm_dwarf		*d;
	struct cm_dwarf_var	 v;
	struct cm_elf_sym	 sym;
	struct tui_prb_layout	 l;
	struct cm_elf		*e;
	uint64_t		 prb, size;
	char			 err[CM_DWARF_ERRLEN], *path;
	FILE			*f;
	int			 fd;

	(void)state;
	path = lab_vmlinux_path(err, sizeof err);
	if (path == NULL)
		print_message("# %s\n", err);
	assert_non_null(path);
	d = cm_dwarf_open(path, err);
	if (d == NULL)
		print_message("# %s\n", err);
	assert_non_null(d);
	ring64(d);
	version_is(d, false, 64);
	/* anonymous unions and structs are looked into */
	member_is(d, "page", "flags", 0, 8);
	member_is(d, "page", "lru", 8, 16);
	member_is(d, "page", "mapping", 24, 8);
	assert_int_equal(cm_dwarf_base_size(d, "long unsigned int", &size,
	    err), 0);
	assert_int_equal(size, 8);
	assert_int_equal(tui_prb_layout_dwarf(d, &l, &prb, err), 0);
	/* prb's address agrees with the symbol table's */
	assert_int_equal(cm_dwarf_var(d, "prb", &v, err), 0);
	assert_int_equal(prb, v.addr);
	assert_non_null(f = fopen(path, "rb"));
	fd = fileno(f);
	assert_non_null(e = cm_elf_open_fd(fd, err));
	assert_true(cm_elf_sym_find(e, "prb", &sym));
	assert_int_equal(sym.value, v.addr);
	cm_elf_free(e);
	fclose(f);
	cm_dwarf_free(d);
	free(path);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_61),
		cmocka_unit_test(test_fixture_612),
		cmocka_unit_test(test_prb_layout),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_lab_vmlinux),
	};

	(void)argc;
	fixdir_init(fixdir, sizeof fixdir, argv[0]);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
