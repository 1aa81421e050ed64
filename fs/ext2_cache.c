// SPDX-License-Identifier: MIT
/*
 * The ext2 block cache: blocks by number in a hash table, kept in LRU
 * order, written back when evicted and on sync (fsync, sync(), unmount,
 * exit). One cache per mount, shared by every CPU under the mount's lock.
 * A block in use is pinned so that reading another cannot evict it.
 */
#include <errno.h>
#include <string.h>

#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/sort.h>
#include <toro/blk.h>

#include "ext2.h"

static unsigned hash_of(const struct ext2_fs *fs, uint64_t nr)
{
	return (unsigned)(nr * 0x9e3779b97f4a7c15ull >> 40) & fs->hash_mask;
}

int ext2_cache_init(struct ext2_fs *fs, unsigned max_bufs)
{
	unsigned n = 64;

	while (n < max_bufs && n < (1u << 20))
		n <<= 1;
	fs->hash = heap_zalloc(n * sizeof(*fs->hash));
	if (!fs->hash)
		return -ENOMEM;
	fs->hash_mask = n - 1;
	fs->max_bufs = max_bufs < 16 ? 16 : max_bufs;
	return 0;
}

static void lru_unlink(struct ext2_fs *fs, struct ext2_buf *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		fs->lru_head = b->next;
	if (b->next)
		b->next->prev = b->prev;
	else
		fs->lru_tail = b->prev;
	b->prev = b->next = NULL;
}

static void lru_push(struct ext2_fs *fs, struct ext2_buf *b)
{
	b->prev = NULL;
	b->next = fs->lru_head;
	if (fs->lru_head)
		fs->lru_head->prev = b;
	fs->lru_head = b;
	if (!fs->lru_tail)
		fs->lru_tail = b;
}

static void hash_unlink(struct ext2_fs *fs, struct ext2_buf *b)
{
	struct ext2_buf **p = &fs->hash[hash_of(fs, b->nr)];

	while (*p && *p != b)
		p = &(*p)->hnext;
	if (*p)
		*p = b->hnext;
}

static void buf_free(struct ext2_fs *fs, struct ext2_buf *b)
{
	hash_unlink(fs, b);
	lru_unlink(fs, b);
	fs->nbufs--;
	heap_free(b->data);
	heap_free(b);
}

static int write_buf(struct ext2_fs *fs, struct ext2_buf *b)
{
	uint32_t bs = fs->g.block_size;
	int rc = blk_write(fs->dev, b->nr * bs, b->data, bs);

	if (rc) {
		if (!fs->io_error)
			log_error("ext2 %s: writing block %llu: error %d\n",
				  blk_name(fs->dev),
				  (unsigned long long)b->nr, -rc);
		fs->io_error = rc;
		return rc;
	}
	b->dirty = false;
	return 0;
}

/* Makes room for one more buffer: evicts the least recently used
 * unpinned one, written back first if dirty. Over the limit when every
 * buffer is pinned (a deep walk), which is bounded by the code's depth. */
static void evict(struct ext2_fs *fs)
{
	struct ext2_buf *b = fs->lru_tail;

	while (fs->nbufs >= fs->max_bufs && b) {
		struct ext2_buf *prev = b->prev;

		if (!b->pins && (!b->dirty || write_buf(fs, b) == 0))
			buf_free(fs, b);
		b = prev;
	}
}

static struct ext2_buf *find(struct ext2_fs *fs, uint64_t nr)
{
	for (struct ext2_buf *b = fs->hash[hash_of(fs, nr)]; b; b = b->hnext)
		if (b->nr == nr)
			return b;
	return NULL;
}

static int get(struct ext2_fs *fs, uint64_t nr, bool read,
	       struct ext2_buf **out)
{
	uint32_t bs = fs->g.block_size;
	struct ext2_buf *b;
	int rc;

	*out = NULL;
	if (nr >= fs->g.blocks_count)
		return -EUCLEAN;
	b = find(fs, nr);
	if (b) {
		lru_unlink(fs, b);
		lru_push(fs, b);
		if (!read) {
			memset(b->data, 0, bs);
			b->dir_checked = false;
		}
		b->pins++;
		*out = b;
		return 0;
	}
	evict(fs);
	b = heap_zalloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->data = heap_alloc(bs);
	if (!b->data) {
		heap_free(b);
		return -ENOMEM;
	}
	if (read) {
		rc = blk_read(fs->dev, nr * bs, b->data, bs);
		if (rc) {
			heap_free(b->data);
			heap_free(b);
			return rc == -EINVAL ? -EUCLEAN : -EIO;
		}
	} else {
		memset(b->data, 0, bs);
	}
	b->nr = nr;
	b->pins = 1;
	unsigned h = hash_of(fs, nr);

	b->hnext = fs->hash[h];
	fs->hash[h] = b;
	lru_push(fs, b);
	fs->nbufs++;
	*out = b;
	return 0;
}

int ext2_bread(struct ext2_fs *fs, uint64_t nr, struct ext2_buf **out)
{
	return get(fs, nr, true, out);
}

int ext2_bzero(struct ext2_fs *fs, uint64_t nr, struct ext2_buf **out)
{
	return get(fs, nr, false, out);
}

void ext2_bdirty(struct ext2_fs *fs, struct ext2_buf *b)
{
	(void)fs;
	b->dirty = true;
	b->dir_checked = false;
}

void ext2_brelse(struct ext2_fs *fs, struct ext2_buf *b)
{
	(void)fs;
	if (b && b->pins)
		b->pins--;
}

