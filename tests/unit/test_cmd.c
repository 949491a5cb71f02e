/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_cmd.c: the command table (bridge/cmd.c) and the status
 * snapshot's renderings (bridge/status.c), without a loop or a target.
 *
 * Which front end is offered which command, and which key runs which;
 * the checks before a command runs (target, layout, control: refused to
 * a control client while gdb holds control unless the command allows a
 * gdb waiting for a stop; the console and gdb are never refused); quit
 * asks the front end to stop the bridge; the help texts of the keys and
 * of `monitor bridge help`, word for word; and the status line, text
 * and JSON from one filled snapshot, byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bridge/bridge.h"

static struct bridge	br;
static char		out[4096];
static size_t		outlen;
static int		pieces;
static int		ran;
static bool		waiting;

static void
print(void *arg, const char *text, size_t len)
{
	(void)arg;
	assert_true(outlen + len < sizeof out);
	memcpy(out + outlen, text, len);
	outlen += len;
	out[outlen] = '\0';
	pieces++;
}

static int
fake_fn(struct br_cmdq *q)
{
	(void)q;
	ran++;
	return (BR_CMD_OK);
}

static bool
fake_waiting(void *arg)
{
	(void)arg;
	return (waiting);
}

/* Commands a front end adds (as gdb.c adds cache and step-irqs). */
static const struct br_cmd added[] = {
	{ .name = "ctlgate", .from = BR_CMD_CTL | BR_CMD_CONSOLE |
	  BR_CMD_MONITOR, .needs = BR_CMD_NEED_TARGET | BR_CMD_NEED_CONTROL,
	  .fn = fake_fn },
	{ .name = "waitok", .from = BR_CMD_CTL, .needs = BR_CMD_NEED_TARGET |
	  BR_CMD_NEED_CONTROL | BR_CMD_OR_GDB_WAITS, .fn = fake_fn },
	{ .name = "needarch", .from = BR_CMD_CTL, .needs =
	  BR_CMD_NEED_TARGET | BR_CMD_NEED_ARCH, .fn = fake_fn },
	{ .name = "frob", .from = BR_CMD_MONITOR, .args = true,
	  .fn = fake_fn, .usage = "frob a|b", .help = "frobs the bridge" },
};

static int
setup(void **state)
{
	(void)state;
	memset(&br, 0, sizeof br);
	br.front.cmds = added;
	br.front.ncmds = nitems(added);
	br.front.cmds_owner = &br;
	br.front.gdb_waiting = fake_waiting;
	outlen = 0;
	out[0] = '\0';
	pieces = ran = 0;
	waiting = false;
	return (0);
}

/* Run name as front end from would; its rc, q in *qp. */
static int
run(int from, const char *name, struct br_cmdq *q)
{
	const struct br_cmd	*c;
	void			*owner;

	c = br_cmd_find(&br, from, name, &owner);
	assert_non_null(c);
	memset(q, 0, sizeof *q);
	q->br = &br;
	q->from = from;
	q->args = "";
	q->print = print;
	return (br_cmd_run(q, c, owner));
}

static void
test_offered(void **state)
{
	static const struct {
		const char	*name;
		int		 from;
		bool		 offered;
	} rows[] = {
		{ "status", BR_CMD_CONSOLE, true },
		{ "status", BR_CMD_MONITOR, true },
		{ "status", BR_CMD_CTL, true },
		{ "break", BR_CMD_CONSOLE, true },
		{ "break", BR_CMD_CTL, true },
		{ "break", BR_CMD_MONITOR, false },
		{ "quit", BR_CMD_MONITOR, false },
		{ "kdb", BR_CMD_MONITOR, true },
		{ "kdb", BR_CMD_CTL, false },
		{ "kdb", BR_CMD_CONSOLE, false },
		{ "help", BR_CMD_CTL, false },
		{ "mem", BR_CMD_CTL, true },
		{ "mem", BR_CMD_MONITOR, false },
		{ "thread", BR_CMD_CTL, true },
		{ "subscribe", BR_CMD_CTL, true },
		{ "ping", BR_CMD_CONSOLE, false },
		{ "frob", BR_CMD_MONITOR, true },
		{ "frob", BR_CMD_CTL, false },
		{ "nosuch", BR_CMD_CTL | BR_CMD_MONITOR | BR_CMD_CONSOLE,
		  false },
	};
	const struct br_cmd	*c;
	void			*owner;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(rows); i++) {
		c = br_cmd_find(&br, rows[i].from, rows[i].name, &owner);
		if ((c != NULL) != rows[i].offered)
			fail_msg("%s to front end %d: offered %d, want %d",
			    rows[i].name, rows[i].from, c != NULL,
			    rows[i].offered);
	}
	/* Every control-protocol command has an entry for the socket. */
	for (i = CTL_STATUS; i <= CTL_PING; i++)
		assert_non_null(br_cmd_find(&br, BR_CMD_CTL,
		    ctl_cmd_name((enum ctl_cmd)i), &owner));
	/* An added command runs with its owner. */
	c = br_cmd_find(&br, BR_CMD_MONITOR, "frob", &owner);
	assert_ptr_equal(owner, &br);
	c = br_cmd_find(&br, BR_CMD_MONITOR, "status", &owner);
	assert_null(owner);
}

