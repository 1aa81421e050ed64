// SPDX-License-Identifier: MIT
/*
 * Partitions as block devices (<toro/blk.h>): partition N of a disk is
 * the Nth entry of its GPT, or of its MBR's four primary entries when it
 * has no GPT; or a GPT partition is found on any disk by its unique GUID.
 * A partition is a blk_dev of its own (not in the registry) whose
 * requests are the disk's, moved by its start: the block layer's range
 * check on it keeps them inside. Tables are read when asked for, not at
 * boot: an application that names no partition reads none.
 */
#include <errno.h>
#include <string.h>

#include <drivers/blk.h>
#include <kernel/heap.h>
#include <kernel/log.h>

#include "part.h"

struct part_dev {
	struct blk_dev b;	/* first: the layer hands us &b */
	struct blk_dev *disk;
	uint64_t start;		/* bytes */
};

static int part_start(struct blk_dev *b, struct blk_req *r)
{
	struct part_dev *p = (struct part_dev *)b;

	r->off += p->start;
	return p->disk->ops->start(p->disk, r);
}

static int part_finish(struct blk_dev *b, struct blk_req *r)
{
	struct part_dev *p = (struct part_dev *)b;

	return p->disk->ops->finish(p->disk, r);
}

static const struct blk_ops part_ops = {
	.start = part_start,
	.finish = part_finish,
};

/*
 * Looks in (disk)'s table for partition (n) (from 1) or, if (guid) is
 * not NULL, the GPT partition with that GUID: 0 with (p) filled,
 * -ENOENT if there is none, -EUCLEAN for a table that is garbage
 * (reported), -EIO and the like from the disk.
 */
static int find(struct blk_dev *disk, unsigned n, const uint8_t *guid,
		struct part *p)
{
	uint32_t ss = blk_sector_size(disk);
	uint64_t sectors = blk_size(disk) / ss, at = ~0ull;
	uint8_t *buf = heap_alloc_aligned(4096, ss);
	struct gpt_table t;
	int rc = -ENOMEM;

	if (!buf)
		return rc;
	rc = sectors > 2 ? blk_read(disk, ss, buf, ss) : -ENOENT;
	if (rc == 0)
		rc = gpt_parse_header(buf, ss, sectors, &t);
	if (rc == 0) {
		rc = -ENOENT;
		for (uint32_t i = 0; i < t.count; i++) {
			uint64_t off = i * (uint64_t)t.entry_size;
			uint64_t lba = t.entries_lba + off / ss;
			int r = 0;

			if (lba != at)
				r = blk_read(disk, lba * ss, buf, ss);
			at = r ? ~0ull : lba;
			if (r == 0)
				r = gpt_parse_entry(buf + off % ss, sectors, p);
			p->n = i + 1;
			if (r < 0 || (r == 1 && (guid ? !memcmp(p->guid, guid,
								  16) :
						     p->n == n))) {
				rc = r < 0 ? r : 0;
				break;
			}
		}
	} else if (rc == -ENOENT && !guid && n >= 1 && n <= 4) {
		rc = blk_read(disk, 0, buf, ss);
		p->n = n;
		if (rc == 0)
			rc = mbr_parse_entry(buf, n - 1, sectors, p);
		if (rc == 0)
			rc = -ENOENT;
		else if (rc == 1)
			rc = 0;
	}
	heap_free(buf);
	if (rc == -EUCLEAN)
		log_error("%s: partition table is corrupt\n", blk_name(disk));
	return rc;
}

static int make(struct blk_dev *disk, const struct part *p,
		struct blk_dev **out)
{
	struct part_dev *d = heap_zalloc(sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->b = *disk;
	d->b.ops = &part_ops;
	d->b.next = NULL;
	d->b.size = p->count * disk->sector_size;
	d->disk = disk;
	d->start = p->first * disk->sector_size;
	ksnprintf(d->b.name, sizeof(d->b.name), "%.24sp%u", disk->name, p->n);
	*out = &d->b;
	return 0;
}

int blk_partition(struct blk_dev *disk, unsigned n, struct blk_dev **out)
{
	struct part p;
	int rc = disk ? find(disk, n, NULL, &p) : -ENODEV;

	return rc ? rc : make(disk, &p, out);
}

int blk_partition_by_guid(const char *guid, struct blk_dev **out)
{
	uint8_t want[16];
	struct part p;

	if (guid_parse(guid, want))
		return -EINVAL;
	for (unsigned i = 0; i < blk_count(); i++) {
		int rc = find(blk_get(i), 0, want, &p);

		if (rc == 0)
			return make(blk_get(i), &p, out);
	}
	return -ENOENT;
}
