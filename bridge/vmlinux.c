/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/vmlinux.c: read-only parts of the kernel image, served from the
 * vmlinux file on the host instead of the serial line.
 *
 * Only bytes the running kernel cannot have changed are candidates: SHF_ALLOC
 * sections that are neither writable nor executable, plus .rodata (which the
 * linker marks writable because the kernel's __ro_after_init data sits in
 * it) minus [__start_ro_after_init, __end_ro_after_init) and the vDSO
 * images (vdso_start..vdso_end and its compat twins: alternatives patch
 * their code at boot on arm64 and riscv64), and minus anything
 * in [__init_begin, __init_end) and .smp_locks (freed after boot, then
 * reused). .text is
 * patched at run time (alternatives, static keys, ftrace, kprobes and kgdb's
 * own int3 breakpoints), so it is served only when the caller asks for it
 * with BR_VML_TEXT after proving it equal (tests/e2e/30-cache.sh).
 *
 * Nothing is served until the file is shown to match the running kernel:
 * br_vmlinux_sample() names a few places (linux_banner first, then spots
 * spread over the served ranges), the caller reads them from the target and
 * hands them to br_vmlinux_check(). One mismatch or failed read and nothing
 * is served until br_vmlinux_reset().
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge/bridge.h"
#include "common/elf.h"

#define VML_MAX_RANGES	64
#define VML_NSAMPLES	6
#define VML_SAMPLE_LEN	64
#define VML_BANNER_MAX	256
#define VML_PAGE	4096

struct br_vmlinux {
	char		*path;
	struct cm_elf	*elf;
	const uint8_t	*map;		/* the file, mapped by elf */
	size_t		 size;
	int		 flags;

	struct br_vml_range ranges[VML_MAX_RANGES];
	size_t		 nranges;
	struct {
		uint64_t lo, hi;
	}		 code[VML_MAX_RANGES];	/* kernel code, init not */
	size_t		 ncode;
	uint64_t	 text_start, text_end;	/* _text, _end */

	struct {
		uint64_t addr;
		size_t	 len;
	}		 samples[VML_NSAMPLES];
	size_t		 nsamples;
	size_t		 checked;		/* samples that matched */
	enum br_vml_state state;
	char		 why[BR_ERRLEN];
};

/* ---- symbols (common/elf.c checks every offset against the file) */

bool
br_vmlinux_symbol(const struct br_vmlinux *v, const char *name,
    uint64_t *addr_out)
{
	struct cm_elf_sym	s;

	if (!cm_elf_sym_find(v->elf, name, &s))
		return (false);
	*addr_out = s.value;
	return (true);
}

bool
br_vmlinux_function(const struct br_vmlinux *v, const char *name,
    uint64_t *addr_out, uint64_t *size_out)
{
	struct cm_elf_sym	s;

	if (!cm_elf_sym_find(v->elf, name, &s) || s.size == 0)
		return (false);
	*addr_out = s.value;
	*size_out = s.size;
	return (true);
}

/* ---- the ranges to serve */

static void
vml_add(struct br_vmlinux *v, uint64_t addr, uint64_t len, uint64_t off,
    const char *name, bool exec)
{
	struct br_vml_range	*r;

	if (len == 0 || v->nranges == VML_MAX_RANGES)
		return;
	r = &v->ranges[v->nranges++];
	r->addr = addr;
	r->len = len;
	r->offset = off;
	snprintf(r->name, sizeof r->name, "%s", name);
	r->exec = exec;
}

/* A part of a section that is not served. */
struct vml_hole {
	uint64_t	lo, hi;
};

