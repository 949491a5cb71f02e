/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_bridge_console.c: the whole daemon, favouring the console
 * side (see tests/fuzz/bridge_harness.h). Corpus: tests/fuzz/corpus/bridge_console/.
 */
#define FB_SIDE	FB_SIDE_CONSOLE
#include "tests/fuzz/bridge_harness.h"
