/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/unit/test_demux.c: rsp/demux.c, table-driven.
 *
 * Each row feeds one input (whole, at clock 0, then flush) and compares the
 * normalised event string of tests/fuzz/demux_rec.h. Every row is also
 * replayed cut at every single offset and at random multi-cuts, and so is
 * every wire fixture under tests/data/demux/ and tests/data/kgdb/.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rsp/rsp.h"
#include "tests/fuzz/demux_rec.h"

/* ---- allocation counter (tests/unit/test_demux.mk wraps these) */
void	*__real_malloc(size_t);
void	*__real_calloc(size_t, size_t);
void	*__real_realloc(void *, size_t);
void	*__wrap_malloc(size_t);
void	*__wrap_calloc(size_t, size_t);
void	*__wrap_realloc(void *, size_t);

static unsigned long test_allocs;

void *
__wrap_malloc(size_t n)
{
	test_allocs++;
	return (__real_malloc(n));
}

void *
__wrap_calloc(size_t n, size_t m)
{
	test_allocs++;
	return (__real_calloc(n, m));
}

void *
__wrap_realloc(void *p, size_t n)
{
	test_allocs++;
	return (__real_realloc(p, n));
}

/* ---- rows */

#define T_TEXT		0
#define T_BIN		1
#define T_NOMARK	2
#define T_ACKPKT	4	/* expect an ack again after each frame */

struct demux_row {
	const char	*name;
	int		 flags;
	size_t		 hold;
	size_t		 maxpay;
	bool		 expect_ack;
	const char	*in;
	size_t		 inlen;		/* 0: strlen(in) */
	const char	*want;
};

#define KDB_BANNER \
	"\r\nEntering kdb (current=0xffffffff81811600, pid 0) on processor " \
	"0 due to NonMaskable Interrupt @ 0xffffffff8108cfa5\r\n"

