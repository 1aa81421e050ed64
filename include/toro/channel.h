/* SPDX-License-Identifier: MIT */
/*
 * Channels: bounded queues of fixed-size messages between threads, on the
 * same CPU or different ones. Any number of threads may send; one thread
 * at a time receives (multi-producer, single-consumer). Sending and
 * receiving are lock-free; the receiver parks while the channel is empty
 * and a sender parks while it is full. The C form of the original Toro's
 * inter-core bus.
 */
#ifndef TORO_CHANNEL_H
#define TORO_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

struct channel;

/* A channel of (capacity) messages of (msg_size) bytes each; capacity is
 * rounded up to a power of two. NULL with errno EINVAL or ENOMEM. */
struct channel *channel_create(size_t msg_size, unsigned capacity);

/* Frees (ch); no thread may be using it any more. */
void channel_destroy(struct channel *ch);

/* Copies the message at (msg) in, waiting while the channel is full. */
void channel_send(struct channel *ch, const void *msg);

/* As channel_send(); -EAGAIN instead of waiting. Safe from interrupts. */
int channel_try_send(struct channel *ch, const void *msg);

/* Copies the oldest message out to (msg), waiting while there is none. */
void channel_recv(struct channel *ch, void *msg);

/* As channel_recv(), until (deadline): 0, or -ETIMEDOUT. */
int channel_recv_until(struct channel *ch, void *msg, uint64_t deadline);

/* As channel_recv(); -EAGAIN instead of waiting. */
int channel_try_recv(struct channel *ch, void *msg);

#endif /* TORO_CHANNEL_H */
