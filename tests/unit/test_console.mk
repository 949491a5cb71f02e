# SPDX-License-Identifier: GPL-2.0-or-later
# test_console fakes the target engine's console input and break-in.
LDFLAGS_test_console = -Wl,--wrap=br_target_console_input,--wrap=br_target_break
