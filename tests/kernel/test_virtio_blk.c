// SPDX-License-Identifier: MIT
/*
 * The virtio-blk driver against a device played by the test
 * (fake_virtio.h): each request's status byte and used length come from a
 * script, so device errors and malformed answers are seen as the
 * application sees them, errno values from blk_read()/blk_write().
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <drivers/virtio.h>
#include <toro/blk.h>
#include <toro/test.h>
#include <toro/thread.h>

#include "fake_virtio.h"

#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_FLUSH	9

/* How the device answers the next request. */
struct answer {
	uint8_t status;
	int used_len;	/* -1: the right one (data + status byte) */
	uint8_t fill;	/* what it reads into the buffer */
};

static struct fake fk;
static struct answer script;
static int answered;

/* Plays the device for (n) requests: header, [data], status. */
static void *device(void *arg)
{
	int n = (int)(uintptr_t)arg;

	for (int done = 0; done < n;) {
		int head = fake_take(&fk);

		if (head < 0) {
			thread_yield();
			continue;
		}
		struct fake_desc *hdr = fake_desc(&fk, head);
		uint32_t type = *(uint32_t *)(uintptr_t)hdr->addr;
		struct fake_desc *d = fake_desc(&fk, hdr->next);
		uint32_t data_len = 0;

		if (d->flags & 1) {	/* NEXT: a data buffer, then status */
			data_len = d->len;
			if (type == 0)	/* read */
				memset((void *)(uintptr_t)d->addr, script.fill,
				       d->len);
			d = fake_desc(&fk, d->next);
		}
		*(uint8_t *)(uintptr_t)d->addr = script.status;
		uint32_t len = script.used_len >= 0 ? (uint32_t)script.used_len :
			       (type == 0 ? data_len : 0) + 1;

		fake_use(&fk, head, len);
		answered++;
		done++;
	}
	return NULL;
}

static struct blk_dev *fake_disk(uint64_t features)
{
	uint64_t sectors = 2048;	/* 1 MiB */

	fake_init(&fk, VIRTIO_ID_BLOCK, features);
	memcpy(fk.config, &sectors, sizeof(sectors));
	unsigned before = blk_count();

	if (virtio_bind(&fk.dev) != 0 || blk_count() != before + 1)
		return NULL;
	return blk_get(before);
}

/* One request answered as (a); returns what blk_read gave. */
static int read_with(struct blk_dev *b, struct answer a, char *buf)
{
	script = a;
	struct thread *t = thread_create(THREAD_CPU_SELF, 0, device,
					 (void *)1);
	int rc = blk_read(b, 4096, buf, 512);

	thread_join(t, NULL);
	return rc;
}

TEST(virtio_blk, device_answers_become_errno)
{
	struct blk_dev *b = fake_disk(0);
	static char buf[512];

	ASSERT_NOT_NULL(b);
	EXPECT_EQ(blk_size(b), 1 << 20);
	EXPECT_EQ(read_with(b, (struct answer){ 0, -1, 0xab }, buf), 0);
	EXPECT_EQ(buf[0], (char)0xab);
	EXPECT_EQ(buf[511], (char)0xab);
	EXPECT_EQ(read_with(b, (struct answer){ 1, -1, 0 }, buf), -EIO);
	EXPECT_EQ(read_with(b, (struct answer){ 2, -1, 0 }, buf), -ENOTSUP);
	EXPECT_EQ(read_with(b, (struct answer){ 77, -1, 0 }, buf), -EIO);
	/* Used length 0: the status byte was never written. */
	EXPECT_EQ(read_with(b, (struct answer){ 0, 0, 0 }, buf), -EIO);
	/* None of this was garbage at the ring level: still usable. */
	EXPECT_FALSE(fk.dev.broken);
	EXPECT_EQ(read_with(b, (struct answer){ 0, -1, 0x11 }, buf), 0);
	EXPECT_EQ(buf[100], 0x11);
}

TEST(virtio_blk, read_only_disk_refuses_writes_without_asking)
{
	struct blk_dev *b = fake_disk(VIRTIO_BIT(VIRTIO_BLK_F_RO));
	static char buf[512];

	ASSERT_NOT_NULL(b);
	EXPECT_TRUE(blk_read_only(b));
	answered = 0;
	EXPECT_EQ(blk_write(b, 0, buf, 512), -EROFS);
	EXPECT_EQ(answered, 0);
}

TEST(virtio_blk, flush_reaches_the_device_when_it_has_a_cache)
{
	struct blk_dev *b = fake_disk(VIRTIO_BIT(VIRTIO_BLK_F_FLUSH));

	ASSERT_NOT_NULL(b);
	script = (struct answer){ 0, -1, 0 };
	answered = 0;
	struct thread *t = thread_create(THREAD_CPU_SELF, 0, device,
					 (void *)1);

	EXPECT_EQ(blk_flush(b), 0);
	thread_join(t, NULL);
	EXPECT_EQ(answered, 1);
}
