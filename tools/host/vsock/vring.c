// SPDX-License-Identifier: MIT
/*
 * Split virtqueues (virtio 1.2 section 2.7) seen from the device side, in
 * guest memory QEMU shared with us (SET_MEM_TABLE). Everything in the
 * rings comes from the guest and is checked: an address outside guest
 * memory, a length that overflows, an index past the ring or a chain that
 * loops marks the ring broken with a warning; we never follow it.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vsock.h"

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
_Static_assert(sizeof(struct vring_desc) == 16, "split ring descriptor");

/* The guest writes flags and idx while we read them: volatile. */
struct vring_avail {
	volatile uint16_t flags;
	volatile uint16_t idx;
	volatile uint16_t ring[]; /* num entries, then used_event */
};

struct vring_used_elem {
	uint32_t id;
	uint32_t len;
};

struct vring_used {
	volatile uint16_t flags;
	volatile uint16_t idx;
	struct vring_used_elem ring[]; /* num entries, then avail_event */
};

#define VRING_DESC_F_NEXT	   1
#define VRING_DESC_F_WRITE	   2
#define VRING_DESC_F_INDIRECT	   4
#define VRING_USED_F_NO_NOTIFY	   1
#define VRING_AVAIL_F_NO_INTERRUPT 1

/* Ordering against the guest on another CPU: reads of ring contents after
 * reading avail->idx, writes of used entries before used->idx. */
#define vring_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define vring_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
/* A store (our event index or used->idx) then a load (theirs): only a full
 * barrier keeps the load from passing the store and losing a wakeup. */
#define vring_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

struct mem_region vring_mem[VRING_MAX_REGIONS];
unsigned int vring_nmem;
bool vring_event_idx;

/* Guest physical [gpa, gpa+len) as iovecs appended at out[*n]; it may
 * cross regions. False if any byte is outside guest memory. */
static bool gpa_to_iov(uint64_t gpa, uint64_t len, struct iovec *out,
		       unsigned int *n, unsigned int max)
{
	while (len) {
		struct mem_region *r = NULL;
		for (unsigned int i = 0; i < vring_nmem; i++) {
			if (gpa >= vring_mem[i].gpa &&
			    gpa - vring_mem[i].gpa < vring_mem[i].size) {
				r = &vring_mem[i];
				break;
			}
		}
		if (!r || *n >= max)
			return false;
		uint64_t off = gpa - r->gpa;
		uint64_t take = r->size - off < len ? r->size - off : len;
		out[*n].iov_base = r->host + off;
		out[*n].iov_len = take;
		(*n)++;
		gpa += take;
		len -= take;
	}
	return true;
}

/* A contiguous guest-physical object (an indirect table), or NULL. */
static void *gpa_to_host(uint64_t gpa, uint64_t len)
{
	for (unsigned int i = 0; i < vring_nmem; i++) {
		struct mem_region *r = &vring_mem[i];
		if (gpa >= r->gpa && gpa - r->gpa < r->size &&
		    len <= r->size - (gpa - r->gpa))
			return r->host + (gpa - r->gpa);
	}
	return NULL;
}

void *vring_uva_to_host(uint64_t uva, uint64_t len)
{
	for (unsigned int i = 0; i < vring_nmem; i++) {
		struct mem_region *r = &vring_mem[i];
		if (uva >= r->uva && uva - r->uva < r->size &&
		    len <= r->size - (uva - r->uva))
			return r->host + (uva - r->uva);
	}
	return NULL;
}

/* Map the ring from the addresses QEMU gave; 0 or -EINVAL. */
int vring_setup(struct vring *vq)
{
	unsigned int num = vq->num;

	if (!vq->has_addr || !num || (num & (num - 1)) || num > 32768)
		return -22;
	vq->desc = vring_uva_to_host(vq->addr_desc, 16ull * num);
	vq->avail = vring_uva_to_host(vq->addr_avail, 6 + 2ull * num);
	vq->used = vring_uva_to_host(vq->addr_used, 6 + 8ull * num);
	if (!vq->desc || !vq->avail || !vq->used)
		return -22;
	vq->signalled_valid = false;
	vq->broken = false;
	return 0;
}

