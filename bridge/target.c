/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/target.c: the break-in sequence (target engine).
 *
 * --break-seq parsed into the steps target_kdb.c runs (BREAK, waits,
 * text), and br_target_check_break_seq() for the option parser. It calls
 * no other target file, so the option parser's call to it (layer debt
 * until the pure parser of bridge/breakseq.c replaces it) pulls nothing
 * else of the engine into a cycle. The engine proper starts in
 * target_rx.c (target_int.h says which file calls which).
 */
#include <sys/queue.h>

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "bridge/target_int.h"

void
brk_free_steps(struct br_target *t)
{
	size_t	i;

	for (i = 0; i < t->nsteps; i++)
		free(t->steps[i].text);
	free(t->steps);
	t->steps = NULL;
	t->nsteps = t->step = 0;
}

/* A --break-seq string into steps (BREAK, waits, text), or refused. */
int
brk_parse(struct br_target *t, const char *seq, char *err)
{
	char	*copy, *tok, *save = NULL;
	struct brk_step *s;
	unsigned long v;
	char	*end;

	brk_free_steps(t);
	copy = xstrdup(seq);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		t->steps = xrealloc(t->steps, (t->nsteps + 1) * sizeof *s);
		s = &t->steps[t->nsteps++];
		memset(s, 0, sizeof *s);
		if (strcasecmp(tok, "BREAK") == 0) {
			s->what = 'B';
			/* A short pause after a BREAK, unless one is given. */
			t->steps = xrealloc(t->steps, (t->nsteps + 1) *
			    sizeof *s);
			s = &t->steps[t->nsteps++];
			memset(s, 0, sizeof *s);
			s->what = 'w';
			s->autow = true;
			s->ms = TGT_BREAK_PAUSE_MS;
		} else if (strncmp(tok, "wait:", 5) == 0) {
			if (t->nsteps >= 2 && t->steps[t->nsteps - 2].autow) {
				/* An explicit wait replaces ours. */
				t->nsteps--;
				s = &t->steps[t->nsteps - 1];
			}
			s->what = 'w';
			s->autow = false;
			v = strtoul(tok + 5, &end, 10);
			if (*end != '\0' || v > 10000) {
				br_seterr(err, "bad break step '%s'", tok);
				goto fail;
			}
			s->ms = (unsigned)v;
		} else if (strncmp(tok, "0x", 2) == 0 && strlen(tok) == 4) {
			s->what = 't';
			v = strtoul(tok + 2, &end, 16);
			if (*end != '\0') {
				br_seterr(err, "bad break step '%s'", tok);
				goto fail;
			}
			s->text = xmalloc(1);
			s->text[0] = (char)v;
			s->len = 1;
		} else if (strcmp(tok, "sysrq-trigger") == 0) {
			s->what = 't';
			s->text = xstrdup(TGT_SYSRQ_TRIGGER);
			s->len = strlen(s->text);
		} else {
			s->what = 't';
			s->text = xstrdup(tok);
			s->len = strlen(tok);
		}
	}
	free(copy);
	if (t->nsteps == 0) {
		br_seterr(err, "empty break sequence");
		return (-1);
	}
	return (0);
fail:
	free(copy);
	brk_free_steps(t);
	return (-1);
}

/* Check a --break-seq at startup, so a typo is a usage error, not a
 * failed break-in at the worst moment. */
int
br_target_check_break_seq(const char *seq, char *err)
{
	struct br_target	*t = xcalloc(1, sizeof *t);
	int			 rc;

	rc = brk_parse(t, seq, err);
	brk_free_steps(t);
	free(t);
	return (rc);
}
