/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/files.c: the files and directories the bridge writes to.
 *
 * The control-socket directory (/tmp/kgdb-bridge-UID, or kgdb-bridge under
 * $XDG_RUNTIME_DIR) and the --log, --trace and CTL.log files may sit in a
 * place other users can write to, such as /tmp. Another user must not be
 * able to hand the bridge a directory, a symlink, a FIFO or a file of
 * theirs: whoever owns the socket's directory can swap the socket, and a
 * followed symlink makes the bridge (often root) append to any file.
 *
 * The directory is made with mode 0700; an existing one must be a real
 * directory (not a symlink), ours, and closed to group and others, the
 * way tmux checks its socket directory. Files are opened without
 * following a symlink and must be regular files with one link, owned by
 * us; a new one gets mode 0600, an existing one of ours is made 0600.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge/bridge.h"

static const char *
files_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return ("a directory");
	if (S_ISLNK(mode))
		return ("a symbolic link");
	if (S_ISFIFO(mode))
		return ("a FIFO");
	if (S_ISSOCK(mode))
		return ("a socket");
	if (S_ISCHR(mode))
		return ("a character device");
	if (S_ISBLK(mode))
		return ("a block device");
	if (S_ISREG(mode))
		return ("a regular file");
	return ("not a regular file");
}

int
br_private_dir(const char *dir, bool create, char *err)
{
	struct stat	st;
	uid_t		uid = geteuid();

	if (create && mkdir(dir, 0700) == -1 && errno != EEXIST) {
		br_seterr(err, "cannot create %s: %s", dir, strerror(errno));
		return (-1);
	}
	if (lstat(dir, &st) == -1) {
		br_seterr(err, "%s: %s", dir, strerror(errno));
		return (-1);
	}
	if (!S_ISDIR(st.st_mode)) {
		br_seterr(err, "%s is %s, not a directory: refusing to use it "
		    "for control sockets (remove it)", dir,
		    files_kind(st.st_mode));
		return (-1);
	}
	if (st.st_uid != uid) {
		br_seterr(err, "%s belongs to uid %u, not to you (uid %u): "
		    "its owner could replace the control socket; refusing "
		    "(remove it, or give --ctl)", dir, (unsigned)st.st_uid,
		    (unsigned)uid);
		return (-1);
	}
	if ((st.st_mode & 077) != 0) {
		br_seterr(err, "%s has mode %04o: others could replace the "
		    "control socket; refusing (chmod 700 it, or remove it)",
		    dir, (unsigned)(st.st_mode & 07777));
		return (-1);
	}
	return (0);
}

int
br_ctl_dir_check(const char *path, bool create, char *err)
{
	char	*dir, *slash, *def;
	int	 rc = 0;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir) {
		free(dir);
		return (0);
	}
	*slash = '\0';
	def = br_opts_ctl_dir();
	if (strcmp(dir, def) == 0)
		rc = br_private_dir(dir, create, err);
	else if (create && mkdir(dir, 0700) == -1 && errno != EEXIST) {
		/* A --ctl of the user's choosing: only its last component
		 * is made, and private. */
		br_seterr(err, "cannot create %s: %s", dir, strerror(errno));
		rc = -1;
	}
	free(def);
	free(dir);
	return (rc);
}

/* Whether path may be appended to: no symlink, FIFO, other user's
 * file or hard link; the descriptor, the file made 0600. */
int
br_open_private(const char *path, const char *what, char *err)
{
	struct stat	st;
	int		fd, fl;

	/*
	 * O_NONBLOCK: a FIFO without a reader fails at once (ENXIO) instead
	 * of hanging start-up; it is refused below either way.
	 */
	fd = open(path, O_WRONLY|O_CREAT|O_APPEND|O_NOFOLLOW|O_NOCTTY|
	    O_CLOEXEC|O_NONBLOCK, 0600);
	if (fd == -1) {
		if (errno == ELOOP)
			br_seterr(err, "%s: %s is a symbolic link: refusing to "
			    "follow it (give the real path)", what, path);
		else if (errno == ENXIO)
			br_seterr(err, "%s: %s is not a regular file (a FIFO "
			    "or socket): refusing it", what, path);
		else
			br_seterr(err, "%s: cannot open %s: %s", what, path,
			    strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		br_seterr(err, "%s: %s: %s", what, path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		br_seterr(err, "%s: %s is %s, not a regular file: refusing it",
		    what, path, files_kind(st.st_mode));
		goto fail;
	}
	if (st.st_uid != geteuid()) {
		br_seterr(err, "%s: %s belongs to uid %u, not to you: refusing "
		    "to write to it (remove it or choose another name)", what,
		    path, (unsigned)st.st_uid);
		goto fail;
	}
	if (st.st_nlink != 1) {
		br_seterr(err, "%s: %s has %lu hard links: refusing to write "
		    "to it (another name may be a file you did not mean)",
		    what, path, (unsigned long)st.st_nlink);
		goto fail;
	}
	/* Ours: an existing file keeps its mode on open, so tighten it. */
	if ((st.st_mode & 077) != 0 && fchmod(fd, 0600) == -1) {
		br_seterr(err, "%s: cannot make %s private (mode 0600): %s",
		    what, path, strerror(errno));
		goto fail;
	}
	if ((fl = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return (fd);
fail:
	close(fd);
	return (-1);
}
