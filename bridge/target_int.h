/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/target_int.h: what the target engine's files share: its limits,
 * struct treq and struct br_target, and the functions one file calls in
 * another. Not for the rest of the bridge (bridge.h is the engine's
 * interface).
 *
 * Calls go one way (tests/layers.txt allows no cycle): target_kdb.c ->
 * target.c -> target_queue.c -> target_req.c -> target_verify.c. The
 * files below target_kdb.c reach it through struct br_target's hooks.
 */
#ifndef BRIDGE_TARGET_INT_H
#define BRIDGE_TARGET_INT_H
#include <sys/queue.h>

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "bridge/bridge.h"

#define TGT_ACK_MS	400	/* ack wait, plus the time to send */
/*
 * A request whose '$' was hit is never answered at all: the stub skips to
 * the next '$'. On a line that corrupts frames, once acks have been timed
 * (and only then: a resend the stub did not need makes it answer twice,
 * and RSP cannot tell the copies apart), the first wait is the smoothed
 * round trip plus four deviations (as TCP sizes its retransmit timer), at
 * least TGT_ACK_MIN_MS, and each further one for the same piece doubles up
 * to the configured ack wait. A piece gives up after TGT_MAX_SENDS waits
 * of the full length, as it did before waits were timed: a host too busy
 * to answer in time only costs resends.
 */
#define TGT_ACK_MIN_MS	100
#define TGT_ACK_SLACK_MS 10
#define TGT_REPLY_MS	1200	/* reply wait, plus the time to receive */
#define TGT_BREAK_MS	5000	/* confirm a break-in within this */
#define TGT_MAX_SENDS	4	/* first send plus retransmits */
/*
 * On a noisy line most losses are cheap to repair: the stub NAKs a request
 * it got corrupt, and a reply that came garbled is asked for again within
 * TGT_QUIET_MS. Those retries are bounded by the piece's deadline and by
 * these counts, which are far above what noise needs (at a bit error rate
 * of 1e-3 a 316-byte 'g' reply comes through about 1 time in 12).
 */
#define TGT_MAX_NAKED_SENDS	32	/* resends the stub asked for */
#define TGT_MAX_GARBLED		64	/* replies asked for again */
#define TGT_MAX_NAKS	3	/* '-' sent for one missing reply */
/* gdb gives up on a reply after 3 x remotetimeout (2 s by default) and
 * goes on with its next packet; a reply after that would be taken for the
 * next one's. A lost reply is asked for again only while the answer can
 * still come before this, counted from the request's first send. */
#define TGT_GDB_PATIENCE_MS	5500
#define TGT_QUIET_MS	50	/* line quiet this long before a resend */
/*
 * A reply of known length (an 'm' piece, 'g') is over once that many
 * bytes came: if none of it made a packet, a '-' goes out after this
 * short gap instead of TGT_QUIET_MS.
 */
#define TGT_GAP_MS	3
/*
 * Noise. Every frame on the line (ours acked or NAKed, the stub's good or
 * corrupt) updates a decaying count, a window of about TGT_NOISE_WINDOW
 * frames. From a corrupt frame until the count decays below TGT_CLEAN
 * (about 190 clean frames), reads are confirmed by a second
 * identical copy (an 8-bit checksum lets about one corrupt frame in 100
 * through once frames carry several flipped bits) and 'm' pieces shrink
 * to the size that costs the least at the error rate seen.
 */
#define TGT_NOISE_WINDOW	64
#define TGT_NOISY	0.5	/* decayed corrupt frames: noisy from here */
#define TGT_CLEAN	0.05	/* … and clean again only below this */
#define TGT_READ_MIN	16	/* smallest 'm' piece, bytes */
#define TGT_REQ_CHARS	30	/* framing around one 'm' piece's data:
				 * the request, '$' '#' xx, two acks */
#define TGT_MAX_COPIES	8	/* reads of one piece before giving up on
				 * two that agree */
#define TGT_MAX_BAD	8	/* corrupt frames NAKed for one request, or in
				 * a row without one, before giving up */
