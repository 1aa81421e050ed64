// SPDX-License-Identifier: MIT
/*
 * timerfd (include/kernel/event_file.h): a timer as a file. read() gives
 * the number of expirations since the last read as 8 bytes, blocking
 * until there is one; the file is readable while there is. Each timerfd
 * has one kernel timer, armed on the CPU of the thread that set it (a
 * kernel timer is cancelled on its own CPU, so a change from another CPU
 * reaches it there, in interrupt context). A periodic timer that fell
 * behind counts every period it missed, as Linux does.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <kernel/compiler.h>
#include <kernel/event_file.h>
#include <kernel/heap.h>
#include <kernel/smp_call.h>
#include <kernel/timer.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>
#include <toro/cpu.h>
#include <toro/time.h>

struct timerfd {
	struct waitq wait;	/* its lock guards all below */
	int clk;		/* the clock it was created on */
	struct timer timer;
	struct vfs_file *file;	/* to notify */
	unsigned cpu;		/* where (timer) is armed */
	bool armed;
	uint64_t next;		/* clock_ns() of the next expiry */
	uint64_t interval;	/* ns; 0: one shot */
	uint64_t expirations;	/* since the last read */
};

static void notify(struct timerfd *t)
{
	waitq_wake_all(&t->wait);
	vfs_file_notify(t->file, t->expirations ?
				 VFS_POLL_IN | VFS_POLL_RDNORM : 0);
}

/* The timer's own CPU, interrupts off. */
static void fire(struct timer *tm)
{
	struct timerfd *t = container_of(tm, struct timerfd, timer);
	bool irq = waitq_lock(&t->wait);
	uint64_t now = clock_ns();

	if (!t->armed)
		goto out;
	t->expirations++;
	if (t->interval) {
		uint64_t late = now > t->next ? now - t->next : 0;
		uint64_t missed = late / t->interval;

		t->expirations += missed;
		t->next += (missed + 1) * t->interval;
		timer_start(&t->timer, t->next, fire);
	} else {
		t->armed = false;
	}
	notify(t);
out:
	waitq_unlock(&t->wait, irq);
}

static void cancel_here(void *arg)
{
	struct timerfd *t = arg;

	timer_cancel(&t->timer);
}

/* Stops the kernel timer wherever it is armed. Not under the lock: the
 * other CPU's interrupt may need it. */
static void stop(struct timerfd *t)
{
	bool irq = waitq_lock(&t->wait);
	bool armed = t->armed;
	unsigned cpu = t->cpu;

	t->armed = false;
	waitq_unlock(&t->wait, irq);
	if (!armed)
		return;
	if (cpu == cpu_id())
		cancel_here(t);
	else
		smp_call_irq(cpu, cancel_here, t);
}

/* Lock held: what is left until the next expiry (0: disarmed), and the
 * period. */
static void get(struct timerfd *t, uint64_t *left, uint64_t *interval)
{
	uint64_t now = clock_ns();

	if (left)
		*left = !t->armed ? 0 : t->next > now ? t->next - now : 1;
	if (interval)
		*interval = t->interval;
}

int timerfd_set(struct vfs_file *f, uint64_t first, uint64_t interval,
		uint64_t *old_left, uint64_t *old_interval)
{
	struct timerfd *t = f->priv;
	bool irq = waitq_lock(&t->wait);

	get(t, old_left, old_interval);
	waitq_unlock(&t->wait, irq);
	stop(t);
	irq = waitq_lock(&t->wait);
	t->expirations = 0;
	t->interval = interval;
	if (first) {
		t->next = first;
		t->armed = true;
		t->cpu = cpu_id();
		timer_start(&t->timer, first, fire);
	}
	waitq_unlock(&t->wait, irq);
	return 0;
}

int timerfd_query(struct vfs_file *f, uint64_t *left, uint64_t *interval)
{
	struct timerfd *t = f->priv;
	bool irq = waitq_lock(&t->wait);

	get(t, left, interval);
	waitq_unlock(&t->wait, irq);
	return 0;
}

static ssize_t timerfd_read(struct vfs_file *f, void *buf, size_t n,
			    uint64_t off)
{
	struct timerfd *t = f->priv;
	struct waiter w;
	uint64_t v = 0;
	int rc = 0;

	(void)off;
	if (n < sizeof(v))
		return -EINVAL;
	bool irq = waitq_lock(&t->wait);

	while (!t->expirations && !rc)
		rc = __atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK
			? -EAGAIN
			: waitq_sleep_intr(&t->wait, &w, WAITQ_NO_DEADLINE,
					   irq);
	if (!rc) {
		v = t->expirations;
		t->expirations = 0;
	}
	waitq_unlock(&t->wait, irq);
	if (rc)
		return rc;
	memcpy(buf, &v, sizeof(v));
	return sizeof(v);
}

static unsigned timerfd_poll(struct vfs_file *f)
{
	struct timerfd *t = f->priv;

	return __atomic_load_n(&t->expirations, __ATOMIC_RELAXED) ?
		       VFS_POLL_IN | VFS_POLL_RDNORM : 0;
}

static int timerfd_close(struct vfs_file *f)
{
	struct timerfd *t = f->priv;

	stop(t);
	heap_free(t);
	return 0;
}

static const struct vfs_file_ops timerfd_ops = {
	.read = timerfd_read,
	.poll = timerfd_poll,
	.fstat = vfs_anon_fstat,
	.close = timerfd_close,
};

bool is_timerfd(const struct vfs_file *f)
{
	return f->ops == &timerfd_ops;
}

int timerfd_clockid(const struct vfs_file *f)
{
	return ((const struct timerfd *)f->priv)->clk;
}

int timerfd_open(int clk, int flags, struct vfs_file **out)
{
	struct timerfd *t = heap_zalloc(sizeof(*t));

	*out = NULL;
	if (!t)
		return -ENOMEM;
	t->clk = clk;
	*out = vfs_file_new(&timerfd_ops, t, O_RDWR | (flags & O_NONBLOCK));
	if (!*out) {
		heap_free(t);
		return -ENOMEM;
	}
	t->file = *out;
	return 0;
}
