#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the seed inputs of the fuzz_bridge_* targets.

Usage: tests/fuzz/bridge_seeds.py OUTDIR   (writes OUTDIR/bridge_{gdb,target,
console}/seed-*). The record format is the one tests/fuzz/bridge_harness.h
reads: two config bytes, then op, arg[, len, data] records. Ops are given
below 0x80 (side-independent), so every seed means the same in every side.
"""
import os
import sys

OPS = ["GDB_RAW", "GDB_PKT", "GDB_CANNED", "GDB_OPEN", "GDB_CLOSE", "GDB_INTR",
       "TGT_RAW", "TGT_PKT", "TGT_CANNED", "TGT_FLOOD", "CON_OPEN",
       "CON_CLOSE", "CON_RAW", "CON_CANNED", "LINK", "TIME", "STUB", "READ"]
OP = {n: i for i, n in enumerate(OPS)}
DATA = {"GDB_RAW", "GDB_PKT", "TGT_RAW", "TGT_PKT", "CON_RAW"}

GDB = ["qSupported", "QStartNoAckMode", "vMustReplyEmpty", "Hg0", "qXfer",
       "qTStatus", "?", "qfThreadInfo", "qsThreadInfo", "qAttached", "Hc-1",
       "qC", "qOffsets", "g", "m40", "m100", "m1", "p10", "Z0", "z0", "c",
       "s", "vCont?", "vCont;c", "vCont;s", "vCont;r", "rcmd-ls",
       "rcmd-odd", "rcmd-status", "rcmd-cache", "rcmd-kdb", "D", "k", "M",
       "qThreadExtraInfo", "T1", "Hg1", "qSymbol", "3", "C09", "G",
       "qXfer800", "Z2", "vCont;r-any", "P10", "m800"]
TGT = ["kdb", "prompt", "more", "kgdbwait", "T05", "S05", "OK", "W00",
       "panic", "bug", "attach", "+", "-", "Ohello", "E22", "hello",
       "QC1", "m-threads", "l", "zeros", "T05t1"]
CON = ["tn-do", "tn-will", "brk", "ip", "ls", "go", "kgdb", "bt", "md",
       "sb", "ffff", "q", "crlf", "ctrlc"]


class Seed:
    def __init__(self, c0=0, c1=0):
        self.b = bytearray([c0, c1])

    def op(self, name, arg=0, data=None):
        self.b += bytes([OP[name], arg & 0xff])
        if name in DATA:
            data = data or b""
            assert len(data) < 256
            self.b += bytes([len(data)]) + data
        return self

    def gdb(self, what, conn=0):
        return self.op("GDB_CANNED", GDB.index(what) << 2 | conn)

    def tgt(self, what):
        return self.op("TGT_CANNED", TGT.index(what))

    def con(self, what, client=0):
        return self.op("CON_CANNED", CON.index(what) << 2 | client)

    def pkt(self, payload, conn=0, ack=False):
        return self.op("GDB_PKT", conn | (0x80 if ack else 0),
                       payload.encode())

    def tpkt(self, payload, bad=False):
        return self.op("TGT_PKT", 0x40 if bad else 0, payload.encode())

    def time(self, code=3):
        return self.op("TIME", code)


def rle_zeros(n):
    """n '0' digits, run-length encoded ("0*~" is 98 zeros)."""
    out = ""
    while n > 0:
        k = min(n, 98)
        if k - 1 in (6, 7) or k < 4:
            out += "0" * k
        else:
            out += "0*" + chr(29 + k - 1)
        n -= k
    return out


def frame(p):
    return b"$" + p + b"#" + b"%02x" % (sum(p) & 0xff)


def gdb_seeds():
    s = {}
    startup = ["qSupported", "vMustReplyEmpty", "QStartNoAckMode", "Hg0",
               "qXfer", "qXfer800", "qTStatus", "?", "qfThreadInfo",
               "qsThreadInfo", "qAttached", "Hc-1", "qC", "qOffsets", "g",
               "m40", "m100", "p10"]
    for cache in (0, 1):
        x = Seed(cache, 0)
        for w in startup:
            x.gdb(w)
        x.gdb("Z0").gdb("c").time(4).op("GDB_INTR", 0).time(5)
        x.gdb("g").gdb("z0").gdb("s").time(3).gdb("m1").gdb("D").time(6)
        s["session%d" % cache] = x
    x = Seed(1, 0x10)
    for w in ["qSupported", "?", "g", "vCont?", "Z0", "vCont;r", "vCont;s",
              "vCont;r-any", "vCont;c", "Z2", "vCont;r"]:
        x.gdb(w).time(2)
    x.op("GDB_INTR", 0).time(6)
    s["vcont"] = x
    x = Seed(0, 0)
    for w in ["qSupported", "?", "rcmd-ls", "rcmd-status", "rcmd-cache",
              "rcmd-odd", "rcmd-kdb", "g", "qThreadExtraInfo", "T1", "Hg1",
              "qSymbol", "M", "G", "P10", "m800"]:
        x.gdb(w).time(1)
    s["rcmd"] = x
    for take in (0, 2):
        x = Seed(take, 0)
        x.gdb("qSupported").gdb("?")
        x.op("GDB_OPEN", 1).gdb("qSupported", 1).gdb("?", 1).gdb("g", 1)
        x.gdb("g").time(5).op("GDB_CLOSE", 0).gdb("g", 1).time(6)
        s["second%d" % take] = x
    x = Seed(0, 0)
    x.op("STUB", 0x04).gdb("?").gdb("g").op("STUB", 0x10).gdb("m40")
    x.time(5).time(6).gdb("g").time(6)
    s["garble"] = x
    x = Seed(0, 0)
    x.op("GDB_RAW", 0, b"+" + frame(b"qSupported") + b"-" + frame(b"g"))
    x.op("GDB_RAW", 0, b"$g#00" + frame(b"?") + b"+")
    x.op("GDB_RAW", 0, frame(b"X" + b"ffffffff81000000,3:" + b"}\x03\x04"))
    x.time(5)
    s["rawacks"] = x
    x = Seed(0, 0x20)
    x.gdb("qSupported").gdb("?").gdb("c").time(3).op("GDB_INTR", 0)
    for _ in range(6):
        x.time(5)
    x.gdb("g").gdb("3").time(5).gdb("?").time(6)
    s["kdbstop"] = x
    for arch in (2, 3):
        x = Seed(1, arch)
        for w in ["qSupported", "?", "g", "p10", "m800", "M", "Z0", "c"]:
            x.gdb(w).time(2)
        x.op("GDB_INTR", 0).time(6).gdb("g").time(2)
        s["arch%d" % arch] = x
    # x86_64 sleeping tasks (bridge/sleepers.c): the harness's stub
    # answers a thread other than 0/1 with kgdb's pc-0 registers and the
    # frame at their sp; with the cache and without.
    for cache in (0, 1):
        x = Seed(cache, 0)
        for w in ["qSupported", "?", "qfThreadInfo", "qsThreadInfo"]:
            x.gdb(w)
        x.pkt("Hg2").gdb("g").gdb("g").gdb("p10").pkt("p7").pkt("Hg3")
        x.gdb("g").gdb("Hg0").gdb("g").gdb("c").time(4)
        x.op("GDB_INTR", 0).time(5).pkt("Hg2").gdb("g").gdb("D").time(6)
        s["sleepers%d" % cache] = x
    # arm64 sleeping tasks' 'g' built by the bridge (bridge/taskregs.c):
    # the stub's fake kernel of four tasks; pid 2's 'g' is the one the
    # bridge builds (checked, then built), pid 3's differs (the check
    # fails: forwarded from then on), pid 1 runs on CPU0; a resume, a
    # new stop, a second connection. With the cache (taskregs needs it)
    # and without.
    for cache in (0, 1):
        x = Seed(cache, 3)
        for w in ["qSupported", "?", "qfThreadInfo", "qsThreadInfo"]:
            x.gdb(w)
        x.pkt("Hg2").gdb("g").pkt("Hg3").gdb("g").pkt("Hg1").gdb("g")
        x.pkt("Hg2").gdb("g").gdb("c").time(4).op("GDB_INTR", 0).time(5)
        x.pkt("Hg3").gdb("g").pkt("Hg2").gdb("g").gdb("D").time(6)
        x.op("GDB_OPEN", 0).pkt("Hg2").gdb("g").pkt("Hg3").gdb("g")
        x.time(6)
        s["taskregs%d" % cache] = x
    # riscv64's compiled break (bridge/gdb_rvbreak.c): the harness's stub
    # says the kernel sits on a c.ebreak there; gdb's step off it (Z0 at
    # 0, then c), a plain continue, an 's', and a ^C during the probe.
    for cache in (0, 1):
        x = Seed(cache, 0x11)     # riscv64, the stub stops after a resume
        x.gdb("qSupported").gdb("?").gdb("g")
        x.pkt("Z0,0,2").gdb("c").time(3).pkt("z0,0,2")
        x.gdb("c").time(3).gdb("s").time(3)
        x.pkt("Z0,0,4").gdb("c").op("GDB_INTR", 0).time(5)
        x.pkt("z0,0,4").pkt("Z0,ffffffff80155580,2")
        x.pkt("Z1,ffffffff801555bf,4").pkt("Z0,ffffffff801555c0,2")
        x.gdb("D").time(6)
        s["rvbreak%d" % cache] = x
    x = Seed(0, 0)
    x.gdb("?").gdb("g").op("LINK", 0).gdb("g").time(4).op("LINK", 1)
    x.gdb("?").time(6).gdb("g").time(6)
    s["link"] = x
    x = Seed(0, 0x80)
    x.op("GDB_OPEN", 1).time(6).time(6).gdb("qSupported", 1).time(3)
    s["idle"] = x
    x = Seed(0, 0)
    x.op("STUB", 0x01).gdb("?").gdb("g").time(6).time(7)
    s["silent"] = x
    x = Seed(0, 0)
    x.op("GDB_OPEN", 0x81).gdb("qSupported", 1).gdb("qXfer800", 1)
    for _ in range(8):
        x.gdb("m800", 1)
    x.time(5).op("READ", 1).time(5)
    s["slowgdb"] = x
    x = Seed(0x08, 0)
    x.gdb("qSupported").gdb("?")
    x.op("GDB_RAW", 0, frame(b"X" + b"ffffffff81000000,2:" + b"\x90\x90"))
    x.gdb("k").time(4)
    s["no8bit"] = x
    return s


def target_seeds():
    s = {}
    x = Seed(0, 0)
    x.tgt("kgdbwait").gdb("qSupported").gdb("?").time(2)
    x.tgt("+").tgt("QC1").time(2).gdb("g").time(1)
    x.op("TGT_RAW", 0, b"+" + frame(b"00" * 100))
    x.gdb("m40").time(1).op("TGT_RAW", 0, b"+" + frame(b"aa" * 0x40))
    x.gdb("c").time(1).tgt("+").tgt("hello").tgt("Ohello").tgt("T05")
    x.time(2).gdb("D").time(1).tgt("+").tgt("OK").time(3)
    s["stub"] = x
    x = Seed(1, 0)
    x.tgt("kdb").gdb("qSupported").gdb("?").time(2).tgt("+").tgt("QC1")
    x.time(2).gdb("qfThreadInfo").time(1).tgt("+").tgt("m-threads")
    x.gdb("qsThreadInfo").time(1).tgt("+").tgt("l").gdb("g").time(1)
    x.tgt("-").time(1).tgt("+").tpkt("00" * 100).time(1)
    s["kdb"] = x
    x = Seed(0, 0)
    x.gdb("?").time(1).op("TGT_RAW", 0, frame(b"qC")).time(5).time(6)
    s["echo"] = x
    x = Seed(0, 0)
    x.tgt("kdb").op("CON_OPEN", 0).con("md").tgt("more").gdb("?")
    x.time(5).tgt("prompt").time(4).tgt("attach").time(5).tgt("+")
    x.tgt("QC1").time(3)
    s["pager"] = x
    x = Seed(0, 0)
    x.tgt("panic").tgt("bug").gdb("?").time(4).time(6).tgt("kdb").time(6)
    s["panic"] = x
    x = Seed(0, 0)
    x.tgt("kgdbwait").gdb("?").time(1).tpkt("QC1", bad=True).time(1)
    for _ in range(10):
        x.tpkt("QC1", bad=True).time(0)
    x.time(6).gdb("g").time(2).tgt("+").tgt("E22").tgt("W00").time(6)
    s["badsum"] = x
    x = Seed(0, 0)
    x.tgt("kgdbwait").gdb("?").time(1).tgt("+").tgt("QC1").gdb("g")
    x.op("TGT_FLOOD", 20).time(4).op("TGT_FLOOD", 63).time(6)
    s["flood"] = x
    x = Seed(0, 0)
    x.tgt("T05").gdb("?").time(1).gdb("m800").time(1)
    for _ in range(4):
        x.tgt("+").tpkt(rle_zeros(2 * 0x3ff)).time(0)
    x.time(6)
    s["splitread"] = x
    x = Seed(0, 0)
    x.tgt("kgdbwait").gdb("qSupported").gdb("?").time(1).tgt("+")
    x.tgt("QC1").gdb("rcmd-ls").time(1).tgt("+").tgt("Ohello").time(4)
    x.tgt("Ohello").time(4).tgt("OK").time(6)
    s["rcmd"] = x
    x = Seed(0, 0)
    x.tgt("kgdbwait").gdb("?").op("LINK", 0).time(3).op("LINK", 1)
    x.tgt("zeros").tgt("T05t1").gdb("g").time(6)
    s["link"] = x
    return s


def console_seeds():
    s = {}
    x = Seed(0, 0)
    x.tgt("kdb").con("tn-do").con("tn-will").con("bt").con("md").time(2)
    x.con("q").time(5).con("kgdb").time(5).time(5)
    x.op("GDB_OPEN", 0).gdb("qSupported").gdb("?").time(5).gdb("g")
    x.con("bt").time(3).gdb("D").time(4).con("go").time(5)
    s["kdb"] = x
    x = Seed(0, 0)
    x.op("CON_OPEN", 1).con("tn-do", 1).con("go").time(2).tgt("hello")
    x.op("CON_RAW", 1, b"\xff\xff\x00abc\r\n\xff\xfa\x01\xff\xf0")
    x.con("brk", 1).time(3).con("brk", 1).time(6).con("ip").time(6)
    s["telnet"] = x
    x = Seed(0x20, 0)
    x.op("CON_OPEN", 1).con("bt", 1).con("ip", 1).con("ls").time(4)
    s["readonly"] = x
    x = Seed(0x40, 0)
    x.op("CON_OPEN", 0x81).op("CON_OPEN", 2).op("TGT_FLOOD", 63)
    x.op("TGT_FLOOD", 63).time(3).op("TGT_FLOOD", 63).op("READ", 0x81)
    x.time(3).op("CON_CLOSE", 2).op("CON_OPEN", 2).time(3)
    s["slow"] = x
    x = Seed(0, 0)
    x.tgt("kgdbwait").op("GDB_OPEN", 0).gdb("?").time(4).con("ls")
    x.con("ls").time(6).con("ls").op("GDB_CLOSE", 0).time(2).con("bt")
    x.time(5).time(5)
    s["held"] = x
    x = Seed(0, 0x20)
    x.con("go").tgt("kdb").con("go").time(2).con("sb").con("ffff")
    x.con("crlf").con("ctrlc").op("LINK", 0).con("bt").op("LINK", 1)
    x.tgt("panic").time(6)
    s["misc"] = x
    return s


def main():
    out = sys.argv[1]
    for side, seeds in (("gdb", gdb_seeds()), ("target", target_seeds()),
                        ("console", console_seeds())):
        d = os.path.join(out, "bridge_" + side)
        os.makedirs(d, exist_ok=True)
        for name, x in seeds.items():
            with open(os.path.join(d, "seed-" + name), "wb") as f:
                f.write(bytes(x.b))


if __name__ == "__main__":
    main()
