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
 *
 * Reads may span several chunks (a record's text that straddles two
 * earlier reads), and a miss names only what is not held: its start is
 * the first byte missing, its end the first byte held after that (or the
 * read's end). So no byte is fetched twice at one stop.
 *
 * A read whose first bytes are held continues a run (the ring's texts,
 * read block after block): its miss is as long as the read, from the
 * first byte missing on, so the next blocks come in the same round trip;
 * never into the next page past the read's end (it may not be mapped).
 */
#include "tui/tui.h"

#define MEM_CHUNKS_MAX	4096
#define MEM_BYTES_MAX	(1024 * 1024)
#define MEM_PAGE	4096

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

/* The chunk holding the byte at addr (the newest), or NULL. */
static const struct mem_chunk *
mem_at(const struct tui_mem *m, uint64_t addr)
{
	const struct mem_chunk	*c;
	size_t			 i;

	for (i = m->n; i-- > 0;) {
		c = &m->chunks[i];
		if (c->data != NULL && addr >= c->addr &&
		    addr - c->addr < c->len)
			return (c);
	}
	return (NULL);
}

/*
 * Remember the first miss: of [addr, addr + len), from the first byte
 * not held to the first held byte after it.
 */
static void
mem_miss(struct tui_mem *m, uint64_t addr, size_t len)
{
	const struct mem_chunk	*c;
	uint64_t		 end, stop, a, lim;
	size_t			 i, n;

	if (m->missed)
		return;
	if (addr > UINT64_MAX - len)
		len = (size_t)(UINT64_MAX - addr);
	end = addr + len;
	for (a = addr; a < end && (c = mem_at(m, a)) != NULL;) {
		n = (size_t)(c->len - (a - c->addr));
		a = n < end - a ? a + n : end;
	}
	if (a == end)
		return;		/* all held, across a refused range */
	stop = end;
	if (a > addr && a <= UINT64_MAX - len) {
		/* a run goes on: as far again, within end's page */
		lim = ((end - 1) | (MEM_PAGE - 1));
		stop = a + len;
		if (lim < UINT64_MAX && stop > lim + 1)
			stop = lim + 1 > end ? lim + 1 : end;
	}
	addr = a;
	for (i = 0; i < m->n; i++) {
		c = &m->chunks[i];
		if (c->data != NULL && c->addr > addr && c->addr < stop)
			stop = c->addr;
	}
	m->missed = true;
	m->miss_addr = addr;
	m->miss_len = (size_t)(stop - addr);
}

int
tui_mem_read3(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct tui_mem	*m = arg;

	if (tui_mem_get(m, addr, buf, len))
		return (0);
	if (mem_bad(m, addr, len))
		return (-1);
	mem_miss(m, addr, len);
	return (TUI_MEM_WAIT);
}

/* All of [addr, addr + len) from the chunks that hold it, or false. */
bool
tui_mem_get(const struct tui_mem *m, uint64_t addr, void *buf, size_t len)
{
	const struct mem_chunk	*c;
	uint8_t			*p = buf;
	size_t			 n;

	if (len > 0 && addr > UINT64_MAX - len)
		return (false);
	while (len > 0) {
		if ((c = mem_at(m, addr)) == NULL)
			return (false);
		n = (size_t)(c->len - (addr - c->addr));
		if (n > len)
			n = len;
		memcpy(p, c->data + (addr - c->addr), n);
		p += n;
		addr += n;
		len -= n;
	}
	return (true);
}

int
tui_mem_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct tui_mem	*m = arg;

	if (tui_mem_get(m, addr, buf, len))
		return (0);
	mem_miss(m, addr, len);
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
