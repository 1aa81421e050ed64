// SPDX-License-Identifier: MIT
/*
 * The checks the virtio-fs client puts FUSE replies through (fs/fuse_reply.c):
 * good replies pass, every kind of garbage is -EIO with a reason, and no
 * directory listing, however mangled, makes the parser read outside it
 * (ASan watches: each listing lives in a block of exactly its length).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../fs/fuse.h"
#include "unit.h"

static long check(uint32_t len, int32_t error, uint64_t unique, uint32_t used,
		  uint32_t room, const char **why)
{
	struct fuse_out_header h = { .len = len, .error = error,
				     .unique = unique };

	*why = NULL;
	return fuse_reply_check(&h, used, room, 7, why);
}

UNIT_TEST(fuse_reply_good)
{
	const char *why;

	CHECK_EQ(check(16, 0, 7, 16, 16, &why), 0);
	CHECK_EQ(check(16 + 128, 0, 7, 144, 200, &why), 128);
	CHECK_EQ(check(16, -ENOENT, 7, 16, 200, &why), -ENOENT);
	CHECK_EQ(check(16, -4095, 7, 16, 16, &why), -4095);
	CHECK(why == NULL);
}

UNIT_TEST(fuse_reply_garbage)
{
	const char *why;

	/* Shorter than a header, by the device's count or its own. */
	CHECK_EQ(check(16, 0, 7, 15, 100, &why), -EIO);
	CHECK(why != NULL);
	CHECK_EQ(check(0, 0, 7, 0, 100, &why), -EIO);
	/* The header and the device disagree about the length. */
	CHECK_EQ(check(40, 0, 7, 32, 100, &why), -EIO);
	CHECK_EQ(check(32, 0, 7, 40, 100, &why), -EIO);
	/* Longer than the buffers (a device that the ring check missed). */
	CHECK_EQ(check(200, 0, 7, 200, 100, &why), -EIO);
	/* Someone else's reply. */
	CHECK_EQ(check(16, 0, 8, 16, 16, &why), -EIO);
	/* Errors out of range, or with a body. */
	CHECK_EQ(check(16, 5, 7, 16, 16, &why), -EIO);
	CHECK_EQ(check(16, -4096, 7, 16, 16, &why), -EIO);
	CHECK_EQ(check(16, INT32_MIN, 7, 16, 16, &why), -EIO);
	CHECK_EQ(check(24, -ENOENT, 7, 24, 100, &why), -EIO);
	CHECK(why != NULL);
}

/* Appends an entry to (buf) at (*len); returns the bytes it took. */
static size_t put(char *buf, size_t *len, uint64_t ino, uint64_t off,
		  const char *name, uint32_t namelen, uint32_t type)
{
	struct fuse_dirent d = { .ino = ino, .off = off, .namelen = namelen,
				 .type = type };
	size_t rec = (sizeof(d) + namelen + 7) & ~(size_t)7;

	memcpy(buf + *len, &d, sizeof(d));
	memset(buf + *len + sizeof(d), 0, rec - sizeof(d));
	memcpy(buf + *len + sizeof(d), name, strlen(name));
	*len += rec;
	return rec;
}

/* Parses (src, len) from a block of exactly (len) bytes; returns how many
 * entries came out before the end (>= 0) or -1 on -EIO. */
static int parse_all(const char *src, size_t len)
{
	char *buf = malloc(len ? len : 1);
	struct fuse_dirent_view v;
	const char *why;
	size_t pos = 0;
	int n = 0;

	memcpy(buf, src, len);
	for (;;) {
		why = NULL;
		long next = fuse_dirent_next(buf, len, pos, &v, &why);

		if (next == 0)
			break;
		if (next < 0) {
			CHECK(why != NULL);
			n = -1;
			break;
		}
		CHECK((size_t)next > pos && (size_t)next <= len);
		CHECK(v.name >= buf && v.name + v.namelen <= buf + len);
		pos = (size_t)next;
		n++;
	}
	free(buf);
	return n;
}

