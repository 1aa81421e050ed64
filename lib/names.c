// SPDX-License-Identifier: MIT
/* Lists of names packed into one string (include/kernel/names.h). */
#include <string.h>

#include <kernel/names.h>

const char *name_in(const char *list, unsigned count, unsigned n,
		    const char *none)
{
	if (n >= count)
		return none;
	while (n--)
		list += strlen(list) + 1;
	return *list ? list : none;
}
