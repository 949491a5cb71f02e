/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_regs.c: rsp/regs.c — kgdb layouts, 'g' parsing,
 * register values and display text, and the target description.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rsp/rsp.h"

static const enum rsp_arch_id all_ids[] = {
	RSP_ARCH_X86_64, RSP_ARCH_I386, RSP_ARCH_ARM64, RSP_ARCH_ARM,
	RSP_ARCH_RISCV64,
};
#define NIDS	(sizeof all_ids / sizeof all_ids[0])

/* Linux 6.1 kgdb.h values (docs/kgdb-wire.md §1.1). */
struct limits_row {
	enum rsp_arch_id id;
	const char	*name;
	size_t		 bufmax, numregbytes, mem_read_max;
	unsigned	 maxreg;
	size_t		 in_g;		/* registers in the 'g' payload */
	const char	*pc, *sp, *fp;
};

static const struct limits_row limits_rows[] = {
	{ RSP_ARCH_X86_64, "x86_64", 1024, 156, 511, 24, 22,
	    "rip", "rsp", "rbp" },
	{ RSP_ARCH_I386, "i386", 1024, 64, 511, 16, 16, "eip", "esp", "ebp" },
	{ RSP_ARCH_ARM64, "arm64", 2048, 788, 1023, 68, 68,
	    "pc", "sp", "x29" },
	/* arch/arm/include/asm/kgdb.h: BUFMAX 400, (16 + 8*3 + 2) << 2,
	 * DBG_MAX_REG_NUM 16 + 8 + 2; _FP is r11. */
	{ RSP_ARCH_ARM, "arm", 400, 168, 199, 26, 26, "pc", "sp", "r11" },
	/* arch/riscv/include/asm/kgdb.h: BUFMAX 2048, 36 * 8. */
	{ RSP_ARCH_RISCV64, "riscv64", 2048, 288, 1023, 36, 36,
	    "pc", "sp", "fp" },
};

static void
test_limits(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof limits_rows / sizeof limits_rows[0];
	    i++) {
		const struct limits_row *r = &limits_rows[i];
		const struct rsp_arch *a = rsp_arch_get(r->id);
		size_t n = 0;

		assert_non_null(a);
		assert_int_equal(a->id, r->id);
		assert_string_equal(a->name, r->name);
		assert_int_equal(a->bufmax, r->bufmax);
		assert_int_equal(a->numregbytes, r->numregbytes);
		assert_int_equal(a->mem_read_max, r->mem_read_max);
		assert_int_equal(a->mem_read_max, (a->bufmax - 1) / 2);
		assert_int_equal(a->dbg_max_reg_num, r->maxreg);
		assert_true(a->numregbytes <= RSP_REGS_MAX);
		assert_true(2 * a->numregbytes <= a->bufmax);
		assert_true(a->bufmax <= RSP_PKT_MAX);
		for (size_t k = 0; k < a->nregs; k++)
			if (a->regs[k].offset >= 0)
				n++;
		assert_int_equal(n, r->in_g);
		assert_string_equal(a->regs[a->pc].name, r->pc);
		assert_string_equal(a->regs[a->sp].name, r->sp);
		assert_string_equal(a->regs[a->fp].name, r->fp);
	}
	assert_null(rsp_arch_get((enum rsp_arch_id)99));
}

/*
 * The 'g' entries, in table order, start at 0, touch end to end and add up
 * to NUMREGBYTES; gdb numbers rise by one so gdb's own offsets agree.
 */
static void
test_tables_contiguous(void **state)
{
	(void)state;
	for (size_t i = 0; i < NIDS; i++) {
		const struct rsp_arch *a = rsp_arch_get(all_ids[i]);
		size_t end = 0;
		bool past_g = false;

		for (size_t k = 0; k < a->nregs; k++) {
			const struct rsp_reg *r = &a->regs[k];

			assert_int_equal(r->regnum, k);
			assert_true(r->size > 0 && r->size <= 16);
			assert_non_null(r->name);
			assert_non_null(r->type);
			if (r->offset < 0) {
				past_g = true;
				continue;
			}
			/* Nothing in 'g' after the first register outside. */
			assert_false(past_g);
			assert_int_equal((size_t)r->offset, end);
			end += r->size;
		}
		assert_int_equal(end, a->numregbytes);
		/* Names are unique. */
		for (size_t k = 0; k < a->nregs; k++)
			for (size_t j = k + 1; j < a->nregs; j++)
				assert_string_not_equal(a->regs[k].name,
				    a->regs[j].name);
	}
}

struct layout_row {
	enum rsp_arch_id id;
	const char	*name;
	int		 offset, size, regnum;
};

