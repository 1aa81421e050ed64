// SPDX-License-Identifier: MIT
/*
 * ext2 as the VFS sees it: paths walked from the root directory, files
 * opened on inodes, and the calls that change names (create, mkdir,
 * rmdir, unlink, rename, link, symlink) keeping link counts, times and
 * the parent's ".." straight. An inode whose last name goes while files
 * are open on it is freed when the last of them closes (or at exit).
 * Each call holds the mount's lock throughout.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statfs.h>

#include <kernel/heap.h>
#include <toro/time.h>

#include "ext2.h"

static struct ext2_fs *fs_of(struct vfs_mount *m)
{
	return m->priv;
}

/* --- inodes open as files ------------------------------------------- */

static struct ext2_open *open_find(struct ext2_fs *fs, uint32_t ino)
{
	for (struct ext2_open *o = fs->open; o; o = o->next)
		if (o->ino == ino)
			return o;
	return NULL;
}

static struct ext2_open *open_get(struct ext2_fs *fs, uint32_t ino)
{
	struct ext2_open *o = open_find(fs, ino);

	if (o) {
		o->count++;
		return o;
	}
	o = heap_zalloc(sizeof(*o));
	if (!o)
		return NULL;
	o->ino = ino;
	o->count = 1;
	o->next = fs->open;
	fs->open = o;
	return o;
}

/* Frees the extended attribute block (shared by reference count). */
static int free_xattr(struct ext2_fs *fs, struct ext2_inode *in)
{
	uint64_t nr = in->i_file_acl;
	struct ext2_buf *b;
	int rc;

	if (!nr)
		return 0;
	rc = ext2_bread(fs, nr, &b);
	if (rc)
		return rc;
	uint32_t *hdr = (uint32_t *)b->data;	/* magic, refcount */

	if (hdr[0] != 0xea020000) {
		ext2_brelse(fs, b);
		return -EUCLEAN;
	}
	if (hdr[1] > 1) {
		hdr[1]--;
		ext2_bdirty(fs, b);
		ext2_brelse(fs, b);
	} else {
		ext2_brelse(fs, b);
		ext2_bforget(fs, nr);
		rc = ext2_free_block(fs, nr);
	}
	in->i_file_acl = 0;
	if (in->i_blocks >= fs->g.block_size / 512)
		in->i_blocks -= fs->g.block_size / 512;
	return rc;
}

/* Gives back an inode that has no names left and is not open. */
static int release(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
	bool dir = S_ISDIR(in->i_mode);
	int rc = 0;

	if (!S_ISLNK(in->i_mode) || !ext2_is_fast_symlink(fs, in))
		rc = ext2_truncate_blocks(fs, in, 0);
	if (rc == 0)
		rc = free_xattr(fs, in);
	in->i_links_count = 0;
	in->i_dtime = wallclock_ns() / 1000000000;
	ext2_set_isize(fs, in, 0);
	int rc2 = ext2_iput(fs, ino, in);

	if (rc == 0)
		rc = rc2;
	if (rc == 0)
		rc = ext2_free_inode(fs, ino, dir);
	return rc;
}

/* (in) lost a name: freed now if that was its last and it is not open. */
static int drop_link(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
	if (in->i_links_count == 0 && !open_find(fs, ino))
		return release(fs, ino, in);
	ext2_itime(fs, in, "c", wallclock_ns());
	return ext2_iput(fs, ino, in);
}

static int open_put(struct ext2_fs *fs, uint32_t ino)
{
	struct ext2_open **p = &fs->open, *o;
	struct ext2_inode in;
	int rc;

	while (*p && (*p)->ino != ino)
		p = &(*p)->next;
	o = *p;
	if (!o || --o->count)
		return 0;
	*p = o->next;
	heap_free(o);
	if (fs->read_only)
		return 0;
	rc = ext2_iget(fs, ino, &in);
	if (rc == 0 && in.i_links_count == 0)
		rc = release(fs, ino, &in);
	return rc;
}

