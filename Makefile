# SPDX-License-Identifier: GPL-2.0-or-later
# nsrun - run a command in its own network, with published ports.
#
#   make            nsrun, dynamic, system compiler, libmnl from pkg-config
#   make static     ./nsrun-static: fully static, musl, stripped, small;
#                   LIBMNL_SRC=libmnl-1.0.4.tar.bz2 builds its libmnl
#   make check      build and run every test (needs root for integration)
#   make install    binary and man page under $(DESTDIR)$(PREFIX)
#   make install-static   the same with nsrun-static as nsrun
#   make deps       install the Debian packages needed to build and test
#   make demo       a web server in a sandbox, fetched from the host

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config
CC_MACHINE := $(shell $(CC) -dumpmachine 2>/dev/null)
# Debian's musl-gcc wrapper, or CC itself when it targets musl (Alpine's
# gcc, a cross <arch>-linux-musl-gcc).
MUSL_CC    ?= $(if $(findstring -musl,$(CC_MACHINE)),$(CC),musl-gcc)
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
PARSE_SRCS := parse.c parse6.c record.c etc.c capset.c
NAT_SRCS   := nat/nat.c nat/shared.c nat/ports.c nat/keep.c nat/guard.c \
	      nat/rule.c nat/expr.c nat/guard6.c nat/shared6.c nat/ports6.c \
	      nat/cursor.c
LIB_SRCS   := nl.c netsetup/link.c netsetup/linkinfo.c netsetup/netconf.c \
	      netsetup/veth.c netsetup/addr.c netsetup/sysctl.c netsetup/arp.c netsetup/mac.c \
	      $(NAT_SRCS) nat/list.c nat/fwcompat.c nat/fwparse.c \
	      nat/ct.c
# The JSON reader and writer of the CNI plugin.
JSON_SRCS  := json_string.c json_parse.c json_get.c json_write.c
CNI_SRCS   := cni.c cni_conf.c cni_err.c cni_attach.c cni_sweep.c cni_netns.c
APP_SRCS   := nsrun.c options.c launch.c launch_renew.c launch_end.c bridge.c \
	      hostports.c sandboxes.c addrs.c \
	      firewall.c leftovers.c child.c init.c process.c ps.c log.c lan.c \
	      lanopts.c keeper.c $(CNI_SRCS)
# macvlan and ipvlan links, the --net parser and the LAN guard, for
# --net macvlan:PARENT and ipvlan:PARENT.
MACVLAN_SRCS := netsetup/macvlan.c netspec.c nat/languard.c
# Dual stack (issue 14), on request (--ipv6): the IPv6 options, the
# bridge's prefix, eth0's address and route, and the [::1] relay run by
# the poll loop that waits for the command (NAT66 and the guard's IPv6
# part are in NAT_SRCS).
V6_SRCS    := netsetup/addr6.c relay.c relay_conn.c waitloop.c opts6.c \
	      bridge6.c launch6.c
SRCS       := $(APP_SRCS) $(PARSE_SRCS) $(JSON_SRCS) $(LIB_SRCS) \
	      $(MACVLAN_SRCS) $(V6_SRCS)

B := build
OBJS      := $(SRCS:%.c=$(B)/glibc/%.o)
MUSL_OBJS := $(SRCS:%.c=$(B)/musl/%.o)
MUSL_CHECK_OBJS := $(MUSL_OBJS)

# Unit tests: tests/unit/test_NAME.c linked with UNIT_SRCS_NAME.
UNIT_TARGETS := parse parse6 record etc netsetup nat shared shared6 fwcompat \
		ct json json_cni json_write macvlan languard addr6 waitloop
UNIT_SRCS_parse    := parse.c parse6.c
UNIT_SRCS_parse6   := parse.c parse6.c
UNIT_SRCS_record   := record.c parse.c
UNIT_SRCS_etc      := etc.c
UNIT_SRCS_netsetup := nl.c netsetup/link.c netsetup/linkinfo.c \
		      netsetup/netconf.c netsetup/veth.c netsetup/addr.c \
		      netsetup/sysctl.c netsetup/arp.c netsetup/mac.c