/* Spot checks against docs/kgdb-wire.md §3. */
static const struct layout_row layout_rows[] = {
	{ RSP_ARCH_X86_64, "rax", 0, 8, 0 },
	{ RSP_ARCH_X86_64, "rsp", 56, 8, 7 },
	{ RSP_ARCH_X86_64, "r8", 64, 8, 8 },
	{ RSP_ARCH_X86_64, "r15", 120, 8, 15 },
	{ RSP_ARCH_X86_64, "rip", 128, 8, 16 },
	{ RSP_ARCH_X86_64, "eflags", 136, 4, 17 },
	{ RSP_ARCH_X86_64, "cs", 140, 4, 18 },
	{ RSP_ARCH_X86_64, "ss", 144, 4, 19 },
	{ RSP_ARCH_X86_64, "ds", 148, 4, 20 },
	{ RSP_ARCH_X86_64, "es", 152, 4, 21 },
	{ RSP_ARCH_X86_64, "fs", -1, 4, 22 },
	{ RSP_ARCH_X86_64, "gs", -1, 4, 23 },
	{ RSP_ARCH_X86_64, "st0", -1, 10, 24 },
	{ RSP_ARCH_X86_64, "fop", -1, 4, 39 },
	{ RSP_ARCH_I386, "eax", 0, 4, 0 },
	{ RSP_ARCH_I386, "ecx", 4, 4, 1 },
	{ RSP_ARCH_I386, "ebx", 12, 4, 3 },
	{ RSP_ARCH_I386, "esp", 16, 4, 4 },
	{ RSP_ARCH_I386, "eip", 32, 4, 8 },
	{ RSP_ARCH_I386, "eflags", 36, 4, 9 },
	{ RSP_ARCH_I386, "gs", 60, 4, 15 },
	{ RSP_ARCH_I386, "st0", -1, 10, 16 },
	{ RSP_ARCH_ARM64, "x0", 0, 8, 0 },
	{ RSP_ARCH_ARM64, "x30", 240, 8, 30 },
	{ RSP_ARCH_ARM64, "sp", 248, 8, 31 },
	{ RSP_ARCH_ARM64, "pc", 256, 8, 32 },
	{ RSP_ARCH_ARM64, "cpsr", 264, 4, 33 },
	{ RSP_ARCH_ARM64, "v0", 268, 16, 34 },
	{ RSP_ARCH_ARM64, "v31", 764, 16, 65 },
	{ RSP_ARCH_ARM64, "fpsr", 780, 4, 66 },
	{ RSP_ARCH_ARM64, "fpcr", 784, 4, 67 },
	/* arch/arm/kernel/kgdb.c dbg_reg_def[]: 16 words, 8 x 12-byte FPA,
	 * fps, cpsr; gdb numbers cpsr 25. */
	{ RSP_ARCH_ARM, "r0", 0, 4, 0 },
	{ RSP_ARCH_ARM, "r11", 44, 4, 11 },
	{ RSP_ARCH_ARM, "r12", 48, 4, 12 },
	{ RSP_ARCH_ARM, "sp", 52, 4, 13 },
	{ RSP_ARCH_ARM, "lr", 56, 4, 14 },
	{ RSP_ARCH_ARM, "pc", 60, 4, 15 },
	{ RSP_ARCH_ARM, "f0", 64, 12, 16 },
	{ RSP_ARCH_ARM, "f7", 148, 12, 23 },
	{ RSP_ARCH_ARM, "fps", 160, 4, 24 },
	{ RSP_ARCH_ARM, "cpsr", 164, 4, 25 },
	/* arch/riscv/include/asm/kgdb.h DBG_REG_*_OFF, 8 bytes each. */
	{ RSP_ARCH_RISCV64, "zero", 0, 8, 0 },
	{ RSP_ARCH_RISCV64, "ra", 8, 8, 1 },
	{ RSP_ARCH_RISCV64, "sp", 16, 8, 2 },
	{ RSP_ARCH_RISCV64, "fp", 64, 8, 8 },
	{ RSP_ARCH_RISCV64, "a0", 80, 8, 10 },
	{ RSP_ARCH_RISCV64, "s2", 144, 8, 18 },
	{ RSP_ARCH_RISCV64, "t6", 248, 8, 31 },
	{ RSP_ARCH_RISCV64, "pc", 256, 8, 32 },
	{ RSP_ARCH_RISCV64, "sstatus", 264, 8, 33 },
	{ RSP_ARCH_RISCV64, "stval", 272, 8, 34 },
	{ RSP_ARCH_RISCV64, "scause", 280, 8, 35 },
};

static void
test_layout_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof layout_rows / sizeof layout_rows[0];
	    i++) {
		const struct layout_row *r = &layout_rows[i];
		const struct rsp_arch *a = rsp_arch_get(r->id);
		int k = rsp_arch_reg_by_name(a, r->name);

		if (k < 0)
			fail_msg("%s: no %s", a->name, r->name);
		assert_int_equal(a->regs[k].offset, r->offset);
		assert_int_equal(a->regs[k].size, r->size);
		assert_int_equal(a->regs[k].regnum, r->regnum);
		assert_int_equal(rsp_arch_reg_by_num(a, (unsigned)r->regnum),
		    k);
	}
	assert_int_equal(rsp_arch_reg_by_name(rsp_arch_get(RSP_ARCH_X86_64),
	    "orig_rax"), -1);
	assert_int_equal(rsp_arch_reg_by_name(rsp_arch_get(RSP_ARCH_X86_64),
	    "fs_base"), -1);
	assert_int_equal(rsp_arch_reg_by_num(rsp_arch_get(RSP_ARCH_X86_64),
	    40), -1);
	assert_int_equal(rsp_arch_reg_by_name(NULL, "rax"), -1);
	assert_int_equal(rsp_arch_reg_by_num(NULL, 0), -1);
}

struct name_row {
	const char	*name;
	int		 id;		/* -1: unknown */
};

static const struct name_row name_rows[] = {
	{ "x86_64", RSP_ARCH_X86_64 }, { "amd64", RSP_ARCH_X86_64 },
	{ "i386:x86-64", RSP_ARCH_X86_64 }, { "i386", RSP_ARCH_I386 },
	{ "x86", RSP_ARCH_I386 }, { "arm64", RSP_ARCH_ARM64 },
	{ "aarch64", RSP_ARCH_ARM64 }, { "arm", RSP_ARCH_ARM },
	{ "armv7", RSP_ARCH_ARM }, { "riscv64", RSP_ARCH_RISCV64 },
	{ "riscv:rv64", RSP_ARCH_RISCV64 }, { "", -1 }, { "X86_64", -1 },
	{ "ARM", -1 }, { "armv7l", -1 }, { "riscv", -1 },
	{ "riscv:rv32", -1 }, { "riscv32", -1 },
};

static void
test_arch_by_name(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof name_rows / sizeof name_rows[0]; i++) {
		const struct rsp_arch *a = rsp_arch_by_name(name_rows[i].name);

		if (name_rows[i].id < 0)
			assert_null(a);
		else {
			assert_non_null(a);
			assert_int_equal(a->id, name_rows[i].id);
		}
	}
	assert_null(rsp_arch_by_name(NULL));
}

/* A real-looking x86_64 'g' reply (312 hex digits), kgdb stopped in
 * kgdb_breakpoint: rbx, rbp, rsp, rip set, eflags 0x246, cs 0x10, ss 0x18. */
static const char x86_64_g[] =
	"0000000000000000" "c0c0a182ffffffff" "0000000000000000"
	"0000000000000000" "0000000000000000" "0000000000000000"
	"583e0100" "00c9ffff" "483e0100" "00c9ffff"
	"0000000000000000" "0000000000000000" "0000000000000000"
	"0000000000000000" "0000000000000000" "0000000000000000"
	"0000000000000000" "0000000000000000"
	"d4b41381ffffffff"
	"46020000" "10000000" "18000000" "00000000" "00000000";

struct fmt_row {
	const char	*reg;
	const char	*text;
	uint64_t	 value;
};

