/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui/tui.h: the kgdb-tui client, one section per source file.
 *
 * The TUI is a separate program that talks to kgdb-bridge over its control
 * socket; it never links into the daemon. Everything in this header is
 * curses-free: views draw into a plain struct tui_canvas (canvas.c), and
 * only blit.c knows ncurses. That keeps every module testable with golden
 * text screens (tests/data/tui/NAME.result).
 *
 * Data flow:
 *   console text / printk records ─► sanitize (panic.c) ─► view_log.c
 *                                   └► panic.c parser ─────► view_panic.c
 *   printk.c walks the kernel's ring through a memory-read callback
 *   symtab.c turns addresses into function+0xoff for regs/stack/panic views
 *
 * Errors: calls that can fail for the user return -1 and fill a
 * caller-owned char err[TUI_ERRLEN]; allocation failure aborts.
 */
#ifndef TUI_TUI_H
#define TUI_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TUI_ERRLEN	256

#define tui_printflike(a, b) __attribute__((format(printf, a, b)))

/*
 * Allocation that aborts on failure. Inline here (not xmalloc) so the TUI
 * shares no link-time symbols with bridge/, whose objects the unit tests
 * link alongside ours.
 */
static inline void *
tui_xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL) {
		fputs("kgdb-tui: out of memory\n", stderr);
		abort();
	}
	return (p);
}

static inline void *
tui_xreallocarray(void *old, size_t n, size_t size)
{
	void	*p;

	if (size != 0 && n > SIZE_MAX / size)
		abort();
	if ((p = realloc(old, n * size == 0 ? 1 : n * size)) == NULL) {
		fputs("kgdb-tui: out of memory\n", stderr);
		abort();
	}
	return (p);
}

static inline char *
tui_xstrndup(const char *s, size_t len)
{
	char	*p = tui_xcalloc(1, len + 1);

	memcpy(p, s, len);
	return (p);
}

/* panic.c */
/*
 * Console hygiene and the oops/panic parser.
 *
 * tui_sanitize() makes one line of wire text safe for a terminal: escape
 * sequences (CSI, OSC, two-byte ESC) are dropped, a trailing CR is
 * dropped, tabs expand to 8 columns, and every other byte outside 0x20..0x7e
 * is shown as \xNN (as dmesg does). The output holds only printable ASCII,
 * is NUL-terminated, never longer than outmax-1, and sanitizing it again
 * changes nothing. Returns the length written.
 */
size_t	 tui_sanitize(char *out, size_t outmax, const void *in, size_t len);
/*
 * Length of a leading printk timestamp "[    1.234567] " (and a caller
 * field "[    T1] " after it), or 0. If ts_nsec_out is given and a
 * timestamp is there, it receives the time in nanoseconds.
 */
size_t	 tui_strip_timestamp(const char *line, size_t len,
	     uint64_t *ts_nsec_out);

/* Meaning of one taint letter ("P" → "proprietary module"), or NULL. */
const char *tui_taint_word(char letter);
/* All set letters of a taint field as words joined by ", "; "" if none.
 * Returns the length written (truncated to fit, always NUL-terminated). */
size_t	 tui_taint_words(const char *letters, char *buf, size_t buflen);

enum tui_oops_kind {
	TUI_OOPS_BUG,		/* "BUG: …" (page fault, lockup, sleeping…) */
	TUI_OOPS_OOPS,		/* "Oops: …" with no header before it */
	TUI_OOPS_GPF,		/* "general protection fault …" */
	TUI_OOPS_KBUG,		/* "kernel BUG at file:line!" */
	TUI_OOPS_PANIC,		/* "Kernel panic - not syncing: …" */
	TUI_OOPS_WARN,		/* "WARNING: CPU: n PID: n at file:line …" */
	TUI_OOPS_ARM64,		/* "Internal error: …" / "Unable to handle …" */
};

/* Frame context markers in a call trace ("<IRQ>", "<TASK>", …). */
enum tui_frame_ctx {
	TUI_CTX_NONE, TUI_CTX_TASK, TUI_CTX_IRQ, TUI_CTX_SOFTIRQ, TUI_CTX_NMI,
	TUI_CTX_EXCEPTION,
};

#define TUI_SYM_MAX	64
#define TUI_FRAMES_MAX	48
#define TUI_CODE_MAX	96
#define TUI_OOPS_MAX	8

/* "func+0x16/0x20 [module]", or a bare address when func is empty. */
struct tui_frame {
	char		 func[TUI_SYM_MAX];
	char		 module[32];
	uint64_t	 off, size;
	uint64_t	 addr;		/* bare-address frames only */
	bool		 unreliable;	/* printed with "? " */
	enum tui_frame_ctx ctx;
};

struct tui_oops {
	enum tui_oops_kind kind;
	char		 title[160];	/* the first line, without timestamp */
	char		 detail[160];	/* panic message, BUG text, "#PF: …" */
	char		 file[96];	/* kernel BUG at / WARNING at file */
	int		 line;		/* … and line, or 0 */
	int		 die_no;	/* N of "[#N]", or 0 */

	bool		 has_rip;	/* a kernel-mode RIP/pc line was seen */
	struct tui_frame rip;		/* func/off/size, or addr */
	unsigned	 rip_cs;	/* x86 code segment, or 0 */

