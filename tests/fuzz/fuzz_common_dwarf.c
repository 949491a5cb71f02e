/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_common_dwarf.c: the DWARF reader (common/dwarf.c) and
 * the printk layout built on it (tui_prb_layout_dwarf) on any bytes: the
 * vmlinux is the user's file. It must refuse with a message or open, and
 * then answer each lookup with an error or with a result inside the
 * struct it came from: a member's bytes within its struct's size, a bit
 * field within its bytes, a variable's type name NUL-terminated, a
 * layout that passes its own check.
 *
 * The corpus (tests/fuzz/corpus/common_dwarf) starts from the 6.1 and
 * 6.12 fixtures of tests/data/dwarf, whole, cut short and with bytes
 * flipped. The fuzz link has rsp/ and common/ objects (and libdw); the
 * TUI file under test is included.
 */
#include "tui/printk.c"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_err(const char *err)
{
	if (err[0] == '\0' || strnlen(err, CM_DWARF_ERRLEN) == CM_DWARF_ERRLEN)
		abort();
}

static void
check_member(struct cm_dwarf *d, const char *st, const char *path)
{
	struct cm_dwarf_member	m;
	uint64_t		size;
	char			err[CM_DWARF_ERRLEN] = "";

	if (cm_dwarf_member(d, st, path, &m, err) != 0) {
		check_err(err);
		return;
	}
	if (cm_dwarf_struct_size(d, st, &size, err) != 0 ||
	    m.offset > size || m.size > size - m.offset)
		abort();
	if (m.bit_size > 0 && m.bit_offset + m.bit_size > m.size * 8)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[][2] = {
		{ "printk_ringbuffer", "desc_ring.count_bits" },
		{ "printk_ringbuffer", "text_data_ring.data" },
		{ "printk_ringbuffer", "fail.counter" },
		{ "prb_desc", "text_blk_lpos.next" },
		{ "printk_info", "level" },
		{ "printk_info", "dev_info.device" },
	};
	struct cm_dwarf		*d;
	struct cm_dwarf_var	 v;
	struct tui_prb_layout	 l;
	uint64_t		 n, prb;
	int64_t			 e;
	char			 err[TUI_ERRLEN] = "";
	size_t			 i;

	if (size > 1 << 20)
		return (0);
	if ((d = cm_dwarf_open_mem(data, size, err)) == NULL) {
		check_err(err);
		return (0);
	}
	if (cm_dwarf_bits(d) != 32 && cm_dwarf_bits(d) != 64)
		abort();
	for (i = 0; i < sizeof paths / sizeof paths[0]; i++)
		check_member(d, paths[i][0], paths[i][1]);
	err[0] = '\0';
	if (cm_dwarf_var(d, "prb", &v, err) != 0)
		check_err(err);
	else if (strnlen(v.type, sizeof v.type) == sizeof v.type)
		abort();
	err[0] = '\0';
	if (cm_dwarf_base_size(d, "long unsigned int", &n, err) != 0)
		check_err(err);
	else if (n == 0 || n > 16)
		abort();
	err[0] = '\0';
	if (cm_dwarf_enum(d, "desc_state", "desc_finalized", &e, err) != 0)
		check_err(err);
	err[0] = '\0';
	if (tui_prb_layout_dwarf(d, &l, &prb, err) != 0)
		check_err(err);
	else if (tui_prb_layout_check(&l, err) != 0)
		abort();
	cm_dwarf_free(d);
	return (0);
}
