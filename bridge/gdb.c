/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/gdb.c: the gdb port and the one controlling gdb.
 *
 * gdb's stream goes through an rsp_demux in binary mode. The bridge acks
 * gdb's packets until gdb accepts QStartNoAckMode (offered over TCP, where
 * acks are pointless), answers connection probes itself, serves a target
 * description that matches kgdb's 'g' layout, and passes everything else to
 * target.c one request at a time.
 *
 * Detach semantics (the rule: gdb detaching or dying does not
 * resume, kill or confuse the target):
 *  - gdb's `detach` (D, also sent when a batch gdb quits) is answered OK by
 *    the bridge and not forwarded: the kernel stays stopped where it was,
 *    and the next gdb gets the same stop, as kgdb would give it ("S05"),
 *    but from the bridge: a '?' to the target would drop every breakpoint.
 *    To let the kernel run, `continue` before detaching, or `kill` (k,
 *    which kgdb treats as "resume without breakpoints").
 *  - A dropped connection (gdb killed, network gone) is the same.
 *  - The bridge itself sends D when it exits with the target stopped, so
 *    kgdb is not left waiting for a gdb that is gone.
 *  - A second gdb is refused with an "E." error reply to its first packet
 *    (gdb prints it) and a console notice, unless --takeover, in which case
 *    the old gdb is disconnected (same as a drop: the target stays stopped).
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "bridge/bridge.h"

#define GDB_PKT_MAX	RSP_PKT_MAX		/* our PacketSize */
#define GDB_FRAME_MAX	(2 * GDB_PKT_MAX + RSP_PKT_OVERHEAD + 8)
#define GDB_QUEUE_MAX	16
#define GDB_OUT_MAX	(256 * 1024)		/* unread output: drop gdb */
#define GDB_OUT_SOFT	(64 * 1024)		/* unread output: stop reading */
#define GDB_SESS_MAX	8			/* connections on the port */
#define GDB_FLUSH_MS	2000			/* a refusal or detach reply */
#define GDB_O_CHUNK	400			/* text bytes per O packet */

#define GDB_BP_MAX	64			/* breakpoints range stepping knows */
#define GDB_RANGE_SHORT	4			/* bytes: likely one instruction */

struct gpend {
	char	*p;
	size_t	 len;
};

/*
 * A vCont;r the bridge runs itself: kgdb has no range stepping, so the
 * bridge sends 's', reads the pc ('p'; 'g' through the cache at the
 * first stop of a short range) and steps again while the pc
 * stays in [start, end) on the same thread, and gdb sees one stop instead
 * of one per instruction (each of which it would answer with a 'g' and
 * often a stack read). It stops early at a breakpoint gdb set, when the pc
 * does not move, on any other kind of stop, or on gdb's ^C (then the stop
 * says SIGINT). With a watchpoint set it never goes on: kgdb's stop
 * replies do not say that one fired.
 */
struct grange {
	bool		 on;
	bool		 intr;		/* gdb's ^C came while stepping */
	uint64_t	 start, end;
	uint32_t	 thread;
	bool		 have_pc;
	uint64_t	 pc;		/* before the last step */
	char		 stop[64];	/* held while the pc is read */
	size_t		 stoplen;
};

/* A resume from vCont, waiting for the bridge's own Hc. */
struct gvcont {
	char		 cmd[8];	/* "c", "s", "C09", … */
	char		 hc[24];	/* the Hc it needs */
	bool		 range;
	bool		 any;		/* the range is for the stopped thread */
	uint64_t	 start, end;
	uint32_t	 thread;
};

/* A step the bridge runs with interrupts masked (arm64, --step-irqs). */
enum gstep_phase {
	GSTEP_IDLE,
	GSTEP_PREP,		/* reading pstate, pc, instruction; 'P' */
	GSTEP_RUN,		/* stepping with the bits set */
	GSTEP_FIX,		/* stopped: putting the bits back */
};
struct gstep {
	enum gstep_phase phase;
	bool		 cancel;	/* gdb got a stop meanwhile (^C) */
	bool		 have_tid;
	uint64_t	 tid;		/* the thread stepped */
	uint32_t	 orig;		/* pstate before the step */
	uint32_t	 set;		/* the bits the bridge set */
	char		 stop[64];	/* held while they are put back */
	size_t		 stoplen;
};

struct gsess {
	TAILQ_ENTRY(gsess) entry;
	struct br_gdb	*g;
	unsigned	 id;
	struct bufferevent *bev;
	struct rsp_demux *dm;
	char		 peer[64];
	struct event	*idle_ev;	/* no valid packet yet: close */
	struct event	*resume_ev;	/* read what waits in the input */
	bool		 spoke;		/* a valid packet came */
	bool		 rpaused;	/* not reading: output or queue full */
	bool		 flush;		/* closing: let the output drain */
	uint64_t	 flush_until;

	bool		 refused;	/* a second gdb: error, then close */
	const char	*refuse_why;	/* NULL: another gdb holds the target */
	bool		 closing;
	bool		 noack;
	bool		 busy;		/* a reply is pending */
	bool		 waiting_stop;	/* after c/s, or a held '?' */
	bool		 resumed;	/* after c/s: gdb takes O packets */
	char		 pending_stop[64];	/* a stop while busy */
	size_t		 pending_len;
	bool		 in_qrcmd;	/* O packets go to gdb now */
	bool		 detached;	/* D or k seen: close after flush */

	char		*last;		/* last frame, for a NAK */
	size_t		 lastlen;

	/* The stub's Hc as last set since the stop, "" if none: kgdb puts it
	 * on the current thread at every stop. */
	char		 hc[24];
	char		 hc_req[24];	/* gdb's Hc on its way: kept on OK */
	char		 z_req[48];	/* gdb's Z/z on its way: counted on OK */
	struct grange	 range;
	struct gvcont	 vc;

	struct gpend	 queue[GDB_QUEUE_MAX];
	size_t		 nqueue;
};
TAILQ_HEAD(gsess_list, gsess);

/* A request in flight; outlives the session (and gdb) if it must. */
struct gctx {
	TAILQ_ENTRY(gctx) entry;
	struct br_gdb	*g;		/* NULL once gdb is freed */
	unsigned	 sess_id;
	char		 kind;		/* first byte of the request */
};
TAILQ_HEAD(gctx_list, gctx);

struct br_gdb {
	struct bridge	*br;
	struct evconnlistener *lis;
	struct evconnlistener *ulis;	/* --gdb-socket */
	struct br_lguard *uguard;
	int		 port;
	struct gsess	*ctl;		/* the controlling gdb */
	struct gsess_list all;
	size_t		 nsess;		/* in all, closing ones too */
	struct br_lguard *guard;
	struct gctx_list ctxs;
	unsigned	 next_id;
	struct event	*reap_ev;
	char		*tdesc;
	size_t		 tdesc_len;

	/* What gdb has planted (Z/z seen), for range stepping. kgdb keeps
	 * breakpoints across gdb sessions, so these do too. */
	uint64_t	 bp[GDB_BP_MAX];	/* Z0, Z1 */
	size_t		 nbp;
	bool		 bp_full;		/* lost count: never range */
	unsigned	 nwatch;		/* Z2..Z4 */

	enum br_step_irqs step_irqs;
	int		 pstate_reg;		/* index in arch->regs, or -1 */
	struct gstep	 step;
};

static void	gs_process(struct gsess *);
static void	gs_close(struct gsess *, const char *);
static void	gs_unpause(struct gsess *);
static void	gs_running_reply(struct gsess *);
static void	gs_no_stop(struct gsess *, const char *);
static void	gs_resume(struct gsess *, const char *, size_t);
static void	gs_stop_reply(struct gsess *, const char *, size_t);
static bool	gs_range_stop(struct gsess *, const char *, size_t);
static bool	gs_range_intr(struct gsess *);
static void	gs_range_done(struct gsess *);

/* ---- output to gdb */

/*
 * Every byte for gdb goes through here. Past GDB_OUT_MAX unread bytes
 * (O text to a gdb that does not read, say) gdb is dropped: its memory
 * is the bridge's memory.
 */
static int
gs_raw(struct gsess *s, const void *buf, size_t len)
{
	char	why[80];

	if (s->closing)
		return (-1);
	if (br_peer_write(s->bev, buf, len, GDB_OUT_MAX) != 0) {
		snprintf(why, sizeof why, "does not read what it is sent "
		    "(%zu bytes unread)", br_peer_unread(s->bev));
		s->flush = false;
		gs_close(s, why);
		return (-1);
	}
	return (0);
}

static void
gs_send(struct gsess *s, const void *payload, size_t len)
{
	char	frame[GDB_FRAME_MAX];
	int	n;

	if (s->closing)
		return;
	n = rsp_pkt_encode(frame, sizeof frame, payload, len);
	if (n < 0) {
		log_error("gdb: reply too long to frame (%zu)", len);
		n = rsp_pkt_encode(frame, sizeof frame, "E01", 3);
	}
	if (s->g->br->transcript != NULL)
		br_transcript_packet(s->g->br->transcript, 'G', frame,
		    (size_t)n, NULL);
	if (gs_raw(s, frame, (size_t)n) != 0)
		return;
	if (!s->noack) {
		free(s->last);
		s->last = xmalloc((size_t)n);
		memcpy(s->last, frame, (size_t)n);
		s->lastlen = (size_t)n;
		rsp_demux_expect_ack(s->dm, true);
	}
}

static void
gs_sends(struct gsess *s, const char *str)
{
	gs_send(s, str, strlen(str));
}

