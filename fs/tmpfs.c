// SPDX-License-Identifier: MIT
/*
 * tmpfs: a writable filesystem in memory, for scratch files (the
 * automatic /tmp, fs/tmp_auto.c, or wherever the application mounts one)
 * and for testing the VFS's write paths without a device. A tree of nodes
 * under one mutex per mount: simple and safe from any CPU, not built for
 * heavy parallel use. A name (struct tnode) leads to an inode (struct
 * tinode): a file may have several names (hard links), a directory has
 * one, which holds its entries. A file's data is one growing buffer, as is
 * a symbolic link's target. An inode lives on while it has a name or an
 * open file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <kernel/vfs.h>
#include <kernel/heap.h>
#include <kernel/page_alloc.h>
#include <toro/time.h>

struct tinode {
	uint32_t mode;
	uint64_t ino;
	unsigned nlink;			/* names */
	unsigned open;			/* files open on it */
	char *data;			/* (size) bytes of (cap) */
	uint64_t size, cap;
	uint32_t uid, gid;
	uint64_t atime_ns, mtime_ns, ctime_ns;
	struct tnode *dir;		/* a directory's name, kept with it */
};

struct tnode {
	char *name;
	struct tinode *in;
	struct tnode *parent;		/* NULL for the root and removed */
	struct tnode *children;		/* directories: first entry */
	struct tnode *next;		/* sibling */
};

struct tmpfs {
	struct mutex lock;		/* the whole tree */
	struct tnode *root;
	uint64_t next_ino;
};

static struct tmpfs *fs_of(struct vfs_mount *m)
{
	return m->priv;
}

static bool is_dir(const struct tnode *n)
{
	return S_ISDIR(n->in->mode);
}

/* A name (len bytes of name) for inode (in), which gains it. */
static struct tnode *name_new(const char *name, size_t len, struct tinode *in)
{
	struct tnode *n = heap_zalloc(sizeof(*n));

	if (!n)
		return NULL;
	n->name = heap_alloc(len + 1);
	if (!n->name) {
		heap_free(n);
		return NULL;
	}
	memcpy(n->name, name, len);
	n->name[len] = '\0';
	n->in = in;
	in->nlink++;
	return n;
}

static void name_free(struct tnode *n)
{
	heap_free(n->name);
	heap_free(n);
}

/* A new inode of (mode) with its first name. */
static struct tnode *node_new(struct tmpfs *fs, const char *name, size_t len,
			      uint32_t mode)
{
	struct tinode *in = heap_zalloc(sizeof(*in));
	struct tnode *n = in ? name_new(name, len, in) : NULL;

	if (!n) {
		heap_free(in);
		return NULL;
	}
	in->mode = mode;
	in->ino = ++fs->next_ino;
	in->atime_ns = in->mtime_ns = in->ctime_ns = wallclock_ns();
	if (S_ISDIR(mode))
		in->dir = n;
	return n;
}

static void inode_free(struct tinode *in)
{
	if (in->dir)
		name_free(in->dir);
	heap_free(in->data);
	heap_free(in);
}

static struct tnode *child(struct tnode *dir, const char *name, size_t len)
{
	for (struct tnode *c = dir->children; c; c = c->next)
		if (strlen(c->name) == len && memcmp(c->name, name, len) == 0)
			return c;
	return NULL;
}

static void attach(struct tnode *dir, struct tnode *n)
{
	n->parent = dir;
	n->next = dir->children;
	dir->children = n;
	dir->in->mtime_ns = wallclock_ns();
}

static void detach(struct tnode *n)
{
	struct tnode **p = &n->parent->children;

	while (*p != n)
		p = &(*p)->next;
	*p = n->next;
	n->parent->in->mtime_ns = wallclock_ns();
	n->parent = NULL;
	n->next = NULL;
}

/* Drops an inode once it has neither a name nor an open file. */
static void release(struct tinode *in)
{
	if (in->nlink == 0 && in->open == 0)
		inode_free(in);
}

/*
 * Walks (path) (normalised, relative) to the directory that holds its last
 * component, which (*name, *len) then gives ("" for the root itself).
 */
static int walk_parent(struct tmpfs *fs, const char *path, struct tnode **dir,
		       const char **name, size_t *len)
{
	struct tnode *d = fs->root;

	for (;;) {
		size_t n = strcspn(path, "/");

		if (path[n] == '\0') {
			*dir = d;
			*name = path;
			*len = n;
			return 0;
		}
		d = child(d, path, n);
		if (!d)
			return -ENOENT;
		if (!is_dir(d))
			return -ENOTDIR;
		path += n + 1;
	}
}

