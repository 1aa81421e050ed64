// SPDX-License-Identifier: MIT
/* Thread names: pthread_setname_np() and pthread_getname_np() on the
 * caller and on another thread (which goes through
 * /proc/self/task/TID/comm), ERANGE for a name of 16 bytes or a buffer
 * of 15; /proc/self/task lists both threads, each with its comm and a
 * stat that starts with its id. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static sem_t started, done;
static pid_t worker_tid;

static void *worker(void *arg)
{
	(void)arg;
	worker_tid = gettid();
	sem_post(&started);
	while (sem_wait(&done))
		;
	return NULL;
}

static int listed(const char *dir, pid_t tid)
{
	char name[16];
	struct dirent *e;
	DIR *d = opendir(dir);
	int found = 0;

	if (!d)
		return -1;
	snprintf(name, sizeof(name), "%d", (int)tid);
	while ((e = readdir(d)))
		found |= strcmp(e->d_name, name) == 0;
	closedir(d);
	return found;
}

static void read_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, (int)size, f))
			buf[0] = '\0';
		fclose(f);
	}
}

int test_names(void)
{
	char buf[64], path[64], mine[16];
	pthread_t t;

	CHECK(pthread_getname_np(pthread_self(), mine, sizeof(mine)) == 0);

	CHECK_OK(sem_init(&started, 0, 0));
	CHECK_OK(sem_init(&done, 0, 0));
	CHECK(pthread_create(&t, NULL, worker, NULL) == 0);
	while (sem_wait(&started))
		;
	printf("name another: %d\n", pthread_setname_np(t, "worker-1"));
	printf("read it back: %d ", pthread_getname_np(t, buf, 16));
	printf("%s\n", buf);
	printf("name self: %d\n", pthread_setname_np(pthread_self(), "main-7"));
	CHECK(pthread_getname_np(pthread_self(), buf, sizeof(buf)) == 0);
	printf("self: %s\n", buf);
	printf("16 bytes: %s\n",
	       strerror(pthread_setname_np(t, "0123456789abcdef")));
	printf("a 15-byte buffer: %s\n",
	       strerror(pthread_getname_np(t, buf, 15)));

	printf("task lists the worker %d and this thread %d\n",
	       listed("/proc/self/task", worker_tid),
	       listed("/proc/self/task", gettid()));
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", (int)worker_tid);
	read_file(path, buf, sizeof(buf));
	printf("its comm: %s", buf);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)worker_tid);
	read_file(path, buf, sizeof(buf));
	printf("its stat starts with its id: %d\n", atoi(buf) == worker_tid);
	sem_post(&done);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(pthread_setname_np(pthread_self(), mine) == 0);
	return 0;
}
