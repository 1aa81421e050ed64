// SPDX-License-Identifier: MIT
/*
 * lio_listio(), in place of musl's. musl waits for a list by calling
 * aio_suspend() on the whole list until none is unfinished; aio_suspend()
 * returns at once while any entry has finished, so as soon as one entry
 * behind an unfinished one is done the wait is a busy loop without a
 * system call, which only preemption ends. Threads here are cooperative
 * and musl's aio threads may share the waiter's CPU: the waiter then spun
 * for good (tests/libc files.aio hung about one run in twenty). Waiting
 * for each unfinished request on its own blocks instead.
 */
#define _GNU_SOURCE	/* syscall() */
#include <aio.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct lio_list {
	struct sigevent *sev;
	int n;
	struct aiocb *cbs[];
};

/* Waits until every request of (cbs) has ended: 0, or -1 with errno (EIO:
 * one of them failed; EINTR: a signal came). */
static int wait_all(struct aiocb *const *cbs, int n)
{
	int failed = 0;

	for (int i = 0; i < n; i++) {
		const struct aiocb *one[1] = { cbs[i] };
		int err;

		if (!cbs[i])
			continue;
		while ((err = aio_error(cbs[i])) == EINPROGRESS)
			if (aio_suspend(one, 1, NULL))
				return -1;
		if (err)
			failed = 1;
	}
	if (failed) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static void *notify_when_done(void *arg)
{
	struct lio_list *l = arg;
	struct sigevent *sev = l->sev;

	wait_all(l->cbs, l->n);
	free(l);
	if (sev->sigev_notify == SIGEV_SIGNAL) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		si.si_signo = sev->sigev_signo;
		si.si_code = SI_ASYNCIO;
		si.si_value = sev->sigev_value;
		si.si_pid = getpid();
		si.si_uid = getuid();
		syscall(SYS_rt_sigqueueinfo, si.si_pid, si.si_signo, &si);
	} else if (sev->sigev_notify == SIGEV_THREAD) {
		sev->sigev_notify_function(sev->sigev_value);
	}
	return NULL;
}

/* The list's end is told by a thread of its own, created with every
 * signal blocked (it inherits the mask). */
static int notify_later(struct lio_list *l)
{
	struct sigevent *sev = l->sev;
	pthread_attr_t a;
	sigset_t all, old;
	pthread_t t;
	int rc;

	if (sev->sigev_notify == SIGEV_THREAD && sev->sigev_notify_attributes)
		a = *sev->sigev_notify_attributes;
	else
		pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&t, &a, notify_when_done, l);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int lio_listio(int mode, struct aiocb *restrict const *restrict cbs, int n,
	       struct sigevent *restrict sev)
{
	bool notify = sev && sev->sigev_notify != SIGEV_NONE;
	struct lio_list *l = NULL;

	if (n < 0 || (mode != LIO_WAIT && mode != LIO_NOWAIT)) {
		errno = EINVAL;
		return -1;
	}
	if (mode == LIO_NOWAIT && notify) {
		l = malloc(sizeof(*l) + (size_t)n * sizeof(*cbs));
		if (!l) {
			errno = EAGAIN;
			return -1;
		}
		l->sev = sev;
		l->n = n;
		memcpy(l->cbs, (void *)cbs, (size_t)n * sizeof(*cbs));
	}
	for (int i = 0; i < n; i++) {
		int rc;

		if (!cbs[i])
			continue;
		if (cbs[i]->aio_lio_opcode == LIO_READ)
			rc = aio_read(cbs[i]);
		else if (cbs[i]->aio_lio_opcode == LIO_WRITE)
			rc = aio_write(cbs[i]);
		else
			continue;	/* LIO_NOP */
		if (rc) {
			free(l);
			errno = EAGAIN;
			return -1;
		}
	}
	if (mode == LIO_WAIT)
		return wait_all((struct aiocb *const *)cbs, n);
	if (l && notify_later(l)) {
		free(l);
		errno = EAGAIN;
		return -1;
	}
	return 0;
}
