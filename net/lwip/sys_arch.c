// SPDX-License-Identifier: MIT
/*
 * lwIP's operating-system layer (sys_arch) on Toro: semaphores, mutexes
 * and mailboxes over toro/sync.h, threads over toro/thread.h, the clock
 * over clock_ns(), and SYS_ARCH_PROTECT as a lock any CPU may take.
 * lwIP times are in milliseconds; Toro's deadlines are in nanoseconds.
 */
#include <kernel/compiler.h>
#include <kernel/kerrno.h>
#include <kernel/percpu.h>
#include <kernel/thread_impl.h>

#include <toro/cpu.h>
#include <toro/thread.h>
#include <toro/time.h>
#include <kernel/heap.h>

#include "lwip/err.h"
#include "lwip/sys.h"

#define NS_PER_MS 1000000ULL

void sys_init(void)
{
}

u32_t sys_now(void)
{
	return (u32_t)(clock_ns() / NS_PER_MS);
}

/* Milliseconds since (start), at least 1 so lwIP does not read 0 as "did
 * not wait" where it matters, never SYS_ARCH_TIMEOUT. */
static u32_t ms_since(uint64_t start)
{
	uint64_t ms = (clock_ns() - start) / NS_PER_MS;

	return ms >= SYS_ARCH_TIMEOUT ? SYS_ARCH_TIMEOUT - 1 : (u32_t)ms;
}

static uint64_t deadline_of(uint64_t start, u32_t timeout_ms)
{
	return start + (uint64_t)timeout_ms * NS_PER_MS;
}

/* Semaphores. */

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
	sema_init(&sem->s, count);
	sem->valid = true;
	return ERR_OK;
}

void sys_sem_signal(sys_sem_t *sem)
{
	sema_post(&sem->s);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
	uint64_t start = clock_ns();

	if (!timeout)
		sema_wait(&sem->s);
	else if (sema_wait_until(&sem->s, deadline_of(start, timeout)) < 0)
		return SYS_ARCH_TIMEOUT;
	return ms_since(start);
}

void sys_sem_free(sys_sem_t *sem)
{
	sem->valid = false;
}

/* Mutexes. */

err_t sys_mutex_new(sys_mutex_t *m)
{
	mutex_init(&m->m);
	m->valid = true;
	return ERR_OK;
}

void sys_mutex_lock(sys_mutex_t *m)
{
	mutex_lock(&m->m);
}

void sys_mutex_unlock(sys_mutex_t *m)
{
	mutex_unlock(&m->m);
}

void sys_mutex_free(sys_mutex_t *m)
{
	m->valid = false;
}

/*
 * Mailboxes: bounded rings of pointers. Our sockets never wait in one
 * (their netconns are non-blocking: they wait on the socket's readiness,
 * socket_poll.c), so a post or a fetch signals the other side only when a
 * thread waits there (lwIP's own thread, or a blocking netconn user), and
 * a fetch that finds the ring empty takes no lock: every received
 * segment, and every receive that came too early, went through both.
 */

err_t sys_mbox_new(sys_mbox_t *mb, int size)
{
	if (size <= 0)
		size = 64;
	mb->ring = heap_zalloc((size_t)size * sizeof(void *));
	if (!mb->ring)
		return ERR_MEM;
	mutex_init(&mb->lock);
	cond_init(&mb->not_empty);
	cond_init(&mb->not_full);
	mb->size = (unsigned)size;
	mb->head = 0;
	mb->count = 0;
	mb->takers = 0;
	mb->posters = 0;
	return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *mb)
{
	heap_free(mb->ring);
	mb->ring = NULL;
}

/* With (mb->lock) held and room in the ring. */
static void put(sys_mbox_t *mb, void *msg)
{
	mb->ring[(mb->head + mb->count) % mb->size] = msg;
	__atomic_store_n(&mb->count, mb->count + 1, __ATOMIC_RELAXED);
	if (mb->takers)
		cond_signal(&mb->not_empty);
}

static void *take(sys_mbox_t *mb)
{
	void *msg = mb->ring[mb->head];

	mb->head = (mb->head + 1) % mb->size;
	__atomic_store_n(&mb->count, mb->count - 1, __ATOMIC_RELAXED);
	if (mb->posters)
		cond_signal(&mb->not_full);
	return msg;
}

void sys_mbox_post(sys_mbox_t *mb, void *msg)
{
	mutex_lock(&mb->lock);
	while (mb->count == mb->size) {
		mb->posters++;
		cond_wait(&mb->not_full, &mb->lock);
		mb->posters--;
	}
	put(mb, msg);
	mutex_unlock(&mb->lock);
}

