// SPDX-License-Identifier: MIT
/*
 * Signals between threads: a signal to a thread blocked in a system call
 * ends the call with EINTR and runs the handler in that thread, or with
 * SA_RESTART resumes the call, except for the calls Linux never restarts;
 * process signals go to a thread that does not block them; sigsuspend,
 * sigtimedwait and sigwait; alarm, setitimer and pause.
 *
 * A signal sent before the target is inside its call would be handled
 * before the call and leave it blocked (on Linux as here), so the sender
 * repeats it until the call returns: the outcome never depends on timing.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

enum call { CALL_READ, CALL_POLL, CALL_SELECT, CALL_EPOLL, CALL_NANOSLEEP };

static struct blocked {
	enum call call;
	int fd, ep, unblock;	/* (unblock): a signal to take */
	int started, done;
	long rc;
	int err;
	char byte;
	struct timespec rem;
} bl;

#define SLEEP_S (LONG_MS / 1000)

static void *blocker(void *arg)
{
	struct blocked *b = arg;
	struct pollfd p = { .fd = b->fd, .events = POLLIN };
	struct timespec ts = { SLEEP_S, 0 };
	struct epoll_event ev;
	fd_set rd;

	if (b->unblock)
		unblock_signal(b->unblock);
	flag_set(&b->started);
	errno = 0;
	switch (b->call) {
	case CALL_READ:
		b->rc = read(b->fd, &b->byte, 1);
		break;
	case CALL_POLL:
		b->rc = poll(&p, 1, -1);
		break;
	case CALL_SELECT:
		FD_ZERO(&rd);
		FD_SET(b->fd, &rd);
		b->rc = select(b->fd + 1, &rd, NULL, NULL, NULL);
		break;
	case CALL_EPOLL:
		b->rc = epoll_wait(b->ep, &ev, 1, -1);
		break;
	case CALL_NANOSLEEP:
		b->rc = nanosleep(&ts, &b->rem);
		break;
	}
	b->err = errno;
	flag_set(&b->done);
	return NULL;
}

/* A thread on the last CPU in (call) on a new pipe's read end. */
static int start_blocked(pthread_t *t, enum call call, int p[2])
{
	struct epoll_event ev = { .events = EPOLLIN };

	memset(&bl, 0, sizeof(bl));
	bl.call = call;
	if (pipe(p))
		return -1;
	bl.fd = p[0];
	bl.ep = epoll_create1(0);
	epoll_ctl(bl.ep, EPOLL_CTL_ADD, p[0], &ev);
	if (start_thread(t, blocker, &bl))
		return -1;
	return wait_flag(&bl.started) ? 0 : -1;
}

/* Sends (sig) to (t) until its call returns: whether it did. */
static bool interrupt(pthread_t t, int sig)
{
	uint64_t end = now_ns() + LONG_MS * MS;

	settle();
	while (!flag_get(&bl.done) && now_ns() < end) {
		pthread_kill(t, sig);
		sleep_ms(20);
	}
	return flag_get(&bl.done);
}

/* Lets a blocker that was not interrupted go, and cleans up. */
static void finish_blocked(pthread_t t, int p[2])
{
	write(p[1], "x", 1);
	pthread_join(t, NULL);
	close(bl.ep);
	close(p[0]);
	close(p[1]);
}

TEST(signal_thread, blocked_read_ends_with_eintr)
{
	pthread_t t;
	int p[2];

	catch_signal(SIGUSR1, 0);
	ASSERT_EQ(start_blocked(&t, CALL_READ, p), 0);
	EXPECT_TRUE(interrupt(t, SIGUSR1));
	EXPECT_EQ(bl.rc, -1);
	EXPECT_EQ(bl.err, EINTR);
	/* Handled in the thread it was sent to. */
	EXPECT_GE(sig_count[SIGUSR1], 1);
	EXPECT_TRUE(pthread_equal(sig_thread[SIGUSR1], t));
	finish_blocked(t, p);
	reset_signal(SIGUSR1);
}

TEST(signal_thread, sa_restart_resumes_the_read)
{
	pthread_t t;
	int p[2];

	catch_signal(SIGUSR1, SA_RESTART);
	ASSERT_EQ(start_blocked(&t, CALL_READ, p), 0);
	settle();
	pthread_kill(t, SIGUSR1);
	for (int i = 0; i < LONG_MS / 10 && !flag_get(&sig_count[SIGUSR1]);
	     i++)
		sleep_ms(10);
	EXPECT_GE(flag_get(&sig_count[SIGUSR1]), 1);
	EXPECT_TRUE(pthread_equal(sig_thread[SIGUSR1], t));
	settle();
	EXPECT_FALSE(flag_get(&bl.done));	/* back in read() */
	EXPECT_EQ(write(p[1], "r", 1), 1);
	EXPECT_TRUE(wait_flag(&bl.done));
	EXPECT_EQ(bl.rc, 1);
	EXPECT_EQ(bl.byte, 'r');
	finish_blocked(t, p);
	reset_signal(SIGUSR1);
}

