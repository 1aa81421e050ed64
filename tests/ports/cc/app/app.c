// SPDX-License-Identifier: MIT
/* An application directory for `toro build --cflags/--ldlibs` (build.sh):
 * a define and an include directory in, a static library linked. */
#include <stdio.h>

#include "shapes.h"

int main(void)
{
	printf("toro build: %s, square %.1f\n", APP_NAME, shape_area("square", 4));
	return 0;
}
