// SPDX-License-Identifier: MIT
/*
 * shm_open(), shm_unlink() and the name mapping sem_open() shares
 * (replace musl's, which they follow): POSIX shared memory objects are
 * files in /dev/shm. Ours also names vfs_shm_wanted, so that a program
 * using them has a /dev/shm (fs/shm_auto.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kernel/vfs.h>

char *__strchrnul(const char *, int);

static const char *const wants_shm __attribute__((used)) = &vfs_shm_wanted;

char *__shm_mapname(const char *name, char *buf)
{
	const char *p;

	while (*name == '/')
		name++;
	p = __strchrnul(name, '/');
	if (*p || p == name ||
	    (p - name <= 2 && name[0] == '.' && p[-1] == '.')) {
		errno = EINVAL;
		return 0;
	}
	if (p - name > NAME_MAX) {
		errno = ENAMETOOLONG;
		return 0;
	}
	memcpy(buf, "/dev/shm/", 9);
	memcpy(buf + 9, name, p - name + 1);
	return buf;
}

int shm_open(const char *name, int flag, mode_t mode)
{
	char buf[NAME_MAX + 10];
	int cs, fd;

	if (!(name = __shm_mapname(name, buf)))
		return -1;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cs);
	fd = open(name, flag | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, mode);
	pthread_setcancelstate(cs, 0);
	return fd;
}

int shm_unlink(const char *name)
{
	char buf[NAME_MAX + 10];

	if (!(name = __shm_mapname(name, buf)))
		return -1;
	return unlink(name);
}
