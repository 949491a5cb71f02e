/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/notify.c: br_notify() and br_now_ms(), the two hooks every module
 * calls.
 *
 * br_notify() knows no module: it tells each sink main.c installed (the
 * log, the transcript, the console, the control socket), in that order,
 * so a lower layer can announce a moment without calling the upper ones.
 * br_now_ms() is weak so a test with a fake clock can put its own in.
 */
#include <time.h>

#include "bridge/bridge.h"

__attribute__((weak)) uint64_t
br_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
br_notify(struct bridge *br, enum br_note note, const char *text)
{
	size_t	i;

	if (text == NULL)
		text = "";
	for (i = 0; i < br->nsinks; i++)
		br->sinks[i].fn(br->sinks[i].arg, note, text);
}

void
br_notify_sink(struct bridge *br, void (*fn)(void *, enum br_note,
    const char *), void *arg)
{
	if (br->nsinks == BR_SINKS_MAX)
		fatalx("too many notification sinks");
	br->sinks[br->nsinks].fn = fn;
	br->sinks[br->nsinks++].arg = arg;
}
