// SPDX-License-Identifier: MIT
/*
 * The network fuzz targets' world (net_world.h): what the virtio-net
 * driver and our lwIP port call outside themselves, on one host thread.
 * The device and its queues are played here (the split ring itself has
 * its own target, fuzz_virtq.c): a receive buffer the driver posts waits
 * for the target's bytes; a frame it sends is handed to the target's
 * sink and used at once.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>

#include <arch/mmu.h>
#include <drivers/virtio.h>
#include <kernel/cmdline.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/netdev.h>
#include <kernel/page_alloc.h>
#include <kernel/random.h>
#include <kernel/thread_impl.h>
#include <toro/sync.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "lwip/dhcp.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcpip.h"

#include "../../drivers/virtio/net_impl.h"
#include "../../drivers/virtio/virtio_impl.h"
#include "../../net/netif_impl.h"
#include "fuzz.h"
#include "net_world.h"

const uint8_t net_world_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
void (*net_world_sent)(const uint8_t *frame, size_t len);

/* ------------------------------------------------------------------------
 * Threads and time.
 */

#define THREADS		4
#define STACK_SIZE	(1 << 20)
#define RUN_PASSES	1000

/* Each thread is a coroutine on a stack of its own (told to ASan, which
 * must know which stack it is on). */
static struct wthread {
	ucontext_t ctx;
	void *stack;
	void *(*fn)(void *);
	void *arg;
	void *fake;		/* ASan's, while switched away */
	unsigned slept_at;	/* (wakeups) when it last waited */
	bool done;
} threads[THREADS];
static unsigned nthreads;
static struct wthread *current;
static ucontext_t sched;	/* the target's own */
static const void *sched_bottom;
static size_t sched_size;
static unsigned wakeups;	/* signals so far: someone may run */
static uint64_t now_ns = 1000000000000ULL;

uint64_t clock_ns(void)
{
	return now_ns;
}

/* The running thread waits: back to the target, until it runs it
 * again. */
static void block(void)
{
	struct wthread *t = current;

	FUZZ_CHECK(t && "the target itself would block");
	t->slept_at = wakeups;
	__sanitizer_start_switch_fiber(&t->fake, sched_bottom, sched_size);
	swapcontext(&t->ctx, &sched);
	__sanitizer_finish_switch_fiber(t->fake, &sched_bottom, &sched_size);
}

static void thread_start(void)
{
	struct wthread *t = current;

	__sanitizer_finish_switch_fiber(NULL, &sched_bottom, &sched_size);
	t->fn(t->arg);
	t->done = true;		/* it returned: it ended */
	__sanitizer_start_switch_fiber(NULL, sched_bottom, sched_size);
	setcontext(&sched);
}

static void run_thread(struct wthread *t)
{
	void *fake;

	current = t;
	__sanitizer_start_switch_fiber(&fake, t->stack, STACK_SIZE);
	swapcontext(&sched, &t->ctx);
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
	current = NULL;
}

static bool interrupts(void);

/* Takes the device's interrupts, and runs each thread that something may
 * have woken (a signal since it waited), until none is left. */
void net_world_run(void)
{
	for (unsigned pass = 0;; pass++) {
		bool ran = interrupts();

		FUZZ_CHECK(pass < RUN_PASSES && "threads never settle");
		for (unsigned i = 0; i < nthreads; i++) {
			struct wthread *t = &threads[i];

			if (!t->done && t->slept_at != wakeups) {
				run_thread(t);
				ran = true;
			}
		}
		if (!ran)
			return;
	}
}

void net_world_advance(uint64_t ms)
{
	now_ns += ms * 1000000;
	wakeups++;	/* deadlines may have passed */
	net_world_run();
}

static struct thread *add_thread(void *(*fn)(void *), void *arg)
{
	struct wthread *t = &threads[nthreads];

	FUZZ_CHECK(nthreads < THREADS);
	if (!t->stack)
		t->stack = malloc(STACK_SIZE);
	FUZZ_CHECK(t->stack);
	/* What a thread left there before is not poisoned for this one. */
	__asan_unpoison_memory_region(t->stack, STACK_SIZE);
	FUZZ_CHECK(getcontext(&t->ctx) == 0);
	t->ctx.uc_stack.ss_sp = t->stack;
	t->ctx.uc_stack.ss_size = STACK_SIZE;
	t->ctx.uc_link = NULL;
	makecontext(&t->ctx, thread_start, 0);
	t->fn = fn;
	t->arg = arg;
	t->done = false;
	t->slept_at = wakeups - 1;	/* it runs */
	nthreads++;
	return (struct thread *)t;
}

