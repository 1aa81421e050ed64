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

/*
 * Finds the function containing (addr). On success returns its name and
 * stores the distance from its start in (*offset); returns NULL when the
 * address is outside the image's text or the image has no table.
 */
const char *ksyms_lookup(uintptr_t addr, uintptr_t *offset);

/* Address of the function named (name), or 0. */
uintptr_t ksyms_address(const char *name);

#endif /* KERNEL_KSYMS_H */
