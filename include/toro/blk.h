/* SPDX-License-Identifier: MIT */
/*
 * Block devices (virtio-blk, NVMe), numbered by kind then in the order the
 * VM lists them: virtio disks first, then NVMe namespaces.
 * Offsets and lengths are in bytes and must be multiples of the device's
 * sector size. Any thread on any CPU may use a device at any time; large
 * transfers are split and kept in flight together. Calls return 0 or
 * -errno: -EINVAL for a misaligned or out-of-range request, -EROFS for a
 * write to a read-only disk, -EIO for a device error or a device that
 * misbehaved (see the console), -ETIMEDOUT when it stopped answering.
 */
#ifndef TORO_BLK_H
#define TORO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blk_dev;

unsigned blk_count(void);
/* Device (index), or NULL. */
struct blk_dev *blk_get(unsigned index);

uint64_t blk_size(const struct blk_dev *b);	/* bytes */
uint32_t blk_sector_size(const struct blk_dev *b);
bool blk_read_only(const struct blk_dev *b);
const char *blk_name(const struct blk_dev *b);

/* A disk by name: "vda".."vdz" for the virtio disks in `toro run --disk`
 * order, "nvme0n1" for namespace 1 of the first NVMe controller (in PCI
 * address order), or the name blk_name() gives. NULL if there is none. */
struct blk_dev *blk_find(const char *name);

int blk_read(struct blk_dev *b, uint64_t off, void *buf, size_t len);
int blk_write(struct blk_dev *b, uint64_t off, const void *buf, size_t len);
/* Returns once what was written is on stable storage. */
int blk_flush(struct blk_dev *b);
/* A write that returns once its data is on stable storage: Force Unit
 * Access on an NVMe disk with a volatile write cache, else a write then a
 * flush (which also makes earlier writes stable). */
int blk_write_stable(struct blk_dev *b, uint64_t off, const void *buf,
		     size_t len);

/*
 * Partitions, as devices of their own for the calls above (bytes from
 * the partition's start, kept inside it). blk_partition: number (n),
 * from 1, of (disk)'s GPT, or of its MBR's primary entries when it has
 * no GPT. blk_partition_by_guid: the GPT partition whose unique GUID is
 * (guid), "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", on any disk. Return 0
 * with (*out) set (a new device each call), -ENOENT when there is no such
 * partition, -EUCLEAN for a partition table that is garbage, -EINVAL for
 * a malformed (guid), or the disk's error.
 */
int blk_partition(struct blk_dev *disk, unsigned n, struct blk_dev **out);
int blk_partition_by_guid(const char *guid, struct blk_dev **out);

#endif /* TORO_BLK_H */
