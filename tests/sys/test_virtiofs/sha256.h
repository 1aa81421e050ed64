/* SPDX-License-Identifier: MIT */
/* SHA-256 (FIPS 180-4), for checking that file contents crossed between
 * guest and host intact. Incremental: init, update any number of times,
 * final. */
#ifndef TEST_SHA256_H
#define TEST_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];		/* the running hash */
	uint64_t bytes;		/* message length so far */
	uint8_t block[64];	/* a partial block */
	size_t fill;		/* bytes in (block) */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Writes the digest as 64 lowercase hex digits and a NUL into (hex). */
void sha256_final_hex(struct sha256 *s, char hex[65]);

#endif /* TEST_SHA256_H */
