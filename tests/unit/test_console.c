/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_console.c: console clients on a real loop: telnet offer,
 * fan-out, IAC escaping, the per-client queue cap (a client that stops
 * reading is dropped, the others get every byte and a notice), and input
 * decoding on its way to the real target engine, over the fake link of
 * tests/unit/fakelink.h (what the keys became is read off its wire).
 */
#include <sys/socket.h>

#include <netinet/in.h>

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
#include <event2/event.h>

#include "bridge/bridge.h"

#include "tests/unit/fakelink.h"

static struct bridge	br;

static int
client(int rcvbuf)
{
	struct sockaddr_in	sin = { .sin_family = AF_INET };
	int			fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)br_console_port(br.console));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return (fd);
}

/* What a client read: the last SINK_KEEP bytes, and a count of 'x'. */
#define SINK_KEEP	(1 << 16)
struct sink {
	int	fd;
	char	buf[2 * SINK_KEEP];
	size_t	len;
	size_t	xs;
	bool	eof;
	bool	saw_drop;	/* "stopped reading" went past */
};

static size_t	count(const struct sink *, const char *, size_t);

static void
pump(struct sink *s)
{
	ssize_t	n;
	size_t	i;

	while (!s->eof) {
		if (s->len > SINK_KEEP) {
			if (count(s, "stopped reading", 15) > 0)
				s->saw_drop = true;
			memmove(s->buf, s->buf + s->len - SINK_KEEP / 2,
			    SINK_KEEP / 2);
			s->len = SINK_KEEP / 2;
		}
		n = read(s->fd, s->buf + s->len, sizeof s->buf - s->len);
		if (n == 0)
			s->eof = true;
		if (n <= 0) {
			if (n < 0 && errno == ECONNRESET)
				s->eof = true;
			return;
		}
		for (i = 0; i < (size_t)n; i++)
			s->xs += s->buf[s->len + i] == 'x';
		s->len += (size_t)n;
	}
}

static void
spin(struct sink **s, size_t n, int rounds)
{
	size_t	i;

	while (rounds-- > 0) {
		event_base_loop(br.base, EVLOOP_NONBLOCK);
		for (i = 0; i < n; i++)
			pump(s[i]);
		poll(NULL, 0, 1);
	}
}

static size_t
count(const struct sink *s, const char *want, size_t wlen)
{
	size_t	i, n = 0;

	for (i = 0; i + wlen <= s->len; i++) {
		if (memcmp(s->buf + i, want, wlen) == 0)
			n++;
	}
	return (n);
}

static bool
has(const struct sink *s, const char *want, size_t wlen)
{
	return (count(s, want, wlen) > 0);
}

static int
setup(void **state)
{
	(void)state;
	memset(&br, 0, sizeof br);
	br.base = event_base_new();
	br.opts.listen = (char *)"127.0.0.1";
	br.opts.console_port = 0;	/* any free port: br_console_port */
	br.opts.quiet = true;
	br.opts.no_stdin = true;
	fk_reset();
	br.arch = rsp_arch_get(RSP_ARCH_X86_64);
	br.link = (struct br_link *)&fk;
	br.target = br_target_new(&br, br.link);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	fk.up = false;		/* no detach on the way out */
	br_target_free(br.target);
	event_base_free(br.base);
	return (0);
}

