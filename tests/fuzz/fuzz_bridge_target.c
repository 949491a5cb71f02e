/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tests/fuzz/fuzz_bridge_target.c: the whole daemon, favouring the target
 * side (see tests/fuzz/bridge_harness.h). Corpus: tests/fuzz/corpus/bridge_target/.
 */
#define FB_SIDE	FB_SIDE_TARGET
#include "tests/fuzz/bridge_harness.h"
