/*
 * bridge/fallback.c: TEMPORARY link-time fallbacks, weak symbols only.
 *
 * bridge/target.c, bridge/gdb.c (the protocol engine and gdb port) and
 * rsp/regs.c are written in parallel on other branches. Until they are
 * merged, these weak definitions let the daemon and the tests link. They
 * do not pretend: the "target" is a plain console passthrough with no
 * protocol handling, and there is no gdb port (br_gdb_new fails). Any
 * real definition overrides them at link time; delete this file once all
 * three have landed.
 */
#include <stdlib.h>
#include <string.h>

#include "bridge/bridge.h"

#define WEAK	__attribute__((weak))

struct br_target {
	struct bridge	*br;
};

WEAK struct br_target *
br_target_new(struct bridge *br)
{
	struct br_target	*t = xcalloc(1, sizeof *t);

	log_warn("built without bridge/target.c: console passthrough only, "
	    "no protocol handling");
	t->br = br;
	return t;
}

WEAK void
br_target_free(struct br_target *t)
{
	free(t);
}

WEAK void
br_target_input(struct br_target *t, const void *buf, size_t len)
{
	br_console_output(t->br->console, BR_SRC_TARGET, buf, len);
}

WEAK void
br_target_link_changed(struct br_target *t, bool up)
{
	(void)t;
	(void)up;
}

WEAK enum br_tstate
br_target_state(const struct br_target *t)
{
	(void)t;
	return BR_TS_UNKNOWN;
}

WEAK const char *
br_target_state_name(enum br_tstate s)
{
	(void)s;
	return "unknown";
}

WEAK int
br_target_request(struct br_target *t, const char *payload, size_t len,
    br_reply_cb *cb, void *arg)
{
	(void)t;
	(void)payload;
	(void)len;
	(void)cb;
	(void)arg;
	return -1;
}

WEAK int
br_target_resume(struct br_target *t, const char *payload, size_t len)
{
	(void)t;
	(void)payload;
	(void)len;
	return -1;
}

WEAK int
br_target_break(struct br_target *t, char *err)
{
	return br_link_send_break(t->br->link, err);
}

WEAK int
br_target_console_input(struct br_target *t, const void *buf, size_t len,
    char *err)
{
	return br_link_write(t->br->link, buf, len, err);
}

WEAK void
br_target_enter_gdb(struct br_target *t, br_ready_cb *cb, void *arg)
{
	(void)t;
	cb(arg, false, "no protocol engine in this build");
}

WEAK void
br_target_enter_kdb(struct br_target *t)
{
	(void)t;
}

WEAK struct br_gdb *
br_gdb_new(struct bridge *br, char *err)
{
	(void)br;
	br_seterr(err, "this build has no gdb port yet (bridge/gdb.c "
	    "missing): use --gdb-port 0");
	return NULL;
}

WEAK void
br_gdb_free(struct br_gdb *g)
{
	(void)g;
}

WEAK bool
br_gdb_attached(const struct br_gdb *g)
{
	(void)g;
	return false;
}

WEAK void
br_gdb_stopped(struct br_gdb *g, const char *payload, size_t len)
{
	(void)g;
	(void)payload;
	(void)len;
}

WEAK void
br_gdb_output(struct br_gdb *g, const void *text, size_t len)
{
	(void)g;
	(void)text;
	(void)len;
}

WEAK const struct rsp_arch *
rsp_arch_by_name(const char *name)
{
	(void)name;
	return NULL;
}