static void
test_clients(void **state)
{
	static struct sink	 fast, tn, slow;
	struct sink		*all[3] = { &fast, &tn, &slow };
	char			 err[BR_ERRLEN], chunk[8000];
	static const char	 offer[] = "\xff\xfb\x01\xff\xfb\x03\xff\xfd\x03";
	size_t			 total = 0, i;

	(void)state;
	br.console = br_console_new(&br, err);
	assert_non_null(br.console);
	assert_true(br_console_port(br.console) > 0);
	fast.fd = client(0);
	tn.fd = client(0);
	slow.fd = client(4096);
	spin(all, 3, 50);
	assert_int_equal(br_console_clients(br.console), 3);
	assert_memory_equal(fast.buf, offer, sizeof offer - 1);
	assert_true(has(&fast, "[kgdb-bridge] console of", 24));

	/* The telnet client answers; from then on 0xFF is doubled. */
	assert_int_equal(write(tn.fd, "\xff\xfd\x01\xff\xfd\x03", 6), 6);
	spin(all, 3, 20);
	br_console_output(br.console, BR_SRC_TARGET, "a\xff" "b\r\n", 5);
	spin(all, 3, 20);
	assert_true(has(&fast, "a\xff" "b\r\n", 5));
	assert_true(has(&tn, "a\xff\xff" "b\r\n", 6));

	/* Input: telnet CR NUL and raw LF arrive as CR; IAC IP breaks in. */
	assert_int_equal(write(tn.fd, "ls\r\0\xff\xf4", 6), 6);
	assert_int_equal(write(fast.fd, "go\n", 3), 3);
	spin(all, 3, 20);
	fk_run_until(br.base, &fk.breaks, 2000);
	assert_int_equal(fk.breaks, 1);
	{
		char	w[FK_BUF], keys[FK_BUF], *p;
		size_t	n = 0;

		/* The keys, without the break-in's "<BREAK>" (and the 'g' it
		 * types once its wait is over). */
		fk_take_wire(w, sizeof w);
		for (p = w; *p != '\0'; p++) {
			if (strncmp(p, "<BREAK>", 7) == 0)
				p += 6;
			else
				keys[n++] = *p;
		}
		assert_true(n == 6 || (n == 7 && keys[6] == 'g'));
		assert_true(memcmp(keys, "ls\rgo\r", 6) == 0 ||
		    memcmp(keys, "go\rls\r", 6) == 0);
	}

	/* Refused input: told once per burst, to the typist only. */
	/* The kernel stops and gdb holds it: keys would corrupt the
	 * protocol. */
	br_target_input(br.target, "$S05#b8", 7);
	assert_int_equal(br_target_state(br.target), BR_TS_STOPPED_GDB);
	br_target_hold_console(br.target, true);
	fast.len = tn.len = 0;
	assert_int_equal(write(fast.fd, "x", 1), 1);
	spin(all, 3, 10);
	assert_int_equal(write(fast.fd, "y", 1), 1);
	spin(all, 3, 10);
	assert_true(has(&fast, "input not sent: gdb holds", 25));
	assert_int_equal(count(&fast, "input not sent", 14), 1);
	assert_false(has(&tn, "input not sent", 14));
	br_target_hold_console(br.target, false);
	fast.xs = tn.xs = 0;

	/* Flood: the slow client never reads and is dropped; the others
	 * get every byte. */
	memset(chunk, 'x', sizeof chunk - 1);
	chunk[sizeof chunk - 1] = '\n';
	slow.eof = false;
	{
		int saved = slow.fd;

		slow.fd = -1;	/* do not read it during the flood */
		for (i = 0; i < 2000; i++) {
			br_console_output(br.console, BR_SRC_TARGET, chunk,
			    sizeof chunk);
			total += sizeof chunk - 1;
			spin(all, 2, 1);
		}
		spin(all, 2, 200);
		slow.fd = saved;
	}
	assert_int_equal(br_console_clients(br.console), 2);
	assert_int_equal(fast.xs, total);
	assert_int_equal(tn.xs, total);
	assert_true(fast.saw_drop || has(&fast, "stopped reading", 15));
	assert_true(tn.saw_drop || has(&tn, "stopped reading", 15));
	/* The dropped client reads what was queued, then EOF. */
	fcntl(slow.fd, F_SETFL, 0);
	{
		char	b[65536];
		ssize_t	n;

		while ((n = read(slow.fd, b, sizeof b)) > 0)
			;
		assert_true(n == 0 || errno == ECONNRESET);
	}

	br_console_notice(br.console, "hello %d", 42);
	spin(all, 2, 20);
	assert_true(has(&fast, "[kgdb-bridge] hello 42\r\n", 24));
	/* The bus sink renders console bytes and notices the same way. */
	{
		struct br_event	ev;

		memset(&ev, 0, sizeof ev);
		ev.note = BR_NOTE_CONSOLE;
		ev.text = "";
		ev.buf = "tail";
		ev.len = 4;
		ev.src = BR_SRC_TARGET;
		br_console_event(br.console, &ev);
		ev.note = BR_NOTE_NOTICE;
		ev.text = "bus 7";
		br_console_event(br.console, &ev);
		ev.note = BR_NOTE_STATE;	/* not the console's to show */
		ev.text = "kdb";
		br_console_event(br.console, &ev);
		spin(all, 2, 20);
		/* Not at the start of a line: the notice starts one. */
		assert_true(has(&fast, "tail\r\n[kgdb-bridge] bus 7\r\n", 27));
		assert_false(has(&fast, "kdb", 3));
	}
	br_console_free(br.console);
	br.console = NULL;
	close(fast.fd);
	close(tn.fd);
	close(slow.fd);
}

/* A viewer that only watches, in silence, stays past gdb's
 * --idle-timeout: only gdb connections have one. */
static void
test_quiet_viewer(void **state)
{
	static struct sink	 quiet;
	struct sink		*all[1] = { &quiet };
	char			 err[BR_ERRLEN];

	(void)state;
	br.opts.idle_timeout = 1;
	br.console = br_console_new(&br, err);
	assert_non_null(br.console);
	quiet.fd = client(0);
	spin(all, 1, 1500);		/* 1.5 s and more: past the 1 s */
	assert_false(quiet.eof);
	assert_int_equal(br_console_clients(br.console), 1);
	br_console_notice(br.console, "still here");
	spin(all, 1, 20);
	assert_true(has(&quiet, "[kgdb-bridge] still here", 24));
	br_console_free(br.console);
	br.console = NULL;
	close(quiet.fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clients),
		cmocka_unit_test(test_quiet_viewer),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
