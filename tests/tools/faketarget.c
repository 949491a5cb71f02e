/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/tools/faketarget.c: a scripted fake kgdb target.
 *
 * It plays a Linux 6.1 x86_64 kernel on a kgdboc console, by the stub's own
 * rules (docs/kgdb-wire.md §1, §4, §5), as the kernel's
 * drivers/misc/kgdbts.c plays gdb:
 *  - running: console text, a shell that echoes; "echo g >
 *    /proc/sysrq-trigger" or a BREAK (telnet IAC BRK or RFC 2217
 *    SET-CONTROL 5) followed by 'g' within 5 s enters the debugger;
 *  - kdb: banner, "[0]kdb> " prompt, echo, backspace, '\r' ends a line;
 *    the first byte of a session being '$' or '+' is a hidden packet
 *    (kgdb_transition_check); the "kgdb" command hands over to the stub;
 *  - stub: drops bytes until '$', acks or NAKs, never escapes, retransmits
 *    on anything but '+', and on '$' in its ack wait writes '-' and drops.
 *
 * It is blocking and per-character, like the real stub. It serves one
 * connection at a time on a Unix socket (--unix PATH) or TCP port (--tcp
 * PORT; 0: any free one, printed as "faketarget: tcp port N") and
 * survives reconnects (a link loss). --log FILE records what it received
 * and any rule the bridge broke (QMARK, OVERFLOW), for tests.
 *
 * Fault injection counts valid packets received (1-based):
 *   --corrupt N   send the reply to packet N with a bad checksum once
 *   --noack N     drop packet N without an ack (as if garbled)
 *   --lose N      the first copy of the reply to packet N is lost
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BUFMAX		1024
#define NUMREGBYTES	156
#define MEM_BASE	0xffffffff81000000ULL
#define MEM_SIZE	65536

struct fake {
	int		 fd;
	bool		 telnet;
	FILE		*log;
	bool		 kdb_mode;	/* dbg_kdb_mode */
	bool		 connected;	/* kgdb_connected */
	int		 npkts;
	int		 corrupt_at, noack_at, lose_at;
	int		 chatter_ms;
	int		 ticks;
	int		 lines;		/* kdb LINES */
	uint64_t	 break_until;	/* sysrq armed until (ms) */
	char		 out[BUFMAX];	/* remcom_out_buffer (stale replies) */
	uint8_t		 mem[MEM_SIZE];
	int		 pushback;
};

enum { RUNNING, KDB, STUB } ;

static struct fake F;

static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

