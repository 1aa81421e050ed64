// SPDX-License-Identifier: MIT
/* <stdlib.h>'s pseudo-random generators: the sequences after a seed are
 * musl's own and must match to the bit (rand, random with each state
 * size, the 48-bit family). */
#define _DEFAULT_SOURCE
#include <stdlib.h>

#include "check.h"

int test_rand(void)
{
	srand(1);
	for (int i = 0; i < 8; i++)
		printf("%d ", rand());
	printf("\n");
	srand(12345);
	printf("%d %d\n", rand(), rand());
	unsigned seed = 42;
	printf("rand_r %d %d %u\n", rand_r(&seed), rand_r(&seed), seed);
	srandom(7);
	for (int i = 0; i < 6; i++)
		printf("%ld ", random());
	printf("\n");
	static char state[256], small[8], state32[32];
	char *old = initstate(3, state, sizeof(state));
	CHECK(old != NULL);
	printf("state256 %ld %ld\n", random(), random());
	initstate(5, state32, sizeof(state32));
	printf("state32 %ld %ld\n", random(), random());
	initstate(9, small, sizeof(small));
	printf("state8 %ld %ld\n", random(), random());
	setstate(state);
	printf("back to 256 %ld\n", random());
	setstate(old);
	srand48(2024);
	printf("drand48 %a %a lrand48 %ld mrand48 %ld\n", drand48(), drand48(),
	       lrand48(), mrand48());
	unsigned short xs[3] = {1, 2, 3};
	printf("erand48 %a nrand48 %ld jrand48 %ld xs %u %u %u\n", erand48(xs),
	       nrand48(xs), jrand48(xs), xs[0], xs[1], xs[2]);
	unsigned short seed16[3] = {0x1234, 0x5678, 0x9abc};
	unsigned short *prev = seed48(seed16);
	printf("seed48 prev %u %u %u next %ld\n", prev[0], prev[1], prev[2],
	       lrand48());
	unsigned short param[7] = {1, 2, 3, 5, 0, 0, 11};
	lcong48(param);
	printf("lcong48 %ld %ld\n", lrand48(), lrand48());
	return 0;
}