UNIT_TEST(fuse_dirent_good)
{
	char buf[512];
	size_t len = 0;
	struct fuse_dirent_view v;
	const char *why = NULL;

	put(buf, &len, 1, 1, ".", 1, 4);
	put(buf, &len, 2, 2, "..", 2, 4);
	put(buf, &len, 42, 3, "exactly8", 8, 8);
	put(buf, &len, 43, 4, "a-longer-name.txt", 17, 8);
	CHECK_EQ(parse_all(buf, len), 4);

	long next = fuse_dirent_next(buf, len, 0, &v, &why);

	CHECK_EQ(next, 32);
	next = fuse_dirent_next(buf, len, 64, &v, &why);
	CHECK_EQ(next, 96);
	CHECK_EQ(v.ino, 42);
	CHECK_EQ(v.off, 3);
	CHECK_EQ(v.type, 8);
	CHECK_EQ(v.namelen, 8);
	CHECK(memcmp(v.name, "exactly8", 8) == 0);
	CHECK_EQ(parse_all(buf, 0), 0);
}

UNIT_TEST(fuse_dirent_garbage)
{
	char buf[512], name[300];
	size_t len = 0;

	put(buf, &len, 2, 1, "first", 5, 8);
	put(buf, &len, 3, 2, "second", 6, 8);
	/* Cut anywhere but at an entry's end: -EIO, never an overrun. */
	for (size_t cut = 0; cut < len; cut++)
		CHECK_EQ(parse_all(buf, cut),
			 cut == 0 ? 0 : cut == 32 ? 1 : -1);

	len = 0;
	put(buf, &len, 2, 1, "", 0, 8);		/* empty name */
	CHECK_EQ(parse_all(buf, len), -1);
	memset(name, 'x', sizeof(name));
	name[256] = '\0';
	len = 0;
	put(buf, &len, 2, 1, name, 256, 8);	/* name too long */
	CHECK_EQ(parse_all(buf, len), -1);
	len = 0;
	put(buf, &len, 2, 1, "a/b", 3, 8);	/* a slash */
	CHECK_EQ(parse_all(buf, len), -1);
	len = 0;
	put(buf, &len, 2, 1, "ab", 3, 8);	/* a NUL inside the length */
	CHECK_EQ(parse_all(buf, len), -1);
	len = 0;
	put(buf, &len, 2, 1, "ok", 2, 16);	/* no such type */
	CHECK_EQ(parse_all(buf, len), -1);

	/* A length that would wrap a 32-bit sum. */
	struct fuse_dirent d = { .namelen = UINT32_MAX - 7 };

	memcpy(buf, &d, sizeof(d));
	CHECK_EQ(parse_all(buf, sizeof(d) + 8), -1);
}

UNIT_TEST(fuse_dirent_random)
{
	char buf[256];

	unit_seed(26);
	/* Random bytes, with plausible name lengths mixed in so some
	 * entries get past the first checks. */
	for (int round = 0; round < 20000; round++) {
		size_t len = unit_rand_below(sizeof(buf) + 1);

		for (size_t i = 0; i < len; i++)
			buf[i] = (char)unit_rand();
		for (size_t at = 16; at + 4 <= len;
		     at += 8 * (1 + unit_rand_below(4))) {
			uint32_t n = unit_rand_below(40);

			memcpy(buf + at, &n, 4);
			buf[at + 4] = (char)unit_rand_below(16);
		}
		CHECK(parse_all(buf, len) >= -1);
	}
}

UNIT_TEST(fuse_attr_checks)
{
	struct fuse_attr a = { .size = 10, .mode = 0100644, .mtimensec = 5 };

	CHECK(fuse_attr_check(&a) == NULL);
	a.mode = 040755;
	CHECK(fuse_attr_check(&a) == NULL);
	a.mode = 0644;		/* no type */
	CHECK(fuse_attr_check(&a) != NULL);
	a.mode = 0100644;
	a.atimensec = 1000000000;
	CHECK(fuse_attr_check(&a) != NULL);
	a.atimensec = 0;
	a.size = (uint64_t)INT64_MAX + 1;
	CHECK(fuse_attr_check(&a) != NULL);
}

UNIT_TEST(fuse_link_checks)
{
	const char *why = NULL;

	CHECK(fuse_link_check("a/b", 3, &why) == 3 && why == NULL);
	CHECK(fuse_link_check("x", -ENOENT, &why) == -ENOENT && !why);
	CHECK(fuse_link_check("", 0, &why) == -EIO && why != NULL);
	why = NULL;
	CHECK(fuse_link_check("a\0b", 3, &why) == -EIO && why != NULL);
}
