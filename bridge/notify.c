/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/notify.c: the event bus, and br_now_ms().
 *
 * br_notify_event() knows no module: it tells each sink main.c installed
 * (the log, the cache, the transcript, the console, the control socket),
 * in that order, so a lower layer can announce a moment, console bytes or
 * a notice without calling the upper ones. The other br_notify*() and
 * br_notice() only fill a struct br_event.
 * br_now_ms() reads the monotonic clock, or the one br_set_clock() put in
 * (a test's fake clock: the fuzz harness steps time by hand).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bridge/bridge.h"

static uint64_t
notify_mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

static uint64_t	(*notify_clock)(void) = notify_mono_ms;

uint64_t
br_now_ms(void)
{
	return (notify_clock());
}

void
br_set_clock(uint64_t (*fn)(void))
{
	notify_clock = fn != NULL ? fn : notify_mono_ms;
}

void
br_notify_event(struct bridge *br, const struct br_event *ev)
{
	struct br_event	 e = *ev;
	size_t		 i;

	if (e.text == NULL)
		e.text = "";
	for (i = 0; i < br->nsinks; i++)
		br->sinks[i].fn(br->sinks[i].arg, &e);
}

void
br_notify(struct bridge *br, enum br_note note, const char *text)
{
	struct br_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.note = note;
	ev.text = text;
	br_notify_event(br, &ev);
}

void
br_notify_console(struct bridge *br, enum br_source src, const void *buf,
    size_t len)
{
	struct br_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.note = BR_NOTE_CONSOLE;
	ev.buf = buf;
	ev.len = len;
	ev.src = src;
	br_notify_event(br, &ev);
}

void
br_notice(struct bridge *br, const char *fmt, ...)
{
	char	msg[768];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	br_notify(br, BR_NOTE_NOTICE, msg);
}

void
br_notify_sink(struct bridge *br, void (*fn)(void *, const struct br_event *),
    void *arg)
{
	if (br->nsinks == BR_SINKS_MAX)
		fatalx("too many notification sinks");
	br->sinks[br->nsinks].fn = fn;
	br->sinks[br->nsinks++].arg = arg;
}
