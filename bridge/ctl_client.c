/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/ctl_client.c: `kgdb-bridge ctl [--ctl PATH | --target TARGET]
 * COMMAND`, the control client. Blocking, no event loop: it finds the
 * bridge's socket (--ctl, a board's, a TARGET's default, or the one
 * bridge running), turns the words into one typed JSON request with the
 * parser the bridge uses (common/ctlproto.c), prints the reply (or, for
 * events, every line) and exits 0 when the reply says "ok".
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge/bridge.h"
#include "common/json.h"

static void
ctl_usage(FILE *f)
{
	fprintf(f, "usage: kgdb-bridge ctl [--ctl PATH | --target TARGET] "
	    "COMMAND\n"
	    "commands: status, mem ADDR LEN, regs, mark TEXT, events (alias "
	    "subscribe),\n"
	    "          quit, ping; break (with gdb attached only while it "
	    "waits for a stop);\n"
	    "          without gdb attached also continue, step, thread "
	    "ID,\n"
	    "          or one raw JSON request line with typed arguments, "
	    "e.g.\n"
	    "          '{\"v\":1,\"cmd\":\"mem\",\"addr\":"
	    "\"0xffffffff81000000\",\"len\":16}'\n"
	    "ADDR is hex (0x optional), LEN decimal (1 to 4096); the protocol "
	    "is in\nkgdb-bridge(1), CONTROL.\n"
	    "Without --ctl, the one bridge running for this user is used.\n");
}

static bool
ctl_is_command(const char *w)
{
	return (w[0] == '{' || ctl_cmd_known(w));
}

/* The control socket of board name, or NULL if there is no such board. */
static char *
ctl_board_path(const char *name)
{
	struct br_boards	*bs;
	const struct br_board	*b;
	char			 err[BR_ERRLEN], *path = NULL;

	if (strpbrk(name, "/:,") != NULL || (bs = br_boards_load(err)) ==
	    NULL)
		return (NULL);
	if ((b = br_boards_find(bs, name)) != NULL)
		path = br_boards_ctl(b);
	br_boards_free(bs);
	return (path);
}

/* The socket of the only bridge running, or NULL with a message. */
static char *
ctl_find(void)
{
	char		*dir = br_opts_ctl_dir(), *found = NULL, *p;
	char		 err[BR_ERRLEN];
	struct dirent	*de;
	DIR		*d;
	int		 n = 0, fd;

	/* A directory someone else controls holds no socket to trust. */
	if (br_private_dir(dir, false, err) == -1 && access(dir, F_OK) == 0) {
		fprintf(stderr, "kgdb-bridge ctl: %s\n", err);
		free(dir);
		return (NULL);
	}
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "kgdb-bridge ctl: no bridge is running (no "
		    "%s)\n", dir);
		free(dir);
		return (NULL);
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".sock") != 0)
			continue;
		xasprintf(&p, "%s/%s", dir, de->d_name);
		if ((fd = br_peer_unix_connect(p)) == -1) {
			free(p);
			continue;
		}
		close(fd);
		if (n++ == 0)
			found = p;
		else {
			if (n == 2)
				fprintf(stderr, "kgdb-bridge ctl: several "
				    "bridges run; choose one with --ctl:\n  "
				    "%s\n", found);
			fprintf(stderr, "  %s\n", p);
			free(p);
		}
	}
	closedir(d);
	if (n == 0)
		fprintf(stderr, "kgdb-bridge ctl: no bridge is running (no "
		    "live socket in %s)\n", dir);
	free(dir);
	if (n != 1) {
		free(found);
		return (NULL);
	}
	return (found);
}

/*
 * The request line for the words of argv: a JSON request, or a command
 * and its arguments, read by the parser the bridge uses and sent as one
 * line of typed JSON (so a JSON request written over several lines is
 * still one request). What does not parse goes as it is, for the bridge
 * to refuse with its reason, unless a line break would make it two
 * requests (a "quit" after the break would run). NULL after saying why.
 * *events: the reply is a stream of events.
 */
