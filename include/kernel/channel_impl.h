/* SPDX-License-Identifier: MIT */
/* Creating a channel (include/toro/channel.h) with the error as a result,
 * for the C library's channel_create(), which turns it into errno. */
#ifndef KERNEL_CHANNEL_IMPL_H
#define KERNEL_CHANNEL_IMPL_H

#include <stddef.h>

struct channel;

/* 0 with (*out) set, -EINVAL (a size or capacity out of range), or
 * -ENOMEM. */
int channel_alloc(size_t msg_size, unsigned capacity, struct channel **out);

#endif /* KERNEL_CHANNEL_IMPL_H */