/* Text as O packets (only while gdb accepts them). */
static void
gs_output(struct gsess *s, const void *text, size_t len)
{
	const uint8_t	*p = text;
	char		 buf[1 + 2 * GDB_O_CHUNK];
	size_t		 n;

	while (len > 0) {
		n = len > GDB_O_CHUNK ? GDB_O_CHUNK : len;
		buf[0] = 'O';
		rsp_hex_encode(buf + 1, sizeof buf - 1, p, n);
		gs_send(s, buf, 1 + 2 * n);
		p += n;
		len -= n;
	}
}

static void printflike(2, 3)
gs_outputf(struct gsess *s, const char *fmt, ...)
{
	char	 buf[1024];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	gs_output(s, buf, (size_t)n);
}

/* The reply to the current packet: the session may take the next. */
static void
gs_reply(struct gsess *s, const void *payload, size_t len)
{
	gs_send(s, payload, len);
	s->busy = false;
	s->in_qrcmd = false;
	if (s->pending_len > 0 && s->waiting_stop) {
		/* A stop arrived while gdb's query was in flight. */
		s->waiting_stop = s->resumed = false;
		gs_send(s, s->pending_stop, s->pending_len);
		s->pending_len = 0;
	}
}

static void
gs_replys(struct gsess *s, const char *str)
{
	gs_reply(s, str, strlen(str));
}

/* ---- session lifetime */

static void
gs_free(struct gsess *s)
{
	size_t	i;

	TAILQ_REMOVE(&s->g->all, s, entry);
	s->g->nsess--;
	if (s->bev != NULL) {
		bufferevent_free(s->bev);
		br_peer_closed();
	}
	event_free(s->idle_ev);
	event_free(s->resume_ev);
	rsp_demux_free(s->dm);
	for (i = 0; i < s->nqueue; i++)
		free(s->queue[i].p);
	free(s->last);
	free(s);
}

static void
gdb_reap(int fd, short what, void *arg)
{
	struct br_gdb	*g = arg;
	struct gsess	*s, *tmp;
	struct timeval	 tv = { 0, 50 * 1000 };
	uint64_t	 now = br_now_ms();
	bool		 later = false;

	(void)fd;
	(void)what;
	for (s = TAILQ_FIRST(&g->all); s != NULL; s = tmp) {
		tmp = TAILQ_NEXT(s, entry);
		if (!s->closing)
			continue;
		/* Let a refusal or a detach reply reach gdb first, for a
		 * while: a gdb that does not read does not keep it. */
		if (s->flush && s->bev != NULL && br_peer_unread(s->bev) > 0 &&
		    now < s->flush_until) {
			later = true;
			continue;
		}
		gs_free(s);
	}
	if (later)
		event_add(g->reap_ev, &tv);
}

static void
gs_close(struct gsess *s, const char *why)
{
	struct br_gdb	*g = s->g;

	if (s->closing)
		return;
	log_info("gdb: %s: closing (%s)", s->peer, why);
	s->closing = true;
	s->flush_until = br_now_ms() + GDB_FLUSH_MS;
	evtimer_del(s->idle_ev);
	if (g->ctl == s) {
		g->ctl = NULL;
		if (g->br->target != NULL)
			br_target_hold_console(g->br->target, false);
		br_notify(g->br, BR_NOTE_GDB_DETACH, why);
		if (g->br->console != NULL)
			br_notice(g->br, "gdb %s %s; the "
			    "target is %s", s->peer, why,
			    g->br->target != NULL ? br_target_state_name(
			    br_target_state(g->br->target)) : "unknown");
	}
	bufferevent_disable(s->bev, EV_READ);
	event_active(g->reap_ev, EV_TIMEOUT, 0);
}

/* Close once the output has drained (refusals, detach). */
static void
gs_close_after_flush(struct gsess *s, const char *why)
{
	s->detached = true;
	s->flush = true;
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) == 0)
		gs_close(s, why);
	else
		bufferevent_disable(s->bev, EV_READ);
}

/* ---- requests to the target */

static bool
has_prefix(const char *p, size_t len, const char *pre)
{
	size_t	n = strlen(pre);

	return (len >= n && memcmp(p, pre, n) == 0);
}

static bool
is_exactly(const char *p, size_t len, const char *str)
{
	return (len == strlen(str) && memcmp(p, str, len) == 0);
}

/* The controlling session a request was made for, if it is still there;
 * frees the context. */
static struct gsess *
gs_ctx_session(struct gctx *c)
{
	struct br_gdb	*g = c->g;
	struct gsess	*s;

	if (g != NULL)
		TAILQ_REMOVE(&g->ctxs, c, entry);
	s = g != NULL ? g->ctl : NULL;
	if (s == NULL || s->id != c->sess_id || s->closing)
		s = NULL;
	free(c);
	return (s);
}

static struct gctx *
gs_ctx_new(struct gsess *s, char kind)
{
	struct gctx	*c = xcalloc(1, sizeof *c);

	c->g = s->g;
	c->sess_id = s->id;
	c->kind = kind;
	TAILQ_INSERT_TAIL(&s->g->ctxs, c, entry);
	return (c);
}

static void	gs_bp_track(struct br_gdb *, const char *, size_t);
static void	gs_bp_forget(struct br_gdb *);

/* What kgdb now holds after gdb's own Hc, Z or z (see gs_packet). */
static void
gs_track_reply(struct gsess *s, char kind, bool ok)
{
	if (kind == 'H' && s->hc_req[0] != '\0' && ok)
		snprintf(s->hc, sizeof s->hc, "%s", s->hc_req);
	s->hc_req[0] = '\0';
	/* A refused Z planted nothing; a z lifts what may be there. */
	if ((kind == 'Z' && ok) || kind == 'z')
		gs_bp_track(s->g, s->z_req, strlen(s->z_req));
	s->z_req[0] = '\0';
}

static void
gdb_reply_cb(void *arg, const char *payload, size_t len, const char *err)
{
	struct gctx	*c = arg;
	char		 kind = c->kind;
	struct gsess	*s;

	if ((s = gs_ctx_session(c)) == NULL)
		return;
	gs_track_reply(s, kind, err == NULL && is_exactly(payload, len, "OK"));
	if (err != NULL) {
		log_warn("gdb: request failed: %s", err);
		if (s->g->br->console != NULL)
			br_notice(s->g->br, "gdb request "
			    "failed: %s", err);
		if (kind == 'q' && s->in_qrcmd)
			gs_outputf(s, "kgdb-bridge: %s\n", err);
		/* An error gdb understands for every packet kind. */
		gs_replys(s, "E05");
	} else
		gs_reply(s, payload, len);
	gs_process(s);
}

static void
gs_forward(struct gsess *s, const char *p, size_t len)
{
	struct br_gdb	*g = s->g;
	struct gctx	*c = gs_ctx_new(s, len > 0 ? p[0] : 0);

	/*
	 * Through the stop-state cache (relays as is when there is none or
	 * it is off). A hit, like a refusal, has already run the callback.
	 */
	(void)br_cache_forward(g->br, p, len,
	    gdb_reply_cb, c);
}

/* ---- local answers */

static void
gs_qsupported(struct gsess *s)
{
	char	buf[128];

	snprintf(buf, sizeof buf, "PacketSize=%x;QStartNoAckMode+;"
	    "qXfer:features:read+", GDB_PKT_MAX);
	gs_replys(s, buf);
}

static void
gs_xfer_features(struct gsess *s, const char *p, size_t len)
{
	static const char pre[] = "qXfer:features:read:target.xml:";
	struct br_gdb	*g = s->g;
	uint64_t	 off, n;
	char		 buf[GDB_PKT_MAX];
	size_t		 room;
	int		 k;

	p += sizeof pre - 1;
	len -= sizeof pre - 1;
	if ((k = rsp_hex_u64(p, len, &off)) <= 0 || (size_t)k >= len ||
	    p[k] != ',' || rsp_hex_u64(p + k + 1, len - (size_t)k - 1,
	    &n) <= 0) {
		gs_replys(s, "E00");
		return;
	}
	if (off >= g->tdesc_len) {
		gs_replys(s, "l");
		return;
	}
	/* Leave room for escapes: at worst every byte doubles. */
	room = (sizeof buf - 1) / 2;
	if (n > room)
		n = room;
	if (n > g->tdesc_len - off)
		n = g->tdesc_len - off;
	buf[0] = off + n >= g->tdesc_len ? 'l' : 'm';
	memcpy(buf + 1, g->tdesc + off, n);
	gs_reply(s, buf, 1 + n);
}

/*
 * 'p' past the stub's registers: "unavailable" of the right size, or E22
 * for a number the layout does not know. Below dbg_max_reg_num kgdb
 * answers 'p' itself (even for registers missing from its 'g' payload,
 * fs and gs on x86_64), so those go to the target, as without the bridge.
 */
static bool
gs_local_p(struct gsess *s, const char *p, size_t len)
{
	const struct rsp_arch	*a = s->g->br->arch;
	uint64_t		 n;
	int			 idx;
	char			 buf[2 * 64 + 1];
	size_t			 size;

	if (rsp_hex_u64(p + 1, len - 1, &n) != (int)(len - 1))
		return (false);
	if (n < a->dbg_max_reg_num)
		return (false);
	idx = rsp_arch_reg_by_num(a, (unsigned)n);
	if (idx < 0) {
		gs_replys(s, "E22");
		return (true);
	}
	size = a->regs[idx].size;
	if (size > 64)
		size = 64;
	memset(buf, 'x', 2 * size);
	gs_reply(s, buf, 2 * size);
	return (true);
}

