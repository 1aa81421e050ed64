// SPDX-License-Identifier: MIT
/* A program built by `toro cc` as a build system would (build.sh): its
 * output shows the -D defines and the library arrived. */
#include <pthread.h>
#include <stdio.h>

#include "shapes.h"

#ifndef GREETING
#error "GREETING is defined on the command line"
#endif

static void *worker(void *arg)
{
	double *size = arg;

	*size = shape_area("circle", *size);
	return NULL;
}

int main(int argc, char **argv)
{
	double size = 2;
	pthread_t t;

	printf("%s from %s with %d argument(s)\n", GREETING, argv[0], argc - 1);
	printf("square %.2f triangle %.4f\n", shape_area("square", 3),
	       shape_area("triangle", 2));
	if (pthread_create(&t, NULL, worker, &size) || pthread_join(t, NULL))
		return 1;
	printf("circle %.4f\n", size);
	return BUILD_STATUS;
}
