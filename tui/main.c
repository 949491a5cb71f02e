/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/main.c: kgdb-tui, the terminal view of a kgdb-bridge session.
 *
 * Live: --ctl PATH connects to a bridge's control socket (live.c does the
 * talking); one poll(2) loop waits on the keyboard and the bridge, so a
 * slow read never holds a key back. Offline: --replay FILE feeds a
 * captured console transcript through the panic parser and the log pane,
 * so the whole screen can be shown and tested without a target. --dump
 * WxH prints one frame as plain text instead of running the terminal UI.
 */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "common/ctlproto.h"
#include "tui/tui.h"

#define REPLAY_MAX	(16u << 20)
#define QUERY_MAX	63

static volatile sig_atomic_t	quit_signal;

struct tui {
	struct tui_canvas	*canvas;
	struct tui_screen	 screen;
	struct tui_log		*log;
	struct tui_panic	*panic;
	struct tui_symtab	*symtab;
	struct tui_live		*live;		/* --ctl, or NULL */
	bool			 prompt;
	char			 prompt_kind;	/* '/' search, 't' thread */
	char			 query[QUERY_MAX + 1];
	size_t			 qlen;
	char			 msg[128];
	bool			 quit;
	bool			 tasks;		/* the tasks view (T) */
};

static void
usage(FILE *f)
{
	fputs("usage: kgdb-tui [--vmlinux FILE] --ctl PATH | BOARD\n"
	    "       kgdb-tui [--vmlinux FILE] --replay FILE [--dump WxH]\n"
	    "  --ctl PATH     a running kgdb-bridge's control socket "
	    "(alias --socket)\n"
	    "  --vmlinux FILE symbols (default: the one the bridge was "
	    "given)\n"
	    "  --replay FILE  show a captured console transcript, no target\n"
	    "  --dump WxH     print one frame of the replay as text and exit\n"
	    "keys: / search, n/N next older/newer, arrows PgUp PgDn scroll,\n"
	    "      f or End follow, g or Home oldest, r refresh, q quit;\n"
	    "      without gdb attached: b break in, c continue, s step,\n"
	    "      t thread (asks for its id);\n"
	    "      T tasks view (every task, where it is blocked; j/k or\n"
	    "      arrows select one for its call trace; T or Esc back)\n",
	    f);
}

static void
on_quit(int sig)
{
	(void)sig;
	quit_signal = 1;
}

static int
replay_load(struct tui *t, const char *path, char *err)
{
	FILE	*f;
	char	*buf;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, TUI_ERRLEN, "%s: %s", path, strerror(errno));
		return (-1);
	}
	buf = tui_xcalloc(1, REPLAY_MAX);
	n = fread(buf, 1, REPLAY_MAX, f);
	if (ferror(f)) {
		snprintf(err, TUI_ERRLEN, "%s: read error", path);
		fclose(f);
		free(buf);
		return (-1);
	}
	fclose(f);
	tui_log_console(t->log, buf, n);
	tui_log_console(t->log, "\n", n > 0 && buf[n - 1] != '\n' ? 1 : 0);
	tui_panic_feed(t->panic, buf, n);
	tui_panic_flush(t->panic);
	free(buf);
	return (0);
}

static void
draw(struct tui *t, int w, int h)
{
	const char	*msg = t->msg;

	if (tui_canvas_width(t->canvas) != w ||
	    tui_canvas_height(t->canvas) != h)
		tui_canvas_resize(t->canvas, w, h);
	if (t->live != NULL) {
		tui_live_set_rows(t->live, h);
		tui_live_screen(t->live, &t->screen);
		t->log = t->screen.log;
		if (msg[0] == '\0')
			msg = tui_live_message(t->live);
	}
	tui_screen_draw(t->canvas, &t->screen);
	if (t->prompt) {
		tui_canvas_fill(t->canvas, (struct tui_rect){ 0, h - 1, w, 1 },
		    ' ', TUI_A_REVERSE);
		tui_canvas_printf(t->canvas, 0, h - 1, -1, TUI_A_REVERSE,
		    "%s%s_", t->prompt_kind == 't' ? "thread: " : "/",
		    t->query);
	} else if (msg[0] != '\0') {
		tui_canvas_fill(t->canvas, (struct tui_rect){ 0, h - 1, w, 1 },
		    ' ', TUI_A_REVERSE);
		tui_canvas_put(t->canvas, 0, h - 1, -1, TUI_A_REVERSE, msg);
	}
}

