/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rsp/regs.c: kgdb register layouts, 'g' parsing, display text and the
 * GDB target description that makes gdb expect exactly kgdb's 'g'.
 *
 * Each architecture has one static table listing every register its
 * target description names, in gdb register-number order. Registers kgdb
 * puts in its 'g' reply carry their byte offset in it; the rest have
 * offset -1 and gdb will ask for them with 'p' (the bridge answers those
 * itself). Layouts follow the kernel's dbg_reg_def[] and NUMREGBYTES
 * (docs/kgdb-wire.md §3); names and numbers follow gdb's own
 * feature files, which gdb checks when it accepts a description.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rsp/rsp.h"

/* Register in the 'g' payload, and one only reachable by 'p'. */
#define REG(n, sz, off, num, ty, grp) \
	{ (n), (sz), (off), (num), (ty), (grp) }
#define OUT	(-1)

static const struct rsp_reg x86_64_regs[] = {
	REG("rax", 8, 0, 0, "int64", NULL),
	REG("rbx", 8, 8, 1, "int64", NULL),
	REG("rcx", 8, 16, 2, "int64", NULL),
	REG("rdx", 8, 24, 3, "int64", NULL),
	REG("rsi", 8, 32, 4, "int64", NULL),
	REG("rdi", 8, 40, 5, "int64", NULL),
	REG("rbp", 8, 48, 6, "data_ptr", NULL),
	REG("rsp", 8, 56, 7, "data_ptr", NULL),
	REG("r8", 8, 64, 8, "int64", NULL),
	REG("r9", 8, 72, 9, "int64", NULL),
	REG("r10", 8, 80, 10, "int64", NULL),
	REG("r11", 8, 88, 11, "int64", NULL),
	REG("r12", 8, 96, 12, "int64", NULL),
	REG("r13", 8, 104, 13, "int64", NULL),
	REG("r14", 8, 112, 14, "int64", NULL),
	REG("r15", 8, 120, 15, "int64", NULL),
	REG("rip", 8, 128, 16, "code_ptr", NULL),
	REG("eflags", 4, 136, 17, "i386_eflags", NULL),
	REG("cs", 4, 140, 18, "int32", NULL),
	REG("ss", 4, 144, 19, "int32", NULL),
	REG("ds", 4, 148, 20, "int32", NULL),
	REG("es", 4, 152, 21, "int32", NULL),
	/* NUMREGBYTES ends here: kgdb's 'g' stops after es. */
	REG("fs", 4, OUT, 22, "int32", NULL),
	REG("gs", 4, OUT, 23, "int32", NULL),
	REG("st0", 10, OUT, 24, "i387_ext", NULL),
	REG("st1", 10, OUT, 25, "i387_ext", NULL),
	REG("st2", 10, OUT, 26, "i387_ext", NULL),
	REG("st3", 10, OUT, 27, "i387_ext", NULL),
	REG("st4", 10, OUT, 28, "i387_ext", NULL),
	REG("st5", 10, OUT, 29, "i387_ext", NULL),
	REG("st6", 10, OUT, 30, "i387_ext", NULL),
	REG("st7", 10, OUT, 31, "i387_ext", NULL),
	REG("fctrl", 4, OUT, 32, "int", "float"),
	REG("fstat", 4, OUT, 33, "int", "float"),
	REG("ftag", 4, OUT, 34, "int", "float"),
	REG("fiseg", 4, OUT, 35, "int", "float"),
	REG("fioff", 4, OUT, 36, "int", "float"),
	REG("foseg", 4, OUT, 37, "int", "float"),
	REG("fooff", 4, OUT, 38, "int", "float"),
	REG("fop", 4, OUT, 39, "int", "float"),
};

static const struct rsp_reg i386_regs[] = {
	REG("eax", 4, 0, 0, "int32", NULL),
	REG("ecx", 4, 4, 1, "int32", NULL),
	REG("edx", 4, 8, 2, "int32", NULL),
	REG("ebx", 4, 12, 3, "int32", NULL),
	REG("esp", 4, 16, 4, "data_ptr", NULL),
	REG("ebp", 4, 20, 5, "data_ptr", NULL),
	REG("esi", 4, 24, 6, "int32", NULL),
	REG("edi", 4, 28, 7, "int32", NULL),
	REG("eip", 4, 32, 8, "code_ptr", NULL),
	REG("eflags", 4, 36, 9, "i386_eflags", NULL),
	REG("cs", 4, 40, 10, "int32", NULL),
	REG("ss", 4, 44, 11, "int32", NULL),
	REG("ds", 4, 48, 12, "int32", NULL),
	REG("es", 4, 52, 13, "int32", NULL),
	REG("fs", 4, 56, 14, "int32", NULL),
	REG("gs", 4, 60, 15, "int32", NULL),
	/* NUMREGBYTES (64) ends here. */
	REG("st0", 10, OUT, 16, "i387_ext", NULL),
	REG("st1", 10, OUT, 17, "i387_ext", NULL),
	REG("st2", 10, OUT, 18, "i387_ext", NULL),
	REG("st3", 10, OUT, 19, "i387_ext", NULL),
	REG("st4", 10, OUT, 20, "i387_ext", NULL),
	REG("st5", 10, OUT, 21, "i387_ext", NULL),
	REG("st6", 10, OUT, 22, "i387_ext", NULL),
	REG("st7", 10, OUT, 23, "i387_ext", NULL),
	REG("fctrl", 4, OUT, 24, "int", "float"),
	REG("fstat", 4, OUT, 25, "int", "float"),
	REG("ftag", 4, OUT, 26, "int", "float"),
	REG("fiseg", 4, OUT, 27, "int", "float"),
	REG("fioff", 4, OUT, 28, "int", "float"),
	REG("foseg", 4, OUT, 29, "int", "float"),
	REG("fooff", 4, OUT, 30, "int", "float"),
	REG("fop", 4, OUT, 31, "int", "float"),
};

