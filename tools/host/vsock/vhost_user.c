// SPDX-License-Identifier: MIT
/*
 * The vhost-user protocol (QEMU docs/interop/vhost-user.rst) as the
 * backend of QEMU's vhost-user-vsock device. QEMU connects to our socket,
 * negotiates features, shares the guest's RAM (one memfd per region) and
 * gives us rings 0 (rx) and 1 (tx) with an eventfd each way; it keeps the
 * event queue itself and asks us for the config space (the guest CID).
 * One QEMU at a time: when it goes away every guest connection is reset
 * and we wait for the next one on the same socket.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vsock.h"

enum vhost_user_request {
	VHOST_USER_GET_FEATURES = 1,
	VHOST_USER_SET_FEATURES = 2,
	VHOST_USER_SET_OWNER = 3,
	VHOST_USER_RESET_OWNER = 4,
	VHOST_USER_SET_MEM_TABLE = 5,
	VHOST_USER_SET_LOG_BASE = 6,
	VHOST_USER_SET_LOG_FD = 7,
	VHOST_USER_SET_VRING_NUM = 8,
	VHOST_USER_SET_VRING_ADDR = 9,
	VHOST_USER_SET_VRING_BASE = 10,
	VHOST_USER_GET_VRING_BASE = 11,
	VHOST_USER_SET_VRING_KICK = 12,
	VHOST_USER_SET_VRING_CALL = 13,
	VHOST_USER_SET_VRING_ERR = 14,
	VHOST_USER_GET_PROTOCOL_FEATURES = 15,
	VHOST_USER_SET_PROTOCOL_FEATURES = 16,
	VHOST_USER_GET_QUEUE_NUM = 17,
	VHOST_USER_SET_VRING_ENABLE = 18,
	VHOST_USER_GET_CONFIG = 24,
	VHOST_USER_SET_CONFIG = 25,
};

#define VHOST_USER_VERSION    0x1
#define VHOST_USER_REPLY      0x4
#define VHOST_USER_NEED_REPLY 0x8

/* Protocol features we offer: REPLY_ACK (so QEMU knows when a message took
 * effect) and CONFIG (the device's config space is ours: the CID). */
#define VHOST_USER_PROTOCOL_F_MQ	0
#define VHOST_USER_PROTOCOL_F_REPLY_ACK 3
#define VHOST_USER_PROTOCOL_F_CONFIG	9
#define PROTOCOL_FEATURES                                                      \
	((1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK) |                           \
	 (1ull << VHOST_USER_PROTOCOL_F_CONFIG))

#define FEATURES                                                               \
	((1ull << VIRTIO_F_VERSION_1) |                                        \
	 (1ull << VHOST_USER_F_PROTOCOL_FEATURES) |                            \
	 (1ull << VIRTIO_RING_F_EVENT_IDX) |                                   \
	 (1ull << VIRTIO_RING_F_INDIRECT_DESC))

#define VRING_IDX_MASK	0xff
#define VRING_NOFD_MASK 0x100

struct vu_region {
	uint64_t gpa;
	uint64_t size;
	uint64_t uva;
	uint64_t mmap_offset;
};

/* The 12-byte header sits at offset 4 so that the payload after it is
 * 8-byte aligned; what goes over the socket starts at (request). */
struct vu_msg {
	uint32_t align;
	uint32_t request;
	uint32_t flags;
	uint32_t size;
	union {
		uint64_t u64;
		struct {
			uint32_t index, num;
		} state;
		struct {
			uint32_t index, flags;
			uint64_t desc, used, avail, log;
		} addr;
		struct {
			uint32_t nregions, padding;
			struct vu_region regions[VRING_MAX_REGIONS];
		} mem;
		struct {
			uint32_t offset, size, flags;
			uint8_t region[256];
		} config;
	} payload;
};
_Static_assert(offsetof(struct vu_msg, payload) == 16, "vhost-user layout");

#define VU_HDR_SIZE 12

struct vring vsock_vq[2] = {
	{.call_fd = -1, .kick = {EV_KICK, -1}},
	{.call_fd = -1, .kick = {EV_KICK, -1}},
};
uint64_t vsock_guest_cid = 3;

