// SPDX-License-Identifier: MIT
/* The initrd's index: names normalised, implied directories, duplicates,
 * hard links, listings in the right order, lookups and their errors,
 * parents. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/initrd.h>

#include "cpio_build.h"
#include "unit.h"

/* The children of (path) as "a,b/,c" (directories with a slash). */
static const char *children(const struct initrd_index *ix, const char *path)
{
	static char out[1024];
	int err;
	const struct initrd_node *dir = initrd_lookup(ix, path, &err), *c;
	uint64_t pos = 0;

	if (!dir)
		return "no dir";
	out[0] = '\0';
	while ((c = initrd_next_child(ix, dir, &pos))) {
		size_t len;
		const char *name = initrd_basename(c, &len);

		snprintf(out + strlen(out), sizeof(out) - strlen(out),
			 "%s%.*s%s", out[0] ? "," : "", (int)len, name,
			 (c->mode & 0170000) == 040000 ? "/" : "");
	}
	/* The end stays the end. */
	if (initrd_next_child(ix, dir, &pos))
		return "more after the end";
	return out;
}

static const char *contents(const struct initrd_index *ix, const char *path)
{
	static char out[256];
	int err;
	const struct initrd_node *n = initrd_lookup(ix, path, &err);

	if (!n)
		return err == -ENOTDIR ? "ENOTDIR" : "ENOENT";
	snprintf(out, sizeof(out), "%.*s", (int)n->size, (const char *)n->data);
	return out;
}

UNIT_TEST(initrd_implied_directories)
{
	struct cpio_buf b;
	struct initrd_index ix;

	/* No directory entries at all, and names spelled every way. */
	cpio_buf_init(&b, "070701");
	cpio_add(&b, "a/b/c.txt", 0100644, "C", 1);
	cpio_add(&b, "./x", 0100644, "X", 1);
	cpio_add(&b, "/abs//path/./y", 0100644, "Y", 1);
	cpio_add(&b, "a/b2/", 040700, NULL, 0);
	cpio_add(&b, "z/../w", 0100644, "W", 1);
	cpio_trailer(&b);
	REQUIRE(initrd_index_build(&ix, b.data, b.len) == 0);

	CHECK_STR_EQ(children(&ix, ""), "a/,abs/,w,x");
	CHECK_STR_EQ(children(&ix, "a"), "b/,b2/");
	CHECK_STR_EQ(children(&ix, "a/b"), "c.txt");
	CHECK_STR_EQ(children(&ix, "a/b2"), "");
	CHECK_STR_EQ(children(&ix, "abs/path"), "y");
	CHECK_STR_EQ(contents(&ix, "a/b/c.txt"), "C");
	CHECK_STR_EQ(contents(&ix, "abs/path/y"), "Y");
	CHECK_STR_EQ(contents(&ix, "w"), "W");
	CHECK_STR_EQ(contents(&ix, "z"), "ENOENT");

	int err;
	const struct initrd_node *n = initrd_lookup(&ix, "a/b2", &err);

	REQUIRE(n);
	CHECK_EQ(n->mode, 040700);	/* the real entry, not an implied one */
	n = initrd_lookup(&ix, "a", &err);
	REQUIRE(n);
	CHECK_EQ(n->mode & 0170000, 040000);
	n = initrd_lookup(&ix, "", &err);
	REQUIRE(n);
	CHECK_EQ(n->len, 0);
	/* Parents, for "..": the root is its own. */
	const struct initrd_node *root = n;

	CHECK(initrd_parent(&ix, root) == root);
	CHECK(initrd_parent(&ix, initrd_lookup(&ix, "a", &err)) == root);
	CHECK(initrd_parent(&ix, initrd_lookup(&ix, "a/b/c.txt", &err)) ==
	      initrd_lookup(&ix, "a/b", &err));
	CHECK(initrd_parent(&ix, initrd_lookup(&ix, "abs/path", &err)) ==
	      initrd_lookup(&ix, "abs", &err));
	/* Every node has its own inode number. */
	for (size_t i = 0; i < ix.n; i++)
		for (size_t j = i + 1; j < ix.n; j++)
			CHECK(ix.nodes[i].ino != ix.nodes[j].ino);
	initrd_index_free(&ix);
	free(b.data);
}

