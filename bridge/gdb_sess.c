/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/gdb_sess.c: the bottom of the gdb front end, called by its other
 * files and calling none of them: output to gdb (packets, O text,
 * replies), a session's close and free, requests to the target on a
 * session's behalf (through the stop-state cache), the breakpoints gdb
 * planted, and the pump that takes gdb's queued packets, which it hands
 * to the dispatcher gdb.c installed (br_gdb's packet).
 */
#include <sys/queue.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "bridge/bridge.h"
#include "bridge/gdb_int.h"
#include "bridge/sleepers.h"

static void	gs_bp_track(struct br_gdb *, const char *, size_t);

/* ---- output to gdb */

/* Every byte for gdb goes through here; past GDB_OUT_MAX unread bytes
 * (O text to a gdb that does not read) the peer closes it. */
int
gs_raw(struct gsess *s, const void *buf, size_t len)
{
	return (br_peer_send(s->pr, buf, len));
}

static void
gs_send(struct gsess *s, const void *payload, size_t len)
{
	char	frame[GDB_FRAME_MAX];
	int	n;

	if (gs_gone(s))
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

void
gs_sends(struct gsess *s, const char *str)
{
	gs_send(s, str, strlen(str));
}

/* Text as O packets (only while gdb accepts them). */
void
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

static void
gs_output_text(void *arg, const char *text, size_t len)
{
	gs_output(arg, text, len);
}

void printflike(2, 3)
gs_outputf(struct gsess *s, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	br_voutf(gs_output_text, s, fmt, ap);
	va_end(ap);
}

/* The reply to the current packet: the session may take the next. */
void
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

void
gs_replys(struct gsess *s, const char *str)
{
	gs_reply(s, str, strlen(str));
}

/* ---- session lifetime (the connection's is peer.c's) */

/* The session's own state; its peer is freed already (or by the caller). */
void
gs_freed(void *arg)
{
	struct gsess	*s = arg;
	size_t		 i;

	TAILQ_REMOVE(&s->g->all, s, entry);
	s->g->nsess--;
	event_free(s->resume_ev);
	rsp_demux_free(s->dm);
	for (i = 0; i < s->nqueue; i++)
		free(s->queue[i].p);
	free(s->last);
	free(s);
}

/* At once, with its connection (br_gdb_free). */
void
gs_free(struct gsess *s)
{
	br_peer_free(s->pr);
	gs_freed(s);
}

/* The connection closed, for whatever reason: the controlling gdb is
 * gone (console keys free, a detach announced). */
void
gs_closed(struct br_peer *p, const char *why, void *arg)
{
	struct gsess	*s = arg;
	struct br_gdb	*g = s->g;

	(void)p;
	if (g->ctl != s)
		return;
	g->ctl = NULL;
	g->br->front.gdb_attached = false;
	if (g->br->target != NULL)
		br_target_hold_console(g->br->target, false);
	br_notify(g->br, BR_NOTE_GDB_DETACH, why);
	if (g->br->console != NULL)
		br_notice(g->br, "gdb %s %s; the target is %s",
		    br_peer_name(s->pr), why, g->br->target != NULL ?
		    br_target_state_name(br_target_state(g->br->target)) :
		    "unknown");
}

void
gs_close(struct gsess *s, const char *why)
{
	br_peer_close(s->pr, why);
}

/* Close once the output has drained (refusals, detach). */
void
gs_close_after_flush(struct gsess *s, const char *why)
{
	br_peer_close_after_flush(s->pr, why, GDB_FLUSH_MS);
}

/* ---- requests to the target */

/* The controlling session a request was made for, if it is still there;
 * frees the context. */
struct gsess *
gs_ctx_session(struct gctx *c)
{
	struct br_gdb	*g = c->g;
	struct gsess	*s;

	if (g != NULL)
		TAILQ_REMOVE(&g->ctxs, c, entry);
	s = g != NULL ? g->ctl : NULL;
	if (s == NULL || s->id != c->sess_id || gs_gone(s))
		s = NULL;
	free(c);
	return (s);
}

struct gctx *
gs_ctx_new(struct gsess *s, char kind)
{
	struct gctx	*c = xcalloc(1, sizeof *c);

	c->g = s->g;
	c->sess_id = s->id;
	c->kind = kind;
	TAILQ_INSERT_TAIL(&s->g->ctxs, c, entry);
	return (c);
}

/*
 * A request of the bridge's own for one of gdb's helpers (arm64's masked
 * steps, riscv64's compiled break), not gdb's. Its callback takes the
 * br_gdb from gs_own_gdb: NULL once gdb is freed, and NULL while
 * gs_own_request still runs. br_target_request answers a request it
 * cannot queue through the callback at once and also returns -1; only
 * the caller handles that -1, so the callback must not handle the same
 * failure a second time (two resumes, or two replies to one packet).
 */
struct gctx *
gs_own_ctx(struct br_gdb *g, char kind, const bool *requesting)
{
	struct gctx	*c = xcalloc(1, sizeof *c);

	c->g = g;
	c->kind = kind;
	c->requesting = requesting;
	TAILQ_INSERT_TAIL(&g->ctxs, c, entry);
	return (c);
}

int
gs_own_request(struct br_gdb *g, bool *requesting, char kind,
    const char *req, br_reply_cb *cb)
{
	struct gctx	*c = gs_own_ctx(g, kind, requesting);
	int		 rc;

	*requesting = true;
	rc = br_target_request(g->br->target, req, strlen(req), cb, c);
	*requesting = false;
	return (rc);
}

struct br_gdb *
gs_own_gdb(struct gctx *c)
{
	struct br_gdb	*g = c->g;
	bool		 inside = g != NULL && c->requesting != NULL &&
			    *c->requesting;

	if (g != NULL)
		TAILQ_REMOVE(&g->ctxs, c, entry);
	free(c);
	return (inside ? NULL : g);
}

/*
 * A resume that gdb waits for could not be sent after all, found in the
 * callback of one of the bridge's own requests: gdb gets E05, as for a
 * resume refused at once, and what it sent meanwhile is taken.
 */
void
gs_resume_failed(struct gsess *s)
{
	s->waiting_stop = false;
	s->resumed = false;
	gs_replys(s, "E05");
	gs_process(s);
}

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
	else if (kind == 'Z' && s->z_moved && s->g->bpg.nmoved > 0)
		s->g->bpg.nmoved--;	/* gdb_bpguard.c's last move: not in */
	s->z_req[0] = '\0';
	s->z_moved = false;
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

void
gs_forward(struct gsess *s, const char *p, size_t len)
{
	struct br_gdb	*g = s->g;
	struct gctx	*c = gs_ctx_new(s, len > 0 ? p[0] : 0);

	/*
	 * Through the stop-state cache (relays as is when there is none or
	 * it is off), by way of sleepers.c (a sleeping task's registers). A
	 * hit, like a refusal, has already run the callback.
	 */
	(void)br_sleepers_forward(g->br, p, len,
	    gdb_reply_cb, c);
}

/* Take queued packets while the session is free. */
void
gs_process(struct gsess *s)
{
	struct gpend	 pk;

	while (!gs_gone(s) && !s->busy && !s->waiting_stop && s->nqueue > 0) {
		pk = s->queue[0];
		memmove(&s->queue[0], &s->queue[1], (s->nqueue - 1) *
		    sizeof s->queue[0]);
		s->nqueue--;
		s->g->packet(s, pk.p, pk.len);
		free(pk.p);
	}
	gs_unpause(s);
}

/* Queue or output room again: read on (outside any callback of ours). */
void
gs_unpause(struct gsess *s)
{
	if (s->rpaused && !gs_gone(s))
		event_active(s->resume_ev, EV_TIMEOUT, 0);
}

/* The stop reply gdb waits for (now or once its query is answered). */
void
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

bool
gs_bp_at(const struct br_gdb *g, uint64_t pc)
{
	size_t	i;

	for (i = 0; i < g->nbp; i++)
		if (g->bp[i] == pc)
			return (true);
	return (false);
}

void
gs_bp_forget(struct br_gdb *g)
{
	g->nbp = 0;
	g->nwatch = 0;
	g->bp_full = false;
	g->rv.virt_z = false;
	g->bpg.nmoved = 0;	/* kgdb lifts every breakpoint on D and k */
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