bool vring_ready(struct vring *vq)
{
	return vq->started && vq->enabled && !vq->broken && vq->desc;
}

static void broken(struct vring *vq, const char *why)
{
	warnx_rl("ring %s: %s; ring stopped",
		 vq == &vsock_vq[VSOCK_RX] ? "rx" : "tx", why);
	vq->broken = true;
}

/* Follow one descriptor table (the ring's or an indirect one) from
 * index i, appending the buffers to c. Returns 0, or -1 if broken. */
static int walk(struct vring *vq, struct vring_desc *table, unsigned int size,
		unsigned int i, struct vring_chain *c, bool writable,
		bool indirect)
{
	for (unsigned int steps = 0;; steps++) {
		if (i >= size || steps >= size) {
			broken(vq, i >= size ? "descriptor index out of range"
					     : "descriptor chain loops");
			return -1;
		}
		struct vring_desc d = table[i];
		if (d.flags & VRING_DESC_F_INDIRECT) {
			/* 2.7.5.3.1: not in an indirect table, nor with NEXT */
			if (indirect || (d.flags & VRING_DESC_F_NEXT) ||
			    !d.len || d.len % 16) {
				broken(vq, "bad indirect descriptor");
				return -1;
			}
			struct vring_desc *t = gpa_to_host(d.addr, d.len);
			if (!t) {
				broken(vq,
				       "indirect table outside guest memory");
				return -1;
			}
			return walk(vq, t, d.len / 16, 0, c, writable, true);
		}
		if (!!(d.flags & VRING_DESC_F_WRITE) != writable) {
			broken(vq, writable ? "read-only buffer in rx ring"
					    : "write-only buffer in tx ring");
			return -1;
		}
		if (!gpa_to_iov(d.addr, d.len, c->iov, &c->niov,
				VRING_MAX_IOV)) {
			broken(vq,
			       "buffer outside guest memory or chain too long");
			return -1;
		}
		c->len += d.len;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		i = d.next;
	}
}

/* Take the next available chain into c: 1 if taken, 0 if the ring is
 * empty, -1 if it is broken. writable: what the buffers must be. */
int vring_pop(struct vring *vq, struct vring_chain *c, bool writable)
{
	if (!vring_ready(vq))
		return -1;
	uint16_t avail = vq->avail->idx;
	if (avail == vq->last_avail)
		return 0;
	if ((uint16_t)(avail - vq->last_avail) > vq->num) {
		broken(vq, "avail index jumped past the ring size");
		return -1;
	}
	vring_rmb();
	c->head = vq->avail->ring[vq->last_avail & (vq->num - 1)];
	c->niov = 0;
	c->len = 0;
	if (walk(vq, vq->desc, vq->num, c->head, c, writable, false))
		return -1;
	vq->last_avail++;
	return 1;
}

/* Give back the last n chains taken and not pushed: the next pop sees
 * them again. */
void vring_unpop(struct vring *vq, unsigned int n)
{
	vq->last_avail -= n;
}

void vring_push(struct vring *vq, uint16_t head, uint32_t len)
{
	struct vring_used_elem *e =
		&vq->used->ring[vq->used_idx & (vq->num - 1)];
	e->id = head;
	e->len = len;
	vring_wmb(); /* the entry before the index that publishes it */
	vq->used->idx = ++vq->used_idx;
	vq->need_call = true;
}

/* Interrupt the guest for the entries pushed since the last call, if it
 * asked for it (used_event with EVENT_IDX, else the avail flag). */
