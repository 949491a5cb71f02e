/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/opts.c: the command line and the TARGET word, parsed.
 *
 * Layer 0: no I/O. A parse says what was asked (run, --list, a board's
 * name, …) and cmdline.c does it, so the unit tests drive this alone.
 * Everything a parse allocates hangs off struct br_opts and goes in
 * br_opts_clear.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge/bridge.h"

#ifndef KGDB_BRIDGE_VERSION
#define KGDB_BRIDGE_VERSION	"0.2"
#endif


enum {
	OPT_GDB_PORT = 256, OPT_CONSOLE_PORT, OPT_LISTEN, OPT_LOG, OPT_TRACE,
	OPT_CTL, OPT_VMLINUX, OPT_ARCH, OPT_CONSOLE2, OPT_BREAK_SEQ,
	OPT_BREAK_ON_CONNECT, OPT_TAKEOVER, OPT_NO_STDIN, OPT_WAIT,
	OPT_CONSOLE_RAW, OPT_NO_CACHE, OPT_VERIFY_READS, OPT_VERSION, OPT_TUI,
	OPT_IDLE_TIMEOUT,
	OPT_READ_ONLY_VIEWERS, OPT_GDB_SOCKET, OPT_CONSOLE_SOCKET,
	OPT_TIMESTAMPS, OPT_LIST_BOARDS, OPT_LIST, OPT_RESOLVE,
	OPT_STEP_IRQS, OPT_NO_SLEEPERS, OPT_NO_TASKREGS, OPT_NO_PREFETCH,
};

