// SPDX-License-Identifier: MIT
/* FIFOs (mkfifo, mknod S_IFIFO): the node itself (stat, readdir's type,
 * EEXIST), opening it (a non-blocking writer without a reader ENXIO, a
 * non-blocking reader at once, a blocking open waiting for the other
 * side, O_RDWR at once, an open interrupted by a signal), then the pipe
 * it is: data in order between files opened apart, end of file and
 * EPIPE as the other side goes, what poll() and epoll report (no HUP
 * for a reader no writer has yet left), data dropped once every file is
 * closed, ESPIPE, FIONREAD, fstat, and the pipe living on after unlink. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"

static void events(const char *what, int fd, short ev)
{
	struct pollfd p = {.fd = fd, .events = ev};
	int n = poll(&p, 1, 0);

	printf("%s: poll %d revents%s%s%s%s\n", what, n,
	       p.revents & POLLIN ? " IN" : "",
	       p.revents & POLLOUT ? " OUT" : "",
	       p.revents & POLLHUP ? " HUP" : "",
	       p.revents & POLLERR ? " ERR" : "");
}

static void say(const char *what, long rc)
{
	printf("%s: %ld %s\n", what, rc, rc < 0 ? strerror(errno) : "");
}

static unsigned char type_in_dir(const char *name)
{
	DIR *d = opendir(".");
	struct dirent *e;
	unsigned char t = 0xff;

	CHECK(d != NULL);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, name) == 0)
			t = e->d_type;
	closedir(d);
	return t;
}

/* A writer that opens (blocking) a while after the reader started
 * waiting, and writes. */
static void *late_writer(void *arg)
{
	int fd;

	(void)arg;
	usleep(30000);
	fd = open("f", O_WRONLY);
	CHECK(fd >= 0);
	CHECK(write(fd, "late", 4) == 4);
	close(fd);
	return NULL;
}

