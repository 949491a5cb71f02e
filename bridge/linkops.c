/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/linkops.c: the target link as its users call it.
 *
 * br_link_write(), br_link_up() and the rest go through the struct
 * br_link_ops at the start of every link: link.c's own for the real wire,
 * a test's for a fake one (tests/unit/fakelink.h), so the target engine
 * and its tests need no link.c and no linker tricks. A NULL link is a
 * link that is down.
 */
#include "bridge/bridge.h"

static const struct br_link_ops *
linkops(const struct br_link *l)
{
	return (((const struct br_link_base *)(const void *)l)->ops);
}

const char *
br_link_name(const struct br_link *l)
{
	return (l != NULL ? linkops(l)->name(l) : "(none)");
}

bool
br_link_up(const struct br_link *l)
{
	return (l != NULL && linkops(l)->up(l));
}

int
br_link_caps(const struct br_link *l)
{
	return (l != NULL ? linkops(l)->caps(l) : 0);
}

int
br_link_baud(const struct br_link *l)
{
	return (l != NULL ? linkops(l)->baud(l) : 0);
}

size_t
br_link_pending(const struct br_link *l)
{
	return (l != NULL ? linkops(l)->pending(l) : 0);
}

int
br_link_write(struct br_link *l, const void *buf, size_t len, char *err)
{
	if (l == NULL) {
		br_seterr(err, "the target link is down");
		return (-1);
	}
	return (linkops(l)->write(l, buf, len, err));
}

int
br_link_send_break(struct br_link *l, char *err)
{
	if (l == NULL) {
		br_seterr(err, "the target link is down");
		return (-1);
	}
	return (linkops(l)->send_break(l, err));
}
