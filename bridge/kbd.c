/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/kbd.c: the bridge's own terminal as a keyboard.
 *
 * stdin's bytes are typed into the target through the console's typing
 * policy (br_console_type). When stdin is a terminal in the foreground it
 * goes to raw input mode, restored on every exit path, including fatal
 * signals, and Ctrl-] starts a command: q quit, b break in, s status,
 * ? help, Ctrl-] sends a literal Ctrl-]. Answers go to this terminal only
 * (br_console_local); notices to every viewer.
 */
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <event2/event.h>

#include "bridge/bridge.h"

#define KBD_ESCAPE	0x1d	/* Ctrl-] */

struct br_kbd {
	struct bridge	*br;
	struct event	*in;		/* stdin, or NULL */
	bool		 raw_tty;	/* we changed the terminal */
	bool		 escape;	/* Ctrl-] seen */
};

/*
 * The terminal state to put back. Static because a fatal-signal handler
 * must reach it (as picocom's term_exitfunc does); only kbd.c touches
 * it, and only for the one controlling terminal a process can have.
 */
static struct termios	kbd_saved_tio;
static volatile sig_atomic_t kbd_tio_saved;

static void
kbd_restore_tty(void)
{
	if (kbd_tio_saved) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &kbd_saved_tio);
		kbd_tio_saved = 0;
	}
}

static void
kbd_fatal_signal(int sig)
{
	kbd_restore_tty();
	br_console_restore_stdout();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
kbd_help(struct br_kbd *k)
{
	static const char help[] = "\r\n[kgdb-bridge] keys after Ctrl-]: "
	    "q quit, b break in, s status, Ctrl-] send Ctrl-], ? this "
	    "help\r\n";

	br_console_local(k->br->console, help, sizeof help - 1);
}

static void
kbd_status(struct br_kbd *k)
{
	struct bridge	*br = k->br;
	char		 msg[512];
	int		 n;

	n = snprintf(msg, sizeof msg, "\r\n[kgdb-bridge] %s link %s, target "
	    "%s, gdb %s, %zu console clients%s%s\r\n", br_link_name(br->link),
	    br_link_up(br->link) ? "up" : "down", br->target != NULL ?
	    br_target_state_name(br_target_state(br->target)) : "?",
	    br->gdb != NULL && br_gdb_attached(br->gdb) ? "attached" : "not "
	    "attached", br_console_clients(br->console), br->panic[0] != '\0' ? ", last panic: " :
	    "", br->panic);
	if (n > 0 && (size_t)n < sizeof msg)
		br_console_local(br->console, msg, (size_t)n);
}

static void
kbd_stdin_cb(evutil_socket_t fd, short what, void *arg)
{
	struct br_kbd		*k = arg;
	struct br_console	*c = k->br->console;
	uint8_t			 buf[1024], data[1024], esc = KBD_ESCAPE;
	char			 err[BR_ERRLEN];
	ssize_t			 n, i;
	size_t			 m = 0;

	(void)what;
	n = read(fd, buf, sizeof buf);
	if (n <= 0) {
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		/* End of a piped stdin: stop reading it, keep running. */
		event_del(k->in);
		return;
	}
	if (!k->raw_tty) {
		br_console_type(c, buf, (size_t)n);
		return;
	}
	for (i = 0; i < n; i++) {
		if (!k->escape) {
			if (buf[i] == KBD_ESCAPE)
				k->escape = true;
			else
				data[m++] = buf[i];
			continue;
		}
		k->escape = false;
		switch (buf[i]) {
		case 'q':
		case 'Q':
		case '.':
			br_console_type(c, data, m);
			m = 0;
			br_quit(k->br);
			return;
		case 'b':
		case 'B':
			br_console_type(c, data, m);
			m = 0;
			if (k->br->target == NULL ||
			    br_target_break(k->br->target, err) == -1)
				br_console_notice(c, "break-in failed: %s",
				    k->br->target == NULL ? "no target" : err);
			break;
		case 's':
		case 'S':
			kbd_status(k);
			break;
		case KBD_ESCAPE:
			data[m++] = esc;
			break;
		default:
			kbd_help(k);
			break;
		}
	}
	br_console_type(c, data, m);
}

/* epoll refuses regular files and /dev/null; don't even ask. */
static bool
kbd_pollable(int fd)
{
	struct stat	st;

	if (fstat(fd, &st) == -1)
		return false;
	return isatty(fd) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
}

struct br_kbd *
br_kbd_new(struct bridge *br)
{
	struct br_kbd	*k;
	struct termios	tio;
	struct sigaction sa;
	static const int fatal_sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE,
	    SIGILL, SIGQUIT };
	size_t		i;

	k = xcalloc(1, sizeof *k);
	k->br = br;
	if (isatty(STDIN_FILENO)) {
		/* A background job must not touch the terminal. */
		if (tcgetpgrp(STDIN_FILENO) != getpgrp())
			return k;
		if (tcgetattr(STDIN_FILENO, &kbd_saved_tio) == -1)
			return k;
		kbd_tio_saved = 1;
		atexit(kbd_restore_tty);
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = kbd_fatal_signal;
		sigemptyset(&sa.sa_mask);
		for (i = 0; i < sizeof fatal_sigs / sizeof fatal_sigs[0]; i++)
			sigaction(fatal_sigs[i], &sa, NULL);
		tio = kbd_saved_tio;
		/* Raw input, but keep output processing so log lines and
		 * console text still end their lines. */
		tio.c_lflag &= ~(ICANON|ECHO|ECHONL|ISIG|IEXTEN);
		tio.c_iflag &= ~(IXON|IXOFF|ICRNL|INLCR|IGNCR|BRKINT|ISTRIP);
		tio.c_cc[VMIN] = 1;
		tio.c_cc[VTIME] = 0;
		if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &tio) == -1)
			return k;
		k->raw_tty = true;
	}
	k->in = event_new(br->base, STDIN_FILENO, EV_READ|EV_PERSIST,
	    kbd_stdin_cb, k);
	if (k->in == NULL || !kbd_pollable(STDIN_FILENO) ||
	    event_add(k->in, NULL) == -1) {
		/* /dev/null and regular files cannot be polled: no input. */
		if (k->in != NULL)
			event_free(k->in);
		k->in = NULL;
	}
	if (k->raw_tty)
		log_info("keys: Ctrl-] then q quits, b breaks in, ? helps");
	return k;
}

void
br_kbd_free(struct br_kbd *k)
{
	if (k == NULL)
		return;
	if (k->in != NULL)
		event_free(k->in);
	kbd_restore_tty();
	free(k);
}