int ext2_release_orphans(struct ext2_fs *fs)
{
	int rc = 0;

	for (struct ext2_open *o = fs->open; o; o = o->next) {
		struct ext2_inode in;
		int r = ext2_iget(fs, o->ino, &in);

		if (r == 0 && in.i_links_count == 0 && in.i_mode)
			r = release(fs, o->ino, &in);
		if (r && !rc)
			rc = r;
	}
	return rc;
}

/* --- paths ----------------------------------------------------------- */

/* One component of a directory: -ENOTDIR if (dir) is not one. */
static int lookup_in(struct ext2_fs *fs, struct ext2_inode *dir,
		     const char *name, size_t len, uint32_t *ino,
		     struct ext2_inode *in)
{
	int rc;

	if (!S_ISDIR(dir->i_mode))
		return -ENOTDIR;
	if (len > 255)
		return -ENAMETOOLONG;
	rc = ext2_dir_lookup(fs, dir, name, len, ino);
	if (rc == 0)
		rc = ext2_iget(fs, *ino, in);
	if (rc == 0 && in->i_links_count == 0)
		rc = -EUCLEAN;	/* a name for a free inode */
	return rc;
}

/*
 * Walks (path) (relative, normalised) to the directory holding its last
 * component: its inode (*dino, *dir) and the name (*name, *len), "" for
 * the root. Symbolic links in between are the VFS's to follow before it
 * calls; one met here is not a directory.
 */
static int walk_parent(struct ext2_fs *fs, const char *path, uint32_t *dino,
		       struct ext2_inode *dir, const char **name, size_t *len)
{
	uint32_t ino = EXT2_ROOT_INO;
	int rc = ext2_iget(fs, ino, dir);

	while (rc == 0) {
		size_t n = strcspn(path, "/");

		if (path[n] == '\0') {
			*dino = ino;
			*name = path;
			*len = n;
			return S_ISDIR(dir->i_mode) ? 0 : -ENOTDIR;
		}
		rc = lookup_in(fs, dir, path, n, &ino, dir);
		path += n + 1;
	}
	return rc;
}

static int walk(struct ext2_fs *fs, const char *path, uint32_t *ino,
		struct ext2_inode *in)
{
	struct ext2_inode dir;
	const char *name;
	size_t len;
	uint32_t dino;
	int rc = walk_parent(fs, path, &dino, &dir, &name, &len);

	if (rc)
		return rc;
	if (len == 0) {
		*ino = dino;
		*in = dir;
		return 0;
	}
	return lookup_in(fs, &dir, name, len, ino, in);
}

/* A fresh inode of (mode) for a name in directory (dino). */
static int new_inode(struct ext2_fs *fs, uint32_t dino, mode_t mode,
		     uint32_t *ino, struct ext2_inode *in)
{
	int rc = ext2_new_inode(fs, dino, S_ISDIR(mode), ino);

	if (rc)
		return rc;
	memset(in, 0, sizeof(*in));
	in->i_mode = mode;
	in->i_links_count = S_ISDIR(mode) ? 2 : 1;
	if (fs->g.inode_size > EXT2_GOOD_OLD_INODE_SIZE)
		in->i_extra_isize = EXT2_INODE_EXTRA;
	ext2_itime(fs, in, "amc", wallclock_ns());
	return 0;
}

/* Puts (ino) of (mode) under (name) in (dir) and writes both inodes;
 * undoes the inode if the name cannot be added. */
static int add_name(struct ext2_fs *fs, uint32_t dino, struct ext2_inode *dir,
		    const char *name, size_t len, uint32_t ino,
		    struct ext2_inode *in)
{
	int rc = ext2_iput_new(fs, ino, in);

	if (rc == 0)
		rc = ext2_dir_add(fs, dino, dir, name, len, ino, in->i_mode);
	if (rc) {
		in->i_links_count = 0;
		release(fs, ino, in);
		return rc;
	}
	if (S_ISDIR(in->i_mode))
		dir->i_links_count++;
	ext2_itime(fs, dir, "mc", wallclock_ns());
	return ext2_iput(fs, dino, dir);
}

/* --- open files ------------------------------------------------------ */

static uint32_t ino_of(struct vfs_file *f)
{
	return ((struct ext2_open *)f->priv)->ino;
}