#define TGT_KGDB_MS	1500	/* wait for kdb's "kgdb" command to settle */
#define TGT_PROMPT_MS	5000	/* kdb's prompt after its banner, at most */
/* kdb's command line holds at most this much (CMD_BUFLEN in kdb_private.h):
 * erasing this many characters empties a line whose content is unknown. */
#define TGT_KDB_LINE_MAX 200
#define TGT_KDB_RETRIES	2	/* echoed handovers before giving up */
#define TGT_PAGE	4096	/* kgdb reads are all-or-nothing per call */
#define TGT_BREAK_GAP_MS	50	/* quiet line before a break-in */
#define TGT_MAX_QUEUE	64
#define TGT_TYPED_MAX	256	/* typed bytes kept to spot their echo */
#define TGT_TYPED_MS	5000	/* … for this long after the last key */
#define nitems(a)	(sizeof (a) / sizeof (a)[0])

enum treq_kind {
	TREQ_PLAIN,	/* one packet, one reply */
	TREQ_READ,	/* m split into pieces, replies joined */
	TREQ_WRITE,	/* M (or X turned into M) split into pieces */
	TREQ_RESUME,	/* c, s, C, k: ack only; D: ack then "OK" */
	TREQ_NOREPLY,	/* $3#33: ack only */
};

struct treq {
	TAILQ_ENTRY(treq) entry;
	enum treq_kind	 kind;
	bool		 internal;	/* the bridge's own (qC probe) */
	bool		 background;	/* a read-ahead's: never resent */
	bool		 doubtful;	/* a piece went on unconfirmed */
	bool		 want_reply;	/* after the ack */
	br_reply_cb	*cb;
	void		*arg;

	char		 piece[RSP_PKT_MAX + 1];	/* payload as sent */
	size_t		 piecelen;

	uint64_t	 addr, total, done;	/* READ/WRITE */
	uint64_t	 asked;		/* bytes the current m piece asks for */
	uint8_t		*data;			/* WRITE: bytes to write */
	char		*acc;			/* READ: joined hex reply */
	size_t		 acclen;

	/* On a noisy line: the current piece's copies so far, each waiting
	 * for another that agrees. */
	char		*cand[TGT_MAX_COPIES];
	size_t		 candlen[TGT_MAX_COPIES];
	int		 copies;
};
TAILQ_HEAD(treq_list, treq);

enum tx_state { TX_IDLE, TX_WAIT_ACK, TX_WAIT_REPLY };

enum enter_step { EN_NONE, EN_PAGER, EN_KGDB, EN_PROBE };

struct br_target {
	struct bridge	*br;
	struct br_link	*link;		/* the wire (br_link_*()) */
	struct br_target_ctl ctl;	/* the client driving the stub */
	/*
	 * target_kdb.c's entries that the files below it reach: the switch
	 * to gdb mode and the keys held for kdb's prompt. br_target_new()
	 * sets them, so no file calls one above it (target_int.h).
	 */
	void		(*enter_gdb)(struct br_target *, br_ready_cb *, void *);
	int		(*keys)(struct br_target *, const void *, size_t,
			    char *);
	bool		 hold_console;	/* … holds it in gdb mode */
	struct rsp_demux *dm;
	enum br_tstate	 state;

	struct event	*tick_ev;	/* demux hold deadline */
	struct event	*tx_ev;		/* ack/reply timeout */
	struct event	*brk_ev;	/* break sequence and its confirm */
	struct event	*enter_ev;	/* kdb → gdb steps */
	struct event	*stall_ev;	/* requests wait for a prompt */

	unsigned	 ack_ms, reply_ms, break_ms;
	/* Ack round trips: smoothed, and their deviation (ms). */
	double		 srtt, rttvar;
	bool		 have_rtt;
	bool		 rtt_sample;	/* this send was the piece's first */
	int		 ack_timeouts;	/* in a row, for this piece */
	int		 full_waits;	/* … of the configured length */
	unsigned	 ack_wait_ms;	/* the wait running now */
	uint64_t	 sent_end_ms;	/* when its last byte left */
	uint64_t	 quiet_ms;	/* when our last bytes left the wire */

