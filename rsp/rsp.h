/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rsp/rsp.h: the protocol core of kgdb-bridge.
 *
 * Pure C11 and libc only: no I/O, no globals, no allocation after a _new.
 * Everything here works on caller storage with caller-given limits; a
 * length that does not fit is an error (RSP_ERR_TOOBIG), never an overflow.
 *
 * Errors: functions return int; >= 0 is success or a count, < 0 is a
 * negative enum rsp_err, which rsp_strerror() names.
 *
 * This header is the module map: one section per source file.
 */
#ifndef RSP_RSP_H
#define RSP_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rsp/proto.h"

/* Largest payload any supported kgdb can take or send (arm64 BUFMAX). */
#define RSP_PKT_MAX		2048

enum rsp_err {
	RSP_OK = 0,
	RSP_ERR_ARG = -1,	/* caller bug: bad argument */
	RSP_ERR_TOOBIG = -2,	/* does not fit the given limit */
	RSP_ERR_FRAME = -3,	/* not a $…#xx frame */
	RSP_ERR_CKSUM = -4,	/* checksum mismatch */
	RSP_ERR_HEX = -5,	/* bad or odd-length hex */
	RSP_ERR_ESCAPE = -6,	/* '}' at the end of a payload */
	RSP_ERR_RLE = -7,	/* bad run-length encoding */
	RSP_ERR_SHORT = -8,	/* reply shorter than the layout needs */
	RSP_ERR_ARCH = -9,	/* unknown architecture */
	RSP_ERR_SYNTAX = -10,	/* a request that does not parse */
};

/* rsp/hex.c */
const char	*rsp_strerror(int err);
/* Value of one hex digit (either case), or -1. */
int		 rsp_hex_val(int c);
/* Write 2*len lower-case hex digits (no NUL); returns 2*len, or
 * RSP_ERR_TOOBIG if outmax is smaller. */
int		 rsp_hex_encode(char *out, size_t outmax, const void *in,
		     size_t len);
/* Decode inlen hex digits into bytes; returns the byte count, RSP_ERR_HEX
 * for a bad digit or odd length, RSP_ERR_TOOBIG if outmax is too small. */
int		 rsp_hex_decode(void *out, size_t outmax, const char *in,
		     size_t inlen);
/* Parse a big-endian hex number of 1..16 digits (addresses, lengths,
 * thread ids; a leading '-' is accepted and negates, as kgdb does: "-2" is
 * 0xfffffffffffffffe). Stops at the first non-hex byte; extra leading
 * zeros are fine, a value over 64 bits is not. Returns the bytes consumed
 * (with the sign), or RSP_ERR_HEX; *value_out is untouched on error. */
int		 rsp_hex_u64(const char *in, size_t len, uint64_t *value_out);
/* If payload is an error reply "Exx", store kgdb's errno (two decimal
 * digits, e.g. "E22" is EINVAL 22) and return true. Anything else ("E",
 * "E2", "E2x", "E1a", "E.text", longer) is false. */
bool		 rsp_reply_errno(const char *payload, size_t len, int *errno_out);

/* rsp/vcont.c */
#define RSP_VCONT_MAX	8
/* One action of a vCont packet. */
struct rsp_vcont_act {
	char		 op;		/* 'c' 's' 't' 'C' 'S' 'r' */
	uint8_t		 sig;		/* C and S */
	uint64_t	 start, end;	/* r: step while start <= pc < end */
	bool		 any;		/* no thread named ("-1", "0", none) */
	uint64_t	 thread;	/* else this one (TID of "pPID.TID") */
};
struct rsp_vcont {
	struct rsp_vcont_act act[RSP_VCONT_MAX];
	size_t		 n;
};
/* Parse "vCont;ACTION[:THREAD]…" (not "vCont?"). RSP_OK, RSP_ERR_SYNTAX for
 * anything malformed (an unknown action, a signal over 0xff, a range whose
 * start is past its end, junk after a field), RSP_ERR_TOOBIG for more than
 * RSP_VCONT_MAX actions. */
