/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_gdb.c: gdb.c and target.c together, driven by golden
 * transcripts (tests/data/transcripts/NAME.txt, in the spirit of curl's
 * tests/data): what each gdb sends, what the target sends, and exactly
 * what each side must have received. gdb connections are socketpairs; the
 * target is the fake link of fakelink.h.
 *
 * Transcript lines (one action or check each; C escapes \r \n \\ \xNN;
 * "#**" after a "$payload" is replaced by its checksum; "{s*N}" repeats s;
 * "{hex:text}" is text in hex, as in O and qRcmd packets):
 *   # text              comment
 *   opt NAME            quick_timeouts (ack 30 ms, reply 60 ms: for
 *                       transcripts about timeouts; else the engine's
 *                       own) | takeover | no8bit | break_on_connect | no_break |
 *                       console_only | cache (the stop-state cache, as
 *                       main.c sets it up) | image_rv (after cache: the
 *                       image region of the riscv64 lab's kernel,
 *                       ffffffff80000000..ffffffff81000000) | arm64, riscv64 (the
 *                       target's architecture; before cache) |
 *                       step_irqs_kernel | sleepers | sleepers_off |
 *                       sleepers_nodwarf (bridge/sleepers.c on the vmlinux
 *                       fixture tests/data/dwarf/itf-6.1.c, built with and
 *                       without DWARF; _off: --no-sleepers) |
 *                       taskregs | taskregs_off | taskregs_nodwarf
 *                       (bridge/taskregs.c on the arm64 task_struct
 *                       fixture tests/data/dwarf/taskregs-arm64.c; _off:
 *                       --no-taskregs; _nodwarf: no --vmlinux) |
 *                       rvbreak (a vmlinux with kgdb_compiled_break and
 *                       kgdb_setting_breakpoint: tests/data/dwarf/
 *                       rvbreak.c; after riscv64) |
 *                       prefetch | prefetch_off (bridge/prefetch.c, after
 *                       cache; _off: --no-prefetch; its quiet time is
 *                       TR_QUIET_MS, so a transcript's own pace never
 *                       lets it in: "waitwire" does)
 *   state kdb|stopped|stopped-s|kgdbwait
 *                       put the target there (wire cleared); stopped-s: at a
 *                       stop that names no thread (S05)
 *   connect X           gdb X (a letter) connects
 *   close X             gdb X hangs up
 *   X> bytes            gdb X sends
 *   T> bytes            the target sends
 *   K> bytes            keyboard input to the console (must be accepted)
 *   K! bytes            keyboard input that must be held back
 *   link down|up        the target link goes away or comes back
 *   X: bytes            gdb X received exactly this since the last check
 *   X~ text             the next packet gdb X received (with any acks
 *                       before it) contains text; consumed through its
 *                       checksum
 *   X! closed           gdb X's connection was closed by the bridge
 *   wire: bytes         the bridge wrote exactly this to the target
 *   console: bytes      the console got exactly this since the last check
 *   console~ text       the console got text since the last check;
 *                       consumed through the end of the line text is on
 *   state? NAME         target state name (br_target_state_name)
 *   wait MS             run the loop until MS pass (timeouts fire)
 *   waitwire MS         run until the bridge writes to the target
 * Anything else is an error.  At the end of a transcript every byte each
 * gdb received, the bridge wrote to the target and the console got must
 * have been checked, and every connection the bridge closed must have
 * been checked with "X! closed": a transcript says all that happened.
 */
#include <sys/socket.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/unit/fakelink.h"
#include "tests/unit/fixdir.h"
#include "bridge/prefetch.h"
#include "bridge/sleepers.h"
#include "bridge/taskregs.h"

#define TR_DIR	"tests/data/transcripts"
#define TR_QUIET_MS	400	/* the read-ahead's wait for a quiet line */
#define TR_MAX	64

struct tr_gdb {
	int	 fd;
	char	 in[FK_BUF];
	size_t	 inlen;
	bool	 closed;		/* the bridge closed it */
	bool	 closed_seen;		/* ... and "X! closed" said so */
	bool	 used;
};

struct tr {
	const char	*path;
	struct bridge	 br;
	struct tr_gdb	 g[26];
	size_t		 conspos;	/* console bytes checked so far */
	bool		 quick;		/* opt quick_timeouts */
};

static char	*tr_names[TR_MAX];
static char	 fixdir[1024];	/* the DWARF fixtures, by test_gdb */

/* Expand escapes, "{s*N}" runs and "$payload#**" checksums. */
static size_t
tr_expand(const char *in, char *out, size_t outmax)
{
	char		 tmp[FK_BUF];
	size_t		 n = 0, i, start = 0;
	const char	*p = in, *star, *close;
	unsigned	 sum;
	long		 rep;
	bool		 inpkt = false, hex = false;
	char		 c;

	while (*p != '\0' && n < sizeof tmp - 2) {
		if (!hex && strncmp(p, "{hex:", 5) == 0) {
			hex = true;
			p += 5;
			continue;
		}
		if (hex && *p == '}') {
			hex = false;
			p++;
			continue;
		}
		if (!hex && *p == '{' && (star = strchr(p, '*')) != NULL &&
		    (close = strchr(star, '}')) != NULL) {
			rep = strtol(star + 1, NULL, 10);
			while (rep-- > 0)
				for (i = 0; p + 1 + i < star &&
				    n < sizeof tmp - 1; i++)
					tmp[n++] = p[1 + i];
			p = close + 1;
			continue;
		}
		if (*p == '\\' && p[1] != '\0') {
			p++;
			switch (*p) {
			case 'r':
				c = '\r';
				break;
			case 'n':
				c = '\n';
				break;
			case 'b':
				c = '\b';
				break;
			case 'x':
				if (!isxdigit((unsigned char)p[1]) ||
				    !isxdigit((unsigned char)p[2])) {
					c = 'x';
					break;
				}
				c = (char)strtol((char[]){ p[1], p[2], 0 },
				    NULL, 16);
				p += 2;
				break;
			default:
				c = *p;
			}
			p++;
		} else
			c = *p++;
		if (hex) {
			tmp[n++] = "0123456789abcdef"[((uint8_t)c >> 4) & 0xf];
			tmp[n++] = "0123456789abcdef"[(uint8_t)c & 0xf];
		} else
			tmp[n++] = c;
	}
	/* Checksums, in a second pass over the expanded bytes. */
	for (i = 0; i < n; i++) {
		if (tmp[i] == '$') {
			inpkt = true;
			start = i + 1;
		} else if (inpkt && tmp[i] == '#' && i + 2 < n &&
		    tmp[i + 1] == '*' && tmp[i + 2] == '*') {
			size_t	k;

			sum = 0;
			for (k = start; k < i; k++)
				sum += (uint8_t)tmp[k];
			tmp[i + 1] = "0123456789abcdef"[(sum >> 4) & 0xf];
			tmp[i + 2] = "0123456789abcdef"[sum & 0xf];
			inpkt = false;
		} else if (tmp[i] == '#')
			inpkt = false;
	}
	if (n > outmax)
		n = outmax;
	memcpy(out, tmp, n);
	return (n);
}

static void
tr_pump(struct tr *t)
{
	struct tr_gdb	*g;
	ssize_t		 r;
	int		 i, k;

	for (k = 0; k < 4; k++) {
		fk_settle(t->br.base);
		for (i = 0; i < 26; i++) {
			g = &t->g[i];
			if (g->fd < 0 || g->closed)
				continue;
			for (;;) {
				r = read(g->fd, g->in + g->inlen,
				    sizeof g->in - 1 - g->inlen);
				if (r > 0) {
					g->inlen += (size_t)r;
					continue;
				}
				if (r == 0)
					g->closed = true;
				break;
			}
			g->in[g->inlen] = '\0';
		}
	}
}

static void
tr_fail(const char *path, int line, const char *what, const char *want,
    size_t wantlen, const char *got, size_t gotlen)
{
	print_error("%s:%d: %s\n  want: \"%.*s\"\n  got:  \"%.*s\"\n", path,
	    line, what, (int)wantlen, want, (int)gotlen, got);
	fail();
}

/* Where needle first occurs in hay (bytes, not strings), or NULL. */
static const char *
tr_find(const char *hay, size_t haylen, const char *needle, size_t nlen)
{
	size_t	i;

	if (nlen > haylen)
		return (NULL);
	for (i = 0; i + nlen <= haylen; i++)
		if (memcmp(hay + i, needle, nlen) == 0)
			return (hay + i);
	return (NULL);
}

/*
 * The length of the next unit gdb g received: acks, then a packet through
 * its checksum (or everything, if no whole packet is there).
 */
static size_t
tr_unit(const struct tr_gdb *g)
{
	size_t	i = 0;

	while (i < g->inlen && (g->in[i] == '+' || g->in[i] == '-'))
		i++;
	if (i == g->inlen || g->in[i] != '$')
		return (g->inlen);
	while (i < g->inlen && g->in[i] != '#')
		i++;
	if (i + 3 > g->inlen)
		return (g->inlen);
	return (i + 3);
}

/* Drop the first n bytes of what gdb g received (they were checked). */
static void
tr_consume(struct tr_gdb *g, size_t n)
{
	memmove(g->in, g->in + n, g->inlen - n);
	g->inlen -= n;
	g->in[g->inlen] = '\0';
}

/* The gdb a transcript line names by its letter c, or NULL (and a failure). */
static struct tr_gdb *
tr_gdb_at(struct tr *t, char c, const char *path, int lineno,
    const char *line)
{
	if (c < 'A' || c > 'Z' || c == 'T' || c == 'K') {
		print_error("%s:%d: no gdb letter in '%s'\n", path, lineno,
		    line);
		fail();
		return (NULL);
	}
	return (&t->g[c - 'A']);
}

/*
 * The end of a transcript: nothing may be left unchecked.  Returns the
 * number of complaints.
 */
static int
tr_drained(struct tr *t, const char *path)
{
	struct tr_gdb	*g;
	int		 i, bad = 0;

	tr_pump(t);
	for (i = 0; i < 26; i++) {
		g = &t->g[i];
		if (g->inlen > 0) {
			print_error("%s: end: gdb %c received unchecked "
			    "\"%.*s\"\n", path, 'A' + i, (int)g->inlen, g->in);
			bad++;
		}
		if (g->closed && !g->closed_seen) {
			print_error("%s: end: the bridge closed gdb %c, "
			    "unchecked (%c! closed)\n", path, 'A' + i, 'A' + i);
			bad++;
		}
	}
	if (fk.wirelen > 0) {
		print_error("%s: end: the target received unchecked "
		    "\"%.*s\"\n", path, (int)fk.wirelen, fk.wire);
		bad++;
	}
	if (fk.consolelen > t->conspos) {
		print_error("%s: end: the console got unchecked \"%.*s\"\n",
		    path, (int)(fk.consolelen - t->conspos),
		    fk.console + t->conspos);
		bad++;
	}
	return (bad);
}

static void
tr_prefetch_sink(void *arg, const struct br_event *ev)
{
	br_prefetch_note(((struct bridge *)arg)->prefetch, ev);
}

static void
tr_taskregs_sink(void *arg, const struct br_event *ev)
{
	br_taskregs_note(arg, ev);	/* as main.c */
}

static void
run_transcript(void **state)
{
	const char	*name = *state;
	char		 path[512], line[FK_BUF], buf[FK_BUF], err[BR_ERRLEN];
	FILE		*fp;
	struct tr	*t;
	struct tr_gdb	*g;
	size_t		 n;
	int		 lineno = 0, sv[2], i;
	char		*arg;

	snprintf(path, sizeof path, "%s/%s", TR_DIR, name);
	fp = fopen(path, "r");
	assert_non_null(fp);
	t = calloc(1, sizeof *t);
	for (i = 0; i < 26; i++)
		t->g[i].fd = -1;
	fk_reset();
	t->br.base = event_base_new();
	t->br.arch = rsp_arch_get(RSP_ARCH_X86_64);
	t->br.link = (struct br_link *)&fk;
	t->br.console = (struct br_console *)&fk;
	t->br.nsinks = 0;
	br_notify_sink(&t->br, fk_cache_sink, &t->br);	/* as main.c */
	br_notify_sink(&t->br, fk_sink, NULL);

	while (fgets(line, sizeof line, fp) != NULL) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (strncmp(line, "opt ", 4) == 0) {
			arg = line + 4;
			if (strcmp(arg, "quick_timeouts") == 0)
				t->quick = true;
			else if (strcmp(arg, "takeover") == 0)
				t->br.opts.takeover = true;
			else if (strcmp(arg, "break_on_connect") == 0)
				t->br.opts.break_on_connect = true;
			else if (strcmp(arg, "no8bit") == 0)
				fk.caps |= BR_LINK_NO_8BIT;
			else if (strcmp(arg, "no_break") == 0)
				fk.caps &= ~BR_LINK_CAN_BREAK;
			else if (strcmp(arg, "console_only") == 0)
				fk.caps = BR_LINK_CONSOLE_ONLY;
			else if (strcmp(arg, "arm64") == 0 &&
			    t->br.cache == NULL)
				t->br.arch = rsp_arch_get(RSP_ARCH_ARM64);
			else if (strcmp(arg, "riscv64") == 0 &&
			    t->br.cache == NULL)
				t->br.arch = rsp_arch_get(RSP_ARCH_RISCV64);
			else if (strcmp(arg, "step_irqs_kernel") == 0)
				t->br.opts.step_irqs = BR_STEP_IRQS_KERNEL;
			else if (strcmp(arg, "cache") == 0 &&
			    t->br.cache == NULL)
				t->br.cache = br_cache_new(t->br.arch);
			else if (strcmp(arg, "image_rv") == 0 &&
			    t->br.cache != NULL)
				br_cache_set_region(t->br.cache,
				    BR_CACHE_REGION_IMAGE, 0xffffffff80000000ULL,
				    0xffffffff81000000ULL);
			else if (strncmp(arg, "prefetch", 8) == 0 &&
			    t->br.cache != NULL && t->br.prefetch == NULL) {
				t->br.prefetch = br_prefetch_new(&t->br,
				    strcmp(arg, "prefetch_off") != 0);
				br_prefetch_set_quiet(t->br.prefetch,
				    TR_QUIET_MS);
				br_notify_sink(&t->br, tr_prefetch_sink,
				    &t->br);
			} else if (strncmp(arg, "sleepers", 8) == 0 &&
			    t->br.sleepers == NULL) {
				snprintf(buf, sizeof buf, "%s/itf-6.1-64%s",
				    fixdir, strcmp(arg, "sleepers_nodwarf") ==
				    0 ? "-nodebug" : "");
				t->br.sleepers = br_sleepers_new(t->br.arch,
				    buf, strcmp(arg, "sleepers_off") != 0);
			}
			else if (strncmp(arg, "taskregs", 8) == 0 &&
			    t->br.taskregs == NULL) {
				snprintf(buf, sizeof buf, "%s/taskregs-arm64",
				    fixdir);
				t->br.taskregs = br_taskregs_new(t->br.arch,
				    strcmp(arg, "taskregs_nodwarf") == 0 ?
				    NULL : buf, strcmp(arg, "taskregs_off") !=
				    0);
				br_notify_sink(&t->br, tr_taskregs_sink,
				    &t->br);
			}
			else if (strcmp(arg, "rvbreak") == 0 &&
			    t->br.vmlinux == NULL) {
				snprintf(buf, sizeof buf, "%s/rvbreak-64",
				    fixdir);
				t->br.vmlinux = br_vmlinux_open(buf, 0, err);
				assert_non_null(t->br.vmlinux);
			}
			else {
				print_error("%s:%d: unknown opt '%s'\n", path,
				    lineno, arg);
				fail();
			}
			continue;
		}
		/* The gdb side exists from the first non-opt line. */
		if (t->br.gdb == NULL) {
			/* The target's limits come from the architecture. */
			t->br.target = br_target_new(&t->br, t->br.link);
			/* The engine's own waits, so a host busy for a
			 * moment (CI beside a lab run) resends nothing; a
			 * transcript about timeouts says quick_timeouts. */
			if (t->quick)
				br_target_set_timeouts(t->br.target, 30, 60,
				    300);
			else
				br_target_set_timeouts(t->br.target, 400,
				    1200, 300);
			t->br.opts.gdb_port = BR_PORT_OFF; /* by fd */
			t->br.gdb = br_gdb_new(&t->br, err);
			assert_non_null(t->br.gdb);
		}
		if (strncmp(line, "state ", 6) == 0) {
			arg = line + 6;
			if (strcmp(arg, "kdb") == 0)
				n = tr_expand("\\r\\nEntering kdb (current="
				    "0xffffffff81811600, pid 0) on processor 0 "
				    "due to NonMaskable Interrupt @ "
				    "0xffffffff8108cfa5\\r\\n[0]kdb> ", buf,
				    sizeof buf);
			else if (strcmp(arg, "stopped") == 0)
				n = tr_expand("$T05thread:01;#**", buf,
				    sizeof buf);
			else if (strcmp(arg, "stopped-s") == 0)
				n = tr_expand("$S05#**", buf, sizeof buf);
			else if (strcmp(arg, "kgdbwait") == 0)
				n = tr_expand("KGDB: Waiting for connection "
				    "from remote gdb...\\r\\n", buf,
				    sizeof buf);
			else {
				print_error("%s:%d: unknown state '%s'\n",
				    path, lineno, arg);
				fail();
				continue;	/* not reached */
			}
			br_target_input(t->br.target, buf, n);
			tr_pump(t);
			fk.wirelen = 0;
			fk.consolelen = 0;
			t->conspos = 0;
		} else if (strncmp(line, "connect ", 8) == 0) {
			g = tr_gdb_at(t, line[8], path, lineno, line);
			if (g->used || line[9] != '\0') {
				print_error("%s:%d: gdb %c connected before, or "
				    "a bad line\n", path, lineno, line[8]);
				fail();
			}
			g->used = true;
			assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0,
			    sv), 0);
			fcntl(sv[0], F_SETFL, O_NONBLOCK);
			g->fd = sv[0];
			br_gdb_attach_fd(t->br.gdb, sv[1]);
			tr_pump(t);
		} else if (strncmp(line, "close ", 6) == 0) {
			g = tr_gdb_at(t, line[6], path, lineno, line);
			if (g->fd < 0 || line[7] != '\0') {
				print_error("%s:%d: no gdb %c to close\n", path,
				    lineno, line[6]);
				fail();
			}
			/* What it got and did not read is gone with it. */
			if (g->inlen > 0)
				tr_fail(path, lineno, "gdb closed with unchecked "
				    "input", "", 0, g->in, g->inlen);
			close(g->fd);
			g->fd = -1;
			tr_pump(t);
		} else if (line[0] >= 'A' && line[0] <= 'Z' && line[0] != 'T' &&
		    line[0] != 'K' && line[1] == '>' && line[2] == ' ') {
			g = tr_gdb_at(t, line[0], path, lineno, line);
			if (g->fd < 0) {
				print_error("%s:%d: gdb %c is not connected\n",
				    path, lineno, line[0]);
				fail();
			}
			n = tr_expand(line + 3, buf, sizeof buf);
			if (write(g->fd, buf, n) != (ssize_t)n) {
				print_error("%s:%d: write: %s\n", path, lineno,
				    strerror(errno));
				fail();
			}
			tr_pump(t);
		} else if (strncmp(line, "T> ", 3) == 0) {
			n = tr_expand(line + 3, buf, sizeof buf);
			br_target_input(t->br.target, buf, n);
			tr_pump(t);
		} else if (strncmp(line, "K> ", 3) == 0) {
			n = tr_expand(line + 3, buf, sizeof buf);
			if (br_target_console_input(t->br.target, buf, n,
			    err) != 0)
				tr_fail(path, lineno, "keyboard refused", "",
				    0, err, strlen(err));
			tr_pump(t);
		} else if (strncmp(line, "K! ", 3) == 0) {
			n = tr_expand(line + 3, buf, sizeof buf);
			if (br_target_console_input(t->br.target, buf, n,
			    err) == 0)
				tr_fail(path, lineno, "keyboard not held",
				    "held", 4, "sent", 4);
			tr_pump(t);
		} else if (strcmp(line, "link up") == 0 ||
		    strcmp(line, "link down") == 0) {
			fk.up = strcmp(line + 5, "up") == 0;
			br_target_link_changed(t->br.target, fk.up);
			tr_pump(t);
		} else if (line[0] >= 'A' && line[0] <= 'Z' && line[1] == ':' &&
		    (line[2] == '\0' || line[2] == ' ')) {
			g = tr_gdb_at(t, line[0], path, lineno, line);
			tr_pump(t);
			n = line[2] == '\0' ? 0 : tr_expand(line + 3, buf,
			    sizeof buf);
			if (n != g->inlen || memcmp(buf, g->in, n) != 0)
				tr_fail(path, lineno, "gdb received", buf, n,
				    g->in, g->inlen);
			g->inlen = 0;
		} else if (line[0] >= 'A' && line[0] <= 'Z' && line[1] == '~' &&
		    line[2] == ' ' && line[3] != '\0') {
			size_t	 unit;

			g = tr_gdb_at(t, line[0], path, lineno, line);
			tr_pump(t);
			n = tr_expand(line + 3, buf, sizeof buf);
			unit = tr_unit(g);
			if (tr_find(g->in, unit, buf, n) == NULL)
				tr_fail(path, lineno, "gdb received (part)",
				    buf, n, g->in, g->inlen);
			tr_consume(g, unit);
		} else if (line[0] >= 'A' && line[0] <= 'Z' && line[1] == '!' &&
		    strcmp(line + 2, " closed") == 0) {
			g = tr_gdb_at(t, line[0], path, lineno, line);
			tr_pump(t);
			if (!g->closed)
				tr_fail(path, lineno, "gdb closed", "closed",
				    6, "open", 4);
			g->closed_seen = true;
		} else if (strncmp(line, "wire:", 5) == 0) {
			tr_pump(t);
			n = line[5] == '\0' ? 0 : tr_expand(line + 6, buf,
			    sizeof buf);
			if (n != fk.wirelen || memcmp(buf, fk.wire, n) != 0)
				tr_fail(path, lineno, "target received", buf,
				    n, fk.wire, fk.wirelen);
			fk.wirelen = 0;
		} else if (strncmp(line, "console~ ", 9) == 0 &&
		    line[9] != '\0') {
			const char	*at;

			tr_pump(t);
			n = tr_expand(line + 9, buf, sizeof buf);
			if ((at = tr_find(fk.console + t->conspos,
			    fk.consolelen - t->conspos, buf, n)) == NULL)
				tr_fail(path, lineno, "console", buf, n,
				    fk.console + t->conspos,
				    fk.consolelen - t->conspos);
			else {
				/* Through the end of its line. */
				t->conspos = (size_t)(at - fk.console) + n;
				if (n > 0 && buf[n - 1] != '\n')
					while (t->conspos < fk.consolelen &&
					    fk.console[t->conspos++] != '\n')
						;
			}
		} else if (strcmp(line, "console:") == 0 ||
		    strncmp(line, "console: ", 9) == 0) {
			tr_pump(t);
			n = line[8] == '\0' ? 0 : tr_expand(line + 9, buf,
			    sizeof buf);
			if (n != fk.consolelen - t->conspos ||
			    memcmp(buf, fk.console + t->conspos, n) != 0)
				tr_fail(path, lineno, "console", buf, n,
				    fk.console + t->conspos,
				    fk.consolelen - t->conspos);
			t->conspos = fk.consolelen;
		} else if (strncmp(line, "state? ", 7) == 0) {
			const char *st = br_target_state_name(
			    br_target_state(t->br.target));

			if (strcmp(st, line + 7) != 0)
				tr_fail(path, lineno, "state", line + 7,
				    strlen(line + 7), st, strlen(st));
		} else if (strncmp(line, "panics? ", 8) == 0) {
			/* Panic or oops notes so far (fk_sink counts them). */
			char	got[16];

			tr_pump(t);
			snprintf(got, sizeof got, "%d",
			    fk.notes[BR_NOTE_PANIC]);
			if (strcmp(got, line + 8) != 0)
				tr_fail(path, lineno, "panic notes", line + 8,
				    strlen(line + 8), got, strlen(got));
		} else if (strncmp(line, "wait ", 5) == 0) {
			fk_run_ms(t->br.base, (unsigned)atoi(line + 5));
			tr_pump(t);
		} else if (strncmp(line, "waitwire ", 9) == 0) {
			fk_run_until_wire(t->br.base, (unsigned)atoi(line + 9));
			tr_pump(t);
		} else {
			print_error("%s:%d: bad line '%s'\n", path, lineno,
			    line);
			fail();
		}
	}
	fclose(fp);
	if (t->br.gdb == NULL) {
		print_error("%s: nothing but options\n", path);
		fail();
	}
	if (tr_drained(t, path) > 0)
		fail();
	br_gdb_free(t->br.gdb);
	br_prefetch_free(t->br.prefetch);
	br_target_free(t->br.target);
	br_cache_free(t->br.cache);	/* after the target, as in main.c */
	br_sleepers_free(t->br.sleepers);
	br_taskregs_free(t->br.taskregs);
	br_vmlinux_free(t->br.vmlinux);
	for (i = 0; i < 26; i++)
		if (t->g[i].fd >= 0)
			close(t->g[i].fd);
	event_base_free(t->br.base);
	free(t);
}

