// SPDX-License-Identifier: MIT
/*
 * Open regular files on virtio-fs: OPEN or CREATE gives a handle (fh) the
 * daemon keeps an open host file for; READ and WRITE move data straight
 * between the caller's buffer and the host, cut to the negotiated sizes
 * with several pieces in flight; close is FLUSH, RELEASE, then FORGET of
 * the node the file held.
 *
 * All but READ and WRITE are one round trip to virtiofsd each, next to
 * which their own code is nothing: they are built for size (__cold), as
 * virtiofs_node.c and virtiofs_dir.c are; file_io() is not.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <kernel/compiler.h>
#include <kernel/heap.h>

#include "virtiofs.h"

/* The most one call moves, as Linux's MAX_RW_COUNT: a count stays
 * positive as a ssize_t and an int. */
#define IO_MAX		0x7ffff000u

/* open() flags the daemon acts on. O_EXCL goes only with CREATE (and
 * O_CREAT never, see create()); the rest (O_CLOEXEC, O_NOCTTY...) mean
 * nothing to the host. O_APPEND is the VFS's (it writes at the size), but
 * the host file gets it too, so that appends from two opens of a file
 * cannot overlap. */
#define OPEN_FLAGS	(VFS_ACCMODE | O_APPEND | O_TRUNC | O_SYNC | O_DSYNC | \
			 O_NONBLOCK)

static const struct vfs_file_ops file_ops;

static struct virtiofs_file *to_vf(struct vfs_file *f)
{
	return f->priv;
}

__cold void virtiofs_release(struct virtiofs *fs, uint32_t opcode,
			     uint64_t nodeid, uint64_t fh, uint32_t flags)
{
	struct fuse_release_in in = { .fh = fh, .flags = flags };
	struct virtq_buf arg = { &in, sizeof(in) };

	fuse_call_fixed(fs, opcode, nodeid, &arg, 1, NULL, 0);
}

static __cold int setattr_size(struct virtiofs *fs, uint64_t nodeid,
			       uint64_t fh, uint64_t size)
{
	struct fuse_setattr_in in = {
		.valid = FATTR_SIZE | FATTR_FH,
		.fh = fh,
		.size = size,
	};
	struct fuse_attr_out out;
	struct virtq_buf arg = { &in, sizeof(in) };

	return fuse_call_fixed(fs, FUSE_SETATTR, nodeid, &arg, 1, &out,
			       sizeof(out));
}

/* Makes (f) the open file (fh) of (nodeid), whose lookup it takes. */
static __cold int attach(struct virtiofs *fs, uint64_t nodeid, uint64_t fh,
			 uint32_t flags, struct vfs_file *f)
{
	struct virtiofs_file *vf = heap_alloc(sizeof(*vf));

	if (!vf) {
		virtiofs_release(fs, FUSE_RELEASE, nodeid, fh, flags);
		return -ENOMEM;
	}
	memset(vf, 0, sizeof(*vf));
	vf->fs = fs;
	vf->nodeid = nodeid;
	vf->fh = fh;
	vf->flags = flags;
	f->ops = &file_ops;
	f->priv = vf;
	return 0;
}

/* OPEN of an existing node; on failure the caller still holds it. */
static __cold int open_node(struct virtiofs *fs, uint64_t nodeid, int flags,
			    struct vfs_file *f)
{
	uint32_t oflags = (uint32_t)flags & OPEN_FLAGS;
	bool trunc = (flags & O_TRUNC) && (flags & VFS_ACCMODE) != O_RDONLY;

	/* A daemon that does not take O_TRUNC with OPEN gets a SETATTR. */
	if (!(fs->flags & FUSE_ATOMIC_O_TRUNC))
		oflags &= ~(uint32_t)O_TRUNC;
	else
		trunc = false;

	struct fuse_open_in in = { .flags = oflags };
	struct fuse_open_out out;
	struct virtq_buf arg = { &in, sizeof(in) };
	int rc = fuse_call_fixed(fs, FUSE_OPEN, nodeid, &arg, 1, &out,
				 sizeof(out));

