/* SPDX-License-Identifier: MIT */
/*
 * toro-vsock: the host side of virtio-vsock for `toro run --vsock`. QEMU's
 * vhost-user-vsock device hands us the guest's rx and tx rings (it keeps
 * the event queue); we move the guest's stream connections to and from
 * host sockets, following Firecracker's hybrid convention over Unix
 * sockets, plus plain TCP forwards. One thread, one epoll loop. This is
 * the private header shared by the files of tools/host/vsock/.
 */
#ifndef TORO_VSOCK_H
#define TORO_VSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/uio.h>

#define VSOCK_HOST_CID 2

/* Bytes of guest data we accept per connection and have not yet written
 * to its host socket: our buf_alloc. The guest must stay within it. */
#define VSOCK_BUF_ALLOC (256 * 1024)

/* The longest chain (descriptors, and so iovec entries) we follow. */
#define VRING_MAX_IOV 256

/* Virtio feature bits (virtio 1.2 section 6) and vhost-user's own. */
#define VIRTIO_RING_F_INDIRECT_DESC    28
#define VIRTIO_RING_F_EVENT_IDX	       29
#define VHOST_USER_F_PROTOCOL_FEATURES 30
#define VIRTIO_F_VERSION_1	       32

/* The packet header and its constants: the guest's own definition
 * (include/kernel/vsock.h), the wire format both sides speak. */
#include <kernel/vsock.h>

/* What each epoll registration is; epoll_event.data.ptr points at one. */
enum ev_kind {
	EV_VHOST_LISTEN, /* the vhost-user listening socket */
	EV_VHOST,	 /* the connected vhost-user socket */
	EV_KICK,	 /* a ring's kick eventfd */
	EV_UDS_LISTEN,	 /* PATH, where host programs connect */
	EV_TCP_LISTEN,	 /* one --forward listener */
	EV_CONN,	 /* a connection's host socket */
	EV_DEAD,	 /* freed this turn: ignore its stale events */
};

struct ev {
	enum ev_kind kind;
	int fd;
};

