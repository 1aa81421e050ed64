// SPDX-License-Identifier: MIT
/* <sys/epoll.h>, <sys/eventfd.h>, <sys/timerfd.h>: epoll over pipes,
 * eventfd and timerfd, level- and edge-triggered, EPOLLONESHOT,
 * EPOLL_CTL_MOD/DEL and their errors; eventfd's counter and semaphore
 * mode; timerfd's expirations. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "check.h"

static void wait_show(int ep, const char *what, int timeout)
{
	struct epoll_event ev[8];
	int n = epoll_wait(ep, ev, 8, timeout);

	printf("%s: %d", what, n);
	/* Sorted by data so the order of ready descriptors cannot matter. */
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (ev[j].data.u32 < ev[i].data.u32) {
				struct epoll_event t = ev[i];
				ev[i] = ev[j];
				ev[j] = t;
			}
	for (int i = 0; i < n; i++)
		printf(" [%u%s%s%s]", ev[i].data.u32,
		       ev[i].events & EPOLLIN ? " IN" : "",
		       ev[i].events & EPOLLOUT ? " OUT" : "",
		       ev[i].events & EPOLLHUP ? " HUP" : "");
	printf("\n");
}

static void eventfds(void)
{
	int e = eventfd(3, EFD_NONBLOCK);
	uint64_t v;

	CHECK(e >= 0);
	CHECK(read(e, &v, 8) == 8 && v == 3);
	CHECK_ERR(read(e, &v, 8), EAGAIN);
	v = 5;
	CHECK(write(e, &v, 8) == 8);
	CHECK(eventfd_write(e, 2) == 0);
	eventfd_t got;
	CHECK(eventfd_read(e, &got) == 0);
	printf("eventfd counter %llu\n", (unsigned long long)got);
	CHECK_ERR(read(e, &v, 4), EINVAL);
	v = UINT64_MAX;
	CHECK_ERR(write(e, &v, 8), EINVAL);
	close(e);
	e = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	CHECK(fcntl(e, F_GETFD) == FD_CLOEXEC);
	CHECK(read(e, &v, 8) == 8 && v == 1);
	CHECK(read(e, &v, 8) == 8 && v == 1);
	CHECK_ERR(read(e, &v, 8), EAGAIN);
	close(e);
}

static void timerfds(int ep)
{
	int t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	uint64_t n;

	CHECK(t >= 0);
	CHECK_ERR(read(t, &n, 8), EAGAIN);
	struct itimerspec its = {.it_value = {0, 20000000},
				 .it_interval = {0, 0}};
	CHECK_OK(timerfd_settime(t, 0, &its, NULL));
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7};
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, t, &ev));
	wait_show(ep, "timerfd fired", 5000);
	CHECK(read(t, &n, 8) == 8 && n == 1);
	struct itimerspec cur;
	CHECK_OK(timerfd_gettime(t, &cur));
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
	/* A periodic timer counts the expirations missed. */
	its.it_value.tv_nsec = 10000000;
	its.it_interval.tv_nsec = 10000000;
	CHECK_OK(timerfd_settime(t, 0, &its, NULL));
	usleep(55000);
	CHECK(read(t, &n, 8) == 8 && n >= 4);
	its.it_value.tv_nsec = 0;
	CHECK_OK(timerfd_settime(t, 0, &its, NULL));
	CHECK_ERR(read(t, &n, 8), EAGAIN);
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, t, NULL));
	close(t);
	CHECK_ERR(timerfd_create(CLOCK_MONOTONIC, 0x4242), EINVAL);
}

int test_epoll(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int p[2];

	CHECK(ep >= 0);
	CHECK(fcntl(ep, F_GETFD) == FD_CLOEXEC);
	CHECK_OK(pipe(p));
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 1};
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
	ev.events = EPOLLOUT;
	ev.data.u32 = 2;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
	wait_show(ep, "empty pipe", 0);
	CHECK(write(p[1], "xy", 2) == 2);
	wait_show(ep, "level, data", 0);
	wait_show(ep, "level, again", 0);
	/* Edge-triggered: reported once per new arrival. */
	ev.events = EPOLLIN | EPOLLET;
	ev.data.u32 = 1;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL));
	wait_show(ep, "edge, after mod", 0);
	wait_show(ep, "edge, nothing new", 0);
	CHECK(write(p[1], "z", 1) == 1);
	wait_show(ep, "edge, new data", 0);
	char b[8];
	CHECK(read(p[0], b, 8) == 3);
	/* One-shot: disarmed after one report until re-armed. */
	ev.events = EPOLLIN | EPOLLONESHOT;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	CHECK(write(p[1], "1", 1) == 1);
	wait_show(ep, "oneshot", 0);
	CHECK(write(p[1], "2", 1) == 1);
	wait_show(ep, "oneshot, disarmed", 0);
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	wait_show(ep, "oneshot, re-armed", 0);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL), ENOENT);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev), EBADF);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
	CHECK_ERR(epoll_wait(ep, &ev, 0, 0), EINVAL);
	int f = open("regular", O_CREAT | O_RDWR, 0644);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev), EPERM);
	close(f);
	/* Hang-up when the writer goes. */
	ev.events = EPOLLIN;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	CHECK(read(p[0], b, 8) == 2);
	close(p[1]);
	wait_show(ep, "writer closed", 0);
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	close(p[0]);
	struct epoll_event many[4];
	CHECK(epoll_wait(ep, many, 4, 20) == 0);
	sigset_t none;
	sigemptyset(&none);
	CHECK(epoll_pwait(ep, many, 4, 0, &none) == 0);
	eventfds();
	int e = eventfd(0, EFD_NONBLOCK);
	ev.events = EPOLLIN;
	ev.data.u32 = 3;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev));
	wait_show(ep, "eventfd at 0", 0);
	eventfd_write(e, 1);
	wait_show(ep, "eventfd at 1", 0);
	close(e);
	timerfds(ep);
	close(ep);
	ep = epoll_create(1);
	CHECK(ep >= 0);
	close(ep);
	return 0;
}
