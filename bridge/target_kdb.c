/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/target_kdb.c: the target engine's kdb side and its lifetime.
 *
 * Break-in (the --break-seq steps, then the wait for the stop), the
 * switch from a kdb prompt (or an unknown state) to gdb mode and back,
 * what keyboard input may reach the kernel (console input policy, kdb's
 * line), the link coming and going, and creating and freeing the engine.
 * It calls the other target files; they reach it only through the two
 * hooks br_target_new() installs (enter_gdb, keys).
 */
#include <sys/queue.h>

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "bridge/target_int.h"

static void	brk_failed(struct br_target *t, const char *what,
		    bool announce);
static void	brk_run(int fd, short what, void *arg);
static void	tgt_enter_done(struct br_target *t, bool ok, const char *why);
static void	tgt_probe_cb(void *arg, const char *p, size_t len, const char
	    *err);
static void	tgt_enter_probe(struct br_target *t);
static void	tgt_enter_step(int fd, short what, void *arg);

/*
 * A break-in failed: gdb, if it waits, and the bus hear of it; the
 * viewers too (announce) unless whoever asked gets the error back at once
 * and reports it to them itself (br_target_break returning -1).
 */
static void
brk_failed(struct br_target *t, const char *what, bool announce)
{
	char	msg[512];

	t->breaking = t->confirming = false;
	snprintf(msg, sizeof msg, "break-in failed: %s. Check that the "
	    "port is the kernel's console= and kgdboc=, that "
	    "kernel.sysrq is 1 (or use sysrq_always_enabled), or run "
	    "'echo g > /proc/sysrq-trigger' on the target "
	    "(--break-seq sysrq-trigger types it into a root shell)", what);
	if (announce)
		br_notice(t->br, "%s", msg);
	br_notify(t->br, BR_NOTE_BREAK_FAILED, what);
	if (t->ctl.stop_failed != NULL)
		t->ctl.stop_failed(t->ctl.arg, msg);
}

static void
brk_run(int fd, short what, void *arg)
{
	struct br_target	*t = arg;
	const struct br_breakseq_step *s;
	char			 err[BR_ERRLEN];

	(void)fd;
	(void)what;
	if (t->confirming) {
		brk_failed(t, "the target did not stop within the timeout",
		    true);
		return;
	}
	while (t->breaking && t->brk != NULL && t->step < t->brk->n) {
		s = &t->brk->steps[t->step++];
		switch (s->what) {
		case BR_BREAKSEQ_BREAK:
			if (br_link_send_break(t->link, err) != 0) {
				brk_failed(t, err, true);
				return;
			}
			break;
		case BR_BREAKSEQ_WAIT:
			tgt_timer(t->brk_ev, s->ms);
			return;
		case BR_BREAKSEQ_TEXT:
			if (tgt_write(t, s->text, s->len, err) != 0) {
				brk_failed(t, err, true);
				return;
			}
			break;
		}
	}
	if (t->breaking) {
		t->breaking = false;
		t->confirming = true;
		tgt_timer(t->brk_ev, t->break_ms);
	}
}

/* Whether and how to break in now, given the state and the link. */
int
br_target_break(struct br_target *t, char *err)
{
	const char	*seq = t->br->opts.break_seq;
	uint64_t	 now;
	int		 caps;

	if (!br_link_up(t->link)) {
		br_seterr(err, "target link is down");
		return (-1);
	}
	if (t->state == BR_TS_STOPPED_GDB || t->state == BR_TS_KDB)
		return (0);	/* already stopped */
	if (t->breaking || t->confirming)
		return (0);	/* one BREAK at a time: two cancel */
	caps = br_link_caps(t->link);
	if (caps & BR_LINK_CONSOLE_ONLY) {
		br_seterr(err, "this link (xHCI DbC) carries the console "
		    "only: kgdb cannot stop the kernel through it");
		return (-1);
	}
	if (seq == NULL) {
		if (caps & BR_LINK_INT_03)
			seq = "0x03";
		else if (caps & BR_LINK_CAN_BREAK)
			seq = BR_BREAKSEQ_DEFAULT;
		else {
			br_seterr(err, "no BREAK on this link: run 'echo g "
			    "> /proc/sysrq-trigger' on the target, or use "
			    "--break-seq sysrq-trigger");
			brk_failed(t, "no BREAK on this link", false);
			return (-1);
		}
	}
	br_breakseq_free(t->brk);
	if ((t->brk = br_breakseq_new(seq, err)) == NULL)
		return (-1);
	log_info("target: breaking in with '%s'", seq);
	t->breaking = true;
	t->breaks++;
	t->step = 0;
	now = br_now_ms();
	if (t->quiet_ms + TGT_BREAK_GAP_MS > now) {
		/*
		 * Let what was just written go first: a BREAK can overtake
		 * it (QEMU's telnet chardev acts on IAC BRK before the data
		 * of the same read), and the SysRq key would then be one of
		 * those bytes, e.g. the DELs that erase an echoed probe.
		 */
		tgt_timer(t->brk_ev, (unsigned)(t->quiet_ms +
		    TGT_BREAK_GAP_MS - now));
		return (0);
	}
	brk_run(-1, 0, t);
	return (0);
}

