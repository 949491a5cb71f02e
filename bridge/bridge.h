/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/bridge.h: the kgdb-bridge daemon, one section per source file.
 *
 * One libevent loop, no threads. All state hangs off struct bridge, passed
 * explicitly; the only globals are the log sink (log.c), the clock
 * (notify.c, which a test may set) and signal flags.
 *
 * Data flow (docs/hacking.md draws the layers):
 *   link.c reads the wire ──► target*.c (the engine, via br_link_cb)
 *   target*.c console text, notices, states, stops ──► the event bus
 *     (notify.c) ──► log, cache, transcript, console viewers, ctl
 *   target*.c replies and stops ──► gdb*.c (through br_target_ctl)
 *   gdb*.c requests ──► cache_fwd.c ──► target*.c ──► link.c writes
 *   kbd.c keys, gdb monitor, ctl requests ──► cmd.c ──► status.c
 *
 * Errors (style.md rule 6): OS and user-facing calls return -1 and fill a
 * caller-owned char err[BR_ERRLEN]; fatal()/fatalx() only for startup and
 * broken invariants, never for bytes from the wire or a client.
 */
#ifndef BRIDGE_BRIDGE_H
#define BRIDGE_BRIDGE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "common/ctlproto.h"
#include "rsp/rsp.h"

#define BR_ERRLEN		256
#define BR_DEFAULT_CONSOLE_PORT	4440
#define BR_DEFAULT_GDB_PORT	4441
#define BR_DEFAULT_LISTEN	"127.0.0.1"
#define BR_PORT_OFF		(-1)	/* --gdb-port off: no listener */
#define BR_DEFAULT_IDLE_TIMEOUT	10	/* seconds to a first gdb packet */

#define printflike(a, b) __attribute__((format(printf, a, b)))
#ifndef nitems
#define nitems(a)	(sizeof (a) / sizeof (a)[0])
#endif

struct event_base;
struct br_link;
struct br_target;
struct br_gdb;
struct br_console;
struct br_transcript;
struct br_ctl;
struct br_cache;
struct br_vmlinux;
struct br_launch;
struct br_kbd;
struct br_cmd;

/* What the target is and how to reach it (parsed from the TARGET word). */
enum br_target_kind {
	BR_TK_DEVICE,	/* /dev/ttyUSB0[,baud[,8n1]], by-id path, pty */
	BR_TK_USB,	/* usb:VID:PID[:SERIAL] */
	BR_TK_TCP,	/* tcp:HOST:PORT */
	BR_TK_TELNET,	/* telnet:HOST:PORT (RFC 2217) */
	BR_TK_UNIX,	/* unix:PATH */
};

/* --verify-reads: when a read's reply needs a second copy that agrees. */
enum br_verify {
	BR_VERIFY_AUTO,		/* while the line corrupts frames */
	BR_VERIFY_ALWAYS,
	BR_VERIFY_OFF,
};

/* --step-irqs: what a single step does with interrupts (arm64). */
enum br_step_irqs {
	BR_STEP_IRQS_MASKED,	/* PSTATE.I,F set for the step, then restored */
	BR_STEP_IRQS_KERNEL,	/* as kgdb does it: interrupts as they were */
};

struct br_opts {
	enum br_target_kind kind;
	char		*target;	/* the TARGET word as given */
	char		*board;		/* the board it came from, or NULL */
	int		 board_at;	/* BR_OPTS_BOARD: its name's argv index */
	char		*path;		/* device path, unix path or host */
	char		*port;		/* tcp/telnet port */
	int		 baud;		/* 0: leave as is (115200 default) */
	int		 data_bits, stop_bits;
	char		 parity;	/* 'n', 'e', 'o' */
	char		*flow;		/* "none", "rtscts", "xonxoff" */
	unsigned	 usb_vid, usb_pid;
	char		*usb_serial;

	char		*listen;	/* address for the TCP listeners */
	int		 gdb_port;	/* BR_PORT_OFF, or 0: any free */
	int		 console_port;	/* BR_PORT_OFF, or 0: any free */
	char		*ctl_path;	/* control socket */
	char		*gdb_socket;	/* gdb on a Unix socket too, or NULL */
	char		*console_socket; /* console viewers on one, or NULL */
	char		*log_path;	/* console transcript */
	char		*trace_path;	/* protocol trace */
	char		*vmlinux;
	char		*arch;		/* "x86_64", … when no vmlinux */
	char		*console2;	/* a second console source (TARGET) */
	char		*resolve;	/* tcp:/telnet: HOST:PORT from a command */
	char		*break_seq;	/* "BREAK,g" etc. */
	bool		 break_on_connect;
	bool		 takeover;	/* a new gdb replaces the old one */
	int		 idle_timeout;	/* s: close a gdb that never speaks */
	bool		 no_stdin;	/* do not read the terminal */
	bool		 quiet;		/* no console on stdout */
	int		 verbose;
	bool		 wait;		/* at startup, wait for the target */
	bool		 console_raw;	/* no telnet on the console port */
	bool		 read_only_viewers; /* console clients cannot type */
	bool		 timestamps;	/* time stamps on the console lines */
	bool		 no_cache;	/* start with the cache off */
	bool		 no_sleepers;	/* kgdb's registers for sleepers */
	bool		 no_taskregs;	/* kgdb's 'g' for every task */
	bool		 no_prefetch;	/* no reading ahead (prefetch.h) */
	bool		 tui;		/* run kgdb-tui on the terminal */
	enum br_verify	 verify;	/* --verify-reads */
	enum br_step_irqs step_irqs;	/* --step-irqs */
};

struct br_stats {
	uint64_t	 rx_bytes, tx_bytes;		/* on the target wire */
	uint64_t	 rx_packets, tx_packets;
	uint64_t	 retransmits, cksum_errors, timeouts;
	uint64_t	 bad_replies;	/* checksummed, but not a reply */
	uint64_t	 console_bytes;
	uint64_t	 verify_reads;	/* reads repeated to confirm a copy */
	uint64_t	 verify_mismatches; /* … whose copies differed */
	uint64_t	 early_naks;	/* garbled replies NAKed once whole */
};

/* Where console bytes came from. */
enum br_source { BR_SRC_TARGET, BR_SRC_CONSOLE2, BR_SRC_BRIDGE };