static void
gs_status_text(struct gsess *s)
{
	struct bridge		*br = s->g->br;
	const struct br_stats	*st = &br->stats;
	char			 stop[64];

	stop[0] = '\0';
	if (br->target != NULL)
		br_target_last_stop(br->target, stop, sizeof stop);
	gs_outputf(s, "link: %s (%s)\n", br->link != NULL ?
	    br_link_name(br->link) : "none", br->link != NULL &&
	    br_link_up(br->link) ? "up" : "down");
	gs_outputf(s, "target: %s%s%s\narch: %s (BUFMAX %zu)\n",
	    br->target != NULL ? br_target_state_name(br_target_state(
	    br->target)) : "?", stop[0] ? ", last stop " : "", stop,
	    br->arch->name, br->arch->bufmax);
	gs_outputf(s, "packets: %" PRIu64 " in, %" PRIu64 " out, %" PRIu64
	    " retransmits, %" PRIu64 " checksum errors, %" PRIu64
	    " timeouts\n", st->rx_packets, st->tx_packets, st->retransmits,
	    st->cksum_errors, st->timeouts);
	if (st->verify_reads > 0 || st->early_naks > 0)
		gs_outputf(s, "noise: %" PRIu64 " reads repeated to confirm "
		    "(%" PRIu64 " differed), %" PRIu64 " garbled replies "
		    "NAKed as soon as whole\n", st->verify_reads,
		    st->verify_mismatches, st->early_naks);
}

/* `monitor bridge cache [stats|on|off]`. */
static void
gs_cache_cmd(struct gsess *s, const char *arg)
{
	struct br_cache	*cache = s->g->br->cache;
	char		 buf[2048];
	size_t		 n;

	if (cache == NULL) {
		gs_outputf(s, "no cache in this bridge (unknown architecture)"
		    "\n");
		return;
	}
	if (strcmp(arg, "on") == 0 || strcmp(arg, "off") == 0) {
		br_cache_set_enabled(cache, strcmp(arg, "on") == 0);
		log_info("cache: %s (monitor)", arg);
		gs_outputf(s, "cache %s\n", arg);
		return;
	}
	if (arg[0] != '\0' && strcmp(arg, "stats") != 0) {
		gs_outputf(s, "usage: monitor bridge cache [stats|on|off]\n");
		return;
	}
	n = br_cache_stats_text(cache, buf, sizeof buf);
	gs_output(s, buf, n);
	if (br_cache_notice(cache)[0] != '\0')
		gs_outputf(s, "last notice: %s\n", br_cache_notice(cache));
}

/* ---- arm64: single steps with interrupts masked (--step-irqs) */

/*
 * kgdb on arm64 steps with PSTATE as the stopped code had it (6.1 to at
 * least 6.12: kgdb_arch_handle_exception sets only the step bits). With
 * interrupts enabled, the timer interrupt that came due during the stop
 * is taken first, and every step lands in el1_interrupt. The bridge
 * therefore steps the current thread with PSTATE.I and F set ('P' of
 * pstate, which kgdb takes for the current thread only) and, at the
 * stop, puts the bits it set back: kgdb's 'c' leaves PSTATE alone, so a
 * bit left set would keep interrupts off for good. An instruction that
 * writes DAIF itself (local_irq_enable and friends, ERET) is stepped as
 * kgdb would, so the kernel's own choice stands. Every request here is
 * the bridge's: gdb waits for the stop meanwhile, and the cache is
 * invalidated after each register write.
 */
#define GSTEP_IRQ_BITS	0xc0U		/* PSTATE.I (bit 7), F (bit 6) */

static void	gstep_go(struct br_gdb *);
static void	gs_stopped_deliver(struct br_gdb *, const char *, size_t);

static struct gctx *
gstep_ctx(struct br_gdb *g)
{
	struct gctx	*c = xcalloc(1, sizeof *c);

	c->g = g;
	c->kind = 'I';
	TAILQ_INSERT_TAIL(&g->ctxs, c, entry);
	return (c);
}

/* The bridge a step request was made for (NULL once it is freed). */
static struct br_gdb *
gstep_ctx_gdb(struct gctx *c)
{
	struct br_gdb	*g = c->g;

	if (g != NULL)
		TAILQ_REMOVE(&g->ctxs, c, entry);
	free(c);
	return (g);
}

static bool
gstep_applies(const struct br_gdb *g)
{
	const struct rsp_arch	*a = g->br->arch;

	return (a != NULL && a->id == RSP_ARCH_ARM64 &&
	    g->step_irqs == BR_STEP_IRQS_MASKED && g->pstate_reg >= 0 &&
	    a->pc >= 0);
}

static int
gstep_request(struct br_gdb *g, const char *req, br_reply_cb *cb)
{
	return (br_target_request(g->br->target, req, strlen(req), cb,
	    gstep_ctx(g)));
}

/* kgdb's reply to the bridge's 'p' of pstate, as a number. */
static bool
gstep_pstate(const char *payload, size_t len, const char *err,
    uint32_t *v)
{
	uint64_t	x;

	if (err != NULL || rsp_reg_le(payload, len, 4, &x) != RSP_OK)
		return (false);
	*v = (uint32_t)x;
	return (true);
}

/* "P<n>=<pstate, little-endian hex>". */
static void
gstep_write_req(const struct br_gdb *g, uint32_t v, char *buf, size_t len)
{
	uint8_t	le[4];
	char	hex[9];

	le[0] = v & 0xff;
	le[1] = (v >> 8) & 0xff;
	le[2] = (v >> 16) & 0xff;
	le[3] = (v >> 24) & 0xff;
	rsp_hex_encode(hex, sizeof hex, le, sizeof le);
	hex[8] = '\0';
	snprintf(buf, len, "P%x=%s", g->br->arch->regs[g->pstate_reg].regnum,
	    hex);
}

/* The step could not be sent after all: what gs_resume does then. */
static void
gstep_failed(struct br_gdb *g)
{
	struct gsess	*s = g->ctl;

	if (s == NULL || s->closing || !s->waiting_stop)
		return;
	if (s->range.on) {
		gs_range_done(s);
		return;
	}
	s->waiting_stop = false;
	s->resumed = false;
	gs_replys(s, "E05");
}

static void
gstep_undone(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gstep_ctx_gdb(arg);

	(void)payload;
	(void)len;
	(void)err;
	if (g != NULL)
		br_cache_invalidate(g->br->cache, BR_CE_WRITE);
}

/* Step now, masked if the preparation got that far. */
static void
gstep_go(struct br_gdb *g)
{
	struct gstep	*st = &g->step;
	char		 req[32];

	if (st->cancel) {
		/* gdb was handed the stop (a second ^C): no step, and the
		 * bits go back at once if they were set. */
		if (st->phase == GSTEP_RUN) {
			gstep_write_req(g, st->orig, req, sizeof req);
			(void)gstep_request(g, req, gstep_undone);
		}
		st->phase = GSTEP_IDLE;
		return;
	}
	if (st->phase != GSTEP_RUN)
		st->phase = GSTEP_IDLE;
	/* Nothing read before this is served after it. */
	br_cache_invalidate(g->br->cache, BR_CE_RESUME);
	if (br_target_resume(g->br->target, "s", 1) != 0) {
		st->phase = GSTEP_IDLE;
		gstep_failed(g);
	}
}

static void
gstep_masked(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gstep_ctx_gdb(arg);

	if (g == NULL || g->step.phase != GSTEP_PREP)
		return;
	br_cache_invalidate(g->br->cache, BR_CE_WRITE);
	if (err == NULL && is_exactly(payload, len, "OK"))
		g->step.phase = GSTEP_RUN;
	else
		log_info("gdb: kgdb refused to mask interrupts for a step "
		    "(%.*s): stepping as is", (int)len, err != NULL ? "" :
		    payload);
	gstep_go(g);
}

static void
gstep_insn(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gstep_ctx_gdb(arg);
	struct gstep	*st;
	uint8_t		 b[4];
	uint32_t	 insn;
	char		 req[32];

	if (g == NULL || g->step.phase != GSTEP_PREP)
		return;
	st = &g->step;
	if (err != NULL || len != 8 || rsp_hex_decode(b, sizeof b, payload,
	    len) != 4) {
		gstep_go(g);
		return;
	}
	insn = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
	if (rsp_a64_writes_daif(insn)) {
		log_debug("gdb: step of %08x (writes DAIF) as kgdb does it",
		    insn);
		gstep_go(g);
		return;
	}
	st->set = ~st->orig & GSTEP_IRQ_BITS;
	gstep_write_req(g, st->orig | st->set, req, sizeof req);
	if (gstep_request(g, req, gstep_masked) != 0)
		gstep_go(g);
}

static void
gstep_pc(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gstep_ctx_gdb(arg);
	uint64_t	 pc;
	char		 req[48];

	if (g == NULL || g->step.phase != GSTEP_PREP)
		return;
	if (err != NULL || rsp_reg_le(payload, len, 8, &pc) != RSP_OK) {
		gstep_go(g);
		return;
	}
	/* The instruction, from vmlinux when the cache has it. */
	snprintf(req, sizeof req, "m%" PRIx64 ",4", pc);
	if (br_cache_forward(g->br, req, strlen(req),
	    gstep_insn, gstep_ctx(g)) != 0)
		gstep_go(g);
}

static void
gstep_orig(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb		*g = gstep_ctx_gdb(arg);
	const struct rsp_arch	*a;
	char			 req[16];

	if (g == NULL || g->step.phase != GSTEP_PREP)
		return;
	a = g->br->arch;
	if (!gstep_pstate(payload, len, err, &g->step.orig) ||
	    (g->step.orig & GSTEP_IRQ_BITS) == GSTEP_IRQ_BITS) {
		gstep_go(g);	/* masked already, or unknown */
		return;
	}
	snprintf(req, sizeof req, "p%x", a->regs[a->pc].regnum);
	if (gstep_request(g, req, gstep_pc) != 0)
		gstep_go(g);
}

