// SPDX-License-Identifier: MIT
/* Notifying a file's pollers: who is woken, exclusive waiters (accept()'s)
 * included. */
#include <fcntl.h>

#include <kernel/percpu.h>
#include <kernel/vfs.h>
#include <toro/cpu.h>
#include <toro/test.h>
#include <toro/thread.h>
#include <toro/time.h>

/* A file of no kind: notifications need no ops. */
static const struct vfs_file_ops no_ops;

struct counted {
	struct vfs_poller p;	/* first: the wake gets this */
	int woken;
	unsigned ready;		/* what the last wake said */
};

static void count_wake(struct vfs_poller *p, unsigned ready)
{
	((struct counted *)p)->woken++;
	((struct counted *)p)->ready = ready;
}

#define EXCLUSIVE_IN	(VFS_POLL_IN | VFS_POLL_EXCLUSIVE)
#define SECOND_NS	1000000000ULL
#define LATE_NS		(20 * 1000 * 1000ULL)	/* as fs/vfs_poll.c's */

TEST(vfs_poll, data_wakes_one_exclusive_poller_preferring_this_cpu)
{
	struct vfs_file *f = vfs_file_new(&no_ops, NULL, O_RDWR);
	unsigned here = this_cpu_id();
	struct counted local = { .p = { .events = EXCLUSIVE_IN, .cpu = here,
					.wake = count_wake } };
	struct counted remote = { .p = { .events = EXCLUSIVE_IN,
					 .cpu = here + 1,
					 .wake = count_wake } };
	struct counted plain = { .p = { .events = VFS_POLL_IN,
					.wake = count_wake } };

	ASSERT_NOT_NULL(f);
	/* The list is newest first: the remote one is met before. */
	vfs_poll_watch(f, &local.p);
	vfs_poll_watch(f, &remote.p);
	vfs_poll_watch(f, &plain.p);
	vfs_file_notify(f, VFS_POLL_IN | VFS_POLL_RDNORM);
	EXPECT_EQ(local.woken, 1);
	EXPECT_EQ(remote.woken, 0);
	EXPECT_EQ(plain.woken, 1);	/* poll() and epoll see everything */

	/* A second connection before the first woken looked again: the
	 * same waiter takes both when it runs, and the other is told to
	 * look later, in case the first does not come back for it. */
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(local.woken, 2);
	EXPECT_EQ(remote.woken, 1);
	EXPECT_TRUE(remote.ready & VFS_POLL_LATE);
	EXPECT_FALSE(local.ready & VFS_POLL_LATE);
	EXPECT_FALSE(plain.ready & VFS_POLL_LATE);
	EXPECT_TRUE(local.ready & VFS_POLL_EXCLUSIVE);

	/* All woken already: one of them again, never none. */
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(local.woken + remote.woken, 4);

	/* Both looking again, the local one gone: the other, told to look
	 * late, as this CPU's waiter was woken a moment ago (its thread
	 * accepts and comes back); the same a long while after, at once. */
	vfs_poll_unwatch(f, &local.p);
	local.p.woken = remote.p.woken = false;
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(remote.woken + local.woken, 5);
	EXPECT_TRUE(remote.ready & VFS_POLL_LATE);
	remote.p.woken = false;
	f->caught_up_ns = clock_ns() - 2 * SECOND_NS;
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(remote.woken + local.woken, 6);
	EXPECT_FALSE(remote.ready & VFS_POLL_LATE);
	EXPECT_EQ(plain.woken, 5);

	/* An end, an error or room is for every waiter. */
	vfs_poll_watch(f, &local.p);
	int before = local.woken + remote.woken;

	vfs_file_notify(f, VFS_POLL_IN | VFS_POLL_HUP);
	EXPECT_EQ(local.woken + remote.woken, before + 2);
	EXPECT_EQ(plain.woken, 6);

	vfs_poll_unwatch(f, &local.p);
	vfs_poll_unwatch(f, &remote.p);
	vfs_poll_unwatch(f, &plain.p);
	vfs_file_put(f);
}

/* A file readable when (readable) says so; (looks) counts the looks. */
static unsigned readable;
static int looks;

