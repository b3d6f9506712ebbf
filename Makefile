# SPDX-License-Identifier: GPL-2.0-or-later
# nsrun - run a command in its own network, with published ports.
#
#   make            nsrun, dynamic, system compiler, libmnl from pkg-config
#   make static     fully static with musl-gcc and a static libmnl
#   make check      build and run every test (needs root for integration)
#   make install    binary and man page under $(DESTDIR)$(PREFIX)
#   make deps       install the Debian packages needed to build and test
#   make demo       a web server in a sandbox, fetched from the host

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config
MUSL_CC    ?= musl-gcc
CFLAGS     ?= -O2 -g

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wvla
NSRUN_CFLAGS := -std=gnu11 -D_GNU_SOURCE -DNSRUN_VERSION='"$(VERSION)"' $(WARN)
ifdef WERROR
NSRUN_CFLAGS += -Werror
endif

MNL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libmnl 2>/dev/null)
MNL_LIBS   := $(shell $(PKG_CONFIG) --libs libmnl 2>/dev/null || echo -lmnl)

# Pure code (no I/O): unit-tested and fuzzed on its own.
PARSE_SRCS := parse.c record.c etc.c capset.c
NAT_SRCS   := nat/nat.c nat/ports.c nat/guard.c nat/rule.c nat/expr.c
LIB_SRCS   := nl.c netsetup/link.c netsetup/addr.c netsetup/sysctl.c \
	      netsetup/arp.c \
	      $(NAT_SRCS) nat/list.c nat/fwcompat.c nat/fwparse.c nat/ct.c
APP_SRCS   := nsrun.c options.c launch.c bridge.c hostports.c sandboxes.c \
	      firewall.c leftovers.c child.c init.c process.c ps.c log.c
SRCS       := $(APP_SRCS) $(PARSE_SRCS) $(LIB_SRCS)

B := build
OBJS      := $(SRCS:%.c=$(B)/glibc/%.o)
MUSL_OBJS := $(SRCS:%.c=$(B)/musl/%.o)

# Unit tests: tests/unit/test_NAME.c linked with UNIT_SRCS_NAME.
UNIT_TARGETS := parse record etc netsetup nat fwcompat ct
UNIT_SRCS_parse    := parse.c
UNIT_SRCS_record   := record.c parse.c
UNIT_SRCS_etc      := etc.c
UNIT_SRCS_netsetup := nl.c netsetup/link.c netsetup/addr.c netsetup/sysctl.c \
		      netsetup/arp.c
UNIT_SRCS_nat      := nl.c $(NAT_SRCS) nat/list.c
UNIT_SRCS_fwcompat := nl.c nat/fwcompat.c nat/fwparse.c nat/expr.c
UNIT_SRCS_ct       := nl.c nat/ct.c
UNIT_TESTS := $(UNIT_TARGETS:%=$(B)/tests/test_%)

.DEFAULT_GOAL := all

# Fuzzing and sanitizer builds: fuzz-replay, fuzz, asan.
include tests/fuzz/fuzz.mk

all: nsrun

nsrun: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(MNL_LIBS) $(LDLIBS)

$(B)/glibc/%.o: %.c $(wildcard *.h */*.h)
	@mkdir -p $(dir $@)
	$(CC) $(NSRUN_CFLAGS) $(MNL_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# --- musl: kernel and libmnl headers are linked into a private include
# directory because musl-gcc does not search /usr/include.
ARCH_ASM := $(firstword $(wildcard /usr/include/$(shell $(CC) -dumpmachine)/asm) /usr/include/asm)
MUSL_INC := $(B)/musl-include

$(MUSL_INC)/.stamp:
	@mkdir -p $(MUSL_INC)
	ln -sfn /usr/include/linux $(MUSL_INC)/linux
	ln -sfn /usr/include/asm-generic $(MUSL_INC)/asm-generic
	ln -sfn $(ARCH_ASM) $(MUSL_INC)/asm
	ln -sfn /usr/include/libmnl $(MUSL_INC)/libmnl
	@touch $@

$(B)/musl/%.o: %.c $(wildcard *.h */*.h) $(MUSL_INC)/.stamp
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(NSRUN_CFLAGS) -isystem $(MUSL_INC) $(STATIC_MNL_CFLAGS) \
		$(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Every object must compile warning-free with musl (CI runs this).
musl-check: NSRUN_CFLAGS += -Werror
musl-check: $(MUSL_OBJS)
	@echo "musl-check: $(words $(MUSL_OBJS)) objects compiled with $(MUSL_CC)"

# A static libmnl for musl: LIBMNL_DIR=/prefix (include/ and lib/ below
# it) or a pkg-config file in PKG_CONFIG_PATH that points to libmnl.a.
ifdef LIBMNL_DIR
STATIC_MNL_CFLAGS := -I$(LIBMNL_DIR)/include
STATIC_MNL_A      := $(wildcard $(LIBMNL_DIR)/lib/libmnl.a)
else
STATIC_MNL_A := $(wildcard $(patsubst -L%,%/libmnl.a,$(filter -L%,\
	$(shell $(PKG_CONFIG) --static --libs-only-L libmnl 2>/dev/null))))
endif

static: $(MUSL_OBJS)
ifeq ($(STATIC_MNL_A),)
	@echo "nsrun: make static needs a static libmnl built for musl (libmnl.a)." >&2
	@echo "  Debian packages only a shared, glibc libmnl. Build libmnl with" >&2
	@echo "  CC=$(MUSL_CC) ./configure --enable-static --prefix=DIR && make install," >&2
	@echo "  then run: make static LIBMNL_DIR=DIR" >&2
	@exit 1
else
	$(MUSL_CC) -static $(LDFLAGS) -o nsrun-static $(MUSL_OBJS) $(STATIC_MNL_A) $(LDLIBS)
	@echo "built nsrun-static"
endif

# --- tests
TEST_CFLAGS = $(NSRUN_CFLAGS) $(MNL_CFLAGS) -I. $(CPPFLAGS) $(CFLAGS)

UNIT_DEPS := $(wildcard *.h */*.h tests/unit/*.h)

# unit_build NAME: the rule for one unit test.
define unit_build
$$(B)/tests/test_$(1): tests/unit/test_$(1).c $$(UNIT_SRCS_$(1)) $$(UNIT_DEPS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(TEST_CFLAGS) $$(LDFLAGS) -o $$@ $$(filter %.c,$$^) \
		$$(MNL_LIBS)
endef
$(foreach t,$(UNIT_TARGETS),$(eval $(call unit_build,$(t))))

unit: $(UNIT_TESTS)

check: nsrun unit $(FUZZ_REPLAY_BINS)
	tests/run.sh

# Debian/Ubuntu packages for building, testing and the demo.
DEPS := build-essential pkg-config libmnl-dev musl-tools nftables iptables \
	iproute2 socat curl jq iputils-ping python3 procps kmod clang iperf3 \
	man-db

deps:
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y $(DEPS)

demo: nsrun
	examples/demo.sh

install: nsrun
	install -D -m 0755 nsrun $(DESTDIR)$(BINDIR)/nsrun
	install -D -m 0644 nsrun.1 $(DESTDIR)$(MANDIR)/man1/nsrun.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nsrun $(DESTDIR)$(MANDIR)/man1/nsrun.1

clean:
	rm -rf $(B) nsrun nsrun-static

.PHONY: all static musl-check unit check deps demo install uninstall clean