static void
gstep_hg(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gstep_ctx_gdb(arg);
	char		 req[16];

	if (g == NULL || g->step.phase != GSTEP_PREP)
		return;
	if (err != NULL || !is_exactly(payload, len, "OK")) {
		gstep_go(g);
		return;
	}
	snprintf(req, sizeof req, "p%x",
	    g->br->arch->regs[g->pstate_reg].regnum);
	if (gstep_request(g, req, gstep_orig) != 0)
		gstep_go(g);
}

/*
 * Resume with payload (the callers have invalidated the cache). A plain
 * 's' on arm64 first masks interrupts: Hg0 (kgdb's general thread back
 * on the current one, the only thread 'P' may change), pstate, pc, the
 * instruction, 'P' of pstate, then 's'. Returns -1 only if nothing could
 * be sent; a later failure goes to gdb as for a refused resume.
 */
static int
gs_target_resume(struct br_gdb *g, const char *payload, size_t len)
{
	struct gstep	*st = &g->step;
	uint64_t	 tid;
	char		 stop[64];
	size_t		 n;

	if (!(len == 1 && payload[0] == 's') || !gstep_applies(g) ||
	    st->phase != GSTEP_IDLE)
		return (br_target_resume(g->br->target, payload, len));
	memset(st, 0, sizeof *st);
	n = br_target_last_stop(g->br->target, stop, sizeof stop);
	st->have_tid = rsp_stop_thread(stop, n, &tid);
	st->tid = tid;
	st->phase = GSTEP_PREP;
	/* kgdb's Hg moves; the cache must name gdb's thread again. */
	br_cache_invalidate(g->br->cache, BR_CE_THREAD);
	if (gstep_request(g, "Hg0", gstep_hg) != 0) {
		st->phase = GSTEP_IDLE;
		return (br_target_resume(g->br->target, payload, len));
	}
	return (0);
}

/* Resume for another client (bridge.h, struct bridge's resume hook): as
 * br_target_resume(), with a step masked as for gdb (--step-irqs). */
static int
gdb_resume_hook(void *arg, const char *payload, size_t len)
{
	struct br_gdb	*g = arg;

	br_cache_invalidate(g->br->cache, BR_CE_RESUME);
	return (gs_target_resume(g, payload, len));
}

static void
gstep_restored(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gstep_ctx_gdb(arg);
	struct gstep	*st;

	if (g == NULL || g->step.phase != GSTEP_FIX)
		return;
	st = &g->step;
	st->phase = GSTEP_IDLE;
	br_cache_invalidate(g->br->cache, BR_CE_WRITE);
	if (err != NULL || !is_exactly(payload, len, "OK")) {
		log_warn("gdb: could not put PSTATE back after a step (%s): "
		    "interrupts stay masked in the stepped code until it "
		    "unmasks them", err != NULL ? err : "refused");
		if (g->br->console != NULL)
			br_notice(g->br, "could not unmask "
			    "interrupts after a step");
	}
	gs_stopped_deliver(g, st->stop, st->stoplen);
}

static void
gstep_after(void *arg, const char *payload, size_t len, const char *err)
{
	struct br_gdb	*g = gstep_ctx_gdb(arg);
	struct gstep	*st;
	uint32_t	 v;
	char		 req[32];

	if (g == NULL || g->step.phase != GSTEP_FIX)
		return;
	st = &g->step;
	if (gstep_pstate(payload, len, err, &v) && (v & st->set) == st->set) {
		gstep_write_req(g, (v & ~st->set) | (st->orig & st->set), req,
		    sizeof req);
		if (gstep_request(g, req, gstep_restored) == 0)
			return;
	} else
		log_info("gdb: PSTATE after a masked step is %s: left as "
		    "it is", err != NULL ? "unknown" : "not as set");
	st->phase = GSTEP_IDLE;
	gs_stopped_deliver(g, st->stop, st->stoplen);
}

/*
 * A stop after a masked step: read pstate and put the bits back, then
 * the stop goes on as usual. Returns true if it holds the stop.
 */
static bool
gstep_stopped(struct br_gdb *g, const char *payload, size_t len)
{
	struct gstep	*st = &g->step;
	uint64_t	 tid;
	char		 req[16];

	if (st->phase != GSTEP_RUN)
		return (false);
	st->phase = GSTEP_IDLE;
	if (len == 0 || (payload[0] != 'T' && payload[0] != 'S') ||
	    len > sizeof st->stop || (st->have_tid &&
	    rsp_stop_thread(payload, len, &tid) && tid != st->tid)) {
		log_warn("gdb: a masked step ended in %.*s: PSTATE left as "
		    "it is", (int)len, payload);
		return (false);
	}
	memcpy(st->stop, payload, len);
	st->stoplen = len;
	st->phase = GSTEP_FIX;
	/* kgdb's Hg is on the current thread at every stop. */
	snprintf(req, sizeof req, "p%x",
	    g->br->arch->regs[g->pstate_reg].regnum);
	if (gstep_request(g, req, gstep_after) == 0)
		return (true);
	st->phase = GSTEP_IDLE;
	return (false);
}

/* `monitor bridge step-irqs [masked|kernel]`. */
static void
gs_step_irqs_cmd(struct gsess *s, const char *arg)
{
	struct br_gdb	*g = s->g;

	if (strcmp(arg, "masked") == 0)
		g->step_irqs = BR_STEP_IRQS_MASKED;
	else if (strcmp(arg, "kernel") == 0)
		g->step_irqs = BR_STEP_IRQS_KERNEL;
	else if (arg[0] != '\0') {
		gs_outputf(s, "usage: monitor bridge step-irqs "
		    "[masked|kernel]\n");
		return;
	}
	if (arg[0] != '\0')
		log_info("gdb: step-irqs %s (monitor)", arg);
	gs_outputf(s, "step-irqs %s%s\n", g->step_irqs ==
	    BR_STEP_IRQS_MASKED ? "masked" : "kernel", g->br->arch != NULL &&
	    g->br->arch->id == RSP_ARCH_ARM64 ? "" : " (arm64 only: steps "
	    "here are left to the kernel)");
}

static void
gs_qrcmd(struct gsess *s, const char *p, size_t len)
{
	char	cmd[512];
	int	n;

	n = rsp_hex_decode(cmd, sizeof cmd - 1, p + 6, len - 6);
	if (n < 0) {
		gs_replys(s, "E01");
		return;
	}
	cmd[n] = '\0';
	if (strncmp(cmd, "bridge", 6) != 0 || (cmd[6] != '\0' &&
	    cmd[6] != ' ')) {
		s->in_qrcmd = true;
		gs_forward(s, p, len);
		return;
	}
	s->in_qrcmd = true;
	if (strcmp(cmd, "bridge status") == 0 || strcmp(cmd, "bridge") == 0)
		gs_status_text(s);
	else if (strcmp(cmd, "bridge kdb") == 0) {
		br_target_enter_kdb(s->g->br->target);
		gs_outputf(s, "switching the target to kdb ($3#33); gdb "
		    "requests switch it back. Detach or use the console.\n");
	} else if (strcmp(cmd, "bridge cache") == 0)
		gs_cache_cmd(s, "");
	else if (strncmp(cmd, "bridge cache ", 13) == 0)
		gs_cache_cmd(s, cmd + 13);
	else if (strcmp(cmd, "bridge step-irqs") == 0)
		gs_step_irqs_cmd(s, "");
	else if (strncmp(cmd, "bridge step-irqs ", 17) == 0)
		gs_step_irqs_cmd(s, cmd + 17);
	else if (strcmp(cmd, "bridge help") == 0)
		gs_outputf(s, "monitor bridge status   link, target state, "
		    "counters\nmonitor bridge kdb      hand the target to kdb "
		    "(console)\nmonitor bridge cache stats|on|off\n"
		    "                        the stop-state cache: counters, "
		    "or switch it\nmonitor bridge step-irqs masked|kernel\n"
		    "                        arm64: steps with interrupts "
		    "masked, or as kgdb does\nmonitor <kdb command>   runs in "
		    "kdb on the target\n");
	else
		gs_outputf(s, "unknown bridge command '%s' (try 'monitor "
		    "bridge help')\n", cmd + 6);
	gs_replys(s, "OK");
}

/* ---- '?' and stops */

static void
gs_stop_ready(void *arg, bool ok, const char *why)
{
	struct gsess	*s = gs_ctx_session(arg);
	char		 stop[64];
	size_t		 n;
	enum br_tstate	 st;

	if (s == NULL || !s->waiting_stop)
		return;
	if (ok && (n = br_target_last_stop(s->g->br->target, stop,
	    sizeof stop)) > 0) {
		br_gdb_stopped(s->g, stop, n);
		return;
	}
	/*
	 * Stopped (at kdb, or in gdb mode with no stop seen) but the stub
	 * would not answer: there is nothing to break into and no stop to
	 * wait for, so say so now.
	 */
	st = br_target_state(s->g->br->target);
	if (st == BR_TS_KDB || st == BR_TS_STOPPED_GDB) {
		gs_no_stop(s, why != NULL ? why : "the stub does not answer");
		return;
	}
	/* Still waiting: the target may be running. */
	log_info("gdb: no stop yet (%s); waiting for one", why ? why : "?");
	gs_running_reply(s);
}

/*
 * gdb asked '?' while the kernel runs. An all-stop gdb 13 cannot attach to
 * a running target: with no stop reply (an empty one, an O packet, or none
 * until its timeout) it spins in its wait loop and never reads the socket
 * again (seen with `set debug remote 1`). So the bridge breaks in, as if
 * --break-on-connect, and answers '?' with the stop. If it cannot break in,
 * see gs_no_stop().
 */
