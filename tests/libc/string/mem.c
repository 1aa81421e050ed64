// SPDX-License-Identifier: MIT
/* <string.h>, <strings.h>, <memory.h>: the memory and string functions,
 * at every alignment and length around the word size. */
#define _GNU_SOURCE
#include <memory.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "check.h"

static unsigned sum(const unsigned char *p, size_t n)
{
	unsigned h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void aligned_copies(void)
{
	unsigned char src[96], dst[96];
	unsigned h = 0;

	for (int i = 0; i < 96; i++)
		src[i] = (unsigned char)(i * 7 + 3);
	for (int so = 0; so < 8; so++)
		for (int d = 0; d < 8; d++)
			for (int n = 0; n < 40; n++) {
				memset(dst, 0xee, sizeof(dst));
				void *r = memcpy(dst + d, src + so, n);
				CHECK(r == dst + d);
				CHECK(memcmp(dst + d, src + so, n) == 0);
				CHECK(dst[d + n] == 0xee);
				if (d)
					CHECK(dst[d - 1] == 0xee);
				h = h * 31 + sum(dst, sizeof(dst));
			}
	printf("memcpy hash %08x\n", h);
	/* Overlapping moves both ways. */
	for (int n = 0; n < 40; n++)
		for (int off = -9; off <= 9; off++) {
			unsigned char a[96], b[96];

			for (int i = 0; i < 96; i++)
				a[i] = b[i] = (unsigned char)i;
			memmove(a + 40 + off, a + 40, n);
			for (int i = 0; i < n; i++)
				b[40 + off + i] = (unsigned char)(40 + i);
			CHECK(memcmp(a, b, 96) == 0);
		}
	unsigned char z[64];
	for (int n = 0; n < 64; n++) {
		memset(z, 1, sizeof(z));
		memset(z + (n & 7), 0x5a, 64 - (n & 7) - (n > 56 ? 0 : n % 7));
		h = h * 31 + sum(z, sizeof(z));
	}
	printf("memset hash %08x\n", h);
}

static int sgn(int x)
{
	return (x > 0) - (x < 0);
}

static void compares(void)
{
	const char *words[] = {"",    "a",   "ab",	"abc",
			       "abd", "b",   "\xff",	"\x80x",
			       "ABC", "aBc", "abc\xff", "abcd"};
	int n = sizeof(words) / sizeof(words[0]);

	for (int i = 0; i < n; i++) {
		printf("%2d:", i);
		for (int j = 0; j < n; j++)
			printf(" %+d%+d%+d%+d", sgn(strcmp(words[i], words[j])),
			       sgn(strncmp(words[i], words[j], 2)),
			       sgn(strcasecmp(words[i], words[j])),
			       sgn(memcmp(
				       words[i], words[j],
				       1 + (strlen(words[i]) < strlen(words[j])
						    ? strlen(words[i])
						    : strlen(words[j])))));
		printf("\n");
	}
	CHECK(strncasecmp("HELLOx", "helloY", 5) == 0);
	CHECK(bcmp("abc", "abd", 2) == 0 && bcmp("abc", "abd", 3) != 0);
}

static void searches(void)
{
	const char *s = "the quick brown fox jumps over the lazy dog";
	char buf[64];

	printf("strchr %td strrchr %td strchrnul %td memchr %td memrchr %td\n",
	       strchr(s, 'o') - s, strrchr(s, 'o') - s, strchrnul(s, 'Z') - s,
	       (char *)memchr(s, 'z', 40) - s, (char *)memrchr(s, 't', 43) - s);
	CHECK(strchr(s, 0) == s + strlen(s));
	CHECK(memchr(s, 'g', 42) == NULL);
	printf("strstr %td %td %s\n", strstr(s, "the") - s,
	       strstr(s + 1, "the") - s, strstr(s, "cat") ? "?" : "null");
	printf("strcasestr %td memmem %td\n", strcasestr(s, "LAZY") - s,
	       (char *)memmem(s, strlen(s), "ox j", 4) - s);
	CHECK(strstr(s, "") == s);
	printf("strspn %zu strcspn %zu strpbrk %td\n", strspn(s, "eht "),
	       strcspn(s, "qxz"), strpbrk(s, "xyz") - s);
	printf("strlen %zu strnlen %zu %zu\n", strlen(s), strnlen(s, 10),
	       strnlen(s, 100));
	/* Search every byte value at every offset. */
	unsigned char all[300];
	for (int i = 0; i < 300; i++)
		all[i] = (unsigned char)(i % 256);
	for (int c = 0; c < 256; c++) {
		CHECK((unsigned char *)memchr(all, c, 300) == all + c);
		CHECK((unsigned char *)memrchr(all, c, 300) ==
		      all + (c < 44 ? c + 256 : c));
	}
	strcpy(buf, "abc");
	strcat(buf, "def");
	strncat(buf, "ghijkl", 3);
	printf("strcat %s\n", buf);
	char *e = stpcpy(buf, "xy");
	e = stpncpy(e, "zw", 5);
	printf("stpcpy %s %td %d%d%d\n", buf, e - buf, buf[4], buf[5], buf[6]);
	memset(buf, 'q', sizeof(buf));
	strncpy(buf, "hi", 6);
	print_hex("strncpy", buf, 8);
	printf("strlcpy %zu %s ", strlcpy(buf, "truncated text", 6), buf);
	printf("strlcat %zu %s\n", strlcat(buf, "more", 8), buf);
	void *m = memccpy(buf, "copy:until:colon", ':', 20);
	printf("memccpy %td\n", (char *)m - buf);
	CHECK(mempcpy(buf, "12345", 5) == buf + 5);
	char *d = strdup(s), *nd = strndup(s, 9);
	printf("strdup %s|%s\n", d, nd);
	free(d);
	free(nd);
}

static void tokens(void)
{
	char line[] = "  alpha, beta,,gamma ;delta  ";
	char *save, *t;

	for (t = strtok_r(line, " ,;", &save); t;
	     t = strtok_r(NULL, " ,;", &save))
		printf("tok <%s>\n", t);
	char line2[] = "a:b::c";
	char *p = line2;
	while ((t = strsep(&p, ":")))
		printf("sep <%s>\n", t);
	char line3[] = "x y";
	printf("strtok %s %s %p\n", strtok(line3, " "), strtok(NULL, " "),
	       (void *)strtok(NULL, " "));
}

static void bits(void)
{
	int v[] = {0, 1, 2, 3, 0x80, 0x100, -1, INT32_MIN, 0x40000000};

	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		printf("ffs(%#x)=%d ffsl=%d ffsll=%d\n", v[i], ffs(v[i]),
		       ffsl((long)v[i] << 8), ffsll((long long)v[i] << 33));
	char a[8] = "abcdefg", b[8];
	bcopy(a, b, 8);
	bzero(a, 3);
	printf("bcopy %s bzero %d%d%d%c\n", b, a[0], a[1], a[2], a[3]);
	printf("index %td rindex %td\n", index(b, 'c') - b, rindex(b, 'a') - b);
	char sw[6] = "abcdef", out[6];
	swab(sw, out, 6);
	printf("swab %.6s\n", out);
	printf("strverscmp %d %d %d\n", strverscmp("a9", "a10") < 0,
	       strverscmp("000", "00") < 0, strverscmp("1.2", "1.10") < 0);
	char mf[] = "abc";
	explicit_bzero(mf, 3);
	CHECK(mf[0] == 0 && mf[2] == 0);
}

int test_mem(void)
{
	aligned_copies();
	compares();
	searches();
	tokens();
	bits();
	return 0;
}
