# SPDX-License-Identifier: GPL-2.0-or-later
# tests/e2e/lib.sh: shared helpers for the end-to-end suites (bash).
#
# A suite sources this, calls e2e_setup, then for each group of cases boots
# the lab kernel (lab_start), puts a line in front of it (line_start: the
# shaper, recording everything the target sent), and either points gdb
# straight at that line ("direct" mode) or starts kgdb-bridge on it
# (bridge_start) and points gdb at the bridge.  Every process started here
# is killed on exit, whatever the exit; ports are picked free per run.
#
# Results are lines "PASS: name", "FAIL: name: why", "SKIP: name: why".
# `make check` installs every package the lab needs and builds the lab, so
# a case that cannot run here (no lab, a missing tool, a kernel that did
# not boot) FAILs with the reason: a skipped case proves nothing.
# Logs of a run stay in $E2E_KEEP (default $BUILD/test-logs/e2e-<suite>,
# e2e-<suite>-<arch>-<kver> for another cell than x86_64/6.1, without the
# part that is the default).

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$E2E_ROOT/$BUILD ;; esac
BRIDGE=${KGDB_BRIDGE:-$BUILD/kgdb-bridge}
SHAPER=$BUILD/shaper
# The lab cell under test: LAB_ARCH (x86_64, arm64, arm, riscv64) and
# LAB_KVER (6.1, 6.12), passed on to scripts/lab-build.sh and lab-run.sh
# through the environment.  What the suites expect to see differs per architecture:
# the names gdb gives the pc, sp and flags registers, how a kernel stack
# address starts (E2E_KSP: riscv64's linear map is 0xff60...), where kernel text
# lives (nokaslr), the frame a syscall enters the kernel through, the
# instructions after which stepi need not land on the next address, and
# the gdb that can debug it.
LAB_ARCH=${LAB_ARCH:-x86_64}
LAB_KVER=${LAB_KVER:-6.1}
export LAB_ARCH LAB_KVER
case "$LAB_ARCH" in
arm64)
	E2E_QEMU=qemu-system-aarch64
	GDB=${GDB:-gdb-multiarch}
	E2E_PC=pc E2E_SP=sp E2E_FLAGS=cpsr E2E_KSP=0xffff
	E2E_SYSCALL='(invoke_syscall|el0_svc|el0t_64_sync)'
	E2E_TTY=ttyAMA0
	E2E_STACK='0xffff(ff80|0000)[0-9a-f]{8}'
	E2E_IRQ='(el1h_64_irq|el1h_64_irq_handler|el1_interrupt|__el1_irq|gic_handle_irq)'
	E2E_BRANCH='(b|bl|br|blr|b\.[a-z]+|cbn?z|tbn?z|ret|eret|brk|svc|hvc|wf[ie])'
	;;
arm)
	E2E_QEMU=qemu-system-arm
	GDB=${GDB:-gdb-multiarch}
	E2E_PC=pc E2E_SP=sp E2E_FLAGS=cpsr E2E_KSP='0x[c-f]'
	E2E_SYSCALL='(vector_swi|ret_fast_syscall|__sys_trace_return|invoke_syscall)'
	E2E_TTY=ttyAMA0
	# Stacks are vmalloc'ed (VMAP_STACK): 0xd0800000 up with 256 MiB;
	# text is at 0xc0..., which a wider mask would hide too.
	E2E_STACK='0x[d-f][0-9a-f]{7}'
	E2E_IRQ='(__irq_svc|__irq_usr|gic_handle_irq|generic_handle_arch_irq|handle_irq_event|arch_timer_handler_virt)'
	# A pop or ldm can load the pc; ldr pc too, but is rare in this code.
	E2E_BRANCH='(b|bl|blx|bx|b[a-z]{2}|bl[a-z]{2}|bx[a-z]{2}|cbn?z|pop|ldm[a-z]*|svc|udf|wf[ie]|eret)'
	;;