int kthread_spawn(const struct thread_params *p, struct thread **out)
{
	struct thread *t = add_thread(p->fn, p->arg);

	if (out)
		*out = t;
	return 1;
}

struct thread *kthread_create(unsigned cpu, size_t stack_size,
			      void *(*fn)(void *), void *arg)
{
	(void)cpu;
	(void)stack_size;
	return add_thread(fn, arg);
}

void kthread_detach(struct thread *t)
{
	(void)t;
}

void thread_yield(void)
{
}

void thread_sleep_ns(uint64_t ns)
{
	now_ns += ns;
}

void mutex_init(struct mutex *m)
{
	memset(m, 0, sizeof(*m));
}

bool mutex_trylock(struct mutex *m)
{
	if (m->state)
		return false;
	m->state = 1;
	return true;
}

/* Waits for another thread to let it go; the target itself, which
 * cannot wait, must find it free. */
void mutex_lock(struct mutex *m)
{
	while (!mutex_trylock(m))
		block();
}

int mutex_lock_until(struct mutex *m, uint64_t deadline)
{
	while (!mutex_trylock(m)) {
		if (now_ns >= deadline)
			return -ETIMEDOUT;
		block();
	}
	return 0;
}

void mutex_unlock(struct mutex *m)
{
	FUZZ_CHECK(m->state && "unlocking a free mutex");
	m->state = 0;
	wakeups++;
}

bool mutex_held(const struct mutex *m)
{
	return m->state;
}

void cond_init(struct cond *c)
{
	memset(c, 0, sizeof(*c));
}

/* Woken by any signal (as the kernel's may wake spuriously): the waiter
 * looks at its condition again. */
void cond_wait(struct cond *c, struct mutex *m)
{
	(void)c;
	mutex_unlock(m);
	block();
	mutex_lock(m);
}

int cond_wait_until(struct cond *c, struct mutex *m, uint64_t deadline)
{
	if (now_ns >= deadline)
		return -ETIMEDOUT;
	cond_wait(c, m);
	return 0;
}

void cond_signal(struct cond *c)
{
	(void)c;
	wakeups++;
}

void cond_broadcast(struct cond *c)
{
	(void)c;
	wakeups++;
}

void sema_init(struct sema *s, unsigned count)
{
	memset(s, 0, sizeof(*s));
	s->count = count;
}

void sema_post(struct sema *s)
{
	s->count++;
	wakeups++;
}

bool sema_trywait(struct sema *s)
{
	if (!s->count)
		return false;
	s->count--;
	return true;
}

void sema_wait(struct sema *s)
{
	while (!sema_trywait(s))
		block();
}

int sema_wait_until(struct sema *s, uint64_t deadline)
{
	while (!sema_trywait(s)) {
		if (now_ns >= deadline)
			return -ETIMEDOUT;
		block();
	}
	return 0;
}

unsigned sema_value(const struct sema *s)
{
	return s->count;
}

void event_init(struct event *e)
{
	memset(e, 0, sizeof(*e));
}

void event_wait(struct event *e)
{
	while (!e->set)
		block();
	e->set = 0;
}

int event_wait_until(struct event *e, uint64_t deadline)
{
	while (!e->set) {
		if (now_ns >= deadline)
			return -ETIMEDOUT;
		block();
	}
	e->set = 0;
	return 0;
}

void event_signal(struct event *e)
{
	e->set = 1;
	wakeups++;
}

void event_signal_one(struct event *e)
{
	event_signal(e);
}

/* ------------------------------------------------------------------------
 * The rest of the kernel.
 */

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	if (!getenv("FUZZ_LOG"))
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;

	if (!getenv("FUZZ_LOG"))
		return 0;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	return 0;
}

const char *kopt(const char *key)
{
	(void)key;
	return NULL;
}

