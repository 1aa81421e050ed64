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

	/* A second connection before the first woken looked again, while
	 * its CPU will soon run it: the same waiter takes both, and the
	 * other is told to look later, in case the first does not come
	 * back for it. (The wake is stamped as a second from now, so that
	 * however long the host stops this vCPU here, it is fresh.) */
	local.p.woken_ns = clock_ns() + SECOND_NS;
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(local.woken, 2);
	EXPECT_EQ(remote.woken, 1);
	EXPECT_TRUE(remote.ready & VFS_POLL_LATE);
	EXPECT_FALSE(local.ready & VFS_POLL_LATE);
	EXPECT_FALSE(plain.ready & VFS_POLL_LATE);

	/* Woken long ago and still not looking (its CPU is busy with other
	 * threads): the waiter elsewhere, looking again, takes the next
	 * one at once. */
	remote.p.woken = false;
	local.p.woken_ns = clock_ns() - 2 * SECOND_NS;
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(local.woken, 2);
	EXPECT_EQ(remote.woken, 2);
	EXPECT_FALSE(remote.ready & VFS_POLL_LATE);

	/* All woken already: one of them again, never none. */
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(local.woken + remote.woken, 5);

	/* Both looking again, the local one gone: the other. */
	vfs_poll_unwatch(f, &local.p);
	local.p.woken = remote.p.woken = false;
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(remote.woken + local.woken, 6);
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
				       .woken_ns = clock_ns() + SECOND_NS,
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
	/* Not at once either: the woken one had 1 ms (LOCAL_WOKEN_NS in
	 * fs/vfs_poll.c) to take it first. */
	EXPECT_GE(lw.waited_ns, 1000 * 1000);
	vfs_poll_unwatch(f, &busy.p);
	vfs_file_put(f);
}