static int lookup(struct tmpfs *fs, const char *path, struct tnode **out)
{
	struct tnode *dir;
	const char *name;
	size_t len;
	int rc = walk_parent(fs, path, &dir, &name, &len);

	if (rc)
		return rc;
	*out = len ? child(dir, name, len) : dir;
	return *out ? 0 : -ENOENT;
}

static void fill_stat(const struct tinode *n, struct stat *st)
{
	unsigned nlink = n->nlink;

	/* A directory's: its name, its ".", each subdirectory's "..". */
	if (n->dir && nlink) {
		nlink = 2;
		for (const struct tnode *c = n->dir->children; c; c = c->next)
			nlink += is_dir(c);
	}
	st->st_ino = n->ino;
	st->st_mode = n->mode;
	st->st_nlink = nlink;
	st->st_size = n->size;
	st->st_blksize = 4096;
	st->st_blocks = (n->cap + 511) / 512;
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_atim.tv_sec = n->atime_ns / 1000000000;
	st->st_atim.tv_nsec = n->atime_ns % 1000000000;
	st->st_mtim.tv_sec = n->mtime_ns / 1000000000;
	st->st_mtim.tv_nsec = n->mtime_ns % 1000000000;
	st->st_ctim.tv_sec = n->ctime_ns / 1000000000;
	st->st_ctim.tv_nsec = n->ctime_ns % 1000000000;
}

static uint64_t ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000 + (uint64_t)ts->tv_nsec;
}

/* chmod, chown, utimensat on (n); the tree's lock held. */
static int set_attr(struct tinode *n, const struct vfs_attr *a)
{
	uint64_t now = wallclock_ns();

	if (a->valid & VFS_ATTR_MODE)
		n->mode = (n->mode & S_IFMT) | (a->mode & 07777);
	if (a->valid & VFS_ATTR_UID)
		n->uid = a->uid;
	if (a->valid & VFS_ATTR_GID)
		n->gid = a->gid;
	if (a->valid & VFS_ATTR_ATIME)
		n->atime_ns = ts_ns(&a->atime);
	if (a->valid & VFS_ATTR_ATIME_NOW)
		n->atime_ns = now;
	if (a->valid & VFS_ATTR_MTIME)
		n->mtime_ns = ts_ns(&a->mtime);
	if (a->valid & VFS_ATTR_MTIME_NOW)
		n->mtime_ns = now;
	n->ctime_ns = now;
	return 0;
}

/* Makes (n) hold (size) bytes, zero-filling what it gains. */
static int resize(struct tinode *n, uint64_t size)
{
	if (size > n->cap) {
		uint64_t cap = n->cap ? n->cap : 256;

		while (cap < size)
			cap = cap > UINT64_MAX / 2 ? size : cap * 2;
		if (cap != (size_t)cap)
			return -EFBIG;
		char *p = heap_realloc(n->data, cap);

		if (!p)
			return -ENOSPC;
		n->data = p;
		n->cap = cap;
	}
	if (size > n->size)
		memset(n->data + n->size, 0, size - n->size);
	n->size = size;
	n->mtime_ns = n->ctime_ns = wallclock_ns();
	return 0;
}

static ssize_t tmpfs_read(struct vfs_file *f, void *buf, size_t len,
			  uint64_t off)
{
	struct tmpfs *fs = fs_of(f->mnt);
	struct tinode *n = f->priv;

	mutex_lock(&fs->lock);
	if (off >= n->size)
		len = 0;
	else if (len > n->size - off)
		len = n->size - off;
	if (len)
		memcpy(buf, n->data + off, len);
	mutex_unlock(&fs->lock);
	return len;
}

static ssize_t tmpfs_write(struct vfs_file *f, const void *buf, size_t len,
			   uint64_t off)
{
	struct tmpfs *fs = fs_of(f->mnt);
	struct tinode *n = f->priv;
	int rc = 0;

	mutex_lock(&fs->lock);
	if (off + len > n->size)
		rc = resize(n, off + len);
	if (rc == 0 && len) {
		memcpy(n->data + off, buf, len);
		n->mtime_ns = wallclock_ns();
	}
	mutex_unlock(&fs->lock);
	return rc ? rc : (ssize_t)len;
}

