/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/gdb_stop.c: the gdb front end's stops. gdb's '?' (answered with
 * the last stop, by breaking in, or with W00 when no stop can come), the
 * stop replies that end a c/s, and the callbacks the target engine calls
 * (struct br_target_ctl): stopped, O text, a stop that will not come, and
 * a stop in kdb that gdb's wait turns into gdb mode.
 */
#include <stdio.h>
#include <string.h>

#include "bridge/bridge.h"
#include "bridge/gdb_int.h"

static void	gs_running_reply(struct gsess *);
static void	gs_no_stop(struct gsess *, const char *);

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

	log_warn("gdb: %s: cannot answer '?': %s: %s", br_peer_name(s->pr),
	    what, why);
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

	if (s == NULL || gs_gone(s) || !s->waiting_stop)
		return;
	if (s->resumed) {
		/* gdb shows O text while it waits after c/s. */
		gs_outputf(s, "kgdb-bridge: %s\n", why);
		return;
	}
	gs_no_stop(s, why);
}

void
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
void
gdb_ctl_stopped(void *arg, const char *payload, size_t len)
{
	br_gdb_stopped(arg, payload, len);
}

void
gdb_ctl_output(void *arg, const void *text, size_t len)
{
	br_gdb_output(arg, text, len);
}

void
gdb_ctl_stop_failed(void *arg, const char *why)
{
	br_gdb_stop_failed(arg, why);
}

void
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
	return (g != NULL && g->ctl != NULL && !gs_gone(g->ctl) &&
	    g->ctl->waiting_stop);
}

void
br_gdb_stopped(struct br_gdb *g, const char *payload, size_t len)
{
	if (g->step.phase == GSTEP_PREP)
		g->step.cancel = true;	/* a ^C gave gdb the stop it has */
	if (grv_stopped(g, payload, len) || gstep_stopped(g, payload, len))
		return;
	gs_stopped_deliver(g, payload, len);
}

void
br_gdb_output(struct br_gdb *g, const void *text, size_t len)
{
	struct gsess	*s = g->ctl;

	if (s == NULL || gs_gone(s) || !((s->waiting_stop && s->resumed) ||
	    s->in_qrcmd))
		return;
	gs_output(s, text, len);
}