/* What the target engine (target.c) believes the kernel is doing. */
enum br_tstate {
	BR_TS_UNKNOWN,
	BR_TS_RUNNING,
	BR_TS_STOPPED_GDB,	/* stub waiting for packets */
	BR_TS_KDB,		/* at a kdb prompt */
	BR_TS_PANIC,		/* running state, panic seen; stays until stop */
};
/*
 * The event bus (notify.c): br_notify_event() tells the sinks main.c
 * installs, in order: log, cache, transcript, console, ctl subscribers.
 * Lower layers announce through it and never call the upper ones. Notes
 * up to BR_NOTE_MARK are ctl events; those after it stay inside.
 */
enum br_note {
	BR_NOTE_LINK_UP,
	BR_NOTE_LINK_DOWN,
	BR_NOTE_STATE,		/* target state changed: from, to */
	BR_NOTE_STOP,		/* target stopped: text is the stop reply */
	BR_NOTE_GDB_ATTACH,
	BR_NOTE_GDB_DETACH,
	BR_NOTE_PANIC,		/* panic or oops seen on the console */
	BR_NOTE_BREAK_FAILED,
	BR_NOTE_CONSOLE_LINE,
	BR_NOTE_MARK,		/* a user mark in the transcript */
	/* Internal: never on the control socket. */
	BR_NOTE_CONSOLE,	/* console bytes: buf, len, src */
	BR_NOTE_NOTICE,		/* a bridge notice ("[kgdb-bridge] text") */
	BR_NOTE_TARGET_LINK,	/* the target engine saw the link go up or
				 * down: what it knew may be another
				 * kernel's (up says which) */
	BR_NOTE_DOUBT,		/* a read's reply went on unconfirmed (a
				 * noisy line): the cache must not keep it */
};
/* Whether a note stays inside the daemon (no control-socket event). */
#define BR_NOTE_INTERNAL(n)	((n) > BR_NOTE_MARK)

/* One event on the bus. Sinks must not keep the pointers. */
struct br_event {
	enum br_note	 note;
	const char	*text;		/* never NULL: "" when there is none */
	/* BR_NOTE_CONSOLE: the bytes and their source */
	const void	*buf;
	size_t		 len;
	enum br_source	 src;
	/* BR_NOTE_STATE: the transition */
	enum br_tstate	 from, to;
	/* BR_NOTE_STOP: the stop packet as the target sent it (T…, S…, W…,
	 * X…), or NULL for a stop seen otherwise (kdb's prompt, kgdb's
	 * banner: then text says which) */
	const char	*stop;
	size_t		 stoplen;
	/* BR_NOTE_TARGET_LINK */
	bool		 up;
};

#define BR_SINKS_MAX	8

struct bridge {
	struct event_base	*base;
	struct br_opts		 opts;
	const struct rsp_arch	*arch;
	struct br_stats		 stats;

	struct br_link		*link;
	struct br_target	*target;
	struct br_gdb		*gdb;
	struct br_console	*console;
	struct br_transcript	*transcript;
	struct br_ctl		*ctl;
	struct br_cache		*cache;		/* NULL: relay only */
	struct br_vmlinux	*vmlinux;	/* --vmlinux, or NULL */
	struct br_sleepers	*sleepers;	/* bridge/sleepers.h, or NULL */
	struct br_taskregs	*taskregs;	/* bridge/taskregs.h, or NULL */
	struct br_prefetch	*prefetch;	/* bridge/prefetch.h, or NULL */
	struct br_launch	*launch;	/* --tui, or NULL */
	struct br_kbd		*kbd;		/* stdin, or NULL */

	struct br_link		*link2;		/* --console2, or NULL */
	struct br_opts		 opts2;		/* its parsed TARGET */
	uint64_t		 start_ms;	/* br_now_ms() at startup */
	char			 panic[256];	/* last panic/oops line, or "" */
	bool			 quit;		/* shutting down */
	/*
	 * How other clients (the control socket) resume the kernel: gdb.c
	 * installs its own, which masks a step as it does for gdb
	 * (--step-irqs); NULL means br_target_resume(). A hook, so the
	 * control socket needs no call into gdb.c (docs/hacking.md, Layers).
	 */
	int			(*resume)(void *arg, const char *payload,
				    size_t len);
	void			*resume_arg;
	/*
	 * Another client (ctl's thread) is about to move the stub's general
	 * thread (Hg): gdb.c installs this to tell its cache, which would
	 * otherwise answer for the wrong thread. NULL: nobody to tell.
	 */
	void			(*thread_moved)(void *arg);
	void			*thread_moved_arg;
	/* cmd.c: control requests, one in the target's queue (busy), the
	 * rest in line (wait): gdb waits behind one of them at most. */
	struct br_cmd_op	*cmd_busy, *cmd_wait;
	/*
	 * What only the front ends know, published by them as it changes,
	 * for the layers below them (status.c, cmd.c) to read without a call
	 * up (docs/hacking.md, Layers).
	 */
	struct br_front {
		bool	 gdb_attached;		/* gdb.c: a gdb holds control */
		int	 gdb_port;		/* gdb.c: bound TCP port, 0: none */
		int	 console_port;		/* console.c: the same */
		size_t	 console_clients;	/* console.c: viewers connected */
		/* gdb.c: whether its gdb waits for a stop reply (after c/s
		 * or '?'); a question, as it changes in many places. */
		bool	(*gdb_waiting)(void *arg);
		void	*gdb_arg;
		/* Commands a front end adds to cmd.c's table, for the state
		 * it owns (gdb.c: cache, step-irqs); owner is their q->owner. */
		const struct br_cmd *cmds;
		size_t	 ncmds;
		void	*cmds_owner;
	}			 front;
	/* Who hears br_notify(), in the order main.c installs them. */
	struct br_sink {
		void		(*fn)(void *arg, const struct br_event *ev);
		void		*arg;
	}			 sinks[BR_SINKS_MAX];
	size_t			 nsinks;
};

/* log.c */
enum br_log_level { BR_LOG_ERROR, BR_LOG_WARN, BR_LOG_INFO, BR_LOG_DEBUG };
/* Lines go to fd from now on (-1: keep the current one, stderr at first;
 * the caller opens it, e.g. with br_open_private); level is the most
 * verbose one written. */