static const struct demux_row rows[] = {
	{ "console only", 0, 0, 0, false,
	  "[    2.973145] hello\r\nworld\r\n", 0,
	  "C:[    2.973145] hello\\r\\nworld\\r\\n" },
	{ "empty input", 0, 0, 0, false, "", 0, "" },
	{ "one packet", 0, 0, 0, false, "$OK#9a", 0, "P:OK" },
	{ "empty packet", 0, 0, 0, false, "$#00", 0, "P:" },
	{ "packet between text", 0, 0, 0, false, "ab$S05#b8cd", 0,
	  "C:ab|P:S05|C:cd" },
	{ "upper-case checksum", 0, 0, 0, false, "$T05thread:01;#07", 0,
	  "P:T05thread:01;" },
	{ "checksum mismatch", 0, 0, 0, false, "$OK#9b", 0, "B-4:$OK#9b" },
	{ "non-hex checksum", 0, 0, 0, false, "$OK#zz", 0, "B-3:$OK#zz" },
	{ "ack without expect is console", 0, 0, 0, false, "+-+", 0,
	  "C:+-+" },
	{ "ack with expect", 0, 0, 0, true, "+$S05#b8", 0, "A|P:S05" },
	{ "nak with expect", 0, 0, 0, true, "-+", 0, "N|C:+" },
	{ "only the first ack counts", 0, 0, 0, true, "x+ +", 0,
	  "C:x|A|C: +" },
	{ "acks again after a frame", T_ACKPKT, 0, 0, true,
	  "+$O4869#2a+$OK#9a+", 0, "A|O:Hi|A|P:OK|A" },
	{ "$HOME", 0, 0, 0, false, "echo $HOME is set\r\n", 0,
	  "C:echo $HOME is set\\r\\n" },
	{ "new $ restarts", 0, 0, 0, false, "$ab$OK#9a", 0, "C:$ab|P:OK" },
	{ "dollars", 0, 0, 0, false, "$$$ $", 0, "C:$$$ $" },
	{ "$ at end flushed", 0, 0, 0, false, "cost $", 0, "C:cost $" },
	{ "CR in checksum releases", 0, 0, 0, false, "$5#\r\n", 0,
	  "C:$5#\\r\\n" },
	{ "hold_bytes cap", 0, 8, 0, false, "$abcdefghij#00", 0,
	  "C:$abcdefghij#00" },
	{ "hold_bytes cap then frame", 0, 8, 0, false,
	  "$abcdefgh$OK#9a", 0, "C:$abcdefgh|P:OK" },
	{ "O packet", 0, 0, 0, false, "$O48690a#bb", 0, "O:Hi\\n" },
	{ "OK is a packet", 0, 0, 0, false, "$OK#9a", 0, "P:OK" },
	{ "odd O is a packet", 0, 0, 0, false, "$O486#f1", 0, "P:O486" },
	{ "bare O is a packet", 0, 0, 0, false, "$O#4f", 0, "P:O" },
	{ "RLE", 0, 0, 0, false, "$0*!#7b", 0, "P:00000" },
	{ "RLE at start", 0, 0, 0, false, "$*!#4b", 0, "B-7:$*!#4b" },
	{ "escape at end", 0, 0, 0, false, "$}#7d", 0, "B-6:$}#7d" },
	{ "oversize payload", 0, 0, 4, false, "$abcde#ef", 0,
	  "B-2:$abcde#ef" },
	{ "payload at the cap", 0, 0, 4, false, "$abcd#8a", 0, "P:abcd" },
	{ "RLE over the cap", 0, 0, 4, false, "$a*!#ac", 0,
	  "B-2:$a*!#ac" },
	{ "kdb prompt", 0, 0, 0, false, "[0]kdb> ", 0, "C:[0]kdb> |Mprompt0" },
	{ "UP kdb prompt", 0, 0, 0, false, "x\r\nkdb> ls", 0,
	  "C:x\\r\\nkdb> |Mprompt|C:ls" },
	{ "prompt after CRLF", 0, 0, 0, false, "bt\r\n[12]kdb> ", 0,
	  "C:bt\\r\\n[12]kdb> |Mprompt12" },
	{ "prompt after CR", 0, 0, 0, false, "x\x08 \r[1]kdb> ", 0,
	  "C:x\\x08 \\r[1]kdb> |Mprompt1" },
	{ "prompt not at line start", 0, 0, 0, false, "a[0]kdb> ", 0,
	  "C:a[0]kdb> " },
	{ "prompt without space", 0, 0, 0, false, "[0]kdb>x", 0,
	  "C:[0]kdb>x" },
	{ "pager", 0, 0, 0, false, "RAX: 0\r\nmore> ", 0,
	  "C:RAX: 0\\r\\nmore> |Mpager" },
	{ "kdb banner", 0, 0, 0, false, KDB_BANNER "[0]kdb> ", 0,
	  "C:\\r\\nEntering kdb (|Menter|C:current=0xffffffff81811600, "
	  "pid 0) on processor 0 due to NonMaskable Interrupt @ "
	  "0xffffffff8108cfa5\\r\\n[0]kdb> |Mprompt0" },
	{ "kgdbwait", 0, 0, 0, false,
	  "[    0.4] KGDB: Waiting for connection from remote gdb...\r\n", 0,
	  "C:[    0.4] KGDB: Waiting for connection from remote gdb|Mwait|"
	  "C:...\\r\\n" },
	{ "kgdb or $3#33", 0, 0, 0, false, "KGDB: KGDB or $3#33 for KDB\r\n",
	  0, "C:KGDB: KGDB or |P:3|C: for KDB|Mwait|C:\\r\\n" },
	{ "kgdb trap wait", 0, 0, 0, false,
	  "KGDB: waiting... or $3#33 for KDB", 0,
	  "C:KGDB: waiting... or |P:3|C: for KDB|Mwait" },
	{ "panic", 0, 0, 0, false,
	  "[   20.1] Kernel panic - not syncing: crash\r\n", 0,
	  "C:[   20.1] Kernel panic - not syncing|Mpanic|C:: crash\\r\\n" },
	{ "oops after timestamp", 0, 0, 0, false,
	  "[   12.3] Oops: 0000 [#1] SMP\r\n", 0,
	  "C:[   12.3] Oops:|Moops|C: 0000 [#1] SMP\\r\\n" },
	{ "BUG:", 0, 0, 0, false, "[ 1.0] BUG: kernel NULL\r\n", 0,
	  "C:[ 1.0] BUG:|Moops|C: kernel NULL\\r\\n" },
	{ "gpf", 0, 0, 0, false, "general protection fault, x", 0,
	  "C:general protection fault|Moops|C:, x" },
	{ "kernel BUG at", 0, 0, 0, false, "kernel BUG at mm/x.c:1!", 0,
	  "C:kernel BUG at |Moops|C:mm/x.c:1!" },
	{ "marks off", T_NOMARK, 0, 0, false, "Oops: x\r\n[0]kdb> ", 0,
	  "C:Oops: x\\r\\n[0]kdb> " },
	{ "binary packet", T_BIN, 0, 0, false, "$X0,2:\x00\xff#" "1f", 11,
	  "P:X0,2:\\x00\\xff" },
	{ "binary escape }#", T_BIN, 0, 0, false, "$}\x03#80", 0, "P:#" },
	{ "binary escape }$ and }}", T_BIN, 0, 0, false, "$}\x04}]#5b", 0,
	  "P:$}" },
	{ "binary space is data", T_BIN, 0, 0, false, "$a b#e3", 0,
	  "P:a b" },
	{ "text }# ends the frame", 0, 0, 0, false, "$}#7d", 0,
	  "B-6:$}#7d" },
	{ "binary new $ restarts", T_BIN, 0, 0, false, "$ab\r$OK#9a", 0,
	  "C:$ab\\r|P:OK" },
	{ "binary $ in checksum", T_BIN, 0, 0, false, "$OK#9$OK#9a", 0,
	  "B-3:$OK#9|P:OK" },
	{ "binary oversize", T_BIN, 8, 0, false, "$abcdefghij#00+", 0,
	  "B-2:$abcdefg|B-2:hij#00|C:+" },
	{ "binary oversize resync on $", T_BIN, 8, 0, false,
	  "$abcdefghij$OK#9a", 0, "B-2:$abcdefg|B-2:hij|P:OK" },
	{ "binary oversize }# is data", T_BIN, 6, 0, false,
	  "$abcdef}#gh#00x", 0, "B-2:$abcde|B-2:f}#gh#00|C:x" },
	{ "binary oversize pieces", T_BIN, 4, 0, false,
	  "$abcdefghijklmnop#00", 0,
	  "B-2:$abc|B-2:defghij|B-2:klmnop#|B-2:00" },
};

