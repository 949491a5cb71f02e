/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/dwarf.c: structure layouts from DWARF (common/dwarf.h).
 *
 * libdw decodes; this file asks it the smallest questions and checks the
 * answers. A lookup walks the top-level DIEs of each unit (dwarf_child,
 * then dwarf_siblingof, which skips a DIE's children through its sibling
 * link), so a miss costs one pass over the unit headers and top-level
 * DIEs of .debug_info, never a full parse. The unit that answered last is
 * asked first: the printk structs all sit in the same few units.
 *
 * Every chain through the type graph (typedefs, qualifiers, pointers,
 * nested members) is bounded, so a file whose types point in a circle
 * ends in an error, not a loop. Every offset and size returned lies inside
 * the outermost struct's size.
 */
#include <sys/stat.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/dwarf.h"

#define DW_CHAIN_MAX	32	/* typedefs and qualifiers in a row */
#define DW_NEST_MAX	8	/* anonymous members inside each other */
#define DW_SIZE_MAX	(UINT64_C(1) << 32)	/* no kernel struct is larger */

struct cm_dwarf {
	int		 fd;		/* -1 for an image in memory */
	char		*image;		/* the copy, for cm_dwarf_open_mem */
	Elf		*elf;
	Dwarf		*dw;
	unsigned	 bits;
	bool		 big_endian;
	Dwarf_Die	 hint;		/* the unit of the last answer */
	bool		 have_hint;
};

static void __attribute__((format(printf, 2, 3)))
dw_err(char *err, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err, CM_DWARF_ERRLEN, fmt, ap);
	va_end(ap);
}

/* Whether a section named .debug_info (or compressed .zdebug_info) with
 * bytes in the file is there. */
static bool
dw_has_info(Elf *elf)
{
	Elf_Scn		*scn = NULL;
	GElf_Shdr	 sh;
	const char	*n;
	size_t		 shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return (false);
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type == SHT_NOBITS ||
		    sh.sh_size == 0 ||
		    (n = elf_strptr(elf, shstrndx, sh.sh_name)) == NULL)
			continue;
		if (strcmp(n, ".debug_info") == 0 ||
		    strcmp(n, ".zdebug_info") == 0)
			return (true);
	}
	return (false);
}

/* Both constructors end here: ELF checks, then the DWARF. */
static struct cm_dwarf *
dw_start(struct cm_dwarf *d, const char *what, char *err)
{
	const char	*id;
	size_t		 n;

	if (d->elf == NULL || elf_kind(d->elf) != ELF_K_ELF) {
		dw_err(err, "%s: not an ELF file", what);
		goto fail;
	}
	if ((id = elf_getident(d->elf, &n)) == NULL || n < EI_NIDENT ||
	    (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64) ||
	    (id[EI_DATA] != ELFDATA2LSB && id[EI_DATA] != ELFDATA2MSB)) {
		dw_err(err, "%s: bad ELF header", what);
		goto fail;
	}
	d->bits = id[EI_CLASS] == ELFCLASS64 ? 64 : 32;
	d->big_endian = id[EI_DATA] == ELFDATA2MSB;
	if (!dw_has_info(d->elf)) {
		dw_err(err, "%s: no debug info (no DWARF: build the kernel "
		    "with CONFIG_DEBUG_INFO)", what);
		goto fail;
	}
	if ((d->dw = dwarf_begin_elf(d->elf, DWARF_C_READ, NULL)) == NULL) {
		dw_err(err, "%s: bad debug info: %s", what, dwarf_errmsg(-1));
		goto fail;
	}
	return (d);
fail:
	cm_dwarf_free(d);
	return (NULL);
}

static struct cm_dwarf *
dw_new(void)
{
	struct cm_dwarf	*d;

	if ((d = calloc(1, sizeof *d)) == NULL)
		return (NULL);
	d->fd = -1;
	return (d);
}

