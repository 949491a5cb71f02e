# SPDX-License-Identifier: GPL-2.0-or-later
# test_gdb: real gdb.c and target.c, a socketpair for gdb, the fake link.
LDFLAGS_test_gdb = -Wl,--wrap=br_link_write,--wrap=br_link_send_break,--wrap=br_link_up,--wrap=br_link_caps,--wrap=br_link_baud,--wrap=br_link_name,--wrap=br_link_pending,--wrap=br_transcript_packet
