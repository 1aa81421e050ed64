// SPDX-License-Identifier: MIT
/*
 * The fake physical memory that the ACPI and MP table tests and fuzz
 * targets map firmware tables from (physmem.h). Fixtures are found under
 * tests/unit/data/, relative to the repository root where the unit binary
 * runs, or under $TORO_UNIT_DATA. Its own tests are in test_physmem.c.
 */
#include "physmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REGIONS	32
#define PMEM_MAGIC	"TOROPMEM"

struct region {
	uint64_t phys;
	size_t len;
	uint8_t *data;
};

static struct region regions[MAX_REGIONS];
static unsigned nregions;
static void **maps;		/* copies handed out by physmem_map */
static unsigned nmaps, maps_cap;
static uint64_t max_mapped;	/* highest end asked for */

void physmem_reset(void)
{
	for (unsigned i = 0; i < nregions; i++)
		free(regions[i].data);
	nregions = 0;
	for (unsigned i = 0; i < nmaps; i++)
		free(maps[i]);
	free(maps);
	maps = NULL;
	nmaps = maps_cap = 0;
	max_mapped = 0;
}

static struct region *find(uint64_t phys, size_t len)
{
	if (phys + len < phys)
		return NULL;
	for (unsigned i = 0; i < nregions; i++) {
		struct region *r = &regions[i];

		if (phys >= r->phys && phys + len <= r->phys + r->len)
			return r;
	}
	return NULL;
}

static struct region *new_region(uint64_t phys, size_t len)
{
	struct region *r;

	for (unsigned i = 0; i < nregions; i++) {
		if (phys < regions[i].phys + regions[i].len &&
		    regions[i].phys < phys + len) {
			fprintf(stderr, "physmem: %#llx+%#zx overlaps\n",
				(unsigned long long)phys, len);
			abort();
		}
	}
	if (nregions == MAX_REGIONS)
		abort();
	r = &regions[nregions++];
	r->phys = phys;
	r->len = len;
	r->data = calloc(1, len ? len : 1);
	if (!r->data)
		abort();
	return r;
}

void *physmem_add(uint64_t phys, size_t len)
{
	struct region *r;

	if (phys < PHYSMEM_LOW_END) {
		if (phys + len > PHYSMEM_LOW_END) {
			fprintf(stderr, "physmem: %#llx+%#zx crosses 1 MiB\n",
				(unsigned long long)phys, len);
			abort();
		}
		r = find(0, PHYSMEM_LOW_END);
		if (!r)
			r = new_region(0, PHYSMEM_LOW_END);
		return r->data + phys;
	}
	return new_region(phys, len)->data;
}

static char *data_path(const char *rel)
{
	const char *dir = getenv("TORO_UNIT_DATA");
	size_t n;
	char *p;

	if (!dir)
		dir = "tests/unit/data";
	n = strlen(dir) + strlen(rel) + 2;
	p = malloc(n);
	if (!p)
		abort();
	snprintf(p, n, "%s/%s", dir, rel);
	return p;
}

static uint8_t *read_file(const char *rel, size_t *len)
{
	char *path = data_path(rel);
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f) {
		printf("    physmem: cannot open %s (run from the repository "
		       "root or set TORO_UNIT_DATA)\n", path);
		goto out_path;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		goto out_file;
	buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
		goto out_file;
	}
	*len = n;
out_file:
	fclose(f);
out_path:
	free(path);
	return buf;
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* A .pmem file: "TOROPMEM", then records of le64 phys, le64 len, bytes. */
int physmem_load(const char *name)
{
	char rel[256];
	uint8_t *buf;
	size_t len, off;
	int rc = -1;

	snprintf(rel, sizeof(rel), "%s.pmem", name);
	buf = read_file(rel, &len);
	if (!buf)
		return -1;
	if (len < 8 || memcmp(buf, PMEM_MAGIC, 8) != 0)
		goto bad;
	for (off = 8; off < len;) {
		uint64_t phys, n;

		if (len - off < 16)
			goto bad;
		phys = get_le64(buf + off);
		n = get_le64(buf + off + 8);
		off += 16;
		if (n > len - off)
			goto bad;
		memcpy(physmem_add(phys, n), buf + off, n);
		off += n;
	}
	rc = 0;
	goto out;
bad:
	printf("    physmem: %s is malformed\n", rel);
out:
	free(buf);
	return rc;
}

void *physmem_load_file(const char *path, uint64_t phys, size_t *len)
{
	size_t n;
	uint8_t *buf = read_file(path, &n);
	void *p;

	if (!buf)
		return NULL;
	p = physmem_add(phys, n);
	memcpy(p, buf, n);
	free(buf);
	if (len)
		*len = n;
	return p;
}

const void *physmem_map(uint64_t phys, size_t len)
{
	struct region *r = find(phys, len);
	void *copy;

	if (phys + len > max_mapped)
		max_mapped = phys + len;
	if (nmaps == maps_cap) {
		maps_cap = maps_cap ? 2 * maps_cap : 64;
		maps = realloc(maps, maps_cap * sizeof(*maps));
		if (!maps)
			abort();
	}
	if (!r || len == 0) {
		maps[nmaps++] = NULL;	/* still counted */
		return NULL;
	}
	copy = malloc(len);
	if (!copy)
		abort();
	memcpy(copy, r->data + (phys - r->phys), len);
	maps[nmaps++] = copy;
	return copy;
}

unsigned physmem_map_count(void)
{
	return nmaps;
}

uint64_t physmem_max_mapped(void)
{
	return max_mapped;
}
