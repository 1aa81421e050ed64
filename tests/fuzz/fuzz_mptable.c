// SPDX-License-Identifier: MIT
/*
 * The Intel MP table parser (arch/x86_64/mptable.c) on a configuration
 * table firmware could hand over. Input: a feature byte for the floating
 * pointer, then the configuration table, its length taken as given. The
 * target plays the firmware: it puts the table in the fake physical memory
 * of tests/unit/physmem.c, fixes its base checksum and builds the floating
 * pointer to it, so the fuzzer's mutations reach the entries. Each map is
 * a copy of exactly the bytes asked for, so ASan catches a read past
 * base_len.
 */
#include <errno.h>
#include <string.h>

#include <arch/mptable.h>
#include <arch/platform.h>

#include "../unit/physmem.h"
#include "fuzz.h"

#define FP_PHYS		0x700000
#define CONFIG_PHYS	0x800000

static uint8_t sum(const void *p, size_t len)
{
	uint8_t s = 0;

	for (size_t i = 0; i < len; i++)
		s += ((const uint8_t *)p)[i];
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct platform_info pi;

	if (size < 1 + sizeof(struct mp_config))
		return 0;
	physmem_reset();
	size_t len = size - 1;
	uint8_t *cfg = physmem_add(CONFIG_PHYS, len);
	struct mp_config *c = (struct mp_config *)cfg;

	memcpy(cfg, data + 1, len);
	if (c->base_len <= len) {
		c->checksum = 0;
		c->checksum = -sum(cfg, c->base_len);
	}

	struct mp_fp *fp = physmem_add(FP_PHYS, sizeof(*fp));

	memcpy(fp->signature, "_MP_", 4);
	fp->config_addr = CONFIG_PHYS;
	fp->length = 1;
	fp->spec_rev = 4;
	fp->feature[1] = data[0];
	fp->checksum = -sum(fp, sizeof(*fp));

	int rc = mptable_parse(FP_PHYS, physmem_map, &pi);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOENT);
	FUZZ_CHECK(rc != 0 || pi.ncpus > 0);
	FUZZ_CHECK(pi.ncpus <= MAX_CPUS);
	FUZZ_CHECK(pi.nioapics <= MAX_IOAPICS);
	FUZZ_CHECK(pi.noverrides <= MAX_IRQ_OVERRIDES);
	physmem_reset();
	return 0;
}
