/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/bridge_harness.h: the whole daemon under libFuzzer.
 *
 * The real gdb.c, target.c, cache.c, console.c, peer.c and notify.c run on
 * one libevent loop. gdb connections and console clients are socketpairs
 * (console clients reach console.c's accept callback through a wrapped
 * evconnlistener_new_bind); the target link is a fake (fl: a struct
 * br_link_base with its own ops), and a small kgdb stub model can answer
 * what the bridge writes to it. Time is a fake clock: br_now_ms() reads
 * ours (br_set_clock) and every timer the bridge arms (event_add with a
 * timeout) is kept here and fired in order when an
 * input advances the clock. So a run is deterministic and timeouts cost
 * nothing.
 *
 * One input is a config header and a sequence of records (see fb_run). The
 * side (FB_SIDE, one of the three fuzz_bridge_*.c) chooses the starting
 * setup and which operations the fuzzer's high selector values favour:
 *   gdb      gdb A connected, the stub model answers the target side;
 *   target   gdb A connected, no stub model: the input is the target;
 *   console  a console client connected, the stub model at a kdb prompt.
 * Every record kind works in every side, so seeds carry across.
 *
 * Checked after every record and at the end (abort on violation):
 *  - what the bridge sends gdb is acks and well-formed frames only;
 *  - each reply answers a request (none unasked), O packets only while gdb
 *    waits for a stop or a monitor command;
 *  - after the input, the clock runs on with the target silent until no
 *    timer is left: then every gdb request was answered or its
 *    connection was closed, unless gdb is waiting after a resume (the
 *    kernel may run for ever) or behind one;
 *  - heap growth during an input stays under FB_MEM_MAX;
 *  - teardown leaves no timer, descriptor or (LeakSanitizer) allocation.
 * Bytes handed to the bridge directly are exact-size heap copies, so a
 * read past their end (a NUL-terminated-string assumption) is an ASan
 * report.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "bridge/bridge.h"
#include "bridge/prefetch.h"
#include "bridge/sleepers.h"
#include "bridge/taskregs.h"
#include "bridge/gdb_int.h"		/* grv_use: riscv64's compiled break */

#define FB_SIDE_GDB	0
#define FB_SIDE_TARGET	1
#define FB_SIDE_CONSOLE	2

#define FB_NGDB		4		/* gdb connections A..D */
#define FB_NCON		4		/* console clients */
#define FB_NTIMERS	256
#ifndef FB_MEM_MAX
#define FB_MEM_MAX	(48u * 1024 * 1024)	/* heap growth per input */
#endif
#define FB_DRAIN_MS	(10u * 60 * 1000)	/* fake time after the input */

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Both ASan runtimes (gcc and clang) have it. */
size_t	__sanitizer_get_current_allocated_bytes(void) __attribute__((weak));

/* ---- failure */