static const struct fmt_row x86_64_fmt_rows[] = {
	{ "rax", "0x0", 0 },
	{ "rbx", "0xffffffff82a1c0c0", 0xffffffff82a1c0c0ULL },
	{ "rbp", "0xffffc90000013e58", 0xffffc90000013e58ULL },
	{ "rsp", "0xffffc90000013e48", 0xffffc90000013e48ULL },
	{ "rip", "0xffffffff8113b4d4", 0xffffffff8113b4d4ULL },
	/* gdb 13 lists flag names from bit 0 up: verified with real gdb
	 * by tests/integration/tdesc_gdb.sh. */
	{ "eflags", "0x246 [ PF ZF IF ]", 0x246 },
	{ "cs", "0x10", 0x10 },
	{ "ss", "0x18", 0x18 },
	{ "es", "0x0", 0 },
};

static void
test_parse_format_x86_64(void **state)
{
	const struct rsp_arch	*a = rsp_arch_get(RSP_ARCH_X86_64);
	struct rsp_regs		 regs;
	char			 buf[64];
	uint64_t		 v;

	(void)state;
	assert_int_equal(strlen(x86_64_g), 312);
	assert_int_equal(rsp_regs_parse_g(a, x86_64_g, 312, &regs), 156);
	assert_ptr_equal(regs.arch, a);
	assert_int_equal(regs.len, 156);
	for (size_t i = 0; i < sizeof x86_64_fmt_rows /
	    sizeof x86_64_fmt_rows[0]; i++) {
		const struct fmt_row *r = &x86_64_fmt_rows[i];
		int k = rsp_arch_reg_by_name(a, r->reg);

		assert_int_equal(rsp_regs_get(&regs, k, &v), RSP_OK);
		assert_true(v == r->value);
		assert_int_equal(rsp_regs_format(&regs, k, buf, sizeof buf),
		    (int)strlen(r->text));
		assert_string_equal(buf, r->text);
		/* Exactly enough room, then one byte less. */
		assert_int_equal(rsp_regs_format(&regs, k, buf,
		    strlen(r->text) + 1), (int)strlen(r->text));
		assert_int_equal(rsp_regs_format(&regs, k, buf,
		    strlen(r->text)), RSP_ERR_TOOBIG);
	}
	/* Outside 'g': no value, shown as gdb shows it. */
	int fs = rsp_arch_reg_by_name(a, "fs");
	assert_int_equal(rsp_regs_get(&regs, fs, &v), RSP_ERR_ARG);
	assert_int_equal(rsp_regs_format(&regs, fs, buf, sizeof buf), 13);
	assert_string_equal(buf, "<unavailable>");
	assert_int_equal(rsp_regs_get(&regs, -1, &v), RSP_ERR_ARG);
	assert_int_equal(rsp_regs_get(&regs, (int)a->nregs, &v), RSP_ERR_ARG);
	assert_int_equal(rsp_regs_format(&regs, 99, buf, sizeof buf),
	    RSP_ERR_ARG);
	assert_int_equal(rsp_regs_format(&regs, 0, buf, 0), RSP_ERR_ARG);
}

/* The same reply as it comes off the wire: a frame, decoded, then parsed. */
static void
test_frame_to_regs(void **state)
{
	const struct rsp_arch	*a = rsp_arch_get(RSP_ARCH_X86_64);
	char			 frame[312 + RSP_PKT_OVERHEAD];
	char			 payload[RSP_PKT_MAX];
	struct rsp_regs		 regs;
	uint64_t		 v;
	int			 n;

	(void)state;
	n = rsp_pkt_encode(frame, sizeof frame, x86_64_g, 312);
	assert_int_equal(n, 316);
	n = rsp_pkt_decode(payload, sizeof payload, frame, (size_t)n);
	assert_int_equal(n, 312);
	assert_int_equal(rsp_regs_parse_g(a, payload, (size_t)n, &regs), 156);
	assert_int_equal(rsp_regs_get(&regs, a->pc, &v), RSP_OK);
	assert_true(v == 0xffffffff8113b4d4ULL);
	/* kgdb's biggest reply fits one x86 BUFMAX packet. */
	assert_true(2 * a->numregbytes < a->bufmax);
}

struct eflags_row {
	uint32_t	 v;
	const char	*text;
};

static const struct eflags_row eflags_rows[] = {
	{ 0x2, "0x2 [ ]" },
	{ 0x246, "0x246 [ PF ZF IF ]" },
	{ 0x82, "0x82 [ SF ]" },
	{ 0x10297, "0x10297 [ CF PF AF SF IF RF ]" },
	{ 0x3fffff, "0x3fffff [ CF PF AF ZF SF TF IF DF OF NT RF VM AC VIF "
	    "VIP ID ]" },
	{ 0x3000, "0x3000 [ ]" },	/* IOPL has no letter */
};

static void
test_eflags_rows(void **state)
{
	const struct rsp_arch	*a;
	struct rsp_regs		 regs;
	char			 buf[128];

	(void)state;
	for (int arch = 0; arch < 2; arch++) {
		a = rsp_arch_get(arch == 0 ? RSP_ARCH_X86_64 : RSP_ARCH_I386);
		int k = rsp_arch_reg_by_name(a, "eflags");

		memset(&regs, 0, sizeof regs);
		regs.arch = a;
		regs.len = a->numregbytes;
		for (size_t i = 0; i < sizeof eflags_rows /
		    sizeof eflags_rows[0]; i++) {
			uint32_t v = eflags_rows[i].v;

			for (int b = 0; b < 4; b++)
				regs.raw[a->regs[k].offset + b] =
				    (uint8_t)(v >> (8 * b));
			assert_true(rsp_regs_format(&regs, k, buf,
			    sizeof buf) > 0);
			assert_string_equal(buf, eflags_rows[i].text);
		}
	}
}