void ext2_bforget(struct ext2_fs *fs, uint64_t nr)
{
	struct ext2_buf *b = find(fs, nr);

	if (b && !b->pins)
		buf_free(fs, b);
	else if (b)
		b->dirty = false;
}

/*
 * Runs of whole file blocks, contiguous on the disk, go between the
 * caller's buffer and the device in one request, past the cache: a large
 * sequential transfer neither waits on one request per block nor evicts
 * the metadata that the cache is for.
 */
int ext2_bread_run(struct ext2_fs *fs, uint64_t nr, uint32_t count,
		   void *buf)
{
	uint32_t bs = fs->g.block_size;

	if (nr + count > fs->g.blocks_count || nr + count < nr)
		return -EUCLEAN;
	if (blk_read(fs->dev, nr * bs, buf, (size_t)count * bs))
		return -EIO;
	/* A cached copy may be newer than the disk. */
	for (uint32_t i = 0; i < count; i++) {
		struct ext2_buf *b = find(fs, nr + i);

		if (b)
			memcpy((char *)buf + (size_t)i * bs, b->data, bs);
	}
	return 0;
}

int ext2_bwrite_run(struct ext2_fs *fs, uint64_t nr, uint32_t count,
		    const void *buf)
{
	uint32_t bs = fs->g.block_size;
	int rc;

	if (nr + count > fs->g.blocks_count || nr + count < nr)
		return -EUCLEAN;
	/* Cached copies (the zeros a new block gets) would be stale, and
	 * written back over the data if dirty: dropped, or brought up to
	 * date where in use. */
	for (uint32_t i = 0; i < count; i++) {
		struct ext2_buf *b = find(fs, nr + i);

		if (b && b->pins) {
			memcpy(b->data, (const char *)buf + (size_t)i * bs, bs);
			b->dir_checked = false;
		} else if (b)
			buf_free(fs, b);
	}
	rc = blk_write(fs->dev, nr * bs, buf, (size_t)count * bs);
	if (rc) {
		if (!fs->io_error)
			log_error("ext2 %s: writing blocks %llu+%u: error %d\n",
				  blk_name(fs->dev), (unsigned long long)nr,
				  count, -rc);
		fs->io_error = rc;
		return -EIO;
	}
	return 0;
}

static int cmp_nr(const void *a, const void *b)
{
	uint64_t x = (*(struct ext2_buf *const *)a)->nr;
	uint64_t y = (*(struct ext2_buf *const *)b)->nr;

	return x < y ? -1 : x > y;
}

/* Writes (n) dirty blocks of consecutive numbers, copied into (bounce)
 * for one request when there is more than one. */
static int write_run(struct ext2_fs *fs, struct ext2_buf **run, unsigned n,
		     uint8_t *bounce)
{
	uint32_t bs = fs->g.block_size;
	int rc;

	if (n == 1)
		return write_buf(fs, run[0]);
	for (unsigned i = 0; i < n; i++)
		memcpy(bounce + (size_t)i * bs, run[i]->data, bs);
	rc = blk_write(fs->dev, run[0]->nr * bs, bounce, (size_t)n * bs);
	if (rc) {
		if (!fs->io_error)
			log_error("ext2 %s: writing blocks %llu+%u: error %d\n",
				  blk_name(fs->dev),
				  (unsigned long long)run[0]->nr, n, -rc);
		fs->io_error = rc;
		return rc;
	}
	for (unsigned i = 0; i < n; i++)
		run[i]->dirty = false;
	return 0;
}

/* Dirty blocks are written in ascending order, those of consecutive
 * numbers (a group's inode table, a directory) together, up to 1 MiB a
 * request. Without memory for the list they go one by one. */
int ext2_cache_sync(struct ext2_fs *fs)
{
	uint32_t bs = fs->g.block_size;
	unsigned n = 0, max_run = bs < (1u << 20) ? (1u << 20) / bs : 1;
	struct ext2_buf **dirty = NULL;
	uint8_t *bounce = NULL;
	int rc = 0;

	for (struct ext2_buf *b = fs->lru_head; b; b = b->next)
		n += b->dirty;
	if (n)
		dirty = heap_alloc(n * sizeof(*dirty));
	if (n < max_run)
		max_run = n;
	if (dirty && n > 1)
		bounce = heap_alloc((size_t)max_run * bs);
	if (!dirty) {
		for (struct ext2_buf *b = fs->lru_head; b; b = b->next)
			if (b->dirty && write_buf(fs, b))
				rc = -EIO;
	} else {
		unsigned k = 0;

		for (struct ext2_buf *b = fs->lru_head; b; b = b->next)
			if (b->dirty)
				dirty[k++] = b;
		ksort(dirty, n, sizeof(*dirty), cmp_nr);
		for (unsigned i = 0, j; i < n; i = j) {
			j = i + 1;
			while (bounce && j < n && j - i < max_run &&
			       dirty[j]->nr == dirty[j - 1]->nr + 1)
				j++;
			if (write_run(fs, dirty + i, j - i, bounce))
				rc = -EIO;
		}
	}
	heap_free(bounce);
	heap_free(dirty);
	if (blk_flush(fs->dev))
		rc = -EIO;
	if (rc == 0 && fs->io_error) {
		rc = -EIO;	/* an earlier write-back failed */
		fs->io_error = 0;
	}
	return rc;
}

void ext2_cache_free(struct ext2_fs *fs)
{
	while (fs->lru_head)
		buf_free(fs, fs->lru_head);
	heap_free(fs->hash);
	fs->hash = NULL;
}
