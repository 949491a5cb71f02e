/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge/status.c: the bridge's state in one snapshot, and its three
 * renderings: JSON (`kgdb-bridge ctl status`), the lines of `monitor
 * bridge status`, and the one line of the console's Ctrl-] s.
 *
 * Layer 3: it reads the link, the target engine and struct bridge, never
 * a front end. What only a front end knows (a gdb attached, the ports it
 * bound, console clients) it finds in br->front, which the front ends
 * keep up to date (bridge.h).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "bridge/bridge.h"
#include "bridge/prefetch.h"
#include "common/json.h"

void
br_status_get(struct bridge *br, struct br_status *st)
{
	memset(st, 0, sizeof *st);
	st->pid = (uint64_t)getpid();
	st->uptime_ms = br_now_ms() - br->start_ms;
	st->target = br->opts.target != NULL ? br->opts.target : "";
	st->have_link = br->link != NULL;
	st->link_up = br_link_up(br->link);
	st->device = br_link_name(br->link);
	st->baud = br_link_baud(br->link);
	st->caps = br_link_caps(br->link);
	st->state = br->target != NULL ?
	    br_target_state_name(br_target_state(br->target)) : NULL;
	if (br->target != NULL)
		br_target_last_stop(br->target, st->stop, sizeof st->stop);
	st->gdb = br->front.gdb_attached;
	st->console_clients = br->front.console_clients;
	st->gdb_port = br->front.gdb_port;
	st->console_port = br->front.console_port;
	st->arch = br->arch;
	st->arch_name = br->arch != NULL ? br->arch->name :
	    (br->opts.arch != NULL ? br->opts.arch : "x86_64");
	st->panic = br->panic;
	st->vmlinux = br->opts.vmlinux;
	st->log = br->opts.log_path;
	if (br->prefetch != NULL)
		st->prefetch = br_prefetch_on(br->prefetch) ? "on" : "off";
	st->stats = br->stats;
}

/* s as a JSON string (common/json.c escapes it, both programs alike). */
static void
status_quote(struct evbuffer *b, const char *s)
{
	size_t	 len = strlen(s);
	char	*q = xmalloc(CM_JSON_QUOTE_MAX(len));
	size_t	 n;

	n = cm_json_quote(q, CM_JSON_QUOTE_MAX(len), s, len);
	evbuffer_add(b, q, n);
	free(q);
}

static void
status_kv_u64(struct evbuffer *b, const char *k, uint64_t v)
{
	evbuffer_add_printf(b, ",\"%s\":%llu", k, (unsigned long long)v);
}

static void
status_kv_str(struct evbuffer *b, const char *k, const char *v)
{
	evbuffer_add_printf(b, ",\"%s\":", k);
	status_quote(b, v);
}

/* The JSON reply to ctl status: which keys there are, in which order
 * (kgdb-bridge(1), CONTROL, documents them). */
