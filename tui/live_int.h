/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/live_int.h: what live.c (the session: events, status, keys) and
 * stop.c (what a stop reads) share; nothing outside them includes it.
 */
#ifndef TUI_LIVE_INT_H
#define TUI_LIVE_INT_H

#include <stdio.h>

#include "common/dwarf.h"
#include "common/json.h"
#include "tui/tui.h"

#define LIVE_STATUS_MS	1000
#define LIVE_STACK_BYTES 1024
#define LIVE_PAGE	4096
#define LIVE_BACKLOG	100	/* records read on the first view */
#define LIVE_RECS_MAX	4000
#define LIVE_LOG_LINES	20000
#define LIVE_PEND_MAX	16

enum live_req { LR_REGS, LR_STACK, LR_LOG, LR_THREAD, LR_MORE, LR_OLD };
/*
 * A stop's steps: the first view (REGS, STACK as far as the screen shows
 * it, LOG: the screen's worth of newest records), then behind it MORE
 * (tasks, taint), REST_STACK (the stack on to LIVE_STACK_BYTES) and
 * REST_LOG (older records, up to LIVE_BACKLOG, on a TUI's first view).
 */
enum live_step { LS_IDLE, LS_REGS, LS_STACK, LS_LOG, LS_MORE, LS_REST_STACK,
    LS_REST_LOG };

struct live_rec {
	uint64_t	 seq, ts_nsec;
	uint32_t	 caller_id;
	uint8_t		 level, facility, flags;
	char		*text;
	size_t		 len;
};

struct tui_live {
	struct tui_conn		*ev, *rq;
	struct tui_status	 status;
	struct tui_regs_view	*regs;
	struct tui_stack	 stack;
	uint8_t			 stackmem[LIVE_STACK_BYTES];
	bool			 have_stack;
	struct tui_log		*log;
	struct tui_panic	*panic;
	struct tui_symtab	*symtab;
	bool			 own_symtab;
	char			*vmlinux;	/* its path, or NULL */
	bool			 layout_done;	/* DWARF read (or failed) */
	struct cm_dwarf		*dwarf;		/* kept until the arch is */
	char			 log_why[TUI_LOG_NOTE_MAX];
	const struct rsp_arch	*arch;
	struct tui_mem		*mem;
	struct tui_printk	*pk;
	unsigned		 mem_read_max;
	struct tui_prb_layout	 pk_lay;	/* for the older records */
	uint64_t		 pk_prb;
	bool			 pk_first;	/* no walk done yet */
	bool			 old_want;	/* older records to read */
	struct tui_printk	*pk_old;	/* that walk, while it runs */
	struct live_rec		*old;		/* the records it found */
	size_t			 nold;
	int			 rows;		/* the screen's height */
	bool			 rest_done;	/* this stop's rest was read */

	/* behind the first view: the tasks, the taint, a task's stack */
	struct tui_behind	*behind;
	bool			 tasks_view;	/* the tasks view is shown */
	size_t			 tsel;
	uint64_t		 more_t0, more_bytes, more_reads;
	bool			 walked;	/* the walk was over at the start */
	uint64_t		 more_addr;	/* the read in flight */
	size_t			 more_len;

	struct live_rec		*recs;
	size_t			 nrecs;
	bool			 recs_dirty, synced;

	enum live_req		 pend[LIVE_PEND_MAX];
	size_t			 npend;
	enum live_step		 step;
	bool			 again;
	bool			 seen_stop;	/* this stop was read already */
	uint64_t		 stack_sp;
	size_t			 stack_got, stack_want;

	uint64_t		 t_start, req_bytes, req_reads;
	uint64_t		 last_rx, last_tx, last_ms, next_status;
	bool			 have_rates;
	char			 msg[TUI_ERRLEN];

	FILE			*trace;		/* KGDB_TUI_TRACE, or NULL */
};

uint64_t	live_now_ms(void);
int		live_send(struct tui_live *, struct tui_conn *, enum live_req,
		    const char *);
void		live_printk_setup(struct tui_live *);
void		live_more_start(struct tui_live *);
void		live_rq_line(struct tui_live *, const char *);
void		live_old_free(struct tui_live *);
size_t		live_recs_prepend(struct live_rec *, size_t, size_t,
		    struct live_rec *, size_t);

#endif
