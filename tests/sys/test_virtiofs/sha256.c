// SPDX-License-Identifier: MIT
/*
 * SHA-256 (FIPS 180-4, section 6.2). The constants are computed rather
 * than tabulated: the initial hash is the first 32 bits of the fractional
 * parts of the square roots of the first 8 primes, the round constants
 * those of the cube roots of the first 64 (section 4.2.2, 5.3.3), so no
 * mistyped digit can hide in a table. Checked against the standard's
 * examples by the test itself (main.c).
 */
#include <string.h>

#include "sha256.h"

static uint32_t k[64], h0[8];

/* floor(root-th root of (x)), by bisection: only multiplications, which
 * the compiler does inline for 128-bit numbers. */
static uint64_t iroot(unsigned __int128 x, unsigned root)
{
	uint64_t lo = 0, hi = 1ULL << 40;	/* roots here are < 2^36 */

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo + 1) / 2;
		unsigned __int128 p = mid;

		for (unsigned i = 1; i < root; i++)
			p *= mid;
		if (p <= x)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static void constants(void)
{
	unsigned n = 0;

	for (unsigned p = 2; n < 64; p++) {
		unsigned d = 2;

		while (d * d <= p && p % d)
			d++;
		if (d * d <= p)
			continue;	/* not a prime */
		/* The fraction's first 32 bits are the low 32 bits of
		 * root(p * 2^(32 * root)). */
		if (n < 8)
			h0[n] = (uint32_t)iroot((unsigned __int128)p << 64, 2);
		k[n++] = (uint32_t)iroot((unsigned __int128)p << 96, 3);
	}
}

static uint32_t ror(uint32_t x, unsigned n)
{
	return x >> n | x << (32 - n);
}

static void block(struct sha256 *s, const uint8_t *b)
{
	uint32_t w[64], v[8];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
		       (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^
			      w[i - 15] >> 3;
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^
			      w[i - 2] >> 10;

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, s->h, sizeof(v));
	for (int i = 0; i < 64; i++) {
		uint32_t e = v[4], a = v[0];
		uint32_t t1 = v[7] + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
			      ((e & v[5]) ^ (~e & v[6])) + k[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
			      ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]));

		memmove(&v[1], &v[0], 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (int i = 0; i < 8; i++)
		s->h[i] += v[i];
}

void sha256_init(struct sha256 *s)
{
	if (!k[0])
		constants();
	memcpy(s->h, h0, sizeof(s->h));
	s->bytes = 0;
	s->fill = 0;
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	s->bytes += len;
	while (len) {
		if (s->fill == 0 && len >= 64) {
			block(s, p);
			p += 64;
			len -= 64;
			continue;
		}
		size_t n = 64 - s->fill < len ? 64 - s->fill : len;

		memcpy(s->block + s->fill, p, n);
		s->fill += n;
		p += n;
		len -= n;
		if (s->fill == 64) {
			block(s, s->block);
			s->fill = 0;
		}
	}
}

void sha256_final_hex(struct sha256 *s, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	uint64_t bits = s->bytes * 8;
	uint8_t pad[72] = { 0x80 };
	size_t npad = (s->fill < 56 ? 56 : 120) - s->fill;

	for (int i = 0; i < 8; i++)
		pad[npad + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(s, pad, npad + 8);
	for (int i = 0; i < 32; i++) {
		uint8_t byte = (uint8_t)(s->h[i / 4] >> (24 - 8 * (i % 4)));

		hex[2 * i] = digits[byte >> 4];
		hex[2 * i + 1] = digits[byte & 15];
	}
	hex[64] = '\0';
}
