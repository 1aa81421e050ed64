// SPDX-License-Identifier: MIT
/*
 * Indexing a cpio archive for the initrd filesystem. Two passes over the
 * archive: one counts (and validates everything), one fills an array of
 * nodes, one per entry plus one per directory its path implies, which is
 * then sorted by name. Names are normalised ("./a//b/" is "a/b"); they
 * point into the archive where it spells them that way already, and an
 * implied directory's name is a prefix of its child's, so few are copied.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <kernel/cpio.h>
#include <kernel/initrd.h>
#include <kernel/vfs_path.h>
#include <kernel/heap.h>
#include <kernel/sort.h>

#define MODE_TYPE	0170000
#define MODE_DIR	0040000
#define MODE_REG	0100000

/* Inode numbers for nodes the archive does not number. */
#define SYNTH_INO_BASE	(1ull << 32)

static bool is_dir(const struct initrd_node *n)
{
	return (n->mode & MODE_TYPE) == MODE_DIR;
}

/* Normalises an archive name into (buf); returns the relative path's
 * length, with the path at buf + 1, or -EINVAL. */
static int normalise(const struct cpio_entry *e, char *buf)
{
	bool dir;
	int n = vfs_path_normalize("/", e->name, buf, VFS_PATH_MAX, &dir);

	return n < 0 ? -EINVAL : n - 1;
}

/* Where the archive already spells (rel), if it does. */
static const char *in_archive(const struct cpio_entry *e, const char *rel,
			      size_t len)
{
	size_t end = e->name_len;

	while (end > 0 && e->name[end - 1] == '/')
		end--;
	if (end < len || memcmp(e->name + end - len, rel, len) != 0)
		return NULL;
	return e->name + end - len;
}

static unsigned count_slashes(const char *s, size_t len)
{
	unsigned n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '/';
	return n;
}

static int cmp_name(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* By name; for one name, the archive's last entry first, implied
 * directories after every real entry. */
static int cmp_node(const void *pa, const void *pb)
{
	const struct initrd_node *a = pa, *b = pb;
	int c = cmp_name(a->name, a->len, b->name, b->len);

	if (c)
		return c;
	return a->order > b->order ? -1 : a->order < b->order;
}

static bool link_candidate(const struct initrd_node *n)
{
	return n->order && (n->mode & MODE_TYPE) == MODE_REG && n->nlink > 1;
}

/* Hard-link candidates grouped by device and inode. */
static int cmp_link(const void *pa, const void *pb)
{
	const struct initrd_node *a = pa, *b = pb;
	bool la = link_candidate(a), lb = link_candidate(b);

	if (la != lb)
		return la ? -1 : 1;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return a->order > b->order ? -1 : a->order < b->order;
}

/*
 * newc stores a hard-linked file's data once, with the last of its names;
 * the others have size 0. Gives them all the data.
 */
static void share_hard_links(struct initrd_node *nodes, size_t n)
{
	ksort(nodes, n, sizeof(*nodes), cmp_link);
	for (size_t i = 0; i < n && link_candidate(&nodes[i]);) {
		size_t j = i;
		const struct initrd_node *with = NULL;

		for (; j < n && link_candidate(&nodes[j]) &&
		       nodes[j].dev == nodes[i].dev &&
		       nodes[j].ino == nodes[i].ino; j++)
			if (!with && nodes[j].size)
				with = &nodes[j];
		for (size_t k = i; with && k < j; k++) {
			if (nodes[k].size == 0) {
				nodes[k].data = with->data;
				nodes[k].size = with->size;
			}
		}
		i = j;
	}
}

static size_t find(const struct initrd_node *nodes, size_t n, const char *name,
		   size_t len, bool *found)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_name(nodes[mid].name, nodes[mid].len, name, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < n && cmp_name(nodes[lo].name, nodes[lo].len, name,
				    len) == 0;
	return lo;
}

/*
 * Keeps one node per name (the first after sorting) and drops nodes whose
 * parent is not a directory (a file "a" and an entry "a/b"): no path
 * reaches them. Parents sort before their children, so one pass works.
 */
static size_t prune(struct initrd_node *nodes, size_t n)
{
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		struct initrd_node *node = &nodes[i];

		if (out && cmp_name(nodes[out - 1].name, nodes[out - 1].len,
				    node->name, node->len) == 0)
			continue;
		if (node->len) {
			size_t plen = node->len;
			bool found;

			while (plen > 0 && node->name[plen - 1] != '/')
				plen--;
			plen = plen ? plen - 1 : 0;
			size_t p = find(nodes, out, node->name, plen, &found);

			if (!found || !is_dir(&nodes[p]))
				continue;
		} else if (!is_dir(node)) {
			continue;	/* a root that is not a directory */
		}
		nodes[out++] = *node;
	}
	return out;
}

static void add_node(struct initrd_node *node, const char *name, size_t len,
		     const struct cpio_entry *e, uint32_t order)
{
	*node = (struct initrd_node){
		.name = name,
		.len = len,
		.mode = MODE_DIR | 0755,
		.nlink = 2,
		.order = order,
	};
	if (!e)
		return;
	node->mode = e->mode;
	node->data = e->data;
	node->size = e->size;
	node->ino = e->ino;
	node->nlink = e->nlink;
	node->mtime = e->mtime;
	node->dev = e->dev_major << 16 ^ e->dev_minor;
}

/* Adds the directories above (name): one node per slash in it. */
static size_t add_parents(struct initrd_node *nodes, const char *name,
			  size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (name[i] == '/')
			add_node(&nodes[n++], name, i, NULL, 0);
	return n;
}

