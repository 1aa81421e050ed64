// SPDX-License-Identifier: MIT
/*
 * pthread_setname_np() and pthread_getname_np() (replace musl's, which
 * they follow: prctl() for the caller, /proc/self/task/TID/comm for any
 * other thread). Musl's would find no /proc in a program that opens no
 * file by name; these name procfs_mount (fs/procfs.c), which links /proc
 * into the image and mounts it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "pthread_impl.h"

#define NAME_MAX_LEN	15	/* Linux's TASK_COMM_LEN, less the NUL */

int procfs_mount(const char *path);
static int (*const wants_proc)(const char *)
	__attribute__((used)) = procfs_mount;

/* Opens (thread)'s comm with (flags), cancellation held off. */
static int open_comm(pthread_t thread, int flags, int *cs)
{
	char path[sizeof("/proc/self/task//comm") + 3 * sizeof(int)];

	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", thread->tid);
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, cs);
	return open(path, flags | O_CLOEXEC);
}

int pthread_setname_np(pthread_t thread, const char *name)
{
	size_t len = strnlen(name, NAME_MAX_LEN + 1);
	int fd, cs, rc = 0;

	if (len > NAME_MAX_LEN)
		return ERANGE;
	if (thread == pthread_self())
		return prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL) ?
			       errno : 0;
	fd = open_comm(thread, O_WRONLY, &cs);
	if (fd < 0 || write(fd, name, len) < 0)
		rc = errno;
	if (fd >= 0)
		close(fd);
	pthread_setcancelstate(cs, NULL);
	return rc;
}

int pthread_getname_np(pthread_t thread, char *name, size_t len)
{
	ssize_t got;
	int fd, cs, rc = 0;

	if (len < NAME_MAX_LEN + 1)
		return ERANGE;
	if (thread == pthread_self())
		return prctl(PR_GET_NAME, (unsigned long)name, 0UL, 0UL, 0UL) ?
			       errno : 0;
	fd = open_comm(thread, O_RDONLY, &cs);
	if (fd < 0 || (got = read(fd, name, len)) < 0)
		rc = errno;
	else	/* the text ends with a newline, which goes */
		name[got > 0 ? got - 1 : 0] = '\0';
	if (fd >= 0)
		close(fd);
	pthread_setcancelstate(cs, NULL);
	return rc;
}
