/* SPDX-License-Identifier: MIT */
/*
 * String-to-number conversions with glibc's semantics (C11 7.22.1), for the
 * kernel (command-line parsing) and the C library. The C library's
 * <stdlib.h> and <inttypes.h> declare the same functions for applications.
 *
 * All skip leading white space (" \t\n\v\f\r") and accept an optional sign.
 * If (endptr) is not NULL it receives the address after the last character
 * used, or (nptr) when nothing could be converted (the result is then 0).
 * Out-of-range results saturate and set errno to ERANGE.
 */
#ifndef KERNEL_STRTOX_H
#define KERNEL_STRTOX_H

#include <stdint.h>

/*
 * Integers in (base) 2..36, or 0 to choose 16 for a "0x"/"0X" prefix, 8 for
 * a leading "0" and 10 otherwise; base 16 also accepts the prefix. A prefix
 * with no hex digit after it converts just the "0". An invalid (base) sets
 * errno to EINVAL and returns 0 with (*endptr) = (nptr); glibc leaves
 * (*endptr) unset in that case, which no caller can usefully rely on.
 * The unsigned variants negate a '-'-signed value in their own type, so
 * strtoul("-1") is ULONG_MAX; ERANGE only if the magnitude is too large.
 * Built without floating point: usable anywhere in the kernel.
 */
long strtol(const char *nptr, char **endptr, int base);
long long strtoll(const char *nptr, char **endptr, int base);
unsigned long strtoul(const char *nptr, char **endptr, int base);
unsigned long long strtoull(const char *nptr, char **endptr, int base);
intmax_t strtoimax(const char *nptr, char **endptr, int base);
uintmax_t strtoumax(const char *nptr, char **endptr, int base);

/*
 * Floating point (libc/strtod.c): decimal, hexadecimal ("0x1.8p3"),
 * "inf", "infinity", "nan" and "nan(n-char-sequence)", case-insensitive,
 * correctly rounded to nearest-even whatever the number of digits.
 * Overflow gives +-HUGE_VAL and ERANGE; a result that is inexact and
 * subnormal or zero sets ERANGE. These use SSE and are for application
 * context only, never for interrupt or scheduler code. strtold returns
 * strtod's value: Toro's long double arithmetic is no wider than double.
 */
double strtod(const char *nptr, char **endptr);
float strtof(const char *nptr, char **endptr);
long double strtold(const char *nptr, char **endptr);
double atof(const char *nptr);

#endif /* KERNEL_STRTOX_H */
