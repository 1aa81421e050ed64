// SPDX-License-Identifier: MIT
/* <stdio.h>'s formatted input: sscanf over a table of inputs and
 * formats, with what each assigns, the count and %n; fscanf from a file;
 * %m allocation; hex floats and long double. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <wchar.h>

#include "check.h"

static void ints(void)
{
	const char *in[] = {"42",	  "  -17 rest",
			    "0x1A",	  "077",
			    "+5",	  "-",
			    "",		  "abc",
			    "2147483648", "99999999999999999999",
			    "1e3",	  "0x",
			    " 12 34 56"};

	for (unsigned i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		int d = -1, x = -1, o = -1, n = -1, n2 = -1;
		unsigned u = 0;
		long long ll = -1;
		int r1 = sscanf(in[i], "%d%n", &d, &n);
		int r2 = sscanf(in[i], "%i", &x);
		int r3 = sscanf(in[i], "%o", &o);
		int r4 = sscanf(in[i], "%x%n", &u, &n2);
		int r5 = sscanf(in[i], "%lld", &ll);
		printf("\"%s\": %d:%d,%d %d:%d %d:%d %d:%x,%d %d:%lld\n", in[i],
		       r1, d, n, r2, x, r3, o, r4, u, n2, r5, ll);
	}
	int a, b, c;
	printf("%d ", sscanf("1,2;3", "%d,%d;%d", &a, &b, &c));
	printf("%d %d %d\n", a, b, c);
	printf("%d ", sscanf("12345", "%2d%1d%d", &a, &b, &c));
	printf("%d %d %d\n", a, b, c);
	printf("%d ", sscanf("7 8", "%*d %d", &a));
	printf("%d\n", a);
	signed char hh;
	short h;
	size_t z;
	long l;
	printf("%d ",
	       sscanf("300 70000 123 -9", "%hhd %hd %zu %ld", &hh, &h, &z, &l));
	printf("%d %d %zu %ld\n", hh, h, z, l);
	void *p;
	printf("%%p %d ", sscanf("0x1234", "%p", &p));
	printf("%s\n", p == (void *)0x1234 ? "ok" : "bad");
}

static void floats(void)
{
	const char *in[] = {"3.25",    "-0",	   "1e10",    "0x1.8p3",
			    "inf",     "-nan",	   "1e-400",  ".5e",
			    "1.5e+",   "abc",	   "1e999",   "0.1",
			    "  +2.5x", "nan(abc)", "INFINITY"};

	for (unsigned i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		float f = -1;
		double d = -1;
		long double ld = -1;
		int n = -1;
		int r1 = sscanf(in[i], "%f", &f);
		int r2 = sscanf(in[i], "%lf%n", &d, &n);
		int r3 = sscanf(in[i], "%Lg", &ld);
		printf("\"%s\": %d:%a %d:%a,%d %d:%La\n", in[i], r1, (double)f,
		       r2, d, n, r3, ld);
	}
	double e, g, a;
	printf("%d ", sscanf("1 2 0x3", "%e %g %a", &e, &g, &a));
	printf("%a %a %a\n", e, g, a);
}

static void strings(void)
{
	char s1[16], s2[16], s3[16];
	int n;

	printf("%d ", sscanf("hello world", "%s %s", s1, s2));
	printf("<%s> <%s>\n", s1, s2);
	printf("%d ", sscanf("abc123def", "%[a-z]%[0-9]%s", s1, s2, s3));
	printf("<%s> <%s> <%s>\n", s1, s2, s3);
	printf("%d ", sscanf("]x-y", "%[]x-]", s1));
	printf("<%s>\n", s1);
	printf("%d ", sscanf("key=value;", "%[^=]=%[^;]", s1, s2));
	printf("<%s> <%s>\n", s1, s2);
	printf("%d ", sscanf("abcdefghij", "%4s%3c", s1, s2));
	s2[3] = 0;
	printf("<%s> <%s>\n", s1, s2);
	printf("%d ", sscanf("  x", "%c", s1));
	printf("<%c>\n", s1[0]);
	printf("%d ", sscanf("  x", " %c%n", s1, &n));
	printf("<%c> %d\n", s1[0], n);
	printf("lit %d ", sscanf("a%b", "a%%%s", s1));
	printf("<%s>\n", s1);
	printf("fail %d %d %d\n", sscanf("", "%d", &n), sscanf("   ", "%s", s1),
	       sscanf("x", "y%d", &n));
	char *m1 = NULL, *m2 = NULL;
	printf("%%m %d ", sscanf("dynamic strings", "%ms %m[a-z]", &m1, &m2));
	printf("<%s> <%s>\n", m1, m2);
	free(m1);
	free(m2);
	wchar_t w[16];
	printf("%%ls %d ", sscanf("wide text", "%ls", w));
	printf("<%ls>\n", w);
}

static void from_file(void)
{
	FILE *f = fopen("in.txt", "w+");

	CHECK(f != NULL);
	fputs("10 20 thirty\n 4.5 end\n", f);
	rewind(f);
	int a, b;
	char s[16];
	double d;
	int r = fscanf(f, "%d %d %15s %lf", &a, &b, s, &d);
	printf("fscanf %d: %d %d %s %a", r, a, b, s, d);
	r = fscanf(f, "%d", &a);
	printf(" then %d", r);
	r = fscanf(f, "%s", s);
	printf(" %d <%s>", r, s);
	r = fscanf(f, "%s", s);
	printf(" then %d feof %d\n", r, feof(f));
	fclose(f);
}

int test_scanf(void)
{
	ints();
	floats();
	strings();
	from_file();
	return 0;
}