/* ---- kdb and gdb mode */

static void
tgt_enter_done(struct br_target *t, bool ok, const char *why)
{
	struct enter_waiter	w[8];
	size_t			i, n = t->nwaiters;

	t->enter = EN_NONE;
	evtimer_del(t->enter_ev);
	memcpy(w, t->waiters, n * sizeof w[0]);
	t->nwaiters = 0;
	for (i = 0; i < n; i++)
		w[i].cb(w[i].arg, ok, why);
	if (!ok && (t->state == BR_TS_KDB || t->state == BR_TS_UNKNOWN)) {
		/* Requests waiting on the switch fail with it. */
		t->draining = true;
		while (tgt_head(t) != NULL && t->tx == TX_IDLE)
			tgt_finish(t, NULL, 0, why);
		t->draining = false;
	}
	tgt_kick(t);
}

static void
tgt_probe_cb(void *arg, const char *p, size_t len, const char *err)
{
	struct br_target	*t = arg;

	if (err != NULL) {
		tgt_enter_done(t, false, err);
		return;
	}
	if (len < 2 || p[0] != 'Q' || p[1] != 'C') {
		tgt_enter_done(t, false, "unexpected reply to qC");
		return;
	}
	snprintf(t->thread, sizeof t->thread, "%.*s", (int)(len - 2), p + 2);
	if (t->thread[0] == '\0')
		snprintf(t->thread, sizeof t->thread, "0");
	tgt_set_state(t, BR_TS_STOPPED_GDB);
	t->maybe_connected = true;
	if (t->last_stop_len == 0)
		t->last_stop_len = (size_t)snprintf(t->last_stop,
		    sizeof t->last_stop, "T05thread:%s;", t->thread);
	tgt_enter_done(t, true, NULL);
}

static void
tgt_enter_probe(struct br_target *t)
{
	struct treq	*r;
	const char	*why;

	t->enter = EN_PROBE;
	r = tgt_new_req(t, "qC", 2, tgt_probe_cb, t, &why);
	r->internal = true;
	if (tgt_enqueue(t, r, true) != 0)
		tgt_enter_done(t, false, "queue full");
}

static void
tgt_enter_step(int fd, short what, void *arg)
{
	struct br_target	*t = arg;
	char			 buf[256];
	size_t			 n;

	(void)fd;
	(void)what;
	switch (t->enter) {
	case EN_PAGER:
		/* Back at a prompt after 'q': type the kgdb command. */
		t->enter = EN_KGDB;
		t->attach_seen = false;
		t->attach_match = 0;
		(void)tgt_write(t, RSP_KDB_CMD_KGDB,
		    strlen(RSP_KDB_CMD_KGDB), NULL);
		tgt_timer(t->enter_ev, TGT_KGDB_MS);
		break;
	case EN_KGDB:
		if (t->attach_seen && br_now_ms() - t->last_rx_ms <
		    TGT_QUIET_MS) {
			tgt_timer(t->enter_ev, TGT_QUIET_MS);
			break;
		}
		/* The stub now waits for '$' with kgdb_connected clear. */
		tgt_enter_probe(t);
		break;
	default:
		(void)buf;
		(void)n;
		break;
	}
}