struct cm_dwarf *
cm_dwarf_open(const char *path, char *err)
{
	struct cm_dwarf	*d;
	struct stat	 sb;

	if ((d = dw_new()) == NULL) {
		dw_err(err, "out of memory");
		return (NULL);
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		dw_err(err, "libelf: %s", elf_errmsg(-1));
		goto fail;
	}
	if ((d->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		dw_err(err, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(d->fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		dw_err(err, "%s: not a regular file", path);
		goto fail;
	}
	d->elf = elf_begin(d->fd, ELF_C_READ_MMAP, NULL);
	return (dw_start(d, path, err));
fail:
	cm_dwarf_free(d);
	return (NULL);
}

struct cm_dwarf *
cm_dwarf_open_mem(const void *buf, size_t len, char *err)
{
	struct cm_dwarf	*d;

	if ((d = dw_new()) == NULL || (d->image = malloc(len + 1)) == NULL) {
		free(d);
		dw_err(err, "out of memory");
		return (NULL);
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		dw_err(err, "libelf: %s", elf_errmsg(-1));
		cm_dwarf_free(d);
		return (NULL);
	}
	if (len > 0)
		memcpy(d->image, buf, len);
	d->elf = elf_memory(d->image, len);
	return (dw_start(d, "image", err));
}

void
cm_dwarf_free(struct cm_dwarf *d)
{
	if (d == NULL)
		return;
	if (d->dw != NULL)
		dwarf_end(d->dw);
	if (d->elf != NULL)
		elf_end(d->elf);
	if (d->fd != -1)
		close(d->fd);
	free(d->image);
	free(d);
}

unsigned
cm_dwarf_bits(const struct cm_dwarf *d)
{
	return (d->bits);
}

bool
cm_dwarf_big_endian(const struct cm_dwarf *d)
{
	return (d->big_endian);
}

/* ---- finding a top-level DIE */

typedef bool	dw_match_fn(Dwarf_Die *die);

static bool
dw_is_struct(Dwarf_Die *die)
{
	int	tag = dwarf_tag(die);

	return ((tag == DW_TAG_structure_type || tag == DW_TAG_union_type) &&
	    !dwarf_hasattr(die, DW_AT_declaration) &&
	    dwarf_hasattr(die, DW_AT_byte_size));
}

static bool
dw_is_var(Dwarf_Die *die)
{
	return (dwarf_tag(die) == DW_TAG_variable &&
	    dwarf_hasattr(die, DW_AT_location));
}

static bool
dw_is_enum(Dwarf_Die *die)
{
	return (dwarf_tag(die) == DW_TAG_enumeration_type &&
	    !dwarf_hasattr(die, DW_AT_declaration));
}

static bool
dw_is_base(Dwarf_Die *die)
{
	return (dwarf_tag(die) == DW_TAG_base_type);
}

/* A top-level DIE of unit cu named name that match accepts. */
static bool
dw_find_in(Dwarf_Die *cu, const char *name, dw_match_fn *match,
    Dwarf_Die *out)
{
	Dwarf_Die	 die;
	const char	*n;

	if (dwarf_child(cu, &die) != 0)
		return (false);
	do {
		if ((n = dwarf_diename(&die)) != NULL && strcmp(n, name) == 0 &&
		    match(&die)) {
			*out = die;
			return (true);
		}
	} while (dwarf_siblingof(&die, &die) == 0);
	return (false);
}

/* 0 found, 1 not found, -1 bad DWARF (err filled). */
static int
dw_find(struct cm_dwarf *d, const char *name, dw_match_fn *match,
    Dwarf_Die *out, char *err)
{
	Dwarf_CU	*cu = NULL;
	Dwarf_Die	 cudie;
	Dwarf_Half	 version;
	uint8_t		 type;
	int		 rc;

	if (d->have_hint && dw_find_in(&d->hint, name, match, out))
		return (0);
	while ((rc = dwarf_get_units(d->dw, cu, &cu, &version, &type, &cudie,
	    NULL)) == 0) {
		if (type != DW_UT_compile && type != DW_UT_partial)
			continue;
		if (dw_find_in(&cudie, name, match, out)) {
			d->hint = cudie;
			d->have_hint = true;
			return (0);
		}
	}
	if (rc < 0) {
		dw_err(err, "bad debug info: %s", dwarf_errmsg(-1));
		return (-1);
	}
	return (1);
}

/* Past typedefs and qualifiers to the type itself; false on a bad or
 * endless chain. */
static bool
dw_peel(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute	 a;
	Dwarf_Die	 t = *die;
	int		 i, tag;

	for (i = 0; i < DW_CHAIN_MAX; i++) {
		tag = dwarf_tag(&t);
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type &&
		    tag != DW_TAG_restrict_type && tag != DW_TAG_atomic_type) {
			*out = t;
			return (true);
		}
		if (dwarf_attr(&t, DW_AT_type, &a) == NULL ||
		    dwarf_formref_die(&a, &t) == NULL)
			return (false);
	}
	return (false);
}

/* The DIE's DW_AT_type; false if it has none. */
static bool
dw_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute	 a;

	return (dwarf_attr_integrate(die, DW_AT_type, &a) != NULL &&
	    dwarf_formref_die(&a, out) != NULL);
}

static bool
dw_size(Dwarf_Die *type, uint64_t *out)
{
	Dwarf_Word	sz;

	if (dwarf_aggregate_size(type, &sz) != 0 || sz > DW_SIZE_MAX)
		return (false);
	*out = sz;
	return (true);
}

static int
dw_struct(struct cm_dwarf *d, const char *name, Dwarf_Die *out,
    uint64_t *size_out, char *err)
{
	int	rc;

	if ((rc = dw_find(d, name, dw_is_struct, out, err)) < 0)
		return (-1);
	if (rc > 0) {
		dw_err(err, "no struct %s in the debug info", name);
		return (-1);
	}
	if (!dw_size(out, size_out)) {
		dw_err(err, "struct %s: bad size", name);
		return (-1);
	}
	return (0);
}

int
cm_dwarf_struct_size(struct cm_dwarf *d, const char *name,
    uint64_t *size_out, char *err)
{
	Dwarf_Die	die;

	return (dw_struct(d, name, &die, size_out, err));
}

/* ---- members */

/* DW_AT_data_member_location as a constant (or DW_OP_plus_uconst). */
static bool
dw_member_loc(Dwarf_Die *m, uint64_t *out)
{
	Dwarf_Attribute	 a;
	Dwarf_Word	 w;
	Dwarf_Op	*ops;
	size_t		 nops;

	if (dwarf_attr(m, DW_AT_data_member_location, &a) == NULL) {
		*out = 0;	/* a union's members */
		return (true);
	}
	if (dwarf_formudata(&a, &w) == 0) {
		*out = w;
		return (true);
	}
	if (dwarf_getlocation(&a, &ops, &nops) == 0 && nops == 1 &&
	    ops[0].atom == DW_OP_plus_uconst) {
		*out = ops[0].number;
		return (true);
	}
	return (false);
}

static bool
dw_udata(Dwarf_Die *die, unsigned int name, uint64_t *out)
{
	Dwarf_Attribute	 a;
	Dwarf_Word	 w;

	if (dwarf_attr(die, name, &a) == NULL || dwarf_formudata(&a, &w) != 0)
		return (false);
	*out = w;
	return (true);
}

/*
 * Member one (a name, not a path) of struct/union type, searching
 * anonymous members inside it too. out->offset is relative to type;
 * the member's own type goes to mtype. 0 found, 1 not, -1 bad DWARF.
 */
static int
dw_member_one(struct cm_dwarf *d, Dwarf_Die *type, const char *one,
    int depth, struct cm_dwarf_member *out, Dwarf_Die *mtype)
{
	Dwarf_Die	 m, t;
	const char	*n;
	uint64_t	 loc, bsz, bits, boff;
	int		 rc;

	if (depth > DW_NEST_MAX || dwarf_child(type, &m) != 0)
		return (1);
	do {
		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		n = dwarf_diename(&m);
		if (!dw_type(&m, &t) || !dw_peel(&t, &t))
			return (-1);
		if (!dw_member_loc(&m, &loc))
			return (-1);
		if (n == NULL) {
			/* An anonymous struct or union: look inside. */
			if (dwarf_tag(&t) != DW_TAG_structure_type &&
			    dwarf_tag(&t) != DW_TAG_union_type)
				continue;
			rc = dw_member_one(d, &t, one, depth + 1, out, mtype);
			if (rc != 1) {
				if (rc == 0)
					out->offset += loc;
				return (rc);
			}
			continue;
		}
		if (strcmp(n, one) != 0)
			continue;
		*mtype = t;
		memset(out, 0, sizeof *out);
		if (!dw_size(&t, &out->size))
			return (-1);
		out->offset = loc;
		if (!dw_udata(&m, DW_AT_bit_size, &bits))
			return (0);
		/* A bit field: make its first bit's position absolute. */
		if (d->big_endian || bits == 0 || bits > 64)
			return (-1);
		if (dw_udata(&m, DW_AT_data_bit_offset, &boff))
			;
		else if (dw_udata(&m, DW_AT_bit_offset, &boff)) {
			/* DWARF 2/3: counted from the high end of the
			 * storage unit (little-endian targets only). */
			if (!dw_udata(&m, DW_AT_byte_size, &bsz))
				bsz = out->size;
			if (bsz > 8 || boff + bits > bsz * 8)
				return (-1);
			boff = loc * 8 + bsz * 8 - boff - bits;
		} else
			return (-1);
		out->offset = boff / 8;
		out->bit_offset = (unsigned)(boff % 8);
		out->bit_size = (unsigned)bits;
		out->size = (out->bit_offset + bits + 7) / 8;
		return (0);
	} while ((rc = dwarf_siblingof(&m, &m)) == 0);
	return (rc < 0 ? -1 : 1);
}

/* Walk the path one member at a time, adding offsets; each step must be
 * inside the outermost struct, and only the last may be a bit field. */
int
cm_dwarf_member(struct cm_dwarf *d, const char *name, const char *path,
    struct cm_dwarf_member *out, char *err)
{
	Dwarf_Die		 type, mtype;
	struct cm_dwarf_member	 m;
	uint64_t		 ssize, off = 0;
	char			 one[128];
	const char		*p = path, *dot;
	size_t			 n;
	int			 i, rc;

	if (dw_struct(d, name, &type, &ssize, err) != 0)
		return (-1);
	for (i = 0; ; i++) {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n == 0 || n >= sizeof one || i == CM_DWARF_PATH_MAX) {
			dw_err(err, "struct %s: bad member path %s", name,
			    path);
			return (-1);
		}
		memcpy(one, p, n);
		one[n] = '\0';
		if (dwarf_tag(&type) != DW_TAG_structure_type &&
		    dwarf_tag(&type) != DW_TAG_union_type)
			rc = 1;
		else
			rc = dw_member_one(d, &type, one, 0, &m, &mtype);
		if (rc < 0) {
			dw_err(err, "struct %s: bad debug info for member %s",
			    name, path);
			return (-1);
		}
		if (rc > 0) {
			dw_err(err, "struct %s has no member %s", name, path);
			return (-1);
		}
		if (m.offset > ssize - off) {
			dw_err(err, "struct %s: member %s lies outside it",
			    name, path);
			return (-1);
		}
		off += m.offset;
		if (dot == NULL)
			break;
		if (m.bit_size > 0) {
			dw_err(err, "struct %s: %.*s is a bit field", name,
			    (int)(dot - path), path);
			return (-1);
		}
		type = mtype;
		p = dot + 1;
	}
	if (m.size > ssize - off) {
		dw_err(err, "struct %s: member %s lies outside it", name,
		    path);
		return (-1);
	}
	*out = m;
	out->offset = off;
	return (0);
}

