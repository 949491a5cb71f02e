# SPDX-License-Identifier: GPL-2.0-or-later
# test_demux counts allocations around rsp_demux_feed.
LDFLAGS_test_demux = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