static const struct option opts_long[] = {
	{ "gdb-port",		required_argument, NULL, OPT_GDB_PORT },
	{ "console-port",	required_argument, NULL, OPT_CONSOLE_PORT },
	{ "listen",		required_argument, NULL, OPT_LISTEN },
	{ "log",		required_argument, NULL, OPT_LOG },
	{ "trace",		required_argument, NULL, OPT_TRACE },
	{ "ctl",		required_argument, NULL, OPT_CTL },
	{ "vmlinux",		required_argument, NULL, OPT_VMLINUX },
	{ "arch",		required_argument, NULL, OPT_ARCH },
	{ "console2",		required_argument, NULL, OPT_CONSOLE2 },
	{ "break-seq",		required_argument, NULL, OPT_BREAK_SEQ },
	{ "break-on-connect",	no_argument, NULL, OPT_BREAK_ON_CONNECT },
	{ "takeover",		no_argument, NULL, OPT_TAKEOVER },
	{ "no-stdin",		no_argument, NULL, OPT_NO_STDIN },
	{ "wait",		no_argument, NULL, OPT_WAIT },
	{ "console-raw",	no_argument, NULL, OPT_CONSOLE_RAW },
	{ "no-cache",		no_argument, NULL, OPT_NO_CACHE },
	{ "no-sleepers",	no_argument, NULL, OPT_NO_SLEEPERS },
	{ "no-taskregs",	no_argument, NULL, OPT_NO_TASKREGS },
	{ "no-prefetch",	no_argument, NULL, OPT_NO_PREFETCH },
	{ "verify-reads",	required_argument, NULL, OPT_VERIFY_READS },
	{ "step-irqs",		required_argument, NULL, OPT_STEP_IRQS },
	{ "tui",		no_argument, NULL, OPT_TUI },
	{ "idle-timeout",	required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "read-only-viewers",	no_argument, NULL, OPT_READ_ONLY_VIEWERS },
	{ "gdb-socket",		required_argument, NULL, OPT_GDB_SOCKET },
	{ "console-socket",	required_argument, NULL, OPT_CONSOLE_SOCKET },
	{ "timestamps",		no_argument, NULL, OPT_TIMESTAMPS },
	{ "list-boards",	no_argument, NULL, OPT_LIST_BOARDS },
	{ "list",		no_argument, NULL, OPT_LIST },
	{ "resolve",		required_argument, NULL, OPT_RESOLVE },
	{ "quiet",		no_argument, NULL, 'q' },
	{ "verbose",		no_argument, NULL, 'v' },
	{ "help",		no_argument, NULL, 'h' },
	{ "version",		no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* --help: every option in a line or two (the man page has the rest). */
void
br_opts_usage(FILE *f)
{
	fprintf(f,
"usage: kgdb-bridge [options] TARGET|BOARD\n"
"       kgdb-bridge --list-boards | --list\n"
"       kgdb-bridge ctl [BOARD|--ctl PATH] status|mem ADDR LEN|regs|break|\n"
"                       continue|step|thread ID|mark TEXT|events|quit\n"
"\n"
"TARGET is one of:\n"
"  /dev/ttyUSB0[,BAUD[,8N1[,rtscts|xonxoff]]]  serial port (default 115200 8N1)\n"
"  /dev/serial/by-id/...     the same, found again after re-enumeration\n"
"  /dev/pts/N                a pty (QEMU -serial pty)\n"
"  usb:VID:PID[:SERIAL]      a USB serial adapter or debug port by identity\n"
"  tcp:HOST:PORT             raw TCP (terminal server, QEMU -serial tcp:)\n"
"  telnet:HOST:PORT[,BAUD[,8N1[,FLOW]]]  telnet with RFC 2217 (ser2net,\n"
"                            QEMU telnet=on); no settings: keep the line\n"
"  unix:PATH                 a Unix socket (QEMU -serial unix:)\n"
"BOARD is a section of boards.conf (~/.config/kgdb-bridge/, /etc/kgdb-bridge/)\n"
"\n"
"options:\n"
"  --gdb-port N        gdb port (default %d; 0: any free one, see\n"
"                      'kgdb-bridge ctl status'; off: none)\n"
"  --console-port N    console port for telnet/nc (default %d; 0: any\n"
"                      free one; off: none)\n"
"  --listen ADDR       address of both ports (default %s); not loopback:\n"
"                      anyone reaching them controls the kernel\n"
"  --gdb-socket PATH   also serve gdb on a Unix socket (mode 0600):\n"
"                      gdb vmlinux -ex 'target remote PATH'\n"
"  --console-socket PATH  also serve console viewers on a Unix socket\n"
"  --log FILE          console transcript with timestamps (mode 0600; a\n"
"                      symlink, FIFO or another user's file is refused)\n"
"  --trace FILE        protocol trace: every packet, both ways (same)\n"
"  --ctl PATH          control socket (default under $XDG_RUNTIME_DIR)\n"
"  --vmlinux FILE      the running kernel's image: its architecture, and\n"
"                      read-only data served once checked against the kernel\n"
"  --arch NAME         x86_64 (default), i386, arm64, arm or riscv64\n"
"  --console2 TARGET   a second console source, merged and tagged\n"
"  --resolve CMD       tcp:/telnet: targets: run CMD before every connect;\n"
"                      its first line HOST:PORT is where the target is now\n"
"                      (labgrid re-exports a re-plugged adapter elsewhere)\n"
"  --break-seq SEQ     break-in steps (default BREAK,wait:300,g)\n"
"  --break-on-connect  break in when gdb connects\n"
"  --takeover          a new gdb replaces the attached one\n"
"  --idle-timeout SECS close a gdb connection that sends no packet within\n"
"                      SECS (default %d; 0: never)\n"
"  --no-stdin          do not read the keyboard\n"
"  --wait              at startup, wait for the target to appear\n"
"  --console-raw       no telnet negotiation on the console port\n"
"  --timestamps        local time at the start of each console line, on\n"
"                      the terminal and for viewers\n"
"  --read-only-viewers console port clients watch only: no typing, no\n"
"                      break-in (the local terminal still types)\n"
"  --no-cache          relay only: answer nothing from the stop-state cache\n"
"  --no-sleepers       x86_64: sleeping tasks keep kgdb's registers (pc 0)\n"
"                      instead of those saved by switch_to (--vmlinux)\n"
"  --no-taskregs       arm64: every sleeping task's 'g' comes from kgdb,\n"
"                      not built from its saved registers (--vmlinux)\n"
"  --no-prefetch       read nothing ahead while the kernel is stopped and\n"
"                      the line idle (by default: the stopped thread's\n"
"                      registers and stack, the threads and their names)\n"
"  --verify-reads WHEN auto (default): on a line that corrupts frames, take a\n"
"                      memory or register read only when two copies agree;\n"
"                      always; off\n"
"  --step-irqs MODE    arm64: masked (default): a single step runs with\n"
"                      interrupts masked, as on x86_64; kernel: as kgdb\n"
"                      steps (the next interrupt handler comes first)\n"
"  --tui               run kgdb-tui on this terminal (implies --quiet and\n"
"                      --no-stdin; the bridge's log goes to CTL.log)\n"
"  --list              this host's serial ports: by-id name, USB identity,\n"
"                      driver, latency timer, who has each open\n"
"  --list-boards       the boards of boards.conf, and which run\n"
"  -q, --quiet         no console on stdout\n"
"  -v, --verbose       more log (twice: debug)\n"
"  -h, --help          this text\n"
"      --version       the version\n"
"\n"
"keys on the local console: Ctrl-] then q quit, b break in, ? help,\n"
"Ctrl-] again sends a Ctrl-].\n",
	    BR_DEFAULT_GDB_PORT, BR_DEFAULT_CONSOLE_PORT, BR_DEFAULT_LISTEN,
	    BR_DEFAULT_IDLE_TIMEOUT);
}

void
br_opts_version(FILE *f)
{
	fprintf(f, "kgdb-bridge %s (control protocol v%d)\n",
	    KGDB_BRIDGE_VERSION, CTL_PROTO_VERSION);
}

static void
opts_set(char **slot, const char *s)
{
	free(*slot);
	*slot = s != NULL ? xstrdup(s) : NULL;
}

static int
opts_number(const char *s, long lo, long hi, long *out)
{
	char	*end;
	long	 v;

	if (s == NULL || *s == '\0')
		return (-1);
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return (-1);
	*out = v;
	return (0);
}

/* A listener's port: 1 to 65535, 0 for any free one, "off" for none. */
static int
opts_port(const char *s, int *out, const char *what, char *err)
{
	long	v;

	if (s != NULL && strcmp(s, "off") == 0) {
		*out = BR_PORT_OFF;
		return (0);
	}
	if (opts_number(s, 0, 65535, &v) == -1) {
		br_seterr(err, "bad %s '%s' (want 0 to 65535, 0 for any free "
		    "port, or off)", what, s);
		return (-1);
	}
	*out = (int)v;
	return (0);
}

/* "8n1", "7E2", …: data bits, parity, stop bits. */
static int
opts_frame(struct br_opts *o, const char *s, char *err)
{
	if (strlen(s) != 3 || s[0] < '5' || s[0] > '8' ||
	    strchr("neoNEO", s[1]) == NULL || (s[2] != '1' && s[2] != '2')) {
		br_seterr(err, "bad line settings '%s' (want e.g. 8n1, 7e1)",
		    s);
		return (-1);
	}
	o->data_bits = s[0] - '0';
	o->parity = (char)tolower((unsigned char)s[1]);
	o->stop_bits = s[2] - '0';
	return (0);
}

/* host:port, with [v6]:port accepted. */
static int
opts_hostport(struct br_opts *o, const char *s, const char *kind, char *err)
{
	const char	*colon;
	char		*host;
	size_t		 hlen;
	int		 port;

	colon = strrchr(s, ':');
	if (colon == NULL || colon == s || colon[1] == '\0') {
		br_seterr(err, "bad %s target '%s' (want %s:HOST:PORT)", kind,
		    s, kind);
		return (-1);
	}
	if (opts_port(colon + 1, &port, "port", err) == -1 || port == 0) {
		br_seterr(err, "bad port in %s:%s", kind, s);
		return (-1);
	}
	hlen = (size_t)(colon - s);
	if (s[0] == '[' && hlen >= 2 && s[hlen - 1] == ']') {
		s++;
		hlen -= 2;
	}
	host = xmalloc(hlen + 1);
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	free(o->path);
	o->path = host;
	opts_set(&o->port, colon + 1);
	return (0);
}

static int
opts_hex16(const char *s, size_t len, unsigned *out)
{
	unsigned	v = 0;
	size_t		i;

	if (len == 0 || len > 4)
		return (-1);
	for (i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return (-1);
		v = v * 16 + (unsigned)(isdigit((unsigned char)s[i]) ?
		    s[i] - '0' : (tolower((unsigned char)s[i]) - 'a' + 10));
	}
	*out = v;
	return (0);
}

/*
 * The line settings after a target's first comma: BAUD[,8N1[,FLOW]], as
 * fields f[1..n-1]. Fields not given keep what o holds.
 */
static int
opts_line(struct br_opts *o, char **f, size_t n, const char *word,
    const char *kind, const char *want, char *err)
{
	size_t	i;
	long	baud;

	for (i = 1; i < n; i++) {
		if (i == 1) {
			if (opts_number(f[i], 50, 100000000, &baud) == -1) {
				br_seterr(err, "bad baud rate '%s'", f[i]);
				return (-1);
			}
			o->baud = (int)baud;
		} else if (i == 2) {
			if (opts_frame(o, f[i], err) == -1)
				return (-1);
		} else if (i == 3 && (strcmp(f[i], "rtscts") == 0 ||
		    strcmp(f[i], "xonxoff") == 0 ||
		    strcmp(f[i], "none") == 0)) {
			opts_set(&o->flow, f[i]);
		} else if (i == 3) {
			br_seterr(err, "bad flow control '%s' (want rtscts, "
			    "xonxoff or none)", f[i]);
			return (-1);
		} else {
			br_seterr(err, "bad %s target '%s' (want %s)", kind,
			    word, want);
			return (-1);
		}
	}
	return (0);
}

/* Split s at commas into at most 5 fields (s is modified); n out. */
static int
opts_fields(char *s, char **f, size_t *nout)
{
	size_t	n;
	char	*p = s;

	for (n = 0; n < 5; n++) {
		f[n] = p;
		if ((p = strchr(p, ',')) == NULL) {
			*nout = n + 1;
			return (0);
		}
		*p++ = '\0';
	}
	return (-1);
}

/* Which kind of target a TARGET word names, its address and line
 * settings; -1 with err for anything else. */
int
br_opts_parse_target(struct br_opts *o, const char *word, char *err)
{
	const char	*q;
	char		*copy, *f[5];
	size_t		 n = 0;

	opts_set(&o->target, word);
	opts_set(&o->path, NULL);
	opts_set(&o->port, NULL);
	opts_set(&o->usb_serial, NULL);
	opts_set(&o->flow, "none");
	o->baud = 115200;
	o->data_bits = 8;
	o->parity = 'n';
	o->stop_bits = 1;
	o->usb_vid = o->usb_pid = 0;

	if (word == NULL || *word == '\0') {
		br_seterr(err, "empty TARGET");
		return (-1);
	}
	if (strncmp(word, "tcp:", 4) == 0) {
		o->kind = BR_TK_TCP;
		return (opts_hostport(o, word + 4, "tcp", err));
	}
	if (strncmp(word, "telnet:", 7) == 0 ||
	    strncmp(word, "rfc2217:", 8) == 0) {
		static const char want[] = "telnet:HOST:PORT[,BAUD[,8N1"
		    "[,rtscts|xonxoff|none]]]";
		int	rc = -1;

		/*
		 * An RFC 2217 server's line is set up by whoever runs it
		 * (ser2net's configuration): without settings here the
		 * bridge changes nothing and asks what the line is.
		 */
		o->kind = BR_TK_TELNET;
		o->baud = o->data_bits = o->stop_bits = 0;
		o->parity = '\0';
		opts_set(&o->flow, NULL);
		copy = xstrdup(strchr(word, ':') + 1);
		if (opts_fields(copy, f, &n) == -1 || f[0][0] == '\0')
			br_seterr(err, "bad telnet target '%s' (want %s)", word,
			    want);
		else if (opts_hostport(o, f[0], "telnet", err) == 0 &&
		    opts_line(o, f, n, word, "telnet", want, err) == 0)
			rc = 0;
		free(copy);
		return (rc);
	}
	if (strncmp(word, "unix:", 5) == 0) {
		o->kind = BR_TK_UNIX;
		if (word[5] == '\0') {
			br_seterr(err, "bad unix target '%s' (want unix:PATH)",
			    word);
			return (-1);
		}
		opts_set(&o->path, word + 5);
		return (0);
	}
	if (strncmp(word, "usb:", 4) == 0) {
		const char *vid = word + 4, *pid, *ser;

		o->kind = BR_TK_USB;
		pid = strchr(vid, ':');
		if (pid == NULL)
			goto bad_usb;
		ser = strchr(pid + 1, ':');
		if (opts_hex16(vid, (size_t)(pid - vid), &o->usb_vid) == -1 ||
		    opts_hex16(pid + 1, ser != NULL ? (size_t)(ser - pid - 1) :
		    strlen(pid + 1), &o->usb_pid) == -1)
			goto bad_usb;
		if (ser != NULL) {
			if (ser[1] == '\0')
				goto bad_usb;
			opts_set(&o->usb_serial, ser + 1);
		}
		return (0);
bad_usb:
		br_seterr(err, "bad USB target '%s' (want usb:VID:PID[:SERIAL]"
		    " in hex, e.g. usb:0403:6001)", word);
		return (-1);
	}
	/* Anything else that looks like "scheme:" is a typo, not a path. */
	for (q = word; isalnum((unsigned char)*q); q++)
		;
	if (*q == ':' && q != word) {
		br_seterr(err, "unknown target kind '%.*s:' (want tcp:, "
		    "telnet:, unix:, usb: or a device path)", (int)(q - word),
		    word);
		return (-1);
	}

	o->kind = BR_TK_DEVICE;
	copy = xstrdup(word);
	if (opts_fields(copy, f, &n) == -1 || f[0][0] == '\0') {
		br_seterr(err, "bad device target '%s' (want PATH[,BAUD[,8N1"
		    "[,rtscts]]])", word);
		goto fail;
	}
	opts_set(&o->path, f[0]);
	if (opts_line(o, f, n, word, "device", "PATH[,BAUD[,8N1[,rtscts]]]",
	    err) != 0)
		goto fail;
	free(copy);
	return (0);
fail:
	free(copy);
	return (-1);
}

char *
br_opts_ctl_dir(void)
{
	const char	*xdg = getenv("XDG_RUNTIME_DIR");
	char		*dir;

	if (xdg != NULL && *xdg == '/')
		xasprintf(&dir, "%s/kgdb-bridge", xdg);
	else
		xasprintf(&dir, "/tmp/kgdb-bridge-%u", (unsigned)getuid());
	return (dir);
}

char *
br_opts_default_ctl(const char *target)
{
	char	*dir, *path, *name, *p;

	name = xstrdup(target);
	for (p = name; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' &&
		    *p != '_')
			*p = '_';
	}
	/* Drop the leading "_dev_" of device paths: "ttyUSB0.sock". */
	p = name;
	if (strncmp(p, "_dev_", 5) == 0)
		p += 5;
	if (strlen(p) > 64)
		p[64] = '\0';
	dir = br_opts_ctl_dir();
	xasprintf(&path, "%s/%s.sock", dir, p);
	free(dir);
	free(name);
	return (path);
}

void
br_opts_clear(struct br_opts *o)
{
	free(o->target);
	free(o->path);
	free(o->port);
	free(o->flow);
	free(o->usb_serial);
	free(o->listen);
	free(o->ctl_path);
	free(o->board);
	free(o->gdb_socket);
	free(o->console_socket);
	free(o->log_path);
	free(o->trace_path);
	free(o->vmlinux);
	free(o->arch);
	free(o->console2);
	free(o->resolve);
	free(o->break_seq);
	memset(o, 0, sizeof *o);
}

/*
 * Options of other serial tools (tio, picocom, minicom, screen) that
 * people type out of habit: say where the setting goes here instead of
 * just "unknown option".
 */
static const struct {
	const char	*opt;		/* as typed, without a value */
	const char	*hint;
} opts_habits[] = {
	{ "-b", "the baud rate goes in the TARGET word" },
	{ "--baud", "the baud rate goes in the TARGET word" },
	{ "--baudrate", "the baud rate goes in the TARGET word" },
	{ "-d", "data bits, parity and stop bits go in the TARGET word" },
	{ "--databits", "data bits go in the TARGET word" },
	{ "-p", "parity goes in the TARGET word" },
	{ "--parity", "parity goes in the TARGET word" },
	{ "-s", "stop bits go in the TARGET word" },
	{ "--stopbits", "stop bits go in the TARGET word" },
	{ "-f", "flow control goes in the TARGET word" },
	{ "--flow", "flow control goes in the TARGET word" },
	{ "-D", "the device is the TARGET word itself" },
	{ "--device", "the device is the TARGET word itself" },
	{ "-t", "timestamps on the console: --timestamps" },
	{ "--timestamp", "timestamps on the console: --timestamps" },
	{ "-l", "the console transcript: --log FILE" },
	{ "-L", "the console transcript: --log FILE" },
};

/* Whether argv[at] is another serial tool's option; then err says
 * where that setting goes here. */
static bool
opts_hint(int argc, char **argv, int at, int opt, char *err)
{
	const char	*arg, *val = NULL, *dev = "/dev/ttyUSB0", *h;
	size_t		 i, n;
	int		 k;

	/* A short option may sit inside a cluster: find its word. */
	if (opt > 0 && opt < 256)
		for (k = 1; k < argc; k++)
			if (argv[k][0] == '-' && argv[k][1] == opt) {
				at = k;
				break;
			}
	arg = argv[at];
	for (i = 0; i < nitems(opts_habits); i++) {
		n = strlen(opts_habits[i].opt);
		if (strncmp(arg, opts_habits[i].opt, n) != 0)
			continue;
		if (arg[n] == '=' || (arg[1] != '-' && arg[n] != '\0'))
			val = arg + n + (arg[n] == '=');
		else if (arg[n] != '\0')
			continue;	/* a longer option */
		else if (at + 1 < argc && argv[at + 1][0] != '-')
			val = argv[at + 1];
		for (k = argc - 1; k > at; k--)
			if (argv[k][0] == '/' && argv[k] != val) {
				dev = argv[k];
				break;
			}
		h = opts_habits[i].hint;
		if (strncmp(h, "the baud", 8) == 0)
			br_seterr(err, "unknown option %.*s: %s, as in "
			    "'kgdb-bridge %s,%s'", (int)n, arg, h, dev,
			    val != NULL && isdigit((unsigned char)*val) ? val :
			    "921600");
		else if (strncmp(h, "the device", 10) == 0)
			br_seterr(err, "unknown option %.*s: %s, as in "
			    "'kgdb-bridge %s'", (int)n, arg, h, val != NULL ?
			    val : dev);
		else if (strstr(h, "TARGET") != NULL)
			br_seterr(err, "unknown option %.*s: %s, as in "
			    "'kgdb-bridge %s,115200,8e1,rtscts' (PATH[,BAUD"
			    "[,8N1[,rtscts|xonxoff]]])", (int)n, arg, h, dev);
		else
			br_seterr(err, "unknown option %.*s: %s", (int)n, arg,
			    h);
		return (true);
	}
	return (false);
}

/* A TARGET word with no '/', ':' or ',' is a board's name. */
static bool
opts_is_board_word(const char *w)
{
	return (*w != '\0' && strpbrk(w, "/:,") == NULL);
}

/* What the command line asks: run (o filled and checked), --help,
 * --version, --list, --list-boards, a board, or -1 with err. */
int
br_opts_parse(struct br_opts *o, int argc, char **argv, char *err)
{
	int	c;

	memset(o, 0, sizeof *o);
	o->gdb_port = BR_DEFAULT_GDB_PORT;
	o->console_port = BR_DEFAULT_CONSOLE_PORT;
	o->idle_timeout = BR_DEFAULT_IDLE_TIMEOUT;
	opts_set(&o->listen, BR_DEFAULT_LISTEN);

	optind = 0;	/* glibc: full reset, so tests may parse twice */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":qvh", opts_long, NULL)) != -1) {
		switch (c) {
		case OPT_GDB_PORT:
			if (opts_port(optarg, &o->gdb_port, "--gdb-port",
			    err) == -1)
				return (-1);
			break;
		case OPT_CONSOLE_PORT:
			if (opts_port(optarg, &o->console_port,
			    "--console-port", err) == -1)
				return (-1);
			break;
		case OPT_LISTEN:
			opts_set(&o->listen, optarg);
			break;
		case OPT_LOG:
			opts_set(&o->log_path, optarg);
			break;
		case OPT_TRACE:
			opts_set(&o->trace_path, optarg);
			break;
		case OPT_CTL:
			opts_set(&o->ctl_path, optarg);
			break;
		case OPT_VMLINUX:
			opts_set(&o->vmlinux, optarg);
			break;
		case OPT_ARCH:
			if (rsp_arch_by_name(optarg) == NULL) {
				br_seterr(err, "unknown --arch '%s' (want "
				    "x86_64, i386, arm64, arm or riscv64)",
				    optarg);
				return (-1);
			}
			opts_set(&o->arch, optarg);
			break;
		case OPT_CONSOLE2:
			opts_set(&o->console2, optarg);
			break;
		case OPT_BREAK_SEQ:
			if (*optarg == '\0') {
				br_seterr(err, "empty --break-seq");
				return (-1);
			}
			if (br_breakseq_check(optarg, err) != 0)
				return (-1);
			opts_set(&o->break_seq, optarg);
			break;
		case OPT_BREAK_ON_CONNECT:
			o->break_on_connect = true;
			break;
		case OPT_TAKEOVER:
			o->takeover = true;
			break;
		case OPT_IDLE_TIMEOUT: {
			long	v;

			if (opts_number(optarg, 0, 86400, &v) == -1) {
				br_seterr(err, "bad --idle-timeout '%s' (want "
				    "0 to 86400 seconds)", optarg);
				return (-1);
			}
			o->idle_timeout = (int)v;
			break;
		}
		case OPT_NO_STDIN:
			o->no_stdin = true;
			break;
		case OPT_WAIT:
			o->wait = true;
			break;
		case OPT_CONSOLE_RAW:
			o->console_raw = true;
			break;
		case OPT_READ_ONLY_VIEWERS:
			o->read_only_viewers = true;
			break;
		case OPT_TIMESTAMPS:
			o->timestamps = true;
			break;
		case OPT_RESOLVE:
			opts_set(&o->resolve, optarg);
			break;
		case OPT_LIST:
			return (BR_OPTS_LIST);
		case OPT_LIST_BOARDS:
			return (BR_OPTS_LIST_BOARDS);
		case OPT_GDB_SOCKET:
			opts_set(&o->gdb_socket, optarg);
			break;
		case OPT_CONSOLE_SOCKET:
			opts_set(&o->console_socket, optarg);
			break;
		case OPT_NO_CACHE:
			o->no_cache = true;
			break;
		case OPT_NO_TASKREGS:
			o->no_taskregs = true;
			break;
		case OPT_NO_SLEEPERS:
			o->no_sleepers = true;
			break;
		case OPT_NO_PREFETCH:
			o->no_prefetch = true;
			break;
		case OPT_VERIFY_READS:
			if (strcmp(optarg, "auto") == 0)
				o->verify = BR_VERIFY_AUTO;
			else if (strcmp(optarg, "always") == 0)
				o->verify = BR_VERIFY_ALWAYS;
			else if (strcmp(optarg, "off") == 0)
				o->verify = BR_VERIFY_OFF;
			else {
				br_seterr(err, "--verify-reads: '%s' is not "
				    "auto, always or off", optarg);
				return (-1);
			}
			break;
		case OPT_STEP_IRQS:
			if (strcmp(optarg, "masked") == 0)
				o->step_irqs = BR_STEP_IRQS_MASKED;
			else if (strcmp(optarg, "kernel") == 0)
				o->step_irqs = BR_STEP_IRQS_KERNEL;
			else {
				br_seterr(err, "--step-irqs: '%s' is not "
				    "masked or kernel", optarg);
				return (-1);
			}
			break;
		case OPT_TUI:
			/* The terminal is the TUI's: nothing else on it. */
			o->tui = true;
			o->quiet = true;
			o->no_stdin = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			return (BR_OPTS_HELP);
		case OPT_VERSION:
			return (BR_OPTS_VERSION);
		case ':':
			br_seterr(err, "option %s needs a value",
			    argv[optind - 1]);
			return (-1);
		default:
			if (opts_hint(argc, argv, optind - 1, optopt, err))
				return (-1);
			if (optopt != 0 && optopt < 256)
				br_seterr(err, "unknown option -%c", optopt);
			else
				br_seterr(err, "unknown or incomplete option "
				    "'%s'", argv[optind - 1]);
			return (-1);
		}
	}
	if (optind >= argc) {
		br_seterr(err, "no TARGET given");
		return (-1);
	}
	if (optind + 1 < argc) {
		br_seterr(err, "one TARGET only (extra '%s')", argv[optind + 1]);
		return (-1);
	}
	if (opts_is_board_word(argv[optind])) {
		opts_set(&o->board, argv[optind]);
		o->board_at = optind;
		return (BR_OPTS_BOARD);
	}
	if (br_opts_parse_target(o, argv[optind], err) == -1)
		return (-1);
	if (o->resolve != NULL && o->kind != BR_TK_TCP &&
	    o->kind != BR_TK_TELNET) {
		br_seterr(err, "--resolve goes with a tcp: or telnet: target "
		    "(its HOST:PORT is what the command answers)");
		return (-1);
	}
	if (o->gdb_port > 0 && o->gdb_port == o->console_port) {
		br_seterr(err, "--gdb-port and --console-port are both %d",
		    o->gdb_port);
		return (-1);
	}
	if (o->ctl_path == NULL)
		o->ctl_path = br_opts_default_ctl(o->target);
	return (BR_OPTS_RUN);
}
