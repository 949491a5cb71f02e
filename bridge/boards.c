/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/boards.c: board profiles, so a lab host runs many bridges by name.
 *
 * boards.conf is INI, read with libinih: one section per board, its keys
 * the long options of kgdb-bridge without the dashes, plus "target".
 *
 *   [rpi4]
 *   target = /dev/serial/by-id/usb-FTDI_FT232R_A1B2-if00-port0,115200
 *   vmlinux = /srv/boards/rpi4/vmlinux
 *   break-seq = BREAK,wait:300,g
 *
 * Files, all read, later ones overriding a board of the same name: the
 * system's /etc/kgdb-bridge/boards.conf, then the user's
 * $XDG_CONFIG_HOME/kgdb-bridge/boards.conf (~/.config/...).
 * $KGDB_BRIDGE_BOARDS names one file instead (tests, odd setups).
 *
 * What a board does not say is chosen so boards never collide: ports
 * 4440 + 2i and 4441 + 2i for the i-th board (counted from 0 in file
 * order, so they stay put when boards are added at the end), a control
 * socket named after the board, and a transcript
 * $XDG_STATE_HOME/kgdb-bridge/BOARD-YYYY-MM-DD.log ("log = none": none).
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ini.h>

#include "bridge/bridge.h"

#define BOARDS_MAX	256
#define BOARD_KEYS_MAX	32

/* Keys a board may set: the option each becomes, and whether it takes a
 * value ("yes"/"no" otherwise). */
static const struct {
	const char	*key;
	bool		 value;
} board_keys[] = {
	{ "vmlinux", true },		{ "arch", true },
	{ "gdb-port", true },		{ "console-port", true },
	{ "listen", true },		{ "log", true },
	{ "trace", true },		{ "ctl", true },
	{ "break-seq", true },		{ "console2", true },
	{ "idle-timeout", true },	{ "gdb-socket", true },
	{ "console-socket", true },	{ "resolve", true },
	{ "break-on-connect", false },
	{ "takeover", false },		{ "wait", false },
	{ "console-raw", false },	{ "no-cache", false },
	{ "timestamps", false },	{ "read-only-viewers", false },
};

struct board_opt {
	char	*key;
	char	*value;		/* NULL: a flag that is on */
};

struct br_board {
	char		*name;
	char		*file;
	char		*target;
	struct board_opt opt[BOARD_KEYS_MAX];
	size_t		 nopt;
	int		 gdb_port, console_port;	/* resolved */
};

struct br_boards {
	struct br_board	 b[BOARDS_MAX];
	size_t		 n;
	char		 files[512];	/* the files read, for messages */
	char		 err[BR_ERRLEN];
};

static const char *
board_get(const struct br_board *b, const char *key)
{
	size_t	i;

	for (i = 0; i < b->nopt; i++)
		if (strcmp(b->opt[i].key, key) == 0)
			return (b->opt[i].value != NULL ? b->opt[i].value :
			    "yes");
	return (NULL);
}

static void
board_clear(struct br_board *b)
{
	size_t	i;

	for (i = 0; i < b->nopt; i++) {
		free(b->opt[i].key);
		free(b->opt[i].value);
	}
	free(b->name);
	free(b->file);
	free(b->target);
	memset(b, 0, sizeof *b);
}

static bool
board_name_ok(const char *s)
{
	size_t	n = strlen(s);

	if (n == 0 || n > 64 || s[0] == '-' || s[0] == '.')
		return (false);
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
		    *s != '.')
			return (false);
	return (true);
}

struct board_parse {
	struct br_boards	*bs;
	const char		*file;
	struct br_board		*cur;
	bool			 failed;
};

/* libinih's callback (Debian builds it without line numbers: the line
 * of a refused key comes back from ini_parse_file instead). */