void	 br_log_init(int fd, int level);
void	 br_log(int level, const char *fmt, ...) printflike(2, 3);
void	 br_logv(int level, const char *fmt, va_list ap);
#define log_error(...)	br_log(BR_LOG_ERROR, __VA_ARGS__)
#define log_warn(...)	br_log(BR_LOG_WARN, __VA_ARGS__)
#define log_info(...)	br_log(BR_LOG_INFO, __VA_ARGS__)
#define log_debug(...)	br_log(BR_LOG_DEBUG, __VA_ARGS__)
__attribute__((noreturn)) void fatal(const char *fmt, ...) printflike(1, 2);
__attribute__((noreturn)) void fatalx(const char *fmt, ...) printflike(1, 2);
void	 br_seterr(char *err, const char *fmt, ...) printflike(2, 3);
/* fmt's text, cut at 1023 bytes, as one piece to out (if not NULL). */
void	 br_voutf(void (*out)(void *, const char *, size_t), void *arg,
	    const char *fmt, va_list ap);

/* xmalloc.c: abort on out-of-memory. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
int	 xasprintf(char **, const char *, ...) printflike(2, 3);

/* notify.c: the event bus. Tell every sink in br->sinks, in order. */
void	 br_notify_event(struct bridge *br, const struct br_event *ev);
/* An event with nothing but its note and text (NULL: ""). */
void	 br_notify(struct bridge *br, enum br_note note, const char *text);
/* BR_NOTE_CONSOLE: console bytes from src. */
void	 br_notify_console(struct bridge *br, enum br_source src,
	    const void *buf, size_t len);
/* BR_NOTE_NOTICE: a notice from the bridge, shown on the console as
 * "[kgdb-bridge] text" (at most 767 bytes of it). */
void	 br_notice(struct bridge *br, const char *fmt, ...) printflike(2, 3);
/* Add a sink at the end of the order (main.c, tests). */
void	 br_notify_sink(struct bridge *br, void (*fn)(void *,
	    const struct br_event *), void *arg);
uint64_t br_now_ms(void);	/* monotonic */
/* The clock br_now_ms() reads (a test's fake one); NULL: the monotonic
 * clock again. */
void	 br_set_clock(uint64_t (*fn)(void));

/* opts.c: the command line and the TARGET word, parsed (no I/O): what
 * was asked, which cmdline.c then does. */
#define BR_OPTS_RUN		0	/* parsed: run the daemon */
#define BR_OPTS_EXIT		1	/* cmdline.c: asked and done (--help) */
#define BR_OPTS_HELP		2	/* -h, --help: print br_opts_usage */
#define BR_OPTS_VERSION		3	/* --version: br_opts_version */
#define BR_OPTS_LIST		4	/* --list: the serial ports */
#define BR_OPTS_LIST_BOARDS	5	/* --list-boards */
#define BR_OPTS_BOARD		6	/* TARGET names a board: o->board,
					 * at argv[o->board_at] */
/* Fill o (not holding a parse: br_opts_clear first) from argv: one of
 * BR_OPTS_*, or -1 with err on a usage error (the caller prints the usage
 * and exits 2). Strings in o are allocated; br_opts_clear frees. */
int	 br_opts_parse(struct br_opts *o, int argc, char **argv, char *err);
/* Parse a TARGET word into o's target fields. */
int	 br_opts_parse_target(struct br_opts *o, const char *word, char *err);
void	 br_opts_clear(struct br_opts *o);
/* The default control socket for a TARGET word (allocated). */
char	*br_opts_default_ctl(const char *target);
/* The directory default control sockets live in (allocated). */
char	*br_opts_ctl_dir(void);
void	 br_opts_usage(FILE *f);
void	 br_opts_version(FILE *f);

/* cmdline.c: what the command line asks of the system. */
/* br_opts_parse, then do what it asked: print the usage, the version, the
 * serial ports or the boards (BR_OPTS_EXIT), or expand a board's name into
 * its options and parse again. BR_OPTS_RUN, BR_OPTS_EXIT, or -1 with err
 * (a usage error). */
int	 br_cmdline_parse(struct br_opts *o, int argc, char **argv,
	    char *err);
/* Architecture name from a vmlinux ELF header, or NULL with err. */
const char *br_cmdline_elf_arch(const char *path, char *err);
/* false when host (--listen) resolves to any address other than
 * 127.0.0.0/8 or ::1 (0.0.0.0 and :: included): reachable from others. */
bool	 br_cmdline_listen_loopback(const char *host);

/* breakseq.c: the --break-seq language (no I/O): the steps to break in. */
#define BR_BREAKSEQ_DEFAULT	"BREAK,wait:300,g"
#define BR_BREAKSEQ_PAUSE_MS	100	/* after BREAK, unless a wait: */
#define BR_BREAKSEQ_WAIT_MAX	10000	/* ms: the longest wait:MS */
#define BR_BREAKSEQ_SYSRQ_TRIGGER "echo g > /proc/sysrq-trigger\r"
enum br_breakseq_what {
	BR_BREAKSEQ_BREAK,	/* send a line BREAK */
	BR_BREAKSEQ_WAIT,	/* pause ms */
	BR_BREAKSEQ_TEXT,	/* send text (len bytes) */
};
struct br_breakseq_step {
	enum br_breakseq_what what;
	unsigned	 ms;
	char		*text;
	size_t		 len;
};
struct br_breakseq {
	struct br_breakseq_step *steps;
	size_t		 n;
};
/* seq parsed into steps, or NULL with err naming the bad step. */
struct br_breakseq *br_breakseq_new(const char *seq, char *err);
void	 br_breakseq_free(struct br_breakseq *bs);
/* 0 when seq is a valid break-in sequence, else -1 with err. */
int	 br_breakseq_check(const char *seq, char *err);

/* list.c: --list, this host's serial ports (libserialport, sysfs,
 * /proc): path, by-id name, USB identity, driver, latency timer, who has
 * it open. */
int		 br_list_ports(FILE *f, char *err);
/* transport_serial.c: the kernel driver bound to tty path, from sysfs
 * under sysroot ("ftdi_sio", "serial8250"), or "". */
void		 br_serial_driver(const char *sysroot, const char *path,
		    char *out, size_t max);

/* boards.c: board profiles from boards.conf (libinih). */
struct br_boards;
struct br_board;
/* Read the system's and the user's boards.conf (or $KGDB_BRIDGE_BOARDS);
 * NULL with err on a bad file. No file at all is an empty list. */
struct br_boards *br_boards_load(char *err);
void		 br_boards_free(struct br_boards *bs);
const struct br_board *br_boards_find(const struct br_boards *bs,
		    const char *name);