int
cm_dwarf_base_size(struct cm_dwarf *d, const char *name, uint64_t *size_out,
    char *err)
{
	Dwarf_Die	die;
	int		rc;

	if ((rc = dw_find(d, name, dw_is_base, &die, err)) < 0)
		return (-1);
	if (rc > 0) {
		dw_err(err, "no base type %s in the debug info", name);
		return (-1);
	}
	if (!dw_size(&die, size_out) || *size_out == 0 || *size_out > 16) {
		dw_err(err, "base type %s: bad size", name);
		return (-1);
	}
	return (0);
}

/* ---- variables */

/* The C name of a type into buf at *len; false if it does not fit or
 * the chain is bad. */
static bool
dw_type_name(Dwarf_Die *type, bool has, char *buf, size_t max, int depth)
{
	Dwarf_Die	 t;
	const char	*n, *kw = "";
	size_t		 len;
	int		 tag;

	if (depth > DW_CHAIN_MAX)
		return (false);
	if (!has)
		return ((size_t)snprintf(buf, max, "void") < max);
	tag = dwarf_tag(type);
	n = dwarf_diename(type);
	switch (tag) {
	case DW_TAG_pointer_type:
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_array_type:
		if (!dw_type_name(&t, dw_type(type, &t), buf, max, depth + 1))
			return (false);
		len = strlen(buf);
		n = tag == DW_TAG_pointer_type ? " *" :
		    tag == DW_TAG_const_type ? " const" :
		    tag == DW_TAG_volatile_type ? " volatile" : "[]";
		return ((size_t)snprintf(buf + len, max - len, "%s", n) <
		    max - len);
	case DW_TAG_structure_type:
		kw = "struct ";
		break;
	case DW_TAG_union_type:
		kw = "union ";
		break;
	case DW_TAG_enumeration_type:
		kw = "enum ";
		break;
	}
	return ((size_t)snprintf(buf, max, "%s%s", kw, n != NULL ? n :
	    "(anonymous)") < max);
}

