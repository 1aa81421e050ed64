// SPDX-License-Identifier: MIT
/*
 * virtio-fs devices (virtio 1.2, 5.11) and mounting them. The driver takes
 * every device at start-up and records it by its tag; virtiofs_mount()
 * starts the FUSE session on one (INIT, on a request queue as 5.11.5
 * says), checks that the daemon answers STATFS, and hands the VFS the
 * filesystem. Queue 0 is the high-priority queue (FORGET), queues 1..n
 * carry requests.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <drivers/virtio.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <toro/cpu.h>
#include <toro/sync.h>

#include "virtiofs.h"

/* Configuration space (5.11.4). */
#define VIRTIOFS_CFG_TAG	0	/* u8[36], UTF-8, NUL-padded */
#define VIRTIOFS_CFG_NUM_QUEUES	36	/* u32: request queues */

/* Bounds on what the daemon may ask of us. Writes and reads are cut to
 * at most 1 MiB (FUSE's largest, 256 pages); without FUSE_MAX_PAGES a
 * daemon takes 32 pages per request. */
#define FUSE_IO_MAX		(1u << 20)
#define FUSE_IO_MIN		4096
#define FUSE_IO_DEFAULT_PAGES	32

static struct virtiofs *devices, **devices_tail = &devices;
/* Serialises mounting (INIT happens once per device). */
static struct mutex mount_lock;

static int virtiofs_probe(struct virtio_dev *vdev)
{
	int rc = virtio_negotiate(vdev, 0);

	if (rc)
		return rc;
	struct virtiofs *fs = heap_alloc(sizeof(*fs));

	if (!fs)
		return -ENOMEM;
	memset(fs, 0, sizeof(*fs));
	fs->vdev = vdev;
	for (unsigned i = 0; i < VIRTIOFS_TAG_MAX; i++)
		fs->tag[i] = (char)virtio_config_read(vdev,
						      VIRTIOFS_CFG_TAG + i, 1);
	fs->tag[VIRTIOFS_TAG_MAX] = '\0';
	if (!fs->tag[0]) {
		log_warn("%s: virtio-fs device without a tag\n", vdev->name);
		rc = -EIO;
		goto err_fs;
	}
	uint32_t n = virtio_config_read(vdev, VIRTIOFS_CFG_NUM_QUEUES, 4);

	if (n == 0) {
		log_warn("%s: virtio-fs device with no request queue\n",
			 vdev->name);
		rc = -EIO;
		goto err_fs;
	}
	/* More queues than CPUs would sit idle: requests pick by CPU. */
	fs->nreq = MIN(MIN(n, (uint32_t)VIRTIOFS_MAX_QUEUES), cpu_count());
	rc = virtq_create(vdev, 0, 0, &fs->hiprio);
	if (rc)
		goto err_queue;
	for (unsigned i = 0; i < fs->nreq; i++) {
		rc = virtq_create(vdev, 1 + i, 0, &fs->req[i]);
		if (rc)
			goto err_queue;
	}
	vdev->driver_data = fs;
	virtio_ready(vdev);
	*devices_tail = fs;
	devices_tail = &fs->next;
	log_info("%s: virtio-fs \"%s\", %u request queue(s)\n", vdev->name,
		 fs->tag, fs->nreq);
	return 0;

err_queue:
	/* The core marks the device failed; queues made so far stay
	 * allocated, as there is no way to take them back from it. */
err_fs:
	heap_free(fs);
	return rc;
}

static const struct virtio_driver virtiofs_driver = {
	.name = "virtio-fs",
	.device_id = VIRTIO_ID_FS,
	.probe = virtiofs_probe,
};
VIRTIO_DRIVER(virtiofs_driver);

