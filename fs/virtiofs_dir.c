// SPDX-License-Identifier: MIT
/*
 * Open directories on virtio-fs: OPENDIR, then READDIR replies read into
 * a buffer of the file's own and handed out an entry at a time; each entry
 * carries the offset (cookie) to ask for the ones after it, which is also
 * the file's offset for the VFS, which serialises readdir calls. Entries
 * are checked (fuse_reply.c) before their names are copied out. Plain
 * READDIR, not READDIRPLUS: the VFS wants names and types, and READDIRPLUS
 * would take a lookup of every entry, to be forgotten again.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <kernel/heap.h>

#include "virtiofs.h"

static struct virtiofs_file *to_vf(struct vfs_file *f)
{
	return f->priv;
}

/* Asks the daemon for the entries from (vf->cookie) on. */
static int refill(struct virtiofs_file *vf)
{
	struct fuse_read_in in = {
		.fh = vf->fh,
		.offset = vf->cookie,
		.size = VIRTIOFS_DIRBUF,
	};
	struct virtq_buf arg = { &in, sizeof(in) };
	struct virtq_buf res = { vf->buf, VIRTIOFS_DIRBUF };
	long rc = fuse_call(vf->fs, FUSE_READDIR, vf->nodeid, &arg, 1, &res,
			    1);

	if (rc < 0)
		return (int)rc;
	vf->len = (size_t)rc;
	vf->pos = 0;
	vf->eof = rc == 0;
	return 0;
}

/* The next entry into (d): 1, 0 at the end, or -errno. */
static int next_entry(struct virtiofs_file *vf, struct fuse_dirent_view *d)
{
	const char *why = NULL;

	if (vf->pos == vf->len) {
		if (vf->eof)
			return 0;
		int rc = refill(vf);

		if (rc)
			return rc;
		if (vf->eof)
			return 0;
	}
	long next = fuse_dirent_next(vf->buf, vf->len, vf->pos, d, &why);

	/* An entry whose offset does not move on would have us ask for
	 * the same batch forever. */
	if (next > 0 && d->off == vf->cookie)
		why = "directory offset does not advance";
	if (next <= 0 || why) {
		virtiofs_warn(vf->fs, FUSE_READDIR,
			      why ? why : "empty directory entry");
		/* Drop the batch: the next call asks the daemon again
		 * rather than trusting any of it. */
		vf->len = vf->pos = 0;
		return -EIO;
	}
	vf->pos = (size_t)next;
	vf->cookie = d->off;
	return 1;
}

static int dir_readdir(struct vfs_file *f, struct vfs_dirent *ent)
{
	struct virtiofs_file *vf = to_vf(f);
	struct fuse_dirent_view d;
	int rc;

	/* f->offset is the daemon's cookie for where we are. The VFS sets
	 * it to 0 to rewind; then what we hold is stale. */
	if (f->offset != vf->cookie) {
		vf->cookie = f->offset;
		vf->len = vf->pos = 0;
		vf->eof = false;
	}
	/* "." and ".." come as the daemon lists them (first, from a
	 * Linux host), as the other filesystems give them. */
	rc = next_entry(vf, &d);
	f->offset = vf->cookie;
	if (rc != 1)
		return rc;
	ent->ino = d.ino;
	ent->type = d.type;
	memcpy(ent->name, d.name, d.namelen);
	ent->name[d.namelen] = '\0';
	return 1;
}

static int dir_close(struct vfs_file *f)
{
	struct virtiofs_file *vf = to_vf(f);

	virtiofs_release(vf->fs, FUSE_RELEASEDIR, vf->nodeid, vf->fh,
			 vf->flags);
	fuse_forget(vf->fs, vf->nodeid, 1);
	heap_free(vf->buf);
	heap_free(vf);
	return 0;
}

static const struct vfs_file_ops dir_ops = {
	.fstat = virtiofs_fstat,
	.setattr = virtiofs_fsetattr,
	.readdir = dir_readdir,
	.close = dir_close,
};

int virtiofs_opendir(struct virtiofs *fs, uint64_t nodeid, int flags,
		     struct vfs_file *f)
{
	struct virtiofs_file *vf = heap_alloc(sizeof(*vf));
	char *buf = heap_alloc(VIRTIOFS_DIRBUF);

	if (!vf || !buf) {
		heap_free(vf);
		heap_free(buf);
		return -ENOMEM;
	}
	struct fuse_open_in in = { .flags = (uint32_t)flags & VFS_ACCMODE };
	struct fuse_open_out out;
	struct virtq_buf arg = { &in, sizeof(in) };
	int rc = fuse_call_fixed(fs, FUSE_OPENDIR, nodeid, &arg, 1, &out,
				 sizeof(out));

	if (rc) {
		heap_free(vf);
		heap_free(buf);
		return rc;
	}
	memset(vf, 0, sizeof(*vf));
	vf->fs = fs;
	vf->nodeid = nodeid;
	vf->fh = out.fh;
	vf->flags = in.flags;
	vf->dir = true;
	vf->buf = buf;
	f->ops = &dir_ops;
	f->priv = vf;
	return 0;
}
