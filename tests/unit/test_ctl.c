/*
 * tests/unit/test_ctl.c: the control socket on a real loop: JSON helpers,
 * requests and replies, the version check, subscriptions, a subscriber
 * that stops reading, the socket's mode and a stale socket.
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

#include "bridge/bridge.h"

static void
test_json_str(void **state)
{
	static const struct {
		const char	*line, *key, *want;
	} rows[] = {
		{ "{\"v\":1,\"cmd\":\"status\"}", "cmd", "status" },
		{ "{ \"cmd\" : \"mark\", \"text\": \"a \\\"q\\\" \\\\ \\n\" }",
		    "text", "a \"q\" \\ \n" },
		{ "{\"text\":\"cmd\",\"cmd\":\"break\"}", "cmd", "break" },
		{ "{\"x\":\"\\\"cmd\\\":\",\"cmd\":\"ping\"}", "cmd", "ping" },
		{ "{\"text\":\"\\u0041\\u00e9\"}", "text", "A?" },
		{ "{\"cmd\":1}", "cmd", NULL },
		{ "{\"cmd\":\"open", "cmd", NULL },
		{ "{\"cmd\":\"a\\", "cmd", NULL },
		{ "{}", "cmd", NULL },
		{ "", "cmd", NULL },
	};
	size_t	i;
	char	*v;

	(void)state;
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		v = br_ctl_json_str(rows[i].line, rows[i].key);
		if (rows[i].want == NULL)
			assert_null(v);
		else {
			assert_non_null(v);
			assert_string_equal(v, rows[i].want);
		}
		free(v);
	}
}

static void
test_json_quote(void **state)
{
	struct evbuffer	*b = evbuffer_new();
	char		 out[128];
	size_t		 n;

	(void)state;
	br_ctl_json_quote(b, "a\"\\\n\r\t\x01\xff", 8);
	n = evbuffer_get_length(b);
	evbuffer_remove(b, out, n);
	out[n] = '\0';
	assert_string_equal(out, "\"a\\\"\\\\\\n\\r\\t\\u0001\\u00ff\"");
	evbuffer_free(b);
}

static struct bridge	 br;
static char		 dir[] = "/tmp/test_ctlXXXXXX";
static char		 path[256];

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/sub/b.sock", dir);
	memset(&br, 0, sizeof br);
	br.base = event_base_new();
	br.opts.target = (char *)"/dev/ttyTEST";
	return br.base == NULL ? -1 : 0;
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
	return 0;
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
	return fd;
}

/* Run the loop until fd has a full line, and return it. */
static char *
reply(int fd)
{
	static char	line[8192];
	size_t		n = 0;
	ssize_t		r;
	int		i;

	for (i = 0; i < 500; i++) {
		event_base_loop(br.base, EVLOOP_NONBLOCK);
		struct pollfd pfd = { fd, POLLIN, 0 };
		if (poll(&pfd, 1, 10) != 1)
			continue;
		r = read(fd, line + n, 1);
		if (r <= 0)
			break;
		if (line[n] == '\n') {
			line[n] = '\0';
			return line;
		}
		if (++n == sizeof line - 1)
			break;
	}
	line[n] = '\0';
	return line;
}

static void
say(int fd, const char *s)
{
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
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
	br_ctl_notify(c, BR_NOTE_LINK_DOWN, "link down: \"x\"");
	assert_non_null(strstr(reply(fd2), "{\"v\":1,\"event\":\"link_down\","
	    "\"t\":"));
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
			br_ctl_notify(c, BR_NOTE_CONSOLE_LINE, text);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_str),
		cmocka_unit_test(test_json_quote),
		cmocka_unit_test(test_socket),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