	if (rc)
		return rc;
	if (trunc) {
		rc = setattr_size(fs, nodeid, out.fh, 0);
		if (rc) {
			virtiofs_release(fs, FUSE_RELEASE, nodeid, out.fh,
					 oflags);
			return rc;
		}
	}
	return attach(fs, nodeid, out.fh, oflags, f);
}

/*
 * CREATE makes the file and opens it; with O_EXCL the daemon fails with
 * EEXIST if the name exists. O_CREAT itself is left out of the flags: the
 * daemon adds it to make the file, and QEMU's virtiofsd passes the flags
 * on unchanged, mode-less, to open a file that turns out to exist, which
 * glibc stops with an abort. We only get there for a name that a LOOKUP
 * just found missing, or with O_EXCL, as Linux does.
 */
static __cold int create(struct virtiofs *fs, const char *path, int flags,
			 mode_t mode, struct vfs_file *f)
{
	uint32_t oflags = (uint32_t)flags & OPEN_FLAGS;
	const char *name;
	uint64_t dir;
	int rc = virtiofs_parent(fs, path, &dir, &name);

	if (rc)
		return rc;
	struct fuse_create_in in = {
		.flags = oflags | ((uint32_t)flags & O_EXCL),
		.mode = S_IFREG | (mode & 07777),
	};
	struct {
		struct fuse_entry_out e;
		struct fuse_open_out o;
	} out;
	struct virtq_buf args[2] = { { &in, sizeof(in) },
				     { (void *)name, strlen(name) + 1 } };

	STATIC_ASSERT(sizeof(out) == 144, "CREATE reply layout");
	rc = fuse_call_fixed(fs, FUSE_CREATE, dir, args, 2, &out,
			     sizeof(out));
	fuse_forget(fs, dir, 1);
	if (rc)
		return rc;
	rc = virtiofs_entry_check(fs, FUSE_CREATE, &out.e);
	if (!rc && !S_ISREG(out.e.attr.mode)) {
		virtiofs_warn(fs, FUSE_CREATE, "created something else");
		rc = -EIO;
	}
	if (rc) {
		virtiofs_release(fs, FUSE_RELEASE, out.e.nodeid, out.o.fh,
				 oflags);
		fuse_forget(fs, out.e.nodeid, 1);
		return rc;
	}
	rc = attach(fs, out.e.nodeid, out.o.fh, oflags, f);
	if (rc)
		fuse_forget(fs, out.e.nodeid, 1);
	return rc;
}

__cold int virtiofs_open(struct vfs_mount *m, const char *path, int flags,
			 mode_t mode, struct vfs_file *f)
{
	struct virtiofs *fs = m->priv;
	struct fuse_entry_out e;
	int acc = flags & VFS_ACCMODE;

	if (acc == VFS_ACCMODE)
		return -EINVAL;
	if (flags & O_CREAT) {
		if (flags & O_DIRECTORY)
			return -EINVAL;
		if (!*path)	/* the root exists and is a directory */
			return flags & O_EXCL ? -EEXIST : -EISDIR;
		if (flags & O_EXCL)
			return create(fs, path, flags, mode, f);
	}
	int rc = virtiofs_lookup(fs, path, strlen(path), &e);

	if (rc == -ENOENT && (flags & O_CREAT))
		return create(fs, path, flags, mode, f);
	if (rc)
		return rc;
	if (S_ISDIR(e.attr.mode))
		rc = acc == O_RDONLY && !(flags & O_CREAT) ?
			     virtiofs_opendir(fs, e.nodeid, flags, f) :
			     -EISDIR;
	else if (flags & O_DIRECTORY)
		rc = -ENOTDIR;
	else if (S_ISLNK(e.attr.mode))
		rc = -ELOOP;	/* the VFS follows links; O_NOFOLLOW */
	else if (S_ISFIFO(e.attr.mode))
		rc = VFS_OPEN_FIFO;	/* a pipe in the guest, as on Linux */
	else if (!S_ISREG(e.attr.mode))
		rc = -ENXIO;	/* no devices behind host nodes */
	else
		rc = open_node(fs, e.nodeid, flags, f);
	if (rc)
		fuse_forget(fs, e.nodeid, 1);
	return rc;
}

