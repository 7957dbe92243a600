# Gateway build. `make` builds bin/gatewayd and bin/gatewayctl; `make test`
# builds a separate sanitizer tree under build/test and runs every test;
# `make run` starts the daemon on the embedded default configuration.

VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
SYSCONFDIR ?= /etc
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/gateway
MANDIR ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
# What `make install` copies; the tests install their sanitizer build.
INSTALL_BINS ?= bin/gatewayd bin/gatewayctl
FUZZ_SECONDS ?= 60

CC ?= cc
# libcurl: gatewayd's Kannel transport links it (sendsms); gatewayctl loads
# it only when it downloads (gateway/hub/hub_fetch.h says why), and
# --as-needed keeps it out of gatewayctl's start.
PKGS_LINKED := gammu sqlite3 libconfig jansson libmicrohttpd libutf8proc libsodium libsystemd libcurl
PKGS := $(PKGS_LINKED)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS_LINKED) 2>/dev/null) -ldl
CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wcast-qual -Wwrite-strings -Wno-unused-parameter -Wvla
ifeq ($(CI),true)
WARN += -Werror
endif
ifeq ($(WERROR),1)
WARN += -Werror
endif

# Includes are written from the top of the tree: #include "common/buf.h".
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -I. -DGW_VERSION=\"$(VERSION)\" \
	-DGW_SYSCONFDIR=\"$(SYSCONFDIR)\" -DGW_DATADIR=\"$(DATADIR)\" $(WARN)
# The normal build is hardened (Debian's dpkg-buildflags defaults); CFLAGS,
# CPPFLAGS and LDFLAGS from the environment come after and win.
HARDEN_CFLAGS := -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
HARDEN_LDFLAGS := -pie -Wl,-z,relro -Wl,-z,now
OPT_CFLAGS ?= -O2 -g
SAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
# A program links only the shared libraries it calls.
LINK_LIBS = -Wl,--as-needed $(PKG_LIBS) -lm

# Source folders, lowest layer first (docs/ARCHITECTURE.md); `make lint`
# (tools/layers.py) fails when an include points up this list.
SRC_DIRS := common config modem modem/gammu handlers/vi handlers/understand handlers/core \
	handlers/features handlers/dialog handlers gateway gateway/content gateway/hub gateway/http \
	gateway/kannel \
	gateway/ussd gateway/web gateway/web/pages gateway/daemon gateway/ctl
export SRC_DIRS
ALL_SRC := $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c))
DAEMON_SRC := gateway/daemon/gatewayd.c
CTL_SRC := $(wildcard gateway/ctl/*.c)
# Everything but the two programs' own files goes into one archive a build:
# each program takes only the objects it uses (gatewayctl gets neither the
# web server nor the libgammu driver).
LIB_SRC := $(filter-out $(DAEMON_SRC) $(CTL_SRC),$(ALL_SRC))
UNIT_SRC := $(wildcard tests/unit/*/test_*.c)
# An archive names its members by file name alone.
ifneq ($(words $(notdir $(LIB_SRC))),$(words $(sort $(notdir $(LIB_SRC)))))
$(error two library sources share a file name, which one archive cannot hold)
endif

# Normal build
OBJ_DIR := build/obj
LIB_A := $(OBJ_DIR)/libgw.a