/* A reader that opens a while after the writer started waiting. */
static void *late_reader(void *arg)
{
	char b[8];
	int fd;

	usleep(30000);
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	*(ssize_t *)arg = read(fd, b, sizeof(b));
	close(fd);
	return NULL;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A blocking open interrupted by a signal whose handler does not ask
 * for restarts: EINTR, and the reader it would have been is gone. */
static void interrupted_open(void)
{
	struct sigaction sa = {.sa_handler = on_alarm}, old;
	struct itimerval t = {.it_value = {.tv_usec = 30000}};

	CHECK_OK(sigaction(SIGALRM, &sa, &old));
	CHECK_OK(setitimer(ITIMER_REAL, &t, NULL));
	int fd = open("f", O_RDONLY);

	say("blocking open, interrupted", fd);
	CHECK_OK(sigaction(SIGALRM, &old, NULL));
	fd = open("f", O_WRONLY | O_NONBLOCK);
	say("then a non-blocking writer", fd);
}

int test_fifo(void)
{
	struct stat st, fst;
	char b[64];
	int r, w, rw, n;

	CHECK_OK(mkfifo("f", 0640));
	CHECK_OK(stat("f", &st));
	printf("fifo %d mode %o size %lld\n", S_ISFIFO(st.st_mode),
	       (unsigned)(st.st_mode & 07777), (long long)st.st_size);
	printf("readdir type fifo: %d\n", type_in_dir("f") == DT_FIFO);
	say("mkfifo again", mkfifo("f", 0600));
	say("O_DIRECTORY", open("f", O_RDONLY | O_NONBLOCK | O_DIRECTORY));

	/* Opening, without waiting. */
	say("writer, no reader, O_NONBLOCK", open("f", O_WRONLY | O_NONBLOCK));
	r = open("f", O_RDONLY | O_NONBLOCK);
	CHECK(r >= 0);
	say("read, no writer", read(r, b, sizeof(b)));
	events("reader, no writer yet", r, POLLIN);
	w = open("f", O_WRONLY | O_NONBLOCK);
	CHECK(w >= 0);
	events("writer", w, POLLOUT);
	CHECK(write(w, "hello", 5) == 5);
	events("reader with data", r, POLLIN);
	CHECK_OK(ioctl(r, FIONREAD, &n));
	printf("FIONREAD %d\n", n);
	n = (int)read(r, b, sizeof(b));
	printf("read %d %.*s\n", n, n > 0 ? n : 0, b);
	say("read, empty", read(r, b, sizeof(b)));
	say("lseek", lseek(r, 0, SEEK_SET));
	say("pread", pread(r, b, 1, 0));
	CHECK_OK(fstat(r, &fst));
	printf("fstat: fifo %d same node %d\n", S_ISFIFO(fst.st_mode),
	       fst.st_ino == st.st_ino && fst.st_dev == st.st_dev);
	say("write on the reader", write(r, "x", 1));

	/* A reader that opens while the writer is there. */
	int r3 = open("f", O_RDONLY | O_NONBLOCK);

	CHECK(r3 >= 0);

	/* The writer goes: end of file and HUP, for both readers; one
	 * comes back. */
	CHECK(write(w, "bye", 3) == 3);
	close(w);
	n = (int)read(r, b, sizeof(b));
	printf("after the writer closed: %d %.*s\n", n, n > 0 ? n : 0, b);
	say("then", read(r, b, sizeof(b)));
	events("reader, writer gone", r, POLLIN);
	events("reader that saw the writer, writer gone", r3, POLLIN);
	close(r3);
	w = open("f", O_WRONLY);	/* a reader is there: no wait */
	CHECK(w >= 0);
	say("read, writer back", read(r, b, sizeof(b)));
	events("reader, writer back", r, POLLIN);

	/* A second reader: either takes the bytes; epoll hears of them. */
	int r2 = open("f", O_RDONLY | O_NONBLOCK);
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 2};

	CHECK(r2 >= 0 && ep >= 0);
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, r2, &ev));
	say("epoll, empty", epoll_wait(ep, &ev, 1, 0));
	CHECK(write(w, "two", 3) == 3);
	n = epoll_wait(ep, &ev, 1, 1000);
	printf("epoll: %d data %u in %d\n", n, ev.data.u32,
	       !!(ev.events & EPOLLIN));
	n = (int)read(r2, b, sizeof(b));
	printf("second reader: %d %.*s\n", n, n > 0 ? n : 0, b);
	close(ep);
	close(r2);

	/* The readers go: EPIPE (SIGPIPE ignored), ERR on the writer. */
	close(r);
	signal(SIGPIPE, SIG_IGN);
	say("write, no reader", write(w, "x", 1));
	signal(SIGPIPE, SIG_DFL);
	events("writer, reader gone", w, POLLOUT);
	close(w);

	/* O_RDWR opens at once, reads its own bytes; they go with it. */
	rw = open("f", O_RDWR | O_NONBLOCK);
	CHECK(rw >= 0);
	CHECK(write(rw, "self", 4) == 4);
	n = (int)read(rw, b, 2);
	printf("O_RDWR: %d %.*s\n", n, n > 0 ? n : 0, b);
	close(rw);
	rw = open("f", O_RDWR | O_NONBLOCK);
	say("reopened, the rest dropped", read(rw, b, sizeof(b)));
	close(rw);

	/* Blocking opens wait for the other side. */
	pthread_t t;
	ssize_t got = -1;

	CHECK(pthread_create(&t, NULL, late_writer, NULL) == 0);
	r = open("f", O_RDONLY);
	CHECK(r >= 0);
	n = (int)read(r, b, sizeof(b));
	printf("blocking reader got %d %.*s\n", n, n > 0 ? n : 0, b);
	pthread_join(t, NULL);
	say("then end of file", read(r, b, sizeof(b)));
	close(r);
	CHECK(pthread_create(&t, NULL, late_reader, &got) == 0);
	w = open("f", O_WRONLY);
	CHECK(w >= 0);
	CHECK(write(w, "wait", 4) == 4);
	close(w);
	pthread_join(t, NULL);
	printf("blocking writer's reader got %zd\n", got);
	interrupted_open();

	/* Unlinked while open: the pipe lives on. */
	rw = open("f", O_RDWR);
	CHECK(rw >= 0);
	CHECK_OK(unlink("f"));
	CHECK(write(rw, "gone", 4) == 4);
	n = (int)read(rw, b, sizeof(b));
	printf("after unlink: %d %.*s\n", n, n > 0 ? n : 0, b);
	close(rw);
	say("open after unlink", open("f", O_RDONLY | O_NONBLOCK));

	/* mknod() makes one too; mkfifoat() relative to a directory. */
	CHECK_OK(mknod("m", S_IFIFO | 0600, 0));
	CHECK_OK(lstat("m", &st));
	printf("mknod: fifo %d\n", S_ISFIFO(st.st_mode));
	CHECK_OK(mkdir("d", 0755));
	int dfd = open("d", O_RDONLY | O_DIRECTORY);

	CHECK(dfd >= 0);
	CHECK_OK(mkfifoat(dfd, "g", 0600));
	CHECK_OK(stat("d/g", &st));
	printf("mkfifoat: fifo %d\n", S_ISFIFO(st.st_mode));
	close(dfd);
	CHECK_OK(unlink("d/g"));
	CHECK_OK(rmdir("d"));
	CHECK_OK(unlink("m"));
	return 0;
}