static ssize_t ext2_read(struct vfs_file *f, void *buf, size_t n,
			 uint64_t off)
{
	struct ext2_fs *fs = fs_of(f->mnt);
	struct ext2_inode in;
	ssize_t rc;

	mutex_lock(&fs->lock);
	rc = ext2_iget(fs, ino_of(f), &in);
	if (rc == 0)
		rc = ext2_file_read(fs, &in, buf, n, off);
	mutex_unlock(&fs->lock);
	return rc;
}

static ssize_t ext2_write(struct vfs_file *f, const void *buf, size_t n,
			  uint64_t off)
{
	struct ext2_fs *fs = fs_of(f->mnt);
	struct ext2_inode in;
	ssize_t rc;

	if (n == 0)
		return 0;
	mutex_lock(&fs->lock);
	rc = ext2_iget(fs, ino_of(f), &in);
	if (rc == 0) {
		rc = ext2_file_write(fs, ino_of(f), &in, buf, n, off);
		ext2_itime(fs, &in, "mc", wallclock_ns());
		int rc2 = ext2_iput(fs, ino_of(f), &in);

		if (rc >= 0 && rc2)
			rc = rc2;
	}
	mutex_unlock(&fs->lock);
	return rc;
}

static int ext2_fstat(struct vfs_file *f, struct stat *st)
{
	struct ext2_fs *fs = fs_of(f->mnt);
	struct ext2_inode in;

	mutex_lock(&fs->lock);
	int rc = ext2_iget(fs, ino_of(f), &in);

	if (rc == 0)
		ext2_fill_stat(fs, ino_of(f), &in, st);
	mutex_unlock(&fs->lock);
	return rc;
}

static int ext2_fsync(struct vfs_file *f)
{
	struct ext2_fs *fs = fs_of(f->mnt);

	mutex_lock(&fs->lock);
	int rc = ext2_sync_fs(fs);

	mutex_unlock(&fs->lock);
	return rc;
}

static int truncate_ino(struct ext2_fs *fs, uint32_t ino, uint64_t size)
{
	struct ext2_inode in;
	int rc = ext2_iget(fs, ino, &in);

	if (rc)
		return rc;
	if (!S_ISREG(in.i_mode))
		return -EINVAL;
	rc = ext2_file_truncate(fs, &in, size);
	ext2_itime(fs, &in, "mc", wallclock_ns());
	int rc2 = ext2_iput(fs, ino, &in);

	return rc ? rc : rc2;
}

static int ext2_ftruncate(struct vfs_file *f, uint64_t size)
{
	struct ext2_fs *fs = fs_of(f->mnt);

	if (fs->read_only)
		return -EROFS;
	mutex_lock(&fs->lock);
	int rc = truncate_ino(fs, ino_of(f), size);

	mutex_unlock(&fs->lock);
	return rc;
}

static int ext2_readdir(struct vfs_file *f, struct vfs_dirent *ent)
{
	struct ext2_fs *fs = fs_of(f->mnt);
	struct ext2_inode in;

	mutex_lock(&fs->lock);
	int rc = ext2_iget(fs, ino_of(f), &in);

	if (rc == 0)
		rc = ext2_dir_next(fs, &in, &f->offset, ent);
	mutex_unlock(&fs->lock);
	return rc;
}

static uint64_t ts_ns(const struct timespec *ts)
{
	return ts->tv_sec < 0 ? 0 :
	       (uint64_t)ts->tv_sec * 1000000000 + (uint64_t)ts->tv_nsec;
}

static int set_attr(struct ext2_fs *fs, uint32_t ino,
		    const struct vfs_attr *a)
{
	uint64_t now = wallclock_ns();
	struct ext2_inode in;
	int rc;

	if (fs->read_only)
		return -EROFS;
	rc = ext2_iget(fs, ino, &in);
	if (rc)
		return rc;
	if (a->valid & VFS_ATTR_MODE)
		in.i_mode = (in.i_mode & S_IFMT) | (a->mode & 07777);
	if (a->valid & VFS_ATTR_UID) {
		in.i_uid = a->uid;
		in.i_uid_high = a->uid >> 16;
	}
	if (a->valid & VFS_ATTR_GID) {
		in.i_gid = a->gid;
		in.i_gid_high = a->gid >> 16;
	}
	if (a->valid & VFS_ATTR_ATIME)
		ext2_itime(fs, &in, "a", ts_ns(&a->atime));
	if (a->valid & VFS_ATTR_ATIME_NOW)
		ext2_itime(fs, &in, "a", now);
	if (a->valid & VFS_ATTR_MTIME)
		ext2_itime(fs, &in, "m", ts_ns(&a->mtime));
	if (a->valid & VFS_ATTR_MTIME_NOW)
		ext2_itime(fs, &in, "m", now);
	ext2_itime(fs, &in, "c", now);
	return ext2_iput(fs, ino, &in);
}

