/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/main.c: kgdb-bridge, the daemon. Parses the command line, wires
 * struct bridge (transcript, console, link, target engine, gdb port,
 * control socket), runs the one libevent loop, and shuts down cleanly on
 * SIGINT/SIGTERM, Ctrl-] q or `kgdb-bridge ctl quit`: the target
 * engine detaches a stopped kernel (D) before the link closes. SIGHUP
 * reopens the transcript and trace (logrotate). Under systemd
 * (Type=notify) it says READY=1 once every port listens.
 *
 * `kgdb-bridge ctl …` is the control client (ctl.c).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "bridge/bridge.h"
#include "bridge/prefetch.h"
#include "bridge/sleepers.h"
#include "bridge/taskregs.h"

static void
main_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct bridge	*br = arg;

	(void)what;
	if (sig == SIGHUP) {
		char	err[BR_ERRLEN];

		/* logrotate moved the files: write to new ones. */
		if (br_transcript_reopen(br->transcript, br->opts.log_path,
		    br->opts.trace_path, err) != 0)
			log_warn("SIGHUP: %s; still writing the old file", err);
		else
			log_info("SIGHUP: transcript and trace reopened");
		return;
	}
	log_info("%s: shutting down", strsignal((int)sig));
	br_quit(br);
}

/*
 * systemd's readiness protocol, without libsystemd: one datagram to
 * $NOTIFY_SOCKET ('@' for the abstract namespace). Nothing if unset.
 */
static void
main_sd_notify(const char *state)
{
	const char		*path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un	 sun;
	socklen_t		 len;
	int			 fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof sun.sun_path)
		return;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len) == -1)
		log_warn("NOTIFY_SOCKET %s: %s", path, strerror(errno));
	close(fd);
}

static void
main_pick_arch(struct bridge *br)
{
	const char	*name = br->opts.arch;
	char		 err[BR_ERRLEN];

	if (br->opts.vmlinux != NULL) {
		if ((name = br_cmdline_elf_arch(br->opts.vmlinux, err)) == NULL)
			fatalx("%s", err);
		if (br->opts.arch != NULL && rsp_arch_by_name(br->opts.arch) !=
		    rsp_arch_by_name(name))
			log_warn("--arch %s ignored: %s is %s", br->opts.arch,
			    br->opts.vmlinux, name);
	}
	if (name == NULL)
		name = "x86_64";
	br->arch = rsp_arch_by_name(name);
	if (br->arch == NULL)
		log_warn("no register layout for %s in this build", name);
}

/*
 * The stop-state cache (cache.c), before the target engine that feeds it.
 * A --vmlinux that cannot be mapped only costs the file serving; the file
 * is compared with the kernel (br_vmlinux_check) before it serves a byte.
 */
static void
main_cache_new(struct bridge *br)
{
	char	err[BR_ERRLEN];

	if (br->arch == NULL)
		return;
	br->cache = br_cache_new(br->arch);
	if (br->opts.vmlinux != NULL) {
		br->vmlinux = br_vmlinux_open(br->opts.vmlinux, 0, err);
		if (br->vmlinux == NULL)
			log_warn("%s: no read-only data from the file", err);
		else
			br_cache_use_vmlinux(br->cache, br->vmlinux);
	}
	if (br->opts.no_cache) {
		br_cache_set_enabled(br->cache, false);
		log_info("cache: off (--no-cache)");
	}
	/* Sleeping tasks' registers (x86_64): the vmlinux is read at the
	 * first sleeping task gdb asks for. */
	if (br->arch->id == RSP_ARCH_X86_64)
		br->sleepers = br_sleepers_new(br->arch, br->opts.vmlinux,
		    !br->opts.no_sleepers);
	/* Sleeping tasks' 'g' built from their saved words (arm64, where
	 * it costs far fewer bytes than kgdb's answer; riscv64 knows how,
	 * off until switched on). Its DWARF is read at the first one. */
	if (br->arch->id == RSP_ARCH_ARM64 || br->arch->id ==
	    RSP_ARCH_RISCV64)
		br->taskregs = br_taskregs_new(br->arch, br->opts.vmlinux,
		    br->arch->id == RSP_ARCH_ARM64 && !br->opts.no_taskregs &&
		    br->opts.vmlinux != NULL);
}

