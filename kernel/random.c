// SPDX-License-Identifier: MIT
/*
 * The random stream (include/kernel/random.h): ChaCha20 (RFC 8439's block
 * function) over a 256-bit key, a block counter and a nonce. The key is
 * taken on first use from RDSEED or RDRAND when the CPU has them, XORed
 * with TSC readings; every call also mixes in the TSC, and the key is
 * replaced by stream output after each call (fast key erasure), so an
 * observer of earlier output learns nothing about later output.
 */
#include <string.h>

#include <arch/x86.h>
#include <kernel/random.h>
#include <kernel/spinlock.h>

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
#define QR(a, b, c, d)                                                         \
	do {                                                                   \
		a += b, d ^= a, d = ROTL(d, 16);                               \
		c += d, b ^= c, b = ROTL(b, 12);                               \
		a += b, d ^= a, d = ROTL(d, 8);                                \
		c += d, b ^= c, b = ROTL(b, 7);                                \
	} while (0)

static struct {
	struct spinlock lock;
	bool keyed, hardware;
	uint32_t key[8];
	uint64_t counter;
} rng;

static void chacha_block(const uint32_t key[8], uint64_t counter,
			 uint64_t nonce, uint32_t out[16])
{
	uint32_t in[16] = {
		0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
		key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
		(uint32_t)counter, (uint32_t)(counter >> 32),
		(uint32_t)nonce, (uint32_t)(nonce >> 32),
	};
	uint32_t x[16];

	memcpy(x, in, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		out[i] = x[i] + in[i];
}

static void seed(void)
{
	bool hw = true;

	for (int i = 0; i < 8; i += 2) {
		uint64_t v = 0;

		hw &= entropy_hw_word(&v);
		v ^= rdtsc() * 0x9e3779b97f4a7c15ULL;
		rng.key[i] ^= (uint32_t)v;
		rng.key[i + 1] ^= (uint32_t)(v >> 32);
	}
	rng.hardware = hw;
	rng.keyed = true;
}

void random_bytes(void *buf, size_t n)
{
	uint32_t block[16];
	unsigned char *p = buf;
	bool irq = spin_lock_irqsave(&rng.lock);

	if (!rng.keyed)
		seed();
	uint64_t nonce = rdtsc();

	while (n > 0) {
		size_t k = n < 64 ? n : 64;

		chacha_block(rng.key, rng.counter++, nonce, block);
		memcpy(p, block, k);
		p += k;
		n -= k;
	}
	/* Fast key erasure: the next key is stream nobody has seen. */
	chacha_block(rng.key, rng.counter++, nonce, block);
	memcpy(rng.key, block, sizeof(rng.key));
	spin_unlock_irqrestore(&rng.lock, irq);
	memset(block, 0, sizeof(block));
}

uint32_t random_prf(const uint32_t key[8], uint64_t a, uint64_t b)
{
	uint32_t block[16];

	chacha_block(key, a, b, block);
	return block[0];
}

bool random_is_hardware(void)
{
	uint8_t b;

	random_bytes(&b, 1);
	return rng.hardware;
}
