/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/cmdline.c: what the command line asks of the system.
 *
 * opts.c parses and says what was asked, with no I/O (layer 0); here,
 * above the files that do the work, it is done: --help and --version
 * print, --list lists the serial ports (list.c), --list-boards the boards
 * (boards.c), and a board's name becomes its options in front of the
 * user's, parsed again. Also the start-up checks that need the system:
 * the --vmlinux file's machine, and whether --listen is loopback.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge/bridge.h"
#include "common/elf.h"

/* A board: parse again with its options in front of the user's. */
static int
cmdline_board(struct br_opts *o, int argc, char **argv, char *err)
{
	struct br_boards	*bs;
	const struct br_board	*b;
	char			**v, *name;
	int			 n, at = o->board_at, rc;

	name = xstrdup(o->board);
	br_opts_clear(o);
	if ((bs = br_boards_load(err)) == NULL) {
		free(name);
		return (-1);
	}
	if ((b = br_boards_find(bs, name)) == NULL) {
		br_seterr(err, "no board '%s' in %s (a device needs its path, "
		    "as in /dev/%s; kgdb-bridge --list-boards)", name,
		    br_boards_files(bs), name);
		goto fail;
	}
	if (br_boards_check(bs, b, err) != 0)
		goto fail;
	v = br_boards_argv(b, argc, argv, at, &n);
	br_boards_free(bs);
	rc = br_opts_parse(o, n, v, err);
	br_boards_argv_free(v);
	if (rc == BR_OPTS_RUN) {
		o->board = name;
		return (BR_OPTS_RUN);
	}
	/* A board's keys are options that run (boards.c), its target a path
	 * or kind:… (br_boards_load), and the user's options parsed once
	 * already: nothing but RUN or -1 comes back. */
	if (rc != -1)
		br_seterr(err, "board '%s': its options ask for something "
		    "other than running it", name);
	free(name);
	return (-1);
fail:
	br_boards_free(bs);
	free(name);
	return (-1);
}

int
br_cmdline_parse(struct br_opts *o, int argc, char **argv, char *err)
{
	struct br_boards	*bs;
	int			 rc;

	rc = br_opts_parse(o, argc, argv, err);
	switch (rc) {
	case BR_OPTS_HELP:
		br_opts_usage(stdout);
		return (BR_OPTS_EXIT);
	case BR_OPTS_VERSION:
		br_opts_version(stdout);
		return (BR_OPTS_EXIT);
	case BR_OPTS_LIST:
		if (br_list_ports(stdout, err) != 0)
			return (-1);
		return (BR_OPTS_EXIT);
	case BR_OPTS_LIST_BOARDS:
		if ((bs = br_boards_load(err)) == NULL)
			return (-1);
		br_boards_list(bs, stdout);
		br_boards_free(bs);
		return (BR_OPTS_EXIT);
	case BR_OPTS_BOARD:
		return (cmdline_board(o, argc, argv, err));
	}
	return (rc);
}

bool
br_cmdline_listen_loopback(const char *host)
{
	struct addrinfo			 hints, *res, *ai;
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;
	const uint8_t			*a;
	bool				 loop = true;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	/* Unresolvable: nothing will listen there (the bind fails). */
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return (true);
	for (ai = res; ai != NULL && loop; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET) {
			sin = (const struct sockaddr_in *)(void *)ai->ai_addr;
			a = (const uint8_t *)&sin->sin_addr;
			loop = a[0] == 127;
		} else if (ai->ai_family == AF_INET6) {
			sin6 = (const struct sockaddr_in6 *)(void *)
			    ai->ai_addr;
			a = sin6->sin6_addr.s6_addr;
			/* ::1, or ::ffff:127.x.y.z */
			loop = IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr) ||
			    (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr) &&
			    a[12] == 127);
		} else
			loop = false;
	}
	freeaddrinfo(res);
	return (loop);
}

/*
 * The machine an ELF file was built for, from its header alone
 * (common/elf.c decodes it in the file's byte order). Enough to choose a
 * register layout.
 */
const char *
br_cmdline_elf_arch(const char *path, char *err)
{
	unsigned char		h[64];	/* the larger (64-bit) ELF header */
	char			cerr[CM_ELF_ERRLEN];
	struct cm_elf_info	in;
	ssize_t			n;
	int			fd;

	if ((fd = open(path, O_RDONLY|O_CLOEXEC)) == -1) {
		br_seterr(err, "cannot open %s: %s", path, strerror(errno));
		return (NULL);
	}
	n = read(fd, h, sizeof h);
	close(fd);
	if (n < 0 || cm_elf_ident(h, (size_t)n, &in, cerr) != 0) {
		br_seterr(err, "%s: %s", path, n < 0 ? strerror(errno) :
		    cerr);
		return (NULL);
	}
	switch (in.machine) {
	case EM_X86_64:
		return ("x86_64");
	case EM_386:
		return ("i386");
	case EM_AARCH64:
		return ("arm64");
	case EM_ARM:
		return ("arm");
	case EM_RISCV:	/* only the 64-bit class has a layout */
		if (in.bits == 64)
			return ("riscv64");
		break;
	}
	br_seterr(err, "%s: unsupported ELF machine %u%s (kgdb-bridge knows "
	    "x86_64, i386, arm64, arm and riscv64)", path, in.machine,
	    in.bits == 32 ? ", 32-bit" : "");
	return (NULL);
}