static void
gs_running_reply(struct gsess *s)
{
	char	err[BR_ERRLEN];

	s->waiting_stop = true;
	if (br_target_break(s->g->br->target, err) == 0) {
		if (s->g->br->console != NULL)
			br_notice(s->g->br, "gdb attached "
			    "while the kernel runs: breaking in");
		return;
	}
	/* br_gdb_stop_failed() may have answered already. */
	if (s->waiting_stop && s->resumed)
		gs_outputf(s, "kgdb-bridge: %s\n", err);
	else if (s->waiting_stop)
		gs_no_stop(s, err);
}

/*
 * gdb's '?' cannot be answered: the kernel runs and the bridge cannot stop
 * it. gdb 13 takes an error reply to '?' as a stop, then spins in its wait
 * loop (and with a vmlinux loaded it fails an internal assertion and dumps
 * core), and it shows no O text before the answer to '?'. "W00" ("not
 * running") makes it say "The target is not running" and give up cleanly;
 * the reason goes to the console and the log.
 */
static void
gs_no_stop(struct gsess *s, const char *why)
{
	enum br_tstate	st = br_target_state(s->g->br->target);
	const char	*what = st == BR_TS_KDB || st == BR_TS_STOPPED_GDB ?
			    "it is stopped but its stub does not answer" :
			    "it runs and cannot be stopped";

	log_warn("gdb: %s: cannot answer '?': %s: %s", s->peer, what, why);
	if (s->g->br->console != NULL)
		br_notice(s->g->br, "gdb asked where the "
		    "kernel stopped, but %s (%s); gdb is told the target is "
		    "not running", what, why);
	/*
	 * W00 ends the wait whatever it was for, as a stop reply does: a
	 * c/s answered here must not leave the session "resumed", or a
	 * later '?' would be taken for a wait after c/s (O text, no W00)
	 * and never answered.
	 */
	s->waiting_stop = false;
	s->resumed = false;
	s->range.on = false;
	gs_replys(s, "W00");
	gs_process(s);
}

void
br_gdb_stop_failed(struct br_gdb *g, const char *why)
{
	struct gsess	*s = g->ctl;

	if (s == NULL || s->closing || !s->waiting_stop)
		return;
	if (s->resumed) {
		/* gdb shows O text while it waits after c/s. */
		gs_outputf(s, "kgdb-bridge: %s\n", why);
		return;
	}
	gs_no_stop(s, why);
}

static void
gs_want_stop(struct gsess *s)
{
	struct br_gdb	*g = s->g;
	enum br_tstate	 st = br_target_state(g->br->target);
	char		 stop[64];
	size_t		 n;

	s->waiting_stop = true;
	n = br_target_last_stop(g->br->target, stop, sizeof stop);
	if (st == BR_TS_STOPPED_GDB && n > 0) {
		br_gdb_stopped(g, stop, n);
		return;
	}
	if (st == BR_TS_RUNNING || st == BR_TS_PANIC) {
		gs_running_reply(s);
		return;
	}
	br_target_enter_gdb(g->br->target, gs_stop_ready, gs_ctx_new(s, '?'));
}

/*
 * The kernel stopped in kdb or at kgdb's banner while gdb waits for a
 * stop: switch the stub to gdb mode and make gdb its stop reply.
 */
static void
gdb_synth_ready(void *arg, bool ok, const char *why)
{
	struct gsess	*s = gs_ctx_session(arg);
	struct br_gdb	*g;
	char		 stop[64], msg[256];

	if (s == NULL)
		return;		/* that gdb is gone */
	g = s->g;
	if (!ok) {
		snprintf(msg, sizeof msg, "the target stopped but would not "
		    "switch to gdb mode: %s", why != NULL ? why : "?");
		if (g->br->console != NULL)
			br_notice(g->br, "%s", msg);
		/* gdb waits for this stop: it must hear that none comes. */
		br_gdb_stop_failed(g, msg);
		return;
	}
	if (br_gdb_waiting_stop(g)) {
		br_target_last_stop(g->br->target, stop, sizeof stop);
		br_gdb_stopped(g, stop, strlen(stop));
	}
}

/* The target's controller callbacks (struct br_target_ctl). */
static void
gdb_ctl_stopped(void *arg, const char *payload, size_t len)
{
	br_gdb_stopped(arg, payload, len);
}

static void
gdb_ctl_output(void *arg, const void *text, size_t len)
{
	br_gdb_output(arg, text, len);
}

static void
gdb_ctl_stop_failed(void *arg, const char *why)
{
	br_gdb_stop_failed(arg, why);
}

static void
gdb_ctl_entered(void *arg, const char *how)
{
	struct br_gdb		*g = arg;
	struct br_target	*t = g->br->target;

	if (!br_gdb_waiting_stop(g) || br_target_switching(t))
		return;
	/* At kdb, the prompt comes first: the switch waits for it. */
	if ((strcmp(how, "kdb") == 0 && br_target_state(t) == BR_TS_KDB) ||
	    strcmp(how, "kgdb") == 0)
		br_target_enter_gdb(t, gdb_synth_ready, gs_ctx_new(g->ctl,
		    'E'));
}

bool
br_gdb_waiting_stop(const struct br_gdb *g)
{
	return (g != NULL && g->ctl != NULL && !g->ctl->closing &&
	    g->ctl->waiting_stop);
}

void
br_gdb_stopped(struct br_gdb *g, const char *payload, size_t len)
{
	if (g->step.phase == GSTEP_PREP)
		g->step.cancel = true;	/* a ^C gave gdb the stop it has */
	if (gstep_stopped(g, payload, len))
		return;
	gs_stopped_deliver(g, payload, len);
}

static void
gs_stopped_deliver(struct br_gdb *g, const char *payload, size_t len)
{
	struct gsess	*s = g->ctl;
	char		 status[64];
	int		 n;

	if (s == NULL || s->closing || !s->waiting_stop)
		return;
	if (!s->resumed) {
		/*
		 * The answer to gdb's '?': what kgdb would say to it ("S05",
		 * no thread), so gdb picks the same thread and prints the same
		 * thing as on a plain line. After c/s the stop reply goes as
		 * kgdb sent it.
		 */
		n = rsp_stop_status(status, sizeof status, payload, len);
		if (n >= 0) {
			payload = status;
			len = (size_t)n;
		}
	}
	if (s->resumed && s->range.on && gs_range_stop(s, payload, len))
		return;
	gs_stop_reply(s, payload, len);
}

/* The stop reply gdb waits for (now or once its query is answered). */
static void
gs_stop_reply(struct gsess *s, const char *payload, size_t len)
{
	s->range.on = false;
	if (len > 0 && (payload[0] == 'T' || payload[0] == 'S'))
		s->hc[0] = '\0';	/* kgdb_cpu_enter: Hc is current again */
	if (s->busy) {
		if (len < sizeof s->pending_stop) {
			memcpy(s->pending_stop, payload, len);
			s->pending_len = len;
		}
		return;
	}
	s->waiting_stop = false;
	s->resumed = false;
	gs_reply(s, payload, len);
	gs_process(s);
}

/* ---- vCont and range stepping */

static bool
gs_bp_at(const struct br_gdb *g, uint64_t pc)
{
	size_t	i;

	for (i = 0; i < g->nbp; i++)
		if (g->bp[i] == pc)
			return (true);
	return (false);
}

static void
gs_bp_forget(struct br_gdb *g)
{
	g->nbp = 0;
	g->nwatch = 0;
	g->bp_full = false;
}

/* gdb planted or lifted a breakpoint: "Zt,addr,kind" / "zt,addr,kind". */
static void
gs_bp_track(struct br_gdb *g, const char *p, size_t len)
{
	uint64_t	addr;
	size_t		i;

	if (len < 4 || p[2] != ',' || p[1] < '0' || p[1] > '4' ||
	    p[3] == '-' || rsp_hex_u64(p + 3, len - 3, &addr) <= 0) {
		g->bp_full = true;	/* unknown: be careful from now on */
		return;
	}
	if (p[1] >= '2') {
		if (p[0] == 'Z')
			g->nwatch++;
		else if (g->nwatch > 0)
			g->nwatch--;
		return;
	}
	for (i = 0; i < g->nbp && g->bp[i] != addr; i++)
		continue;
	if (p[0] == 'z') {
		if (i < g->nbp)
			g->bp[i] = g->bp[--g->nbp];
	} else if (i == g->nbp) {
		if (g->nbp == GDB_BP_MAX)
			g->bp_full = true;
		else
			g->bp[g->nbp++] = addr;
	}
}

/*
 * gdb's ^C during a range step. The range ends at its next stop, which
 * then says SIGINT. While the kernel runs, the bridge also breaks in as
 * for 'c', in case that stop was lost. While it is stopped, the stop, the
 * ack of the step or the pc read is on its way; a second ^C stops
 * waiting for it. Returns true if nothing more is to be done now.
 */
static bool
gs_range_intr(struct gsess *s)
{
	struct br_target	*t = s->g->br->target;
	char			 err[BR_ERRLEN];
	bool			 again = s->range.intr;

	s->range.intr = true;
	if (br_target_state(t) == BR_TS_RUNNING) {
		if (br_target_break(t, err) != 0)
			gs_outputf(s, "kgdb-bridge: %s\n", err);
		return (true);
	}
	return (!again);
}

/* End a range step: gdb gets the held stop (SIGINT if it pressed ^C). */
static void
gs_range_done(struct gsess *s)
{
	struct grange	*r = &s->range;
	uint64_t	 tid;

	/* Only a plain step of this thread becomes SIGINT; an oops, a
	 * reboot or an error goes to gdb as kgdb said it. */
	if (r->intr && r->stoplen >= 3 && memcmp(r->stop, "T05", 3) == 0 &&
	    rsp_stop_thread(r->stop, r->stoplen, &tid) &&
	    (uint32_t)tid == r->thread) {
		r->stop[1] = '0';
		r->stop[2] = '2';
	}
	log_debug("gdb: range step done");
	gs_stop_reply(s, r->stop, r->stoplen);
}