UNIT_SRCS_nat      := nl.c $(NAT_SRCS) nat/list.c
UNIT_SRCS_shared   := nl.c $(NAT_SRCS) nat/list.c
UNIT_SRCS_shared6  := nl.c $(NAT_SRCS) nat/list.c
UNIT_SRCS_fwcompat := nl.c nat/fwcompat.c nat/fwparse.c nat/expr.c
UNIT_SRCS_ct       := nl.c nat/ct.c
UNIT_SRCS_json     := $(JSON_SRCS)
UNIT_SRCS_json_cni := $(JSON_SRCS)
UNIT_SRCS_json_write := $(JSON_SRCS)
UNIT_SRCS_macvlan  := nl.c netsetup/macvlan.c netspec.c parse.c parse6.c
UNIT_SRCS_languard := nl.c nat/languard.c nat/rule.c nat/expr.c
UNIT_SRCS_addr6    := nl.c netsetup/addr6.c netsetup/sysctl.c
UNIT_SRCS_waitloop := waitloop.c relay.c relay_conn.c
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
# directory because musl-gcc does not search /usr/include. A musl
# toolchain that finds kernel headers by itself (Alpine's gcc, a cross
# <arch>-linux-musl-gcc) keeps its own: only libmnl's is linked then.
ARCH_ASM := $(firstword $(wildcard /usr/include/$(CC_MACHINE)/asm) \
	/usr/include/asm)
MUSL_INC := $(B)/musl-include

$(MUSL_INC)/.stamp:
	@mkdir -p $(MUSL_INC)
	@if echo '#include <linux/netlink.h>' | \
		$(MUSL_CC) -E -x c - >/dev/null 2>&1; then \
		echo "$(MUSL_CC) has its own kernel headers"; \
	else \
		set -x; \
		ln -sfn /usr/include/linux $(MUSL_INC)/linux; \
		ln -sfn /usr/include/asm-generic $(MUSL_INC)/asm-generic; \
		ln -sfn $(ARCH_ASM) $(MUSL_INC)/asm; \
	fi
	ln -sfn /usr/include/libmnl $(MUSL_INC)/libmnl
	@touch $@

