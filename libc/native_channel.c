// SPDX-License-Identifier: MIT
/* channel_create() of <toro/channel.h>: the kernel's channel_alloc() with
 * its error in errno, the way the application's calls report them. */
#include <errno.h>

#include <kernel/channel_impl.h>
#include <toro/channel.h>

struct channel *channel_create(size_t msg_size, unsigned capacity)
{
	struct channel *ch;
	int rc = channel_alloc(msg_size, capacity, &ch);

	if (rc)
		errno = -rc;
	return ch;
}