TEST(signal_thread, waits_linux_never_restarts_end_with_eintr)
{
	static const enum call calls[] = { CALL_POLL, CALL_SELECT, CALL_EPOLL,
					   CALL_NANOSLEEP };
	pthread_t t;
	int p[2];

	catch_signal(SIGUSR1, SA_RESTART);
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		ASSERT_EQ(start_blocked(&t, calls[i], p), 0);
		EXPECT_TRUE(interrupt(t, SIGUSR1));
		EXPECT_EQ(bl.rc, -1);
		EXPECT_EQ(bl.err, EINTR);
		if (calls[i] == CALL_NANOSLEEP) {
			/* What was left of the sleep. */
			EXPECT_TRUE(bl.rem.tv_sec > 0 || bl.rem.tv_nsec > 0);
			EXPECT_LE(bl.rem.tv_sec, SLEEP_S);
		}
		finish_blocked(t, p);
	}
	EXPECT_GE(sig_count[SIGUSR1], 4);
	reset_signal(SIGUSR1);
}

TEST(signal_thread, process_signal_goes_to_a_thread_that_takes_it)
{
	uint64_t end;
	pthread_t t;
	int p[2];

	catch_signal(SIGUSR1, 0);
	block_signal(SIGUSR1);
	/* The thread inherits the blocked mask, and unblocks SIGUSR1. */
	memset(&bl, 0, sizeof(bl));
	ASSERT_EQ(pipe(p), 0);
	bl.call = CALL_READ;
	bl.fd = p[0];
	bl.ep = -1;
	bl.unblock = SIGUSR1;
	ASSERT_EQ(start_thread(&t, blocker, &bl), 0);
	ASSERT_TRUE(wait_flag(&bl.started));
	settle();
	end = now_ns() + LONG_MS * MS;
	while (!flag_get(&bl.done) && now_ns() < end) {
		kill(getpid(), SIGUSR1);
		sleep_ms(20);
	}
	EXPECT_TRUE(flag_get(&bl.done));
	EXPECT_EQ(bl.rc, -1);
	EXPECT_EQ(bl.err, EINTR);
	EXPECT_GE(sig_count[SIGUSR1], 1);
	EXPECT_TRUE(pthread_equal(sig_thread[SIGUSR1], t));
	EXPECT_FALSE(is_pending(SIGUSR1));	/* none left for us */
	write(p[1], "x", 1);
	pthread_join(t, NULL);
	close(p[0]);
	close(p[1]);
	reset_signal(SIGUSR1);
}

static int inherited;

static void *report_mask(void *arg)
{
	(void)arg;
	inherited = is_blocked(SIGUSR2) ? 1 : 2;
	unblock_signal(SIGUSR2);
	return NULL;
}

TEST(signal_thread, masks_are_per_thread_and_inherited)
{
	pthread_t t;

	block_signal(SIGUSR2);
	inherited = 0;
	ASSERT_EQ(start_thread(&t, report_mask, NULL), 0);
	pthread_join(t, NULL);
	EXPECT_EQ(inherited, 1);
	EXPECT_TRUE(is_blocked(SIGUSR2));	/* its change was its own */
	unblock_signal(SIGUSR2);
}

static struct {
	pthread_t target;
	int stop;
} pest;

static void *signal_until_stopped(void *arg)
{
	int sig = (int)(long)arg;

	settle();
	for (int i = 0; i < LONG_MS / 20 && !flag_get(&pest.stop); i++) {
		pthread_kill(pest.target, sig);
		sleep_ms(20);
	}
	return NULL;
}

TEST(signal_thread, sigsuspend_woken_by_another_thread)
{
	sigset_t none;
	pthread_t t;

	catch_signal(SIGUSR1, 0);
	block_signal(SIGUSR1);
	memset(&pest, 0, sizeof(pest));
	pest.target = pthread_self();
	ASSERT_EQ(start_thread(&t, signal_until_stopped, (void *)SIGUSR1), 0);
	sigemptyset(&none);
	EXPECT_ERR(sigsuspend(&none), EINTR);
	flag_set(&pest.stop);
	pthread_join(t, NULL);
	EXPECT_GE(sig_count[SIGUSR1], 1);
	EXPECT_TRUE(pthread_equal(sig_thread[SIGUSR1], pthread_self()));
	EXPECT_TRUE(is_blocked(SIGUSR1));	/* the mask is back */
	/* A signal already pending ends it at once. */
	sig_count[SIGUSR1] = 0;
	raise(SIGUSR1);
	EXPECT_ERR(sigsuspend(&none), EINTR);
	EXPECT_EQ(sig_count[SIGUSR1], 1);
	reset_signal(SIGUSR1);
}

