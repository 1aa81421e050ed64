// SPDX-License-Identifier: MIT
/*
 * Readiness of open files (include/kernel/vfs.h): the pollers waiting on
 * each file, the notifications that wake them, and poll()'s wait over a
 * set of files. A file without a poll op is always ready for what its
 * access mode allows (regular files and the console never block), as on
 * Linux.
 *
 * poll() is two passes: look at every file; if none is ready, put one
 * poller per file on the files' lists and look again (a notification
 * between the two looks is then caught), then sleep until a poller fires,
 * the deadline passes or the thread is interrupted, and look again.
 */
#include <errno.h>
#include <kernel/heap.h>
#include <kernel/percpu.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>
#include <toro/time.h>

#include "vfs_impl.h"

/* A file without a poll op never blocks: ready both ways, whatever it
 * was opened for, as Linux says of a regular file. */
unsigned vfs_poll(struct vfs_file *f)
{
	if (f->ops->poll)
		return f->ops->poll(f);
	return VFS_POLL_IN | VFS_POLL_RDNORM | VFS_POLL_OUT | VFS_POLL_WRNORM;
}

void vfs_poll_watch(struct vfs_file *f, struct vfs_poller *p)
{
	bool irq = spin_lock_irqsave(&f->poll_lock);

	p->prev = NULL;
	p->next = f->pollers;
	if (f->pollers)
		f->pollers->prev = p;
	f->pollers = p;
	p->linked = true;
	__atomic_store_n(&f->poll_events,
			 f->poll_events | p->events | VFS_POLL_ALWAYS,
			 __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&f->poll_lock, irq);
}

static void unlink_poller(struct vfs_file *f, struct vfs_poller *p)
{
	unsigned events = 0;

	if (p->prev)
		p->prev->next = p->next;
	else
		f->pollers = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->next = p->prev = NULL;
	p->linked = false;
	for (struct vfs_poller *q = f->pollers; q; q = q->next)
		events |= q->events | VFS_POLL_ALWAYS;
	__atomic_store_n(&f->poll_events, events, __ATOMIC_RELAXED);
}

bool vfs_poll_unwatch(struct vfs_file *f, struct vfs_poller *p)
{
	bool irq = spin_lock_irqsave(&f->poll_lock);
	bool was = p->linked;

	if (was)
		unlink_poller(f, p);
	spin_unlock_irqrestore(&f->poll_lock, irq);
	return was;
}

/*
 * How long a poller on the notifying CPU, once woken, is still the one to
 * wake again: it has yet to run, and when it does it takes what came
 * meanwhile too. Keeping connections on the CPU whose queue brought them
 * spares each of their frames a wake-up across CPUs and the core lock a
 * contender (bench/RESULTS.md, HTTP over a tap). Past this the CPU is
 * taken up by other threads (they run until they yield), and a waiter
 * elsewhere serves sooner. A waiter elsewhere is told at once all the
 * same, to look after this long (VFS_POLL_LATE): the woken one may not
 * come back for more (a thread that serves what it accepted before it
 * accepts again), and what came must not wait for it.
 */
#define LOCAL_WOKEN_NS	(1000 * 1000)

/* How fit exclusive poller (p) is to be woken, higher better: on this CPU
 * and not woken (4); on this CPU and woken within LOCAL_WOKEN_NS of (*now)
 * (3; *now is read once, when first needed); not woken (2); on this CPU
 * (1). */
static int fitness(const struct vfs_poller *p, unsigned here, uint64_t *now)
{
	bool woken = __atomic_load_n(&p->woken, __ATOMIC_RELAXED);

	if (p->cpu == here) {
		if (!woken)
			return 4;
		if (!*now)
			*now = clock_ns();
		/* Signed: a wake stamped on another CPU may read later. */
		if ((int64_t)(*now - __atomic_load_n(&p->woken_ns,
						     __ATOMIC_RELAXED)) <
		    LOCAL_WOKEN_NS)
			return 3;
		return 1;
	}
	return !woken ? 2 : 0;
}

/* Wakes exclusive poller (p), marked woken at (now) unless it was. */
static void wake_exclusive(struct vfs_poller *p, unsigned ready,
			   uint64_t now)
{
	if (!__atomic_load_n(&p->woken, __ATOMIC_RELAXED)) {
		__atomic_store_n(&p->woken_ns, now ? now : clock_ns(),
				 __ATOMIC_RELAXED);
		__atomic_store_n(&p->woken, true, __ATOMIC_RELAXED);
	}
	p->wake(p, ready);
}