static struct ev listen_ev = {EV_VHOST_LISTEN, -1};
static struct ev sock_ev = {EV_VHOST, -1};
static uint64_t features, protocol_features;

int vhost_user_listen(const char *path, int fd)
{
	if (fd < 0) {
		struct sockaddr_un a = {.sun_family = AF_UNIX};
		if (strlen(path) >= sizeof(a.sun_path))
			return -ENAMETOOLONG;
		strcpy(a.sun_path, path);
		int rc = unlink_socket(path);
		if (rc)
			return rc;
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
		    listen(fd, 1)) {
			int e = errno;
			close(fd);
			return -e;
		}
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	listen_ev.fd = fd;
	return ev_add(&listen_ev, EPOLLIN);
}

static void unmap_all(void)
{
	for (unsigned int i = 0; i < vring_nmem; i++)
		munmap(vring_mem[i].map, vring_mem[i].map_len);
	vring_nmem = 0;
	for (int q = 0; q < 2; q++) {
		vsock_vq[q].desc = NULL;
		vsock_vq[q].avail = NULL;
		vsock_vq[q].used = NULL;
	}
}

static void stop_ring(struct vring *vq)
{
	vq->started = false;
	if (vq->kick.fd >= 0) {
		ev_del(&vq->kick);
		close(vq->kick.fd);
		vq->kick.fd = -1;
	}
}

/* QEMU went away (or reset us): forget the device. */
static void reset_device(void)
{
	conn_reset_all();
	for (int q = 0; q < 2; q++) {
		struct vring *vq = &vsock_vq[q];
		stop_ring(vq);
		if (vq->call_fd >= 0)
			close(vq->call_fd);
		vq->call_fd = -1;
		vq->has_addr = false;
		vq->enabled = false;
		vq->broken = false;
		vq->need_call = false;
		vq->num = 0;
		vq->last_avail = vq->used_idx = 0;
	}
	unmap_all();
	features = protocol_features = 0;
	vring_event_idx = false;
}

static void disconnect(void)
{
	if (sock_ev.fd < 0)
		return;
	ev_del(&sock_ev);
	close(sock_ev.fd);
	sock_ev.fd = -1;
	reset_device();
	/* listen again: the next QEMU (a restart, a reconnect) comes here */
	ev_add(&listen_ev, EPOLLIN);
}

void vhost_user_accept(void)
{
	int fd = accept4(listen_ev.fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (sock_ev.fd >= 0) {
		/* we stopped listening while connected; a race: refuse */
		close(fd);
		return;
	}
	sock_ev.fd = fd;
	ev_add(&sock_ev, EPOLLIN);
	ev_del(&listen_ev);
}

static void close_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* One message and up to 8 fds; false if QEMU hung up or spoke nonsense. */
static bool recv_msg(struct vu_msg *m, int *fds, int *nfds)
{
	char control[CMSG_SPACE(VRING_MAX_REGIONS * sizeof(int))];
	struct iovec iov = {&m->request, VU_HDR_SIZE};
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control,
		.msg_controllen = sizeof(control),
	};
	*nfds = 0;
	ssize_t n = recvmsg(sock_ev.fd, &mh, MSG_CMSG_CLOEXEC);
	if (n != VU_HDR_SIZE)
		return false;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c;
	     c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			memcpy(fds, CMSG_DATA(c), k * sizeof(int));
			*nfds = k;
		}
	}
	if (m->size > sizeof(m->payload)) {
		fprintf(stderr,
			"toro-vsock: vhost-user message %u of %u "
			"bytes: too big\n",
			m->request, m->size);
		close_fds(fds, *nfds);
		return false;
	}
	/* the payload follows at once; the socket is blocking for it */
	size_t got = 0;
	while (got < m->size) {
		n = recv(sock_ev.fd, (char *)&m->payload + got, m->size - got,
			 0);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			close_fds(fds, *nfds);
			return false;
		}
		got += n;
	}
	return true;
}

static void send_reply(struct vu_msg *m, uint32_t size)
{
	m->flags = VHOST_USER_VERSION | VHOST_USER_REPLY;
	m->size = size;
	size_t len = VU_HDR_SIZE + size;
	if (send(sock_ev.fd, &m->request, len, MSG_NOSIGNAL) != (ssize_t)len)
		fprintf(stderr, "toro-vsock: vhost-user reply: %s\n",
			strerror(errno));
}