	int		 cpu, pid;	/* -1 when not seen */
	char		 comm[24];
	bool		 tainted;
	char		 taint[24];	/* set letters only, e.g. "GW" */
	char		 release[48];	/* "6.1.0" */
	char		 hardware[128];

	struct tui_frame frames[TUI_FRAMES_MAX];
	size_t		 nframes;
	size_t		 frames_dropped; /* trace lines past TUI_FRAMES_MAX */

	uint8_t		 code[TUI_CODE_MAX];
	size_t		 ncode;
	int		 code_fault;	/* index of the first marked byte, -1 */
	int		 code_fault_len; /* 1 for <xx>, 4 for arm64 (xxxxxxxx) */
	uint64_t	 fault_addr;	/* "address: …" / CR2, 0 if not seen */
	bool		 ended;		/* "---[ end …" seen */
};

struct tui_panic;

struct tui_panic *tui_panic_new(void);
void		 tui_panic_free(struct tui_panic *p);
/* Forget everything seen so far. */
void		 tui_panic_reset(struct tui_panic *p);
/* One console or log line (no newline needed; a timestamp is stripped).
 * The bytes need not be sanitized. */
void		 tui_panic_line(struct tui_panic *p, const char *line,
		     size_t len);
/* Any amount of text; split at '\n'. A last partial line is kept and
 * completed by the next call (or by tui_panic_flush). */
void		 tui_panic_feed(struct tui_panic *p, const char *text,
		     size_t len);
void		 tui_panic_flush(struct tui_panic *p);
/* Reports kept (at most TUI_OOPS_MAX; the first is the summary). */
size_t		 tui_panic_count(const struct tui_panic *p);
/* All reports seen, including those past TUI_OOPS_MAX. */
size_t		 tui_panic_seen(const struct tui_panic *p);
const struct tui_oops *tui_panic_get(const struct tui_panic *p, size_t i);
/*
 * Where it happened, for a one-line summary: the RIP if a kernel-mode one
 * was printed, else the first reliable trace frame that is not part of the
 * reporting machinery (dump_stack, panic, __warn, …). NULL if neither.
 */
const struct tui_frame *tui_oops_where(const struct tui_oops *o);
/* dump_stack, panic, __warn, the delay loops a panic waits in, …: the
 * functions that report a problem rather than have it. */
bool		 tui_frame_is_reporting(const char *func);
/* "func+0x16/0x20 [mod]" or "0xffffffff81000000"; returns the length. */
size_t		 tui_frame_format(const struct tui_frame *f, char *buf,
		     size_t buflen);
const char	*tui_oops_kind_name(enum tui_oops_kind k);

/* printk.c */
/*
 * The kernel's own log, read out of target memory: the lockless printk
 * ring of 5.10 and later (kernel/printk/printk_ringbuffer.[ch];
 * docs/kgdb-wire.md §8), laid out as the vmlinux's DWARF says.
 *
 * Memory comes through a callback (over RSP 'm' later), which returns 0
 * when all len bytes were read, -1 otherwise. Reads are never longer than
 * layout.mem_read_max (511: kgdb's x86 BUFMAX allows no more), and the walk
 * reads only what it needs: the ring header, the descriptors of the ids it
 * visits (side by side, so several per read), then per record the first
 * bytes of its info and its text. A second poll
 * starts after the last record it delivered, so it costs a header read
 * plus the new records. Little-endian targets only (x86, arm64).
 */
typedef int tui_mem_read_cb(void *arg, uint64_t addr, void *buf, size_t len);

/*
 * Where the fields the walk uses are, all from the vmlinux's DWARF
 * (tui_prb_layout_dwarf): the kernel's own sizes and offsets, never
 * numbers of one version. A field is bytes [off, off + size) read
 * little-endian; a bit field (bits > 0) is bits [bit, bit + bits) of that
 * value. Ring header fields are offsets from the start of struct
 * printk_ringbuffer (desc_ring.X, text_data_ring.X).
 */
struct tui_prb_field {
	unsigned	 off, size;
	unsigned	 bit, bits;
};

struct tui_prb_layout {
	unsigned	 long_size;	/* sizeof(unsigned long): 8 or 4 */
	unsigned	 mem_read_max;	/* largest single read */
	/* struct printk_ringbuffer */
	unsigned	 rb_size;
	struct tui_prb_field count_bits, descs, infos, head_id, tail_id,
			 size_bits, data;
	/* struct prb_desc */
	unsigned	 desc_size;
	struct tui_prb_field state_var, begin, next;
	/* struct printk_info */
	unsigned	 info_size;
	struct tui_prb_field seq, ts_nsec, text_len, facility, flags, level,
			 caller_id;
	/* enum desc_state: the states in state_var's top two bits */
	unsigned	 desc_reserved, desc_committed, desc_finalized,
			 desc_reusable;
};
struct cm_dwarf;
/*
 * The layout from a vmlinux's DWARF, and the address of its `prb`
 * pointer. -1 with err naming what is missing (no debug info, a struct,
 * a member, the variable) or what the walk cannot read (a big-endian
 * kernel, a field wider than 8 bytes). mem_read_max is left 0.
 */
int		 tui_prb_layout_dwarf(struct cm_dwarf *d,
		     struct tui_prb_layout *l, uint64_t *prb_out, char *err);
