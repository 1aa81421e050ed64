// SPDX-License-Identifier: MIT
/* POSIX message queues between threads: attributes; messages by priority,
 * oldest first within one; a full queue (EAGAIN, ETIMEDOUT) and an empty
 * one (a blocked receive woken by another thread's send); the sizes and
 * rights checked (EMSGSIZE, EBADF, EINVAL); poll(); notification by
 * signal (SI_MESGQ, its value; once, then free to register again; EBUSY
 * while taken) and by thread; mq_setattr's O_NONBLOCK; names (EEXIST,
 * ENOENT, EACCES, ENAMETOOLONG) and a queue that outlives its name. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static char name[64];

static void say(const char *what, long rc)
{
	printf("%s: %ld %s\n", what, rc, rc < 0 ? strerror(errno) : "");
}

static struct timespec in_ms(long ms)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec += ms * 1000000;
	t.tv_sec += t.tv_nsec / 1000000000;
	t.tv_nsec %= 1000000000;
	return t;
}

static mqd_t late_q;

static void *late_sender(void *arg)
{
	(void)arg;
	usleep(20000);
	CHECK_OK(mq_send(late_q, "late", 4, 7));
	return NULL;
}

static sem_t notified;
static int notified_value;

static void on_message(union sigval v)
{
	notified_value = v.sival_int;
	sem_post(&notified);
}

static void receive_all(mqd_t q)
{
	char buf[64];
	unsigned prio;
	ssize_t n;

	while ((n = mq_receive(q, buf, sizeof(buf), &prio)) >= 0)
		printf("  %.*s (priority %u)\n", (int)n, buf, prio);
	say("  then", (long)n);
}

int test_mqueue(void)
{
	struct mq_attr a = { .mq_maxmsg = 4, .mq_msgsize = 64 }, got;
	char buf[64];
	long rc;

	snprintf(name, sizeof(name), "/toro-libc-mq-%d", getpid());
	mq_unlink(name);
	mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &a);

	CHECK(q != (mqd_t)-1);
	CHECK_OK(mq_getattr(q, &got));
	printf("attr: flags %ld maxmsg %ld msgsize %ld curmsgs %ld\n",
	       got.mq_flags, got.mq_maxmsg, got.mq_msgsize, got.mq_curmsgs);

	/* Priorities. */
	CHECK_OK(mq_send(q, "a", 1, 1));
	CHECK_OK(mq_send(q, "b", 1, 5));
	CHECK_OK(mq_send(q, "c", 1, 1));
	CHECK_OK(mq_send(q, "d", 1, 5));
	CHECK_OK(mq_getattr(q, &got));
	printf("queued: %ld\n", got.mq_curmsgs);
	struct pollfd p = { .fd = q, .events = POLLIN | POLLOUT };

	int ready = poll(&p, 1, 0);

	printf("poll, full: %d in %d out %d\n", ready,
	       !!(p.revents & POLLIN), !!(p.revents & POLLOUT));

	/* Full. */
	mqd_t w = mq_open(name, O_WRONLY | O_NONBLOCK);

	CHECK(w != (mqd_t)-1);
	rc = mq_send(w, "e", 1, 0);
	say("full, non-blocking", rc);
	struct timespec t = in_ms(50);

	rc = mq_timedsend(q, "e", 1, 0, &t);
	say("full, timed", rc);
	rc = mq_send(w, "e", 1, MQ_PRIO_MAX);
	say("priority too high", rc);
	CHECK(mq_setattr(q, &(struct mq_attr){ .mq_flags = O_NONBLOCK },
			 NULL) == 0);
	CHECK_OK(mq_getattr(q, &got));
	printf("non-blocking now: %d\n", got.mq_flags == O_NONBLOCK);
	printf("by priority:\n");
	receive_all(q);
	ready = poll(&p, 1, 0);
	printf("poll, empty: %d in %d out %d\n", ready,
	       !!(p.revents & POLLIN), !!(p.revents & POLLOUT));
	CHECK_OK(mq_setattr(q, &(struct mq_attr){ .mq_flags = 0 }, NULL));

	/* Sizes and rights. */
	memset(buf, 'x', sizeof(buf));
	rc = mq_send(q, buf, 65, 0);
	say("65 bytes", rc);
	rc = mq_receive(q, buf, 63, NULL);
	say("a 63-byte buffer", rc);
	rc = mq_receive(w, buf, sizeof(buf), NULL);
	say("receive on a write-only queue", rc);
	mqd_t r = mq_open(name, O_RDONLY);

	CHECK(r != (mqd_t)-1);
	rc = mq_send(r, "x", 1, 0);
	say("send on a read-only queue", rc);
	rc = mq_send(0, "x", 1, 0);
	say("send on stdin", rc);
	t = in_ms(30);
	rc = mq_timedreceive(r, buf, sizeof(buf), NULL, &t);
	say("empty, timed", rc);

	/* A blocked receive, woken by another thread. */
	pthread_t th;
	unsigned prio = 0;

	late_q = w;
	CHECK(pthread_create(&th, NULL, late_sender, NULL) == 0);
	rc = mq_receive(r, buf, sizeof(buf), &prio);
	printf("woken: %ld %.4s priority %u\n", rc, buf, prio);
	pthread_join(th, NULL);

	/* Notification by signal. */
	sigset_t set;
	siginfo_t si;
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL,
			       .sigev_signo = SIGUSR1,
			       .sigev_value.sival_int = 42 };

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	CHECK_OK(mq_notify(q, &ev));
	rc = mq_notify(r, &ev);
	say("a second registration", rc);
	CHECK_OK(mq_send(w, "n", 1, 0));
	struct timespec two = { 2, 0 };
	int sig = sigtimedwait(&set, &si, &two);

	printf("signal %d SI_MESGQ %d value %d\n", sig == SIGUSR1,
	       si.si_code == SI_MESGQ, si.si_value.sival_int);
	CHECK_OK(mq_notify(q, &ev));	/* it went: free again */
	CHECK_OK(mq_notify(q, NULL));
	CHECK_OK(sigprocmask(SIG_UNBLOCK, &set, NULL));
	CHECK(mq_receive(r, buf, sizeof(buf), NULL) == 1);

	/* Notification by thread. */
	CHECK_OK(sem_init(&notified, 0, 0));
	ev = (struct sigevent){ .sigev_notify = SIGEV_THREAD,
				.sigev_notify_function = on_message,
				.sigev_value.sival_int = 7 };
	CHECK_OK(mq_notify(q, &ev));
	CHECK_OK(mq_send(w, "t", 1, 0));
	two = in_ms(2000);
	rc = sem_timedwait(&notified, &two);
	printf("thread notified: %ld value %d\n", rc, notified_value);
	CHECK(mq_receive(r, buf, sizeof(buf), NULL) == 1);
	CHECK(read(q, buf, 6) == 6);
	printf("read: %.6s\n", buf);

	/* Names. */
	rc = (long)mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &a);
	say("O_EXCL", rc);
	CHECK_OK(mq_unlink(name));
	rc = mq_unlink(name);
	say("unlinked again", rc);
	rc = (long)mq_open(name, O_RDWR);
	say("open unlinked", rc);
	CHECK_OK(mq_send(w, "still", 5, 0));
	rc = mq_receive(r, buf, sizeof(buf), NULL);
	printf("an unlinked queue still works: %ld %.5s\n", rc, buf);
	rc = (long)mq_open("/a/b", O_CREAT | O_RDWR, 0600, NULL);
	say("a name with a slash", rc);
	rc = (long)mq_open("/", O_CREAT | O_RDWR, 0600, NULL);
	say("an empty name", rc);
	char longname[300] = "/";

	memset(longname + 1, 'n', 290);
	rc = (long)mq_open(longname, O_CREAT | O_RDWR, 0600, NULL);
	say("a long name", rc);
	a.mq_maxmsg = 0;
	rc = (long)mq_open(name, O_CREAT | O_RDWR, 0600, &a);
	say("maxmsg 0", rc);
	CHECK_OK(mq_close(q));
	CHECK_OK(mq_close(w));
	CHECK_OK(mq_close(r));
	return 0;
}