riscv64)
	E2E_QEMU=qemu-system-riscv64
	GDB=${GDB:-gdb-multiarch}
	E2E_PC=pc E2E_SP=sp E2E_FLAGS=ra E2E_KSP=0xff6
	E2E_SYSCALL='(do_trap_ecall_u|handle_exception|ret_from_exception)'
	E2E_TTY=ttyS0
	# The linear map (0xff60... with sv57) and vmalloc, not the text at
	# 0xffffffff8...
	E2E_STACK='0xff[0-9a-e][0-9a-f]{13}'
	E2E_IRQ='(handle_riscv_irq|riscv_intc_irq|do_irq|generic_handle_arch_irq|plic_handle_irq|handle_exception|riscv_timer_interrupt)'
	E2E_BRANCH='(j|jal|jalr|jr|ret|call|tail|beqz?|bnez?|bltu?|bgeu?|bgtu?|bleu?|bgtz|blez|bltz|bgez|c\.[a-z]+|ebreak|ecall|sret|wfi)'
	;;
*)
	E2E_QEMU=qemu-system-x86_64
	GDB=${GDB:-gdb}
	E2E_PC=rip E2E_SP=rsp E2E_FLAGS=eflags E2E_KSP=0xffff
	E2E_SYSCALL='do_syscall_64'
	E2E_TTY=ttyS0
	E2E_STACK='0xffff888[0-9a-f]{9}'
	E2E_IRQ='(asm_sysvec_[a-z_]+|sysvec_[a-z_]+|asm_common_interrupt|common_interrupt)'
	E2E_BRANCH='(call|jmp|j[a-z]+|ret|loop[a-z]*|int3?|iret[a-z]*|sys(call|ret|enter|exit)|ud2|hlt)'
	;;
esac
E2E_PIDS=()

e2e_log() { echo "e2e: $*" >&2; }

# pass NAME, fail NAME [WHY], skip NAME WHY; KB_FAILS counts the FAILs.
. "$E2E_ROOT/tests/lib/kbtest.sh"
# fail_all WHY CASE...: every named case fails for one reason; exits.
fail_all() {
	local why=$1 c
	shift
	for c in "$@"; do fail "$c" "$why"; done
	exit 1
}

