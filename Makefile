# SPDX-License-Identifier: GPL-2.0-or-later
# kgdb-bridge: one non-recursive GNU Makefile.
#
#   make             build the daemon (build/kgdb-bridge) and test tools
#   make check       unit tests, fuzz-corpus replays, integration and
#                    end-to-end tests; last line is "N passed, N failed"
#   make asan        the same with ASan+UBSan on everything
#   make check-matrix the end-to-end suites on every lab cell, then a table
#                    (CELLS="arm64/6.1 ..." SUITES="10-direct ..." narrow it)
#   make fuzz        libFuzzer targets (CC=clang, the default for this target)
#   make bench       benchmarks (never part of check; ARCH="x86_64 arm64")
#   make demo        boot the virtual lab and run kgdb-bridge on it
#   make install     PREFIX=/usr/local DESTDIR=
#
# New files are picked up by wildcard: rsp/*.c, common/*.c, bridge/*.c, tui/*.c,
# tests/unit/test_*.c, tests/fuzz/fuzz_*.c, tests/bench/bench_*.c and
# tests/tools/*.c each have one rule below.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
DOCDIR	?= $(PREFIX)/share/doc/kgdb-bridge
SHAREDIR ?= $(PREFIX)/share/kgdb-bridge
UNITDIR	?= $(PREFIX)/lib/systemd/system
UDEVDIR	?= $(PREFIX)/lib/udev/rules.d
COMPDIR	?= $(PREFIX)/share/bash-completion/completions
BUILD	?= build
ifeq ($(CI),true)
WERROR	?= 1
endif
WERROR	?= 0
SAN	?= 0
CC	?= cc
CFLAGS	?= -O2 -g

WARN	= -Wall -Wextra -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes \
	  -Wmissing-declarations -Wshadow -Wwrite-strings -Wpointer-arith \
	  -Wundef -Wvla
ifeq ($(WERROR),1)
WARN	+= -Werror
endif
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	   -fno-omit-frame-pointer
ifeq ($(SAN),1)
CFLAGS	+= $(SANFLAGS)
LDFLAGS	+= $(SANFLAGS)
endif

BASE	= -std=c11 -D_POSIX_C_SOURCE=200809L -MMD -MP -I.
RSP_CF	= $(BASE) $(WARN) -Wconversion
# common/: pure code shared by both programs (JSON through libjansson,
# struct layouts from DWARF through libdw).
CM_CF	= $(BASE) $(WARN) -Wconversion $(shell pkg-config --cflags jansson libdw 2>/dev/null)
CM_LIBS	= $(shell pkg-config --libs jansson libdw 2>/dev/null)
# bridge/ and tests need BSD/GNU extras (cfmakeraw, TIOCEXCL, CRTSCTS).
PKG_BR	= libevent libserialport inih jansson libdw
BR_CF	= $(BASE) -D_DEFAULT_SOURCE $(WARN) $(shell pkg-config --cflags $(PKG_BR) 2>/dev/null)
BR_LIBS	= $(shell pkg-config --libs $(PKG_BR) 2>/dev/null)
# ncursesw's cflags define _XOPEN_SOURCE: tui/ objects only (style.md 15).
TUI_CF	= $(BASE) -D_DEFAULT_SOURCE $(WARN) $(shell pkg-config --cflags ncursesw jansson libdw 2>/dev/null)
TUI_LIBS = $(shell pkg-config --libs ncursesw jansson libdw 2>/dev/null)
TEST_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

