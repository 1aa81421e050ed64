/* SPDX-License-Identifier: MIT */
/* <strings.h>: case-insensitive comparison (C locale). */
#ifndef _STRINGS_H
#define _STRINGS_H

#include <stddef.h>

int bcmp(const void *a, const void *b, size_t n);
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);

#endif /* _STRINGS_H */