bool kopt_flag(const char *key)
{
	(void)key;
	return false;
}

uint64_t kopt_u64(const char *key, uint64_t def)
{
	(void)key;
	return def;
}

/* A guest of 128 MiB: large receive is wanted (drivers/virtio/net.c). */
void page_alloc_stats(struct page_stats *st)
{
	st->total_pages = (128u << 20) / PAGE_SIZE;
	st->free_pages = st->total_pages / 2;
}

void *page_alloc(size_t npages)
{
	return aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE);
}

void page_free(void *p, size_t npages)
{
	(void)npages;
	free(p);
}

/* Deterministic, so that an input does the same every time. */
void random_bytes(void *buf, size_t n)
{
	memset(buf, 0x5a, n);
}

uint32_t random_prf(const uint32_t key[8], uint64_t a, uint64_t b)
{
	uint64_t h = a * 0x9e3779b97f4a7c15ULL ^ b ^ key[0];

	return (uint32_t)(h >> 29);
}

/* The /etc/resolv.conf of fs/etc_files.c: DHCP's DNS servers. */
void etc_set_nameservers(const uint32_t *ip, unsigned n)
{
	FUZZ_CHECK(n >= 1 && n <= 3);
	(void)ip[n - 1];
}


/* ------------------------------------------------------------------------
 * The device: its features, configuration space and queues.
 */

#define QUEUES		2	/* receive, transmit */
#define SENT_MAX	(VNET_HDR_LEN + NETDEV_TSO_MAX + 4)

struct posted {
	struct virtq_req *req;
	void *buf;
	uint32_t len;
};

static struct virtio_dev vdev;
static struct net_world_config config;
static struct dq {
	struct virtq *q;
	struct posted posted[256];	/* receive buffers, in order */
	unsigned head, count;
	struct virtq_req *used[1024];	/* to complete at the next poll */
	unsigned nused;
	bool irq_off;			/* virtq_set_interrupts(false) */
} dqs[QUEUES];
static uint8_t sent[SENT_MAX];

int virtio_negotiate(struct virtio_dev *dev, uint64_t wanted)
{
	dev->features = wanted & config.features;
	return 0;
}

uint32_t virtio_config_read(struct virtio_dev *dev, unsigned off,
			    unsigned size)
{
	uint8_t cfg[12] = { 0 };	/* virtio_net_config (5.1.4) */
	uint32_t v = 0;

	(void)dev;
	memcpy(cfg, net_world_mac, 6);
	cfg[6] = config.link_up;
	cfg[10] = config.mtu & 0xff;
	cfg[11] = config.mtu >> 8;
	FUZZ_CHECK(off + size <= sizeof(cfg));
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)cfg[off + i] << (8 * i);
	return v;
}

void virtio_ready(struct virtio_dev *dev)
{
	(void)dev;
}

uint64_t virtio_deadline(void)
{
	return now_ns + 30000000000ULL;
}

static void complete(struct virtq_req *req, uint32_t used_len, int error)
{
	req->used_len = used_len;
	req->error = error;
	if (req->complete)
		req->complete(req);
	else
		sema_post(&req->done);
}

void virtq_fail_all(struct virtq *q)
{
	struct dq *d = &dqs[q->index];

	for (; d->count; d->count--, d->head++)
		complete(d->posted[d->head % 256].req, 0, -EIO);
	for (unsigned i = 0; i < d->nused; i++)
		complete(d->used[i], 0, -EIO);
	d->nused = 0;
}

void virtio_break(struct virtio_dev *dev)
{
	dev->broken = true;
	for (struct virtq *q = dev->queues; q; q = q->next)
		virtq_fail_all(q);
}

int virtq_create(struct virtio_dev *dev, unsigned index, unsigned size,
		 struct virtq **out)
{
	struct virtq *q;

	if (index >= QUEUES)
		return -ENODEV;
	q = calloc(1, sizeof(*q));
	FUZZ_CHECK(q);
	q->dev = dev;
	q->index = index;
	q->size = size && size < 256 ? size : 256;
	q->next = dev->queues;
	dev->queues = q;
	memset(&dqs[index], 0, sizeof(dqs[index]));
	dqs[index].q = q;
	*out = q;
	return 0;
}

