// SPDX-License-Identifier: MIT
/*
 * virtio-blk (virtio 1.2, 5.2): one request queue per device; a transfer
 * is cut into requests of at most the device's segment size, and up to
 * BLK_INFLIGHT of them go to the device before the first is waited for.
 */
#include <errno.h>
#include <string.h>

#include <drivers/virtio.h>
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <toro/blk.h>

#define VIRTIO_BLK_F_SIZE_MAX	1
#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_BLK_SIZE	6
#define VIRTIO_BLK_F_FLUSH	9

/* Configuration space offsets. */
#define BLK_CFG_CAPACITY	0	/* u64, in 512-byte sectors */
#define BLK_CFG_SIZE_MAX	8	/* u32 */
#define BLK_CFG_BLK_SIZE	20	/* u32 */

#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4

#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2

#define MAX_BLK_DEVS	16
#define BLK_INFLIGHT	16
/* Per request, when the device names no limit. */
#define BLK_CHUNK_DEFAULT	(256 * 1024)

struct blk_dev {
	struct virtio_dev *vdev;
	struct virtq *q;
	uint64_t size;
	uint32_t sector_size;
	uint32_t chunk;		/* bytes per request */
	bool read_only;
	bool has_flush;
};

static struct blk_dev *devs[MAX_BLK_DEVS];
static unsigned ndevs;

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
	return b->vdev->name;
}

/* One request: header, data, status; each in flight until waited. */
struct blk_req {
	struct virtq_req vreq;
	struct {
		uint32_t type;
		uint32_t reserved;
		uint64_t sector;
	} hdr;
	uint8_t status;
	uint32_t len;
};

static int blk_submit(struct blk_dev *b, struct blk_req *r, uint32_t type,
		      uint64_t off, void *buf, uint32_t len)
{
	struct virtq_buf out[2] = { { &r->hdr, sizeof(r->hdr) } };
	struct virtq_buf in[2];
	unsigned nout = 1, nin = 0;

	r->vreq = (struct virtq_req){ 0 };
	r->hdr.type = type;
	r->hdr.reserved = 0;
	r->hdr.sector = off / 512;
	r->status = 0xff;	/* a device that never writes it is caught */
	r->len = len;
	if (type == VIRTIO_BLK_T_OUT)
		out[nout++] = (struct virtq_buf){ buf, len };
	else if (type == VIRTIO_BLK_T_IN)
		in[nin++] = (struct virtq_buf){ buf, len };
	in[nin++] = (struct virtq_buf){ &r->status, 1 };
	return virtq_submit(b->q, &r->vreq, out, nout, in, nin);
}

static int blk_finish(struct blk_dev *b, struct blk_req *r)
{
	int rc = virtq_wait(b->q, &r->vreq, virtio_deadline());

	if (rc < 0)
		return rc;
	/* The device wrote the data (reads) and then the status byte. */
	uint32_t want = (r->hdr.type == VIRTIO_BLK_T_IN ? r->len : 0) + 1;

	if ((uint32_t)rc < 1 || (uint32_t)rc > want)
		return -EIO;
	switch (r->status) {
	case VIRTIO_BLK_S_OK:
		return 0;
	case VIRTIO_BLK_S_UNSUPP:
		return -ENOTSUP;
	case VIRTIO_BLK_S_IOERR:
		return -EIO;
	default:
		log_warn("%s: bad request status %u\n", b->vdev->name,
			 r->status);
		return -EIO;
	}
}

static int blk_rw(struct blk_dev *b, uint32_t type, uint64_t off, char *buf,
		  size_t len)
{
	struct blk_req reqs[BLK_INFLIGHT];
	unsigned head = 0, tail = 0;	/* in flight: [tail, head) */
	int rc = 0;

	if (off % b->sector_size || len % b->sector_size ||
	    off > b->size || len > b->size - off)
		return -EINVAL;
	while ((len || head != tail)) {
		if (len && rc == 0 && head - tail < BLK_INFLIGHT) {
			uint32_t n = MIN(len, (size_t)b->chunk);
			int err = blk_submit(b, &reqs[head % BLK_INFLIGHT],
					     type, off, buf, n);

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
		int err = blk_finish(b, &reqs[tail++ % BLK_INFLIGHT]);

		if (err && rc == 0)
			rc = err;
		if (rc)
			len = 0;	/* drain what is in flight, then stop */
	}
	return rc;
}

int blk_read(struct blk_dev *b, uint64_t off, void *buf, size_t len)
{
	return blk_rw(b, VIRTIO_BLK_T_IN, off, buf, len);
}

int blk_write(struct blk_dev *b, uint64_t off, const void *buf, size_t len)
{
	if (b->read_only)
		return -EROFS;
	return blk_rw(b, VIRTIO_BLK_T_OUT, off, (char *)buf, len);
}

int blk_flush(struct blk_dev *b)
{
	struct blk_req r;

	if (!b->has_flush)	/* writes are durable as they complete */
		return 0;
	int rc = blk_submit(b, &r, VIRTIO_BLK_T_FLUSH, 0, NULL, 0);

	return rc ? rc : blk_finish(b, &r);
}

static int blk_probe(struct virtio_dev *vdev)
{
	if (ndevs == MAX_BLK_DEVS)
		return -ENOSPC;
	int rc = virtio_negotiate(vdev, VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) |
					VIRTIO_BIT(VIRTIO_BLK_F_RO) |
					VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
					VIRTIO_BIT(VIRTIO_BLK_F_FLUSH));

	if (rc)
		return rc;
	struct blk_dev *b = heap_alloc(sizeof(*b));

	if (!b)
		return -ENOMEM;
	memset(b, 0, sizeof(*b));
	b->vdev = vdev;
	b->sector_size = 512;
	if (vdev->features & VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE)) {
		uint32_t s = virtio_config_read(vdev, BLK_CFG_BLK_SIZE, 4);

		/* A power of two from 512 to 64 KiB, or we keep 512. */
		if (s >= 512 && s <= 65536 && !(s & (s - 1)))
			b->sector_size = s;
		else
			log_warn("%s: ignoring block size %u\n", vdev->name, s);
	}
	uint64_t sectors = virtio_config_read64(vdev, BLK_CFG_CAPACITY);

	if (sectors > (UINT64_MAX >> 9)) {
		log_warn("%s: capacity %#lx sectors is not believable\n",
			 vdev->name, sectors);
		heap_free(b);
		return -EIO;
	}
	b->size = ALIGN_DOWN(sectors * 512, b->sector_size);
	b->chunk = BLK_CHUNK_DEFAULT;
	if (vdev->features & VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX)) {
		uint32_t max = virtio_config_read(vdev, BLK_CFG_SIZE_MAX, 4);

		if (max >= b->sector_size && max < b->chunk)
			b->chunk = ALIGN_DOWN(max, b->sector_size);
	}
	b->read_only = vdev->features & VIRTIO_BIT(VIRTIO_BLK_F_RO);
	b->has_flush = vdev->features & VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
	rc = virtq_create(vdev, 0, 0, &b->q);
	if (rc) {
		heap_free(b);
		return rc;
	}
	vdev->driver_data = b;
	virtio_ready(vdev);
	devs[ndevs++] = b;
	log_info("%s: disk of %lu bytes, %u-byte sectors%s\n", vdev->name,
		 b->size, b->sector_size, b->read_only ? ", read-only" : "");
	return 0;
}

static const struct virtio_driver blk_driver = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.probe = blk_probe,
};
VIRTIO_DRIVER(blk_driver);