static void
search(struct tui *t, bool older)
{
	if (t->query[0] == '\0')
		return;
	if (tui_log_search(t->log, t->query, older) < 0)
		snprintf(t->msg, sizeof t->msg, "not found: %s", t->query);
}

static void
key_prompt(struct tui *t, int k)
{
	char	cmd[QUERY_MAX + 8];

	if (k == '\r' || k == '\n') {
		t->prompt = false;
		if (t->prompt_kind == 't') {
			if (t->qlen > 0) {
				snprintf(cmd, sizeof cmd, CTL_CMD_THREAD " %s",
				    t->query);
				tui_live_command(t->live, cmd);
			}
			t->query[0] = '\0';
			t->qlen = 0;
			return;
		}
		search(t, true);
	} else if (k == TUI_KEY_ESC) {
		t->prompt = false;
	} else if (k == TUI_KEY_BACKSPACE) {
		if (t->qlen > 0)
			t->query[--t->qlen] = '\0';
	} else if (t->prompt_kind == 't' && (k > 0x7f ||
	    strchr("0123456789abcdefABCDEF-", k) == NULL || k == 0)) {
		return;		/* a thread id is hex */
	} else if (k >= 0x20 && k < 0x7f && t->qlen < QUERY_MAX) {
		t->query[t->qlen++] = (char)k;
		t->query[t->qlen] = '\0';
	}
}

/* Keys of the tasks view: move the selection, leave; false: not one. */
static bool
key_tasks(struct tui *t, int k, int h)
{
	long	page = h / 4 > 1 ? h / 4 : 1;

	switch (k) {
	case TUI_KEY_UP:
	case 'k':
		tui_live_tasks_select(t->live, -1);
		return (true);
	case TUI_KEY_DOWN:
	case 'j':
		tui_live_tasks_select(t->live, 1);
		return (true);
	case TUI_KEY_PGUP:
		tui_live_tasks_select(t->live, -page);
		return (true);
	case TUI_KEY_PGDN:
		tui_live_tasks_select(t->live, page);
		return (true);
	case TUI_KEY_HOME:
	case 'g':
		tui_live_tasks_select(t->live, -(long)TUI_TASKS_MAX);
		return (true);
	case TUI_KEY_END:
	case 'G':
		tui_live_tasks_select(t->live, TUI_TASKS_MAX);
		return (true);
	case TUI_KEY_ESC:
	case 'T':
		t->tasks = false;
		tui_live_tasks_view(t->live, false);
		return (true);
	}
	return (false);
}