static int tmpfs_fstat(struct vfs_file *f, struct stat *st)
{
	struct tmpfs *fs = fs_of(f->mnt);

	mutex_lock(&fs->lock);
	fill_stat(f->priv, st);
	mutex_unlock(&fs->lock);
	return 0;
}

static int tmpfs_ftruncate(struct vfs_file *f, uint64_t size)
{
	struct tmpfs *fs = fs_of(f->mnt);

	mutex_lock(&fs->lock);
	int rc = resize(f->priv, size);

	mutex_unlock(&fs->lock);
	return rc;
}

/* The position is how many entries were handed out, "." and ".." first
 * as on Linux: entries removed meanwhile may make it skip one, which
 * POSIX allows. */
static int tmpfs_readdir(struct vfs_file *f, struct vfs_dirent *ent)
{
	struct tmpfs *fs = fs_of(f->mnt);
	struct tnode *d = ((struct tinode *)f->priv)->dir, *c;
	uint64_t i = 2;

	mutex_lock(&fs->lock);
	if (f->offset < 2) {
		const struct tnode *n =
			f->offset == 1 && d->parent ? d->parent : d;

		strcpy(ent->name, f->offset == 0 ? "." : "..");
		ent->ino = n->in->ino;
		ent->type = DT_DIR;
		f->offset++;
		mutex_unlock(&fs->lock);
		return 1;
	}
	for (c = d->children; c && i < f->offset; c = c->next)
		i++;
	if (c) {
		strcpy(ent->name, c->name);
		ent->ino = c->in->ino;
		ent->type = (c->in->mode & S_IFMT) >> 12;	/* DT_* */
		f->offset++;
	}
	mutex_unlock(&fs->lock);
	return c != NULL;
}

static int tmpfs_fsetattr(struct vfs_file *f, const struct vfs_attr *a)
{
	struct tmpfs *fs = fs_of(f->mnt);

	mutex_lock(&fs->lock);
	int rc = set_attr(f->priv, a);

	mutex_unlock(&fs->lock);
	return rc;
}

static int tmpfs_close(struct vfs_file *f)
{
	struct tmpfs *fs = fs_of(f->mnt);
	struct tinode *n = f->priv;

	mutex_lock(&fs->lock);
	n->open--;
	release(n);
	mutex_unlock(&fs->lock);
	return 0;
}

static const struct vfs_file_ops file_ops = {
	.read = tmpfs_read,
	.write = tmpfs_write,
	.fstat = tmpfs_fstat,
	.ftruncate = tmpfs_ftruncate,
	.setattr = tmpfs_fsetattr,
	.close = tmpfs_close,
};

static const struct vfs_file_ops dir_ops = {
	.fstat = tmpfs_fstat,
	.readdir = tmpfs_readdir,
	.setattr = tmpfs_fsetattr,
	.close = tmpfs_close,
};

static int tmpfs_open(struct vfs_mount *m, const char *path, int flags,
		      mode_t mode, struct vfs_file *f)
{
	struct tmpfs *fs = fs_of(m);
	struct tnode *dir, *n;
	const char *name;
	size_t len;
	int rc;

	mutex_lock(&fs->lock);
	rc = walk_parent(fs, path, &dir, &name, &len);
	if (rc)
		goto out;
	n = len ? child(dir, name, len) : dir;
	if (n && (flags & O_CREAT) && (flags & O_EXCL)) {
		rc = -EEXIST;
		goto out;
	}
	if (!n) {
		rc = -ENOENT;
		if (!(flags & O_CREAT))
			goto out;
		rc = -ENOSPC;
		n = node_new(fs, name, len, S_IFREG | (mode & 07777));
		if (!n)
			goto out;
		attach(dir, n);
	} else if (S_ISSOCK(n->in->mode)) {
		rc = -ENXIO;	/* a socket's name: connect() to it */
		goto out;
	} else if (S_ISLNK(n->in->mode)) {
		rc = -ELOOP;	/* the VFS follows links before */
		goto out;
	} else if (S_ISFIFO(n->in->mode)) {
		rc = VFS_OPEN_FIFO;
		goto out;
	} else if ((flags & O_TRUNC) && !is_dir(n) &&
		   (flags & VFS_ACCMODE) != O_RDONLY) {
		resize(n->in, 0);	/* shrinking cannot fail */
	}
	n->in->open++;
	f->ops = is_dir(n) ? &dir_ops : &file_ops;
	f->priv = n->in;
	rc = 0;
out:
	mutex_unlock(&fs->lock);
	return rc;
}