static int set_mem_table(struct vu_msg *m, int *fds, int nfds)
{
	uint32_t n = m->payload.mem.nregions;
	if (n > VRING_MAX_REGIONS || (int)n != nfds)
		return -EINVAL;
	unmap_all();
	for (uint32_t i = 0; i < n; i++) {
		struct vu_region *r = &m->payload.mem.regions[i];
		size_t len = r->size + r->mmap_offset;
		void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			       fds[i], 0);
		if (p == MAP_FAILED) {
			fprintf(stderr,
				"toro-vsock: mapping guest memory: %s\n",
				strerror(errno));
			unmap_all();
			return -errno;
		}
		vring_mem[i] = (struct mem_region){
			.gpa = r->gpa,
			.size = r->size,
			.uva = r->uva,
			.host = (uint8_t *)p + r->mmap_offset,
			.map = p,
			.map_len = len,
		};
		vring_nmem = i + 1;
	}
	/* rings already given (a new table while running): map them again */
	for (int q = 0; q < 2; q++)
		if (vsock_vq[q].has_addr && vring_setup(&vsock_vq[q]))
			vsock_vq[q].broken = true;
	return 0;
}

static struct vring *ring_of(uint32_t index)
{
	index &= VRING_IDX_MASK;
	return index < 2 ? &vsock_vq[index] : NULL;
}