static char *
ctl_client_request(int argc, char **argv, bool *events)
{
	struct ctl_req	*req = xmalloc(sizeof *req);
	char		 err[BR_ERRLEN], *line = NULL, *t, *out = NULL;
	size_t		 n;
	int		 i;

	*events = false;
	/* A JSON request is one word; the words of a command, joined. */
	for (i = 0; i < (argv[0][0] == '{' ? 1 : argc); i++) {
		xasprintf(&t, "%s%s%s", line != NULL ? line : "", line != NULL ?
		    " " : "", argv[i]);
		free(line);
		line = t;
	}
	if (ctl_req_parse(req, line, strlen(line), err, sizeof err) == -1) {
		/* The bridge says what is wrong, in a JSON reply as for any
		 * other request; a line break would make it two requests. */
		if (strpbrk(line, "\r\n") != NULL)
			fprintf(stderr, "kgdb-bridge ctl: %s\n", err);
		else {
			out = line;
			line = NULL;
		}
		goto done;
	}
	*events = req->cmd == CTL_SUBSCRIBE;
	n = ctl_req_json(req, NULL, 0);
	if (n > CTL_LINE_MAX) {
		fprintf(stderr, "kgdb-bridge ctl: the request is %zu bytes as "
		    "JSON, over the limit of %d\n", n, CTL_LINE_MAX);
		goto done;
	}
	out = xmalloc(n + 1);
	(void)ctl_req_json(req, out, n + 1);
done:
	free(line);
	free(req);
	return (out);
}

/* Whether a reply line says "ok": true. */
static bool
ctl_reply_ok(const char *line)
{
	json_t	*o = cm_json_parse(line, strlen(line), NULL, 0);
	bool	 ok = false;

	if (o != NULL)
		(void)cm_json_bool(o, "ok", &ok);
	json_decref(o);
	return (ok);
}

/*
 * kgdb-bridge ctl: which socket (--ctl, --target, a board's name, or the
 * only bridge running), one request; then its reply (exit 0 if "ok") or,
 * for events, every line until the bridge closes.
 */
int
br_ctl_client_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "ctl", required_argument, NULL, 'c' },
		{ "target", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char		*path = NULL, *req = NULL, buf[65536];
	char		 err[BR_ERRLEN];
	FILE		*in;
	int		 c, fd, rc = 1;
	bool		 events;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			free(path);
			path = xstrdup(optarg);
			break;
		case 't':
			free(path);
			path = ctl_board_path(optarg);
			if (path == NULL)
				path = br_opts_default_ctl(optarg);
			break;
		case 'h':
			ctl_usage(stdout);
			free(path);
			return (0);
		default:
			ctl_usage(stderr);
			free(path);
			return (2);
		}
	}
	if (optind >= argc) {
		ctl_usage(stderr);
		free(path);
		return (2);
	}
	/* "kgdb-bridge ctl BOARD status": a board's name before the
	 * command (a command word is never taken for a board). */
	if (path == NULL && optind + 1 < argc && !ctl_is_command(argv[optind])
	    && (path = ctl_board_path(argv[optind])) != NULL)
		optind++;
	if ((req = ctl_client_request(argc - optind, argv + optind,
	    &events)) == NULL) {
		rc = 2;
		goto out;
	}
	if (path == NULL && (path = ctl_find()) == NULL)
		goto out;
	if (br_ctl_dir_check(path, false, err) == -1) {
		fprintf(stderr, "kgdb-bridge ctl: %s\n", err);
		goto out;
	}
	if ((fd = br_peer_unix_connect(path)) == -1) {
		fprintf(stderr, "kgdb-bridge ctl: cannot connect to %s: %s\n",
		    path, strerror(errno));
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	if (dprintf(fd, "%s\n", req) < 0 || (in = fdopen(fd, "r")) == NULL) {
		fprintf(stderr, "kgdb-bridge ctl: %s\n", strerror(errno));
		close(fd);
		goto out;
	}
	while (fgets(buf, sizeof buf, in) != NULL) {
		fputs(buf, stdout);
		fflush(stdout);
		if (!events) {
			rc = ctl_reply_ok(buf) ? 0 : 1;
			break;
		}
		rc = 0;
	}
	fclose(in);
out:
	free(path);
	free(req);
	return (rc);
}