$(B)/musl/%.o: %.c $(wildcard *.h */*.h) $(MUSL_INC)/.stamp
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(NSRUN_CFLAGS) -isystem $(MUSL_INC) $(STATIC_MNL_CFLAGS) \
		$(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Every object must compile warning-free with musl (CI runs this).
musl-check: NSRUN_CFLAGS += -Werror
musl-check: $(MUSL_CHECK_OBJS)
	@echo "musl-check: $(words $(MUSL_CHECK_OBJS)) objects compiled with $(MUSL_CC)"

# --- static: nsrun-static, fully static with $(MUSL_CC), optimised for
# size and stripped. Its objects are built apart from musl-check's, in
# $(B)/static/, with STATIC_CFLAGS after CFLAGS (so -Os wins over -O2).
STATIC_CFLAGS  ?= -Os -ffunction-sections -fdata-sections \
		  -fno-asynchronous-unwind-tables -fno-unwind-tables
STATIC_LDFLAGS ?= -Wl,--gc-sections -s
STATIC_OBJS    := $(SRCS:%.c=$(B)/static/%.o)

# It links a libmnl.a built for musl, from the first of:
#   LIBMNL_SRC=PATH  libmnl's source, a tarball or a directory: unpacked
#                    (or copied) into $(B)/libmnl-musl/ and built there,
#                    its four sources with $(MUSL_CC) and $(AR), no
#                    autotools; the source tree is left as it is
#   LIBMNL_DIR=DIR   an installed one: DIR/include, DIR/lib/libmnl.a
#   pkg-config       a libmnl.pc whose -L or libdir holds libmnl.a
MNL_B := $(B)/libmnl-musl
ifdef LIBMNL_SRC
STATIC_MNL_CFLAGS := -I$(MNL_B)/include
STATIC_MNL_A      := $(MNL_B)/libmnl.a
STATIC_MNL_DEP    := $(MNL_B)/.unpacked
# Unpacked again when LIBMNL_SRC names another source than last time.
ifneq ($(shell cat $(MNL_B)/.unpacked 2>/dev/null),$(abspath $(LIBMNL_SRC)))
.PHONY: $(MNL_B)/.unpacked
endif
else ifdef LIBMNL_DIR
STATIC_MNL_CFLAGS := -I$(LIBMNL_DIR)/include
STATIC_MNL_A      := $(wildcard $(LIBMNL_DIR)/lib/libmnl.a)
else
STATIC_MNL_CFLAGS := $(shell $(PKG_CONFIG) --cflags-only-I libmnl 2>/dev/null)
STATIC_MNL_A := $(firstword $(wildcard $(addsuffix /libmnl.a,\
	$(patsubst -L%,%,$(filter -L%,$(shell $(PKG_CONFIG) --static \
		--libs-only-L libmnl 2>/dev/null))) \
	$(shell $(PKG_CONFIG) --variable=libdir libmnl 2>/dev/null))))
endif

MNL_OBJS := $(patsubst %,$(MNL_B)/%.o,attr callback nlmsg socket)

# The source, unpacked afresh, with the config.h that libmnl's configure
# writes for gcc (its EXPORT_SYMBOL needs HAVE_VISIBILITY_HIDDEN) and
# libmnl.h alone in include/ (its bundled linux/*.h stay out of the way).
$(MNL_B)/.unpacked: $(wildcard $(LIBMNL_SRC))
	@[ -e '$(LIBMNL_SRC)' ] || { echo "nsrun: LIBMNL_SRC=$(LIBMNL_SRC):" \
		"no such file or directory" >&2; exit 1; }
	rm -rf $(MNL_B) && mkdir -p $(MNL_B)/tree $(MNL_B)/include/libmnl
	if [ -d '$(LIBMNL_SRC)' ]; then \
		cp -R '$(LIBMNL_SRC)/src' '$(LIBMNL_SRC)/include' $(MNL_B)/tree/; \
	else \
		tar -xf '$(LIBMNL_SRC)' -C $(MNL_B)/tree --strip-components=1; \
	fi
	@[ -f $(MNL_B)/tree/src/attr.c ] && \
	[ -f $(MNL_B)/tree/include/libmnl/libmnl.h ] || { \
		echo "nsrun: LIBMNL_SRC=$(LIBMNL_SRC): no libmnl source" \
			"(src/attr.c, include/libmnl/libmnl.h) in it" >&2; exit 1; }
	cp $(MNL_B)/tree/include/libmnl/libmnl.h $(MNL_B)/include/libmnl/
	echo '#define HAVE_VISIBILITY_HIDDEN 1' >$(MNL_B)/config.h
	@echo '$(abspath $(LIBMNL_SRC))' >$@

$(MNL_OBJS): $(MNL_B)/%.o: $(MNL_B)/.unpacked $(MUSL_INC)/.stamp
	$(MUSL_CC) -D_GNU_SOURCE -isystem $(MUSL_INC) -I$(MNL_B) \
		-I$(MNL_B)/include $(CPPFLAGS) $(CFLAGS) $(STATIC_CFLAGS) \
		-c -o $@ $(MNL_B)/tree/src/$*.c

$(MNL_B)/libmnl.a: $(MNL_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/static/%.o: %.c $(wildcard *.h */*.h) $(MUSL_INC)/.stamp $(STATIC_MNL_DEP)
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(NSRUN_CFLAGS) -isystem $(MUSL_INC) $(STATIC_MNL_CFLAGS) \
		$(CPPFLAGS) $(CFLAGS) $(STATIC_CFLAGS) -c -o $@ $<

