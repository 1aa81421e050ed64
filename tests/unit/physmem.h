/* SPDX-License-Identifier: MIT */
/*
 * A fake physical address space for the firmware table tests: regions of
 * guest memory captured from QEMU (the .pmem files in tests/unit/data, see
 * the README there) or built by a test, placed at their original addresses,
 * and a phys_map_fn over them. Every map returns a private copy of exactly
 * the bytes asked for, so AddressSanitizer reports any parser read past a
 * length it mapped. Not thread-safe; tests run one at a time.
 */
#ifndef UNIT_PHYSMEM_H
#define UNIT_PHYSMEM_H

#include <stddef.h>
#include <stdint.h>

/* Below this, one zero-filled region, as a PC's low memory. */
#define PHYSMEM_LOW_END	0x100000

/* Forgets every region and frees every mapping handed out. */
void physmem_reset(void);

/*
 * Adds (len) zeroed bytes at (phys) and returns them for the test to fill.
 * Anything below 1 MiB lives in one zero-filled low-memory region, as on a
 * PC, so BIOS-area scans can map it whole. Aborts on overlap.
 */
void *physmem_add(uint64_t phys, size_t len);

/*
 * Loads tests/unit/data/(name).pmem. Returns 0, or -1 (with a message) if
 * the file is missing or malformed.
 */
int physmem_load(const char *name);

/*
 * Loads the raw file tests/unit/data/(path) at (phys); stores its size in
 * (*len) if (len) is not NULL. Returns its bytes in the fake memory, or NULL.
 */
void *physmem_load_file(const char *path, uint64_t phys, size_t *len);

/* The phys_map_fn: NULL unless [phys, phys + len) lies in one region. */
const void *physmem_map(uint64_t phys, size_t len);

/* How many maps have been asked for since the last reset. */
unsigned physmem_map_count(void);

/* The highest end address asked for since the last reset, mapped or not. */
uint64_t physmem_max_mapped(void);

#endif /* UNIT_PHYSMEM_H */
