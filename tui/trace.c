/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/trace.c: walking a stack: the frame-pointer chain (the lab kernels
 * have CONFIG_FRAME_POINTER; where each architecture keeps the caller's
 * fp and the return address is enum tui_fp_kind), and the call trace as
 * the kernel prints its "Call Trace:" with frame pointers
 * (arch/x86/kernel/dumpstack.c): the pc, then every stack word from sp up
 * that is a kernel text address, in the order found; those the chain
 * vouches for (the return address of a frame record) plain, the others
 * marked "?" (left over from an earlier call, or a frame the chain
 * skipped). Pure (layer 0): the views and the live session use it.
 */
#include <inttypes.h>

#include "tui/tui.h"

static uint64_t
word_at(const uint8_t *p, unsigned w)
{
	uint64_t	v = 0;

	while (w-- > 0)
		v = (v << 8) | p[w];
	return (v);
}

/*
 * The word at addr, if the buffer holds it whole: the stack read at base.
 */
static bool
stack_word(const struct tui_stack *s, uint64_t addr, uint64_t *out)
{
	uint64_t	off;

	if (addr < s->sp || addr % s->wsize != 0)
		return (false);
	off = addr - s->sp;
	if (off > s->len || s->len - off < s->wsize)
		return (false);
	*out = word_at(s->mem + off, s->wsize);
	return (true);
}

/*
 * One record per frame, where s->fpk says the caller's fp and the return
 * address are; on riscv the first frame may be a leaf's, which keeps the
 * caller's fp where others keep ra (then ra comes from s->lr).
 */
size_t
tui_stack_fp_walk(const struct tui_stack *s, struct tui_fp_frame *out,
    size_t max)
{
	uint64_t	fp, w, next, saved_at, ret_at;
	size_t		n = 0;

	if (s == NULL || s->mem == NULL || (s->wsize != 4 && s->wsize != 8))
		return (0);
	w = s->wsize;
	fp = s->fp;
	while (n < max) {
		if (fp % w != 0 || fp < 3 * w)
			break;
		tui_fp_record(s->fpk, fp, w, &saved_at, &ret_at);
		/*
		 * A riscv leaf keeps only the caller's fp, at [fp - w]: the
		 * word there is then a stack address above fp, not a return
		 * address, and the return address is still in ra.
		 */
		if (s->fpk == TUI_FP_RISCV && n == 0 && s->lr != 0 &&
		    stack_word(s, ret_at, &next) && next > fp &&
		    next - s->sp <= s->len) {
			out[n++] = (struct tui_fp_frame){ fp, ret_at, 0,
			    s->lr };
			fp = next;
			continue;
		}
		if (!stack_word(s, saved_at, &next) ||
		    !stack_word(s, ret_at, &out[n].ret))
			break;
		out[n].fp = fp;
		out[n].saved_at = saved_at;
		out[n].ret_at = ret_at;
		n++;
		if (next <= fp)
			break;
		fp = next;
	}
	return (n);
}

static void
trace_frame(const struct tui_symtab *st, uint64_t addr, bool ret,
    bool unreliable, struct tui_frame *f)
{
	const char	*name;
	uint64_t	 off, size;

	memset(f, 0, sizeof *f);
	f->unreliable = unreliable;
	f->addr = addr;
	/* A return address is named by the call before it (as %pB). */
	if (tui_symtab_lookup(st, ret ? addr - 1 : addr, &name, &off,
	    &size)) {
		snprintf(f->func, sizeof f->func, "%s", name);
		f->off = ret ? off + 1 : off;
		f->size = size;
	}
}

size_t
tui_trace_build(const struct tui_stack *s, const struct tui_symtab *st,
    struct tui_frame *out, size_t max)
{
	struct tui_fp_frame	 fr[TUI_FP_MAX];
	size_t			 nfr, n = 0, i, f;
	uint64_t		 w;
	bool			 chain;

	if (s == NULL || st == NULL || max == 0 ||
	    (s->wsize != 4 && s->wsize != 8))
		return (0);
	if (s->pc != 0 && tui_symtab_is_text(st, s->pc))
		trace_frame(st, s->pc, false, false, &out[n++]);
	nfr = s->mem != NULL ? tui_stack_fp_walk(s, fr, TUI_FP_MAX) : 0;
	/* A riscv leaf's return address is in ra, not on the stack. */
	for (f = 0; f < nfr && n < max; f++)
		if (fr[f].ret_at == 0 && tui_symtab_is_text(st, fr[f].ret))
			trace_frame(st, fr[f].ret, true, false, &out[n++]);
	for (i = 0; s->mem != NULL && i + s->wsize <= s->len && n < max;
	    i += s->wsize) {
		w = 0;
		for (f = s->wsize; f-- > 0;)
			w = w << 8 | s->mem[i + f];
		if (!tui_symtab_is_text(st, w))
			continue;
		chain = false;
		for (f = 0; f < nfr; f++)
			if (fr[f].ret_at == s->sp + i)
				chain = true;
		trace_frame(st, w, true, !chain, &out[n++]);
	}
	return (n);
}