/* SET_VRING_KICK/CALL/ERR: the fd, or none with the NOFD bit. */
static int set_ring_fd(struct vu_msg *m, int *fds, int nfds)
{
	struct vring *vq = ring_of(m->payload.u64);
	int fd = (m->payload.u64 & VRING_NOFD_MASK) || nfds < 1 ? -1 : fds[0];

	if (!vq) {
		/* the event queue is QEMU's; nothing else exists */
		if (fd >= 0)
			close(fd);
		return m->payload.u64 & VRING_IDX_MASK ? 0 : -EINVAL;
	}
	switch (m->request) {
	case VHOST_USER_SET_VRING_KICK:
		stop_ring(vq);
		vq->kick.fd = fd;
		if (fd >= 0) {
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
			ev_add(&vq->kick, EPOLLIN);
		}
		if (vring_setup(vq)) {
			fprintf(stderr,
				"toro-vsock: ring %d: bad address or "
				"size\n",
				(int)(vq - vsock_vq));
			return -EINVAL;
		}
		/* Without a kick fd we would have to poll: QEMU always gives
		 * one to vsock, so treat it as not started. */
		vq->started = fd >= 0;
		if (vq->started)
			vhost_user_kicked(&vq->kick);
		break;
	case VHOST_USER_SET_VRING_CALL:
		if (vq->call_fd >= 0)
			close(vq->call_fd);
		vq->call_fd = fd;
		break;
	default:
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

/* Handle one message; returns false to drop the connection. */
static bool handle(struct vu_msg *m, int *fds, int nfds)
{
	struct vring *vq;
	int rc = 0;
	bool replied = false;

	switch (m->request) {
	case VHOST_USER_GET_FEATURES:
		m->payload.u64 = FEATURES;
		send_reply(m, 8);
		replied = true;
		break;
	case VHOST_USER_SET_FEATURES:
		features = m->payload.u64 & FEATURES;
		vring_event_idx = features & (1ull << VIRTIO_RING_F_EVENT_IDX);
		/* Rings start disabled if PROTOCOL_FEATURES was acked, for
		 * SET_VRING_ENABLE to start; else enabled (vhost-user.rst) */
		if (!(features & (1ull << VHOST_USER_F_PROTOCOL_FEATURES)))
			vsock_vq[VSOCK_RX].enabled =
				vsock_vq[VSOCK_TX].enabled = true;
		break;
	case VHOST_USER_GET_PROTOCOL_FEATURES:
		m->payload.u64 = PROTOCOL_FEATURES;
		send_reply(m, 8);
		replied = true;
		break;
	case VHOST_USER_SET_PROTOCOL_FEATURES:
		protocol_features = m->payload.u64 & PROTOCOL_FEATURES;
		break;
	case VHOST_USER_SET_OWNER:
		break;
	case VHOST_USER_RESET_OWNER:
		reset_device();
		break;
	case VHOST_USER_SET_MEM_TABLE:
		rc = set_mem_table(m, fds, nfds);
		close_fds(fds, nfds);
		nfds = 0;
		break;
	case VHOST_USER_SET_VRING_NUM:
		if (!(vq = ring_of(m->payload.state.index)))
			break;
		vq->num = m->payload.state.num;
		break;
	case VHOST_USER_SET_VRING_ADDR:
		if (!(vq = ring_of(m->payload.addr.index)))
			break;
		vq->addr_desc = m->payload.addr.desc;
		vq->addr_avail = m->payload.addr.avail;
		vq->addr_used = m->payload.addr.used;
		vq->has_addr = true;
		rc = vring_setup(vq);
		break;
	case VHOST_USER_SET_VRING_BASE:
		if (!(vq = ring_of(m->payload.state.index)))
			break;
		vq->last_avail = vq->used_idx = m->payload.state.num;
		vq->signalled_valid = false;
		break;
	case VHOST_USER_GET_VRING_BASE:
		/* the ring stops: every connection goes with it (a device
		 * reset or the guest going away) */
		vq = ring_of(m->payload.state.index);
		if (vq) {
			stop_ring(vq);
			conn_reset_all();
			m->payload.state.num = vq->last_avail;
		} else {
			m->payload.state.num = 0;
		}
		send_reply(m, sizeof(m->payload.state));
		replied = true;
		break;
	case VHOST_USER_SET_VRING_KICK:
	case VHOST_USER_SET_VRING_CALL:
	case VHOST_USER_SET_VRING_ERR:
		rc = set_ring_fd(m, fds, nfds);
		nfds = 0;
		break;
	case VHOST_USER_GET_QUEUE_NUM:
		m->payload.u64 = 2;
		send_reply(m, 8);
		replied = true;
		break;
	case VHOST_USER_SET_VRING_ENABLE:
		if ((vq = ring_of(m->payload.state.index))) {
			vq->enabled = m->payload.state.num;
			if (vq->enabled && vq->started)
				vhost_user_kicked(&vq->kick);
		}
		break;
	case VHOST_USER_GET_CONFIG: {
		/* struct virtio_vsock_config: le64 guest_cid */
		uint8_t cfg[8];
		for (int i = 0; i < 8; i++)
			cfg[i] = vsock_guest_cid >> (8 * i);
		uint32_t off = m->payload.config.offset;
		uint32_t len = m->payload.config.size;
		if (len > sizeof(m->payload.config.region))
			len = sizeof(m->payload.config.region);
		memset(m->payload.config.region, 0, len);
		for (uint32_t i = 0; i < len && off + i < 8; i++)
			m->payload.config.region[i] = cfg[off + i];
		send_reply(m, 12 + len);
		replied = true;
		break;
	}
	case VHOST_USER_SET_CONFIG:
		rc = -EPERM; /* the CID is read-only */
		break;
	case VHOST_USER_SET_LOG_BASE:
	case VHOST_USER_SET_LOG_FD:
	default:
		fprintf(stderr,
			"toro-vsock: vhost-user request %u not "
			"supported\n",
			m->request);
		rc = -ENOSYS;
	}
	close_fds(fds, nfds);
	if (!replied && (m->flags & VHOST_USER_NEED_REPLY) &&
	    (protocol_features & (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK))) {
		m->payload.u64 = rc ? 1 : 0;
		send_reply(m, 8);
	}
	return true;
}

void vhost_user_readable(void)
{
	struct vu_msg m;
	int fds[VRING_MAX_REGIONS], nfds;

	if (!recv_msg(&m, fds, &nfds) || !handle(&m, fds, nfds))
		disconnect();
}

void vhost_user_kicked(struct ev *kick)
{
	uint64_t n;
	if (read(kick->fd, &n, sizeof(n)) < 0) {
		/* EAGAIN: nothing pending, we look at the ring anyway */
	}
	if (kick == &vsock_vq[VSOCK_TX].kick)
		conn_guest_tx();
	else
		conn_guest_rx();
}