/* One READ or WRITE of a transfer, and what it needs while in flight. */
struct io_piece {
	struct fuse_msg m;
	union {
		struct fuse_read_in r;
		struct fuse_write_in w;
	} arg;
	struct fuse_write_out wout;
	uint32_t size;
};

static int io_submit(struct virtiofs_file *vf, struct io_piece *p,
		     bool write, char *buf, uint64_t off)
{
	struct virtq_buf arg, data = { buf, p->size };

	if (write) {
		struct virtq_buf args[2] = { { &p->arg.w, sizeof(p->arg.w) },
					     data };
		struct virtq_buf res = { &p->wout, sizeof(p->wout) };

		p->arg.w = (struct fuse_write_in){
			.fh = vf->fh, .offset = off, .size = p->size,
			.flags = vf->flags,
		};
		return fuse_submit(vf->fs, &p->m, FUSE_WRITE, vf->nodeid,
				   args, 2, &res, 1);
	}
	p->arg.r = (struct fuse_read_in){
		.fh = vf->fh, .offset = off, .size = p->size,
		.flags = vf->flags,
	};
	arg = (struct virtq_buf){ &p->arg.r, sizeof(p->arg.r) };
	return fuse_submit(vf->fs, &p->m, FUSE_READ, vf->nodeid, &arg, 1,
			   &data, 1);
}

/* Bytes the piece moved, or -errno. */
static long io_finish(struct virtiofs_file *vf, struct io_piece *p,
		      bool write)
{
	long rc = fuse_finish(vf->fs, &p->m);

	if (rc < 0 || !write)
		return rc;	/* a read's body is its data, checked to fit */
	if (rc != sizeof(p->wout) || p->wout.size > p->size) {
		virtiofs_warn(vf->fs, FUSE_WRITE, "bad write count");
		return -EIO;
	}
	return p->wout.size;
}

/*
 * Moves (n) bytes at (off) in pieces of the negotiated size, up to
 * VIRTIOFS_INFLIGHT at once, taken back in order. A short piece (end of
 * file, full disk) or an error ends the transfer: what came before it
 * counts, what was in flight after it is waited for and ignored.
 */
static ssize_t file_io(struct virtiofs_file *vf, bool write, char *buf,
		       size_t n, uint64_t off)
{
	struct io_piece pieces[VIRTIOFS_INFLIGHT];
	uint32_t chunk = write ? vf->fs->max_write : vf->fs->max_read;
	unsigned head = 0, tail = 0;	/* in flight: [tail, head) */
	size_t issued = 0, done = 0;
	bool stop = false;
	long err = 0;

	if (off > INT64_MAX)
		return -EINVAL;
	n = MIN(n, (size_t)IO_MAX);
	if (n > INT64_MAX - off)
		return write ? -EFBIG : 0;
	for (;;) {
		if (!stop && issued < n && head - tail < VIRTIOFS_INFLIGHT) {
			struct io_piece *p = &pieces[head % VIRTIOFS_INFLIGHT];

			p->size = (uint32_t)MIN(n - issued, (size_t)chunk);
			int rc = io_submit(vf, p, write, buf + issued,
					   off + issued);

			if (rc) {
				err = rc;
				stop = true;
				continue;
			}
			head++;
			issued += p->size;
			continue;
		}
		if (head == tail)
			break;
		struct io_piece *p = &pieces[tail++ % VIRTIOFS_INFLIGHT];
		long got = io_finish(vf, p, write);

		if (stop)
			continue;
		if (got < 0) {
			err = got;
			stop = true;
			continue;
		}
		done += (size_t)got;
		if (got < p->size)
			stop = true;
	}
	return done ? (ssize_t)done : err;
}