	struct treq_list queue;
	size_t		 nqueue;
	enum tx_state	 tx;
	bool		 draining;	/* failing requests: do not start more */
	int		 sends;
	int		 naks;		/* '-' sent for this missing reply */
	/*
	 * A hard limit on each piece in flight, whatever the line does: a
	 * stub that answers every request with a bad checksum, or console
	 * text that never pauses, cannot keep a client waiting past it.
	 * Only progress (an O packet of a monitor command) moves it.
	 */
	uint64_t	 deadline_ms;
	uint64_t	 sent_ms;	/* when the piece was first sent */
	int		 req_bad;	/* corrupt frames since then */
	size_t		 req_console;	/* console bytes since then */
	int		 bad_run;	/* corrupt frames in a row, no request */
	bool		 garbled;	/* text came while a reply was due */
	int		 req_garbled;	/* replies asked for again */
	/* Bytes the stub sends in answer to our last request or '-', when
	 * known (0: not known), and the bytes that came since. */
	size_t		 rx_expect;
	size_t		 rx_count;
	size_t		 rx_frame;	/* the reply alone (0: not known) */
	size_t		 rx_text;	/* … of them console text */
	unsigned	 our_naks;	/* '-' sent, ever */
	/* Corrupt frames seen lately, and the characters all recent frames
	 * carried: decayed, see TGT_NOISE_WINDOW. */
	double		 nz_bad, nz_chars;
	bool		 nz_on;		/* noisy: see TGT_CLEAN */
	/*
	 * The previous reply, to spot kgdb retransmitting it when our '+' was
	 * garbled: it then sees our next '$' in its ack wait, NAKs it and
	 * drops it (docs/kgdb-wire.md §1.3). A copy arriving before the ack of
	 * the next request is held as a suspect: a '-' right after proves it
	 * was the old reply (we resend); silence until the ack timeout means it
	 * was the new reply after all.
	 */
	char		 last_reply[RSP_PKT_MAX];
	size_t		 last_reply_len;
	bool		 suspect;
	/* A second copy came while one was held: the stub repeats its old
	 * reply, taking our request's bytes for bad acks; it never got the
	 * request. */
	bool		 stale;
	uint64_t	 last_rx_ms;
	/*
	 * RSP ties no reply to its request, and a stub slower than our ack
	 * wait answers copies we resent (and NAKs others) long after the
	 * piece they were for is done: a later piece, even both its copies
	 * on a noisy line, would take those replies for its own. So once a
	 * frame went out twice or we NAKed (unsynced), the next new piece
	 * first sends a qC (syncing): the stub answers in order, so what
	 * comes before its "QC" reply is old and dropped, and a "QC" is never
	 * the reply to anything but qC.
	 */
	bool		 unsynced;
	bool		 syncing;

	/* kdb line state (docs/kgdb-wire.md §5.1). */
	bool		 kdb_fresh;	/* no input since "Entering kdb" */
	bool		 at_pager;
	size_t		 kdb_linelen;	/* chars typed since the last '\r' */
	int		 kdb_echoes;	/* handovers that kdb echoed back */
	bool		 kdb_dirty;	/* line holds bytes of unknown count */
	bool		 kdb_seen;	/* this kernel has kdb */
	bool		 kdb_from_gdb;	/* kdb's banner is under way after a
					 * switch from a gdb-mode stop */
	bool		 crash_seen;	/* a panic or oops line since the
					 * kernel last ran */
	/* Keys typed while no gdb holds a stub in gdb mode: they wait for the
	 * switch back to kdb, then go to its prompt. */
	char		 held_keys[256];
	size_t		 held_len;
	size_t		 attach_match;	/* progress matching "attach debugger" */
	bool		 attach_seen;

	/* Entering gdb mode. */
	enum enter_step	 enter;
	struct enter_waiter {
		br_ready_cb	*cb;
		void		*arg;
	}		 waiters[8];
	size_t		 nwaiters;

	/* Break-in. */
	struct br_breakseq *brk;	/* the sequence being run, or NULL */
	size_t		 step;		/* its next step */
	bool		 breaking;	/* sequence running */
	uint64_t	 breaks;	/* break sequences started */
	bool		 confirming;	/* waiting for the stop */

