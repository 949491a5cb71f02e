/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/blit.c: copy a canvas to the terminal with curses, read keys, and
 * put the terminal back however the program ends.
 */
#include <curses.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include "tui/tui.h"

/*
 * Signal-path state. A crash handler can only use what was prepared before
 * the crash, so these are file-scope (style.md rule 7 allows signal state).
 */
static volatile sig_atomic_t	 term_active;
static char			 term_reset[128];	/* rmcup cnorm sgr0 */
static size_t			 term_reset_len;
static char			 term_cnorm[64];
static struct termios		 term_saved;
static bool			 term_have_saved;
static bool			 term_colors;

static const int fatal_signals[] = {
	SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS,
};

static void
term_crash(int sig)
{
	if (term_active) {
		ssize_t n = 0;

		if (term_reset_len > 0)
			n = write(STDOUT_FILENO, term_reset, term_reset_len);
		(void)n;	/* nothing more to do if it fails */
		if (term_have_saved)
			tcsetattr(STDIN_FILENO, TCSANOW, &term_saved);
		term_active = 0;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
term_atexit(void)
{
	tui_term_close();
}

static void
add_cap(const char *name)
{
	char	*s = tigetstr(name);
	size_t	 n;

	if (s == NULL || s == (char *)-1)
		return;
	n = strlen(s);
	if (term_reset_len + n < sizeof term_reset) {
		memcpy(term_reset + term_reset_len, s, n);
		term_reset_len += n;
	}
}

/* Colour pairs by tui_attr. */
enum { P_TITLE = 1, P_CHANGED, P_ERR, P_WARN, P_NOTICE, P_FAULT };

/* Take the terminal for curses: colours (unless NO_COLOR), restored on exit. */
int
tui_term_open(char *err)
{
	struct sigaction	sa;
	const char		*nc = getenv("NO_COLOR");
	static bool		registered;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, TUI_ERRLEN, "not a terminal");
		return (-1);
	}
	term_have_saved = tcgetattr(STDIN_FILENO, &term_saved) == 0;
	if (initscr() == NULL) {
		snprintf(err, TUI_ERRLEN, "cannot initialise the terminal");
		return (-1);
	}
	term_reset_len = 0;
	term_cnorm[0] = '\0';
	{
		char *cn = tigetstr("cnorm");

		if (cn != NULL && cn != (char *)-1 &&
		    strlen(cn) < sizeof term_cnorm)
			memcpy(term_cnorm, cn, strlen(cn) + 1);
	}
	add_cap("rmcup");
	add_cap("cnorm");
	add_cap("sgr0");
	term_active = 1;
	if (!registered) {
		atexit(term_atexit);
		registered = true;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = term_crash;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0];
	    i++)
		sigaction(fatal_signals[i], &sa, NULL);

	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(50);
	term_colors = (nc == NULL || nc[0] == '\0') && has_colors();
	if (term_colors) {
		start_color();
		use_default_colors();
		init_pair(P_TITLE, COLOR_CYAN, -1);
		init_pair(P_CHANGED, COLOR_YELLOW, -1);
		init_pair(P_ERR, COLOR_RED, -1);
		init_pair(P_WARN, COLOR_YELLOW, -1);
		init_pair(P_NOTICE, COLOR_CYAN, -1);
		init_pair(P_FAULT, COLOR_WHITE, COLOR_RED);
	}
	return (0);
}

void
tui_term_close(void)
{
	if (!term_active)
		return;
	term_active = 0;
	curs_set(1);
	endwin();
	/*
	 * Some terminals (tmux) keep cursor visibility per screen, and endwin
	 * shows the cursor before it leaves the alternate screen: show it
	 * again on the normal one.
	 */
	if (term_cnorm[0] != '\0') {
		fputs(term_cnorm, stdout);
		fflush(stdout);
	}
}

bool
tui_term_color(void)
{
	return (term_colors);
}

void
tui_term_size(int *w_out, int *h_out)
{
	*w_out = COLS;
	*h_out = LINES;
}

static attr_t
curses_attr(int a)
{
	if (!term_colors) {
		switch (a) {
		case TUI_A_BOLD:	return (A_BOLD);
		case TUI_A_DIM:		return (A_DIM);
		case TUI_A_REVERSE:	return (A_REVERSE);
		case TUI_A_TITLE:	return (A_BOLD);
		case TUI_A_CHANGED:	return (A_BOLD | A_UNDERLINE);
		case TUI_A_ERR:		return (A_BOLD);
		case TUI_A_WARN:	return (A_BOLD);
		case TUI_A_MATCH:	return (A_UNDERLINE);
		case TUI_A_FAULT:	return (A_REVERSE);
		default:		return (A_NORMAL);
		}
	}
	switch (a) {
	case TUI_A_BOLD:	return (A_BOLD);
	case TUI_A_DIM:		return (A_DIM);
	case TUI_A_REVERSE:	return (A_REVERSE);
	case TUI_A_TITLE:	return (A_BOLD | COLOR_PAIR(P_TITLE));
	case TUI_A_CHANGED:	return (A_BOLD | COLOR_PAIR(P_CHANGED));
	case TUI_A_ERR:		return (A_BOLD | COLOR_PAIR(P_ERR));
	case TUI_A_WARN:	return (COLOR_PAIR(P_WARN));
	case TUI_A_NOTICE:	return (COLOR_PAIR(P_NOTICE));
	case TUI_A_MATCH:	return (A_REVERSE | COLOR_PAIR(P_CHANGED));
	case TUI_A_FAULT:	return (A_BOLD | COLOR_PAIR(P_FAULT));
	default:		return (A_NORMAL);
	}
}

void
tui_term_blit(const struct tui_canvas *c)
{
	int			 w = tui_canvas_width(c), h = tui_canvas_height(c);
	const struct tui_cell	*cell;

	for (int y = 0; y < h && y < LINES; y++) {
		move(y, 0);
		for (int x = 0; x < w && x < COLS; x++) {
			cell = tui_canvas_cell(c, x, y);
			/* the last cell of the screen would scroll: blank
			 * it (a resize may have left a character there) */
			if (y == LINES - 1 && x == COLS - 1) {
				clrtoeol();
				break;
			}
			addch((chtype)(unsigned char)cell->ch |
			    curses_attr(cell->attr));
		}
	}
	refresh();
}

int
tui_term_key(int timeout_ms)
{
	int	ch;

	timeout(timeout_ms);
	ch = getch();
	switch (ch) {
	case ERR:		return (TUI_KEY_NONE);
	case KEY_UP:		return (TUI_KEY_UP);
	case KEY_DOWN:		return (TUI_KEY_DOWN);
	case KEY_PPAGE:		return (TUI_KEY_PGUP);
	case KEY_NPAGE:		return (TUI_KEY_PGDN);
	case KEY_HOME:		return (TUI_KEY_HOME);
	case KEY_END:		return (TUI_KEY_END);
	case KEY_RESIZE:	return (TUI_KEY_RESIZE);
	case KEY_BACKSPACE:
	case 0x7f:
	case 0x08:		return (TUI_KEY_BACKSPACE);
	case KEY_ENTER:		return ('\r');
	default:
		return (ch >= 0 && ch < 0x100 ? ch : TUI_KEY_NONE);
	}
}
