// SPDX-License-Identifier: MIT
/* Locks over a tmpfs: flock() between open files (they conflict, even in
 * one process, as on Linux), a blocked LOCK_EX woken by the holder's
 * close, and fcntl() record locks (one process: never in conflict with
 * itself, but its arguments are checked). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <toro/fs.h>
#include <toro/test.h>

#include "files.h"

static const char *lock_file(void)
{
	static int mounted;

	if (!mounted) {
		mkdir("/locks", 0755);	/* fails on the read-only initrd */
		EXPECT_EQ(tmpfs_mount("/locks"), 0);
		mounted = 1;
	}
	int fd = open("/locks/f", O_RDWR | O_CREAT, 0644);

	EXPECT_GE(fd, 0);
	close(fd);
	return "/locks/f";
}

TEST(flock, open_files_conflict)
{
	const char *path = lock_file();
	int a = open(path, O_RDONLY), b = open(path, O_RDONLY);

	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	EXPECT_EQ(flock(a, LOCK_SH), 0);
	EXPECT_EQ(flock(b, LOCK_SH | LOCK_NB), 0);	/* sharers coexist */
	EXPECT_FAILS(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	EXPECT_EQ(flock(a, LOCK_UN), 0);
	EXPECT_EQ(flock(b, LOCK_EX | LOCK_NB), 0);
	EXPECT_FAILS(flock(a, LOCK_SH | LOCK_NB), EWOULDBLOCK);

	/* A dup shares the open file, and so its lock. */
	int c = dup(b);

	EXPECT_EQ(flock(c, LOCK_EX | LOCK_NB), 0);
	close(b);
	EXPECT_FAILS(flock(a, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	close(c);				/* the last descriptor */
	EXPECT_EQ(flock(a, LOCK_EX | LOCK_NB), 0);
	close(a);
}

TEST(flock, bad_arguments)
{
	int fd = open(lock_file(), O_RDONLY);

	EXPECT_FAILS(flock(fd, 0), EINVAL);
	EXPECT_FAILS(flock(fd, LOCK_SH | LOCK_EX), EINVAL);
	EXPECT_FAILS(flock(fd, 99), EINVAL);
	EXPECT_FAILS(flock(-1, LOCK_SH), EBADF);
	EXPECT_EQ(flock(fd, LOCK_UN), 0);	/* nothing held: fine */
	close(fd);
}

struct holder {
	int fd;
	volatile int closed;
};

static void *release_later(void *arg)
{
	struct holder *h = arg;
	struct timespec ts = { 0, 50000000 };

	nanosleep(&ts, NULL);
	h->closed = 1;
	close(h->fd);
	return NULL;
}

TEST(flock, blocked_until_released)
{
	const char *path = lock_file();
	struct holder h = { open(path, O_RDWR), 0 };
	int fd = open(path, O_RDWR);
	pthread_t t;

	ASSERT_EQ(flock(h.fd, LOCK_EX), 0);
	ASSERT_EQ(pthread_create(&t, NULL, release_later, &h), 0);
	EXPECT_EQ(flock(fd, LOCK_EX), 0);	/* waits for the close */
	EXPECT_TRUE(h.closed);
	pthread_join(t, NULL);
	close(fd);
}

TEST(fcntl_lock, one_process_never_conflicts)
{
	int fd = open(lock_file(), O_RDWR), ro = open(lock_file(), O_RDONLY);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			    .l_start = 0, .l_len = 10 };

	EXPECT_EQ(fcntl(fd, F_SETLK, &fl), 0);
	fl.l_type = F_WRLCK;
	EXPECT_EQ(fcntl(ro, F_GETLK, &fl), 0);
	EXPECT_EQ(fl.l_type, F_UNLCK);		/* our own lock */
	fl.l_type = F_WRLCK;
	EXPECT_FAILS(fcntl(ro, F_SETLK, &fl), EBADF);	/* not for writing */
	fl.l_type = 42;
	EXPECT_FAILS(fcntl(fd, F_SETLK, &fl), EINVAL);
	fl.l_type = F_UNLCK;
	EXPECT_FAILS(fcntl(fd, F_GETLK, &fl), EINVAL);
	EXPECT_EQ(fcntl(fd, F_SETLKW, &fl), 0);
	close(fd);
	close(ro);
}

TEST(attributes, chmod_and_times_on_tmpfs)
{
	const char *path = lock_file();
	const struct timespec times[2] = { { 5, 6 }, { 1234567890, 7 } };
	struct stat st;
	int fd = open(path, O_RDONLY);

	EXPECT_EQ(chmod(path, 0600), 0);
	EXPECT_EQ(stat(path, &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0600);
	EXPECT_EQ(fchmod(fd, 0640), 0);
	EXPECT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0640);
	EXPECT_EQ(futimens(fd, times), 0);
	EXPECT_EQ(stat(path, &st), 0);
	EXPECT_EQ(st.st_atim.tv_sec, 5);
	EXPECT_EQ(st.st_atim.tv_nsec, 6);
	EXPECT_EQ(st.st_mtim.tv_sec, 1234567890);
	EXPECT_EQ(st.st_mtim.tv_nsec, 7);
	EXPECT_EQ(fchown(fd, 12, 34), 0);
	EXPECT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_uid, 12);
	EXPECT_EQ(st.st_gid, 34);
	EXPECT_FAILS(chmod("/locks/missing", 0600), ENOENT);
	close(fd);
}