/* Add [addr, addr+len) minus the holes (any order, may overlap). */
static void
vml_add_minus(struct br_vmlinux *v, uint64_t addr, uint64_t len,
    uint64_t off, const char *name, bool exec, const struct vml_hole *h,
    size_t nh)
{
	uint64_t	end = addr + len;

	for (; nh > 0; h++, nh--) {
		if (h->hi <= h->lo || h->hi <= addr || h->lo >= end)
			continue;
		if (h->lo > addr)
			vml_add_minus(v, addr, h->lo - addr, off, name, exec,
			    h + 1, nh - 1);
		if (h->hi < end)
			vml_add_minus(v, h->hi, end - h->hi,
			    off + (h->hi - addr), name, exec, h + 1, nh - 1);
		return;
	}
	vml_add(v, addr, len, off, name, exec);
}

/* Which of the file's sections may be served: read-only, in the image. */
static int
vml_sections(struct br_vmlinux *v, char *err)
{
	const struct cm_elf_section	*sh;
	const char			*name;
	/*
	 * Not served inside a section that is: __ro_after_init data, and
	 * the vDSO images the kernel keeps in .rodata, whose code
	 * alternatives patch at boot (arm64, riscv64: seen on arm64/6.12,
	 * one instruction of vdso_start differed from the file).
	 */
	static const char *const holes[][2] = {
		{ "__start_ro_after_init", "__end_ro_after_init" },
		{ "vdso_start", "vdso_end" },
		{ "vdso32_start", "vdso32_end" },
		{ "compat_vdso_start", "compat_vdso_end" },
	};
	struct vml_hole			 h[nitems(holes)];
	uint64_t			 ib = 0, ie = 0;
	size_t				 i, nh = 0;
	bool				 exec, write;

	if (cm_elf_info(v->elf)->shstrndx == SHN_UNDEF) {
		br_seterr(err, "%s: no section names", v->path);
		return (-1);
	}
	(void)br_vmlinux_symbol(v, "__init_begin", &ib);
	(void)br_vmlinux_symbol(v, "__init_end", &ie);
	for (i = 0; i < nitems(holes); i++)
		if (br_vmlinux_symbol(v, holes[i][0], &h[nh].lo) &&
		    br_vmlinux_symbol(v, holes[i][1], &h[nh].hi) &&
		    h[nh].hi > h[nh].lo)
			nh++;
	if (!br_vmlinux_symbol(v, "_text", &v->text_start) ||
	    !br_vmlinux_symbol(v, "_end", &v->text_end))
		v->text_start = v->text_end = 0;

	for (i = 0; (sh = cm_elf_section(v->elf, i)) != NULL; i++) {
		if (!(sh->flags & SHF_ALLOC) || sh->size == 0 ||
		    (sh->type != SHT_PROGBITS && sh->type != SHT_NOTE))
			continue;
		if (sh->addr == 0 || sh->addr + sh->size < sh->addr)
			continue;	/* per-CPU templates, nonsense */
		if (!sh->in_file || (name = sh->name) == NULL)
			continue;
		exec = (sh->flags & SHF_EXECINSTR) != 0;
		write = (sh->flags & SHF_WRITE) != 0;
		/* Freed after boot and reused. */
		if (ie > ib && sh->addr < ie && sh->addr + sh->size > ib)
			continue;
		if (exec && !write && v->ncode < VML_MAX_RANGES) {
			v->code[v->ncode].lo = sh->addr;
			v->code[v->ncode].hi = sh->addr + sh->size;
			v->ncode++;
		}
		if (exec) {
			if (!(v->flags & BR_VML_TEXT) || strcmp(name,
			    ".text") != 0)
				continue;
		} else if (write && strcmp(name, ".rodata") != 0)
			continue;
		/* Freed at boot on one-CPU systems (alternatives.c). */
		if (strcmp(name, ".smp_locks") == 0)
			continue;
		vml_add_minus(v, sh->addr, sh->size, sh->offset, name, exec,
		    h, nh);
	}
	return (0);
}

/* ---- verification samples */

static bool
vml_in_ranges(const struct br_vmlinux *v, uint64_t addr, uint64_t len,
    const struct br_vml_range **r_out)
{
	size_t	i;

	for (i = 0; i < v->nranges; i++) {
		const struct br_vml_range *r = &v->ranges[i];

		if (addr >= r->addr && len <= r->len &&
		    addr - r->addr <= r->len - len) {
			if (r_out != NULL)
				*r_out = r;
			return (true);
		}
	}
	return (false);
}