UNIT_TEST(initrd_sort_order_and_lookups)
{
	struct cpio_buf b;
	struct initrd_index ix;

	/* '-' and '.' sort before '/': "a-b" falls between "a" and "a/x". */
	cpio_buf_init(&b, "070701");
	cpio_add(&b, "a", 040755, NULL, 0);
	cpio_add(&b, "a/x", 0100644, "1", 1);
	cpio_add(&b, "a-b", 0100644, "2", 1);
	cpio_add(&b, "a.c/d", 0100644, "3", 1);
	cpio_add(&b, "a/x0", 0100644, "4", 1);
	cpio_add(&b, "a/y/z", 0100644, "5", 1);
	cpio_add(&b, "a0", 0100644, "6", 1);
	cpio_add(&b, "file", 0100644, "F", 1);
	cpio_trailer(&b);
	REQUIRE(initrd_index_build(&ix, b.data, b.len) == 0);
	CHECK_STR_EQ(children(&ix, ""), "a/,a-b,a.c/,a0,file");
	CHECK_STR_EQ(children(&ix, "a"), "x,x0,y/");
	CHECK_STR_EQ(children(&ix, "a.c"), "d");
	CHECK_STR_EQ(children(&ix, "a/y"), "z");
	CHECK_STR_EQ(contents(&ix, "a/x0"), "4");
	CHECK_STR_EQ(contents(&ix, "a/"), "ENOENT");	/* not normalised */
	CHECK_STR_EQ(contents(&ix, "file/x"), "ENOTDIR");
	CHECK_STR_EQ(contents(&ix, "file/x/y"), "ENOTDIR");
	CHECK_STR_EQ(contents(&ix, "a/q/r"), "ENOENT");
	CHECK_STR_EQ(contents(&ix, "b"), "ENOENT");
	initrd_index_free(&ix);
	free(b.data);
}

UNIT_TEST(initrd_duplicates_links_and_shadowed_paths)
{
	struct cpio_buf b;
	struct initrd_index ix;

	cpio_buf_init(&b, "070701");
	cpio_add(&b, "dup", 0100644, "first", 5);
	cpio_add(&b, "dup", 0100644, "second", 6);	/* the last wins */
	/* A hard link: newc stores the data with the last name only. */
	cpio_add_full(&b, "h1", 2, 0100644, NULL, 0, 77, 2);
	cpio_add_full(&b, "h2", 2, 0100644, "shared", 6, 77, 2);
	/* A file "f" with entries below it: no path reaches those. */
	cpio_add(&b, "f", 0100644, "F", 1);
	cpio_add(&b, "f/g", 0100644, "G", 1);
	/* A root entry that is not a directory is ignored. */
	cpio_add(&b, ".", 0100644, "R", 1);
	cpio_trailer(&b);
	REQUIRE(initrd_index_build(&ix, b.data, b.len) == 0);
	CHECK_STR_EQ(contents(&ix, "dup"), "second");
	CHECK_STR_EQ(contents(&ix, "h1"), "shared");
	CHECK_STR_EQ(contents(&ix, "h2"), "shared");
	CHECK_STR_EQ(contents(&ix, "f/g"), "ENOTDIR");
	CHECK_STR_EQ(children(&ix, ""), "dup,f,h1,h2");
	int err;

	CHECK(initrd_lookup(&ix, "", &err) != NULL);
	CHECK_EQ(initrd_lookup(&ix, "", &err)->mode & 0170000, 040000);
	initrd_index_free(&ix);
	free(b.data);
}

UNIT_TEST(initrd_rejects_bad_archives)
{
	struct cpio_buf b;
	struct initrd_index ix;

	cpio_buf_init(&b, "070701");
	cpio_add(&b, "a", 0100644, "x", 1);
	/* Truncated: no trailer. */
	CHECK_EQ(initrd_index_build(&ix, b.data, b.len), -EINVAL);
	CHECK(ix.nodes == NULL);
	/* An empty archive is a root and nothing else. */
	cpio_trailer(&b);
	CHECK_EQ(initrd_index_build(&ix, b.data, b.len), 0);
	CHECK_EQ(ix.n, 2);
	initrd_index_free(&ix);
	free(b.data);
	cpio_buf_init(&b, "070701");
	cpio_trailer(&b);
	CHECK_EQ(initrd_index_build(&ix, b.data, b.len), 0);
	CHECK_EQ(ix.n, 1);
	CHECK_STR_EQ(children(&ix, ""), "");
	initrd_index_free(&ix);
	free(b.data);
}