static int
cmp_names(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

int
main(int argc, char **argv)
{
	struct CMUnitTest	 tests[TR_MAX];
	DIR			*d;
	struct dirent		*de;
	size_t			 n = 0, i, len;
	int			 rc;

	(void)argc;
	fixdir_init(fixdir, sizeof fixdir, argv[0]);
	if ((d = opendir(TR_DIR)) == NULL) {
		fprintf(stderr, "%s: %s\n", TR_DIR, strerror(errno));
		return (1);
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 4 || strcmp(de->d_name + len - 4, ".txt") != 0)
			continue;
		if (n == TR_MAX) {
			fprintf(stderr, "%s: more than %d transcripts\n",
			    TR_DIR, TR_MAX);
			return (1);
		}
		tr_names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (n == 0) {
		fprintf(stderr, "%s: no transcripts\n", TR_DIR);
		return (1);
	}
	qsort(tr_names, n, sizeof tr_names[0], cmp_names);
	for (i = 0; i < n; i++) {
		memset(&tests[i], 0, sizeof tests[i]);
		tests[i].name = tr_names[i];
		tests[i].test_func = run_transcript;
		tests[i].initial_state = tr_names[i];
	}
	rc = _cmocka_run_group_tests("transcripts", tests, n, NULL, NULL);
	for (i = 0; i < n; i++)
		free(tr_names[i]);
	return (rc);
}
