/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/gdb_monitor.c: gdb's `monitor` (qRcmd). `monitor bridge ...` is
 * answered here; anything else goes to kdb on the target.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bridge/bridge.h"
#include "bridge/gdb_int.h"

static void
gs_status_text(struct gsess *s)
{
	struct bridge		*br = s->g->br;
	const struct br_stats	*st = &br->stats;
	char			 stop[64];

	stop[0] = '\0';
	if (br->target != NULL)
		br_target_last_stop(br->target, stop, sizeof stop);
	gs_outputf(s, "link: %s (%s)\n", br->link != NULL ?
	    br_link_name(br->link) : "none", br->link != NULL &&
	    br_link_up(br->link) ? "up" : "down");
	gs_outputf(s, "target: %s%s%s\narch: %s (BUFMAX %zu)\n",
	    br->target != NULL ? br_target_state_name(br_target_state(
	    br->target)) : "?", stop[0] ? ", last stop " : "", stop,
	    br->arch->name, br->arch->bufmax);
	gs_outputf(s, "packets: %" PRIu64 " in, %" PRIu64 " out, %" PRIu64
	    " retransmits, %" PRIu64 " checksum errors, %" PRIu64
	    " timeouts\n", st->rx_packets, st->tx_packets, st->retransmits,
	    st->cksum_errors, st->timeouts);
	if (st->verify_reads > 0 || st->early_naks > 0)
		gs_outputf(s, "noise: %" PRIu64 " reads repeated to confirm "
		    "(%" PRIu64 " differed), %" PRIu64 " garbled replies "
		    "NAKed as soon as whole\n", st->verify_reads,
		    st->verify_mismatches, st->early_naks);
}

/* `monitor bridge cache [stats|on|off]`. */
static void
gs_cache_cmd(struct gsess *s, const char *arg)
{
	struct br_cache	*cache = s->g->br->cache;
	char		 buf[2048];
	size_t		 n;

	if (cache == NULL) {
		gs_outputf(s, "no cache in this bridge (unknown architecture)"
		    "\n");
		return;
	}
	if (strcmp(arg, "on") == 0 || strcmp(arg, "off") == 0) {
		br_cache_set_enabled(cache, strcmp(arg, "on") == 0);
		log_info("cache: %s (monitor)", arg);
		gs_outputf(s, "cache %s\n", arg);
		return;
	}
	if (arg[0] != '\0' && strcmp(arg, "stats") != 0) {
		gs_outputf(s, "usage: monitor bridge cache [stats|on|off]\n");
		return;
	}
	n = br_cache_stats_text(cache, buf, sizeof buf);
	gs_output(s, buf, n);
	if (br_cache_notice(cache)[0] != '\0')
		gs_outputf(s, "last notice: %s\n", br_cache_notice(cache));
}

/* `monitor bridge step-irqs [masked|kernel]`. */
static void
gs_step_irqs_cmd(struct gsess *s, const char *arg)
{
	struct br_gdb	*g = s->g;

	if (strcmp(arg, "masked") == 0)
		g->step_irqs = BR_STEP_IRQS_MASKED;
	else if (strcmp(arg, "kernel") == 0)
		g->step_irqs = BR_STEP_IRQS_KERNEL;
	else if (arg[0] != '\0') {
		gs_outputf(s, "usage: monitor bridge step-irqs "
		    "[masked|kernel]\n");
		return;
	}
	if (arg[0] != '\0')
		log_info("gdb: step-irqs %s (monitor)", arg);
	gs_outputf(s, "step-irqs %s%s\n", g->step_irqs ==
	    BR_STEP_IRQS_MASKED ? "masked" : "kernel", g->br->arch != NULL &&
	    g->br->arch->id == RSP_ARCH_ARM64 ? "" : " (arm64 only: steps "
	    "here are left to the kernel)");
}

void
gs_qrcmd(struct gsess *s, const char *p, size_t len)
{
	char	cmd[512];
	int	n;

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
	if (strcmp(cmd, "bridge status") == 0 || strcmp(cmd, "bridge") == 0)
		gs_status_text(s);
	else if (strcmp(cmd, "bridge kdb") == 0) {
		br_target_enter_kdb(s->g->br->target);
		gs_outputf(s, "switching the target to kdb ($3#33); gdb "
		    "requests switch it back. Detach or use the console.\n");
	} else if (strcmp(cmd, "bridge cache") == 0)
		gs_cache_cmd(s, "");
	else if (strncmp(cmd, "bridge cache ", 13) == 0)
		gs_cache_cmd(s, cmd + 13);
	else if (strcmp(cmd, "bridge step-irqs") == 0)
		gs_step_irqs_cmd(s, "");
	else if (strncmp(cmd, "bridge step-irqs ", 17) == 0)
		gs_step_irqs_cmd(s, cmd + 17);
	else if (strcmp(cmd, "bridge help") == 0)
		gs_outputf(s, "monitor bridge status   link, target state, "
		    "counters\nmonitor bridge kdb      hand the target to kdb "
		    "(console)\nmonitor bridge cache stats|on|off\n"
		    "                        the stop-state cache: counters, "
		    "or switch it\nmonitor bridge step-irqs masked|kernel\n"
		    "                        arm64: steps with interrupts "
		    "masked, or as kgdb does\nmonitor <kdb command>   runs in "
		    "kdb on the target\n");
	else
		gs_outputf(s, "unknown bridge command '%s' (try 'monitor "
		    "bridge help')\n", cmd + 6);
	gs_replys(s, "OK");
}

