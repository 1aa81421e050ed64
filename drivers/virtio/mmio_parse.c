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
	bool over;
	unsigned shift = 0;

	*size = kstrtou64(s, &end, 0, &over);
	switch (*end) {
	case 'G': case 'g':
		shift += 10;
		/* fall through */
	case 'M': case 'm':
		shift += 10;
		/* fall through */
	case 'K': case 'k':
		shift += 10;
		end++;
	}
	/* A size past 64 bits, before or after its suffix, is an error:
	 * saturated or shifted, it would come out as some other size. */
	if (end == s || *end != '@' || over || *size > UINT64_MAX >> shift)
		return -EINVAL;
	*size <<= shift;
	if (*size < MMIO_MIN_SIZE)
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