const char	*br_boards_files(const struct br_boards *bs);
/* -1 with err naming the other board when a port would clash. */
int		 br_boards_check(const struct br_boards *bs,
		    const struct br_board *b, char *err);
/* argv for board b: its options, then argv's with argv[at] (the board's
 * name) replaced by its target. */
char		**br_boards_argv(const struct br_board *b, int argc,
		    char **argv, int at, int *nargc);
void		 br_boards_argv_free(char **v);
void		 br_boards_list(const struct br_boards *bs, FILE *f);
/* Its control socket (allocated). */
char		*br_boards_ctl(const struct br_board *b);

/* files.c: directories and files the bridge writes, safe in shared dirs. */
/* dir must be a directory (not a symlink), ours, mode 0700 or tighter;
 * with create, it is made 0700 first if missing. -1 with err otherwise. */
int	 br_private_dir(const char *dir, bool create, char *err);
/* The directory of control socket path: br_private_dir when it is the
 * default directory (br_opts_ctl_dir); else only made if missing. */
int	 br_ctl_dir_check(const char *path, bool create, char *err);
/* Open path to append, for what ("--log", ...): no symlink followed, a
 * regular file with one link owned by us; made 0600. fd or -1 with err. */
int	 br_open_private(const char *path, const char *what, char *err);
/* link.c: the target wire, whatever transport; reopens when it vanishes. */
#define BR_LINK_CAN_BREAK	0x1	/* a BREAK can be sent */
#define BR_LINK_HAS_BAUD	0x2	/* a baud rate applies */
#define BR_LINK_NO_8BIT		0x4	/* bytes >= 0x80 are lost (kgdbdbgp) */
#define BR_LINK_INT_03		0x8	/* 0x03 breaks in (kgdbdbgp polling) */
#define BR_LINK_CONSOLE_ONLY	0x10	/* xHCI DbC: console, never kgdb */
/* What the link tells the layer above, given at construction: the bytes it
 * read, and its coming up and going down (msg: "link up: …", "link down:
 * …; reconnecting"). Any member may be NULL. */
struct br_link_cb {
	void	(*read)(void *arg, const void *buf, size_t len);
	void	(*up)(void *arg, const char *msg);
	void	(*down)(void *arg, const char *msg);
	void	*arg;
};
struct br_link	*br_link_new(struct bridge *br, const struct br_opts *o,
		    const struct br_link_cb *cb, char *err);
/*
 * The link as its users call it (linkops.c): every link begins with a
 * struct br_link_base, whose ops br_link_write() … br_link_pending() go
 * through: link.c's for the real wire, a test's for a fake one. A NULL
 * link is down.
 */
struct br_link_ops {
	int		(*write)(struct br_link *, const void *, size_t, char *);
	int		(*send_break)(struct br_link *, char *);
	bool		(*up)(const struct br_link *);
	int		(*caps)(const struct br_link *);
	int		(*baud)(const struct br_link *);
	const char	*(*name)(const struct br_link *);
	size_t		(*pending)(const struct br_link *);
};
struct br_link_base {
	const struct br_link_ops *ops;
};
void		 br_link_free(struct br_link *l);
bool		 br_link_up(const struct br_link *l);
int		 br_link_caps(const struct br_link *l);
const char	*br_link_name(const struct br_link *l);
int		 br_link_baud(const struct br_link *l);
/* Queue bytes for the target; -1 (err filled) when the link is down. */
int		 br_link_write(struct br_link *l, const void *buf, size_t len,
		    char *err);
/* Send a line BREAK (serial: tcsendbreak; RFC 2217: the telnet way). */
int		 br_link_send_break(struct br_link *l, char *err);
/* Bytes queued but not yet written to the wire. */
size_t		 br_link_pending(const struct br_link *l);
/* A second console source (--console2): read-only, never kgdb; main.c's
 * callbacks put its bytes on the bus (BR_SRC_CONSOLE2). */
struct br_link	*br_link_new_console2(struct bridge *br,
		    const struct br_opts *o, const struct br_link_cb *cb,
		    char *err);

/* peer.c: listening, and (peer.h) every accepted connection's life. */
struct evconnlistener;
struct sockaddr;
struct br_lguard;
/* Pause lis for a while when accept() runs out of descriptors, instead
 * of spinning; said once in the log. Free the guard before lis. */
struct br_lguard *br_lguard_new(struct event_base *base,
		    struct evconnlistener *lis, const char *what);
void		 br_lguard_free(struct br_lguard *lg);
/* A listening Unix socket at path, mode 0600, in a directory nobody
 * else can write to (or a sticky one). A dead socket there is replaced,
 * a live one or any other file refused. The fd, or -1 with err. */
int		 br_peer_unix_listen(const char *path, const char *what,
		    char *err);
/* A connected Unix stream socket to path, or -1 with errno. */
int		 br_peer_unix_connect(const char *path);
/* A TCP listener on addr:port calling cb for each connection (port 0:
 * any free one, as the kernel picks); *bound is the port it got. NULL
 * with err naming what ("gdb", "console") and the option to change. */
struct evconnlistener *br_peer_tcp_listen(struct event_base *base,
		    const char *addr, int port, const char *what,
		    void (*cb)(struct evconnlistener *, int, struct sockaddr *,
		    int, void *), void *arg, int *bound, char *err);

/* telnet.c: telnet (RFC 854) and RFC 2217 encoding, no I/O. */
#define BR_TN_IAC	255
#define BR_TN_DONT	254
#define BR_TN_DO	253
#define BR_TN_WONT	252
#define BR_TN_WILL	251
#define BR_TN_SB	250
#define BR_TN_IP	244
#define BR_TN_BRK	243
#define BR_TN_SE	240
#define BR_TN_OPT_BINARY	0
#define BR_TN_OPT_ECHO		1
#define BR_TN_OPT_SGA		3
#define BR_TN_OPT_COMPORT	44	/* RFC 2217 */
#define BR_TN_OPT_LINEMODE	34
/* RFC 2217 client-to-server subcommands (the server adds 100). */
#define BR_CPO_SET_BAUDRATE	1
#define BR_CPO_SET_DATASIZE	2
#define BR_CPO_SET_PARITY	3
#define BR_CPO_SET_STOPSIZE	4
#define BR_CPO_SET_CONTROL	5
#define BR_CPO_CTL_FLOW_NONE	1
#define BR_CPO_CTL_FLOW_XONXOFF	2
#define BR_CPO_CTL_FLOW_HW	3
#define BR_CPO_CTL_BREAK_ON	5
#define BR_CPO_CTL_BREAK_OFF	6
#define BR_TN_SB_MAX	64
struct br_telnet {
	int		 state;
	uint8_t		 cmd;		/* WILL/WONT/DO/DONT being read */
	uint8_t		 sb[BR_TN_SB_MAX];
	size_t		 sblen;
	bool		 cr;		/* last data byte was CR */
	bool		 strip_crnul;	/* drop NUL (and LF, if crlf) after CR */
	bool		 crlf_to_cr;	/* also fold CR LF into CR */
};
/* One telnet command: cmd is WILL/WONT/DO/DONT (opt set), SB (sb/sblen:
 * the option byte and its data, IAC IAC undone), or a bare command (BRK,
 * IP, …). */
