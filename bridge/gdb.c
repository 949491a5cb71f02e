/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/gdb.c: the gdb port and the one controlling gdb: sessions, output
 * to gdb, local answers and the dispatch of gdb's packets. Stops are in
 * gdb_stop.c, resumes (vCont, range and masked steps) in gdb_vcont.c,
 * `monitor bridge ...` in gdb_monitor.c; gdb_int.h is what they share.
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
 *    and the next gdb gets the same stop with its thread (gs_stopped_deliver),
 *    from the bridge: a '?' to the target would drop every breakpoint.
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
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "bridge/bridge.h"
#include "bridge/gdb_int.h"
#include "bridge/taskregs.h"


static bool
has_prefix(const char *p, size_t len, const char *pre)
{
	size_t	n = strlen(pre);

	return (len >= n && memcmp(p, pre, n) == 0);
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

/* ---- dispatch: one handler per packet kind */

/* '?': answered by the next stop reply, not as a request. */
static bool
gp_stop_query(struct gsess *s, const char *p, size_t len)
{
	(void)p;
	(void)len;
	s->busy = false;
	gs_want_stop(s);
	return (true);
}

/* c, s, C, S, D, k. */
static bool
gp_resume(struct gsess *s, const char *p, size_t len)
{
	gs_resume(s, p, len);
	return (true);
}

static bool
gp_reg(struct gsess *s, const char *p, size_t len)
{
	return (gs_local_p(s, p, len));
}

/* Z, z: forwarded; kept to count once the stub says OK. */
static bool
gp_breakpoint(struct gsess *s, const char *p, size_t len)
{
	char	moved[64];
	size_t	n;

	if (grv_breakpoint(s, p, len))
		return (true);	/* gdb_rvbreak.c */
	switch (gbpg_breakpoint(s, p, len, moved, sizeof moved, &n)) {
	case GBPG_ANSWERED:
		return (true);
	case GBPG_MOVED:
		/* Counted and forwarded as if gdb had sent it. */
		snprintf(s->z_req, sizeof s->z_req, "%.*s", (int)n, moved);
		s->z_moved = moved[0] == 'Z';
		gs_forward(s, moved, n);
		return (true);
	case GBPG_PASS:
		break;
	}
	if (len < sizeof s->z_req)
		snprintf(s->z_req, sizeof s->z_req, "%.*s", (int)len, p);
	else
		s->g->bp_full = true;	/* not a breakpoint we know */
	return (false);
}

/* H: forwarded; an Hc is kept once the stub says OK. */
static bool
gp_thread(struct gsess *s, const char *p, size_t len)
{
	if (len > 2 && p[1] == 'c' && len - 2 < sizeof s->hc_req)
		snprintf(s->hc_req, sizeof s->hc_req, "%.*s", (int)(len - 2),
		    p + 2);
	return (false);
}

/* X over a link that loses bit 7: "" makes gdb fall back to M. */
static bool
gp_binary_write(struct gsess *s, const char *p, size_t len)
{
	struct bridge	*br = s->g->br;

	(void)p;
	(void)len;
	if (!((br->link != NULL ? br_link_caps(br->link) : 0) &
	    BR_LINK_NO_8BIT))
		return (false);
	gs_replys(s, "");
	return (true);
}

/* The maintenance packet 3: the stub to kdb. */
static bool
gp_kdb(struct gsess *s, const char *p, size_t len)
{
	struct br_gdb	*g = s->g;

	(void)p;
	(void)len;
	gs_bp_forget(g);	/* kgdb removes them all */
	br_cache_invalidate(g->br->cache, BR_CE_KDB);
	br_target_enter_kdb(g->br->target);
	gs_replys(s, "OK");
	return (true);
}

static bool
gp_supported(struct gsess *s, const char *p, size_t len)
{
	(void)p;
	(void)len;
	gs_qsupported(s);
	return (true);
}

static bool
gp_noack(struct gsess *s, const char *p, size_t len)
{
	(void)p;
	(void)len;
	gs_replys(s, "OK");
	s->noack = true;
	rsp_demux_expect_ack(s->dm, false);
	return (true);
}

static bool
gp_features(struct gsess *s, const char *p, size_t len)
{
	gs_tdesc_read(s, p, len);
	return (true);
}

static bool
gp_monitor(struct gsess *s, const char *p, size_t len)
{
	gs_qrcmd(s, p, len);
	return (true);
}

static bool
gp_attached(struct gsess *s, const char *p, size_t len)
{
	(void)p;
	(void)len;
	gs_replys(s, "1");
	return (true);
}

/* gdb wants all four of c C s S, or uses none. */
static bool
gp_vcont_query(struct gsess *s, const char *p, size_t len)
{
	const struct rsp_arch	*a = s->g->br->arch;

	(void)p;
	(void)len;
	gs_replys(s, a != NULL && a->pc >= 0 ? "vCont;c;C;s;S;r" : "");
	return (true);
}

static bool
gp_vcont(struct gsess *s, const char *p, size_t len)
{
	gs_vcont(s, p, len);
	return (true);
}

static bool
gp_ok(struct gsess *s, const char *p, size_t len)
{
	(void)p;
	(void)len;
	gs_replys(s, "OK");
	return (true);
}

/* Not supported: the empty reply says so. */
static bool
gp_empty(struct gsess *s, const char *p, size_t len)
{
	(void)p;
	(void)len;
	gs_replys(s, "");
	return (true);
}

/*
 * gdb's packets, by prefix (or the whole packet when exact). The first
 * entry that matches decides: its handler answers (true) or lets the
 * packet go on to the target (false); a packet no entry matches goes
 * on to the target too. Order matters where prefixes overlap.
 */
static const struct gs_handler {
	const char	*prefix;
	bool		 exact;
	bool		(*fn)(struct gsess *, const char *, size_t);
} gs_handlers[] = {
	{ "?", false, gp_stop_query },
	{ "c", false, gp_resume },
	{ "s", false, gp_resume },
	{ "C", false, gp_resume },
	{ "S", false, gp_resume },
	{ "D", false, gp_resume },
	{ "k", false, gp_resume },
	{ "p", false, gp_reg },
	{ "Z", false, gp_breakpoint },
	{ "z", false, gp_breakpoint },
	{ "H", false, gp_thread },
	{ "X", false, gp_binary_write },
	{ "3", true, gp_kdb },
	{ "qSupported", false, gp_supported },
	{ "QStartNoAckMode", true, gp_noack },
	{ "qXfer:features:read:", false, gp_features },
	{ "qRcmd,", false, gp_monitor },
	{ "qAttached", true, gp_attached },
	{ "qAttached:", false, gp_attached },
	{ "vCont?", true, gp_vcont_query },
	{ "vCont;", false, gp_vcont },
	{ "qSymbol", false, gp_ok },
	{ "vMustReplyEmpty", true, gp_empty },
	{ "qTStatus", true, gp_empty },
	{ "qOffsets", true, gp_empty },
	{ "vKill", false, gp_empty },
	{ "qXfer:", false, gp_empty },
	{ "vFile:", false, gp_empty },
	{ "qTfP", false, gp_empty },
	{ "qTfV", false, gp_empty },
};

/* One packet of gdb's: answered here or sent on (gs_handlers). */
static void
gs_packet(struct gsess *s, const char *p, size_t len)
{
	const struct gs_handler	*h;
	size_t			 i;

	s->busy = true;
	if (len == 0) {
		gs_replys(s, "");
		return;
	}
	for (i = 0; i < nitems(gs_handlers); i++) {
		h = &gs_handlers[i];
		if (!(h->exact ? is_exactly(p, len, h->prefix) :
		    has_prefix(p, len, h->prefix)))
			continue;
		if (h->fn(s, p, len))
			return;
		break;
	}
	gs_forward(s, p, len);
}

/*
 * What gdb's stream brings: ^C breaks in (or ends a range step), a bad
 * frame is NAKed, a NAK resends, a packet is acked and queued; a refused
 * gdb gets its error and a flooding one is closed.
 */
static void
gs_demux_cb(void *arg, const struct rsp_event *ev)
{
	struct gsess	*s = arg;
	struct br_gdb	*g = s->g;
	char		 err[BR_ERRLEN];
	size_t		 i;
	int		 rc;

	if (gs_gone(s))
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
		br_peer_spoke(s->pr);
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
			log_warn("gdb: %s: too many queued packets",
			    br_peer_name(s->pr));
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
gs_read_cb(struct br_peer *p, void *arg)
{
	struct gsess	*s = arg;
	struct evbuffer	*in = br_peer_input(p);
	uint8_t		 buf[4096];
	size_t		 room;
	int		 n;

	for (;;) {
		if (gs_gone(s)) {
			evbuffer_drain(in, evbuffer_get_length(in));
			return;
		}
		room = (GDB_QUEUE_MAX - s->nqueue) * 4;
		if (room > sizeof buf)
			room = sizeof buf;
		if (room == 0 || br_peer_unread(p) > GDB_OUT_SOFT) {
			if (evbuffer_get_length(in) > 0 && !s->rpaused) {
				s->rpaused = true;
				br_peer_reading(p, false);
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
		br_peer_reading(p, true);
	}
}

static void
gs_resume_cb(int fd, short what, void *arg)
{
	struct gsess	*s = arg;

	(void)fd;
	(void)what;
	gs_read_cb(s->pr, s);
}

/* All output written: read on if that was what held us. */
static void
gs_drained(struct br_peer *p, void *arg)
{
	(void)p;
	gs_unpause(arg);
}

/*
 * A new connection: refused when the port is full or the link carries
 * no kgdb; a holder that never spoke is replaced; a second gdb refused
 * unless --takeover; else it takes control (console keys held, kdb
 * switched to gdb mode, --break-on-connect).
 */
static void
gdb_accept(struct br_gdb *g, int fd, const char *peer)
{
	struct gsess		*s;
	struct rsp_demux_cfg	 cfg;
	struct br_peer_cfg	 pc = {
		.what = "gdb", .name = peer, .out_max = GDB_OUT_MAX,
		.idle_why = "sent no gdb packet in time (--idle-timeout)",
		.log_level = BR_LOG_INFO, .read = gs_read_cb,
		.drained = gs_drained, .closed = gs_closed, .freed = gs_freed,
	};
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
	memset(&cfg, 0, sizeof cfg);
	cfg.max_payload = GDB_PKT_MAX;
	cfg.hold_bytes = 2 * GDB_PKT_MAX + RSP_PKT_OVERHEAD;
	cfg.binary = true;
	if ((s->dm = rsp_demux_new(&cfg)) == NULL)
		fatalx("rsp_demux_new");
	pc.idle_ms = g->br->opts.idle_timeout * 1000;
	pc.arg = s;
	s->pr = br_peer_new(g->br->base, fd, &pc);
	TAILQ_INSERT_TAIL(&g->all, s, entry);
	g->nsess++;
	if ((s->resume_ev = event_new(g->br->base, -1, 0, gs_resume_cb,
	    s)) == NULL)
		fatalx("gdb: out of memory");

	if (br_link_caps(g->br->link) & BR_LINK_CONSOLE_ONLY) {
		log_warn("gdb: %s refused: %s carries no kgdb", peer,
		    br_link_name(g->br->link));
		s->refused = true;
		s->refuse_why = "E.this link is an xHCI debug capability: it "
		    "carries the console only, kgdb cannot use it (put "
		    "kgdboc on a serial port)";
		return;
	}
	if (g->ctl != NULL && !gs_gone(g->ctl) &&
	    !br_peer_has_spoken(g->ctl->pr)) {
		/* A port scan or a health check never holds the target
		 * against a real gdb. */
		gs_close(g->ctl, "replaced: it never sent a gdb packet");
	}
	if (g->ctl != NULL && !gs_gone(g->ctl)) {
		if (!g->br->opts.takeover) {
			log_warn("gdb: %s refused: %s holds the target", peer,
			    br_peer_name(g->ctl->pr));
			if (g->br->console != NULL)
				br_notice(g->br, "refused a "
				    "second gdb from %s (%s is attached; "
				    "--takeover allows it)", peer,
				    br_peer_name(g->ctl->pr));
			s->refused = true;
			return;
		}
		gs_close(g->ctl, "replaced by a new gdb (--takeover)");
	}
	g->ctl = s;
	g->br->front.gdb_attached = true;
	if (g->br->target != NULL)
		br_target_hold_console(g->br->target, true);
	log_info("gdb: %s attached", peer);
	br_notify(g->br, BR_NOTE_GDB_ATTACH, peer);
	br_taskregs_attach(g->br);
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

/* struct br_front's question: does gdb wait for a stop? */
static bool
gdb_waiting_hook(void *arg)
{
	return (br_gdb_waiting_stop(arg));
}

/* Another client moved the stub's Hg: the cache's thread is stale. */
static void
gdb_thread_moved(void *arg)
{
	struct br_gdb	*g = arg;

	br_cache_invalidate(g->br->cache, BR_CE_THREAD);
}

static int
gdb_listen(struct br_gdb *g, const char *addr, int port, char *err)
{
	g->lis = br_peer_tcp_listen(g->br->base, addr, port, "gdb",
	    gdb_listen_cb, g, &g->port, err);
	if (g->lis == NULL)
		return (-1);
	g->guard = br_lguard_new(g->br->base, g->lis, "gdb port");
	g->br->front.gdb_port = g->port;
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

	g = xcalloc(1, sizeof *g);
	g->br = br;
	TAILQ_INIT(&g->all);
	TAILQ_INIT(&g->ctxs);
	g->step_irqs = br->opts.step_irqs;
	g->pstate_reg = rsp_arch_reg_by_name(br->arch, "cpsr");
	grv_init(g, gs_stopped_deliver);
	gbpg_init(g);
	if (gs_tdesc_init(g, err) != 0) {
		free(g);
		return (NULL);
	}
	g->packet = gs_packet;
	br->resume = gdb_resume_hook;
	br->resume_arg = g;
	br->thread_moved = gdb_thread_moved;
	br->thread_moved_arg = g;
	br->front.gdb_waiting = gdb_waiting_hook;
	br->front.gdb_arg = g;
	br->front.cmds = gdb_monitor_cmds;
	br->front.ncmds = GDB_MONITOR_NCMDS;
	br->front.cmds_owner = g;
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

/* Take back what gdb installed in struct bridge and the target; requests
 * in flight outlive it (their context forgets g). */
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
	if (g->br->thread_moved_arg == g) {
		g->br->thread_moved = NULL;
		g->br->thread_moved_arg = NULL;
	}
	if (g->br->front.gdb_arg == g) {
		g->br->front.gdb_waiting = NULL;
		g->br->front.gdb_arg = NULL;
		g->br->front.gdb_attached = false;
		g->br->front.gdb_port = 0;
	}
	if (g->br->front.cmds_owner == g) {
		g->br->front.cmds = NULL;
		g->br->front.ncmds = 0;
		g->br->front.cmds_owner = NULL;
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
	gs_tdesc_free(g);
	free(g);
}
