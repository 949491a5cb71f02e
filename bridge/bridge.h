/*
 * bridge/bridge.h: the kgdb-bridge daemon, one section per source file.
 *
 * One libevent loop, no threads. All state hangs off struct bridge, passed
 * explicitly; the only globals are the log sink (log.c) and signal flags.
 *
 * Data flow:
 *   link.c   reads the target wire ──► target.c (rsp_demux, protocol engine)
 *   target.c console text ──────────► console.c (stdout, TCP clients)
 *                                      └► transcript.c (file, 0600)
 *   target.c replies and stops ─────► gdb.c (the one controlling gdb)
 *   gdb.c requests ─────────────────► target.c ──► link.c writes
 *   console.c keyboard input ───────► target.c (held while gdb owns a stop)
 *   every module's notable moments ─► br_notify() ──► ctl.c subscribers
 *
 * Errors (style.md rule 6): OS and user-facing calls return -1 and fill a
 * caller-owned char err[BR_ERRLEN]; fatal()/fatalx() only for startup and
 * broken invariants, never for bytes from the wire or a client.
 */
#ifndef BRIDGE_BRIDGE_H
#define BRIDGE_BRIDGE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rsp/rsp.h"

#define BR_ERRLEN		256
#define BR_DEFAULT_CONSOLE_PORT	4440
#define BR_DEFAULT_GDB_PORT	4441
#define BR_DEFAULT_LISTEN	"127.0.0.1"

#define printflike(a, b) __attribute__((format(printf, a, b)))

struct event_base;
struct br_link;
struct br_target;
struct br_gdb;
struct br_console;
struct br_transcript;
struct br_ctl;

/* What the target is and how to reach it (parsed from the TARGET word). */
enum br_target_kind {
	BR_TK_DEVICE,	/* /dev/ttyUSB0[,baud[,8n1]], by-id path, pty */
	BR_TK_USB,	/* usb:VID:PID[:SERIAL] */
	BR_TK_TCP,	/* tcp:HOST:PORT */
	BR_TK_TELNET,	/* telnet:HOST:PORT (RFC 2217) */
	BR_TK_UNIX,	/* unix:PATH */
};

struct br_opts {
	enum br_target_kind kind;
	char		*target;	/* the TARGET word as given */
	char		*path;		/* device path, unix path or host */
	char		*port;		/* tcp/telnet port */
	int		 baud;		/* 0: leave as is (115200 default) */
	int		 data_bits, stop_bits;
	char		 parity;	/* 'n', 'e', 'o' */
	char		*flow;		/* "none", "rtscts", "xonxoff" */
	unsigned	 usb_vid, usb_pid;
	char		*usb_serial;

	char		*listen;	/* address for the TCP listeners */
	int		 gdb_port;	/* 0: off */
	int		 console_port;	/* 0: off */
	char		*ctl_path;	/* control socket */
	char		*log_path;	/* console transcript */
	char		*trace_path;	/* protocol trace */
	char		*vmlinux;
	char		*arch;		/* "x86_64", … when no vmlinux */
	char		*console2;	/* a second console source (TARGET) */
	char		*break_seq;	/* "BREAK,g" etc. */
	bool		 break_on_connect;
	bool		 takeover;	/* a new gdb replaces the old one */
	bool		 no_stdin;	/* do not read the terminal */
	bool		 quiet;		/* no console on stdout */
	int		 verbose;
};

struct br_stats {
	uint64_t	 rx_bytes, tx_bytes;		/* on the target wire */
	uint64_t	 rx_packets, tx_packets;
	uint64_t	 retransmits, cksum_errors, timeouts;
	uint64_t	 console_bytes;
};

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
};

/* Notable moments, fanned out to control-socket subscribers and the log. */
enum br_note {
	BR_NOTE_LINK_UP,
	BR_NOTE_LINK_DOWN,
	BR_NOTE_STATE,		/* target state changed */
	BR_NOTE_STOP,		/* target stopped: text is the stop reply */
	BR_NOTE_GDB_ATTACH,
	BR_NOTE_GDB_DETACH,
	BR_NOTE_PANIC,		/* panic or oops seen on the console */
	BR_NOTE_BREAK_FAILED,
	BR_NOTE_CONSOLE_LINE,
	BR_NOTE_MARK,		/* a user mark in the transcript */
};

