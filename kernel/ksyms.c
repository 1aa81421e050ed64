// SPDX-License-Identifier: MIT
/*
 * Lookups in the embedded symbol table (format in tools/mksyms.py): names
 * in address order, each with its distance from the previous one, and
 * spelled with a table of common substrings. Read by a linear walk that
 * expands names only when it needs them: the table is compact, and only
 * fault reports and backtraces use it.
 */
#include <string.h>

#include <kernel/ksyms.h>

struct ksyms_header {
	uint32_t count;
	uint16_t ntokens;
	uint16_t reserved;
	uint64_t base;
};

extern const char __ksyms_start[], __ksyms_end[];
extern const char __text_end[];

struct table {
	const struct ksyms_header *h;
	const uint16_t *token_off;	/* ntokens offsets ... */
	const char *tokens;		/* ... into these strings */
	const unsigned char *names;	/* the entries */
	const unsigned char *end;
};

static bool open_table(struct table *t)
{
	const unsigned char *p = (const unsigned char *)__ksyms_start;

	t->end = (const unsigned char *)__ksyms_end;
	if (t->end - p < (long)sizeof(struct ksyms_header))
		return false;
	t->h = (const void *)p;
	t->token_off = (const uint16_t *)(t->h + 1);
	t->tokens = (const char *)(t->token_off + t->h->ntokens);
	p = (const unsigned char *)t->tokens;
	for (unsigned i = 0; i < t->h->ntokens && p < t->end; i++)
		p += strnlen((const char *)p, t->end - p) + 1;
	t->names = p;
	return p <= t->end;
}

/* The name at (p), tokens expanded, into (buf) (cut to fit). */
static void expand(const struct table *t, const unsigned char *p, char *buf,
		   size_t size)
{
	size_t n = 0;

	for (; *p && p < t->end && n + 1 < size; p++) {
		const char *s = (const char *)p;
		size_t len = 1;

		if (*p >= 0x80 && *p - 0x80u < t->h->ntokens) {
			s = t->tokens + t->token_off[*p - 0x80];
			len = strlen(s);
		}
		for (size_t i = 0; i < len && n + 1 < size; i++)
			buf[n++] = s[i];
	}
	buf[n] = '\0';
}

/* Walks the table: calls (visit) with each symbol's address and encoded
 * name until it returns true. */
static void walk(const struct table *t,
		 bool (*visit)(const struct table *t, uintptr_t addr,
			       const unsigned char *name, void *arg),
		 void *arg)
{
	const unsigned char *p = t->names;
	uintptr_t addr = t->h->base;

	for (uint32_t i = 0; i < t->h->count && p < t->end; i++) {
		uintptr_t delta = 0;

		for (unsigned shift = 0;; shift += 7) {	/* ULEB128 */
			delta |= (uintptr_t)(*p & 0x7f) << shift;
			if (!(*p++ & 0x80) || shift > 56)
				break;
		}
		addr += delta;
		const unsigned char *name = p;

		p += strnlen((const char *)p, t->end - p) + 1;
		if (visit(t, addr, name, arg))
			return;
	}
}

struct lookup {
	uintptr_t addr;
	uintptr_t start;
	const unsigned char *name;
};

static bool closest_below(const struct table *t, uintptr_t addr,
			  const unsigned char *name, void *arg)
{
	struct lookup *l = arg;

	(void)t;
	if (addr > l->addr)
		return true;	/* sorted: nothing further can be closer */
	l->start = addr;
	l->name = name;
	return false;
}

const char *ksyms_lookup(uintptr_t addr, uintptr_t *offset, char *buf,
			 size_t size)
{
	struct lookup l = { .addr = addr };
	struct table t;

	if (addr >= (uintptr_t)__text_end || !size || !open_table(&t))
		return NULL;
	walk(&t, closest_below, &l);
	if (!l.name)
		return NULL;
	*offset = addr - l.start;
	expand(&t, l.name, buf, size);
	return buf;
}
