// SPDX-License-Identifier: MIT
/* <stdio.h> over files: fopen modes, reads and writes through the
 * buffer, seeking, ungetc, setvbuf, freopen, getline/getdelim, error and
 * end-of-file flags, remove and rename; <stdio_ext.h>. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static void dump(const char *path)
{
	char buf[256];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;

	printf("%s (%zu):", path, n);
	for (size_t i = 0; i < n; i++)
		printf(buf[i] >= ' ' && buf[i] < 127 ? "%c" : "\\%03o",
		       (unsigned char)buf[i]);
	printf("\n");
	if (f)
		fclose(f);
}

static void modes(void)
{
	FILE *f = fopen("m.txt", "w");

	CHECK(f && fputs("first line\nsecond\n", f) >= 0);
	CHECK(fclose(f) == 0);
	f = fopen("m.txt", "a");
	fprintf(f, "appended %d\n", 3);
	fclose(f);
	dump("m.txt");
	f = fopen("m.txt", "r+");
	fseek(f, 6, SEEK_SET);
	fputs("LINE", f);
	fseek(f, 0, SEEK_END);
	printf("size %ld\n", ftell(f));
	fclose(f);
	f = fopen("m.txt", "a+");
	char l[32];
	CHECK(fgets(l, sizeof(l), f) != NULL);
	printf("a+ reads from the start: %s", l);
	fputs("tail\n", f);
	fclose(f);
	dump("m.txt");
	errno = 0;
	CHECK(fopen("m.txt", "wx") == NULL && errno == EEXIST);
	errno = 0;
	CHECK(fopen("missing/x", "r") == NULL && errno == ENOENT);
	errno = 0;
	CHECK(fopen("m.txt", "q") == NULL && errno == EINVAL);
	f = fopen("m.txt", "re");
	CHECK(f != NULL);
	fclose(f);
	f = fopen("m.txt", "w+");
	fwrite("0123456789", 1, 10, f);
	rewind(f);
	printf("getc %c ", getc(f));
	CHECK(ungetc('X', f) == 'X');
	printf("after ungetc %c %c ftell %ld\n", fgetc(f), fgetc(f), ftell(f));
	fpos_t pos;
	CHECK(fgetpos(f, &pos) == 0);
	fgetc(f);
	fsetpos(f, &pos);
	printf("fsetpos back: %c\n", fgetc(f));
	fseeko(f, -2, SEEK_END);
	printf("fseeko end-2: %c ftello %lld\n", fgetc(f),
	       (long long)ftello(f));
	CHECK(fgetc(f) == '9' && fgetc(f) == EOF && feof(f) && !ferror(f));
	clearerr(f);
	CHECK(!feof(f));
	fseek(f, 20, SEEK_SET);
	fputc('!', f);
	fclose(f);
	dump("m.txt");
	/* Writing to a stream opened for reading is an error. */
	f = fopen("m.txt", "r");
	CHECK(fputc('x', f) == EOF && ferror(f));
	fclose(f);
}

static void buffering(void)
{
	static char buf[64];
	FILE *f = fopen("b.txt", "w");

	CHECK(setvbuf(f, buf, _IOFBF, sizeof(buf)) == 0);
	fputs("buffered", f);
	printf("pending %zu bufsize %zu writing %d\n", __fpending(f),
	       __fbufsize(f), __fwriting(f));
	dump("b.txt");
	fflush(f);
	dump("b.txt");
	fclose(f);
	f = fopen("b.txt", "w");
	setvbuf(f, NULL, _IONBF, 0);
	fputs("unbuffered", f);
	dump("b.txt");
	fclose(f);
	f = fopen("b.txt", "w");
	setvbuf(f, NULL, _IOLBF, 32);
	fputs("line\npartial", f);
	dump("b.txt");
	printf("linebuf %d\n", __flbf(f));
	fclose(f);
	f = fopen("b.txt", "r");
	printf("reading %d readable %d writable %d\n", __freading(f),
	       __freadable(f), __fwritable(f));
	fclose(f);
}

static void lines(void)
{
	FILE *f = fopen("l.txt", "w");

	fputs("one\n\nthree has more words\nno newline at end", f);
	fclose(f);
	f = fopen("l.txt", "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) != -1)
		printf("getline %zd <%.*s>\n", n,
		       (int)(n && line[n - 1] == '\n' ? n - 1 : n), line);
	CHECK(feof(f));
	rewind(f);
	while ((n = getdelim(&line, &cap, ' ', f)) != -1)
		printf("getdelim %zd\n", n);
	free(line);
	fclose(f);
	f = fopen("l.txt", "r");
	char small[5];
	while (fgets(small, sizeof(small), f))
		printf("fgets <%s>\n", small);
	fclose(f);
	char rec[4][8];
	f = fopen("r.bin", "w+");
	for (int i = 0; i < 4; i++)
		snprintf(rec[i], 8, "rec%d", i);
	printf("fwrite %zu\n", fwrite(rec, 8, 4, f));
	rewind(f);
	memset(rec, 0, sizeof(rec));
	printf("fread %zu %s %s\n", fread(rec, 8, 5, f), rec[0], rec[3]);
	printf("eof %d\n", feof(f));
	fclose(f);
}

static void names(void)
{
	FILE *f = fopen("old.txt", "w");

	fputs("x", f);
	fclose(f);
	CHECK(rename("old.txt", "new.txt") == 0);
	CHECK(access("old.txt", F_OK) == -1 && access("new.txt", F_OK) == 0);
	f = freopen("new.txt", "a", fopen("new.txt", "r"));
	CHECK(f != NULL);
	fputs("y", f);
	fclose(f);
	dump("new.txt");
	CHECK(remove("new.txt") == 0);
	CHECK_ERR(remove("new.txt"), ENOENT);
	FILE *d = fdopen(dup(1), "w");
	CHECK(d != NULL);
	fprintf(d, "through fdopen\n");
	fclose(d);
	printf("fileno %d %d %d\n", fileno(stdin), fileno(stdout),
	       fileno(stderr));
	flockfile(stdout);
	putc_unlocked('u', stdout);
	fputs_unlocked("nlocked\n", stdout);
	funlockfile(stdout);
	CHECK(ftrylockfile(stdout) == 0);
	funlockfile(stdout);
}

int test_file(void)
{
	modes();
	buffering();
	lines();
	names();
	return 0;
}