static void
vml_add_sample(struct br_vmlinux *v, uint64_t addr, size_t len)
{
	uint64_t	room = VML_PAGE - addr % VML_PAGE;

	if (v->nsamples == VML_NSAMPLES)
		return;
	if (len > room)
		len = (size_t)room;
	if (len == 0 || !vml_in_ranges(v, addr, len, NULL))
		return;
	v->samples[v->nsamples].addr = addr;
	v->samples[v->nsamples].len = len;
	v->nsamples++;
}

static void
vml_pick_samples(struct br_vmlinux *v)
{
	const struct br_vml_range	*r;
	const uint8_t			*p;
	uint64_t			 a, total = 0, pos, k;
	size_t				 i, n;

	if (br_vmlinux_symbol(v, "linux_banner", &a) &&
	    vml_in_ranges(v, a, 1, &r)) {
		p = v->map + r->offset + (a - r->addr);
		n = strnlen((const char *)p, r->addr + r->len - a);
		vml_add_sample(v, a, n < VML_BANNER_MAX ? n : VML_BANNER_MAX);
	}
	/* Then spots spread evenly over the served data (not .text). */
	for (i = 0; i < v->nranges; i++)
		if (!v->ranges[i].exec)
			total += v->ranges[i].len;
	for (k = 1; k < VML_NSAMPLES && total > 0; k++) {
		pos = total * k / VML_NSAMPLES;
		for (i = 0; i < v->nranges; i++) {
			r = &v->ranges[i];
			if (r->exec)
				continue;
			if (pos < r->len) {
				a = r->addr + pos;
				n = VML_SAMPLE_LEN;
				if (n > r->len - pos)
					n = (size_t)(r->len - pos);
				vml_add_sample(v, a, n);
				break;
			}
			pos -= r->len;
		}
	}
}

/* ---- public */