static struct {
	int started, done, rc, err, signo, code;
	int wanted, other;
} tw;

static void *timed_wait(void *arg)
{
	struct timespec ts = { SLEEP_S, 0 };
	sigset_t set;
	siginfo_t si;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, tw.wanted);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (tw.other)
		unblock_signal(tw.other);
	flag_set(&tw.started);
	memset(&si, 0, sizeof(si));
	errno = 0;
	tw.rc = sigtimedwait(&set, &si, &ts);
	tw.err = errno;
	tw.signo = si.si_signo;
	tw.code = si.si_code;
	flag_set(&tw.done);
	return NULL;
}

TEST(signal_thread, sigtimedwait_takes_the_signal_from_the_handler)
{
	pthread_t t;

	catch_signal(SIGUSR2, 0);
	memset(&tw, 0, sizeof(tw));
	tw.wanted = SIGUSR2;
	ASSERT_EQ(start_thread(&t, timed_wait, NULL), 0);
	ASSERT_TRUE(wait_flag(&tw.started));
	settle();
	pthread_kill(t, SIGUSR2);
	EXPECT_TRUE(wait_flag(&tw.done));
	pthread_join(t, NULL);
	EXPECT_EQ(tw.rc, SIGUSR2);
	EXPECT_EQ(tw.signo, SIGUSR2);
	EXPECT_EQ(tw.code, SI_TKILL);
	EXPECT_EQ(sig_count[SIGUSR2], 0);	/* taken, not handled */
	reset_signal(SIGUSR2);
}

TEST(signal_thread, sigtimedwait_waits_on_through_a_handled_signal)
{
	pthread_t t;

	catch_signal(SIGUSR1, 0);
	memset(&tw, 0, sizeof(tw));
	tw.wanted = SIGUSR2;
	tw.other = SIGUSR1;
	ASSERT_EQ(start_thread(&t, timed_wait, NULL), 0);
	ASSERT_TRUE(wait_flag(&tw.started));
	settle();
	/* Another signal is handled in the waiting thread, and the wait
	 * goes on (musl's sigtimedwait() starts again after EINTR)... */
	pthread_kill(t, SIGUSR1);
	for (int i = 0; i < LONG_MS / 10 && !flag_get(&sig_count[SIGUSR1]);
	     i++)
		sleep_ms(10);
	EXPECT_EQ(flag_get(&sig_count[SIGUSR1]), 1);
	EXPECT_TRUE(pthread_equal(sig_thread[SIGUSR1], t));
	settle();
	EXPECT_FALSE(flag_get(&tw.done));
	/* ...until the signal it waits for. */
	pthread_kill(t, SIGUSR2);
	EXPECT_TRUE(wait_flag(&tw.done));
	pthread_join(t, NULL);
	EXPECT_EQ(tw.rc, SIGUSR2);
	EXPECT_EQ(tw.signo, SIGUSR2);
	reset_signal(SIGUSR1);
}

TEST(signal_thread, sigtimedwait_and_sigwait_here)
{
	struct timespec zero = { 0, 0 }, shortly = { 0, 30000000 };
	struct timespec bad = { 0, 1000000000 };
	sigset_t set;
	siginfo_t si;
	uint64_t t0;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	EXPECT_ERR(sigtimedwait(&set, &si, &zero), EAGAIN);
	t0 = now_ns();
	EXPECT_ERR(sigtimedwait(&set, &si, &shortly), EAGAIN);
	EXPECT_GE(now_ns() - t0, 30 * MS);
	EXPECT_ERR(sigtimedwait(&set, &si, &bad), EINVAL);
	/* A process signal everybody blocks waits for whoever asks. */
	kill(getpid(), SIGUSR2);
	EXPECT_TRUE(is_pending(SIGUSR2));
	EXPECT_EQ(sigwait(&set, &sig), 0);
	EXPECT_EQ(sig, SIGUSR2);
	EXPECT_FALSE(is_pending(SIGUSR2));
	raise(SIGUSR2);
	memset(&si, 0, sizeof(si));
	EXPECT_EQ(sigwaitinfo(&set, &si), SIGUSR2);
	EXPECT_EQ(si.si_signo, SIGUSR2);
	reset_signal(SIGUSR2);
}