/* How to reach gdb mode from the state the target is in, or why not. */
void
br_target_enter_gdb(struct br_target *t, br_ready_cb *cb, void *arg)
{
	char	buf[256];
	size_t	n;

	if (cb != NULL) {
		if (t->nwaiters == nitems(t->waiters)) {
			cb(arg, false, "too many waiters");
			return;
		}
		t->waiters[t->nwaiters].cb = cb;
		t->waiters[t->nwaiters++].arg = arg;
	}
	if (t->enter != EN_NONE)
		return;
	if (!br_link_up(t->link)) {
		tgt_enter_done(t, false, "target link is down");
		return;
	}
	if (t->state == BR_TS_RUNNING || t->state == BR_TS_PANIC) {
		tgt_enter_done(t, false, "target is running");
		return;
	}
	if (t->state != BR_TS_KDB) {
		/* Stopped in gdb mode, or unknown: qC is harmless. */
		tgt_enter_probe(t);
		return;
	}
	if (t->at_pager) {
		t->enter = EN_PAGER;
		t->kdb_fresh = false;
		(void)tgt_write(t, "q", 1, NULL);
		tgt_timer(t->enter_ev, TGT_KGDB_MS);
		return;
	}
	if (t->kdb_fresh) {
		/* kgdb_transition_check hands "$qC#b4" to the stub. */
		tgt_enter_probe(t);
		return;
	}
	/* kdb has had input: erase the line, then the kgdb command. */
	n = (t->kdb_dirty ? TGT_KDB_LINE_MAX : t->kdb_linelen) + 2;
	if (n > sizeof buf - 8)
		n = sizeof buf - 8;
	memset(buf, '\b', n);
	memcpy(buf + n, RSP_KDB_CMD_KGDB, strlen(RSP_KDB_CMD_KGDB));
	n += strlen(RSP_KDB_CMD_KGDB);
	t->enter = EN_KGDB;
	t->attach_seen = false;
	t->attach_match = 0;
	t->kdb_linelen = 0;
	t->kdb_fresh = false;
	t->kdb_dirty = false;
	(void)tgt_write(t, buf, n, NULL);
	tgt_timer(t->enter_ev, TGT_KGDB_MS);
}

void
br_target_enter_kdb(struct br_target *t)
{
	struct treq	*r;
	const char	*why;

	if (t->state == BR_TS_KDB)
		return;
	r = tgt_new_req(t, "3", 1, NULL, NULL, &why);
	r->kind = TREQ_NOREPLY;
	r->want_reply = false;
	r->internal = true;
	(void)tgt_enqueue(t, r, false);
}

/* Whether keys may reach the kernel now, and where they go. */
int
br_target_console_input(struct br_target *t, const void *buf, size_t len,
    char *err)
{
	const uint8_t	*p = buf;
	size_t		 i;

	if (!br_link_up(t->link)) {
		br_seterr(err, "target link is down");
		return (-1);
	}
	if (t->state == BR_TS_STOPPED_GDB && t->hold_console) {
		br_seterr(err, "gdb holds the stopped target; typing now "
		    "would corrupt the protocol (use 'monitor bridge kdb' "
		    "in gdb, or detach gdb)");
		return (-1);
	}
	if (t->enter != EN_NONE || (t->tx != TX_IDLE &&
	    !(t->state == BR_TS_STOPPED_GDB && t->kdb_seen))) {
		br_seterr(err, "the bridge is talking to the debugger stub; "
		    "try again in a moment");
		return (-1);
	}
	if (t->state == BR_TS_STOPPED_GDB && t->kdb_seen) {
		/*
		 * Nobody holds the stub, which ignores keys: this is the kdb
		 * terminal again. Back to kdb with "$3#33"; the keys follow
		 * at its prompt. A request on the wire (the read-ahead's, a
		 * viewer's) goes first: the switch queues behind it, so the
		 * keys are held, not refused.
		 */
		if (t->held_len + len > sizeof t->held_keys) {
			br_seterr(err, "switching the stopped kernel back to "
			    "kdb; type again at the kdb prompt");
			return (-1);
		}
		if (t->held_len == 0) {
			br_notice(t->br, "the kernel is "
			    "stopped in gdb mode and no gdb is attached: "
			    "switching back to kdb");
			br_target_enter_kdb(t);
		}
		memcpy(t->held_keys + t->held_len, buf, len);
		t->held_len += len;
		return (0);
	}
	if (t->state == BR_TS_KDB) {
		for (i = 0; i < len; i++) {
			t->kdb_fresh = false;
			if (p[i] == '\r')
				t->kdb_linelen = 0;
			else if (p[i] == '\b' || p[i] == 0x7f) {
				if (t->kdb_linelen > 0)
					t->kdb_linelen--;
			} else if (p[i] >= 0x20)
				t->kdb_linelen++;
		}
		t->at_pager = false;
	}
	tgt_typed(t, buf, len);
	return (tgt_write(t, buf, len, err));
}