void vfs_file_notify(struct vfs_file *f, unsigned ready)
{
	/* Most files have nobody waiting, or nobody waiting for this (a
	 * socket's reader hears of the room each ACK makes): one load, no
	 * lock. A poller put on the list after this look looks at the
	 * file's readiness itself before it sleeps. */
	if (!(ready & __atomic_load_n(&f->poll_events, __ATOMIC_ACQUIRE)))
		return;
	bool just_in = !(ready & ~(VFS_POLL_IN | VFS_POLL_RDNORM));
	unsigned here = this_cpu_id();
	struct vfs_poller *one = NULL;	/* the exclusive poller to wake */
	struct vfs_poller *spare = NULL; /* one elsewhere, not woken */
	int one_fitness = -1;
	uint64_t now = 0;
	bool irq = spin_lock_irqsave(&f->poll_lock);

	for (struct vfs_poller *p = f->pollers, *next; p; p = next) {
		next = p->next;
		if (!(ready & (p->events | VFS_POLL_ALWAYS)))
			continue;
		if (just_in && (p->events & VFS_POLL_EXCLUSIVE)) {
			int fit = fitness(p, here, &now);

			if (fit > one_fitness) {
				one = p;
				one_fitness = fit;
			}
			if (fit == 2 && !spare)
				spare = p;
			continue;
		}
		p->wake(p, ready);
	}
	if (one)
		wake_exclusive(one, ready, now);
	if (one_fitness == 3 && spare)
		wake_exclusive(spare, ready | VFS_POLL_LATE, now);
	spin_unlock_irqrestore(&f->poll_lock, irq);
}

/* Called by vfs_file_put() for the last reference: pollers that hold no
 * reference (epoll) forget the file before it is freed. */
void vfs_poll_release(struct vfs_file *f)
{
	for (;;) {
		bool irq = spin_lock_irqsave(&f->poll_lock);
		struct vfs_poller *p = f->pollers;

		if (p)
			unlink_poller(f, p);
		spin_unlock_irqrestore(&f->poll_lock, irq);
		if (!p)
			return;
		if (p->gone)
			p->gone(p);
	}
}

/* One poll() call: its pollers all wake the same sleeping thread. */
struct poll_wait {
	struct waitq q;
	int fired;
	int late;	/* woken with VFS_POLL_LATE only, so far */
};

struct poll_entry {
	struct vfs_poller poller;
	struct poll_wait *pw;
};

static void poll_wake(struct vfs_poller *p, unsigned ready)
{
	struct poll_wait *pw = ((struct poll_entry *)p)->pw;
	bool irq = waitq_lock(&pw->q);

	if (ready & VFS_POLL_LATE)
		pw->late = 1;
	else
		pw->fired = 1;
	waitq_wake_all(&pw->q);
	waitq_unlock(&pw->q, irq);
}

/* Fills (revents); returns how many have events. */
static int scan(struct vfs_file *const *files, const unsigned *events,
		unsigned *revents, size_t n)
{
	int ready = 0;

	for (size_t i = 0; i < n; i++) {
		revents[i] = files[i] ? vfs_poll(files[i]) &
						(events[i] | VFS_POLL_ALWAYS) :
					0;
		ready += revents[i] != 0;
	}
	return ready;
}

/* Up to this many pollers live on the stack, more in the heap. */
#define ON_STACK 16

int vfs_poll_wait(struct vfs_file *const *files, const unsigned *events,
		  unsigned *revents, size_t n, int64_t timeout_ns)
{
	struct poll_entry stack[ON_STACK], *e = stack;
	struct poll_wait pw = { 0 };
	int ready = scan(files, events, revents, n);
	uint64_t deadline = WAITQ_NO_DEADLINE;

	if (ready || timeout_ns == 0)
		return ready;
	if (timeout_ns > 0)
		deadline = clock_ns() + (uint64_t)timeout_ns;
	if (n > ON_STACK && !(e = heap_alloc(n * sizeof(*e))))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		e[i].poller = (struct vfs_poller){
			.events = events[i], .cpu = this_cpu_id(),
			.wake = poll_wake };
		e[i].pw = &pw;
		if (files[i])
			vfs_poll_watch(files[i], &e[i].poller);
	}
	for (;;) {
		/* Looking again: a notification from now on may pick these
		 * (an exclusive one picked before this sees what it said). */
		for (size_t i = 0; i < n; i++)
			__atomic_store_n(&e[i].poller.woken, false,
					 __ATOMIC_RELAXED);
		ready = scan(files, events, revents, n);
		if (ready)
			break;
		struct waiter w;
		bool irq = waitq_lock(&pw.q);
		int rc = 0;

		while (!pw.fired && !pw.late && rc == 0)
			rc = waitq_sleep_intr(&pw.q, &w, deadline, irq);
		if (!pw.fired && pw.late && rc == 0) {
			/* Another CPU's waiter is to take it first: look
			 * if it is still there after a while. */
			uint64_t look = clock_ns() + LOCAL_WOKEN_NS;

			while (!pw.fired && rc == 0)
				rc = waitq_sleep_intr(&pw.q, &w,
						      look < deadline ? look :
									deadline,
						      irq);
			if (rc == -ETIMEDOUT && look < deadline)
				rc = 0;
		}
		pw.fired = pw.late = 0;
		waitq_unlock(&pw.q, irq);
		if (rc == -ETIMEDOUT)
			break;
		if (rc == -EINTR) {
			ready = -EINTR;
			break;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (files[i])
			vfs_poll_unwatch(files[i], &e[i].poller);
	if (e != stack)
		heap_free(e);
	return ready;
}
