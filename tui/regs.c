/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/regs.c: the register pane's model: the registers at this stop and
 * at the one before, so the pane can mark what changed. Pure (layer 0):
 * the live session fills it from a 'g' reply, view_regs.c draws it.
 */
#include <inttypes.h>
#include <string.h>

#include "rsp/rsp.h"
#include "tui/tui.h"

struct tui_regs_view {
	struct tui_reg	 cur[TUI_REGS_MAX];
	size_t		 n;
	struct tui_reg	 prev[TUI_REGS_MAX];
	size_t		 nprev;
	unsigned	 stops;
};

struct tui_regs_view *
tui_regs_view_new(void)
{
	return (tui_xcalloc(1, sizeof(struct tui_regs_view)));
}

void
tui_regs_view_free(struct tui_regs_view *v)
{
	free(v);
}

void
tui_regs_view_set(struct tui_regs_view *v, const struct tui_reg *regs,
    size_t n)
{
	if (n > TUI_REGS_MAX)
		n = TUI_REGS_MAX;
	memcpy(v->prev, v->cur, sizeof v->prev);
	v->nprev = v->n;
	memcpy(v->cur, regs, n * sizeof *regs);
	v->n = n;
	for (size_t i = 0; i < n; i++)
		v->cur[i].name[sizeof v->cur[i].name - 1] = '\0';
	v->stops++;
}

static const struct tui_reg *
find(const struct tui_reg *set, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(set[i].name, name) == 0)
			return (&set[i]);
	return (NULL);
}

bool
tui_regs_view_changed(const struct tui_regs_view *v, const char *name)
{
	const struct tui_reg *a = find(v->cur, v->n, name);
	const struct tui_reg *b = find(v->prev, v->nprev, name);

	return (a != NULL && b != NULL && a->value != b->value);
}

size_t
tui_regs_from_rsp(const struct rsp_regs *r, struct tui_reg *out, size_t max)
{
	const struct rsp_arch	*a = r->arch;
	size_t			 i, n = 0;
	uint64_t		 v;

	if (a == NULL)
		return (0);
	for (i = 0; i < a->nregs && n < max; i++) {
		if (a->regs[i].offset < 0 || a->regs[i].size > 8 ||
		    rsp_regs_get(r, (int)i, &v) < 0)
			continue;
		memset(&out[n], 0, sizeof out[n]);
		snprintf(out[n].name, sizeof out[n].name, "%s",
		    a->regs[i].name);
		out[n].value = v;
		out[n].size = (uint8_t)a->regs[i].size;
		n++;
	}
	return (n);
}

size_t
tui_regs_view_count(const struct tui_regs_view *v)
{
	return (v->n);
}

const struct tui_reg *
tui_regs_view_get(const struct tui_regs_view *v, size_t i)
{
	return (i < v->n ? &v->cur[i] : NULL);
}

/* How the architecture's code keeps its frame records (tui_stack_fp_walk):
 * here with the other per-architecture knowledge, so that the live
 * session (layer 2) can ask without reaching up into the views. */
enum tui_fp_kind
tui_fp_kind_for(const char *arch_name)
{
	if (arch_name == NULL)
		return (TUI_FP_UP);
	if (strcmp(arch_name, "riscv64") == 0)
		return (TUI_FP_RISCV);
	if (strcmp(arch_name, "arm") == 0)
		return (TUI_FP_APCS);
	return (TUI_FP_UP);
}

void
tui_fp_record(enum tui_fp_kind k, uint64_t fp, uint64_t w,
    uint64_t *saved_at, uint64_t *ret_at)
{
	switch (k) {
	case TUI_FP_RISCV:
		*saved_at = fp - 2 * w;
		*ret_at = fp - w;
		break;
	case TUI_FP_APCS:
		*saved_at = fp - 3 * w;
		*ret_at = fp - w;
		break;
	default:
		*saved_at = fp;
		*ret_at = fp + w;
		break;
	}
}
