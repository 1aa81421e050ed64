// SPDX-License-Identifier: MIT
/*
 * The initrd's index (fs/initrd_index.c) over any archive: building it
 * must succeed or fail cleanly, and a built index must hold together:
 * sorted, every node found again by its own name, every parent a
 * directory, every listing made of the directory's own children.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/initrd.h>

#include "fuzz.h"

#define MODE_TYPE	0170000
#define MODE_DIR	0040000

/* Sorted by name, each name once: the binary searches rely on it. */
static bool before(const struct initrd_node *a, const struct initrd_node *b)
{
	int c = memcmp(a->name, b->name, a->len < b->len ? a->len : b->len);

	return c < 0 || (c == 0 && a->len < b->len);
}

static void check_node(const struct initrd_index *ix,
		       const struct initrd_node *n)
{
	char *path = malloc(n->len + 1);
	int err;

	memcpy(path, n->name, n->len);
	path[n->len] = '\0';
	FUZZ_CHECK(initrd_lookup(ix, path, &err) == n);
	free(path);

	const struct initrd_node *p = initrd_parent(ix, n);

	FUZZ_CHECK(p && (p->mode & MODE_TYPE) == MODE_DIR);
	FUZZ_CHECK(n->len == 0 || p->len < n->len);

	size_t blen;
	const char *base = initrd_basename(n, &blen);

	FUZZ_CHECK(blen <= n->len && memchr(base, '/', blen) == NULL);
	if ((n->mode & MODE_TYPE) != MODE_DIR)
		return;
	uint64_t pos = 0;
	const struct initrd_node *c;

	while ((c = initrd_next_child(ix, n, &pos)))
		FUZZ_CHECK(initrd_parent(ix, c) == n && c != n);
	FUZZ_CHECK(initrd_next_child(ix, n, &pos) == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct initrd_index ix;
	int rc = initrd_index_build(&ix, data, size);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	if (rc)
		return 0;
	FUZZ_CHECK(ix.n >= 1 && ix.nodes[0].len == 0);
	for (size_t i = 0; i < ix.n; i++) {
		if (i)
			FUZZ_CHECK(before(&ix.nodes[i - 1], &ix.nodes[i]));
		check_node(&ix, &ix.nodes[i]);
	}
	initrd_index_free(&ix);
	return 0;
}