int		 rsp_vcont_parse(const char *p, size_t len,
		     struct rsp_vcont *out);
/* The thread of a stop reply "Txx…thread:ID;…", if it names one; its
 * first "thread:" field as written (*idlen bytes, not checked), or NULL. */
bool		 rsp_stop_thread(const char *stop, size_t len,
		     uint64_t *thread);
const char	*rsp_stop_thread_text(const char *stop, size_t len,
		     size_t *idlen);
/* The answer to gdb's '?' for a stop. kgdb's own (gdb_cmd_status) is
 * "S" and the signal, no thread: gdb 13 then takes the first thread of the
 * list (a shadowCPU) for the one that stopped, shows the stopped task's
 * registers under it, and a step in software (arm, riscv64) waits for a
 * stop of the wrong thread. So a stop reply "Txx..." or "Sxx..." (xx two
 * hex digits) becomes "Txxthread:ID;" with the ID of its own "thread:"
 * field, else that of qc ("QCID", kgdb's answer to qC; NULL if none), else
 * "Sxx". An ID is 1 to 16 hex digits, kept as written. Anything else ("W",
 * "X", "O", junk) is copied unchanged. No NUL; returns the length, or
 * RSP_ERR_TOOBIG if outmax is too small. */
int		 rsp_stop_status(char *out, size_t outmax, const char *stop,
		     size_t len, const char *qc, size_t qclen);
/* A 'p' reply: size bytes (1..8) of little-endian hex, exactly. RSP_OK,
 * RSP_ERR_SHORT / _TOOBIG for another length, RSP_ERR_HEX, RSP_ERR_ARG. */
int		 rsp_reg_le(const char *hex, size_t len, size_t size,
		     uint64_t *value);

/* rsp/packet.c */
uint8_t		 rsp_pkt_checksum(const void *buf, size_t len);
/* Frame payload as $…#xx into out, escaping '$', '#', '}' and '*' with '}'
 * and byte^0x20. Returns the frame length or RSP_ERR_TOOBIG. Never writes
 * more than outmax bytes, and writes no NUL. */
int		 rsp_pkt_encode(char *out, size_t outmax, const void *payload,
		     size_t len);
/* Decode exactly one frame "$body#xx": verify the checksum (over the raw
 * body), undo '}' escapes and expand '*' runs. Returns the payload length,
 * or RSP_ERR_FRAME / _CKSUM / _ESCAPE / _RLE / _TOOBIG. Binary-safe.
 * A run "X*c" is X and c-29 more copies; c must be ' '..'~' and not '#'
 * or '$' (GDB manual, Remote Protocol Overview), and X must exist. A raw
 * '$' or '#' inside the body is RSP_ERR_FRAME. */
int		 rsp_pkt_decode(void *out, size_t outmax, const char *frame,
		     size_t len);
/* The body part of rsp_pkt_decode, with no framing and no checksum. */
int		 rsp_pkt_unescape(void *out, size_t outmax, const char *body,
		     size_t len);