TEST(signal_thread, alarm_and_pause)
{
	sigset_t none;
	uint64_t t0;
	int rc, err;

	catch_signal(SIGALRM, 0);
	block_signal(SIGALRM);
	EXPECT_EQ(alarm(1), 0);
	EXPECT_EQ(alarm(5), 1);		/* what was left, at least 1 */
	rc = (int)alarm(1);		/* 5, or 4 on a very slow machine */
	EXPECT_GE(rc, 4);
	EXPECT_LE(rc, 5);
	sigemptyset(&none);
	t0 = now_ns();
	EXPECT_ERR(sigsuspend(&none), EINTR);
	EXPECT_GE(now_ns() - t0, 900 * MS);
	EXPECT_EQ(sig_count[SIGALRM], 1);
	EXPECT_EQ(alarm(0), 0);		/* spent */
	/* pause() waits for a signal that is handled. */
	unblock_signal(SIGALRM);
	ualarm(50000, 0);
	errno = 0;
	rc = pause();
	err = errno;
	alarm(0);
	EXPECT_EQ(rc, -1);
	EXPECT_EQ(err, EINTR);
	EXPECT_EQ(sig_count[SIGALRM], 2);
	reset_signal(SIGALRM);
}

TEST(signal_thread, setitimer_periodic)
{
	struct itimerval v = { { 0, 20000 }, { 0, 20000 } }, old, cur;
	sigset_t none;

	catch_signal(SIGALRM, 0);
	block_signal(SIGALRM);
	ASSERT_EQ(setitimer(ITIMER_REAL, &v, &old), 0);
	EXPECT_EQ(old.it_value.tv_sec + old.it_value.tv_usec, 0);
	sigemptyset(&none);
	for (int i = 0; i < 3; i++)
		EXPECT_ERR(sigsuspend(&none), EINTR);
	EXPECT_EQ(sig_count[SIGALRM], 3);
	ASSERT_EQ(getitimer(ITIMER_REAL, &cur), 0);
	EXPECT_EQ(cur.it_interval.tv_sec, 0);
	EXPECT_EQ(cur.it_interval.tv_usec, 20000);
	EXPECT_LE(cur.it_value.tv_sec * 1000000 + cur.it_value.tv_usec,
		  20000);
	v = (struct itimerval){ { 0, 0 }, { 0, 0 } };
	ASSERT_EQ(setitimer(ITIMER_REAL, &v, &old), 0);
	EXPECT_EQ(old.it_interval.tv_usec, 20000);
	ASSERT_EQ(getitimer(ITIMER_REAL, &cur), 0);
	EXPECT_EQ(cur.it_value.tv_sec + cur.it_value.tv_usec, 0);
	EXPECT_EQ(sig_count[SIGALRM], 3);
	v = (struct itimerval){ { 0, 0 }, { 0, 1000000 } };
	EXPECT_ERR(setitimer(ITIMER_REAL, &v, NULL), EINVAL);
	EXPECT_ERR(setitimer(99, &v, NULL), EINVAL);
	EXPECT_ERR(getitimer(99, &cur), EINVAL);
	reset_signal(SIGALRM);
}

TEST(signal_thread, alarm_goes_to_the_thread_that_takes_it)
{
	uint64_t end;
	pthread_t t;
	int p[2];

	catch_signal(SIGALRM, 0);
	block_signal(SIGALRM);
	memset(&bl, 0, sizeof(bl));
	ASSERT_EQ(pipe(p), 0);
	bl.call = CALL_READ;
	bl.fd = p[0];
	bl.ep = -1;
	bl.unblock = SIGALRM;
	ASSERT_EQ(start_thread(&t, blocker, &bl), 0);
	ASSERT_TRUE(wait_flag(&bl.started));
	settle();
	end = now_ns() + LONG_MS * MS;
	while (!flag_get(&bl.done) && now_ns() < end) {
		ualarm(20000, 0);
		sleep_ms(50);
	}
	alarm(0);
	EXPECT_TRUE(flag_get(&bl.done));
	EXPECT_EQ(bl.rc, -1);
	EXPECT_EQ(bl.err, EINTR);
	EXPECT_GE(sig_count[SIGALRM], 1);
	EXPECT_TRUE(pthread_equal(sig_thread[SIGALRM], t));
	write(p[1], "x", 1);
	pthread_join(t, NULL);
	close(p[0]);
	close(p[1]);
	reset_signal(SIGALRM);
}
