// SPDX-License-Identifier: MIT
/* <semaphore.h>: unnamed semaphores (counting, try and timed waits,
 * ping-pong between threads, the value's limit) and a named one (a shared
 * mapping of a file in /dev/shm; files/shm.c has more). */
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

#include "check.h"

static sem_t ping, pong;
static int volleys;

static void *player(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		sem_wait(&ping);
		volleys++;
		sem_post(&pong);
	}
	return NULL;
}

int test_sem(void)
{
	sem_t s;
	int v;

	CHECK(sem_init(&s, 0, 3) == 0);
	CHECK(sem_getvalue(&s, &v) == 0 && v == 3);
	for (int i = 0; i < 3; i++)
		CHECK(sem_trywait(&s) == 0);
	CHECK_ERR(sem_trywait(&s), EAGAIN);
	struct timespec past = {0, 0};
	CHECK_ERR(sem_timedwait(&s, &past), ETIMEDOUT);
	struct timespec soon;
	clock_gettime(CLOCK_REALTIME, &soon);
	soon.tv_sec += 1;
	soon.tv_nsec = 0;
	CHECK_ERR(sem_timedwait(&s, &soon), ETIMEDOUT);
	struct timespec bad = {0, -5};
	CHECK_ERR(sem_timedwait(&s, &bad), EINVAL);
	CHECK(sem_post(&s) == 0);
	CHECK(sem_timedwait(&s, &past) == 0);
	CHECK(sem_destroy(&s) == 0);
	CHECK(sem_init(&s, 0, SEM_VALUE_MAX) == 0);
	CHECK_ERR(sem_post(&s), EOVERFLOW);
	CHECK_ERR(sem_init(&s, 0, (unsigned)SEM_VALUE_MAX + 1), EINVAL);
	sem_init(&ping, 0, 0);
	sem_init(&pong, 0, 0);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, player, NULL) == 0);
	for (int i = 0; i < 1000; i++) {
		sem_post(&ping);
		sem_wait(&pong);
	}
	pthread_join(t, NULL);
	printf("volleys %d SEM_VALUE_MAX %d\n", volleys, SEM_VALUE_MAX);
	sem_unlink("libc-test");
	sem_t *n = sem_open("libc-test", O_CREAT | O_EXCL, 0600, 1);
	CHECK(n != SEM_FAILED);
	CHECK(sem_wait(n) == 0 && sem_post(n) == 0);
	sem_close(n);
	CHECK(sem_unlink("libc-test") == 0);
	return 0;
}