void
br_target_link_changed(struct br_target *t, bool up)
{
	struct br_event	ev;

	rsp_demux_flush(t->dm, tgt_demux_cb, t);
	tgt_arm_tick(t);
	/* Maybe another kernel now: whatever is known about the stopped
	 * kernel goes (the cache's sink drops all). */
	memset(&ev, 0, sizeof ev);
	ev.note = BR_NOTE_TARGET_LINK;
	ev.up = up;
	br_notify_event(t->br, &ev);
	t->crash_seen = true;	/* nothing known of that kernel's past */
	/* Nor of the line's noise and round trips: maybe another line. */
	t->nz_bad = t->nz_chars = 0;
	t->nz_on = false;
	t->have_rtt = false;
	if (up) {
		/* No probe: a '?' would drop every breakpoint. */
		tgt_set_state(t, BR_TS_UNKNOWN);
		return;
	}
	t->held_len = 0;
	t->draining = true;
	while (tgt_head(t) != NULL)
		tgt_finish(t, NULL, 0, "target link went down");
	t->draining = false;
	if (t->enter != EN_NONE)
		tgt_enter_done(t, false, "target link went down");
	if (t->breaking || t->confirming) {
		/* Whoever waits for this break-in hears that it failed. */
		evtimer_del(t->brk_ev);
		brk_failed(t, "the target link went down", true);
	}
	t->last_stop_len = 0;
	tgt_set_state(t, BR_TS_UNKNOWN);
}

struct br_target *
br_target_new(struct bridge *br, struct br_link *link)
{
	struct br_target	*t;
	struct rsp_demux_cfg	 cfg;

	t = xcalloc(1, sizeof *t);
	t->br = br;
	t->link = link;
	/* What the files below this one call up here (target_int.h). */
	t->enter_gdb = br_target_enter_gdb;
	t->keys = br_target_console_input;
	t->state = BR_TS_UNKNOWN;
	t->crash_seen = true;	/* nothing is known of before */
	t->ack_ms = TGT_ACK_MS;
	t->reply_ms = TGT_REPLY_MS;
	t->break_ms = TGT_BREAK_MS;
	TAILQ_INIT(&t->queue);

	memset(&cfg, 0, sizeof cfg);
	cfg.max_payload = br->arch->bufmax < RSP_PKT_MAX ? br->arch->bufmax :
	    RSP_PKT_MAX;
	cfg.hold_bytes = cfg.max_payload + RSP_PKT_OVERHEAD;
	cfg.hold_ms = 500;
	cfg.binary = false;
	cfg.marks = true;
	if ((t->dm = rsp_demux_new(&cfg)) == NULL)
		fatalx("rsp_demux_new");

	t->tick_ev = evtimer_new(br->base, tgt_tick_cb, t);
	t->tx_ev = evtimer_new(br->base, tgt_tx_timeout, t);
	t->brk_ev = evtimer_new(br->base, brk_run, t);
	t->enter_ev = evtimer_new(br->base, tgt_enter_step, t);
	t->stall_ev = evtimer_new(br->base, tgt_stall_cb, t);
	if (t->tick_ev == NULL || t->tx_ev == NULL || t->brk_ev == NULL ||
	    t->enter_ev == NULL || t->stall_ev == NULL)
		fatalx("evtimer_new");
	return (t);
}

void
br_target_free(struct br_target *t)
{
	if (t == NULL)
		return;
	/*
	 * Leave no stub waiting for a gdb that is gone. The trailing '+'
	 * acks the stub's "OK" to D, so it resumes without us (kdb itself
	 * suggests "$D#44+").
	 */
	if (t->state == BR_TS_STOPPED_GDB && br_link_up(t->link)) {
		log_info("target: detaching (D) on shutdown");
		(void)tgt_write(t, "$D#44+", 6, NULL);
	}
	t->draining = true;
	while (tgt_head(t) != NULL)
		tgt_finish(t, NULL, 0, "bridge shutting down");
	while (t->nwaiters > 0)
		tgt_enter_done(t, false, "bridge shutting down");
	br_breakseq_free(t->brk);
	event_free(t->tick_ev);
	event_free(t->tx_ev);
	event_free(t->brk_ev);
	event_free(t->enter_ev);
	event_free(t->stall_ev);
	if (t->quiet_ev != NULL)
		event_free(t->quiet_ev);
	rsp_demux_free(t->dm);
	free(t);
}
