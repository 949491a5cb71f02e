# SPDX-License-Identifier: GPL-2.0-or-later
# test_peer sees the listener guard's error callback and its resumes.
LDFLAGS_test_peer = -Wl,--wrap=evconnlistener_set_error_cb,--wrap=evconnlistener_enable