static ssize_t file_read(struct vfs_file *f, void *buf, size_t n,
			 uint64_t off)
{
	struct virtiofs_file *vf = to_vf(f);

	if ((vf->flags & VFS_ACCMODE) == O_WRONLY)
		return -EBADF;
	return file_io(vf, false, buf, n, off);
}

static ssize_t file_write(struct vfs_file *f, const void *buf, size_t n,
			  uint64_t off)
{
	struct virtiofs_file *vf = to_vf(f);

	if ((vf->flags & VFS_ACCMODE) == O_RDONLY)
		return -EBADF;
	/* The daemon only reads the buffer; the cast is for the chain. */
	return file_io(vf, true, (char *)buf, n, off);
}

__cold int virtiofs_fstat(struct vfs_file *f, struct stat *st)
{
	struct virtiofs_file *vf = to_vf(f);
	struct fuse_getattr_in in = { 0 };
	struct fuse_attr_out out;
	struct virtq_buf arg = { &in, sizeof(in) };

	if (!vf->dir) {
		in.getattr_flags = FUSE_GETATTR_FH;
		in.fh = vf->fh;
	}
	int rc = fuse_call_fixed(vf->fs, FUSE_GETATTR, vf->nodeid, &arg, 1,
				 &out, sizeof(out));

	if (rc)
		return rc;
	const char *why = fuse_attr_check(&out.attr);

	if (why) {
		virtiofs_warn(vf->fs, FUSE_GETATTR, why);
		return -EIO;
	}
	virtiofs_stat_fill(&out.attr, st);
	return 0;
}

static __cold int file_fsync(struct vfs_file *f)
{
	struct virtiofs_file *vf = to_vf(f);
	struct fuse_fsync_in in = { .fh = vf->fh };
	struct virtq_buf arg = { &in, sizeof(in) };
	int rc = fuse_call_fixed(vf->fs, FUSE_FSYNC, vf->nodeid, &arg, 1,
				 NULL, 0);

	/* A daemon without FSYNC writes through: nothing to wait for. */
	return rc == -ENOSYS ? 0 : rc;
}

__cold int virtiofs_fsetattr(struct vfs_file *f, const struct vfs_attr *a)
{
	struct virtiofs_file *vf = to_vf(f);

	/* A directory's handle is not a file's: the node alone names it. */
	return virtiofs_setattr(vf->fs, vf->nodeid, vf->dir ? NULL : &vf->fh,
				a);
}

static __cold int file_ftruncate(struct vfs_file *f, uint64_t size)
{
	struct virtiofs_file *vf = to_vf(f);

	if ((vf->flags & VFS_ACCMODE) == O_RDONLY)
		return -EINVAL;
	if (size > INT64_MAX)
		return -EFBIG;
	return setattr_size(vf->fs, vf->nodeid, vf->fh, size);
}

static __cold int file_close(struct vfs_file *f)
{
	struct virtiofs_file *vf = to_vf(f);
	struct fuse_flush_in in = { .fh = vf->fh };
	struct virtq_buf arg = { &in, sizeof(in) };
	/* FLUSH reports write errors the host held back until close. */
	int rc = fuse_call_fixed(vf->fs, FUSE_FLUSH, vf->nodeid, &arg, 1,
				 NULL, 0);

	if (rc == -ENOSYS)
		rc = 0;
	virtiofs_release(vf->fs, FUSE_RELEASE, vf->nodeid, vf->fh, vf->flags);
	fuse_forget(vf->fs, vf->nodeid, 1);
	heap_free(vf);
	return rc;
}

static const struct vfs_file_ops file_ops = {
	.read = file_read,
	.write = file_write,
	.fstat = virtiofs_fstat,
	.setattr = virtiofs_fsetattr,
	.fsync = file_fsync,
	.ftruncate = file_ftruncate,
	.close = file_close,
};
