// SPDX-License-Identifier: MIT
/* The cpio reader: well-formed archives, and every way to break one. Each
 * archive sits in a heap block of exactly its size, so ASan catches any
 * read past its end. */
#define _GNU_SOURCE	/* memmem */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/cpio.h>

#include "cpio_build.h"
#include "unit.h"

/* Reads every entry; returns the count, or the error. */
static int walk(const void *p, size_t n)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int count = 0, rc;

	cpio_iter_init(&it, p, n);
	while ((rc = cpio_next(&it, &e)) > 0) {
		count++;
		/* Everything handed out lies inside the archive. */
		if ((const char *)e.name < (const char *)p ||
		    e.name + e.name_len >= (const char *)p + n)
			return -1000;
		if (e.size && ((const char *)e.data < (const char *)p ||
			       (const char *)e.data + e.size >
				       (const char *)p + n))
			return -1001;
	}
	if (cpio_next(&it, &e) != rc)	/* the end stays the end */
		return -1002;
	return rc < 0 ? rc : count;
}

/* A copy of (n) bytes in a block of exactly that size. */
static void *exact(const void *p, size_t n)
{
	void *q = malloc(n ? n : 1);

	memcpy(q, p, n);
	return q;
}

static void sample(struct cpio_buf *b, const char *magic)
{
	cpio_buf_init(b, magic);
	cpio_add(b, ".", 040755, NULL, 0);
	cpio_add(b, "hello.txt", 0100644, "Hello!\n", 7);
	cpio_add(b, "dir", 040755, NULL, 0);
	cpio_add(b, "dir/x", 0100600, "abcd", 4);
	cpio_add(b, "link", 0120777, "hello.txt", 9);
	cpio_add(b, "empty", 0100644, NULL, 0);
	cpio_trailer(b);
}

UNIT_TEST(cpio_reads_entries)
{
	struct cpio_buf b;
	struct cpio_iter it;
	struct cpio_entry e;

	sample(&b, "070701");
	cpio_iter_init(&it, b.data, b.len);
	CHECK_EQ(cpio_next(&it, &e), 1);
	CHECK_STR_EQ(e.name, ".");
	CHECK_EQ(e.mode, 040755);
	CHECK_EQ(cpio_next(&it, &e), 1);
	CHECK_STR_EQ(e.name, "hello.txt");
	CHECK_EQ(e.name_len, 9);
	CHECK_EQ(e.size, 7);
	CHECK(memcmp(e.data, "Hello!\n", 7) == 0);
	CHECK_EQ(e.mtime, 1700000000);
	CHECK_EQ(e.nlink, 1);
	CHECK_EQ(cpio_next(&it, &e), 1);
	CHECK_EQ(cpio_next(&it, &e), 1);
	CHECK_STR_EQ(e.name, "dir/x");
	CHECK(memcmp(e.data, "abcd", 4) == 0);
	CHECK_EQ(cpio_next(&it, &e), 1);
	CHECK_EQ(e.mode & 0170000, 0120000);
	CHECK_EQ(cpio_next(&it, &e), 1);
	CHECK_EQ(e.size, 0);
	CHECK_EQ(cpio_next(&it, &e), 0);
	CHECK_EQ(cpio_next(&it, &e), 0);
	CHECK_EQ(walk(b.data, b.len), 6);
	/* Padding after the trailer, as cpio(1) writes, is ignored. */
	cpio_pad(&b, 512);
	CHECK_EQ(walk(b.data, b.len), 6);
	free(b.data);
}

UNIT_TEST(cpio_crc_format)
{
	struct cpio_buf b;

	sample(&b, "070702");
	CHECK_EQ(walk(b.data, b.len), 6);
	/* Flip one data byte: the checksum no longer matches. */
	char *p = memmem(b.data, b.len, "Hello!", 6);

	REQUIRE(p);
	p[0] = 'J';
	CHECK_EQ(walk(b.data, b.len), -EINVAL);
	free(b.data);
}

UNIT_TEST(cpio_every_truncation_fails_cleanly)
{
	struct cpio_buf b;
	size_t trailer_end;

	sample(&b, "070701");
	/* The trailer's header and name, without its padding. */
	trailer_end = b.len - cpio_pad_of(110 + 11);
	for (size_t n = 0; n <= b.len; n++) {
		void *p = exact(b.data, n);
		int rc = walk(p, n);

		if (n >= trailer_end)
			CHECK_EQ(rc, 6);
		else if (!CHECK_EQ(rc, -EINVAL))
			fprintf(stderr, "    cut at %zu of %zu\n", n, b.len);
		free(p);
	}
	free(b.data);
}

