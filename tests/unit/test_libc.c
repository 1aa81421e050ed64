// SPDX-License-Identifier: MIT
/*
 * Toro's string, ctype, qsort and rand functions against the host glibc on
 * the same inputs (ours are built under toro_ names, see rename_libc.h).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#define DECLARE(ret, name, ...) ret toro_##name(__VA_ARGS__);
DECLARE(void *, memcpy, void *, const void *, size_t)
DECLARE(void *, memmove, void *, const void *, size_t)
DECLARE(void *, memset, void *, int, size_t)
DECLARE(int, memcmp, const void *, const void *, size_t)
DECLARE(void *, memchr, const void *, int, size_t)
DECLARE(void *, memrchr, const void *, int, size_t)
DECLARE(void *, memmem, const void *, size_t, const void *, size_t)
DECLARE(size_t, strlen, const char *)
DECLARE(int, strcmp, const char *, const char *)
DECLARE(int, strncmp, const char *, const char *, size_t)
DECLARE(int, strcasecmp, const char *, const char *)
DECLARE(int, strncasecmp, const char *, const char *, size_t)
DECLARE(char *, strchr, const char *, int)
DECLARE(char *, strrchr, const char *, int)
DECLARE(char *, strstr, const char *, const char *)
DECLARE(size_t, strspn, const char *, const char *)
DECLARE(size_t, strcspn, const char *, const char *)
DECLARE(char *, strpbrk, const char *, const char *)
DECLARE(char *, strncpy, char *, const char *, size_t)
DECLARE(char *, strncat, char *, const char *, size_t)
DECLARE(size_t, strlcpy, char *, const char *, size_t)
DECLARE(char *, strtok_r, char *, const char *, char **)
DECLARE(char *, strsep, char **, const char *)
DECLARE(void, qsort, void *, size_t, size_t, int (*)(const void *, const void *))
DECLARE(void *, bsearch, const void *, const void *, size_t, size_t,
	int (*)(const void *, const void *))
DECLARE(int, isalnum, int)
DECLARE(int, isalpha, int)
DECLARE(int, isblank, int)
DECLARE(int, iscntrl, int)
DECLARE(int, isdigit, int)
DECLARE(int, isgraph, int)
DECLARE(int, islower, int)
DECLARE(int, isprint, int)
DECLARE(int, ispunct, int)
DECLARE(int, isspace, int)
DECLARE(int, isupper, int)
DECLARE(int, isxdigit, int)
DECLARE(int, tolower, int)
DECLARE(int, toupper, int)
DECLARE(int, rand, void)
DECLARE(void, srand, unsigned)
DECLARE(int, rand_r, unsigned *)

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

UNIT_TEST(libc_mem_functions_match_glibc)
{
	unsigned char a[600], b[600], c[600];

	unit_seed(1);

	for (int round = 0; round < 3000; round++) {
		size_t n = unit_rand() % 513, off = unit_rand() % 40, off2 = unit_rand() % 40;

		for (size_t i = 0; i < sizeof(a); i++)
			a[i] = unit_rand() % 4 + 'a';	/* few letters: many matches */
		memcpy(b, a, sizeof(a));
		memcpy(c, a, sizeof(a));
		toro_memmove(b + off, b + off2, n);
		memmove(c + off, c + off2, n);
		CHECK(memcmp(b, c, sizeof(b)) == 0);
		toro_memcpy(b, a + off, n);
		CHECK(memcmp(b, a + off, n) == 0);
		toro_memset(b + off, (int)(unit_rand() & 0xff), n);
		memset(c + off, b[off], n);
		CHECK(n == 0 || memcmp(b + off, c + off, n) == 0);
		CHECK_EQ(sign(toro_memcmp(a, a + off, n)), sign(memcmp(a, a + off, n)));
		int ch = 'a' + unit_rand() % 5;

		CHECK(toro_memchr(a, ch, n) == memchr(a, ch, n));
		CHECK(toro_memrchr(a, ch, n) == memrchr(a, ch, n));
		size_t nl = unit_rand() % 4;

		CHECK(toro_memmem(a, n, a + off, nl) == memmem(a, n, a + off, nl));
	}
}

UNIT_TEST(libc_str_functions_match_glibc)
{
	char s[300], t[300], d1[320], d2[320];

	unit_seed(2);

	for (int round = 0; round < 3000; round++) {
		size_t ls = unit_rand() % 250, lt = unit_rand() % 5;

		for (size_t i = 0; i < ls; i++)
			s[i] = "abcAB ,"[unit_rand() % 7];
		s[ls] = '\0';
		for (size_t i = 0; i < lt; i++)
			t[i] = "abcAB ,"[unit_rand() % 7];
		t[lt] = '\0';
		size_t n = unit_rand() % 300;

		CHECK_EQ(toro_strlen(s), strlen(s));
		CHECK_EQ(sign(toro_strcmp(s, t)), sign(strcmp(s, t)));
		CHECK_EQ(sign(toro_strncmp(s, t, n % 4)), sign(strncmp(s, t, n % 4)));
		CHECK_EQ(sign(toro_strcasecmp(s, t)), sign(strcasecmp(s, t)));
		CHECK_EQ(sign(toro_strncasecmp(s, t, n % 4)),
			 sign(strncasecmp(s, t, n % 4)));
		CHECK(toro_strchr(s, t[0]) == strchr(s, t[0]));
		CHECK(toro_strrchr(s, t[0]) == strrchr(s, t[0]));
		CHECK(toro_strstr(s, t) == strstr(s, t));
		CHECK_EQ(toro_strspn(s, t), strspn(s, t));
		CHECK_EQ(toro_strcspn(s, t), strcspn(s, t));
		CHECK(toro_strpbrk(s, t) == strpbrk(s, t));
		memset(d1, 'x', sizeof(d1));
		memset(d2, 'x', sizeof(d2));
		toro_strncpy(d1, s, n);
		strncpy(d2, s, n);
		CHECK(memcmp(d1, d2, sizeof(d1)) == 0);
		strcpy(d1, t);
		strcpy(d2, t);
		toro_strncat(d1, s, n % 20);
		strncat(d2, s, n % 20);
		CHECK_STR_EQ(d1, d2);
		CHECK_EQ(toro_strlcpy(d1, s, n % 10), strlen(s));
		if (n % 10)
			CHECK(strncmp(d1, s, n % 10 - 1) == 0 &&
			      d1[strlen(s) < n % 10 - 1 ? strlen(s) : n % 10 - 1] == '\0');
	}
}

