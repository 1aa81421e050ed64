# SPDX-License-Identifier: MIT
# Toro top-level build. `make` builds libtoro.a and every example; `make run`
# boots examples/webserver; `make test` builds everything and runs every test.
# Each directory lists its sources in a Makefile.inc (KERNEL_SRCS for code
# built without FPU/SSE); libc/Makefile.inc builds the C library, musl.

include config.mk

.DEFAULT_GOAL := all

KERNEL_SRCS :=
BOOT_ONCE_SRCS :=
COLD_SRCS :=
UNIT_SRCS :=
include arch/x86_64/Makefile.inc
include kernel/Makefile.inc
include lib/Makefile.inc
include drivers/Makefile.inc
include fs/Makefile.inc
include net/Makefile.inc
include sys/Makefile.inc
include libc/Makefile.inc
include tests/unit/Makefile.inc
include tests/fuzz/Makefile.inc

HOST_TOOLS := $(BUILD)/host/tsc_khz $(BUILD)/host/toro-vsock

obj = $(patsubst %,$(BUILD)/obj/%.o,$(1))
KERNEL_OBJS := $(call obj,$(KERNEL_SRCS))
LIBTORO := $(BUILD)/libtoro.a
# The same with the IPv4-only network stack (net/Makefile.inc).
LIBTORO_IPV4 := $(BUILD)/libtoro-ipv4.a

.PHONY: all lib examples tests-build run test clean deps app
all: lib examples $(HOST_TOOLS)

lib: $(LIBTORO)

# Set-up a fresh Debian machine needs (packages); a stamp keeps it to once.
DEPS_STAMP := $(BUILD)/.deps-ok
deps: $(DEPS_STAMP)
$(DEPS_STAMP): tools/deps.sh
	$(Q)tools/deps.sh
	$(Q)mkdir -p $(@D) && touch $@

# Every target object needs musl's headers installed first.
TARGET_PREREQ := $(DEPS_STAMP) $(MUSL_INC_STAMP)

