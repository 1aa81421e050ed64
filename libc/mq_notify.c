// SPDX-License-Identifier: MIT
/*
 * mq_notify() (replaces musl's, whose SIGEV_THREAD waits on a netlink
 * socket, which Toro has not). For SIGEV_THREAD a helper thread waits on
 * a pipe instead, whose write end the kernel keeps with the registration
 * (sys/mqueue.c): it writes 32 bytes there when the notification goes
 * (the last one 1) or when the registration is removed without one (2),
 * as Linux writes to the socket. The helper calls the function, with
 * the sigevent's value, in the first case, and ends either way. Any
 * other kind goes to the kernel as it is.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "syscall.h"

#define NOTIFY_MESSAGE	32
#define NOTIFY_WOKEN	1

struct helper {
	int fd;				/* the pipe's read end */
	void (*fn)(union sigval);
	union sigval value;
};

static void *wait_for_notification(void *arg)
{
	struct helper h = *(struct helper *)arg;
	char msg[NOTIFY_MESSAGE];
	size_t got = 0;
	ssize_t n;

	free(arg);
	while (got < sizeof(msg) &&
	       (n = read(h.fd, msg + got, sizeof(msg) - got)) > 0)
		got += (size_t)n;
	close(h.fd);
	if (got == sizeof(msg) && msg[sizeof(msg) - 1] == NOTIFY_WOKEN)
		h.fn(h.value);
	return NULL;
}

int mq_notify(mqd_t mqd, const struct sigevent *sev)
{
	static const char cookie[NOTIFY_MESSAGE];
	struct {
		union sigval value;
		int signo, notify, tid;
	} ksev;
	struct helper *h;
	pthread_attr_t attr;
	pthread_t t;
	int p[2], rc;

	if (!sev || sev->sigev_notify != SIGEV_THREAD)
		return syscall(SYS_mq_notify, mqd, sev);
	h = malloc(sizeof(*h));
	if (!h)
		return -1;
	if (pipe2(p, O_CLOEXEC)) {
		free(h);
		return -1;
	}
	*h = (struct helper){ p[0], sev->sigev_notify_function,
			      sev->sigev_value };
	if (sev->sigev_notify_attributes)
		attr = *sev->sigev_notify_attributes;
	else
		pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &attr, wait_for_notification, h);
	if (rc) {
		close(p[0]);
		close(p[1]);
		free(h);
		errno = EAGAIN;
		return -1;
	}
	ksev.value.sival_ptr = (void *)cookie;
	ksev.signo = p[1];
	ksev.notify = SIGEV_THREAD;
	ksev.tid = 0;
	rc = syscall(SYS_mq_notify, mqd, &ksev);
	/* The kernel holds its own reference on success; on failure the
	 * helper reads end-of-file and ends. */
	close(p[1]);
	return rc;
}