struct br_vmlinux *
br_vmlinux_open(const char *path, int flags, char *err)
{
	struct br_vmlinux	*v;
	struct cm_elf		*elf;
	char			 cerr[CM_ELF_ERRLEN];
	int			 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		br_seterr(err, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	/* Either class, either byte order: the bytes served are raw. */
	elf = cm_elf_open_fd(fd, cerr);
	close(fd);
	if (elf == NULL) {
		br_seterr(err, "%s: %s", path, cerr);
		return (NULL);
	}
	v = xcalloc(1, sizeof *v);
	v->path = xstrdup(path);
	v->elf = elf;
	v->map = cm_elf_image(elf, &v->size);
	v->flags = flags;
	if (vml_sections(v, err) != 0) {
		br_vmlinux_free(v);
		return (NULL);
	}
	vml_pick_samples(v);
	br_vmlinux_reset(v);
	return (v);
}

void
br_vmlinux_free(struct br_vmlinux *v)
{
	if (v == NULL)
		return;
	cm_elf_free(v->elf);
	free(v->path);
	free(v);
}

size_t
br_vmlinux_ranges(const struct br_vmlinux *v,
    const struct br_vml_range **ranges_out)
{
	*ranges_out = v->ranges;
	return (v->nranges);
}

bool
br_vmlinux_image(const struct br_vmlinux *v, uint64_t *start_out,
    uint64_t *end_out)
{
	if (v->text_end <= v->text_start)
		return (false);
	*start_out = v->text_start;
	*end_out = v->text_end;
	return (true);
}

int
br_vmlinux_file_read(const struct br_vmlinux *v, uint64_t addr, void *buf,
    size_t len)
{
	const struct br_vml_range	*r;

	if (!vml_in_ranges(v, addr, len, &r))
		return (-1);
	memcpy(buf, v->map + r->offset + (addr - r->addr), len);
	return (0);
}

size_t
br_vmlinux_nsamples(const struct br_vmlinux *v)
{
	return (v->nsamples);
}

bool
br_vmlinux_sample(const struct br_vmlinux *v, size_t i, uint64_t *addr_out,
    size_t *len_out)
{
	if (i >= v->nsamples)
		return (false);
	*addr_out = v->samples[i].addr;
	*len_out = v->samples[i].len;
	return (true);
}

/* Sample i read back from the target: it matches the file, or serving stops. */
void
br_vmlinux_check(struct br_vmlinux *v, size_t i, const void *bytes,
    size_t len)
{
	uint8_t	 want[VML_BANNER_MAX];
	size_t	 k;

	if (v->state != BR_VML_UNVERIFIED || i >= v->nsamples)
		return;
	if (bytes == NULL || len != v->samples[i].len) {
		v->state = BR_VML_MISMATCH;
		snprintf(v->why, sizeof v->why, "vmlinux does not match the "
		    "running kernel: the target could not read %#" PRIx64
		    " (%zu bytes), which %s has; is the kernel relocated "
		    "(KASLR: boot with nokaslr)?", v->samples[i].addr,
		    v->samples[i].len, v->path);
		return;
	}
	(void)br_vmlinux_file_read(v, v->samples[i].addr, want, len);
	if (memcmp(want, bytes, len) != 0) {
		for (k = 0; k < len && want[k] == ((const uint8_t *)bytes)[k];
		    k++)
			;
		v->state = BR_VML_MISMATCH;
		if (i == 0 && v->samples[0].len > 0)
			snprintf(v->why, sizeof v->why, "vmlinux does not "
			    "match the running kernel: linux_banner differs "
			    "(file: \"%.60s\", kernel: \"%.60s\"); nothing "
			    "is served from %s", (const char *)want,
			    (const char *)bytes, v->path);
		else
			snprintf(v->why, sizeof v->why, "vmlinux does not "
			    "match the running kernel: %zu bytes at %#" PRIx64
			    " differ from %s (first at +%zu); nothing is "
			    "served from the file", len, v->samples[i].addr,
			    v->path, k);
		/* Keep the message printable. */
		for (k = 0; v->why[k] != '\0'; k++)
			if ((unsigned char)v->why[k] < 0x20 ||
			    (unsigned char)v->why[k] > 0x7e)
				v->why[k] = '.';
		return;
	}
	if (++v->checked == v->nsamples) {
		v->state = BR_VML_VERIFIED;
		v->why[0] = '\0';
	}
}

enum br_vml_state
br_vmlinux_state(const struct br_vmlinux *v)
{
	return (v->state);
}

const char *
br_vmlinux_why(const struct br_vmlinux *v)
{
	return (v->why);
}

void
br_vmlinux_reset(struct br_vmlinux *v)
{
	v->checked = 0;
	if (v->nsamples == 0) {
		v->state = BR_VML_MISMATCH;
		snprintf(v->why, sizeof v->why, "%s: no read-only sections "
		    "to check against the kernel; nothing is served from it",
		    v->path);
		return;
	}
	v->state = BR_VML_UNVERIFIED;
	snprintf(v->why, sizeof v->why, "not yet compared with the kernel");
}

bool
br_vmlinux_read(const struct br_vmlinux *v, uint64_t addr, void *buf,
    size_t len)
{
	if (v == NULL || v->state != BR_VML_VERIFIED || len == 0)
		return (false);
	return (br_vmlinux_file_read(v, addr, buf, len) == 0);
}

bool
br_vmlinux_code(const struct br_vmlinux *v, uint64_t addr, size_t len)
{
	size_t	i;

	if (v == NULL || len == 0 || addr + len < addr ||
	    v->state != BR_VML_VERIFIED)
		return (false);
	for (i = 0; i < v->ncode; i++)
		if (addr >= v->code[i].lo && addr + len <= v->code[i].hi)
			return (true);
	return (false);
}

bool
br_vmlinux_covers(const struct br_vmlinux *v, uint64_t addr, size_t len)
{
	return (v != NULL && len > 0 && vml_in_ranges(v, addr, len, NULL));
}