static void
test_parse_lengths(void **state)
{
	static char	hex[2 * RSP_REGS_MAX + 8];
	struct rsp_regs	regs;

	(void)state;
	for (size_t i = 0; i < NIDS; i++) {
		const struct rsp_arch *a = rsp_arch_get(all_ids[i]);
		size_t n = 2 * a->numregbytes;

		memset(hex, 'a', sizeof hex);
		assert_int_equal(rsp_regs_parse_g(a, hex, n, &regs),
		    (int)a->numregbytes);
		assert_int_equal(regs.raw[0], 0xaa);
		assert_int_equal(rsp_regs_parse_g(a, hex, n - 2, &regs),
		    RSP_ERR_SHORT);
		assert_int_equal(rsp_regs_parse_g(a, hex, n - 1, &regs),
		    RSP_ERR_SHORT);
		assert_int_equal(rsp_regs_parse_g(a, hex, 0, &regs),
		    RSP_ERR_SHORT);
		assert_int_equal(rsp_regs_parse_g(a, hex, n + 1, &regs),
		    RSP_ERR_TOOBIG);
		assert_int_equal(rsp_regs_parse_g(a, hex, n + 2, &regs),
		    RSP_ERR_TOOBIG);
		hex[n - 1] = 'x';	/* "unavailable": kgdb never sends it */
		assert_int_equal(rsp_regs_parse_g(a, hex, n, &regs),
		    RSP_ERR_HEX);
		hex[n - 1] = 'a';
		hex[0] = 'G';
		assert_int_equal(rsp_regs_parse_g(a, hex, n, &regs),
		    RSP_ERR_HEX);
	}
	assert_int_equal(rsp_regs_parse_g(NULL, hex, 2, &regs), RSP_ERR_ARG);
	assert_int_equal(rsp_regs_parse_g(rsp_arch_get(RSP_ARCH_I386), hex,
	    128, NULL), RSP_ERR_ARG);
}

static void
test_parse_arm64(void **state)
{
	const struct rsp_arch	*a = rsp_arch_get(RSP_ARCH_ARM64);
	static char		 hex[2 * 788 + 1];
	struct rsp_regs		 regs;
	char			 buf[64];
	uint64_t		 v;
	int			 k;

	(void)state;
	memset(hex, '0', 2 * 788);
	/* pc = 0xffff800008a1b2c4 at offset 256, cpsr = 0x3c5 at 264. */
	memcpy(hex + 2 * 256, "c4b2a1080080ffff", 16);
	memcpy(hex + 2 * 264, "c5030000", 8);
	/* v0 = bytes 00..0f at offset 268. */
	for (int b = 0; b < 16; b++)
		snprintf(hex + 2 * (268 + b), 3, "%02x", b);
	hex[2 * 268 + 32] = '0';
	assert_int_equal(rsp_regs_parse_g(a, hex, 2 * 788, &regs), 788);
	assert_int_equal(rsp_regs_get(&regs, a->pc, &v), RSP_OK);
	assert_true(v == 0xffff800008a1b2c4ULL);
	k = rsp_arch_reg_by_name(a, "cpsr");
	assert_int_equal(rsp_regs_get(&regs, k, &v), RSP_OK);
	assert_true(v == 0x3c5);
	assert_true(rsp_regs_format(&regs, k, buf, sizeof buf) > 0);
	assert_string_equal(buf, "0x3c5");	/* no x86 flag letters */
	k = rsp_arch_reg_by_name(a, "v0");
	assert_int_equal(rsp_regs_get(&regs, k, &v), RSP_ERR_ARG); /* > 8 */
	assert_int_equal(rsp_regs_format(&regs, k, buf, sizeof buf), 33);
	assert_string_equal(buf, "0xf0e0d0c0b0a09080706050403020100");
	k = rsp_arch_reg_by_name(a, "fpcr");
	assert_int_equal(rsp_regs_format(&regs, k, buf, sizeof buf), 3);
	assert_string_equal(buf, "0x0");
}

/* Put a little-endian value of size bytes at off in a 'g' hex string. */
static void
put_le(char *hex, size_t off, uint64_t v, size_t size)
{
	for (size_t b = 0; b < size; b++) {
		snprintf(hex + 2 * (off + b), 3, "%02x",
		    (unsigned)(v >> (8 * b) & 0xff));
	}
	hex[2 * (off + size)] = '0';	/* snprintf's NUL */
}

static void
test_parse_arm(void **state)
{
	const struct rsp_arch	*a = rsp_arch_get(RSP_ARCH_ARM);
	static char		 hex[2 * 168 + 4];
	struct rsp_regs		 regs;
	char			 buf[64];
	uint64_t		 v;
	int			 k;

	(void)state;
	memset(hex, '0', sizeof hex);
	put_le(hex, 52, 0xc1e01f48, 4);		/* sp */
	put_le(hex, 60, 0xc010a2b4, 4);		/* pc */
	put_le(hex, 164, 0x600001d3, 4);	/* cpsr, the last word */
	/* One byte short or long of NUMREGBYTES is refused. */
	assert_int_equal(rsp_regs_parse_g(a, hex, 2 * 167, &regs),
	    RSP_ERR_SHORT);
	assert_int_equal(rsp_regs_parse_g(a, hex, 2 * 169, &regs),
	    RSP_ERR_TOOBIG);
	assert_int_equal(rsp_regs_parse_g(a, hex, 2 * 168, &regs), 168);
	assert_int_equal(rsp_regs_get(&regs, a->pc, &v), RSP_OK);
	assert_true(v == 0xc010a2b4);
	assert_int_equal(rsp_regs_get(&regs, a->sp, &v), RSP_OK);
	assert_true(v == 0xc1e01f48);
	assert_int_equal(rsp_regs_format(&regs, a->pc, buf, sizeof buf), 10);
	assert_string_equal(buf, "0xc010a2b4");
	k = rsp_arch_reg_by_name(a, "cpsr");
	assert_int_equal(rsp_regs_get(&regs, k, &v), RSP_OK);
	assert_true(v == 0x600001d3);
	assert_true(rsp_regs_format(&regs, k, buf, sizeof buf) > 0);
	assert_string_equal(buf, "0x600001d3");
	/* FPA registers: 12 bytes, too wide for a value, zero as kgdb
	 * sends them. */
	k = rsp_arch_reg_by_name(a, "f7");
	assert_int_equal(rsp_regs_get(&regs, k, &v), RSP_ERR_ARG);
	assert_int_equal(rsp_regs_format(&regs, k, buf, sizeof buf), 3);
	assert_string_equal(buf, "0x0");
}