#define A64X(n)		REG("x" #n, 8, 8 * (n), n, "int", NULL)
#define A64V(n)		REG("v" #n, 16, 268 + 16 * (n), 34 + (n), \
			    "aarch64v", NULL)

static const struct rsp_reg arm64_regs[] = {
	A64X(0), A64X(1), A64X(2), A64X(3), A64X(4), A64X(5), A64X(6),
	A64X(7), A64X(8), A64X(9), A64X(10), A64X(11), A64X(12), A64X(13),
	A64X(14), A64X(15), A64X(16), A64X(17), A64X(18), A64X(19), A64X(20),
	A64X(21), A64X(22), A64X(23), A64X(24), A64X(25), A64X(26), A64X(27),
	A64X(28), A64X(29), A64X(30),
	REG("sp", 8, 248, 31, "data_ptr", NULL),
	REG("pc", 8, 256, 32, "code_ptr", NULL),
	/* kgdb's pstate: 32 bits, as gdb's cpsr. */
	REG("cpsr", 4, 264, 33, "cpsr_flags", NULL),
	A64V(0), A64V(1), A64V(2), A64V(3), A64V(4), A64V(5), A64V(6),
	A64V(7), A64V(8), A64V(9), A64V(10), A64V(11), A64V(12), A64V(13),
	A64V(14), A64V(15), A64V(16), A64V(17), A64V(18), A64V(19), A64V(20),
	A64V(21), A64V(22), A64V(23), A64V(24), A64V(25), A64V(26), A64V(27),
	A64V(28), A64V(29), A64V(30), A64V(31),
	REG("fpsr", 4, 780, 66, "fpsr_flags", NULL),
	REG("fpcr", 4, 784, 67, "fpcr_flags", NULL),
};

/*
 * 32-bit ARM. Kernel facts (torvalds/linux):
 *  - arch/arm/include/asm/kgdb.h:72-80: 16 general registers, 8 FPA
 *    registers and 2 extras; GDB_MAX_REGS counts words (16 + 8*3 + 2 = 42)
 *    so NUMREGBYTES = 42 << 2 = 168, DBG_MAX_REG_NUM = 26, BUFMAX = 400.
 *  - arch/arm/kernel/kgdb.c:21-49, dbg_reg_def[]: r0-r10, fp, ip, sp, lr,
 *    pc (4 bytes each), f0-f7 (12 bytes each, always zero: offset -1),
 *    fps (4, zero), cpsr (4, the real one). kernel/debug/gdbstub.c packs
 *    them back to back in pt_regs_to_gdb_regs(), so cpsr sits at 164.
 *  - 'p' stops at DBG_MAX_REG_NUM (gdb_cmd_reg_get()): every register it
 *    can reach is already in 'g'.
 * gdb side: org.gnu.gdb.arm.core wants r0-r12, sp, lr, pc numbered 0-15
 * and cpsr at 25; org.gnu.gdb.arm.fpa fills 16-24 with f0-f7 (96 bits,
 * type arm_fpa_ext) and fps. Without the FPA feature gdb would put cpsr
 * right after pc and call kgdb's 'g' too long.
 * gdb-multiarch straight on kgdb (which serves no description on arm)
 * uses its built-in layout: lr, cpsr and fps unsigned 32-bit, fps in the
 * float group only. With a description gdb puts any register of an
 * integer type in the general group whatever its group attribute says,
 * so fps gets a 32-bit float type (kgdb sends it as zero anyway), and lr
 * and cpsr uint32: `info registers` then prints what it prints directly.
 */
#define ARMR(n)		REG("r" #n, 4, 4 * (n), n, "uint32", NULL)
#define ARMF(n)		REG("f" #n, 12, 64 + 12 * (n), 16 + (n), \
			    "arm_fpa_ext", NULL)

static const struct rsp_reg arm_regs[] = {
	ARMR(0), ARMR(1), ARMR(2), ARMR(3), ARMR(4), ARMR(5), ARMR(6),
	ARMR(7), ARMR(8), ARMR(9), ARMR(10), ARMR(11), ARMR(12),
	REG("sp", 4, 52, 13, "data_ptr", NULL),
	REG("lr", 4, 56, 14, "uint32", NULL),
	REG("pc", 4, 60, 15, "code_ptr", NULL),
	ARMF(0), ARMF(1), ARMF(2), ARMF(3), ARMF(4), ARMF(5), ARMF(6),
	ARMF(7),
	/* A float type keeps fps out of `info registers` (see above). */
	REG("fps", 4, 160, 24, "ieee_single", "float"),
	REG("cpsr", 4, 164, 25, "uint32", NULL),
	/* NUMREGBYTES (168) ends here. */
};