/* The device takes what it is given to send at once. */
static void transmit(struct dq *d, struct virtq_req *req,
		     const struct virtq_buf *out, unsigned nout)
{
	size_t len = 0;

	for (unsigned i = 0; i < nout; i++) {
		FUZZ_CHECK(out[i].len <= SENT_MAX - len);
		memcpy(sent + len, out[i].addr, out[i].len);
		len += out[i].len;
	}
	FUZZ_CHECK(len >= VNET_HDR_LEN);
	log_printf(LOG_DEBUG, "device: sent %zu bytes: %02x%02x, %02x\n",
		   len - VNET_HDR_LEN, sent[VNET_HDR_LEN + 12],
		   sent[VNET_HDR_LEN + 13], sent[VNET_HDR_LEN + 23]);
	if (net_world_sent)
		net_world_sent(sent + VNET_HDR_LEN, len - VNET_HDR_LEN);
	FUZZ_CHECK(d->nused < ARRAY_SIZE(d->used));
	d->used[d->nused++] = req;
}

int virtq_submit(struct virtq *q, struct virtq_req *req,
		 const struct virtq_buf *out, unsigned nout,
		 const struct virtq_buf *in, unsigned nin)
{
	struct dq *d = &dqs[q->index];

	if (q->dev->broken)
		return -EIO;
	FUZZ_CHECK(nout + nin >= 1 && nout + nin <= q->size);
	if (q->index == 1) {
		FUZZ_CHECK(nin == 0);
		transmit(d, req, out, nout);
		return 0;
	}
	/* Receive: one buffer the device writes, each posted once. */
	FUZZ_CHECK(nout == 0 && nin == 1 && d->count < q->size);
	for (unsigned i = 0; i < d->count; i++)
		FUZZ_CHECK(d->posted[(d->head + i) % 256].req != req);
	d->posted[(d->head + d->count++) % 256] =
		(struct posted){ req, in[0].addr, in[0].len };
	return 0;
}

int virtq_submit_indirect(struct virtq *q, struct virtq_req *req,
			  void *table, const struct virtq_buf *out,
			  unsigned nout)
{
	(void)table;
	FUZZ_CHECK(q->dev->features & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
	return virtq_submit(q, req, out, nout, NULL, 0);
}

void virtq_kick(struct virtq *q)
{
	(void)q;
}

/* Completes what the device used since the last look. */
void virtq_poll(struct virtq *q)
{
	struct dq *d = &dqs[q->index];
	unsigned n = d->nused;
	struct virtq_req *used[ARRAY_SIZE(d->used)];

	memcpy(used, d->used, n * sizeof(*used));
	d->nused = 0;
	for (unsigned i = 0; i < n; i++)
		complete(used[i], q->index == 0 ? used[i]->used_len : 0, 0);
}

unsigned virtq_set_interrupts(struct virtq *q, bool on)
{
	unsigned n = dqs[q->index].nused;

	dqs[q->index].irq_off = !on;
	if (!on)
		return 0;
	virtq_poll(q);
	return n;
}

/* The interrupt handler of each queue that has used buffers, unless the
 * driver turned its interrupts off: it reaps them (virtq.c). */
static bool interrupts(void)
{
	bool any = false;

	for (unsigned i = 0; i < QUEUES; i++) {
		if (dqs[i].q && dqs[i].nused && !dqs[i].irq_off) {
			virtq_poll(dqs[i].q);
			any = true;
		}
	}
	return any;
}

bool net_world_receive(const uint8_t *bytes, size_t len)
{
	struct dq *d = &dqs[0];
	size_t off = 0;

	if (!d->count || vdev.broken)
		return false;
	do {	/* a device without merged buffers uses one, truncating */
		struct posted p = d->posted[d->head++ % 256];
		uint32_t n = len - off < p.len ? (uint32_t)(len - off) : p.len;

		d->count--;
		memcpy(p.buf, bytes + off, n);
		p.req->used_len = n;
		off += n;
		FUZZ_CHECK(d->nused < ARRAY_SIZE(d->used));
		d->used[d->nused++] = p.req;
	} while (off < len && d->count &&
		 (vdev.features & VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF)));
	net_world_run();
	return true;
}

