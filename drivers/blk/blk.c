// SPDX-License-Identifier: MIT
/*
 * The block layer (see <drivers/blk.h>): the registry, the checks every
 * request gets, and the loop that keeps a large transfer's requests in
 * flight together, whichever driver the disk has.
 */
#include <errno.h>
#include <string.h>

#include <drivers/blk.h>
#include <kernel/compiler.h>
#include <kernel/log.h>

#include "blk_name.h"

#define MAX_BLK_DEVS	16

static struct blk_dev *devs[MAX_BLK_DEVS];
static unsigned ndevs;

/* Named so the drivers are linked with the layer (<drivers/blk.h>). */
__used static const char *const drivers[] = {
	&virtio_blk_linked, &nvme_linked,
};

int blk_register(struct blk_dev *b)
{
	unsigned i = ndevs;

	if (ndevs == MAX_BLK_DEVS) {
		log_warn("%s: more than %u disks: left out\n", b->name,
			 MAX_BLK_DEVS);
		return -ENOSPC;
	}
	/* After every disk of its class or a lower one. */
	while (i > 0 && devs[i - 1]->class > b->class) {
		devs[i] = devs[i - 1];
		i--;
	}
	devs[i] = b;
	ndevs++;
	log_info("%s: disk of %lu bytes, %u-byte sectors%s%s\n", b->name,
		 b->size, b->sector_size, b->read_only ? ", read-only" : "",
		 b->needs_flush ? ", write cache" : "");
	return 0;
}

unsigned blk_count(void)
{
	return ndevs;
}

struct blk_dev *blk_get(unsigned index)
{
	return index < ndevs ? devs[index] : NULL;
}

uint64_t blk_size(const struct blk_dev *b)
{
	return b->size;
}

uint32_t blk_sector_size(const struct blk_dev *b)
{
	return b->sector_size;
}

bool blk_read_only(const struct blk_dev *b)
{
	return b->read_only;
}

const char *blk_name(const struct blk_dev *b)
{
	return b->name;
}

struct blk_dev *blk_find(const char *name)
{
	const char *names[MAX_BLK_DEVS];
	unsigned n = ndevs;
	int i;

	for (unsigned k = 0; k < n; k++)
		names[k] = devs[k]->name;
	i = blk_name_pick(names, n, name, strlen(name));
	return i < 0 ? NULL : devs[i];
}

static int blk_rw(struct blk_dev *b, enum blk_op op, uint64_t off, char *buf,
		  size_t len)
{
	struct blk_req reqs[BLK_INFLIGHT];
	unsigned head = 0, tail = 0;	/* in flight: [tail, head) */
	int rc = 0;

	if (off % b->sector_size || len % b->sector_size ||
	    off > b->size || len > b->size - off)
		return -EINVAL;
	if (op != BLK_OP_READ && b->read_only)
		return -EROFS;
	while (len || head != tail) {
		if (len && rc == 0 && head - tail < BLK_INFLIGHT) {
			struct blk_req *r = &reqs[head % BLK_INFLIGHT];
			uint32_t n = MIN(len, (size_t)b->chunk);
			int err;

			r->op = op;
			r->off = off;
			r->buf = buf;
			r->len = n;
			err = b->ops->start(b, r);
			if (err) {
				rc = err;
				continue;
			}
			head++;
			off += n;
			buf += n;
			len -= n;
			continue;
		}
		if (head == tail)
			break;	/* an error stopped submission */
		int err = b->ops->finish(b, &reqs[tail++ % BLK_INFLIGHT]);

		if (err && rc == 0)
			rc = err;
		if (rc)
			len = 0;	/* drain what is in flight, then stop */
	}
	return rc;
}

int blk_read(struct blk_dev *b, uint64_t off, void *buf, size_t len)
{
	return blk_rw(b, BLK_OP_READ, off, buf, len);
}

int blk_write(struct blk_dev *b, uint64_t off, const void *buf, size_t len)
{
	return blk_rw(b, BLK_OP_WRITE, off, (char *)buf, len);
}

int blk_flush(struct blk_dev *b)
{
	struct blk_req r = { .op = BLK_OP_FLUSH };

	if (!b->needs_flush)	/* writes are durable as they complete */
		return 0;
	int rc = b->ops->start(b, &r);

	return rc ? rc : b->ops->finish(b, &r);
}

int blk_write_stable(struct blk_dev *b, uint64_t off, const void *buf,
		     size_t len)
{
	if (b->fua)
		return blk_rw(b, BLK_OP_WRITE_FUA, off, (char *)buf, len);
	int rc = blk_write(b, off, buf, len);

	return rc ? rc : blk_flush(b);
}
