// SPDX-License-Identifier: MIT
/*
 * cpio "newc"/"crc" archives: a 110-byte ASCII header (a 6-byte magic and
 * 13 fields of 8 hex digits), the NUL-terminated name, padding to 4 bytes,
 * the data, padding to 4 bytes; the last entry is "TRAILER!!!". Every
 * field is checked and every length compared with what is left of the
 * archive before it is used.
 */
#include <errno.h>
#include <string.h>

#include <kernel/cpio.h>

#define CPIO_HEADER_LEN	110
#define CPIO_TRAILER	"TRAILER!!!"

/* Header fields, in order after the magic. */
enum {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
	F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK,
	F_COUNT
};

/* File types (mode & 0170000) an archive may hold. */
static bool known_type(uint32_t mode)
{
	switch (mode & 0170000) {
	case 0140000:	/* socket */
	case 0120000:	/* symbolic link */
	case 0100000:	/* regular */
	case 0060000:	/* block device */
	case 0040000:	/* directory */
	case 0020000:	/* character device */
	case 0010000:	/* FIFO */
		return true;
	default:
		return false;
	}
}

static int hex8(const unsigned char *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		unsigned c = p[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EINVAL;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

/* (n) rounded up to 4, or SIZE_MAX when that overflows. */
static size_t pad4(size_t n)
{
	return n > SIZE_MAX - 3 ? SIZE_MAX : (n + 3) & ~(size_t)3;
}

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t size)
{
	it->base = archive;
	it->size = size;
	it->pos = 0;
	it->done = false;
	it->error = 0;
}

static int parse(struct cpio_iter *it, struct cpio_entry *e)
{
	const unsigned char *h = it->base + it->pos;
	size_t left = it->size - it->pos;
	uint32_t f[F_COUNT];
	bool crc;

	if (left < CPIO_HEADER_LEN)
		return -EINVAL;
	if (memcmp(h, "070701", 6) == 0)
		crc = false;
	else if (memcmp(h, "070702", 6) == 0)
		crc = true;
	else
		return -EINVAL;
	for (int i = 0; i < F_COUNT; i++)
		if (hex8(h + 6 + 8 * i, &f[i]))
			return -EINVAL;

	/* The name: (namesize) counts its NUL, which must be its only one. */
	size_t namesize = f[F_NAMESIZE];

	if (namesize < 2 || namesize > left - CPIO_HEADER_LEN)
		return -EINVAL;
	const char *name = (const char *)h + CPIO_HEADER_LEN;

	if (name[namesize - 1] != '\0' || memchr(name, 0, namesize - 1))
		return -EINVAL;
	size_t data_off = pad4(CPIO_HEADER_LEN + namesize);
	size_t size = f[F_FILESIZE];
	bool trailer = strcmp(name, CPIO_TRAILER) == 0;

	/* The trailer has no data and may end the archive without its
	 * padding; anything else must fit whole, padding included, so the
	 * next header starts inside the archive or exactly at its end. */
	if (trailer ? size != 0
		    : data_off > left || pad4(size) > left - data_off)
		return -EINVAL;
	if (!known_type(f[F_MODE]) && !trailer)
		return -EINVAL;
	if ((f[F_MODE] & 0170000) == 0040000 && size != 0)
		return -EINVAL;

	/* No pointer past the end for an empty trailer without padding. */
	const unsigned char *data = size ? h + data_off : NULL;

	if (crc) {
		uint32_t sum = 0;

		for (size_t i = 0; i < size; i++)
			sum += data[i];
		if (sum != f[F_CHECK])
			return -EINVAL;
	}
	*e = (struct cpio_entry){
		.name = name,
		.name_len = namesize - 1,
		.data = data,
		.size = size,
		.ino = f[F_INO],
		.mode = f[F_MODE],
		.uid = f[F_UID],
		.gid = f[F_GID],
		.nlink = f[F_NLINK],
		.dev_major = f[F_DEVMAJOR],
		.dev_minor = f[F_DEVMINOR],
		.rdev_major = f[F_RDEVMAJOR],
		.rdev_minor = f[F_RDEVMINOR],
		.mtime = f[F_MTIME],
	};
	if (trailer) {
		it->done = true;
		return 0;
	}
	it->pos += data_off + pad4(size);
	return 1;
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e)
{
	if (it->done)
		return it->error;
	int rc = parse(it, e);

	if (rc < 0) {
		it->done = true;
		it->error = rc;
	}
	return rc;
}