static void
test_keys(void **state)
{
	static const struct {
		int		 key;
		const char	*name;
	} rows[] = {
		{ 'q', "quit" }, { 'Q', "quit" }, { '.', "quit" },
		{ 'b', "break" }, { 'B', "break" },
		{ 's', "status" }, { 'S', "status" },
		{ '?', "help" },
		{ 'x', NULL }, { 'k', NULL }, { '\0', NULL },
	};
	const struct br_cmd	*c;
	void			*owner;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(rows); i++) {
		c = br_cmd_key(&br, rows[i].key, &owner);
		if (rows[i].name == NULL)
			assert_null(c);
		else {
			assert_non_null(c);
			assert_string_equal(c->name, rows[i].name);
		}
	}
}

static void
test_needs(void **state)
{
	struct br_cmdq	q;

	(void)state;
	/* No target: refused whoever asks, and the fn never runs. */
	assert_int_equal(run(BR_CMD_CTL, "ctlgate", &q), BR_CMD_ERR);
	assert_string_equal(q.err, "no target");
	assert_int_equal(run(BR_CMD_CTL, "break", &q), BR_CMD_ERR);
	assert_string_equal(q.err, "no target");
	assert_int_equal(run(BR_CMD_CONSOLE, "break", &q), BR_CMD_ERR);
	assert_string_equal(q.err, "no target");
	assert_int_equal(ran, 0);

	br.target = (struct br_target *)&br;	/* opaque: fns are fakes */
	assert_int_equal(run(BR_CMD_CTL, "needarch", &q), BR_CMD_ERR);
	assert_string_equal(q.err, "no register layout for this arch");
	assert_int_equal(run(BR_CMD_CTL, "ctlgate", &q), BR_CMD_OK);
	assert_int_equal(ran, 1);

	/* gdb holds control: only the control socket is refused. */
	br.front.gdb_attached = true;
	assert_int_equal(run(BR_CMD_CTL, "ctlgate", &q), BR_CMD_ERR);
	assert_string_equal(q.err, "gdb holds control (detach it first)");
	assert_int_equal(run(BR_CMD_CONSOLE, "ctlgate", &q), BR_CMD_OK);
	assert_int_equal(run(BR_CMD_MONITOR, "ctlgate", &q), BR_CMD_OK);
	assert_int_equal(ran, 3);
	/* ... and a command that allows it runs while gdb waits for a
	 * stop, not otherwise; one that does not never does. */
	assert_int_equal(run(BR_CMD_CTL, "waitok", &q), BR_CMD_ERR);
	waiting = true;
	assert_int_equal(run(BR_CMD_CTL, "waitok", &q), BR_CMD_OK);
	assert_int_equal(run(BR_CMD_CTL, "ctlgate", &q), BR_CMD_ERR);
	assert_int_equal(ran, 4);
	br.front.gdb_attached = false;
	waiting = false;
	br.target = NULL;
}

static void
test_quit(void **state)
{
	struct br_cmdq	q;

	(void)state;
	/* The command only asks: the front end stops the bridge when its
	 * answer is out. */
	assert_int_equal(run(BR_CMD_CTL, "quit", &q), BR_CMD_OK);
	assert_true(q.quit);
	assert_false(br.quit);
	assert_int_equal(run(BR_CMD_CTL, "ping", &q), BR_CMD_OK);
	assert_false(q.quit);
	assert_int_equal(run(BR_CMD_CTL, "subscribe", &q), BR_CMD_OK);
	assert_true(q.subscribe);
	br.base = NULL;
	br.quit = true;		/* br_quit twice: once only */
	br_quit(&br);
	assert_true(br.quit);
}

static void
test_help(void **state)
{
	struct br_cmdq	q;

	(void)state;
	assert_int_equal(run(BR_CMD_CONSOLE, "help", &q), BR_CMD_OK);
	assert_string_equal(out, "\r\n[kgdb-bridge] keys after Ctrl-]: "
	    "q quit, b break in, s status, Ctrl-] send Ctrl-], ? this "
	    "help\r\n");
	outlen = 0;
	pieces = 0;
	assert_int_equal(run(BR_CMD_MONITOR, "help", &q), BR_CMD_OK);
	assert_string_equal(out,
	    "monitor bridge status   link, target state, counters\n"
	    "monitor bridge kdb      hand the target to kdb (console)\n"
	    "monitor bridge sleepers [on|off] x86_64: sleeping tasks' "
	    "saved registers\n"
	    "monitor bridge taskregs [on|off] arm64: sleeping tasks' 'g' "
	    "built by the bridge\n"
	    "monitor bridge prefetch [on|off] read ahead while the kernel "
	    "is stopped\n"
	    "monitor bridge frob a|b frobs the bridge\n"
	    "monitor <kdb command>   runs in kdb on the target\n");
	assert_int_equal(pieces, 1);	/* one O packet's worth */
}

