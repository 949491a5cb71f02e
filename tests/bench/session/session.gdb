# SPDX-License-Identifier: GPL-2.0-or-later
# The fixed gdb session of tests/bench/session.bench.sh (issue 6): what an
# engineer does at a stop, then a breakpoint, three continues that hit it,
# and five steps.  The kernel starts stopped by a SysRq-g from the booted
# init (not at kgdbwait: kgdb 6.1 cannot remove a breakpoint planted before
# mark_rodata_ro), so the output is the same on every run (user ASLR off).
echo @@regs\n
info registers
echo @@bt\n
bt
echo @@threads\n
info threads
echo @@mem\n
x/32gx $sp
x/32gx $sp+256
x/32gx $sp
echo @@dis\n
x/16i $pc
disassemble
echo @@frame\n
frame 1
x/16gx $sp
echo @@bt2\n
bt
frame 0
info registers pc
echo @@break\n
break hrtimer_nanosleep
continue
echo @@hit1\n
bt
x/8i $pc
continue
echo @@hit2\n
info registers pc
bt
continue
echo @@hit3\n
bt
x/16gx $sp
echo @@step\n
step
step
step
step
step
bt
info registers pc
delete
echo @@end\n