static int tmpfs_stat(struct vfs_mount *m, const char *path, struct stat *st)
{
	struct tmpfs *fs = fs_of(m);
	struct tnode *n;

	mutex_lock(&fs->lock);
	int rc = lookup(fs, path, &n);

	if (rc == 0)
		fill_stat(n->in, st);
	mutex_unlock(&fs->lock);
	return rc;
}

/* mkdir, mknod and symlink: a new node of (mode), type included, whose
 * data is (target) (symbolic links) or nothing. */
static int make_node(struct vfs_mount *m, const char *path, mode_t mode,
		     const char *target)
{
	struct tmpfs *fs = fs_of(m);
	struct tnode *dir, *n;
	const char *name;
	size_t len;

	mutex_lock(&fs->lock);
	int rc = walk_parent(fs, path, &dir, &name, &len);

	if (rc == 0 && child(dir, name, len))
		rc = -EEXIST;
	if (rc == 0) {
		rc = -ENOSPC;
		n = node_new(fs, name, len, mode);
		if (n && target && resize(n->in, strlen(target)) < 0) {
			inode_free(n->in);	/* a link's: not its name */
			name_free(n);
			n = NULL;
		}
		if (n) {
			if (target)
				memcpy(n->in->data, target, n->in->size);
			attach(dir, n);
			rc = 0;
		}
	}
	mutex_unlock(&fs->lock);
	return rc;
}

static int tmpfs_mkdir(struct vfs_mount *m, const char *path, mode_t mode)
{
	return make_node(m, path, S_IFDIR | (mode & 07777), NULL);
}

static int tmpfs_mknod(struct vfs_mount *m, const char *path, mode_t mode)
{
	return make_node(m, path, mode, NULL);
}

/* --- symbolic and hard links (struct vfs_link_ops) ------------------- */

static int tmpfs_symlink(struct vfs_mount *m, const char *target,
			 const char *path)
{
	return make_node(m, path, S_IFLNK | 0777, target);
}

static int tmpfs_readlink(struct vfs_mount *m, const char *path, char *buf,
			  size_t size)
{
	struct tmpfs *fs = fs_of(m);
	struct tnode *n;

	mutex_lock(&fs->lock);
	int rc = lookup(fs, path, &n);

	if (rc == 0 && !S_ISLNK(n->in->mode))
		rc = -EINVAL;
	if (rc == 0) {
		rc = (int)(n->in->size < size ? n->in->size : size);
		memcpy(buf, n->in->data, (size_t)rc);
	}
	mutex_unlock(&fs->lock);
	return rc;
}

/* The end of the first link in (path), in one walk down the tree. */
static size_t tmpfs_find_link(struct vfs_mount *m, const char *path,
			      bool last)
{
	struct tmpfs *fs = fs_of(m);
	struct tnode *d = fs->root;
	size_t off = 0, end = 0;

	mutex_lock(&fs->lock);
	for (;;) {
		size_t n = strcspn(path + off, "/");
		bool final = path[off + n] == '\0';
		struct tnode *c = child(d, path + off, n);

		if (c && S_ISLNK(c->in->mode) && (last || !final))
			end = off + n;
		if (!c || final || !is_dir(c))
			break;
		d = c;
		off += n + 1;
	}
	mutex_unlock(&fs->lock);
	return end;
}

/* A hard link: another name for the inode of (from), not a directory. */
static int tmpfs_link(struct vfs_mount *m, const char *from, const char *to)
{
	struct tmpfs *fs = fs_of(m);
	struct tnode *n, *dir, *name_to;
	const char *name;
	size_t len;

	mutex_lock(&fs->lock);
	int rc = lookup(fs, from, &n);

	if (rc == 0 && is_dir(n))
		rc = -EPERM;	/* as Linux: a directory has one name */
	if (rc == 0)
		rc = walk_parent(fs, to, &dir, &name, &len);
	if (rc == 0 && child(dir, name, len))
		rc = -EEXIST;
	if (rc == 0) {
		name_to = name_new(name, len, n->in);
		if (name_to) {
			n->in->ctime_ns = wallclock_ns();
			attach(dir, name_to);
		} else {
			rc = -ENOSPC;
		}
	}
	mutex_unlock(&fs->lock);
	return rc;
}

static const struct vfs_link_ops tmpfs_links = {
	.follow = vfs_follow_links,
	.find = tmpfs_find_link,
	.readlink = tmpfs_readlink,
	.symlink = tmpfs_symlink,
	.link = tmpfs_link,
};

