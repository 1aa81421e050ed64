/* SPDX-License-Identifier: MIT */
/* What the cases of test_files share: the initrd's contents, a check. */
#ifndef TEST_FILES_H
#define TEST_FILES_H

#define HELLO_TEXT	"Hello, initrd!\n"
#define BIG_LINES	3000
#define BIG_LINE_LEN	33	/* "%05d abcdefghijklmnopqrstuvwxyz\n" */
#define BIG_SIZE	(BIG_LINES * BIG_LINE_LEN)

/* (expr) fails with errno (err). */
#define EXPECT_FAILS(expr, err)                                                \
	do {                                                                   \
		errno = 0;                                                     \
		EXPECT_EQ((expr), -1);                                         \
		EXPECT_EQ(errno, (err));                                       \
	} while (0)

/* Whether (n) bytes at (p) are big.txt's from offset (off). */
int big_matches(const char *p, long off, long n);

#endif /* TEST_FILES_H */