/* What a key does: scroll, search, switch panes, refresh, quit. */
static void
key(struct tui *t, int k, int h)
{
	int	page = h / 2 > 1 ? h / 2 : 1;

	t->msg[0] = '\0';
	if (t->live != NULL)
		tui_live_clear_message(t->live);
	if (t->prompt) {
		key_prompt(t, k);
		return;
	}
	if (t->tasks && key_tasks(t, k, h))
		return;
	switch (k) {
	case 'T':
		if (t->live == NULL) {
			snprintf(t->msg, sizeof t->msg, "the tasks view needs "
			    "the bridge (--ctl)");
			break;
		}
		t->tasks = true;
		tui_live_tasks_view(t->live, true);
		break;
	case 'q':
		t->quit = true;
		break;
	case '/':
		t->prompt = true;
		t->prompt_kind = '/';
		t->qlen = 0;
		t->query[0] = '\0';
		break;
	case 'n':
		search(t, true);
		break;
	case 'N':
		search(t, false);
		break;
	case TUI_KEY_UP:
	case 'k':
		tui_log_scroll(t->log, 1);
		break;
	case TUI_KEY_DOWN:
	case 'j':
		tui_log_scroll(t->log, -1);
		break;
	case TUI_KEY_PGUP:
		tui_log_scroll(t->log, page);
		break;
	case TUI_KEY_PGDN:
		tui_log_scroll(t->log, -page);
		break;
	case TUI_KEY_HOME:
	case 'g':
		tui_log_scroll(t->log, 1 << 30);
		break;
	case TUI_KEY_END:
	case 'G':
	case 'f':
		tui_log_follow(t->log);
		break;
	case 'b':
	case 'c':
	case 's':
	case 't':
	case 'r':
		if (t->live == NULL) {
			snprintf(t->msg, sizeof t->msg, "break, continue, "
			    "step, thread and refresh need the bridge (--ctl)");
			break;
		}
		if (k == 'r')
			tui_live_refresh(t->live);
		else if (k == 'b' && t->screen.status.gdb_attached)
			/* The bridge would take it as gdb's interrupt. */
			snprintf(t->msg, sizeof t->msg, "gdb holds control: "
			    "interrupt from gdb");
		else if (k == 't') {
			t->prompt = true;
			t->prompt_kind = 't';
			t->qlen = 0;
			t->query[0] = '\0';
		} else
			tui_live_command(t->live, k == 'b' ? CTL_CMD_BREAK :
			    k == 'c' ? CTL_CMD_CONTINUE : CTL_CMD_STEP);
		break;
	case '?':
	case 'h':
		snprintf(t->msg, sizeof t->msg,
		    t->tasks ? "j k arrows PgUp PgDn select a task  g G first "
		    "last  T or Esc back  r refresh  q quit" :
		    "/ search  n N next  arrows PgUp PgDn  f follow  g oldest  "
		    "r refresh  b break  c cont  s step  t thread  T tasks  "
		    "q quit");
		break;
	default:
		break;
	}
}

/*
 * Sleep until a key, a line from the bridge, or the next status poll.
 * Signals (a resize, a quit) end the wait early.
 */
static int
wait_input(struct tui *t, char *err)
{
	struct pollfd	pfd[3];
	int		fds[2], timeout = 500, i, n = 1;
	size_t		nfd;

	pfd[0].fd = STDIN_FILENO;
	pfd[0].events = POLLIN;
	if (t->live != NULL) {
		nfd = tui_live_fds(t->live, fds, 2);
		for (i = 0; i < (int)nfd; i++) {
			pfd[n].fd = fds[i];
			pfd[n].events = POLLIN;
			n++;
		}
		timeout = tui_live_timeout(t->live);
	}
	if (poll(pfd, (nfds_t)n, timeout) == -1) {
		if (errno == EINTR)
			return (0);
		snprintf(err, TUI_ERRLEN, "poll: %s", strerror(errno));
		return (-1);
	}
	for (i = 1; i < n; i++) {
		if (pfd[i].revents != 0 &&
		    tui_live_input(t->live, pfd[i].fd, err) != 0)
			return (-1);
	}
	if (t->live != NULL)
		tui_live_tick(t->live);
	return (0);
}

static int
run(struct tui *t)
{
	char			err[TUI_ERRLEN];
	int			w, h, k;
	struct sigaction	sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_quit;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (tui_term_open(err) != 0) {
		fprintf(stderr, "kgdb-tui: %s\n", err);
		return (1);
	}
	tui_term_size(&w, &h);
	draw(t, w, h);
	tui_term_blit(t->canvas);
	while (!t->quit && !quit_signal) {
		if (wait_input(t, err) != 0) {
			tui_term_close();
			fprintf(stderr, "kgdb-tui: %s\n", err);
			return (1);
		}
		/* Every key typed so far (curses may hold several). */
		while (!t->quit && (k = tui_term_key(0)) != TUI_KEY_NONE) {
			tui_term_size(&w, &h);
			if (k != TUI_KEY_RESIZE)
				key(t, k, h);
		}
		tui_term_size(&w, &h);
		draw(t, w, h);
		tui_term_blit(t->canvas);
	}
	tui_term_close();
	return (0);
}

static int
dump(struct tui *t, const char *size)
{
	int	 w, h;
	char	*d, *end;

	if (sscanf(size, "%dx%d", &w, &h) != 2 || w < 1 || h < 1 ||
	    w > 1000 || h > 1000) {
		fprintf(stderr, "kgdb-tui: bad size %s (want WxH)\n", size);
		return (2);
	}
	draw(t, w, h);
	d = tui_canvas_dump(t->canvas);
	if ((end = strstr(d, "-- attr\n")) != NULL)
		*end = '\0';
	fputs(d, stdout);
	free(d);
	return (0);
}