char *
br_status_json(const struct br_status *st)
{
	struct evbuffer		*b = evbuffer_new();
	const struct br_stats	*s = &st->stats;
	char			*out;
	size_t			 len;
	char			 capstr[64];

	if (b == NULL)
		fatalx("status: out of memory");
	evbuffer_add_printf(b, "{\"v\":%d,\"ok\":true,\"cmd\":\""
	    CTL_CMD_STATUS "\"", CTL_PROTO_VERSION);
	status_kv_u64(b, "pid", st->pid);
	status_kv_u64(b, "uptime_ms", st->uptime_ms);
	status_kv_str(b, "target", st->target);
	status_kv_str(b, "link", st->link_up ? "up" : "down");
	status_kv_str(b, "device", st->device);
	status_kv_u64(b, "baud", (uint64_t)st->baud);
	snprintf(capstr, sizeof capstr, "%s%s%s%s%s",
	    st->caps & BR_LINK_CAN_BREAK ? ",\"break\"" : "",
	    st->caps & BR_LINK_HAS_BAUD ? ",\"baud\"" : "",
	    st->caps & BR_LINK_NO_8BIT ? ",\"no_8bit\"" : "",
	    st->caps & BR_LINK_INT_03 ? ",\"int_03\"" : "",
	    st->caps & BR_LINK_CONSOLE_ONLY ? ",\"console_only\"" : "");
	evbuffer_add_printf(b, ",\"caps\":[%s]", capstr[0] != '\0' ?
	    capstr + 1 : "");
	status_kv_str(b, "state", st->state != NULL ? st->state : "unknown");
	evbuffer_add_printf(b, ",\"gdb\":%s", st->gdb ? "true" : "false");
	status_kv_str(b, "control", st->gdb ? "gdb" : "console");
	status_kv_u64(b, "console_clients", st->console_clients);
	/* The ports bound (0: off), which port 0 leaves to the kernel. */
	status_kv_u64(b, "gdb_port", (uint64_t)st->gdb_port);
	status_kv_u64(b, "console_port", (uint64_t)st->console_port);
	evbuffer_add_printf(b, ",\"ports\":{\"gdb\":%d,\"console\":%d}",
	    st->gdb_port, st->console_port);
	status_kv_str(b, "arch", st->arch_name);
	status_kv_str(b, "panic", st->panic);
	status_kv_str(b, "stop", st->stop);
	status_kv_u64(b, "mem_read_max", st->arch != NULL ?
	    (uint64_t)st->arch->mem_read_max : 0);
	if (st->vmlinux != NULL)
		status_kv_str(b, "vmlinux", st->vmlinux);
	if (st->log != NULL)
		status_kv_str(b, "log", st->log);
	if (st->prefetch != NULL)
		status_kv_str(b, "prefetch", st->prefetch);
	evbuffer_add_printf(b, ",\"stats\":{\"rx_bytes\":%llu,\"tx_bytes\":"
	    "%llu,\"rx_packets\":%llu,\"tx_packets\":%llu,\"retransmits\":"
	    "%llu,\"cksum_errors\":%llu,\"timeouts\":%llu,\"console_bytes\":"
	    "%llu,\"bad_replies\":%llu,\"verify_reads\":%llu,"
	    "\"verify_mismatches\":%llu,\"early_naks\":%llu}}",
	    (unsigned long long)s->rx_bytes,
	    (unsigned long long)s->tx_bytes,
	    (unsigned long long)s->rx_packets,
	    (unsigned long long)s->tx_packets,
	    (unsigned long long)s->retransmits,
	    (unsigned long long)s->cksum_errors,
	    (unsigned long long)s->timeouts,
	    (unsigned long long)s->console_bytes,
	    (unsigned long long)s->bad_replies,
	    (unsigned long long)s->verify_reads,
	    (unsigned long long)s->verify_mismatches,
	    (unsigned long long)s->early_naks);
	len = evbuffer_get_length(b);
	out = xmalloc(len + 1);
	evbuffer_remove(b, out, len);
	out[len] = '\0';
	evbuffer_free(b);
	return (out);
}

/*
 * One printf-like piece of the text to out: the pieces are what `monitor
 * bridge status` has always sent gdb as one O packet each.
 */
static void printflike(3, 4)
status_out(void (*out)(void *, const char *, size_t), void *arg,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	br_voutf(out, arg, fmt, ap);
	va_end(ap);
}

void
br_status_text(const struct br_status *st, void (*out)(void *,
    const char *, size_t), void *arg)
{
	const struct br_stats	*s = &st->stats;

	status_out(out, arg, "link: %s (%s)\n", st->have_link ? st->device :
	    "none", st->link_up ? "up" : "down");
	status_out(out, arg, "target: %s%s%s\narch: %s (BUFMAX %zu)\n",
	    st->state != NULL ? st->state : "?", st->stop[0] ?
	    ", last stop " : "", st->stop, st->arch->name, st->arch->bufmax);
	status_out(out, arg, "packets: %" PRIu64 " in, %" PRIu64 " out, %"
	    PRIu64 " retransmits, %" PRIu64 " checksum errors, %" PRIu64
	    " timeouts\n", s->rx_packets, s->tx_packets, s->retransmits,
	    s->cksum_errors, s->timeouts);
	if (st->prefetch != NULL)
		status_out(out, arg, "prefetch: %s (monitor bridge prefetch)\n",
		    st->prefetch);
	if (s->verify_reads > 0 || s->early_naks > 0)
		status_out(out, arg, "noise: %" PRIu64 " reads repeated to "
		    "confirm (%" PRIu64 " differed), %" PRIu64 " garbled "
		    "replies NAKed as soon as whole\n", s->verify_reads,
		    s->verify_mismatches, s->early_naks);
}

int
br_status_line(const struct br_status *st, char *buf, size_t len)
{
	return (snprintf(buf, len, "\r\n[kgdb-bridge] %s link %s, target %s, "
	    "gdb %s, %zu console clients%s%s\r\n", st->device, st->link_up ?
	    "up" : "down", st->state != NULL ? st->state : "?", st->gdb ?
	    "attached" : "not attached", st->console_clients,
	    st->panic[0] != '\0' ? ", last panic: " : "", st->panic));
}
