/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/fakelink.h: the layer below target.c and gdb.c, faked.
 *
 * Included by test_target.c, test_gdb.c and test_ctl.c. The fake link
 * (fk, a struct br_link_base with fk_link_ops) records what the bridge
 * wrote to the target; tests hand it to br_target_new() and inject target
 * bytes with br_target_input(). Console output and notices are recorded
 * by the bus sink fk_sink.
 */
#ifndef TESTS_UNIT_FAKELINK_H
#define TESTS_UNIT_FAKELINK_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "bridge/bridge.h"

#define FK_BUF	65536

struct fake_io {
	struct br_link_base base;	/* first: the fake is a link */
	char	 wire[FK_BUF];		/* bridge → target */
	size_t	 wirelen;
	char	 console[FK_BUF];	/* console text, notices */
	size_t	 consolelen;
	int	 breaks;
	bool	 up;
	int	 caps;
	int	 notes[16];
	char	 last_note[256];
};

static struct fake_io fk;
static const struct br_link_ops fk_link_ops;

static __attribute__((unused)) void
fk_reset(void)
{
	memset(&fk, 0, sizeof fk);
	fk.base.ops = &fk_link_ops;
	fk.up = true;
	fk.caps = BR_LINK_CAN_BREAK | BR_LINK_HAS_BAUD;
}

static __attribute__((unused)) void
fk_append(char *buf, size_t *len, const void *p, size_t n)
{
	if (*len + n > FK_BUF - 1)
		n = FK_BUF - 1 - *len;
	memcpy(buf + *len, p, n);
	*len += n;
	buf[*len] = '\0';
}

/* Take (and clear) what the bridge wrote to the target. */
static __attribute__((unused)) char *
fk_take_wire(char *out, size_t outlen)
{
	snprintf(out, outlen, "%.*s", (int)fk.wirelen, fk.wire);
	fk.wirelen = 0;
	fk.wire[0] = '\0';
	return (out);
}

static __attribute__((unused)) char *
fk_take_console(char *out, size_t outlen)
{
	snprintf(out, outlen, "%.*s", (int)fk.consolelen, fk.console);
	fk.consolelen = 0;
	fk.console[0] = '\0';
	return (out);
}

static int
fk_link_write(struct br_link *l, const void *buf, size_t len,
    char *err)
{
	(void)l;
	if (!fk.up) {
		snprintf(err, BR_ERRLEN, "link down");
		return (-1);
	}
	fk_append(fk.wire, &fk.wirelen, buf, len);
	return (0);
}

static int
fk_link_send_break(struct br_link *l, char *err)
{
	(void)l;
	if (!(fk.caps & BR_LINK_CAN_BREAK)) {
		snprintf(err, BR_ERRLEN, "no BREAK on this link");
		return (-1);
	}
	fk.breaks++;
	fk_append(fk.wire, &fk.wirelen, "<BREAK>", 7);
	return (0);
}

static bool
fk_link_up(const struct br_link *l)
{
	(void)l;
	return (fk.up);
}

static int
fk_link_caps(const struct br_link *l)
{
	(void)l;
	return (fk.caps);
}

static int
fk_link_baud(const struct br_link *l)
{
	(void)l;
	return (115200);
}

static const char *
fk_link_name(const struct br_link *l)
{
	(void)l;
	return ("fake");
}

static size_t
fk_link_pending(const struct br_link *l)
{
	(void)l;
	return (0);
}

/* The fake link's side of struct br_link_ops. */
static const struct br_link_ops fk_link_ops = {
	.write = fk_link_write,
	.send_break = fk_link_send_break,
	.up = fk_link_up,
	.caps = fk_link_caps,
	.baud = fk_link_baud,
	.name = fk_link_name,
	.pending = fk_link_pending,
};

/*
 * The test's bus sink (install it with br_notify_sink(&br, fk_sink,
 * NULL)): console bytes and notices land in fk.console, every note is
 * counted, the last text kept.
 */
static __attribute__((unused)) void
fk_sink(void *arg, const struct br_event *ev)
{
	(void)arg;
	if (ev->note == BR_NOTE_CONSOLE) {
		fk_append(fk.console, &fk.consolelen, ev->buf, ev->len);
		return;
	}
	if (ev->note == BR_NOTE_NOTICE) {
		fk_append(fk.console, &fk.consolelen, "[kgdb-bridge] ", 14);
		fk_append(fk.console, &fk.consolelen, ev->text,
		    strlen(ev->text));
		fk_append(fk.console, &fk.consolelen, "\n", 1);
		return;
	}
	if ((unsigned)ev->note < 16)
		fk.notes[ev->note]++;
	snprintf(fk.last_note, sizeof fk.last_note, "%s", ev->text);
}

/* The cache's sink, as main.c installs it (arg: the struct bridge). */
static __attribute__((unused)) void
fk_cache_sink(void *arg, const struct br_event *ev)
{
	br_cache_note(((struct bridge *)arg)->cache, ev);
}

/* Run the loop until nothing is ready (bytes settle between sockets). */
static __attribute__((unused)) void
fk_settle(struct event_base *base)
{
	int	i;

	for (i = 0; i < 20; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

/* Run the loop for about ms milliseconds (timeouts fire). */
static __attribute__((unused)) void
fk_run_ms(struct event_base *base, unsigned ms)
{
	uint64_t	end = br_now_ms() + ms;
	struct timeval	tv = { 0, 2000 };

	while (br_now_ms() < end) {
		event_base_loopexit(base, &tv);
		event_base_loop(base, 0);
	}
	fk_settle(base);
}

/* Run the loop until *flag is non-zero or max_ms pass. */
static __attribute__((unused)) void
fk_run_until(struct event_base *base, const int *flag, unsigned max_ms)
{
	uint64_t	end = br_now_ms() + max_ms;
	struct timeval	tv = { 0, 2000 };

	while (*flag == 0 && br_now_ms() < end) {
		event_base_loopexit(base, &tv);
		event_base_loop(base, 0);
	}
	fk_settle(base);
}

/* Until the bridge writes something to the target. */
static __attribute__((unused)) void
fk_run_until_wire(struct event_base *base, unsigned max_ms)
{
	uint64_t	end = br_now_ms() + max_ms;
	struct timeval	tv = { 0, 2000 };

	while (fk.wirelen == 0 && br_now_ms() < end) {
		event_base_loopexit(base, &tv);
		event_base_loop(base, 0);
	}
	fk_settle(base);
}

/* "$payload#xx" with the right checksum. */
static __attribute__((unused)) char *
fk_frame(char *out, size_t outlen, const char *payload)
{
	unsigned	sum = 0;
	const char	*p;

	for (p = payload; *p; p++)
		sum += (uint8_t)*p;
	snprintf(out, outlen, "$%s#%02x", payload, sum & 0xff);
	return (out);
}

#endif