/* Whether a layout is one the walk can use (every field inside its
 * struct, sizes 1 to 8, the long as wide as the ids); -1 says why. */
int		 tui_prb_layout_check(const struct tui_prb_layout *l,
		     char *err);

#define TUI_PRINTK_TEXT_MAX	2048	/* longer record texts are cut */
#define TUI_PRINTK_PENDING_MAX	16

/* Flags in tui_printk_rec.flags (printk/internal.h). */
#define TUI_LOG_NEWLINE		0x02
#define TUI_LOG_CONT		0x08

struct tui_printk_rec {
	uint64_t	 seq, ts_nsec;
	uint32_t	 caller_id;	/* bit 31: 0x80000000|cpu, else pid */
	uint8_t		 level, facility, flags;
	bool		 final;		/* false: committed, may still grow */
	bool		 lost;		/* data-less record whose text is gone */
	const char	*text;		/* raw bytes, valid during the call */
	size_t		 len;
};
typedef void	 tui_printk_rec_cb(void *arg, const struct tui_printk_rec *r);

struct tui_printk_stats {
	uint64_t	 bytes;		/* bytes requested from the target */
	uint64_t	 reads;		/* read calls */
	uint64_t	 skipped;	/* descriptors overwritten or reusable */
};

struct tui_printk;

/* prb_sym is the address of the kernel's `prb` pointer variable. */
struct tui_printk *tui_printk_new(const struct tui_prb_layout *l,
		     uint64_t prb_sym, tui_mem_read_cb *read, void *arg);
void		 tui_printk_free(struct tui_printk *pk);
/* On the first poll, deliver at most the newest n records (0: all). */
void		 tui_printk_set_backlog(struct tui_printk *pk, size_t n);
/*
 * Deliver, oldest first, every record not delivered before. A record still
 * committed (not finalized) is delivered with final=false and again at a
 * later poll, with the same seq, until it is final: consumers keep the
 * newest text per seq. A walk stops at a reserved descriptor and resumes
 * there. Returns the number of records delivered, or -1 with err filled.
 */
int		 tui_printk_poll(struct tui_printk *pk, tui_printk_rec_cb *cb,
		     void *arg, char *err);
void		 tui_printk_stats(const struct tui_printk *pk,
		     struct tui_printk_stats *out);
/* Forget what was delivered: the next poll starts from the tail again. */
void		 tui_printk_rewind(struct tui_printk *pk);

/* tasks.c */
/*
 * Every task of a stopped kernel and where each is blocked, read from its
 * memory (the file's comment says how). The read callback may return
 * TUI_MEM_WAIT: tui_tasks_walk then returns 0 and goes on from the same
 * task next time. Layout from the vmlinux's DWARF and symbols.
 */
#define TUI_TASKS_MAX		4096
#define TUI_TASK_COMM_MAX	32

enum tui_task_arch {
	TUI_TA_OTHER, TUI_TA_X86_64, TUI_TA_ARM64, TUI_TA_ARM, TUI_TA_RISCV64,
};
enum tui_task_arch tui_task_arch_for(const char *rsp_arch_name);

/* Bytes [off, off + size) of struct task_struct; size 0: not there. */
struct tui_task_field {
	unsigned	 off, size;
};

struct tui_task_layout {
	enum tui_task_arch arch;
	unsigned	 wsize;
	uint64_t	 task_size;
	struct tui_task_field tasks, pid, comm, state, stack, cpu, on_cpu,
			 exit_state;
	/* a leader's other threads: task_struct.thread_node on the list
	 * at signal->thread_head (size 0: not walked, leaders only) */
	struct tui_task_field thread_node, signal;
	unsigned	 sig_thread_head;
	/* where the resume registers are kept (x86_64: r_sp = thread.sp,
	 * the frame there has bp and ret_addr) */
	struct tui_task_field r_pc, r_sp, r_fp;
	unsigned	 frame_size, frame_bp, frame_ret;
	uint64_t	 init_task, text_lo, text_hi, sched_lo, sched_hi;
	uint64_t	 thread_size;
	unsigned	 mem_read_max;	/* largest read the walk asks for */
};
struct cm_dwarf;
struct tui_symtab;
/* -1 with err naming what is missing (a member, a symbol). */
int		 tui_task_layout_dwarf(struct cm_dwarf *d,
		     const struct tui_symtab *st, enum tui_task_arch arch,
		     struct tui_task_layout *l, char *err);

struct tui_task {
	uint64_t	 addr;		/* the task_struct */
	int		 pid, cpu;
	char		 comm[TUI_TASK_COMM_MAX + 1];
	uint32_t	 state, exit_state;
	bool		 on_cpu;
	bool		 thread;	/* not its group's leader */
	uint64_t	 stack;		/* 0: none usable */
	bool		 resume;	/* pc, sp, fp are where it resumes */
	uint64_t	 pc, sp, fp;
	uint64_t	 wchan;		/* where it waits; 0: unknown */
	bool		 wchan_ret;	/* wchan is a return address */
	char		 why[80];	/* why no resume registers */
};

struct tui_tasks;
struct tui_tasks *tui_tasks_new(const struct tui_task_layout *l,
		     tui_mem_read_cb *read, void *arg);
