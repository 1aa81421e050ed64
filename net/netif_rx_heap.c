// SPDX-License-Identifier: MIT
/*
 * Received frames the driver cannot lend (netif.c receive()) are copied
 * to the heap, each in a block of its own size, within a budget: an
 * eighth of memory, what the sockets may take too (net/lwip/memp.c).
 * Without one a peer on many connections, each with its window full of
 * data the application does not read, could take the whole heap; past it
 * frames are dropped, and TCP sends them again.
 */
#include <stddef.h>
#include <stdint.h>

#include <kernel/heap.h>
#include <kernel/page_alloc.h>

#include "lwip/pbuf.h"

#include "net_impl.h"
#include "netif_impl.h"

struct heap_pbuf {
	struct pbuf_custom pc;
	size_t bytes;		/* counted against the budget */
	uint8_t data[];
};

static size_t held;		/* bytes of such frames not yet freed */

static size_t budget(void)
{
	static size_t max;

	if (!max) {
		struct page_stats ps;

		page_alloc_stats(&ps);
		max = ps.total_pages * PAGE_SIZE / 8;
	}
	return max;
}

static void heap_pbuf_free(struct pbuf *p)
{
	struct heap_pbuf *h = (struct heap_pbuf *)p;

	__atomic_sub_fetch(&held, h->bytes, __ATOMIC_RELAXED);
	heap_free(h);
}

struct pbuf *netif_rx_heap_copy(struct pbuf *p)
{
	size_t n = p->tot_len, bytes = sizeof(struct heap_pbuf) + n;
	struct heap_pbuf *h = NULL;

	if (__atomic_add_fetch(&held, bytes, __ATOMIC_RELAXED) <= budget())
		h = heap_alloc(bytes);
	if (!h) {
		__atomic_sub_fetch(&held, bytes, __ATOMIC_RELAXED);
		return NULL;
	}
	h->bytes = bytes;
	h->pc.custom_free_function = heap_pbuf_free;
	pbuf_copy_partial(p, h->data, (u16_t)n, 0);
	return pbuf_alloced_custom(PBUF_RAW, (u16_t)n, PBUF_REF, &h->pc,
				   h->data, (u16_t)n);
}
