/* SPDX-License-Identifier: MIT */
/* Building cpio archives in memory for the unit tests. */
#ifndef CPIO_BUILD_H
#define CPIO_BUILD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cpio_buf {
	char *data;
	size_t len;
	const char *magic;
	unsigned ino;
};

static inline size_t cpio_pad_of(size_t n)
{
	return (4 - n % 4) % 4;
}

static inline void cpio_put(struct cpio_buf *b, const void *p, size_t n)
{
	b->data = realloc(b->data, b->len + n + 1);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static inline void cpio_pad(struct cpio_buf *b, size_t to)
{
	static const char zeros[512];

	cpio_put(b, zeros, (to - b->len % to) % to);
}

static inline void cpio_buf_init(struct cpio_buf *b, const char *magic)
{
	b->data = NULL;
	b->len = 0;
	b->magic = magic;
	b->ino = 0;
}

/* An entry with every field; (name) is (name_len) bytes, NULs allowed. */
static inline void cpio_add_full(struct cpio_buf *b, const char *name,
				 size_t name_len, unsigned mode,
				 const void *data, size_t size, unsigned ino,
				 unsigned nlink)
{
	char h[111];
	unsigned sum = 0;

	for (size_t i = 0; i < size; i++)
		sum += ((const unsigned char *)data)[i];
	if (strcmp(b->magic, "070702") != 0)
		sum = 0;
	snprintf(h, sizeof(h),
		 "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08zX%08X",
		 b->magic, ino, mode, 0, 0, nlink, 1700000000, (unsigned)size,
		 0, 0, 0, 0, name_len + 1, sum);
	cpio_put(b, h, 110);
	cpio_put(b, name, name_len);
	cpio_put(b, "", 1);
	cpio_pad(b, 4);
	if (size)
		cpio_put(b, data, size);
	cpio_pad(b, 4);
}

static inline void cpio_add(struct cpio_buf *b, const char *name,
			    unsigned mode, const void *data, size_t size)
{
	cpio_add_full(b, name, strlen(name), mode, data, size, ++b->ino, 1);
}

static inline void cpio_trailer(struct cpio_buf *b)
{
	cpio_add_full(b, "TRAILER!!!", 10, 0, NULL, 0, 0, 1);
}

#endif /* CPIO_BUILD_H */