/* main.c: the loop */
extern int vsock_epfd;
extern int vsock_debug; /* TORO_VSOCK_DEBUG: 1 control, 2 all */
void vsock_trace(const char *dir, const struct vsock_hdr *h);
void warnx_rl(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ev_add(struct ev *e, uint32_t events);
void ev_del(struct ev *e);
uint64_t now_ms(void);

/* vring.c: split virtqueues in guest memory */
struct mem_region {
	uint64_t gpa; /* guest physical address of the start */
	uint64_t size;
	uint64_t uva;  /* QEMU's virtual address of the start */
	uint8_t *host; /* our mapping of the start */
	void *map;     /* what mmap returned (host - mmap_offset) */
	size_t map_len;
};

#define VRING_MAX_REGIONS 8

struct vring {
	unsigned int num; /* ring size, a power of two */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t last_avail;	 /* next avail entry we take */
	uint16_t used_idx;	 /* our copy of used->idx */
	uint16_t signalled_used; /* used_idx when we last called */
	bool signalled_valid;
	bool enabled;	/* SET_VRING_ENABLE (see SET_FEATURES) */
	bool started;	/* has a kick fd and addresses */
	bool broken;	/* the guest broke the protocol */
	bool need_call; /* used entries not yet signalled */
	int call_fd;
	struct ev kick;
	uint64_t addr_desc, addr_avail, addr_used; /* QEMU addresses */
	bool has_addr;
};

/* One descriptor chain taken from the avail ring. */
struct vring_chain {
	uint16_t head;
	unsigned int niov;
	size_t len; /* bytes over all of iov */
	struct iovec iov[VRING_MAX_IOV];
};

extern struct mem_region vring_mem[VRING_MAX_REGIONS];
extern unsigned int vring_nmem;
extern bool vring_event_idx;

void *vring_uva_to_host(uint64_t uva, uint64_t len);
int vring_setup(struct vring *vq);
bool vring_ready(struct vring *vq);
int vring_pop(struct vring *vq, struct vring_chain *c, bool writable);
void vring_unpop(struct vring *vq, unsigned int n);
void vring_push(struct vring *vq, uint16_t head, uint32_t len);
void vring_notify(struct vring *vq);
bool vring_enable_kicks(struct vring *vq);
void vring_dump(struct vring *vq, const char *name);
size_t iov_copy_from(const struct iovec *iov, unsigned int n, size_t skip,
		     void *buf, size_t len);
size_t iov_copy_to(const struct iovec *iov, unsigned int n, size_t skip,
		   const void *buf, size_t len);
unsigned int iov_slice(const struct iovec *iov, unsigned int n, size_t skip,
		       size_t len, struct iovec *out, unsigned int max);

/* vhost_user.c: the protocol with QEMU */
#define VSOCK_RX 0
#define VSOCK_TX 1
extern struct vring vsock_vq[2];
extern uint64_t vsock_guest_cid;
int vhost_user_listen(const char *path, int fd);
void vhost_user_accept(void);
void vhost_user_readable(void);
void vhost_user_kicked(struct ev *kick);

/* conn.c: connections, their host sockets and the guest's rx ring */
enum conn_state {
	CONN_HANDSHAKE,	 /* on PATH, waiting for "CONNECT <port>\n" */
	CONN_REQUEST,	 /* REQUEST to the guest, awaiting its answer */
	CONN_CONNECTING, /* guest's REQUEST; connecting to PATH_<port> */
	CONN_OPEN,	 /* bytes flow */
	CONN_CLOSING,	 /* host socket gone; waiting for the guest's RST */
};

/* Control packets a connection owes the guest (conn.pending). */
#define CONN_P_RST	      0x01
#define CONN_P_REQUEST	      0x02
#define CONN_P_RESPONSE	      0x04
#define CONN_P_SHUTDOWN	      0x08
#define CONN_P_CREDIT_UPDATE  0x10
#define CONN_P_CREDIT_REQUEST 0x20

struct conn {
	struct ev ev;	    /* the host socket, fd -1 once closed */
	uint32_t host_port; /* ours: PATH_<port>, or allocated */
	uint32_t guest_port;
	enum conn_state state;
	unsigned int pending;	 /* CONN_P_* */
	uint32_t shutdown_flags; /* for CONN_P_SHUTDOWN */
	uint64_t deadline;	 /* ms; 0 = none */
	bool retry_connect;	 /* PATH_<port>'s backlog was full */

	/* guest -> host: bytes not yet written to the host socket */
	uint8_t *buf; /* VSOCK_BUF_ALLOC ring, or NULL */
	uint32_t buf_head, buf_used;
	uint32_t rx_cnt;   /* bytes the guest sent us */
	uint32_t fwd_cnt;  /* of which written to the host socket */
	uint32_t fwd_sent; /* fwd_cnt as the guest last heard it */
	char greeting[24]; /* "OK <port>\n" before the bytes */
	uint8_t greeting_len, greeting_off;
	bool guest_no_send; /* guest's SHUTDOWN SEND */
	bool guest_no_recv; /* guest's SHUTDOWN RCV */
	bool host_shut_wr;  /* we did shutdown(SHUT_WR) */

	/* host -> guest */
	uint32_t tx_cnt; /* bytes we sent the guest */
	uint32_t peer_buf_alloc, peer_fwd_cnt;
	bool readable;	 /* epoll said so; not yet EAGAIN */
	bool host_eof;	 /* read gave 0 */
	bool host_hup;	 /* the peer closed both ways */
	bool host_rdhup; /* the peer shut its sending side */
	bool credit_requested;

	struct conn *hnext;	    /* hash chain */
	struct conn *snext, *sprev; /* send list (owes the rx ring) */
	bool queued;
	struct conn *anext, *aprev; /* every connection */
};

extern uint32_t conn_live;
struct conn *conn_find(uint32_t host_port, uint32_t guest_port);
struct conn *conn_new(int fd, uint32_t host_port, uint32_t guest_port,
		      enum conn_state state);
void conn_free(struct conn *c);
void conn_reap(void);
void conn_dump(void);
void conn_wake(struct conn *c);
void conn_rst(struct conn *c);
void conn_close_host(struct conn *c);
void conn_flush(struct conn *c);
void conn_check_credit(struct conn *c);
void conn_rst_unknown(const struct vsock_hdr *h);
void conn_guest_rx(void);
void conn_host_event(struct ev *e, uint32_t events);
void conn_reset_all(void);
int conn_from_host(int fd, bool handshake, uint32_t guest_port);
void conn_timers(void);
int conn_next_timeout(void);

/* packet.c: packets the guest sends (the tx ring) */
void conn_guest_tx(void);

/* uds.c: Firecracker's hybrid convention on PATH */
extern const char *uds_path;
int unlink_socket(const char *path);
int uds_listen(const char *path);
void uds_accept(struct ev *e);
int uds_read_connect(int fd);
int uds_connect_port(uint32_t port, int *fd);

/* forward.c: --forward HOST:GUEST over TCP */
int forward_add(const char *spec);
void forward_accept(struct ev *e);

#endif
