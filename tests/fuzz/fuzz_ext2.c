// SPDX-License-Identifier: MIT
/*
 * The ext2 driver (fs/ext2_*.c) on a disk that is any bytes at all: the
 * fuzzer's input is the start of the image, on a device of 1 MiB (or
 * the input rounded up to 64 KiB) whose rest is zeros: the seeds
 * (tests/fuzz/gen_corpus.py) are small mke2fs images with their trailing
 * zeros cut. The device is in memory. Each run mounts it, walks the tree two levels
 * deep with stat, readdir, open, read and readlink, and when the image
 * mounts writable also creates, writes, renames, links, truncates and
 * removes, then unmounts (which writes back). Corrupt superblocks,
 * descriptors, inodes, block maps and directory blocks must end in an
 * error, never a crash, an overrun (ASan) or a hang (-timeout).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/log.h>
#include <kernel/vfs.h>
#include <toro/blk.h>
#include <toro/sync.h>
#include <toro/time.h>

#include "../../fs/ext2.h"
#include "../../fs/ext2_fs.h"
#include "fuzz.h"

#define DEV_MIN		(1 << 20)

struct blk_dev {
	uint8_t *data;
	uint64_t size;
};

uint64_t blk_size(const struct blk_dev *b) { return b->size; }
uint32_t blk_sector_size(const struct blk_dev *b) { (void)b; return 512; }
bool blk_read_only(const struct blk_dev *b) { (void)b; return false; }
const char *blk_name(const struct blk_dev *b) { (void)b; return "fuzz"; }
int blk_flush(struct blk_dev *b) { (void)b; return 0; }

static int range_ok(const struct blk_dev *b, uint64_t off, size_t len)
{
	return off % 512 == 0 && len % 512 == 0 && off <= b->size &&
	       len <= b->size - off;
}

int blk_read(struct blk_dev *b, uint64_t off, void *buf, size_t len)
{
	if (!range_ok(b, off, len))
		return -EINVAL;
	memcpy(buf, b->data + off, len);
	return 0;
}

int blk_write(struct blk_dev *b, uint64_t off, const void *buf, size_t len)
{
	if (!range_ok(b, off, len))
		return -EINVAL;
	memcpy(b->data + off, buf, len);
	return 0;
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

void mutex_lock(struct mutex *m) { (void)m; }
void mutex_unlock(struct mutex *m) { (void)m; }
uint64_t wallclock_ns(void) { return 1700000000ull * 1000000000; }

/* The driver's own calls are tested here, the VFS's link following in
 * the guest. */
int vfs_follow_links(struct vfs_lookup *lk, bool last)
{
	(void)lk;
	(void)last;
	return 0;
}

/* fs/ext2_mount.c's, for the ops table: the harness unmounts itself. */
int ext2_unmount(struct vfs_mount *m)
{
	(void)m;
	return 0;
}

static struct vfs_mount mnt;

static void read_file(const char *path)
{
	static char buf[8192];
	struct vfs_file f = { .mnt = &mnt };
	struct stat st;

	if (ext2_fs_ops.open(&mnt, path, O_RDONLY, 0, &f))
		return;
	if (f.ops->fstat(&f, &st) == 0 && !f.ops->readdir) {
		ssize_t n = f.ops->read(&f, buf, sizeof(buf), 0);

		FUZZ_CHECK(n <= (ssize_t)sizeof(buf));
		if (st.st_size > (off_t)sizeof(buf))
			f.ops->read(&f, buf, sizeof(buf),
				    st.st_size - sizeof(buf) / 2);
	}
	f.ops->close(&f);
}

/* (path)'s entries, and theirs when (depth) allows. */
static void walk(const char *path, int depth)
{
	struct vfs_file f = { .mnt = &mnt };
	struct vfs_dirent ent;
	char child[600], link[256];
	struct stat st;
	int n = 0;

	if (ext2_fs_ops.open(&mnt, path, O_RDONLY, 0, &f))
		return;
	if (!f.ops->readdir) {
		f.ops->close(&f);
		return;
	}
	while (n++ < 64 && f.ops->readdir(&f, &ent) == 1) {
		FUZZ_CHECK(strlen(ent.name) <= 255);
		if (!strcmp(ent.name, ".") || !strcmp(ent.name, ".."))
			continue;
		snprintf(child, sizeof(child), "%s%s%s", path, *path ? "/" : "",
			 ent.name);
		if (ext2_fs_ops.stat(&mnt, child, &st))
			continue;
		if (S_ISLNK(st.st_mode)) {
			int len = ext2_fs_ops.links->readlink(&mnt, child, link,
						       sizeof(link));

			FUZZ_CHECK(len < 0 || len <= (int)sizeof(link));
		} else if (S_ISDIR(st.st_mode)) {
			if (depth > 0)
				walk(child, depth - 1);
		} else {
			read_file(child);
		}
	}
	f.ops->close(&f);
}

static void change(void)
{
	static const char data[5000] = "fuzz";
	struct vfs_file f = { .mnt = &mnt };
	struct vfs_attr a = { .valid = VFS_ATTR_MODE, .mode = 0600 };

	/* "new" may name a directory already: no write op then. */
	if (ext2_fs_ops.open(&mnt, "new", O_RDWR | O_CREAT, 0644, &f) == 0 &&
	    !f.ops->readdir) {
		f.ops->write(&f, data, sizeof(data), 0);
		f.ops->write(&f, data, 10, 1 << 20);
		f.ops->ftruncate(&f, 3000);
		f.ops->fsync(&f);
	}
	if (f.ops)
		f.ops->close(&f);
	ext2_fs_ops.mkdir(&mnt, "d", 0755);
	ext2_fs_ops.rename(&mnt, "new", "d/moved");
	ext2_fs_ops.links->link(&mnt, "d/moved", "hard");
	ext2_fs_ops.links->symlink(&mnt, "d/moved", "sym");
	ext2_fs_ops.setattr(&mnt, "hard", &a);
	ext2_fs_ops.unlink(&mnt, "hard");
	ext2_fs_ops.rename(&mnt, "d", "e");
	ext2_fs_ops.rmdir(&mnt, "e");
	/* On what the image had, too. */
	ext2_fs_ops.unlink(&mnt, "hello.txt");
	ext2_fs_ops.rename(&mnt, "dir", "sym");
	ext2_fs_ops.rmdir(&mnt, "dir/sub");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blk_dev dev;
	struct ext2_fs *fs;
	struct statfs sfs;

	dev.size = (size + 65535) / 65536 * 65536;
	if (dev.size < DEV_MIN)
		dev.size = DEV_MIN;
	dev.data = calloc(1, dev.size ? dev.size : 1);
	if (!dev.data)
		return 0;
	memcpy(dev.data, data, size);
	if (ext2_fs_open(&dev, 0, 32, &fs) == 0) {
		mnt.ops = &ext2_fs_ops;
		mnt.priv = fs;
		mnt.read_only = fs->read_only;
		ext2_fs_ops.statfs(&mnt, &sfs);
		walk("", 2);
		if (!fs->read_only)
			change();
		ext2_fs_close(fs);
	}
	free(dev.data);
	return 0;
}