static void
flog(const char *fmt, ...)
{
	va_list	ap;

	if (F.log == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(F.log, fmt, ap);
	va_end(ap);
	fputc('\n', F.log);
	fflush(F.log);
}

static void
wr(const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0 && F.fd >= 0) {
		n = write(F.fd, p, len);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

static void
wrs(const char *s)
{
	wr(s, strlen(s));
}

static int	link_lost;	/* the caller returns to accept() */

static int	telnet_byte(int);

/* Next byte within ms (-1 forever); -1 on timeout, -2 on link loss. */
static int
getc_to(int ms)
{
	struct pollfd	pfd;
	uint8_t		c;
	ssize_t		n;
	int		r;

	for (;;) {
		if (F.pushback >= 0) {
			r = F.pushback;
			F.pushback = -1;
			return (r);
		}
		if (F.fd < 0)
			return (-2);
		pfd.fd = F.fd;
		pfd.events = POLLIN;
		r = poll(&pfd, 1, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return (-1);
		n = read(F.fd, &c, 1);
		if (n <= 0) {
			close(F.fd);
			F.fd = -1;
			link_lost = 1;
			flog("LINK lost");
			return (-2);
		}
		if (F.telnet) {
			r = telnet_byte(c);
			if (r < 0)
				continue;
			return (r);
		}
		return (c);
	}
}

/* RFC 854/2217: answer negotiation, catch BREAK; returns a data byte or
 * -1 while inside a command. */
static int
telnet_byte(int c)
{
	static int	st, opt, sbn;
	static uint8_t	sb[16];
	uint8_t		rep[16];

	switch (st) {
	case 0:
		if (c == 255) {
			st = 1;
			return (-1);
		}
		return (c);
	case 1:
		st = 0;
		if (c == 255)
			return (255);
		if (c == 243) {			/* BRK */
			flog("BREAK");
			F.break_until = now_ms() + 5000;
			return (-1);
		}
		if (c >= 251 && c <= 254) {
			opt = c;
			st = 2;
		} else if (c == 250) {
			sbn = 0;
			st = 3;
		}
		return (-1);
	case 2:
		st = 0;
		rep[0] = 255;
		rep[1] = opt == 251 ? 253 : opt == 253 ? 251 : opt == 252 ?
		    254 : 252;
		rep[2] = (uint8_t)c;
		if (opt == 251 || opt == 253)
			wr(rep, 3);
		return (-1);
	case 3:
		if (c == 255) {
			st = 4;
			return (-1);
		}
		if (sbn < (int)sizeof sb)
			sb[sbn++] = (uint8_t)c;
		return (-1);
	case 4:
		if (c != 240) {		/* IAC IAC inside SB */
			if (sbn < (int)sizeof sb)
				sb[sbn++] = (uint8_t)c;
			st = 3;
			return (-1);
		}
		st = 0;
		if (sbn >= 2 && sb[0] == 44) {
			if (sb[1] == 5 && sbn >= 3 && sb[2] == 5) {
				flog("BREAK");
				F.break_until = now_ms() + 5000;
			}
			/* Echo the request as the server's answer. */
			rep[0] = 255;
			rep[1] = 250;
			memcpy(rep + 2, sb, (size_t)sbn > 10 ? 10 : (size_t)sbn);
			rep[2 + 1] = (uint8_t)(sb[1] + 100);
			rep[2 + (sbn > 10 ? 10 : sbn)] = 255;
			rep[3 + (sbn > 10 ? 10 : sbn)] = 240;
			wr(rep, (size_t)(4 + (sbn > 10 ? 10 : sbn)));
		}
		return (-1);
	}
	st = 0;
	return (-1);
}

/* ---- the gdb stub */

static const char hexd[] = "0123456789abcdef";

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* put_packet: returns 0, or -2 on link loss. */
static int
put_packet(const char *payload)
{
	char		 frame[2 * BUFMAX + 8];
	size_t		 len = strlen(payload), i;
	unsigned	 sum = 0;
	bool		 corrupt = false, lose = false;
	int		 c;

	if (F.corrupt_at > 0 && F.npkts == F.corrupt_at) {
		corrupt = true;
		F.corrupt_at = -1;
	}
	if (F.lose_at > 0 && F.npkts == F.lose_at) {
		lose = true;
		F.lose_at = -1;
	}
	for (i = 0; i < len; i++)
		sum += (uint8_t)payload[i];
	frame[0] = '$';
	memcpy(frame + 1, payload, len);
	frame[len + 1] = '#';
	frame[len + 2] = hexd[(sum >> 4) & 0xf];
	frame[len + 3] = hexd[sum & 0xf];
	for (;;) {
		if (lose)
			lose = false;
		else if (corrupt) {
			frame[len + 3] = hexd[(sum + 1) & 0xf];
			wr(frame, len + 4);
			frame[len + 3] = hexd[sum & 0xf];
			corrupt = false;
		} else
			wr(frame, len + 4);
		c = getc_to(-1);
		if (c == 0x03)
			c = getc_to(-1);
		if (c == -2)
			return (-2);
		if (c == '+')
			return (0);
		if (c == '$') {
			/* gdb reconnecting: NAK its packet, drop ours. */
			flog("DOLLAR_IN_ACKWAIT");
			wrs("-");
			return (0);
		}
		flog("RETRANSMIT after 0x%02x", c & 0xff);
	}
}

/* get_packet: payload into buf (NUL-terminated); -2 on link loss. */
static int
get_packet(char *buf)
{
	int		c, hi, lo;
	size_t		n;
	unsigned	sum;

	for (;;) {
		while ((c = getc_to(-1)) != '$')
			if (c == -2)
				return (-2);
retry:
		n = 0;
		sum = 0;
		for (;;) {
			if ((c = getc_to(-1)) == -2)
				return (-2);
			if (c == '$')
				goto retry;
			if (c == '#')
				break;
			if (n < BUFMAX - 1) {
				buf[n++] = (char)c;
				sum += (unsigned)c;
			} else {
				flog("OVERFLOW incoming packet over BUFMAX");
				n = BUFMAX;
			}
		}
		buf[n < BUFMAX ? n : BUFMAX - 1] = '\0';
		if ((hi = getc_to(-1)) == -2 || (lo = getc_to(-1)) == -2)
			return (-2);
		if (n >= BUFMAX)
			continue;	/* kgdb: no ack, dropped */
		if (hexval(hi) < 0 || hexval(lo) < 0 ||
		    (unsigned)(hexval(hi) << 4 | hexval(lo)) != (sum & 0xff)) {
			flog("BADCKSUM %s", buf);
			wrs("-");
			continue;
		}
		F.npkts++;
		if (F.noack_at > 0 && F.npkts == F.noack_at) {
			F.noack_at = -1;
			flog("NOACK %s", buf);
			continue;
		}
		wrs("+");
		flog("RX %s", buf);
		return ((int)n);
	}
}

static void
mem_read(uint64_t a, uint8_t *out)
{
	if (a >= MEM_BASE && a < MEM_BASE + MEM_SIZE)
		*out = F.mem[a - MEM_BASE];
	else
		*out = (uint8_t)((a * 7) ^ 0x5a);
}

static bool
mem_ok(uint64_t a)
{
	return (a >= 0xffff800000000000ULL);
}

static uint64_t
parse_hex(const char **pp)
{
	const char	*p = *pp;
	uint64_t	 v = 0;
	bool		 neg = false;

	if (*p == '-') {
		neg = true;
		p++;
	}
	while (hexval(*p) >= 0)
		v = v << 4 | (uint64_t)hexval(*p++);
	*pp = p;
	return (neg ? (uint64_t)-(int64_t)v : v);
}

static void
tohex(char *out, const void *in, size_t n)
{
	const uint8_t	*p = in;
	size_t		 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexd[p[i] >> 4];
		out[2 * i + 1] = hexd[p[i] & 0xf];
	}
	out[2 * n] = '\0';
}

static void
regs_hex(char *out)
{
	uint8_t		g[NUMREGBYTES];
	uint64_t	v;
	int		i;

	memset(g, 0, sizeof g);
	for (i = 0; i < 16; i++) {
		v = 0x1000 + (uint64_t)i;
		if (i == 7)
			v = 0xffffc90000003f00ULL;	/* rsp */
		memcpy(g + 8 * i, &v, 8);
	}
	v = 0xffffffff8108cfa5ULL;			/* rip */
	memcpy(g + 128, &v, 8);
	v = 0x246;
	memcpy(g + 136, &v, 4);
	v = 0x10;
	memcpy(g + 140, &v, 4);
	v = 0x18;
	memcpy(g + 144, &v, 4);
	tohex(out, g, sizeof g);
}

/* kdb output through gdb: one O packet per write. */
static int
gdb_msg(const char *text)
{
	char	buf[2 * BUFMAX];

	buf[0] = 'O';
	tohex(buf + 1, text, strlen(text));
	return (put_packet(buf));
}

static int
kdb_command(const char *cmd, bool via_gdb);
static void	kdb_banner(void);

/* Handle one packet; returns the next mode. */
static int
stub_handle(char *in)
{
	const char	*p;
	uint64_t	 a, l, i;
	uint8_t		 b;
	char		 tmp[BUFMAX];

	F.connected = true;
	switch (in[0]) {
	case '?':
		flog("QMARK (breakpoints removed)");
		snprintf(F.out, sizeof F.out, "S05");
		break;
	case 'g':
		regs_hex(F.out);
		break;
	case 'G':
		snprintf(F.out, sizeof F.out, "OK");
		break;
	case 'p':
		p = in + 1;
		a = parse_hex(&p);
		if (a >= 24)
			snprintf(F.out, sizeof F.out, "E22");
		else if (a < 17)
			snprintf(F.out, sizeof F.out, "%016llx",
			    (unsigned long long)0);
		else
			snprintf(F.out, sizeof F.out, "00000000");
		break;
	case 'm':
		p = in + 1;
		a = parse_hex(&p);
		p++;
		l = parse_hex(&p);
		if (l > (BUFMAX - 1) / 2)
			flog("OVERFLOW m length %llu", (unsigned long long)l);
		if (!mem_ok(a) || !mem_ok(a + l - 1) || l > BUFMAX / 2) {
			snprintf(F.out, sizeof F.out, "E22");
			break;
		}
		for (i = 0; i < l; i++) {
			mem_read(a + i, &b);
			F.out[2 * i] = hexd[b >> 4];
			F.out[2 * i + 1] = hexd[b & 0xf];
		}
		F.out[2 * l] = '\0';
		break;
	case 'M':
	case 'X':
		p = in + 1;
		a = parse_hex(&p);
		p++;
		l = parse_hex(&p);
		p++;
		for (i = 0; i < l; i++) {
			if (in[0] == 'M') {
				b = (uint8_t)(hexval(p[0]) << 4 |
				    hexval(p[1]));
				p += 2;
			} else {
				b = (uint8_t)*p++;
				if (b == 0x7d)
					b = (uint8_t)(*p++ ^ 0x20);
			}
			if (a + i >= MEM_BASE && a + i < MEM_BASE + MEM_SIZE)
				F.mem[a + i - MEM_BASE] = b;
		}
		snprintf(F.out, sizeof F.out, mem_ok(a) || l == 0 ? "OK" :
		    "E14");
		break;
	case 'c':
	case 's':
	case 'C':
		flog("RESUME %c", in[0]);
		return (in[0] == 's' ? -'s' : RUNNING);
	case 'D':
		snprintf(F.out, sizeof F.out, "OK");
		if (put_packet(F.out) == -2)
			return (-2);
		F.connected = false;
		flog("DETACH");
		return (RUNNING);
	case 'k':
		F.connected = false;
		flog("KILL");
		return (RUNNING);
	case '3':
		if (in[1] == '\0') {
			F.connected = false;
			F.kdb_mode = true;
			flog("TO_KDB");
			/* As the lab kernel does (gdb-to-kdb.down.raw). */
			kdb_banner();
			return (KDB);
		}
		F.out[0] = '\0';
		break;
	case 'H':
	case 'T':
	case 'Z':
	case 'z':
		snprintf(F.out, sizeof F.out, "OK");
		break;
	case 'q':
		if (strcmp(in, "qC") == 0)
			snprintf(F.out, sizeof F.out, "QC01");
		else if (strcmp(in, "qfThreadInfo") == 0)
			snprintf(F.out, sizeof F.out, "mfffffffe,01,02");
		else if (strcmp(in, "qsThreadInfo") == 0)
			F.out[0] = '\0';
		else if (strncmp(in, "qThreadExtraInfo,", 17) == 0) {
			memset(tmp, 0, 16);
			snprintf(tmp, 16, "swapper/0");
			tohex(F.out, tmp, 16);
		} else if (strncmp(in, "qRcmd,", 6) == 0) {
			p = in + 6;
			for (i = 0; p[0] && p[1] && i < sizeof tmp - 1; i++,
			    p += 2)
				tmp[i] = (char)(hexval(p[0]) << 4 |
				    hexval(p[1]));
			tmp[i] = '\0';
			if (kdb_command(tmp, true) == -2)
				return (-2);
			snprintf(F.out, sizeof F.out, "OK");
		} else
			F.out[0] = '\0';
		break;
	default:
		F.out[0] = '\0';
		break;
	}
	if (put_packet(F.out) == -2)
		return (-2);
	return (STUB);
}

static int
stub_loop(void)
{
	char	buf[BUFMAX + 1];
	int	r;

	F.kdb_mode = false;
	for (;;) {
		if (get_packet(buf) == -2)
			return (-2);
		r = stub_handle(buf);
		if (r == -'s') {
			/* A single step stops again at once. */
			F.connected = true;
			if (put_packet("T05thread:01;") == -2)
				return (-2);
			continue;
		}
		if (r != STUB)
			return (r);
	}
}

/* ---- kdb */

static void
kdb_out(const char *s, bool via_gdb)
{
	if (via_gdb) {
		gdb_msg(s);
		return;
	}
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			wrs("\r");
		wr(s, 1);
	}
}

static int
kdb_command(const char *cmd, bool via_gdb)
{
	char	line[128];
	int	i, n;

	if (strcmp(cmd, "ps") == 0) {
		kdb_out("Task Addr               Pid   Parent [*] cpu State "
		    "Thread             Command\n", via_gdb);
		kdb_out("0xffffffff81811600        0        0  1    0   R  "
		    "0xffffffff81812500 *swapper/0\n", via_gdb);
	} else if (strcmp(cmd, "jiffies") == 0 || strcmp(cmd, "_text") == 0) {
		snprintf(line, sizeof line, "%s = 0xffffffff81000000 (%s)\n",
		    cmd, cmd);
		kdb_out(line, via_gdb);
	} else if (strncmp(cmd, "set LINES ", 10) == 0)
		F.lines = atoi(cmd + 10);
	else if (strncmp(cmd, "dmesg", 5) == 0) {
		n = 0;
		for (i = 0; i < 40; i++) {
			snprintf(line, sizeof line, "<6>[    0.%06d] fake "
			    "line %d\n", i, i);
			kdb_out(line, via_gdb);
			if (!via_gdb && ++n >= F.lines && i < 39) {
				wrs("more> ");
				int c = getc_to(-1);
				if (c == -2)
					return (-2);
				wrs("\r\n");
				if (c == 'q' || c == 'Q')
					break;
				n = 0;
			}
		}
	} else if (cmd[0] != '\0' && !via_gdb) {
		snprintf(line, sizeof line, "Unknown kdb command: '%s'\r\n",
		    cmd);
		wrs(line);
	}
	return (0);
}

static void
kdb_banner(void)
{
	wrs("\r\nEntering kdb (current=0xffffffff81811600, pid 0) on "
	    "processor 0 due to NonMaskable Interrupt @ "
	    "0xffffffff8108cfa5\r\n[0]kdb> ");
}

/* The kdb shell; returns the next mode. */
static int
kdb_loop(void)
{
	char	line[256], pkt[BUFMAX + 1];
	size_t	n = 0, k;
	bool	trans = false;	/* KGDB_TRANS: normal echo from now on */
	int	c;

	F.kdb_mode = true;
	for (;;) {
		c = getc_to(-1);
		if (c == -2)
			return (-2);
		if (!trans && n == 0 && (c == '$' || c == '+')) {
			/* kgdb_transition_check: hidden packet capture. */
			k = 0;
			pkt[k++] = (char)c;
			while (k < sizeof pkt - 1 && (k < 3 ||
			    pkt[k - 3] != '#')) {
				if ((c = getc_to(-1)) == -2)
					return (-2);
				pkt[k++] = (char)c;
			}
			pkt[k] = '\0';
			flog("KDB_TRANSITION %s", pkt);
			F.kdb_mode = false;
			if (pkt[0] == '+') {
				wrs("+");
				if (put_packet(F.out) == -2)
					return (-2);
				return (STUB);
			}
			/* Re-fed into get_packet. */
			char	*hash = strrchr(pkt, '#');

			*hash = '\0';
			F.npkts++;
			wrs("+");
			flog("RX %s", pkt + 1);
			c = stub_handle(pkt + 1);
			return (c == -'s' ? STUB : c);
		}
		trans = true;
		if (c == '\r') {
			line[n] = '\0';
			wrs("\r\n");
			flog("KDB_CMD %s", line);
			n = 0;
			if (strcmp(line, "kgdb") == 0) {
				wrs("Entering please attach debugger or use "
				    "$D#44+ or $3#33\r\n");
				F.kdb_mode = false;
				F.connected = false;
				return (STUB);
			}
			if (strcmp(line, "go") == 0)
				return (RUNNING);
			if (kdb_command(line, false) == -2)
				return (-2);
			wrs("[0]kdb> ");
			continue;
		}
		if (c == 8 || c == 127) {
			if (n > 0) {
				n--;
				wrs("\b \b");
			}
			continue;
		}
		if (c < 32)
			continue;
		if (n < sizeof line - 1) {
			line[n++] = (char)c;
			wr(&c, 1);
		}
	}
}

/* ---- entering the debugger */

static int
debugger_entry(const char *why)
{
	flog("ENTER %s", why);
	if (F.kdb_mode) {
		kdb_banner();
		return (KDB);
	}
	if (F.connected) {
		if (put_packet("T05thread:01;") == -2)
			return (-2);
		return (STUB);
	}
	wrs("KGDB: KGDB or $3#33 for KDB\r\n");
	return (STUB);
}

static int
kdb_enter(const char *why)
{
	return (debugger_entry(why));
}

/* The running kernel: a shell, console chatter, sysrq. */
static int
run_loop(void)
{
	char		line[256], msg[128];
	size_t		n = 0;
	uint64_t	next = now_ms() + (uint64_t)F.chatter_ms;
	int		c, to;

	wrs("\r\n# ");
	for (;;) {
		to = -1;
		if (F.chatter_ms > 0) {
			uint64_t now = now_ms();

			if (now >= next) {
				F.ticks++;
				snprintf(msg, sizeof msg, "[%5d.000000] fake: "
				    "tick %d\r\n", F.ticks, F.ticks);
				wrs(msg);
				next = now + (uint64_t)F.chatter_ms;
			}
			to = (int)(next - now);
		}
		c = getc_to(to);
		if (c == -2)
			return (-2);
		if (c == -1)
			continue;
		if (F.break_until != 0 && c != 0) {
			bool	armed = now_ms() < F.break_until;

			F.break_until = 0;
			if (armed && c == 'g') {
				wrs("[   10.000000] sysrq: DEBUG\r\n");
				return (kdb_enter("sysrq"));
			}
			if (armed)
				continue;
		}
		if (c == 0x03) {
			flog("TTY_GOT_0x03");
			continue;
		}
		if (c == '$')
			flog("TTY_GOT_DOLLAR");
		if (c == '\r' || c == '\n') {
			line[n] = '\0';
			wrs("\r\n");
			n = 0;
			if (strcmp(line, "echo g > /proc/sysrq-trigger") == 0) {
				wrs("[   10.000000] sysrq: DEBUG\r\n");
				return (kdb_enter("sysrq-trigger"));
			}
			if (strcmp(line, "panic") == 0) {
				wrs("[   11.000000] Kernel panic - not "
				    "syncing: fake\r\n");
				return (kdb_enter("panic"));
			}
			if (line[0] != '\0') {
				snprintf(msg, sizeof msg, "sh: %.60s: not "
				    "found\r\n", line);
				wrs(msg);
			}
			wrs("# ");
			continue;
		}
		if (c == 8 || c == 127) {
			if (n > 0) {
				n--;
				wrs("\b \b");
			}
			continue;
		}
		if (n < sizeof line - 1 && c >= 32) {
			line[n++] = (char)c;
			wr(&c, 1);
		}
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: faketarget --unix PATH | --tcp PORT "
	    "[--telnet] [--start running|kdb|kgdbwait|gdb] [--log FILE]\n"
	    "       [--chatter MS] [--corrupt N] [--noack N] [--lose N]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "unix", required_argument, NULL, 'u' },
		{ "tcp", required_argument, NULL, 't' },
		{ "telnet", no_argument, NULL, 'T' },
		{ "start", required_argument, NULL, 's' },
		{ "log", required_argument, NULL, 'l' },
		{ "chatter", required_argument, NULL, 'c' },
		{ "corrupt", required_argument, NULL, 'C' },
		{ "noack", required_argument, NULL, 'N' },
		{ "lose", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*upath = NULL, *start = "running";
	int		 port = -1, lfd, o, mode, first = 1;
	struct sockaddr_un sun;
	struct sockaddr_in sin;

	F.fd = -1;
	F.pushback = -1;
	F.lines = 24;
	F.kdb_mode = true;
	signal(SIGPIPE, SIG_IGN);
	while ((o = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (o) {
		case 'u':
			upath = optarg;
			break;
		case 't':
			port = atoi(optarg);
			break;
		case 'T':
			F.telnet = true;
			break;
		case 's':
			start = optarg;
			break;
		case 'l':
			if ((F.log = fopen(optarg, "w")) == NULL) {
				perror(optarg);
				return (1);
			}
			break;
		case 'c':
			F.chatter_ms = atoi(optarg);
			break;
		case 'C':
			F.corrupt_at = atoi(optarg);
			break;
		case 'N':
			F.noack_at = atoi(optarg);
			break;
		case 'L':
			F.lose_at = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if ((upath == NULL) == (port < 0))
		usage();
	if (upath != NULL) {
		lfd = socket(AF_UNIX, SOCK_STREAM, 0);
		memset(&sun, 0, sizeof sun);
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof sun.sun_path, "%s", upath);
		unlink(upath);
		if (bind(lfd, (struct sockaddr *)&sun, sizeof sun) != 0) {
			perror(upath);
			return (1);
		}
	} else {
		lfd = socket(AF_INET, SOCK_STREAM, 0);
		o = 1;
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &o, sizeof o);
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = htons((uint16_t)port);
		if (bind(lfd, (struct sockaddr *)&sin, sizeof sin) != 0) {
			perror("bind");
			return (1);
		}
	}
	if (listen(lfd, 1) != 0) {
		perror("listen");
		return (1);
	}
	if (upath == NULL) {
		socklen_t	slen = sizeof sin;

		/* --tcp 0 takes any free port: say which, for the tests. */
		if (getsockname(lfd, (struct sockaddr *)&sin, &slen) == 0)
			fprintf(stderr, "faketarget: tcp port %d\n",
			    ntohs(sin.sin_port));
	}
	mode = RUNNING;
	if (strcmp(start, "kdb") == 0)
		mode = KDB;
	else if (strcmp(start, "kgdbwait") == 0 || strcmp(start, "gdb") == 0) {
		F.kdb_mode = false;
		mode = STUB;
	}
	for (;;) {
		if ((F.fd = accept(lfd, NULL, NULL)) < 0) {
			if (errno == EINTR)
				continue;
			perror("accept");
			return (1);
		}
		link_lost = 0;
		flog("LINK up");
		if (first) {
			first = 0;
			if (mode == KDB)
				kdb_banner();
			else if (mode == STUB && strcmp(start, "kgdbwait") == 0)
				wrs("[    2.000000] KGDB: Waiting for connection "
				    "from remote gdb...\r\n");
		}
		while (F.fd >= 0) {
			int	next = -2;

			switch (mode) {
			case RUNNING:
				next = run_loop();
				break;
			case KDB:
				next = kdb_loop();
				break;
			case STUB:
				next = stub_loop();
				break;
			}
			/* On a link loss the kernel stays where it was. */
			if (next != -2)
				mode = next;
		}
	}
}
