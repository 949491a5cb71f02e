/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/gdb_tdesc.c: the target description gdb reads (qXfer:features:
 * read). On most architectures kgdb serves none and the bridge serves its
 * own (rsp_tdesc_xml), made to match kgdb's 'g'. Where kgdb serves its own
 * (riscv64: rsp_arch.stub_tdesc), the bridge must not contradict it: the
 * first time gdb asks while the stub is stopped, the bridge reads kgdb's
 * documents (target.xml and every document it includes) and from then on
 * serves those, from memory, to every gdb, paged as gdb asks. While the
 * target runs and nothing is cached yet it serves its own, which groups
 * the registers as kgdb's does.
 *
 * kgdb answers the whole document in one 'l' reply whatever offset gdb
 * asks for; a stub that pages ('m' replies) is read on to its 'l'. The
 * registers kgdb describes are checked against the bridge's table (which
 * the TUI, the cache and `monitor bridge` read 'g' with): a difference is
 * said on the console, and gdb still gets kgdb's.
 */
#include <sys/types.h>
#include <sys/queue.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/bridge.h"
#include "bridge/gdb_int.h"

#define GT_DOCS		8		/* documents kept, target.xml too */
#define GT_DOC_MAX	(64 * 1024)	/* bytes in one document */
#define GT_ANNEX_MAX	64

static const char gt_prefix[] = "qXfer:features:read:";

struct gt_doc {
	char	 annex[GT_ANNEX_MAX];
	char	*data;
	size_t	 len;
};

struct gtdesc {
	struct gt_doc	 docs[GT_DOCS];	/* kgdb's, each complete */
	size_t		 ndocs;
	bool		 refused;	/* kgdb has none: the bridge's own */

	/* The read under way: docs[ndocs] grows, todo lists the rest. */
	bool		 busy;
	char		 todo[GT_DOCS][GT_ANNEX_MAX];
	size_t		 ntodo;

	/* gdb's request, answered once the read is over. */
	char		 ask[GT_ANNEX_MAX];
	uint64_t	 ask_off, ask_len;
};

int
gs_tdesc_init(struct br_gdb *g, char *err)
{
	size_t	size = 16384;
	int	n;

	for (;;) {
		g->tdesc = xrealloc(g->tdesc, size);
		n = rsp_tdesc_xml(g->br->arch, g->tdesc, size);
		if (n >= 0)
			break;
		if (n != RSP_ERR_TOOBIG || size > 1024 * 1024) {
			br_seterr(err, "target description: %s",
			    rsp_strerror(n));
			free(g->tdesc);
			g->tdesc = NULL;
			return (-1);
		}
		size *= 2;
	}
	g->tdesc_len = (size_t)n;
	g->stub = xcalloc(1, sizeof *g->stub);
	return (0);
}

void
gs_tdesc_free(struct br_gdb *g)
{
	size_t	i;

	if (g->stub != NULL) {
		for (i = 0; i < GT_DOCS; i++)
			free(g->stub->docs[i].data);
		free(g->stub);
		g->stub = NULL;
	}
	free(g->tdesc);
	g->tdesc = NULL;
}

/* The first needle in hay[0, len), or NULL. */
static const char *
gt_memfind(const char *hay, size_t len, const char *needle)
{
	size_t	n = strlen(needle), i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return (hay + i);
	return (NULL);
}

/* An annex is passed on to the stub: plain file names only. */
static bool
gt_annex_ok(const char *p, size_t len)
{
	size_t	i;

	if (len == 0 || len >= GT_ANNEX_MAX)
		return (false);
	for (i = 0; i < len; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') ||
		    (p[i] >= 'A' && p[i] <= 'Z') ||
		    (p[i] >= '0' && p[i] <= '9') || p[i] == '.' ||
		    p[i] == '-' || p[i] == '_'))
			return (false);
	return (true);
}

static const struct gt_doc *
gt_find(const struct gtdesc *td, const char *annex)
{
	size_t	i;

	for (i = 0; i < td->ndocs; i++)
		if (strcmp(td->docs[i].annex, annex) == 0)
			return (&td->docs[i]);
	return (NULL);
}

/* One page of a document as qXfer wants it: 'm' or 'l', then the bytes. */
static void
gt_serve(struct gsess *s, const char *data, size_t len, uint64_t off,
    uint64_t n)
{
	char	buf[GDB_PKT_MAX];
	size_t	room;

	if (off >= len) {
		gs_replys(s, "l");
		return;
	}
	/* Leave room for escapes: at worst every byte doubles. */
	room = (sizeof buf - 1) / 2;
	if (n > room)
		n = room;
	if (n > len - off)
		n = len - off;
	buf[0] = off + n >= len ? 'l' : 'm';
	memcpy(buf + 1, data + off, n);
	gs_reply(s, buf, 1 + n);
}