static unsigned poll_readable(struct vfs_file *f)
{
	(void)f;
	__atomic_fetch_add(&looks, 1, __ATOMIC_ACQ_REL);
	return __atomic_load_n(&readable, __ATOMIC_ACQUIRE);
}

static const struct vfs_file_ops readable_ops = { .poll = poll_readable };

struct late_waiter {
	struct vfs_file *f;
	int got;		/* vfs_poll_wait()'s answer */
	uint64_t waited_ns;	/* in it, by this thread's own clock */
};

static void *wait_exclusive(void *arg)
{
	struct late_waiter *lw = arg;
	struct vfs_file *files[1] = { lw->f };
	unsigned events = EXCLUSIVE_IN, revents = 0;
	uint64_t start = clock_ns();

	lw->got = vfs_poll_wait(files, &events, &revents, 1, 5 * SECOND_NS);
	lw->waited_ns = clock_ns() - start;
	return NULL;
}

/* A thread that takes a connection and serves it before it accepts again
 * (one per CPU) must not leave a second connection, which came while it
 * had been woken for the first, to wait for that: the waiter on the other
 * CPU, told to look later, takes it, but only later. */
TEST(vfs_poll, what_a_woken_poller_leaves_goes_to_a_waiter_elsewhere)
{
	if (cpu_count() < 2)
		return;
	struct vfs_file *f = vfs_file_new(&readable_ops, NULL, O_RDWR);
	/* Woken just now and never looking again: a thread busy serving. */
	struct counted busy = { .p = { .events = EXCLUSIVE_IN,
				       .cpu = this_cpu_id(), .woken = true,
				       .wake = count_wake } };
	struct late_waiter lw = { .f = f, .got = -1 };

	ASSERT_NOT_NULL(f);
	readable = 0;
	looks = 0;
	vfs_poll_watch(f, &busy.p);
	struct thread *t = thread_create((cpu_id() + 1) % cpu_count(), 0,
					 wait_exclusive, &lw);

	ASSERT_NOT_NULL(t);
	/* Its second look, once its poller is on the file's list, found
	 * nothing: from then on only a wake makes it look again. */
	while (__atomic_load_n(&looks, __ATOMIC_ACQUIRE) < 2)
		thread_yield();
	__atomic_store_n(&readable, VFS_POLL_IN, __ATOMIC_RELEASE);
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(busy.woken, 1);
	EXPECT_EQ(thread_join(t, NULL), 0);
	EXPECT_EQ(lw.got, 1);	/* ready: not its 5 s time-out */
	/* Not at once either: the woken one had 20 ms (LATE_NS in
	 * fs/vfs_poll.c) to take it first. */
	EXPECT_GE(lw.waited_ns, LATE_NS);
	vfs_poll_unwatch(f, &busy.p);
	vfs_file_put(f);
}

/* No waiter of the notifying CPU is there, but that CPU caught up
 * lately (its accept() found nothing left): it accepts in a loop and
 * comes back for this, so the waiter elsewhere is only told to look
 * later, and once told, not woken again by the next. Caught up long ago,
 * or lately but by another CPU: the waiter elsewhere takes it at once.
 * (Stamps a second ahead count as lately however long the host stops
 * this vCPU.) */
TEST(vfs_poll, a_cpu_accepting_in_a_loop_keeps_what_comes_to_it)
{
	struct vfs_file *f = vfs_file_new(&no_ops, NULL, O_RDWR);
	unsigned here = this_cpu_id();
	struct counted remote = { .p = { .events = EXCLUSIVE_IN,
					 .cpu = here + 1,
					 .wake = count_wake } };

	ASSERT_NOT_NULL(f);
	vfs_poll_watch(f, &remote.p);
	f->caught_up_cpu = here;
	f->caught_up_ns = clock_ns() + SECOND_NS;
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(remote.woken, 1);
	EXPECT_TRUE(remote.ready & VFS_POLL_LATE);
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(remote.woken, 1);

	remote.p.woken = false;
	f->caught_up_ns = clock_ns() - 2 * SECOND_NS;
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(remote.woken, 2);
	EXPECT_FALSE(remote.ready & VFS_POLL_LATE);
	EXPECT_TRUE(remote.ready & VFS_POLL_EXCLUSIVE);

	remote.p.woken = false;
	f->caught_up_cpu = here + 1;
	f->caught_up_ns = clock_ns() + SECOND_NS;
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(remote.woken, 3);
	EXPECT_FALSE(remote.ready & VFS_POLL_LATE);

	vfs_poll_unwatch(f, &remote.p);
	vfs_file_put(f);
}