static void
test_parse_riscv64(void **state)
{
	const struct rsp_arch	*a = rsp_arch_get(RSP_ARCH_RISCV64);
	static char		 hex[2 * 288 + 4];
	struct rsp_regs		 regs;
	char			 buf[64];
	uint64_t		 v;
	int			 k;

	(void)state;
	memset(hex, '0', sizeof hex);
	put_le(hex, 8, 0xffffffff80a0c0deULL, 8);	/* ra */
	put_le(hex, 16, 0xff20000000013e48ULL, 8);	/* sp */
	put_le(hex, 64, 0xff20000000013e80ULL, 8);	/* fp (s0) */
	put_le(hex, 256, 0xffffffff80a1b2c4ULL, 8);	/* pc */
	put_le(hex, 264, 0x200000120ULL, 8);		/* sstatus */
	put_le(hex, 280, 3, 8);				/* scause */
	assert_int_equal(rsp_regs_parse_g(a, hex, 2 * 287, &regs),
	    RSP_ERR_SHORT);
	assert_int_equal(rsp_regs_parse_g(a, hex, 2 * 289, &regs),
	    RSP_ERR_TOOBIG);
	assert_int_equal(rsp_regs_parse_g(a, hex, 2 * 288, &regs), 288);
	assert_int_equal(rsp_regs_get(&regs, a->pc, &v), RSP_OK);
	assert_true(v == 0xffffffff80a1b2c4ULL);
	assert_int_equal(rsp_regs_get(&regs, a->sp, &v), RSP_OK);
	assert_true(v == 0xff20000000013e48ULL);
	assert_int_equal(rsp_regs_get(&regs, a->fp, &v), RSP_OK);
	assert_true(v == 0xff20000000013e80ULL);
	assert_int_equal(rsp_regs_format(&regs, a->pc, buf, sizeof buf), 18);
	assert_string_equal(buf, "0xffffffff80a1b2c4");
	k = rsp_arch_reg_by_name(a, "ra");
	assert_true(rsp_regs_format(&regs, k, buf, sizeof buf) > 0);
	assert_string_equal(buf, "0xffffffff80a0c0de");
	k = rsp_arch_reg_by_name(a, "sstatus");
	assert_true(rsp_regs_format(&regs, k, buf, sizeof buf) > 0);
	assert_string_equal(buf, "0x200000120");
	k = rsp_arch_reg_by_name(a, "stval");
	assert_true(rsp_regs_format(&regs, k, buf, sizeof buf) > 0);
	assert_string_equal(buf, "0x0");
	k = rsp_arch_reg_by_name(a, "scause");
	assert_int_equal(rsp_regs_get(&regs, k, &v), RSP_OK);
	assert_true(v == 3);
}

/* A hand-made 'g' shorter than the layout (not from parse_g) leaves the
 * registers past its end unavailable. */
static void
test_partial_regs(void **state)
{
	const struct rsp_arch	*a = rsp_arch_get(RSP_ARCH_X86_64);
	struct rsp_regs		 regs;
	char			 buf[32];
	uint64_t		 v;

	(void)state;
	memset(&regs, 0x11, sizeof regs);
	regs.arch = a;
	regs.len = 132;		/* rip (128..135) cut */
	assert_int_equal(rsp_regs_get(&regs, a->pc, &v), RSP_ERR_ARG);
	assert_int_equal(rsp_regs_format(&regs, a->pc, buf, sizeof buf), 13);
	assert_int_equal(rsp_regs_get(&regs, 15, &v), RSP_OK);
	assert_true(v == 0x1111111111111111ULL);
}

/* Count occurrences of needle in hay. */
static int
count_str(const char *hay, const char *needle)
{
	int	n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return (n);
}

