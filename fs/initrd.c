// SPDX-License-Identifier: MIT
/*
 * The initrd filesystem: the cpio archive the VM was booted with (QEMU
 * -initrd, a PVH module), read-only, files served straight from the
 * archive's memory, which the kernel keeps out of the page allocator. The
 * index (initrd_index.c) is built at the first mount and never changes, so
 * reads need no lock. Symbolic links are shown by stat but not followed:
 * opening one fails with ELOOP, as O_NOFOLLOW would.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <kernel/compiler.h>
#include <kernel/boot.h>
#include <kernel/initrd.h>
#include <kernel/log.h>
#include <kernel/vfs.h>

static struct initrd_index the_index;
static struct mutex build_lock;	/* a mount builds, the others wait */
static int built;		/* 0 not yet, 1 done, else -errno */

static const struct initrd_node *node_of(const struct vfs_file *f)
{
	return f->priv;
}

static void fill_stat(const struct initrd_node *n, struct stat *st)
{
	st->st_ino = n->ino;
	st->st_mode = n->mode;
	st->st_nlink = n->nlink ? n->nlink : 1;
	st->st_size = n->size;
	st->st_blksize = 4096;
	st->st_blocks = (n->size + 511) / 512;
	st->st_atim.tv_sec = st->st_mtim.tv_sec = st->st_ctim.tv_sec =
		n->mtime;
}

static ssize_t initrd_read(struct vfs_file *f, void *buf, size_t len,
			   uint64_t off)
{
	const struct initrd_node *n = node_of(f);

	if (off >= n->size)
		return 0;
	if (len > n->size - off)
		len = n->size - off;
	memcpy(buf, (const char *)n->data + off, len);
	return len;
}

static const void *initrd_peek(struct vfs_file *f, uint64_t off,
			       size_t *len)
{
	const struct initrd_node *n = node_of(f);

	*len = off < n->size ? n->size - off : 0;
	return *len ? (const char *)n->data + off : NULL;
}

static int initrd_fstat(struct vfs_file *f, struct stat *st)
{
	fill_stat(node_of(f), st);
	return 0;
}

static unsigned dirent_type(uint32_t mode)
{
	return (mode & S_IFMT) >> 12;	/* DT_* are the S_IF* bits, shifted */
}

/* "." and ".." first, as on Linux, then the children: the position is 0
 * and 1 for the two, then 2 past initrd_next_child()'s cursor. Seldom
 * (a listing, not a read): built for size, as statfs. */
static __cold int initrd_readdir(struct vfs_file *f, struct vfs_dirent *ent)
{
	const struct initrd_node *dir = node_of(f), *c;
	size_t len;
	const char *name;

	if (f->offset < 2) {
		const struct initrd_node *n =
			f->offset == 0 ? dir : initrd_parent(&the_index, dir);

		strcpy(ent->name, f->offset == 0 ? "." : "..");
		ent->ino = n->ino;
		ent->type = DT_DIR;
		f->offset++;
		return 1;
	}
	uint64_t cursor = f->offset - 2;

	c = initrd_next_child(&the_index, dir, &cursor);
	f->offset = cursor + 2;
	if (!c)
		return 0;
	name = initrd_basename(c, &len);
	if (len > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(ent->name, name, len);
	ent->name[len] = '\0';
	ent->ino = c->ino;
	ent->type = dirent_type(c->mode);
	return 1;
}

static const struct vfs_file_ops file_ops = {
	.read = initrd_read,
	.peek = initrd_peek,
	.fstat = initrd_fstat,
};

static const struct vfs_file_ops dir_ops = {
	.fstat = initrd_fstat,
	.readdir = initrd_readdir,
};

static int initrd_open(struct vfs_mount *m, const char *path, int flags,
		       mode_t mode, struct vfs_file *f)
{
	int rc;
	const struct initrd_node *n = initrd_lookup(&the_index, path, &rc);

	(void)m, (void)flags, (void)mode;
	if (!n)
		return rc;
	switch (n->mode & S_IFMT) {
	case S_IFDIR:
		f->ops = &dir_ops;
		break;
	case S_IFREG:
		f->ops = &file_ops;
		break;
	case S_IFLNK:
		return -ELOOP;
	case S_IFIFO:
		return VFS_OPEN_FIFO;
	default:
		return -ENXIO;	/* device nodes: nothing behind them */
	}
	f->priv = (void *)n;
	return 0;
}

static int initrd_stat(struct vfs_mount *m, const char *path, struct stat *st)
{
	int rc;
	const struct initrd_node *n = initrd_lookup(&the_index, path, &rc);

	(void)m;
	if (!n)
		return rc;
	fill_stat(n, st);
	return 0;
}

/* No mkdir, unlink...: the VFS answers EROFS for a read-only mount. */
/* Full: the archive's files, in the archive's size. */
static __cold int initrd_statfs(struct vfs_mount *m, struct statfs *st)
{
	uint64_t bytes = 0;

	(void)m;
	for (size_t i = 0; i < the_index.n; i++)
		bytes += the_index.nodes[i].size;
	st->f_type = 0x858458f6;	/* RAMFS_MAGIC */
	st->f_blocks = (bytes + 4095) / 4096;
	st->f_files = the_index.n;
	return 0;
}

static const struct vfs_fs_ops initrd_ops = {
	.name = "initrd",
	.open = initrd_open,
	.stat = initrd_stat,
	.statfs = initrd_statfs,
};

/* Whether the archive lies in RAM the firmware reported, hence mapped. */
static __cold bool in_ram(const struct boot_info *bi, uint64_t start, uint64_t size)
{
	for (unsigned i = 0; i < bi->nram; i++)
		if (start >= bi->ram[i].start && start < bi->ram[i].end &&
		    size <= bi->ram[i].end - start)
			return true;
	return false;
}

static __cold int build(void)
{
	const struct boot_info *bi = kernel_boot_info;
	uint64_t start = bi->initrd_start, size = bi->initrd_size;

	if (!size)
		return -ENODEV;
	if (!in_ram(bi, start, size)) {
		log_error("initrd: %#lx+%#lx is not in RAM\n", start, size);
		return -EINVAL;
	}
	int rc = initrd_index_build(&the_index, (const void *)(uintptr_t)start,
				    size);

	if (rc == -EINVAL)
		log_error("initrd: not a valid cpio (newc) archive\n");
	return rc;
}

__cold int initrd_mount(const char *path)
{
	/* Mounted at boot, maybe again later: built once, kept. */
	mutex_lock(&build_lock);
	if (!built) {
		int err = build();

		built = err ? err : 1;
	}
	int rc = built;

	mutex_unlock(&build_lock);
	if (rc < 0)
		return rc;
	return vfs_mount(path, &initrd_ops, &the_index, true);
}