/* gdb's request from what is known: kgdb's documents, else the bridge's. */
static void
gt_answer(struct gsess *s, const char *annex, uint64_t off, uint64_t n)
{
	struct br_gdb		*g = s->g;
	const struct gt_doc	*d;

	if ((d = gt_find(g->stub, annex)) != NULL)
		gt_serve(s, d->data, d->len, off, n);
	else if (g->stub->ndocs == 0 && strcmp(annex, "target.xml") == 0)
		gt_serve(s, g->tdesc, g->tdesc_len, off, n);
	else
		gs_replys(s, "E00");
}

/* Queue the documents d includes that are neither read nor queued. */
static int
gt_includes(struct gtdesc *td, const struct gt_doc *d)
{
	static const char	 href[] = "href=\"";
	const char		*p = d->data, *end = d->data + d->len, *q;
	char			 annex[GT_ANNEX_MAX];
	size_t			 i, n;
	bool			 known;

	while ((q = gt_memfind(p, (size_t)(end - p), href)) != NULL) {
		p = q + sizeof href - 1;
		if ((q = memchr(p, '"', (size_t)(end - p))) == NULL)
			return (-1);
		n = (size_t)(q - p);
		if (!gt_annex_ok(p, n))
			return (-1);
		memcpy(annex, p, n);
		annex[n] = '\0';
		p = q + 1;
		known = gt_find(td, annex) != NULL ||
		    strcmp(td->docs[td->ndocs].annex, annex) == 0;
		for (i = 0; i < td->ntodo; i++)
			if (strcmp(td->todo[i], annex) == 0)
				known = true;
		if (known)
			continue;
		if (td->ndocs + 1 + td->ntodo >= GT_DOCS)
			return (-1);
		snprintf(td->todo[td->ntodo++], GT_ANNEX_MAX, "%s", annex);
	}
	return (0);
}

/*
 * The registers kgdb's documents name, in order, against the bridge's
 * table: the first difference in name or width, or "" when they agree.
 */
static void
gt_check(const struct br_gdb *g, char *why, size_t whylen)
{
	const struct gtdesc	*td = g->stub;
	const struct rsp_arch	*a = g->br->arch;
	const char		*p, *end, *q, *nm, *bs, *e;
	size_t			 i, k = 0, nlen;
	unsigned long		 bits;

	why[0] = '\0';
	for (i = 0; i < td->ndocs; i++) {
		p = td->docs[i].data;
		end = p + td->docs[i].len;
		while ((q = gt_memfind(p, (size_t)(end - p), "<reg ")) !=
		    NULL) {
			p = q + 5;
			if ((q = memchr(p, '>', (size_t)(end - p))) == NULL)
				q = end;
			nm = gt_memfind(p, (size_t)(q - p), "name=\"");
			bs = gt_memfind(p, (size_t)(q - p), "bitsize=\"");
			if (nm == NULL || bs == NULL) {
				snprintf(why, whylen, "a register without "
				    "name or bitsize");
				return;
			}
			nm += 6;
			nlen = (size_t)(q - nm);
			if ((e = memchr(nm, '"', nlen)) != NULL)
				nlen = (size_t)(e - nm);
			bits = strtoul(bs + 9, NULL, 10);
			if (k >= a->nregs) {
				snprintf(why, whylen, "register %zu (%.*s) "
				    "past the bridge's %zu", k, (int)nlen, nm,
				    a->nregs);
				return;
			}
			if (nlen != strlen(a->regs[k].name) ||
			    memcmp(nm, a->regs[k].name, nlen) != 0 ||
			    bits != 8UL * a->regs[k].size) {
				snprintf(why, whylen, "register %zu is %.*s/%lu"
				    ", the bridge's %s/%u", k, (int)nlen, nm,
				    bits, a->regs[k].name,
				    8U * a->regs[k].size);
				return;
			}
			k++;
			p = q;
		}
	}
	if (k != a->nregs)
		snprintf(why, whylen, "%zu registers, the bridge's %zu", k,
		    a->nregs);
}

static void	gt_next(struct gsess *s);

/* Forget a read that did not finish. */
static void
gt_drop(struct gtdesc *td)
{
	size_t	i;

	for (i = 0; i <= td->ndocs && i < GT_DOCS; i++) {
		free(td->docs[i].data);
		memset(&td->docs[i], 0, sizeof td->docs[i]);
	}
	td->ndocs = 0;
	td->ntodo = 0;
	td->busy = false;
}

/*
 * The read is over: every document came (ok), or why says why not (then
 * the bridge serves its own from now on). Answers gdb's request, if the
 * gdb that asked is still there.
 */
static void
gt_done(struct br_gdb *g, struct gsess *s, bool ok, const char *why)
{
	struct gtdesc	*td = g->stub;
	char		 diff[160];

	td->busy = false;
	td->ntodo = 0;
	if (!ok) {
		gt_drop(td);
		td->refused = true;
		log_info("gdb: kgdb's target description: %s; serving the "
		    "bridge's", why);
	} else {
		gt_check(g, diff, sizeof diff);
		if (diff[0] != '\0') {
			log_warn("gdb: kgdb's target description differs "
			    "from the bridge's %s table: %s", g->br->arch->name,
			    diff);
			if (g->br->console != NULL)
				br_notice(g->br, "kgdb's target description "
				    "differs from the bridge's %s registers (%s):"
				    " gdb gets kgdb's", g->br->arch->name, diff);
		} else
			log_info("gdb: serving kgdb's target description "
			    "(%zu documents)", td->ndocs);
	}
	if (s == NULL)
		return;
	gt_answer(s, td->ask, td->ask_off, td->ask_len);
	gs_process(s);
}