static void __attribute__((noreturn, format(printf, 1, 2)))
fb_fail(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "fuzz_bridge: invariant broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* ---- the fake clock and the bridge's timers */

static uint64_t	fb_now = 1000000;

/* br_now_ms() reads this (br_set_clock in fb_setup). */
static uint64_t
fb_clock(void)
{
	return (fb_now);
}

struct fb_timer {
	struct event	*ev;
	uint64_t	 due;
	uint64_t	 seq;
};
static struct fb_timer	fb_timers[FB_NTIMERS];
static size_t		fb_ntimers;
static uint64_t		fb_tseq;

int	__real_event_add(struct event *, const struct timeval *);
int	__wrap_event_add(struct event *, const struct timeval *);
int	__real_event_del(struct event *);
int	__wrap_event_del(struct event *);
void	__real_event_free(struct event *);
void	__wrap_event_free(struct event *);

static void
fb_timer_forget(struct event *ev)
{
	size_t	i;

	for (i = 0; i < fb_ntimers; i++) {
		if (fb_timers[i].ev == ev) {
			fb_timers[i] = fb_timers[--fb_ntimers];
			return;
		}
	}
}

int
__wrap_event_add(struct event *ev, const struct timeval *tv)
{
	uint64_t	ms;

	if (tv == NULL)
		return (__real_event_add(ev, NULL));
	if (event_get_fd(ev) != -1)
		fb_fail("a timeout on an event with a descriptor");
	fb_timer_forget(ev);
	if (fb_ntimers == FB_NTIMERS)
		fb_fail("more than %d timers armed", FB_NTIMERS);
	ms = (uint64_t)tv->tv_sec * 1000 + ((uint64_t)tv->tv_usec + 999) /
	    1000;
	fb_timers[fb_ntimers].ev = ev;
	fb_timers[fb_ntimers].due = fb_now + ms;
	fb_timers[fb_ntimers++].seq = fb_tseq++;
	return (0);
}

int
__wrap_event_del(struct event *ev)
{
	fb_timer_forget(ev);
	return (__real_event_del(ev));
}

void
__wrap_event_free(struct event *ev)
{
	fb_timer_forget(ev);
	__real_event_free(ev);
}

/* The earliest timer due by limit, or -1. */
static int
fb_timer_next(uint64_t limit)
{
	size_t	i;
	int	best = -1;

	for (i = 0; i < fb_ntimers; i++) {
		if (fb_timers[i].due > limit)
			continue;
		if (best < 0 || fb_timers[i].due < fb_timers[best].due ||
		    (fb_timers[i].due == fb_timers[best].due &&
		    fb_timers[i].seq < fb_timers[best].seq))
			best = (int)i;
	}
	return (best);
}

/* ---- the fake target link */

struct fb_link {
	struct br_link_base base;	/* first: the fake is a link */
	bool	 up;
	int	 downs;		/* times it went down in this input */
	int	 caps;
	uint8_t	*wire;		/* bridge → target, not yet seen by the stub */
	size_t	 wirelen, wiresize;
	int	 breaks;
};
static struct fb_link	fl;

static int
fb_link_write(struct br_link *l, const void *buf, size_t len,
    char *err)
{
	(void)l;
	if (!fl.up) {
		br_seterr(err, "link down");
		return (-1);
	}
	if (fl.wirelen + len > fl.wiresize) {
		fl.wiresize = (fl.wirelen + len) * 2;
		if ((fl.wire = realloc(fl.wire, fl.wiresize)) == NULL)
			abort();
	}
	memcpy(fl.wire + fl.wirelen, buf, len);
	fl.wirelen += len;
	return (0);
}

static int
fb_link_send_break(struct br_link *l, char *err)
{
	(void)l;
	if (!(fl.caps & BR_LINK_CAN_BREAK)) {
		br_seterr(err, "no BREAK on this link");
		return (-1);
	}
	if (!fl.up) {
		br_seterr(err, "link down");
		return (-1);
	}
	fl.breaks++;
	return (0);
}

static bool
fb_link_up(const struct br_link *l)
{
	(void)l;
	return (fl.up);
}

static int
fb_link_caps(const struct br_link *l)
{
	(void)l;
	return (fl.caps);
}

static int
fb_link_baud(const struct br_link *l)
{
	(void)l;
	return (115200);
}

static const char *
fb_link_name(const struct br_link *l)
{
	(void)l;
	return ("fuzz");
}

static size_t
fb_link_pending(const struct br_link *l)
{
	(void)l;
	return (0);
}

/* The fake link's side of struct br_link_ops: no link.c, no --wrap. */
static const struct br_link_ops fb_link_ops = {
	.write = fb_link_write,
	.send_break = fb_link_send_break,
	.up = fb_link_up,
	.caps = fb_link_caps,
	.baud = fb_link_baud,
	.name = fb_link_name,
	.pending = fb_link_pending,
};

/* ---- console clients: console.c's listener, without a port */

static evconnlistener_cb	 fb_con_accept;
static void			*fb_con_arg;

struct evconnlistener *__wrap_evconnlistener_new_bind(struct event_base *,
	    evconnlistener_cb, void *, unsigned, int, const struct sockaddr *,
	    int);

struct evconnlistener *
__wrap_evconnlistener_new_bind(struct event_base *base, evconnlistener_cb cb,
    void *arg, unsigned flags, int backlog, const struct sockaddr *sa,
    int salen)
{
	int	fd;

	(void)backlog;
	(void)sa;
	(void)salen;
	fb_con_accept = cb;
	fb_con_arg = arg;
	/* A listener that never listens: clients come through fb_con_open. */
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return (NULL);
	return (evconnlistener_new(base, cb, arg, flags | LEV_OPT_DISABLED,
	    0, fd));
}

/* ---- one harness run */

enum fb_rk {
	RK_NORMAL,	/* answered by one reply */
	RK_RESUME,	/* answered by a stop reply, maybe never */
	RK_RCMD,	/* qRcmd: O packets, then a reply */
	RK_STOPQ,	/* '?': a stop reply, W00 or E. */
	RK_KILL,	/* k: no reply; the bridge closes once flushed */
};

/*
 * Findings of this harness, all fixed in the bridge (reproducers in the
 * bridge_gdb and bridge_target corpora, named K1..K6): every one is fatal.
 * Build with -DFB_LENIENT to count them instead, to fuzz past a new one
 * while it is being fixed.
 *  K1  '?' at kdb (or stopped, no stop known) whose switch to gdb mode
 *      failed was never answered (a break-in on a stopped kernel is a
 *      no-op).
 *  K2  '?' waiting on a break-in when the link went down was never
 *      answered.
 *  K3  gdb's ^C while its '?' waits and the break-in fails at once: '?'
 *      was answered, then waited for again: a second answer no request
 *      asked for, or every later request held behind the stale wait.
 *  K4  requests stuck for ever after a kdb banner with no prompt.
 *  K5  '?' never answered when the switch to gdb mode after a confirmed
 *      break-in failed (the probe was echoed).
 *  K6  a c answered with W00 (the switch to gdb mode at kdb failed)
 *      left the session marked resumed: a later '?' got O text and
 *      never an answer. Fatal only (no FB_LENIENT count).
 */
#ifdef FB_LENIENT
#define FB_KNOWN	1
#else
#define FB_KNOWN	0
#endif
static uint64_t	fb_known[6];

struct fb_gdb {
	int		 fd;		/* -1: not connected */
	bool		 closed;	/* the bridge closed it */
	bool		 slow;		/* we stopped reading */
	struct rsp_demux *out;		/* what we sent, parsed as gdb.c does */
	struct rsp_demux *in;		/* what the bridge sent */
	/*
	 * Unanswered requests, oldest first, every one of them: a gdb may
	 * pipeline as many as its socket holds, and a reply or O packet is
	 * checked against the kind of the request it answers.
	 */
	enum fb_rk	*req;
	size_t		 nreq, reqsize;
	uint64_t	 replies;
	/*
	 * gdb sent a '-' outside a frame: the bridge may resend its last
	 * frame, or not (it is an ack only while one is expected), so
	 * replies no longer pair with requests here. Framing is still
	 * checked.
	 */
	bool		 desync;
	bool		 intr_q;	/* ^C sent while a '?' waited (K3) */
	bool		 killed;	/* k taken, or refused: the bridge closes */
};

struct fb_con {
	int		 fd;
	bool		 closed;
	bool		 slow;
};

/* The kgdb stub model (fb_stub_*). */
enum fb_smode { SM_RUNNING, SM_STOPPED, SM_KDB };
struct fb_stub {
	bool		 on;
	enum fb_smode	 mode;
	bool		 kdb_style;	/* a break-in lands in kdb */
	bool		 echo;		/* a running kernel's tty echoes */
	bool		 autostop;	/* stop again when time passes */
	bool		 stop_due;
	int		 garble;	/* corrupt this many next frames */
	int		 mute;		/* ignore this many next packets */
	struct rsp_demux *dm;
	char		 line[64];	/* kdb command line */
	size_t		 linelen;
	char		 last[RSP_PKT_MAX + 8];	/* last frame, for a '-' */
	size_t		 lastlen;
	bool		 sleeping;	/* Hg named a task off its CPU */
	unsigned	 hg_tid;	/* what Hg named (0: current) */
};

/* x86_64 'g' of a task off its CPU (bridge/sleepers.c): pc 0, sp at its
 * switch_to frame, whose bp and return address (in the harness's text)
 * the stub's 'm' answers with. */
#define FB_SLEEP_SP	0xffffc90000013e00ULL
#define FB_SLEEP_BP	0xffffc90000013e90ULL
#define FB_SLEEP_RET	0xffffffff81234567ULL
/* arm64 (bridge/taskregs.c): a kernel of four tasks in a ring, pids 0
 * (init_task), 1 (on CPU0 in kgdb), 2 and 3, task k at FB_TR_TASK(k), each
 * alone in its group, laid out as tests/data/dwarf/taskregs-arm64.c; the
 * stub's 'g' for pid 2 is what the bridge builds, for pid 3 another. */
#define FB_TR_TASK(k)	(0xffff000010000000ULL + 0x1000ULL * (k))
#define FB_TR_INFO	0xffff800009a002a0ULL
#define FB_TR_NRCPU	0xffff800009a00520ULL
/* riscv64: kgdb's compiled break, a c.ebreak the pc sits on, and the
 * counter kgdb_breakpoint() raises (bridge/gdb_rvbreak.c). */
#define FB_RV_KCB	0xffffffff80005706ULL
#define FB_RV_FLAG	0xffffffff80a01230ULL
#define FB_RV_MEMSET	0xffffffff80155580ULL

struct fb {
	struct bridge	 br;
	struct fb_gdb	 g[FB_NGDB];
	struct fb_con	 c[FB_NCON];
	struct fb_stub	 stub;
	uint8_t		*tin;		/* target bytes waiting for the bridge */
	size_t		 tinlen, tinsize;
	size_t		 mem0;
	size_t		 mem_peak;
	int		 fds0;
};

static struct fb	*fbx;		/* the run in progress (callbacks) */
static bool		 fb_trace;	/* FB_LOG: the log and each record */

static void	fb_gdb_close(struct fb_gdb *);
static void	fb_con_close(struct fb_con *);

static int
fb_count_fds(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return (n);
}

static size_t
fb_mem(void)
{
	return (__sanitizer_get_current_allocated_bytes != NULL ?
	    __sanitizer_get_current_allocated_bytes() : 0);
}

/* Bytes for the bridge's target input (fed by fb_settle). */
static void
fb_tin(struct fb *f, const void *buf, size_t len)
{
	if (f->tinlen + len > f->tinsize) {
		f->tinsize = (f->tinlen + len) * 2;
		if ((f->tin = realloc(f->tin, f->tinsize)) == NULL)
			abort();
	}
	memcpy(f->tin + f->tinlen, buf, len);
	f->tinlen += len;
}

static size_t
fb_frame(char *out, size_t outmax, const char *payload, size_t len,
    bool bad)
{
	int	n;

	n = rsp_pkt_encode(out, outmax, payload, len);
	if (n < 0)
		return (0);
	if (bad)
		out[n - 1] = out[n - 1] == '0' ? '1' : '0';
	return ((size_t)n);
}

/* ---- the stub model */

static const char fb_kdb_banner[] = "\r\nEntering kdb (current="
    "0xffffffff81811600, pid 0) on processor 0 due to Keyboard Entry\r\n"
    "[0]kdb> ";

static void
fb_stub_send(struct fb *f, const char *payload, size_t len)
{
	struct fb_stub	*s = &f->stub;
	char		 frame[2 * RSP_PKT_MAX + 16];
	size_t		 n;

	n = fb_frame(frame, sizeof frame, payload, len, s->garble > 0);
	if (s->garble > 0)
		s->garble--;
	if (n == 0)
		return;
	if (n <= sizeof s->last) {
		memcpy(s->last, frame, n);
		s->lastlen = n;
	}
	fb_tin(f, frame, n);
}

static void
fb_stub_sends(struct fb *f, const char *payload)
{
	fb_stub_send(f, payload, strlen(payload));
}

static void
fb_stub_stop(struct fb *f)
{
	struct fb_stub	*s = &f->stub;

	s->stop_due = false;
	if (s->kdb_style) {
		s->mode = SM_KDB;
		s->linelen = 0;
		fb_tin(f, fb_kdb_banner, sizeof fb_kdb_banner - 1);
	} else {
		s->mode = SM_STOPPED;
		fb_stub_sends(f, "T05thread:0000000000000001;");
	}
}

/* v as kgdb puts a register in 'g': 16 hex digits, little-endian. */
static void
fb_hex64(char *out, unsigned long long v)
{
	int	i;

	for (i = 0; i < 8; i++, v >>= 8) {
		out[2 * i] = "0123456789abcdef"[(v >> 4) & 15];
		out[2 * i + 1] = "0123456789abcdef"[v & 15];
	}
}

/* The arm64 fake kernel's words over a read [addr, addr + n). */
static void
fb_tr_mem(char *buf, uint64_t addr, uint64_t n)
{
	struct { uint64_t at, v; } w[32];
	char		 h[17];
	size_t		 k = 0, i;
	uint64_t	 t, init = 0xffff800009a00000ULL;

	w[k].at = FB_TR_NRCPU;		/* 2 CPUs, and the 4 bytes after */
	w[k++].v = 2;
	w[k].at = FB_TR_INFO;		/* CPU0: pt_regs, task 1 */
	w[k++].v = 0xffff0000100fff00ULL;
	w[k].at = FB_TR_INFO + 8;
	w[k++].v = FB_TR_TASK(1);
	w[k].at = FB_TR_INFO + 40;	/* CPU1: none */
	w[k++].v = 0;
	w[k].at = FB_TR_INFO + 48;
	w[k++].v = 0;
	for (i = 0; i < 4; i++) {
		t = i == 0 ? init : FB_TR_TASK(i);
		w[k].at = t + 0x108;	/* tasks: the ring 0 1 2 3 */
		w[k++].v = (i == 3 ? init : FB_TR_TASK(i + 1)) + 0x108;
		w[k].at = t + 0x110;
		w[k++].v = (i == 0 ? FB_TR_TASK(3) : i == 1 ? init :
		    FB_TR_TASK(i - 1)) + 0x108;
		w[k].at = t + 0x158;	/* pid (and tgid, 0) */
		w[k++].v = i;
		w[k].at = t + 0x180;	/* thread_node: alone */
		w[k++].v = t + 0x808;
		w[k].at = t + 0x188;
		w[k++].v = t + 0x808;
	}
	/* nr_cpu_ids and the pids are 4 bytes: the low half of the word */
	for (i = 0; i < k; i++) {
		size_t	sz = w[i].at == FB_TR_NRCPU ||
			    (w[i].at & 0xfff) == 0x158 ? 4 : 8;

		if (w[i].at >= addr && w[i].at + sz <= addr + n) {
			fb_hex64(h, w[i].v);
			memcpy(buf + 2 * (w[i].at - addr), h, 2 * sz);
		}
	}
}

/* kgdb's 'g' for fake task k of 788 bytes: x19-x29, sp and pc from its
 * cpu_context (the stub's memory pattern at +0x218); for task 3 pc is
 * off by one. */
static void
fb_tr_g(char *buf, uint64_t n, unsigned k)
{
	static const int	at[13] = { 152, 160, 168, 176, 184, 192,
				    200, 208, 216, 224, 232, 248, 256 };
	uint64_t		ctx = FB_TR_TASK(k) + 0x218, v;
	size_t			i, b;

	memset(buf, '0', 2 * n);
	for (i = 0; i < 13; i++) {
		for (v = 0, b = 0; b < 8; b++)
			v |= (uint64_t)(0x11 * ((ctx + 8 * i + b) & 15)) <<
			    (8 * b);
		if (k == 3 && i == 12)
			v++;
		fb_hex64(buf + 2 * at[i], v);
	}
}

static void
fb_stub_reply(struct fb *f, const char *p, size_t len)
{
	struct fb_stub		*s = &f->stub;
	const struct rsp_arch	*a = f->br.arch;
	char			 buf[2 * RSP_PKT_MAX + 1];
	unsigned long long	 addr, n;
	size_t			 i;

	if (len == 0) {
		fb_stub_sends(f, "");
		return;
	}
	switch (p[0]) {
	case 'g':
		n = a->numregbytes;
		if (s->sleeping && a->id == RSP_ARCH_X86_64) {
			memset(buf, '0', 2 * n);
			fb_hex64(buf + 2 * 48, FB_SLEEP_BP);
			fb_hex64(buf + 2 * 56, FB_SLEEP_SP);
			fb_stub_send(f, buf, 2 * n);
			return;
		}
		if (s->sleeping && a->id == RSP_ARCH_ARM64 &&
		    (s->hg_tid == 2 || s->hg_tid == 3)) {
			fb_tr_g(buf, n, s->hg_tid);
			fb_stub_send(f, buf, 2 * n);
			return;
		}
		for (i = 0; i < 2 * n && i < sizeof buf - 1; i++)
			buf[i] = "0123456789abcdef"[(i * 7) & 15];
		fb_stub_send(f, buf, i);
		return;
	case 'p':
		if (a->id == RSP_ARCH_RISCV64) {
			fb_hex64(buf, FB_RV_KCB);
			fb_stub_send(f, buf, 16);
			return;
		}
		fb_stub_sends(f, "0000000000000000");
		return;
	case 'm':
		memcpy(buf, p, len < sizeof buf - 1 ? len : sizeof buf - 1);
		buf[len < sizeof buf - 1 ? len : sizeof buf - 1] = '\0';
		if (sscanf(buf + 1, "%llx,%llx", &addr, &n) != 2 ||
		    n > a->mem_read_max) {
			fb_stub_sends(f, "E22");
			return;
		}
		if (a->id == RSP_ARCH_RISCV64 && addr == FB_RV_KCB && n == 2) {
			fb_stub_sends(f, "0290");
			return;
		}
		for (i = 0; i < 2 * n; i++)
			buf[i] = "0123456789abcdef"[(addr + i / 2) & 15];
		if (a->id == RSP_ARCH_ARM64)
			fb_tr_mem(buf, addr, n);
		/* The sleeping task's frame: its bp and return address. */
		if (addr <= FB_SLEEP_SP + 40 && addr + n >= FB_SLEEP_SP + 56) {
			fb_hex64(buf + 2 * (FB_SLEEP_SP + 40 - addr),
			    FB_SLEEP_BP);
			fb_hex64(buf + 2 * (FB_SLEEP_SP + 48 - addr),
			    FB_SLEEP_RET);
		}
		fb_stub_send(f, buf, i);
		return;
	case 'c':
	case 's':
	case 'C':
	case 'S':
		s->mode = SM_RUNNING;
		s->stop_due = s->autostop;
		return;
	case 'k':
		s->mode = SM_RUNNING;
		return;
	case 'D':
		fb_stub_sends(f, "OK");
		s->mode = SM_RUNNING;
		return;
	case '3':
		s->mode = SM_KDB;
		s->linelen = 0;
		fb_tin(f, fb_kdb_banner, sizeof fb_kdb_banner - 1);
		return;
	case '?':
		fb_stub_sends(f, "S05");
		return;
	case 'q':
		if (len == 2 && p[1] == 'C')
			fb_stub_sends(f, "QC1");
		else if (len >= 12 && memcmp(p, "qfThreadInfo", 12) == 0)
			fb_stub_sends(f, "m0000000000000001,0000000000000002");
		else if (len >= 12 && memcmp(p, "qsThreadInfo", 12) == 0)
			fb_stub_sends(f, "l");
		else if (len >= 16 && memcmp(p, "qThreadExtraInfo", 16) == 0)
			fb_stub_sends(f, "7461736b");
		else if (len >= 6 && memcmp(p, "qRcmd,", 6) == 0) {
			fb_stub_sends(f, "O6b646220736179730a");
			fb_stub_sends(f, "OK");
		} else
			fb_stub_sends(f, "");
		return;
	case 'H':
		if (len >= 2 && p[1] == 'g')
			s->sleeping = !(len == 3 && (p[2] == '0' ||
			    p[2] == '1')) && !(len == 4 && p[2] == '-');
		if (len == 3 && p[1] == 'g')
			s->hg_tid = (unsigned)(p[2] - '0');
		fb_stub_sends(f, "OK");
		return;
	case 'M':
	case 'X':
	case 'G':
	case 'P':
	case 'Z':
	case 'z':
	case 'T':
		fb_stub_sends(f, "OK");
		return;
	default:
		fb_stub_sends(f, "");
		return;
	}
}

static void
fb_stub_kdb_text(struct fb *f, const uint8_t *p, size_t len)
{
	struct fb_stub	*s = &f->stub;
	static const char attach[] = "\r\nEntering please attach debugger "
	    "or use $D#44+ or $3#33\r\n";
	size_t		 i;

	for (i = 0; i < len && s->mode == SM_KDB; i++) {
		if (p[i] == '\b' || p[i] == 0x7f) {
			if (s->linelen > 0) {
				s->linelen--;
				fb_tin(f, "\b \b", 3);
			}
			continue;
		}
		if (p[i] != '\r') {
			if (s->linelen < sizeof s->line)
				s->line[s->linelen++] = (char)p[i];
			fb_tin(f, &p[i], 1);
			continue;
		}
		if (s->linelen == 4 && memcmp(s->line, "kgdb", 4) == 0) {
			fb_tin(f, attach, sizeof attach - 1);
			s->mode = SM_STOPPED;
		} else if (s->linelen == 2 && memcmp(s->line, "go", 2) == 0) {
			fb_tin(f, "\r\n", 2);
			s->mode = SM_RUNNING;
		} else if (s->linelen == 2 && memcmp(s->line, "md", 2) == 0)
			fb_tin(f, "\r\n0xffff0000 00 00 00 00\r\nmore> ", 32);
		else
			fb_tin(f, "\r\n[0]kdb> ", 10);
		s->linelen = 0;
	}
}

static void
fb_stub_cb(void *arg, const struct rsp_event *ev)
{
	struct fb	*f = arg;
	struct fb_stub	*s = &f->stub;
	size_t		 i;

	switch (ev->type) {
	case RSP_EV_PACKET:
	case RSP_EV_OUTPUT:
		if (s->mode == SM_KDB) {
			/* kdb echoes what it reads. */
			fb_stub_kdb_text(f, ev->raw, ev->rawlen);
			return;
		}
		if (s->mode == SM_RUNNING) {
			if (s->echo)
				fb_tin(f, ev->raw, ev->rawlen);
			return;
		}
		if (s->mute > 0) {
			s->mute--;
			return;
		}
		fb_tin(f, "+", 1);
		fb_stub_reply(f, (const char *)ev->data, ev->len);
		break;
	case RSP_EV_BADPKT:
		if (s->mode == SM_STOPPED)
			fb_tin(f, "-", 1);
		break;
	case RSP_EV_CONSOLE:
		if (s->mode == SM_KDB) {
			fb_stub_kdb_text(f, ev->data, ev->len);
			break;
		}
		if (s->mode == SM_RUNNING) {
			if (s->echo)
				fb_tin(f, ev->data, ev->len);
			break;
		}
		for (i = 0; i < ev->len; i++)
			if (ev->data[i] == '-' && s->lastlen > 0)
				fb_tin(f, s->last, s->lastlen);
		break;
	default:
		break;
	}
}

/* The bridge's writes and BREAKs reach the stub. */
static void
fb_stub_run(struct fb *f)
{
	struct fb_stub	*s = &f->stub;
	uint8_t		*w;
	size_t		 n;

	while (fl.breaks > 0) {
		fl.breaks--;
		if (s->on && s->mode == SM_RUNNING)
			fb_stub_stop(f);
	}
	if (fl.wirelen == 0)
		return;
	/* Take the bytes first: the stub's answers do not write. */
	w = fl.wire;
	n = fl.wirelen;
	fl.wire = NULL;
	fl.wirelen = fl.wiresize = 0;
	if (s->on)
		rsp_demux_feed(s->dm, w, n, fb_now, fb_stub_cb, f);
	free(w);
}

/* ---- gdb connections, from gdb's side */

static void
fb_out_cb(void *arg, const struct rsp_event *ev)
{
	struct fb_gdb	*g = arg;
	enum fb_rk	 k = RK_NORMAL;
	const char	*p = (const char *)ev->data;

	if (ev->type == RSP_EV_CONSOLE && memchr(ev->data, '-', ev->len))
		g->desync = true;
	if (ev->type == RSP_EV_CONSOLE && memchr(ev->data, 3, ev->len)) {
		size_t	i;

		for (i = 0; i < g->nreq; i++)
			if (g->req[i] == RK_STOPQ)
				g->intr_q = true;
	}
	if (ev->type != RSP_EV_PACKET && ev->type != RSP_EV_OUTPUT)
		return;
	if (ev->len > 0 && p[0] == 'k')
		k = RK_KILL;	/* as gs_packet: the session ends */
	else if (ev->len > 0 && strchr("cCsS", p[0]) != NULL)
		k = RK_RESUME;
	else if (ev->len >= 6 && memcmp(p, "vCont;", 6) == 0)
		k = RK_RESUME;
	else if (ev->len >= 6 && memcmp(p, "qRcmd,", 6) == 0)
		k = RK_RCMD;
	else if (ev->len > 0 && p[0] == '?')	/* as gs_packet */
		k = RK_STOPQ;
	if (g->nreq == g->reqsize) {
		g->reqsize = g->reqsize == 0 ? 64 : 2 * g->reqsize;
		g->req = realloc(g->req, g->reqsize * sizeof g->req[0]);
		if (g->req == NULL)
			abort();
	}
	g->req[g->nreq++] = k;
}

static bool
fb_prefix(const struct rsp_event *ev, const char *pre)
{
	size_t	n = strlen(pre);

	return (ev->len >= n && memcmp(ev->data, pre, n) == 0);
}

static void
fb_in_cb(void *arg, const struct rsp_event *ev)
{
	struct fb_gdb	*g = arg;
	size_t		 i;

	if (ev->type == RSP_EV_PACKET || ev->type == RSP_EV_OUTPUT) {
		/* Anything after a k means the bridge took it (and goes on
		 * with what was queued behind it until the close). */
		while (g->nreq > 0 && g->req[0] == RK_KILL) {
			memmove(&g->req[0], &g->req[1], (g->nreq - 1) *
			    sizeof g->req[0]);
			g->nreq--;
			g->killed = true;
		}
	}
	if (ev->type == RSP_EV_PACKET && (fb_prefix(ev, "E.another gdb") ||
	    fb_prefix(ev, "E.this link") ||
	    fb_prefix(ev, "E.kgdb-bridge: too many"))) {
		/* Refused (another gdb holds the target, a console-only
		 * link, a flood): gdb.c closes it after this reply. */
		g->killed = true;
		g->desync = true;
	}
	switch (ev->type) {
	case RSP_EV_CONSOLE:
		for (i = 0; i < ev->len; i++)
			if (ev->data[i] != '+' && ev->data[i] != '-')
				fb_fail("gdb %d got a byte 0x%02x outside a "
				    "frame", (int)(g - fbx->g), ev->data[i]);
		break;
	case RSP_EV_BADPKT:
		fb_fail("gdb %d got a malformed frame (%s): %.*s",
		    (int)(g - fbx->g), rsp_strerror(ev->err),
		    (int)(ev->rawlen > 80 ? 80 : ev->rawlen), ev->raw);
	case RSP_EV_OUTPUT:
		if (g->desync)
			break;
		if (g->nreq == 0 || g->req[0] == RK_NORMAL)
			fb_fail("gdb %d got an O packet while waiting for "
			    "%s", (int)(g - fbx->g), g->nreq == 0 ?
			    "nothing" : "a plain reply");
		break;
	case RSP_EV_PACKET:
		g->replies++;
		if (g->desync)
			break;
		if (g->nreq == 0) {
			if (FB_KNOWN && g->intr_q) {
				fb_known[3]++;
				g->desync = true;
				break;
			}
			fb_fail("gdb %d got a reply nobody asked for: %.*s",
			    (int)(g - fbx->g), (int)(ev->len > 80 ? 80 :
			    ev->len), ev->data);
		}
		memmove(&g->req[0], &g->req[1], (g->nreq - 1) *
		    sizeof g->req[0]);
		g->nreq--;
		break;
	default:
		break;
	}
}

static struct rsp_demux *
fb_gdb_demux(void)
{
	struct rsp_demux_cfg	cfg;
	struct rsp_demux	*d;

	/* As gdb.c parses gdb's stream. */
	memset(&cfg, 0, sizeof cfg);
	cfg.max_payload = RSP_PKT_MAX;
	cfg.hold_bytes = 2 * RSP_PKT_MAX + RSP_PKT_OVERHEAD;
	cfg.binary = true;
	if ((d = rsp_demux_new(&cfg)) == NULL)
		abort();
	return (d);
}

static void
fb_gdb_open(struct fb *f, int i, bool slow)
{
	struct fb_gdb	*g = &f->g[i];
	int		 sv[2], sz = 4096;

	if (g->fd >= 0 && g->closed)
		fb_gdb_close(g);
	if (g->fd >= 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return;
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	if (slow) {
		setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
		setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
	}
	memset(g, 0, sizeof *g);
	g->fd = sv[0];
	g->slow = slow;
	g->out = fb_gdb_demux();
	g->in = fb_gdb_demux();
	br_gdb_attach_fd(f->br.gdb, sv[1]);
}

static void
fb_gdb_close(struct fb_gdb *g)
{
	if (g->fd < 0)
		return;
	close(g->fd);
	g->fd = -1;
	rsp_demux_free(g->out);
	rsp_demux_free(g->in);
	g->out = g->in = NULL;
	free(g->req);
	g->req = NULL;
	g->nreq = g->reqsize = 0;
}

static void
fb_gdb_write(struct fb_gdb *g, const void *buf, size_t len)
{
	ssize_t	n;

	if (g->fd < 0 || g->closed || len == 0)
		return;
	n = write(g->fd, buf, len);
	if (n > 0)
		rsp_demux_feed(g->out, buf, (size_t)n, fb_now, fb_out_cb, g);
}

static bool
fb_gdb_read(struct fb_gdb *g)
{
	uint8_t	buf[8192];
	ssize_t	n;
	bool	any = false;

	if (g->fd < 0 || g->closed || g->slow)
		return (false);
	for (;;) {
		n = read(g->fd, buf, sizeof buf);
		if (n > 0) {
			any = true;
			rsp_demux_feed(g->in, buf, (size_t)n, fb_now, fb_in_cb,
			    g);
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			g->closed = true;
			any = true;
		}
		return (any);
	}
}

/* ---- console clients */

static void
fb_con_open(struct fb *f, int i, bool slow)
{
	struct fb_con		*c = &f->c[i];
	struct sockaddr_in	 sin;
	int			 sv[2], sz = 4096;

	if (c->fd >= 0 && c->closed)
		fb_con_close(c);
	if (c->fd >= 0 || fb_con_accept == NULL ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return;
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	if (slow) {
		setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
		setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
	}
	memset(c, 0, sizeof *c);
	c->fd = sv[0];
	c->slow = slow;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)(40000 + i));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fb_con_accept(NULL, sv[1], (struct sockaddr *)&sin, sizeof sin,
	    fb_con_arg);
}

static void
fb_con_close(struct fb_con *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static bool
fb_con_read(struct fb_con *c)
{
	uint8_t	buf[8192];
	ssize_t	n;
	bool	any = false;

	if (c->fd < 0 || c->closed || c->slow)
		return (false);
	for (;;) {
		n = read(c->fd, buf, sizeof buf);
		if (n > 0) {
			any = true;
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			c->closed = true;
			any = true;
		}
		return (any);
	}
}

/* ---- running the loop */

static void
fb_check_mem(struct fb *f, const char *when)
{
	size_t	m = fb_mem();

	if (m > f->mem_peak)
		f->mem_peak = m;
	if (m > f->mem0 && m - f->mem0 > FB_MEM_MAX)
		fb_fail("heap grew by %zu bytes during one input (%s)",
		    m - f->mem0, when);
}

/* Run the loop and both ends until nothing moves. */
static void
fb_settle(struct fb *f)
{
	uint8_t	*in;
	size_t	 n;
	int	 round, quiet = 0, i;
	bool	 moved;

	for (round = 0; round < 200 && quiet < 2; round++) {
		event_base_loop(f->br.base, EVLOOP_NONBLOCK);
		event_base_loop(f->br.base, EVLOOP_NONBLOCK);
		moved = false;
		for (i = 0; i < FB_NGDB; i++)
			moved |= fb_gdb_read(&f->g[i]);
		for (i = 0; i < FB_NCON; i++)
			moved |= fb_con_read(&f->c[i]);
		fb_stub_run(f);
		if (f->tinlen > 0) {
			/* An exact-size copy: no NUL after it. */
			n = f->tinlen;
			if ((in = malloc(n)) == NULL)
				abort();
			memcpy(in, f->tin, n);
			f->tinlen = 0;
			br_target_input(f->br.target, in, n);
			free(in);
			moved = true;
		}
		quiet = moved ? 0 : quiet + 1;
	}
}

/* Move the clock by ms, firing every timer due on the way. */
static void
fb_advance(struct fb *f, uint64_t ms, size_t max_fires)
{
	uint64_t	end = fb_now + ms;
	struct event	*ev;
	int		 k;

	while (max_fires-- > 0 && (k = fb_timer_next(end)) >= 0) {
		if (fb_timers[k].due > fb_now)
			fb_now = fb_timers[k].due;
		ev = fb_timers[k].ev;
		fb_timers[k] = fb_timers[--fb_ntimers];
		event_active(ev, EV_TIMEOUT, 1);
		fb_settle(f);
		if (f->stub.on && f->stub.stop_due &&
		    f->stub.mode == SM_RUNNING) {
			fb_stub_stop(f);
			fb_settle(f);
		}
	}
	if (fb_now < end)
		fb_now = end;
	if (f->stub.on && f->stub.stop_due && f->stub.mode == SM_RUNNING)
		fb_stub_stop(f);
	fb_settle(f);
}

/* ---- canned material */

static const char *const fb_gdb_canned[] = {
	"qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;"
	    "fork-events+;vfork-events+;exec-events+;vContSupported+;"
	    "QThreadEvents+;no-resumed+;xmlRegisters=i386",
	"QStartNoAckMode",
	"vMustReplyEmpty",
	"Hg0",
	"qXfer:features:read:target.xml:0,ffb",
	"qTStatus",
	"?",
	"qfThreadInfo",
	"qsThreadInfo",
	"qAttached",
	"Hc-1",
	"qC",
	"qOffsets",
	"g",
	"mffffffff81000000,40",
	"mffffffff81000ff0,100",
	"mffff888000000000,1",
	"p10",
	"Z0,ffffffff81000100,1",
	"z0,ffffffff81000100,1",
	"c",
	"s",
	"vCont?",
	"vCont;c",
	"vCont;s:1",
	"vCont;r ffffffff81000000,ffffffff81000010:1",
	"qRcmd,6c73",				/* ls */
	"qRcmd,6272696467652073746174757",	/* bridge statu(s, odd) */
	"qRcmd,62726964676520737461747573",	/* bridge status */
	"qRcmd,627269646765206361636865",	/* bridge cache */
	"qRcmd,627269646765206b6462",		/* bridge kdb */
	"D",
	"k",
	"Mffffffff81000000,2:9090",
	"qThreadExtraInfo,1",
	"T1",
	"Hg1",
	"qSymbol::",
	"3",
	"C09",
	"Gffff",
	"qXfer:features:read:target.xml:800,800",
	"Z2,ffff888000001000,8",
	"vCont;r ffffffff81000000,ffffffff81000002",
	"P10=0000000000000000",
	"mffffffff81000000,800",
};

static const char *const fb_tgt_canned[] = {
	"\r\nEntering kdb (current=0xffffffff81811600, pid 0) on processor 0 "
	    "due to NonMaskable Interrupt @ 0xffffffff8108cfa5\r\n[0]kdb> ",
	"[0]kdb> ",
	"more> ",
	"KGDB: Waiting for connection from remote gdb...\r\n",
	"$T05thread:0000000000000001;#**",
	"$S05#b8",
	"$OK#9a",
	"$W00#b7",
	"Kernel panic - not syncing: Fatal exception\r\n",
	"BUG: kernel NULL pointer dereference, address: 0000000000000000\r\n",
	"\r\nEntering please attach debugger or use $D#44+ or $3#33\r\n",
	"+",
	"-",
	"$O68656c6c6f0a#**",
	"$E22#**",
	"hello world\r\n",
	"$QC1#**",
	"$m0000000000000001#**",
	"$l#**",
	"${0*200}#**",
	"$T05thread:1;#**",
};

static const char *const fb_con_canned[] = {
	"\xff\xfd\x01\xff\xfd\x03",	/* telnet: DO ECHO, DO SGA */
	"\xff\xfb\x03\xff\xfb\x18",	/* WILL SGA, WILL TTYPE */
	"\xff\xf3",			/* BRK */
	"\xff\xf4",			/* IP */
	"ls\r\0",
	"go\n",
	"kgdb\r",
	"bt\r",
	"md\r",
	"\xff\xfa\x2c\x01\x00\x00\x1c\x20\xff\xf0",	/* SB COM-PORT */
	"\xff\xff",
	"q",
	"\r\n",
	"\x03",
};

/* A canned target string: "{s*N}" repeats s, "#**" gets the checksum. */
static size_t
fb_expand(const char *in, char *out, size_t outmax)
{
	size_t		 n = 0, i, start = 0;
	const char	*p = in, *star, *close;
	unsigned	 sum;
	long		 rep;

	while (*p != '\0' && n < outmax) {
		if (*p == '{' && (star = strchr(p, '*')) != NULL &&
		    (close = strchr(star, '}')) != NULL) {
			rep = strtol(star + 1, NULL, 10);
			while (rep-- > 0)
				for (i = 0; p + 1 + i < star && n < outmax; i++)
					out[n++] = p[1 + i];
			p = close + 1;
			continue;
		}
		out[n++] = *p++;
	}
	for (i = 0; i < n; i++) {
		if (out[i] == '$')
			start = i + 1;
		else if (out[i] == '#' && i + 2 < n && out[i + 1] == '*' &&
		    out[i + 2] == '*') {
			size_t	k;

			sum = 0;
			for (k = start; k < i; k++)
				sum += (uint8_t)out[k];
			out[i + 1] = "0123456789abcdef"[(sum >> 4) & 0xf];
			out[i + 2] = "0123456789abcdef"[sum & 0xf];
		}
	}
	return (n);
}

/* ---- the input */

/*
 * Layout: byte 0 and 1 configure (see fb_setup), then records:
 * op, arg, and for data ops a length byte and that many bytes. An op
 * below 0x80 is taken modulo the op count; 0x80 and up picks among the
 * side's favourite ops.
 */
enum fb_op {
	OP_GDB_RAW,	/* arg: gdb; data: bytes as they are */
	OP_GDB_PKT,	/* arg: gdb, 0x80 a '+' first, 0x40 bad sum; data:
			 * payload */
	OP_GDB_CANNED,	/* arg: gdb (low 2 bits), canned packet (rest) */
	OP_GDB_OPEN,	/* arg: gdb, 0x80 slow reader */
	OP_GDB_CLOSE,	/* arg: gdb */
	OP_GDB_INTR,	/* arg: gdb: ^C */
	OP_TGT_RAW,	/* data: target bytes */
	OP_TGT_PKT,	/* arg 0x40: bad sum; data: payload */
	OP_TGT_CANNED,	/* arg: canned target text */
	OP_TGT_FLOOD,	/* arg: KiB of console text */
	OP_CON_OPEN,	/* arg: client, 0x80 slow reader */
	OP_CON_CLOSE,	/* arg: client */
	OP_CON_RAW,	/* arg: client; data: bytes */
	OP_CON_CANNED,	/* arg: client (low 2 bits), canned (rest) */
	OP_LINK,	/* arg & 1: up */
	OP_TIME,	/* arg: how long */
	OP_STUB,	/* arg: stub model settings */
	OP_READ,	/* arg: gdb/console, start reading again */
	OP_COUNT
};

static const uint8_t fb_side_ops[3][8] = {
	{ OP_GDB_RAW, OP_GDB_PKT, OP_GDB_CANNED, OP_GDB_CANNED, OP_GDB_INTR,
	    OP_TIME, OP_GDB_OPEN, OP_STUB },
	{ OP_TGT_RAW, OP_TGT_PKT, OP_TGT_CANNED, OP_TGT_CANNED, OP_TIME,
	    OP_GDB_CANNED, OP_LINK, OP_TGT_FLOOD },
	{ OP_CON_RAW, OP_CON_CANNED, OP_CON_CANNED, OP_CON_OPEN, OP_TGT_CANNED,
	    OP_TIME, OP_TGT_FLOOD, OP_CON_CLOSE },
};

static const unsigned fb_time_ms[8] = { 1, 10, 50, 100, 400, 1300, 5000,
    20000 };

static void
fb_cache_sink(void *arg, const struct br_event *ev)
{
	br_cache_note(((struct bridge *)arg)->cache, ev);
}

static void
fb_prefetch_sink(void *arg, const struct br_event *ev)
{
	br_prefetch_note(((struct bridge *)arg)->prefetch, ev);
}

static void
fb_console_sink(void *arg, const struct br_event *ev)
{
	br_console_event(((struct bridge *)arg)->console, ev);
}

static bool
fb_has_data(int op)
{
	return (op == OP_GDB_RAW || op == OP_GDB_PKT || op == OP_TGT_RAW ||
	    op == OP_TGT_PKT || op == OP_CON_RAW);
}

static void
fb_setup(struct fb *f, uint8_t c0, uint8_t c1)
{
	static const char *const seqs[4] = { NULL, "sysrq-trigger", "0x03",
	    "BREAK,wait:20,g" };
	static const enum rsp_arch_id arches[4] = { RSP_ARCH_X86_64,
	    RSP_ARCH_RISCV64, RSP_ARCH_I386, RSP_ARCH_ARM64 };
	char	err[BR_ERRLEN];
	int	i;

	br_set_clock(fb_clock);
	memset(&fl, 0, sizeof fl);
	fl.base.ops = &fb_link_ops;
	fl.up = true;
	fl.caps = BR_LINK_CAN_BREAK | BR_LINK_HAS_BAUD;
	if (c0 & 0x08)
		fl.caps |= BR_LINK_NO_8BIT;
	if (c0 & 0x10)
		fl.caps &= ~BR_LINK_CAN_BREAK;
	if ((c1 & 0x30) == 0x30)
		fl.caps |= BR_LINK_INT_03;
	if ((c0 & 0xc0) == 0xc0 && (c1 & 0x40))
		fl.caps = BR_LINK_CONSOLE_ONLY;

	for (i = 0; i < FB_NGDB; i++)
		f->g[i].fd = -1;
	for (i = 0; i < FB_NCON; i++)
		f->c[i].fd = -1;
	fb_con_accept = NULL;
	fb_con_arg = NULL;

	f->br.base = event_base_new();
	if (f->br.base == NULL)
		abort();
	f->br.arch = rsp_arch_get(arches[c1 & 3]);
	f->br.opts.takeover = (c0 & 0x02) != 0;
	f->br.opts.break_on_connect = (c0 & 0x04) != 0;
	f->br.opts.read_only_viewers = (c0 & 0x20) != 0;
	f->br.opts.console_raw = (c0 & 0x40) != 0;
	f->br.opts.break_seq = (char *)seqs[(c1 >> 2) & 3];
	f->br.opts.idle_timeout = (c1 & 0x80) ? 3 : 0;
	f->br.opts.quiet = true;
	f->br.opts.no_stdin = true;
	f->br.opts.console_port = 1;	/* wrapped: no port is opened */
	f->br.opts.gdb_port = BR_PORT_OFF;	/* gdb comes by socketpair */
	f->br.opts.listen = (char *)"127.0.0.1";
	f->br.link = (struct br_link *)&fl;
	f->br.start_ms = fb_now;
	if ((f->br.console = br_console_new(&f->br, err)) == NULL)
		fb_fail("console: %s", err);
	/* As main.c: console bytes, notices, panics, marks and link changes
	 * reach the viewers. */
	br_notify_sink(&f->br, fb_cache_sink, &f->br);
	br_notify_sink(&f->br, fb_prefetch_sink, &f->br);
	br_notify_sink(&f->br, fb_console_sink, &f->br);
	if (c0 & 0x01) {
		f->br.cache = br_cache_new(f->br.arch);
		/* A small cap, so eviction runs too. */
		if (c1 & 0x40)
			br_cache_set_limit(f->br.cache, 8192);
	}
	/* As main.c on x86_64: sleeping tasks' frames read and answered
	 * (tests/data/dwarf/itf-6.1.c's layout: no vmlinux here). */
	if (f->br.arch->id == RSP_ARCH_X86_64) {
		static const struct br_sl_layout lay = { .size = 56,
		    .off = { 0, 8, 16, 24, 32, 40, 48 },
		    .text_lo = 0xffffffff81000000ULL,
		    .text_hi = 0xffffffff81400000ULL, .thread_size = 16384 };

		f->br.sleepers = br_sleepers_new(f->br.arch, NULL, true);
		br_sleepers_use_layout(f->br.sleepers, &lay);
	}
	/* As main.c on arm64: sleeping tasks' 'g' built from their saved
	 * words (tests/data/dwarf/taskregs-arm64.c's layout). */
	if (f->br.arch->id == RSP_ARCH_ARM64) {
		struct br_tr_layout	lay;
		size_t			k;

		memset(&lay, 0, sizeof lay);
		lay.tl.wsize = 8;
		lay.tl.init_task = 0xffff800009a00000ULL;
		lay.tl.tasks_off = 0x108;
		lay.tl.groups = true;
		lay.tl.thread_node_off = 0x180;
		lay.tl.signal_off = 0x190;
		lay.tl.thread_head_off = 0x8;
		lay.pid_off = 0x158;
		lay.info_addr = FB_TR_INFO;
		lay.info_size = 40;
		lay.info_task = 8;
		lay.info_count = 16;
		lay.nr_cpu_ids = FB_TR_NRCPU;
		for (k = 0; k < 13; k++) {
			lay.slot[k].reg = k < 11 ? (int)(19 + k) :
			    (int)(20 + k);	/* x19-x29, sp 31, pc 32 */
			lay.slot[k].off = 0x218 + 8 * k;
		}
		lay.nslots = 13;
		lay.saved_lo = 0x218;
		lay.saved_len = 104;
		/* A CPU's 'g' from its pt_regs (kgdb_info[].debuggerinfo at
		 * +0; kgdb_active in the word after nr_cpu_ids, 0): x0-x30,
		 * sp, pc, then pstate's low half as cpsr. */
		lay.info_dbg = 0;
		for (k = 0; k < 34; k++) {
			lay.cslot[k].reg = (int)k;
			lay.cslot[k].off = 8 * k;
		}
		lay.ncslots = 34;
		lay.cregs_lo = 0;
		lay.cregs_len = 272;
		lay.active_addr = FB_TR_NRCPU + 4;
		lay.cpu_ok = true;
		f->br.taskregs = br_taskregs_new(f->br.arch, NULL, true);
		br_taskregs_use_layout(f->br.taskregs, &lay);
	}
	f->br.target = br_target_new(&f->br, f->br.link);
	/* As main.c: reading ahead into the cache while the line is idle
	 * (bridge/prefetch.c), against whatever the stub answers. */
	if (f->br.cache != NULL)
		f->br.prefetch = br_prefetch_new(&f->br, true);
	if ((f->br.gdb = br_gdb_new(&f->br, err)) == NULL)
		fb_fail("gdb: %s", err);
	if (f->br.arch->id == RSP_ARCH_RISCV64) {
		grv_use(f->br.gdb, FB_RV_KCB, FB_RV_FLAG);
		/* A function no breakpoint may go into (gdb_bpguard.c). */
		f->br.gdb->bpg.fn[0].name = "memset";
		f->br.gdb->bpg.fn[0].start = FB_RV_MEMSET;
		f->br.gdb->bpg.fn[0].end = FB_RV_MEMSET + 0x40;
		f->br.gdb->bpg.n = 1;
	}

	memset(&f->stub, 0, sizeof f->stub);
	{
		struct rsp_demux_cfg	cfg;

		memset(&cfg, 0, sizeof cfg);
		cfg.max_payload = RSP_PKT_MAX;
		cfg.hold_bytes = 2 * RSP_PKT_MAX + RSP_PKT_OVERHEAD;
		cfg.binary = true;
		if ((f->stub.dm = rsp_demux_new(&cfg)) == NULL)
			abort();
	}
	f->stub.kdb_style = (c1 & 0x20) != 0;
	f->stub.autostop = (c1 & 0x10) != 0;

	switch (FB_SIDE) {
	case FB_SIDE_GDB:
		f->stub.on = true;
		f->stub.mode = SM_STOPPED;
		fb_gdb_open(f, 0, false);
		break;
	case FB_SIDE_TARGET:
		fb_gdb_open(f, 0, false);
		break;
	case FB_SIDE_CONSOLE:
		f->stub.on = true;
		f->stub.mode = SM_KDB;
		fb_con_open(f, 0, false);
		break;
	}
	fb_settle(f);
}

/* After the input: the target goes quiet and time runs out. */
static void
fb_drain_and_check(struct fb *f)
{
	struct fb_gdb	*g;
	int		 i;

	f->stub.on = false;
	f->stub.stop_due = false;
	for (i = 0; i < FB_NGDB; i++)
		f->g[i].slow = false;
	for (i = 0; i < FB_NCON; i++)
		f->c[i].slow = false;
	fb_settle(f);
	fb_advance(f, FB_DRAIN_MS, 20000);
	if (getenv("FB_VERBOSE") != NULL) {
		fprintf(stderr, "fuzz_bridge: target %s, %zu console "
		    "clients, %zu timers, heap +%zu peak, known K1-5 %ju %ju %ju %ju %ju\n",
		    br_target_state_name(br_target_state(f->br.target)),
		    br_console_clients(f->br.console), fb_ntimers,
		    f->mem_peak > f->mem0 ? f->mem_peak - f->mem0 : 0,
		    (uintmax_t)fb_known[1], (uintmax_t)fb_known[2],
		    (uintmax_t)fb_known[3], (uintmax_t)fb_known[4],
		    (uintmax_t)fb_known[5]);
		for (i = 0; i < FB_NGDB; i++)
			if (f->g[i].fd >= 0)
				fprintf(stderr, "  gdb %d: %ju replies, %zu "
				    "open requests%s%s\n", i,
				    (uintmax_t)f->g[i].replies, f->g[i].nreq,
				    f->g[i].closed ? ", closed" : "",
				    f->g[i].desync ? ", desync" : "");
	}
	for (i = 0; i < FB_NGDB; i++) {
		g = &f->g[i];
		if (g->fd >= 0 && !g->closed && (g->killed || (g->nreq > 0 &&
		    g->req[0] == RK_KILL)))
			fb_fail("gdb %d sent k (or was refused) and its "
			    "connection is still open", i);
		if (g->fd < 0 || g->closed || g->desync || g->nreq == 0)
			continue;
		if (g->req[0] == RK_RESUME)
			continue;	/* the kernel may run for ever */
		if (FB_KNOWN && g->req[0] == RK_STOPQ &&
		    (br_target_state(f->br.target) == BR_TS_KDB ||
		    br_target_state(f->br.target) == BR_TS_STOPPED_GDB)) {
			fb_known[1]++;
			continue;
		}
		if (FB_KNOWN && g->intr_q) {
			fb_known[3]++;
			continue;
		}
		if (FB_KNOWN && g->req[0] != RK_STOPQ &&
		    br_target_state(f->br.target) == BR_TS_KDB) {
			fb_known[4]++;
			continue;
		}
		if (FB_KNOWN && g->req[0] == RK_STOPQ &&
		    (br_target_state(f->br.target) == BR_TS_RUNNING ||
		    br_target_state(f->br.target) == BR_TS_PANIC)) {
			fb_known[5]++;
			continue;
		}
		if (FB_KNOWN && g->req[0] == RK_STOPQ && fl.downs > 0) {
			fb_known[2]++;
			continue;
		}
		fb_fail("gdb %d: %zu request(s) never answered and the "
		    "connection is still open (first: %s; %ju replies)", i,
		    g->nreq, g->req[0] == RK_RCMD ? "qRcmd" :
		    g->req[0] == RK_STOPQ ? "'?'" : "plain",
		    (uintmax_t)g->replies);
	}
}

static void
fb_teardown(struct fb *f)
{
	int	i, fds;

	/* main.c's order: the target may still tell gdb or the console. */
	br_gdb_free(f->br.gdb);
	f->br.gdb = NULL;
	br_prefetch_free(f->br.prefetch);	/* before the target it hooks */
	f->br.prefetch = NULL;
	br_target_free(f->br.target);
	f->br.target = NULL;
	br_cache_free(f->br.cache);
	f->br.cache = NULL;
	br_sleepers_free(f->br.sleepers);
	f->br.sleepers = NULL;
	br_taskregs_free(f->br.taskregs);
	f->br.taskregs = NULL;
	br_console_free(f->br.console);
	f->br.console = NULL;
	for (i = 0; i < FB_NGDB; i++)
		fb_gdb_close(&f->g[i]);
	for (i = 0; i < FB_NCON; i++)
		fb_con_close(&f->c[i]);
	if (fb_ntimers != 0)
		fb_fail("%zu timer(s) left after teardown", fb_ntimers);
	event_base_free(f->br.base);
	rsp_demux_free(f->stub.dm);
	free(fl.wire);
	fl.wire = NULL;
	free(f->tin);
	fds = fb_count_fds();
	if (fds != f->fds0)
		fb_fail("%d descriptors open after teardown, %d before", fds,
		    f->fds0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool	 once;
	struct fb	*f;
	size_t		 pos = 2, len;
	const uint8_t	*d;
	uint8_t		 op, arg, *copy;
	char		 buf[2 * RSP_PKT_MAX + 64];
	int		 i;

	if (!once) {
		once = true;
		signal(SIGPIPE, SIG_IGN);
		/* Every log line is formatted (hostile text in it), then
		 * thrown away. */
		fb_trace = getenv("FB_LOG") != NULL;
		br_log_init(fb_trace ? -1 : open("/dev/null",
		    O_WRONLY | O_CLOEXEC), BR_LOG_DEBUG);
	}
	if (size < 2)
		return (0);
	if ((f = calloc(1, sizeof *f)) == NULL)
		abort();
	fbx = f;
	fb_ntimers = 0;
	f->fds0 = fb_count_fds();
	f->mem0 = fb_mem();
	fb_setup(f, data[0], data[1]);

	while (pos + 2 <= size) {
		op = data[pos];
		arg = data[pos + 1];
		pos += 2;
		op = op >= 0x80 ? fb_side_ops[FB_SIDE][op & 7] : op % OP_COUNT;
		if (fb_trace)
			fprintf(stderr, "fuzz_bridge: @%ju record %zu: op %d "
			    "arg 0x%02x\n", (uintmax_t)fb_now, pos - 2, op, arg);
		len = 0;
		d = NULL;
		if (fb_has_data(op)) {
			if (pos >= size)
				break;
			len = data[pos++];
			if (len > size - pos)
				len = size - pos;
			d = data + pos;
			pos += len;
		}
		switch (op) {
		case OP_GDB_RAW:
			fb_gdb_write(&f->g[arg % FB_NGDB], d, len);
			break;
		case OP_GDB_PKT:
			i = 0;
			if (arg & 0x80)
				buf[i++] = '+';
			i += (int)fb_frame(buf + i, sizeof buf - (size_t)i,
			    (const char *)d, len, (arg & 0x40) != 0);
			fb_gdb_write(&f->g[arg % FB_NGDB], buf, (size_t)i);
			break;
		case OP_GDB_CANNED: {
			const char *p = fb_gdb_canned[(arg >> 2) %
			    (sizeof fb_gdb_canned / sizeof fb_gdb_canned[0])];

			len = fb_frame(buf, sizeof buf, p, strlen(p), false);
			fb_gdb_write(&f->g[arg & 3], buf, len);
			break;
		}
		case OP_GDB_OPEN:
			fb_gdb_open(f, arg % FB_NGDB, (arg & 0x80) != 0);
			break;
		case OP_GDB_CLOSE:
			fb_gdb_close(&f->g[arg % FB_NGDB]);
			break;
		case OP_GDB_INTR:
			fb_gdb_write(&f->g[arg % FB_NGDB], "\003", 1);
			break;
		case OP_TGT_RAW:
			if (len > 0) {
				if ((copy = malloc(len)) == NULL)
					abort();
				memcpy(copy, d, len);
				/* Straight in, exact size, not via fb_tin. */
				br_target_input(f->br.target, copy, len);
				free(copy);
			}
			break;
		case OP_TGT_PKT:
			len = fb_frame(buf, sizeof buf, (const char *)d, len,
			    (arg & 0x40) != 0);
			fb_tin(f, buf, len);
			break;
		case OP_TGT_CANNED: {
			const char *p = fb_tgt_canned[arg %
			    (sizeof fb_tgt_canned / sizeof fb_tgt_canned[0])];

			len = fb_expand(p, buf, sizeof buf);
			fb_tin(f, buf, len);
			break;
		}
		case OP_TGT_FLOOD: {
			size_t	k, n = ((size_t)arg % 64 + 1) * 1024;

			for (k = 0; k < sizeof buf; k++)
				buf[k] = k % 61 == 60 ? '\n' : (char)('a' +
				    (k + arg) % 26);
			for (k = 0; k < n; k += sizeof buf) {
				fb_tin(f, buf, n - k < sizeof buf ? n - k :
				    sizeof buf);
				fb_settle(f);
			}
			break;
		}
		case OP_CON_OPEN:
			fb_con_open(f, arg % FB_NCON, (arg & 0x80) != 0);
			break;
		case OP_CON_CLOSE:
			fb_con_close(&f->c[arg % FB_NCON]);
			break;
		case OP_CON_RAW:
			i = arg % FB_NCON;
			if (f->c[i].fd >= 0 && len > 0 &&
			    write(f->c[i].fd, d, len) < 0) {
				/* A client that is gone. */
			}
			break;
		case OP_CON_CANNED: {
			size_t	 k = (size_t)(arg >> 2) % (sizeof fb_con_canned /
			    sizeof fb_con_canned[0]);
			const char *p = fb_con_canned[k];

			/* "ls\r\0" carries its NUL. */
			len = k == 4 ? 4 : strlen(p);
			i = arg & 3;
			if (f->c[i].fd >= 0 && write(f->c[i].fd, p, len) < 0) {
				/* A client that is gone. */
			}
			break;
		}
		case OP_LINK:
			if (fl.up != ((arg & 1) != 0)) {
				fl.up = (arg & 1) != 0;
				fl.downs += !fl.up;
				br_target_link_changed(f->br.target, fl.up);
			}
			break;
		case OP_TIME:
			fb_settle(f);
			fb_advance(f, (uint64_t)fb_time_ms[arg & 7] *
			    (1 + ((arg >> 3) & 3)), 2000);
			break;
		case OP_STUB:
			f->stub.on = (arg & 1) == 0;
			f->stub.echo = (arg & 2) != 0;
			f->stub.garble = (arg >> 2) & 3;
			f->stub.mute = (arg >> 4) & 1;
			f->stub.kdb_style = (arg & 0x20) != 0;
			f->stub.autostop = (arg & 0x40) != 0;
			if (arg & 0x80) {
				f->stub.mode = SM_STOPPED;
				fb_stub_sends(f, "T05thread:0000000000000001;");
			}
			break;
		case OP_READ:
			if (arg & 0x80)
				f->c[arg % FB_NCON].slow = false;
			else
				f->g[arg % FB_NGDB].slow = false;
			break;
		}
		fb_settle(f);
		fb_check_mem(f, "after a record");
	}
	fb_drain_and_check(f);
	fb_check_mem(f, "after the drain");
	fb_teardown(f);
	free(f);
	fbx = NULL;
	return (0);
}
