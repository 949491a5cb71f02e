/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rsp/proto.h: the characters and fixed strings of the wire, by name.
 *
 * GDB remote serial protocol framing, and the kdb/kgdb strings a Linux
 * target prints or accepts (docs/kgdb-wire.md §1, §4, §5).
 */
#ifndef RSP_PROTO_H
#define RSP_PROTO_H

#define RSP_PKT_START		'$'
#define RSP_PKT_END		'#'
#define RSP_PKT_ESCAPE		'}'
#define RSP_PKT_ESCAPE_XOR	0x20
#define RSP_PKT_RLE		'*'
#define RSP_ACK			'+'
#define RSP_NAK			'-'
#define RSP_INTERRUPT		0x03
/* Bytes of framing around a payload: '$', '#' and two checksum digits. */
#define RSP_PKT_OVERHEAD	4

/* kgdb → kdb: the stub acks, sends no reply, and kdb prints its banner. */
#define RSP_KDB_SWITCH		"$3#33"
/* kdb → gdb at a fresh prompt: a side-effect free request (reply QC…). */
#define RSP_GDB_SWITCH_QC	"$qC#b4"
/* What kdb itself recognises as gdb trying to connect. */
#define RSP_GDB_SWITCH_STATUS	"$?#3f"
#define RSP_GDB_SWITCH_SUPPORTED "$qSupported"
/* kdb command that hands the line to the gdb stub. */
#define RSP_KDB_CMD_KGDB	"kgdb\r"

/* Console strings the demultiplexer marks. */
#define RSP_STR_KDB_ENTER	"Entering kdb ("
#define RSP_STR_KDB_PROMPT	"kdb> "
#define RSP_STR_KDB_PAGER	"more> "
#define RSP_STR_KGDB_WAIT	"KGDB: Waiting for connection from remote gdb"
#define RSP_STR_KGDB_ENTER_GDB	"KGDB or $3#33 for KDB"
#define RSP_STR_KGDB_TRAP_WAIT	"KGDB: waiting... or $3#33 for KDB"
#define RSP_STR_PANIC		"Kernel panic - not syncing"
#define RSP_STR_BUG		"BUG:"
#define RSP_STR_OOPS		"Oops:"
#define RSP_STR_GPF		"general protection fault"
#define RSP_STR_KERNEL_BUG	"kernel BUG at "

#endif
