// SPDX-License-Identifier: MIT
/* The Internet checksum (RFC 1071), for frames the device left partial. */
#include <errno.h>

#include "net_impl.h"

int vnet_csum_fill(uint8_t *frame, size_t len, uint16_t start,
		   uint16_t offset)
{
	if ((size_t)start + offset + 2 > len)
		return -EINVAL;
	uint32_t sum = 0;
	size_t i;

	/* The field holds the pseudo-header sum: it is summed too. */
	for (i = start; i + 1 < len; i += 2)
		sum += (uint32_t)frame[i] << 8 | frame[i + 1];
	if (i < len)
		sum += (uint32_t)frame[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	uint16_t c = ~sum & 0xffff;

	if (c == 0)
		c = 0xffff;	/* 0 means "no checksum" to UDP */
	frame[start + offset] = c >> 8;
	frame[start + offset + 1] = c & 0xff;
	return 0;
}
