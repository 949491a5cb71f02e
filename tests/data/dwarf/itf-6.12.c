/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/data/dwarf/itf-6.12.c: itf-6.1.c as a Linux 6.10 or later vmlinux
 * has it: the init task's stack bounds are __start_init_stack and
 * __end_init_stack (they were *_init_task). test_sleepers reads the
 * layout from both. Nothing here runs.
 */
#define ITF_STACK	"stack"
#include "itf-6.1.c"