static void
test_tdesc_xml(void **state)
{
	static char	xml[32768];
	char		pat[64];
	int		n;

	(void)state;
	for (size_t i = 0; i < NIDS; i++) {
		const struct rsp_arch *a = rsp_arch_get(all_ids[i]);

		memset(xml, 'Z', sizeof xml);
		n = rsp_tdesc_xml(a, xml, sizeof xml);
		assert_true(n > 0);
		assert_int_equal(strlen(xml), (size_t)n);
		assert_non_null(strstr(xml, "<?xml version=\"1.0\"?>"));
		snprintf(pat, sizeof pat, "<architecture>%s</architecture>",
		    a->gdb_arch);
		assert_int_equal(count_str(xml, pat), 1);
		/* Each register once, with its number and width. */
		assert_int_equal(count_str(xml, "<reg "), (int)a->nregs);
		for (size_t k = 0; k < a->nregs; k++) {
			const struct rsp_reg *r = &a->regs[k];

			snprintf(pat, sizeof pat, "regnum=\"%u\"", r->regnum);
			assert_int_equal(count_str(xml, pat), 1);
			snprintf(pat, sizeof pat, "<reg name=\"%s\" "
			    "bitsize=\"%u\"", r->name, 8u * r->size);
			assert_int_equal(count_str(xml, pat), 1);
		}
		/* Balanced elements, nothing a parser could trip on. */
		assert_int_equal(count_str(xml, "<feature "),
		    count_str(xml, "</feature>"));
		assert_int_equal(count_str(xml, "<target "), 1);
		assert_int_equal(count_str(xml, "</target>"), 1);
		assert_int_equal(count_str(xml, "<"), count_str(xml, ">"));
		assert_null(strchr(xml, '&'));
		/* No feature that would make gdb expect more than kgdb sends:
		 * qXfer data is sent unescaped by some stubs, so also no
		 * RSP framing bytes. */
		assert_null(strstr(xml, "i386.linux"));
		assert_null(strstr(xml, "orig_rax"));
		assert_null(strstr(xml, "i386.sse"));
		assert_null(strstr(xml, "i386.avx"));
		assert_null(strstr(xml, "segments"));
		assert_null(strpbrk(xml, "$#*}"));
		/* Exactly enough room, then one byte less: nothing past. */
		memset(xml, 'Z', sizeof xml);
		assert_int_equal(rsp_tdesc_xml(a, xml, (size_t)n + 1), n);
		assert_int_equal(xml[n + 1], 'Z');
		memset(xml, 'Z', sizeof xml);
		assert_int_equal(rsp_tdesc_xml(a, xml, (size_t)n),
		    RSP_ERR_TOOBIG);
		assert_int_equal(xml[n], 'Z');
		assert_int_equal(rsp_tdesc_xml(a, xml, 16), RSP_ERR_TOOBIG);
	}
	n = rsp_tdesc_xml(rsp_arch_get(RSP_ARCH_X86_64), xml, sizeof xml);
	assert_int_equal(count_str(xml, "org.gnu.gdb.i386.core"), 1);
	assert_int_equal(count_str(xml, "<feature "), 1);
	n = rsp_tdesc_xml(rsp_arch_get(RSP_ARCH_ARM64), xml, sizeof xml);
	assert_int_equal(count_str(xml, "org.gnu.gdb.aarch64.core"), 1);
	assert_int_equal(count_str(xml, "org.gnu.gdb.aarch64.fpu"), 1);
	/* cpsr, fpsr and fpcr as gdb's own flags types, each declared
	 * once and before the register that uses it. */
	assert_non_null(strstr(xml, "<reg name=\"cpsr\" bitsize=\"32\" "
	    "type=\"cpsr_flags\" regnum=\"33\"/>"));
	assert_int_equal(count_str(xml, "<flags id=\"cpsr_flags\""), 1);
	assert_true(strstr(xml, "<flags id=\"cpsr_flags\"") <
	    strstr(xml, "<reg name=\"cpsr\""));
	assert_true(strstr(xml, "<flags id=\"fpcr_flags\"") <
	    strstr(xml, "<reg name=\"fpcr\""));
	assert_non_null(strstr(xml, "<field name=\"RMode\" start=\"22\" "
	    "end=\"23\"/>"));
	/* ARM: cpsr (25) in the core feature, not after the FPA block;
	 * the FPA registers 96 bits wide, as gdb's arm-fpa feature. */
	n = rsp_tdesc_xml(rsp_arch_get(RSP_ARCH_ARM), xml, sizeof xml);
	assert_true(n > 0);
	assert_int_equal(count_str(xml, "<architecture>arm</architecture>"),
	    1);
	assert_int_equal(count_str(xml, "org.gnu.gdb.arm.core"), 1);
	assert_int_equal(count_str(xml, "org.gnu.gdb.arm.fpa"), 1);
	assert_true(strstr(xml, "name=\"cpsr\"") <
	    strstr(xml, "org.gnu.gdb.arm.fpa"));
	/* As gdb's built-in arm layout (what gdb uses straight on kgdb):
	 * lr and cpsr unsigned, and fps of a type that keeps it out of
	 * `info registers`. */
	assert_non_null(strstr(xml,
	    "<reg name=\"cpsr\" bitsize=\"32\" type=\"uint32\" "
	    "regnum=\"25\"/>"));
	assert_non_null(strstr(xml,
	    "<reg name=\"lr\" bitsize=\"32\" type=\"uint32\" "
	    "regnum=\"14\"/>"));
	assert_non_null(strstr(xml, "<reg name=\"fps\" bitsize=\"32\" "
	    "type=\"ieee_single\" regnum=\"24\" group=\"float\"/>"));
	assert_non_null(strstr(xml, "<reg name=\"f0\" bitsize=\"96\" "
	    "type=\"arm_fpa_ext\" regnum=\"16\"/>"));
	assert_true(strstr(xml, "org.gnu.gdb.arm.fpa") <
	    strstr(xml, "name=\"f0\""));
	/* RISC-V: as kgdb's own (arch/riscv/include/asm/gdb_xml.h): x0-x31,
	 * pc and the three CSRs all in the cpu feature, none in csr, where
	 * gdb would keep them out of `info registers`. */
	n = rsp_tdesc_xml(rsp_arch_get(RSP_ARCH_RISCV64), xml, sizeof xml);
	assert_true(n > 0);
	assert_int_equal(count_str(xml,
	    "<architecture>riscv:rv64</architecture>"), 1);
	assert_int_equal(count_str(xml, "org.gnu.gdb.riscv.cpu"), 1);
	assert_int_equal(count_str(xml, "org.gnu.gdb.riscv.csr"), 0);
	assert_int_equal(count_str(xml, "<feature "), 1);
	assert_true(strstr(xml, "org.gnu.gdb.riscv.cpu") <
	    strstr(xml, "name=\"sstatus\""));
	assert_non_null(strstr(xml, "<reg name=\"stval\" bitsize=\"64\" "
	    "type=\"int\" regnum=\"34\"/>"));
	assert_true(rsp_arch_get(RSP_ARCH_RISCV64)->stub_tdesc);
	assert_false(rsp_arch_get(RSP_ARCH_ARM)->stub_tdesc);
	assert_non_null(strstr(xml,
	    "<reg name=\"zero\" bitsize=\"64\" type=\"int\" regnum=\"0\"/>"));
	assert_non_null(strstr(xml, "<reg name=\"scause\" bitsize=\"64\" "
	    "type=\"int\" regnum=\"35\"/>"));
	assert_int_equal(rsp_tdesc_xml(NULL, xml, sizeof xml), RSP_ERR_ARG);
	(void)n;
}

/* Which A64 instructions the bridge steps with interrupts as they are. */
static void
test_a64_daif(void **state)
{
	static const uint32_t writes[] = {
		0xd50342df,	/* msr daifset, #2 (local_irq_disable) */
		0xd50343ff,	/* msr daifclr, #3 (local_irq_enable) */
		0xd5034fdf,	/* msr daifset, #0xf */
		0xd50340ff,	/* msr daifclr, #0 */
		0xd51b4223,	/* msr daif, x3 (local_irq_restore) */
		0xd51b423f,	/* msr daif, xzr */
		0xd69f03e0,	/* eret */
		0xd69f0bff,	/* eretaa */
		0xd69f0fff,	/* eretab */
	};
	static const uint32_t others[] = {
		0xd53b4220,	/* mrs x0, daif (a read) */
		0xd50041bf,	/* msr spsel, #1 */
		0xd500419f,	/* msr pan, #1 */
		0xd503201f,	/* nop */
		0xd65f03c0,	/* ret */
		0xd51b4200,	/* msr nzcv, x0 */
		0xd503409f,	/* msr pan-like op1 0 field, op2 4 */
		0x00000000,
		0xffffffff,
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof writes / sizeof writes[0]; i++)
		assert_true(rsp_a64_writes_daif(writes[i]));
	for (i = 0; i < sizeof others / sizeof others[0]; i++)
		assert_false(rsp_a64_writes_daif(others[i]));
}

/* A mnemonic that writes memory or may change what an address maps to. */
static bool
a64_writer(const char *m)
{
	static const char *const pre[] = {
		"st", "cas", "swp", "ldadd", "ldclr", "ldeor", "ldset",
		"ldsmax", "ldsmin", "ldumax", "ldumin", "dc", "ic", "msr",
		"sys", "cpy", "set", "tlbi", "at", "hvc", "smc", "svc", "brk",
		"udf", "hlt", "dcps",
	};
	size_t	i;

	for (i = 0; i < sizeof pre / sizeof pre[0]; i++)
		if (strncmp(m, pre[i], strlen(pre[i])) == 0)
			return (true);
	return (false);
}

/*
 * Which A64 instructions leave memory alone (the cache keeps kernel code
 * across a step of one): every word of the arm64 lab kernels' .text that
 * tests/data/a64-insns.txt samples, by objdump's mnemonic.
 */