typedef void br_telnet_cb(void *arg, uint8_t cmd, uint8_t opt,
    const uint8_t *sb, size_t sblen);
void	 br_telnet_init(struct br_telnet *tn);
/* Strip telnet commands from in; the data bytes go to out (room for len
 * bytes). Returns the data byte count. */
size_t	 br_telnet_decode(struct br_telnet *tn, const void *in, size_t len,
	    void *out, br_telnet_cb *cb, void *arg);
/* Escape data for the wire (IAC doubled; CR NUL when crnul). Consumes as
 * much of in as fits in outmax; *used_out says how much. Returns the bytes
 * written to out. */
size_t	 br_telnet_escape(void *out, size_t outmax, const void *in,
	    size_t len, bool crnul, size_t *used_out);
/* IAC cmd opt (3 bytes) into out. */
size_t	 br_telnet_cmd(uint8_t *out, uint8_t cmd, uint8_t opt);
/* IAC SB COM-PORT-OPTION sub val… IAC SE into out (room for 6 + 2*vlen).
 * Returns its length. */
size_t	 br_telnet_cpo(uint8_t *out, uint8_t sub, const uint8_t *val,
	    size_t vlen);

/* target.c: the serial side of the protocol (acks, retransmits, timeouts,
 * kdb/gdb mode, break-in). Gets every byte link.c reads. */
/* Reply to one request: payload (NULL with err on timeout/link loss). */
typedef void br_reply_cb(void *arg, const char *payload, size_t len,
    const char *err);
/* The engine talks to the target through link (link.c's or a test's);
 * the caller hands it bytes and changes (br_target_input, _link_changed). */
struct br_target *br_target_new(struct bridge *br, struct br_link *link);
void		 br_target_free(struct br_target *t);
/* Shutting down: done(arg) once the request on the wire is answered or
 * max_ms pass; false if none is (done is not called). target_queue.c */
bool		 br_target_quiesce(struct br_target *t, void (*done)(void *),
		    void *arg, unsigned max_ms);
void		 br_target_input(struct br_target *t, const void *buf,
		    size_t len);
void		 br_target_link_changed(struct br_target *t, bool up);
enum br_tstate	 br_target_state(const struct br_target *t);
const char	*br_target_state_name(enum br_tstate s);
/* Queue a request; cb runs once with its reply. Requests are sent one at a
 * time and split or refused if they would exceed the target's limits. */
int		 br_target_request(struct br_target *t, const char *payload,
		    size_t len, br_reply_cb *cb, void *arg);
/* Resume (c, s, C…, D, k): acked but not replied to; a later stop reply
 * comes through br_gdb_stopped(). */
int		 br_target_resume(struct br_target *t, const char *payload,
		    size_t len);
/* Break in with the configured sequence, then confirm the stop. */
int		 br_target_break(struct br_target *t, char *err);
/* Keyboard bytes from a console client or stdin. Returns -1 with err when
 * held back (gdb owns a stopped target). */
int		 br_target_console_input(struct br_target *t, const void *buf,
		    size_t len, char *err);
/* Make a target at a kdb prompt (or unknown) talk RSP; cb(arg, ok). */
typedef void br_ready_cb(void *arg, bool ok, const char *why);
void		 br_target_enter_gdb(struct br_target *t, br_ready_cb *cb,
		    void *arg);
void		 br_target_enter_kdb(struct br_target *t);
/* The last stop reply ("T05thread:01;") into buf; its length, 0 if none
 * is known (the target runs, or was never seen stopping). */
/* How many break-in sequences were started (a step that met one may have
 * run further than one instruction). */
uint64_t	 br_target_breaks(const struct br_target *t);
size_t		 br_target_last_stop(const struct br_target *t, char *buf,
		    size_t len);
/* What the target tells the client driving the stub (gdb.c), as Black
 * Magic Probe's target_controller: a stop, O text, a stop that will not
 * come, a stop in kdb or at kgdb's banner ("kdb", "kgdb") it may want in
 * gdb mode. Any member may be NULL. */
struct br_target_ctl {
	void	(*stopped)(void *arg, const char *payload, size_t len);
	void	(*output)(void *arg, const void *text, size_t len);
	void	(*stop_failed)(void *arg, const char *why);
	void	(*entered)(void *arg, const char *how);
	void	*arg;
};
void		 br_target_set_controller(struct br_target *t,
		    const struct br_target_ctl *c);
/* A client holds the stopped stub in gdb mode: console keys would corrupt
 * the protocol, so they are refused while this is set. */
void		 br_target_hold_console(struct br_target *t, bool hold);
/* A switch to gdb mode (br_target_enter_gdb) is under way. */
bool		 br_target_switching(const struct br_target *t);
/* Timeouts (ms): ack, reply, break-in confirmation (tests: short ones). */
void		 br_target_set_timeouts(struct br_target *t, unsigned ack_ms,
		    unsigned reply_ms, unsigned break_ms);

/* gdb.c: the gdb port and the one controlling session. */
struct br_gdb	*br_gdb_new(struct bridge *br, char *err);
void		 br_gdb_free(struct br_gdb *g);
/* A stop reply (T…/S…/W…) arrived while gdb waits for one. */
void		 br_gdb_stopped(struct br_gdb *g, const char *payload,
		    size_t len);
/* O-packet text to show in gdb, when attached. */
void		 br_gdb_output(struct br_gdb *g, const void *text, size_t len);
/* Whether the controlling gdb waits for a stop reply (after c/s or '?'). */
bool		 br_gdb_waiting_stop(const struct br_gdb *g);
/* A break-in failed while gdb waits for a stop: tell it why (O text after
 * c/s; an "E." reply to a '?'). */
