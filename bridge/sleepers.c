/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/sleepers.c: a sleeping task's registers as it will resume, not
 * kgdb's zeros (issue 16, x86_64).
 *
 * For a task that is not on a CPU, x86_64 kgdb answers 'g' from what
 * switch_to left (arch/x86/kernel/kgdb.c, sleeping_thread_to_gdb_regs):
 * sp = task->thread.sp, bp from the frame there, cs and ss the kernel's
 * segments, and 0 for everything else, the pc included. gdb then shows
 * "0x0000000000000000 in ?? ()" and a garbage backtrace. The frame at
 * thread.sp is a struct inactive_task_frame (arch/x86/include/asm/
 * switch_to.h): the callee-saved registers __switch_to_asm pushed and the
 * address it returns to in __schedule. The kernel's own unwinder starts a
 * blocked task there (unwind_frame.c, __unwind_start: ip = ret_addr, bp
 * from the frame, sp = thread.sp + the frame's size, the stack as it is
 * once the frame is popped and the return taken).
 *
 * So the bridge answers such a 'g' with pc = ret_addr, sp past the frame,
 * and rbp, rbx, r12-r15 from the frame, everything else as kgdb sent it.
 * The frame costs one read of its size, through the cache like any other
 * read; the answer is held by the cache as the thread's 'g' for this stop
 * (br_cache_put_g) and dropped with everything else on a resume.
 *
 * Only when it is safe, else kgdb's answer goes to gdb unchanged:
 *  - the layout comes from the vmlinux: the frame's size and member
 *    offsets from its DWARF (common/dwarf.c), kernel text from _stext and
 *    _etext, THREAD_SIZE from __end_init_task - __start_init_task (the
 *    linker script, include/asm-generic/vmlinux.lds.h INIT_TASK_DATA,
 *    puts exactly THREAD_SIZE between them: the init task's stack);
 *  - the reply has the sleeping pattern (pc, flags and every other
 *    register 0, cs 0x10, ss 0x18) and gdb's thread is known to the
 *    cache, is not "current" and not a shadow CPU thread (kgdb's negative
 *    ids, whose registers are a CPU's own);
 *  - the frame lies inside one THREAD_SIZE-aligned block (a task's
 *    stack), its bp is the one kgdb sent (kgdb read the same word), and
 *    its return address is inside [_stext, _etext);
 *  - the vmlinux is not known to be another kernel's (vmlinux.c).
 * Why not is said once in the log.
 *
 * Layer 3, beside cache_fwd.c, whose br_cache_forward it calls (never the
 * other way); gdb_sess.c sends gdb's requests through
 * br_sleepers_forward.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge/bridge.h"
#include "bridge/sleepers.h"
#include "bridge/taskregs.h"
#include "common/dwarf.h"
#include "common/elf.h"

#define SL_FRAME_MAX	256		/* a bigger frame is not this one */
#define SL_STACK_MIN	4096
#define SL_STACK_MAX	(1u << 20)

enum sl_state { SL_UNREAD, SL_READY, SL_UNUSABLE };

struct br_sleepers {
	const struct rsp_arch	*arch;
	char			*vmlinux;
	bool			 on;
	enum sl_state		 state;
	struct br_sl_layout	 lay;
	char			 why[BR_ERRLEN];
	bool			 told_refusal;	/* one refusal logged */
	struct br_sleepers_stats st;
	/* gdb's thread as seen here, for when the cache is off: the last
	 * Hg the stub (or the cache) said OK to, at cache generation gen
	 * (which moves on every stop and resume, cache on or off). */
	bool			 hg_known;
	uint64_t		 hg_tid, hg_gen;
};

/* The frame's members and the registers they fill (NULL: the pc). */
static const struct {
	const char	*member;
	const char	*reg;
} sl_members[BR_SL_NMEMB] = {
	[BR_SL_R15] = { "r15", "r15" },
	[BR_SL_R14] = { "r14", "r14" },
	[BR_SL_R13] = { "r13", "r13" },
	[BR_SL_R12] = { "r12", "r12" },
	[BR_SL_BX] = { "bx", "rbx" },
	[BR_SL_BP] = { "bp", "rbp" },
	[BR_SL_RET] = { "ret_addr", "rip" },
};

/* ---- the layout, from the vmlinux */

/* Text bounds and THREAD_SIZE from the symbols; -1 if they make no sense. */
static int
sl_symbols(const char *path, struct br_sl_layout *l, char *err)
{
	/*
	 * The init task's stack bounds are named *_init_task before Linux
	 * 6.10 and *_init_stack since (include/asm-generic/vmlinux.lds.h):
	 * the second pair is tried when the first is missing.
	 */
	static const char *const names[] = { "_stext", "_etext",
	    "__start_init_task", "__end_init_task",
	    "__start_init_stack", "__end_init_stack" };
	struct cm_elf		*e;
	struct cm_elf_sym	 sym;
	uint64_t		 v[4];
	char			 cerr[CM_ELF_ERRLEN];
	size_t			 i;
	int			 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		br_seterr(err, "%s: %s", path, strerror(errno));
		return (-1);
	}
	e = cm_elf_open_fd(fd, cerr);
	close(fd);
	if (e == NULL) {
		br_seterr(err, "%s: %s", path, cerr);
		return (-1);
	}
	for (i = 0; i < 4; i++) {
		if (!cm_elf_sym_find(e, names[i], &sym) && (i < 2 ||
		    !cm_elf_sym_find(e, names[i + 2], &sym))) {
			br_seterr(err, "%s: no symbol %s%s%s", path, names[i],
			    i < 2 ? "" : " nor ", i < 2 ? "" : names[i + 2]);
			cm_elf_free(e);
			return (-1);
		}
		v[i] = sym.value;
	}
	cm_elf_free(e);
	l->text_lo = v[0];
	l->text_hi = v[1];
	l->thread_size = v[3] - v[2];
	if (l->text_lo >= l->text_hi) {
		br_seterr(err, "%s: _etext is not above _stext", path);
		return (-1);
	}
	if (v[3] <= v[2] || l->thread_size < SL_STACK_MIN ||
	    l->thread_size > SL_STACK_MAX ||
	    (l->thread_size & (l->thread_size - 1)) != 0) {
		br_seterr(err, "%s: the init task's stack bounds are no "
		    "stack size apart (0x%" PRIx64 ")", path, v[3] - v[2]);
		return (-1);
	}
	return (0);
}

/* The frame's size and its members' offsets, each a word inside it. */
int
br_sleepers_layout(const char *path, struct br_sl_layout *l, char *err)
{
	struct cm_dwarf		*d;
	struct cm_dwarf_member	 m;
	char			 derr[CM_DWARF_ERRLEN];
	size_t			 i;

	memset(l, 0, sizeof *l);
	if ((d = cm_dwarf_open(path, derr)) == NULL) {
		br_seterr(err, "%s", derr);
		return (-1);
	}
	if (cm_dwarf_bits(d) != 64 || cm_dwarf_big_endian(d)) {
		br_seterr(err, "%s: not a 64-bit little-endian kernel", path);
		goto fail;
	}
	if (cm_dwarf_struct_size(d, "inactive_task_frame", &l->size,
	    derr) != 0) {
		br_seterr(err, "%s", derr);
		goto fail;
	}
	if (l->size == 0 || l->size > SL_FRAME_MAX || l->size % 8 != 0) {
		br_seterr(err, "struct inactive_task_frame has an odd size "
		    "(%" PRIu64 ")", l->size);
		goto fail;
	}
	for (i = 0; i < BR_SL_NMEMB; i++) {
		if (cm_dwarf_member(d, "inactive_task_frame",
		    sl_members[i].member, &m, derr) != 0) {
			br_seterr(err, "%s", derr);
			goto fail;
		}
		if (m.size != 8 || m.bit_size != 0 || m.offset > l->size - 8) {
			br_seterr(err, "struct inactive_task_frame: %s is not "
			    "a word inside it", sl_members[i].member);
			goto fail;
		}
		l->off[i] = m.offset;
	}
	cm_dwarf_free(d);
	return (sl_symbols(path, l, err));
fail:
	cm_dwarf_free(d);
	return (-1);
}

/* ---- the pattern and the answer (pure) */

static bool
sl_get(const struct rsp_regs *r, const char *name, uint64_t *v)
{
	int	idx = rsp_arch_reg_by_name(r->arch, name);

	return (idx >= 0 && rsp_regs_get(r, idx, v) == 0);
}

bool
br_sleepers_pattern(const struct rsp_arch *a, const char *g, size_t glen,
    uint64_t *sp, uint64_t *bp)
{
	static const char *const zero[] = { "rax", "rbx", "rcx", "rdx",
	    "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
	    "r15", "rip" };
	struct rsp_regs	 r;
	uint64_t	 v;
	size_t		 i;

	if (a == NULL || a->id != RSP_ARCH_X86_64 ||
	    rsp_regs_parse_g(a, g, glen, &r) < 0)
		return (false);
	for (i = 0; i < nitems(zero); i++)
		if (!sl_get(&r, zero[i], &v) || v != 0)
			return (false);
	/*
	 * eflags, cs, ss, ds and es are whatever the stub's buffer held
	 * from its previous answer: kgdb means to set the first three, but
	 * on x86_64 it writes them as 32-bit words at 64-bit register
	 * indexes (inside r8 and r9, zeroed right after), so they are no
	 * part of the pattern.
	 */
	if (!sl_get(&r, "rsp", sp) || *sp == 0 || *sp % 8 != 0 ||
	    !sl_get(&r, "rbp", bp))
		return (false);
	return (true);
}

/* Register name's bytes in the hex 'g' text out: v, little-endian. */
static bool
sl_put(const struct rsp_arch *a, char *out, size_t glen, const char *name,
    uint64_t v)
{
	static const char	 hex[] = "0123456789abcdef";
	int			 idx = rsp_arch_reg_by_name(a, name);
	const struct rsp_reg	*reg;
	size_t			 i, at;

	if (idx < 0)
		return (false);
	reg = &a->regs[idx];
	if (reg->offset < 0 || reg->size != 8 ||
	    2 * ((size_t)reg->offset + 8) > glen)
		return (false);
	at = 2 * (size_t)reg->offset;
	for (i = 0; i < 8; i++, v >>= 8) {
		out[at + 2 * i] = hex[(v >> 4) & 0xf];
		out[at + 2 * i + 1] = hex[v & 0xf];
	}
	return (true);
}

/* [sp, sp + the frame) inside one THREAD_SIZE-aligned block: a stack. */
static bool
sl_in_stack(const struct br_sl_layout *l, uint64_t sp, char *why)
{
	uint64_t	base = sp & ~(l->thread_size - 1);

	if (sp + l->size < sp || sp + l->size > base + l->thread_size) {
		br_seterr(why, "frame at 0x%" PRIx64 " crosses the end of a "
		    "0x%" PRIx64 "-byte stack", sp, l->thread_size);
		return (false);
	}
	return (true);
}

int
br_sleepers_rewrite(const struct rsp_arch *a, const struct br_sl_layout *l,
    const char *g, size_t glen, const uint8_t *frame, size_t flen, char *out,
    char *why)
{
	uint64_t	sp, bp, ret, w;
	size_t		i;

	if (!br_sleepers_pattern(a, g, glen, &sp, &bp)) {
		br_seterr(why, "not kgdb's sleeping-task registers");
		return (-1);
	}
	if (flen != l->size) {
		br_seterr(why, "frame read gave %zu bytes, not %" PRIu64, flen,
		    l->size);
		return (-1);
	}
	if (!sl_in_stack(l, sp, why))
		return (-1);
	ret = cm_le(frame + l->off[BR_SL_RET], 8);
	if (ret < l->text_lo || ret >= l->text_hi) {
		br_seterr(why, "return address 0x%" PRIx64 " at 0x%" PRIx64
		    " is outside the kernel text", ret, sp);
		return (-1);
	}
	if (cm_le(frame + l->off[BR_SL_BP], 8) != bp) {
		br_seterr(why, "frame at 0x%" PRIx64 " has another bp than "
		    "kgdb's", sp);
		return (-1);
	}
	memcpy(out, g, glen);
	for (i = 0; i < BR_SL_NMEMB; i++) {
		w = cm_le(frame + l->off[i], 8);
		if (!sl_put(a, out, glen, sl_members[i].reg, w)) {
			br_seterr(why, "no register %s", sl_members[i].reg);
			return (-1);
		}
	}
	if (!sl_put(a, out, glen, "rsp", sp + l->size)) {
		br_seterr(why, "no register rsp");
		return (-1);
	}
	return (0);
}

/* ---- the module */

struct br_sleepers *
br_sleepers_new(const struct rsp_arch *a, const char *vmlinux, bool on)
{
	struct br_sleepers	*s = xcalloc(1, sizeof *s);

	s->arch = a;
	s->vmlinux = vmlinux != NULL ? xstrdup(vmlinux) : NULL;
	s->on = on;
	return (s);
}

void
br_sleepers_free(struct br_sleepers *s)
{
	if (s == NULL)
		return;
	free(s->vmlinux);
	free(s);
}

void
br_sleepers_use_layout(struct br_sleepers *s, const struct br_sl_layout *l)
{
	s->lay = *l;
	s->state = SL_READY;
	s->why[0] = '\0';
}

void
br_sleepers_set(struct bridge *br, bool on)
{
	struct br_sleepers	*s = br->sleepers;

	if (s == NULL || s->on == on)
		return;
	s->on = on;
	/* The cache may hold this stop's answers of the other kind. Drop
	 * them as a write would (gdb's thread stays selected). */
	if (br->cache != NULL)
		br_cache_invalidate(br->cache, BR_CE_WRITE);
}

bool
br_sleepers_on(const struct br_sleepers *s)
{
	return (s != NULL && s->on);
}

const struct br_sleepers_stats *
br_sleepers_stats(const struct br_sleepers *s)
{
	return (&s->st);
}

const char *
br_sleepers_why(const struct br_sleepers *s)
{
	return (s->why);
}

/* The layout, read at the first sleeping task; false (said once) if none. */
static bool
sl_ready(struct br_sleepers *s)
{
	uint64_t	t0;

	if (s->state == SL_UNREAD) {
		t0 = br_now_ms();
		if (s->vmlinux == NULL)
			br_seterr(s->why, "no --vmlinux");
		else if (br_sleepers_layout(s->vmlinux, &s->lay, s->why) == 0)
			s->state = SL_READY;
		if (s->state == SL_READY) {
			s->why[0] = '\0';
			log_info("sleeping tasks: frame of %" PRIu64 " bytes, "
			    "text 0x%" PRIx64 "-0x%" PRIx64 ", stacks of 0x%"
			    PRIx64 " (read in %" PRIu64 " ms)", s->lay.size,
			    s->lay.text_lo, s->lay.text_hi,
			    s->lay.thread_size, br_now_ms() - t0);
		} else {
			s->state = SL_UNUSABLE;
			log_warn("sleeping tasks keep kgdb's registers (pc 0): "
			    "%s", s->why);
		}
	}
	return (s->state == SL_READY);
}

/* One request of gdb's on its way. */
struct sl_req {
	struct bridge	*br;
	br_reply_cb	*cb;
	void		*arg;
	char		 kind;		/* 'g', or 'p' */
	int		 reg;		/* 'p': index in arch->regs */
	char		*orig;		/* 'p': as gdb sent it */
	size_t		 origlen;
	bool		 tid_known;
	uint64_t	 tid, gen;
	char		*g;		/* kgdb's answer */
	size_t		 glen;
};

static void
sl_req_free(struct sl_req *q)
{
	free(q->orig);
	free(q->g);
	free(q);
}

/* gdb's answer from a 'g' text; the request is done. */
static void
sl_answer(struct sl_req *q, const char *g, size_t glen)
{
	const struct rsp_reg	*r;
	size_t			 at, n;

	if (q->kind == 'g') {
		q->cb(q->arg, g, glen, NULL);
		sl_req_free(q);
		return;
	}
	r = &q->br->arch->regs[q->reg];
	at = 2 * (size_t)r->offset;
	n = 2 * (size_t)r->size;
	if (r->offset < 0 || at + n > glen || (glen > 0 && g[0] == 'E')) {
		/* No 'g' to take it from: ask as gdb did. */
		(void)br_cache_forward(q->br, q->orig, q->origlen, q->cb,
		    q->arg);
		sl_req_free(q);
		return;
	}
	q->cb(q->arg, g + at, n, NULL);
	sl_req_free(q);
}

static void
sl_refused(struct br_sleepers *s, const char *why)
{
	s->st.refused++;
	if (!s->told_refusal) {
		s->told_refusal = true;
		log_info("sleeping task left as kgdb gave it: %s (said once)",
		    why);
	} else
		log_debug("sleeping task left as kgdb gave it: %s", why);
}

static void
sl_frame_cb(void *arg, const char *payload, size_t len, const char *err)
{
	struct sl_req		*q = arg;
	struct br_sleepers	*s = q->br->sleepers;
	uint8_t			 frame[SL_FRAME_MAX];
	char			 out[RSP_PKT_MAX + 1], why[BR_ERRLEN];
	int			 k;

	k = err != NULL || payload == NULL || (len > 0 && payload[0] == 'E') ?
	    -1 : rsp_hex_decode(frame, sizeof frame, payload, len);
	if (k < 0) {
		sl_refused(s, "the frame could not be read");
		sl_answer(q, q->g, q->glen);
		return;
	}
	if (q->glen > sizeof out - 1 || br_sleepers_rewrite(q->br->arch,
	    &s->lay, q->g, q->glen, frame, (size_t)k, out, why) != 0) {
		sl_refused(s, q->glen > sizeof out - 1 ? "reply too long" :
		    why);
		sl_answer(q, q->g, q->glen);
		return;
	}
	s->st.rewritten++;
	br_cache_put_g(q->br->cache, q->gen, q->tid, out, q->glen);
	sl_answer(q, out, q->glen);
}

/* Shadow CPU threads: kgdb's ids -2, -3, … (an int on the wire). */
static bool
sl_shadow(uint64_t tid)
{
	return (tid >= 0x80000000ULL && tid <= 0xffffffffULL);
}

/* kgdb's 'g': gdb's answer now, or the frame read (only when safe). */
static void
sl_g_cb(void *arg, const char *payload, size_t len, const char *err)
{
	struct sl_req		*q = arg;
	struct bridge		*br = q->br;
	struct br_sleepers	*s = br->sleepers;
	uint64_t		 sp, bp;
	char			 m[64], why[BR_ERRLEN];
	int			 n;

	if (err != NULL || payload == NULL) {
		if (q->kind == 'p') {
			sl_answer(q, "E", 1);	/* asks gdb's 'p' */
			return;
		}
		q->cb(q->arg, NULL, 0, err != NULL ? err : "request failed");
		sl_req_free(q);
		return;
	}
	q->g = xmalloc(len + 1);
	memcpy(q->g, payload, len);
	q->g[len] = '\0';
	q->glen = len;
	if (!q->tid_known || sl_shadow(q->tid) || !s->on ||
	    !br_sleepers_pattern(br->arch, payload, len, &sp, &bp) ||
	    !sl_ready(s)) {
		sl_answer(q, q->g, q->glen);
		return;
	}
	if (br->vmlinux != NULL &&
	    br_vmlinux_state(br->vmlinux) == BR_VML_MISMATCH) {
		sl_refused(s, "the vmlinux is not the running kernel's");
		sl_answer(q, q->g, q->glen);
		return;
	}
	if (!sl_in_stack(&s->lay, sp, why)) {
		sl_refused(s, why);
		sl_answer(q, q->g, q->glen);
		return;
	}
	q->gen = br_cache_generation(br->cache);
	n = snprintf(m, sizeof m, "m%" PRIx64 ",%" PRIx64, sp, s->lay.size);
	s->st.frame_reads++;
	(void)br_cache_forward(br, m, (size_t)n, sl_frame_cb, q);
}

/* A 'p' for a register the frame may change: its index, else -1. */
static int
sl_p_reg(const struct rsp_arch *a, const char *p, size_t len)
{
	static const char *const regs[] = { "rip", "rsp", "rbp", "rbx",
	    "r12", "r13", "r14", "r15" };
	uint64_t	n;
	size_t		i;
	int		idx;

	if (len < 2 || rsp_hex_u64(p + 1, len - 1, &n) != (int)(len - 1) ||
	    n > 0xffff || (idx = rsp_arch_reg_by_num(a, (unsigned)n)) < 0)
		return (-1);
	for (i = 0; i < nitems(regs); i++)
		if (strcmp(a->regs[idx].name, regs[i]) == 0)
			return (idx);
	return (-1);
}

/* An Hg of gdb's on its way: its thread, known once it is said OK. */
struct sl_hg {
	struct bridge	*br;
	br_reply_cb	*cb;
	void		*arg;
	bool		 known;		/* a number, not 0 or -1 (current) */
	uint64_t	 tid;
};

static void
sl_hg_cb(void *arg, const char *payload, size_t len, const char *err)
{
	struct sl_hg		*h = arg;
	struct br_sleepers	*s = h->br->sleepers;
	uint64_t		 gen;

	if (h->br->cache != NULL && err == NULL && payload != NULL &&
	    len == 2 && memcmp(payload, "OK", 2) == 0) {
		gen = br_cache_generation(h->br->cache);
		if (s != NULL) {
			s->hg_known = h->known;
			s->hg_tid = h->tid;
			s->hg_gen = gen;
		}
		br_taskregs_hg(h->br->taskregs, h->known, h->tid, gen);
	}
	h->cb(h->arg, payload, len, err);
	free(h);
}

/* Watch gdb's Hg (the cache off keeps no track of it), for this module
 * and for taskregs.c. */
static int
sl_hg(struct bridge *br, const char *p, size_t len, br_reply_cb *cb,
    void *arg)
{
	struct sl_hg	*h = xcalloc(1, sizeof *h);
	uint64_t	 v;

	h->br = br;
	h->cb = cb;
	h->arg = arg;
	if (rsp_hex_u64(p + 2, len - 2, &v) == (int)(len - 2) &&
	    (uint32_t)v != 0 && (uint32_t)v != 0xffffffffu) {
		h->known = true;
		h->tid = (uint32_t)v;
	}
	return (br_cache_forward(br, p, len, sl_hg_cb, h));
}

/* The thread gdb's 'g' is for: the cache's view, else the one here. */
static bool
sl_thread(struct bridge *br, uint64_t *tid)
{
	struct br_sleepers	*s = br->sleepers;

	if (br->cache != NULL && br_cache_enabled(br->cache))
		return (br_cache_gdb_thread(br->cache, tid));
	if (br->cache == NULL || !s->hg_known ||
	    s->hg_gen != br_cache_generation(br->cache))
		return (false);
	*tid = s->hg_tid;
	return (true);
}

/* gdb's thread for taskregs.c: the cache's view, else the Hg watched. */
static bool
sl_tr_thread(struct bridge *br, uint64_t *tid)
{
	if (br->cache == NULL)
		return (false);
	if (br_cache_enabled(br->cache))
		return (br_cache_gdb_thread(br->cache, tid));
	return (br_taskregs_gdb_thread(br->taskregs,
	    br_cache_generation(br->cache), tid));
}

int
br_sleepers_forward(struct bridge *br, const char *p, size_t len,
    br_reply_cb *cb, void *arg)
{
	struct br_sleepers	*s = br->sleepers;
	struct sl_req		*q;
	int			 reg = -1;
	uint64_t		 tid;
	bool			 cur;

	if ((s != NULL || br->taskregs != NULL) && len >= 3 && p[0] == 'H' &&
	    p[1] == 'g')
		return (sl_hg(br, p, len, cb, arg));
	/* Other architectures: a sleeping task's 'g' may be built from its
	 * saved words (taskregs.c), the cache on or off. */
	if (br->taskregs != NULL && len == 1 && p[0] == 'g' &&
	    br->arch != NULL && br->arch->id != RSP_ARCH_X86_64 &&
	    sl_tr_thread(br, &tid) && !sl_shadow(tid))
		return (br_taskregs_g(br, tid, cb, arg));
	/* … and a CPU's thread's from that CPU's pt_regs (arm64). */
	if (br->taskregs != NULL && len == 1 && p[0] == 'g' &&
	    br->arch != NULL && br->arch->id == RSP_ARCH_ARM64 &&
	    br_cache_gdb_want(br->cache, &tid, &cur) && (cur || sl_shadow(tid)))
		return (br_taskregs_g_cpu(br, tid, cur, cb, arg));
	if (s == NULL || !s->on || s->state == SL_UNUSABLE ||
	    br->arch == NULL || br->arch->id != RSP_ARCH_X86_64 ||
	    !sl_thread(br, &tid) || sl_shadow(tid) ||
	    len == 0 || !((len == 1 && p[0] == 'g') || (p[0] == 'p' &&
	    (reg = sl_p_reg(br->arch, p, len)) >= 0)))
		return (br_cache_forward(br, p, len, cb, arg));
	q = xcalloc(1, sizeof *q);
	q->br = br;
	q->cb = cb;
	q->arg = arg;
	q->kind = p[0];
	q->reg = reg;
	q->orig = xmalloc(len + 1);
	memcpy(q->orig, p, len);
	q->orig[len] = '\0';
	q->origlen = len;
	q->tid_known = true;
	q->tid = tid;
	return (br_cache_forward(br, "g", 1, sl_g_cb, q));
}
