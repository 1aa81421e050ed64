// SPDX-License-Identifier: MIT
/* <stdio.h>'s streams over memory: fmemopen in every mode,
 * open_memstream and open_wmemstream, fopencookie. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "check.h"

static void fmem(void)
{
	char buf[16] = "hello world";
	FILE *f = fmemopen(buf, 11, "r");
	char w[8];

	CHECK(f != NULL);
	printf("fscanf %d ", fscanf(f, "%7s", w));
	printf("<%s> ftell %ld getc %d\n", w, ftell(f), getc(f));
	fseek(f, -3, SEEK_END);
	printf("end-3 <%c> ", getc(f));
	printf("seek past end %d\n", fseek(f, 12, SEEK_SET));
	fclose(f);
	memset(buf, 'z', sizeof(buf));
	f = fmemopen(buf, sizeof(buf), "w");
	fprintf(f, "%d-%d", 12, 34);
	fflush(f);
	print_hex("w after flush", buf, 8);
	fclose(f);
	memset(buf, 'z', sizeof(buf));
	f = fmemopen(buf, 8, "w");
	setvbuf(f, NULL, _IONBF, 0);
	int r = fprintf(f, "0123456789");
	printf("overflow fprintf %d ", r);
	print_hex("buf", buf, 10);
	fclose(f);
	strcpy(buf, "abc");
	f = fmemopen(buf, sizeof(buf), "a+");
	fputs("de", f);
	fflush(f);
	rewind(f);
	char all[16] = "";
	CHECK(fgets(all, sizeof(all), f) != NULL);
	printf("a+ <%s> <%s>\n", buf, all);
	fclose(f);
	f = fmemopen(NULL, 32, "w+");
	CHECK(f != NULL);
	fputs("scratch", f);
	rewind(f);
	CHECK(fgets(all, sizeof(all), f) && strcmp(all, "scratch") == 0);
	fclose(f);
	f = fmemopen(buf, 0, "r");
	CHECK(f == NULL || fgetc(f) == EOF);
	if (f)
		fclose(f);
}

static void memstream(void)
{
	char *p = NULL;
	size_t n = 99;
	FILE *f = open_memstream(&p, &n);

	CHECK(f != NULL);
	fprintf(f, "grows:");
	fflush(f);
	printf("after flush %zu <%s>\n", n, p);
	for (int i = 0; i < 1000; i++)
		fprintf(f, "%d,", i);
	fflush(f);
	printf("size %zu tail <%s>\n", n, p + n - 8);
	fseek(f, 3, SEEK_SET);
	fputs("XY", f);
	fflush(f);
	printf("after seek size %zu <%.10s>\n", n, p);
	fseek(f, 0, SEEK_END);
	fseek(f, 5, SEEK_CUR);
	fputc('!', f);
	fclose(f);
	printf("final %zu ends %02x%02x%02x%02x\n", n, (unsigned char)p[n - 3],
	       (unsigned char)p[n - 2], (unsigned char)p[n - 1],
	       (unsigned char)p[n]);
	free(p);
	wchar_t *wp = NULL;
	size_t wn;
	f = open_wmemstream(&wp, &wn);
	fwprintf(f, L"w%d%ls", 42, L"ide");
	fputwc(L'\u00e9', f);
	fclose(f);
	printf("wmemstream %zu:", wn);
	for (size_t i = 0; i <= wn; i++)
		printf(" %x", (unsigned)wp[i]);
	printf("\n");
	free(wp);
}

struct cookie {
	char data[64];
	size_t len, pos;
};

static ssize_t c_read(void *c, char *b, size_t n)
{
	struct cookie *k = c;
	size_t m = k->len - k->pos < n ? k->len - k->pos : n;

	memcpy(b, k->data + k->pos, m);
	k->pos += m;
	return (ssize_t)m;
}

static ssize_t c_write(void *c, const char *b, size_t n)
{
	struct cookie *k = c;

	for (size_t i = 0; i < n && k->len < sizeof(k->data); i++)
		k->data[k->len++] =
			b[i] >= 'a' && b[i] <= 'z' ? b[i] - 32 : b[i];
	return (ssize_t)n;
}

static void cookies(void)
{
	struct cookie k = {"", 0, 0};
	cookie_io_functions_t io = {.read = c_read, .write = c_write};
	FILE *f = fopencookie(&k, "w+", io);

	CHECK(f != NULL);
	fprintf(f, "shout %d", 1);
	fflush(f);
	printf("cookie <%.*s>\n", (int)k.len, k.data);
	char b[16] = "";
	CHECK(fgets(b, sizeof(b), f) != NULL);
	printf("read back <%s>\n", b);
	fclose(f);
}

int test_memstream(void)
{
	fmem();
	memstream();
	cookies();
	return 0;
}
