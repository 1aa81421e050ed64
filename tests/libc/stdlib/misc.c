// SPDX-License-Identifier: MIT
/* <stdlib.h>'s arithmetic and odds and ends: abs/div families, a64l/l64a,
 * ecvt/fcvt/gcvt, getsubopt, realpath, mblen & friends in C. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

int test_misc(void)
{
	int iv[] = {7, -7, 0, INT_MAX, INT_MIN + 1};

	for (int i = 0; i < 5; i++)
		for (int j = 0; j < 5; j++) {
			if (!iv[j])
				continue;
			div_t d = div(iv[i], iv[j]);
			ldiv_t l = ldiv((long)iv[i] * 3, iv[j]);
			lldiv_t ll = lldiv((long long)iv[i] << 20, iv[j]);
			imaxdiv_t m = imaxdiv(iv[i], -iv[j]);
			printf("%d/%d: %d %d | %ld %ld | %lld %lld | %jd %jd\n",
			       iv[i], iv[j], d.quot, d.rem, l.quot, l.rem,
			       ll.quot, ll.rem, m.quot, m.rem);
		}
	printf("abs %d labs %ld llabs %lld imaxabs %jd\n", abs(-3), labs(-4L),
	       llabs(-5LL), imaxabs(-6));
	long vals[] = {0, 1, 63, 64, 123456789, 0x7fffffff};
	for (int i = 0; i < 6; i++) {
		char *s = l64a(vals[i]);
		printf("l64a(%ld)=<%s> a64l=%ld\n", vals[i], s, a64l(s));
	}
	double dv[] = {0, 1.5, -123.456, 1e-10, 9.9999, 1e20};
	for (int i = 0; i < 6; i++) {
		int dec, sign;
		char *e = ecvt(dv[i], 6, &dec, &sign);
		printf("ecvt %s %d %d ", e, dec, sign);
		char *f = fcvt(dv[i], 3, &dec, &sign);
		printf("fcvt %s %d %d ", f, dec, sign);
		char g[64];
		printf("gcvt %s\n", gcvt(dv[i], 5, g));
	}
	char opts[] = "ro,size=10,bogus,uid=0";
	char *o = opts, *val;
	char *const toks[] = {"ro", "rw", "size", "uid", NULL};
	while (*o) {
		int k = getsubopt(&o, toks, &val);
		printf("subopt %d %s\n", k, val ? val : "-");
	}
	/* realpath over directories this program makes. */
	char buf[PATH_MAX], cwd[PATH_MAX];
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK_OK(mkdir("a", 0755));
	CHECK_OK(mkdir("a/b", 0755));
	CHECK(realpath("a/./b/../b//", buf) != NULL);
	printf("realpath tail %s\n", buf + strlen(cwd));
	errno = 0;
	CHECK(realpath("a/nope/x", buf) == NULL && errno == ENOENT);
	CHECK(rmdir("a/b") == 0 && rmdir("a") == 0);
	printf("mblen %d %d mbtowc %d MB_CUR_MAX %zu\n", mblen("x", 1),
	       mblen("", 1), mbtowc(NULL, NULL, 0), MB_CUR_MAX);
	return 0;
}