/* The sample with one header field of the second entry replaced. */
static int with_field(int field, const char *value)
{
	struct cpio_buf b;

	sample(&b, "070701");
	/* The second header starts after the first entry ("." + pad). */
	size_t second = 112 + cpio_pad_of(112);

	if (field < 0)
		memcpy(b.data + second, value, 6);
	else
		memcpy(b.data + second + 6 + 8 * field, value, 8);
	void *p = exact(b.data, b.len);
	int rc = walk(p, b.len);

	free(p);
	free(b.data);
	return rc;
}

UNIT_TEST(cpio_bad_headers)
{
	CHECK_EQ(with_field(-1, "070707"), -EINVAL);	/* old binary-ish */
	CHECK_EQ(with_field(-1, "070700"), -EINVAL);
	CHECK_EQ(with_field(-1, "xxxxxx"), -EINVAL);
	for (int f = 0; f < 13; f++) {
		CHECK_EQ(with_field(f, "0000000g"), -EINVAL);
		CHECK_EQ(with_field(f, " 0000001"), -EINVAL);
		CHECK_EQ(with_field(f, "-0000001"), -EINVAL);
	}
	/* Uppercase hex is hex. */
	CHECK_EQ(with_field(0, "ABCDEF01"), 6);
	/* Sizes: data past the end, names too long, too short. */
	CHECK_EQ(with_field(6, "FFFFFFFF"), -EINVAL);
	CHECK_EQ(with_field(6, "00001000"), -EINVAL);
	CHECK_EQ(with_field(11, "FFFFFFFF"), -EINVAL);
	CHECK_EQ(with_field(11, "00000000"), -EINVAL);
	CHECK_EQ(with_field(11, "00000001"), -EINVAL);	/* "" */
	CHECK_EQ(with_field(11, "00000009"), -EINVAL);	/* NUL not last */
	/* Modes: no type, an unknown type, a directory with data. */
	CHECK_EQ(with_field(1, "00000644"), -EINVAL);
	CHECK_EQ(with_field(1, "000F0644"), -EINVAL);
	CHECK_EQ(with_field(1, "000041ED"), -EINVAL);
}

UNIT_TEST(cpio_bad_names_and_trailers)
{
	struct cpio_buf b;

	/* A NUL inside the name. */
	cpio_buf_init(&b, "070701");
	cpio_add_full(&b, "ab\0cd", 5, 0100644, "x", 1, 1, 1);
	cpio_trailer(&b);
	CHECK_EQ(walk(b.data, b.len), -EINVAL);
	free(b.data);

	/* No trailer at all. */
	cpio_buf_init(&b, "070701");
	cpio_add(&b, "a", 0100644, "x", 1);
	CHECK_EQ(walk(b.data, b.len), -EINVAL);
	free(b.data);

	/* Zero bytes where a header should be. */
	cpio_buf_init(&b, "070701");
	cpio_add(&b, "a", 0100644, "x", 1);
	cpio_pad(&b, 512);
	CHECK_EQ(walk(b.data, b.len), -EINVAL);
	free(b.data);

	/* Empty input, and only a trailer. */
	CHECK_EQ(walk("", 0), -EINVAL);
	cpio_buf_init(&b, "070701");
	cpio_trailer(&b);
	CHECK_EQ(walk(b.data, b.len), 0);
	free(b.data);
}

UNIT_TEST(cpio_random_damage)
{
	struct cpio_buf b;

	unit_seed(4);
	sample(&b, "070701");
	for (int round = 0; round < 20000; round++) {
		char *p = exact(b.data, b.len);
		size_t n = b.len;

		for (int k = 0, hits = 1 + unit_rand_below(4); k < hits; k++)
			p[unit_rand_below(n)] = unit_rand();
		if (unit_rand_below(4) == 0)
			n = unit_rand_below(n);
		int rc = walk(p, n);

		CHECK(rc == -EINVAL || (rc >= 0 && rc <= 6));
		free(p);
	}
	free(b.data);
}