void		 br_gdb_stop_failed(struct br_gdb *g, const char *why);
/* Take an already connected stream socket as a gdb connection (tests,
 * socketpair); the same rules as a TCP client. */
void		 br_gdb_attach_fd(struct br_gdb *g, int fd);
/* The TCP port the listener is bound to, or 0 when it is off. */
int		 br_gdb_port(const struct br_gdb *g);

/* console.c: stdout and console clients; each client has a capped queue. */
struct br_console *br_console_new(struct bridge *br, char *err);
void		 br_console_free(struct br_console *c);
/* Console text from the target (or a second source): to every viewer and
 * to the transcript. */
void		 br_console_output(struct br_console *c, enum br_source src,
		    const void *buf, size_t len);
/* The console's bus sink: console bytes (br_console_output), notices
 * (br_console_notice), panics, marks and link changes as notices. */
void		 br_console_event(struct br_console *c,
		    const struct br_event *ev);
/* A notice from the bridge itself, shown as "[kgdb-bridge] text". */
void		 br_console_notice(struct br_console *c, const char *fmt, ...)
		    printflike(2, 3);
/* Keys from the local keyboard (kbd.c): typed as a console client's are,
 * refusals shown on stdout only. */
void		 br_console_type(struct br_console *c, const void *buf,
		    size_t len);
/* Text for the bridge's own terminal only (stdout), not the viewers. */
void		 br_console_local(struct br_console *c, const void *buf,
		    size_t len);
/* Put stdout's file flags back (at exit; safe in a signal handler). */
void		 br_console_restore_stdout(void);
/* Number of connected console clients (not counting stdout). */
size_t		 br_console_clients(const struct br_console *c);
/* The TCP port the console listener is bound to, or 0 when it is off. */
int		 br_console_port(const struct br_console *c);
/* Output cap per client: past this many queued bytes it is dropped. */
#define BR_CONSOLE_QUEUE_MAX	(1024 * 1024)

/* kbd.c: stdin (unless --no-stdin), raw mode on a terminal, Ctrl-] keys. */
struct br_kbd	*br_kbd_new(struct bridge *br);
/* Stop reading stdin and put the terminal back. */
void		 br_kbd_free(struct br_kbd *k);

/* transcript.c: every console byte with timestamps, and the trace. */
struct br_transcript *br_transcript_new(const char *log_path,
		    const char *trace_path, char *err);
void		 br_transcript_free(struct br_transcript *tr);
/* Open both files again at their paths (SIGHUP, for logrotate); the old
 * ones stay on failure. */
int		 br_transcript_reopen(struct br_transcript *tr,
		    const char *log_path, const char *trace_path, char *err);
void		 br_transcript_console(struct br_transcript *tr,
		    enum br_source src, const void *buf, size_t len);
void		 br_transcript_mark(struct br_transcript *tr, const char *text);
void		 br_transcript_note(struct br_transcript *tr, enum br_note note,
		    const char *text);
/* Protocol trace: dir is '<' (from target), '>' (to target), 'g' (from
 * gdb), 'G' (to gdb); note is e.g. "retransmit", "cksum". */
void		 br_transcript_packet(struct br_transcript *tr, char dir,
		    const void *buf, size_t len, const char *note);

/* ctl.c: the control socket (mode 0600). */
struct br_ctl	*br_ctl_new(struct bridge *br, const char *path, char *err);
void		 br_ctl_free(struct br_ctl *c);
/* The control socket's bus sink: an event to every subscriber (never a
 * BR_NOTE_INTERNAL one). */
void		 br_ctl_notify(struct br_ctl *c, const struct br_event *ev);
/* ctl_client.c: `kgdb-bridge ctl …` (argv[0] is "ctl"); the exit code. */
int		 br_ctl_client_main(int argc, char **argv);
const char	*br_note_name(enum br_note note);
/* status.c: one snapshot of the bridge's state, rendered three ways. */
struct br_status {
	uint64_t	 pid, uptime_ms;
	const char	*target;	/* the TARGET word, or "" */
	bool		 have_link;
	bool		 link_up;
	const char	*device;	/* br_link_name() */
	int		 baud, caps;
	const char	*state;		/* the target's state, NULL: no target */
	char		 stop[64];	/* the last stop reply, or "" */
	bool		 gdb;		/* a gdb is attached */
	size_t		 console_clients;
	int		 gdb_port, console_port;	/* 0: none */
	const struct rsp_arch *arch;	/* NULL: no register layout */
	const char	*arch_name;
	const char	*panic;		/* the last panic line, or "" */
	const char	*vmlinux, *log;	/* NULL: none */
	const char	*prefetch;	/* "on", "off"; NULL: no read-ahead */
	struct br_stats	 stats;
};
/* Fill st from br (its strings are br's: valid until br changes). */
void		 br_status_get(struct bridge *br, struct br_status *st);
/* ctl status's reply: one JSON object, no newline (allocated). */
char		*br_status_json(const struct br_status *st);
/* `monitor bridge status`: its text, in the pieces gdb gets as one O
 * packet each. */
void		 br_status_text(const struct br_status *st, void (*out)(void *,
		    const char *, size_t), void *arg);
/* The console's Ctrl-] s line ("\r\n[kgdb-bridge] … \r\n"), as snprintf. */
int		 br_status_line(const struct br_status *st, char *buf,
		    size_t len);

/*
 * cmd.c: the one command table. The console's Ctrl-] keys (and a
 * viewer's telnet BREAK), gdb's `monitor bridge …` and the control socket
 * look a command up here and run it through br_cmd_run(); each front end
 * only turns its input into a struct br_cmdq and shows the outcome its
 * own way. docs/hacking.md says how to add a command.
 */
#define BR_CMD_CONSOLE	0x1	/* the console: Ctrl-] keys, telnet BREAK */
#define BR_CMD_MONITOR	0x2	/* gdb's monitor bridge … */
#define BR_CMD_CTL	0x4	/* the control socket */
/* What a command needs, checked in this order before it runs. */
#define BR_CMD_NEED_TARGET	0x1	/* else "no target" */
#define BR_CMD_NEED_ARCH	0x2	/* else "no register layout …" */
/* needs_control: refused to a control-socket client while a gdb holds
 * control. gdb itself and the bridge's own terminal are never refused. */