static void
fill(struct br_status *st)
{
	static const struct rsp_arch	*a;

	a = rsp_arch_by_name("x86_64");
	assert_non_null(a);
	memset(st, 0, sizeof *st);
	st->pid = 42;
	st->uptime_ms = 1500;
	st->target = "/dev/ttyS0";
	st->have_link = true;
	st->link_up = true;
	st->device = "/dev/ttyS0";
	st->baud = 115200;
	st->caps = BR_LINK_CAN_BREAK | BR_LINK_HAS_BAUD;
	st->state = "stopped (gdb)";
	snprintf(st->stop, sizeof st->stop, "T05thread:01;");
	st->gdb = true;
	st->console_clients = 2;
	st->gdb_port = 4441;
	st->console_port = 4440;
	st->arch = a;
	st->arch_name = a->name;
	st->panic = "Kernel panic - \"x\"";
	st->vmlinux = NULL;
	st->log = "/tmp/l";
	st->stats.rx_packets = 3;
	st->stats.tx_packets = 1;
}

static void
collect(void *arg, const char *text, size_t len)
{
	print(arg, text, len);
}

static void
test_status(void **state)
{
	struct br_status	st;
	char			line[512], *json, want[1024];

	(void)state;
	fill(&st);
	assert_true(br_status_line(&st, line, sizeof line) > 0);
	assert_string_equal(line, "\r\n[kgdb-bridge] /dev/ttyS0 link up, "
	    "target stopped (gdb), gdb attached, 2 console clients, last "
	    "panic: Kernel panic - \"x\"\r\n");

	br_status_text(&st, collect, NULL);
	assert_string_equal(out, "link: /dev/ttyS0 (up)\n"
	    "target: stopped (gdb), last stop T05thread:01;\n"
	    "arch: x86_64 (BUFMAX 1024)\n"
	    "packets: 3 in, 1 out, 0 retransmits, 0 checksum errors, 0 "
	    "timeouts\n");
	assert_int_equal(pieces, 3);	/* as gdb has always had them */

	json = br_status_json(&st);
	snprintf(want, sizeof want, "{\"v\":%d,\"ok\":true,\"cmd\":\"status\","
	    "\"pid\":42,\"uptime_ms\":1500,\"target\":\"/dev/ttyS0\","
	    "\"link\":\"up\",\"device\":\"/dev/ttyS0\",\"baud\":115200,"
	    "\"caps\":[\"break\",\"baud\"],\"state\":\"stopped (gdb)\","
	    "\"gdb\":true,\"control\":\"gdb\",\"console_clients\":2,"
	    "\"gdb_port\":4441,\"console_port\":4440,\"ports\":{\"gdb\":4441,"
	    "\"console\":4440},\"arch\":\"x86_64\",\"panic\":\"Kernel panic - "
	    "\\\"x\\\"\",\"stop\":\"T05thread:01;\",\"mem_read_max\":%zu,"
	    "\"log\":\"/tmp/l\",\"stats\":{\"rx_bytes\":0,\"tx_bytes\":0,"
	    "\"rx_packets\":3,\"tx_packets\":1,\"retransmits\":0,"
	    "\"cksum_errors\":0,\"timeouts\":0,\"console_bytes\":0,"
	    "\"bad_replies\":0,\"verify_reads\":0,\"verify_mismatches\":0,"
	    "\"early_naks\":0}}", CTL_PROTO_VERSION, st.arch->mem_read_max);
	assert_string_equal(json, want);
	free(json);

	/* No target, no link, no gdb: the words each rendering used. */
	st.state = NULL;
	st.have_link = false;
	st.link_up = false;
	st.device = "(none)";
	st.gdb = false;
	st.panic = "";
	assert_true(br_status_line(&st, line, sizeof line) > 0);
	assert_string_equal(line, "\r\n[kgdb-bridge] (none) link down, "
	    "target ?, gdb not attached, 2 console clients\r\n");
	outlen = 0;
	br_status_text(&st, collect, NULL);
	assert_true(strncmp(out, "link: none (down)\ntarget: ?, last stop",
	    38) == 0);
	json = br_status_json(&st);
	assert_non_null(strstr(json, "\"state\":\"unknown\""));
	assert_non_null(strstr(json, "\"gdb\":false,\"control\":\"console\""));
	free(json);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_offered, setup),
		cmocka_unit_test_setup(test_keys, setup),
		cmocka_unit_test_setup(test_needs, setup),
		cmocka_unit_test_setup(test_quit, setup),
		cmocka_unit_test_setup(test_help, setup),
		cmocka_unit_test_setup(test_status, setup),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
