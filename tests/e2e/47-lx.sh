#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: the kernel's own gdb scripts (scripts/gdb, vmlinux-gdb.py)
# through kgdb-bridge, compared with the same commands on a direct line at
# the same stop.  The lab boots, loads its module (hw-tests/lab/module),
# and stops itself with SysRq-g; then:
#   1. gdb straight on the line runs the script commands and vanishes
#      (no detach: the kernel stays stopped, so the ring, the task list
#      and the modules cannot change);
#   2. kgdb-bridge takes the line and a gdb through it runs the same
#      commands, then lx-dmesg once more, then a breakpoint in the module.
# Cases:
#   lx-1-scripts   lx-version, lx-cmdline, lx-ps, lx-dmesg, lx-lsmod,
#                  lx-symbols and $lx_current() run without an error (on
#                  every architecture: dist/kgdb-lx.py), and
#                  through the bridge print exactly what they print direct;
#                  $lx_current() before dist/kgdb-lx.py fails the same way
#                  both ways (the helpers' own guess of the server)
#   lx-2-again     lx-dmesg again at the same stop: the same text, and not
#                  one memory read sent to the target for it (the cache)
#   lx-3-module    after lx-symbols, a breakpoint in the module's
#                  kgdb_lab_tick() hits, and its backtrace and variables
#                  resolve from the module's own symbols
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_setup lx

CASES="lx-1-scripts lx-2-again lx-3-module"
# shellcheck disable=SC2086
echo "PLAN: $(echo $CASES | wc -w)"
# shellcheck disable=SC2086
fail_every() { fail_all "$1" $CASES; }
bridge_ready || fail_every "$E2E_WHY"
need_lab || fail_every "$E2E_WHY"
[ -r "$LAB/vmlinux-gdb.py" ] || fail_every "the lab has no vmlinux-gdb.py (CONFIG_GDB_SCRIPTS)"
# Cells whose kernel takes no modules (CONFIG_MODULES) still run the
# scripts; lx-3-module fails there, saying so.
HAVE_MOD=0
[ -r "$LAB/modules/kgdb_lab.ko" ] && HAVE_MOD=1

# The script commands, each after a marker line.  lx-symbols is given the
# lab's module directory, so it loads kgdb_lab.ko's symbols.
# dist/kgdb-lx.py tells the helpers the server is kgdb: their own guess
# fails when shadowCPU0 is gdb's thread 1 (see that file), direct or not.
# Auto-loading is off so that lx-symbols' reload of vmlinux does not try
# the source tree's copy of vmlinux-gdb.py.
LX_CMDS=(-ex 'set auto-load python-scripts off'
	-ex "source $LAB/vmlinux-gdb.py"
	-ex 'echo @@guess\n' -ex 'p $lx_current().pid'
	-ex "source $E2E_ROOT/dist/kgdb-lx.py"
	-ex 'echo @@version\n' -ex 'lx-version'
	-ex 'echo @@cmdline\n' -ex 'lx-cmdline'
	-ex 'echo @@ps\n' -ex 'lx-ps'
	-ex 'echo @@dmesg\n' -ex 'lx-dmesg'
	-ex 'echo @@lsmod\n' -ex 'lx-lsmod'
	-ex 'echo @@symbols\n' -ex "lx-symbols $LAB/modules"
	-ex 'echo @@current\n' -ex 'p $lx_current().pid' -ex 'p $lx_current().comm'
	-ex 'echo @@end\n')

# lx_body FILE: the marked part of a session, without gdb's own lines
# about the connection (which differ between a line and the bridge).
lx_body() {
	sed -n '/^@@guess/,/^@@end/p' "$1"
}

# lx_errors FILE: lines that say a script failed.
lx_errors() {
	grep -aE 'Python Exception|Error occurred in Python|Traceback|No symbol|not supported|Cannot access memory' "$1"
}

lab_start lx --mode sysrq --after 2 --tick 0 || fail_every "lab did not boot"
line_start || fail_every "shaper did not start"
rx=$(line_rx)
if ! wait_for "$rx" 'kdb>' 60; then
	tail -c 2000 "$rx" | sed 's/^/    | /' >&2
	fail_every "no kdb prompt after sysrq-g"
fi
[ "$HAVE_MOD" = 0 ] || grep -aq 'lab: module kgdb_lab loaded' "$rx" ||
    fail_every "the lab did not load its module: $(grep -a 'lab: module' "$rx" | tr -d '\r')"

# The sessions are long (lx-dmesg reads the whole ring under TCG), and
# lx-symbols also scans the current directory for modules: run from $T.
GDB_TIMEOUT=${GDB_TIMEOUT:-300}
cd "$T" || fail_every "no scratch directory"

# 1. direct, then gone without a word (a quit would resume the kernel).
gdb_run direct "$LINE_PORT" "${LX_CMDS[@]}" "${GDB_VANISH[@]}"
lx_body "$T/direct.gdb" >"$T/direct.lx"
# The shaper lets one client at a time hold the line; give it a moment
# to see the vanished gdb's socket close.
sleep 1