/* The pc from the reply to the bridge's 'p' (the pc alone) or 'g'. */
static bool
gs_reply_pc(const struct rsp_arch *a, const char *payload, size_t len,
    uint64_t *pc)
{
	struct rsp_regs	regs;

	if (len == 2 * a->numregbytes)
		return (rsp_regs_parse_g(a, payload, len, &regs) >= 0 &&
		    rsp_regs_get(&regs, a->pc, pc) == RSP_OK);
	return (rsp_reg_le(payload, len, a->regs[a->pc].size, pc) ==
	    RSP_OK);
}

static void
gs_range_pc(void *arg, const char *payload, size_t len, const char *err)
{
	struct gsess		*s = gs_ctx_session(arg);
	struct grange		*r;
	const struct rsp_arch	*a;
	uint64_t		 pc;

	if (s == NULL || !s->range.on || !s->waiting_stop)
		return;
	r = &s->range;
	a = s->g->br->arch;
	if (err == NULL && !r->intr && gs_reply_pc(a, payload, len, &pc) &&
	    pc >= r->start && pc < r->end && !(r->have_pc && pc == r->pc) &&
	    !gs_bp_at(s->g, pc)) {
		r->pc = pc;
		r->have_pc = true;
		/* Nothing read at this stop may be served after it. */
		br_cache_invalidate(s->g->br->cache, BR_CE_RESUME);
		if (gs_target_resume(s->g, "s", 1) == 0)
			return;
	}
	gs_range_done(s);
}

/*
 * A stop while a range step runs. Returns true if the bridge took it
 * (it reads the pc, then steps again or hands the stop to gdb).
 */
static bool
gs_range_stop(struct gsess *s, const char *payload, size_t len)
{
	struct br_gdb		*g = s->g;
	struct grange		*r = &s->range;
	const struct rsp_arch	*a = g->br->arch;
	uint64_t		 tid;
	char			 req[16];

	if (len >= sizeof r->stop)
		return (false);
	memcpy(r->stop, payload, len);
	r->stoplen = len;
	if (r->intr) {
		gs_range_done(s);
		return (true);
	}
	/* Only a plain step of the same thread goes on. */
	if (a == NULL || a->pc < 0 || g->nwatch > 0 || g->bp_full ||
	    len < 3 || memcmp(payload, "T05", 3) != 0 ||
	    !rsp_stop_thread(payload, len, &tid) || (uint32_t)tid != r->thread)
		return (false);
	/* On failure the callbacks below have run already and delivered the
	 * stop. */
	if (!r->have_pc && r->end - r->start <= GDB_RANGE_SHORT &&
	    g->br->cache != NULL && br_cache_enabled(g->br->cache)) {
		/*
		 * A short range most likely ends at its first stop (one
		 * instruction): read every register, and the cache answers
		 * gdb's own 'g' with them, one round trip less. Otherwise
		 * read the pc alone (22 bytes, not 316).
		 */
		(void)br_cache_forward(g->br, "g", 1,
		    gs_range_pc, gs_ctx_new(s, 'r'));
		return (true);
	}
	snprintf(req, sizeof req, "p%x", (unsigned)a->regs[a->pc].regnum);
	(void)br_target_request(g->br->target, req, strlen(req), gs_range_pc,
	    gs_ctx_new(s, 'r'));
	return (true);
}

/* The thread the kernel stopped in, if the last stop reply names it. */
static bool
gs_stopped_thread(struct gsess *s, uint64_t *tid)
{
	char	stop[64];
	size_t	n;

	n = br_target_last_stop(s->g->br->target, stop, sizeof stop);
	return (rsp_stop_thread(stop, n, tid));
}

/* Resume as vCont asked; the Hc it needed is in place. */
static void
gs_vcont_go(struct gsess *s)
{
	struct gvcont	*v = &s->vc;
	struct grange	*r = &s->range;
	uint64_t	 tid = 0;
	bool		 ok = true;

	if (v->range && v->any) {
		/* The range is for the thread that is stopped now. */
		ok = gs_stopped_thread(s, &tid);
		v->thread = (uint32_t)tid;
	}
	gs_resume(s, v->cmd, strlen(v->cmd));
	if (!v->range || !ok || !s->waiting_stop || s->g->br->arch == NULL)
		return;
	memset(r, 0, sizeof *r);
	r->on = true;
	r->start = v->start;
	r->end = v->end;
	r->thread = v->thread;
}

static void
gs_vcont_hc(void *arg, const char *payload, size_t len, const char *err)
{
	struct gsess	*s = gs_ctx_session(arg);

	if (s == NULL)
		return;
	if (err != NULL || !is_exactly(payload, len, "OK")) {
		/* As kgdb would refuse gdb's own Hc: gdb sees the error. */
		if (err != NULL)
			gs_replys(s, "E05");
		else
			gs_reply(s, payload, len);
		gs_process(s);
		return;
	}
	snprintf(s->hc, sizeof s->hc, "%s", s->vc.hc);
	gs_vcont_go(s);
}

static void
gs_vcont_refuse(struct gsess *s, const char *why)
{
	char	buf[256];

	log_info("gdb: vCont refused: %s", why);
	snprintf(buf, sizeof buf, "E.kgdb-bridge: %s", why);
	gs_replys(s, buf);
}

/*
 * vCont to kgdb's c/s/C/S: kgdb resumes every CPU and steps only the
 * current thread, so one thread may step (or get a signal) and the rest
 * may only continue. When no default action is given (gdb's scheduler
 * locking, or a step over a breakpoint), the thread goes to kgdb with Hc
 * first, as gdb itself does without vCont; kgdb then refuses to resume
 * any other thread. vCont;r becomes 's' and the loop above.
 */
static void
gs_vcont(struct gsess *s, const char *p, size_t len)
{
	struct rsp_vcont		 v;
	const struct rsp_vcont_act	*act = NULL, *dflt = NULL, *a;
	struct gvcont			*vc = &s->vc;
	uint64_t			 cur;
	bool				 lock, need;
	size_t				 i;
	char				 req[32];
	int				 rc;

	if ((rc = rsp_vcont_parse(p, len, &v)) != RSP_OK) {
		gs_vcont_refuse(s, rc == RSP_ERR_TOOBIG ? "vCont: too many "
		    "actions" : "malformed vCont packet");
		return;
	}
	for (i = 0; i < v.n; i++) {
		a = &v.act[i];
		if (a->op == 't') {
			gs_vcont_refuse(s, "kgdb cannot stop one thread "
			    "(vCont;t)");
			return;
		}
		if (a->any) {
			if (dflt == NULL)
				dflt = a;	/* the leftmost applies */
		} else if (a->op != 'c' || act == NULL) {
			if (act != NULL && act->op != 'c') {
				gs_vcont_refuse(s, "kgdb steps or signals "
				    "one thread at a time");
				return;
			}
			act = a;
		}
	}
	if (act == NULL)
		act = dflt;
	if (dflt != NULL && dflt != act && dflt->op != 'c') {
		gs_vcont_refuse(s, "kgdb resumes every other thread: only "
		    "'c' for them");
		return;
	}
	memset(vc, 0, sizeof *vc);
	switch (act->op) {
	case 'C':
	case 'S':
		snprintf(vc->cmd, sizeof vc->cmd, "%c%02x", act->op,
		    act->sig);
		break;
	case 'r':
		vc->range = true;
		vc->start = act->start;
		vc->end = act->end;
		vc->any = act->any;
		vc->thread = (uint32_t)act->thread;
		/* FALLTHROUGH */
	default:
		vc->cmd[0] = act->op == 'c' ? 'c' : 's';
		break;
	}
	lock = dflt == NULL && !act->any;
	if (lock) {
		/* kgdb's Hc is the thread that stopped unless set since. */
		snprintf(vc->hc, sizeof vc->hc, "%" PRIx64, act->thread);
		if (s->hc[0] != '\0')
			need = rsp_hex_u64(s->hc, strlen(s->hc), &cur) <= 0 ||
			    cur != act->thread;
		else
			need = !gs_stopped_thread(s, &cur) ||
			    (uint32_t)cur != (uint32_t)act->thread;
	} else {
		snprintf(vc->hc, sizeof vc->hc, "0");
		need = s->hc[0] != '\0' && strcmp(s->hc, "0") != 0 &&
		    strcmp(s->hc, "-1") != 0;
	}
	if (!need) {
		gs_vcont_go(s);
		return;
	}
	snprintf(req, sizeof req, "Hc%s", vc->hc);
	(void)br_target_request(s->g->br->target, req, strlen(req),
	    gs_vcont_hc, gs_ctx_new(s, 'H'));
}

void
br_gdb_output(struct br_gdb *g, const void *text, size_t len)
{
	struct gsess	*s = g->ctl;

	if (s == NULL || s->closing || !((s->waiting_stop && s->resumed) ||
	    s->in_qrcmd))
		return;
	gs_output(s, text, len);
}

bool
br_gdb_attached(const struct br_gdb *g)
{
	return (g != NULL && g->ctl != NULL && !g->ctl->closing);
}

/* ---- dispatch */

