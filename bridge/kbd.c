/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/kbd.c: the bridge's own terminal as a keyboard.
 *
 * stdin's bytes are typed into the target through the console's typing
 * policy (br_console_type). When stdin is a terminal in the foreground it
 * goes to raw input mode, restored on every exit path, including fatal
 * signals, and Ctrl-] starts a command: the key of one of cmd.c's
 * console commands (q quit, b break in, s status, ? help; any other key
 * shows the help), or Ctrl-] again for a literal Ctrl-]. The console runs
 * it (kbd_run): answers to this terminal only, failures to every
 * viewer.
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
kbd_print(void *arg, const char *text, size_t len)
{
	br_console_local(arg, text, len);
}

/* Run the command of a Ctrl-] key: its text to this terminal only, a
 * failure to every viewer as a notice ("break-in failed: …"). True when
 * it asks the bridge to quit. */
static bool
kbd_run(struct br_kbd *k, const struct br_cmd *cmd, void *owner)
{
	struct br_cmdq	q;
	int		rc;

	if (cmd == NULL)
		return (false);
	memset(&q, 0, sizeof q);
	q.br = k->br;
	q.from = BR_CMD_CONSOLE;
	q.args = "";
	q.print = kbd_print;
	q.arg = k->br->console;
	rc = br_cmd_run(&q, cmd, owner);
	free(q.reply);
	/* A key that has nothing to do (break-in while stopped) is quiet. */
	if (rc == BR_CMD_ERR)
		br_notice(k->br, "%s: %s", cmd->fail != NULL ?
		    cmd->fail : cmd->name, q.err);
	return (q.quit);
}

/* stdin's bytes: typed into the target, except that in raw mode the key
 * after Ctrl-] runs its command (Ctrl-] again sends a Ctrl-]). */
static void
kbd_stdin_cb(evutil_socket_t fd, short what, void *arg)
{
	struct br_kbd		*k = arg;
	struct br_console	*c = k->br->console;
	uint8_t			 buf[1024], data[1024], esc = KBD_ESCAPE;
	const struct br_cmd	*cmd;
	void			*owner;
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
		if (buf[i] == KBD_ESCAPE) {
			data[m++] = esc;
			continue;
		}
		/* Any other key without a command shows the help. */
		if ((cmd = br_cmd_key(k->br, buf[i], &owner)) == NULL)
			cmd = br_cmd_find(k->br, BR_CMD_CONSOLE, "help",
			    &owner);
		/* What was typed before the key goes first. */
		br_console_type(c, data, m);
		m = 0;
		if (kbd_run(k, cmd, owner)) {
			br_quit(k->br);
			return;
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
		return (false);
	return (isatty(fd) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

/* Read stdin if it can be polled; raw mode only on our foreground
 * terminal, put back at exit and on fatal signals. */
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
			return (k);
		if (tcgetattr(STDIN_FILENO, &kbd_saved_tio) == -1)
			return (k);
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
			return (k);
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
	return (k);
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

