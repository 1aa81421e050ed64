/* SPDX-License-Identifier: MIT */
/*
 * A reader of cpio archives in the "newc" (magic 070701) and "crc"
 * (070702) formats, the ones Linux initramfs and `cpio -H newc` use
 * (fs/cpio.c). It never reads outside the archive it is given and hands out
 * pointers into it: nothing is copied. Pure code, tested on the host.
 */
#ifndef KERNEL_CPIO_H
#define KERNEL_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpio_entry {
	const char *name;	/* NUL-terminated, in the archive */
	size_t name_len;	/* strlen(name) */
	const void *data;	/* (size) bytes, in the archive */
	uint64_t size;
	uint32_t ino, mode, uid, gid, nlink;
	uint32_t dev_major, dev_minor, rdev_major, rdev_minor;
	uint32_t mtime;		/* seconds since 1970 */
};

struct cpio_iter {
	const unsigned char *base;
	size_t size;
	size_t pos;		/* of the next header */
	bool done;		/* the trailer or an error was read */
	int error;		/* that error, returned again */
};

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t size);

/*
 * Reads the next entry into (e). Returns 1, 0 after the "TRAILER!!!"
 * entry (what follows it is ignored), or -EINVAL for a malformed or
 * truncated archive: a bad magic or hex field, a name that is empty, not
 * NUL-terminated or holding a NUL, data or padding past the end, no
 * trailer, an unknown file type, a directory with data, or (for "crc") a
 * checksum that does not match. After an error every call returns it.
 */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e);

#endif /* KERNEL_CPIO_H */