#define BR_CMD_NEED_CONTROL	0x4
#define BR_CMD_OR_GDB_WAITS	0x8	/* … unless that gdb waits for a stop
					 * (a break-in then is its stop) */
/* What br_cmd_run() and a command's fn return. */
#define BR_CMD_OK	0
#define BR_CMD_ERR	(-1)	/* q->err says why */
#define BR_CMD_NOOP	1	/* nothing to do, q->err says why: an error
				 * to a script, silence to a key */
#define BR_CMD_PENDING	2	/* a target request: q->done comes later */
struct br_cmdq;
struct br_cmd {
	const char	*name;
	int		 from;		/* the front ends offering it */
	const char	*keys;		/* its Ctrl-] keys (first one shown) */
	int		 needs;		/* BR_CMD_NEED_* */
	bool		 args;		/* monitor: words may follow the name */
	int		(*fn)(struct br_cmdq *q);
	const char	*usage;		/* monitor help: the words after it */
	const char	*help;		/* monitor help */
	const char	*keyhelp;	/* the console's Ctrl-] ? help */
	const char	*fail;		/* a failure on the console: "%s: err" */
};
/* One run of a command: filled by the front end, then by the command. */
struct br_cmdq {
	struct bridge	*br;
	int		 from;		/* one BR_CMD_CONSOLE, _MONITOR, _CTL */
	const char	*args;		/* monitor: the words after the name */
	const struct ctl_req *req;	/* ctl: its typed arguments */
	/* Text for whoever asked; each call is one piece (an O packet). */
	void		(*print)(void *arg, const char *text, size_t len);
	/* BR_CMD_PENDING: the end (rc, err, reply); q is cmd.c's copy. */
	void		(*done)(struct br_cmdq *q, int rc);
	void		*arg;
	/* Filled by br_cmd_run and the command. */
	const struct br_cmd *cmd;
	void		*owner;		/* an added command's (front.cmds) */
	char		 err[BR_ERRLEN];
	char		*reply;		/* ctl: the whole reply (allocated;
					 * the caller frees it, cmd.c after
					 * done) or NULL: the plain one */
	bool		 quit;		/* stop the bridge once answered */
	bool		 subscribe;	/* ctl: events from now on */
	struct br_cmd_op *op;		/* PENDING: for br_cmd_cancel */
};
/* The command called name (or bound to key) that front end from offers,
 * NULL if none; *owner is what to run it with. */
const struct br_cmd *br_cmd_find(struct bridge *br, int from,
		    const char *name, void **owner);
const struct br_cmd *br_cmd_key(struct bridge *br, int key, void **owner);
/* Check what cmd needs, then run it (see BR_CMD_OK …). */
int		 br_cmd_run(struct br_cmdq *q, const struct br_cmd *cmd,
		    void *owner);
/* Its asker is gone: a pending command ends without calling done. */
void		 br_cmd_cancel(struct br_cmd_op *op);
/* Text for the asker, printf-like (one piece, at most 1 KiB). */
void		 br_cmd_printf(struct br_cmdq *q, const char *fmt, ...)
		    printflike(2, 3);
/* Ask the loop to stop (a quit command, kgdb-tui's exit, signals), after
 * the reply on its way (up to BR_QUIT_WAIT_MS); main.c then shuts down. */
#define BR_QUIT_WAIT_MS	2000
void		 br_quit(struct bridge *br);

/* launch.c: --tui, kgdb-tui on the bridge's own terminal. */
/* Start it on our control socket; the bridge's log moves to CTL.log so
 * nothing else writes to the terminal. When it exits, the bridge quits. */
struct br_launch *br_launch_tui(struct bridge *br, char *err);
/* Stop it (if still running) and wait for it. */
void		 br_launch_free(struct br_launch *l);
/* The program to run: $KGDB_TUI, else kgdb-tui beside this executable,
 * else kgdb-tui from PATH (allocated). */
char		*br_launch_tui_path(void);

#include "bridge/vmlinux.h"

/* bridge/cache.c, cache_plan.c: a stopped target's replies, served again
 * until it moves; small reads widened where reading is harmless; vmlinux
 * for RO data. Both are pure (layer 0); cache_fwd.c connects them to the
 * daemon. */
#define BR_CACHE_MEM_MAX	(4 * 1024 * 1024)	/* memory bytes held */
enum br_cache_event {
	BR_CE_RESUME,		/* c, s, C, S, D, k, vCont…: the kernel runs */
	BR_CE_STEP,		/* s of one instruction that writes no memory,
				 * the other CPUs held: kernel code stays */
	BR_CE_WRITE,		/* M, X, G, P, qRcmd */
	BR_CE_BREAKPOINT,	/* Z, z: memory only */
	BR_CE_STOP,		/* a stop reply came from the target */
	BR_CE_KDB,		/* kdb entered or left */
	BR_CE_LINK,		/* link lost or back: maybe another kernel */
	BR_CE_OFF,		/* the cache was switched off or on */
	BR_CE_DETACH,		/* gdb detached; the kernel stays stopped */
	BR_CE_THREAD,		/* the stub's Hg moved (ctl, a step): no
				 * memory changed */
	BR_CE_REGS,		/* the bridge's own P: registers (and the
				 * pt_regs they are in); code stays */
	BR_CE_DOUBT,		/* a reply went on unconfirmed: memory and
				 * registers go, the stub's Hg stays */
};
enum br_cache_verdict {
	BR_CACHE_HIT,	/* out holds gdb's reply: send it, done */
	BR_CACHE_PASS,	/* send gdb's request unchanged, then _reply */
	BR_CACHE_SEND,	/* send req->fwd (the cache's own), then _reply */
	BR_CACHE_FAIL,	/* the wire failed: report the error as usual */
};
enum br_cache_step {
	BR_CACHE_STEP_ORIG,	/* gdb's own request */
	BR_CACHE_STEP_SYNC,	/* our Hg, before a thread-dependent one */
	BR_CACHE_STEP_HG,	/* gdb's Hg to an unknown thread */
	BR_CACHE_STEP_WIDE,	/* a widened read */
	BR_CACHE_STEP_VERIFY,	/* a vmlinux sample */
	BR_CACHE_STEP_LISTF,	/* qfThreadInfo */
	BR_CACHE_STEP_LISTS,	/* qsThreadInfo */
	BR_CACHE_STEP_EXACT,	/* qC, qThreadExtraInfo, T */
};
/* One gdb request on its way; the caller keeps it (and gdb's request
 * bytes) from br_cache_request until the final verdict. */
