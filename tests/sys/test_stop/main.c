// SPDX-License-Identifier: MIT
/*
 * The host's stop (SIGTERM to `toro run`, which presses the guest's ACPI
 * power button) as the program sees it: SIGTERM, taken the way the
 * program asked. Each mode prints "ready" once it waits for it.
 *
 *   handler   a SIGTERM handler; the program then exits with status 7
 *   sigwait   SIGTERM blocked in every thread, taken by sigwait() in main
 *             while a second thread sleeps: status 0
 *   signalfd  SIGTERM blocked, read from a signalfd that an epoll loop
 *             waits on beside a pipe nobody writes: status 0
 *   default   no handler (signals linked by signal(SIGPIPE)): the default
 *             action ends the program, status 143
 *   ignore    SIGTERM ignored: the host stops the guest after its grace
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

static volatile sig_atomic_t taken;

static void on_term(int sig)
{
	taken = sig;
}

static void ready(void)
{
	puts("ready");
	fflush(stdout);
}

static int handler(void)
{
	struct sigaction sa = { .sa_handler = on_term };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL)) {
		perror("sigaction");
		return 1;
	}
	ready();
	while (!taken)
		pause();
	printf("handler took signal %d\n", (int)taken);
	return 7;
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		sleep(60);
	return NULL;
}

static int wait_for_it(void)
{
	sigset_t set;
	pthread_t t;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) ||
	    pthread_create(&t, NULL, sleeper, NULL)) {
		puts("FAIL setting up");
		return 1;
	}
	ready();
	if (sigwait(&set, &sig)) {
		puts("FAIL sigwait");
		return 1;
	}
	printf("sigwait took signal %d\n", sig);
	return 0;
}

/* An event loop's way: the stop is one more descriptor to read. */
static int event_loop(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, got;
	struct signalfd_siginfo si;
	int ep = epoll_create1(0), sfd, quiet[2];
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	if (ep < 0 || pipe(quiet) || sigprocmask(SIG_BLOCK, &set, NULL) ||
	    (sfd = signalfd(-1, &set, 0)) < 0) {
		puts("FAIL setting up");
		return 1;
	}
	ev.data.fd = quiet[0];
	epoll_ctl(ep, EPOLL_CTL_ADD, quiet[0], &ev);
	ev.data.fd = sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	ready();
	if (epoll_wait(ep, &got, 1, -1) != 1 || got.data.fd != sfd ||
	    read(sfd, &si, sizeof(si)) != sizeof(si)) {
		puts("FAIL waiting");
		return 1;
	}
	printf("signalfd read signal %u\n", si.ssi_signo);
	return 0;
}

static _Noreturn void wait_forever(void)
{
	ready();
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "handler") == 0)
		return handler();
	if (strcmp(mode, "sigwait") == 0)
		return wait_for_it();
	if (strcmp(mode, "signalfd") == 0)
		return event_loop();
	if (strcmp(mode, "default") == 0) {
		signal(SIGPIPE, SIG_IGN);
		wait_forever();
	}
	if (strcmp(mode, "ignore") == 0) {
		signal(SIGTERM, SIG_IGN);
		wait_forever();
	}
	printf("FAIL unknown mode %s\n", mode);
	return 2;
}
