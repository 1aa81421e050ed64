// SPDX-License-Identifier: MIT
/*
 * Short disk names (drivers/blk/blk_name.c): "vdX" ranks the virtio disks
 * by transport address whatever order the drivers found them in,
 * "nvmeKnN" picks a namespace of the Kth controller, anything else must
 * be a disk's own name.
 */
#include <string.h>

#include "../../drivers/blk/blk_name.h"
#include "unit.h"

static int pick(const char *const *names, unsigned n, const char *want)
{
	return blk_name_pick(names, n, want, strlen(want));
}

UNIT_TEST(blk_name_virtio_by_address)
{
	/* microvm's driver finds them from the top down. */
	const char *names[] = {
		"virtio-mmio@0xfeb00600", "virtio-mmio@0xfeb00400",
		"virtio-mmio@0xfeb00200", "nvme@00:04.0/n1",
	};

	CHECK(pick(names, 4, "vda") == 2);
	CHECK(pick(names, 4, "vdb") == 1);
	CHECK(pick(names, 4, "vdc") == 0);
	CHECK(pick(names, 4, "vdd") == -1);
	CHECK(pick(names, 4, "vd") == -1);
	CHECK(pick(names, 4, "vdA") == -1);
	CHECK(pick(names, 0, "vda") == -1);
	CHECK(pick(names, 4, "virtio-mmio@0xfeb00400") == 1);
	CHECK(pick(names, 4, "virtio-mmio@0xfeb0040") == -1);
}

UNIT_TEST(blk_name_shorter_address_first)
{
	const char *names[] = { "virtio-mmio@0x10000", "virtio-mmio@0xf000" };

	CHECK(pick(names, 2, "vda") == 1);
	CHECK(pick(names, 2, "vdb") == 0);
}

UNIT_TEST(blk_name_nvme_controllers_and_namespaces)
{
	const char *names[] = {
		"virtio-pci@00:02.0", "nvme@00:05.0/n1", "nvme@00:04.0/n2",
		"nvme@00:04.0/n1", "nvme@00:05.0/n12",
	};

	CHECK(pick(names, 5, "nvme0n1") == 3);
	CHECK(pick(names, 5, "nvme0n2") == 2);
	CHECK(pick(names, 5, "nvme1n1") == 1);
	CHECK(pick(names, 5, "nvme1n12") == 4);
	CHECK(pick(names, 5, "nvme1n2") == -1);
	CHECK(pick(names, 5, "nvme2n1") == -1);
	CHECK(pick(names, 5, "nvme0n0") == -1);
	CHECK(pick(names, 5, "nvme0") == -1);
	CHECK(pick(names, 5, "nvme0n") == -1);
	CHECK(pick(names, 5, "nvme0n1p1") == -1);
	CHECK(pick(names, 5, "nvme99999n1") == -1);
	CHECK(pick(names, 5, "nvme0n99999") == -1);
	CHECK(pick(names, 5, "vda") == 0);
	CHECK(pick(names, 5, "nvme@00:04.0/n2") == 2);
}
