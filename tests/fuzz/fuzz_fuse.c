// SPDX-License-Identifier: MIT
/*
 * What the virtio-fs daemon answers (fs/fuse_reply.c). Input: the length
 * the device reports as used (le32), then the reply buffer, whose size is
 * the room the request gave. A reply the checks accept has its body read
 * as a READDIR listing, entry by entry, as a READLINK target, and for
 * attributes where GETATTR and LOOKUP replies hold them; ASan sees any
 * read past the buffer, and every entry must lie inside the body.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "../../fs/fuse.h"
#include "fuzz.h"

#define UNIQUE	1	/* the request the reply must answer */

static void walk_dirents(const char *body, size_t len)
{
	struct fuse_dirent_view ent;
	const char *why = NULL;
	long pos = 0, next;

	while ((next = fuse_dirent_next(body, len, pos, &ent, &why)) > 0) {
		FUZZ_CHECK(next > pos && (size_t)next <= len);
		FUZZ_CHECK(fuzz_inside(ent.name, ent.namelen, body, len));
		FUZZ_CHECK(ent.namelen > 0 && !memchr(ent.name, '/',
						      ent.namelen));
		pos = next;
	}
	FUZZ_CHECK(next == 0 || (next == -EIO && why));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuse_out_header h = { 0 };
	const char *why = NULL;
	uint32_t used;

	if (size < sizeof(used))
		return 0;
	memcpy(&used, data, sizeof(used));
	const char *reply = (const char *)data + sizeof(used);
	size_t room = size - sizeof(used);

	/* The client reads the header from its own buffer, which always
	 * has room for one. */
	memcpy(&h, reply, room < sizeof(h) ? room : sizeof(h));
	long rc = fuse_reply_check(&h, used, room, UNIQUE, &why);

	/* A bad reply is -EIO with a reason; the daemon's own errors
	 * (-EIO among them) come without one. */
	FUZZ_CHECK(!why || rc == -EIO);
	if (rc < 0) {
		FUZZ_CHECK(rc >= -FUSE_ERRNO_MAX);
		return 0;
	}
	FUZZ_CHECK((size_t)rc + sizeof(h) <= room);
	const char *body = reply + sizeof(h);

	walk_dirents(body, rc);
	/* A link target the check accepts is non-empty and has no NUL. */
	why = NULL;
	long n = fuse_link_check(body, rc, &why);

	FUZZ_CHECK(n == rc ? rc > 0 && !memchr(body, '\0', rc) :
			     n == -EIO && why);
	/* Where replies carry attributes: GETATTR's fuse_attr_out, LOOKUP's
	 * fuse_entry_out. */
	static const size_t attr_at[] = {
		offsetof(struct fuse_attr_out, attr),
		offsetof(struct fuse_entry_out, attr),
	};

	for (size_t i = 0; i < sizeof(attr_at) / sizeof(attr_at[0]); i++) {
		struct fuse_attr a;

		if ((size_t)rc < attr_at[i] + sizeof(a))
			continue;
		memcpy(&a, body + attr_at[i], sizeof(a));
		(void)fuse_attr_check(&a);
	}
	return 0;
}
