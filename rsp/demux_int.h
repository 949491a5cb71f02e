/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rsp/demux_int.h: what rsp/demux.c (frames, acks, the public calls) and
 * rsp/demux_marks.c (console markers) share. Private to those two files.
 */
#ifndef RSP_DEMUX_INT_H
#define RSP_DEMUX_INT_H

#include <string.h>

#include "rsp/rsp.h"

#define DMX_TAIL	64	/* console context kept across feeds */
#define DMX_LINE_SAT	16	/* linelen saturates here: prompts are short */
#define DMX_PROMPT_MAX	12	/* longest line before '>' we call a prompt */
#define DMX_HOLD_MAX	(1U << 20)
#define DMX_NLONG	5
#define DMX_NSHORT	4
#define DMX_HASHSZ	8192
/* Three bytes to a table index; collisions only make shifts shorter. */
#define DMX_HASH(a, b, c) \
	(((size_t)(a) << 10 ^ (size_t)(b) << 5 ^ (size_t)(c)) & (DMX_HASHSZ - 1))

enum dmx_state {
	DMX_IDLE,
	DMX_BODY,
	DMX_ESC,
	DMX_CK1,
	DMX_CK2,
	DMX_SKIP,
	DMX_SKIP_ESC,
	DMX_SKIP_CK1,
	DMX_SKIP_CK2,
};

struct rsp_demux {
	struct rsp_demux_cfg cfg;
	size_t		 hold;		/* '$' + body bytes before giving up */
	enum dmx_state	 state;
	bool		 expect_ack;
	uint64_t	 last_ms;	/* when the candidate last grew */

	uint8_t		*cand;		/* held frame, raw */
	size_t		 clen;
	size_t		 ccap;
	uint8_t		*pay;		/* decoded payload, cfg.max_payload */

	/* Marker context: the last bytes of the stream (every byte, in
	 * order, frames and acks included) and the current line length. */
	uint8_t		 tail[DMX_TAIL];
	size_t		 tlen;
	size_t		 linelen;
	bool		 pend_prompt;	/* line is "…kdb>": a ' ' completes */
	enum rsp_mark	 pend_mark;
	int		 pend_cpu;

	/* Horspool tables over the long markers, indexed by a hash of the
	 * last three bytes of the window (Wu-Manber with 3-byte blocks). */
	uint8_t		 shift[DMX_HASHSZ];
	uint8_t		 endmask[DMX_HASHSZ];
};

/* One event to the callback. */
static inline void
rsp_dmx_emit(rsp_demux_cb *cb, void *arg, enum rsp_ev_type type,
    const uint8_t *data, size_t len, const uint8_t *raw, size_t rawlen,
    int err)
{
	struct rsp_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.data = data;
	ev.len = len;
	ev.raw = raw;
	ev.rawlen = rawlen;
	ev.err = err;
	ev.kdb_cpu = -1;
	cb(arg, &ev);
}

static inline void
rsp_dmx_emit_mark(rsp_demux_cb *cb, void *arg, enum rsp_mark mark, int cpu)
{
	struct rsp_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.type = RSP_EV_MARK;
	ev.mark = mark;
	ev.kdb_cpu = cpu;
	cb(arg, &ev);
}

/* demux_marks.c: the marker tables of a new demux, the marker context. */
void	 rsp_dmx_marks_init(struct rsp_demux *d);
void	 rsp_dmx_track(struct rsp_demux *d, const uint8_t *buf, size_t n);
void	 rsp_dmx_console(struct rsp_demux *d, const uint8_t *buf, size_t n,
	    rsp_demux_cb *cb, void *arg);

#endif
