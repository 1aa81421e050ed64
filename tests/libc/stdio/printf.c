// SPDX-License-Identifier: MIT
/* <stdio.h>'s formatted output: every conversion with flags, widths and
 * precisions, long double and %a, positional arguments, %n, snprintf's
 * truncation, asprintf, dprintf. */
#define _GNU_SOURCE
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <wchar.h>

#include "check.h"

static const char *const iflags[] = {
	"%d",	    "%5d",  "%-5d|",  "%05d", "%+d", "% d",  "%.3d", "%8.3d",
	"%-+8.3d|", "%x",   "%#x",    "%#o",  "%o",  "%X",   "%#X",  "%u",
	"%#.0o",    "%.0d", "%08.3x", "%hhd", "%hd", "%hhu", "%c"};

static void integers(void)
{
	int v[] = {0, 1, -1, 42, -42, 255, 256, 65535, INT_MAX, INT_MIN};

	for (unsigned f = 0; f < sizeof(iflags) / sizeof(iflags[0]); f++) {
		printf("%-9s", iflags[f]);
		for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			char b[64];

			if (iflags[f][1] == 'c' && (v[i] <= 0 || v[i] > 126))
				continue;
			snprintf(b, sizeof(b), iflags[f], v[i]);
			printf(" [%s]", b);
		}
		printf("\n");
	}
	printf("[%ld] [%lu] [%lld] [%llx] [%jd] [%zu] [%zd] [%td]\n", LONG_MIN,
	       ULONG_MAX, LLONG_MIN, ULLONG_MAX, INTMAX_MAX, SIZE_MAX,
	       (ssize_t)-1, (ptrdiff_t)-5);
	printf("[%" PRId8 "] [%" PRIu16 "] [%" PRIx32 "] [%" PRIo64
	       "] [%" PRIiMAX "] [%" PRIxPTR "]\n",
	       (int8_t)-3, (uint16_t)65535, (uint32_t)0xdeadbeef,
	       (uint64_t)01234567, (intmax_t)-9, (uintptr_t)0x1000);
	printf("[%*d] [%-*d] [%.*d] [%*.*x]\n", 6, 12, 6, 12, 4, 7, 8, 3, 255);
	printf("[%*d]\n", -6, 3);
	printf("[%2$s %2$.1s] [%3$*1$d] [%1$d]\n", 5, "pos", 9);
}

static void reals(void)
{
	double v[] = {0.0,	  -0.0, 1.0,   -1.5,	 0.1,	    1.0 / 3,
		      123456.789, 1e-5, 1e21,  5e-324,	 DBL_MAX,   DBL_MIN,
		      2.5,	  3.5,	0.125, INFINITY, -INFINITY, NAN,
		      9.9999999,  0.5,	1.5};
	const char *fmts[] = {"%f",	 "%.0f",  "%.1f",  "%10.3f", "%-10.2f|",
			      "%+e",	 "%.0e",  "%#.0e", "%E",     "%g",
			      "%.3g",	 "%#g",	  "%G",	   "%.0g",   "%a",
			      "%A",	 "%.1a",  "%.0a",  "%#.0a",  "%+.3a",
			      "%010.2f", "%.20g", "%.17e"};

	for (unsigned f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		printf("%-8s", fmts[f]);
		for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			char b[400];

			snprintf(b, sizeof(b), fmts[f], v[i]);
			printf(" [%s]", b);
		}
		printf("\n");
	}
	printf("[%.60f]\n[%.40e]\n[%f]\n", 0.1, 1.0 / 3, 1e300);
	printf("[%.1100f]\n", 5e-324);
	long double lv[] = {0.0L,	1.0L,	  0.1L,		 -1.0L / 3,
			    LDBL_MAX,	LDBL_MIN, LDBL_TRUE_MIN, 1e4000L,
			    12345.678L, NAN,	  INFINITY};
	for (unsigned i = 0; i < sizeof(lv) / sizeof(lv[0]); i++)
		printf("L: [%La] [%LA] [%.25Lg] [%Le] [%.3Lf]\n", lv[i], lv[i],
		       lv[i], lv[i], i == 4 || i == 7 ? 0.0L : lv[i]);
	printf("[%.30Lf]\n", 1.0L / 3);
	printf("[%Lf]\n", LDBL_MAX);
}

static void strings(void)
{
	char b[32];
	int n1, n2;
	signed char hh;
	short h;
	long long ll;

	printf("[%s] [%10s] [%-10s] [%.2s] [%10.3s] [%c] [%5c] [%-3c] [%%]\n",
	       "abc", "abc", "abc", "abc", "abcdef", 'x', 'y', 'z');
	printf("[%ls] [%lc] [%5ls] [%.2ls]\n", L"wide", (wint_t)L'w', L"ab",
	       L"abc");
	printf("ab%ncd%hhn%hn%lln\n", &n1, &hh, &h, &ll);
	printf("n: %d %d %d %lld\n", n1, hh, h, ll);
	int r = snprintf(b, 8, "%s", "0123456789");
	printf("snprintf %d <%s>\n", r, b);
	r = snprintf(NULL, 0, "%d-%s", 12345, "abc");
	printf("snprintf(NULL) %d\n", r);
	r = snprintf(b, 1, "xyz");
	printf("snprintf 1: %d %d\n", r, b[0]);
	n2 = sprintf(b, "%05.1f|%x", 3.14159, 48879);
	printf("sprintf %d <%s>\n", n2, b);
	char *a = NULL;
	r = asprintf(&a, "%s-%d-%c", "as", 42, '!');
	printf("asprintf %d <%s>\n", r, a);
	free(a);
	fflush(stdout);
	r = dprintf(STDOUT_FILENO, "dprintf %d\n", 7);
	printf("dprintf returned %d\n", r);
	/* A very long output through vsnprintf's growth path. */
	char *big = NULL;
	r = asprintf(&big, "%5000d|%-3000s|", 1, "x");
	CHECK(r == 8002 && big && big[4999] == '1' && big[5001] == 'x');
	free(big);
	printf("[%p]\n", (void *)0);
	printf("[%5%]\n");
}

int test_printf(void)
{
	integers();
	reals();
	strings();
	return 0;
}
