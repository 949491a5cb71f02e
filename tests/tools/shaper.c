/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/tools/shaper.c: a serial line between a target socket (QEMU's
 * UART) and whoever listens on it (kgdb-bridge or gdb), made to behave like
 * a real one.
 *
 * It accepts one client at a time on --listen and, on the first client
 * (or at once with --connect-now), connects to --upstream (QEMU's wait=on
 * then releases the guest, so no boot output is lost).  Bytes go through at --baud (10 bit times a byte,
 * 8N1), each direction on its own clock; data bits flip at --ber and whole
 * bytes vanish at --drop, from a seeded generator per direction so a run
 * can be repeated.  SIGUSR1 cuts the line: the client is closed and the
 * listener goes away (connects are refused, as with a pulled cable), and
 * what the target sends meanwhile is lost.  SIGUSR2 restores it.  SIGHUP
 * turns errors and drops off or on (a clean reference run, then noisy ones,
 * on one boot; --clean-start begins with them off).  SIGINT
 * and SIGTERM end the run; the counters are printed on stderr either way.
 *
 * In --telnet mode both sides speak telnet (QEMU's telnet=on, the bridge's
 * telnet: target): commands such as IAC BRK pass through untouched and
 * unpaced-for-corruption, only data bytes are shaped, and a data byte that
 * becomes 0xff is sent escaped.  QEMU negotiates options once, when the
 * shaper connects, but a client after a cut starts a telnet session of
 * its own, as it would with a terminal server that accepts anew: each
 * client gets the options the target has said so far (sh_tn_replay).
 *
 * --usb-latency MS puts a USB-serial adapter of the FTDI kind on the
 * client's end (sh_usb_flush): what the line delivers reaches the client in
 * 62-byte packets, or when the adapter's latency timer runs out.
 *
 * "down" is target to client, "up" is client to target.  --record DIR
 * writes the bytes each side sent, as received (down.raw, up.raw), and
 * events.txt (time, direction, offset, length) to rebuild the interleaving.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
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

#define SH_QMAX		(1024 * 1024)	/* per-direction queue cap */
#define SH_CHUNK	4096
#define SH_USB_FIFO	256		/* FT232R receive buffer */
#define SH_USB_PKT	62		/* data bytes in a 64-byte IN packet */
#define SH_ERRLEN	640

#define TN_IAC		0xff
#define TN_SB		0xfa
#define TN_SE		0xf0
#define TN_WILL		0xfb
#define TN_WONT		0xfc
#define TN_DONT		0xfe

enum sh_tn_state {
	SH_TN_DATA,
	SH_TN_IAC,
	SH_TN_OPT,		/* after WILL/WONT/DO/DONT */
	SH_TN_SB,		/* inside a subnegotiation */
	SH_TN_SB_IAC,
};

/* One direction of the line. */
struct sh_dir {
	const char	*name;
	double		 ber;		/* per data bit */
	double		 drop;		/* per data byte */
	uint64_t	 rng;
	uint64_t	 bits_to_flip;	/* data bits until the next flip */
	uint64_t	 bytes_to_drop;	/* data bytes until the next drop */
	enum sh_tn_state tn;
	bool		 impair;	/* errors and drops on (SIGHUP toggles) */

	unsigned char	*q;		/* shaped bytes waiting for the pacer */
	size_t		 qlen;
	uint64_t	 next_ns;	/* when the next byte may leave */

	uint64_t	 in;		/* bytes read from the source */
	uint64_t	 out;		/* bytes written to the sink */
	uint64_t	 flips;		/* bits flipped */
	uint64_t	 drops;		/* bytes dropped by --drop */
	uint64_t	 lost;		/* bytes discarded: no client or cut */

	FILE		*rec;		/* --record: raw bytes as received */
};

struct shaper {
	int		 lfd;		/* listener, -1 while cut */
	int		 cfd;		/* client (downstream), -1 if none */
	int		 ufd;		/* upstream (target) */
	int		 sigpipe[2];
	bool		 telnet;
	bool		 cut;
	bool		 once;
	unsigned long	 baud;
	uint64_t	 byte_ns;	/* 0 = unpaced */
	uint64_t	 clients;
	uint64_t	 cuts;
	uint64_t	 t0;

	char		 listen_spec[256];
	char		 upstream_spec[256];
	const char	*port_file;
	struct sockaddr_storage laddr;
	socklen_t	 laddrlen;

	struct sh_dir	 down;		/* target -> client */
	struct sh_dir	 up;		/* client -> target */
	/* The target's last word on each telnet option: its WILL or WONT,
	 * its DO or DONT (0: none yet), read from all it sends, with a
	 * client or not (sh_tn_note). */
	unsigned char	 tn_will[256], tn_do[256];
	enum sh_tn_state tn_note;
	unsigned char	 tn_note_cmd;
	FILE		*events;

	/* --usb-latency: a USB-serial adapter between the line and the
	 * client (see sh_usb_flush). */
	uint64_t	 usb_lat_ns;	/* latency timer; 0: no adapter */
	unsigned char	 usb_buf[SH_USB_FIFO];
	size_t		 usb_len;
	uint64_t	 usb_last_ns;	/* the last IN packet */
	uint64_t	 usb_packets;
};

static volatile sig_atomic_t sh_sig_cut;
static volatile sig_atomic_t sh_sig_restore;
static volatile sig_atomic_t sh_sig_quit;
static volatile sig_atomic_t sh_sig_toggle;
static int sh_sig_fd = -1;

