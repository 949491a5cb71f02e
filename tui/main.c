/*
 * tui/main.c: kgdb-tui, the terminal view of a kgdb-bridge session.
 *
 * It will talk to the bridge over its control socket (not settled yet).
 * Until then it runs on a captured console transcript: --replay FILE feeds
 * the text through the panic parser and the log pane, so the whole screen
 * can be shown and tested without a target. --dump WxH prints one frame
 * as plain text instead of running the terminal UI.
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

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
	bool			 prompt;
	char			 query[QUERY_MAX + 1];
	size_t			 qlen;
	char			 msg[128];
	bool			 quit;
};

static void
usage(FILE *f)
{
	fputs("usage: kgdb-tui [--vmlinux FILE] --replay FILE [--dump WxH]\n"
	    "       kgdb-tui [--socket PATH]     (needs the bridge: not yet)\n"
	    "keys: / search, n/N next older/newer, arrows PgUp PgDn scroll,\n"
	    "      f or End follow, g or Home oldest, q quit\n", f);
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
		return -1;
	}
	buf = tui_xcalloc(1, REPLAY_MAX);
	n = fread(buf, 1, REPLAY_MAX, f);
	if (ferror(f)) {
		snprintf(err, TUI_ERRLEN, "%s: read error", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	tui_log_console(t->log, buf, n);
	tui_log_console(t->log, "\n", n > 0 && buf[n - 1] != '\n' ? 1 : 0);
	tui_panic_feed(t->panic, buf, n);
	tui_panic_flush(t->panic);
	free(buf);
	return 0;
}

static void
draw(struct tui *t, int w, int h)
{
	if (tui_canvas_width(t->canvas) != w ||
	    tui_canvas_height(t->canvas) != h)
		tui_canvas_resize(t->canvas, w, h);
	tui_screen_draw(t->canvas, &t->screen);
	if (t->prompt) {
		tui_canvas_fill(t->canvas, (struct tui_rect){ 0, h - 1, w, 1 },
		    ' ', TUI_A_REVERSE);
		tui_canvas_printf(t->canvas, 0, h - 1, -1, TUI_A_REVERSE,
		    "/%s_", t->query);
	} else if (t->msg[0] != '\0') {
		tui_canvas_fill(t->canvas, (struct tui_rect){ 0, h - 1, w, 1 },
		    ' ', TUI_A_REVERSE);
		tui_canvas_put(t->canvas, 0, h - 1, -1, TUI_A_REVERSE, t->msg);
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
	if (k == '\r' || k == '\n') {
		t->prompt = false;
		search(t, true);
	} else if (k == TUI_KEY_ESC) {
		t->prompt = false;
	} else if (k == TUI_KEY_BACKSPACE) {
		if (t->qlen > 0)
			t->query[--t->qlen] = '\0';
	} else if (k >= 0x20 && k < 0x7f && t->qlen < QUERY_MAX) {
		t->query[t->qlen++] = (char)k;
		t->query[t->qlen] = '\0';
	}
}

static void
key(struct tui *t, int k, int h)
{
	int	page = h / 2 > 1 ? h / 2 : 1;

	t->msg[0] = '\0';
	if (t->prompt) {
		key_prompt(t, k);
		return;
	}
	switch (k) {
	case 'q':
		t->quit = true;
		break;
	case '/':
		t->prompt = true;
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
		snprintf(t->msg, sizeof t->msg,
		    "break/continue/step need the bridge (not connected)");
		break;
	case '?':
	case 'h':
		snprintf(t->msg, sizeof t->msg,
		    "/ search  n N next  arrows PgUp PgDn scroll  f follow  "
		    "g oldest  q quit");
		break;
	default:
		break;
	}
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
		return 1;
	}
	tui_term_size(&w, &h);
	draw(t, w, h);
	tui_term_blit(t->canvas);
	while (!t->quit && !quit_signal) {
		k = tui_term_key(500);
		if (k == TUI_KEY_NONE)
			continue;
		if (k != TUI_KEY_RESIZE)
			key(t, k, h);
		tui_term_size(&w, &h);
		draw(t, w, h);
		tui_term_blit(t->canvas);
	}
	tui_term_close();
	return 0;
}

static int
dump(struct tui *t, const char *size)
{
	int	 w, h;
	char	*d, *end;

	if (sscanf(size, "%dx%d", &w, &h) != 2 || w < 1 || h < 1 ||
	    w > 1000 || h > 1000) {
		fprintf(stderr, "kgdb-tui: bad size %s (want WxH)\n", size);
		return 2;
	}
	draw(t, w, h);
	d = tui_canvas_dump(t->canvas);
	if ((end = strstr(d, "-- attr\n")) != NULL)
		*end = '\0';
	fputs(d, stdout);
	free(d);
	return 0;
}

int
main(int argc, char **argv)
{
	struct tui	 t;
	const char	*replay = NULL, *vmlinux = NULL, *dumpsz = NULL;
	const char	*base;
	char		 err[TUI_ERRLEN];
	int		 i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--replay") == 0 && i + 1 < argc)
			replay = argv[++i];
		else if (strcmp(argv[i], "--vmlinux") == 0 && i + 1 < argc)
			vmlinux = argv[++i];
		else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc)
			dumpsz = argv[++i];
		else if (strcmp(argv[i], "--socket") == 0) {
			fprintf(stderr, "kgdb-tui: the bridge control socket is "
			    "not wired yet; use --replay FILE\n");
			return 2;
		} else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (replay == NULL) {
		fprintf(stderr, "kgdb-tui: the bridge control socket is not "
		    "wired yet; use --replay FILE\n");
		usage(stderr);
		return 2;
	}

	memset(&t, 0, sizeof t);
	t.canvas = tui_canvas_new(80, 24);
	t.log = tui_log_new(20000);
	t.panic = tui_panic_new();
	if (vmlinux != NULL &&
	    (t.symtab = tui_symtab_open(vmlinux, err)) == NULL) {
		fprintf(stderr, "kgdb-tui: %s\n", err);
		return 1;
	}
	if (replay_load(&t, replay, err) != 0) {
		fprintf(stderr, "kgdb-tui: %s\n", err);
		return 1;
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

	tui_symtab_free(t.symtab);
	tui_panic_free(t.panic);
	tui_log_free(t.log);
	tui_canvas_free(t.canvas);
	return rc;
}
