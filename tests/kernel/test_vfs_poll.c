// SPDX-License-Identifier: MIT
/* Notifying a file's pollers: who is woken, exclusive waiters (accept()'s)
 * included. */
#include <fcntl.h>

#include <kernel/percpu.h>
#include <kernel/vfs.h>
#include <toro/test.h>
#include <toro/time.h>

/* A file of no kind: notifications need no ops. */
static const struct vfs_file_ops no_ops;

struct counted {
	struct vfs_poller p;	/* first: the wake gets this */
	int woken;
};

static void count_wake(struct vfs_poller *p, unsigned ready)
{
	(void)ready;
	((struct counted *)p)->woken++;
}

#define EXCLUSIVE_IN	(VFS_POLL_IN | VFS_POLL_EXCLUSIVE)

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
	 * its CPU will soon run it: the same waiter takes both. (Its wake
	 * is stamped as a second from now, so that however long the host
	 * stops this vCPU between these lines, it is fresh.) */
	local.p.woken_ns = clock_ns() + 1000000000ULL;
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(local.woken, 2);
	EXPECT_EQ(remote.woken, 0);

	/* Woken long ago and still not looking (its CPU is busy with other
	 * threads): the waiter elsewhere takes the next one. */
	local.p.woken_ns = clock_ns() - 2000000000ULL;
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(local.woken, 2);
	EXPECT_EQ(remote.woken, 1);

	/* All woken already: one of them again, never none. */
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(local.woken + remote.woken, 4);

	/* Both looking again, the local one gone: the other. */
	vfs_poll_unwatch(f, &local.p);
	local.p.woken = remote.p.woken = false;
	vfs_file_notify(f, VFS_POLL_IN);
	EXPECT_EQ(remote.woken + local.woken, 5);
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
