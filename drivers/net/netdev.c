// SPDX-License-Identifier: MIT
/* The registry of network devices (kernel/netdev.h). */
#include <errno.h>

#include <drivers/virtio.h>
#include <kernel/netdev.h>

/* Whoever asks for network devices wants the drivers that make them:
 * naming the virtio-net driver here links it (it registers itself). */
extern const struct virtio_driver virtio_net_driver;
__attribute__((used)) static const void *const link_virtio_net =
	&virtio_net_driver;

static struct netdev *devs[NETDEV_MAX];
static unsigned ndevs;

int netdev_register(struct netdev *d)
{
	if (ndevs == NETDEV_MAX)
		return -ENOSPC;
	devs[ndevs] = d;
	__atomic_store_n(&ndevs, ndevs + 1, __ATOMIC_RELEASE);
	return 0;
}

unsigned netdev_count(void)
{
	return __atomic_load_n(&ndevs, __ATOMIC_ACQUIRE);
}

struct netdev *netdev_get(unsigned index)
{
	return index < netdev_count() ? devs[index] : NULL;
}
