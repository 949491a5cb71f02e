/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/vmlinux.h: the --vmlinux file (bridge/vmlinux.c): its symbols,
 * the read-only parts the cache may serve once a comparison with the
 * running kernel has passed, and where the kernel's code lies.
 */
#ifndef BRIDGE_VMLINUX_H
#define BRIDGE_VMLINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* bridge/vmlinux.c: read-only sections of the --vmlinux ELF, served only
 * after a sample comparison with the running kernel. */
#define BR_VML_TEXT	0x1	/* also serve .text (only once proven equal) */
struct br_vml_range {
	uint64_t	 addr, len;	/* link-time address range */
	uint64_t	 offset;	/* where its bytes are in the file */
	char		 name[32];	/* section */
	bool		 exec;
};
enum br_vml_state {
	BR_VML_UNVERIFIED,	/* samples not yet compared */
	BR_VML_VERIFIED,	/* every sample matched: serving */
	BR_VML_MISMATCH,	/* serving nothing (br_vmlinux_why says why) */
};
struct br_vmlinux;
struct br_vmlinux *br_vmlinux_open(const char *path, int flags, char *err);
void		 br_vmlinux_free(struct br_vmlinux *v);
/* The ranges it would serve (valid while v lives). */
size_t		 br_vmlinux_ranges(const struct br_vmlinux *v,
		    const struct br_vml_range **ranges_out);
bool		 br_vmlinux_symbol(const struct br_vmlinux *v,
		    const char *name, uint64_t *addr_out);
/* A symbol with its size (a function); false if missing or sizeless. */
bool		 br_vmlinux_function(const struct br_vmlinux *v,
		    const char *name, uint64_t *addr_out, uint64_t *size_out);
/* _text.._end, the kernel image; false if the symbols are missing. */
bool		 br_vmlinux_image(const struct br_vmlinux *v,
		    uint64_t *start_out, uint64_t *end_out);
/* The file's bytes for [addr, addr+len) inside one served range, whatever
 * the verification state; -1 if not inside one. */
int		 br_vmlinux_file_read(const struct br_vmlinux *v,
		    uint64_t addr, void *buf, size_t len);
bool		 br_vmlinux_covers(const struct br_vmlinux *v, uint64_t addr,
		    size_t len);
/* Verification: read sample i (addr, len: within one page, at most 256
 * bytes) from the target and hand the bytes (NULL if the read failed) to
 * br_vmlinux_check. Verified once every sample matched. */
size_t		 br_vmlinux_nsamples(const struct br_vmlinux *v);
bool		 br_vmlinux_sample(const struct br_vmlinux *v, size_t i,
		    uint64_t *addr_out, size_t *len_out);
void		 br_vmlinux_check(struct br_vmlinux *v, size_t i,
		    const void *bytes, size_t len);
enum br_vml_state br_vmlinux_state(const struct br_vmlinux *v);
/* Why nothing is served ("vmlinux does not match the running kernel: …"),
 * or "" when verified. */
const char	*br_vmlinux_why(const struct br_vmlinux *v);
/* Unverified again (the link went down: maybe another kernel now). */
void		 br_vmlinux_reset(struct br_vmlinux *v);
/* Whether [addr, addr+len) is kernel code by the file (an executable,
 * read-only section outside init), once the file is verified: bytes that
 * change only while the kernel runs (text patching) or under a breakpoint
 * kgdb plants while it runs, so one step of an instruction that writes no
 * memory leaves them as they were read. */
bool		 br_vmlinux_code(const struct br_vmlinux *v, uint64_t addr,
		    size_t len);
/* Fill buf from the file if verified and inside one served range. */
bool		 br_vmlinux_read(const struct br_vmlinux *v, uint64_t addr,
		    void *buf, size_t len);

#endif /* BRIDGE_VMLINUX_H */