/* rsp/demux.c */
/*
 * Push-style demultiplexer for one direction of a line. Feed it bytes in
 * chunks of any size; it calls back with events in input order. With the
 * same input and the same clock, the events (console runs merged) are the
 * same whatever the chunking.
 *
 * Invariant: console bytes + frames (valid or corrupt) + acks == input,
 * byte for byte, in order. Nothing is dropped or duplicated.
 *
 * Frames. A '$' starts a candidate; '#' and two more bytes end it. Valid
 * hex that matches the 8-bit sum of the raw body gives PACKET (or OUTPUT
 * for "O" + non-empty even-length hex); a mismatch gives BADPKT
 * RSP_ERR_CKSUM, non-hex digits RSP_ERR_FRAME, a body that does not decode
 * ('}' at the end, a bad '*' run, more than max_payload bytes)
 * RSP_ERR_ESCAPE / _RLE / _TOOBIG. Payloads are unescaped ('}') and
 * run-length expanded ('*') in both modes.
 *  - Text mode (the target): a body is 0x21-0x7e without '$' or '#'.
 *    Any other byte (space, CR, LF, control, 8-bit) ends the candidate at
 *    once and it comes back as console text, as does a candidate whose
 *    '$' + body reach hold_bytes without '#'. A checksum position holding
 *    such a byte (or '$') also gives the candidate back as console.
 *  - Binary mode (gdb): any byte may be in the body and '}' protects the
 *    next one ("}#" and "}$" are data). A candidate reaching hold_bytes
 *    becomes BADPKT RSP_ERR_TOOBIG at once (raw: what was held); its
 *    remaining bytes up to the next unescaped "#xx" are BADPKT
 *    RSP_ERR_TOOBIG pieces of at most hold_bytes+3 bytes, never console.
 *    An unescaped '$' ends such a skip (resync) and starts a new frame. A
 *    '$' where a checksum digit should be gives BADPKT RSP_ERR_FRAME.
 *  - In both modes an unescaped '$' inside a body gives the bytes before
 *    it back as console and starts a new candidate.
 * Holding. A candidate waits for more bytes until hold_ms after the last
 * byte that joined it (rsp_demux_deadline); then rsp_demux_tick, or the
 * next feed at or past the deadline, gives it back as console (an
 * oversized binary frame being skipped ends as a BADPKT piece).
 * rsp_demux_flush does the same at once.
 * Acks. While expect_ack is on, a '+' or '-' between frames is ACK or NAK
 * (raw/data: the byte) and turns expect_ack off; a '+' inside a held
 * candidate stays part of it. The flag may be set from a callback.
 * Markers (cfg.marks) are found in console bytes, with frames and acks
 * counted as part of the line around them (so "KGDB or $3#33 for KDB"
 * matches although "$3#33" is a PACKET). Prompts ("kdb> ", "[N]kdb> ",
 * "more> ") must start a line (after CR, LF or at stream start); the
 * other markers may sit anywhere in a line.
 * Callbacks must not call rsp_demux_feed/tick/flush/free on the same
 * demux. No allocation after rsp_demux_new.
 */
enum rsp_ev_type {
	RSP_EV_CONSOLE,	/* data/len: bytes that are not protocol */
	RSP_EV_PACKET,	/* data/len: decoded payload; raw/rawlen: the frame */
	RSP_EV_BADPKT,	/* raw/rawlen: a frame that failed; err says why */
	RSP_EV_ACK,	/* '+' while an ack was expected */
	RSP_EV_NAK,	/* '-' while an ack was expected */
	RSP_EV_OUTPUT,	/* an 'O' packet: data/len is the decoded text;
			 * raw/rawlen the frame (it still needs an ack) */
	RSP_EV_MARK,	/* mark: a marker; zero-length, placed right after
			 * the console byte that completed it */
};

enum rsp_mark {
	RSP_MARK_KDB_PROMPT,	/* "[N]kdb> " or "kdb> " at line start */
	RSP_MARK_KDB_PAGER,	/* "more> " at line start */
	RSP_MARK_KDB_ENTER,	/* "Entering kdb (" banner */
	RSP_MARK_KGDB_WAIT,	/* kgdb waits for gdb (any of its banners) */
	RSP_MARK_PANIC,		/* "Kernel panic - not syncing" */
	RSP_MARK_OOPS,		/* "BUG:", "Oops:", "general protection fault",
				 * "kernel BUG at " */
};

struct rsp_event {
	enum rsp_ev_type type;
	const uint8_t	*data;	/* valid only during the callback */
	size_t		 len;
	const uint8_t	*raw;	/* the frame as received, or NULL */
	size_t		 rawlen;
	enum rsp_mark	 mark;	/* RSP_EV_MARK */
	int		 err;	/* RSP_EV_BADPKT: RSP_ERR_CKSUM, _TOOBIG, … */
	int		 kdb_cpu; /* RSP_MARK_KDB_PROMPT: N of "[N]", or -1 */
};