int
cm_dwarf_var(struct cm_dwarf *d, const char *name, struct cm_dwarf_var *out,
    char *err)
{
	Dwarf_Attribute	 a;
	Dwarf_Die	 die, type;
	Dwarf_Op	*ops;
	size_t		 nops;
	int		 rc;

	if ((rc = dw_find(d, name, dw_is_var, &die, err)) < 0)
		return (-1);
	if (rc > 0) {
		dw_err(err, "no variable %s in the debug info", name);
		return (-1);
	}
	memset(out, 0, sizeof *out);
	if (dwarf_attr(&die, DW_AT_location, &a) == NULL ||
	    dwarf_getlocation(&a, &ops, &nops) != 0 || nops != 1 ||
	    ops[0].atom != DW_OP_addr) {
		dw_err(err, "variable %s has no fixed address", name);
		return (-1);
	}
	out->addr = ops[0].number;
	if (!dw_type(&die, &type) || !dw_size(&type, &out->size) ||
	    !dw_type_name(&type, true, out->type, sizeof out->type, 0)) {
		dw_err(err, "variable %s: bad type", name);
		return (-1);
	}
	return (0);
}

/* ---- enumerators */

int
cm_dwarf_enum(struct cm_dwarf *d, const char *name, const char *value,
    int64_t *out, char *err)
{
	Dwarf_Attribute	 a;
	Dwarf_Die	 die, e;
	Dwarf_Sword	 v;
	const char	*n;
	int		 rc;

	if ((rc = dw_find(d, name, dw_is_enum, &die, err)) < 0)
		return (-1);
	if (rc > 0) {
		dw_err(err, "no enum %s in the debug info", name);
		return (-1);
	}
	if (dwarf_child(&die, &e) == 0) {
		do {
			if (dwarf_tag(&e) != DW_TAG_enumerator ||
			    (n = dwarf_diename(&e)) == NULL ||
			    strcmp(n, value) != 0)
				continue;
			if (dwarf_attr(&e, DW_AT_const_value, &a) == NULL ||
			    dwarf_formsdata(&a, &v) != 0) {
				dw_err(err, "enum %s: %s has no value", name,
				    value);
				return (-1);
			}
			*out = v;
			return (0);
		} while (dwarf_siblingof(&e, &e) == 0);
	}
	dw_err(err, "enum %s has no value %s", name, value);
	return (-1);
}
