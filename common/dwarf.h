/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/dwarf.h: kernel structure layouts from a vmlinux's DWARF (issue
 * 14: no kernel-version constants), through elfutils' libdw.
 *
 * A few questions, nothing more: how big is struct NAME; where is member
 * PATH of struct NAME ("desc_ring.count_bits": nested members through
 * struct members, anonymous struct and union members searched as if
 * their members were the outer struct's); where is variable NAME and what
 * is its type; what is the value of an enumerator; how big is a base
 * type. Answers come from the first complete definition found in
 * the unit order of .debug_info (a kernel is one build: every unit that
 * defines a struct defines the same one).
 *
 * The file is the user's and hostile: libdw checks the DWARF it decodes,
 * and this code bounds every chain it follows (typedefs, nesting) and
 * every size it returns. Layer 0: it reads the one file given and does no
 * other I/O.
 *
 * Errors: calls return -1 (or NULL) and fill a caller-owned
 * char err[CM_DWARF_ERRLEN] naming what is missing: "no debug info" when
 * the file has no DWARF, else the struct, member or variable not found.
 */
#ifndef COMMON_DWARF_H
#define COMMON_DWARF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CM_DWARF_ERRLEN		256
#define CM_DWARF_TYPE_MAX	128	/* longest type name written */
#define CM_DWARF_PATH_MAX	8	/* members in one path */

/* A member: bytes [offset, offset + size) of the struct. A bit field
 * (bit_size > 0) is bits [bit_offset, bit_offset + bit_size) counted from
 * the least significant bit of the little-endian value at offset; size
 * is then the bytes that hold them. */
struct cm_dwarf_member {
	uint64_t	 offset;
	uint64_t	 size;
	unsigned	 bit_offset, bit_size;
};

/* A variable with a fixed address. type is its C type as written
 * ("struct printk_ringbuffer *"), size its size in bytes. */
struct cm_dwarf_var {
	uint64_t	 addr;
	uint64_t	 size;
	char		 type[CM_DWARF_TYPE_MAX];
};

struct cm_dwarf;

/* common/dwarf.c */
struct cm_dwarf	*cm_dwarf_open(const char *path, char *err);
/* The same from an image in memory (copied; tests and fuzzing). */
struct cm_dwarf	*cm_dwarf_open_mem(const void *buf, size_t len, char *err);
void		 cm_dwarf_free(struct cm_dwarf *d);

/* From the ELF header: 32 or 64, and the byte order. */
unsigned	 cm_dwarf_bits(const struct cm_dwarf *d);
bool		 cm_dwarf_big_endian(const struct cm_dwarf *d);

int		 cm_dwarf_struct_size(struct cm_dwarf *d, const char *name,
		     uint64_t *size_out, char *err);
int		 cm_dwarf_member(struct cm_dwarf *d, const char *name,
		     const char *path, struct cm_dwarf_member *out, char *err);
/* The size of a base type ("long unsigned int", as the compiler names
 * it). */
int		 cm_dwarf_base_size(struct cm_dwarf *d, const char *name,
		     uint64_t *size_out, char *err);
int		 cm_dwarf_var(struct cm_dwarf *d, const char *name,
		     struct cm_dwarf_var *out, char *err);
/* The value of enumerator value of enum name ("desc_state",
 * "desc_finalized"). */
int		 cm_dwarf_enum(struct cm_dwarf *d, const char *name,
		     const char *value, int64_t *out, char *err);

#endif /* COMMON_DWARF_H */
