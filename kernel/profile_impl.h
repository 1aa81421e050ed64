/* SPDX-License-Identifier: MIT */
/* Shared by the profiler's files (see include/kernel/profile.h). */
#ifndef KERNEL_PROFILE_IMPL_H
#define KERNEL_PROFILE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <kernel/percpu.h>
#include <kernel/timer.h>

#define PROFILE_MAX_HZ		10000
#define PROFILE_MAX_DEPTH	32	/* addresses per sample, RIP included */
#define PROFILE_HEADER		12	/* bytes before the addresses */
#define PROFILE_FLAG_IDLE	0x01	/* halted in the idle loop */

struct profile_cpu {
	/* Written only by the owner CPU, in its timer interrupt. */
	uint8_t *buf;		/* records, back to back */
	size_t cap;
	size_t len;		/* published after each whole record */
	uint64_t samples;	/* taken since the last dump */
	uint64_t dropped;	/* did not fit since the last dump */
	int writing;		/* 1 while a record is being written */
	uint64_t ticks;		/* TSC ticks spent in the sampler */

	uint64_t due;		/* next sample, clock_ns() */
	struct timer timer;
	const struct trap_frame *frame;	/* of the timer interrupt running */
};

DECLARE_PERCPU(struct profile_cpu, profile_cpus);

/* profile.c: the sampling rate, 0 when off; set before any sampling. */
extern unsigned profile_hz;
/* Set while a dump reads the buffers: samples are then not taken. */
extern int profile_paused;

/* profile_encode.c: pure helpers, also used by the host unit tests. */
/* Standard base64 of (n) bytes at (in) into (out), NUL-terminated; (out)
 * holds 4 * ((n + 2) / 3) + 1 bytes. Returns the length written. */
size_t profile_base64(const uint8_t *in, size_t n, char *out);
/* CRC-32 (IEEE 802.3, as zlib's crc32()) of (n) bytes. */
uint32_t profile_crc32(const uint8_t *p, size_t n);

/* profile_key.c: the console byte that asks for a dump (Ctrl-P), and
 * listening for it. */
#define PROFILE_DUMP_KEY	0x10
void profile_key_start(void);

#endif /* KERNEL_PROFILE_IMPL_H */