UNIT_TEST(libc_tokenizers_match_glibc)
{
	const char *inputs[] = { "a,b,,c", ",,lead", "trail,,", "", ",", "solo" };

	for (unsigned i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		char x[32], y[32], *sx, *sy, *px = x, *py = y;

		strcpy(x, inputs[i]);
		strcpy(y, inputs[i]);
		char *tx = toro_strtok_r(x, ",", &sx), *ty = strtok_r(y, ",", &sy);

		while (tx || ty) {
			REQUIRE(tx && ty);
			CHECK_STR_EQ(tx, ty);
			tx = toro_strtok_r(NULL, ",", &sx);
			ty = strtok_r(NULL, ",", &sy);
		}
		strcpy(x, inputs[i]);
		strcpy(y, inputs[i]);
		for (;;) {
			char *a = toro_strsep(&px, ","), *b = strsep(&py, ",");

			CHECK((a == NULL) == (b == NULL));
			if (!a || !b)
				break;
			CHECK_STR_EQ(a, b);
		}
	}
}

UNIT_TEST(libc_ctype_matches_glibc_c_locale)
{
	int (*ours[])(int) = { toro_isalnum, toro_isalpha, toro_isblank,
			       toro_iscntrl, toro_isdigit, toro_isgraph,
			       toro_islower, toro_isprint, toro_ispunct,
			       toro_isspace, toro_isupper, toro_isxdigit };
	int (*theirs[])(int) = { isalnum, isalpha, isblank, iscntrl, isdigit,
				 isgraph, islower, isprint, ispunct, isspace,
				 isupper, isxdigit };

	for (int c = -1; c < 256; c++) {
		for (unsigned f = 0; f < sizeof(ours) / sizeof(ours[0]); f++)
			CHECK_EQ(!!ours[f](c), !!theirs[f](c));
		CHECK_EQ(toro_tolower(c), tolower(c));
		CHECK_EQ(toro_toupper(c), toupper(c));
	}
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

UNIT_TEST(libc_qsort_and_bsearch)
{
	static int v[20000], w[20000];
	size_t sizes[] = { 0, 1, 2, 3, 16, 17, 100, 1000, 20000 };

	unit_seed(3);

	for (unsigned k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		for (int pattern = 0; pattern < 5; pattern++) {
			size_t n = sizes[k];

			for (size_t i = 0; i < n; i++)
				v[i] = pattern == 0 ? (int)unit_rand() :
				       pattern == 1 ? (int)i :		 /* sorted */
				       pattern == 2 ? (int)(n - i) :	 /* reversed */
				       pattern == 3 ? 7 :		 /* all equal */
						      (int)(unit_rand() % 3);  /* few values */
			memcpy(w, v, n * sizeof(int));
			toro_qsort(v, n, sizeof(int), cmp_int);
			qsort(w, n, sizeof(int), cmp_int);
			CHECK(memcmp(v, w, n * sizeof(int)) == 0);
			for (size_t i = 0; i < n; i += 1 + n / 50) {
				int *hit = toro_bsearch(&v[i], v, n, sizeof(int),
							cmp_int);

				CHECK(hit && *hit == v[i]);
			}
			int missing = INT32_MIN;

			CHECK(n == 0 || v[0] == INT32_MIN ||
			      !toro_bsearch(&missing, v, n, sizeof(int), cmp_int));
		}
	}
	/* Elements wider than a word. */
	struct wide {
		int key;
		char pad[37];
	} s[300], t[300];

	for (int i = 0; i < 300; i++) {
		s[i].key = unit_rand() % 1000;
		memset(s[i].pad, s[i].key, sizeof(s[i].pad));
	}
	memcpy(t, s, sizeof(s));
	toro_qsort(s, 300, sizeof(s[0]), cmp_int);
	qsort(t, 300, sizeof(t[0]), cmp_int);
	for (int i = 0; i < 300; i++) {
		CHECK_EQ(s[i].key, t[i].key);
		CHECK_EQ(s[i].pad[36], (char)s[i].key);
	}
}

UNIT_TEST(libc_rand_sequences_match_glibc)
{
	unsigned seeds[] = { 0, 1, 2, 42, 12345, 0xffffffffu };

	CHECK_EQ(toro_rand(), (srand(1), rand()));	/* unseeded == seed 1 */
	for (unsigned i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		toro_srand(seeds[i]);
		srand(seeds[i]);
		for (int k = 0; k < 1000; k++)
			CHECK_EQ(toro_rand(), rand());
		unsigned a = seeds[i], b = seeds[i];

		for (int k = 0; k < 1000; k++)
			CHECK_EQ(toro_rand_r(&a), rand_r(&b));
	}
}