static void sh_log(const char *, ...) __attribute__((format(printf, 1, 2)));

static void
sh_log(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fputs("shaper: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static uint64_t
sh_now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

/* xorshift64*: small, seedable, good enough to place errors. */
static uint64_t
sh_rng_next(uint64_t *s)
{
	uint64_t	x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return (x * 0x2545f4914f6cdd1dULL);
}

/* Uniform in (0, 1]. */
static double
sh_rng_unit(uint64_t *s)
{
	return (((double)(sh_rng_next(s) >> 11) + 1.0) / 9007199254740992.0);
}

/*
 * Natural logarithm for 0 < x <= 1 without libm (the tool links without
 * -lm): scale into [0.5, 1], then ln m = 2 atanh((m - 1) / (m + 1)), whose
 * series converges fast there since |z| <= 1/3.
 */
static double
sh_ln(double x)
{
	double	z, z2, term, sum = 0;
	int	k = 0, i;

	while (x < 0.5) {
		x *= 2;
		k++;
	}
	z = (x - 1) / (x + 1);
	z2 = z * z;
	term = z;
	for (i = 1; i < 60; i += 2) {
		sum += term / i;
		term *= z2;
	}
	return (2 * sum - k * 0.69314718055994530942);
}

/*
 * Trials until the next success when each succeeds with probability p:
 * a geometric draw, so we pay per error rather than per bit.  Returns
 * UINT64_MAX for p <= 0 (never).
 */
static uint64_t
sh_geometric(uint64_t *s, double p)
{
	double	n;

	if (p <= 0)
		return (UINT64_MAX);
	if (p >= 1)
		return (0);
	n = sh_ln(sh_rng_unit(s)) / sh_ln(1 - p);
	if (n >= 1.8e19)
		return (UINT64_MAX);
	return ((uint64_t)n);
}

static void
sh_dir_init(struct sh_dir *d, const char *name, uint64_t seed, double ber,
    double drop)
{
	d->name = name;
	d->ber = ber;
	d->drop = drop;
	d->rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
	d->bits_to_flip = sh_geometric(&d->rng, ber);
	d->bytes_to_drop = sh_geometric(&d->rng, drop);
	d->impair = true;
	d->q = malloc(SH_QMAX);
	if (d->q == NULL) {
		sh_log("out of memory");
		exit(1);
	}
}

static void
sh_dir_push(struct sh_dir *d, unsigned char c)
{
	if (d->qlen < SH_QMAX)
		d->q[d->qlen++] = c;
	else
		d->lost++;
}

/*
 * Damage one data byte as the line would, and queue what is left.  Returns
 * false if the byte was dropped.
 */
static bool
sh_dir_shape(struct sh_dir *d, unsigned char *c)
{
	unsigned	bit;

	if (!d->impair)
		return (true);
	if (d->bytes_to_drop == 0) {
		d->drops++;
		d->bytes_to_drop = sh_geometric(&d->rng, d->drop);
		return (false);
	}
	if (d->bytes_to_drop != UINT64_MAX)
		d->bytes_to_drop--;
	for (bit = 0; bit < 8; bit++) {
		if (d->bits_to_flip == UINT64_MAX)
			break;
		if (d->bits_to_flip == 0) {
			*c ^= (unsigned char)(1u << bit);
			d->flips++;
			d->bits_to_flip = sh_geometric(&d->rng, d->ber);
		} else
			d->bits_to_flip--;
	}
	return (true);
}

/* Feed bytes read from one side through telnet parsing and shaping. */
static void
sh_dir_feed(struct shaper *sh, struct sh_dir *d, const unsigned char *buf,
    size_t len)
{
	size_t		i;
	unsigned char	c;

	for (i = 0; i < len; i++) {
		c = buf[i];
		if (!sh->telnet) {
			if (sh_dir_shape(d, &c))
				sh_dir_push(d, c);
			continue;
		}
		switch (d->tn) {
		case SH_TN_DATA:
			if (c == TN_IAC) {
				d->tn = SH_TN_IAC;
				continue;
			}
			if (sh_dir_shape(d, &c)) {
				sh_dir_push(d, c);
				if (c == TN_IAC)
					sh_dir_push(d, TN_IAC);
			}
			break;
		case SH_TN_IAC:
			if (c == TN_IAC) {	/* escaped 0xff data byte */
				d->tn = SH_TN_DATA;
				if (sh_dir_shape(d, &c)) {
					sh_dir_push(d, c);
					if (c == TN_IAC)
						sh_dir_push(d, TN_IAC);
				}
				break;
			}
			sh_dir_push(d, TN_IAC);
			sh_dir_push(d, c);
			if (c >= TN_WILL && c <= TN_DONT)
				d->tn = SH_TN_OPT;
			else if (c == TN_SB)
				d->tn = SH_TN_SB;
			else
				d->tn = SH_TN_DATA;	/* BRK, NOP, ... */
			break;
		case SH_TN_OPT:
			sh_dir_push(d, c);
			d->tn = SH_TN_DATA;
			break;
		case SH_TN_SB:
			sh_dir_push(d, c);
			if (c == TN_IAC)
				d->tn = SH_TN_SB_IAC;
			break;
		case SH_TN_SB_IAC:
			sh_dir_push(d, c);
			d->tn = c == TN_SE ? SH_TN_DATA : SH_TN_SB;
			break;
		}
	}
}

static void
sh_record(struct shaper *sh, struct sh_dir *d, const unsigned char *buf,
    size_t len)
{
	uint64_t	t;

	if (d->rec == NULL)
		return;
	t = sh_now_ns() - sh->t0;
	fprintf(sh->events, "%llu.%06llu %s %llu %zu\n",
	    (unsigned long long)(t / 1000000000u),
	    (unsigned long long)(t % 1000000000u / 1000u), d->name,
	    (unsigned long long)d->in, len);
	fwrite(buf, 1, len, d->rec);
	fflush(d->rec);
	fflush(sh->events);
}

static int
sh_parse_addr(const char *spec, bool listen, struct sockaddr_storage *ss,
    socklen_t *len, char *err)
{
	struct sockaddr_un	*sun = (struct sockaddr_un *)ss;
	struct addrinfo		 hints, *ai;
	char			 host[256], *colon;
	const char		*port;
	int			 rc;

	memset(ss, 0, sizeof *ss);
	if (strncmp(spec, "unix:", 5) == 0) {
		if (strlen(spec + 5) >= sizeof sun->sun_path) {
			snprintf(err, SH_ERRLEN, "socket path too long: %s", spec);
			return (-1);
		}
		sun->sun_family = AF_UNIX;
		strcpy(sun->sun_path, spec + 5);
		*len = sizeof *sun;
		return (0);
	}
	if (strncmp(spec, "tcp:", 4) == 0)
		spec += 4;
	if (strlen(spec) >= sizeof host) {
		snprintf(err, SH_ERRLEN, "address too long");
		return (-1);
	}
	strcpy(host, spec);
	colon = strrchr(host, ':');
	if (colon == NULL) {
		if (!listen) {
			snprintf(err, SH_ERRLEN, "want tcp:HOST:PORT: %s", spec);
			return (-1);
		}
		port = host;
		memmove(host + 10, host, strlen(host) + 1);
		port = host + 10;
		strcpy(host, "127.0.0.1");
	} else {
		*colon = '\0';
		port = colon + 1;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc != 0) {
		snprintf(err, SH_ERRLEN, "%s: %s", spec, gai_strerror(rc));
		return (-1);
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return (0);
}

static void
sh_nonblock(int fd)
{
	int	fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void
sh_nodelay(int fd, const struct sockaddr_storage *ss)
{
	int	one = 1;

	if (ss->ss_family == AF_INET)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int
sh_listen_open(struct shaper *sh, char *err)
{
	struct sockaddr_storage	bound;
	socklen_t		blen = sizeof bound;
	int			fd, one = 1;
	FILE			*f;

	fd = socket(sh->laddr.ss_family, SOCK_STREAM, 0);
	if (fd == -1) {
		snprintf(err, SH_ERRLEN, "socket: %s", strerror(errno));
		return (-1);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (sh->laddr.ss_family == AF_UNIX)
		unlink(((struct sockaddr_un *)&sh->laddr)->sun_path);
	if (bind(fd, (struct sockaddr *)&sh->laddr, sh->laddrlen) == -1 ||
	    listen(fd, 4) == -1) {
		snprintf(err, SH_ERRLEN, "listen %s: %s", sh->listen_spec,
		    strerror(errno));
		close(fd);
		return (-1);
	}
	sh_nonblock(fd);
	if (sh->laddr.ss_family == AF_INET &&
	    ((struct sockaddr_in *)&sh->laddr)->sin_port == 0) {
		/* Keep the port we got, so a restore reopens the same one. */
		getsockname(fd, (struct sockaddr *)&bound, &blen);
		((struct sockaddr_in *)&sh->laddr)->sin_port =
		    ((struct sockaddr_in *)&bound)->sin_port;
	}
	sh->lfd = fd;
	if (sh->port_file != NULL) {
		f = fopen(sh->port_file, "w");
		if (f != NULL) {
			if (sh->laddr.ss_family == AF_INET)
				fprintf(f, "%u\n", ntohs(((struct sockaddr_in *)
				    &sh->laddr)->sin_port));
			else
				fprintf(f, "%s\n", ((struct sockaddr_un *)
				    &sh->laddr)->sun_path);
			fclose(f);
		}
	}
	return (0);
}

static int
sh_upstream_open(struct shaper *sh, char *err)
{
	struct sockaddr_storage	ss;
	socklen_t		len;
	int			fd;

	if (sh_parse_addr(sh->upstream_spec, false, &ss, &len, err) == -1)
		return (-1);
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd == -1) {
		snprintf(err, SH_ERRLEN, "socket: %s", strerror(errno));
		return (-1);
	}
	if (connect(fd, (struct sockaddr *)&ss, len) == -1) {
		snprintf(err, SH_ERRLEN, "connect %s: %s", sh->upstream_spec,
		    strerror(errno));
		close(fd);
		return (-1);
	}
	sh_nonblock(fd);
	sh_nodelay(fd, &ss);
	sh->ufd = fd;
	return (0);
}

static void
sh_client_close(struct shaper *sh, const char *why)
{
	if (sh->cfd == -1)
		return;
	sh_log("client closed (%s)", why);
	close(sh->cfd);
	sh->cfd = -1;
	/* What was on its way to the client is gone with it. */
	sh->down.lost += sh->down.qlen + sh->usb_len;
	sh->down.qlen = 0;
	sh->usb_len = 0;
	sh->up.tn = SH_TN_DATA;
}

static void
sh_cut(struct shaper *sh)
{
	if (sh->cut)
		return;
	sh->cut = true;
	sh->cuts++;
	sh_log("line cut");
	sh_client_close(sh, "cut");
	if (sh->lfd != -1) {
		close(sh->lfd);
		sh->lfd = -1;
	}
}

static void
sh_restore(struct shaper *sh)
{
	char	err[SH_ERRLEN];

	if (!sh->cut)
		return;
	sh->cut = false;
	if (sh_listen_open(sh, err) == -1)
		sh_log("restore failed: %s", err);
	else
		sh_log("line restored");
}

/*
 * Pacing: a byte may leave when its slot comes up.  Slots are byte_ns
 * apart and never banked while the line is idle, so a burst after a quiet
 * spell still goes out at the line rate.  poll() sleeps whole milliseconds,
 * so a slot due within the next tick goes now: otherwise every small group
 * of bytes (kgdb writes a reply a character or two at a time) would wait
 * up to a millisecond for a slot a few microseconds away, and a 115200
 * line would run at a fifth of its rate.  The rate over any burst stays
 * the line's: at most one tick's worth of bytes leaves early.
 */
#define SH_TICK_NS	1000000ull

/* The time one byte takes on the line: 10 bit times (8N1); 0 = unpaced. */
static uint64_t
sh_byte_ns(unsigned long baud)
{
	return (baud > 0 ? 10000000000ull / baud : 0);
}

/*
 * The adapter (--usb-latency).  An FTDI chip holds what the line delivers
 * and sends it to the host in a bulk IN packet when 62 bytes are waiting,
 * or when its latency timer expires (16 ms by default on Linux; the
 * latency_timer file in sysfs, which kgdb-bridge sets to 1).  With nothing
 * to send it still answers every timer period with a status-only packet,
 * so the timer runs in steps of its period from the last packet, and a
 * short reply waits for the next step: between 0 and the period, half of
 * it on average.  Only that direction is modelled; the host's writes go
 * out in the next 1 ms USB frame, inside the shaper's tick.
 */
static size_t
sh_usb_take(struct shaper *sh, const unsigned char *p, size_t n, uint64_t now)
{
	uint64_t	lat = sh->usb_lat_ns;

	if (n > sizeof sh->usb_buf - sh->usb_len)
		n = sizeof sh->usb_buf - sh->usb_len;
	if (n == 0)
		return (0);
	if (sh->usb_len == 0 && now > sh->usb_last_ns)
		/* Idle until now: status packets kept the timer stepping. */
		sh->usb_last_ns += (now - sh->usb_last_ns) / lat * lat;
	memcpy(sh->usb_buf + sh->usb_len, p, n);
	sh->usb_len += n;
	return (n);
}

static void
sh_usb_send(struct shaper *sh, int fd, size_t n, uint64_t now)
{
	ssize_t	w;

	w = fd == -1 ? (ssize_t)n : write(fd, sh->usb_buf, n);
	if (w <= 0)
		return;
	if (fd == -1)
		sh->down.lost += (uint64_t)w;
	memmove(sh->usb_buf, sh->usb_buf + w, sh->usb_len - (size_t)w);
	sh->usb_len -= (size_t)w;
	sh->usb_last_ns = now;
	sh->usb_packets++;
}

static void
sh_usb_flush(struct shaper *sh, int fd, uint64_t now)
{
	if (sh->usb_lat_ns == 0)
		return;
	while (sh->usb_len >= SH_USB_PKT) {
		size_t	before = sh->usb_len;

		sh_usb_send(sh, fd, SH_USB_PKT, now);
		if (sh->usb_len == before)
			return;
	}
	if (sh->usb_len > 0 && now >= sh->usb_last_ns + sh->usb_lat_ns)
		sh_usb_send(sh, fd, sh->usb_len, now);
}

static void
sh_pace(struct shaper *sh, struct sh_dir *d, int fd, uint64_t now)
{
	size_t	n;
	ssize_t	w;

	if (d->qlen == 0 || fd == -1)
		return;
	if (sh->byte_ns == 0)
		n = d->qlen;
	else {
		if (d->next_ns + sh->byte_ns < now)
			d->next_ns = now - sh->byte_ns;
		if (d->next_ns > now + SH_TICK_NS)
			return;
		n = (size_t)((now + SH_TICK_NS - d->next_ns) / sh->byte_ns) +
		    1;
		if (n > d->qlen)
			n = d->qlen;
	}
	if (d == &sh->down && sh->usb_lat_ns > 0)
		w = (ssize_t)sh_usb_take(sh, d->q, n, now);
	else
		w = write(fd, d->q, n);
	if (w <= 0)
		return;
	memmove(d->q, d->q + w, d->qlen - (size_t)w);
	d->qlen -= (size_t)w;
	d->out += (uint64_t)w;
	d->next_ns += (uint64_t)w * sh->byte_ns;
}

static int
sh_timeout_ms(struct shaper *sh, uint64_t now)
{
	struct sh_dir	*dirs[2] = { &sh->down, &sh->up };
	uint64_t	 best = UINT64_MAX;
	int		 i;

	if (sh->usb_len > 0) {
		if (sh->usb_len >= SH_USB_PKT ||
		    now >= sh->usb_last_ns + sh->usb_lat_ns)
			return (0);
		best = sh->usb_last_ns + sh->usb_lat_ns - now;
	}
	for (i = 0; i < 2 && sh->byte_ns > 0; i++) {
		if (dirs[i]->qlen == 0)
			continue;
		if (dirs[i]->next_ns <= now + SH_TICK_NS)
			return (0);
		if (dirs[i]->next_ns - SH_TICK_NS - now < best)
			best = dirs[i]->next_ns - SH_TICK_NS - now;
	}
	if (best == UINT64_MAX)
		return (-1);
	return ((int)((best + 999999) / 1000000));
}

static void
sh_on_signal(int sig)
{
	char	c = 0;

	if (sig == SIGUSR1)
		sh_sig_cut = 1;
	else if (sig == SIGUSR2)
		sh_sig_restore = 1;
	else if (sig == SIGHUP)
		sh_sig_toggle = 1;
	else
		sh_sig_quit = 1;
	if (sh_sig_fd != -1)
		(void)!write(sh_sig_fd, &c, 1);
}

static void
sh_stats(struct shaper *sh)
{
	struct sh_dir	*dirs[2] = { &sh->down, &sh->up };
	int		 i;

	for (i = 0; i < 2; i++)
		sh_log("%-4s in %llu out %llu flipped-bits %llu dropped %llu "
		    "lost %llu queued %zu", dirs[i]->name,
		    (unsigned long long)dirs[i]->in,
		    (unsigned long long)dirs[i]->out,
		    (unsigned long long)dirs[i]->flips,
		    (unsigned long long)dirs[i]->drops,
		    (unsigned long long)dirs[i]->lost, dirs[i]->qlen);
	if (sh->usb_lat_ns > 0)
		sh_log("usb latency %llu ms, %llu packets to the client",
		    (unsigned long long)(sh->usb_lat_ns / 1000000),
		    (unsigned long long)sh->usb_packets);
	sh_log("clients %llu cuts %llu", (unsigned long long)sh->clients,
	    (unsigned long long)sh->cuts);
}

static void
sh_usage(void)
{
	fprintf(stderr,
"usage: shaper --listen tcp:[HOST:]PORT|unix:PATH\n"
"              --upstream tcp:HOST:PORT|unix:PATH [options]\n"
"  --baud N          pace at N baud, 10 bit times a byte (default 0: unpaced)\n"
"  --ber P           bit error rate, both directions (also --ber-up, --ber-down)\n"
"  --drop P          byte drop rate, both directions (also --drop-up, --drop-down)\n"
"  --seed N          generator seed (default 1); each direction derives its own\n"
"  --telnet          both sides speak telnet: commands pass, data is shaped\n"
"  --port-file FILE  write the listening port (or path) there\n"
"  --record DIR      write down.raw, up.raw and events.txt\n"
"  --usb-latency MS   an FTDI-style USB-serial adapter at the client's end:\n"
"                    bytes reach the client in 62-byte packets or when its\n"
"                    latency timer (MS, 1..255) expires\n"
"  --once            exit when the first client goes (default: accept again)\n"
"  --connect-now     connect upstream at once rather than on the first client\n"
"                    (target bytes with no client attached are lost, as on a\n"
"                    real line; --record still has them)\n"
"  --clean-start     start with errors and drops off (SIGHUP turns them on)\n"
"  --selftest        check the error and pacing maths, then exit\n"
"signals: USR1 cuts the line, USR2 restores it, HUP toggles errors and drops,\n"
"         INT/TERM exit with stats\n"
"down = target to client, up = client to target\n");
	exit(2);
}

static double
sh_rate(const char *s)
{
	char	*end;
	double	 v = strtod(s, &end);

	if (*end != '\0' || v < 0 || v > 1) {
		fprintf(stderr, "shaper: bad rate %s\n", s);
		exit(2);
	}
	return (v);
}

/* Check the geometric draws give the asked rate, and the pacing sums. */
static int
sh_selftest(void)
{
	static const double	 rates[] = { 1e-4, 1e-2, 0.3 };
	struct sh_dir		 d;
	unsigned char		 c;
	uint64_t		 bits = 4000000, i, want;
	double			 got;
	size_t			 r;
	int			 bad = 0;

	for (r = 0; r < sizeof rates / sizeof rates[0]; r++) {
		memset(&d, 0, sizeof d);
		sh_dir_init(&d, "test", 42 + r, rates[r], 0);
		for (i = 0; i < bits / 8; i++) {
			c = 0x55;
			sh_dir_shape(&d, &c);
		}
		got = (double)d.flips / (double)bits;
		/* Within 5 standard deviations of the binomial mean. */
		if ((got - rates[r]) * (got - rates[r]) >
		    25 * rates[r] * (1 - rates[r]) / (double)bits) {
			printf("FAIL: shaper ber %g: measured %g\n", rates[r], got);
			bad = 1;
		} else
			printf("PASS: shaper ber %g (measured %g)\n", rates[r],
			    got);
		free(d.q);
	}
	memset(&d, 0, sizeof d);
	sh_dir_init(&d, "test", 7, 0, 0.01);
	for (i = 0; i < 1000000; i++) {
		c = 0;
		sh_dir_shape(&d, &c);
	}
	if (d.drops < 9500 || d.drops > 10500 || d.flips != 0) {
		printf("FAIL: shaper drop 0.01: %llu of 1000000\n",
		    (unsigned long long)d.drops);
		bad = 1;
	} else
		printf("PASS: shaper drop 0.01 (%llu of 1000000)\n",
		    (unsigned long long)d.drops);
	free(d.q);

	/* The byte time --baud sets (10 bits a byte: 86805 ns at 115200),
	 * and the pace it gives: a second of a 115200 line carries 11520
	 * bytes, and at most a tick's worth more leaves early. */
	{
		static struct shaper	p;
		unsigned char		sink[4096];
		uint64_t		now;
		int			pfd[2], ok;

		ok = sh_byte_ns(115200) == 86805 &&
		    sh_byte_ns(9600) == 1041666 && sh_byte_ns(0) == 0;
		memset(&p, 0, sizeof p);
		p.byte_ns = sh_byte_ns(115200);
		sh_dir_init(&p.down, "pace", 1, 0, 0);
		for (i = 0; i < 20000; i++)
			sh_dir_push(&p.down, 'x');
		if (pipe(pfd) == -1) {
			perror("shaper: pipe");
			return (1);
		}
		fcntl(pfd[0], F_SETFL, O_NONBLOCK);
		for (now = 0; now <= 1000000000ull; now += 1000000) {
			sh_pace(&p, &p.down, pfd[1], now);
			while (read(pfd[0], sink, sizeof sink) == sizeof sink)
				;
		}
		close(pfd[0]);
		close(pfd[1]);
		want = 1000000000ull / p.byte_ns;
		ok &= p.down.out >= want &&
		    p.down.out <= want + SH_TICK_NS / p.byte_ns + 2;
		printf("%s: shaper byte time and pace at 115200 baud (%llu "
		    "bytes in 1 s)\n", ok ? "PASS" : "FAIL",
		    (unsigned long long)p.down.out);
		bad |= !ok;
		free(p.down.q);
	}

	/* Same seed, same errors: runs are repeatable. */
	{
		struct sh_dir	a, b;
		unsigned char	x, y;
		int		same = 1;

		memset(&a, 0, sizeof a);
		memset(&b, 0, sizeof b);
		sh_dir_init(&a, "a", 99, 0.01, 0.001);
		sh_dir_init(&b, "b", 99, 0.01, 0.001);
		for (i = 0; i < 100000; i++) {
			x = y = (unsigned char)i;
			if (sh_dir_shape(&a, &x) != sh_dir_shape(&b, &y) ||
			    x != y)
				same = 0;
		}
		printf("%s: shaper seed repeatable\n", same ? "PASS" : "FAIL");
		bad |= !same;
		free(a.q);
		free(b.q);
	}

	/* The adapter: a short reply waits for the timer's next step, a
	 * full packet goes at once. */
	{
		static struct shaper	u;
		unsigned char		b[200];
		const uint64_t		ms = 1000000;
		int			ok = 1;

		memset(&u, 0, sizeof u);
		memset(b, 'x', sizeof b);
		u.usb_lat_ns = 16 * ms;
		/* Idle since 0; 10 bytes at 37 ms: the step is at 48 ms. */
		ok &= sh_usb_take(&u, b, 10, 37 * ms) == 10;
		sh_usb_flush(&u, -1, 47 * ms);
		ok &= u.usb_len == 10;
		sh_usb_flush(&u, -1, 48 * ms);
		ok &= u.usb_len == 0 && u.usb_packets == 1;
		/* 130 bytes: two packets now, 6 bytes 16 ms later. */
		ok &= sh_usb_take(&u, b, 130, 50 * ms) == 130;
		sh_usb_flush(&u, -1, 50 * ms);
		ok &= u.usb_len == 6 && u.usb_packets == 3;
		sh_usb_flush(&u, -1, 65 * ms);
		ok &= u.usb_len == 6;
		sh_usb_flush(&u, -1, 66 * ms);
		ok &= u.usb_len == 0 && u.down.lost == 140;
		/* The chip's buffer is finite: the line waits when it is full. */
		while (sh_usb_take(&u, b, sizeof b, 70 * ms) > 0)
			;
		ok &= u.usb_len == SH_USB_FIFO;
		printf("%s: shaper usb adapter timer and packets\n",
		    ok ? "PASS" : "FAIL");
		bad |= !ok;
	}
	return (bad);
}

/* Keep the target's option commands (WILL, WONT, DO, DONT) for later
 * clients; everything else it sends is skipped here. */
static void
sh_tn_note(struct shaper *sh, const unsigned char *buf, size_t len)
{
	size_t		i;
	unsigned char	c;

	for (i = 0; i < len; i++) {
		c = buf[i];
		switch (sh->tn_note) {
		case SH_TN_DATA:
			if (c == TN_IAC)
				sh->tn_note = SH_TN_IAC;
			break;
		case SH_TN_IAC:
			sh->tn_note_cmd = c;
			if (c >= TN_WILL && c <= TN_DONT)
				sh->tn_note = SH_TN_OPT;
			else if (c == TN_SB)
				sh->tn_note = SH_TN_SB;
			else
				sh->tn_note = SH_TN_DATA;
			break;
		case SH_TN_OPT:
			if (sh->tn_note_cmd <= TN_WONT)
				sh->tn_will[c] = sh->tn_note_cmd;
			else
				sh->tn_do[c] = sh->tn_note_cmd;
			sh->tn_note = SH_TN_DATA;
			break;
		case SH_TN_SB:
			if (c == TN_IAC)
				sh->tn_note = SH_TN_SB_IAC;
			break;
		case SH_TN_SB_IAC:
			sh->tn_note = c == TN_SE ? SH_TN_DATA : SH_TN_SB;
			break;
		}
	}
}

/* A new client's telnet session opens with what the target has said of
 * its options so far, as a server that accepts anew would say it. */
static void
sh_tn_replay(struct shaper *sh)
{
	unsigned	opt;

	for (opt = 0; opt < 256; opt++) {
		if (sh->tn_will[opt] != 0) {
			sh_dir_push(&sh->down, TN_IAC);
			sh_dir_push(&sh->down, sh->tn_will[opt]);
			sh_dir_push(&sh->down, (unsigned char)opt);
		}
		if (sh->tn_do[opt] != 0) {
			sh_dir_push(&sh->down, TN_IAC);
			sh_dir_push(&sh->down, sh->tn_do[opt]);
			sh_dir_push(&sh->down, (unsigned char)opt);
		}
	}
}

static void
sh_accept(struct shaper *sh)
{
	char	err[SH_ERRLEN];
	int	fd;

	fd = accept(sh->lfd, NULL, NULL);
	if (fd == -1)
		return;
	if (sh->cfd != -1) {
		/* One line, one client: refuse the second plainly. */
		static const char msg[] = "shaper: line busy\r\n";
		(void)!write(fd, msg, sizeof msg - 1);
		close(fd);
		return;
	}
	sh_nonblock(fd);
	sh_nodelay(fd, &sh->laddr);
	sh->cfd = fd;
	sh->clients++;
	sh->down.tn = SH_TN_DATA;
	if (sh->telnet)
		sh_tn_replay(sh);
	sh_log("client %llu connected", (unsigned long long)sh->clients);
	if (sh->ufd == -1) {
		if (sh_upstream_open(sh, err) == -1) {
			sh_log("%s", err);
			exit(1);
		}
		sh_log("upstream %s connected", sh->upstream_spec);
	}
}

int
main(int argc, char **argv)
{
	struct shaper		 sh;
	struct sigaction	 sa;
	struct pollfd		 pfd[4];
	unsigned char		 buf[SH_CHUNK];
	char			 err[SH_ERRLEN], path[512];
	const char		*listen_spec = NULL, *up_spec = NULL;
	const char		*record = NULL;
	double			 ber_up = 0, ber_down = 0, drop_up = 0;
	double			 drop_down = 0;
	uint64_t		 seed = 1, now;
	ssize_t			 n;
	int			 i, np, ip_l, ip_c, ip_u, rc = 0;
	bool			 connect_now = false, clean_start = false;

	memset(&sh, 0, sizeof sh);
	sh.lfd = sh.cfd = sh.ufd = -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--selftest") == 0)
			return (sh_selftest());
		if (strcmp(a, "--telnet") == 0) {
			sh.telnet = true;
			continue;
		}
		if (strcmp(a, "--once") == 0) {
			sh.once = true;
			continue;
		}
		if (strcmp(a, "--clean-start") == 0) {
			clean_start = true;
			continue;
		}
		if (strcmp(a, "--connect-now") == 0) {
			connect_now = true;
			continue;
		}
		if (v == NULL)
			sh_usage();
		i++;
		if (strcmp(a, "--listen") == 0)
			listen_spec = v;
		else if (strcmp(a, "--upstream") == 0)
			up_spec = v;
		else if (strcmp(a, "--baud") == 0)
			sh.baud = strtoul(v, NULL, 10);
		else if (strcmp(a, "--ber") == 0)
			ber_up = ber_down = sh_rate(v);
		else if (strcmp(a, "--ber-up") == 0)
			ber_up = sh_rate(v);
		else if (strcmp(a, "--ber-down") == 0)
			ber_down = sh_rate(v);
		else if (strcmp(a, "--drop") == 0)
			drop_up = drop_down = sh_rate(v);
		else if (strcmp(a, "--drop-up") == 0)
			drop_up = sh_rate(v);
		else if (strcmp(a, "--drop-down") == 0)
			drop_down = sh_rate(v);
		else if (strcmp(a, "--seed") == 0)
			seed = strtoull(v, NULL, 0);
		else if (strcmp(a, "--port-file") == 0)
			sh.port_file = v;
		else if (strcmp(a, "--record") == 0)
			record = v;
		else if (strcmp(a, "--usb-latency") == 0) {
			unsigned long ms = strtoul(v, NULL, 10);

			if (ms < 1 || ms > 255)
				sh_usage();
			sh.usb_lat_ns = ms * 1000000ull;
		}
		else
			sh_usage();
	}
	if (listen_spec == NULL || up_spec == NULL ||
	    strlen(listen_spec) >= sizeof sh.listen_spec ||
	    strlen(up_spec) >= sizeof sh.upstream_spec)
		sh_usage();
	snprintf(sh.listen_spec, sizeof sh.listen_spec, "%s", listen_spec);
	snprintf(sh.upstream_spec, sizeof sh.upstream_spec, "%s", up_spec);
	sh.byte_ns = sh_byte_ns(sh.baud);
	sh_dir_init(&sh.down, "down", seed * 2 + 1, ber_down, drop_down);
	sh_dir_init(&sh.up, "up", seed * 2 + 2, ber_up, drop_up);
	if (clean_start)
		sh.down.impair = sh.up.impair = false;
	sh.t0 = sh_now_ns();

	if (record != NULL) {
		mkdir(record, 0755);
		snprintf(path, sizeof path, "%s/down.raw", record);
		sh.down.rec = fopen(path, "w");
		snprintf(path, sizeof path, "%s/up.raw", record);
		sh.up.rec = fopen(path, "w");
		snprintf(path, sizeof path, "%s/events.txt", record);
		sh.events = fopen(path, "w");
		if (sh.down.rec == NULL || sh.up.rec == NULL ||
		    sh.events == NULL) {
			sh_log("--record %s: %s", record, strerror(errno));
			return (1);
		}
	}

	if (pipe(sh.sigpipe) == -1)
		return (1);
	sh_nonblock(sh.sigpipe[0]);
	sh_nonblock(sh.sigpipe[1]);
	sh_sig_fd = sh.sigpipe[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = sh_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (sh_parse_addr(listen_spec, true, &sh.laddr, &sh.laddrlen, err) == -1 ||
	    sh_listen_open(&sh, err) == -1) {
		sh_log("%s", err);
		return (1);
	}
	if (sh.laddr.ss_family == AF_INET)
		sh_log("listening on tcp:127.0.0.1:%u, upstream %s, baud %lu%s",
		    ntohs(((struct sockaddr_in *)&sh.laddr)->sin_port), up_spec,
		    sh.baud, sh.telnet ? ", telnet" : "");
	else
		sh_log("listening on %s, upstream %s, baud %lu%s", listen_spec,
		    up_spec, sh.baud, sh.telnet ? ", telnet" : "");

	if (connect_now) {
		if (sh_upstream_open(&sh, err) == -1) {
			sh_log("%s", err);
			return (1);
		}
		sh_log("upstream %s connected", up_spec);
	}

	while (!sh_sig_quit) {
		if (sh_sig_cut) {
			sh_sig_cut = 0;
			sh_cut(&sh);
		}
		if (sh_sig_restore) {
			sh_sig_restore = 0;
			sh_restore(&sh);
		}
		if (sh_sig_toggle) {
			sh_sig_toggle = 0;
			sh.down.impair = sh.up.impair = !sh.up.impair;
			sh_log("errors %s", sh.up.impair ? "on" : "off");
		}
		np = 0;
		ip_l = ip_c = ip_u = -1;
		pfd[np].fd = sh.sigpipe[0];
		pfd[np++].events = POLLIN;
		if (sh.lfd != -1) {
			ip_l = np;
			pfd[np].fd = sh.lfd;
			pfd[np++].events = POLLIN;
		}
		if (sh.cfd != -1) {
			ip_c = np;
			pfd[np].fd = sh.cfd;
			pfd[np].events = 0;
			if (sh.up.qlen < SH_QMAX / 2)
				pfd[np].events |= POLLIN;
			if (sh.down.qlen > 0 && sh.byte_ns == 0)
				pfd[np].events |= POLLOUT;
			np++;
		}
		if (sh.ufd != -1) {
			ip_u = np;
			pfd[np].fd = sh.ufd;
			pfd[np].events = 0;
			if (sh.down.qlen < SH_QMAX / 2)
				pfd[np].events |= POLLIN;
			if (sh.up.qlen > 0 && sh.byte_ns == 0)
				pfd[np].events |= POLLOUT;
			np++;
		}
		now = sh_now_ns();
		if (poll(pfd, (nfds_t)np, sh_timeout_ms(&sh, now)) == -1) {
			if (errno == EINTR)
				continue;
			sh_log("poll: %s", strerror(errno));
			rc = 1;
			break;
		}
		if (pfd[0].revents & POLLIN)
			while (read(sh.sigpipe[0], buf, sizeof buf) > 0)
				;
		if (ip_u != -1 && (pfd[ip_u].revents & (POLLIN | POLLHUP | POLLERR))) {
			n = read(sh.ufd, buf, sizeof buf);
			if (n == 0 || (n == -1 && errno != EAGAIN &&
			    errno != EINTR)) {
				sh_log("upstream closed");
				break;
			}
			if (n > 0) {
				sh_record(&sh, &sh.down, buf, (size_t)n);
				sh.down.in += (uint64_t)n;
				if (sh.telnet)
					sh_tn_note(&sh, buf, (size_t)n);
				if (sh.cfd == -1)
					sh.down.lost += (uint64_t)n;
				else
					sh_dir_feed(&sh, &sh.down, buf,
					    (size_t)n);
			}
		}
		if (ip_c != -1 && sh.cfd != -1 &&
		    (pfd[ip_c].revents & (POLLIN | POLLHUP | POLLERR))) {
			n = read(sh.cfd, buf, sizeof buf);
			if (n == 0 || (n == -1 && errno != EAGAIN &&
			    errno != EINTR)) {
				sh_client_close(&sh, "client went away");
				if (sh.once)
					break;
			} else if (n > 0) {
				sh_record(&sh, &sh.up, buf, (size_t)n);
				sh.up.in += (uint64_t)n;
				sh_dir_feed(&sh, &sh.up, buf, (size_t)n);
			}
		}
		/* After the client's read: a client that closed just before a
		 * new one connected is gone by now, so the new one is not
		 * turned away as a second client. */
		if (ip_l != -1 && (pfd[ip_l].revents & POLLIN))
			sh_accept(&sh);
		now = sh_now_ns();
		sh_pace(&sh, &sh.down, sh.cfd, now);
		sh_usb_flush(&sh, sh.cfd, now);
		sh_pace(&sh, &sh.up, sh.ufd, now);
	}
	sh_stats(&sh);
	if (sh.cfd != -1)
		close(sh.cfd);
	if (sh.ufd != -1)
		close(sh.ufd);
	if (sh.lfd != -1)
		close(sh.lfd);
	if (sh.laddr.ss_family == AF_UNIX)
		unlink(((struct sockaddr_un *)&sh.laddr)->sun_path);
	if (sh.down.rec != NULL)
		fclose(sh.down.rec);
	if (sh.up.rec != NULL)
		fclose(sh.up.rec);
	if (sh.events != NULL)
		fclose(sh.events);
	free(sh.down.q);
	free(sh.up.q);
	return (rc);
}
