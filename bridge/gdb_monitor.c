/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/gdb_monitor.c: gdb's `monitor` (qRcmd). `monitor bridge NAME
 * [WORDS]` runs the command NAME of cmd.c's table that the monitor
 * offers, its text going to gdb as O packets; anything else goes to kdb
 * on the target. The two commands on state gdb.c owns, cache and
 * step-irqs, are defined here and added to the table by br_gdb_new
 * (gdb_monitor_cmds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/bridge.h"
#include "bridge/gdb_int.h"

/* `monitor bridge cache [stats|on|off]`. */
static int
gdb_cache_cmd(struct br_cmdq *q)
{
	struct br_cache	*cache = q->br->cache;
	const char	*arg = q->args;
	char		 buf[2048];
	size_t		 n;

	if (cache == NULL) {
		br_cmd_printf(q, "no cache in this bridge (unknown "
		    "architecture)\n");
		return (BR_CMD_OK);
	}
	if (strcmp(arg, "on") == 0 || strcmp(arg, "off") == 0) {
		br_cache_set_enabled(cache, strcmp(arg, "on") == 0);
		log_info("cache: %s (monitor)", arg);
		br_cmd_printf(q, "cache %s\n", arg);
		return (BR_CMD_OK);
	}
	if (arg[0] != '\0' && strcmp(arg, "stats") != 0) {
		br_cmd_printf(q, "usage: monitor bridge cache "
		    "[stats|on|off]\n");
		return (BR_CMD_OK);
	}
	n = br_cache_stats_text(cache, buf, sizeof buf);
	q->print(q->arg, buf, n);
	if (br_cache_notice(cache)[0] != '\0')
		br_cmd_printf(q, "last notice: %s\n", br_cache_notice(cache));
	return (BR_CMD_OK);
}

/* `monitor bridge step-irqs [masked|kernel]`. */
static int
gdb_step_irqs_cmd(struct br_cmdq *q)
{
	struct br_gdb	*g = q->owner;
	const char	*arg = q->args;

	if (strcmp(arg, "masked") == 0)
		g->step_irqs = BR_STEP_IRQS_MASKED;
	else if (strcmp(arg, "kernel") == 0)
		g->step_irqs = BR_STEP_IRQS_KERNEL;
	else if (arg[0] != '\0') {
		br_cmd_printf(q, "usage: monitor bridge step-irqs "
		    "[masked|kernel]\n");
		return (BR_CMD_OK);
	}
	if (arg[0] != '\0')
		log_info("gdb: step-irqs %s (monitor)", arg);
	br_cmd_printf(q, "step-irqs %s%s\n", g->step_irqs ==
	    BR_STEP_IRQS_MASKED ? "masked" : "kernel", q->br->arch != NULL &&
	    q->br->arch->id == RSP_ARCH_ARM64 ? "" : " (arm64 only: steps "
	    "here are left to the kernel)");
	return (BR_CMD_OK);
}

const struct br_cmd gdb_monitor_cmds[GDB_MONITOR_NCMDS] = {
	{ .name = "cache", .from = BR_CMD_MONITOR, .args = true,
	  .fn = gdb_cache_cmd, .usage = "cache stats|on|off",
	  .help = "the stop-state cache: counters, or switch it" },
	{ .name = "step-irqs", .from = BR_CMD_MONITOR, .args = true,
	  .fn = gdb_step_irqs_cmd, .usage = "step-irqs masked|kernel",
	  .help = "arm64: steps with interrupts masked, or as kgdb does" },
};

static void
gs_monitor_print(void *arg, const char *text, size_t len)
{
	gs_output(arg, text, len);
}

/* gdb's qRcmd: `monitor bridge …` runs here, the rest goes to kdb. */
void
gs_qrcmd(struct gsess *s, const char *p, size_t len)
{
	struct br_cmdq		 q;
	const struct br_cmd	*c = NULL;
	void			*owner = NULL;
	char			 cmd[512], name[32];
	const char		*word = "status", *args = "";
	size_t			 wl;
	int			 n, rc;

	n = rsp_hex_decode(cmd, sizeof cmd - 1, p + 6, len - 6);
	if (n < 0) {
		gs_replys(s, "E01");
		return;
	}
	cmd[n] = '\0';
	if (strncmp(cmd, "bridge", 6) != 0 || (cmd[6] != '\0' &&
	    cmd[6] != ' ')) {
		s->in_qrcmd = true;
		gs_forward(s, p, len);
		return;
	}
	s->in_qrcmd = true;
	/* "bridge" alone is "bridge status"; a name takes words after one
	 * space only if the command has any. */
	if (cmd[6] == ' ') {
		word = cmd + 7;
		wl = strcspn(word, " ");
		args = word[wl] == ' ' ? word + wl + 1 : word + wl;
	} else
		wl = strlen(word);
	if (wl < sizeof name) {
		memcpy(name, word, wl);
		name[wl] = '\0';
		c = br_cmd_find(s->g->br, BR_CMD_MONITOR, name, &owner);
	}
	if (c == NULL || (!c->args && word[wl] != '\0')) {
		gs_outputf(s, "unknown bridge command '%s' (try 'monitor "
		    "bridge help')\n", cmd + 6);
		gs_replys(s, "OK");
		return;
	}
	memset(&q, 0, sizeof q);
	q.br = s->g->br;
	q.from = BR_CMD_MONITOR;
	q.args = args;
	q.print = gs_monitor_print;
	q.arg = s;
	rc = br_cmd_run(&q, c, owner);
	if (rc == BR_CMD_ERR || rc == BR_CMD_NOOP)
		gs_outputf(s, "%s\n", q.err);
	free(q.reply);
	gs_replys(s, "OK");
}