typedef void rsp_demux_cb(void *arg, const struct rsp_event *ev);

struct rsp_demux_cfg {
	size_t	max_payload;	/* decoded payload cap (<= RSP_PKT_MAX;
				 * 0: RSP_PKT_MAX) */
	size_t	hold_bytes;	/* give up on a '$' candidate when '$' + body
				 * reach this many bytes without '#' (0:
				 * 2 * max_payload + RSP_PKT_OVERHEAD) */
	uint64_t hold_ms;	/* … or after this long (0: no time limit) */
	bool	binary;		/* true for gdb's side: payloads may hold any
				 * byte; false for the target's side, where a
				 * frame is printable ASCII with no space, CR
				 * or LF, so "$HOME" falls back to console */
	bool	marks;		/* detect console markers */
};

struct rsp_demux;

/* NULL if cfg is NULL, max_payload > RSP_PKT_MAX, hold_bytes > 1 MiB. */
struct rsp_demux *rsp_demux_new(const struct rsp_demux_cfg *cfg);
void		 rsp_demux_free(struct rsp_demux *d);
/* Feed len bytes received at now_ms (monotonic). */
void		 rsp_demux_feed(struct rsp_demux *d, const void *buf,
		     size_t len, uint64_t now_ms, rsp_demux_cb *cb, void *arg);
/* Release a held candidate whose time is up, as console text. */
void		 rsp_demux_tick(struct rsp_demux *d, uint64_t now_ms,
		     rsp_demux_cb *cb, void *arg);
/* When rsp_demux_tick must run next, or UINT64_MAX if nothing is held. */
uint64_t	 rsp_demux_deadline(const struct rsp_demux *d);
/* Release anything held now, as console text (end of stream, link loss). */
void		 rsp_demux_flush(struct rsp_demux *d, rsp_demux_cb *cb,
		     void *arg);
/* Whether '+'/'-' are acks (set after sending a packet). A received ack or
 * nak clears it. Outside that, '+' and '-' are console text. */
void		 rsp_demux_expect_ack(struct rsp_demux *d, bool on);
/* Switch between binary and text frames (struct rsp_demux_cfg) for what
 * comes next; ignored while a frame is being read. The target's side
 * takes a qXfer reply (XML with spaces) in binary mode. */
void		 rsp_demux_set_binary(struct rsp_demux *d, bool on);
bool		 rsp_demux_holding(const struct rsp_demux *d);

/* rsp/regs.c */
enum rsp_arch_id {
	RSP_ARCH_X86_64,
	RSP_ARCH_I386,
	RSP_ARCH_ARM64,
	RSP_ARCH_ARM,		/* 32-bit ARM */
	RSP_ARCH_RISCV64,
};

/* One register of a kgdb 'g' layout, or one only reachable with 'p'. */
struct rsp_reg {
	const char	*name;		/* gdb's name: "rip", "eflags", "x0" */
	uint16_t	 size;		/* bytes */
	int16_t		 offset;	/* in the 'g' payload; -1 if not in it */
	uint16_t	 regnum;	/* tdesc regnum: the number gdb puts
					 * in 'p', and the 'g' order */
	const char	*type;		/* tdesc type: "int64", "code_ptr", … */
	const char	*group;		/* tdesc group, or NULL */
};

struct rsp_arch {
	enum rsp_arch_id id;
	const char	*name;		/* "x86_64", "i386", "arm64", "arm",
					 * "riscv64" */
	const char	*gdb_arch;	/* "i386:x86-64", "i386", "aarch64",
					 * "arm", "riscv:rv64" */
	size_t		 bufmax;	/* kgdb BUFMAX */
	size_t		 numregbytes;	/* kgdb NUMREGBYTES: 'g' size */
	size_t		 mem_read_max;	/* largest safe 'm' length:
					 * (BUFMAX-1)/2 */
	unsigned	 dbg_max_reg_num; /* 'p' regnum limit */
	const struct rsp_reg *regs;	/* every register the tdesc names */
	size_t		 nregs;
	int		 pc, sp, fp;	/* indexes into regs */
	bool		 stub_tdesc;	/* kgdb serves its own target
					 * description (qXfer) */
};