void net_world_link(bool up)
{
	config.link_up = up;
	if (vdev.config_changed)	/* the configuration interrupt */
		vdev.config_changed(&vdev);
	net_world_run();
}

bool net_world_broken(void)
{
	return vdev.broken;
}

/* ------------------------------------------------------------------------
 * The registry of kernel/netdev.h, for one device at a time.
 */

static struct netdev *device;

int netdev_register(struct netdev *d)
{
	FUZZ_CHECK(!device);
	device = d;
	return 0;
}

unsigned netdev_count(void)
{
	return device != NULL;
}

struct netdev *netdev_get(unsigned index)
{
	return index == 0 ? device : NULL;
}

/* ------------------------------------------------------------------------
 * Start and stop.
 */

extern const struct virtio_driver virtio_net_driver;

static struct netif *nif;
static unsigned first_input_thread;

struct netif *net_world_start(const struct net_world_config *c)
{
	static bool stack;
	ip4_addr_t ip, mask, gw;

	if (!stack) {	/* lwIP and its tcpip thread, once */
		tcpip_init(NULL, NULL);
		net_world_run();
		first_input_thread = nthreads;
		stack = true;
	}
	config = *c;
	memset(&vdev, 0, sizeof(vdev));
	strcpy(vdev.name, "fuzz-net");
	vdev.device_id = VIRTIO_ID_NET;
	if (virtio_net_driver.probe(&vdev)) {
		net_world_stop();
		return NULL;
	}
	FUZZ_CHECK(device);
	ip4_addr_set_u32(&ip, c->dhcp ? 0 : lwip_htonl(NET_WORLD_IP));
	ip4_addr_set_u32(&mask, c->dhcp ? 0 : lwip_htonl(0xffffff00));
	ip4_addr_set_u32(&gw, c->dhcp ? 0 : lwip_htonl(NET_WORLD_PEER));
	nif = netif_attach(device, &ip, &mask, &gw);
	FUZZ_CHECK(nif);
	LOCK_TCPIP_CORE();
	FUZZ_CHECK(netif_ip6_start(nif) == 0);
	UNLOCK_TCPIP_CORE();
	FUZZ_CHECK(device->up(device) == 0);
	if (c->dhcp) {
		LOCK_TCPIP_CORE();
		FUZZ_CHECK(dhcp_start(nif) == ERR_OK);
		UNLOCK_TCPIP_CORE();
	}
	net_world_run();
	return nif;
}

static void free_pool(struct vnet_buf *b, unsigned n)
{
	if (b && n)
		page_free(b[0].data, 0);
	heap_free(b);
}

void net_world_stop(void)
{
	struct vnet *v = vdev.driver_data;

	if (nif) {
		LOCK_TCPIP_CORE();
		while (tcp_active_pcbs)
			tcp_abort(tcp_active_pcbs);
		while (tcp_tw_pcbs)
			tcp_abort(tcp_tw_pcbs);
		UNLOCK_TCPIP_CORE();
		net_world_run();	/* the device's last completions */
		LOCK_TCPIP_CORE();
		dhcp_release_and_stop(nif);	/* before its cleanup */
		dhcp_cleanup(nif);
		netif_remove(nif);
		UNLOCK_TCPIP_CORE();
		nif = NULL;
	}
	if (v) {
		/* The driver keeps its buffers for the device's life
		 * (drivers/virtio/net.c): the device goes here. */
		free_pool(v->rx, v->nrx);
		free_pool(v->tx, v->ntx);
		for (unsigned i = 0; i < v->ntso; i++)
			page_free(v->tso[i].data, 0);
		heap_free(v->sg);
		heap_free(v->ready);
		heap_free(v->tx_free);
		heap_free(v->frame);
		heap_free(v);
	}
	for (struct virtq *q = vdev.queues, *next; q; q = next) {
		next = q->next;
		free(q);
	}
	memset(dqs, 0, sizeof(dqs));
	memset(&vdev, 0, sizeof(vdev));
	device = NULL;
	nthreads = first_input_thread;	/* the receive thread is gone */
}

/* ------------------------------------------------------------------------
 * Checksums for the targets.
 */

uint32_t net_world_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < len)
		sum += (uint32_t)p[i] << 8;
	return sum;
}

uint16_t net_world_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