static void
run_row(const struct demux_row *row, const size_t *cuts, size_t ncuts,
    struct demux_rec *r)
{
	struct rsp_demux_cfg	cfg;
	size_t			len = row->inlen ? row->inlen : strlen(row->in);

	memset(&cfg, 0, sizeof cfg);
	cfg.binary = (row->flags & T_BIN) != 0;
	cfg.marks = (row->flags & T_NOMARK) == 0;
	cfg.hold_bytes = row->hold;
	cfg.max_payload = row->maxpay;
	cfg.hold_ms = 100;
	assert_true(demux_rec_run(r, &cfg, row->expect_ack,
	    (row->flags & T_ACKPKT) != 0, (const uint8_t *)row->in, len,
	    cuts, ncuts));
}

static void
test_rows(void **state)
{
	struct demux_rec	r;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		run_row(&rows[i], NULL, 0, &r);
		if (r.bad != NULL || strcmp(r.ev, rows[i].want) != 0) {
			print_error("row \"%s\":\n  want %s\n  got  %s (%s)\n",
			    rows[i].name, rows[i].want, r.ev,
			    r.bad ? r.bad : "-");
			demux_rec_free(&r);
			fail();
		}
		demux_rec_free(&r);
	}
}

/* ---- chunking property */

static uint64_t test_rng = 0x9e3779b97f4a7c15ULL;

static size_t
rnd(size_t n)
{
	test_rng ^= test_rng << 13;
	test_rng ^= test_rng >> 7;
	test_rng ^= test_rng << 17;
	return (n ? (size_t)(test_rng % n) : 0);
}

