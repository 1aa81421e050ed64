# SPDX-License-Identifier: MIT
# Toolchains and flags. Target code (kernel + libc + applications) is built
# with $(CC); host programs and host unit tests with $(HOSTCC). Override on the
# command line: `make CC=clang BUILD=build/clang WERROR=1`.

ifeq ($(origin CC),default)
CC := gcc
endif
HOSTCC ?= gcc
# The Python ./toro runs under (tools/python3 chooses it).
PYTHON ?= $(CURDIR)/tools/python3
NM ?= nm
STRIP ?= strip
AR ?= ar
ifeq ($(origin AR),default)
AR := ar
endif

BUILD ?= build
# One spelling of every output path: `toro build` passes BUILD as an
# absolute path, `make` alone a relative one, and the compiler's
# dependency files (-MMD) name their target as it was spelt, so an object
# built one way never saw its headers change when built the other.
# (__FILE__ stays relative to the checkout: -fmacro-prefix-map below.)
override BUILD := $(abspath $(BUILD))
DEPS ?= build/deps
OPT ?= -O2
CC_IS_CLANG := $(if $(findstring clang,$(shell $(CC) --version 2>/dev/null | head -n 1)),1)


# Data at the alignment the ABI asks (gcc; clang has no such flag), not
# gcc's 32 bytes for every array of 32 bytes or more: 0.7 KiB of padding
# in the web server's read-only data alone.
DATA_ALIGN := $(if $(CC_IS_CLANG),,-malign-data=abi)

# Every target object (kernel, C library, applications): no PIC (the image
# is linked at 1 MiB and identity mapped), frame pointers for backtraces
# and the profiler, no red zone because interrupts arrive on the
# interrupted stack, one section per function so the link keeps only what
# the application reaches.
TARGET_BASE_CFLAGS := -g -fno-pic -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-mno-red-zone -ffunction-sections -fdata-sections -fno-common \
	-fno-asynchronous-unwind-tables -fno-unwind-tables $(DATA_ALIGN)

# Applications and musl are built with the stack protector, its canary
# new at every boot (libc/stack_chk.c); the kernel is not (its threads
# have no canary of their own).
SSP_CFLAGS := -fstack-protector-strong

# musl, the C library (libc/Makefile.inc), is built once per compiler and
# set of flags, under $(DEPS), so build trees that differ only in what
# they do with warnings (the test run's -Werror builds) share it. Its
# public headers, installed there, are what every target object is
# compiled against, after Toro's few additions to them (libc/include) and
# ahead of the compiler's own headers.
MUSL_KEY := $(shell echo '$(CC) $(TARGET_BASE_CFLAGS) $(SSP_CFLAGS)' | \
	md5sum | cut -c1-8)
MUSL_OUT := $(DEPS)/musl-build/$(notdir $(firstword $(CC)))-$(MUSL_KEY)
MUSL_INC := $(MUSL_OUT)/include
MUSL_INC_STAMP := $(MUSL_INC)/.installed
SYSCALLS_H := $(MUSL_OUT)/gen/toro_syscalls.h

TARGET_CFLAGS := -std=gnu11 $(OPT) -Wall -Wextra $(if $(WERROR),-Werror) \
	$(TARGET_BASE_CFLAGS) -nostdinc -isystem libc/include -isystem $(MUSL_INC) \
	-isystem $(shell $(CC) -print-file-name=include) -Iinclude -I$(MUSL_OUT)/gen -MMD -MP \
	-fmacro-prefix-map=$(CURDIR)/=

# Kernel, drivers and shared helpers: no FPU/SSE state may be touched, so an
# interrupt handler never clobbers the application's vector registers.
# Branch targets and loops are not padded to 16 bytes (gcc; clang has no
# such flags), as Linux builds x86-64: smaller code, no slower for it.
# Nor are functions (Linux pads those): 3 KiB of the web server's image,
# which must stay within 256 KiB (tests/cli_checks.py).
KERNEL_CFLAGS := $(TARGET_CFLAGS) -ffreestanding -mgeneral-regs-only \
	$(if $(CC_IS_CLANG),,-falign-jumps=1 -falign-loops=1 \
		-falign-functions=1)

# Applications are ordinary hosted C: builtins stay on.
APP_CFLAGS := $(TARGET_CFLAGS) $(SSP_CFLAGS)

# Each compile and link of our code runs under tools/keep_warnings, which
# keeps what the compiler says beside its output (OUT.warnings): the test
# run checks this tree for warnings instead of building it again.
KEEP_WARNINGS = tools/keep_warnings $@

ASFLAGS := -g -fno-pic -Iinclude -MMD -MP

LDSCRIPT := arch/x86_64/kernel.ld
# musl calls the compiler's helpers (128-bit division, popcount...).
LIBGCC := $(shell $(CC) -print-libgcc-file-name)
LDFLAGS := -nostdlib -static -Wl,--gc-sections -Wl,-T,$(LDSCRIPT) \
	-Wl,-u,pvh_start -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack \
	-Wl,--build-id=none -Wl,-n -Wl,--no-warn-rwx-segments

HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all -MMD -MP

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-7s %s\n' '$(1)' '$(2)'
endif
