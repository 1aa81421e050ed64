// SPDX-License-Identifier: MIT
/*
 * Tests of the fake physical memory (physmem.c): a parser test is only as
 * strict as the mapper under it, so its bounds are checked first.
 */
#include "physmem.h"
#include "unit.h"

#include <stdint.h>

UNIT_TEST(physmem_bounds)
{
	uint8_t *low, *high;
	const uint8_t *p;

	physmem_reset();
	low = physmem_add(0xf0000, 16);
	high = physmem_add(0x4000000, 32);
	low[0] = 0xaa;
	high[31] = 0xbb;

	/* Low memory is one zero-filled MiB. */
	p = physmem_map(0, PHYSMEM_LOW_END);
	REQUIRE(p);
	CHECK_EQ(p[0xf0000], 0xaa);
	CHECK_EQ(p[0xeffff], 0);
	CHECK(!physmem_map(0xfffff, 2));

	/* Elsewhere only what was added. */
	p = physmem_map(0x4000000 + 31, 1);
	REQUIRE(p);
	CHECK_EQ(p[0], 0xbb);
	CHECK(!physmem_map(0x4000000 + 31, 2));
	CHECK(!physmem_map(0x3ffffff, 2));
	CHECK(!physmem_map(0x4000000, 0));
	CHECK(!physmem_map(UINT64_MAX - 4, 16));
	CHECK_EQ(physmem_map_count(), 7);
	physmem_reset();
	CHECK_EQ(physmem_map_count(), 0);
}

UNIT_TEST(physmem_fixtures_load)
{
	static const char *const names[] = {
		"microvm-acpi", "microvm-noacpi", "q35-qboot", "q35-qboot-70",
		"q35-seabios", "q35-seabios-70", "q35-seabios-hotplug",
		"pc-seabios",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		physmem_reset();
		CHECK_EQ(physmem_load(names[i]), 0);
		/* Every capture holds the BIOS data area. */
		CHECK(physmem_map(0x400, 0x100) != NULL);
	}
	physmem_reset();
	CHECK(physmem_load("no-such-fixture") != 0);
	physmem_reset();
}
