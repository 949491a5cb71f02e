/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_ctl.c: the control socket on a real loop: requests and
 * replies (malformed ones refused), the version check, typed arguments,
 * subscriptions and their escaping, a subscriber
 * that stops reading, the socket's mode and a stale socket; then the
 * TUI's target commands (mem, regs, thread, continue, step, break) over
 * the real target.c and gdb.c on the fake link: split reads, a gdb
 * request never landing inside one of ours, control refused to a second
 * master, and never a '?' on the wire.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/buffer.h>
#include <event2/event.h>

#include "common/json.h"
#include "tests/unit/fakelink.h"

static struct bridge	 br;
static char		 dir[] = "/tmp/test_ctlXXXXXX";
static char		 path[256];

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return (-1);
	snprintf(path, sizeof path, "%s/sub/b.sock", dir);
	memset(&br, 0, sizeof br);
	br.base = event_base_new();
	br.opts.target = (char *)"/dev/ttyTEST";
	return (br.base == NULL ? -1 : 0);
}

static int
teardown(void **state)
{
	char	sub[300];

	(void)state;
	event_base_free(br.base);
	unlink(path);
	snprintf(sub, sizeof sub, "%s/sub", dir);
	rmdir(sub);
	rmdir(dir);
	return (0);
}

static int
connect_ctl(void)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd != -1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof sun), 0);
	return (fd);
}

/* Run the loop until fd has a full line, and return it. */
static char *
reply(int fd)
{
	static char	line[16384];
	size_t		n = 0;
	ssize_t		r;
	int		i;

	for (i = 0; i < 500; i++) {
		event_base_loop(br.base, EVLOOP_NONBLOCK);
		struct pollfd pfd = { fd, POLLIN, 0 };
		if (poll(&pfd, 1, 10) != 1)
			continue;
		/* Byte by byte, as long as bytes are there: never past the
		 * line's end, and a long line needs no more loop turns. */
		do {
			r = read(fd, line + n, 1);
			if (r <= 0)
				goto out;
			if (line[n] == '\n') {
				line[n] = '\0';
				return (line);
			}
			if (++n == sizeof line - 1)
				goto out;
		} while (poll(&pfd, 1, 0) == 1);
	}
out:
	line[n] = '\0';
	return (line);
}

