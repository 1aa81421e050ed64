// SPDX-License-Identifier: MIT
/* Record locks (fcntl F_SETLK/F_SETLKW/F_GETLK) and flock() with POSIX's
 * one-process semantics: a process never conflicts with its own locks,
 * F_GETLK reports F_UNLCK, and locks go when any descriptor of the file
 * is closed. lockf() on top. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "check.h"

int test_locks(void)
{
	int fd = open("lk", O_CREAT | O_RDWR, 0644);

	CHECK(fd >= 0);
	CHECK(write(fd, "0123456789", 10) == 10);
	struct flock l = {.l_type = F_WRLCK,
			  .l_whence = SEEK_SET,
			  .l_start = 0,
			  .l_len = 5};
	CHECK_OK(fcntl(fd, F_SETLK, &l));
	l.l_type = F_RDLCK;
	l.l_start = 2;
	CHECK_OK(fcntl(fd, F_SETLK, &l));
	struct flock q = {.l_type = F_WRLCK,
			  .l_whence = SEEK_SET,
			  .l_start = 0,
			  .l_len = 0};
	CHECK_OK(fcntl(fd, F_GETLK, &q));
	printf("F_GETLK over own locks: %s\n",
	       q.l_type == F_UNLCK ? "F_UNLCK" : "conflict");
	CHECK_OK(fcntl(fd, F_SETLKW, &l));
	l.l_type = F_UNLCK;
	l.l_start = 0;
	l.l_len = 0;
	CHECK_OK(fcntl(fd, F_SETLK, &l));
	l.l_type = 99;
	CHECK_ERR(fcntl(fd, F_SETLK, &l), EINVAL);
	int ro = open("lk", O_RDONLY);
	l.l_type = F_WRLCK;
	CHECK_ERR(fcntl(ro, F_SETLK, &l), EBADF);
	close(ro);
	CHECK_OK(flock(fd, LOCK_EX));
	CHECK_OK(flock(fd, LOCK_SH | LOCK_NB));
	CHECK_OK(flock(fd, LOCK_UN));
	CHECK_OK(lockf(fd, F_LOCK, 4));
	CHECK_OK(lockf(fd, F_TEST, 4));
	CHECK_OK(lockf(fd, F_ULOCK, 4));
	CHECK_ERR(fcntl(-1, F_GETLK, &q), EBADF);
	close(fd);
	printf("locks ok\n");
	return 0;
}