/*
 * RISC-V 64. Kernel facts (torvalds/linux):
 *  - arch/riscv/include/asm/kgdb.h:10-15: registers are unsigned long
 *    (8 bytes), DBG_MAX_REG_NUM = 36, NUMREGBYTES = 36 * 8 = 288,
 *    BUFMAX = 2048. Lines 31-66 and 68-103 give the order: zero, ra, sp,
 *    gp, tp, t0-t2, fp (s0), s1, a0-a7, s2-s11, t3-t6, then pc (epc) as
 *    number 32 and sstatus, stval (badaddr), scause as 33-35. There is
 *    no DBG_ALL_REG_NUM: nothing past the 'g' payload, and 'p' is
 *    refused from 36 up (kernel/debug/gdbstub.c gdb_cmd_reg_get()).
 *  - arch/riscv/kernel/kgdb.c dbg_reg_def[]: x0 has offset -1 (sent as
 *    zero); the rest come from pt_regs.
 *  - arch/riscv/include/asm/gdb_xml.h: kgdb answers qXfer:features:read
 *    itself with one feature, org.gnu.gdb.riscv.cpu, holding x0-x31 (ABI
 *    names), pc and the three CSRs as registers 33-35, and no
 *    <architecture>. The bridge forwards that description (gdb_tdesc.c);
 *    its own, served while the target runs, groups them the same way, so
 *    gdb prints the same registers through the bridge as directly.
 */
#define RVX(nm, n, ty)	REG(nm, 8, 8 * (n), n, ty, NULL)

