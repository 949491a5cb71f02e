/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_bridge_gdb.c: the whole daemon, favouring the gdb
 * side (see tests/fuzz/bridge_harness.h). Corpus: tests/fuzz/corpus/bridge_gdb/.
 */
#define FB_SIDE	FB_SIDE_GDB
#include "tests/fuzz/bridge_harness.h"
