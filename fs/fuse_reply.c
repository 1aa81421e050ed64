// SPDX-License-Identifier: MIT
/*
 * What a FUSE reply must look like before the virtio-fs client believes
 * any of it: a header that matches what the device says it wrote and the
 * request it answers, an error in range, directory entries that stay
 * inside the reply. The daemon is another program on the host and may be
 * buggy or hostile; nothing here trusts a length it sent. Pure code, so
 * the host unit tests feed it garbage under ASan (tests/unit/test_fuse.c).
 */
#include <errno.h>
#include <string.h>

#include "fuse.h"

#define DIRENT_NAME_MAX	255	/* as NAME_MAX */

long fuse_reply_check(const struct fuse_out_header *out, uint32_t used,
		      uint32_t room, uint64_t unique, const char **why)
{
	if (used < sizeof(*out)) {
		*why = "reply shorter than its header";
		return -EIO;
	}
	if (out->len != used) {
		*why = "reply length differs from what the device wrote";
		return -EIO;
	}
	if (used > room) {
		*why = "reply longer than its buffers";
		return -EIO;
	}
	if (out->unique != unique) {
		*why = "reply to another request";
		return -EIO;
	}
	if (out->error > 0 || out->error < -FUSE_ERRNO_MAX) {
		*why = "error number out of range";
		return -EIO;
	}
	if (out->error) {
		if (used != sizeof(*out)) {
			*why = "error reply with a body";
			return -EIO;
		}
		return out->error;
	}
	return (long)(used - sizeof(*out));
}

long fuse_dirent_next(const void *buf, size_t len, size_t pos,
		      struct fuse_dirent_view *ent, const char **why)
{
	struct fuse_dirent d;

	if (pos == len)
		return 0;
	/* Checked as differences, so no sum can wrap. */
	if (pos > len || len - pos < sizeof(d)) {
		*why = "directory entry runs past the reply";
		return -EIO;
	}
	memcpy(&d, (const char *)buf + pos, sizeof(d));
	if (d.namelen == 0 || d.namelen > DIRENT_NAME_MAX) {
		*why = "directory entry with a bad name length";
		return -EIO;
	}
	/* Each entry is padded to 8 bytes, the last one too. */
	size_t rec = (sizeof(d) + d.namelen + 7) & ~(size_t)7;

	if (rec > len - pos) {
		*why = "directory entry runs past the reply";
		return -EIO;
	}
	const char *name = (const char *)buf + pos + sizeof(d);

	if (memchr(name, '/', d.namelen) || memchr(name, '\0', d.namelen)) {
		*why = "directory entry name holds '/' or NUL";
		return -EIO;
	}
	if (d.type > 15) {
		*why = "directory entry of an unknown type";
		return -EIO;
	}
	ent->ino = d.ino;
	ent->off = d.off;
	ent->type = d.type;
	ent->name = name;
	ent->namelen = d.namelen;
	return (long)(pos + rec);
}

const char *fuse_attr_check(const struct fuse_attr *a)
{
	if (a->atimensec >= 1000000000 || a->mtimensec >= 1000000000 ||
	    a->ctimensec >= 1000000000)
		return "attributes with nanoseconds beyond a second";
	/* A size no off_t can hold would turn negative in struct stat. */
	if (a->size > INT64_MAX || a->blocks > INT64_MAX)
		return "attributes with an impossible size";
	switch (a->mode & 0170000) {
	case 0140000: case 0120000: case 0100000: case 0060000:
	case 0040000: case 0020000: case 0010000:
		return NULL;
	default:
		return "attributes of an unknown file type";
	}
}

long fuse_link_check(const char *target, long len, const char **why)
{
	if (len == 0)
		*why = "empty link target";
	else if (len > 0 && memchr(target, '\0', (size_t)len))
		*why = "link target holds a NUL";
	else
		return len;
	return -EIO;
}
