/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/notify.c: br_notify() and br_now_ms(), the two hooks every module
 * calls (declared with main.c in bridge.h).
 *
 * They live outside main.c so every unit test links (the Makefile leaves
 * main.c out), and they are weak so a test that fakes the modules around
 * it (tests/unit/fakelink.h) can put its own in their place.
 */
#include <stdio.h>
#include <time.h>

#include "bridge/bridge.h"

__attribute__((weak)) uint64_t
br_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

__attribute__((weak)) void
br_notify(struct bridge *br, enum br_note note, const char *text)
{
	if (text == NULL)
		text = "";
	br_ctl_notify(br->ctl, note, text);
	switch (note) {
	case BR_NOTE_CONSOLE_LINE:
		return;
	case BR_NOTE_STATE:
	case BR_NOTE_STOP:
		log_debug("%s: %s", br_note_name(note), text);
		return;
	case BR_NOTE_PANIC:
		snprintf(br->panic, sizeof br->panic, "%s", text);
		log_warn("target: %s", text);
		br_transcript_mark(br->transcript, text);
		br_console_notice(br->console, "PANIC/OOPS on the target: %s",
		    text);
		return;
	case BR_NOTE_MARK:
		log_info("mark: %s", text);
		br_transcript_mark(br->transcript, text);
		br_console_notice(br->console, "mark: %s", text);
		return;
	case BR_NOTE_LINK_DOWN:
		log_warn("%s", text);
		br_console_notice(br->console, "%s", text);
		return;
	case BR_NOTE_LINK_UP:
		log_info("%s", text);
		br_console_notice(br->console, "%s", text);
		return;
	case BR_NOTE_BREAK_FAILED:
		/* target.c and gdb.c tell the console themselves. */
		log_warn("break-in failed: %s", text);
		return;
	case BR_NOTE_GDB_ATTACH:
	case BR_NOTE_GDB_DETACH:
		/* gdb.c logs these itself. */
		log_debug("%s: %s", br_note_name(note), text);
		return;
	}
}
