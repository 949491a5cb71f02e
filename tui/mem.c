/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/mem.c: what the TUI has read of a stopped target's memory.
 *
 * The printk walk (printk.c) wants its memory at once, through a
 * callback; the wire gives it a round trip later. So the walk runs on
 * this snapshot: a read it holds succeeds, the first one it lacks fails
 * and is remembered. The caller fetches that range through the bridge,
 * adds it, and runs the walk again; every read before the miss is then
 * free. A new stop (memory may have changed) clears the snapshot.
 */
#include "tui/tui.h"

#define MEM_CHUNKS_MAX	4096
#define MEM_BYTES_MAX	(1024 * 1024)

struct mem_chunk {
	uint64_t	 addr;
	size_t		 len;
	uint8_t		*data;		/* NULL: the target refused it */
};

struct tui_mem {
	struct mem_chunk chunks[MEM_CHUNKS_MAX];
	size_t		 n, bytes;
	bool		 missed;
	uint64_t	 miss_addr;
	size_t		 miss_len;
};

struct tui_mem *
tui_mem_new(void)
{
	return (tui_xcalloc(1, sizeof (struct tui_mem)));
}

void
tui_mem_clear(struct tui_mem *m)
{
	size_t	i;

	for (i = 0; i < m->n; i++)
		free(m->chunks[i].data);
	m->n = m->bytes = 0;
	m->missed = false;
}

void
tui_mem_free(struct tui_mem *m)
{
	if (m == NULL)
		return;
	tui_mem_clear(m);
	free(m);
}

void
tui_mem_put(struct tui_mem *m, uint64_t addr, const void *buf, size_t len)
{
	struct mem_chunk	*c;

	if (len == 0 || len > MEM_BYTES_MAX)
		return;
	if (m->n == MEM_CHUNKS_MAX || m->bytes + len > MEM_BYTES_MAX)
		tui_mem_clear(m);	/* start over rather than grow */
	c = &m->chunks[m->n++];
	c->addr = addr;
	c->len = len;
	c->data = tui_xcalloc(1, len);
	memcpy(c->data, buf, len);
	m->bytes += len;
}

void
tui_mem_put_bad(struct tui_mem *m, uint64_t addr, size_t len)
{
	struct mem_chunk	*c;

	if (len == 0 || len > MEM_BYTES_MAX)
		return;
	if (m->n == MEM_CHUNKS_MAX)
		tui_mem_clear(m);
	c = &m->chunks[m->n++];
	c->addr = addr;
	c->len = len;
	c->data = NULL;
}

/* Whether [addr, addr + len) touches a refused range. */
static bool
mem_bad(const struct tui_mem *m, uint64_t addr, size_t len)
{
	const struct mem_chunk	*c;
	size_t			 i;

	for (i = 0; i < m->n; i++) {
		c = &m->chunks[i];
		if (c->data == NULL && addr < c->addr + c->len &&
		    c->addr < addr + len)
			return (true);
	}
	return (false);
}

int
tui_mem_read3(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct tui_mem	*m = arg;

	if (tui_mem_get(m, addr, buf, len))
		return (0);
	if (mem_bad(m, addr, len))
		return (-1);
	if (!m->missed) {
		m->missed = true;
		m->miss_addr = addr;
		m->miss_len = len;
	}
	return (TUI_MEM_WAIT);
}

bool
tui_mem_get(const struct tui_mem *m, uint64_t addr, void *buf, size_t len)
{
	const struct mem_chunk	*c;
	size_t			 i;

	for (i = m->n; i-- > 0;) {
		c = &m->chunks[i];
		if (c->data != NULL && addr >= c->addr &&
		    addr - c->addr <= c->len &&
		    len <= c->len - (addr - c->addr)) {
			memcpy(buf, c->data + (addr - c->addr), len);
			return (true);
		}
	}
	return (false);
}

int
tui_mem_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct tui_mem	*m = arg;

	if (tui_mem_get(m, addr, buf, len))
		return (0);
	if (!m->missed) {
		m->missed = true;
		m->miss_addr = addr;
		m->miss_len = len;
	}
	return (-1);
}

bool
tui_mem_take_miss(struct tui_mem *m, uint64_t *addr_out, size_t *len_out)
{
	if (!m->missed)
		return (false);
	m->missed = false;
	*addr_out = m->miss_addr;
	*len_out = m->miss_len;
	return (true);
}
