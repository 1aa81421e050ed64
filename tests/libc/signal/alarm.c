// SPDX-License-Identifier: MIT
/* alarm() and setitimer(ITIMER_REAL): SIGALRM reaches a thread waiting in
 * pause() or a sleep (on Toro a signal lands when the system call
 * returns: the wait is interrupted). */
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

int test_alarm(void)
{
	struct sigaction sa = {.sa_handler = on_alarm};

	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGALRM, &sa, NULL));
	CHECK(alarm(1) == 0);
	CHECK_ERR(pause(), EINTR);
	printf("pause interrupted, alarms %d\n", alarms);
	struct itimerval it = {.it_value = {0, 50000}};
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	struct timespec t = {10, 0}, rem = {0, 0};
	CHECK_ERR(nanosleep(&t, &rem), EINTR);
	CHECK(rem.tv_sec >= 5);
	printf("nanosleep interrupted, alarms %d\n", alarms);
	CHECK(alarm(100) == 0);
	CHECK(alarm(0) >= 99);
	signal(SIGALRM, SIG_DFL);
	return 0;
}