/* "127.0.0.1:4441", "[::1]:4441" or "off": where a listener is. */
static void
main_port_str(char *buf, size_t len, const char *addr, int port, bool on)
{
	if (!on)
		snprintf(buf, len, "off");
	else if (strchr(addr, ':') != NULL)
		snprintf(buf, len, "[%s]:%d", addr, port);
	else
		snprintf(buf, len, "%s:%d", addr, port);
}

/* The ports actually bound (port 0 asks for any free one). */
static void
main_log_ports(struct bridge *br)
{
	char	con[80], gdb[80];

	main_port_str(con, sizeof con, br->opts.listen,
	    br_console_port(br->console),
	    br->opts.console_port != BR_PORT_OFF);
	main_port_str(gdb, sizeof gdb, br->opts.listen,
	    br->gdb != NULL ? br_gdb_port(br->gdb) : 0,
	    br->opts.gdb_port != BR_PORT_OFF);
	log_info("console port %s, gdb port %s, control %s", con, gdb,
	    br->opts.ctl_path);
}

/*
 * The bus sinks (notify.c), installed in this order before any module can
 * speak: the log (and the last panic line for ctl status), the cache
 * (invalidated by the target's state changes, stops and link resets,
 * before anyone who hears of them can ask it), the read-ahead (which
 * starts at a stop and ends at a resume), taskregs (whose checks a link
 * reset starts over), the transcript,
 * the console (which also renders console bytes and notices, and writes
 * them to the transcript), then control-socket subscribers, who hear only
 * the notes ctl.c names (never BR_NOTE_INTERNAL ones). Each reads its
 * module from struct bridge when called, so a module made later still
 * hears.
 */
static void
main_log_sink(void *arg, const struct br_event *ev)
{
	struct bridge	*br = arg;
	const char	*text = ev->text;

	if (BR_NOTE_INTERNAL(ev->note))
		return;
	switch (ev->note) {
	case BR_NOTE_CONSOLE_LINE:
		return;
	case BR_NOTE_PANIC:
		snprintf(br->panic, sizeof br->panic, "%s", text);
		log_warn("target: %s", text);
		return;
	case BR_NOTE_MARK:
		log_info("mark: %s", text);
		return;
	case BR_NOTE_LINK_DOWN:
		log_warn("%s", text);
		return;
	case BR_NOTE_LINK_UP:
		log_info("%s", text);
		return;
	case BR_NOTE_BREAK_FAILED:
		log_warn("break-in failed: %s", text);
		return;
	default:
		/* gdb.c logs attach and detach itself. */
		log_debug("%s: %s", br_note_name(ev->note), text);
		return;
	}
}

static void
main_cache_sink(void *arg, const struct br_event *ev)
{
	br_cache_note(((struct bridge *)arg)->cache, ev);
}

static void
main_prefetch_sink(void *arg, const struct br_event *ev)
{
	br_prefetch_note(((struct bridge *)arg)->prefetch, ev);
}

static void
main_taskregs_sink(void *arg, const struct br_event *ev)
{
	br_taskregs_note(arg, ev);
}

static void
main_transcript_sink(void *arg, const struct br_event *ev)
{
	br_transcript_note(((struct bridge *)arg)->transcript, ev->note,
	    ev->text);
}

static void
main_console_sink(void *arg, const struct br_event *ev)
{
	br_console_event(((struct bridge *)arg)->console, ev);
}

static void
main_ctl_sink(void *arg, const struct br_event *ev)
{
	br_ctl_notify(((struct bridge *)arg)->ctl, ev);
}

/*
 * The links' callbacks (struct br_link_cb): the target link's bytes go to
 * the target engine, its coming and going to the bus (LINK_UP/DOWN), then
 * to the engine; a second console's bytes and changes go to the bus only.
 */