static int ext2_fsetattr(struct vfs_file *f, const struct vfs_attr *a)
{
	struct ext2_fs *fs = fs_of(f->mnt);

	mutex_lock(&fs->lock);
	int rc = set_attr(fs, ino_of(f), a);

	mutex_unlock(&fs->lock);
	return rc;
}

static int ext2_close(struct vfs_file *f)
{
	struct ext2_fs *fs = fs_of(f->mnt);

	mutex_lock(&fs->lock);
	int rc = open_put(fs, ino_of(f));

	mutex_unlock(&fs->lock);
	return rc;
}

static const struct vfs_file_ops file_ops = {
	.read = ext2_read,
	.write = ext2_write,
	.fstat = ext2_fstat,
	.fsync = ext2_fsync,
	.ftruncate = ext2_ftruncate,
	.setattr = ext2_fsetattr,
	.close = ext2_close,
};

static const struct vfs_file_ops dir_ops = {
	.fstat = ext2_fstat,
	.fsync = ext2_fsync,
	.readdir = ext2_readdir,
	.setattr = ext2_fsetattr,
	.close = ext2_close,
};

/* --- calls on paths -------------------------------------------------- */

static int open_locked(struct ext2_fs *fs, const char *path, int flags,
		       mode_t mode, struct vfs_file *f)
{
	struct ext2_inode dir, in;
	uint32_t dino, ino;
	const char *name;
	size_t len;
	int rc = walk_parent(fs, path, &dino, &dir, &name, &len);

	if (rc)
		return rc;
	if (len == 0) {
		ino = dino;
		in = dir;
	} else {
		rc = lookup_in(fs, &dir, name, len, &ino, &in);
	}
	if (rc == 0 && (flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (rc == -ENOENT && (flags & O_CREAT)) {
		if (fs->read_only)
			return -EROFS;
		rc = new_inode(fs, dino, S_IFREG | (mode & 07777), &ino, &in);
		if (rc == 0)
			rc = add_name(fs, dino, &dir, name, len, ino, &in);
	} else if (rc == 0 && S_ISLNK(in.i_mode)) {
		rc = -ELOOP;	/* the VFS follows links; O_NOFOLLOW */
	} else if (rc == 0 && S_ISFIFO(in.i_mode)) {
		return VFS_OPEN_FIFO;
	} else if (rc == 0 && !S_ISREG(in.i_mode) && !S_ISDIR(in.i_mode)) {
		rc = -ENXIO;	/* devices, sockets: not here */
	} else if (rc == 0 && (flags & O_TRUNC) && S_ISREG(in.i_mode) &&
		   (flags & VFS_ACCMODE) != O_RDONLY) {
		rc = truncate_ino(fs, ino, 0);
	}
	if (rc)
		return rc;
	f->priv = open_get(fs, ino);
	if (!f->priv)
		return -ENOMEM;
	f->ops = S_ISDIR(in.i_mode) ? &dir_ops : &file_ops;
	return 0;
}

static int ext2_open(struct vfs_mount *m, const char *path, int flags,
		     mode_t mode, struct vfs_file *f)
{
	struct ext2_fs *fs = fs_of(m);

	mutex_lock(&fs->lock);
	int rc = open_locked(fs, path, flags, mode, f);

	mutex_unlock(&fs->lock);
	return rc;
}

static int ext2_stat(struct vfs_mount *m, const char *path, struct stat *st)
{
	struct ext2_fs *fs = fs_of(m);
	struct ext2_inode in;
	uint32_t ino;

	mutex_lock(&fs->lock);
	int rc = walk(fs, path, &ino, &in);

	if (rc == 0)
		ext2_fill_stat(fs, ino, &in, st);
	mutex_unlock(&fs->lock);
	return rc;
}

/* mkdir and symlink: a new inode of (mode) under (path). */
static int make(struct ext2_fs *fs, const char *path, mode_t mode,
		const char *target)
{
	struct ext2_inode dir, in;
	uint32_t dino, ino;
	const char *name;
	size_t len;
	int rc = walk_parent(fs, path, &dino, &dir, &name, &len);

	if (rc)
		return rc;
	rc = lookup_in(fs, &dir, name, len, &ino, &in);
	if (rc != -ENOENT)
		return rc ? rc : -EEXIST;
	if (S_ISDIR(mode) && dir.i_links_count >= EXT2_LINK_MAX)
		return -EMLINK;
	rc = new_inode(fs, dino, mode, &ino, &in);
	if (rc)
		return rc;
	if (S_ISDIR(mode))
		rc = ext2_dir_init(fs, ino, &in, dino);
	else
		rc = ext2_symlink_write(fs, ino, &in, target);
	if (rc) {
		in.i_links_count = 0;
		ext2_iput_new(fs, ino, &in);
		release(fs, ino, &in);
		return rc;
	}
	return add_name(fs, dino, &dir, name, len, ino, &in);
}

static int ext2_mkdir(struct vfs_mount *m, const char *path, mode_t mode)
{
	struct ext2_fs *fs = fs_of(m);

	mutex_lock(&fs->lock);
	int rc = make(fs, path, S_IFDIR | (mode & 07777), NULL);

	mutex_unlock(&fs->lock);
	return rc;
}

static int ext2_symlink(struct vfs_mount *m, const char *target,
			const char *path)
{
	struct ext2_fs *fs = fs_of(m);

	mutex_lock(&fs->lock);
	int rc = make(fs, path, S_IFLNK | 0777, target);

	mutex_unlock(&fs->lock);
	return rc;
}

static int remove_locked(struct ext2_fs *fs, const char *path, bool want_dir)
{
	struct ext2_inode dir, in;
	uint32_t dino, ino;
	const char *name;
	size_t len;
	int rc = walk_parent(fs, path, &dino, &dir, &name, &len);

	if (rc == 0)
		rc = lookup_in(fs, &dir, name, len, &ino, &in);
	if (rc)
		return rc;
	if (want_dir && !S_ISDIR(in.i_mode))
		return -ENOTDIR;
	if (!want_dir && S_ISDIR(in.i_mode))
		return -EISDIR;
	if (want_dir) {
		rc = ext2_dir_is_empty(fs, &in);
		if (rc <= 0)
			return rc ? rc : -ENOTEMPTY;
	}
	rc = ext2_dir_remove(fs, &dir, name, len);
	if (rc)
		return rc;
	if (want_dir) {
		in.i_links_count = 0;
		if (dir.i_links_count > 2)
			dir.i_links_count--;
	} else if (in.i_links_count) {
		in.i_links_count--;
	}
	ext2_itime(fs, &dir, "mc", wallclock_ns());
	rc = ext2_iput(fs, dino, &dir);
	int rc2 = drop_link(fs, ino, &in);

	return rc ? rc : rc2;
}

static int ext2_rmdir(struct vfs_mount *m, const char *path)
{
	struct ext2_fs *fs = fs_of(m);

	mutex_lock(&fs->lock);
	int rc = remove_locked(fs, path, true);

	mutex_unlock(&fs->lock);
	return rc;
}

static int ext2_unlink(struct vfs_mount *m, const char *path)
{
	struct ext2_fs *fs = fs_of(m);

	mutex_lock(&fs->lock);
	int rc = remove_locked(fs, path, false);

	mutex_unlock(&fs->lock);
	return rc;
}

static int link_locked(struct ext2_fs *fs, const char *from, const char *to)
{
	struct ext2_inode in, dir, other;
	uint32_t ino, dino, oino;
	const char *name;
	size_t len;
	int rc = walk(fs, from, &ino, &in);

	if (rc)
		return rc;
	if (S_ISDIR(in.i_mode))
		return -EPERM;
	if (in.i_links_count >= EXT2_LINK_MAX)
		return -EMLINK;
	rc = walk_parent(fs, to, &dino, &dir, &name, &len);
	if (rc)
		return rc;
	rc = lookup_in(fs, &dir, name, len, &oino, &other);
	if (rc != -ENOENT)
		return rc ? rc : -EEXIST;
	rc = ext2_dir_add(fs, dino, &dir, name, len, ino, in.i_mode);
	if (rc)
		return rc;
	in.i_links_count++;
	ext2_itime(fs, &in, "c", wallclock_ns());
	ext2_itime(fs, &dir, "mc", wallclock_ns());
	rc = ext2_iput(fs, ino, &in);
	int rc2 = ext2_iput(fs, dino, &dir);

	return rc ? rc : rc2;
}

static int ext2_link(struct vfs_mount *m, const char *from, const char *to)
{
	struct ext2_fs *fs = fs_of(m);

	mutex_lock(&fs->lock);
	int rc = link_locked(fs, from, to);

	mutex_unlock(&fs->lock);
	return rc;
}

/*
 * rename: the target name, if any, is pointed at the source's inode
 * (the file it named losing a link), else added; then the source name
 * goes. A directory moved to another parent gets its ".." changed and
 * the two parents' link counts follow. Both parents may be one inode:
 * (ddir) then points at (sdir), so no change is written twice.
 */
static int rename_locked(struct ext2_fs *fs, const char *from, const char *to)
{
	struct ext2_inode sdir_in, ddir_in, in, victim;
	struct ext2_inode *sdir = &sdir_in, *ddir = &ddir_in;
	uint32_t sdino, ddino, ino, vino;
	const char *sname, *dname;
	size_t slen, dlen;
	uint64_t now = wallclock_ns();
	bool is_dir, replace;
	int rc;

	rc = walk_parent(fs, from, &sdino, sdir, &sname, &slen);
	if (rc == 0)
		rc = lookup_in(fs, sdir, sname, slen, &ino, &in);
	if (rc == 0)
		rc = walk_parent(fs, to, &ddino, ddir, &dname, &dlen);
	if (rc)
		return rc;
	if (ddino == sdino)
		ddir = sdir;
	is_dir = S_ISDIR(in.i_mode);
	rc = lookup_in(fs, ddir, dname, dlen, &vino, &victim);
	if (rc && rc != -ENOENT)
		return rc;
	replace = rc == 0;
	if (replace && vino == ino)
		return 0;	/* two names of one file: nothing to do */
	if (replace && is_dir && !S_ISDIR(victim.i_mode))
		return -ENOTDIR;
	if (replace && !is_dir && S_ISDIR(victim.i_mode))
		return -EISDIR;
	if (replace && is_dir) {
		rc = ext2_dir_is_empty(fs, &victim);
		if (rc <= 0)
			return rc ? rc : -ENOTEMPTY;
	}
	if (is_dir && !replace && ddir != sdir &&
	    ddir->i_links_count >= EXT2_LINK_MAX)
		return -EMLINK;
	if (replace)
		rc = ext2_dir_set(fs, ddir, dname, dlen, ino, in.i_mode);
	else
		rc = ext2_dir_add(fs, ddino, ddir, dname, dlen, ino, in.i_mode);
	if (rc)
		return rc;
	rc = ext2_dir_remove(fs, sdir, sname, slen);
	if (rc)
		return rc;
	if (replace) {
		if (S_ISDIR(victim.i_mode)) {
			victim.i_links_count = 0;
			ddir->i_links_count--;	/* its ".." */
		} else if (victim.i_links_count) {
			victim.i_links_count--;
		}
	}
	if (is_dir && ddir != sdir) {
		rc = ext2_dir_set(fs, &in, "..", 2, ddino, S_IFDIR);
		if (rc)
			return rc;
		sdir->i_links_count--;
		ddir->i_links_count++;
	}
	ext2_itime(fs, &in, "c", now);
	ext2_itime(fs, sdir, "mc", now);
	ext2_itime(fs, ddir, "mc", now);
	rc = ext2_iput(fs, ino, &in);
	if (rc == 0)
		rc = ext2_iput(fs, sdino, sdir);
	if (rc == 0 && ddir != sdir)
		rc = ext2_iput(fs, ddino, ddir);
	if (rc == 0 && replace)
		rc = drop_link(fs, vino, &victim);
	return rc;
}

static int ext2_rename(struct vfs_mount *m, const char *from, const char *to)
{
	struct ext2_fs *fs = fs_of(m);

	mutex_lock(&fs->lock);
	int rc = rename_locked(fs, from, to);

	mutex_unlock(&fs->lock);
	return rc;
}

static int ext2_setattr(struct vfs_mount *m, const char *path,
			const struct vfs_attr *a)
{
	struct ext2_fs *fs = fs_of(m);
	struct ext2_inode in;
	uint32_t ino;

	mutex_lock(&fs->lock);
	int rc = walk(fs, path, &ino, &in);

	if (rc == 0)
		rc = set_attr(fs, ino, a);
	mutex_unlock(&fs->lock);
	return rc;
}

static int ext2_readlink(struct vfs_mount *m, const char *path, char *buf,
			 size_t size)
{
	struct ext2_fs *fs = fs_of(m);
	struct ext2_inode in;
	uint32_t ino;

	mutex_lock(&fs->lock);
	int rc = walk(fs, path, &ino, &in);

	if (rc == 0)
		rc = ext2_symlink_read(fs, &in, buf, size);
	mutex_unlock(&fs->lock);
	return rc;
}

/* The first link of (path), in one walk (see vfs_link_ops.find). */
static size_t ext2_find_link(struct vfs_mount *m, const char *path,
			     bool last)
{
	struct ext2_fs *fs = fs_of(m);
	struct ext2_inode in;
	uint32_t ino;
	size_t i = 0, found = 0;

	mutex_lock(&fs->lock);
	int rc = ext2_iget(fs, EXT2_ROOT_INO, &in);

	while (rc == 0) {
		size_t end = i + strcspn(path + i, "/");

		if (!path[end] && !last)
			break;
		rc = lookup_in(fs, &in, path + i, end - i, &ino, &in);
		if (rc == 0 && S_ISLNK(in.i_mode))
			found = end;
		if (found || !path[end])
			break;
		i = end + 1;
	}
	mutex_unlock(&fs->lock);
	return found;
}

static int ext2_statfs(struct vfs_mount *m, struct statfs *st)
{
	struct ext2_fs *fs = fs_of(m);

	mutex_lock(&fs->lock);
	st->f_type = EXT2_MAGIC;
	st->f_bsize = st->f_frsize = fs->g.block_size;
	st->f_blocks = fs->g.blocks_count;
	st->f_bfree = fs->g.free_blocks;
	st->f_bavail = fs->g.free_blocks > fs->g.r_blocks ?
			       fs->g.free_blocks - fs->g.r_blocks : 0;
	st->f_files = fs->g.inodes_count;
	st->f_ffree = fs->g.free_inodes;
	mutex_unlock(&fs->lock);
	return 0;
}

static int ext2_sync(struct vfs_mount *m)
{
	struct ext2_fs *fs = fs_of(m);

	mutex_lock(&fs->lock);
	int rc = ext2_sync_fs(fs);

	mutex_unlock(&fs->lock);
	return rc;
}

static const struct vfs_link_ops ext2_link_ops = {
	.follow = vfs_follow_links,
	.find = ext2_find_link,
	.readlink = ext2_readlink,
	.symlink = ext2_symlink,
	.link = ext2_link,
};

const struct vfs_fs_ops ext2_fs_ops = {
	.name = "ext2",
	.open = ext2_open,
	.stat = ext2_stat,
	.mkdir = ext2_mkdir,
	.rmdir = ext2_rmdir,
	.unlink = ext2_unlink,
	.rename = ext2_rename,
	.setattr = ext2_setattr,
	.statfs = ext2_statfs,
	.links = &ext2_link_ops,
	.sync = ext2_sync,
	.unmount = ext2_unmount,
};
