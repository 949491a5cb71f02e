# SPDX-License-Identifier: GPL-2.0-or-later
# test_ctl: the control socket on a real loop; target reads go through the
# real target.c and gdb.c over the fake link (tests/unit/fakelink.h).
LDFLAGS_test_ctl = -Wl,--wrap=br_link_write,--wrap=br_link_send_break,--wrap=br_link_up,--wrap=br_link_caps,--wrap=br_link_baud,--wrap=br_link_name,--wrap=br_link_pending,--wrap=br_transcript_packet