static void
say(int fd, const char *s)
{
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

/* A text-only bus event to the control socket's sink. */
static void
ctl_note(struct br_ctl *c, enum br_note note, const char *text)
{
	struct br_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.note = note;
	ev.text = text;
	br_ctl_notify(c, &ev);
}

static void
test_socket(void **state)
{
	struct br_ctl	*c;
	struct stat	 st;
	char		 err[BR_ERRLEN], sub[300];
	int		 fd, fd2;

	(void)state;
	/* A stale socket file from a killed bridge is replaced. */
	snprintf(sub, sizeof sub, "%s/sub", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	{
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		strcpy(sun.sun_path, path);
		assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof sun),
		    0);
	}
	close(fd);
	c = br_ctl_new(&br, path, err);
	assert_non_null(c);
	br.ctl = c;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);

	/* A second bridge on the same socket is refused. */
	assert_null(br_ctl_new(&br, path, err));
	assert_non_null(strstr(err, "already serves"));

	fd = connect_ctl();
	say(fd, "ping\n");
	assert_string_equal(reply(fd), "{\"v\":1,\"ok\":true,\"cmd\":\"ping\"}");
	say(fd, "{\"v\":1,\"cmd\":\"status\"}\n");
	{
		char *s = reply(fd);

		assert_non_null(strstr(s, "\"v\":1,\"ok\":true,\"cmd\":"
		    "\"status\""));
		assert_non_null(strstr(s, "\"link\":\"down\""));
		assert_non_null(strstr(s, "\"target\":\"/dev/ttyTEST\""));
		assert_non_null(strstr(s, "\"gdb\":false"));
		assert_non_null(strstr(s, "\"stats\":{\"rx_bytes\":0"));
	}
	say(fd, "{\"v\":7,\"cmd\":\"status\"}\n");
	assert_non_null(strstr(reply(fd), "unsupported protocol version"));
	say(fd, "{\"v\":1}\n");
	assert_non_null(strstr(reply(fd), "no \\\"cmd\\\""));
	/* Malformed: refused whole, with the reason. */
	say(fd, "{\"v\":1,\"cmd\":\"ping\"\n");
	assert_non_null(strstr(reply(fd), "\"ok\":false,\"error\":"
	    "\"malformed JSON"));
	say(fd, "{\"cmd\":\"ping\",\"cmd\":\"quit\"}\n");
	assert_non_null(strstr(reply(fd), "malformed JSON"));
	say(fd, "{\"cmd\":\"ping\"}x\n");
	assert_non_null(strstr(reply(fd), "malformed JSON"));
	assert_int_equal(write(fd, "{\"cmd\":\"ping\"}\0\n", 16), 16);
	assert_non_null(strstr(reply(fd), "malformed JSON"));
	assert_int_equal(write(fd, "mark a\0b\n", 9), 9);
	assert_non_null(strstr(reply(fd), "NUL"));
	say(fd, "{\"cmd\":\"ping\",\"text\":\"x\"}\n");
	assert_non_null(strstr(reply(fd), "\"ok\":false,\"cmd\":\"ping\""));
	say(fd, "mark\n");
	assert_non_null(strstr(reply(fd), "mark needs a text"));
	say(fd, "break\n");
	assert_non_null(strstr(reply(fd), "\"ok\":false"));
	say(fd, "launch\n");
	assert_non_null(strstr(reply(fd), "unknown command"));

	/* Events go to subscribers only. */
	fd2 = connect_ctl();
	say(fd2, "{\"v\":1,\"cmd\":\"subscribe\"}\n");
	assert_non_null(strstr(reply(fd2), "\"ok\":true"));
	/* Console bytes and notices stay inside the daemon: the first
	 * thing the subscriber reads is the link_down after them. */
	{
		struct br_event	ev;

		memset(&ev, 0, sizeof ev);
		ev.note = BR_NOTE_CONSOLE;
		ev.text = "";
		ev.buf = "boot\n";
		ev.len = 5;
		br_ctl_notify(c, &ev);
		ev.note = BR_NOTE_NOTICE;
		ev.text = "a notice";
		br_ctl_notify(c, &ev);
	}
	ctl_note(c, BR_NOTE_LINK_DOWN, "link down: \"x\"");
	assert_non_null(strstr(reply(fd2), "{\"v\":1,\"event\":\"link_down\","
	    "\"t\":"));
	/* Console bytes that are not UTF-8 still make valid JSON; UTF-8
	 * passes as it is. */
	ctl_note(c, BR_NOTE_CONSOLE_LINE, "caf\xc3\xa9 \xff\x01\"\\");
	{
		char	*s = reply(fd2);
		json_t	*o = cm_json_parse(s, strlen(s), NULL, 0);

		assert_non_null(o);
		assert_string_equal(cm_json_str(o, "event"), "console");
		assert_string_equal(cm_json_str(o, "text"),
		    "caf\xc3\xa9 \xef\xbf\xbd\x01\"\\");
		json_decref(o);
	}
	say(fd, "ping\n");
	assert_non_null(strstr(reply(fd), "ping"));	/* not the event */

	/* An overlong request line drops the client. */
	{
		char big[5000];

		memset(big, 'a', sizeof big);
		assert_int_equal(write(fd, big, sizeof big),
		    (ssize_t)sizeof big);
		assert_non_null(strstr(reply(fd), "too long"));
	}
	close(fd);

	/* A subscriber that stops reading is dropped, not waited for. */
	{
		char	text[1024];
		int	i, rcv = 4096;

		setsockopt(fd2, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
		memset(text, 'e', sizeof text - 1);
		text[sizeof text - 1] = '\0';
		for (i = 0; i < 4000; i++) {
			ctl_note(c, BR_NOTE_CONSOLE_LINE, text);
			event_base_loop(br.base, EVLOOP_NONBLOCK);
		}
		for (i = 0; i < 50; i++)
			event_base_loop(br.base, EVLOOP_NONBLOCK);
		/* Reading now ends in EOF after what was queued. */
		{
			char	buf[65536];
			ssize_t	r;
			int	fl = fcntl(fd2, F_GETFL);

			fcntl(fd2, F_SETFL, fl & ~O_NONBLOCK);
			while ((r = read(fd2, buf, sizeof buf)) > 0)
				;
			assert_int_equal(r, 0);
		}
	}
	close(fd2);

	br_ctl_free(c);
	br.ctl = NULL;
	assert_int_equal(access(path, F_OK), -1);
}

/* Everything the bridge wrote to the target in this test, for the '?'
 * check at the end. */
static char	allwire[FK_BUF];
static size_t	allwirelen;

