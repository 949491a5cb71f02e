/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/launch.c: `kgdb-bridge --tui TARGET`, one command, one terminal.
 *
 * The bridge forks kgdb-tui on its own terminal and control socket, then
 * gets out of the way: --tui implies --quiet and --no-stdin (opts.c), and
 * here the bridge's stdout and stderr move to CTL.log (mode 0600, beside
 * the socket) once the child has the terminal. The TUI stays a separate
 * process (style.md rule 2): if it crashes the bridge notices, logs it
 * and shuts down cleanly, detaching a stopped kernel as usual.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "bridge/bridge.h"

struct br_launch {
	struct bridge	*br;
	pid_t		 pid;		/* -1 once reaped */
	struct event	*sigchld;
};

char *
br_launch_tui_path(void)
{
	const char	*env = getenv("KGDB_TUI");
	char		 self[PATH_MAX], *slash, *p;
	ssize_t		 n;

	if (env != NULL && *env != '\0')
		return (xstrdup(env));
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			xasprintf(&p, "%s/kgdb-tui", self);
			if (access(p, X_OK) == 0)
				return (p);
			free(p);
		}
	}
	return (xstrdup("kgdb-tui"));
}

static void
launch_sigchld_cb(evutil_socket_t sig, short what, void *arg)
{
	struct br_launch	*l = arg;
	int			 status;
	pid_t			 pid;

	(void)sig;
	(void)what;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid != l->pid)
			continue;
		l->pid = -1;
		if (WIFSIGNALED(status))
			log_warn("kgdb-tui died of signal %d; shutting down",
			    WTERMSIG(status));
		else
			log_info("kgdb-tui exited (%d); shutting down",
			    WEXITSTATUS(status));
		br_quit(l->br);
	}
}

/* Fork kgdb-tui on our terminal and control socket; then our stdout and
 * stderr go to CTL.log, so nothing else writes to its screen. */
struct br_launch *
br_launch_tui(struct bridge *br, char *err)
{
	struct br_launch	*l;
	char			*prog, *logpath;
	int			 fd;
	pid_t			 pid;

	xasprintf(&logpath, "%s.log", br->opts.ctl_path);
	if ((fd = br_open_private(logpath, "log", err)) == -1) {
		free(logpath);
		return (NULL);
	}
	l = xcalloc(1, sizeof *l);
	l->br = br;
	l->sigchld = evsignal_new(br->base, SIGCHLD, launch_sigchld_cb, l);
	if (l->sigchld == NULL || evsignal_add(l->sigchld, NULL) == -1) {
		br_seterr(err, "cannot watch SIGCHLD");
		goto fail;
	}
	prog = br_launch_tui_path();
	if ((pid = fork()) == -1) {
		br_seterr(err, "fork: %s", strerror(errno));
		free(prog);
		goto fail;
	}
	if (pid == 0) {
		char	*argv[6];
		int	 i = 0;

		signal(SIGPIPE, SIG_DFL);
		argv[i++] = prog;
		argv[i++] = (char *)"--ctl";
		argv[i++] = br->opts.ctl_path;
		if (br->opts.vmlinux != NULL) {
			argv[i++] = (char *)"--vmlinux";
			argv[i++] = br->opts.vmlinux;
		}
		argv[i] = NULL;
		execvp(prog, argv);
		fprintf(stderr, "kgdb-bridge: cannot run %s: %s\n", prog,
		    strerror(errno));
		_exit(127);
	}
	free(prog);
	l->pid = pid;
	log_info("kgdb-tui (pid %ld) has the terminal; this log goes to %s",
	    (long)pid, logpath);
	fflush(stdout);
	fflush(stderr);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	free(logpath);
	return (l);

fail:
	close(fd);
	free(logpath);
	br_launch_free(l);
	return (NULL);
}

void
br_launch_free(struct br_launch *l)
{
	int	i, status;

	if (l == NULL)
		return;
	if (l->pid > 0) {
		kill(l->pid, SIGTERM);
		/* A second and a half to restore the terminal, then no more. */
		for (i = 0; i < 30; i++) {
			if (waitpid(l->pid, &status, WNOHANG) == l->pid)
				break;
			usleep(50 * 1000);
		}
		if (i == 30) {
			kill(l->pid, SIGKILL);
			waitpid(l->pid, &status, 0);
		}
	}
	if (l->sigchld != NULL)
		event_free(l->sigchld);
	free(l);
}