static void
main_link_read(void *arg, const void *buf, size_t len)
{
	struct bridge	*br = arg;

	if (br->target != NULL)
		br_target_input(br->target, buf, len);
}

static void
main_link_up(void *arg, const char *msg)
{
	struct bridge	*br = arg;

	br_notify(br, BR_NOTE_LINK_UP, msg);
	if (br->target != NULL)
		br_target_link_changed(br->target, true);
}

static void
main_link_down(void *arg, const char *msg)
{
	struct bridge	*br = arg;

	br_notify(br, BR_NOTE_LINK_DOWN, msg);
	if (br->target != NULL)
		br_target_link_changed(br->target, false);
}

static void
main_console2_read(void *arg, const void *buf, size_t len)
{
	br_notify_console(arg, BR_SRC_CONSOLE2, buf, len);
}

static void
main_console2_changed(void *arg, const char *msg)
{
	br_notice(arg, "%s", msg);
}

/* Parse the command line, make the modules in order, run the loop,
 * free them in the reverse order. */
int
main(int argc, char **argv)
{
	struct bridge	 br;
	struct br_link_cb link_cb = { main_link_read, main_link_up,
			    main_link_down, &br };
	struct br_link_cb link2_cb = { main_console2_read,
			    main_console2_changed, main_console2_changed, &br };
	struct event	*sigs[3];
	static const int signums[3] = { SIGINT, SIGTERM, SIGHUP };
	char		 err[BR_ERRLEN];
	int		 rc, i;

	if (argc > 1 && strcmp(argv[1], "ctl") == 0)
		return (br_ctl_client_main(argc - 1, argv + 1));

	memset(&br, 0, sizeof br);
	rc = br_cmdline_parse(&br.opts, argc, argv, err);
	if (rc == BR_OPTS_EXIT) {
		br_opts_clear(&br.opts);
		return (0);
	}
	if (rc == -1) {
		fprintf(stderr, "kgdb-bridge: %s\n"
		    "usage: kgdb-bridge [options] TARGET   (--help for more)\n",
		    err);
		br_opts_clear(&br.opts);
		return (2);
	}
	if (br.opts.console2 != NULL &&
	    br_opts_parse_target(&br.opts2, br.opts.console2, err) == -1) {
		fprintf(stderr, "kgdb-bridge: --console2: %s\n", err);
		br_opts_clear(&br.opts);
		br_opts_clear(&br.opts2);
		return (2);
	}
	br_log_init(-1, br.opts.verbose > 0 ? BR_LOG_DEBUG : BR_LOG_INFO);
	if ((br.opts.gdb_port != BR_PORT_OFF ||
	    br.opts.console_port != BR_PORT_OFF) &&
	    !br_cmdline_listen_loopback(br.opts.listen))
		log_warn("--listen %s is not a loopback address: anyone who "
		    "can reach the %s can read and write kernel memory and "
		    "stop the kernel (no password, no encryption)",
		    br.opts.listen,
		    br.opts.gdb_port != BR_PORT_OFF &&
		    br.opts.console_port != BR_PORT_OFF ?
		    "gdb and console ports" : br.opts.gdb_port != BR_PORT_OFF ?
		    "gdb port" : "console port");
	main_pick_arch(&br);
	signal(SIGPIPE, SIG_IGN);

	if ((br.base = event_base_new()) == NULL)
		fatalx("cannot create the event loop");
	br.start_ms = br_now_ms();
	br_notify_sink(&br, main_log_sink, &br);
	br_notify_sink(&br, main_cache_sink, &br);
	br_notify_sink(&br, main_prefetch_sink, &br);
	br_notify_sink(&br, main_taskregs_sink, &br);
	br_notify_sink(&br, main_transcript_sink, &br);
	br_notify_sink(&br, main_console_sink, &br);
	br_notify_sink(&br, main_ctl_sink, &br);

	if ((br.opts.log_path != NULL || br.opts.trace_path != NULL) &&
	    (br.transcript = br_transcript_new(br.opts.log_path,
	    br.opts.trace_path, err)) == NULL)
		fatalx("%s", err);
	if ((br.ctl = br_ctl_new(&br, br.opts.ctl_path, err)) == NULL)
		fatalx("%s", err);
	if ((br.console = br_console_new(&br, err)) == NULL)
		fatalx("%s", err);
	if (!br.opts.no_stdin)
		br.kbd = br_kbd_new(&br);
	if ((br.link = br_link_new(&br, &br.opts, &link_cb, err)) == NULL) {
		br_kbd_free(br.kbd);
		br_console_free(br.console);
		br_ctl_free(br.ctl);
		fatalx("%s", err);
	}
	if (br.opts.console2 != NULL &&
	    (br.link2 = br_link_new_console2(&br, &br.opts2, &link2_cb,
	    err)) == NULL) {
		br_kbd_free(br.kbd);
		br_console_free(br.console);
		br_ctl_free(br.ctl);
		fatalx("--console2: %s", err);
	}
	main_cache_new(&br);
	br.target = br_target_new(&br, br.link);
	/* Reading ahead while gdb thinks (prefetch.c), into the cache. */
	if (br.cache != NULL) {
		br.prefetch = br_prefetch_new(&br, !br.opts.no_prefetch);
		if (br.opts.no_prefetch)
			log_info("prefetch: off (--no-prefetch)");
	}
	if (br_link_up(br.link))
		br_target_link_changed(br.target, true);
	if ((br.opts.gdb_port != BR_PORT_OFF || br.opts.gdb_socket != NULL) &&
	    (br.gdb = br_gdb_new(&br, err)) == NULL) {
		br_kbd_free(br.kbd);
		br_console_free(br.console);
		br_ctl_free(br.ctl);
		fatalx("%s", err);
	}
	for (i = 0; i < 3; i++) {
		sigs[i] = evsignal_new(br.base, signums[i], main_signal_cb, &br);
		if (sigs[i] == NULL || evsignal_add(sigs[i], NULL) == -1)
			fatalx("cannot watch signal %d", signums[i]);
	}
	if (br.opts.tui && (br.launch = br_launch_tui(&br, err)) == NULL)
		fatalx("--tui: %s", err);
	main_log_ports(&br);
	if (br.opts.gdb_socket != NULL)
		log_info("gdb socket %s: target remote %s", br.opts.gdb_socket,
		    br.opts.gdb_socket);
	if (br.opts.console_socket != NULL)
		log_info("console socket %s", br.opts.console_socket);
	main_sd_notify("READY=1");

	event_base_dispatch(br.base);

	br.quit = true;
	br_launch_free(br.launch);
	br.launch = NULL;
	br_ctl_free(br.ctl);
	br.ctl = NULL;
	br_gdb_free(br.gdb);
	br.gdb = NULL;
	br_prefetch_free(br.prefetch);	/* before the target it hooks */
	br.prefetch = NULL;
	br_target_free(br.target);	/* detaches a stopped target */
	br.target = NULL;
	/* After the target: its last callbacks still go through the cache. */
	br_cache_free(br.cache);
	br_sleepers_free(br.sleepers);
	br.sleepers = NULL;
	br_taskregs_free(br.taskregs);
	br.taskregs = NULL;
	br.cache = NULL;
	br_vmlinux_free(br.vmlinux);
	br.vmlinux = NULL;
	br_link_free(br.link2);
	br.link2 = NULL;
	br_link_free(br.link);		/* flushes that D first */
	br.link = NULL;
	br_kbd_free(br.kbd);
	br.kbd = NULL;
	br_console_free(br.console);
	br.console = NULL;
	br_transcript_free(br.transcript);
	for (i = 0; i < 3; i++)
		event_free(sigs[i]);
	event_base_free(br.base);
	br_opts_clear(&br.opts);
	br_opts_clear(&br.opts2);
	return (0);
}