static void
gs_resume(struct gsess *s, const char *p, size_t len)
{
	struct br_gdb	*g = s->g;
	enum br_tstate	 st = br_target_state(g->br->target);

	s->range.on = false;
	/* Nothing read before this is served after it. */
	br_cache_invalidate(g->br->cache, p[0] == 'D' ? BR_CE_DETACH :
	    BR_CE_RESUME);
	if (p[0] == 'D') {
		/* Detach leaves the kernel stopped (see the top). */
		gs_replys(s, "OK");
		gs_close_after_flush(s, "detached");
		return;
	}
	if (p[0] == 'k') {
		gs_bp_forget(g);	/* kgdb removes them all */
		if (st == BR_TS_STOPPED_GDB)
			(void)br_target_resume(g->br->target, "k", 1);
		s->busy = false;
		gs_close_after_flush(s, "killed the session");
		return;
	}
	/* No reply now: the stop reply answers it. */
	s->busy = false;
	s->waiting_stop = true;
	s->resumed = true;
	if (gs_target_resume(g, p, len) != 0) {
		s->waiting_stop = false;
		s->resumed = false;
		gs_replys(s, "E05");
	}
}

static void
gs_packet(struct gsess *s, const char *p, size_t len)
{
	struct br_gdb	*g = s->g;
	int		 caps;

	s->busy = true;
	if (len == 0) {
		gs_replys(s, "");
		return;
	}
	switch (p[0]) {
	case '?':
		/* Answered by the next stop reply, not as a request. */
		s->busy = false;
		gs_want_stop(s);
		return;
	case 'c':
	case 's':
	case 'C':
	case 'S':
	case 'D':
	case 'k':
		gs_resume(s, p, len);
		return;
	case 'p':
		if (gs_local_p(s, p, len))
			return;
		break;
	case 'Z':
	case 'z':
		if (len < sizeof s->z_req)
			snprintf(s->z_req, sizeof s->z_req, "%.*s", (int)len,
			    p);
		else
			g->bp_full = true;	/* not a breakpoint we know */
		break;
	case 'H':
		if (len > 2 && p[1] == 'c' && len - 2 < sizeof s->hc_req)
			snprintf(s->hc_req, sizeof s->hc_req, "%.*s",
			    (int)(len - 2), p + 2);
		break;
	case 'X':
		caps = g->br->link != NULL ? br_link_caps(g->br->link) : 0;
		if (caps & BR_LINK_NO_8BIT) {
			gs_replys(s, "");	/* gdb falls back to M */
			return;
		}
		break;
	case '3':
		if (len == 1) {
			gs_bp_forget(g);	/* kgdb removes them all */
			br_cache_invalidate(g->br->cache, BR_CE_KDB);
			br_target_enter_kdb(g->br->target);
			gs_replys(s, "OK");
			return;
		}
		break;
	case 'q':
	case 'Q':
	case 'v':
		if (has_prefix(p, len, "qSupported")) {
			gs_qsupported(s);
			return;
		}
		if (is_exactly(p, len, "QStartNoAckMode")) {
			gs_replys(s, "OK");
			s->noack = true;
			rsp_demux_expect_ack(s->dm, false);
			return;
		}
		if (has_prefix(p, len, "qXfer:features:read:target.xml:")) {
			gs_xfer_features(s, p, len);
			return;
		}
		if (has_prefix(p, len, "qRcmd,")) {
			gs_qrcmd(s, p, len);
			return;
		}
		if (is_exactly(p, len, "qAttached") ||
		    has_prefix(p, len, "qAttached:")) {
			gs_replys(s, "1");
			return;
		}
		if (is_exactly(p, len, "vCont?")) {
			/* gdb wants all four of c C s S, or uses none. */
			gs_replys(s, g->br->arch != NULL && g->br->arch->pc >=
			    0 ? "vCont;c;C;s;S;r" : "");
			return;
		}
		if (has_prefix(p, len, "vCont;")) {
			gs_vcont(s, p, len);
			return;
		}
		if (has_prefix(p, len, "qSymbol")) {
			gs_replys(s, "OK");
			return;
		}
		if (is_exactly(p, len, "vMustReplyEmpty") ||
		    is_exactly(p, len, "qTStatus") ||
		    is_exactly(p, len, "qOffsets") ||
		    has_prefix(p, len, "vKill") ||
		    has_prefix(p, len, "qXfer:") ||
		    has_prefix(p, len, "vFile:") ||
		    has_prefix(p, len, "qTfP") || has_prefix(p, len, "qTfV")) {
			gs_replys(s, "");
			return;
		}
		break;
	}
	gs_forward(s, p, len);
}

/* Take queued packets while the session is free. */
static void
gs_process(struct gsess *s)
{
	struct gpend	 pk;

	while (!s->closing && !s->busy && !s->waiting_stop && s->nqueue > 0) {
		pk = s->queue[0];
		memmove(&s->queue[0], &s->queue[1], (s->nqueue - 1) *
		    sizeof s->queue[0]);
		s->nqueue--;
		gs_packet(s, pk.p, pk.len);
		free(pk.p);
	}
	gs_unpause(s);
}

static void
gs_demux_cb(void *arg, const struct rsp_event *ev)
{
	struct gsess	*s = arg;
	struct br_gdb	*g = s->g;
	char		 err[BR_ERRLEN];
	size_t		 i;
	int		 rc;

	if (s->closing)
		return;
	switch (ev->type) {
	case RSP_EV_CONSOLE:
		for (i = 0; i < ev->len; i++) {
			if (ev->data[i] != RSP_INTERRUPT || s->refused)
				continue;
			log_info("gdb: interrupt");
			if (s->waiting_stop && s->range.on && gs_range_intr(s))
				continue;
			if (s->waiting_stop) {
				rc = br_target_break(g->br->target, err);
				/* A failed break-in may have answered gdb
				 * already (br_gdb_stop_failed): once only. */
				if (!s->waiting_stop)
					continue;
				if (rc != 0 && s->resumed)
					gs_outputf(s, "kgdb-bridge: %s\n",
					    err);
				else if (br_target_state(g->br->target) !=
				    BR_TS_RUNNING)
					gs_want_stop(s);
			}
		}
		break;
	case RSP_EV_BADPKT:
		if (!s->noack)
			(void)gs_raw(s, "-", 1);
		break;
	case RSP_EV_NAK:
		if (s->last != NULL)
			(void)gs_raw(s, s->last, s->lastlen);
		break;
	case RSP_EV_ACK:
	case RSP_EV_MARK:
		break;
	case RSP_EV_PACKET:
	case RSP_EV_OUTPUT:
		if (!s->noack && gs_raw(s, "+", 1) != 0)
			return;
		if (!s->spoke) {
			s->spoke = true;
			evtimer_del(s->idle_ev);
		}
		if (g->br->transcript != NULL)
			br_transcript_packet(g->br->transcript, 'g', ev->raw,
			    ev->rawlen, NULL);
		if (s->refused) {
			gs_sends(s, s->refuse_why != NULL ? s->refuse_why :
			    "E.another gdb is already attached to this target "
			    "(kgdb-bridge --takeover replaces it)");
			gs_close_after_flush(s, "refused");
			return;
		}
		if (s->nqueue == GDB_QUEUE_MAX) {
			/* gs_read_cb feeds no more than fits: a broken
			 * invariant, but never a crash. */
			log_warn("gdb: %s: too many queued packets", s->peer);
			gs_sends(s, "E.kgdb-bridge: too many requests in "
			    "flight");
			gs_close_after_flush(s, "flooded the bridge");
			return;
		}
		s->queue[s->nqueue].p = xmalloc(ev->len + 1);
		memcpy(s->queue[s->nqueue].p, ev->data, ev->len);
		s->queue[s->nqueue].p[ev->len] = '\0';
		s->queue[s->nqueue++].len = ev->len;
		gs_process(s);
		break;
	}
}

/*
 * Feed gdb's bytes to the demux, but only as many as can become packets
 * the queue has room for (a packet is at least 4 bytes), and not while
 * gdb leaves its replies unread: a gdb that pipelines without reading is
 * slowed down by TCP, not cut off, and costs bounded memory.
 */
static void
gs_read_cb(struct bufferevent *bev, void *arg)
{
	struct gsess	*s = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	uint8_t		 buf[4096];
	size_t		 room;
	int		 n;

	for (;;) {
		if (s->closing) {
			evbuffer_drain(in, evbuffer_get_length(in));
			return;
		}
		room = (GDB_QUEUE_MAX - s->nqueue) * 4;
		if (room > sizeof buf)
			room = sizeof buf;
		if (room == 0 || br_peer_unread(bev) > GDB_OUT_SOFT) {
			if (evbuffer_get_length(in) > 0 && !s->rpaused) {
				s->rpaused = true;
				bufferevent_disable(bev, EV_READ);
			}
			return;
		}
		if ((n = evbuffer_remove(in, buf, room)) <= 0)
			break;
		rsp_demux_feed(s->dm, buf, (size_t)n, br_now_ms(),
		    gs_demux_cb, s);
	}
	if (s->rpaused) {
		s->rpaused = false;
		bufferevent_enable(bev, EV_READ);
	}
}

static void
gs_resume_cb(int fd, short what, void *arg)
{
	struct gsess	*s = arg;

	(void)fd;
	(void)what;
	gs_read_cb(s->bev, s);
}

/* Queue or output room again: read on (outside any callback of ours). */
static void
gs_unpause(struct gsess *s)
{
	if (s->rpaused && !s->closing)
		event_active(s->resume_ev, EV_TIMEOUT, 0);
}

static void
gs_idle_cb(int fd, short what, void *arg)
{
	struct gsess	*s = arg;

	(void)fd;
	(void)what;
	if (s->spoke || s->closing)
		return;
	gs_close(s, "sent no gdb packet in time (--idle-timeout)");
}

static void
gs_write_cb(struct bufferevent *bev, void *arg)
{
	struct gsess	*s = arg;

	(void)bev;
	if (s->detached && !s->closing)
		gs_close(s, s->refused ? "refused" : "detached");
	gs_unpause(s);
}

