/* SPDX-License-Identifier: MIT */
/*
 * Private to the block layer: the short names people write for disks
 * (drivers/blk/blk_name.c, pure so the host's unit tests run it).
 */
#ifndef DRIVERS_BLK_BLK_NAME_H
#define DRIVERS_BLK_BLK_NAME_H

#include <stddef.h>

/*
 * Which of the disks named (names)[0..n) the (len) bytes at (want) mean:
 * "vda".."vdz" the virtio disks in the order of their transports'
 * addresses, "nvmeKnN" namespace N of the Kth NVMe controller (from 0) in
 * PCI address order, as Linux would number them on the same machine;
 * else a disk's own name. Returns its index, or -1.
 */
int blk_name_pick(const char *const *names, unsigned n, const char *want,
		  size_t len);

#endif /* DRIVERS_BLK_BLK_NAME_H */