static void
test_a64_no_memory(void **state)
{
	static const char *const quiet[] = {
		"ldr", "ldp", "ldrb", "ldur", "ldpsw", "prfm", "add", "mov",
		"bl", "b", "ret", "cbz", "tbz", "b.ne", "nop", "dmb", "mrs",
		"bti", "adrp", "csel",
	};
	static const char *const loud[] = {
		"str", "stp", "strb", "stur", "stxr", "stlr", "dc", "msr",
		"brk", "hvc", "ldxr",
	};
	static const uint32_t lse[] = {
		0xf8210062,	/* ldadd x1, x2, [x3] */
		0xf8218062,	/* swp x1, x2, [x3] */
		0xc8a17c62,	/* cas x1, x2, [x3] */
		0xf821007f,	/* stadd x1, [x3] */
		0xd50b7420,	/* dc zva, x0 */
		0x3d800000,	/* str q0, [x0] */
		0x19000000,	/* stlurb w0, [x0] */
	};
	FILE		*f = fopen("tests/data/a64-insns.txt", "r");
	char		 line[128], m[32];
	unsigned	 w;
	size_t		 i, n = 0, nq[sizeof quiet / sizeof quiet[0]] = { 0 };
	size_t		 nl[sizeof loud / sizeof loud[0]] = { 0 };
	bool		 ok;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		if (line[0] == '#' || sscanf(line, "%x %31s", &w, m) != 2)
			continue;
		n++;
		ok = rsp_a64_writes_no_memory(w);
		if (ok && a64_writer(m))
			fail_msg("%08x (%s) counted as writing no memory", w, m);
		for (i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
			if (strcmp(m, quiet[i]) == 0) {
				if (!ok)
					fail_msg("%08x (%s) counted as a "
					    "writer", w, m);
				nq[i]++;
			}
		for (i = 0; i < sizeof loud / sizeof loud[0]; i++)
			if (strcmp(m, loud[i]) == 0) {
				assert_false(ok);
				nl[i]++;
			}
	}
	fclose(f);
	assert_true(n > 1000);
	for (i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
		assert_true(nq[i] > 0);
	for (i = 0; i < sizeof loud / sizeof loud[0]; i++)
		assert_true(nl[i] > 0);
	for (i = 0; i < sizeof lse / sizeof lse[0]; i++)
		assert_false(rsp_a64_writes_no_memory(lse[i]));
}

/* Code bytes from pc - 4: the word before, then the word at pc. */
static void
code_words(uint8_t *b, uint32_t before, uint32_t at)
{
	unsigned	i;

	for (i = 0; i < 4; i++) {
		b[i] = (before >> (8 * i)) & 0xff;
		b[4 + i] = (at >> (8 * i)) & 0xff;
	}
}

/* Calls taken from the lab kernels' objdump of hrtimer_nanosleep. */
static void
test_call_target(void **state)
{
	uint8_t		b[8];
	uint64_t	t;
	unsigned	len;

	(void)state;
	/* arm/6.1: c01720fc eb0598ff bl c02d8500 <__memset>. */
	code_words(b, 0xe1a00004, 0xeb0598ff);
	assert_int_equal(rsp_call_target(RSP_ARCH_ARM, 0xc01720fc, b, 8, &t,
	    &len), RSP_OK);
	assert_int_equal(t, 0xc02d8500);
	assert_int_equal(len, 4);
	/* A backward BL: imm24 0xfffffe is -8 bytes, to pc. */
	code_words(b, 0, 0xebfffffe);
	assert_int_equal(rsp_call_target(RSP_ARCH_ARM, 0xc0100000, b, 8, &t,
	    &len), RSP_OK);
	assert_int_equal(t, 0xc0100000);
	/* B (no link), BLX (cond 1111), BL at an odd pc: no call. */
	code_words(b, 0, 0xea0598ff);
	assert_int_equal(rsp_call_target(RSP_ARCH_ARM, 0xc01720fc, b, 8, &t,
	    &len), RSP_ERR_ARG);
	code_words(b, 0, 0xfb0598ff);
	assert_int_equal(rsp_call_target(RSP_ARCH_ARM, 0xc01720fc, b, 8, &t,
	    &len), RSP_ERR_ARG);
	code_words(b, 0, 0xeb0598ff);
	assert_int_equal(rsp_call_target(RSP_ARCH_ARM, 0xc01720fe, b, 8, &t,
	    &len), RSP_ERR_ARG);

	/* riscv64/6.1: auipc ra,0x10c at ffffffff80049a1a, then
	 * jalr -1178(ra) to ffffffff80155580 <__memset>. */
	code_words(b, 0x0010c097, 0xb66080e7);
	assert_int_equal(rsp_call_target(RSP_ARCH_RISCV64, 0xffffffff80049a1e,
	    b, 8, &t, &len), RSP_OK);
	assert_int_equal(t, 0xffffffff80155580ULL);
	assert_int_equal(len, 4);
	/* jal ffffffff800490e2 <__hrtimer_init> at ffffffff80049a2a (a
	 * backward jump: the sign bit of the immediate is set). */
	code_words(b, 0x0513f884, 0xeb8ff0ef);
	assert_int_equal(rsp_call_target(RSP_ARCH_RISCV64, 0xffffffff80049a2a,
	    b, 8, &t, &len), RSP_OK);
	assert_int_equal(t, 0xffffffff800490e2ULL);
	/* The JALR without its AUIPC, or an AUIPC of another register. */
	code_words(b, 0xf8840513, 0xb66080e7);
	assert_int_equal(rsp_call_target(RSP_ARCH_RISCV64, 0xffffffff80049a1e,
	    b, 8, &t, &len), RSP_ERR_ARG);
	code_words(b, 0x0010c797, 0xb66080e7);	/* auipc a5 */
	assert_int_equal(rsp_call_target(RSP_ARCH_RISCV64, 0xffffffff80049a1e,
	    b, 8, &t, &len), RSP_ERR_ARG);
	/* jal x0 (a plain jump), a compressed word, too few bytes, arm64. */
	code_words(b, 0, 0xeb8ff06f);
	assert_int_equal(rsp_call_target(RSP_ARCH_RISCV64, 0xffffffff80049a2a,
	    b, 8, &t, &len), RSP_ERR_ARG);
	code_words(b, 0, 0x85ce8626);
	assert_int_equal(rsp_call_target(RSP_ARCH_RISCV64, 0xffffffff80049a22,
	    b, 8, &t, &len), RSP_ERR_ARG);
	assert_int_equal(rsp_call_target(RSP_ARCH_RISCV64, 0xffffffff80049a2a,
	    b, 7, &t, &len), RSP_ERR_ARG);
	assert_int_equal(rsp_call_target(RSP_ARCH_ARM64, 0xffffffff80049a2a,
	    b, 8, &t, &len), RSP_ERR_ARG);

	/* A conditional BL (BLNE) is a call too: not taken, it goes on at
	 * the return address all the same. */
	code_words(b, 0, 0x1b0598ff);
	assert_int_equal(rsp_call_target(RSP_ARCH_ARM, 0xc01720fc, b, 8, &t,
	    &len), RSP_OK);
	assert_int_equal(t, 0xc02d8500);
	/* A BL past the top of the 32-bit space wraps inside it. */
	code_words(b, 0, 0xeb000000);
	assert_int_equal(rsp_call_target(RSP_ARCH_ARM, 0xfffffff8, b, 8, &t,
	    &len), RSP_OK);
	assert_int_equal(t, 0);
	/* "call" through another register: auipc t1 with jalr ra,(t1). */
	code_words(b, 0x0010c317, 0xb66300e7);
	assert_int_equal(rsp_call_target(RSP_ARCH_RISCV64, 0xffffffff80049a1e,
	    b, 8, &t, &len), RSP_OK);
	assert_int_equal(t, 0xffffffff80155580ULL);
	/* A negative AUIPC: auipc ra,0xfff00 then jalr ra: 1 MiB back. */
	code_words(b, 0xfff00097, 0x000080e7);
	assert_int_equal(rsp_call_target(RSP_ARCH_RISCV64, 0xffffffff80049a1e,
	    b, 8, &t, &len), RSP_OK);
	assert_int_equal(t, 0xffffffff80049a1aULL - 0x100000);
	/* Through x0 (auipc x0 and jalr ra,(x0)), a JALR with funct3 1
	 * (reserved), a JALR that links another register (t0), an odd pc. */
	code_words(b, 0x0010c017, 0xb66000e7);
	assert_int_equal(rsp_call_target(RSP_ARCH_RISCV64, 0xffffffff80049a1e,
	    b, 8, &t, &len), RSP_ERR_ARG);
	code_words(b, 0x0010c097, 0xb66090e7);
	assert_int_equal(rsp_call_target(RSP_ARCH_RISCV64, 0xffffffff80049a1e,
	    b, 8, &t, &len), RSP_ERR_ARG);
	code_words(b, 0x0010c097, 0xb66082e7);
	assert_int_equal(rsp_call_target(RSP_ARCH_RISCV64, 0xffffffff80049a1e,
	    b, 8, &t, &len), RSP_ERR_ARG);
	code_words(b, 0x0010c097, 0xb66080e7);
	assert_int_equal(rsp_call_target(RSP_ARCH_RISCV64, 0xffffffff80049a1f,
	    b, 8, &t, &len), RSP_ERR_ARG);
	/* NULL code. */
	assert_int_equal(rsp_call_target(RSP_ARCH_RISCV64, 0xffffffff80049a1e,
	    NULL, 8, &t, &len), RSP_ERR_ARG);
}

/* Calls through a register: the register and offset, never its value. */
static void
test_call_indirect(void **state)
{
	static const struct {
		enum rsp_arch_id id;
		const char	*code;	/* 4 bytes, little-endian */
		size_t		 n;
		int		 rc;
		unsigned	 reg, len;
		int64_t		 off;
	} c[] = {
		/* riscv64: c.jalr a5 (x15); c.jr a5 (no link); c.jalr x0
		 * (reserved). */
		{ RSP_ARCH_RISCV64, "\x82\x97\0\0", 2, RSP_OK, 15, 2, 0 },
		{ RSP_ARCH_RISCV64, "\x82\x87\0\0", 2, RSP_ERR_ARG, 0, 0, 0 },
		{ RSP_ARCH_RISCV64, "\x02\x90\0\0", 2, RSP_ERR_ARG, 0, 0, 0 },
		/* jalr -1178(ra), the second half of "call memset"; the
		 * same cut to 2 bytes; jalr x0, 0(ra) (ret). */
		{ RSP_ARCH_RISCV64, "\xe7\x80\x60\xb6", 4, RSP_OK, 1, 4, -1178 },
		{ RSP_ARCH_RISCV64, "\xe7\x80\x60\xb6", 2, RSP_ERR_ARG, 0, 0, 0 },
		{ RSP_ARCH_RISCV64, "\x67\x80\0\0", 4, RSP_ERR_ARG, 0, 0, 0 },
		/* arm: blx r3 (e12fff33); bx r3; blx pc; and arm64. */
		{ RSP_ARCH_ARM, "\x33\xff\x2f\xe1", 4, RSP_OK, 3, 4, 0 },
		{ RSP_ARCH_ARM, "\x13\xff\x2f\xe1", 4, RSP_ERR_ARG, 0, 0, 0 },
		{ RSP_ARCH_ARM, "\x3f\xff\x2f\xe1", 4, RSP_ERR_ARG, 0, 0, 0 },
		{ RSP_ARCH_ARM64, "\x33\xff\x2f\xe1", 4, RSP_ERR_ARG, 0, 0, 0 },
	};
	unsigned	reg, len;
	int64_t		off;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		assert_int_equal(rsp_call_indirect(c[i].id,
		    (const uint8_t *)c[i].code, c[i].n, &reg, &off, &len),
		    c[i].rc);
		if (c[i].rc != RSP_OK)
			continue;
		assert_int_equal(reg, c[i].reg);
		assert_int_equal(len, c[i].len);
		assert_int_equal(off, c[i].off);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_tables_contiguous),
		cmocka_unit_test(test_layout_rows),
		cmocka_unit_test(test_arch_by_name),
		cmocka_unit_test(test_parse_format_x86_64),
		cmocka_unit_test(test_frame_to_regs),
		cmocka_unit_test(test_eflags_rows),
		cmocka_unit_test(test_parse_lengths),
		cmocka_unit_test(test_parse_arm64),
		cmocka_unit_test(test_parse_arm),
		cmocka_unit_test(test_parse_riscv64),
		cmocka_unit_test(test_partial_regs),
		cmocka_unit_test(test_tdesc_xml),
		cmocka_unit_test(test_a64_daif),
		cmocka_unit_test(test_a64_no_memory),
		cmocka_unit_test(test_call_target),
		cmocka_unit_test(test_call_indirect),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
