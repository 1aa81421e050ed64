/* SPDX-License-Identifier: MIT */
/* The kernel's own number parser (lib/parse_u64.c). */
#ifndef KERNEL_STRTOX_H
#define KERNEL_STRTOX_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Parses an unsigned number as strtoull() does: leading white space, an
 * optional '+', then digits of (base) (0: "0x" hexadecimal, "0" octal,
 * else decimal). A value past UINT64_MAX gives UINT64_MAX and sets
 * (*overflow) when (overflow) is not NULL. (*endptr), when (endptr) is not
 * NULL, points past the digits, or at (nptr) when there were none (a '-'
 * sign or a bad base included), and the result is then 0. Touches no
 * errno.
 */
uint64_t kstrtou64(const char *nptr, char **endptr, int base, bool *overflow);

#endif /* KERNEL_STRTOX_H */
