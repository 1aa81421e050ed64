// SPDX-License-Identifier: MIT
/*
 * Lookups in the embedded symbol table (format in tools/mksyms.py): names
 * in address order, each with its distance from the previous one, and
 * spelled with a table of common substrings (which may hold others).
 * Read by a linear walk that expands names only when it needs them: the
 * table is compact, and only fault reports and backtraces use it.
 */
#include <string.h>

#include <kernel/ksyms.h>

struct ksyms_header {
	uint32_t count;
	uint16_t ntokens;
	uint16_t reserved;
	uint64_t base;
};

/* How deep tokens nest at most (MAX_DEPTH in tools/mksyms.py). */
#define TOKEN_DEPTH 8

extern const char __ksyms_start[], __ksyms_end[];
extern const char __text_end[];

struct table {
	const struct ksyms_header *h;
	const char *tokens;		/* ntokens strings, one after another */
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
	t->tokens = (const char *)(t->h + 1);
	p = (const unsigned char *)t->tokens;
	for (unsigned i = 0; i < t->h->ntokens && p < t->end; i++)
		p += strnlen((const char *)p, t->end - p) + 1;
	t->names = p;
	return p <= t->end;
}

/* The token byte (c) stands for, or NULL if it is a letter of its own. */
static const char *token_of(const struct table *t, unsigned char c)
{
	unsigned i = c >= 0x80 ? c - 0x80u : c + 127u;	/* 0x01: 128 */

	if ((c < 0x80 && c > 0x23) || i >= t->h->ntokens)
		return NULL;
	const char *s = t->tokens;

	while (i--)
		s += strlen(s) + 1;
	return s;
}

/* Appends (s), tokens expanded, to the (n) bytes in (buf) (cut to fit);
 * returns the new length. */
static size_t expand(const struct table *t, const unsigned char *s,
		     char *buf, size_t n, size_t size, unsigned depth)
{
	for (; *s && n + 1 < size; s++) {
		const char *token = depth < TOKEN_DEPTH ? token_of(t, *s) : NULL;

		if (token)
			n = expand(t, (const unsigned char *)token, buf, n, size,
				   depth + 1);
		else
			buf[n++] = *s;
	}
	return n;
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
	buf[expand(&t, l.name, buf, 0, size, 0)] = '\0';
	return buf;
}
