// SPDX-License-Identifier: MIT
/*
 * Channels: a bounded lock-free ring where each slot carries a sequence
 * number saying whose turn it is (senders claim a slot by advancing the
 * tail with compare-and-swap; the one receiver owns the head). Parking uses
 * events, signalled only when the other side said it is about to wait, so
 * a busy channel costs no wake-ups; a full barrier between "say I wait" and
 * "look again" on both sides means no wake-up is lost.
 */
#include <errno.h>
#include <string.h>

#include <kernel/channel_impl.h>
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <toro/channel.h>
#include <toro/sync.h>

struct slot {
	unsigned long seq;	/* == pos: free for the sender of pos;
				 * == pos + 1: holds the message of pos */
	char data[];
};

struct channel {
	size_t msg_size;
	size_t stride;			/* bytes per slot */
	unsigned long mask;		/* capacity - 1 */
	unsigned long tail;		/* next position to send (shared) */
	unsigned long head;		/* next position to receive */
	int receiver_waits, senders_wait;
	struct event not_empty, not_full;
	char *slots;
};

static struct slot *slot_at(struct channel *ch, unsigned long pos)
{
	return (struct slot *)(ch->slots + (pos & ch->mask) * ch->stride);
}

int channel_alloc(size_t msg_size, unsigned capacity, struct channel **out)
{
	unsigned long cap = 1;

	*out = NULL;
	if (msg_size == 0 || capacity == 0 || capacity > (1U << 24) ||
	    msg_size > (1U << 20))
		return -EINVAL;
	while (cap < capacity)
		cap *= 2;
	size_t stride = ALIGN_UP(sizeof(struct slot) + msg_size, 8);
	struct channel *ch = heap_zalloc(sizeof(*ch));

	if (!ch)
		return -ENOMEM;
	ch->slots = heap_alloc(stride * cap);
	if (!ch->slots) {
		heap_free(ch);
		return -ENOMEM;
	}
	ch->msg_size = msg_size;
	ch->stride = stride;
	ch->mask = cap - 1;
	for (unsigned long i = 0; i < cap; i++)
		slot_at(ch, i)->seq = i;
	*out = ch;
	return 0;
}

void channel_destroy(struct channel *ch)
{
	if (!ch)
		return;
	heap_free(ch->slots);
	heap_free(ch);
}

int channel_try_send(struct channel *ch, const void *msg)
{
	unsigned long pos = __atomic_load_n(&ch->tail, __ATOMIC_RELAXED);
	struct slot *s;

	for (;;) {
		s = slot_at(ch, pos);
		long dif = (long)(__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) -
				  pos);

		if (dif == 0) {
			if (__atomic_compare_exchange_n(&ch->tail, &pos, pos + 1,
							true, __ATOMIC_RELAXED,
							__ATOMIC_RELAXED))
				break;
		} else if (dif < 0) {
			return -EAGAIN;	/* the slot still holds a message */
		} else {
			pos = __atomic_load_n(&ch->tail, __ATOMIC_RELAXED);
		}
	}
	memcpy(s->data, msg, ch->msg_size);
	__atomic_store_n(&s->seq, pos + 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&ch->receiver_waits, __ATOMIC_RELAXED))
		event_signal(&ch->not_empty);
	return 0;
}

int channel_try_recv(struct channel *ch, void *msg)
{
	unsigned long pos = ch->head;
	struct slot *s = slot_at(ch, pos);

	if (__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) != pos + 1)
		return -EAGAIN;
	memcpy(msg, s->data, ch->msg_size);
	__atomic_store_n(&s->seq, pos + ch->mask + 1, __ATOMIC_RELEASE);
	ch->head = pos + 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* One slot freed: one sender may use it. Waking them all would
	 * have every other one find the channel full again. */
	if (__atomic_load_n(&ch->senders_wait, __ATOMIC_RELAXED))
		event_signal_one(&ch->not_full);
	return 0;
}

int channel_recv_until(struct channel *ch, void *msg, uint64_t deadline)
{
	for (;;) {
		if (channel_try_recv(ch, msg) == 0)
			return 0;
		__atomic_store_n(&ch->receiver_waits, 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		int rc = channel_try_recv(ch, msg);

		if (rc)
			rc = event_wait_until(&ch->not_empty, deadline) ?
				     -ETIMEDOUT : -EAGAIN;
		__atomic_store_n(&ch->receiver_waits, 0, __ATOMIC_RELAXED);
		if (rc != -EAGAIN)
			return rc;
	}
}

void channel_recv(struct channel *ch, void *msg)
{
	channel_recv_until(ch, msg, UINT64_MAX);
}

void channel_send(struct channel *ch, const void *msg)
{
	while (channel_try_send(ch, msg) != 0) {
		__atomic_fetch_add(&ch->senders_wait, 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (channel_try_send(ch, msg) == 0) {
			__atomic_fetch_sub(&ch->senders_wait, 1,
					   __ATOMIC_RELAXED);
			return;
		}
		event_wait(&ch->not_full);
		__atomic_fetch_sub(&ch->senders_wait, 1, __ATOMIC_RELAXED);
	}
}
