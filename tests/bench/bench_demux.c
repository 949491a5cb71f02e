/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/bench/bench_demux.c: throughput of rsp_demux_feed on one core.
 *
 * Inputs are built in memory: console-heavy printk text (with some '$' and
 * '#'), and packet-heavy kgdb traffic (m-read replies of 511 bytes, acks,
 * O packets, g replies), and gdb's side in binary mode. Each case runs
 * several times; the median MB/s is printed.
 * Usage: bench_demux [MiB [console|packet|gdb]].
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rsp/rsp.h"

#define RUNS	7

struct bench_sink {
	size_t			 bytes;
	size_t			 events;
	size_t			 packets;
	size_t			 marks;
	struct rsp_demux	*d;
	bool			 reack;
};

static void
sink_cb(void *arg, const struct rsp_event *ev)
{
	struct bench_sink	*s = arg;

	s->events++;
	switch (ev->type) {
	case RSP_EV_CONSOLE:
		s->bytes += ev->len;
		break;
	case RSP_EV_PACKET:
	case RSP_EV_OUTPUT:
		s->packets++;
		s->bytes += ev->rawlen;
		/* the bridge acks and sends the next request */
		if (s->reack)
			rsp_demux_expect_ack(s->d, true);
		break;
	case RSP_EV_BADPKT:
		s->bytes += ev->rawlen;
		break;
	case RSP_EV_ACK:
	case RSP_EV_NAK:
		s->bytes += 1;
		break;
	case RSP_EV_MARK:
		s->marks++;
		break;
	}
}

struct bench_buf {
	char	*p;
	size_t	 len, cap;
};

