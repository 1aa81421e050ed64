/* SPDX-License-Identifier: MIT */
/*
 * Function names for addresses, from the table tools/mksyms.py embeds in
 * every image, so fault reports and backtraces name functions without any
 * host-side help.
 */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for a name; a longer one is cut. */
#define KSYMS_NAME_MAX 128

/*
 * Finds the function containing (addr). On success writes its name into
 * (buf) of (size) bytes, returns (buf) and stores the distance from the
 * function's start in (*offset); returns NULL when the address is outside
 * the image's text or the image has no table.
 */
const char *ksyms_lookup(uintptr_t addr, uintptr_t *offset, char *buf,
			 size_t size);

#endif /* KERNEL_KSYMS_H */