	bool		 maybe_connected; /* kgdb_connected may be set */
	/* What the keyboards typed last: a frame in its echo is text. */
	char		 typed[TGT_TYPED_MAX];
	size_t		 typedlen;
	uint64_t	 typed_ms;
	bool		 just_resumed;	/* an E reply may still come */
	char		 last_stop[64];	/* "T05thread:01;" */
	size_t		 last_stop_len;
	char		 thread[24];	/* from the last QC reply */
	/* Told when the queue empties with the kernel stopped in gdb mode
	 * (br_target_set_idle): the read-ahead's cue (prefetch.c). */
	void		(*idle)(void *);
	void		*idle_arg;
	/* Shutting down (br_target_quiesce): start nothing new; tell
	 * quiet_cb once nothing is on the wire, or at quiet_ev. */
	bool		 quitting;
	void		(*quiet_cb)(void *);
	void		*quiet_arg;
	struct event	*quiet_ev;
};

/* target_verify.c */
unsigned	tgt_wire_ms(struct br_target *t, size_t n);
void	tgt_noise(struct br_target *t, size_t len, bool bad);
bool	tgt_gdb_still_waits(const struct br_target *t, unsigned ms);
uint64_t	tgt_read_cap(const struct br_target *t);
bool	tgt_all_hex(const char *p, size_t len);
unsigned	tgt_budget_ms(struct br_target *t, size_t framelen);
size_t	tgt_reply_chars(const struct br_target *t, const struct treq *r);
bool	tgt_reply_over(const struct br_target *t);
unsigned	tgt_quiet_ms(const struct br_target *t);
unsigned	tgt_ack_wait(const struct br_target *t);
void	tgt_rtt(struct br_target *t);
bool	tgt_read_reply_ok(const struct treq *r, const char *p, size_t len);
bool	tgt_regs_reply_ok(const struct treq *r, const char *p, size_t len);
bool	tgt_rereadable(const struct treq *r);
bool	tgt_resendable(const struct treq *r);
bool	tgt_verifying(const struct br_target *t, const struct treq *r);

/* target_req.c */
int	tgt_write(struct br_target *t, const void *buf, size_t len, char *err);
void	tgt_trace(struct br_target *t, char dir, const void *buf, size_t len,
	    const char *note);
void	tgt_timer(struct event *ev, unsigned ms);
void	tgt_tx_timer(struct br_target *t, unsigned ms);
void	tgt_drop_copies(struct treq *r);
void	treq_free(struct treq *r);
int	tgt_next_piece(struct br_target *t, struct treq *r);
struct treq *	tgt_new_req(struct br_target *t, const char *payload, size_t
	    len, br_reply_cb *cb, void *arg, const char **why);
void	tgt_nak(struct br_target *t, const char *why);
void	tgt_ack(struct br_target *t);

/* target_queue.c */
void	tgt_set_state(struct br_target *t, enum br_tstate s);
struct treq *	tgt_head(struct br_target *t);
void		tgt_quiet(struct br_target *t);
int	tgt_enqueue(struct br_target *t, struct treq *r, bool front);
void	tgt_give_up(struct br_target *t, const char *what);
void	tgt_send_piece(struct br_target *t, bool resend);
bool	tgt_stale_sync(struct br_target *t, const char *p, size_t len);
void	tgt_kick(struct br_target *t);
void	tgt_finish(struct br_target *t, const char *payload, size_t len, const
	    char *err);
void	tgt_reply(struct br_target *t, const char *p, size_t len);
bool	tgt_take_unconfirmed(struct br_target *t);
void	tgt_acked(struct br_target *t);
void	tgt_stall_cb(int fd, short what, void *arg);

/* target.c */
void	tgt_arm_tick(struct br_target *t);
void	tgt_tick_cb(int fd, short what, void *arg);
void	tgt_tx_timeout(int fd, short what, void *arg);
void	tgt_typed(struct br_target *t, const void *buf, size_t len);
void	tgt_demux_cb(void *arg, const struct rsp_event *ev);


#endif