/* kgdb's reply to one qXfer: keep the bytes, read on, or give up. */
static void
gt_reply_cb(void *arg, const char *payload, size_t len, const char *err)
{
	struct gctx	*c = arg;
	struct br_gdb	*g = c->g;
	struct gsess	*s = gs_ctx_session(c);
	struct gtdesc	*td;
	struct gt_doc	*d;

	if (g == NULL)
		return;		/* gdb is gone, and its cache */
	td = g->stub;
	d = &td->docs[td->ndocs];
	if (err != NULL) {
		gt_done(g, s, false, err);
		return;
	}
	if (len < 1 || (payload[0] != 'm' && payload[0] != 'l') ||
	    (payload[0] == 'm' && len == 1)) {
		gt_done(g, s, false, len == 0 ? "not supported" :
		    "an unexpected reply");
		return;
	}
	if (len - 1 > GT_DOC_MAX - d->len) {
		gt_done(g, s, false, "a document too long");
		return;
	}
	d->data = xrealloc(d->data, d->len + len);
	memcpy(d->data + d->len, payload + 1, len - 1);
	d->len += len - 1;
	d->data[d->len] = '\0';
	if (payload[0] == 'm' && s != NULL) {
		gt_next(s);
		return;
	}
	if (payload[0] == 'm') {
		gt_drop(td);	/* gdb left: the next one reads again */
		return;
	}
	if (gt_includes(td, d) != 0) {
		gt_done(g, s, false, "too many or odd includes");
		return;
	}
	td->ndocs++;
	if (td->ntodo == 0) {
		gt_done(g, s, true, NULL);
		return;
	}
	d = &td->docs[td->ndocs];
	snprintf(d->annex, sizeof d->annex, "%s", td->todo[0]);
	memmove(&td->todo[0], &td->todo[1], --td->ntodo * sizeof td->todo[0]);
	if (s == NULL) {
		gt_drop(td);
		return;
	}
	gt_next(s);
}

/* Ask the stub for the next page of docs[ndocs]. */
static void
gt_next(struct gsess *s)
{
	struct br_gdb	*g = s->g;
	struct gt_doc	*d = &g->stub->docs[g->stub->ndocs];
	char		 req[GT_ANNEX_MAX + 64];
	int		 n;

	n = snprintf(req, sizeof req, "%s%s:%zx,%x", gt_prefix, d->annex,
	    d->len, (unsigned)(GDB_PKT_MAX - 8));
	if (br_target_request(g->br->target, req, (size_t)n, gt_reply_cb,
	    gs_ctx_new(s, 'q')) != 0)
		log_debug("gdb: qXfer request refused at once");
}

/* Read kgdb's own documents now? Only from a stopped stub that has them. */
static bool
gt_want_stub(const struct br_gdb *g)
{
	const struct gtdesc	*td = g->stub;

	return (g->br->arch != NULL && g->br->arch->stub_tdesc &&
	    !td->refused && td->ndocs == 0 && !td->busy &&
	    g->br->target != NULL &&
	    br_target_state(g->br->target) == BR_TS_STOPPED_GDB);
}

/* "qXfer:features:read:ANNEX:OFF,LEN" from gdb. */
void
gs_tdesc_read(struct gsess *s, const char *p, size_t len)
{
	struct br_gdb	*g = s->g;
	struct gtdesc	*td = g->stub;
	const char	*colon;
	char		 annex[GT_ANNEX_MAX];
	uint64_t	 off, n;
	size_t		 alen;
	int		 k;

	p += sizeof gt_prefix - 1;
	len -= sizeof gt_prefix - 1;
	if ((colon = memchr(p, ':', len)) == NULL ||
	    !gt_annex_ok(p, (size_t)(colon - p))) {
		gs_replys(s, "E00");
		return;
	}
	alen = (size_t)(colon - p);
	memcpy(annex, p, alen);
	annex[alen] = '\0';
	p = colon + 1;
	len -= alen + 1;
	if ((k = rsp_hex_u64(p, len, &off)) <= 0 || (size_t)k >= len ||
	    p[k] != ',' || rsp_hex_u64(p + k + 1, len - (size_t)k - 1,
	    &n) != (int)(len - (size_t)k - 1)) {
		gs_replys(s, "E00");
		return;
	}
	if (!gt_want_stub(g) || strcmp(annex, "target.xml") != 0) {
		gt_answer(s, annex, off, n);
		return;
	}
	/* From target.xml down: gdb's answer waits for the whole set. */
	gt_drop(td);
	td->busy = true;
	snprintf(td->ask, sizeof td->ask, "%s", annex);
	td->ask_off = off;
	td->ask_len = n;
	snprintf(td->docs[0].annex, sizeof td->docs[0].annex, "target.xml");
	gt_next(s);
}
