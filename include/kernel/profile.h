/* SPDX-License-Identifier: MIT */
/*
 * The in-guest sampling profiler. It is linked only into images built for
 * profiling (`toro profile` links with -u profile_dump) or into applications
 * that call profile_dump(), and runs only with the kernel option
 * toro.profile=HZ (1..10000): each CPU then samples, from its own local
 * APIC timer, the interrupted instruction and frame-pointer call stack of
 * whatever it runs, with the thread id; a CPU halted in its idle loop, or
 * watching there for work before it halts, is recorded as idle. Samples
 * go into a bounded buffer per CPU (toro.profile_kb, default 1024 KiB
 * each); samples that do not fit are counted as dropped and reported,
 * never written over older ones.
 *
 * The samples are written to the console at exit() and by profile_dump(),
 * one sample per line, so that any console carries them:
 *
 *   @tp-begin v1 hz=HZ cpus=N
 *   @tp BASE64 CRC32        one sample, CRC32 (8 hex digits) of its bytes
 *   @tp-cpu C samples=S dropped=D sampler_ns=T   (T: time spent sampling)
 *   @tp-end
 *
 * A sample is little-endian: u8 flags (bit 0: halted in the idle loop),
 * u8 cpu, u8 depth, u8 zero, u32 thread id, u32 the word at the
 * interrupted %rsp (0 if off the stack or above 4 GiB), then (depth) u32
 * addresses: the interrupted RIP, then return addresses from the frame
 * pointer chain. The word at %rsp is the caller's return address when the
 * sample hit a function without a frame of its own (gcc 12 leaves leaf
 * functions frameless despite -mno-omit-leaf-frame-pointer) or its first
 * or last instruction: the host, which can read the code, decides.
 */
#ifndef KERNEL_PROFILE_H
#define KERNEL_PROFILE_H

#include <stdbool.h>

/*
 * Writes every sample collected so far to the console and empties the
 * buffers, so a later dump holds only newer samples. Sampling pauses while
 * it runs. Does nothing when the profiler is off.
 */
void profile_dump(void);

/* Whether toro.profile started the profiler. */
bool profile_enabled(void);

#endif /* KERNEL_PROFILE_H */