struct br_cache_req {
	bool		 active;
	uint64_t	 gen;		/* the generation it was planned in */
	enum br_cache_step step;
	char		 fwd[48];	/* BR_CACHE_SEND: what to send */
	size_t		 fwdlen;
	uint64_t	 waddr, wlen;	/* the widened read */
	uint64_t	 hg_tid, sync_tid;
	size_t		 sample, sample_len;
};
struct br_cache_stats {
	uint64_t	 hits;		/* gdb requests answered here */
	uint64_t	 misses;	/* gdb requests that needed the wire */
	uint64_t	 bytes_saved;	/* reply payload bytes not on the wire */
	uint64_t	 wire_bytes;	/* reply payload bytes off the wire */
	uint64_t	 file_bytes;	/* memory bytes served from vmlinux */
	uint64_t	 widened, widen_retries;
	uint64_t	 invalidations;
};
#define BR_CACHE_REGION_IMAGE	0
#define BR_CACHE_REGION_RAM	1
struct br_cache;
struct br_cache	*br_cache_new(const struct rsp_arch *a);
void		 br_cache_free(struct br_cache *c);
/* What the planner asks of a vmlinux file: vmlinux.c's functions, which
 * cache_fwd.c hands in (the planner calls no file by name). */
struct br_cache_file {
	bool	(*image)(const struct br_vmlinux *, uint64_t *, uint64_t *);
	void	(*reset)(struct br_vmlinux *);
	bool	(*read)(const struct br_vmlinux *, uint64_t, void *, size_t);
	enum br_vml_state (*state)(const struct br_vmlinux *);
	bool	(*covers)(const struct br_vmlinux *, uint64_t, size_t);
	bool	(*code)(const struct br_vmlinux *, uint64_t, size_t);
	size_t	(*nsamples)(const struct br_vmlinux *);
	bool	(*sample)(const struct br_vmlinux *, size_t, uint64_t *,
		    size_t *);
	void	(*check)(struct br_vmlinux *, size_t, const void *, size_t);
	const char *(*why)(const struct br_vmlinux *);
};
/* Serve verified read-only sections from v (not owned; NULL: none),
 * read through ops. */
void		 br_cache_set_vmlinux(struct br_cache *c,
		    const struct br_cache_file *ops, struct br_vmlinux *v);
/* Override a harmless region (the image comes from vmlinux's _text.._end;
 * the direct map defaults to its first 64 GiB on x86_64). */
void		 br_cache_set_region(struct br_cache *c, int which,
		    uint64_t start, uint64_t end);
void		 br_cache_set_limit(struct br_cache *c, size_t mem_max);
/* The longest read the planner makes (default and ceiling: the arch's
 * mem_read_max; 0 turns widening off). */
void		 br_cache_set_widen(struct br_cache *c, size_t max);
void		 br_cache_set_enabled(struct br_cache *c, bool on);
bool		 br_cache_enabled(const struct br_cache *c);
/* Drop what ev may have changed and start a new generation. */
void		 br_cache_invalidate(struct br_cache *c,
		    enum br_cache_event ev);
uint64_t	 br_cache_generation(const struct br_cache *c);
/* The vmlinux is not yet compared with the kernel: req is a read of a
 * served place, which through the cache compares it first (what the file
 * serves, and where kernel code lies, count only once it matched). */
bool		 br_cache_vml_pending(const struct br_cache *c, char *req,
		    size_t len);
/* Whether kgdb's general thread (Hg) is known to be the current one. */
bool		 br_cache_stub_current(const struct br_cache *c);
/* The quiet step (BR_CE_STEP) may not have been one instruction after all
 * (a break-in, a stop elsewhere): kernel code read before it goes too. */
void		 br_cache_forget_code(struct br_cache *c);
/* gdb's request p: a local answer in out (outmax >= RSP_PKT_MAX + 1 is
 * always enough), or what to send. Writes, resumes and breakpoint
 * changes invalidate here, before they reach the target. */
enum br_cache_verdict br_cache_request(struct br_cache *c, const char *p,
		    size_t len, struct br_cache_req *req, char *out,
		    size_t outmax, size_t *outlen);
/* The target's reply (NULL: the wire failed) to what the last verdict
 * said to send; p is gdb's request again. Stores what may be stored and
 * gives the next verdict: HIT with gdb's reply in out, or more to send. */
enum br_cache_verdict br_cache_reply(struct br_cache *c,
		    struct br_cache_req *req, const char *p, size_t len,
		    const char *reply, size_t rlen, char *out, size_t outmax,
		    size_t *outlen);

/* The read to send for gdb's m addr,len: widened to at most the arch's
 * mem_read_max, inside one page and one harmless region, not over cached
 * bytes. False (and addr,len back) when it stays as asked. */
bool		 br_cache_plan(const struct br_cache *c, uint64_t addr,
		    uint64_t len, uint64_t *waddr_out, uint64_t *wlen_out);
const struct br_cache_stats *br_cache_stats(const struct br_cache *c);
/* `monitor bridge cache stats`: lines of text, NUL-terminated. */
size_t		 br_cache_stats_text(const struct br_cache *c, char *buf,
		    size_t len);
/* The last thing worth telling the user ("vmlinux does not match …"),
 * or "". */
const char	*br_cache_notice(const struct br_cache *c);
/* How many notices it has made (a new one: the count moved). */
uint64_t	 br_cache_notices(const struct br_cache *c);

/* bridge/cache_fwd.c: the cache in the daemon (layer 3). */
/* A drop-in for br_target_request(br->target, …) that runs gdb's request
 * through br->cache (if any, and on): cb gets gdb's reply (at once, on a
 * hit). A notice the cache makes goes on the bus. */
int		 br_cache_forward(struct bridge *br, const char *p,
		    size_t len, br_reply_cb *cb, void *arg);
/* The cache's bus sink (main.c installs it second, after the log): the
 * target's state changes (BR_NOTE_STATE, by old and new state), stop
 * packets (BR_NOTE_STOP) and link resets (BR_NOTE_TARGET_LINK) invalidate
 * it. c may be NULL. */
void		 br_cache_note(struct br_cache *c, const struct br_event *ev);
/* Serve v's verified read-only sections (br_cache_set_vmlinux with
 * vmlinux.c's functions). */
void		 br_cache_use_vmlinux(struct br_cache *c, struct br_vmlinux *v);

#endif
