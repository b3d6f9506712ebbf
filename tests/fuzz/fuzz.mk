# SPDX-License-Identifier: GPL-2.0-or-later
# tests/fuzz/fuzz.mk - fuzzing and sanitizer builds, included by the
# top Makefile (it uses its B, SRCS, NSRUN_CFLAGS, MNL_CFLAGS, MNL_LIBS).
#
#   make fuzz-replay   each harness built with $(CC) and replay.c, run once
#                      over its corpus (tests/fuzz/corpus/TARGET/); quick
#   make fuzz          each harness built with clang's libFuzzer, ASan and
#                      UBSan, run FUZZ_SECONDS (default 20) per target
#   make asan          unit tests and nsrun built with ASan and UBSan into
#                      $(B)/asan/; the unit tests and corpus replays run;
#                      NSRUN=$(B)/asan/nsrun runs the integration tests
#                      with it
#
# Every check prints "ok - ..." or "not ok - ..." (tests/run.sh counts
# them); each target fails if any check failed.

FUZZ_TARGETS := publish publish6 cidr words record resolv cmdline json netspec

# What each harness links besides itself; cmdline also gets options.c,
# built with -Dexit=fuzz_exit (see tests/fuzz/stub.c).
FUZZ_SRCS_publish := parse.c
FUZZ_SRCS_publish6 := parse.c parse6.c
FUZZ_SRCS_cidr    := parse.c
FUZZ_SRCS_words   := parse.c
FUZZ_SRCS_record  := record.c parse.c
FUZZ_SRCS_resolv  := etc.c parse.c
FUZZ_SRCS_cmdline := parse.c parse6.c capset.c netspec.c lanopts.c opts6.c \
		     tests/fuzz/stub.c
FUZZ_SRCS_json    := $(JSON_SRCS)
FUZZ_SRCS_netspec := netspec.c parse.c

FUZZ_DIR  := tests/fuzz
FUZZ_DEPS := $(wildcard $(FUZZ_DIR)/*.h *.h */*.h)

FUZZ_CC      ?= clang
FUZZ_CFLAGS  ?= -O1 -g
FUZZ_SECONDS ?= 20
FUZZ_JOBS    ?= $(shell nproc 2>/dev/null || echo 1)
# Extra libFuzzer flags, e.g. FUZZ_ARGS=-max_len=256
FUZZ_ARGS    ?=

SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	     -fno-sanitize-recover=all
# Sanitizer reports stop the program and show where.
SAN_ENV := ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 \
	   UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

FUZZ_INC := $(NSRUN_CFLAGS) $(MNL_CFLAGS) -I. -I$(FUZZ_DIR) $(CPPFLAGS)

# Three builds of the harnesses; for each, its directory, compiler,
# compile flags and link flags.
FZ_REPLAY  := $(B)/fuzz/replay
FZ_LIBFUZZ := $(B)/fuzz/libfuzzer
FZ_ASAN    := $(B)/asan/fuzz

FZ_REPLAY_CC       = $(CC)
FZ_REPLAY_FLAGS    = $(FUZZ_INC) $(CFLAGS)
FZ_REPLAY_LDFLAGS  = $(LDFLAGS)
FZ_LIBFUZZ_CC      = $(FUZZ_CC)
FZ_LIBFUZZ_FLAGS   = $(FUZZ_INC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		     $(SAN_FLAGS)
FZ_LIBFUZZ_LDFLAGS = -fsanitize=fuzzer $(SAN_FLAGS)
FZ_ASAN_CC         = $(CC)
FZ_ASAN_FLAGS      = $(FUZZ_INC) $(CFLAGS) $(SAN_FLAGS)
FZ_ASAN_LDFLAGS    = $(LDFLAGS) $(SAN_FLAGS)

# fuzz_build BUILD DRIVER TARGET: the rule for one harness in one build;
# DRIVER is replay.c, or nothing when libFuzzer provides main().
define fuzz_build
$$($(1))/fuzz_$(3): $(FUZZ_DIR)/fuzz_$(3).c $(FUZZ_SRCS_$(3)) $(2) \
		$(if $(filter cmdline,$(3)),$$($(1))/options.o) $(FUZZ_DEPS)
	@mkdir -p $$(dir $$@)
	$$($(1)_CC) $$($(1)_FLAGS) $$($(1)_LDFLAGS) -o $$@ \
		$$(filter %.c %.o,$$^)
endef

# fuzz_options BUILD: options.c for the cmdline harness in that build.
define fuzz_options
$$($(1))/options.o: options.c $(FUZZ_DIR)/stub.h $(FUZZ_DEPS)
	@mkdir -p $$(dir $$@)
	$$($(1)_CC) $$($(1)_FLAGS) -Dexit=fuzz_exit -c -o $$@ options.c
endef

$(foreach t,$(FUZZ_TARGETS),\
	$(eval $(call fuzz_build,FZ_REPLAY,$(FUZZ_DIR)/replay.c,$(t)))\
	$(eval $(call fuzz_build,FZ_LIBFUZZ,,$(t)))\
	$(eval $(call fuzz_build,FZ_ASAN,$(FUZZ_DIR)/replay.c,$(t))))
$(foreach b,FZ_REPLAY FZ_LIBFUZZ FZ_ASAN,$(eval $(call fuzz_options,$(b))))

FUZZ_REPLAY_BINS := $(FUZZ_TARGETS:%=$(FZ_REPLAY)/fuzz_%)
FUZZ_BINS        := $(FUZZ_TARGETS:%=$(FZ_LIBFUZZ)/fuzz_%)
FUZZ_ASAN_BINS   := $(FUZZ_TARGETS:%=$(FZ_ASAN)/fuzz_%)

fuzz-replay: $(FUZZ_REPLAY_BINS)
	@$(FUZZ_DIR)/run_replay.sh $(FZ_REPLAY) $(FUZZ_TARGETS)

fuzz: $(FUZZ_BINS)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) \
		FUZZ_ARGS='$(FUZZ_ARGS)' FUZZ_WORK=$(B)/fuzz/work \
		$(FUZZ_DIR)/run_fuzz.sh $(FZ_LIBFUZZ) $(FUZZ_TARGETS)

# The unit tests and the objects of nsrun are built by the top Makefile's
# own rules, in $(B)/asan instead of $(B), with the sanitizers appended
# to the user's CFLAGS and LDFLAGS. $(B)/asan/nsrun also links
# asan_options.c: no leak check at exit (see there), so the integration
# tests can run it (NSRUN=$(B)/asan/nsrun tests/run.sh).
ASAN_B    := $(B)/asan
ASAN_OBJS := $(SRCS:%.c=$(ASAN_B)/glibc/%.o)

asan-build:
	@echo "building the unit tests and nsrun's objects in $(ASAN_B)"
	@$(MAKE) -s --no-print-directory B=$(ASAN_B) \
		CFLAGS="$(CFLAGS) $(SAN_FLAGS)" \
		LDFLAGS="$(LDFLAGS) $(SAN_FLAGS)" unit $(ASAN_OBJS)
	$(CC) $(NSRUN_CFLAGS) $(CFLAGS) $(LDFLAGS) $(SAN_FLAGS) \
		-o $(ASAN_B)/nsrun $(ASAN_OBJS) $(FUZZ_DIR)/asan_options.c \
		$(MNL_LIBS) $(LDLIBS)

asan: asan-build $(FUZZ_ASAN_BINS)
	@$(SAN_ENV) $(FUZZ_DIR)/run_asan.sh $(ASAN_B)/tests $(FZ_ASAN) \
		$(FUZZ_TARGETS)

.PHONY: fuzz-replay fuzz asan asan-build
