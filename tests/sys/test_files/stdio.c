// SPDX-License-Identifier: MIT
/* Streams on initrd files: fopen, fgets, fread, fseek and friends. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <toro/test.h>

#include "files.h"

TEST(stdio, fgets_lines)
{
	char line[64], want[64];
	int n = 0;
	FILE *f = fopen("/lines.txt", "r");

	ASSERT_NOT_NULL(f);
	while (fgets(line, sizeof(line), f)) {
		n++;
		snprintf(want, sizeof(want), "line %d of ten\n", n);
		EXPECT_STREQ(line, want);
	}
	EXPECT_EQ(n, 10);
	EXPECT_TRUE(feof(f));
	EXPECT_FALSE(ferror(f));
	EXPECT_NULL(fgets(line, sizeof(line), f));
	EXPECT_EQ(fclose(f), 0);
}

TEST(stdio, fgets_short_buffer)
{
	char part[6];
	FILE *f = fopen("/lines.txt", "rb");

	ASSERT_NOT_NULL(f);
	EXPECT_STREQ(fgets(part, sizeof(part), f), "line ");
	EXPECT_STREQ(fgets(part, sizeof(part), f), "1 of ");
	EXPECT_STREQ(fgets(part, sizeof(part), f), "ten\n");
	EXPECT_STREQ(fgets(part, 2, f), "l");
	EXPECT_STREQ(fgets(part, 1, f), "");
	fclose(f);
}

TEST(stdio, fread_whole_and_chunks)
{
	static char buf[BIG_SIZE + 10];
	FILE *f = fopen("/big.txt", "r");

	ASSERT_NOT_NULL(f);
	/* A small read (buffered), then a large one (straight through). */
	EXPECT_EQ(fread(buf, 1, 10, f), 10);
	EXPECT_EQ(fread(buf + 10, 1, sizeof(buf) - 10, f), BIG_SIZE - 10);
	EXPECT_TRUE(big_matches(buf, 0, BIG_SIZE));
	EXPECT_TRUE(feof(f));
	rewind(f);
	EXPECT_FALSE(feof(f));
	/* Records: whole items only. */
	EXPECT_EQ(fread(buf, BIG_LINE_LEN, 100, f), 100);
	EXPECT_TRUE(big_matches(buf, 0, BIG_LINE_LEN * 100));
	EXPECT_EQ(ftell(f), BIG_LINE_LEN * 100);
	EXPECT_EQ(fclose(f), 0);
}

TEST(stdio, seek_tell_getc_ungetc)
{
	FILE *f = fopen("/big.txt", "r");

	ASSERT_NOT_NULL(f);
	EXPECT_EQ(fgetc(f), '0');
	EXPECT_EQ(getc(f), '0');
	EXPECT_EQ(ftell(f), 2);
	EXPECT_EQ(fseek(f, 33 * 42, SEEK_SET), 0);
	EXPECT_EQ(ftell(f), 33 * 42);
	char num[6] = { 0 };

	EXPECT_EQ(fread(num, 1, 5, f), 5);
	EXPECT_STREQ(num, "00042");
	EXPECT_EQ(fseek(f, -5, SEEK_CUR), 0);
	EXPECT_EQ(fgetc(f), '0');
	EXPECT_EQ(ungetc('Z', f), 'Z');
	EXPECT_EQ(ftell(f), 33 * 42);
	EXPECT_EQ(fgetc(f), 'Z');
	EXPECT_EQ(fgetc(f), '0');
	EXPECT_EQ(fseek(f, -1, SEEK_END), 0);
	EXPECT_EQ(fgetc(f), '\n');
	EXPECT_EQ(fgetc(f), EOF);
	EXPECT_TRUE(feof(f));
	EXPECT_EQ(fseek(f, -1, SEEK_SET), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(fileno(f) >= 3, 1);
	EXPECT_EQ(fclose(f), 0);
}

TEST(stdio, getline)
{
	char *line = NULL;
	size_t cap = 0;
	int n = 0;
	ssize_t len;
	FILE *f = fopen("/lines.txt", "r");

	ASSERT_NOT_NULL(f);
	while ((len = getline(&line, &cap, f)) > 0) {
		n++;
		EXPECT_EQ(len, (ssize_t)strlen(line));
		EXPECT_EQ(line[len - 1], '\n');
	}
	EXPECT_EQ(n, 10);
	free(line);
	fclose(f);
}

TEST(stdio, fdopen_and_errors)
{
	int fd = open("/hello.txt", O_RDONLY);
	char buf[32] = { 0 };

	ASSERT_GE(fd, 0);
	/* (A mode the descriptor does not allow is the caller's mistake:
	 * glibc says EINVAL, musl leaves it to the first write.) */
	FILE *f = fdopen(fd, "r");

	ASSERT_NOT_NULL(f);
	EXPECT_STREQ(fgets(buf, sizeof(buf), f), HELLO_TEXT);
	/* Writing a read-only stream fails and sets the error flag. */
	EXPECT_EQ(fputs("nope", f), EOF);
	EXPECT_LT(fprintf(f, "%d\n", 12345), 100);
	EXPECT_EQ(fflush(f), 0);
	EXPECT_TRUE(ferror(f));
	clearerr(f);
	EXPECT_FALSE(ferror(f));
	EXPECT_EQ(fclose(f), 0);
	EXPECT_EQ(close(fd), -1);	/* fclose closed it */

	errno = 0;
	EXPECT_NULL(fopen("/nowhere", "r"));
	EXPECT_EQ(errno, ENOENT);
	EXPECT_NULL(fopen("/hello.txt", "q"));
	EXPECT_EQ(errno, EINVAL);
}

TEST(stdio, fprintf_to_console)
{
	/* vfprintf on the console streams still goes straight out. */
	EXPECT_EQ(fprintf(stdout, "stdio: %s %d\n", "printf works", 7), 22);
	EXPECT_EQ(fprintf(stderr, "stdio: to stderr\n"), 17);
	EXPECT_EQ(fflush(NULL), 0);
	EXPECT_EQ(fflush(stdout), 0);
}