static int
board_handler(void *arg, const char *section, const char *key,
    const char *value)
{
	struct board_parse	*bp = arg;
	struct br_boards	*bs = bp->bs;
	struct br_board		*b;
	size_t			 i;

	if (bp->failed)
		return (0);
	if (bp->cur == NULL || strcmp(bp->cur->name, section) != 0) {
		if (!board_name_ok(section)) {
			br_seterr(bs->err, "bad board name '%s' (letters, "
			    "digits, '-', '_', '.')", section);
			goto fail;
		}
		for (i = 0; i < bs->n; i++)
			if (strcmp(bs->b[i].name, section) == 0)
				break;
		if (i < bs->n) {
			/* A later file's board replaces the earlier one,
			 * keeping its place (and so its automatic ports). */
			char *name = xstrdup(section);

			board_clear(&bs->b[i]);
			bs->b[i].name = name;
		} else if (bs->n == BOARDS_MAX) {
			br_seterr(bs->err, "more than %d boards", BOARDS_MAX);
			goto fail;
		} else
			bs->b[bs->n++].name = xstrdup(section);
		bp->cur = &bs->b[i];
		bp->cur->file = xstrdup(bp->file);
	}
	b = bp->cur;
	if (strcmp(key, "target") == 0) {
		free(b->target);
		b->target = xstrdup(value);
		return (1);
	}
	for (i = 0; i < nitems(board_keys); i++)
		if (strcmp(board_keys[i].key, key) == 0)
			break;
	if (i == nitems(board_keys)) {
		br_seterr(bs->err, "unknown key '%s' in board '%s'", key,
		    section);
		goto fail;
	}
	if (!board_keys[i].value && strcmp(value, "yes") != 0 &&
	    strcmp(value, "no") != 0 && strcmp(value, "true") != 0 &&
	    strcmp(value, "false") != 0) {
		br_seterr(bs->err, "%s is yes or no, not '%s'", key, value);
		goto fail;
	}
	if (b->nopt == BOARD_KEYS_MAX) {
		br_seterr(bs->err, "too many keys in board '%s'", section);
		goto fail;
	}
	if (!board_keys[i].value && (strcmp(value, "no") == 0 ||
	    strcmp(value, "false") == 0))
		return (1);
	b->opt[b->nopt].key = xstrdup(key);
	b->opt[b->nopt].value = board_keys[i].value ? xstrdup(value) : NULL;
	b->nopt++;
	return (1);
fail:
	bp->failed = true;
	return (0);
}

static int
boards_read(struct br_boards *bs, const char *path, bool must)
{
	struct board_parse	 bp;
	FILE			*f;
	int			 rc;

	if ((f = fopen(path, "re")) == NULL) {
		if (!must && errno == ENOENT)
			return (0);
		br_seterr(bs->err, "%s: %s", path, strerror(errno));
		return (-1);
	}
	memset(&bp, 0, sizeof bp);
	bp.bs = bs;
	bp.file = path;
	rc = ini_parse_file(f, board_handler, &bp);
	fclose(f);
	if (bp.failed) {
		char	why[BR_ERRLEN];

		snprintf(why, sizeof why, "%s", bs->err);
		br_seterr(bs->err, "%s:%d: %s", path, rc, why);
		return (-1);
	}
	if (rc != 0) {
		br_seterr(bs->err, "%s:%d: not INI (want [board] then "
		    "key = value lines)", path, rc);
		return (-1);
	}
	snprintf(bs->files + strlen(bs->files), sizeof bs->files -
	    strlen(bs->files), "%s%s", bs->files[0] != '\0' ? ", " : "",
	    path);
	return (0);
}

/* A resolved port as --gdb-port takes it: a number or "off". */
static void
board_port_str(char *buf, size_t len, int port)
{
	if (port == BR_PORT_OFF)
		snprintf(buf, len, "off");
	else
		snprintf(buf, len, "%d", port);
}

/* A port key: a number (0: any free one), "off", or "auto" (and absent)
 * for the board's own. */
static int
board_port(const struct br_board *b, const char *key, int autoport,
    int *out, char *err)
{
	const char	*v = board_get(b, key);
	char		*end;
	long		 n;

	if (v == NULL || strcmp(v, "auto") == 0) {
		*out = autoport;
		return (0);
	}
	if (strcmp(v, "off") == 0) {
		*out = BR_PORT_OFF;
		return (0);
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0 || n > 65535) {
		br_seterr(err, "board '%s' (%s): bad %s '%s' (a port, 0 for "
		    "any free one, off, or auto)", b->name, b->file, key, v);
		return (-1);
	}
	*out = (int)n;
	return (0);
}

/* Which boards there are: the files read in order, each board checked
 * for a target and its ports resolved. */