RSP_SRCS	:= $(wildcard rsp/*.c)
CM_SRCS		:= $(wildcard common/*.c)
BRIDGE_SRCS	:= $(wildcard bridge/*.c)
BRIDGE_LIB_SRCS	:= $(filter-out bridge/main.c,$(BRIDGE_SRCS))
TUI_SRCS	:= $(wildcard tui/*.c)
TUI_LIB_SRCS	:= $(filter-out tui/main.c,$(TUI_SRCS))
UNIT_SRCS	:= $(wildcard tests/unit/test_*.c)
FUZZ_SRCS	:= $(wildcard tests/fuzz/fuzz_*.c)
BENCH_SRCS	:= $(wildcard tests/bench/bench_*.c)
TOOL_SRCS	:= $(wildcard tests/tools/*.c)

RSP_OBJS	:= $(RSP_SRCS:%.c=$(BUILD)/%.o)
CM_OBJS		:= $(CM_SRCS:%.c=$(BUILD)/%.o)
# The daemon reads one kernel structure (bridge/sleepers.c: the frame a
# sleeping x86_64 task left on its stack), so it links the DWARF reader.
BR_CM_OBJS	:= $(CM_OBJS)
BRIDGE_LIB_OBJS	:= $(BRIDGE_LIB_SRCS:%.c=$(BUILD)/%.o)
TUI_LIB_OBJS	:= $(TUI_LIB_SRCS:%.c=$(BUILD)/%.o)

# Test builds always carry ASan+UBSan: they live under $(BUILD)/t.
T		= $(BUILD)/t
T_RSP_OBJS	:= $(RSP_SRCS:%.c=$(T)/%.o)
T_CM_OBJS	:= $(CM_SRCS:%.c=$(T)/%.o)
T_BR_CM_OBJS	:= $(T_CM_OBJS)
T_BRIDGE_OBJS	:= $(BRIDGE_LIB_SRCS:%.c=$(T)/%.o)
T_TUI_OBJS	:= $(TUI_LIB_SRCS:%.c=$(T)/%.o)
UNIT_BINS	:= $(UNIT_SRCS:tests/unit/%.c=$(T)/%)
FUZZ_REPLAYS	:= $(FUZZ_SRCS:tests/fuzz/%.c=$(T)/%)
BENCH_BINS	:= $(BENCH_SRCS:tests/bench/%.c=$(BUILD)/%)
TOOL_BINS	:= $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/%)

PROGS :=
ifneq ($(wildcard bridge/main.c),)
PROGS += $(BUILD)/kgdb-bridge
endif
ifneq ($(wildcard tui/main.c),)
PROGS += $(BUILD)/kgdb-tui
endif

.PHONY: all deps depcheck check check-matrix asan fuzz bench demo install uninstall \
	clean tests deb
# Keep every object: pattern-chained .o files are not throwaway here.
.SECONDARY:
all: $(PROGS) $(TOOL_BINS)

deps:
	@scripts/deps.sh build

# A missing library is named with its Debian package, before the compiler
# or the linker trips over it.
DEPCHECK = libevent:libevent-dev libserialport:libserialport-dev \
	   inih:libinih-dev ncursesw:libncurses-dev jansson:libjansson-dev \
	   libdw:libdw-dev
depcheck:
	@for d in $(DEPCHECK); do \
		pkg-config --exists $${d%%:*} 2>/dev/null || { \
		echo "kgdb-bridge needs $${d%%:*}: install $${d#*:}" \
		    "(scripts/deps.sh build installs everything)" >&2; \
		exit 1; }; \
	done

# ---- production objects
$(BUILD)/rsp/%.o: rsp/%.c
	@mkdir -p $(@D)
	$(CC) $(RSP_CF) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<
$(BUILD)/common/%.o: common/%.c
	@mkdir -p $(@D)
	$(CC) $(CM_CF) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<
$(BUILD)/bridge/%.o: bridge/%.c
	@mkdir -p $(@D)
	$(CC) $(BR_CF) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<
$(BUILD)/tui/%.o: tui/%.c
	@mkdir -p $(@D)
	$(CC) $(TUI_CF) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/bridge/main.o $(BUILD)/tui/main.o: | depcheck
$(BUILD)/kgdb-bridge: $(BUILD)/bridge/main.o $(BRIDGE_LIB_OBJS) $(BR_CM_OBJS) $(RSP_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(BR_LIBS)
$(BUILD)/kgdb-tui: $(BUILD)/tui/main.o $(TUI_LIB_OBJS) $(CM_OBJS) $(RSP_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(TUI_LIBS)
$(BUILD)/tests/tools/%.o: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(BR_CF) $(CFLAGS) -c -o $@ $<
$(TOOL_BINS): $(BUILD)/%: $(BUILD)/tests/tools/%.o $(RSP_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(BR_LIBS)

# ---- test objects (sanitized)
$(T)/rsp/%.o: rsp/%.c
	@mkdir -p $(@D)
	$(CC) $(RSP_CF) $(CFLAGS) $(SANFLAGS) -c -o $@ $<
$(T)/common/%.o: common/%.c
	@mkdir -p $(@D)
	$(CC) $(CM_CF) $(CFLAGS) $(SANFLAGS) -c -o $@ $<
$(T)/bridge/%.o: bridge/%.c
	@mkdir -p $(@D)
	$(CC) $(BR_CF) $(CFLAGS) $(SANFLAGS) -c -o $@ $<
$(T)/tui/%.o: tui/%.c
	@mkdir -p $(@D)
	$(CC) $(TUI_CF) $(CFLAGS) $(SANFLAGS) -c -o $@ $<
$(T)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(BR_CF) $(CFLAGS) $(SANFLAGS) -c -o $@ $<

# The sanitized bridge objects as an archive: a unit test links only the
# members it uses (and what they use), so a test of target.c does not pull
# in the console, the control socket or the option parser. Fakes go in
# through the seams the code has (a link's ops, a bus sink, br_set_clock),
# never through the linker.
$(T)/libbridge.a: $(T_BRIDGE_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^
# A unit test may add link flags in tests/unit/<name>.mk as
# LDFLAGS_<name> = ... (test_demux counts rsp/'s allocations with --wrap).
-include $(wildcard tests/unit/*.mk)
$(T)/test_%: $(T)/tests/unit/test_%.o $(T)/libbridge.a $(T_TUI_OBJS) $(T_CM_OBJS) $(T_RSP_OBJS)
	$(CC) $(SANFLAGS) $(LDFLAGS) $(LDFLAGS_test_$*) -o $@ $^ $(TEST_LIBS) $(BR_LIBS) $(if $(T_TUI_OBJS),$(TUI_LIBS))
$(T)/fuzz_%: $(T)/tests/fuzz/fuzz_%.o $(T)/tests/fuzz/replay.o $(T_CM_OBJS) $(T_RSP_OBJS)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(CM_LIBS)
# The daemon under ASan+UBSan, for tests/hostile (hostile input at the
# real binary's edges: files, sockets, directories).
$(T)/kgdb-bridge: $(T)/bridge/main.o $(T_BRIDGE_OBJS) $(T_BR_CM_OBJS) $(T_RSP_OBJS)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(BR_LIBS)

# DWARF fixtures for test_common_dwarf and test_tui_printk: the printk
# ring's types as Linux 6.1 and 6.12 declare them (tests/data/dwarf),
# built into small shared objects (linked, so their debug info needs no
# relocation) for 64 and 32 bits, in DWARF 5 and 4, and once without -g.
DWARF_FIX_CF	= -O0 -nostdlib -shared -fPIC
DWARF_FIXES	:= $(foreach v,6.1 6.12,$(T)/dwarf/prb-$(v)-64 \
		   $(T)/dwarf/prb-$(v)-32 $(T)/dwarf/prb-$(v)-64-dwarf4) \
		   $(T)/dwarf/prb-6.1-64-nodebug
$(T)/dwarf/prb-%-64: tests/data/dwarf/prb-%.c
	@mkdir -p $(@D)
	$(CC) -m64 -g $(DWARF_FIX_CF) -o $@ $<
$(T)/dwarf/prb-%-32: tests/data/dwarf/prb-%.c
	@mkdir -p $(@D)
	$(CC) -m32 -g $(DWARF_FIX_CF) -o $@ $<
$(T)/dwarf/prb-%-64-dwarf4: tests/data/dwarf/prb-%.c
	@mkdir -p $(@D)
	$(CC) -m64 -gdwarf-4 $(DWARF_FIX_CF) -o $@ $<
$(T)/dwarf/prb-%-64-nodebug: tests/data/dwarf/prb-%.c
	@mkdir -p $(@D)
	$(CC) -m64 $(DWARF_FIX_CF) -o $@ $<
$(T)/test_common_dwarf $(T)/test_tui_printk: | $(DWARF_FIXES)
# The sleeping-task frame and the symbols bridge/sleepers.c reads
# (tests/data/transcripts/sleepers*.txt, run by test_gdb).
ITF_FIXES	:= $(T)/dwarf/itf-6.1-64 $(T)/dwarf/itf-6.1-64-nodebug \
		   $(T)/dwarf/itf-6.12-64
$(T)/dwarf/itf-%-64: tests/data/dwarf/itf-%.c
	@mkdir -p $(@D)
	$(CC) -m64 -g $(DWARF_FIX_CF) -o $@ $<
$(T)/dwarf/itf-%-64-nodebug: tests/data/dwarf/itf-%.c
	@mkdir -p $(@D)
	$(CC) -m64 $(DWARF_FIX_CF) -o $@ $<
# The symbols bridge/gdb_rvbreak.c reads (tests/data/transcripts/rvbreak*).
$(T)/dwarf/rvbreak-64: tests/data/dwarf/rvbreak.c
	@mkdir -p $(@D)
	$(CC) -m64 $(DWARF_FIX_CF) -o $@ $<
# An arm64 task_struct and kgdb's CPU table, at kernel addresses, for
# bridge/taskregs.c (tests/data/transcripts/taskregs*, test_taskregs).
$(T)/dwarf/taskregs-arm64: tests/data/dwarf/taskregs-arm64.c
	@mkdir -p $(@D)
	$(CC) -m64 -g $(DWARF_FIX_CF) \
	    -Wl,--section-start=.kdata=0xffff800009a00000 -o $@ $<
$(T)/test_sleepers: | $(ITF_FIXES)
$(T)/test_gdb: | $(ITF_FIXES) $(T)/dwarf/rvbreak-64 $(T)/dwarf/taskregs-arm64
$(T)/test_taskregs: | $(T)/dwarf/taskregs-arm64

tests: $(PROGS) $(TOOL_BINS) $(UNIT_BINS) $(FUZZ_REPLAYS) $(T)/kgdb-bridge

# The end-to-end suites need the virtual lab: install its packages and build
# its kernels first (cached; minutes only on a fresh machine): x86_64/6.1
# for every suite, and E2E_CELL for the suites tests/run.sh runs on a
# second cell (E2E_CELL= leaves it out).  A lab that does not build is not
# fatal here: its cases then FAIL with the reason.
E2E_CELL ?= arm64/6.12
check: deps
	@scripts/deps.sh lab
	@$(MAKE) --no-print-directory tests
	@scripts/lab-build.sh >/dev/null || echo "check: the virtual lab did not build; its tests will fail" >&2
	@[ -z "$(E2E_CELL)" ] || LAB_ARCH=$(word 1,$(subst /, ,$(E2E_CELL))) \
	    LAB_KVER=$(word 2,$(subst /, ,$(E2E_CELL))) scripts/lab-build.sh >/dev/null || \
	    echo "check: the $(E2E_CELL) lab did not build; its tests will fail" >&2
	@BUILD=$(BUILD) E2E_CELL=$(E2E_CELL) tests/run.sh

asan:
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 check

# Every e2e suite on every lab cell (scripts/check-matrix.sh builds each
# cell's kernel as it comes to it); the table ends up in
# $(BUILD)/test-logs/matrix/table. Not part of check: about 13 minutes a
# cell on two cores once the kernels are cached.
check-matrix: deps
	@scripts/deps.sh lab
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) scripts/check-matrix.sh

# ---- libFuzzer (clang); run e.g.: build/fuzz/fuzz_demux -max_total_time=900
FUZZ_CC	?= clang
FZ	= $(BUILD)/fuzz
FUZZ_CF	= $(BASE) -g -O1 -fsanitize=fuzzer,address,undefined
$(FZ)/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CF) -D_DEFAULT_SOURCE -c -o $@ $<
$(FZ)/fuzz_%: $(FZ)/tests/fuzz/fuzz_%.o $(CM_SRCS:%.c=$(FZ)/%.o) $(RSP_SRCS:%.c=$(FZ)/%.o)
	$(FUZZ_CC) $(FUZZ_CF) -o $@ $^ $(CM_LIBS)
fuzz: deps $(FUZZ_SRCS:tests/fuzz/%.c=$(FZ)/%)

# ---- fuzz_bridge_{gdb,target,console}: the whole daemon (gdb.c, target.c,
# console.c, cache.c, peer.c …) on one loop, driven through socketpairs and
# a fake link and clock (tests/fuzz/bridge_harness.h). They need the bridge
# objects, libevent and --wrap, so they have their own link rules, which
# take precedence over the rsp-only fuzz_% pattern rules above. The corpus
# replays (gcc + ASan) are built by `make tests` like the others.
FB_BINS		= fuzz_bridge_gdb fuzz_bridge_target fuzz_bridge_console
FB_WRAP		= -Wl,--wrap=event_add,$\
		  --wrap=event_del,--wrap=event_free,$\
		  --wrap=evconnlistener_new_bind
$(FB_BINS:%=$(T)/%): $(T)/%: $(T)/tests/fuzz/%.o $(T)/tests/fuzz/replay.o \
    $(T_BRIDGE_OBJS) $(T_BR_CM_OBJS) $(T_RSP_OBJS)
	$(CC) $(SANFLAGS) $(LDFLAGS) $(FB_WRAP) -o $@ $^ $(BR_LIBS)
$(FB_BINS:%=$(FZ)/%): $(FZ)/%: $(FZ)/tests/fuzz/%.o \
    $(BRIDGE_LIB_SRCS:%.c=$(FZ)/%.o) $(CM_SRCS:%.c=$(FZ)/%.o) $(RSP_SRCS:%.c=$(FZ)/%.o)
	$(FUZZ_CC) $(FUZZ_CF) $(FB_WRAP) -o $@ $^ $(BR_LIBS)

# ---- benchmarks
$(BUILD)/tests/bench/%.o: tests/bench/%.c
	@mkdir -p $(@D)
	$(CC) $(BR_CF) $(CFLAGS) -c -o $@ $<
$(BENCH_BINS): $(BUILD)/%: $(BUILD)/tests/bench/%.o $(RSP_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(BR_LIBS)
# ARCH="x86_64 arm64": the lab benchmarks once per lab architecture.
ARCH	?= x86_64
bench: deps $(BENCH_BINS) $(PROGS) $(TOOL_BINS)
	@BUILD=$(BUILD) BENCH_ARCHS="$(ARCH)" tests/bench/run.sh

demo: deps $(PROGS) $(TOOL_BINS)
	@BUILD=$(BUILD) scripts/demo.sh

# The programs, man pages, docs, the systemd unit for boards, the udev
# rule for USB serial adapters and bash completion.
DOCS	= README.md $(wildcard docs/*.md)
install: $(PROGS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(UDEVDIR) \
	    $(DESTDIR)$(COMPDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)
	install -m 644 $(wildcard docs/*.1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(DOCS) $(DESTDIR)$(DOCDIR)
	sed 's|@BINDIR@|$(BINDIR)|g' dist/kgdb-bridge@.service.in \
	    >$(DESTDIR)$(UNITDIR)/kgdb-bridge@.service
	chmod 644 $(DESTDIR)$(UNITDIR)/kgdb-bridge@.service
	install -m 644 dist/60-kgdb-bridge.rules $(DESTDIR)$(UDEVDIR)
	install -d $(DESTDIR)$(SHAREDIR)
	install -m 644 dist/kgdb-lx.py $(DESTDIR)$(SHAREDIR)
	install -m 644 dist/kgdb-bridge.bash-completion \
	    $(DESTDIR)$(COMPDIR)/kgdb-bridge
	ln -sf kgdb-bridge $(DESTDIR)$(COMPDIR)/kgdb-tui

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(PROGS))) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard docs/*.1))) \
	    $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(DOCS))) \
	    $(DESTDIR)$(UNITDIR)/kgdb-bridge@.service \
	    $(DESTDIR)$(UDEVDIR)/60-kgdb-bridge.rules \
	    $(DESTDIR)$(COMPDIR)/kgdb-bridge $(DESTDIR)$(COMPDIR)/kgdb-tui \
	    $(DESTDIR)$(SHAREDIR)/kgdb-lx.py
	-rmdir $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SHAREDIR) 2>/dev/null

# The Debian package (debian/), built into ../ as dpkg does, then moved to
# $(BUILD)/deb-out; lintian then has its say.
deb:
	dpkg-buildpackage -us -uc -b
	mkdir -p $(BUILD)/deb-out
	mv ../kgdb-bridge_*.deb ../kgdb-bridge-dbgsym_*.deb \
	    ../kgdb-bridge_*.buildinfo ../kgdb-bridge_*.changes $(BUILD)/deb-out/
	lintian --fail-on error $(BUILD)/deb-out/kgdb-bridge_*.deb

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