static char *
wire(char *out, size_t outlen)
{
	fk_settle(br.base);
	fk_append(allwire, &allwirelen, fk.wire, fk.wirelen);
	return (fk_take_wire(out, outlen));
}

/* The target acks the last request and replies with payload. */
static void
target_says(const char *payload)
{
	char	frame[RSP_PKT_MAX + 8];

	br_target_input(br.target, "+", 1);
	fk_frame(frame, sizeof frame, payload);
	br_target_input(br.target, frame, strlen(frame));
	fk_settle(br.base);
}

/* "$payload#xx" (a static buffer, valid until the next call). */
static const char *
F(const char *payload)
{
	static char	buf[256];

	return (fk_frame(buf, sizeof buf, payload));
}

static char *
hexrun(char *buf, size_t nbytes, char digit)
{
	memset(buf, digit, 2 * nbytes);
	buf[2 * nbytes] = '\0';
	return (buf);
}

static void
test_target_ops(void **state)
{
	struct br_ctl	*c;
	char		 err[BR_ERRLEN], w[FK_BUF], hex[RSP_PKT_MAX + 1], *s;
	char		 frame[64], gin[4096];
	int		 fd, fd2, fd3, sv[2];
	ssize_t		 n;

	(void)state;
	fk_reset();
	allwirelen = 0;
	br.arch = rsp_arch_get(RSP_ARCH_X86_64);
	br.link = (struct br_link *)&fk;
	br.console = (struct br_console *)&fk;
	br.nsinks = 0;
	br_notify_sink(&br, fk_sink, NULL);
	br.target = br_target_new(&br, br.link);
	br_target_set_timeouts(br.target, 30, 60, 300);
	br.opts.gdb_port = BR_PORT_OFF;	/* sessions come by fd */
	br.gdb = br_gdb_new(&br, err);
	assert_non_null(br.gdb);
	c = br_ctl_new(&br, path, err);
	assert_non_null(c);
	br.ctl = c;
	fd = connect_ctl();

	/* Stopped in gdb mode. */
	fk_frame(frame, sizeof frame, "T05thread:01;");
	br_target_input(br.target, frame, strlen(frame));
	wire(w, sizeof w);
	say(fd, "status\n");
	assert_non_null(strstr(reply(fd), "\"stop\":\"T05thread:01;\""));

	/* Bad arguments never reach the wire. */
	say(fd, "mem\n");
	assert_non_null(strstr(reply(fd), "usage: mem"));
	say(fd, "mem ffff 5000\n");
	assert_non_null(strstr(reply(fd), "length 5000 is over 4096 bytes"));
	say(fd, "mem ffff\n");
	assert_non_null(strstr(reply(fd), "usage: mem"));
	say(fd, "thread 1;c\n");
	assert_non_null(strstr(reply(fd), "thread: the id is not hex"));
	/* Typed JSON arguments are checked the same way. */
	say(fd, "{\"cmd\":\"mem\",\"addr\":\"0xffff\",\"len\":5000}\n");
	assert_non_null(strstr(reply(fd), "\"ok\":false,\"cmd\":\"mem\","
	    "\"error\":\"mem: len 5000 is out of range"));
	say(fd, "{\"cmd\":\"mem\",\"addr\":18446744071562067968,"
	    "\"len\":8}\n");
	assert_non_null(strstr(reply(fd), "malformed JSON"));
	say(fd, "{\"cmd\":\"mem\",\"text\":\"ffff 8\"}\n");
	assert_non_null(strstr(reply(fd), "unknown member \\\"text\\\""));
	say(fd, "{\"cmd\":\"mem\",\"addr\":\"ffff\",\"len\":8\n");
	assert_non_null(strstr(reply(fd), "\"ok\":false,\"error\":"
	    "\"malformed JSON"));
	say(fd, "{\"cmd\":\"thread\",\"id\":\"1;c\"}\n");
	assert_non_null(strstr(reply(fd), "not hex"));
	assert_string_equal(wire(w, sizeof w), "");

	/* No gdb: thread, regs, step, continue, break. */
	say(fd, "thread 2\n");
	assert_string_equal(wire(w, sizeof w), F("Hg2"));
	target_says("OK");
	assert_non_null(strstr(reply(fd), "\"ok\":true,\"cmd\":\"thread\""));
	say(fd, "regs\n");
	assert_string_equal(wire(w, sizeof w) + 1, F("g"));
	{
		char	g[400];

		/* 17 x 8 + 5 x 4 bytes; rip (the 17th) = 0xffffffff81234567. */
		hexrun(g, 156, '0');
		memcpy(g + 16 * 16, "67452381ffffffff", 16);
		target_says(g);
	}
	s = reply(fd);
	assert_non_null(strstr(s, "\"ok\":true,\"cmd\":\"regs\""));
	if (strstr(s, "\"rip\":\"0xffffffff81234567\"") == NULL)
		print_error("%s\n", s);
	assert_non_null(strstr(s, "\"rip\":\"0xffffffff81234567\""));
	assert_non_null(strstr(s, "\"g\":\"0000"));
	say(fd, "step\n");
	assert_non_null(strstr(reply(fd), "\"ok\":true"));
	assert_string_equal(wire(w, sizeof w) + 1, F("s"));
	br_target_input(br.target, "+", 1);
	fk_settle(br.base);
	assert_string_equal(br_target_state_name(br_target_state(br.target)),
	    "running");
	say(fd, "mem ffffffff81000000 8\n");
	assert_non_null(strstr(reply(fd), "target is running"));
	say(fd, "continue\n");
	assert_non_null(strstr(reply(fd), "not stopped"));
	say(fd, "break\n");
	assert_non_null(strstr(reply(fd), "\"ok\":true"));
	fk_run_until_wire(br.base, 500);
	assert_non_null(strstr(wire(w, sizeof w), "<BREAK>"));
	br_target_input(br.target, frame, strlen(frame));
	wire(w, sizeof w);
	say(fd, "break\n");
	assert_non_null(strstr(reply(fd), "stopped already"));

	/* Typed arguments: a kernel address as a hex string, a small one as
	 * a number; a thread id as a number goes out in hex. */
	say(fd, "{\"v\":1,\"cmd\":\"mem\",\"addr\":\"0xffffffff81000010\","
	    "\"len\":4}\n");
	assert_string_equal(wire(w, sizeof w), F("mffffffff81000010,4"));
	target_says("01020304");
	assert_non_null(strstr(reply(fd), "\"ok\":true,\"cmd\":\"mem\","
	    "\"addr\":\"0xffffffff81000010\",\"len\":4,\"hex\":\"01020304\""));
	say(fd, "{\"v\":1,\"cmd\":\"mem\",\"addr\":4096,\"len\":2}\n");
	assert_string_equal(wire(w, sizeof w) + 1, F("m1000,2"));
	target_says("0506");
	assert_non_null(strstr(reply(fd), "\"addr\":\"0x1000\",\"len\":2,"));
	wire(w, sizeof w);

	/* A read over a page boundary and the safe size: split in three. */
	say(fd, "mem ffffffff81000f00 1000\n");
	assert_string_equal(wire(w, sizeof w), F("mffffffff81000f00,100"));
	target_says(hexrun(hex, 0x100, 'a'));
	assert_string_equal(wire(w, sizeof w) + 1, F("mffffffff81001000,1ff"));
	target_says(hexrun(hex, 0x1ff, 'b'));
	assert_string_equal(wire(w, sizeof w) + 1, F("mffffffff810011ff,e9"));
	target_says(hexrun(hex, 0xe9, 'c'));
	s = reply(fd);
	assert_non_null(strstr(s, "\"ok\":true,\"cmd\":\"mem\",\"addr\":"
	    "\"0xffffffff81000f00\",\"len\":1000,\"hex\":\"aaaa"));
	assert_non_null(strstr(s, "abbb"));
	assert_non_null(strstr(s, "bbbccc"));
	assert_string_equal(s + strlen(s) - 4, "cc\"}");
	/* A refused read is an error, not bytes. */
	say(fd, "mem 0 8\n");
	assert_string_equal(wire(w, sizeof w) + 1, F("m0,8"));
	target_says("E14");
	assert_non_null(strstr(reply(fd), "\"ok\":false"));
	wire(w, sizeof w);

	/* gdb attaches: it alone has control now. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	br_gdb_attach_fd(br.gdb, sv[1]);
	fk_settle(br.base);
	say(fd, "continue\n");
	assert_non_null(strstr(reply(fd), "gdb holds control"));
	say(fd, "step\n");
	assert_non_null(strstr(reply(fd), "gdb holds control"));
	say(fd, "thread 1\n");
	assert_non_null(strstr(reply(fd), "gdb holds control"));
	say(fd, "break\n");
	assert_non_null(strstr(reply(fd), "gdb holds control"));
	assert_string_equal(wire(w, sizeof w), "");

	/*
	 * Reads still go, one packet at a time: gdb's request, sent while our
	 * first piece is out, goes next, before our second piece; its reply
	 * goes to gdb, ours to us.
	 */
	say(fd, "mem ffffffff81002000 600\n");
	assert_string_equal(wire(w, sizeof w), F("mffffffff81002000,1ff"));
	assert_int_equal(write(sv[0], F("mffffffff81003000,8"), 23), 23);
	assert_string_equal(wire(w, sizeof w), "");	/* it waits */
	target_says(hexrun(hex, 0x1ff, 'd'));
	assert_string_equal(wire(w, sizeof w) + 1, F("mffffffff81003000,8"));
	target_says("0102030405060708");
	n = read(sv[0], gin, sizeof gin - 1);
	assert_true(n > 0);
	gin[n] = '\0';
	assert_non_null(strstr(gin, "$0102030405060708#"));
	assert_null(strstr(gin, "dddd"));
	assert_string_equal(wire(w, sizeof w) + 1, F("mffffffff810021ff,59"));
	target_says(hexrun(hex, 0x59, 'e'));
	s = reply(fd);
	assert_non_null(strstr(s, "\"len\":600"));
	assert_null(strstr(s, "0102030405060708"));
	wire(w, sizeof w);

	/*
	 * Many clients, each with a read: still at most one of ours before a
	 * gdb request, never all of them (on a slow or silent line each
	 * costs a reply timeout, and gdb gives up long before).
	 */
	fd2 = connect_ctl();
	fd3 = connect_ctl();
	say(fd, "mem ffffffff81004000 8\n");
	assert_string_equal(wire(w, sizeof w), F("mffffffff81004000,8"));
	say(fd2, "mem ffffffff81005000 8\n");
	say(fd3, "mem ffffffff81006000 8\n");
	assert_string_equal(wire(w, sizeof w), "");
	assert_int_equal(write(sv[0], F("mffffffff81007000,8"), 23), 23);
	assert_string_equal(wire(w, sizeof w), "");
	target_says("1111111111111111");
	assert_string_equal(wire(w, sizeof w) + 1, F("mffffffff81007000,8"));
	target_says("2222222222222222");
	n = read(sv[0], gin, sizeof gin - 1);
	assert_true(n > 0);
	gin[n] = '\0';
	assert_non_null(strstr(gin, "$2222222222222222#"));
	assert_string_equal(wire(w, sizeof w) + 1, F("mffffffff81005000,8"));
	target_says("3333333333333333");
	assert_string_equal(wire(w, sizeof w) + 1, F("mffffffff81006000,8"));
	target_says("4444444444444444");
	assert_non_null(strstr(reply(fd), "\"hex\":\"1111111111111111\""));
	assert_non_null(strstr(reply(fd2), "\"hex\":\"3333333333333333\""));
	assert_non_null(strstr(reply(fd3), "\"hex\":\"4444444444444444\""));
	close(fd2);
	close(fd3);
	wire(w, sizeof w);

	/* gdb continues and waits: a ctl break is its interrupt now. */
	assert_int_equal(write(sv[0], "+", 1), 1);
	assert_int_equal(write(sv[0], F("c"), 5), 5);
	assert_string_equal(wire(w, sizeof w), F("c"));
	br_target_input(br.target, "+", 1);
	fk_settle(br.base);
	say(fd, "continue\n");
	assert_non_null(strstr(reply(fd), "gdb holds control"));
	say(fd, "break\n");
	assert_non_null(strstr(reply(fd), "\"ok\":true"));
	fk_run_until_wire(br.base, 500);
	assert_non_null(strstr(wire(w, sizeof w), "<BREAK>"));
	fk_frame(frame, sizeof frame, "T05thread:01;");
	br_target_input(br.target, frame, strlen(frame));
	fk_settle(br.base);
	n = read(sv[0], gin, sizeof gin - 1);
	assert_true(n > 0);
	gin[n] = '\0';
	assert_non_null(strstr(gin, "T05thread:01;"));
	wire(w, sizeof w);

	/* In all of it, never a '?' to the target. */
	allwire[allwirelen] = '\0';
	assert_null(strstr(allwire, "$?#3f"));

	/* A client that leaves with a read in flight: the reply is dropped
	 * (acked, given to nobody: not to gdb), and the next client gets its
	 * own reply, not that one. */
	say(fd, "mem ffffffff81000000 8\n");
	assert_string_equal(wire(w, sizeof w), F("mffffffff81000000,8"));
	close(fd);
	fk_settle(br.base);
	target_says(hexrun(hex, 8, 'f'));
	assert_string_equal(wire(w, sizeof w), "+");
	assert_true(recv(sv[0], gin, sizeof gin, MSG_DONTWAIT) < 0);
	fd = connect_ctl();
	say(fd, "mem ffffffff81000000 8\n");
	assert_string_equal(wire(w, sizeof w), F("mffffffff81000000,8"));
	target_says("0102030405060708");
	s = reply(fd);
	assert_non_null(strstr(s, "0102030405060708"));
	assert_null(strstr(s, hexrun(hex, 8, 'f')));
	close(fd);
	assert_string_equal(wire(w, sizeof w), "+");

	close(sv[0]);
	fk_settle(br.base);
	br_ctl_free(c);
	br.ctl = NULL;
	br_gdb_free(br.gdb);
	br.gdb = NULL;
	br_target_free(br.target);
	br.target = NULL;
	br.link = NULL;
	br.console = NULL;
}

