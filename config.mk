# SPDX-License-Identifier: MIT
# Toolchains and flags. Target code (kernel + libc + applications) is built
# with $(CC); host programs and host unit tests with $(HOSTCC). Override on the
# command line: `make CC=clang BUILD=build/clang WERROR=1`.

ifeq ($(origin CC),default)
CC := gcc
endif
HOSTCC ?= gcc
PYTHON ?= python3
NM ?= nm
STRIP ?= strip
AR ?= ar
ifeq ($(origin AR),default)
AR := ar
endif

BUILD ?= build
OPT ?= -O2

# Every target object: no PIC (the image is linked at 1 MiB and identity
# mapped), frame pointers for backtraces and the profiler, no red zone
# because interrupts arrive on the interrupted stack, one section per
# function so the link keeps only what the application reaches.
TARGET_CFLAGS := -std=gnu11 $(OPT) -g -Wall -Wextra $(if $(WERROR),-Werror) \
	-fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer \
	-mno-omit-leaf-frame-pointer \
	-mno-red-zone -ffunction-sections -fdata-sections -fno-common \
	-fno-asynchronous-unwind-tables \
	-nostdinc -Iinclude/libc \
	-isystem $(shell $(CC) -print-file-name=include) -Iinclude -MMD -MP

# Kernel, drivers and shared helpers: no FPU/SSE state may be touched, so an
# interrupt handler never clobbers the application's vector registers.
KERNEL_CFLAGS := $(TARGET_CFLAGS) -ffreestanding -mgeneral-regs-only

# The C library runs on the application's side of that line: it may use SSE
# (printf("%f"), strtod) but must not turn its own loops into calls to itself.
LIBC_CFLAGS := $(TARGET_CFLAGS) -ffreestanding

# Applications are ordinary hosted C: builtins stay on.
APP_CFLAGS := $(TARGET_CFLAGS)

ASFLAGS := -g -fno-pic -Iinclude -MMD -MP

LDSCRIPT := arch/x86_64/kernel.ld
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