/* The INIT exchange: agree on a protocol minor and on sizes. */
static int virtiofs_init_session(struct virtiofs *fs)
{
	struct fuse_init_in in = {
		.major = FUSE_MAJOR,
		.minor = FUSE_MINOR,
		.max_readahead = FUSE_IO_MAX,
		.flags = FUSE_ATOMIC_O_TRUNC | FUSE_BIG_WRITES |
			 FUSE_DONT_MASK | FUSE_MAX_PAGES,
	};
	struct fuse_init_out out;
	struct virtq_buf arg = { &in, sizeof(in) };
	struct virtq_buf res = { &out, sizeof(out) };

	memset(&out, 0, sizeof(out));	/* an older daemon sends less */
	long rc = fuse_call(fs, FUSE_INIT, 0, &arg, 1, &res, 1);

	if (rc < 0) {
		log_warn("virtio-fs %s: INIT failed: error %ld\n", fs->tag,
			 -rc);
		return (int)rc;
	}
	if (rc < (long)FUSE_INIT_OUT_MIN) {
		virtiofs_warn(fs, FUSE_INIT, "reply too short");
		return -EIO;
	}
	/* Equal majors, or no common language. On minors the lower wins:
	 * a daemon newer than us speaks ours, an older one its own. */
	if (out.major != FUSE_MAJOR || out.minor < FUSE_MINOR_MIN) {
		log_warn("virtio-fs %s: daemon speaks FUSE %u.%u, we need "
			 "%u.%u or later\n", fs->tag, out.major, out.minor,
			 FUSE_MAJOR, FUSE_MINOR_MIN);
		return -EPROTO;
	}
	fs->minor = MIN(out.minor, (uint32_t)FUSE_MINOR);
	fs->flags = out.flags & in.flags;
	if (fs->minor < 28)	/* max_pages came with 7.28 */
		fs->flags &= ~FUSE_MAX_PAGES;

	uint32_t w = out.max_write;

	if (!(fs->flags & FUSE_BIG_WRITES))
		w = FUSE_IO_MIN;
	fs->max_write = MAX(MIN(w, FUSE_IO_MAX), FUSE_IO_MIN);

	uint32_t pages = FUSE_IO_DEFAULT_PAGES;

	if ((fs->flags & FUSE_MAX_PAGES) && out.max_pages)
		pages = out.max_pages;
	fs->max_read = MAX(MIN(pages * 4096u, FUSE_IO_MAX), FUSE_IO_MIN);
	fs->started = true;
	log_info("virtio-fs %s: FUSE %u.%u, writes of %u, reads of %u bytes\n",
		 fs->tag, FUSE_MAJOR, fs->minor, fs->max_write, fs->max_read);
	return 0;
}

/* A first request after INIT: the daemon answers and its numbers make
 * sense, or the mount fails now rather than at the first open. */
static int virtiofs_statfs(struct virtiofs *fs)
{
	struct fuse_statfs_out st;
	int rc = fuse_call_fixed(fs, FUSE_STATFS, FUSE_ROOT_ID, NULL, 0, &st,
				 sizeof(st));

	if (rc) {
		log_warn("virtio-fs %s: STATFS failed: error %d\n", fs->tag,
			 -rc);
		return rc;
	}
	if (st.bfree > st.blocks || st.bavail > st.blocks ||
	    st.ffree > st.files) {
		virtiofs_warn(fs, FUSE_STATFS, "more free than there is");
		return -EIO;
	}
	log_info("virtio-fs %s: %lu of %lu blocks of %u bytes free\n",
		 fs->tag, st.bavail, st.blocks, st.bsize);
	return 0;
}

int virtiofs_mount(const char *tag, const char *path)
{
	struct virtiofs *fs;
	int rc;

	for (fs = devices; fs; fs = fs->next)
		if (!tag || !strcmp(fs->tag, tag))
			break;
	if (!fs)
		return -ENODEV;
	mutex_lock(&mount_lock);
	/* One mount per device: its nodes and handles belong to it. */
	if (fs->mounted) {
		rc = -EBUSY;
		goto out;
	}
	rc = fs->started ? 0 : virtiofs_init_session(fs);
	if (!rc)
		rc = virtiofs_statfs(fs);
	if (!rc)
		rc = vfs_mount(path, &virtiofs_fs_ops, fs, false);
	if (!rc)
		fs->mounted = true;
out:
	mutex_unlock(&mount_lock);
	return rc;
}