struct br_boards *
br_boards_load(char *err)
{
	struct br_boards	*bs;
	const char		*one = getenv("KGDB_BRIDGE_BOARDS");
	const char		*cfg = getenv("XDG_CONFIG_HOME");
	const char		*home = getenv("HOME");
	char			 user[PATH_MAX];
	size_t			 i;
	int			 rc;

	bs = xcalloc(1, sizeof *bs);
	if (one != NULL && *one != '\0')
		rc = boards_read(bs, one, true);
	else {
		rc = boards_read(bs, "/etc/kgdb-bridge/boards.conf", false);
		if (cfg != NULL && *cfg == '/')
			snprintf(user, sizeof user,
			    "%s/kgdb-bridge/boards.conf", cfg);
		else
			snprintf(user, sizeof user,
			    "%s/.config/kgdb-bridge/boards.conf",
			    home != NULL ? home : "");
		if (rc == 0)
			rc = boards_read(bs, user, false);
	}
	for (i = 0; rc == 0 && i < bs->n; i++) {
		struct br_board	*b = &bs->b[i];

		if (b->target == NULL) {
			br_seterr(bs->err, "board '%s' (%s) has no target",
			    b->name, b->file);
			rc = -1;
		} else if (strpbrk(b->target, "/:") == NULL) {
			br_seterr(bs->err, "board '%s' (%s): target '%s' is not "
			    "a device path or kind:… (a board cannot name "
			    "another)", b->name, b->file, b->target);
			rc = -1;
		} else if (board_port(b, "gdb-port", 4441 + 2 * (int)i,
		    &b->gdb_port, bs->err) != 0 || board_port(b,
		    "console-port", 4440 + 2 * (int)i, &b->console_port,
		    bs->err) != 0)
			rc = -1;
	}
	if (rc != 0) {
		snprintf(err, BR_ERRLEN, "%s", bs->err);
		br_boards_free(bs);
		return (NULL);
	}
	return (bs);
}

void
br_boards_free(struct br_boards *bs)
{
	size_t	i;

	if (bs == NULL)
		return;
	for (i = 0; i < bs->n; i++)
		board_clear(&bs->b[i]);
	free(bs);
}

const struct br_board *
br_boards_find(const struct br_boards *bs, const char *name)
{
	size_t	i;

	for (i = 0; i < bs->n; i++)
		if (strcmp(bs->b[i].name, name) == 0)
			return (&bs->b[i]);
	return (NULL);
}

const char *
br_boards_files(const struct br_boards *bs)
{
	return (bs->files[0] != '\0' ? bs->files : "no boards.conf found");
}

/*
 * Two boards on one port would fail one at a time, at the worst moment:
 * say so at start, naming the other board.
 */
int
br_boards_check(const struct br_boards *bs, const struct br_board *me,
    char *err)
{
	const struct br_board	*o;
	size_t			 i;
	int			 mine[2], theirs[2], a, k;
	static const char *const what[2] = { "gdb", "console" };

	mine[0] = me->gdb_port;
	mine[1] = me->console_port;
	if (mine[0] > 0 && mine[0] == mine[1]) {
		br_seterr(err, "board '%s' (%s): gdb and console port are "
		    "both %d", me->name, me->file, mine[0]);
		return (-1);
	}
	for (i = 0; i < bs->n; i++) {
		o = &bs->b[i];
		if (o == me)
			continue;
		theirs[0] = o->gdb_port;
		theirs[1] = o->console_port;
		for (a = 0; a < 2; a++)
			for (k = 0; k < 2; k++)
				if (mine[a] > 0 && mine[a] == theirs[k]) {
					br_seterr(err, "board '%s': its %s port "
					    "%d is board '%s''s %s port (%s); "
					    "give one of them another port",
					    me->name, what[a], mine[a],
					    o->name, what[k], o->file);
					return (-1);
				}
	}
	return (0);
}