# e2e_setup SUITE: private scratch directory and cleanup on any exit.
e2e_setup() {
	E2E_SUITE=$1
	T=$(mktemp -d "${TMPDIR:-/tmp}/kgdb-e2e-$1.XXXXXX")
	local cell=
	[ "$LAB_ARCH" = x86_64 ] || cell=-$LAB_ARCH
	[ "$LAB_KVER" = 6.1 ] || cell=$cell-$LAB_KVER
	E2E_KEEP=${E2E_KEEP:-$BUILD/test-logs/e2e-$1$cell}
	trap e2e_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	# A reaper: if this shell dies without its traps running (SIGKILL),
	# nothing it started may live on.  It reads the pids from $T/pids.
	: >"$T/pids"
	local me=$$
	(
		trap '' INT TERM
		while kill -0 "$me" 2>/dev/null; do sleep 1; done
		while read -r p; do kill -KILL "$p" 2>/dev/null; done <"$T/pids"
		for f in "$T"/*/qemu.pid; do
			[ -s "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null
		done
		rm -rf "$T"
	) </dev/null >/dev/null 2>&1 &
	E2E_REAPER=$!
}

e2e_track() {
	E2E_PIDS+=("$1")
	echo "$1" >>"$T/pids"
}

e2e_kill() { # pid...
	local p
	for p in "$@"; do
		[ -n "$p" ] || continue
		kill -TERM "$p" 2>/dev/null || continue
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	return 0
}

e2e_cleanup() {
	local i
	trap - EXIT INT TERM
	for ((i = ${#E2E_PIDS[@]} - 1; i >= 0; i--)); do
		e2e_kill "${E2E_PIDS[i]}"
	done
	# lab-run --background leaves QEMU under its own pidfile.
	for f in "$T"/*/qemu.pid; do
		[ -s "$f" ] && e2e_kill "$(cat "$f")"
	done
	kill -KILL "${E2E_REAPER:-}" 2>/dev/null
	if [ -d "$T" ]; then
		rm -rf "$E2E_KEEP"
		mkdir -p "$(dirname "$E2E_KEEP")"
		cp -r "$T" "$E2E_KEEP" 2>/dev/null
		rm -rf "$T"
	fi
}

# wait_for FILE REGEX SECONDS: until grep -E finds REGEX in FILE.
wait_for() {
	local i n=$(($3 * 5))
	for ((i = 0; i < n; i++)); do
		grep -aqE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# Count of matches of REGEX in FILE (0 if none).
count_in() { grep -acE -- "$2" "$1" 2>/dev/null || true; }

# need_lab: build (or find) the lab; sets LAB.  On failure prints why and
# returns 1 so the caller can fail its cases (fail_all).
need_lab() {
	[ -n "${LAB:-}" ] && return 0
	if ! command -v "$E2E_QEMU" >/dev/null; then
		E2E_WHY="$E2E_QEMU missing (scripts/deps.sh lab)"
		return 1
	fi
	if ! command -v "$GDB" >/dev/null; then
		E2E_WHY="$GDB missing (scripts/deps.sh build)"
		return 1
	fi
	if [ ! -x "$SHAPER" ]; then
		E2E_WHY="$SHAPER missing (make)"
		return 1
	fi
	if ! LAB=$("$E2E_ROOT/scripts/lab-build.sh" 2>"$T/lab-build.err"); then
		tail -n 5 "$T/lab-build.err" >&2
		E2E_WHY="lab kernel build failed (see $T/lab-build.err)"
		LAB=
		return 1
	fi
	VMLINUX=$LAB/vmlinux
	# Where kernel text starts (nokaslr): _text without its last 7 hex
	# digits, which every text address of this kernel shares (x86_64
	# 0xffffffff8, arm64 with 39-bit VAs 0xffffffc00, riscv64
	# 0xffffffff8, arm 0xc).
	E2E_KTEXT=$(nm "$VMLINUX" 2>/dev/null | sed -n 's/^\([0-9a-f]*\)[0-9a-f]\{7\} [Tt] _text$/0x\1/p' | head -n 1)
	if [ -z "$E2E_KTEXT" ]; then
		E2E_WHY="no _text symbol in $VMLINUX"
		return 1
	fi
	# On arm the syscall's return address is the first instruction of
	# ret_fast_syscall, right after the idmap text; gdb looks a caller's
	# frame up by its return address less one and so names the function
	# before it (cpu_v7_reset on the lab's 6.1), directly as through the
	# bridge. The frame at that address is the syscall entry all the same.
	if [ "$LAB_ARCH" = arm ]; then
		local rfs
		rfs=$(nm "$VMLINUX" 2>/dev/null | sed -n 's/^\([0-9a-f]*\) [Tt] ret_fast_syscall$/\1/p' | head -n 1)
		[ -n "$rfs" ] && E2E_SYSCALL="${E2E_SYSCALL%)}|0x$rfs in )"
	fi
	return 0
}

# lab_start NAME [lab-run options]: boot a lab kernel on a TCP UART in the
# background.  Sets LAB_SERIAL (tcp:127.0.0.1:PORT), LAB_QEMU_PID, LAB_DIR,
# LAB_MONITOR.  The guest waits for the first client (line_start).
lab_start() {
	local name=$1
	shift
	LAB_NAME=$name
	rm -f "$T/$name.info"
	"$E2E_ROOT/scripts/lab-run.sh" --background --dir "$T/$name" \
	    --info "$T/$name.info" --watch $$ "$@" >/dev/null 2>"$T/$name.run.err" ||
	    { cat "$T/$name.run.err" >&2; return 1; }
	# shellcheck disable=SC1090
	. "$T/$name.info"
	e2e_track "$LAB_QEMU_PID"
}

lab_stop() {
	e2e_kill "${LINE_PID:-}" "${LAB_QEMU_PID:-}"
	LINE_PID= LAB_QEMU_PID=
}

# line_start [shaper options]: the serial line between QEMU and us.  It
# connects at once (releasing the guest) and records what the target sent
# in $LINE_REC/down.raw.  Clients connect to 127.0.0.1:$LINE_PORT.
line_start() {
	local up=${LAB_SERIAL#telnet:}
	up=tcp:${up#tcp:}
	LINE_REC=$T/$LAB_NAME.line
	rm -f "$T/$LAB_NAME.line.port"
	"$SHAPER" --listen tcp:127.0.0.1:0 --upstream "$up" --connect-now \
	    --record "$LINE_REC" --port-file "$T/$LAB_NAME.line.port" "$@" \
	    2>"$T/$LAB_NAME.shaper.err" &
	LINE_PID=$!
	e2e_track "$LINE_PID"
	for _ in $(seq 1 50); do
		[ -s "$T/$LAB_NAME.line.port" ] && break
		sleep 0.1
	done
	LINE_PORT=$(cat "$T/$LAB_NAME.line.port" 2>/dev/null)
	[ -n "$LINE_PORT" ]
}

# Everything the target has sent so far on this line.
line_rx() { echo "$LINE_REC/down.raw"; }

# line_send TEXT: type TEXT on the line as a short-lived client (kdb keys).
# Only while nobody else holds the line.  Output seen meanwhile is in the
# recording.
line_send() {
	local text=$1 hold=${2:-1}
	(
		exec 3<>"/dev/tcp/127.0.0.1/$LINE_PORT" || exit 1
		cat <&3 >/dev/null &
		printf '%b' "$text" >&3
		sleep "$hold"
		kill $! 2>/dev/null
	)
	sleep 0.2
}

# gdb_run NAME PORT [gdb args]: a batch gdb session against 127.0.0.1:PORT;
# its output is in $T/NAME.gdb (also echoed to stderr on failure by callers).
# A session killed by its timeout (GDB_TIMEOUT, 60 s) is a FAIL of its own
# whatever its case checks: timeout(1) --verbose leaves its word in the
# log, which check_clean also refuses.
gdb_run() {
	local name=$1 port=$2
	shift 2
	local pid rc
	# In the background and waited for, so a TERM to the suite is handled
	# at once rather than after gdb's timeout.
	timeout --verbose -k 5 "${GDB_TIMEOUT:-60}" "$GDB" -batch -nx -q \
	    -ex 'set pagination off' -ex 'set confirm off' \
	    -ex 'set width 0' -ex 'set remotetimeout 10' \
	    -ex 'maint set target-async off' \
	    -ex "file $VMLINUX" \
	    -ex "target remote 127.0.0.1:$port" "$@" >"$T/$name.gdb" 2>&1 &
	pid=$!
	echo "$pid" >"$T/$name.pid"
	e2e_track "$pid"
	wait "$pid" 2>/dev/null
	rc=$?
	if grep -aq '^timeout: sending signal' "$T/$name.gdb"; then
		fail "gdb-$name" "gdb killed by its ${GDB_TIMEOUT:-60} s timeout"
		sed 's/^/    | /' "$T/$name.gdb" | tail -n 15 >&2
	fi
	return $rc
}

# gdb_interrupt NAME: Ctrl-C to the gdb of gdb_run NAME, as a user
# interrupting `continue` would.  Straight to gdb: timeout(1) would pass
# it to its whole process group as well, and a second SIGINT makes gdb
# give up waiting.
gdb_interrupt() {
	local t g
	t=$(cat "$T/$1.pid" 2>/dev/null)
	[ -n "$t" ] || return 1
	g=$(pgrep -P "$t" -x "$(basename "$GDB")" | head -n 1)
	kill -INT "${g:-$t}" 2>/dev/null
}

# gdb_kill NAME: SIGKILL the gdb of gdb_run NAME itself (not the timeout(1)
# wrapper nor the subshell of gdb_bg), as a crashing gdb would die: no
# detach, no kill packet, just a closed socket.
gdb_kill() {
	local t g
	t=$(cat "$T/$1.pid" 2>/dev/null)
	[ -n "$t" ] || return 1
	g=$(pgrep -P "$t" -x "$(basename "$GDB")" | head -n 1)
	[ -n "$g" ] || return 1
	kill -KILL "$g" 2>/dev/null
}

# gdb args for a session straight on the line whose output is compared
# with the bridge's: select the thread that stopped, as the bridge makes
# gdb do (see stopped_thread.py).
GDB_DIRECT=(-ex "source $E2E_ROOT/tests/e2e/stopped_thread.py")

# gdb args that end a session with gdb killed on the spot: nothing more is
# sent (a batch gdb's quit sends k, which resumes the kernel).
GDB_VANISH=(-ex 'echo @@vanish\n' -ex 'shell kill -9 $PPID')

# gdb_bad FILE: print the lines that show a broken session, if any.
gdb_bad() {
	grep -aE "^timeout: sending signal|Remote 'g' packet reply is too long|Could not fetch register|E22|Remote connection closed|Remote communication error|Ignoring packet error|Connection timed out|not responding|Bogus trace status|Malformed response|Invalid remote reply" "$1"
}

# check_log NAME FILE REGEX...: every REGEX must match FILE.  Prints FAIL
# with the first miss; returns 1 then.
check_log() {
	local name=$1 file=$2 re
	shift 2
	for re in "$@"; do
		if ! grep -aqE -- "$re" "$file"; then
			fail "$name" "no /$re/ in $(basename "$file")"
			sed 's/^/    | /' "$file" | tail -n 25 >&2
			return 1
		fi
	done
	return 0
}

# gdb_section FILE FROM [TO]: the lines of a gdb log after the echo marker
# @@FROM and before @@TO (default: the next @@ marker, or the end): what
# the commands in between printed, and nothing else.
gdb_section() {
	awk -v from="@@$2" -v to="@@${3:-}" '
		$0 == from { on = 1; next }
		on && (to == "@@" ? /^@@[a-z0-9]+$/ : $0 == to) { exit }
		on { print }' "$1"
}

# step_cmds FUNC: sets STEP_CMDS, the gdb commands of a breakpoint case:
# break on FUNC, continue to it, then next, step and stepi, each followed
# by where it left the program (frame, info symbol, p/x $pc), then finish.
# check_steps reads the result.
step_cmds() {
	local where=(-ex 'frame' -ex 'info symbol $pc' -ex 'p/x $pc')
	STEP_CMDS=(-ex "break $1" -ex 'continue'
	    -ex 'echo @@hit\n' -ex 'bt' "${where[@]}"
	    -ex 'echo @@next\n' -ex 'next' "${where[@]}"
	    -ex 'echo @@step\n' -ex 'step' "${where[@]}" -ex 'x/2i $pc'
	    -ex 'echo @@stepi\n' -ex 'stepi' "${where[@]}"
	    -ex 'echo @@finish\n' -ex 'finish'
	    -ex 'echo @@detach\n' -ex 'delete' -ex 'detach')
}

# step_pc FILE SECTION: the pc the section printed (p/x $pc, its last $N).
step_pc() {
	gdb_section "$1" "$2" | sed -n 's/^\$[0-9]\+ = \(0x[0-9a-f]\+\)$/\1/p' | tail -n 1
}

# step_loc FILE SECTION: gdb's frame #0 in the section, as "FUNCTION at
# FILE:LINE" (an inlined function has a frame of its own at the same pc).
step_loc() {
	gdb_section "$1" "$2" | grep -a '^#0 ' | tail -n 1 |
	    sed 's/^#0  *\(0x[0-9a-f]* in \)\{0,1\}\([^ ]*\) (.*) at \(.*\)$/\2 at \3/'
}

# step_fn FILE SECTION: the function info symbol named in the section.
step_fn() {
	gdb_section "$1" "$2" | sed -n 's/^\([A-Za-z0-9_.]\+\)\( + [0-9]\+\)\? in section .*/\1/p' | tail -n 1
}

# check_steps NAME FILE FUNC: the steps of STEP_CMDS went where each
# should: the hit in FUNC; next to another pc still in FUNC (the first
# line's next cannot leave it); step to another pc or into an inlined
# function (same pc, a new frame); stepi one instruction on (to the
# address after it, or elsewhere if it was a branch).  Prints FAIL and
# returns 1 otherwise.
check_steps() {
	local name=$1 f=$2 func=$3 hit nxt stp sti fn ins at after sec
	hit=$(step_pc "$f" hit) nxt=$(step_pc "$f" next)
	stp=$(step_pc "$f" step) sti=$(step_pc "$f" stepi)
	if [ -z "$hit" ] || [ -z "$nxt" ] || [ -z "$stp" ] || [ -z "$sti" ]; then
		fail "$name" "a step printed no pc (hit '$hit' next '$nxt' step '$stp' stepi '$sti')"
		return 1
	fi
	fn=$(step_fn "$f" hit)
	if [ "$fn" != "$func" ]; then
		fail "$name" "stopped in '$fn', not $func"
		return 1
	fi
	for sec in next step stepi; do
		fn=$(step_fn "$f" $sec)
		if [[ "$fn" =~ ^$E2E_IRQ$ ]]; then
			fail "$name" "$sec went into the interrupt handler ($fn): kgdb let a pending IRQ in while stepping"
			return 1
		fi
	done
	fn=$(step_fn "$f" next)
	if [ "$nxt" = "$hit" ] || [ "$fn" != "$func" ]; then
		fail "$name" "next went from $hit to $nxt ($fn), not on in $func"
		return 1
	fi
	if [ "$stp" = "$nxt" ] &&
	    [ "$(step_loc "$f" step)" = "$(step_loc "$f" next)" ]; then
		fail "$name" "step did not move from $nxt ($(step_loc "$f" next))"
		return 1
	fi
	# x/2i after the step: "=> ADDR <...>:\tINSN" then "   ADDR2 <...>:".
	ins=$(gdb_section "$f" step | grep -a -A1 -m1 '^=> 0x')
	at=$(echo "$ins" | sed -n '1s/^=> \(0x[0-9a-f]\+\).*/\1/p')
	after=$(echo "$ins" | sed -n '2s/^ *\(0x[0-9a-f]\+\).*/\1/p')
	if [ "$at" != "$stp" ] || [ -z "$after" ]; then
		fail "$name" "no disassembly at the step's pc $stp"
		return 1
	fi
	if echo "$ins" | head -n 1 | grep -qE ":[[:space:]]+$E2E_BRANCH\\b"; then
		[ "$sti" != "$stp" ] && return 0
		fail "$name" "stepi over a branch at $stp did not move"
		return 1
	fi
	if [ "$sti" != "$after" ]; then
		fail "$name" "stepi went from $stp to $sti, not to the next instruction $after"
		return 1
	fi
	return 0
}

# check_finish NAME FILE: the `finish` of STEP_CMDS left the frame the
# stepi stopped in: the location it printed names another function (the
# caller, or the function an inlined frame sat in).  Batch gdb does not
# print "Run till exit from"; which frame finish leaves depends on where
# stepi landed (6.1: inside an inlined get_current; 6.12: in
# hrtimer_nanosleep itself, so finish returns to the syscall).
check_finish() {
	local from to
	from=$(step_loc "$2" stepi)
	from=${from%% at *}
	to=$(gdb_section "$2" finish detach |
	    grep -aE '^(0x[0-9a-f]+ in )?[A-Za-z_][A-Za-z0-9_.]* \(' | head -n 1 |
	    sed -E 's/^(0x[0-9a-f]+ in )?([A-Za-z_][A-Za-z0-9_.]*) \(.*/\2/')
	if [ -z "$from" ] || [ -z "$to" ] || [ "$to" = "$from" ]; then
		fail "$1" "finish did not leave ${from:-the stepi frame} (it stopped in '${to:-nowhere}')"
		gdb_section "$2" finish detach | sed 's/^/    | /' >&2
		return 1
	fi
	return 0
}

# check_clean NAME FILE: no sign of a broken remote session.
check_clean() {
	local bad
	bad=$(gdb_bad "$2")
	if [ -n "$bad" ]; then
		fail "$1" "gdb said: $(echo "$bad" | head -n 1)"
		sed 's/^/    | /' "$2" | tail -n 25 >&2
		return 1
	fi
	return 0
}

# boot_cpus FILE: how many CPUs the kernel brought up, from its boot log
# ("smp: Brought up 1 node, 2 CPUs"; empty if the line is not there).
boot_cpus() {
	tr -d '\r' <"$1" | sed -n 's/.*smp: Brought up [0-9]* nodes\{0,1\}, \([0-9]*\) CPUs\{0,1\}.*/\1/p' | tail -n 1
}

# check_cpu_threads NAME GDBFILE N: the lab boots with several CPUs
# (LAB_SMP, at least 2) and N of them are online; gdb's `info threads` in
# GDBFILE lists exactly one shadowCPU thread per online CPU, numbered 0 to
# N-1 (kgdb gives each CPU's current context a thread of its own).
check_cpu_threads() {
	local name=$1 f=$2 n=$3 got want i
	if ! [[ "$n" =~ ^[0-9]+$ ]] || [ "$n" -lt 2 ]; then
		fail "$name" "the guest has '$n' CPUs online, not 2 or more"
		return 1
	fi
	if [ -n "${LAB_SMP:-}" ] && [ "$n" != "$LAB_SMP" ]; then
		fail "$name" "$n CPUs online, QEMU was given $LAB_SMP"
		return 1
	fi
	got=$(grep -aoE '^[* ] +[0-9]+ +Thread [0-9]+ \(shadowCPU[0-9]+\)' "$f" |
	    sed 's/.*(shadowCPU\([0-9]*\))/\1/' | sort -n | tr '\n' ' ')
	want=
	for ((i = 0; i < n; i++)); do want="$want$i "; done
	if [ "$got" != "$want" ]; then
		fail "$name" "gdb's shadowCPU threads are '${got% }', not one per CPU ('${want% }')"
		sed -n '/@@threads/,/@@[a-z]/p' "$f" | head -n 12 | sed 's/^/    | /' >&2
		return 1
	fi
	return 0
}

# ---- kgdb-bridge

# bridge_ready: is there a bridge to test?  Sets E2E_WHY if not.
bridge_ready() {
	if [ ! -x "$BRIDGE" ]; then
		E2E_WHY="$BRIDGE not built yet"
		return 1
	fi
	return 0
}

# bridge_start TARGET [options]: run kgdb-bridge on TARGET in the
# background on ports it picks (port 0) and reports, a private control
# socket and a transcript.
# Sets BR_PID BR_GDB_PORT BR_CON_PORT BR_CTL BR_LOG BR_OUT.
bridge_start() {
	local target=$1 ports
	shift
	BR_GDB_PORT= BR_CON_PORT=
	BR_CTL=$T/$LAB_NAME.ctl
	BR_LOG=$T/$LAB_NAME.transcript
	BR_OUT=$T/$LAB_NAME.bridge.out
	# Raw console clients see exactly the console bytes (no telnet
	# negotiation), which is what the flood case compares.
	local raw=()
	"$BRIDGE" --help 2>&1 | grep -q -- '--console-raw' && raw=(--console-raw)
	"$BRIDGE" "${raw[@]}" --gdb-port 0 --console-port 0 \
	    --listen 127.0.0.1 --log "$BR_LOG" --ctl "$BR_CTL" \
	    --vmlinux "$VMLINUX" --no-stdin "$@" "$target" \
	    >"$BR_OUT" 2>"$T/$LAB_NAME.bridge.err" </dev/null &
	BR_PID=$!
	e2e_track "$BR_PID"
	# Up when its control socket says which ports it bound and its
	# console port answers (not the gdb port: a probe there would look
	# like a gdb attaching).
	for _ in $(seq 1 100); do
		kill -0 "$BR_PID" 2>/dev/null || break
		if [ -z "$BR_GDB_PORT" ] &&
		    ports=$(kb_ports "$BRIDGE" "$BR_CTL" 1); then
			read -r BR_GDB_PORT BR_CON_PORT <<<"$ports"
		fi
		if [ -n "$BR_CON_PORT" ] &&
		    (exec 3<>"/dev/tcp/127.0.0.1/$BR_CON_PORT") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	E2E_WHY="kgdb-bridge did not come up: $(tail -n 3 "$T/$LAB_NAME.bridge.err" | tr '\n' ' ')"
	return 1
}

bridge_stop() {
	e2e_kill "${BR_PID:-}"
	BR_PID=
}

bridge_ctl() { "$BRIDGE" ctl --ctl "$BR_CTL" "$@"; }

# The target state the bridge reports (running, stopped, kdb, gdb, ...).
bridge_state() {
	bridge_ctl status 2>/dev/null | grep -o '"state":"[a-z_]*"' | cut -d'"' -f4
}

# ensure_stopped PREV: the next case needs a stopped kernel, and the case
# before it (PREV, empty if none ran) should have left it so.  If the
# bridge says the kernel runs, PREV leaked that state: it FAILs for it,
# and then the kernel is broken into so that the next case still runs.
ensure_stopped() {
	local s prev=${1:-setup}
	s=$(bridge_state)
	[ "$s" = running ] || return 0
	fail "$prev" "left the kernel running (the next case needs it stopped)"
	e2e_log "target running after $prev; breaking in"
	bridge_ctl break >/dev/null 2>&1
	for _ in $(seq 1 50); do
		s=$(bridge_state)
		[ "$s" != running ] && return 0
		sleep 0.2
	done
	return 1
}

# console_client NAME: a raw client on the bridge's console port writing
# everything it gets to $T/NAME.console; sets CC_PID.
console_client() {
	(exec 3<>"/dev/tcp/127.0.0.1/$BR_CON_PORT" && exec cat <&3) \
	    >"$T/$1.console" 2>/dev/null &
	CC_PID=$!
	e2e_track "$CC_PID"
}