# 2. the bridge on the same line, the kernel still stopped.
bridge_start "tcp:127.0.0.1:$LINE_PORT" || fail_every "$E2E_WHY"
up=$LINE_REC/up.raw
# Without the module there is nothing to break in: a `continue` would let
# the kernel run until gdb's timeout and cut the rest of this session.
MODCMDS=()
[ $HAVE_MOD = 1 ] && MODCMDS=(-ex 'break kgdb_lab_tick' -ex 'continue'
    -ex 'bt 3' -ex 'p n' -ex 'p kgdb_lab_ticks' -ex 'delete')
gdb_run bridge "$BR_GDB_PORT" "${LX_CMDS[@]}" \
    -ex "shell echo @@up0 \$(stat -c %s $up)" \
    -ex 'echo @@again\n' -ex 'lx-dmesg' -ex 'echo @@again-end\n' \
    -ex "shell echo @@up1 \$(stat -c %s $up)" \
    -ex 'echo @@module\n' "${MODCMDS[@]}" \
    -ex 'echo @@module-end\n' "${GDB_VANISH[@]}"
lx_body "$T/bridge.gdb" >"$T/bridge.lx"

# lx-1-scripts
if [ ! -s "$T/direct.lx" ] || ! grep -aq '^@@end' "$T/direct.lx"; then
	fail lx-1-scripts "the direct session did not get through the commands"
	tail -n 15 "$T/direct.gdb" | sed 's/^/    | /' >&2
elif bad=$(sed '/^@@guess/,/^@@version/d' "$T/direct.lx" | lx_errors /dev/stdin); then
	fail lx-1-scripts "a script failed on the direct line: $(echo "$bad" | head -n 1)"
elif bad=$(sed '/^@@guess/,/^@@version/d' "$T/bridge.lx" | lx_errors /dev/stdin); then
	fail lx-1-scripts "a script failed through the bridge: $(echo "$bad" | head -n 1)"
elif ! check_log lx-1-scripts "$T/bridge.lx" \
	'^Linux version [0-9]' 'lab\.mode=sysrq' \
	'^ +TASK +PID +COMM' ' swapper' ' init$| sh$' \
	'^Address +Module +Size +Used by'; then
	:
# $lx_current() on every architecture: dist/kgdb-lx.py takes the task
# from kgdb_info where the helpers would read a register kgdb lacks.
elif ! sed -n '/^@@current$/,/^@@end/p' "$T/bridge.lx" >"$T/current" ||
    ! check_log lx-1-scripts "$T/current" '^\$[0-9]+ = [0-9]+$' '^\$[0-9]+ = "'; then
	:
elif [ "$HAVE_MOD" = 1 ] && ! check_log lx-1-scripts "$T/bridge.lx" \
	'^0x[0-9a-f]+ +kgdb_lab ' 'loading @0x[0-9a-f]+: .*kgdb_lab\.ko'; then
	:
elif ! diff -u "$T/direct.lx" "$T/bridge.lx" >"$T/lx.diff"; then
	fail lx-1-scripts "the bridge's output differs from the direct line's ($T/lx.diff)"
	head -n 20 "$T/lx.diff" | sed 's/^/    | /' >&2
else
	pass lx-1-scripts
fi

# lx-2-again
up0=$(sed -n 's/^@@up0 //p' "$T/bridge.gdb")
up1=$(sed -n 's/^@@up1 //p' "$T/bridge.gdb")
sed -n '/^@@dmesg/,/^@@lsmod/p' "$T/bridge.gdb" | sed '1d;$d' >"$T/dmesg1"
sed -n '/^@@again$/,/^@@again-end/p' "$T/bridge.gdb" | sed '1d;$d' >"$T/dmesg2"
if [ -z "$up0" ] || [ -z "$up1" ]; then
	fail lx-2-again "the session did not get to the second lx-dmesg"
elif [ ! -s "$T/dmesg2" ] || ! cmp -s "$T/dmesg1" "$T/dmesg2"; then
	fail lx-2-again "the second lx-dmesg differs from the first ($(wc -l <"$T/dmesg1") vs $(wc -l <"$T/dmesg2") lines)"
else
	head -c "$up1" "$up" | tail -c +"$((up0 + 1))" >"$T/again.up"
	nm=$(grep -ao '\$m[0-9a-f]*,' "$T/again.up" | wc -l)
	if [ "$nm" -ne 0 ]; then
		fail lx-2-again "$nm memory reads went to the target for a ring this stop had read"
	else
		e2e_log "lx-2-again: $(wc -l <"$T/dmesg2") lines, $((up1 - up0)) bytes sent to the target"
		pass lx-2-again
	fi
fi

# lx-3-module
sed -n '/^@@module$/,/^@@module-end/p' "$T/bridge.gdb" >"$T/module"
if [ "$HAVE_MOD" = 0 ]; then
	fail lx-3-module "this cell's kernel has no module (CONFIG_MODULES is off in its fragment)"
elif check_clean lx-3-module "$T/bridge.gdb" &&
    check_log lx-3-module "$T/module" \
	'^Breakpoint 1 at 0x[0-9a-f]+: file .*kgdb_lab\.c' \
	'hit Breakpoint 1, kgdb_lab_tick \(n=' \
	'^#0 +kgdb_lab_tick' '^#1 .*kgdb_lab_fn' \
	'^\$[0-9]+ = [1-9][0-9]*$'; then
	pass lx-3-module
fi

bridge_stop
lab_stop
exit 0