static int
cmp_size(const void *a, const void *b)
{
	size_t	x = *(const size_t *)a, y = *(const size_t *)b;

	return (x < y ? -1 : x > y);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

/* Same events for every single cut and for random multi-cuts. */
static void
check_chunking(const char *name, const struct rsp_demux_cfg *cfg,
    bool expect, int ackmode, const uint8_t *in, size_t len, int nrandom)
{
	struct demux_rec	 whole, r;
	size_t			 cuts[32], n, i;

	assert_true(demux_rec_run(&whole, cfg, expect, ackmode, in, len, NULL,
	    0));
	if (whole.bad != NULL) {
		print_error("%s: %s\n", name, whole.bad);
		fail();
	}
	for (i = 0; i <= len; i++) {
		assert_true(demux_rec_run(&r, cfg, expect, ackmode, in, len,
		    &i, 1));
		if (r.bad != NULL || strcmp(r.ev, whole.ev) != 0) {
			print_error("%s (binary %d): cut at %zu differs\n"
			    "  whole %s\n  cut   %s (%s)\n", name, cfg->binary,
			    i, whole.ev, r.ev, r.bad ? r.bad : "-");
			fail();
		}
		demux_rec_free(&r);
	}
	for (int k = 0; k < nrandom; k++) {
		n = 1 + rnd(32);
		for (i = 0; i < n; i++)
			cuts[i] = rnd(len + 1);
		qsort(cuts, n, sizeof cuts[0], cmp_size);
		assert_true(demux_rec_run(&r, cfg, expect, ackmode, in, len,
		    cuts, n));
		if (r.bad != NULL || strcmp(r.ev, whole.ev) != 0) {
			print_error("%s: random cuts differ\n  whole %s\n"
			    "  cut   %s\n", name, whole.ev, r.ev);
			fail();
		}
		demux_rec_free(&r);
	}
	demux_rec_free(&whole);
}

static void
test_rows_chunking(void **state)
{
	struct rsp_demux_cfg	cfg;
	const struct demux_row	*row;

	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		row = &rows[i];
		memset(&cfg, 0, sizeof cfg);
		cfg.binary = (row->flags & T_BIN) != 0;
		cfg.marks = (row->flags & T_NOMARK) == 0;
		cfg.hold_bytes = row->hold;
		cfg.max_payload = row->maxpay;
		cfg.hold_ms = 100;
		check_chunking(row->name, &cfg, row->expect_ack,
		    (row->flags & T_ACKPKT) != 0, (const uint8_t *)row->in,
		    row->inlen ? row->inlen : strlen(row->in), 50);
	}
}

static uint8_t *
read_all(const char *path, size_t *len_out)
{
	FILE	*f;
	uint8_t	*buf;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf == NULL || n < 0 || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return (NULL);
	}
	fclose(f);
	*len_out = (size_t)n;
	return (buf);
}

/* Replay every file of dir in each mode; returns how many were found. */
static int
fixtures_in(const char *dir)
{
	DIR		*dp;
	struct dirent	*de;
	char		 path[1024];
	uint8_t		*in;
	size_t		 len;
	int		 found = 0;
	struct rsp_demux_cfg cfg;

	if ((dp = opendir(dir)) == NULL) {
		print_error("%s: %s\n", dir, strerror(errno));
		fail();
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.' || strstr(de->d_name, ".events"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if ((in = read_all(path, &len)) == NULL) {
			print_error("%s: unreadable\n", path);
			fail();
		}
		found++;
		for (int mode = 0; mode < 4; mode++) {
			memset(&cfg, 0, sizeof cfg);
			cfg.binary = (mode & 1) != 0;
			cfg.marks = true;
			cfg.hold_ms = 100;
			cfg.hold_bytes = mode == 2 ? 40 : 0;
			check_chunking(path, &cfg, mode == 3, mode == 3, in, len,
			    200);
		}
		free(in);
	}
	closedir(dp);
	return (found);
}

