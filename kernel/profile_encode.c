// SPDX-License-Identifier: MIT
/*
 * Base64 and CRC-32 for the profiler's console output: base64 because a
 * console passes text only, a CRC per line so the host can tell a sample
 * that a noisy console mangled from a real one. Pure, so the host unit
 * tests check it against the standard vectors.
 */
#include <stddef.h>
#include <stdint.h>

#include "profile_impl.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t profile_base64(const uint8_t *in, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t left = n - i;

		if (left > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (left > 2)
			v |= in[i + 2];
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = left > 1 ? alphabet[(v >> 6) & 63] : '=';
		out[o++] = left > 2 ? alphabet[v & 63] : '=';
	}
	out[o] = '\0';
	return o;
}

/* Bit by bit: it runs once per sample at dump time, and a table would
 * cost 1 KiB in the image for nothing measurable. */
uint32_t profile_crc32(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffff;

	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}
