/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_vmlinux.c: read-only sections of a vmlinux (bridge/
 * vmlinux.c) on a small ELF built here, the verification, and the cache
 * serving them only once verified.
 *
 * Also a tool for tests/e2e/30-cache.sh: `test_vmlinux --ranges FILE
 * [--text]` prints "addr len offset name" for every range the bridge would
 * serve from FILE, then exits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <elf.h>
#include <cmocka.h>

#include "bridge/bridge.h"

#define K	0xffffffff80000000ULL
#define TEXT	(K + 0x1000000)
#define RODATA	(K + 0x1200000)
#define RO_AI0	(RODATA + 0x2000)	/* __start_ro_after_init */
#define RO_AI1	(RODATA + 0x2800)	/* __end_ro_after_init */
#define VDSO0	(RODATA + 0x1000)	/* vdso_start */
#define VDSO1	(RODATA + 0x1800)	/* vdso_end */
#define VD32_0	(RODATA + 0x2400)	/* vdso32_start: overlaps ro_after_init */
#define VD32_1	(RODATA + 0x2900)	/* vdso32_end */
#define PCIFIX	(K + 0x1203000)
#define DATA	(K + 0x1400000)
#define INIT	(K + 0x1500000)
#define BANNER	(RODATA + 0x100)
#define END	(K + 0x1600000)

static const char banner[] = "Linux version 6.1.0-unit (test@host) "
    "(gcc 12) #1 SMP PREEMPT_DYNAMIC";

struct sec {
	const char	*name;
	uint32_t	 type;
	uint64_t	 flags, addr, size;
	uint64_t	 off;
};