int initrd_index_build(struct initrd_index *ix, const void *archive,
		       size_t size)
{
	struct cpio_iter it;
	struct cpio_entry e;
	size_t count = 1, copy = 0;	/* the root */
	int rc, len;
	char *buf = heap_alloc(VFS_PATH_MAX);

	memset(ix, 0, sizeof(*ix));
	if (!buf)
		return -ENOMEM;
	cpio_iter_init(&it, archive, size);
	while ((rc = cpio_next(&it, &e)) > 0) {
		len = normalise(&e, buf);
		if (len < 0) {
			rc = len;
			break;
		}
		count += 1 + count_slashes(buf + 1, len);
		if (!in_archive(&e, buf + 1, len))
			copy += len;
	}
	if (rc < 0)
		goto out;
	rc = -ENOMEM;
	ix->nodes = heap_alloc(count * sizeof(*ix->nodes));
	ix->names = heap_alloc(copy + 1);
	if (!ix->nodes || !ix->names)
		goto out;

	size_t n = 0, used = 0;
	uint32_t order = 0;

	add_node(&ix->nodes[n++], "", 0, NULL, 0);
	cpio_iter_init(&it, archive, size);
	while (cpio_next(&it, &e) > 0) {
		const char *name;

		len = normalise(&e, buf);
		name = in_archive(&e, buf + 1, len);
		if (!name) {
			name = memcpy(ix->names + used, buf + 1, len);
			used += len;
		}
		add_node(&ix->nodes[n++], name, len, &e, ++order);
		n += add_parents(&ix->nodes[n], name, len);
	}
	share_hard_links(ix->nodes, n);
	ksort(ix->nodes, n, sizeof(*ix->nodes), cmp_node);
	ix->n = prune(ix->nodes, n);
	for (size_t i = 0; i < ix->n; i++)
		if (!ix->nodes[i].ino || !ix->nodes[i].order)
			ix->nodes[i].ino = SYNTH_INO_BASE + i;
	rc = 0;
out:
	heap_free(buf);
	if (rc)
		initrd_index_free(ix);
	return rc;
}

void initrd_index_free(struct initrd_index *ix)
{
	heap_free(ix->nodes);
	heap_free(ix->names);
	memset(ix, 0, sizeof(*ix));
}

const struct initrd_node *initrd_lookup(const struct initrd_index *ix,
					const char *path, int *err)
{
	size_t len = strlen(path);
	bool found;
	size_t i = find(ix->nodes, ix->n, path, len, &found);

	if (found)
		return &ix->nodes[i];
	/* The nearest ancestor that exists says which error it is. */
	*err = -ENOENT;
	while (len > 0) {
		while (len > 0 && path[len - 1] != '/')
			len--;
		if (len == 0)
			break;
		len--;
		i = find(ix->nodes, ix->n, path, len, &found);
		if (found) {
			if (!is_dir(&ix->nodes[i]))
				*err = -ENOTDIR;
			break;
		}
	}
	return NULL;
}

const struct initrd_node *initrd_parent(const struct initrd_index *ix,
					const struct initrd_node *node)
{
	size_t len = node->len;
	bool found;

	while (len > 0 && node->name[len - 1] != '/')
		len--;
	if (len > 0)
		len--;		/* the slash */
	size_t i = find(ix->nodes, ix->n, node->name, len, &found);

	return found ? &ix->nodes[i] : &ix->nodes[0];
}

/* Whether (node) is inside directory (dir); (*rest) is then what follows
 * "dir/" in its name. */
static bool below(const struct initrd_node *dir,
		  const struct initrd_node *node, const char **rest,
		  size_t *rest_len)
{
	if (dir->len == 0) {
		*rest = node->name;
		*rest_len = node->len;
		return node->len > 0;
	}
	if (node->len <= dir->len + 1 ||
	    memcmp(node->name, dir->name, dir->len) != 0 ||
	    node->name[dir->len] != '/')
		return false;
	*rest = node->name + dir->len + 1;
	*rest_len = node->len - dir->len - 1;
	return true;
}

/* Compares (node)'s name with "dir/". */
static int cmp_dir_slash(const struct initrd_node *node,
			 const struct initrd_node *dir)
{
	size_t n = node->len < dir->len ? node->len : dir->len;
	int c = memcmp(node->name, dir->name, n);

	if (c)
		return c;
	if (node->len <= dir->len)
		return -1;
	if (node->name[dir->len] != '/')
		return (unsigned char)node->name[dir->len] < '/' ? -1 : 1;
	return node->len > dir->len + 1;
}

/* The first node below (dir): everything below it starts with "dir/", so
 * it is one run from there (the root, node 0, has every other one). */
static size_t first_below(const struct initrd_index *ix,
			  const struct initrd_node *dir)
{
	size_t lo = 1, hi = ix->n;

	if (dir->len == 0)
		return 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_dir_slash(&ix->nodes[mid], dir) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct initrd_node *initrd_next_child(const struct initrd_index *ix,
					    const struct initrd_node *dir,
					    uint64_t *pos)
{
	size_t i = *pos;
	const char *rest;
	size_t rest_len;

	if (i == 0)
		i = first_below(ix, dir);
	for (; i < ix->n; i++) {
		const struct initrd_node *node = &ix->nodes[i];

		if (!below(dir, node, &rest, &rest_len))
			break;
		if (!memchr(rest, '/', rest_len)) {
			*pos = i + 1;
			return node;
		}
	}
	*pos = i;
	return NULL;
}

const char *initrd_basename(const struct initrd_node *node, size_t *len)
{
	size_t start = node->len;

	while (start > 0 && node->name[start - 1] != '/')
		start--;
	*len = node->len - start;
	return node->name + start;
}
