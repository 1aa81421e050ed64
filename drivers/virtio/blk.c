// SPDX-License-Identifier: MIT
/*
 * virtio-blk (virtio 1.2, 5.2): one request queue per device, under the
 * block layer (<drivers/blk.h>), which cuts transfers into requests of at
 * most the device's segment size and keeps several in flight.
 */
#include <errno.h>
#include <string.h>

#include <drivers/blk.h>
#include <drivers/virtio.h>
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/log.h>

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

/* Per request, when the device names no limit. */
#define BLK_CHUNK_DEFAULT	(256 * 1024)

const char virtio_blk_linked;

struct vblk {
	struct blk_dev blk;
	struct virtio_dev *vdev;
	struct virtq *q;
};

/* One request: header, data, status; each in flight until waited. */
struct vblk_req {
	struct virtq_req vreq;
	struct {
		uint32_t type;
		uint32_t reserved;
		uint64_t sector;
	} hdr;
	uint8_t status;
};
STATIC_ASSERT(sizeof(struct vblk_req) <= BLK_REQ_PRIV,
	      "a virtio-blk request fits in struct blk_req");

static const uint32_t req_type[] = {
	[BLK_OP_READ] = VIRTIO_BLK_T_IN,
	[BLK_OP_WRITE] = VIRTIO_BLK_T_OUT,
	[BLK_OP_WRITE_FUA] = VIRTIO_BLK_T_OUT,	/* never: no FUA here */
	[BLK_OP_FLUSH] = VIRTIO_BLK_T_FLUSH,
};

static int vblk_start(struct blk_dev *b, struct blk_req *br)
{
	struct vblk *v = container_of(b, struct vblk, blk);
	struct vblk_req *r = (struct vblk_req *)br->priv;
	struct virtq_buf out[2] = { { &r->hdr, sizeof(r->hdr) } };
	struct virtq_buf in[2];
	unsigned nout = 1, nin = 0;
	uint32_t type = req_type[br->op];

	r->vreq = (struct virtq_req){ 0 };
	r->hdr.type = type;
	r->hdr.reserved = 0;
	r->hdr.sector = br->off / 512;
	r->status = 0xff;	/* a device that never writes it is caught */
	if (type == VIRTIO_BLK_T_OUT)
		out[nout++] = (struct virtq_buf){ br->buf, br->len };
	else if (type == VIRTIO_BLK_T_IN)
		in[nin++] = (struct virtq_buf){ br->buf, br->len };
	in[nin++] = (struct virtq_buf){ &r->status, 1 };
	return virtq_submit(v->q, &r->vreq, out, nout, in, nin);
}

static int vblk_finish(struct blk_dev *b, struct blk_req *br)
{
	struct vblk *v = container_of(b, struct vblk, blk);
	struct vblk_req *r = (struct vblk_req *)br->priv;
	int rc = virtq_wait(v->q, &r->vreq, virtio_deadline());

	if (rc < 0)
		return rc;
	/* The device wrote the data (reads) and then the status byte. */
	uint32_t want = (r->hdr.type == VIRTIO_BLK_T_IN ? br->len : 0) + 1;

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
		log_warn("%s: bad request status %u\n", b->name, r->status);
		return -EIO;
	}
}

static const struct blk_ops vblk_ops = {
	.start = vblk_start,
	.finish = vblk_finish,
};

static int vblk_probe(struct virtio_dev *vdev)
{
	int rc = virtio_negotiate(vdev, VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) |
					VIRTIO_BIT(VIRTIO_BLK_F_RO) |
					VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
					VIRTIO_BIT(VIRTIO_BLK_F_FLUSH));

	if (rc)
		return rc;
	struct vblk *v = heap_zalloc(sizeof(*v));

	if (!v)
		return -ENOMEM;
	struct blk_dev *b = &v->blk;

	v->vdev = vdev;
	b->ops = &vblk_ops;
	b->class = BLK_CLASS_VIRTIO;
	memcpy(b->name, vdev->name, sizeof(b->name));
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
		heap_free(v);
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
	b->needs_flush = vdev->features & VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
	rc = virtq_create(vdev, 0, 0, &v->q);
	if (rc == 0)
		rc = blk_register(b);
	if (rc) {
		heap_free(v);	/* the queue stays: the device is failed */
		return rc;
	}
	vdev->driver_data = v;
	virtio_ready(vdev);
	return 0;
}

static const struct virtio_driver vblk_driver = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.probe = vblk_probe,
};
VIRTIO_DRIVER(vblk_driver);