static struct sec secs[] = {
	{ "", SHT_NULL, 0, 0, 0, 0 },
	{ ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, TEXT, 0x2000, 0 },
	{ ".rodata", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, RODATA, 0x3000, 0 },
	{ ".pci_fixup", SHT_PROGBITS, SHF_ALLOC, PCIFIX, 0x100, 0 },
	{ ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, DATA, 0x1000, 0 },
	{ ".init.data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, INIT, 0x1000, 0 },
	{ ".x86_cpu_dev.init", SHT_PROGBITS, SHF_ALLOC, INIT + 0x1000, 0x40,
	    0 },
	{ ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, K + 0x1580000, 0x1000,
	    0 },
	{ ".debug_info", SHT_PROGBITS, 0, 0, 0x100, 0 },
	{ ".symtab", SHT_SYMTAB, 0, 0, 0, 0 },
	{ ".strtab", SHT_STRTAB, 0, 0, 0, 0 },
	{ ".shstrtab", SHT_STRTAB, 0, 0, 0, 0 },
};
#define NSECS	(sizeof secs / sizeof secs[0])
#define S_SYMTAB 9
#define S_STRTAB 10
#define S_SHSTR	 11

static const struct {
	const char	*name;
	uint64_t	 value;
	uint16_t	 shndx;
} syms[] = {
	{ "linux_banner", BANNER, 2 },
	{ "__start_ro_after_init", RO_AI0, 2 },
	{ "__end_ro_after_init", RO_AI1, 2 },
	{ "vdso_start", VDSO0, 2 },
	{ "vdso_end", VDSO1, 2 },
	{ "vdso32_start", VD32_0, 2 },
	{ "vdso32_end", VD32_1, 2 },
	{ "_text", TEXT, 1 },
	{ "_end", END, 7 },
	{ "__init_begin", INIT, 5 },
	{ "__init_end", INIT + 0x2000, 6 },
};
#define NSYMS	(sizeof syms / sizeof syms[0])

static uint8_t
content(uint64_t addr)
{
	if (addr >= BANNER && addr < BANNER + sizeof banner)
		return ((uint8_t)banner[addr - BANNER]);
	return ((uint8_t)(addr * 131 + (addr >> 9)));
}

/* Write the ELF to a temp file; its path into path. */
static void
build_elf(char *path, size_t pathlen)
{
	static uint8_t	 img[0x10000];
	Elf64_Ehdr	*eh = (Elf64_Ehdr *)img;
	Elf64_Shdr	*sh;
	Elf64_Sym	*sym;
	size_t		 off = sizeof *eh, i, j, n;
	char		*strs, *shstrs;
	FILE		*f;
	int		 fd;

	memset(img, 0, sizeof img);
	/* Section contents. */
	for (i = 1; i < NSECS; i++) {
		if (secs[i].type != SHT_PROGBITS || i == 8)
			continue;
		off = (off + 15) & ~(size_t)15;
		secs[i].off = off;
		for (j = 0; j < secs[i].size; j++)
			img[off + j] = content(secs[i].addr + j);
		off += secs[i].size;
	}
	secs[8].off = off;
	off += secs[8].size;
	/* Symbols and their names. */
	off = (off + 7) & ~(size_t)7;
	secs[S_SYMTAB].off = off;
	sym = (Elf64_Sym *)(img + off);
	strs = (char *)img + off + (NSYMS + 1) * sizeof *sym;
	n = 1;
	for (i = 0; i < NSYMS; i++) {
		sym[i + 1].st_name = (uint32_t)n;
		sym[i + 1].st_value = syms[i].value;
		sym[i + 1].st_shndx = syms[i].shndx;
		sym[i + 1].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
		strcpy(strs + n, syms[i].name);
		n += strlen(syms[i].name) + 1;
	}
	secs[S_SYMTAB].size = (NSYMS + 1) * sizeof *sym;
	secs[S_STRTAB].off = secs[S_SYMTAB].off + secs[S_SYMTAB].size;
	secs[S_STRTAB].size = n;
	off = secs[S_STRTAB].off + n;
	secs[S_SHSTR].off = off;
	shstrs = (char *)img + off;
	n = 1;
	for (i = 1; i < NSECS; i++) {
		strcpy(shstrs + n, secs[i].name);
		n += strlen(secs[i].name) + 1;
	}
	secs[S_SHSTR].size = n;
	off = (off + n + 7) & ~(size_t)7;

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_ehsize = sizeof *eh;
	eh->e_shoff = off;
	eh->e_shentsize = sizeof (Elf64_Shdr);
	eh->e_shnum = NSECS;
	eh->e_shstrndx = S_SHSTR;
	sh = (Elf64_Shdr *)(img + off);
	n = 1;
	for (i = 0; i < NSECS; i++) {
		sh[i].sh_name = i == 0 ? 0 : (uint32_t)n;
		if (i > 0)
			n += strlen(secs[i].name) + 1;
		sh[i].sh_type = secs[i].type;
		sh[i].sh_flags = secs[i].flags;
		sh[i].sh_addr = secs[i].addr;
		sh[i].sh_offset = secs[i].off;
		sh[i].sh_size = secs[i].size;
		sh[i].sh_addralign = 1;
	}
	sh[S_SYMTAB].sh_link = S_STRTAB;
	sh[S_SYMTAB].sh_entsize = sizeof (Elf64_Sym);
	sh[S_SYMTAB].sh_info = 1;
	off += NSECS * sizeof *sh;
	assert_true(off < sizeof img);

	snprintf(path, pathlen, "%s/kgdb-vml-XXXXXX", P_tmpdir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(img, 1, off, f), off);
	fclose(f);
}

static bool
has_range(struct br_vmlinux *v, uint64_t addr, uint64_t len)
{
	const struct br_vml_range	*r;
	size_t				 i, n = br_vmlinux_ranges(v, &r);

	for (i = 0; i < n; i++)
		if (r[i].addr == addr && r[i].len == len)
			return (true);
	return (false);
}

static void
test_sections(void **state)
{
	char			 path[256], err[BR_ERRLEN];
	struct br_vmlinux	*v;
	const struct br_vml_range *r;
	uint64_t		 s, e;

	(void)state;
	build_elf(path, sizeof path);
	v = br_vmlinux_open(path, 0, err);
	assert_non_null(v);
	/* .rodata minus ro_after_init and the vDSO images (patched at
	 * boot), .pci_fixup; nothing else. */
	assert_int_equal(br_vmlinux_ranges(v, &r), 4);
	assert_true(has_range(v, RODATA, VDSO0 - RODATA));
	assert_true(has_range(v, VDSO1, RO_AI0 - VDSO1));
	assert_true(has_range(v, VD32_1, RODATA + 0x3000 - VD32_1));
	assert_true(has_range(v, PCIFIX, 0x100));
	assert_false(br_vmlinux_covers(v, VDSO0, 1));
	assert_false(br_vmlinux_covers(v, VDSO1 - 4, 4));
	assert_false(br_vmlinux_covers(v, RO_AI1, 4));
	assert_true(br_vmlinux_covers(v, VDSO1, 4));
	assert_false(br_vmlinux_covers(v, TEXT, 4));
	assert_false(br_vmlinux_covers(v, DATA, 4));
	assert_false(br_vmlinux_covers(v, INIT + 0x1000, 4));
	assert_false(br_vmlinux_covers(v, RO_AI0 + 8, 4));
	assert_true(br_vmlinux_image(v, &s, &e));
	assert_true(s == TEXT && e == END);
	br_vmlinux_free(v);

	v = br_vmlinux_open(path, BR_VML_TEXT, err);
	assert_non_null(v);
	assert_int_equal(br_vmlinux_ranges(v, &r), 5);
	assert_true(has_range(v, TEXT, 0x2000));
	br_vmlinux_free(v);
	unlink(path);
}

static void
feed_samples(struct br_vmlinux *v, bool corrupt_banner)
{
	uint8_t	buf[512];
	uint64_t a;
	size_t	i, n, k;

	for (i = 0; i < br_vmlinux_nsamples(v); i++) {
		assert_true(br_vmlinux_sample(v, i, &a, &n));
		assert_true(n > 0 && n <= 256);
		assert_true(a / 4096 == (a + n - 1) / 4096);
		assert_true(br_vmlinux_covers(v, a, n));
		for (k = 0; k < n; k++)
			buf[k] = content(a + k);
		if (corrupt_banner && i == 0)
			buf[14] ^= 1;
		br_vmlinux_check(v, i, buf, n);
	}
}

static void
test_verify(void **state)
{
	char			 path[256], err[BR_ERRLEN];
	struct br_vmlinux	*v;
	uint8_t			 buf[64];
	uint64_t		 a;
	size_t			 n;

	(void)state;
	build_elf(path, sizeof path);
	v = br_vmlinux_open(path, 0, err);
	assert_non_null(v);
	assert_true(br_vmlinux_nsamples(v) >= 3);
	assert_true(br_vmlinux_sample(v, 0, &a, &n));
	assert_true(a == BANNER && n == strlen(banner));
	/* Nothing served before the comparison, nor named code. */
	assert_int_equal(br_vmlinux_state(v), BR_VML_UNVERIFIED);
	assert_false(br_vmlinux_read(v, BANNER, buf, 8));
	assert_false(br_vmlinux_code(v, TEXT, 4));
	assert_int_equal(br_vmlinux_file_read(v, BANNER, buf, 8), 0);
	assert_memory_equal(buf, banner, 8);

	feed_samples(v, false);
	assert_int_equal(br_vmlinux_state(v), BR_VML_VERIFIED);
	/* Kernel code: .text, not its end, not data or init. */
	assert_true(br_vmlinux_code(v, TEXT, 4));
	assert_true(br_vmlinux_code(v, TEXT + 0x2000 - 8, 8));
	assert_false(br_vmlinux_code(v, TEXT + 0x2000 - 4, 8));
	assert_false(br_vmlinux_code(v, DATA, 4));
	assert_false(br_vmlinux_code(v, INIT + 0x1000, 4));
	assert_false(br_vmlinux_code(v, BANNER, 4));
	assert_true(br_vmlinux_read(v, BANNER, buf, 13));
	assert_memory_equal(buf, "Linux version", 13);
	assert_false(br_vmlinux_read(v, RO_AI0, buf, 8));	/* the hole */

	/* A different kernel: said plainly, and nothing served. */
	br_vmlinux_reset(v);
	assert_int_equal(br_vmlinux_state(v), BR_VML_UNVERIFIED);
	feed_samples(v, true);
	assert_int_equal(br_vmlinux_state(v), BR_VML_MISMATCH);
	assert_non_null(strstr(br_vmlinux_why(v),
	    "vmlinux does not match the running kernel"));
	assert_non_null(strstr(br_vmlinux_why(v), "linux_banner"));
	assert_false(br_vmlinux_read(v, BANNER, buf, 8));

	/* A sample the kernel cannot read (KASLR): also a mismatch. */
	br_vmlinux_reset(v);
	br_vmlinux_check(v, 0, NULL, 0);
	assert_int_equal(br_vmlinux_state(v), BR_VML_MISMATCH);
	assert_non_null(strstr(br_vmlinux_why(v), "KASLR"));
	br_vmlinux_free(v);
	unlink(path);
}

static void
test_bad_files(void **state)
{
	char			 err[BR_ERRLEN];
	struct br_vmlinux	*v;
	const struct br_vml_range *r;
	size_t			 i, n;
	bool			 rodata = false;

	(void)state;
	assert_null(br_vmlinux_open("/nonexistent/vmlinux", 0, err));
	assert_non_null(strstr(err, "/nonexistent/vmlinux"));
	assert_null(br_vmlinux_open("/etc/hostname", 0, err));
	/* A real ELF: this test program. */
	v = br_vmlinux_open("/proc/self/exe", 0, err);
	assert_non_null(v);
	n = br_vmlinux_ranges(v, &r);
	for (i = 0; i < n; i++) {
		assert_false(r[i].exec);
		if (strcmp(r[i].name, ".rodata") == 0)
			rodata = true;
	}
	assert_true(rodata);
	br_vmlinux_free(v);
}

/* The target for the cache: the file's bytes, or a different kernel. */
static size_t
target_read(const char *p, size_t len, bool other, char *out)
{
	uint64_t	a, n, i;
	uint8_t		buf[1024];
	int		k;

	assert_true(p[0] == 'm');
	k = rsp_hex_u64(p + 1, len - 1, &a);
	rsp_hex_u64(p + 2 + k, len - 2 - (size_t)k, &n);
	for (i = 0; i < n; i++)
		buf[i] = (uint8_t)(content(a + i) ^ (other ? 0x20 : 0));
	rsp_hex_encode(out, 4096, buf, (size_t)n);
	return ((size_t)(2 * n));
}

static unsigned
read_via_cache(struct br_cache *c, const char *req, bool other, char *res)
{
	struct br_cache_req	 r;
	char			 reply[4096];
	size_t			 n, rlen;
	unsigned		 wire = 0;
	enum br_cache_verdict	 v;

	v = br_cache_request(c, req, strlen(req), &r, res, RSP_PKT_MAX + 1,
	    &n);
	while (v != BR_CACHE_HIT) {
		assert_true(wire < 16);
		wire++;
		rlen = target_read(v == BR_CACHE_PASS ? req : r.fwd,
		    v == BR_CACHE_PASS ? strlen(req) : r.fwdlen, other, reply);
		v = br_cache_reply(c, &r, req, strlen(req), reply, rlen, res,
		    RSP_PKT_MAX + 1, &n);
	}
	res[n] = '\0';
	return (wire);
}

static void
test_cache_serves_file(void **state)
{
	char			 path[256], err[BR_ERRLEN], req[64];
	char			 res[RSP_PKT_MAX + 1], want[64];
	struct br_vmlinux	*v;
	struct br_cache		*c;
	unsigned		 wire;
	uint8_t			 b[8];
	int			 i;

	(void)state;
	build_elf(path, sizeof path);
	for (i = 0; i < 2; i++) {
		v = br_vmlinux_open(path, 0, err);
		c = br_cache_new(rsp_arch_get(RSP_ARCH_X86_64));
		br_cache_use_vmlinux(c, v);
		snprintf(req, sizeof req, "m%llx,8",
		    (unsigned long long)(RODATA + 0x1800));
		/* First read: the samples go first, then the answer. */
		wire = read_via_cache(c, req, i == 1, res);
		assert_true(wire >= (i == 0 ? br_vmlinux_nsamples(v) : 1));
		for (int k = 0; k < 8; k++)
			b[k] = (uint8_t)(content(RODATA + 0x1800 + k) ^
			    (i == 1 ? 0x20 : 0));
		rsp_hex_encode(want, sizeof want, b, 8);
		want[16] = '\0';
		assert_string_equal(res, want);
		/* Elsewhere in .rodata, never read from the target. */
		snprintf(req, sizeof req, "m%llx,10",
		    (unsigned long long)(PCIFIX + 0x20));
		wire = read_via_cache(c, req, i == 1, res);
		if (i == 0) {
			assert_int_equal(wire, 0);
			assert_true(br_cache_stats(c)->file_bytes >= 16);
		} else {
			/* Mismatch: the wire, and the user is told. */
			assert_true(wire > 0);
			assert_int_equal(br_cache_stats(c)->file_bytes, 0);
			assert_non_null(strstr(br_cache_notice(c),
			    "does not match"));
		}
		/* One notice, counted (cache_fwd.c tells it on the bus). */
		assert_int_equal(br_cache_notices(c), i == 1 ? 1 : 0);
		/* Link loss: compared again before serving. */
		br_cache_invalidate(c, BR_CE_LINK);
		assert_int_equal(br_vmlinux_state(v), BR_VML_UNVERIFIED);
		br_cache_free(c);
		br_vmlinux_free(v);
	}
	unlink(path);
}

static int
print_ranges(const char *path, bool text)
{
	char				 err[BR_ERRLEN];
	struct br_vmlinux		*v;
	const struct br_vml_range	*r;
	size_t				 i, n;

	v = br_vmlinux_open(path, text ? BR_VML_TEXT : 0, err);
	if (v == NULL) {
		fprintf(stderr, "%s\n", err);
		return (1);
	}
	n = br_vmlinux_ranges(v, &r);
	for (i = 0; i < n; i++)
		printf("%#llx %llu %llu %s\n", (unsigned long long)r[i].addr,
		    (unsigned long long)r[i].len,
		    (unsigned long long)r[i].offset, r[i].name);
	br_vmlinux_free(v);
	return (0);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_cache_serves_file),
	};

	if (argc >= 3 && strcmp(argv[1], "--ranges") == 0)
		return (print_ranges(argv[2], argc >= 4 &&
		    strcmp(argv[3], "--text") == 0));
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