/* arm64: the TUI's step masks interrupts as gdb's does (--step-irqs). */
static void
test_step_arm64(void **state)
{
	struct br_ctl	*c;
	char		 err[BR_ERRLEN], w[FK_BUF], frame[64];
	int		 fd;

	(void)state;
	fk_reset();
	allwirelen = 0;
	br.arch = rsp_arch_get(RSP_ARCH_ARM64);
	br.link = (struct br_link *)&fk;
	br.console = (struct br_console *)&fk;
	br.nsinks = 0;
	br_notify_sink(&br, fk_sink, NULL);
	br.target = br_target_new(&br, br.link);
	br_target_set_timeouts(br.target, 30, 60, 300);
	br.gdb = br_gdb_new(&br, err);
	assert_non_null(br.gdb);
	c = br_ctl_new(&br, path, err);
	assert_non_null(c);
	br.ctl = c;
	fd = connect_ctl();
	fk_frame(frame, sizeof frame, "T05thread:01;");
	br_target_input(br.target, frame, strlen(frame));
	wire(w, sizeof w);

	say(fd, "step\n");
	assert_non_null(strstr(reply(fd), "\"ok\":true"));
	assert_string_equal(wire(w, sizeof w), F("Hg0"));
	target_says("OK");
	assert_string_equal(wire(w, sizeof w) + 1, F("p21"));
	target_says("05000060");
	assert_string_equal(wire(w, sizeof w) + 1, F("p20"));
	target_says("00100008c0ffffff");
	assert_string_equal(wire(w, sizeof w) + 1,
	    F("mffffffc008001000,4"));
	target_says("1f2003d5");
	assert_string_equal(wire(w, sizeof w) + 1, F("P21=c5000060"));
	target_says("OK");
	assert_string_equal(wire(w, sizeof w) + 1, F("s"));
	br_target_input(br.target, "+", 1);
	br_target_input(br.target, frame, strlen(frame));
	assert_string_equal(wire(w, sizeof w), "+$p21#d3");
	target_says("c5000060");
	assert_string_equal(wire(w, sizeof w) + 1, F("P21=05000060"));
	target_says("OK");
	assert_string_equal(wire(w, sizeof w), "+");

	close(fd);
	fk_settle(br.base);
	br_ctl_free(c);
	br.ctl = NULL;
	br_gdb_free(br.gdb);
	br.gdb = NULL;
	br_target_free(br.target);
	br.target = NULL;
	br.link = NULL;
	br.console = NULL;
}

/* A control client may wait in silence for longer than gdb's
 * --idle-timeout: only gdb connections have one. */
static void
test_quiet_client(void **state)
{
	struct br_ctl	*c;
	char		 err[BR_ERRLEN];
	int		 fd, i;

	(void)state;
	br.opts.idle_timeout = 1;
	c = br_ctl_new(&br, path, err);
	assert_non_null(c);
	fd = connect_ctl();
	for (i = 0; i < 150; i++) {	/* 1.5 s and more: past the 1 s */
		event_base_loop(br.base, EVLOOP_NONBLOCK);
		poll(NULL, 0, 10);
	}
	say(fd, "ping\n");
	assert_string_equal(reply(fd), "{\"v\":1,\"ok\":true,\"cmd\":\"ping\"}");
	close(fd);
	br_ctl_free(c);
	br.opts.idle_timeout = 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socket),
		cmocka_unit_test(test_target_ops),
		cmocka_unit_test(test_step_arm64),
		cmocka_unit_test(test_quiet_client),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