static void
gs_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct gsess	*s = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		if (s->detached)
			s->refused = true;
		s->flush = false;	/* nobody left to read it */
		gs_close(s, what & BEV_EVENT_EOF ? "disconnected" :
		    "connection error");
	}
}

static void
gdb_accept(struct br_gdb *g, int fd, const char *peer)
{
	struct gsess		*s;
	struct rsp_demux_cfg	 cfg;
	enum br_tstate		 st;
	int			 on = 1;

	if (g->nsess >= GDB_SESS_MAX) {
		static const char full[] = "E.kgdb-bridge: too many "
		    "connections on the gdb port";
		char	frame[sizeof full + RSP_PKT_OVERHEAD];
		int	n;

		log_warn("gdb: %s refused: %d connections already", peer,
		    GDB_SESS_MAX);
		n = rsp_pkt_encode(frame, sizeof frame, full, sizeof full - 1);
		if (n > 0 && write(fd, frame, (size_t)n) == -1) {
			/* It is refused either way. */
		}
		evutil_closesocket(fd);
		return;
	}
	evutil_make_socket_nonblocking(fd);
	/*
	 * Every reply is one small write that gdb waits for; a reply that
	 * follows O packets must not sit behind Nagle until gdb's delayed
	 * ACK. Fails harmlessly on a Unix socket.
	 */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	s = xcalloc(1, sizeof *s);
	s->g = g;
	s->id = ++g->next_id;
	snprintf(s->peer, sizeof s->peer, "%s", peer);
	memset(&cfg, 0, sizeof cfg);
	cfg.max_payload = GDB_PKT_MAX;
	cfg.hold_bytes = 2 * GDB_PKT_MAX + RSP_PKT_OVERHEAD;
	cfg.binary = true;
	if ((s->dm = rsp_demux_new(&cfg)) == NULL)
		fatalx("rsp_demux_new");
	s->bev = bufferevent_socket_new(g->br->base, fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (s->bev == NULL)
		fatalx("bufferevent_socket_new");
	bufferevent_setcb(s->bev, gs_read_cb, gs_write_cb, gs_event_cb, s);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&g->all, s, entry);
	g->nsess++;
	s->idle_ev = evtimer_new(g->br->base, gs_idle_cb, s);
	s->resume_ev = event_new(g->br->base, -1, 0, gs_resume_cb, s);
	if (s->idle_ev == NULL || s->resume_ev == NULL)
		fatalx("gdb: out of memory");
	if (g->br->opts.idle_timeout > 0) {
		struct timeval	tv = { g->br->opts.idle_timeout, 0 };

		evtimer_add(s->idle_ev, &tv);
	}

	if (br_link_caps(g->br->link) & BR_LINK_CONSOLE_ONLY) {
		log_warn("gdb: %s refused: %s carries no kgdb", peer,
		    br_link_name(g->br->link));
		s->refused = true;
		s->refuse_why = "E.this link is an xHCI debug capability: it "
		    "carries the console only, kgdb cannot use it (put "
		    "kgdboc on a serial port)";
		return;
	}
	if (g->ctl != NULL && !g->ctl->closing && !g->ctl->spoke) {
		/* A port scan or a health check never holds the target
		 * against a real gdb. */
		g->ctl->flush = false;
		gs_close(g->ctl, "replaced: it never sent a gdb packet");
	}
	if (g->ctl != NULL && !g->ctl->closing) {
		if (!g->br->opts.takeover) {
			log_warn("gdb: %s refused: %s holds the target", peer,
			    g->ctl->peer);
			if (g->br->console != NULL)
				br_notice(g->br, "refused a "
				    "second gdb from %s (%s is attached; "
				    "--takeover allows it)", peer,
				    g->ctl->peer);
			s->refused = true;
			return;
		}
		gs_close(g->ctl, "replaced by a new gdb (--takeover)");
	}
	g->ctl = s;
	if (g->br->target != NULL)
		br_target_hold_console(g->br->target, true);
	log_info("gdb: %s attached", peer);
	br_notify(g->br, BR_NOTE_GDB_ATTACH, peer);
	if (g->br->console != NULL)
		br_notice(g->br, "gdb attached from %s", peer);
	st = br_target_state(g->br->target);
	if (st == BR_TS_KDB)
		br_target_enter_gdb(g->br->target, NULL, NULL);
	else if (g->br->opts.break_on_connect && (st == BR_TS_RUNNING ||
	    st == BR_TS_PANIC)) {
		char	err[BR_ERRLEN];

		if (br_target_break(g->br->target, err) != 0)
			log_warn("gdb: break on connect: %s", err);
	}
}

static void
gdb_listen_cb(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct br_gdb	*g = arg;
	char		 host[NI_MAXHOST], serv[NI_MAXSERV];
	char		 peer[NI_MAXHOST + NI_MAXSERV + 2];

	(void)lis;
	if (getnameinfo(sa, (socklen_t)salen, host, sizeof host, serv,
	    sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(peer, sizeof peer, "?");
	else
		snprintf(peer, sizeof peer, "%s:%s", host, serv);
	gdb_accept(g, fd, peer);
}

static void
gdb_unix_cb(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct br_gdb	*g = arg;
	char		 peer[128];

	(void)lis;
	(void)sa;
	(void)salen;
	snprintf(peer, sizeof peer, "unix:%s", g->br->opts.gdb_socket);
	gdb_accept(g, fd, peer);
}

void
br_gdb_attach_fd(struct br_gdb *g, int fd)
{
	char	peer[32];

	snprintf(peer, sizeof peer, "fd %d", fd);
	gdb_accept(g, fd, peer);
}

int
br_gdb_port(const struct br_gdb *g)
{
	return (g->port);
}

static int
gdb_listen(struct br_gdb *g, const char *addr, int port, char *err)
{
	g->lis = br_peer_tcp_listen(g->br->base, addr, port, "gdb",
	    gdb_listen_cb, g, &g->port, err);
	if (g->lis == NULL)
		return (-1);
	g->guard = br_lguard_new(g->br->base, g->lis, "gdb port");
	return (0);
}

/*
 * opts.gdb_port: BR_PORT_OFF turns the listener off (br_gdb_attach_fd
 * still works); 0 binds any free port (see br_gdb_port).
 */
struct br_gdb *
br_gdb_new(struct bridge *br, char *err)
{
	struct br_gdb	*g;
	size_t		 size = 16384;
	int		 n;

	g = xcalloc(1, sizeof *g);
	g->br = br;
	TAILQ_INIT(&g->all);
	TAILQ_INIT(&g->ctxs);
	g->step_irqs = br->opts.step_irqs;
	g->pstate_reg = rsp_arch_reg_by_name(br->arch, "cpsr");
	for (;;) {
		g->tdesc = xrealloc(g->tdesc, size);
		n = rsp_tdesc_xml(br->arch, g->tdesc, size);
		if (n >= 0)
			break;
		if (n != RSP_ERR_TOOBIG || size > 1024 * 1024) {
			br_seterr(err, "target description: %s",
			    rsp_strerror(n));
			free(g->tdesc);
			free(g);
			return (NULL);
		}
		size *= 2;
	}
	g->tdesc_len = (size_t)n;
	g->reap_ev = event_new(br->base, -1, 0, gdb_reap, g);
	br->resume = gdb_resume_hook;
	br->resume_arg = g;
	if (br->target != NULL) {
		struct br_target_ctl	ctl = {
			.stopped = gdb_ctl_stopped,
			.output = gdb_ctl_output,
			.stop_failed = gdb_ctl_stop_failed,
			.entered = gdb_ctl_entered,
			.arg = g,
		};

		br_target_set_controller(br->target, &ctl);
	}
	if (br->opts.gdb_port != BR_PORT_OFF && gdb_listen(g,
	    br->opts.listen != NULL ? br->opts.listen : BR_DEFAULT_LISTEN,
	    br->opts.gdb_port, err) != 0) {
		br_gdb_free(g);
		return (NULL);
	}
	if (br->opts.gdb_socket != NULL) {
		int	fd;

		if ((fd = br_peer_unix_listen(br->opts.gdb_socket, "gdb",
		    err)) == -1) {
			br_gdb_free(g);
			return (NULL);
		}
		g->ulis = evconnlistener_new(br->base, gdb_unix_cb, g,
		    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
		if (g->ulis == NULL) {
			br_seterr(err, "gdb socket: %s", strerror(errno));
			close(fd);
			unlink(br->opts.gdb_socket);
			br_gdb_free(g);
			return (NULL);
		}
		g->uguard = br_lguard_new(br->base, g->ulis, "gdb socket");
	}
	return (g);
}

void
br_gdb_free(struct br_gdb *g)
{
	struct gsess	*s;
	struct gctx	*c;

	if (g == NULL)
		return;
	if (g->br->resume_arg == g) {
		g->br->resume = NULL;
		g->br->resume_arg = NULL;
	}
	if (g->br->target != NULL) {
		br_target_set_controller(g->br->target, NULL);
		br_target_hold_console(g->br->target, false);
	}
	br_lguard_free(g->guard);
	if (g->lis != NULL)
		evconnlistener_free(g->lis);
	br_lguard_free(g->uguard);
	if (g->ulis != NULL) {
		evconnlistener_free(g->ulis);
		unlink(g->br->opts.gdb_socket);
	}
	while ((c = TAILQ_FIRST(&g->ctxs)) != NULL) {
		TAILQ_REMOVE(&g->ctxs, c, entry);
		c->g = NULL;	/* target.c frees it when it calls back */
	}
	while ((s = TAILQ_FIRST(&g->all)) != NULL)
		gs_free(s);
	event_free(g->reap_ev);
	free(g->tdesc);
	free(g);
}
