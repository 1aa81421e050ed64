// SPDX-License-Identifier: MIT
/*
 * What an NVMe controller says, as the driver checks it
 * (drivers/nvme/nvme_parse.c): Identify Controller and Identify Namespace
 * data, then completion entries, then transfers turned into PRP pointers.
 * Input: 4096 bytes of each Identify page (zero-filled when short), then
 * 16-byte completion entries; the same bytes also give transfers (an
 * address and a length each) for the PRP builder.
 */
#include <errno.h>
#include <string.h>

#include "../../drivers/nvme/nvme_impl.h"
#include "fuzz.h"

static void identify(const uint8_t *data, size_t size)
{
	uint8_t id[4096] = { 0 };
	struct nvme_ctrl_info c;
	struct nvme_ns_info ns;
	const char *why = NULL;
	int rc;

	memcpy(id, data, size < sizeof(id) ? size : sizeof(id));
	if (nvme_parse_id_ctrl(id, 12, &c) == 0) {
		FUZZ_CHECK(strlen(c.model) <= 40);
		FUZZ_CHECK(c.max_xfer == 0 || c.max_xfer >= 4096);
	}
	rc = nvme_parse_id_ns(id, &ns, &why);
	if (rc == 0) {
		FUZZ_CHECK(ns.lba_shift >= 9 && ns.lba_shift <= 16);
		FUZZ_CHECK(ns.blocks && ns.blocks <= UINT64_MAX >> ns.lba_shift);
	} else {
		FUZZ_CHECK(why != NULL);
		FUZZ_CHECK(rc == -ENOENT || rc == -ENOTSUP || rc == -EINVAL);
	}
}

static void completions(const uint8_t *data, size_t size)
{
	for (; size >= sizeof(struct nvme_cqe); data += 16, size -= 16) {
		struct nvme_cqe e;

		memcpy(&e, data, sizeof(e));
		if (!nvme_check_cqe(&e, 1, 32, 31))
			FUZZ_CHECK(e.sqid == 1 && e.sqhd < 32 && e.cid < 31);
	}
}

static void prps(const uint8_t *data, size_t size)
{
	for (; size >= 12; data += 12, size -= 12) {
		uint64_t addr, list[32], prp1, prp2;
		uint32_t len;

		memcpy(&addr, data, 8);
		memcpy(&len, data + 8, 4);
		addr &= (1ULL << 46) - 1;	/* a physical address */
		len = len % (256 * 1024) + 1;
		if (nvme_prp_build(addr, len, list, 0x1000, 32, &prp1,
				   &prp2))
			continue;
		uint64_t page = addr - addr % 4096, end = addr + len;

		FUZZ_CHECK(prp1 == addr);
		if (end <= page + 4096)
			FUZZ_CHECK(prp2 == 0);
		else if (end <= page + 8192)
			FUZZ_CHECK(prp2 == page + 4096);
		else
			for (unsigned i = 0; page + 4096 * (i + 1) < end; i++)
				FUZZ_CHECK(i < 32 &&
					   list[i] == page + 4096 * (i + 1));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	identify(data, size);
	if (size > 4096)
		identify(data + 4096, size - 4096);
	completions(data, size);
	prps(data, size);
	return 0;
}
