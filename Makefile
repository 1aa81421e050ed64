# SPDX-License-Identifier: MIT
# Toro top-level build. `make` builds libtoro.a and every example; `make run`
# boots examples/webserver; `make test` builds everything and runs every test.
# Each directory lists its sources in a Makefile.inc (KERNEL_SRCS for code
# built without FPU/SSE); libc/Makefile.inc builds the C library, musl.

include config.mk

.DEFAULT_GOAL := all

KERNEL_SRCS :=
BOOT_ONCE_SRCS :=
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

HOST_TOOLS := $(BUILD)/host/tsc_khz

obj = $(patsubst %,$(BUILD)/obj/%.o,$(1))
KERNEL_OBJS := $(call obj,$(KERNEL_SRCS))
LIBTORO := $(BUILD)/libtoro.a

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
# Code that runs once is built for size (lists in the directories'
# Makefile.inc); the last assignment wins.
$(call obj,$(BOOT_ONCE_SRCS)): FLAGS := $(KERNEL_CFLAGS) -Os

$(BUILD)/obj/%.c.o: %.c | $(TARGET_PREREQ)
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(FLAGS) -c $< -o $@

$(BUILD)/obj/%.S.o: %.S | $(TARGET_PREREQ)
	$(call msg,AS,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(ASFLAGS) -c $< -o $@

# Archive order matters where two members define a symbol: Toro's libc/
# files come before musl's, so the linker takes theirs (pthread_create
# over musl's weak alias).
$(LIBTORO): $(KERNEL_OBJS) $(LIBC_PORT_OBJS) $(MUSL_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# Link an application in two passes: the first without a symbol table, the
# second with one generated from the first. The table sits after everything
# else in the image, so no function moves between the passes (checked).
# $(1): output ELF, $(2): application objects. APP_LDFLAGS adds link flags
# (`toro profile` pulls the profiler in with -Wl,-u,profile_dump).
define link_app
	$(call msg,LD,$(1))
	$(Q)mkdir -p $(dir $(1))
	$(Q)$(CC) $(LDFLAGS) $(APP_LDFLAGS) -o $(1).pass1 $(2) $(LIBTORO) $(LIBGCC)
	$(Q)$(PYTHON) tools/mksyms.py --nm $(NM) $(1).pass1 > $(1).ksyms.S
	$(Q)$(CC) $(ASFLAGS) -c $(1).ksyms.S -o $(1).ksyms.o
	$(Q)$(CC) $(LDFLAGS) $(APP_LDFLAGS) -o $(1) $(2) $(1).ksyms.o $(LIBTORO) \
		$(LIBGCC)
	$(Q)$(PYTHON) tools/mksyms.py --nm $(NM) --same $(1).pass1 $(1)
	$(Q)rm -f $(1).pass1 $(1).ksyms.S $(1).ksyms.o $(1).ksyms.d
endef

# An application: every .c file of a directory, linked with libtoro.
# $(1): name (object directory), $(2): source directory, $(3): output ELF.
define app_rules
$(1)_OBJS := $$(patsubst $(2)/%.c,$(BUILD)/app/$(1)/%.o,$$(wildcard $(2)/*.c))
$(BUILD)/app/$(1)/%.o: $(2)/%.c config.mk | $(TARGET_PREREQ)
	$$(call msg,CC,$$<)
	$(Q)mkdir -p $$(@D) && $(CC) $(APP_CFLAGS) $$(APP_EXTRA_CFLAGS) -c $$< -o $$@
$(3): $$($(1)_OBJS) $(LIBTORO) $(LDSCRIPT) tools/mksyms.py
	$$(call link_app,$$@,$$($(1)_OBJS))
-include $$($(1)_OBJS:.o=.d)
endef

EXAMPLES := $(patsubst examples/%/,%,$(sort $(dir $(wildcard examples/*/*.c))))
EXAMPLE_ELFS := $(foreach e,$(EXAMPLES),$(BUILD)/$(e).elf)
$(foreach e,$(EXAMPLES),$(eval $(call app_rules,$(e),examples/$(e),$(BUILD)/$(e).elf)))
examples: $(EXAMPLE_ELFS)

# Guest test images: tests/kernel/*.c is one image of in-kernel test cases;
# every tests/sys/test_*/ directory is a small application of its own.
SYS_TESTS := $(patsubst tests/sys/%/,%,$(sort $(dir $(wildcard tests/sys/test_*/*.c))))
TEST_ELFS := $(BUILD)/tests/ktest.elf $(foreach t,$(SYS_TESTS),$(BUILD)/tests/$(t).elf)
$(eval $(call app_rules,ktest,tests/kernel,$(BUILD)/tests/ktest.elf))
$(foreach t,$(SYS_TESTS),$(eval $(call app_rules,$(t),tests/sys/$(t),$(BUILD)/tests/$(t).elf)))
tests-build: $(TEST_ELFS) $(UNIT_BIN)

# The in-guest printf test compares with what the host's glibc prints for
# the same calls, generated here.
PRINTF_GEN := $(BUILD)/tests/gen_printf_expected
$(PRINTF_GEN): tests/gen/printf_expected.c tests/kernel/printf_cases.h | $(TARGET_PREREQ)
	$(call msg,HOSTCC,$<)
	$(Q)mkdir -p $(@D) && $(HOSTCC) -O1 -Wall -Itests/kernel -o $@ $<
$(BUILD)/tests/printf_expected.h: $(PRINTF_GEN)
	$(call msg,GEN,$@)
	$(Q)$(PRINTF_GEN) > $@
$(BUILD)/app/ktest/test_printf.o: $(BUILD)/tests/printf_expected.h
$(BUILD)/app/ktest/%.o: APP_EXTRA_CFLAGS := -I$(BUILD)/tests

# `make app APP=dir [OUT=file]`: what `toro build` runs for any directory.
ifneq ($(APP),)
APP_DIR := $(patsubst %/,%,$(APP))
APP_NAME := ext$(subst /,_,$(abspath $(APP_DIR)))
OUT ?= $(BUILD)/$(notdir $(abspath $(APP_DIR))).elf
# An example or test asked for by path already has its rules.
KNOWN_ELF := $(filter $(abspath $(OUT)),$(abspath $(EXAMPLE_ELFS) $(TEST_ELFS)))
ifeq ($(KNOWN_ELF),)
$(eval $(call app_rules,$(APP_NAME),$(APP_DIR),$(OUT)))
app: $(OUT)
else
app: $(patsubst $(abspath .)/%,%,$(KNOWN_ELF))
endif
endif

# Host helper for `toro run` (see the file's comment).
$(BUILD)/host/tsc_khz: tools/host/tsc_khz.c | $(DEPS_STAMP)
	$(call msg,HOSTCC,$<)
	$(Q)mkdir -p $(@D) && $(HOSTCC) -O2 -Wall -Wextra -o $@ $<

# The main example: the web server with its small site packed as the
# initrd, on 127.0.0.1:8080 through QEMU user networking.
RUN_PORT ?= 8080
run: all
	@echo "toro: web server on http://127.0.0.1:$(RUN_PORT)/ once it says it is serving (Ctrl-C stops it)"
	./toro run --initrd examples/webserver/site --port $(RUN_PORT):80 $(BUILD)/webserver.elf

test: all tests-build
	$(Q)$(PYTHON) tests/run.py --build $(BUILD)

clean:
	rm -rf $(BUILD)

-include $(KERNEL_OBJS:.o=.d)

