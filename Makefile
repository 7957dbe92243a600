# Gateway build. `make` builds bin/gatewayd and bin/gatewayctl; `make test`
# builds a separate sanitizer tree under build/test and runs every test;
# `make run` starts the daemon on the embedded default configuration.

VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
SYSCONFDIR ?= /etc

CC ?= cc
PKGS := gammu sqlite3 libconfig jansson libmicrohttpd libutf8proc libsodium libsystemd
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wcast-qual -Wwrite-strings -Wno-unused-parameter -Wvla
ifeq ($(CI),true)
WARN += -Werror
endif
ifeq ($(WERROR),1)
WARN += -Werror
endif

BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -DGW_VERSION=\"$(VERSION)\" \
	-DGW_SYSCONFDIR=\"$(SYSCONFDIR)\" $(WARN)
OPT_CFLAGS ?= -O2 -g
SAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined

# One folder a layer: common/ <- config/, modem/ <- handlers/ <- gateway/.
CTL_SRC := gateway/gatewayctl.c $(wildcard gateway/ctl_*.c)
LIB_SRC := $(wildcard common/*.c) $(wildcard config/*.c) $(wildcard modem/*.c) \
	$(wildcard handlers/*.c) \
	$(filter-out gateway/gatewayd.c $(CTL_SRC),$(wildcard gateway/*.c))
UNIT_SRC := $(wildcard tests/unit/test_*.c)

# Normal build
OBJ_DIR := build/obj
LIB_OBJ := $(LIB_SRC:%.c=$(OBJ_DIR)/%.o)

# Sanitizer build for tests
TOBJ_DIR := build/test
TLIB_OBJ := $(LIB_SRC:%.c=$(TOBJ_DIR)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(TOBJ_DIR)/unit/%)

.PHONY: all clean test run deps lint install check-config unit-tests test-bins help
all: bin/gatewayd bin/gatewayctl

help:
	@echo "make            build bin/gatewayd and bin/gatewayctl"
	@echo "make run        build, create var/gateway.db with sample content, run the daemon"
	@echo "make test       sanitizer build + unit and integration tests"
	@echo "make install    install under PREFIX (default /usr/local), honours DESTDIR"

deps:
	@sh tools/deps.sh

lint:
	@sh tools/lint.sh

$(OBJ_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(OPT_CFLAGS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(TOBJ_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(SAN_CFLAGS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

bin/gatewayd: $(OBJ_DIR)/gateway/gatewayd.o $(LIB_OBJ) | lint
	@mkdir -p bin
	$(CC) $(OPT_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

bin/gatewayctl: $(CTL_SRC:%.c=$(OBJ_DIR)/%.o) $(LIB_OBJ) | lint
	@mkdir -p bin
	$(CC) $(OPT_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# Test binaries: sanitized daemon and tool, unit tests, the send-capture shim.
$(TOBJ_DIR)/bin/gatewayd: $(TOBJ_DIR)/gateway/gatewayd.o $(TLIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(TOBJ_DIR)/bin/gatewayctl: $(CTL_SRC:%.c=$(TOBJ_DIR)/%.o) $(TLIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(TOBJ_DIR)/unit/%: tests/unit/%.c $(TLIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(SAN_CFLAGS) $(PKG_CFLAGS) $(shell pkg-config --cflags cmocka) \
		-o $@ $< $(TLIB_OBJ) $(PKG_LIBS) $(shell pkg-config --libs cmocka) -lm

TEST_BINS := $(TOBJ_DIR)/bin/gatewayd $(TOBJ_DIR)/bin/gatewayctl $(UNIT_BIN)

test-bins: $(TEST_BINS)

test: deps
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory test-bins
	@sh tests/run.sh $(TOBJ_DIR)

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

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SYSCONFDIR)/gateway
	install -m 0755 bin/gatewayd bin/gatewayctl $(DESTDIR)$(PREFIX)/bin/
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/gateway/gateway.conf ]; then \
		echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/gateway/gateway.conf"; \
	else \
		install -m 0640 config/gateway.conf.example $(DESTDIR)$(SYSCONFDIR)/gateway/gateway.conf; \
	fi

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