/*
 * kgdb-tui BOARD: the control socket kgdb-bridge gives a board from
 * boards.conf, by the bridge's own rule (br_opts_default_ctl): NAME.sock
 * in $XDG_RUNTIME_DIR/kgdb-bridge, else /tmp/kgdb-bridge-UID. A board
 * whose entry sets ctl needs --ctl.
 */
static const char *
board_ctl(const char *name, char *buf, size_t len)
{
	const char	*xdg = getenv("XDG_RUNTIME_DIR");
	const char	*p;
	int		 n;

	if (*name == '\0' || strlen(name) > 64)
		return (NULL);
	for (p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' &&
		    *p != '.')
			return (NULL);
	if (xdg != NULL && *xdg == '/')
		n = snprintf(buf, len, "%s/kgdb-bridge/%s.sock", xdg, name);
	else
		n = snprintf(buf, len, "/tmp/kgdb-bridge-%u/%s.sock",
		    (unsigned)getuid(), name);
	return (n > 0 && (size_t)n < len ? buf : NULL);
}

/* Parse the command line, open the bridge or a replay, run the screen. */
int
main(int argc, char **argv)
{
	struct tui	 t;
	const char	*replay = NULL, *vmlinux = NULL, *dumpsz = NULL;
	const char	*ctl = NULL;
	struct tui_log	*log;
	const char	*base;
	char		 err[TUI_ERRLEN], boardctl[256];
	int		 i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--replay") == 0 && i + 1 < argc)
			replay = argv[++i];
		else if (strcmp(argv[i], "--vmlinux") == 0 && i + 1 < argc)
			vmlinux = argv[++i];
		else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc)
			dumpsz = argv[++i];
		else if ((strcmp(argv[i], "--ctl") == 0 ||
		    strcmp(argv[i], "--socket") == 0) && i + 1 < argc)
			ctl = argv[++i];
		else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return (0);
		} else if (argv[i][0] != '-' && ctl == NULL &&
		    (ctl = board_ctl(argv[i], boardctl, sizeof boardctl)) !=
		    NULL)
			continue;
		else {
			usage(stderr);
			return (2);
		}
	}
	if ((replay == NULL) == (ctl == NULL) ||
	    (dumpsz != NULL && replay == NULL)) {
		usage(stderr);
		return (2);
	}

	memset(&t, 0, sizeof t);
	t.canvas = tui_canvas_new(80, 24);
	t.log = log = tui_log_new(20000);
	t.panic = tui_panic_new();
	if (vmlinux != NULL &&
	    (t.symtab = tui_symtab_open(vmlinux, err)) == NULL) {
		fprintf(stderr, "kgdb-tui: %s\n", err);
		return (1);
	}
	t.screen.status.cpu = t.screen.status.thread = -1;
	if (ctl != NULL) {
		signal(SIGPIPE, SIG_IGN);
		if ((t.live = tui_live_open(ctl, t.symtab, vmlinux, err)) == NULL) {
			fprintf(stderr, "kgdb-tui: %s\n", err);
			return (1);
		}
		rc = run(&t);
		tui_live_free(t.live);
		t.log = log;	/* the pane's log was the live one's */
		goto out;
	}
	if (replay_load(&t, replay, err) != 0) {
		fprintf(stderr, "kgdb-tui: %s\n", err);
		return (1);
	}
	base = strrchr(replay, '/');
	snprintf(t.screen.status.mode, sizeof t.screen.status.mode,
	    "replay %s  (%zu report%s)  ? for keys", base ? base + 1 : replay,
	    tui_panic_seen(t.panic), tui_panic_seen(t.panic) == 1 ? "" : "s");
	t.screen.status.cpu = t.screen.status.thread = -1;
	t.screen.log = t.log;
	t.screen.panic = t.panic;
	t.screen.symtab = t.symtab;

	rc = dumpsz != NULL ? dump(&t, dumpsz) : run(&t);
out:
	tui_symtab_free(t.symtab);
	tui_panic_free(t.panic);
	tui_log_free(t.log);
	tui_canvas_free(t.canvas);
	return (rc);
}