void		 tui_tasks_free(struct tui_tasks *t);
/* Stop after max tasks (default and ceiling TUI_TASKS_MAX). */
void		 tui_tasks_set_max(struct tui_tasks *t, size_t max);
void		 tui_tasks_set_read_max(struct tui_tasks *t, unsigned max);
/* Forget this walk (a new stop). */
void		 tui_tasks_reset(struct tui_tasks *t);
/* 1 when the walk is over (tui_tasks_why says why it ended early, ""
 * when it came back to init_task), 0 when it waits for memory. */
int		 tui_tasks_walk(struct tui_tasks *t, char *err);
bool		 tui_tasks_done(const struct tui_tasks *t);
const char	*tui_tasks_why(const struct tui_tasks *t);
size_t		 tui_tasks_count(const struct tui_tasks *t);
const struct tui_task *tui_tasks_get(const struct tui_tasks *t, size_t i);
const struct tui_task *tui_tasks_find_pid(const struct tui_tasks *t,
		     int pid);
/* Reads and bytes the walk took (including ones the snapshot held). */
void		 tui_tasks_stats(const struct tui_tasks *t, uint64_t *reads,
		     uint64_t *bytes);
const struct tui_task_layout *tui_tasks_layout(const struct tui_tasks *t);
/* R S D T t X Z P I, as ps shows them. */
char		 tui_task_state_letter(const struct tui_task *k);

/* The kernel's taint: tainted_mask, spelt with the letters of its own
 * taint_flags table (so no list of letters of one version here). */
struct tui_taint_layout {
	uint64_t	 mask_addr, flags_addr;
	unsigned	 mask_size, flag_size, c_true_off, count;
};
int		 tui_taint_layout_dwarf(struct cm_dwarf *d,
		     struct tui_taint_layout *tl, char *err);
/* The set letters ("" when not tainted): 0, TUI_MEM_WAIT or -1. */
int		 tui_taint_read(const struct tui_taint_layout *tl,
		     tui_mem_read_cb *read, void *arg, char *letters,
		     size_t len);

/* symtab.c */
/*
 * vmlinux symbols from the ELF .symtab (ELF64 or ELF32, little-endian),
 * read with <elf.h> alone. Functions and other text symbols go into one
 * sorted array for address → function+0xoff lookups; a symbol of size 0
 * reaches to the next one, as kallsyms does. With KASLR, set the slide
 * (runtime minus link address) and every address in or out is runtime.
 */
struct tui_symtab;

struct tui_symtab *tui_symtab_open(const char *path, char *err);
/* The same from an ELF image in memory (copied as needed; tests). */
struct tui_symtab *tui_symtab_from_mem(const void *buf, size_t len,
		     char *err);
void		 tui_symtab_free(struct tui_symtab *st);
void		 tui_symtab_set_slide(struct tui_symtab *st, int64_t slide);
size_t		 tui_symtab_count(const struct tui_symtab *st);
/* 64 or 32. */
unsigned	 tui_symtab_bits(const struct tui_symtab *st);
/* The text symbol holding addr: name (valid while st lives), offset and
 * size. false when addr is in no function. */
bool		 tui_symtab_lookup(const struct tui_symtab *st, uint64_t addr,
		     const char **name_out, uint64_t *off_out,
		     uint64_t *size_out);
/* "func+0x16/0x20", or "" when not found. Returns the length. */
size_t		 tui_symtab_format(const struct tui_symtab *st, uint64_t addr,
		     char *buf, size_t buflen);
/* The same for a return address, as the kernel's %pB does: the symbol
 * of addr-1, offset counted to addr (so a call at a function's very end
 * is not named after the next function). */
size_t		 tui_symtab_format_ret(const struct tui_symtab *st,
		     uint64_t addr, char *buf, size_t buflen);
/* Address of a symbol by name (functions and data; globals first). */
bool		 tui_symtab_addr(const struct tui_symtab *st, const char *name,
		     uint64_t *addr_out);
/* Whether addr lies in an executable section. */
bool		 tui_symtab_is_text(const struct tui_symtab *st, uint64_t addr);

/* conn.c */
/*
 * A connection to the bridge's control socket. tui_conn_send writes one
 * request line (the newline is added); tui_conn_read takes what the
 * socket has (call it when poll says readable; -1 on EOF, error or an
 * overlong line); tui_conn_line hands out the next whole line, without
 * its newline, valid until the next read, or NULL.
 */
#define TUI_CONN_LINE_MAX	(64 * 1024)
struct tui_conn;
struct tui_conn	*tui_conn_open(const char *path, char *err);
void		 tui_conn_free(struct tui_conn *c);
int		 tui_conn_fd(const struct tui_conn *c);
int		 tui_conn_send(struct tui_conn *c, const char *line);
int		 tui_conn_read(struct tui_conn *c);
const char	*tui_conn_line(struct tui_conn *c);

/* mem.c */
/*
 * A snapshot of target memory for one stop: reads it holds succeed, the
 * first one it lacks fails (-1) and is remembered for the caller to fetch
 * (tui_mem_take_miss). tui_mem_read is a tui_mem_read_cb with the
 * struct tui_mem as its arg. Capped at 1 MiB: past that it starts over.
 */
struct tui_mem;
struct tui_mem	*tui_mem_new(void);
void		 tui_mem_free(struct tui_mem *m);
void		 tui_mem_clear(struct tui_mem *m);
void		 tui_mem_put(struct tui_mem *m, uint64_t addr, const void *buf,
		     size_t len);
