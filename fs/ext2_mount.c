// SPDX-License-Identifier: MIT
/*
 * Mounting ext2 filesystems: ext2_mount() from the application, or the
 * kernel options "toro.root=ext2:DEV" and "toro.mount=ext2:DEV:/PATH"
 * at start-up, when ext2 is in the image (vfs_mount.c says so when it
 * is not).
 * DEV is a block device by name ("vda" is the first, "vdb" the second, or
 * the name blk_name() gives), with ":ro" after it for a read-only mount.
 * At exit every mount is written back and marked clean, as an unmount
 * would: a unikernel's exit is its shutdown.
 */
#include <errno.h>
#include <string.h>

#include <kernel/cmdline.h>
#include <kernel/exit.h>
#include <kernel/heap.h>
#include <kernel/init.h>
#include <kernel/log.h>
#include <kernel/page_alloc.h>
#include <kernel/spinlock.h>
#include <toro/blk.h>

#include "ext2.h"
#include "ext2_fs.h"

static struct spinlock list_lock;
static struct ext2_fs *mounted;	/* under (list_lock) */

/* An eighth of memory for the cache, within 64 KiB and 64 MiB. */
static unsigned cache_bufs(uint32_t block_size)
{
	struct page_stats ps;
	uint64_t bytes;

	page_alloc_stats(&ps);
	bytes = (uint64_t)ps.total_pages * 4096 / 8;
	if (bytes < 64 * 1024)
		bytes = 64 * 1024;
	if (bytes > 64 * 1024 * 1024)
		bytes = 64 * 1024 * 1024;
	return bytes / block_size;
}

static void list_remove(struct ext2_fs *fs)
{
	spin_lock(&list_lock);
	for (struct ext2_fs **p = &mounted; *p; p = &(*p)->next_mounted)
		if (*p == fs) {
			*p = fs->next_mounted;
			break;
		}
	spin_unlock(&list_lock);
}

int ext2_mount(struct blk_dev *dev, const char *path, unsigned flags)
{
	struct ext2_fs *fs;
	int rc;

	if (!dev)
		return -ENODEV;
	rc = ext2_fs_open(dev, flags, cache_bufs(4096), &fs);
	if (rc)
		return rc;
	rc = vfs_mount(path, &ext2_fs_ops, fs, fs->read_only);
	if (rc) {
		ext2_fs_close(fs);
		return rc;
	}
	spin_lock(&list_lock);
	fs->next_mounted = mounted;
	mounted = fs;
	spin_unlock(&list_lock);
	log_info("ext2 %s: mounted at %s%s\n", blk_name(dev), path,
		 fs->read_only ? " (read-only)" : "");
	return 0;
}

int ext2_unmount(struct vfs_mount *m)
{
	struct ext2_fs *fs = m->priv;

	list_remove(fs);
	return ext2_fs_close(fs);
}

/*
 * A disk as blk_find() names it ("vda", "nvme0n1"), a partition of one
 * ("vda3", "nvme0n1p2": from 1, of its GPT or else MBR), or a GPT
 * partition on any disk by its unique GUID ("PARTUUID=xxxxxxxx-...").
 * A partition's device is the caller's (*part set), to free if it is not
 * mounted.
 */
static int find_dev(const char *spec, size_t len, struct blk_dev **dev,
		    bool *part)
{
	char name[64];
	size_t d = len;
	unsigned n = 0;

	*part = true;
	if (len >= sizeof(name))
		return -ENODEV;
	memcpy(name, spec, len);
	name[len] = '\0';
	if (strncmp(name, "PARTUUID=", 9) == 0)
		return blk_partition_by_guid(name + 9, dev);
	*dev = blk_find(name);
	if (*dev) {
		*part = false;
		return 0;
	}
	while (d > 0 && name[d - 1] >= '0' && name[d - 1] <= '9')
		d--;
	if (d == len || len - d > 3)
		return -ENODEV;
	for (size_t i = d; i < len; i++)
		n = n * 10 + (unsigned)(name[i] - '0');
	/* Linux's spelling: "p" before the number when the disk's name
	 * ends in a digit itself. */
	if (d > 1 && name[d - 1] == 'p' && name[d - 2] >= '0' &&
	    name[d - 2] <= '9')
		d--;
	name[d] = '\0';
	*dev = NULL;
	return blk_partition(blk_find(name), n, dev);
}

/* "DEV[:ro]" at (path), or "DEV[:ro]:/PATH" when (path) is NULL. */
int ext2_mount_option(const char *spec, const char *path)
{
	size_t len = strcspn(spec, ":");
	const char *rest = spec + len;
	unsigned flags = 0;
	struct blk_dev *dev;
	bool part;

	if (strncmp(rest, ":ro", 3) == 0 && (!rest[3] || rest[3] == ':')) {
		flags |= EXT2_MOUNT_RDONLY;
		rest += 3;
	}
	if (!path && rest[0] == ':' && rest[1] == '/')
		path = rest + 1;
	else if (path ? *rest != '\0' : true)
		return -EINVAL;
	int rc = find_dev(spec, len, &dev, &part);

	if (rc) {
		log_error("ext2: no block device %.*s (error %d)\n", (int)len,
			  spec, -rc);
		return rc;
	}
	rc = ext2_mount(dev, path, flags);
	if (rc && part)
		heap_free(dev);
	return rc;
}

/* "toro.root=ext2:DEV[:ro]" and "toro.mount=ext2:DEV[:ro]:/PATH". */
static int ext2_mount_options(void)
{
	const char *root = kopt("toro.root"), *more = kopt("toro.mount");
	int rc = 0, r;

	if (root && strncmp(root, "ext2:", 5) == 0) {
		rc = ext2_mount_option(root + 5, "/");
		if (rc)
			vfs_root_failed(root, rc);
	}
	if (more) {
		r = strncmp(more, "ext2:", 5) ? -EINVAL :
						ext2_mount_option(more + 5, NULL);
		if (r)
			log_error("toro.mount=%s: cannot mount it (error %d)\n",
				  more, -r);
		rc = rc ? rc : r;
	}
	return rc;
}
INIT_CALL(INIT_FS, ext2_mount_options);

/* Files still open on inodes without names are freed, everything is
 * written back and the filesystem marked clean; later calls find it
 * read-only. */
static void ext2_exit(void)
{
	spin_lock(&list_lock);
	struct ext2_fs *fs = mounted;

	spin_unlock(&list_lock);
	for (; fs; fs = fs->next_mounted) {
		mutex_lock(&fs->lock);
		if (!fs->read_only) {
			int rc = ext2_fs_finish(fs);

			if (rc)
				log_error("ext2 %s: write-back at exit "
					  "failed (error %d)\n",
					  blk_name(fs->dev), -rc);
			fs->read_only = true;
		}
		mutex_unlock(&fs->lock);
	}
}
EXIT_CALL(ext2_exit);