/* log.c */
enum br_log_level { BR_LOG_ERROR, BR_LOG_WARN, BR_LOG_INFO, BR_LOG_DEBUG };
void	 br_log_open(const char *path, int level);
void	 br_log(int level, const char *fmt, ...) printflike(2, 3);
void	 br_logv(int level, const char *fmt, va_list ap);
#define log_error(...)	br_log(BR_LOG_ERROR, __VA_ARGS__)
#define log_warn(...)	br_log(BR_LOG_WARN, __VA_ARGS__)
#define log_info(...)	br_log(BR_LOG_INFO, __VA_ARGS__)
#define log_debug(...)	br_log(BR_LOG_DEBUG, __VA_ARGS__)
__attribute__((noreturn)) void fatal(const char *fmt, ...) printflike(1, 2);
__attribute__((noreturn)) void fatalx(const char *fmt, ...) printflike(1, 2);
void	 br_seterr(char *err, const char *fmt, ...) printflike(2, 3);

/* xmalloc.c: abort on out-of-memory. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
int	 xasprintf(char **, const char *, ...) printflike(2, 3);

/* main.c */
void	 br_notify(struct bridge *br, enum br_note note, const char *text);
uint64_t br_now_ms(void);	/* monotonic */

/* link.c: the target wire, whatever transport; reopens when it vanishes. */
#define BR_LINK_CAN_BREAK	0x1	/* a BREAK can be sent */
#define BR_LINK_HAS_BAUD	0x2	/* a baud rate applies */
#define BR_LINK_NO_8BIT		0x4	/* bytes >= 0x80 are lost (kgdbdbgp) */
#define BR_LINK_INT_03		0x8	/* 0x03 breaks in (kgdbdbgp polling) */
struct br_link	*br_link_new(struct bridge *br, const struct br_opts *o,
		    char *err);
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

/* target.c: the serial side of the protocol (acks, retransmits, timeouts,
 * kdb/gdb mode, break-in). Gets every byte link.c reads. */
enum br_tstate {
	BR_TS_UNKNOWN,
	BR_TS_RUNNING,
	BR_TS_STOPPED_GDB,	/* stub waiting for packets */
	BR_TS_KDB,		/* at a kdb prompt */
	BR_TS_PANIC,		/* running state, panic seen; stays until stop */
};
/* Reply to one request: payload (NULL with err on timeout/link loss). */
typedef void br_reply_cb(void *arg, const char *payload, size_t len,
    const char *err);
struct br_target *br_target_new(struct bridge *br);
void		 br_target_free(struct br_target *t);
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

/* gdb.c: the gdb port and the one controlling session. */
struct br_gdb	*br_gdb_new(struct bridge *br, char *err);
void		 br_gdb_free(struct br_gdb *g);
bool		 br_gdb_attached(const struct br_gdb *g);
/* A stop reply (T…/S…/W…) arrived while gdb waits for one. */
void		 br_gdb_stopped(struct br_gdb *g, const char *payload,
		    size_t len);
/* O-packet text to show in gdb, when attached. */
void		 br_gdb_output(struct br_gdb *g, const void *text, size_t len);

/* console.c: stdout and console clients; each client has a capped queue. */
enum br_source { BR_SRC_TARGET, BR_SRC_CONSOLE2, BR_SRC_BRIDGE };
struct br_console *br_console_new(struct bridge *br, char *err);
void		 br_console_free(struct br_console *c);
/* Console text from the target (or a second source): to every viewer and
 * to the transcript. */
void		 br_console_output(struct br_console *c, enum br_source src,
		    const void *buf, size_t len);
/* A notice from the bridge itself, shown as "[kgdb-bridge] text". */
void		 br_console_notice(struct br_console *c, const char *fmt, ...)
		    printflike(2, 3);

/* transcript.c: every console byte with timestamps, and the trace. */
struct br_transcript *br_transcript_new(const char *log_path,
		    const char *trace_path, char *err);
void		 br_transcript_free(struct br_transcript *tr);
void		 br_transcript_console(struct br_transcript *tr,
		    enum br_source src, const void *buf, size_t len);
void		 br_transcript_mark(struct br_transcript *tr, const char *text);
/* Protocol trace: dir is '<' (from target), '>' (to target), 'g' (from
 * gdb), 'G' (to gdb); note is e.g. "retransmit", "cksum". */
void		 br_transcript_packet(struct br_transcript *tr, char dir,
		    const void *buf, size_t len, const char *note);

/* ctl.c: the control socket (mode 0600) and `kgdb-bridge ctl`. */
#define BR_PROTO_VERSION	1
struct br_ctl	*br_ctl_new(struct bridge *br, const char *path, char *err);
void		 br_ctl_free(struct br_ctl *c);
void		 br_ctl_notify(struct br_ctl *c, enum br_note note,
		    const char *text);
int		 br_ctl_client_main(int argc, char **argv);

#endif
