// SPDX-License-Identifier: MIT
/*
 * Changes to the mount table: mounting, unmounting, sync(), and the root
 * filesystem, mounted before main() as the "toro.root=" kernel option
 * says (see include/kernel/vfs.h), called by vfs.c's init call. Apart
 * from the lookups in vfs.c because they run seldom: built for size.
 */
#include <errno.h>
#include <string.h>

#include <kernel/cmdline.h>
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/spinlock.h>
#include <kernel/vfs.h>
#include <toro/panic.h>

#include "vfs_impl.h"

static bool mount_path_ok(const char *path)
{
	char norm[sizeof(((struct vfs_mount *)0)->path)];
	bool dir;
	int n = vfs_path_normalize("/", path, norm, sizeof(norm), &dir);

	return *path == '/' && n > 0 && strcmp(norm, path) == 0;
}

void vfs_mount_yields(const char *path)
{
	spin_lock(&vfs_lock);
	for (int i = 0; i < VFS_MAX_MOUNTS; i++)
		if (vfs_mounts[i] && strcmp(vfs_mounts[i]->path, path) == 0)
			vfs_mounts[i]->yields = true;
	spin_unlock(&vfs_lock);
}

int vfs_mount(const char *path, const struct vfs_fs_ops *ops, void *priv,
	      bool read_only)
{
	if (!mount_path_ok(path))
		return -EINVAL;
	struct vfs_mount *m = heap_zalloc(sizeof(*m));

	if (!m)
		return -ENOMEM;
	strcpy(m->path, path);
	m->ops = ops;
	m->priv = priv;
	m->read_only = read_only;

	struct vfs_mount *old = NULL;
	int rc = -ENOSPC, slot = -1;

	spin_lock(&vfs_lock);
	for (int i = 0; i < VFS_MAX_MOUNTS; i++) {
		if (!vfs_mounts[i] && slot < 0)
			slot = i;
		if (vfs_mounts[i] && strcmp(vfs_mounts[i]->path, path) == 0) {
			rc = -EBUSY;
			slot = -1;
			/* The kernel's own mount gives way, unless in use;
			 * its files go with it. */
			if (vfs_mounts[i]->yields &&
			    !__atomic_load_n(&vfs_mounts[i]->users,
					     __ATOMIC_ACQUIRE)) {
				old = vfs_mounts[i];
				slot = i;
			}
			break;
		}
	}
	if (slot >= 0) {
		/* One device number per mount, as Linux gives each
		 * mounted filesystem: (st_dev, st_ino) names a file. */
		m->dev = 0x20 + slot;
		vfs_mounts[slot] = m;
		rc = 0;
	}
	spin_unlock(&vfs_lock);
	if (rc)
		heap_free(m);
	heap_free(old);		/* a tmpfs: no unmount to call */
	return rc;
}

int vfs_umount(const char *path)
{
	struct vfs_mount *m = NULL;
	int rc = -ENOENT;

	spin_lock(&vfs_lock);
	for (int i = 0; i < VFS_MAX_MOUNTS; i++) {
		if (!vfs_mounts[i] || strcmp(vfs_mounts[i]->path, path) != 0)
			continue;
		rc = -EBUSY;
		if (__atomic_load_n(&vfs_mounts[i]->users, __ATOMIC_ACQUIRE) == 0) {
			m = vfs_mounts[i];
			vfs_mounts[i] = NULL;
			rc = 0;
		}
		break;
	}
	spin_unlock(&vfs_lock);
	/* The filesystem's (priv) is its own to release. */
	if (m && m->ops->unmount)
		rc = m->ops->unmount(m);
	heap_free(m);
	return rc;
}

void vfs_sync(void)
{
	if (vfs_shared_maps)
		vfs_map_write_back(NULL);
	for (int i = 0; i < VFS_MAX_MOUNTS; i++) {
		struct vfs_mount *m;

		/* A user reference keeps the mount while it syncs. */
		spin_lock(&vfs_lock);
		m = vfs_mounts[i];
		if (m)
			__atomic_fetch_add(&m->users, 1, __ATOMIC_ACQUIRE);
		spin_unlock(&vfs_lock);
		if (!m)
			continue;
		if (m->ops->sync && !m->read_only)
			m->ops->sync(m);
		vfs_mount_put(m);
	}
}

/* In the image only when the application uses ext2 (fs/ext2_mount.c),
 * which then mounts what "toro.root=ext2:..." and "toro.mount=" ask. */
int ext2_mount_option(const char *spec, const char *path) __weak;

int vfs_mount_root(void)
{
	const char *root = kopt("toro.root");
	int rc;

	if (kopt("toro.mount") && !ext2_mount_option)
		log_error("toro.mount: no ext2 in this image\n");
	if (!root) {
		rc = virtiofs_mount(NULL, "/");
		if (rc == -ENODEV)
			rc = initrd_mount("/");
		return rc == -ENODEV ? 0 : rc;
	}
	if (strcmp(root, "initrd") == 0)
		rc = initrd_mount("/");
	else if (strncmp(root, "virtiofs:", 9) == 0 && root[9])
		rc = virtiofs_mount(root + 9, "/");
	else if (strncmp(root, "ext2:", 5) == 0)
		rc = ext2_mount_option ? 0 : -ENODEV;
	else if (strcmp(root, "none") == 0)
		rc = 0;
	else
		rc = -EINVAL;
	if (rc)
		vfs_root_failed(root, rc);
	return 0;
}

void vfs_root_failed(const char *root, int rc)
{
	panic("VFS: unable to mount root fs toro.root=%s (error %d)", root,
	      -rc);
}
