// SPDX-License-Identifier: MIT
/*
 * Event-driven calls inside the guest: pipes, poll/select, epoll over
 * pipes, eventfd, timerfd and sockets, signals and their delivery,
 * pthread_cancel of blocked threads, AF_INET sockets with no network
 * device, and the built-in /etc files with name resolution through a DNS
 * responder of the test's own. The cases are in the other files, by
 * theme.
 *
 * "die ..." arguments instead run one action that must end the program
 * the way a signal's default action does (the TEST file checks the exit
 * status and the report), so they are not test cases.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <toro/test.h>

#include "util.h"

static pthread_t main_thread;

static void *kill_main(void *arg)
{
	settle();
	pthread_kill(main_thread, (int)(long)arg);
	return NULL;
}

static void handled_once(int sig)
{
	printf("handled %d once\n", sig);
}

static int die(int argc, char **argv)
{
	const char *how = argv[1];
	int fds[2];
	char c;

	if (strcmp(how, "die") == 0 && argc > 2) {
		/* The default action of the signal itself. */
		raise(atoi(argv[2]));
	} else if (strcmp(how, "die-pipe") == 0) {
		/* SIGPIPE's default action, from a write. */
		pipe(fds);
		close(fds[0]);
		write(fds[1], "x", 1);
	} else if (strcmp(how, "die-alarm") == 0) {
		/* SIGALRM's, posted by the timer to a sleeping thread. */
		alarm(1);
		sleep_ms(LONG_MS);
	} else if (strcmp(how, "die-alarm-computing") == 0) {
		/* SIGALRM's, into a loop that makes no system call (it
		 * reads the clock now and then, to give up at last). */
		time_t end = time(NULL) + LONG_MS / 1000;

		alarm(1);
		for (volatile unsigned long n = 1; n & 0xfffff ||
						 time(NULL) < end; n++)
			;
	} else if (strcmp(how, "die-thread") == 0) {
		/* SIGTERM's, sent by another thread while this one reads. */
		pthread_t t;

		main_thread = pthread_self();
		pipe(fds);
		start_thread(&t, kill_main, (void *)(long)SIGTERM);
		read(fds[0], &c, 1);
	} else if (strcmp(how, "die-resethand") == 0) {
		/* The handler once, then the default action. */
		struct sigaction sa = { .sa_handler = handled_once,
					.sa_flags = SA_RESETHAND };

		sigaction(SIGUSR1, &sa, NULL);
		raise(SIGUSR1);
		raise(SIGUSR1);
	} else {
		printf("unknown action %s\n", how);
		return 2;
	}
	printf("survived %s\n", how);
	return 3;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strncmp(argv[1], "die", 3) == 0)
		return die(argc, argv);
	return test_main(argc, argv);
}
