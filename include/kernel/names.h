/* SPDX-License-Identifier: MIT */
/* Lists of names packed into one string (lib/names.c). */
#ifndef KERNEL_NAMES_H
#define KERNEL_NAMES_H

/*
 * Name (n) of (list): strings one after another, each ended by its NUL,
 * ("a\0b\0\0d" names 0 to 3, 2 being ""), or (none) for an (n) at or
 * past (count) or an empty name. A table of pointers to the names would
 * cost 8 bytes a name more, in images counted to the byte.
 */
const char *name_in(const char *list, unsigned count, unsigned n,
		    const char *none);

#endif /* KERNEL_NAMES_H */
