// SPDX-License-Identifier: MIT
/*
 * The "virtio_mmio.device=" values the VMM puts on the kernel command line
 * (mmio.c scans them). Apart from the transport, with no register access,
 * so the host fuzz target (tests/fuzz/fuzz_cmdline.c) can feed it anything.
 */
#include <errno.h>

#include <kernel/strtox.h>

#include "virtio_impl.h"

/* The registers before the device's configuration (mmio.c's MMIO_CONFIG):
 * a window smaller than that cannot be a device. */
#define MMIO_MIN_SIZE	0x100

/* "SIZE@BASE:IRQ[:ID]", SIZE with an optional K/M/G suffix. */
int virtio_mmio_parse(const char *s, uint64_t *size, uint64_t *base,
		      uint32_t *irq)
{
	char *end;

	*size = kstrtou64(s, &end, 0, NULL);
	switch (*end) {
	case 'G': case 'g':
		*size <<= 10;
		/* fall through */
	case 'M': case 'm':
		*size <<= 10;
		/* fall through */
	case 'K': case 'k':
		*size <<= 10;
		end++;
	}
	if (end == s || *end != '@' || *size < MMIO_MIN_SIZE)
		return -EINVAL;
	s = end + 1;
	*base = kstrtou64(s, &end, 0, NULL);
	if (end == s || *end != ':' || *base == 0 || *base & 3 ||
	    *base + *size < *base)
		return -EINVAL;
	s = end + 1;
	uint64_t v = kstrtou64(s, &end, 0, NULL);

	if (end == s || (*end && *end != ':') || v > 0xffffff)
		return -EINVAL;
	*irq = v;
	return 0;
}
