/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/breakseq.c: the --break-seq language, parsed into steps (no I/O).
 *
 * A sequence is steps separated by commas:
 *   BREAK           a line BREAK, then a short pause (BR_BREAKSEQ_PAUSE_MS)
 *                   unless the next step is a wait of its own
 *   wait:MS         a pause, 0 to BR_BREAKSEQ_WAIT_MAX milliseconds
 *   0xNN            one byte, two hex digits
 *   sysrq-trigger   the shell line that breaks in from a root prompt
 *   anything else   sent as text
 *
 * opts.c checks the user's sequence with it at start-up, so a typo is a
 * usage error rather than a failed break-in at the worst moment; the
 * target engine runs the steps.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bridge/bridge.h"

static struct br_breakseq_step *
breakseq_add(struct br_breakseq *bs, enum br_breakseq_what what)
{
	struct br_breakseq_step	*s;

	bs->steps = xrealloc(bs->steps, (bs->n + 1) * sizeof *bs->steps);
	s = &bs->steps[bs->n++];
	memset(s, 0, sizeof *s);
	s->what = what;
	return (s);
}

/* Decimal digits only (no sign, no blanks), 0 to BR_BREAKSEQ_WAIT_MAX. */
static int
breakseq_ms(const char *s, unsigned *out)
{
	unsigned	v = 0;

	if (*s == '\0')
		return (-1);
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return (-1);
		v = v * 10 + (unsigned)(*s - '0');
		if (v > BR_BREAKSEQ_WAIT_MAX)
			return (-1);
	}
	*out = v;
	return (0);
}

/* One step; auto_pause says whether the step before is BREAK's pause. */
static int
breakseq_step(struct br_breakseq *bs, const char *tok, bool *auto_pause,
    char *err)
{
	struct br_breakseq_step	*s;
	bool			 after_break = *auto_pause;
	int			 hi, lo;

	*auto_pause = false;
	if (strcasecmp(tok, "BREAK") == 0) {
		breakseq_add(bs, BR_BREAKSEQ_BREAK);
		s = breakseq_add(bs, BR_BREAKSEQ_WAIT);
		s->ms = BR_BREAKSEQ_PAUSE_MS;
		*auto_pause = true;
		return (0);
	}
	if (strncmp(tok, "wait:", 5) == 0) {
		/* A wait of the user's replaces the pause BREAK added. */
		s = after_break ? &bs->steps[bs->n - 1] :
		    breakseq_add(bs, BR_BREAKSEQ_WAIT);
		if (breakseq_ms(tok + 5, &s->ms) != 0) {
			br_seterr(err, "bad break step '%s' (want wait:MS, "
			    "0 to %d)", tok, BR_BREAKSEQ_WAIT_MAX);
			return (-1);
		}
		return (0);
	}
	s = breakseq_add(bs, BR_BREAKSEQ_TEXT);
	if (strncmp(tok, "0x", 2) == 0 && strlen(tok) == 4) {
		hi = rsp_hex_val(tok[2]);
		lo = rsp_hex_val(tok[3]);
		if (hi == -1 || lo == -1) {
			br_seterr(err, "bad break step '%s' (want 0xNN, two "
			    "hex digits)", tok);
			return (-1);
		}
		s->text = xmalloc(1);
		s->text[0] = (char)(hi * 16 + lo);
		s->len = 1;
	} else if (strcmp(tok, "sysrq-trigger") == 0) {
		s->text = xstrdup(BR_BREAKSEQ_SYSRQ_TRIGGER);
		s->len = strlen(s->text);
	} else {
		s->text = xstrdup(tok);
		s->len = strlen(tok);
	}
	return (0);
}

struct br_breakseq *
br_breakseq_new(const char *seq, char *err)
{
	struct br_breakseq	*bs;
	char			*copy, *tok, *save = NULL;
	bool			 auto_pause = false;

	bs = xcalloc(1, sizeof *bs);
	copy = xstrdup(seq);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (breakseq_step(bs, tok, &auto_pause, err) != 0)
			goto fail;
	}
	free(copy);
	if (bs->n == 0) {
		br_seterr(err, "empty break sequence");
		br_breakseq_free(bs);
		return (NULL);
	}
	return (bs);
fail:
	free(copy);
	br_breakseq_free(bs);
	return (NULL);
}

void
br_breakseq_free(struct br_breakseq *bs)
{
	size_t	i;

	if (bs == NULL)
		return;
	for (i = 0; i < bs->n; i++)
		free(bs->steps[i].text);
	free(bs->steps);
	free(bs);
}

int
br_breakseq_check(const char *seq, char *err)
{
	struct br_breakseq	*bs;

	if ((bs = br_breakseq_new(seq, err)) == NULL)
		return (-1);
	br_breakseq_free(bs);
	return (0);
}