/* Registers from one 'g' reply. */
#define RSP_REGS_MAX	1024
struct rsp_regs {
	const struct rsp_arch *arch;
	uint8_t		 raw[RSP_REGS_MAX];	/* target byte order */
	size_t		 len;
};

const struct rsp_arch *rsp_arch_get(enum rsp_arch_id id);
/* "x86_64"/"amd64"/"i386:x86-64", "i386"/"x86", "arm64"/"aarch64",
 * "arm"/"armv7", "riscv64"/"riscv:rv64". */
const struct rsp_arch *rsp_arch_by_name(const char *name);
/* Index in arch->regs of gdb register regnum, or -1. */
int		 rsp_arch_reg_by_num(const struct rsp_arch *a, unsigned regnum);
int		 rsp_arch_reg_by_name(const struct rsp_arch *a, const char *n);
/* An A64 instruction that sets PSTATE.DAIF itself: MSR DAIFSet/DAIFClr,
 * MSR DAIF, Xt, ERET, ERETAA, ERETAB. */
bool		 rsp_a64_writes_daif(uint32_t insn);
/* An A64 instruction known to write no memory (data processing, branches,
 * hints, barriers, MRS, plain loads); false when in doubt. */
bool		 rsp_a64_writes_no_memory(uint32_t insn);
/* The function a direct call at pc goes to, for the architectures whose
 * single steps gdb makes itself: A32 BL on arm; JAL ra, or AUIPC r and
 * JALR ra, lo(r), on riscv64. code holds the 8 bytes from pc - 4 (the
 * instruction before pc, then the one at pc; little-endian). Sets the
 * target and the call's length, or returns RSP_ERR_ARG if the
 * instruction at pc is no such call. */
int		 rsp_call_target(enum rsp_arch_id id, uint64_t pc,
		     const uint8_t *code, size_t n, uint64_t *target,
		     unsigned *len);
/* A call through a register at pc, for the same architectures: A32
 * BLX Rm on arm; C.JALR rs1, or JALR ra, imm(rs1), on riscv64. code holds
 * the n bytes from pc (2 can do for a compressed instruction). Sets the
 * register's gdb number, the offset added to it, and the call's length;
 * RSP_ERR_ARG if the instruction at pc is no such call. */
int		 rsp_call_indirect(enum rsp_arch_id id, const uint8_t *code,
		     size_t n, unsigned *regnum, int64_t *off, unsigned *len);
/* Parse a 'g' reply (hex). Exactly numregbytes*2 digits, else
 * RSP_ERR_SHORT / RSP_ERR_TOOBIG / RSP_ERR_HEX. */
int		 rsp_regs_parse_g(const struct rsp_arch *a, const char *hex,
		     size_t len, struct rsp_regs *out);
/* Value of register idx (index into arch->regs; little-endian target).
 * RSP_ERR_ARG if it is not in the 'g' payload or wider than 8 bytes. */
int		 rsp_regs_get(const struct rsp_regs *r, int idx,
		     uint64_t *value_out);
/* Display text for register idx as gdb 13 prints it: "0xffffffff81000000",
 * for x86 eflags "0x246 [ PF ZF IF ]" (flag names from bit 0 up), and
 * "<unavailable>" for a register the 'g' payload does not hold. Returns
 * the length written (NUL-terminated), RSP_ERR_TOOBIG, or RSP_ERR_ARG. */
int		 rsp_regs_format(const struct rsp_regs *r, int idx, char *buf,
		     size_t buflen);
/* GDB target description XML matching kgdb's layout for a. Returns its
 * length (NUL-terminated) or RSP_ERR_TOOBIG. */
int		 rsp_tdesc_xml(const struct rsp_arch *a, char *buf,
		     size_t buflen);

#endif
