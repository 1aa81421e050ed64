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
#include <kernel/compiler.h>
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
 * Exclusive pollers (accept()'s waits) and where a connection goes. One
 * on the notifying CPU is woken first, and while it has yet to come back
 * it stays the one to wake: when it runs it takes what came meanwhile
 * too. Keeping connections on the CPU whose queue brought them spares
 * each of their frames a wake-up across CPUs and the core lock a
 * contender: with one queue pair, the vCPUs of a web server whose
 * connections were spread over 2 CPUs took 1.7 times the host CPU time a
 * request of one whose connections stayed on the receiving CPU, and
 * served 0.6 of its requests (bench/RESULTS.md, HTTP at 512
 * connections).
 *
 * A waiter elsewhere is told all the same, to look after LATE_NS
 * (VFS_POLL_LATE): the woken one may not come back for more (a thread
 * that serves what it accepted before it accepts again). It is told so
 * too, and not woken, when no waiter of the notifying CPU waits but that
 * CPU caught up within LATE_NS (vfs_poll_caught_up(): its accept() found
 * nothing left, or its waiter was woken): it accepts in a loop and comes
 * back. When it looks, it takes what is left unless that CPU caught up
 * meanwhile (it keeps up: then it looks again later); a CPU that falls
 * behind or stops accepting hands connections over. Once woken, a
 * waiter elsewhere takes every connection there is in a loop of
 * accept()s.
 */
#define LATE_NS		(20 * 1000 * 1000)

/* How fit exclusive poller (p) is to be woken, higher better: on this CPU
 * and not woken (3); on this CPU (2); elsewhere and not woken (1); any
 * (0). */
static int fitness(const struct vfs_poller *p, unsigned here)
{
	return (p->cpu == here) * 2 +
	       !__atomic_load_n(&p->woken, __ATOMIC_RELAXED);
}

void vfs_poll_caught_up(struct vfs_file *f)
{
	__atomic_store_n(&f->caught_up_cpu, this_cpu_id(), __ATOMIC_RELAXED);
	__atomic_store_n(&f->caught_up_ns, clock_ns(), __ATOMIC_RELEASE);
}

/* Whether CPU (cpu) caught up with what comes to (f) after (since). A
 * file never caught up with reads as caught up at 0: only before LATE_NS
 * after boot is that within LATE_NS. */
static bool caught_up_since(struct vfs_file *f, unsigned cpu,
			    uint64_t since)
{
	uint64_t at = __atomic_load_n(&f->caught_up_ns, __ATOMIC_ACQUIRE);

	return __atomic_load_n(&f->caught_up_cpu, __ATOMIC_RELAXED) == cpu &&
	       (int64_t)(at - since) > 0;
}

/* Wakes exclusive poller (p) of file (f). One of this CPU that was
 * waiting, not woken, had that CPU caught up until now. */
static void wake_exclusive(struct vfs_file *f, struct vfs_poller *p,
			   unsigned ready, unsigned here)
{
	bool was = __atomic_exchange_n(&p->woken, true, __ATOMIC_RELAXED);

	if (p->cpu == here && !was)
		vfs_poll_caught_up(f);
	p->wake(p, ready | VFS_POLL_EXCLUSIVE);
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
	bool irq = spin_lock_irqsave(&f->poll_lock);

	for (struct vfs_poller *p = f->pollers, *next; p; p = next) {
		next = p->next;
		if (!(ready & (p->events | VFS_POLL_ALWAYS)))
			continue;
		if (just_in && (p->events & VFS_POLL_EXCLUSIVE)) {
			int fit = fitness(p, here);

			if (fit > one_fitness) {
				one = p;
				one_fitness = fit;
			}
			if (fit == 1 && !spare)
				spare = p;
			continue;
		}
		p->wake(p, ready);
	}
	bool late = one_fitness == 2;	/* this CPU's, woken already */

	if (one && one_fitness < 2 &&
	    caught_up_since(f, here, clock_ns() - LATE_NS)) {
		/* This CPU accepts in a loop: the one elsewhere not woken
		 * looks late; one woken already is looking or taking. */
		late = true;
		one = NULL;
	}
	if (one)
		wake_exclusive(f, one, ready, here);
	if (late && spare)
		wake_exclusive(f, spare, ready | VFS_POLL_LATE, here);
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
	unsigned late_cpu;	/* by a notification from this CPU */
};

struct poll_entry {
	struct vfs_poller poller;
	struct poll_wait *pw;
};

static void poll_wake(struct vfs_poller *p, unsigned ready)
{
	struct poll_wait *pw = ((struct poll_entry *)p)->pw;
	bool irq = waitq_lock(&pw->q);

	if (ready & VFS_POLL_LATE) {
		pw->late = 1;
		pw->late_cpu = this_cpu_id();
	} else {
		pw->fired = 1;
	}
	/* Its one waiter, the thread in vfs_poll_wait(). */
	if ((ready & (VFS_POLL_EXCLUSIVE | VFS_POLL_LATE)) ==
	    VFS_POLL_EXCLUSIVE)
		waitq_wake_one_first(&pw->q);
	else
		waitq_wake_one(&pw->q);
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

/* Whether CPU (cpu) caught up with any of (files) after (since). */
static bool kept_up(struct vfs_file *const *files, size_t n, unsigned cpu,
		    uint64_t since)
{
	for (size_t i = 0; i < n; i++)
		if (files[i] && caught_up_since(files[i], cpu, since))
			return true;
	return false;
}

/* Told by another CPU (pw->late_cpu) that its waiter is to take what
 * came first: sleeps a while, or until picked, with (pw)'s queue locked,
 * and again while that CPU caught up with (files) meanwhile (it keeps
 * up). A deadline that comes first ends it as such. */
static __cold int look_late(struct poll_wait *pw, struct waiter *w,
			    uint64_t deadline, bool irq,
			    struct vfs_file *const *files, size_t n)
{
	uint64_t since, look;
	int rc;

	do {
		since = clock_ns();
		look = since + LATE_NS;
		rc = 0;
		while (!pw->fired && rc == 0)
			rc = waitq_sleep_intr(&pw->q, w,
					      look < deadline ? look : deadline,
					      irq);
		if (rc != -ETIMEDOUT || look >= deadline)
			return rc;
	} while (kept_up(files, n, pw->late_cpu, since));
	return 0;
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
		if (!pw.fired && pw.late && rc == 0)
			rc = look_late(&pw, &w, deadline, irq, files, n);
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