bool		 tui_mem_get(const struct tui_mem *m, uint64_t addr, void *buf,
		     size_t len);
int		 tui_mem_read(void *arg, uint64_t addr, void *buf, size_t len);
bool		 tui_mem_take_miss(struct tui_mem *m, uint64_t *addr_out,
		     size_t *len_out);
/* A range the target refused to give: reads touching it fail for good. */
void		 tui_mem_put_bad(struct tui_mem *m, uint64_t addr, size_t len);
/* tui_mem_read that tells a range not read yet (TUI_MEM_WAIT, the miss
 * remembered) from one that cannot be read (-1): the task walk's read. */
#define TUI_MEM_WAIT	1
int		 tui_mem_read3(void *arg, uint64_t addr, void *buf, size_t len);

/* behind.c */
/*
 * What the live session reads behind a stop's first view, through the
 * stop's memory snapshot: the tasks (when the tasks view is shown, or a
 * panic report leaves out who ran), the taint (for such a report), the
 * selected task's stack. tui_behind_step returns TUI_MEM_WAIT with the
 * snapshot's miss set when it needs memory, 0 when all is read.
 */
struct tui_behind;
struct tui_behind_ctx {
	bool			 tasks_view;
	bool			 panic;		/* a report wants more */
	int			 thread;	/* the stop's pid, or -1 */
	const struct tui_stack	*stack;		/* the registers' stack */
	const struct tui_symtab	*symtab;
	size_t			 sel;		/* the selected task */
};
struct tui_behind *tui_behind_new(struct tui_mem *m);
void		 tui_behind_free(struct tui_behind *b);
/* The layouts from the vmlinux's DWARF (arch: an rsp_arch name). */
void		 tui_behind_setup(struct tui_behind *b, struct cm_dwarf *d,
		     const struct tui_symtab *st, const char *arch,
		     unsigned mem_read_max);
/* Why there are no tasks ("" when there are). */
const char	*tui_behind_why(const struct tui_behind *b);
void		 tui_behind_why_set(struct tui_behind *b, const char *why);
/* A new stop: read everything again. */
void		 tui_behind_reset(struct tui_behind *b);
int		 tui_behind_step(struct tui_behind *b,
		     const struct tui_behind_ctx *x);
/* Whether a report leaves out what memory can tell (task, trace). */
bool		 tui_behind_panic_wants(const struct tui_panic *p);
const struct tui_tasks *tui_behind_tasks(const struct tui_behind *b);
/* The stack of task sel when read (NULL otherwise). */
const struct tui_stack *tui_behind_task_stack(const struct tui_behind *b,
		     size_t sel);
/* The panic summary's lines from memory, or NULL. */
const struct tui_panic_more *tui_behind_more(const struct tui_behind *b);

/* live.c */
/*
 * The session with a running bridge (its control socket): status once a
 * second, events (console lines, stops), and at every stop a refresh that
 * reads the registers, the stack from SP and the new printk records, one
 * read in flight at a time. Nothing here blocks: the caller polls the fds
 * of tui_live_fds (readable: tui_live_input) with tui_live_timeout, and
 * calls tui_live_tick after every wakeup. st (may be NULL) is borrowed,
 * vmlinux is the file it was read from (the printk ring's layout comes
 * from its DWARF); without them the vmlinux the bridge names is opened.
 */
struct tui_live;
struct tui_screen;
struct tui_live	*tui_live_open(const char *path, struct tui_symtab *st,
		     const char *vmlinux, char *err);
void		 tui_live_free(struct tui_live *l);
size_t		 tui_live_fds(const struct tui_live *l, int *fds, size_t max);
int		 tui_live_timeout(const struct tui_live *l);
/* fd was readable; -1 with err when the bridge went away. */
int		 tui_live_input(struct tui_live *l, int fd, char *err);
void		 tui_live_tick(struct tui_live *l);
/* The terminal's height: a stop's first view reads at most that many of
 * the newest log records and stack words (the rest comes behind it). */
void		 tui_live_set_rows(struct tui_live *l, int rows);
/* Read everything again (key r; every stop does it by itself). */
void		 tui_live_refresh(struct tui_live *l);
/* A control command in plain words ("break", "continue", "step",
 * "thread ID"), checked by common/ctlproto.c and sent as JSON; a bad
 * argument or a refusal (gdb attached, target running) shows up in
 * tui_live_message. */
void		 tui_live_command(struct tui_live *l, const char *cmd);
/* Point the screen at the live models (again after every input: the log
 * is rebuilt at each stop). */
void		 tui_live_screen(struct tui_live *l, struct tui_screen *s);
struct tui_log	*tui_live_log(struct tui_live *l);
/* The tasks view shown or not (shown: the tasks are read at each stop,
 * behind the first view), and its selection moved by delta rows (that
 * task's stack is read for the call trace). */
void		 tui_live_tasks_view(struct tui_live *l, bool on);
void		 tui_live_tasks_select(struct tui_live *l, long delta);
/* The last thing to tell the user ("refreshed: …", an error), or "". */
const char	*tui_live_message(const struct tui_live *l);
void		 tui_live_clear_message(struct tui_live *l);