/* $XDG_STATE_HOME/kgdb-bridge/NAME-YYYY-MM-DD.log, its directory made. */
static char *
board_log_path(const struct br_board *b)
{
	const char	*state = getenv("XDG_STATE_HOME");
	const char	*home = getenv("HOME");
	char		*dir, *path, *p;
	char		 day[16];
	time_t		 now = time(NULL);
	struct tm	 tm;

	if (state != NULL && *state == '/')
		xasprintf(&dir, "%s/kgdb-bridge", state);
	else
		xasprintf(&dir, "%s/.local/state/kgdb-bridge",
		    home != NULL ? home : "");
	/* mkdir -p, private at the end. */
	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		(void)mkdir(dir, 0755);
		*p = '/';
	}
	(void)mkdir(dir, 0700);
	localtime_r(&now, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	xasprintf(&path, "%s/%s-%s.log", dir, b->name, day);
	free(dir);
	return (path);
}

/*
 * The command line for a board: argv[0], the board's options, then the
 * user's own arguments (which win, coming later) with the board's name
 * replaced by its target. Allocated; br_boards_argv_free frees.
 */
char **
br_boards_argv(const struct br_board *b, int argc, char **argv, int at,
    int *nargc)
{
	char		**v;
	const char	*log;
	char		 port[16];
	size_t		 i, n = 0;
	int		 k;

	v = xcalloc((size_t)argc + 2 * BOARD_KEYS_MAX + 12, sizeof *v);
	v[n++] = xstrdup(argv[0]);
	for (i = 0; i < b->nopt; i++) {
		if (strcmp(b->opt[i].key, "gdb-port") == 0 ||
		    strcmp(b->opt[i].key, "console-port") == 0 ||
		    strcmp(b->opt[i].key, "log") == 0)
			continue;
		xasprintf(&v[n++], "--%s", b->opt[i].key);
		if (b->opt[i].value != NULL)
			v[n++] = xstrdup(b->opt[i].value);
	}
	board_port_str(port, sizeof port, b->gdb_port);
	v[n++] = xstrdup("--gdb-port");
	v[n++] = xstrdup(port);
	board_port_str(port, sizeof port, b->console_port);
	v[n++] = xstrdup("--console-port");
	v[n++] = xstrdup(port);
	log = board_get(b, "log");
	if (log == NULL || strcmp(log, "auto") == 0) {
		v[n++] = xstrdup("--log");
		v[n++] = board_log_path(b);
	} else if (strcmp(log, "none") != 0) {
		v[n++] = xstrdup("--log");
		v[n++] = xstrdup(log);
	}
	if (board_get(b, "ctl") == NULL) {
		v[n++] = xstrdup("--ctl");
		v[n++] = br_opts_default_ctl(b->name);
	}
	for (k = 1; k < argc; k++)
		v[n++] = xstrdup(k == at ? b->target : argv[k]);
	v[n] = NULL;
	*nargc = (int)n;
	return (v);
}

void
br_boards_argv_free(char **v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* The board's control socket (allocated). */
char *
br_boards_ctl(const struct br_board *b)
{
	const char	*ctl = board_get(b, "ctl");

	return (ctl != NULL ? xstrdup(ctl) : br_opts_default_ctl(b->name));
}

/* Whether a bridge answers on the control socket at path. */
static bool
board_alive(const char *path)
{
	int	fd;

	if ((fd = br_peer_unix_connect(path)) == -1)
		return (false);
	close(fd);
	return (true);
}

/* --list-boards: one line a board, and whether its bridge runs. */
void
br_boards_list(const struct br_boards *bs, FILE *f)
{
	const struct br_board	*b;
	const char		*vml;
	char			*ctl;
	char			 gp[16], cp[16];
	size_t			 i;

	fprintf(f, "# %s\n", br_boards_files(bs));
	fprintf(f, "%-16s %-6s %-6s %-8s %s\n", "BOARD", "GDB", "CONS",
	    "BRIDGE", "TARGET");
	for (i = 0; i < bs->n; i++) {
		b = &bs->b[i];
		ctl = br_boards_ctl(b);
		vml = board_get(b, "vmlinux");
		board_port_str(gp, sizeof gp, b->gdb_port);
		board_port_str(cp, sizeof cp, b->console_port);
		fprintf(f, "%-16s %-6s %-6s %-8s %s%s%s\n", b->name,
		    gp, cp, board_alive(ctl) ?
		    "running" : "-", b->target, vml != NULL ? "  vmlinux=" :
		    "", vml != NULL ? vml : "");
		free(ctl);
	}
}
