/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/ctlproto.h: the control socket's protocol, shared by the bridge
 * (bridge/ctl.c: the server and `kgdb-bridge ctl`) and kgdb-tui: its
 * version, the names of its commands and events, and one parser that
 * turns a request line (JSON, or plain words) into a checked, typed
 * request. The protocol is documented in docs/kgdb-bridge.1 (CONTROL
 * SOCKET); a change here is a change there. Pure code: no I/O.
 */
#ifndef COMMON_CTLPROTO_H
#define COMMON_CTLPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every request may carry "v"; every reply and event carries it. */
#define CTL_PROTO_VERSION	1
/* A request line, without its newline, is at most this long. */
#define CTL_LINE_MAX		4096
/* Bytes one mem request may ask for. */
#define CTL_MEM_MAX		4096

/* Commands ("cmd" of a request and of its reply). */
#define CTL_CMD_STATUS		"status"
#define CTL_CMD_MEM		"mem"
#define CTL_CMD_REGS		"regs"
#define CTL_CMD_BREAK		"break"
#define CTL_CMD_CONTINUE	"continue"
#define CTL_CMD_STEP		"step"
#define CTL_CMD_THREAD		"thread"
#define CTL_CMD_MARK		"mark"
#define CTL_CMD_SUBSCRIBE	"subscribe"
#define CTL_CMD_EVENTS		"events"	/* the same as subscribe */
#define CTL_CMD_QUIT		"quit"
#define CTL_CMD_PING		"ping"

/* Typed arguments (members of a request). */
#define CTL_ARG_ADDR		"addr"	/* mem */
#define CTL_ARG_LEN		"len"	/* mem */
#define CTL_ARG_ID		"id"	/* thread */
#define CTL_ARG_TEXT		"text"	/* mark */

/* Events ("event" of a line sent to subscribers). */
#define CTL_EV_LINK_UP		"link_up"
#define CTL_EV_LINK_DOWN	"link_down"
#define CTL_EV_STATE		"state"
#define CTL_EV_STOP		"stop"
#define CTL_EV_GDB_ATTACH	"gdb_attach"
#define CTL_EV_GDB_DETACH	"gdb_detach"
#define CTL_EV_PANIC		"panic"
#define CTL_EV_BREAK_FAILED	"break_failed"
#define CTL_EV_CONSOLE		"console"
#define CTL_EV_MARK		"mark"

enum ctl_cmd {
	CTL_STATUS,
	CTL_MEM,
	CTL_REGS,
	CTL_BREAK,
	CTL_CONTINUE,
	CTL_STEP,
	CTL_THREAD,
	CTL_MARK,
	CTL_SUBSCRIBE,
	CTL_QUIT,
	CTL_PING,
};

/* Thread ids: an optional '-' and at most 16 hex digits. */
#define CTL_ID_MAX		17

/* One request, checked: every argument of cmd is there and in range. */
struct ctl_req {
	enum ctl_cmd	 cmd;
	const char	*name;		/* as asked ("events" or "subscribe");
					   static storage, NULL if unknown */
	uint64_t	 addr;		/* mem: first byte */
	uint64_t	 len;		/* mem: 1 to CTL_MEM_MAX, no wrap */
	char		 id[CTL_ID_MAX + 1];	/* thread: the id in hex */
	char		 text[CTL_LINE_MAX + 1];	/* mark: UTF-8 text */
};

/*
 * Parse one request line (len bytes, no newline): a JSON object if it
 * starts with '{', else plain words ("mem ffffffff81000000 16",
 * "mark some text"). 0, or -1 with err (errlen bytes) saying what is
 * wrong; then req->name is the command if it was recognised (for the
 * reply's "cmd"), else NULL.
 */
int		 ctl_req_parse(struct ctl_req *req, const char *line,
		    size_t len, char *err, size_t errlen);
/* req as one JSON request line (no newline) into out (outlen bytes,
 * terminated when outlen > 0). Returns the full length, as snprintf;
 * a mark with a long text may not fit a request line: check it against
 * CTL_LINE_MAX. */
size_t		 ctl_req_json(const struct ctl_req *req, char *out,
		    size_t outlen);
/* A command's canonical name; whether name is a command. */
const char	*ctl_cmd_name(enum ctl_cmd cmd);
bool		 ctl_cmd_known(const char *name);

/* The mem word arguments "ADDR LEN": ADDR in hex ("0x" optional, 64 bits
 * at most), LEN in decimal, 1 to max; ADDR + LEN - 1 must not wrap past
 * 2^64 - 1. -1 with err saying what is wrong. */
int		 ctl_mem_words(const char *text, uint64_t max, uint64_t *addr,
		    uint64_t *len, char *err, size_t errlen);

#endif