/* Takes the name (n) out of the tree; its inode goes with its last name
 * and open file. A directory's name stays with it (open ones list "."
 * and ".." from it). */
static void remove_node(struct tnode *n)
{
	struct tinode *in = n->in;

	detach(n);
	in->nlink--;
	in->ctime_ns = wallclock_ns();
	if (!in->dir)
		name_free(n);
	release(in);
}

static int remove_path(struct vfs_mount *m, const char *path, bool want_dir)
{
	struct tmpfs *fs = fs_of(m);
	struct tnode *n;

	mutex_lock(&fs->lock);
	int rc = lookup(fs, path, &n);

	if (rc == 0 && want_dir && !is_dir(n))
		rc = -ENOTDIR;
	else if (rc == 0 && !want_dir && is_dir(n))
		rc = -EISDIR;
	else if (rc == 0 && n->children)
		rc = -ENOTEMPTY;
	if (rc == 0)
		remove_node(n);
	mutex_unlock(&fs->lock);
	return rc;
}

static int tmpfs_rmdir(struct vfs_mount *m, const char *path)
{
	return remove_path(m, path, true);
}

static int tmpfs_unlink(struct vfs_mount *m, const char *path)
{
	return remove_path(m, path, false);
}

static int tmpfs_rename(struct vfs_mount *m, const char *from, const char *to)
{
	struct tmpfs *fs = fs_of(m);
	struct tnode *n, *dir, *old;
	const char *name;
	size_t len;
	char *copy;

	mutex_lock(&fs->lock);
	int rc = lookup(fs, from, &n);

	if (rc == 0)
		rc = walk_parent(fs, to, &dir, &name, &len);
	if (rc)
		goto out;
	old = child(dir, name, len);
	if (old && old->in == n->in)
		goto out;	/* the same file: nothing to do */
	if (old && is_dir(n) && !is_dir(old))
		rc = -ENOTDIR;
	else if (old && !is_dir(n) && is_dir(old))
		rc = -EISDIR;
	else if (old && old->children)
		rc = -ENOTEMPTY;
	if (rc)
		goto out;
	copy = heap_alloc(len + 1);
	if (!copy) {
		rc = -ENOSPC;
		goto out;
	}
	memcpy(copy, name, len);
	copy[len] = '\0';
	if (old)
		remove_node(old);
	detach(n);
	heap_free(n->name);
	n->name = copy;
	n->in->ctime_ns = wallclock_ns();
	attach(dir, n);
out:
	mutex_unlock(&fs->lock);
	return rc;
}

static int tmpfs_setattr(struct vfs_mount *m, const char *path,
			 const struct vfs_attr *a)
{
	struct tmpfs *fs = fs_of(m);
	struct tnode *n;

	mutex_lock(&fs->lock);
	int rc = lookup(fs, path, &n);

	if (rc == 0)
		rc = set_attr(n->in, a);
	mutex_unlock(&fs->lock);
	return rc;
}

/* Memory is the limit, as for Linux's tmpfs without size=: its files
 * take pages from the same RAM. */
static int tmpfs_statfs(struct vfs_mount *m, struct statfs *st)
{
	struct page_stats ps;

	(void)m;
	page_alloc_stats(&ps);
	st->f_type = 0x01021994;	/* TMPFS_MAGIC */
	st->f_blocks = ps.total_pages;
	st->f_bfree = st->f_bavail = ps.free_pages;
	return 0;
}

static const struct vfs_fs_ops tmpfs_ops = {
	.name = "tmpfs",
	.open = tmpfs_open,
	.stat = tmpfs_stat,
	.mkdir = tmpfs_mkdir,
	.mknod = tmpfs_mknod,
	.rmdir = tmpfs_rmdir,
	.unlink = tmpfs_unlink,
	.rename = tmpfs_rename,
	.setattr = tmpfs_setattr,
	.statfs = tmpfs_statfs,
	.links = &tmpfs_links,
};

int tmpfs_mount(const char *path)
{
	struct tmpfs *fs = heap_zalloc(sizeof(*fs));

	if (!fs)
		return -ENOMEM;
	fs->root = node_new(fs, "", 0, S_IFDIR | 01777);
	if (!fs->root) {
		heap_free(fs);
		return -ENOMEM;
	}
	int rc = vfs_mount(path, &tmpfs_ops, fs, false);

	if (rc) {
		inode_free(fs->root->in);
		heap_free(fs);
	}
	return rc;
}
