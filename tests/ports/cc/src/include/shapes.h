/* SPDX-License-Identifier: MIT */
/* The static library libshapes.a that build.sh makes with `toro cc -c`
 * and ar, for main.c to link with -lshapes. */
#ifndef SHAPES_H
#define SHAPES_H

double shape_area(const char *kind, double size);

#endif