# Sanitizer build for tests
TOBJ_DIR := build/test
TLIB_A := $(TOBJ_DIR)/libgw.a
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(TOBJ_DIR)/unit/%)
# Every libFuzzer target replayed over its seeds and regressions as a unit
# test (gcc, sanitized; tests/fuzz/replay.c), so make test needs no clang.
FUZZ_REPLAY := $(patsubst tests/fuzz/fuzz_%.c,$(TOBJ_DIR)/unit/fuzz/test_fuzz_%,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: all clean test run deps lint install check-config unit-tests test-bins help fuzz \
	browser-test screenshots pkgcheck
all: bin/gatewayd bin/gatewayctl

help:
	@echo "make            build bin/gatewayd and bin/gatewayctl"
	@echo "make run        build, create var/gateway.db with sample content, run the daemon"
	@echo "make test       sanitizer build + unit and integration tests"
	@echo "make lint       banned calls, and includes that point up the layers"
	@echo "make accuracy   understanding on the labelled message sets (docs/ACCURACY.md)"
	@echo "make browser-test  the web console in headless Chromium; make screenshots refreshes docs/screenshots"
	@echo "make install    install under PREFIX (default /usr/local), honours DESTDIR"
	@echo "make deb        the Debian package build/gateway_VERSION_ARCH.deb; make deb-test tests it"
	@echo "make fuzz       run every tests/fuzz/fuzz_*.c for FUZZ_SECONDS (clang, libFuzzer)"
	@echo "make soak       the long reliability campaigns (about 35 min; docs/RELIABILITY.md)"
	@echo "make bench      optimised build + benchmarks vs gammu-smsd (BENCH_N, BENCH_RUNS; docs/BENCHMARKS.md)"

deps:
	@sh tools/deps.sh

lint:
	@sh tools/lint.sh
	@python3 tools/layers.py

# A missing library is named by pkg-config, not by a compiler error later.
pkgcheck:
	@pkg-config --exists $(PKGS) || { pkg-config --print-errors --exists $(PKGS); \
		echo "missing build dependencies: run 'make deps' (or sh tools/deps.sh)" >&2; exit 1; }

# One pattern per build tree: objects (with their .d files) and the archive.
# $(1) tree, $(2) compiler, $(3) flags.
define build_tree
$(1)/%.o: %.c | pkgcheck
	@mkdir -p $$(dir $$@)
	$(2) $$(BASE_CFLAGS) $(3) $$(PKG_CFLAGS) $$(CPPFLAGS) $$(CFLAGS) -MMD -MP -c $$< -o $$@

$(1)/libgw.a: $$(LIB_SRC:%.c=$(1)/%.o)
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(eval $(call build_tree,$(OBJ_DIR),$(CC),$(OPT_CFLAGS) $(HARDEN_CFLAGS)))
$(eval $(call build_tree,$(TOBJ_DIR),$(CC),$(SAN_CFLAGS)))

bin/gatewayd: $(OBJ_DIR)/$(DAEMON_SRC:.c=.o) $(LIB_A) | lint
	@mkdir -p bin
	$(CC) $(OPT_CFLAGS) $(CFLAGS) $(HARDEN_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LINK_LIBS)

bin/gatewayctl: $(CTL_SRC:%.c=$(OBJ_DIR)/%.o) $(LIB_A) | lint
	@mkdir -p bin
	$(CC) $(OPT_CFLAGS) $(CFLAGS) $(HARDEN_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LINK_LIBS)

# Test binaries: sanitized daemon and tool, unit tests, the send-capture shim.
$(TOBJ_DIR)/bin/gatewayd: $(TOBJ_DIR)/$(DAEMON_SRC:.c=.o) $(TLIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) $(LDFLAGS) -o $@ $^ $(LINK_LIBS)

$(TOBJ_DIR)/bin/gatewayctl: $(CTL_SRC:%.c=$(TOBJ_DIR)/%.o) $(TLIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) $(LDFLAGS) -o $@ $^ $(LINK_LIBS)

$(TOBJ_DIR)/unit/%: tests/unit/%.c $(TLIB_A) | pkgcheck
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(SAN_CFLAGS) $(PKG_CFLAGS) $(CMOCKA_CFLAGS) -MMD -MP -MF $@.d \
		-o $@ $< $(TLIB_A) $(CMOCKA_LIBS) $(LINK_LIBS)

$(FUZZ_REPLAY): $(TOBJ_DIR)/unit/fuzz/test_fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(TLIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(SAN_CFLAGS) $(PKG_CFLAGS) $(CMOCKA_CFLAGS) -MMD -MP -MF $@.d \
		-DFUZZ_NAME=\"$*\" -o $@ tests/fuzz/replay.c $< $(TLIB_A) $(CMOCKA_LIBS) $(LINK_LIBS)

# The understanding measured on the labelled message sets (tests/accuracy/,
# docs/ACCURACY.md): `make accuracy` runs both development sets and the
# held-out set and prints every miss and the figures.
.PHONY: accuracy
accuracy: $(TOBJ_DIR)/bin/accuracy
	@sh tests/accuracy/run.sh --heldout $(TOBJ_DIR)/bin/accuracy

$(TOBJ_DIR)/bin/accuracy: tests/accuracy/accuracy.c $(TLIB_A) | pkgcheck
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(SAN_CFLAGS) $(PKG_CFLAGS) -MMD -MP -MF $@.d -o $@ $< $(TLIB_A) \
		$(LINK_LIBS)

# The send-capture shim (LD_PRELOAD): tests and benchmarks see what reached libgammu.
$(TOBJ_DIR)/lib/sendcapture.so: tests/capture/sendcapture.c
	@mkdir -p $(dir $@)
	$(CC) -shared -fPIC -O2 -g -Wall -Wextra -o $@ $< $(shell pkg-config --cflags --libs gammu) -ldl -lpthread

TEST_BINS := $(TOBJ_DIR)/bin/gatewayd $(TOBJ_DIR)/bin/gatewayctl $(UNIT_BIN) \
	$(TOBJ_DIR)/lib/sendcapture.so $(FUZZ_REPLAY) $(TOBJ_DIR)/bin/accuracy

test-bins: $(TEST_BINS)

test: deps
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory test-bins
	@sh tests/run.sh $(TOBJ_DIR)

# The web console in headless Chromium, also run by `make test` through
# tests/integration/test_browser.sh (tests/browser/run.sh installs
# chromium and playwright-core when it can, and skips with a notice when it
# cannot). `make screenshots` also refreshes docs/screenshots/ for README.md.
browser-test: test-bins
	@sh tests/browser/run.sh $(TOBJ_DIR)

screenshots: test-bins
	@GW_SCREENSHOTS=$(CURDIR)/docs/screenshots BROWSER_TEST=required sh tests/browser/run.sh $(TOBJ_DIR)

var/gateway.db: | bin/gatewayctl
	@mkdir -p var/modem
	bin/gatewayctl -c config/gateway.conf init
	bin/gatewayctl -c config/gateway.conf import programs data/programs.json
	bin/gatewayctl -c config/gateway.conf import jobs data/jobs.json

run: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory var/gateway.db
	@mkdir -p var/modem
	bin/gatewayd -f -c config/gateway.conf

check-config: all
	bin/gatewayd -n -c config/gateway.conf
	bin/gatewayd -n -c config/gateway.conf.example

# Binaries, the example config as /etc/gateway/gateway.conf (never over an
# existing one), the systemd unit and sysusers entry with this install's
# paths, man pages, and the shipped data (lexicon, sample content) where
# the binaries look for it (GW_DATADIR).
MANPAGES := docs/man/gatewayd.8 docs/man/gatewayctl.1 docs/man/gateway.conf.5
install: $(INSTALL_BINS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/gateway $(DESTDIR)$(DATADIR) \
		$(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(INSTALL_BINS) $(DESTDIR)$(BINDIR)/
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/gateway/gateway.conf ]; then \
		echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/gateway/gateway.conf"; \
	else \
		install -m 0640 config/gateway.conf.example $(DESTDIR)$(SYSCONFDIR)/gateway/gateway.conf; \
	fi
	install -m 0644 $(wildcard data/*.json) $(DESTDIR)$(DATADIR)/
	sed -e 's|/usr/local/bin|$(BINDIR)|g' -e 's|/etc/gateway|$(SYSCONFDIR)/gateway|g' \
		config/gatewayd.service >$(DESTDIR)$(SYSTEMDUNITDIR)/gatewayd.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/gatewayd.service
	install -m 0644 config/gateway.sysusers $(DESTDIR)$(SYSUSERSDIR)/gateway.conf
	install -m 0644 docs/man/gatewayctl.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 docs/man/gateway.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 docs/man/gatewayd.8 $(DESTDIR)$(MANDIR)/man8/

# The Debian package (debian/, tools/deb.sh): build/gateway_$(VERSION)_ARCH.deb,
# built by dpkg-buildpackage in a copy of the tree under build/deb/ (this
# Makefile's all and install, PREFIX=/usr). deb-test installs, upgrades,
# removes and purges it in a throwaway root: tests/package/test_deb.sh.
.PHONY: deb deb-test
deb: deps
	@sh tools/deb.sh

deb-test: deb
	@bash tests/package/test_deb.sh

# Fuzzing: every tests/fuzz/fuzz_*.c is a libFuzzer target linked with the
# whole library (built apart with clang, installed when missing), run for
# FUZZ_SECONDS each by tests/fuzz/run.sh: seeds from tests/fuzz/corpus/<name>/,
# new finds in build/fuzz/corpus/ (out of git), one summary line a target.
FUZZ_CC ?= clang
FUZZ_DIR := build/fuzz
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_DIR)/%)
$(eval $(call build_tree,$(FUZZ_DIR)/obj,$(FUZZ_CC),$(FUZZ_CFLAGS)))

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DIR)/obj/libgw.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $< \
		$(FUZZ_DIR)/obj/libgw.a $(LINK_LIBS)

fuzz: deps
	@sh tests/fuzz/run.sh --need $(FUZZ_CC)
	@$(MAKE) --no-print-directory $(FUZZ_BIN)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_BIN)

# The reliability campaigns, long versions (docs/RELIABILITY.md; the short
# ones run in make test): crash (one modem and two), faults, flood, USSD load,
# authentication.
# About 35 minutes; SOAK_BUILD=san runs them on the sanitized build.
SOAK_BUILD ?= opt
.PHONY: soak
soak: deps
	@$(MAKE) --no-print-directory all test-bins
	@SOAK_BUILD=$(SOAK_BUILD) sh tests/soak/run.sh $(TOBJ_DIR)

# Benchmarks (bench/README.md, docs/BENCHMARKS.md): an optimised build of
# their own under build/bench (the flags of `make all`), gammu-smsd
# installed the way tools/deps.sh installs, then bench/run_all. Every
# bench/*.c is a program linked with the library archive. BENCH_N,
# BENCH_RUNS and the other BENCH_* variables reach the scripts through
# the environment.
BENCH_DIR := build/bench
BENCH_CFLAGS ?= -O2 -g
BENCH_C_BIN := $(patsubst bench/%.c,$(BENCH_DIR)/bin/bench_%,$(wildcard bench/*.c))
BENCH_BINS := $(BENCH_DIR)/bin/gatewayd $(BENCH_DIR)/bin/gatewayctl \
	$(BENCH_DIR)/lib/sendcapture.so $(BENCH_C_BIN)
BENCH_N ?= 500
BENCH_RUNS ?= 3
export BENCH_N BENCH_RUNS
$(eval $(call build_tree,$(BENCH_DIR)/obj,$(CC),$(BENCH_CFLAGS)))

$(BENCH_DIR)/bin/gatewayd: $(BENCH_DIR)/obj/$(DAEMON_SRC:.c=.o) $(BENCH_DIR)/obj/libgw.a
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) $(LDFLAGS) -o $@ $^ $(LINK_LIBS)

$(BENCH_DIR)/bin/gatewayctl: $(CTL_SRC:%.c=$(BENCH_DIR)/obj/%.o) $(BENCH_DIR)/obj/libgw.a
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) $(LDFLAGS) -o $@ $^ $(LINK_LIBS)

$(BENCH_DIR)/lib/sendcapture.so: tests/capture/sendcapture.c
	@mkdir -p $(dir $@)
	$(CC) -shared -fPIC -O2 -g -Wall -Wextra -o $@ $< $(shell pkg-config --cflags --libs gammu) -ldl -lpthread

$(BENCH_DIR)/bin/bench_%: bench/%.c $(BENCH_DIR)/obj/libgw.a
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Wno-comment $(BENCH_CFLAGS) $(PKG_CFLAGS) $(CFLAGS) -o $@ $< \
		$(BENCH_DIR)/obj/libgw.a $(LINK_LIBS)

.PHONY: bench bench-bins
bench-bins: $(BENCH_BINS)

bench: deps
	@sh tools/deps.sh bench
	@$(MAKE) --no-print-directory bench-bins
	python3 bench/run_all

clean:
	rm -rf build bin

# build/deb/ is tools/deb.sh's copy of the tree, with its own build.
-include $(shell find build -path build/deb -prune -o -name '*.d' -type f -print 2>/dev/null)