static const struct rsp_reg riscv64_regs[] = {
	RVX("zero", 0, "int"), RVX("ra", 1, "code_ptr"),
	RVX("sp", 2, "data_ptr"), RVX("gp", 3, "data_ptr"),
	RVX("tp", 4, "data_ptr"), RVX("t0", 5, "int"), RVX("t1", 6, "int"),
	RVX("t2", 7, "int"), RVX("fp", 8, "data_ptr"), RVX("s1", 9, "int"),
	RVX("a0", 10, "int"), RVX("a1", 11, "int"), RVX("a2", 12, "int"),
	RVX("a3", 13, "int"), RVX("a4", 14, "int"), RVX("a5", 15, "int"),
	RVX("a6", 16, "int"), RVX("a7", 17, "int"), RVX("s2", 18, "int"),
	RVX("s3", 19, "int"), RVX("s4", 20, "int"), RVX("s5", 21, "int"),
	RVX("s6", 22, "int"), RVX("s7", 23, "int"), RVX("s8", 24, "int"),
	RVX("s9", 25, "int"), RVX("s10", 26, "int"), RVX("s11", 27, "int"),
	RVX("t3", 28, "int"), RVX("t4", 29, "int"), RVX("t5", 30, "int"),
	RVX("t6", 31, "int"),
	RVX("pc", 32, "code_ptr"),
	REG("sstatus", 8, 264, 33, "int", NULL),
	REG("stval", 8, 272, 34, "int", NULL),
	REG("scause", 8, 280, 35, "int", NULL),
	/* NUMREGBYTES (288) ends here. */
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct rsp_arch arches[] = {
	{
		.id = RSP_ARCH_X86_64, .name = "x86_64",
		.gdb_arch = "i386:x86-64",
		.bufmax = 1024, .numregbytes = 156, .mem_read_max = 511,
		.dbg_max_reg_num = 24,
		.regs = x86_64_regs, .nregs = NELEM(x86_64_regs),
		.pc = 16, .sp = 7, .fp = 6,
	},
	{
		.id = RSP_ARCH_I386, .name = "i386", .gdb_arch = "i386",
		.bufmax = 1024, .numregbytes = 64, .mem_read_max = 511,
		.dbg_max_reg_num = 16,
		.regs = i386_regs, .nregs = NELEM(i386_regs),
		.pc = 8, .sp = 4, .fp = 5,
	},
	{
		.id = RSP_ARCH_ARM64, .name = "arm64", .gdb_arch = "aarch64",
		.bufmax = 2048, .numregbytes = 788, .mem_read_max = 1023,
		.dbg_max_reg_num = 68,
		.regs = arm64_regs, .nregs = NELEM(arm64_regs),
		.pc = 32, .sp = 31, .fp = 29,
	},
	{
		/* kgdb.h: BUFMAX 400, so 'm' reads stop at 199 bytes. */
		.id = RSP_ARCH_ARM, .name = "arm", .gdb_arch = "arm",
		.bufmax = 400, .numregbytes = 168, .mem_read_max = 199,
		.dbg_max_reg_num = 26,
		.regs = arm_regs, .nregs = NELEM(arm_regs),
		.pc = 15, .sp = 13, .fp = 11,
	},
	{
		.id = RSP_ARCH_RISCV64, .name = "riscv64",
		.gdb_arch = "riscv:rv64",
		.bufmax = 2048, .numregbytes = 288, .mem_read_max = 1023,
		.dbg_max_reg_num = 36,
		.regs = riscv64_regs, .nregs = NELEM(riscv64_regs),
		.pc = 32, .sp = 2, .fp = 8, .stub_tdesc = true,
	},
};

/*
 * Target description pieces. A feature covers the registers with tdesc
 * numbers first..last, plus those in more_first..more_last when that
 * range is not empty (ARM's cpsr comes after the FPA block yet belongs
 * to the core feature), and declares the types they use before them.
 */
struct tdesc_feature {
	const char	*name;
	unsigned	 first, last;
	const char	*types;
	unsigned	 more_first, more_last;
};

static const char x86_eflags_type[] =
	"<flags id=\"i386_eflags\" size=\"4\">\n"
	"<field name=\"CF\" start=\"0\" end=\"0\"/>\n"
	"<field name=\"\" start=\"1\" end=\"1\"/>\n"
	"<field name=\"PF\" start=\"2\" end=\"2\"/>\n"
	"<field name=\"AF\" start=\"4\" end=\"4\"/>\n"
	"<field name=\"ZF\" start=\"6\" end=\"6\"/>\n"
	"<field name=\"SF\" start=\"7\" end=\"7\"/>\n"
	"<field name=\"TF\" start=\"8\" end=\"8\"/>\n"
	"<field name=\"IF\" start=\"9\" end=\"9\"/>\n"
	"<field name=\"DF\" start=\"10\" end=\"10\"/>\n"
	"<field name=\"OF\" start=\"11\" end=\"11\"/>\n"
	"<field name=\"NT\" start=\"14\" end=\"14\"/>\n"
	"<field name=\"RF\" start=\"16\" end=\"16\"/>\n"
	"<field name=\"VM\" start=\"17\" end=\"17\"/>\n"
	"<field name=\"AC\" start=\"18\" end=\"18\"/>\n"
	"<field name=\"VIF\" start=\"19\" end=\"19\"/>\n"
	"<field name=\"VIP\" start=\"20\" end=\"20\"/>\n"
	"<field name=\"ID\" start=\"21\" end=\"21\"/>\n"
	"</flags>\n";

/*
 * arm64's status registers as gdb-multiarch 13 types them when no
 * description is served (`ptype $cpsr` on a bare connection): the same
 * fields here, so `info registers` through the bridge prints
 * "[ SP EL=1 BTYPE=0 C Z ]" as gdb does straight on the line, not a bare
 * integer. A field wider than a bit is an unsigned number (gdb's rule
 * for a field with no type).
 */
#define FLD(name, lo, hi) \
	"<field name=\"" name "\" start=\"" #lo "\" end=\"" #hi "\"/>\n"
static const char a64_cpsr_type[] =
	"<flags id=\"cpsr_flags\" size=\"4\">\n"
	FLD("SP", 0, 0) FLD("EL", 2, 3) FLD("nRW", 4, 4) FLD("F", 6, 6)
	FLD("I", 7, 7) FLD("A", 8, 8) FLD("D", 9, 9) FLD("BTYPE", 10, 11)
	FLD("SSBS", 12, 12) FLD("IL", 20, 20) FLD("SS", 21, 21)
	FLD("PAN", 22, 22) FLD("UAO", 23, 23) FLD("DIT", 24, 24)
	FLD("TCO", 25, 25) FLD("V", 28, 28) FLD("C", 29, 29) FLD("Z", 30, 30)
	FLD("N", 31, 31)
	"</flags>\n";
#define A64_FP_FLAGS \
	"<flags id=\"fpsr_flags\" size=\"4\">\n" \
	FLD("IOC", 0, 0) FLD("DZC", 1, 1) FLD("OFC", 2, 2) FLD("UFC", 3, 3) \
	FLD("IXC", 4, 4) FLD("IDC", 7, 7) FLD("QC", 27, 27) FLD("V", 28, 28) \
	FLD("C", 29, 29) FLD("Z", 30, 30) FLD("N", 31, 31) \
	"</flags>\n" \
	"<flags id=\"fpcr_flags\" size=\"4\">\n" \
	FLD("FIZ", 0, 0) FLD("AH", 1, 1) FLD("NEP", 2, 2) FLD("IOE", 8, 8) \
	FLD("DZE", 9, 9) FLD("OFE", 10, 10) FLD("UFE", 11, 11) \
	FLD("IXE", 12, 12) FLD("EBF", 13, 13) FLD("IDE", 15, 15) \
	FLD("Len", 16, 18) FLD("FZ16", 19, 19) FLD("Stride", 20, 21) \
	FLD("RMode", 22, 23) FLD("FZ", 24, 24) FLD("DN", 25, 25) \
	FLD("AHP", 26, 26) \
	"</flags>\n"

/* The views gdb offers of a 128-bit SIMD register. */
static const char a64_vector_types[] =
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
	"<vector id=\"v2u\" type=\"uint64\" count=\"2\"/>\n"
	"<vector id=\"v2i\" type=\"int64\" count=\"2\"/>\n"
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
	"<vector id=\"v4u\" type=\"uint32\" count=\"4\"/>\n"
	"<vector id=\"v4i\" type=\"int32\" count=\"4\"/>\n"
	"<vector id=\"v8f\" type=\"ieee_half\" count=\"8\"/>\n"
	"<vector id=\"v8u\" type=\"uint16\" count=\"8\"/>\n"
	"<vector id=\"v8i\" type=\"int16\" count=\"8\"/>\n"
	"<vector id=\"v16u\" type=\"uint8\" count=\"16\"/>\n"
	"<vector id=\"v16i\" type=\"int8\" count=\"16\"/>\n"
	"<vector id=\"v1u\" type=\"uint128\" count=\"1\"/>\n"
	"<vector id=\"v1i\" type=\"int128\" count=\"1\"/>\n"
	"<union id=\"vnd\"><field name=\"f\" type=\"v2d\"/>"
	"<field name=\"u\" type=\"v2u\"/><field name=\"s\" type=\"v2i\"/>"
	"</union>\n"
	"<union id=\"vns\"><field name=\"f\" type=\"v4f\"/>"
	"<field name=\"u\" type=\"v4u\"/><field name=\"s\" type=\"v4i\"/>"
	"</union>\n"
	"<union id=\"vnh\"><field name=\"f\" type=\"v8f\"/>"
	"<field name=\"u\" type=\"v8u\"/><field name=\"s\" type=\"v8i\"/>"
	"</union>\n"
	"<union id=\"vnb\"><field name=\"u\" type=\"v16u\"/>"
	"<field name=\"s\" type=\"v16i\"/></union>\n"
	"<union id=\"vnq\"><field name=\"u\" type=\"v1u\"/>"
	"<field name=\"s\" type=\"v1i\"/></union>\n"
	"<union id=\"aarch64v\"><field name=\"d\" type=\"vnd\"/>"
	"<field name=\"s\" type=\"vns\"/><field name=\"h\" type=\"vnh\"/>"
	"<field name=\"b\" type=\"vnb\"/><field name=\"q\" type=\"vnq\"/>"
	"</union>\n"
	A64_FP_FLAGS;

static const struct tdesc_feature x86_64_features[] = {
	{ "org.gnu.gdb.i386.core", 0, 39, x86_eflags_type, 1, 0 },
	{ NULL, 0, 0, NULL, 1, 0 },
};
static const struct tdesc_feature i386_features[] = {
	{ "org.gnu.gdb.i386.core", 0, 31, x86_eflags_type, 1, 0 },
	{ NULL, 0, 0, NULL, 1, 0 },
};
static const struct tdesc_feature arm64_features[] = {
	{ "org.gnu.gdb.aarch64.core", 0, 33, a64_cpsr_type, 1, 0 },
	{ "org.gnu.gdb.aarch64.fpu", 34, 67, a64_vector_types, 1, 0 },
	{ NULL, 0, 0, NULL, 1, 0 },
};
static const struct tdesc_feature arm_features[] = {
	/* gdb numbers cpsr 25, after the FPA block, but wants it in core. */
	{ "org.gnu.gdb.arm.core", 0, 15, "", 25, 25 },
	{ "org.gnu.gdb.arm.fpa", 16, 24, "", 1, 0 },
	{ NULL, 0, 0, NULL, 1, 0 },
};
static const struct tdesc_feature riscv64_features[] = {
	/* As kgdb's own: the CSRs in the cpu feature too. */
	{ "org.gnu.gdb.riscv.cpu", 0, 35, "", 1, 0 },
	{ NULL, 0, 0, NULL, 1, 0 },
};

/* x86 EFLAGS bits with a name, in the order gdb lists them. */
struct eflag {
	const char	*name;
	unsigned	 bit;
};

static const struct eflag x86_eflags[] = {
	{ "CF", 0 }, { "PF", 2 }, { "AF", 4 }, { "ZF", 6 }, { "SF", 7 },
	{ "TF", 8 }, { "IF", 9 }, { "DF", 10 }, { "OF", 11 }, { "NT", 14 },
	{ "RF", 16 }, { "VM", 17 }, { "AC", 18 }, { "VIF", 19 },
	{ "VIP", 20 }, { "ID", 21 },
};

const struct rsp_arch *
rsp_arch_get(enum rsp_arch_id id)
{
	size_t	i;

	for (i = 0; i < NELEM(arches); i++)
		if (arches[i].id == id)
			return (&arches[i]);
	return (NULL);
}

const struct rsp_arch *
rsp_arch_by_name(const char *name)
{
	static const struct {
		const char		*alias;
		enum rsp_arch_id	 id;
	} aliases[] = {
		{ "x86_64", RSP_ARCH_X86_64 },
		{ "amd64", RSP_ARCH_X86_64 },
		{ "i386:x86-64", RSP_ARCH_X86_64 },
		{ "i386", RSP_ARCH_I386 },
		{ "x86", RSP_ARCH_I386 },
		{ "arm64", RSP_ARCH_ARM64 },
		{ "aarch64", RSP_ARCH_ARM64 },
		{ "arm", RSP_ARCH_ARM },
		{ "armv7", RSP_ARCH_ARM },
		{ "riscv64", RSP_ARCH_RISCV64 },
		{ "riscv:rv64", RSP_ARCH_RISCV64 },
	};
	size_t	i;

	if (name == NULL)
		return (NULL);
	for (i = 0; i < NELEM(aliases); i++)
		if (strcmp(name, aliases[i].alias) == 0)
			return (rsp_arch_get(aliases[i].id));
	return (NULL);
}

int
rsp_arch_reg_by_num(const struct rsp_arch *a, unsigned regnum)
{
	size_t	i;

	if (a == NULL)
		return (-1);
	for (i = 0; i < a->nregs; i++)
		if (a->regs[i].regnum == regnum)
			return ((int)i);
	return (-1);
}

int
rsp_arch_reg_by_name(const struct rsp_arch *a, const char *n)
{
	size_t	i;

	if (a == NULL || n == NULL)
		return (-1);
	for (i = 0; i < a->nregs; i++)
		if (strcmp(a->regs[i].name, n) == 0)
			return ((int)i);
	return (-1);
}

bool
rsp_a64_writes_daif(uint32_t insn)
{
	/* MSR <pstatefield>, #imm with op1 3, op2 110 (DAIFSet) or 111
	 * (DAIFClr); CRm holds the bits. */
	if ((insn & 0xfffff0dfU) == 0xd50340dfU)
		return (true);
	/* MSR DAIF, Xt (op0 3, op1 3, CRn 4, CRm 2, op2 1). */
	if ((insn & 0xffffffe0U) == 0xd51b4220U)
		return (true);
	/* ERET, and ERETAA/ERETAB (pointer authentication). */
	return (insn == 0xd69f03e0U || insn == 0xd69f0bffU ||
	    insn == 0xd69f0fffU);
}

/*
 * Whether an A64 instruction certainly leaves memory alone when it runs:
 * data processing, branches, hints, barriers, MRS, and the plain loads
 * (LDR/LDUR/LDTR and their byte, half and signed forms, PRFM, LDP, LDPSW,
 * LDR literal). Everything else counts as a writer: stores, exclusives,
 * atomics, DC, MSR (it may change how an address translates), exception
 * generation, SIMD/FP loads and stores, and whatever is not decoded here.
 */
bool
rsp_a64_writes_no_memory(uint32_t insn)
{
	uint32_t	op0 = (insn >> 25) & 0xf, opc;

	if ((op0 & 0xe) == 0x8)			/* 100x: immediate */
		return (true);
	if ((op0 & 0x7) == 0x5 || (op0 & 0x7) == 0x7)
		return (true);			/* x101, x111: register, FP */
	if ((op0 & 0xe) == 0xa) {		/* 101x: branches, system */
		if ((insn & 0x7c000000U) == 0x14000000U ||	/* B, BL */
		    (insn & 0x7e000000U) == 0x34000000U ||	/* CBZ */
		    (insn & 0x7e000000U) == 0x36000000U ||	/* TBZ */
		    (insn & 0xff000010U) == 0x54000000U ||	/* B.cond */
		    (insn & 0xfe000000U) == 0xd6000000U)	/* BR, RET */
			return (true);
		if ((insn & 0xfffff01fU) == 0xd503201fU ||	/* hints */
		    (insn & 0xfffff01fU) == 0xd503301fU ||	/* barriers */
		    (insn & 0xfff00000U) == 0xd5300000U)	/* MRS */
			return (true);
		return (false);
	}
	if ((op0 & 0x5) != 0x4 || (insn & (1U << 26)) != 0)
		return (false);			/* not x1x0, or SIMD/FP */
	opc = (insn >> 22) & 0x3;
	switch ((insn >> 27) & 0x7) {
	case 0x7:				/* load/store register */
		if ((insn & (1U << 24)) != 0)	/* unsigned offset */
			return (opc != 0);
		if ((insn & (1U << 21)) == 0)	/* imm9 forms */
			return (opc != 0);
		/* Register offset; the rest are atomics and PAC loads. */
		return (((insn >> 10) & 0x3) == 0x2 && opc != 0);
	case 0x5:				/* pairs: L is bit 22 */
		return ((insn & (1U << 22)) != 0);
	case 0x3:				/* LDR (literal), PRFM */
		return ((insn & (1U << 24)) == 0);
	default:
		return (false);
	}
}

static uint32_t
le32(const uint8_t *b)
{
	return ((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24);
}

/* Sign-extend the low bits of v. */
static int64_t
sext(uint64_t v, unsigned bits)
{
	uint64_t	m = 1ULL << (bits - 1);

	v &= (m << 1) - 1;
	return ((int64_t)((v ^ m) - m));
}

/*
 * Where a direct call at pc goes: decided from the instruction there (and,
 * for riscv64's two-instruction call, the AUIPC before it) alone, never
 * from registers; anything that is not plainly such a call is refused.
 */
int
rsp_call_target(enum rsp_arch_id id, uint64_t pc, const uint8_t *code,
    size_t n, uint64_t *target, unsigned *len)
{
	uint32_t	insn, prev;
	unsigned	rd, rs1;

	if (code == NULL || target == NULL || len == NULL || n < 8)
		return (RSP_ERR_ARG);
	insn = le32(code + 4);
	prev = le32(code);
	switch (id) {
	case RSP_ARCH_ARM:
		/* A32 BL <label>, any condition but 1111 (BLX, to Thumb). */
		if ((pc & 3) != 0 || (insn >> 28) == 0xf ||
		    (insn & 0x0f000000U) != 0x0b000000U)
			return (RSP_ERR_ARG);
		*target = (uint32_t)(pc + 8 + (uint64_t)(sext(insn &
		    0xffffffU, 24) * 4));
		*len = 4;
		return (RSP_OK);
	case RSP_ARCH_RISCV64:
		if ((pc & 1) != 0 || (insn & 3) != 3)
			return (RSP_ERR_ARG);	/* compressed: not decoded */
		rd = (insn >> 7) & 0x1f;
		if (rd != 1)
			return (RSP_ERR_ARG);	/* links ra, or no call */
		if ((insn & 0x7f) == 0x6f) {
			/* JAL ra: imm[20|10:1|11|19:12] in bits 31..12. */
			*target = pc + (uint64_t)sext((insn >> 31) << 20 |
			    ((insn >> 21) & 0x3ff) << 1 |
			    ((insn >> 20) & 1) << 11 |
			    ((insn >> 12) & 0xff) << 12, 21);
			*len = 4;
			return (RSP_OK);
		}
		/* AUIPC r, hi right before JALR ra, lo(r): "call sym". */
		rs1 = (insn >> 15) & 0x1f;
		if ((insn & 0x707f) != 0x67 || (prev & 0x7f) != 0x17 ||
		    ((prev >> 7) & 0x1f) != rs1 || rs1 == 0)
			return (RSP_ERR_ARG);
		*target = pc - 4 + (uint64_t)sext(prev & 0xfffff000U, 32) +
		    (uint64_t)sext(insn >> 20, 12);
		*len = 4;
		return (RSP_OK);
	default:
		return (RSP_ERR_ARG);
	}
}

/*
 * Which register a call at pc goes through, and the offset added to it:
 * decided from the instruction alone; the register's value is the
 * caller's to read.
 */
int
rsp_call_indirect(enum rsp_arch_id id, const uint8_t *code, size_t n,
    unsigned *regnum, int64_t *off, unsigned *len)
{
	uint32_t	insn;
	unsigned	rs1;

	if (code == NULL || regnum == NULL || off == NULL || len == NULL ||
	    n < 2)
		return (RSP_ERR_ARG);
	switch (id) {
	case RSP_ARCH_ARM:
		/* BLX Rm: cond 0001 0010 1111 1111 1111 0011 Rm; not pc. */
		if (n < 4)
			return (RSP_ERR_ARG);
		insn = le32(code);
		if ((insn >> 28) == 0xf || (insn & 0x0ffffff0U) != 0x012fff30U ||
		    (insn & 0xf) == 15)
			return (RSP_ERR_ARG);
		*regnum = insn & 0xf;
		*off = 0;
		*len = 4;
		return (RSP_OK);
	case RSP_ARCH_RISCV64:
		insn = (uint32_t)code[0] | (uint32_t)code[1] << 8;
		if ((insn & 3) != 3) {
			/* C.JALR rs1: 1001 rs1 00000 10, rs1 not x0. */
			rs1 = (insn >> 7) & 0x1f;
			if ((insn & 0xf07f) != 0x9002 || rs1 == 0)
				return (RSP_ERR_ARG);
			*regnum = rs1;
			*off = 0;
			*len = 2;
			return (RSP_OK);
		}
		if (n < 4)
			return (RSP_ERR_ARG);
		insn = le32(code);
		rs1 = (insn >> 15) & 0x1f;
		/* JALR ra, imm(rs1): the link register is ra. */
		if ((insn & 0x707f) != 0x67 || ((insn >> 7) & 0x1f) != 1 ||
		    rs1 == 0)
			return (RSP_ERR_ARG);
		*regnum = rs1;
		*off = sext(insn >> 20, 12);
		*len = 4;
		return (RSP_OK);
	default:
		return (RSP_ERR_ARG);
	}
}

int
rsp_regs_parse_g(const struct rsp_arch *a, const char *hex, size_t len,
    struct rsp_regs *out)
{
	size_t	want;
	int	n;

	if (a == NULL || out == NULL || (hex == NULL && len != 0))
		return (RSP_ERR_ARG);
	if (a->numregbytes > sizeof out->raw)
		return (RSP_ERR_ARCH);
	want = 2 * a->numregbytes;
	if (len < want)
		return (RSP_ERR_SHORT);
	if (len > want)
		return (RSP_ERR_TOOBIG);
	n = rsp_hex_decode(out->raw, sizeof out->raw, hex, len);
	if (n < 0)
		return (n);
	out->arch = a;
	out->len = (size_t)n;
	return (n);
}

/* The register idx if the parsed 'g' holds all of it, else NULL. */
static const struct rsp_reg *
regs_present(const struct rsp_regs *r, int idx)
{
	const struct rsp_reg	*reg;

	if (r == NULL || r->arch == NULL || idx < 0 ||
	    (size_t)idx >= r->arch->nregs)
		return (NULL);
	reg = &r->arch->regs[idx];
	if (reg->offset < 0 || (size_t)reg->offset + reg->size > r->len)
		return (NULL);
	return (reg);
}

int
rsp_regs_get(const struct rsp_regs *r, int idx, uint64_t *value_out)
{
	const struct rsp_reg	*reg;
	uint64_t		 v = 0;
	unsigned		 i;

	if ((reg = regs_present(r, idx)) == NULL || reg->size > 8 ||
	    value_out == NULL)
		return (RSP_ERR_ARG);
	for (i = reg->size; i > 0; i--)
		v = (v << 8) | r->raw[(size_t)reg->offset + i - 1];
	*value_out = v;
	return (RSP_OK);
}

/* Bounded string builder; once full, it stays failed. */
struct sbuf {
	char	*p;
	size_t	 max;
	size_t	 len;
	bool	 over;
};

static void
sb_add(struct sbuf *sb, const char *s, size_t n)
{
	if (sb->over || n >= sb->max - sb->len) {
		sb->over = true;
		return;
	}
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

static void
sb_str(struct sbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

static void
sb_uint(struct sbuf *sb, unsigned long v)
{
	char	tmp[24];
	size_t	i = sizeof tmp;

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	sb_add(sb, tmp + i, sizeof tmp - i);
}

static int
sb_done(const struct sbuf *sb)
{
	if (sb->over || sb->len > (size_t)INT32_MAX)
		return (RSP_ERR_TOOBIG);
	return ((int)sb->len);
}

/* One register as gdb prints it in hex, or "<unavailable>". */
int
rsp_regs_format(const struct rsp_regs *r, int idx, char *buf, size_t buflen)
{
	static const char	 digits[] = "0123456789abcdef";
	const struct rsp_reg	*reg;
	struct sbuf		 sb = { buf, buflen, 0, false };
	uint64_t		 v;
	size_t			 i;
	unsigned		 d;
	bool			 lead = true;

	if (buf == NULL || buflen == 0 || r == NULL || r->arch == NULL ||
	    idx < 0 || (size_t)idx >= r->arch->nregs)
		return (RSP_ERR_ARG);
	buf[0] = '\0';
	if ((reg = regs_present(r, idx)) == NULL) {
		sb_str(&sb, "<unavailable>");
		return (sb_done(&sb));
	}
	/* Most significant byte first; the target is little-endian. */
	sb_str(&sb, "0x");
	for (i = reg->size; i > 0; i--) {
		uint8_t b = r->raw[(size_t)reg->offset + i - 1];

		for (d = 0; d < 2; d++) {
			unsigned nib = d == 0 ? (unsigned)(b >> 4) :
			    (unsigned)(b & 0x0f);

			if (lead && nib == 0 && !(i == 1 && d == 1))
				continue;
			lead = false;
			sb_add(&sb, &digits[nib], 1);
		}
	}
	if ((r->arch->id == RSP_ARCH_X86_64 || r->arch->id == RSP_ARCH_I386) &&
	    strcmp(reg->name, "eflags") == 0 &&
	    rsp_regs_get(r, idx, &v) == RSP_OK) {
		sb_str(&sb, " [");
		for (i = 0; i < NELEM(x86_eflags); i++) {
			if ((v >> x86_eflags[i].bit & 1) == 0)
				continue;
			sb_str(&sb, " ");
			sb_str(&sb, x86_eflags[i].name);
		}
		sb_str(&sb, " ]");
	}
	return (sb_done(&sb));
}

static const struct tdesc_feature *
tdesc_features(const struct rsp_arch *a)
{
	switch (a->id) {
	case RSP_ARCH_X86_64:
		return (x86_64_features);
	case RSP_ARCH_I386:
		return (i386_features);
	case RSP_ARCH_ARM64:
		return (arm64_features);
	case RSP_ARCH_ARM:
		return (arm_features);
	case RSP_ARCH_RISCV64:
		return (riscv64_features);
	}
	return (NULL);
}

/* The target description gdb is served: the arch's features and registers. */
int
rsp_tdesc_xml(const struct rsp_arch *a, char *buf, size_t buflen)
{
	const struct tdesc_feature	*f;
	const struct rsp_reg		*reg;
	struct sbuf			 sb = { buf, buflen, 0, false };
	size_t				 i;

	if (a == NULL || buf == NULL || buflen == 0)
		return (RSP_ERR_ARG);
	if ((f = tdesc_features(a)) == NULL)
		return (RSP_ERR_ARCH);
	buf[0] = '\0';
	sb_str(&sb, "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	    "<target version=\"1.0\">\n<architecture>");
	sb_str(&sb, a->gdb_arch);
	sb_str(&sb, "</architecture>\n");
	for (; f->name != NULL; f++) {
		sb_str(&sb, "<feature name=\"");
		sb_str(&sb, f->name);
		sb_str(&sb, "\">\n");
		sb_str(&sb, f->types);
		for (i = 0; i < a->nregs; i++) {
			reg = &a->regs[i];
			if ((reg->regnum < f->first ||
			    reg->regnum > f->last) &&
			    (reg->regnum < f->more_first ||
			    reg->regnum > f->more_last))
				continue;
			sb_str(&sb, "<reg name=\"");
			sb_str(&sb, reg->name);
			sb_str(&sb, "\" bitsize=\"");
			sb_uint(&sb, 8UL * reg->size);
			sb_str(&sb, "\" type=\"");
			sb_str(&sb, reg->type);
			sb_str(&sb, "\" regnum=\"");
			sb_uint(&sb, reg->regnum);
			if (reg->group != NULL) {
				sb_str(&sb, "\" group=\"");
				sb_str(&sb, reg->group);
			}
			sb_str(&sb, "\"/>\n");
		}
		sb_str(&sb, "</feature>\n");
	}
	sb_str(&sb, "</target>\n");
	return (sb_done(&sb));
}