static void
buf_add(struct bench_buf *b, const char *s, size_t n)
{
	if (b->len + n > b->cap)
		abort();	/* sized once in main: no allocation to count */
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
buf_pkt(struct bench_buf *b, const char *payload, size_t n)
{
	char		 tail[4];
	unsigned	 sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += (uint8_t)payload[i];
	buf_add(b, "$", 1);
	buf_add(b, payload, n);
	snprintf(tail, sizeof tail, "#%02x", sum & 0xff);
	buf_add(b, tail, 3);
}

static const char *const printk_msgs[] = {
	"usb 1-1: new high-speed USB device number 2 using xhci_hcd",
	"EXT4-fs (vda1): mounted filesystem with ordered data mode. Quota mode: none.",
	"systemd[1]: Started Journal Service.",
	"audit: type=1400 audit(1700000000.123:42): apparmor=\"STATUS\" operation=\"profile_load\"",
	"e1000e 0000:00:19.0 eth0: 10/100 NIC Link is Up 100 Mbps Full Duplex, Flow Control: Rx/Tx",
	"sh[231]: cost is $5 per #3 item, see $HOME/notes",
	"random: crng init done",
	"NET: Registered PF_INET6 protocol family",
	"pci 0000:00:1f.2: [8086:2922] type 00 class 0x010601",
	"Freeing unused kernel image (initmem) memory: 2660K",
	"lab@host:~$ ls -l /proc/$$/fd # list",
	"ACPI: \\_SB_.PCI0.LNKA: Enabled at IRQ 10",
};

static void
make_console(struct bench_buf *b, size_t want)
{
	char		line[256];
	unsigned	i = 0;
	int		n;

	while (b->len < want) {
		n = snprintf(line, sizeof line, "[%5u.%06u] %s\r\n",
		    i / 1000, (i * 7919u) % 1000000u,
		    printk_msgs[i % (sizeof printk_msgs / sizeof printk_msgs[0])]);
		buf_add(b, line, (size_t)n);
		i++;
	}
}

static void
make_packets(struct bench_buf *b, size_t want)
{
	char		 hex[2048];
	char		 o[128];
	unsigned	 i = 0;
	static const char digits[] = "0123456789abcdef";

	while (b->len < want) {
		for (size_t k = 0; k < 1022; k++)
			hex[k] = digits[(k * 7 + i) & 15];
		buf_add(b, "+", 1);
		buf_pkt(b, hex, 1022);		/* m reply, 511 bytes */
		if (i % 4 == 0) {
			buf_add(b, "+", 1);
			buf_pkt(b, hex, 312);	/* x86_64 g reply */
		}
		if (i % 3 == 0) {
			snprintf(o, sizeof o, "O%s", "5b20202020382e3633303431365d2068692d66726f6d2d757365720a");
			buf_add(b, "+", 1);
			buf_pkt(b, o, strlen(o));
			buf_add(b, "+", 1);
			buf_pkt(b, "OK", 2);
		}
		i++;
	}
}

static void
make_gdb(struct bench_buf *b, size_t want)
{
	char		 req[1100];
	unsigned	 i = 0;
	int		 n;

	while (b->len < want) {
		n = snprintf(req, sizeof req, "m%llx,1ff",
		    0xffffffff81000000ULL + i * 0x1ffULL);
		buf_add(b, "+", 1);
		buf_pkt(b, req, (size_t)n);
		if (i % 8 == 0) {
			/* X write with escaped bytes */
			n = snprintf(req, sizeof req, "Xffffffff81000000,100:");
			for (int k = 0; k < 256; k++) {
				char c = (char)k;

				if (c == '$' || c == '#' || c == '}' ||
				    c == '*') {
					req[n++] = '}';
					c = (char)(c ^ 0x20);
				}
				req[n++] = c;
			}
			buf_add(b, "+", 1);
			buf_pkt(b, req, (size_t)n);
		}
		i++;
	}
}

/*
 * The CPU time of this thread, not the wall clock: the goal is a rate on
 * one core, and on a shared two-core machine the wall clock also counts
 * the time other processes held the core.
 */
static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static int
cmp_d(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static void
bench_case(const char *name, const struct bench_buf *in, bool binary,
    bool reack, size_t chunk, bool marks)
{
	struct rsp_demux_cfg	 cfg;
	struct bench_sink	 s;
	double			 mbs[RUNS], t0, t1;

	memset(&cfg, 0, sizeof cfg);
	cfg.binary = binary;
	cfg.marks = marks;
	cfg.hold_ms = 200;
	for (int r = 0; r < RUNS; r++) {
		memset(&s, 0, sizeof s);
		if ((s.d = rsp_demux_new(&cfg)) == NULL)
			abort();
		s.reack = reack;
		rsp_demux_expect_ack(s.d, reack);
		t0 = now_s();
		for (size_t at = 0; at < in->len; at += chunk) {
			size_t n = in->len - at < chunk ? in->len - at : chunk;

			rsp_demux_feed(s.d, in->p + at, n, 0, sink_cb, &s);
		}
		rsp_demux_flush(s.d, sink_cb, &s);
		t1 = now_s();
		rsp_demux_free(s.d);
		if (s.bytes != in->len) {
			fprintf(stderr, "%s: %zu bytes out of %zu\n", name,
			    s.bytes, in->len);
			exit(1);
		}
		mbs[r] = (double)in->len / (t1 - t0) / 1e6;
	}
	qsort(mbs, RUNS, sizeof mbs[0], cmp_d);
	printf("bench_demux %-34s chunk %6zu: %8.0f MB/s median "
	    "(min %.0f, max %.0f; %zu packets, %zu marks)\n", name, chunk,
	    mbs[RUNS / 2], mbs[0], mbs[RUNS - 1], s.packets, s.marks);
}

int
main(int argc, char **argv)
{
	struct bench_buf	con = { 0 }, pkt = { 0 }, gdb = { 0 };
	size_t			mib = argc > 1 ? (size_t)atoi(argv[1]) : 64;

	const char		*only = argc > 2 ? argv[2] : "";

	if (mib == 0)
		mib = 64;
	/* One allocation per input, whatever its size, so that a heap
	 * summary (valgrind) shows rsp_demux's own count stays flat. */
	con.cap = pkt.cap = gdb.cap = (mib << 20) + 8192;
	if ((con.p = malloc(con.cap)) == NULL ||
	    (pkt.p = malloc(pkt.cap)) == NULL ||
	    (gdb.p = malloc(gdb.cap)) == NULL)
		abort();
	if (strstr("console", only) != NULL) {
		make_console(&con, mib << 20);
		bench_case("console-heavy (text, marks)", &con, false, false,
		    4096, true);
		bench_case("console-heavy (text, marks)", &con, false, false,
		    65536, true);
		bench_case("console-heavy (text, no marks)", &con, false,
		    false, 4096, false);
	}
	if (strstr("packet", only) != NULL) {
		make_packets(&pkt, mib << 20);
		bench_case("packet-heavy (text, acks)", &pkt, false, true,
		    4096, true);
		bench_case("packet-heavy (text, acks)", &pkt, false, true,
		    65536, true);
	}
	if (strstr("gdb", only) != NULL) {
		make_gdb(&gdb, mib << 20);
		bench_case("gdb side (binary, acks)", &gdb, true, true, 4096,
		    false);
	}
	free(con.p);
	free(pkt.p);
	free(gdb.p);
	return (0);
}
