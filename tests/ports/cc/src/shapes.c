// SPDX-License-Identifier: MIT
/* libshapes.a's one member (see include/shapes.h); sqrt() comes from
 * libm, which is part of libtoro.a as it is of musl's libc.a. */
#include <math.h>
#include <string.h>

#include "shapes.h"

double shape_area(const char *kind, double size)
{
	if (strcmp(kind, "square") == 0)
		return size * size;
	if (strcmp(kind, "circle") == 0)
		return M_PI * size * size;
	if (strcmp(kind, "triangle") == 0)
		return sqrt(3.0) / 4 * size * size;
	return -1;
}