/* canvas.c */
/*
 * A plain grid of cells, one byte and one attribute each: what every view
 * draws into, what blit.c copies to the terminal, and what golden tests
 * compare as text. Drawing is clipped to the grid, never wraps, and turns
 * any byte outside 0x20..0x7e into '?'.
 */
enum tui_attr {
	TUI_A_NORMAL,
	TUI_A_BOLD,
	TUI_A_DIM,
	TUI_A_REVERSE,	/* status bar, selection */
	TUI_A_TITLE,	/* pane titles */
	TUI_A_CHANGED,	/* register changed since the previous stop */
	TUI_A_ERR,	/* emerg..err, panic */
	TUI_A_WARN,	/* warning */
	TUI_A_NOTICE,	/* notice */
	TUI_A_MATCH,	/* search match */
	TUI_A_FAULT,	/* the faulting code byte */
	TUI_A_COUNT
};

struct tui_cell {
	char		 ch;
	uint8_t		 attr;
};

struct tui_rect {
	int		 x, y, w, h;
};

struct tui_canvas;

struct tui_canvas *tui_canvas_new(int w, int h);
void		 tui_canvas_free(struct tui_canvas *c);
/* New size; the contents are cleared. */
void		 tui_canvas_resize(struct tui_canvas *c, int w, int h);
void		 tui_canvas_clear(struct tui_canvas *c);
int		 tui_canvas_width(const struct tui_canvas *c);
int		 tui_canvas_height(const struct tui_canvas *c);
const struct tui_cell *tui_canvas_cell(const struct tui_canvas *c, int x,
		     int y);
/* Draw s at (x, y), clipped to the canvas and to x_end (exclusive; -1 for
 * the canvas edge). Returns the columns used. */
int		 tui_canvas_put(struct tui_canvas *c, int x, int y, int x_end,
		     enum tui_attr a, const char *s);
int		 tui_canvas_printf(struct tui_canvas *c, int x, int y,
		     int x_end, enum tui_attr a, const char *fmt, ...)
		     tui_printflike(6, 7);
void		 tui_canvas_fill(struct tui_canvas *c, struct tui_rect r,
		     char ch, enum tui_attr a);
/* Change the attribute of n cells from (x, y). */
void		 tui_canvas_set_attr(struct tui_canvas *c, int x, int y, int n,
		     enum tui_attr a);
/* Text form for golden files: the rows with trailing blanks trimmed, a
 * line "-- attr", then one letter per cell (tui_attr_letter), trailing
 * '.' trimmed. The caller frees the string. */
char		*tui_canvas_dump(const struct tui_canvas *c);
char		 tui_attr_letter(enum tui_attr a);

/* view_status.c */
enum tui_tstate {
	TUI_TS_UNKNOWN, TUI_TS_RUNNING, TUI_TS_STOPPED, TUI_TS_KDB,
	TUI_TS_PANIC,
};

/* Everything the status line shows; filled from the bridge's status. */
struct tui_status {
	bool		 bridge;	/* connected to the bridge */
	bool		 link_up;
	char		 device[64];
	int		 baud;		/* 0: not applicable */
	enum tui_tstate	 state;
	bool		 gdb_attached;
	int		 cpu, thread;	/* -1: unknown */
	uint64_t	 rx_bps, tx_bps;
	uint64_t	 retransmits, cksum_errors;
	bool		 busy;		/* a target read is in flight */
	unsigned	 tick;		/* animation step for busy */
	char		 mode[64];	/* shown instead when !bridge */
};
const char	*tui_tstate_name(enum tui_tstate s);
void		 tui_status_draw(struct tui_canvas *c, struct tui_rect r,
		     const struct tui_status *s);

/* regs.c */
/* The registers of the pane (view_regs.c draws them). */
#define TUI_REGS_MAX	64

struct tui_reg {
	char		 name[12];	/* gdb's name: "rip", "eflags", "x0" */
	uint64_t	 value;
	uint8_t		 size;		/* bytes: 8, 4 */
};

struct tui_regs_view;

struct tui_regs_view *tui_regs_view_new(void);
void		 tui_regs_view_free(struct tui_regs_view *v);
/* The registers at a new stop. Values that differ from the previous
 * stop's (same name) are marked changed until the next stop. */
void		 tui_regs_view_set(struct tui_regs_view *v,
		     const struct tui_reg *regs, size_t n);
bool		 tui_regs_view_changed(const struct tui_regs_view *v,
		     const char *name);
size_t		 tui_regs_view_count(const struct tui_regs_view *v);
/* Register i of this stop, in the order set; NULL past the end. */
const struct tui_reg *tui_regs_view_get(const struct tui_regs_view *v,
		     size_t i);
/* The registers of a parsed 'g' reply (rsp/regs), those up to 8 bytes
 * wide that the reply holds. Returns the count. */
struct rsp_regs;
size_t		 tui_regs_from_rsp(const struct rsp_regs *r, struct tui_reg *out,
		     size_t max);

/* view_regs.c */
/* "0x246 [ PF ZF IF ]" (x86 EFLAGS, as gdb 13 prints it). */
size_t		 tui_eflags_format(uint64_t v, char *buf, size_t buflen);
/* Draw with the pc first (annotated from st when given), then sp, fp,
 * flags, then the rest in table order; two columns when wide enough. */
void		 tui_regs_draw(struct tui_canvas *c, struct tui_rect r,
		     const struct tui_regs_view *v, const struct tui_symtab *st);

