/* SPDX-License-Identifier: MIT */
/* <malloc.h>: the glibc extras. */
#ifndef _MALLOC_H
#define _MALLOC_H

#include <stdlib.h>

size_t malloc_usable_size(void *p);

#endif /* _MALLOC_H */
