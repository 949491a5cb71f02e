/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/cache_peek.h: what the stop-state cache already holds, read
 * without asking the target (cache.c), for code that must decide at once
 * (gdb_bpguard.c) or reads only what is not held yet (taskregs.c).
 */
#ifndef BRIDGE_CACHE_PEEK_H
#define BRIDGE_CACHE_PEEK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct br_cache;

/* gdb's thread's register idx (in arch->regs) from this stop's 'g'. */
bool	 br_cache_gdb_reg(struct br_cache *c, int idx, uint64_t *v);
/* len bytes at addr from this stop's memory or the vmlinux file. */
bool	 br_cache_peek(struct br_cache *c, uint64_t addr, void *buf,
	    size_t len);
/* len bytes at addr from this stop's memory only (not the file). */
bool	 br_cache_mem_held(struct br_cache *c, uint64_t addr, size_t len,
	    uint8_t *out);

#endif