static void
test_fixtures_chunking(void **state)
{
	(void)state;
	assert_true(fixtures_in("tests/data/demux") >= 5);
	/* the five captures test_captures names, at least */
	assert_true(fixtures_in("tests/data/kgdb") >= 5);
}

/*
 * Real captures from the lab (scripts/lab-fixtures.sh) in tests/data/kgdb/:
 * what the target sent (*.down.raw, text mode) and what
 * gdb sent (*.up.raw of a gdb session, binary mode). Every file there is
 * also replayed at every cut by test_fixtures_chunking.
 */
struct capture_want {
	const char	*file;
	bool		 binary;
	const char	*must[3];	/* tokens that must occur */
	bool		 no_bad;	/* no BADPKT at all */
};

static const struct capture_want captures[] = {
	{ "boot-kgdbwait.down.raw", false, { "|Mprompt", NULL }, true },
	{ "kdb-ps.down.raw", false, { "|Mprompt", NULL }, true },
	/* gdb talking to a kdb that echoes can leave odd frames: no
	 * promise about BADPKT there */
	{ "gdb-connect-session.down.raw", false, { "P:", NULL }, false },
	{ "gdb-connect-session.up.raw", true, { "P:qSupported", NULL },
	  false },
	{ "gdb-to-kdb.down.raw", false, { "|Menter", "|Mprompt", NULL },
	  false },
};

static void
test_captures(void **state)
{
	struct rsp_demux_cfg	 cfg;
	struct demux_rec	 r;
	char			 path[512];
	uint8_t			*in;
	size_t			 len;

	(void)state;
	for (size_t i = 0; i < sizeof captures / sizeof captures[0]; i++) {
		snprintf(path, sizeof path, "tests/data/kgdb/%s",
		    captures[i].file);
		if ((in = read_all(path, &len)) == NULL) {
			print_error("%s: missing (scripts/lab-fixtures.sh "
			    "makes it)\n", path);
			fail();
		}
		memset(&cfg, 0, sizeof cfg);
		cfg.binary = captures[i].binary;
		cfg.marks = !captures[i].binary;
		cfg.hold_ms = 100;
		assert_true(demux_rec_run(&r, &cfg, false, 1, in, len, NULL,
		    0));
		if (r.bad != NULL) {
			print_error("%s: %s\n", path, r.bad);
			fail();
		}
		for (int k = 0; k < 3 && captures[i].must[k] != NULL; k++) {
			/* the first token has no leading '|' */
			if (strstr(r.ev, captures[i].must[k]) == NULL &&
			    strncmp(r.ev, captures[i].must[k] + 1,
			    strlen(captures[i].must[k] + 1)) != 0) {
				print_error("%s: no %s in %s\n", path,
				    captures[i].must[k], r.ev);
				fail();
			}
		}
		if (captures[i].no_bad && (strstr(r.ev, "|B-") != NULL ||
		    strncmp(r.ev, "B-", 2) == 0)) {
			print_error("%s: a bad frame in %s\n", path, r.ev);
			fail();
		}
		demux_rec_free(&r);
		free(in);
	}
}

/* With a clock that jumps past deadlines: the invariant still holds. */
static void
test_fixtures_timed(void **state)
{
	static const char *const files[] = {
		"tests/data/demux/gdb_session.wire",
		"tests/data/demux/shell_dollars.wire",
		"tests/data/demux/kdb_switch.wire",
		"tests/data/demux/corrupt.wire",
	};
	struct rsp_demux_cfg	 cfg;
	struct demux_rec	 r;
	size_t			 cuts[16], len;
	uint64_t		 times[16];
	uint8_t			*in;

	(void)state;
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		assert_non_null(in = read_all(files[f], &len));
		for (int k = 0; k < 300; k++) {
			memset(&cfg, 0, sizeof cfg);
			cfg.binary = k & 1;
			cfg.marks = true;
			cfg.hold_ms = 50;
			cfg.hold_bytes = (k & 2) ? 16 : 0;
			for (size_t i = 0; i < 16; i++) {
				cuts[i] = rnd(len + 1);
				times[i] = rnd(120);
			}
			qsort(cuts, 16, sizeof cuts[0], cmp_size);
			qsort(times, 16, sizeof times[0], cmp_u64);
			assert_true(demux_rec_run_timed(&r, &cfg, in, len, cuts,
			    times, 16));
			if (r.bad != NULL) {
				print_error("%s: %s\n", files[f], r.bad);
				fail();
			}
			demux_rec_free(&r);
		}
		free(in);
	}
}

