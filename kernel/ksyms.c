// SPDX-License-Identifier: MIT
/*
 * Lookups in the embedded symbol table (format in tools/mksyms.py): names
 * in address order, each with its distance from the previous one. Read
 * by a linear walk: the table is compact, and only backtraces use it.
 */
#include <string.h>

#include <kernel/ksyms.h>

struct ksyms_header {
	uint32_t count;
	uint32_t reserved;
	uint64_t base;
};

extern const char __ksyms_start[], __ksyms_end[];
extern const char __text_end[];

/* Walks the table: calls (visit) with each symbol's address and name
 * until it returns true. */
static void walk(bool (*visit)(uintptr_t addr, const char *name, void *arg),
		 void *arg)
{
	if (__ksyms_end - __ksyms_start < (long)sizeof(struct ksyms_header))
		return;
	const struct ksyms_header *h = (const void *)__ksyms_start;
	const unsigned char *p = (const unsigned char *)(h + 1);
	uintptr_t addr = h->base;

	for (uint32_t i = 0; i < h->count && p < (const unsigned char *)__ksyms_end;
	     i++) {
		uint32_t delta = p[0] | p[1] << 8;

		p += 2;
		if (delta == 0xffff) {
			memcpy(&delta, p, 4);
			p += 4;
		}
		addr += delta;
		const char *name = (const char *)p;

		p += strlen(name) + 1;
		if (visit(addr, name, arg))
			return;
	}
}

struct lookup {
	uintptr_t addr;
	uintptr_t start;
	const char *name;
};

static bool closest_below(uintptr_t addr, const char *name, void *arg)
{
	struct lookup *l = arg;

	if (addr > l->addr)
		return true;	/* sorted: nothing further can be closer */
	l->start = addr;
	l->name = name;
	return false;
}

const char *ksyms_lookup(uintptr_t addr, uintptr_t *offset)
{
	struct lookup l = { .addr = addr };

	if (addr >= (uintptr_t)__text_end)
		return NULL;
	walk(closest_below, &l);
	if (l.name)
		*offset = addr - l.start;
	return l.name;
}

struct by_name {
	const char *name;
	uintptr_t addr;
};

static bool match(uintptr_t addr, const char *name, void *arg)
{
	struct by_name *b = arg;

	if (strcmp(name, b->name) != 0)
		return false;
	b->addr = addr;
	return true;
}

uintptr_t ksyms_address(const char *name)
{
	struct by_name b = { .name = name };

	walk(match, &b);
	return b.addr;
}