void vring_notify(struct vring *vq)
{
	if (!vq->need_call || !vring_ready(vq))
		return;
	vq->need_call = false;
	vring_mb(); /* used->idx visible before we read used_event */
	bool call;
	if (vring_event_idx) {
		uint16_t event = vq->avail->ring[vq->num];
		uint16_t old = vq->signalled_used, new = vq->used_idx;
		/* virtio 1.2 2.7.10: interrupt when used crosses used_event */
		call = !vq->signalled_valid ||
		       (uint16_t)(new - event - 1) < (uint16_t)(new - old);
		vq->signalled_used = new;
		vq->signalled_valid = true;
		if (vsock_debug > 2)
			fprintf(stderr,
				"toro-vsock: notify %s event %u old %u "
				"new %u call %d\n",
				vq == &vsock_vq[VSOCK_RX] ? "rx" : "tx", event,
				old, new, call);
	} else {
		call = !(vq->avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
	}
	if (call && vq->call_fd >= 0) {
		uint64_t one = 1;
		if (write(vq->call_fd, &one, sizeof(one)) < 0) {
			/* an eventfd write fails only if it overflows: harmless
			 */
		}
	}
}

/* After the used ring's entries: where we tell the guest to kick. */
static volatile uint16_t *avail_event(struct vring *vq)
{
	return (volatile uint16_t *)((char *)vq->used + 4 + 8 * vq->num);
}

/* Ask the guest to kick when it adds buffers from now on. Returns true if
 * some arrived meanwhile (the caller must look again rather than wait). */
bool vring_enable_kicks(struct vring *vq)
{
	if (!vring_ready(vq))
		return false;
	if (vring_event_idx)
		*avail_event(vq) = vq->last_avail;
	else
		vq->used->flags = 0;
	vring_mb(); /* our request visible before we read avail->idx */
	return vq->avail->idx != vq->last_avail;
}

/* Copies (len) bytes between (buf) and the vector from (skip) on, into
 * the vector when (to_iov); returns how many (fewer at its end). */
static size_t iov_copy(const struct iovec *iov, unsigned int n, size_t skip,
		       char *buf, size_t len, bool to_iov)
{
	size_t done = 0;
	for (unsigned int i = 0; i < n && done < len; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		size_t take = iov[i].iov_len - skip;
		if (take > len - done)
			take = len - done;
		char *at = (char *)iov[i].iov_base + skip;
		if (to_iov)
			memcpy(at, buf + done, take);
		else
			memcpy(buf + done, at, take);
		done += take;
		skip = 0;
	}
	return done;
}

size_t iov_copy_from(const struct iovec *iov, unsigned int n, size_t skip,
		     void *buf, size_t len)
{
	return iov_copy(iov, n, skip, buf, len, false);
}

size_t iov_copy_to(const struct iovec *iov, unsigned int n, size_t skip,
		   const void *buf, size_t len)
{
	return iov_copy(iov, n, skip, (char *)buf, len, true);
}

/* The bytes [skip, skip+len) of iov as iovecs in out; returns how many. */
unsigned int iov_slice(const struct iovec *iov, unsigned int n, size_t skip,
		       size_t len, struct iovec *out, unsigned int max)
{
	unsigned int k = 0;
	for (unsigned int i = 0; i < n && len && k < max; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		size_t take = iov[i].iov_len - skip;
		if (take > len)
			take = len;
		out[k].iov_base = (char *)iov[i].iov_base + skip;
		out[k].iov_len = take;
		k++;
		len -= take;
		skip = 0;
	}
	return k;
}

/* The ring's state for a stuck-guest report (SIGUSR2). */
void vring_dump(struct vring *vq, const char *name)
{
	if (!vring_ready(vq)) {
		fprintf(stderr, "toro-vsock: ring %s: not running\n", name);
		return;
	}
	fprintf(stderr,
		"toro-vsock: ring %s: avail %u (flags %u, used_event "
		"%u), last_avail %u, used %u, avail_event %u\n",
		name, vq->avail->idx, vq->avail->flags,
		vq->avail->ring[vq->num], vq->last_avail, vq->used_idx,
		*avail_event(vq));
}
