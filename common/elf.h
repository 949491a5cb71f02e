/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/elf.h: one ELF reader for both programs (the daemon's machine
 * sniffing and vmlinux ranges, the TUI's symbol table).
 *
 * Pure C11 and libc: no libevent, no ncurses, no globals. The file is
 * hostile: every offset, size and count it gives is checked against the
 * file's size before use, all arithmetic on them is overflow-checked, and
 * every field is decoded byte by byte in the file's byte order, so 32- and
 * 64-bit, little- and big-endian files read alike on any host and nothing
 * is ever read unaligned.
 *
 * A struct cm_elf is a view of one image: a caller's buffer
 * (cm_elf_open_mem, borrowed: it must outlive the view) or a regular file
 * mapped read-only from a descriptor (cm_elf_open_fd; the descriptor may
 * be closed afterwards, the mapping lives until cm_elf_free). Pointers it
 * hands out (names, section bytes) point into the image and live as long
 * as the view.
 *
 * Errors: constructors return NULL and fill a caller-owned
 * char err[CM_ELF_ERRLEN]; lookups return false or NULL.
 *
 * What sits next to this: a DWARF reader (struct layouts, issues 14/16)
 * takes the same view, finds ".debug_info", ".debug_abbrev", ".debug_str"
 * … with cm_elf_section_by_name() and reads their bytes (or hands the same
 * descriptor to libdw); cm_elf_get16/32/64 decode in the file's order.
 */
#ifndef COMMON_ELF_H
#define COMMON_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* n (at most 8) bytes at p, little-endian: a word read out of a kernel's
 * memory or file. */
static inline uint64_t
cm_le(const uint8_t *p, size_t n)
{
	uint64_t	v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return (v);
}

#define CM_ELF_ERRLEN	256

/* The ELF header: enough to choose a register layout. */
struct cm_elf_info {
	unsigned	 bits;		/* 32 or 64 (EI_CLASS) */
	bool		 big_endian;	/* EI_DATA */
	uint8_t		 osabi;
	uint16_t	 type;		/* ET_EXEC, ET_REL, … */
	uint16_t	 machine;	/* EM_X86_64, … */
	uint32_t	 flags;		/* e_flags */
	uint64_t	 entry;
	uint64_t	 shoff;
	uint32_t	 shnum;		/* after the extended-numbering escape */
	uint32_t	 shstrndx;	/* likewise; 0: no section names */
};

/* A section header, decoded. */
struct cm_elf_section {
	const char	*name;		/* NULL: none, or not inside .shstrtab */
	uint32_t	 index;
	uint32_t	 type;		/* SHT_* */
	uint64_t	 flags;		/* SHF_* */
	uint64_t	 addr;
	uint64_t	 offset, size;
	uint32_t	 link, info;
	uint64_t	 align, entsize;
	bool		 in_file;	/* [offset, offset+size) inside the
					 * file; false for SHT_NOBITS */
};

/* A symbol, decoded. */
struct cm_elf_sym {
	const char	*name;		/* NULL: no name, or not NUL-terminated
					 * inside its string table */
	uint32_t	 name_off;	/* st_name */
	uint64_t	 value, size;
	uint8_t		 type, bind;	/* STT_*, STB_* */
	uint8_t		 other;
	uint32_t	 shndx;		/* SHN_XINDEX resolved when the file
					 * has the SHT_SYMTAB_SHNDX table */
};

struct cm_elf;

/* common/elf.c */

/*
 * The ELF header alone, from the first len bytes of a file (at least the
 * header's size: 52 bytes for 32-bit, 64 for 64-bit). Section headers are
 * not looked at, so a file cut after its header still names its machine.
 */
int		 cm_elf_ident(const void *buf, size_t len,
		     struct cm_elf_info *info_out, char *err);

struct cm_elf	*cm_elf_open_mem(const void *buf, size_t len, char *err);
struct cm_elf	*cm_elf_open_fd(int fd, char *err);
void		 cm_elf_free(struct cm_elf *e);

const struct cm_elf_info *cm_elf_info(const struct cm_elf *e);
/* The whole image; bytes at [off, off+len) or NULL if not all inside. */
const uint8_t	*cm_elf_image(const struct cm_elf *e, size_t *len_out);
const uint8_t	*cm_elf_bytes(const struct cm_elf *e, uint64_t off,
		     uint64_t len);

size_t		 cm_elf_nsections(const struct cm_elf *e);
const struct cm_elf_section *cm_elf_section(const struct cm_elf *e,
		     size_t i);
/* The first section of that name, or NULL. */
const struct cm_elf_section *cm_elf_section_by_name(const struct cm_elf *e,
		     const char *name);
/* A section's bytes (NULL if it has none in the file). */
const uint8_t	*cm_elf_section_bytes(const struct cm_elf *e,
		     const struct cm_elf_section *s);

/*
 * The symbol table: the first SHT_SYMTAB section whose entries and string
 * table lie inside the file. cm_elf_nsyms() is 0 without one, and
 * cm_elf_symtab_why() then says why ("no .symtab (stripped?)", …); it is
 * NULL when the table is usable. Entry 0 is the null symbol.
 */
size_t		 cm_elf_nsyms(const struct cm_elf *e);
const char	*cm_elf_symtab_why(const struct cm_elf *e);
const struct cm_elf_section *cm_elf_symtab(const struct cm_elf *e);
const struct cm_elf_section *cm_elf_strtab(const struct cm_elf *e);
bool		 cm_elf_sym(const struct cm_elf *e, size_t i,
		     struct cm_elf_sym *sym_out);
/* The first defined (not SHN_UNDEF) symbol of that name. */
bool		 cm_elf_sym_find(const struct cm_elf *e, const char *name,
		     struct cm_elf_sym *sym_out);

/* Fixed-width fields in the file's byte order, at p (no alignment). */
uint16_t	 cm_elf_get16(const struct cm_elf *e, const uint8_t *p);
uint32_t	 cm_elf_get32(const struct cm_elf *e, const uint8_t *p);
uint64_t	 cm_elf_get64(const struct cm_elf *e, const uint8_t *p);

#endif /* COMMON_ELF_H */