# Flags live in config.mk and the Makefiles: changing them rebuilds.
$(KERNEL_OBJS): config.mk Makefile $(wildcard */Makefile.inc */*/Makefile.inc)
$(KERNEL_OBJS): FLAGS := $(KERNEL_CFLAGS)
# Code that runs once, or seldom and off the paths that carry data, is
# built for size (lists in the directories' Makefile.inc); the last
# assignment wins.
$(call obj,$(BOOT_ONCE_SRCS) $(COLD_SRCS)): FLAGS := $(KERNEL_CFLAGS) -Os

$(BUILD)/obj/%.c.o: %.c | $(TARGET_PREREQ)
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D) && $(KEEP_WARNINGS) $(CC) $(FLAGS) -c $< -o $@

$(BUILD)/obj/%.S.o: %.S | $(TARGET_PREREQ)
	$(call msg,AS,$<)
	$(Q)mkdir -p $(@D) && $(KEEP_WARNINGS) $(CC) $(ASFLAGS) -c $< -o $@

# Archive order matters where two members define a symbol: Toro's libc/
# files come before musl's, so the linker takes theirs (pthread_create
# over musl's weak alias).
# Every member but musl's own (the kernel, lwIP, libc/*.c and the string
# functions the kernel shares with the program) goes in as NAME.k.o, a
# hard link (or a copy, across file systems) under $@.k named after its
# path: the link script gathers their text into one range, which tells
# an interrupt whether it arrived in the kernel (kernel_text_has(),
# arch/x86_64/kernel.ld). The lists go through files: they are too long
# for one command line.
define newline


endef
PROGRAM_SIDE_OBJS = $(filter-out $(MUSL_KERNEL_SAFE),$(MUSL_OBJS))
kernel_member = $(2).k/$(subst /,+,$(patsubst $(BUILD)/%,%,$(1))).k.o
kernel_links = $(foreach o,$(filter-out $(PROGRAM_SIDE_OBJS),$(1)),\
	$(o) $(call kernel_member,$(o),$(2))$(newline))
archive_members = $(foreach o,$(1),$(if $(filter $(o),$(PROGRAM_SIDE_OBJS)),\
	$(o),$(call kernel_member,$(o),$(2))))
$(LIBTORO) $(LIBTORO_IPV4): $(KERNEL_OBJS) $(LIBC_PORT_OBJS) $(MUSL_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -rf $@ $@.k && mkdir $@.k
	$(file >$@.links,$(call kernel_links,$^,$@))
	$(file >$@.members,$(call archive_members,$^,$@))
	$(Q)while read -r o k; do ln -f "$$o" "$$k" 2>/dev/null || \
		cp -f "$$o" "$$k" || exit 1; done <$@.links
	$(Q)$(AR) rcs $@ @$@.members

# Layers call only downward (../shared/design/ARCHITECTURE.md): the kernel
# may use musl's string functions and nothing else of the C library; fs/
# and net/ never call the system-call layer. tools/check_layers.py reads
# the objects' symbols; `make test` runs it.
layer_objs = $(filter $(addprefix $(BUILD)/obj/,$(1)),$(KERNEL_OBJS) \
	$(LWIP_OBJS) $(NET_OBJS))
LAYERS := klibc core drivers fs_net sys libc
LAYER_klibc := $(MUSL_KERNEL_SAFE)
LAYER_core := $(call layer_objs,arch/% kernel/% lib/%)
LAYER_drivers := $(call layer_objs,drivers/%)
LAYER_fs_net := $(call layer_objs,fs/% net/% lwip/%)
LAYER_sys := $(call layer_objs,sys/%)
LAYER_libc := $(LIBC_PORT_OBJS) $(filter-out $(MUSL_KERNEL_SAFE),$(MUSL_OBJS))
.PHONY: check-layers
check-layers: $(LIBTORO)
	$(foreach l,$(LAYERS),$(file >$(BUILD)/layer-$(l),$(LAYER_$(l))))
	$(Q)$(PYTHON) tools/check_layers.py --nm '$(NM)' \
		$(foreach l,$(LAYERS),$(l)=@$(BUILD)/layer-$(l))

# Link an application in two passes: the first without a symbol table, the
# second with one generated from the first. The table sits after everything
# else in the image, so no function moves between the passes (checked).
# tools/toro/link.py does it, for `toro cc` too.
# $(1): output ELF, $(2): application objects (and libraries, in link
# order), $(3): Toro's library if not libtoro.a. APP_LDFLAGS adds link
# flags (`toro profile` pulls the profiler in with -Wl,-u,profile_dump),
# APP_LDLIBS libraries after the objects (`toro build --ldlibs`).
define link_app
	$(call msg,LD,$(1))
	$(Q)mkdir -p $(dir $(1))
	$(Q)$(KEEP_WARNINGS) $(PYTHON) tools/toro/link.py --cc '$(CC)' --nm '$(NM)' \
		--ldflags '$(LDFLAGS) $(APP_LDFLAGS)' --asflags '$(ASFLAGS)' \
		--libs '$(or $(3),$(LIBTORO)) $(LIBGCC)' -o $(1) -- $(2) $(APP_LDLIBS)
endef

# An application: every .c file of a directory, linked with libtoro.
# $(1): name (object directory), $(2): source directory, $(3): output ELF,
# $(4): the library if not libtoro.a (the IPv4-only one).
define app_rules
$(1)_OBJS := $$(patsubst $(2)/%.c,$(BUILD)/app/$(1)/%.o,$$(wildcard $(2)/*.c))
$(BUILD)/app/$(1)/%.o: $(2)/%.c config.mk | $(TARGET_PREREQ)
	$$(call msg,CC,$$<)
	$(Q)mkdir -p $$(@D) && $$(KEEP_WARNINGS) $(CC) $(APP_CFLAGS) $$(APP_EXTRA_CFLAGS) \
		$$(APP_USER_CFLAGS) -c $$< -o $$@
$(3): $$($(1)_OBJS) $(or $(4),$(LIBTORO)) $(LDSCRIPT) tools/mksyms.py \
		tools/toro/link.py $$(filter %.a,$$(APP_LDLIBS))
	$$(call link_app,$$@,$$($(1)_OBJS),$(or $(4),$(LIBTORO)))
-include $$($(1)_OBJS:.o=.d)
endef

EXAMPLES := $(patsubst examples/%/,%,$(sort $(dir $(wildcard examples/*/*.c))))
EXAMPLE_ELFS := $(foreach e,$(EXAMPLES),$(BUILD)/$(e).elf)
$(foreach e,$(EXAMPLES),$(eval $(call app_rules,$(e),examples/$(e),$(BUILD)/$(e).elf)))
examples: $(EXAMPLE_ELFS)
# The web server with the IPv4-only stack: the size the issue of its
# budget (256 KiB) is checked on (tests/cli_checks.py).
$(eval $(call app_rules,webserver_ipv4,examples/webserver,$(BUILD)/webserver-ipv4.elf,$(LIBTORO_IPV4)))
examples: $(BUILD)/webserver-ipv4.elf
# Built for size: its start-up (options, listeners, workers) runs once,
# and the rest spends its time in the kernel's calls, where -O2 only
# unrolls loops (the request parser runs no more instructions at -Os).
WEB_SIZE_OBJS := main.o http_reply.o files.o mime.o conn.o file_cache.o \
	http_parse.o