/*
 * Golden events for the hand-written fixtures: tests/data/demux/X.events
 * holds the normalised events of X.wire (text mode, marks on), one token
 * per line. DEMUX_UPDATE=1 rewrites them.
 */
static void
test_fixtures_golden(void **state)
{
	DIR			*dp;
	struct dirent		*de;
	char			 path[1024], gpath[1024];
	uint8_t			*in, *gold;
	size_t			 len, glen, n;
	struct demux_rec	 r;
	struct rsp_demux_cfg	 cfg;
	int			 checked = 0;
	FILE			*f;

	(void)state;
	assert_non_null(dp = opendir("tests/data/demux"));
	while ((de = readdir(dp)) != NULL) {
		n = strlen(de->d_name);
		if (n < 6 || strcmp(de->d_name + n - 5, ".wire") != 0)
			continue;
		snprintf(path, sizeof path, "tests/data/demux/%s", de->d_name);
		snprintf(gpath, sizeof gpath, "tests/data/demux/%.*s.events",
		    (int)(n - 5), de->d_name);
		assert_non_null(in = read_all(path, &len));
		memset(&cfg, 0, sizeof cfg);
		cfg.marks = true;
		cfg.hold_ms = 100;
		assert_true(demux_rec_run(&r, &cfg, false, 0, in, len, NULL,
		    0));
		assert_null(r.bad);
		for (char *p = r.ev; *p != '\0'; p++)
			if (*p == '|')
				*p = '\n';
		if (getenv("DEMUX_UPDATE") != NULL) {
			assert_non_null(f = fopen(gpath, "w"));
			fprintf(f, "%s\n", r.ev);
			fclose(f);
		}
		gold = read_all(gpath, &glen);
		if (gold == NULL) {
			print_error("%s: missing (run with DEMUX_UPDATE=1)\n",
			    gpath);
			fail();
		}
		if (glen != strlen(r.ev) + 1 ||
		    memcmp(gold, r.ev, glen - 1) != 0) {
			print_error("%s differs; got:\n%s\n", gpath, r.ev);
			fail();
		}
		checked++;
		free(gold);
		free(in);
		demux_rec_free(&r);
	}
	closedir(dp);
	assert_true(checked >= 5);
}

/* ---- time */

struct test_ev_count {
	int	console, packet, other;
	char	text[64];
	size_t	tlen;
};

static void
count_cb(void *arg, const struct rsp_event *ev)
{
	struct test_ev_count	*c = arg;

	if (ev->type == RSP_EV_CONSOLE) {
		c->console++;
		if (c->tlen + ev->len < sizeof c->text) {
			memcpy(c->text + c->tlen, ev->data, ev->len);
			c->tlen += ev->len;
			c->text[c->tlen] = '\0';
		}
	} else if (ev->type == RSP_EV_PACKET)
		c->packet++;
	else
		c->other++;
}