ifeq ($(STATIC_MNL_A),)
static nsrun-static:
	@echo "nsrun: make static needs libmnl built for musl (libmnl.a)." >&2
	$(if $(LIBMNL_DIR),@echo "  LIBMNL_DIR=$(LIBMNL_DIR):" \
		"no lib/libmnl.a in it." >&2)
	@echo "  Debian packages only a shared, glibc libmnl. Give one of:" >&2
	@echo "    LIBMNL_SRC=PATH  libmnl's source (tarball or directory), built" >&2
	@echo "                     here under $(B)/ with $(MUSL_CC)" >&2
	@echo "    LIBMNL_DIR=DIR   a libmnl installed for musl: DIR/include and" >&2
	@echo "                     DIR/lib/libmnl.a (CC=$(MUSL_CC) ./configure" >&2
	@echo "                     --enable-static --prefix=DIR; make install)" >&2
	@echo "    pkg-config       a libmnl.pc (PKG_CONFIG_PATH) whose libdir has" >&2
	@echo "                     libmnl.a, as Alpine's libmnl-static gives" >&2
	@echo "  e.g. make static LIBMNL_SRC=libmnl-1.0.4.tar.bz2" >&2
	@exit 1
else
static: nsrun-static
	@echo "nsrun-static: $$(wc -c <nsrun-static) bytes, stripped," \
		"$(MUSL_CC) $(STATIC_CFLAGS)"

nsrun-static: $(STATIC_OBJS) $(STATIC_MNL_A)
	$(MUSL_CC) -static $(LDFLAGS) $(STATIC_LDFLAGS) -o $@ $(STATIC_OBJS) \
		$(STATIC_MNL_A) $(LDLIBS)
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

# Not part of the suite: tests/tools/mv-check.sh drives it, as root, in
# throwaway namespaces.
$(B)/tools/mvprobe: tests/tools/mvprobe.c nl.c netsetup/link.c \
		netsetup/linkinfo.c netsetup/veth.c netsetup/macvlan.c netspec.c parse.c $(UNIT_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) $(MNL_LIBS)

# Built for the suite and the benchmarks: tests/integration/test_addr6.sh,
# test_relay.sh and bench/scale.sh run them as root, in throwaway
# namespaces.
TOOLS := $(B)/tools/v6probe $(B)/tools/relaytest $(B)/tools/floor
$(B)/tools/v6probe: tests/tools/v6probe.c nl.c netsetup/addr6.c \
		netsetup/sysctl.c $(UNIT_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) $(MNL_LIBS)

# bench/scale.sh's reference: the kernel's share of a launch.
$(B)/tools/floor: tests/tools/floor.c nl.c netsetup/link.c \
		netsetup/linkinfo.c netsetup/veth.c netsetup/addr.c $(UNIT_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) $(MNL_LIBS)

$(B)/tools/relaytest: tests/tools/relaytest.c tests/tools/relayclient.c \
		relay.c relay_conn.c waitloop.c $(UNIT_DEPS) \
		tests/tools/relaytest.h
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^)

unit: $(UNIT_TESTS)

tools: $(TOOLS)

check: nsrun unit tools $(FUZZ_REPLAY_BINS)
	tests/run.sh

# Debian/Ubuntu packages for building, testing and the demo.
# podman, runc and busybox-static: the CNI plugin end to end (a busybox
# root file system, no image); containernetworking-plugins: the reference
# CNI plugins bench/cni.sh measures against.
DEPS := build-essential pkg-config libmnl-dev musl-tools nftables iptables \
	iproute2 socat curl jq iputils-ping python3 procps kmod clang iperf3 \
	man-db podman runc busybox-static containernetworking-plugins

deps:
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y $(DEPS)

demo: nsrun
	examples/demo.sh

install: nsrun
	install -D -m 0755 nsrun $(DESTDIR)$(BINDIR)/nsrun
	install -D -m 0644 nsrun.1 $(DESTDIR)$(MANDIR)/man1/nsrun.1

# nsrun-static, installed under the name nsrun.
install-static: nsrun-static
	install -D -m 0755 nsrun-static $(DESTDIR)$(BINDIR)/nsrun
	install -D -m 0644 nsrun.1 $(DESTDIR)$(MANDIR)/man1/nsrun.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nsrun $(DESTDIR)$(MANDIR)/man1/nsrun.1

clean:
	rm -rf $(B) nsrun nsrun-static

.PHONY: all static musl-check unit tools check deps demo install install-static \
	uninstall clean
