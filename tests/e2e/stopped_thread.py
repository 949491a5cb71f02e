# SPDX-License-Identifier: GPL-2.0-or-later
# For a gdb straight on kgdb's line whose output is compared with a gdb
# through the bridge: select the thread that stopped, as the bridge makes
# gdb do. kgdb's '?' reply names no thread, so a plain gdb takes the first
# one of the list (shadowCPU0) and files the stopped task's registers
# under it; the bridge names the thread kgdb's qC names (bridge/
# gdb_vcont.c, gs_stopped_deliver). Here: ask qC, switch to that thread,
# and drop the registers gdb read under the wrong one.
import re

import gdb

reply = gdb.execute("maint packet qC", to_string=True)
m = re.search(r'received: "QC([0-9a-fA-F]{1,16})"', reply)
if m is None:
    raise gdb.GdbError("stopped_thread.py: no thread in qC's reply: %r" % reply)
want = int(m.group(1), 16) & 0xffffffff
for t in gdb.selected_inferior().threads():
    if t.ptid[1] & 0xffffffff == want:
        t.switch()
        break
else:
    raise gdb.GdbError("stopped_thread.py: qC names thread %x, which gdb "
                       "does not list" % want)
gdb.execute("maint flush register-cache", to_string=True)