/* view_stack.c */
#define TUI_FP_MAX	32

/*
 * Where a function keeps its frame record (caller's fp and return
 * address) around its frame pointer, per architecture (the kernels'
 * own unwinders: arch/<arch>/kernel/stacktrace.c):
 *   TUI_FP_UP     x86_64, i386, arm64: [fp] caller's fp, [fp + w] return
 *   TUI_FP_RISCV  riscv: [fp - 2w] caller's fp, [fp - w] return; a leaf
 *                 function saves only the caller's fp, at [fp - w], and
 *                 its return address is still in ra (tui_stack.lr)
 *   TUI_FP_APCS   arm built by gcc (APCS frame): [fp - 3w] caller's fp,
 *                 [fp - w] return (the saved lr)
 */
enum tui_fp_kind {
	TUI_FP_UP = 0,
	TUI_FP_RISCV,
	TUI_FP_APCS,
};
/* The kind for an rsp_arch name ("riscv64", "arm", ...). */
enum tui_fp_kind tui_fp_kind_for(const char *arch_name);
/* Where the record of the frame at fp (words of w bytes) keeps the
 * caller's fp and the return address; fp must be at least 3w. */
void		 tui_fp_record(enum tui_fp_kind k, uint64_t fp, uint64_t w,
		    uint64_t *saved_at, uint64_t *ret_at);

/* One frame of a frame-pointer walk. */
struct tui_fp_frame {
	uint64_t	 fp;		/* the frame pointer */
	uint64_t	 saved_at;	/* where the caller's fp is kept */
	uint64_t	 ret_at;	/* where ret was read; 0: a register */
	uint64_t	 ret;		/* return address */
};

struct tui_stack {
	uint64_t	 sp, fp, pc;
	const uint8_t	*mem;		/* stack bytes from sp up */
	size_t		 len;
	unsigned	 wsize;		/* 8 or 4 */
	enum tui_fp_kind fpk;
	uint64_t	 lr;		/* the return address register (riscv
					 * ra), 0 if unknown */
};


/*
 * Where the stack says it happened, for a report whose text does not (a
 * panic printed without a trace): the first frame-pointer frame, return
 * addresses named as %pB does, past the reporting machinery. Returns the
 * length written to buf, 0 if none.
 */
size_t		 tui_stack_where(const struct tui_stack *s,
		     const struct tui_symtab *st, char *buf, size_t buflen);
/* One word per line from sp up, text addresses annotated, fp-chain
 * return addresses marked '>'; the title gives the chain length. */
void		 tui_stack_draw(struct tui_canvas *c, struct tui_rect r,
		     const struct tui_stack *s, const struct tui_symtab *st);

/* trace.c */
/*
 * Walk saved frame pointers inside s->mem (s->len bytes of stack read at
 * s->sp), from s->fp, as s->fpk lays frames out. Stops when a record
 * leaves the buffer, fp is misaligned, or the chain does not grow.
 * Returns the count.
 */
size_t		 tui_stack_fp_walk(const struct tui_stack *s,
		     struct tui_fp_frame *out, size_t max);
/*
 * A call trace as the kernel prints it with frame pointers: the pc, then
 * every kernel text word on the stack from sp up; those that are a frame
 * record's return address are reliable, the others unreliable ("? ").
 * Returns the count (at most max).
 */
size_t		 tui_trace_build(const struct tui_stack *s,
		     const struct tui_symtab *st, struct tui_frame *out,
		     size_t max);

/* view_trace.c */
/* The call-trace panel: title (who: "pid 28 sleep"), then the frames. */
void		 tui_trace_draw(struct tui_canvas *c, struct tui_rect r,
		     const struct tui_stack *s, const struct tui_symtab *st,
		     const char *who);

/* view_tasks.c */
struct tui_tasks_view {
	const struct tui_tasks	*tasks;		/* NULL: none yet */
	size_t			 sel;		/* the selected row */
	int			 current_pid;	/* the stop's task, or -1 */
	const char		*note;		/* why there are none */
};
/* Title (count, why the walk ended early), header, one row per task. */
void		 tui_tasks_draw(struct tui_canvas *c, struct tui_rect r,
		     const struct tui_tasks_view *v,
		     const struct tui_symtab *st);

/* log.c */
/*
 * The log pane's model (view_log.c draws it). Lines come from the live console
 * (raw bytes: split at newlines, "<N>" levels and "[ ts]" stamps read,
 * everything sanitized) and from printk records (level, stamp and seq
 * given). The ring keeps the newest cap lines. The view follows the
 * newest line until scrolled; search moves to the next match and
 * highlights every match in view.
 */
#define TUI_LOG_LINE_MAX	512

struct tui_log;

struct tui_log	*tui_log_new(size_t cap);
void		 tui_log_free(struct tui_log *l);
void		 tui_log_console(struct tui_log *l, const char *text,
		     size_t len);
/* A printk record. One with the seq of lines already at the end (a record
 * still growing) replaces them. */
void		 tui_log_record(struct tui_log *l,
		     const struct tui_printk_rec *r);