err_t sys_mbox_trypost(sys_mbox_t *mb, void *msg)
{
	err_t rc = ERR_MEM;

	mutex_lock(&mb->lock);
	if (mb->count < mb->size) {
		put(mb, msg);
		rc = ERR_OK;
	}
	mutex_unlock(&mb->lock);
	return rc;
}

/* lwIP is never called from Toro's interrupt handlers (drivers deliver
 * frames in threads), so this is an ordinary post. */
err_t sys_mbox_trypost_fromisr(sys_mbox_t *mb, void *msg)
{
	return sys_mbox_trypost(mb, msg);
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mb, void **msg, u32_t timeout)
{
	uint64_t start = clock_ns();
	void *m;

	mutex_lock(&mb->lock);
	while (!mb->count) {
		int rc = 0;

		mb->takers++;
		if (!timeout)
			cond_wait(&mb->not_empty, &mb->lock);
		else
			rc = cond_wait_until(&mb->not_empty, &mb->lock,
					     deadline_of(start, timeout));
		mb->takers--;
		if (rc < 0 && !mb->count) {
			mutex_unlock(&mb->lock);
			return SYS_ARCH_TIMEOUT;
		}
	}
	m = take(mb);
	mutex_unlock(&mb->lock);
	if (msg)
		*msg = m;
	return ms_since(start);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mb, void **msg)
{
	void *m;

	/* A post this misses is followed by the event that wakes the
	 * socket's waiters (NETCONN_EVT_RCVPLUS after the post). */
	if (!__atomic_load_n(&mb->count, __ATOMIC_RELAXED))
		return SYS_MBOX_EMPTY;
	mutex_lock(&mb->lock);
	if (!mb->count) {
		mutex_unlock(&mb->lock);
		return SYS_MBOX_EMPTY;
	}
	m = take(mb);
	mutex_unlock(&mb->lock);
	if (msg)
		*msg = m;
	return 0;
}

/* Threads: lwIP's own (the tcpip thread) start on the creating CPU. */

struct start {
	lwip_thread_fn fn;
	void *arg;
};

static void *thread_main(void *p)
{
	struct start s = *(struct start *)p;

	heap_free(p);
	s.fn(s.arg);
	return NULL;
}

__cold sys_thread_t sys_thread_new(const char *name, lwip_thread_fn fn,
				   void *arg, int stacksize, int prio)
{
	struct start *s = heap_alloc(sizeof(*s));
	struct thread *t;

	(void)prio;
	if (!s)
		panic("lwip: no memory for thread %s", name);
	s->fn = fn;
	s->arg = arg;
	t = kthread_create(THREAD_CPU_SELF,
			   stacksize > 0 ? (size_t)stacksize : 0, thread_main, s);
	if (!t)
		panic("lwip: cannot create thread %s", name);
	kthread_detach(t);
	return t;
}

/*
 * SYS_ARCH_PROTECT: a spinlock that nests on the CPU holding it (lwIP may
 * protect inside a protected section). Scheduling is cooperative and lwIP
 * never blocks while protected, so the holder on a CPU is the one thread
 * running there. Interrupts stay on: no handler calls into lwIP (drivers
 * hand frames and completions to threads), and lwIP protects a few
 * instructions at a time, a dozen times a request (a reference count, a
 * socket's event counters), where switching interrupts off and on again
 * cost more than the hold under TCG.
 */
static struct {
	uint32_t locked;
	unsigned owner;		/* this_cpu_id() of the holder */
	unsigned depth;
} prot;

sys_prot_t sys_arch_protect(void)
{
	unsigned me = this_cpu_id();	/* inline: a dozen a request */

	if (__atomic_load_n(&prot.locked, __ATOMIC_ACQUIRE) &&
	    prot.owner == me) {
		prot.depth++;
		return 0;
	}
	while (__atomic_exchange_n(&prot.locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&prot.locked, __ATOMIC_RELAXED))
			__asm__ volatile("pause" ::: "memory");
	prot.owner = me;
	prot.depth = 1;
	return 0;
}

void sys_arch_unprotect(sys_prot_t unused)
{
	(void)unused;
	if (--prot.depth == 0) {
		prot.owner = ~0U;
		__atomic_store_n(&prot.locked, 0, __ATOMIC_RELEASE);
	}
}

/* Initial sequence numbers, ports and DHCP transaction ids: they need to
 * differ between boots, not to resist an attacker (xorshift on the clock). */
unsigned toro_lwip_rand(void)
{
	static uint64_t x;
	uint64_t v = __atomic_load_n(&x, __ATOMIC_RELAXED);

	if (!v)
		v = clock_ns() | 1;
	v ^= v << 13;
	v ^= v >> 7;
	v ^= v << 17;
	__atomic_store_n(&x, v, __ATOMIC_RELAXED);
	return (unsigned)(v >> 32);
}