/* Told to look later, a waiter elsewhere finds the connection still there
 * but the CPU it came to caught up meanwhile: that CPU keeps up, so it
 * leaves it there and looks again later, until that CPU stops catching
 * up (here: its last stamped 50 ms ahead, so that however long the host
 * stops this vCPU, it counts as going on until then). */
TEST(vfs_poll, a_late_waiter_leaves_connections_to_a_cpu_that_keeps_up)
{
	if (cpu_count() < 2)
		return;
	struct vfs_file *f = vfs_file_new(&readable_ops, NULL, O_RDWR);
	struct late_waiter lw = { .f = f, .got = -1 };
	uint64_t taking_until;

	ASSERT_NOT_NULL(f);
	readable = 0;
	looks = 0;
	struct thread *t = thread_create((cpu_id() + 1) % cpu_count(), 0,
					 wait_exclusive, &lw);

	ASSERT_NOT_NULL(t);
	while (__atomic_load_n(&looks, __ATOMIC_ACQUIRE) < 2)
		thread_yield();
	taking_until = clock_ns() + 50 * 1000 * 1000;
	f->caught_up_cpu = this_cpu_id();
	__atomic_store_n(&f->caught_up_ns, taking_until, __ATOMIC_RELEASE);
	__atomic_store_n(&readable, VFS_POLL_IN, __ATOMIC_RELEASE);
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(thread_join(t, NULL), 0);
	EXPECT_EQ(lw.got, 1);	/* ready: not its 5 s time-out */
	/* Not before that CPU stopped catching up: at a look after. */
	EXPECT_GE(clock_ns(), taking_until + LATE_NS);
	EXPECT_GE(lw.waited_ns, 50 * 1000 * 1000);
	vfs_file_put(f);
}

/* The order threads of this CPU ran in, from the notification on. */
static int ran;

struct ordered_waiter {
	struct vfs_file *f;
	int order;
};

static void *wait_then_count(void *arg)
{
	struct ordered_waiter *ow = arg;
	struct vfs_file *files[1] = { ow->f };
	unsigned events = EXCLUSIVE_IN, revents = 0;

	if (vfs_poll_wait(files, &events, &revents, 1, 5 * SECOND_NS) == 1)
		ow->order = __atomic_add_fetch(&ran, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void *count(void *arg)
{
	*(int *)arg = __atomic_add_fetch(&ran, 1, __ATOMIC_RELAXED);
	return NULL;
}

/* The waiter a connection wakes runs before the threads already ready on
 * its CPU: behind a CPU's worth of busy ones it would come too late, and
 * a waiter elsewhere would take the connection. */
TEST(vfs_poll, the_waiter_woken_runs_before_those_ready)
{
	struct vfs_file *f = vfs_file_new(&readable_ops, NULL, O_RDWR);
	struct ordered_waiter ow = { .f = f };
	int order[3];
	struct thread *t[4];
	unsigned here = cpu_id();

	ASSERT_NOT_NULL(f);
	readable = 0;
	looks = 0;
	t[0] = thread_create(here, 0, wait_then_count, &ow);
	ASSERT_NOT_NULL(t[0]);
	while (__atomic_load_n(&looks, __ATOMIC_ACQUIRE) < 2)
		thread_yield();
	ran = 0;
	for (int i = 0; i < 3; i++) {
		t[i + 1] = thread_create(here, 0, count, &order[i]);
		ASSERT_NOT_NULL(t[i + 1]);
	}
	__atomic_store_n(&readable, VFS_POLL_IN, __ATOMIC_RELEASE);
	vfs_file_notify(f, VFS_POLL_IN);
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(thread_join(t[i], NULL), 0);
	EXPECT_EQ(ow.order, 1);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(order[i], i + 2);
	vfs_file_put(f);
}
