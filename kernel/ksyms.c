// SPDX-License-Identifier: MIT
/*
 * Lookups in the embedded symbol table (format in tools/mksyms.py): entries
 * sorted by address, so an address maps to its function by binary search.
 */
#include <string.h>

#include <kernel/ksyms.h>

struct ksyms_header {
	uint32_t count;
	uint32_t strings_offset;
	uint64_t base;
};

struct ksyms_entry {
	uint32_t offset;	/* function start - header.base */
	uint32_t name;		/* offset into the string block */
};

extern const char __ksyms_start[], __ksyms_end[];
extern const char __text_end[];

static const struct ksyms_header *table(void)
{
	if (__ksyms_end - __ksyms_start < (long)sizeof(struct ksyms_header))
		return NULL;
	return (const struct ksyms_header *)__ksyms_start;
}

static const struct ksyms_entry *entries(const struct ksyms_header *h)
{
	return (const struct ksyms_entry *)(h + 1);
}

static const char *name_of(const struct ksyms_header *h,
			   const struct ksyms_entry *e)
{
	return (const char *)h + h->strings_offset + e->name;
}

const char *ksyms_lookup(uintptr_t addr, uintptr_t *offset)
{
	const struct ksyms_header *h = table();

	if (!h || h->count == 0 || addr < h->base ||
	    addr >= (uintptr_t)__text_end)
		return NULL;
	const struct ksyms_entry *e = entries(h);
	uint64_t rel = addr - h->base;
	uint32_t lo = 0, hi = h->count;

	/* Last entry whose start is <= rel. */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (e[mid].offset <= rel)
			lo = mid;
		else
			hi = mid;
	}
	if (e[lo].offset > rel)
		return NULL;
	*offset = rel - e[lo].offset;
	return name_of(h, &e[lo]);
}

uintptr_t ksyms_address(const char *name)
{
	const struct ksyms_header *h = table();

	if (!h)
		return 0;
	for (uint32_t i = 0; i < h->count; i++)
		if (strcmp(name_of(h, &entries(h)[i]), name) == 0)
			return h->base + entries(h)[i].offset;
	return 0;
}
