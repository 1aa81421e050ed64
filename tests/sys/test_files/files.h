/* SPDX-License-Identifier: MIT */
/* What the cases of test_files share: the initrd's contents. */
#ifndef TEST_FILES_H
#define TEST_FILES_H

#define HELLO_TEXT	"Hello, initrd!\n"
#define BIG_LINES	3000
#define BIG_LINE_LEN	33	/* "%05d abcdefghijklmnopqrstuvwxyz\n" */
#define BIG_SIZE	(BIG_LINES * BIG_LINE_LEN)

/* Whether (n) bytes at (p) are big.txt's from offset (off). */
int big_matches(const char *p, long off, long n);

#endif /* TEST_FILES_H */
