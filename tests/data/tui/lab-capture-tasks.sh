#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/data/tui/lab-capture-tasks.sh: how lab_tasks.mem and lab_tasks.ref
# were made (test_tui_tasks). Not part of `make check`; run by hand when
# the lab kernel changes:
#
#   tests/data/tui/lab-capture-tasks.sh [LAB_DIR]  (default: this
#                                                   checkout's lab)
#
# 1. Boot the lab kernel under QEMU (TCG) in lab.mode=sleepers with QEMU's
#    own gdbstub: init leaves a sleep in nanosleep, a cat reading an empty
#    pipe and a shell in wait4, prints their pids, and stops in kdb
#    (SysRq-g).
# 2. gdb on QEMU's stub walks the task list itself, from init_task, with
#    gdb's own knowledge of the types (an implementation independent of
#    tui/tasks.c), and writes for every task:
#      lab_tasks.ref  "task ADDR PID STATE CPU ONCPU COMM" and, for a task
#                     off the CPU, "resume PC SP FP WCHAN-FUNCTION" (the
#                     inactive_task_frame at thread.sp, and the first
#                     frame-pointer return address outside
#                     __sched_text_start..__sched_text_end, as the kernel's
#                     get_wchan does), plus "sleepers ..." from the console
#      lab_tasks.mem  "ADDR LEN HEX": the parts of each task_struct a
#                     walker needs (the first 64 bytes, tasks, exit_state,
#                     pid up to signal, thread.sp), the thread list head
#                     in its signal_struct, and its stack from thread.sp
#                     up to 2 KiB (not past the stack's end)
#    Threads other than their group's leader (the thread_node list at
#    signal->thread_head) come after their leader, as "task" lines too.
set -eu
repo=$(cd "$(dirname "$0")/../../.." && pwd)
lab=${1:-$("$repo/scripts/lab-build.sh" --path)}
w=$(mktemp -d)
port=$((20000 + RANDOM % 30000))
trap '[ -f "$w/qemu.pid" ] && kill "$(cat "$w/qemu.pid")" 2>/dev/null; rm -rf "$w"' EXIT

qemu-system-x86_64 -accel tcg -m 256 -smp 1 -no-reboot -nodefaults \
    -display none -vga none -kernel "$lab/bzImage" \
    -initrd "$lab/initramfs.cpio.gz" \
    -append "console=ttyS0,115200 kgdboc=ttyS0,115200 nokaslr norandmaps lab.mode=sleepers lab.after=2 lab.tick=0" \
    -chardev "file,id=s0,path=$w/console.txt" \
    -serial chardev:s0 -gdb "tcp:127.0.0.1:$port" -pidfile "$w/qemu.pid" &
for _ in $(seq 1 300); do
	grep -q 'kdb>' "$w/console.txt" 2>/dev/null && break
	sleep 1
done
grep -q 'kdb>' "$w/console.txt" || { echo "no kdb stop" >&2; exit 1; }

cat >"$w/tasks.py" <<'PY'
import gdb
out = open(OUT + '/lab_tasks.ref', 'w')
mem = open(OUT + '/lab_tasks.mem', 'w')
inf = gdb.selected_inferior()
def sym(name):
    return int(gdb.parse_and_eval('(unsigned long)&' + name))
def dump(a, n):
    if n > 0:
        mem.write('%x %d %s\n' % (a, n, bytes(inf.read_memory(a, n)).hex()))
def word(a):
    return int.from_bytes(bytes(inf.read_memory(a, 8)), 'little')
tt = gdb.lookup_type('struct task_struct')
def off(path):
    return int(gdb.parse_and_eval('(unsigned long)&((struct task_struct *)0)->' + path))
itf = gdb.lookup_type('struct inactive_task_frame')
thread_size = sym('__end_init_task') - sym('__start_init_task')
sched_lo, sched_hi = sym('__sched_text_start'), sym('__sched_text_end')
text_lo, text_hi = sym('_stext'), sym('_etext')
def fname(pc):
    # the ELF symbol (as kallsyms names it), not an inlined function
    s = gdb.execute('info symbol 0x%x' % pc, to_string=True).split()
    return s[0] if s and s[0] != 'No' else '??'
head = sym('init_task')
sig_th = int(gdb.parse_and_eval('(unsigned long)&((struct signal_struct *)0)->thread_head'))
def one(t):
    task = gdb.Value(t).cast(tt.pointer()).dereference()
    for f, size in (('thread_info', 64), ('tasks', 16), ('exit_state', 4),
                    ('thread.sp', 8)):
        dump(t + off(f), size)
    dump(t + off('pid'), off('signal') + 8 - off('pid'))
    dump(int(task['signal']) + sig_th, 16)
    pid = int(task['pid'])
    comm = task['comm'].string()
    state = int(task['__state']) & 0xffffffff
    cpu = int(task['thread_info']['cpu'])
    oncpu = int(task['on_cpu'])
    out.write('task %x %d %x %d %d %s\n' % (t, pid, state, cpu, oncpu, comm))
    stack = int(task['stack'].cast(gdb.lookup_type('unsigned long')))
    sp = int(task['thread']['sp'])
    if not oncpu and stack <= sp < stack + thread_size:
        dump(sp, min(2048, stack + thread_size - sp))
        fr = gdb.Value(sp).cast(itf.pointer()).dereference()
        pc, fp = int(fr['ret_addr']), int(fr['bp'])
        rsp = sp + itf.sizeof
        wchan = pc
        k = 0
        while sched_lo <= wchan < sched_hi and k < 16:
            if not (stack <= fp < stack + thread_size - 16):
                wchan = 0
                break
            wchan = word(fp + 8)
            fp = word(fp)
            k += 1
        out.write('resume %x %x %x %s\n' % (pc, rsp, int(fr['bp']),
                  fname(wchan - 1) if wchan else '-'))
t = head
n = 0
while True:
    task = gdb.Value(t).cast(tt.pointer()).dereference()
    one(t)
    # the leader's other threads
    h = int(task['signal']) + sig_th
    me = t + off('thread_node')
    node = int(task['thread_node']['next'])
    k = 0
    while node != me and k < 1000:
        if node != h:
            one(node - off('thread_node'))
        node = word(node)
        k += 1
    n += 1
    nxt = int(task['tasks']['next'])
    t = nxt - off('tasks')
    if t == head or n > 1000:
        break
PY
sleepers=$(tr -d '\r' <"$w/console.txt" | sed -n 's/.*lab: \(sleepers .*\)/\1/p' | tail -n 1)
gdb -batch -nx -ex "target remote 127.0.0.1:$port" \
    -ex "python OUT='$w'" -ex "source $w/tasks.py" -ex detach \
    "$lab/vmlinux" >"$w/gdb.log" 2>&1 || { cat "$w/gdb.log" >&2; exit 1; }
echo "$sleepers" >>"$w/lab_tasks.ref"
cp "$w/lab_tasks.ref" "$w/lab_tasks.mem" "$repo/tests/data/tui/"
echo "lab-capture-tasks: $(grep -c '^task ' "$w/lab_tasks.ref") tasks in" \
    "tests/data/tui/lab_tasks.{ref,mem} (review the diff)"