static void
test_hold_timeout(void **state)
{
	struct rsp_demux_cfg	 cfg = { .hold_ms = 50, .marks = true };
	struct rsp_demux	*d;
	struct test_ev_count	 c;

	(void)state;
	assert_non_null(d = rsp_demux_new(&cfg));
	memset(&c, 0, sizeof c);
	assert_int_equal(rsp_demux_deadline(d), UINT64_MAX);
	rsp_demux_feed(d, "price: $", 8, 1000, count_cb, &c);
	assert_string_equal(c.text, "price: ");
	assert_true(rsp_demux_holding(d));
	assert_int_equal(rsp_demux_deadline(d), 1050);
	rsp_demux_tick(d, 1049, count_cb, &c);
	assert_true(rsp_demux_holding(d));
	/* more bytes push the deadline out (time since the last byte) */
	rsp_demux_feed(d, "5", 1, 1040, count_cb, &c);
	assert_int_equal(rsp_demux_deadline(d), 1090);
	rsp_demux_tick(d, 1090, count_cb, &c);
	assert_false(rsp_demux_holding(d));
	assert_int_equal(rsp_demux_deadline(d), UINT64_MAX);
	assert_string_equal(c.text, "price: $5");
	assert_int_equal(c.packet, 0);

	/* a late feed releases what is overdue before it reads on */
	memset(&c, 0, sizeof c);
	rsp_demux_feed(d, "$ab", 3, 2000, count_cb, &c);
	rsp_demux_feed(d, "c#26", 4, 2100, count_cb, &c);
	assert_string_equal(c.text, "$abc#26");
	assert_int_equal(c.packet, 0);

	/* in time, the same bytes are a packet */
	memset(&c, 0, sizeof c);
	rsp_demux_feed(d, "$ab", 3, 3000, count_cb, &c);
	rsp_demux_feed(d, "c#26", 4, 3049, count_cb, &c);
	assert_int_equal(c.packet, 1);
	assert_int_equal(c.tlen, 0);
	rsp_demux_free(d);
}

static void
test_no_time_limit(void **state)
{
	struct rsp_demux_cfg	 cfg = { .hold_ms = 0 };
	struct rsp_demux	*d;
	struct test_ev_count	 c;

	(void)state;
	assert_non_null(d = rsp_demux_new(&cfg));
	memset(&c, 0, sizeof c);
	rsp_demux_feed(d, "$", 1, 0, count_cb, &c);
	assert_int_equal(rsp_demux_deadline(d), UINT64_MAX);
	rsp_demux_tick(d, UINT64_MAX - 1, count_cb, &c);
	assert_true(rsp_demux_holding(d));
	rsp_demux_flush(d, count_cb, &c);
	assert_false(rsp_demux_holding(d));
	assert_string_equal(c.text, "$");
	rsp_demux_free(d);
}

static void
test_bad_cfg(void **state)
{
	struct rsp_demux_cfg	cfg = { .max_payload = RSP_PKT_MAX + 1 };

	(void)state;
	assert_null(rsp_demux_new(NULL));
	assert_null(rsp_demux_new(&cfg));
}

/* ---- no allocation per feed or per byte */

static void
test_no_alloc(void **state)
{
	struct rsp_demux_cfg	 cfg = { .hold_ms = 10, .marks = true };
	struct rsp_demux	*d;
	struct test_ev_count	 c;
	static const char	 chunk[] =
	    "[    1.000000] BUG: x $HOME\r\n[0]kdb> $OK#9a+$O4869#2a$abc#00"
	    "$}#5d more> Kernel panic - not syncing $";
	unsigned long		 before;

	(void)state;
	before = test_allocs;
	assert_non_null(d = rsp_demux_new(&cfg));
	/* the counter works: _new allocates its buffers */
	assert_true(test_allocs - before >= 1);
	memset(&c, 0, sizeof c);
	before = test_allocs;
	for (int i = 0; i < 10000; i++) {
		rsp_demux_expect_ack(d, true);
		rsp_demux_feed(d, chunk, sizeof chunk - 1, (uint64_t)i,
		    count_cb, &c);
		rsp_demux_tick(d, (uint64_t)i + 20, count_cb, &c);
	}
	rsp_demux_flush(d, count_cb, &c);
	assert_int_equal(test_allocs - before, 0);
	assert_true(c.packet >= 10000);
	rsp_demux_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_rows_chunking),
		cmocka_unit_test(test_fixtures_chunking),
		cmocka_unit_test(test_fixtures_golden),
		cmocka_unit_test(test_fixtures_timed),
		cmocka_unit_test(test_captures),
		cmocka_unit_test(test_hold_timeout),
		cmocka_unit_test(test_no_time_limit),
		cmocka_unit_test(test_bad_cfg),
		cmocka_unit_test(test_no_alloc),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