$(addprefix $(BUILD)/app/webserver/,$(WEB_SIZE_OBJS)) \
$(addprefix $(BUILD)/app/webserver_ipv4/,$(WEB_SIZE_OBJS)): \
	APP_EXTRA_CFLAGS := -Os

# Guest test images: tests/kernel/*.c is one image of in-kernel test cases;
# every tests/sys/test_*/ directory is a small application of its own.
SYS_TESTS := $(patsubst tests/sys/%/,%,$(sort $(dir $(wildcard tests/sys/test_*/*.c))))
TEST_ELFS := $(BUILD)/tests/ktest.elf $(foreach t,$(SYS_TESTS),$(BUILD)/tests/$(t).elf)
$(eval $(call app_rules,ktest,tests/kernel,$(BUILD)/tests/ktest.elf))
$(foreach t,$(SYS_TESTS),$(eval $(call app_rules,$(t),tests/sys/$(t),$(BUILD)/tests/$(t).elf)))
tests-build: $(TEST_ELFS) $(UNIT_BIN)

# bench/ceiling: the least a guest can do to answer HTTP, over lwIP's raw
# API (bench/http.sh's ceiling). Built with the tests so that it keeps
# building.
CEILING_ELF := $(BUILD)/ceiling.elf
$(eval $(call app_rules,ceiling,bench/ceiling,$(CEILING_ELF)))
$(BUILD)/app/ceiling/%.o: APP_EXTRA_CFLAGS := $(NET_CFLAGS)
$(BUILD)/app/ceiling/main.o: | $(LWIP_STAMP)
tests-build: $(CEILING_ELF)

# bench/vsock: the Toro guest of bench/vsock.sh, a bulk transfer over
# AF_VSOCK or TCP. Built with the tests so that it keeps building.
VSOCKBENCH_ELF := $(BUILD)/vsockbench.elf
$(eval $(call app_rules,vsockbench,bench/vsock,$(VSOCKBENCH_ELF)))
tests-build: $(VSOCKBENCH_ELF)

# bench/soak: the echo server and file churn of bench/soak.py's long
# runs (and of its short version in make test).
SOAKGUEST_ELF := $(BUILD)/soakguest.elf
$(eval $(call app_rules,soakguest,bench/soak,$(SOAKGUEST_ELF)))
tests-build: $(SOAKGUEST_ELF)

# bench/storage: the Toro guest of bench/storage.sh (its ext2 rows have a
# quick run in make test, tests/cli_checks.py).
STORAGEBENCH_ELF := $(BUILD)/storagebench.elf
$(eval $(call app_rules,storagebench,bench/storage/toro,$(STORAGEBENCH_ELF)))
tests-build: $(STORAGEBENCH_ELF)

# The in-guest printf test compares with what the host's musl (Debian's
# musl-tools, the same 1.2.3) prints for the same calls, generated here.
PRINTF_GEN := $(BUILD)/tests/gen_printf_expected
$(PRINTF_GEN): tests/gen/printf_expected.c tests/kernel/printf_cases.h | $(TARGET_PREREQ)
	$(call msg,MUSLCC,$<)
	$(Q)mkdir -p $(@D) && $(KEEP_WARNINGS) musl-gcc -static -O1 -Wall \
		-Itests/kernel -o $@ $<
$(BUILD)/tests/printf_expected.h: $(PRINTF_GEN)
	$(call msg,GEN,$@)
	$(Q)$(PRINTF_GEN) > $@
$(BUILD)/app/ktest/test_printf.o: $(BUILD)/tests/printf_expected.h
# (lwIP's headers: test_netif_*.c drive the interface's checksum and
# segmentation offload.)
$(BUILD)/app/ktest/%.o: APP_EXTRA_CFLAGS := -I$(BUILD)/tests $(NET_CFLAGS)
$(BUILD)/app/ktest/test_netif_csum.o $(BUILD)/app/ktest/test_netif_tso.o: \
	| $(LWIP_STAMP)

# --- tests/libc: the C library's differential suite (tests/libc/check.h) ---
# Each tests/libc/GROUP/ becomes one guest image, build/tests/libc_GROUP.elf
# (part of tests-build, so both compilers build it warning-free), and one
# host binary linked with Debian's musl, build/libc-tests/host/libc_GROUP;
# driver.c learns the group's programs (one per file) from LIBC_TESTS.
LIBC_GROUPS := $(patsubst tests/libc/%/,%,$(sort $(dir $(wildcard tests/libc/*/*.c))))
LIBC_GUEST_ELFS := $(foreach g,$(LIBC_GROUPS),$(BUILD)/tests/libc_$(g).elf)
LIBC_HOST_BINS := $(foreach g,$(LIBC_GROUPS),$(BUILD)/libc-tests/host/libc_$(g))
MUSL_GCC ?= musl-gcc
LIBC_COMMON := tests/libc/driver.c tests/libc/driver_setup.h tests/libc/check.h
# The same code on both sides, and libm really called: no builtins the
# compiler would fold at build time, no contraction into FMAs.
LIBC_TEST_CFLAGS := -fno-builtin -ffp-contract=off -Itests/libc
libc_srcs = $(sort $(wildcard tests/libc/$(1)/*.c))
libc_names = $(basename $(notdir $(call libc_srcs,$(1))))
libc_list = -D'LIBC_TESTS=$(foreach n,$(call libc_names,$(1)),X($(n)))'

define libc_group_rules
libc_$(1)_OBJS := $$(patsubst tests/libc/$(1)/%.c,$(BUILD)/libc-tests/$(1)/%.o,\
	$$(call libc_srcs,$(1))) $(BUILD)/libc-tests/$(1)/driver.o
$(BUILD)/libc-tests/$(1)/%.o: tests/libc/$(1)/%.c tests/libc/check.h config.mk \
		| $(TARGET_PREREQ)
	$$(call msg,CC,$$<)
	$(Q)mkdir -p $$(@D) && $$(KEEP_WARNINGS) $(CC) $(APP_CFLAGS) \
		$(LIBC_TEST_CFLAGS) -DTORO -c $$< -o $$@
# The group's list of programs, rewritten only when it changes.
$(BUILD)/libc-tests/$(1)/list: libc-force
	$(Q)mkdir -p $$(@D) && echo '$$(call libc_names,$(1))' | cmp -s - $$@ \
		|| echo '$$(call libc_names,$(1))' > $$@
$(BUILD)/libc-tests/$(1)/driver.o: $(LIBC_COMMON) \
		$(BUILD)/libc-tests/$(1)/list | $(TARGET_PREREQ)
	$$(call msg,CC,$$< [$(1)])
	$(Q)mkdir -p $$(@D) && $$(KEEP_WARNINGS) $(CC) $(APP_CFLAGS) \
		$(LIBC_TEST_CFLAGS) -DTORO $$(call libc_list,$(1)) -c $$< -o $$@
$(BUILD)/tests/libc_$(1).elf: $$(libc_$(1)_OBJS) $(LIBTORO) $(LDSCRIPT) \
		tools/mksyms.py
	$$(call link_app,$$@,$$(libc_$(1)_OBJS))
$(BUILD)/libc-tests/host/libc_$(1): $(LIBC_COMMON) $$(call libc_srcs,$(1)) \
		$$(wildcard tests/libc/$(1)/*.h) \
		$(BUILD)/libc-tests/$(1)/list | $(DEPS_STAMP)
	$$(call msg,MUSLCC,$$@)
	$(Q)mkdir -p $$(@D) && $(MUSL_GCC) -static -std=gnu11 -O2 -g -Wall \
		-Wextra $(LIBC_TEST_CFLAGS) $$(call libc_list,$(1)) -o $$@ \
		$$(filter %.c,$$^) -lm -lpthread
-include $$(libc_$(1)_OBJS:.o=.d)
endef
$(foreach g,$(LIBC_GROUPS),$(eval $(call libc_group_rules,$(g))))

.PHONY: libc-tests libc-force
libc-tests: $(LIBC_GUEST_ELFS) $(LIBC_HOST_BINS)
tests-build: $(LIBC_GUEST_ELFS)
test: libc-tests
# --- end of tests/libc ---

# `make app APP=dir [OUT=file] [APP_NET=ipv4]`: what `toro build` runs for
# any directory (APP_NET=ipv4: `toro build --ipv4-only`).
# `toro build --cflags/--ldlibs` adds APP_USER_CFLAGS (compiling) and
# APP_LDLIBS (linking, after the objects), and APP_KEY, a hash of both that
# gives each set of flags its own object directory.
ifneq ($(APP),)
APP_DIR := $(patsubst %/,%,$(APP))
APP_NAME := ext$(subst /,_,$(abspath $(APP_DIR)))$(if $(APP_KEY),-$(APP_KEY))
OUT ?= $(BUILD)/$(notdir $(abspath $(APP_DIR))).elf
# An example or test asked for by path already has its rules.
KNOWN_ELF := $(filter $(abspath $(OUT)),$(abspath $(EXAMPLE_ELFS) $(TEST_ELFS)))
ifneq ($(and $(KNOWN_ELF),$(APP_KEY)),)
$(error $(OUT) is built without extra flags or --ipv4-only: give -o another name)
endif
ifeq ($(KNOWN_ELF),)
$(eval $(call app_rules,$(APP_NAME),$(APP_DIR),$(OUT),$(if $(filter ipv4,$(APP_NET)),$(LIBTORO_IPV4))))
app: $(OUT)
# The flags the image was last linked with, kept when they do not change:
# the same -o without --ipv4-only (or --cflags) after a build with it
# finds older objects and libraries, and must link again all the same.
APP_LINK_STAMP := $(BUILD)/app/link/$(subst /,_,$(abspath $(OUT)))
APP_LINK_FLAGS := $(APP_KEY) $(APP_NET)
$(shell mkdir -p $(dir $(APP_LINK_STAMP)) && \
	(echo '$(APP_LINK_FLAGS)' | cmp -s - $(APP_LINK_STAMP) || \
	 echo '$(APP_LINK_FLAGS)' > $(APP_LINK_STAMP)))
$(OUT): $(APP_LINK_STAMP)
else
app: $(patsubst $(abspath .)/%,%,$(KNOWN_ELF))
endif
endif

# Host helper for `toro run` (see the file's comment).
$(BUILD)/host/tsc_khz: tools/host/tsc_khz.c | $(DEPS_STAMP)
	$(call msg,HOSTCC,$<)
	$(Q)mkdir -p $(@D) && $(KEEP_WARNINGS) $(HOSTCC) -O2 -Wall -Wextra -o $@ $<

# The vhost-user vsock backend `toro run --vsock` starts (tools/host/vsock).
VSOCK_SRCS := $(wildcard tools/host/vsock/*.c)
$(BUILD)/host/toro-vsock: $(VSOCK_SRCS) tools/host/vsock/vsock.h \
		include/kernel/vsock.h | $(DEPS_STAMP)
	$(call msg,HOSTCC,tools/host/vsock)
	$(Q)mkdir -p $(@D) && $(KEEP_WARNINGS) $(HOSTCC) -D_GNU_SOURCE -Iinclude \
		-O2 -Wall -Wextra -o $@ $(VSOCK_SRCS)

# The main example: the web server with its small site packed as the
# initrd, on 127.0.0.1:8080 through QEMU user networking.
RUN_PORT ?= 8080
run: all
	@echo "toro: web server on http://127.0.0.1:$(RUN_PORT)/ once it says it is serving (Ctrl-C stops it)"
	./toro run --initrd examples/webserver/site --port $(RUN_PORT):80 $(BUILD)/webserver.elf

test: all tests-build
	$(Q)$(PYTHON) tests/run.py --build $(BUILD)

# --- toro cc (tools/toro/cc.py) -------------------------------------------
# What the compiler driver needs, written for it to read: the compiler, the
# applications' flags and the link's, one KEY=words line each; and the
# libraries musl's libc.a stands for (-lm, -lpthread...), empty, as musl
# installs them, since libtoro.a holds them.
CC_ENV := $(BUILD)/cc/env
CC_EMPTY_LIBS := $(patsubst %,$(BUILD)/cc/lib/lib%.a,c m pthread dl rt util \
	xnet resolv crypt)
.PHONY: cc-env
cc-env: $(CC_ENV)
all: cc-env
$(CC_ENV): config.mk Makefile $(LIBTORO) $(LIBTORO_IPV4) $(CC_EMPTY_LIBS)
	$(file >$@.tmp,CC=$(CC))
	$(file >>$@.tmp,CFLAGS=$(APP_CFLAGS))
	$(file >>$@.tmp,LDFLAGS=$(LDFLAGS))
	$(file >>$@.tmp,ASFLAGS=$(ASFLAGS))
	$(file >>$@.tmp,LIBS=$(abspath $(LIBTORO)) $(LIBGCC))
	$(file >>$@.tmp,LIBS_IPV4=$(abspath $(LIBTORO_IPV4)) $(LIBGCC))
	$(file >>$@.tmp,NM=$(NM))
	$(file >>$@.tmp,LIBDIR=$(abspath $(BUILD)/cc/lib))
	$(Q)mv $@.tmp $@
$(CC_EMPTY_LIBS):
	$(Q)mkdir -p $(@D) && rm -f $@ && $(AR) rc $@

# --- Ported programs ------------------------------------------------------
# Upstream programs built unmodified from Debian's source packages
# (tests/ports/Makefile.inc): `make ports`; `make test` runs them too.
# Not part of tests-build, which the -Werror builds make. A port that
# fails to build shows as its tests failing (no image), rather than as
# `make test` stopping before any test has run.
include tests/ports/Makefile.inc
.PHONY: ports-for-test
test: ports-for-test
ports-for-test: all
	-$(Q)$(MAKE) --no-print-directory ports

clean:
	rm -rf $(BUILD)

-include $(KERNEL_OBJS:.o=.d)