size_t		 tui_log_count(const struct tui_log *l);
/* Line i (0 oldest), sanitized; NULL past the end. */
const char	*tui_log_text(const struct tui_log *l, size_t i);
/* Scroll by delta lines (positive: older). Leaves follow mode. */
void		 tui_log_scroll(struct tui_log *l, int delta);
/* Back to the newest line, following. */
void		 tui_log_follow(struct tui_log *l);
bool		 tui_log_following(const struct tui_log *l);
/* Find pat (plain text) from the current match or the newest line shown,
 * towards older lines (older=true) or newer. Returns the line index or
 * -1; the view scrolls to show it. An empty pat clears the search. */
long		 tui_log_search(struct tui_log *l, const char *pat,
		     bool older);
/* Line i (0 oldest) with its stamp and level (-1: unknown); false past
 * the end. text lives until the line leaves the ring. */
struct tui_log_line {
	const char	*text;
	uint64_t	 ts;
	int		 level;
	bool		 has_ts;
};
bool		 tui_log_line(const struct tui_log *l, size_t i,
		     struct tui_log_line *out);
/* Lines hidden below the view (0 when following). */
size_t		 tui_log_scrolled(const struct tui_log *l);
/* The search pattern ("" if none) and the matching line, or -1. */
const char	*tui_log_pattern(const struct tui_log *l, long *match_out);
/* The rows the pane showed at its last draw (a search centres on them). */
void		 tui_log_set_rows(struct tui_log *l, int rows);
/* A short note for the pane's title ("" or NULL: none), e.g. why the
 * kernel's own log cannot be read and the console is shown instead. */
#define TUI_LOG_NOTE_MAX	160
void		 tui_log_set_note(struct tui_log *l, const char *note);
const char	*tui_log_note(const struct tui_log *l);

/* view_log.c */
/* Title (line count, scroll, search, note), then the lines. */
void		 tui_log_draw(struct tui_canvas *c, struct tui_rect r,
		     struct tui_log *l);

/* view_panic.c */
/*
 * What target memory says about a report whose text does not (SysRq-c on
 * a kernel that prints no CPU/PID line and no trace): the stopped task,
 * the kernel's taint, the trace from the stack. -1 / "" when unknown.
 */
struct tui_panic_more {
	int		 cpu, pid;
	char		 comm[TUI_TASK_COMM_MAX + 1];
	bool		 have_taint;
	char		 taint[40];	/* set letters, "" when not tainted */
	struct tui_frame frames[TUI_FRAMES_MAX];
	size_t		 nframes;
};
/* The first report in full; later ones one line each. When the report
 * itself says nowhere, where_hint (from tui_stack_where; may be NULL) is
 * shown, marked as coming from the stack; more (may be NULL) fills the
 * task, taint and trace lines the report leaves out, marked likewise. */
void		 tui_panic_draw(struct tui_canvas *c, struct tui_rect r,
		     const struct tui_panic *p, const char *where_hint,
		     const struct tui_panic_more *more);
/* Rows the panel fills (for the layout); hint: a where_hint is given. */
int		 tui_panic_rows(const struct tui_panic *p,
		     const struct tui_panic_more *more, bool hint);

/* layout.c */
/* Everything one screen shows; the pointers may be NULL. */
struct tui_screen {
	struct tui_status	 status;
	struct tui_regs_view	*regs;
	const struct tui_stack	*stack;
	struct tui_log		*log;
	const struct tui_panic	*panic;
	const struct tui_symtab	*symtab;
	/* target memory behind a panic report (NULL: none) */
	const struct tui_panic_more *panic_more;
	/* the tasks view (key T): the table over the selected task's call
	 * trace and raw stack */
	bool			 tasks_mode;
	struct tui_tasks_view	 tasks;
	const struct tui_stack	*task_stack;	/* the selected task's */
	char			 task_who[64];	/* "pid 28 sleep" */
};
/*
 * Lay the panes out on the whole canvas: status on the top row; the panic
 * summary across the width when there is one; below, registers over
 * stack on the left and the log on the right (the log alone when there
 * are neither registers nor stack). 80x24 is the smallest layout designed
 * for; smaller canvases get the status and the log. In the tasks view:
 * the task table on top, the selected task's call trace and its raw stack
 * words side by side below.
 */
void		 tui_screen_draw(struct tui_canvas *c,
		     const struct tui_screen *s);

/* blit.c */
/*
 * The terminal: the only file that includes curses. tui_term_open sets up
 * curses, colours (unless NO_COLOR is set or the terminal has none), and
 * restores the terminal on every way out: atexit for normal exits, and a
 * handler for fatal signals that writes the saved reset sequence with
 * write(2) and re-raises.
 */
#define TUI_KEY_NONE	(-1)
#define TUI_KEY_UP	0x1001
#define TUI_KEY_DOWN	0x1002
#define TUI_KEY_PGUP	0x1003
#define TUI_KEY_PGDN	0x1004
#define TUI_KEY_HOME	0x1005
#define TUI_KEY_END	0x1006
#define TUI_KEY_RESIZE	0x1007
#define TUI_KEY_BACKSPACE 0x1008
#define TUI_KEY_ESC	0x1b

int		 tui_term_open(char *err);
void		 tui_term_close(void);
bool		 tui_term_color(void);
void		 tui_term_size(int *w_out, int *h_out);
void		 tui_term_blit(const struct tui_canvas *c);
/* The next key, waiting up to timeout_ms (-1: forever); TUI_KEY_NONE on
 * timeout. */
int		 tui_term_key(int timeout_ms);

#endif
