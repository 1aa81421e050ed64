// SPDX-License-Identifier: MIT
/*
 * AF_UNIX sockets within the guest: stream, datagram and seqpacket;
 * socketpair(); names (paths, which create no file here, and abstract
 * names, and autobind); listen/accept/connect and the backlog; shutdown
 * and the ends of connections; MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL,
 * MSG_TRUNC; timeouts; SO_PEERCRED and the other options; readiness for
 * poll and epoll; threads on other CPUs; and every error a wrong argument
 * gets, as Linux gives it. Paths are unlinked before bind(), as programs
 * do, so the same checks hold on Linux.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <time.h>
#include <unistd.h>

#include <toro/test.h>

#include "util.h"

#define MS 1000000ULL
#define LONG_MS 20000		/* waits that must end, generously */
#define SUN_LEN0 offsetof(struct sockaddr_un, sun_path)

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A thread on the last CPU (the same one on a single CPU). */
static int start_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_attr_t a;
	cpu_set_t set;
	int rc;

	CPU_ZERO(&set);
	CPU_SET((size_t)(n > 1 ? n - 1 : 0), &set);
	pthread_attr_init(&a);
	pthread_attr_setaffinity_np(&a, sizeof(set), &set);
	rc = pthread_create(t, &a, fn, arg);
	pthread_attr_destroy(&a);
	return rc;
}

static int revents(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static int inq(int fd)
{
	int n = -1;

	return ioctl(fd, FIONREAD, &n) < 0 ? -1 : n;
}

/* An abstract name: a NUL, then (name); its length in (*len). */
static struct sockaddr_un abstract(const char *name, socklen_t *len)
{
	struct sockaddr_un a;

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	strcpy(a.sun_path + 1, name);
	*len = SUN_LEN0 + 1 + strlen(name);
	return a;
}

static struct sockaddr_un path_addr(const char *path)
{
	struct sockaddr_un a;

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	strcpy(a.sun_path, path);
	return a;
}

/* A new socket of (type) bound to (path), unlinked first as programs
 * do; listening when it is a connection type. */
static int bound_path(int type, const char *path)
{
	struct sockaddr_un a = path_addr(path);
	int s = socket(AF_UNIX, type, 0);

	unlink(path);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) ||
	    (type != SOCK_DGRAM && listen(s, 8))) {
		close(s);
		return -1;
	}
	return s;
}

static int bound_abstract(int type, const char *name)
{
	socklen_t len;
	struct sockaddr_un a = abstract(name, &len);
	int s = socket(AF_UNIX, type, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&a, len) ||
	    (type != SOCK_DGRAM && listen(s, 8))) {
		close(s);
		return -1;
	}
	return s;
}

static int connect_abstract(int s, const char *name)
{
	socklen_t len;
	struct sockaddr_un a = abstract(name, &len);

	return connect(s, (struct sockaddr *)&a, len);
}

static int sigpipes;

static void count_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

/* --- socketpair and streams ------------------------------------------ */

TEST(unix, socketpair_stream_both_ways)
{
	struct sockaddr_un a;
	socklen_t len = sizeof(a);
	struct stat st;
	char buf[16];
	int sv[2], type = 0;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_EQ(write(sv[0], "ping", 4), 4);
	EXPECT_EQ(inq(sv[1]), 4);
	EXPECT_EQ(recv(sv[1], buf, 2, MSG_PEEK), 2);	/* left queued */
	EXPECT_EQ(inq(sv[1]), 4);
	EXPECT_EQ(read(sv[1], buf, sizeof(buf)), 4);
	EXPECT_EQ(memcmp(buf, "ping", 4), 0);
	EXPECT_EQ(send(sv[1], "pong!", 5, 0), 5);
	EXPECT_EQ(recv(sv[0], buf, sizeof(buf), 0), 5);
	EXPECT_EQ(memcmp(buf, "pong!", 5), 0);
	EXPECT_ERR(recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	EXPECT_EQ(send(sv[0], "", 0, 0), 0);	/* nothing, no message */
	EXPECT_ERR(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* Unnamed both: the names are the family alone. */
	EXPECT_EQ(getsockname(sv[0], (struct sockaddr *)&a, &len), 0);
	EXPECT_EQ(len, sizeof(sa_family_t));
	EXPECT_EQ(a.sun_family, AF_UNIX);
	len = sizeof(a);
	EXPECT_EQ(getpeername(sv[0], (struct sockaddr *)&a, &len), 0);
	EXPECT_EQ(len, sizeof(sa_family_t));
	ASSERT_EQ(fstat(sv[0], &st), 0);
	EXPECT_TRUE(S_ISSOCK(st.st_mode));
	len = sizeof(type);
	EXPECT_EQ(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &len), 0);
	EXPECT_EQ(type, SOCK_STREAM);
	EXPECT_EQ(fcntl(sv[0], F_GETFL), O_RDWR);
	close(sv[0]);
	close(sv[1]);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
			     SOCK_CLOEXEC, 0, sv), 0);
	EXPECT_EQ(fcntl(sv[1], F_GETFL), O_RDWR | O_NONBLOCK);
	EXPECT_TRUE(fcntl(sv[0], F_GETFD) & FD_CLOEXEC);
	EXPECT_TRUE(fcntl(sv[1], F_GETFD) & FD_CLOEXEC);
	EXPECT_ERR(read(sv[0], buf, 1), EAGAIN);
	close(sv[0]);
	close(sv[1]);
}

TEST(unix, stream_vectors_and_messages)
{
	struct iovec out[3] = { { "ab", 2 }, { "", 0 }, { "cdef", 4 } };
	char x[3], y[8];
	struct iovec in[2] = { { x, sizeof(x) }, { y, sizeof(y) } };
	struct msghdr m;
	int sv[2];

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_EQ(writev(sv[0], out, 3), 6);
	EXPECT_EQ(readv(sv[1], in, 2), 6);
	EXPECT_EQ(memcmp(x, "abc", 3), 0);
	EXPECT_EQ(memcmp(y, "def", 3), 0);
	memset(&m, 0, sizeof(m));
	m.msg_iov = out;
	m.msg_iovlen = 3;
	EXPECT_EQ(sendmsg(sv[1], &m, 0), 6);
	memset(&m, 0, sizeof(m));
	m.msg_iov = in;
	m.msg_iovlen = 2;
	EXPECT_EQ(recvmsg(sv[0], &m, 0), 6);
	EXPECT_EQ(m.msg_flags, 0);
	close(sv[0]);
	close(sv[1]);
}

/* Descriptors cannot be passed: sendmsg() says so and sends nothing,
 * rather than the bytes without them; credentials are taken and
 * ignored; a control message longer than its buffer is EINVAL. */
TEST(unix, passing_descriptors_is_refused_not_dropped)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} ctl;
	struct iovec v = { "fd", 2 };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1,
			    .msg_control = ctl.buf };
	struct cmsghdr *c = (struct cmsghdr *)ctl.buf;
	struct ucred me = { getpid(), getuid(), getgid() };
	char got[4];
	int sv[2];

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	memset(&ctl, 0, sizeof(ctl));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &sv[0], sizeof(int));
	m.msg_controllen = CMSG_SPACE(sizeof(int));
	EXPECT_ERR(sendmsg(sv[1], &m, 0), EOPNOTSUPP);
	EXPECT_ERR(recv(sv[0], got, sizeof(got), MSG_DONTWAIT), EAGAIN);
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(me));
	memcpy(CMSG_DATA(c), &me, sizeof(me));
	m.msg_controllen = CMSG_SPACE(sizeof(me));
	EXPECT_EQ(sendmsg(sv[1], &m, 0), 2);
	EXPECT_EQ(recv(sv[0], got, sizeof(got), 0), 2);
	c->cmsg_len = sizeof(ctl) + 1;
	EXPECT_ERR(sendmsg(sv[1], &m, 0), EINVAL);
	close(sv[0]);
	close(sv[1]);
}

TEST(unix, stream_end_of_file_and_broken_pipe)
{
	char buf[8];
	int sv[2];

	signal(SIGPIPE, count_sigpipe);
	sigpipes = 0;
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_EQ(write(sv[1], "last", 4), 4);
	close(sv[1]);
	/* What was sent, then the end, for good. */
	EXPECT_EQ(read(sv[0], buf, sizeof(buf)), 4);
	EXPECT_EQ(read(sv[0], buf, sizeof(buf)), 0);
	EXPECT_EQ(recv(sv[0], buf, sizeof(buf), MSG_WAITALL), 0);
	EXPECT_EQ(revents(sv[0], POLLIN | POLLOUT | POLLRDHUP),
		  POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	EXPECT_ERR(send(sv[0], "x", 1, 0), EPIPE);
	EXPECT_EQ(sigpipes, 1);
	EXPECT_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	EXPECT_EQ(sigpipes, 1);
	EXPECT_ERR(write(sv[0], "x", 1), EPIPE);
	EXPECT_EQ(sigpipes, 2);
	close(sv[0]);
	signal(SIGPIPE, SIG_DFL);
}

TEST(unix, closing_with_unread_data_resets_the_peer)
{
	char buf[8];
	int sv[2];

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_EQ(write(sv[0], "unread", 6), 6);
	close(sv[1]);
	EXPECT_EQ(revents(sv[0], POLLIN | POLLOUT),
		  POLLIN | POLLOUT | POLLERR | POLLHUP);
	EXPECT_ERR(read(sv[0], buf, sizeof(buf)), ECONNRESET);
	EXPECT_EQ(read(sv[0], buf, sizeof(buf)), 0);	/* said once */
	close(sv[0]);
}

TEST(unix, shutdown_each_way)
{
	char buf[8];
	int sv[2];

	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_EQ(write(sv[0], "x", 1), 1);
	EXPECT_EQ(shutdown(sv[0], SHUT_WR), 0);
	/* The peer reads what was sent, then the end; it can still write,
	 * and we can still read. */
	EXPECT_EQ(revents(sv[1], POLLIN | POLLOUT | POLLRDHUP),
		  POLLIN | POLLOUT | POLLRDHUP);
	EXPECT_EQ(read(sv[1], buf, sizeof(buf)), 1);
	EXPECT_EQ(read(sv[1], buf, sizeof(buf)), 0);
	EXPECT_ERR(write(sv[0], "y", 1), EPIPE);
	EXPECT_EQ(write(sv[1], "z", 1), 1);
	EXPECT_EQ(read(sv[0], buf, sizeof(buf)), 1);
	/* Our reading side shut: reads end, the peer's writes fail. */
	EXPECT_EQ(shutdown(sv[0], SHUT_RD), 0);
	EXPECT_EQ(read(sv[0], buf, sizeof(buf)), 0);
	EXPECT_ERR(write(sv[1], "z", 1), EPIPE);
	close(sv[0]);
	close(sv[1]);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_EQ(shutdown(sv[1], SHUT_RD), 0);
	EXPECT_EQ(revents(sv[1], POLLIN | POLLOUT | POLLRDHUP),
		  POLLIN | POLLOUT | POLLRDHUP);
	/* The peer of a shut reader: still "writable" (the write says). */
	EXPECT_EQ(revents(sv[0], POLLIN | POLLOUT | POLLRDHUP), POLLOUT);
	EXPECT_ERR(write(sv[0], "y", 1), EPIPE);
	EXPECT_EQ(shutdown(sv[0], SHUT_RDWR), 0);
	EXPECT_ERR(shutdown(sv[0], 7), EINVAL);
	close(sv[0]);
	close(sv[1]);
	signal(SIGPIPE, SIG_DFL);
}

TEST(unix, shut_reader_keeps_what_came_and_errors_are_said_once)
{
	char buf[8];
	int sv[2], v;
	socklen_t len = sizeof(v);

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_EQ(write(sv[0], "ab", 2), 2);
	EXPECT_EQ(shutdown(sv[1], SHUT_RD), 0);
	EXPECT_EQ(read(sv[1], buf, sizeof(buf)), 2);	/* what came first */
	EXPECT_EQ(read(sv[1], buf, sizeof(buf)), 0);
	close(sv[0]);
	close(sv[1]);
	/* Data queued for us still comes before the reset, which SO_ERROR
	 * reads (and clears) as well as a read does. */
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_EQ(write(sv[0], "ab", 2), 2);
	EXPECT_EQ(write(sv[1], "cd", 2), 2);
	close(sv[1]);
	EXPECT_EQ(read(sv[0], buf, sizeof(buf)), 2);
	EXPECT_EQ(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &v, &len), 0);
	EXPECT_EQ(v, ECONNRESET);
	EXPECT_EQ(read(sv[0], buf, sizeof(buf)), 0);
	EXPECT_EQ(revents(sv[0], POLLIN | POLLOUT), POLLIN | POLLOUT | POLLHUP);
	close(sv[0]);
}

static struct {
	int fd, done;
	long rc;
} peer;

static void *write_in_pieces(void *arg)
{
	(void)arg;
	for (int i = 0; i < 4; i++) {
		sleep_ms(10);
		write(peer.fd, "abc", 3);
	}
	__atomic_store_n(&peer.done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

TEST(unix, msg_waitall_gathers_pieces)
{
	char buf[16];
	pthread_t t;
	int sv[2];

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	peer.fd = sv[1];
	ASSERT_EQ(start_thread(&t, write_in_pieces, NULL), 0);
	EXPECT_EQ(recv(sv[0], buf, 12, MSG_WAITALL), 12);
	EXPECT_EQ(memcmp(buf, "abcabcabcabc", 12), 0);
	pthread_join(t, NULL);
	/* The end comes first: what there was. */
	EXPECT_EQ(write(sv[1], "xy", 2), 2);
	close(sv[1]);
	EXPECT_EQ(recv(sv[0], buf, sizeof(buf), MSG_WAITALL), 2);
	close(sv[0]);
}

#define BIG (150 * 1000)

static unsigned char pattern(long i)
{
	return (unsigned char)(i * 13 + i / 256);
}

/* Writes BIG bytes of the pattern in blocking writes of 16 KiB, each
 * more than fits at times: peer.rc is what went. */
static void *write_big(void *arg)
{
	static unsigned char chunk[16384];

	(void)arg;
	for (long off = 0; off < BIG; off += sizeof(chunk)) {
		long len = BIG - off < (long)sizeof(chunk) ? BIG - off :
							     (long)sizeof(chunk);
		ssize_t n;

		for (long i = 0; i < len; i++)
			chunk[i] = pattern(off + i);
		n = send(peer.fd, chunk, (size_t)len, MSG_NOSIGNAL);
		if (n > 0)
			peer.rc += n;
		if (n != len)
			break;
	}
	__atomic_store_n(&peer.done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

TEST(unix, stream_across_cpus_fills_and_drains)
{
	struct pollfd p;
	unsigned char buf[4000];
	long got = 0, bad = -1;
	pthread_t t;
	int sv[2];

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	memset(&peer, 0, sizeof(peer));
	peer.fd = sv[1];
	ASSERT_EQ(start_thread(&t, write_big, NULL), 0);
	p = (struct pollfd){ .fd = sv[0], .events = POLLIN };
	while (got < BIG && poll(&p, 1, LONG_MS) == 1) {
		ssize_t n = read(sv[0], buf, sizeof(buf));

		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n && bad < 0; i++)
			if (buf[i] != pattern(got + i))
				bad = got + i;
		got += n;
	}
	EXPECT_EQ(got, BIG);
	EXPECT_EQ(bad, -1);
	shutdown(sv[0], SHUT_RD);	/* a writer left behind gives up */
	pthread_join(t, NULL);
	EXPECT_EQ(peer.rc, BIG);
	close(sv[0]);
	close(sv[1]);
}

TEST(unix, nonblocking_stream_fills_up)
{
	static char block[4096];
	struct timeval tv = { 0, 30000 };
	long sent = 0, drained = 0, n;
	uint64_t t0;
	int sv[2];

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	while ((n = send(sv[0], block, sizeof(block), 0)) > 0)
		sent += n;
	EXPECT_EQ(n, -1);
	EXPECT_EQ(errno, EAGAIN);
	EXPECT_GE(sent, 65536);
	EXPECT_EQ(inq(sv[1]), sent);
	EXPECT_EQ(revents(sv[0], POLLOUT), 0);
	/* Blocking, with a send timeout: nothing fits, EAGAIN. */
	EXPECT_EQ(fcntl(sv[0], F_SETFL, 0), 0);
	EXPECT_EQ(setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)),
		  0);
	t0 = now_ns();
	EXPECT_ERR(send(sv[0], block, sizeof(block), 0), EAGAIN);
	EXPECT_GE(now_ns() - t0, 30 * MS);
	while ((n = recv(sv[1], block, sizeof(block), 0)) > 0)
		drained += n;
	EXPECT_EQ(drained, sent);
	EXPECT_EQ(revents(sv[0], POLLOUT), POLLOUT);
	close(sv[0]);
	close(sv[1]);
}

/* --- names, listen, connect, accept ---------------------------------- */

#define PATH1 "/tmp/toro-unix-1.sock"
#define PATH2 "/tmp/toro-unix-2.sock"

TEST(unix, path_names_connect_and_accept)
{
	struct sockaddr_un a = path_addr(PATH1), got;
	socklen_t len;
	int l = bound_path(SOCK_STREAM, PATH1), c, s, on = 0;
	char buf[4];

	ASSERT_GE(l, 0);
	len = sizeof(got);
	EXPECT_EQ(getsockname(l, (struct sockaddr *)&got, &len), 0);
	EXPECT_EQ(len, SUN_LEN0 + strlen(PATH1) + 1);	/* with its NUL */
	EXPECT_STREQ(got.sun_path, PATH1);
	len = sizeof(on);
	EXPECT_EQ(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &on, &len), 0);
	EXPECT_EQ(on, 1);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_GE(c, 0);
	EXPECT_EQ(revents(l, POLLIN), 0);
	ASSERT_EQ(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	EXPECT_EQ(revents(l, POLLIN), POLLIN);
	len = sizeof(got);
	EXPECT_EQ(getpeername(c, (struct sockaddr *)&got, &len), 0);
	EXPECT_STREQ(got.sun_path, PATH1);
	len = sizeof(got);
	EXPECT_EQ(getsockname(c, (struct sockaddr *)&got, &len), 0);
	EXPECT_EQ(len, sizeof(sa_family_t));	/* the client is unnamed */
	EXPECT_EQ(write(c, "hi", 2), 2);	/* before the accept */
	len = sizeof(got);
	s = accept(l, (struct sockaddr *)&got, &len);
	ASSERT_GE(s, 0);
	EXPECT_EQ(len, sizeof(sa_family_t));
	EXPECT_EQ(revents(l, POLLIN), 0);
	len = sizeof(got);
	EXPECT_EQ(getsockname(s, (struct sockaddr *)&got, &len), 0);
	EXPECT_STREQ(got.sun_path, PATH1);
	EXPECT_EQ(read(s, buf, sizeof(buf)), 2);
	/* A name cut to the room given, the full length said. */
	len = SUN_LEN0 + 4;
	memset(&got, 0, sizeof(got));
	EXPECT_EQ(getsockname(l, (struct sockaddr *)&got, &len), 0);
	EXPECT_EQ(len, SUN_LEN0 + strlen(PATH1) + 1);
	EXPECT_EQ(memcmp(got.sun_path, PATH1, 4), 0);
	EXPECT_EQ(got.sun_path[4], 0);
	close(c);
	close(s);
	close(l);
	/* Closed and unlinked, the path is free for the next program. */
	l = bound_path(SOCK_STREAM, PATH1);
	EXPECT_GE(l, 0);
	close(l);
	unlink(PATH1);
}

TEST(unix, abstract_names_and_autobind)
{
	struct sockaddr_un got;
	socklen_t len;
	int l = bound_abstract(SOCK_STREAM, "toro-abs"), c, s, d;

	ASSERT_GE(l, 0);
	len = sizeof(got);
	EXPECT_EQ(getsockname(l, (struct sockaddr *)&got, &len), 0);
	EXPECT_EQ(len, SUN_LEN0 + 1 + 8);	/* no NUL added */
	EXPECT_EQ(got.sun_path[0], 0);
	EXPECT_EQ(memcmp(got.sun_path + 1, "toro-abs", 8), 0);
	EXPECT_EQ(bound_abstract(SOCK_STREAM, "toro-abs"), -1);
	EXPECT_EQ(errno, EADDRINUSE);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_EQ(connect_abstract(c, "toro-abs"), 0);
	s = accept(l, NULL, NULL);
	EXPECT_GE(s, 0);
	close(s);
	close(c);
	close(l);
	/* Free once its socket is closed. */
	l = bound_abstract(SOCK_STREAM, "toro-abs");
	EXPECT_GE(l, 0);
	close(l);
	/* Autobind: a bind of the family alone picks an abstract name of
	 * five hex digits. */
	d = socket(AF_UNIX, SOCK_DGRAM, 0);
	memset(&got, 0, sizeof(got));
	got.sun_family = AF_UNIX;
	EXPECT_EQ(bind(d, (struct sockaddr *)&got, sizeof(sa_family_t)), 0);
	len = sizeof(got);
	EXPECT_EQ(getsockname(d, (struct sockaddr *)&got, &len), 0);
	EXPECT_EQ(len, SUN_LEN0 + 6);
	EXPECT_EQ(got.sun_path[0], 0);
	EXPECT_EQ(strspn(got.sun_path + 1, "0123456789abcdef"), 5);
	EXPECT_ERR(bind(d, (struct sockaddr *)&got, len), EINVAL);
	close(d);
}

static struct {
	int fd, done, rc, err;
	struct sockaddr_un a;
	socklen_t len;
} conn;

static void *connect_later(void *arg)
{
	(void)arg;
	sleep_ms(50);
	errno = 0;
	conn.rc = connect(conn.fd, (struct sockaddr *)&conn.a, conn.len);
	conn.err = errno;
	__atomic_store_n(&conn.done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static bool wait_done(int *flag)
{
	uint64_t end = now_ns() + LONG_MS * MS;

	while (!__atomic_load_n(flag, __ATOMIC_SEQ_CST) && now_ns() < end)
		sleep_ms(5);
	return __atomic_load_n(flag, __ATOMIC_SEQ_CST);
}

TEST(unix, blocking_accept_and_connect_across_cpus)
{
	int l = bound_abstract(SOCK_STREAM, "toro-block"), c2, s;
	pthread_t t;

	ASSERT_GE(l, 0);
	/* accept() waits for a connect from the last CPU. */
	memset(&conn, 0, sizeof(conn));
	conn.fd = socket(AF_UNIX, SOCK_STREAM, 0);
	conn.a = abstract("toro-block", &conn.len);
	ASSERT_EQ(start_thread(&t, connect_later, NULL), 0);
	s = accept(l, NULL, NULL);
	EXPECT_GE(s, 0);
	pthread_join(t, NULL);
	EXPECT_EQ(conn.rc, 0);
	close(s);
	close(conn.fd);
	close(l);
	/* listen(0) queues one; a blocking connect() beyond waits for an
	 * accept(). */
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_EQ(bind(l, (struct sockaddr *)&conn.a, conn.len), 0);
	ASSERT_EQ(listen(l, 0), 0);
	c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_EQ(connect_abstract(c2, "toro-block"), 0);
	memset(&conn, 0, sizeof(conn));
	conn.fd = socket(AF_UNIX, SOCK_STREAM, 0);
	conn.a = abstract("toro-block", &conn.len);
	ASSERT_EQ(start_thread(&t, connect_later, NULL), 0);
	sleep_ms(150);
	EXPECT_FALSE(__atomic_load_n(&conn.done, __ATOMIC_SEQ_CST));
	s = accept(l, NULL, NULL);
	EXPECT_GE(s, 0);
	EXPECT_TRUE(wait_done(&conn.done));
	pthread_join(t, NULL);
	EXPECT_EQ(conn.rc, 0);
	close(s);
	s = accept(l, NULL, NULL);
	EXPECT_GE(s, 0);
	close(s);
	close(c2);
	close(conn.fd);
	close(l);
}

TEST(unix, backlog_and_nonblocking_calls)
{
	struct timeval tv = { 0, 30000 };
	int l = bound_abstract(SOCK_STREAM, "toro-backlog"), c[5], n = 0;
	uint64_t t0;

	ASSERT_GE(l, 0);
	ASSERT_EQ(listen(l, 2), 0);
	/* Linux queues backlog + 1 connections, then says EAGAIN to a
	 * non-blocking connect(). */
	for (int i = 0; i < 5; i++) {
		c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (connect_abstract(c[i], "toro-backlog") == 0)
			n++;
		else
			EXPECT_EQ(errno, EAGAIN);
	}
	EXPECT_EQ(n, 3);
	/* A blocking one with a send timeout gives up with EAGAIN. */
	int b = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_EQ(setsockopt(b, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
	t0 = now_ns();
	EXPECT_ERR(connect_abstract(b, "toro-backlog"), EAGAIN);
	EXPECT_GE(now_ns() - t0, 30 * MS);
	close(b);
	for (int i = 0; i < n; i++) {
		int s = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		EXPECT_GE(s, 0);
		EXPECT_EQ(fcntl(s, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
		EXPECT_TRUE(fcntl(s, F_GETFD) & FD_CLOEXEC);
		close(s);
	}
	EXPECT_EQ(fcntl(l, F_SETFL, O_NONBLOCK), 0);
	EXPECT_ERR(accept(l, NULL, NULL), EAGAIN);
	EXPECT_EQ(fcntl(l, F_SETFL, 0), 0);
	EXPECT_EQ(setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	t0 = now_ns();
	EXPECT_ERR(accept(l, NULL, NULL), EAGAIN);
	EXPECT_GE(now_ns() - t0, 30 * MS);
	for (int i = 0; i < 5; i++)
		close(c[i]);
	close(l);
	/* A negative backlog is the largest, as on Linux (it is compared
	 * unsigned with somaxconn): all five get in. */
	l = bound_abstract(SOCK_STREAM, "toro-backlog-max");
	ASSERT_GE(l, 0);
	ASSERT_EQ(listen(l, -1), 0);
	n = 0;
	for (int i = 0; i < 5; i++) {
		c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		n += connect_abstract(c[i], "toro-backlog-max") == 0;
	}
	EXPECT_EQ(n, 5);
	for (int i = 0; i < 5; i++)
		close(c[i]);
	close(l);
}

TEST(unix, listener_closed_with_connections_waiting)
{
	int l = bound_abstract(SOCK_STREAM, "toro-gone"), c;
	char buf[4];

	ASSERT_GE(l, 0);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_EQ(connect_abstract(c, "toro-gone"), 0);
	close(l);
	/* The connection nobody accepted is reset. */
	EXPECT_ERR(read(c, buf, sizeof(buf)), ECONNRESET);
	EXPECT_EQ(read(c, buf, sizeof(buf)), 0);
	EXPECT_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	close(c);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_ERR(connect_abstract(c, "toro-gone"), ECONNREFUSED);
	close(c);
}

/* --- datagrams and seqpackets ---------------------------------------- */

TEST(unix, datagrams_keep_their_boundaries)
{
	int r = bound_abstract(SOCK_DGRAM, "toro-dgr");
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);
	int named = bound_abstract(SOCK_DGRAM, "toro-dgs");
	socklen_t len = 0, alen;
	struct sockaddr_un to = abstract("toro-dgr", &len), from;
	char buf[16];
	struct iovec v = { buf, 2 };
	struct msghdr m;

	ASSERT_GE(r, 0);
	ASSERT_GE(s, 0);
	ASSERT_GE(named, 0);
	EXPECT_EQ(revents(r, POLLIN | POLLOUT), POLLOUT);
	EXPECT_EQ(sendto(s, "first", 5, 0, (struct sockaddr *)&to, len), 5);
	EXPECT_EQ(sendto(s, "second", 6, 0, (struct sockaddr *)&to, len), 6);
	EXPECT_EQ(sendto(s, "", 0, 0, (struct sockaddr *)&to, len), 0);
	EXPECT_EQ(sendto(named, "third", 5, 0, (struct sockaddr *)&to, len),
		  5);
	EXPECT_EQ(revents(r, POLLIN), POLLIN);
	EXPECT_EQ(inq(r), 5);			/* the first message */
	/* One message per call; an unnamed sender has no address. */
	alen = sizeof(from);
	EXPECT_EQ(recvfrom(r, buf, sizeof(buf), MSG_PEEK,
			   (struct sockaddr *)&from, &alen), 5);
	EXPECT_EQ(alen, 0);
	EXPECT_EQ(recv(r, buf, sizeof(buf), 0), 5);
	EXPECT_EQ(memcmp(buf, "first", 5), 0);
	/* Too long for the buffer: cut, the rest lost, MSG_TRUNC said. */
	memset(&m, 0, sizeof(m));
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	EXPECT_EQ(recvmsg(r, &m, 0), 2);
	EXPECT_EQ(m.msg_flags, MSG_TRUNC);
	EXPECT_EQ(memcmp(buf, "se", 2), 0);
	EXPECT_EQ(recv(r, buf, sizeof(buf), 0), 0);	/* the empty one */
	/* MSG_TRUNC asks for the whole length. */
	alen = sizeof(from);
	EXPECT_EQ(recvfrom(r, buf, 1, MSG_TRUNC, (struct sockaddr *)&from,
			   &alen), 5);
	EXPECT_EQ(alen, SUN_LEN0 + 1 + 8);
	EXPECT_EQ(memcmp(from.sun_path + 1, "toro-dgs", 8), 0);
	EXPECT_ERR(recv(r, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* The sender's address answers it. */
	EXPECT_EQ(sendto(r, "back", 4, 0, (struct sockaddr *)&from, alen), 4);
	EXPECT_EQ(recv(named, buf, sizeof(buf), 0), 4);
	/* An unnamed sender that passes credentials is autobound. */
	int one = 1;
	EXPECT_EQ(setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)),
		  0);
	EXPECT_EQ(sendto(s, "auto", 4, 0, (struct sockaddr *)&to, len), 4);
	alen = sizeof(from);
	EXPECT_EQ(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			   &alen), 4);
	EXPECT_EQ(alen, SUN_LEN0 + 6);
	EXPECT_EQ(from.sun_path[0], 0);
	alen = sizeof(from);
	EXPECT_EQ(getsockname(s, (struct sockaddr *)&from, &alen), 0);
	EXPECT_EQ(alen, SUN_LEN0 + 6);
	close(r);
	close(s);
	close(named);
}

TEST(unix, datagram_connect_and_errors)
{
	int r = bound_abstract(SOCK_DGRAM, "toro-dgc");
	int s = socket(AF_UNIX, SOCK_DGRAM, 0), o, l, sv[2];
	struct sockaddr_un p = path_addr(PATH2);
	socklen_t len;
	struct sockaddr_un to = abstract("toro-dgc", &len);
	char buf[8];

	ASSERT_GE(r, 0);
	signal(SIGPIPE, SIG_IGN);
	EXPECT_ERR(send(s, "x", 1, 0), ENOTCONN);	/* no default peer */
	EXPECT_EQ(connect(s, (struct sockaddr *)&to, len), 0);
	EXPECT_EQ(send(s, "y", 1, 0), 1);
	EXPECT_EQ(recv(r, buf, sizeof(buf), 0), 1);
	/* More than a socket buffer holds (Linux's is 212992 bytes): one
	 * page said 54 times over, since in 4 MiB on 4 CPUs 216 KiB taken
	 * for this alone is a fair part of the memory. */
	static char page[4096];
	struct iovec pieces[54];
	struct msghdr big = { .msg_iov = pieces, .msg_iovlen = 54 };

	for (int i = 0; i < 54; i++)
		pieces[i] = (struct iovec){ page, sizeof(page) };
	EXPECT_ERR(sendmsg(s, &big, 0), EMSGSIZE);
	/* s names r as its peer; r still takes datagrams from anyone. */
	o = socket(AF_UNIX, SOCK_DGRAM, 0);
	EXPECT_EQ(sendto(o, "z", 1, 0, (struct sockaddr *)&to, len), 1);
	close(o);
	EXPECT_EQ(recv(r, buf, sizeof(buf), 0), 1);
	/* Where nobody is, or somebody of another type. */
	unlink(PATH2);
	EXPECT_ERR(sendto(s, "x", 1, 0, (struct sockaddr *)&p, sizeof(p)),
		   ENOENT);
	EXPECT_ERR(sendto(s, "x", 1, 0,
			  (struct sockaddr *)&(struct sockaddr_un){
				  .sun_family = AF_UNIX,
				  .sun_path = "\0toro-nobody" },
			  SUN_LEN0 + 12), ECONNREFUSED);
	l = bound_path(SOCK_STREAM, PATH2);
	ASSERT_GE(l, 0);
	EXPECT_ERR(sendto(s, "x", 1, 0, (struct sockaddr *)&p, sizeof(p)),
		   EPROTOTYPE);
	close(l);
	unlink(PATH2);
	/* The peer of a pair goes: refused once, then not connected. */
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	close(sv[1]);
	EXPECT_ERR(send(sv[0], "x", 1, 0), ECONNREFUSED);
	EXPECT_ERR(send(sv[0], "x", 1, 0), ENOTCONN);
	close(sv[0]);
	/* A shut sender: EPIPE, but as on Linux no SIGPIPE, which is for
	 * streams. */
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	EXPECT_EQ(shutdown(sv[0], SHUT_WR), 0);
	signal(SIGPIPE, count_sigpipe);
	sigpipes = 0;
	EXPECT_ERR(send(sv[0], "x", 1, 0), EPIPE);
	EXPECT_ERR(write(sv[0], "x", 1), EPIPE);
	EXPECT_EQ(sigpipes, 0);
	close(sv[0]);
	close(sv[1]);
	close(s);
	close(r);
	signal(SIGPIPE, SIG_DFL);
}

TEST(unix, datagram_sent_to_a_socket_connected_elsewhere)
{
	int a = bound_abstract(SOCK_DGRAM, "toro-dga");
	int b = bound_abstract(SOCK_DGRAM, "toro-dgb");
	int c = socket(AF_UNIX, SOCK_DGRAM, 0);
	socklen_t la, lb;
	struct sockaddr_un aa = abstract("toro-dga", &la);
	struct sockaddr_un ab = abstract("toro-dgb", &lb);

	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	EXPECT_EQ(connect(a, (struct sockaddr *)&ab, lb), 0);
	/* a takes datagrams from b only. */
	EXPECT_ERR(sendto(c, "x", 1, 0, (struct sockaddr *)&aa, la), EPERM);
	EXPECT_EQ(sendto(b, "x", 1, 0, (struct sockaddr *)&aa, la), 1);
	close(a);
	close(b);
	close(c);
}

TEST(unix, seqpacket_pairs_and_listeners)
{
	char buf[8];
	int sv[2], l, c, s;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	EXPECT_EQ(send(sv[0], "abc", 3, 0), 3);
	EXPECT_EQ(send(sv[0], "de", 2, 0), 2);
	EXPECT_EQ(inq(sv[1]), 5);			/* all of it queued */
	EXPECT_EQ(recv(sv[1], buf, 2, 0), 2);		/* "c" is lost */
	EXPECT_EQ(recv(sv[1], buf, sizeof(buf), 0), 2);
	EXPECT_EQ(memcmp(buf, "de", 2), 0);
	EXPECT_EQ(send(sv[0], "", 0, 0), 0);
	EXPECT_EQ(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 0);
	close(sv[1]);
	EXPECT_EQ(revents(sv[0], POLLIN | POLLOUT | POLLRDHUP),
		  POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	EXPECT_EQ(recv(sv[0], buf, sizeof(buf), 0), 0);
	EXPECT_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	close(sv[0]);
	l = bound_abstract(SOCK_SEQPACKET, "toro-seq");
	ASSERT_GE(l, 0);
	c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	EXPECT_ERR(send(c, "x", 1, 0), ENOTCONN);
	EXPECT_EQ(connect_abstract(c, "toro-seq"), 0);
	s = accept(l, NULL, NULL);
	ASSERT_GE(s, 0);
	EXPECT_EQ(send(c, "hello", 5, 0), 5);
	EXPECT_EQ(recv(s, buf, 3, MSG_TRUNC), 5);
	close(s);
	close(c);
	close(l);
}

TEST(unix, seqpacket_reset_comes_before_the_messages)
{
	char buf[8];
	int sv[2];

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	EXPECT_EQ(send(sv[0], "ab", 2, 0), 2);
	EXPECT_EQ(send(sv[1], "cd", 2, 0), 2);
	close(sv[1]);		/* "ab" unread */
	EXPECT_EQ(revents(sv[0], POLLIN | POLLOUT),
		  POLLIN | POLLOUT | POLLERR | POLLHUP);
	EXPECT_ERR(recv(sv[0], buf, sizeof(buf), 0), ECONNRESET);
	EXPECT_EQ(recv(sv[0], buf, sizeof(buf), 0), 2);
	EXPECT_EQ(recv(sv[0], buf, sizeof(buf), 0), 0);
	close(sv[0]);
	/* A send is told first too. */
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	EXPECT_EQ(send(sv[0], "ab", 2, 0), 2);
	close(sv[1]);
	EXPECT_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), ECONNRESET);
	EXPECT_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	close(sv[0]);
}

TEST(unix, datagram_shutdown_and_dissolved_association)
{
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	struct sockaddr_un got;
	socklen_t la, len = sizeof(got);
	struct sockaddr_un aa = abstract("toro-dsa", &la);
	int a = bound_abstract(SOCK_DGRAM, "toro-dsa");
	int b = bound_abstract(SOCK_DGRAM, "toro-dsb");
	int c = socket(AF_UNIX, SOCK_DGRAM, 0), sv[2];
	char buf[4];

	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	EXPECT_EQ(connect_abstract(a, "toro-dsb"), 0);
	/* a takes from b alone: nobody else may make it a peer either. */
	EXPECT_ERR(connect(c, (struct sockaddr *)&aa, la), EPERM);
	/* AF_UNSPEC undoes a datagram socket's connect(). */
	EXPECT_EQ(connect(a, &unspec, sizeof(unspec)), 0);
	EXPECT_ERR(send(a, "x", 1, 0), ENOTCONN);
	EXPECT_ERR(getpeername(a, (struct sockaddr *)&got, &len), ENOTCONN);
	EXPECT_EQ(connect(c, (struct sockaddr *)&aa, la), 0);
	close(a);
	close(b);
	close(c);
	/* A socket shut for reading refuses datagrams; a blocking read
	 * ends, a non-blocking one finds nothing, as on Linux. */
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	EXPECT_EQ(shutdown(sv[1], SHUT_RD), 0);
	EXPECT_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	EXPECT_EQ(revents(sv[1], POLLIN | POLLOUT | POLLRDHUP),
		  POLLIN | POLLOUT | POLLRDHUP);
	EXPECT_EQ(revents(sv[0], POLLIN | POLLOUT | POLLRDHUP), POLLOUT);
	EXPECT_EQ(recv(sv[1], buf, sizeof(buf), 0), 0);
	EXPECT_ERR(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	close(sv[0]);
	close(sv[1]);
}

TEST(unix, datagram_reconnect_drops_what_was_received)
{
	/* As on Linux (unix_dgram_disconnected()): a datagram socket that
	 * connects to another peer, or to none, loses what it had
	 * received; connecting to the same one again keeps it. */
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	int a = bound_abstract(SOCK_DGRAM, "toro-dra");
	int b = bound_abstract(SOCK_DGRAM, "toro-drb");
	int c = bound_abstract(SOCK_DGRAM, "toro-drc");
	char buf[4];

	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	ASSERT_GE(c, 0);
	EXPECT_EQ(connect_abstract(a, "toro-drb"), 0);
	EXPECT_EQ(connect_abstract(b, "toro-dra"), 0);
	EXPECT_EQ(send(b, "x", 1, 0), 1);
	EXPECT_EQ(send(b, "y", 1, 0), 1);
	EXPECT_EQ(connect_abstract(a, "toro-drb"), 0);
	EXPECT_EQ(recv(a, buf, sizeof(buf), MSG_DONTWAIT), 1);
	EXPECT_EQ(buf[0], 'x');
	EXPECT_EQ(connect_abstract(a, "toro-drc"), 0);
	EXPECT_EQ(revents(a, POLLIN), 0);
	EXPECT_ERR(recv(a, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	EXPECT_ERR(send(b, "z", 1, 0), EPERM);	/* a takes from c alone */
	EXPECT_EQ(connect_abstract(c, "toro-dra"), 0);
	EXPECT_EQ(send(c, "w", 1, 0), 1);
	EXPECT_EQ(connect(a, &unspec, sizeof(unspec)), 0);
	EXPECT_ERR(recv(a, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	close(a);
	close(b);
	close(c);
}

/* --- options, readiness ---------------------------------------------- */

TEST(unix, options)
{
	struct timeval tv = { 0, 40000 }, got;
	struct ucred cred;
	socklen_t len;
	int sv[2], v;
	uint64_t t0;
	char c;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	len = sizeof(cred);
	EXPECT_EQ(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cred, &len), 0);
	EXPECT_EQ(len, sizeof(cred));
	EXPECT_EQ(cred.pid, getpid());
	EXPECT_EQ(cred.uid, getuid());
	EXPECT_EQ(cred.gid, getgid());
	EXPECT_EQ(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
		  0);
	len = sizeof(got);
	EXPECT_EQ(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &got, &len), 0);
	EXPECT_EQ(got.tv_sec, 0);
	EXPECT_GE(got.tv_usec, 40000);
	t0 = now_ns();
	EXPECT_ERR(recv(sv[0], &c, 1, 0), EAGAIN);
	EXPECT_GE(now_ns() - t0, 40 * MS);
	len = sizeof(v);
	EXPECT_EQ(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &v, &len), 0);
	EXPECT_EQ(v, 0);
	len = sizeof(v);
	EXPECT_EQ(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &len), 0);
	EXPECT_GT(v, 0);
	len = sizeof(v);
	EXPECT_EQ(getsockopt(sv[0], SOL_SOCKET, SO_ACCEPTCONN, &v, &len), 0);
	EXPECT_EQ(v, 0);
	v = 1;
	EXPECT_EQ(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &v, sizeof(v)),
		  0);
	len = sizeof(v);
	EXPECT_EQ(getsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &v, &len), 0);
	EXPECT_EQ(v, 1);
	/* TCP's options are not for these sockets. */
	EXPECT_ERR(setsockopt(sv[0], IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)),
		   EOPNOTSUPP);
	EXPECT_ERR(setsockopt(sv[0], SOL_SOCKET, 12345, &v, sizeof(v)),
		   ENOPROTOOPT);
	/* No level but SOL_SOCKET's has options here. */
	EXPECT_ERR(setsockopt(sv[0], 77, 1, &v, sizeof(v)), EOPNOTSUPP);
	len = sizeof(v);
	EXPECT_ERR(getsockopt(sv[0], 77, 1, &v, &len), EOPNOTSUPP);
	close(sv[0]);
	close(sv[1]);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	len = sizeof(v);
	EXPECT_EQ(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len), 0);
	EXPECT_EQ(v, SOCK_DGRAM);
	close(sv[0]);
	close(sv[1]);
}

TEST(unix, readiness_of_listeners_and_unconnected_sockets)
{
	int l = bound_abstract(SOCK_STREAM, "toro-rdy"), s, n, v = 1;
	socklen_t len = sizeof(v);

	ASSERT_GE(l, 0);
	EXPECT_EQ(revents(l, POLLIN | POLLOUT), 0);	/* never writable */
	EXPECT_ERR(ioctl(l, FIONREAD, &n), EINVAL);
	EXPECT_ERR(getsockopt(l, IPPROTO_TCP, TCP_NODELAY, &v, &len),
		   EOPNOTSUPP);
	/* A listener shut for reading takes no more connections. */
	EXPECT_EQ(shutdown(l, SHUT_RD), 0);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_ERR(connect_abstract(s, "toro-rdy"), ECONNREFUSED);
	close(s);
	close(l);
	/* Not connected: hung up, yet "writable" (the call says why). */
	s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	EXPECT_EQ(revents(s, POLLIN | POLLOUT), POLLOUT | POLLHUP);
	close(s);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_EQ(shutdown(s, SHUT_RDWR), 0);
	EXPECT_EQ(revents(s, POLLIN | POLLOUT | POLLRDHUP),
		  POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	close(s);
	/* SOCK_RAW is a datagram socket on Linux's AF_UNIX. */
	s = socket(AF_UNIX, SOCK_RAW, 0);
	EXPECT_GE(s, 0);
	len = sizeof(v);
	EXPECT_EQ(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len), 0);
	EXPECT_EQ(v, SOCK_DGRAM);
	close(s);
}

TEST(unix, readiness_in_epoll)
{
	struct epoll_event e, out[4];
	int ep = epoll_create1(0), l = bound_abstract(SOCK_STREAM, "toro-ep");
	int c, s;
	char buf[8];

	ASSERT_GE(ep, 0);
	ASSERT_GE(l, 0);
	e = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 1 };
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, l, &e), 0);
	EXPECT_EQ(epoll_wait(ep, out, 4, 0), 0);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_EQ(connect_abstract(c, "toro-ep"), 0);	/* or accept waits */
	EXPECT_EQ(epoll_wait(ep, out, 4, 0), 1);
	EXPECT_EQ(out[0].data.u64, 1);
	s = accept(l, NULL, NULL);
	ASSERT_GE(s, 0);
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_DEL, l, NULL), 0);
	e = (struct epoll_event){ .events = EPOLLIN | EPOLLRDHUP | EPOLLET,
				  .data.u64 = 2 };
	EXPECT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, s, &e), 0);
	EXPECT_EQ(epoll_wait(ep, out, 4, 0), 0);
	EXPECT_EQ(write(c, "ab", 2), 2);
	EXPECT_EQ(epoll_wait(ep, out, 4, 0), 1);
	EXPECT_EQ(out[0].events, EPOLLIN);
	EXPECT_EQ(epoll_wait(ep, out, 4, 0), 0);	/* edge-triggered */
	EXPECT_EQ(read(s, buf, sizeof(buf)), 2);
	close(c);
	EXPECT_EQ(epoll_wait(ep, out, 4, 0), 1);
	EXPECT_EQ(out[0].events, EPOLLIN | EPOLLRDHUP | EPOLLHUP);
	close(s);
	close(l);
	close(ep);
}

/* --- every wrong argument -------------------------------------------- */

TEST(unix, socket_and_socketpair_errors)
{
	int sv[2], s;

	s = socket(AF_UNIX, SOCK_STREAM, PF_UNIX);	/* its own protocol */
	EXPECT_GE(s, 0);
	close(s);
	EXPECT_ERR(socket(AF_UNIX, SOCK_STREAM, 2), EPROTONOSUPPORT);
	EXPECT_ERR(socket(AF_UNIX, SOCK_RDM, 0), ESOCKTNOSUPPORT);
	EXPECT_ERR(socket(AF_UNIX, 99, 0), EINVAL);
	EXPECT_ERR(socket(AF_UNIX, SOCK_STREAM | 0x100, 0), EINVAL);
	EXPECT_ERR(socketpair(AF_UNIX, SOCK_STREAM, 2, sv), EPROTONOSUPPORT);
	EXPECT_ERR(socketpair(AF_UNIX, SOCK_RDM, 0, sv), ESOCKTNOSUPPORT);
	EXPECT_ERR(socketpair(AF_UNIX, SOCK_STREAM, 0, NULL), EFAULT);
}

TEST(unix, bind_errors)
{
	struct sockaddr_in in4 = { .sin_family = AF_INET };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	socklen_t len;
	struct sockaddr_un a = abstract("toro-bind", &len), big;
	int s = socket(AF_UNIX, SOCK_STREAM, 0), t, p[2];

	ASSERT_GE(s, 0);
	EXPECT_ERR(bind(s, (struct sockaddr *)&a, 1), EINVAL);
	EXPECT_ERR(bind(s, (struct sockaddr *)&a, 0), EINVAL);
	EXPECT_ERR(bind(s, (struct sockaddr *)&a, sizeof(a) + 1), EINVAL);
	EXPECT_ERR(bind(s, NULL, len), EFAULT);
	EXPECT_ERR(bind(s, (struct sockaddr *)&in4, sizeof(in4)), EINVAL);
	EXPECT_ERR(bind(s, (struct sockaddr *)&in6, sizeof(in6)), EINVAL);
	EXPECT_EQ(bind(s, (struct sockaddr *)&a, len), 0);
	EXPECT_ERR(bind(s, (struct sockaddr *)&a, len), EINVAL);	/* again */
	t = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_ERR(bind(t, (struct sockaddr *)&a, len), EADDRINUSE);
	/* An abstract name may fill sun_path, all 108 bytes. */
	memset(&big, 'p', sizeof(big));
	big.sun_family = AF_UNIX;
	big.sun_path[0] = '\0';
	EXPECT_EQ(bind(t, (struct sockaddr *)&big, sizeof(big)), 0);
	close(t);
	close(s);
	ASSERT_EQ(pipe(p), 0);
	EXPECT_ERR(bind(p[0], (struct sockaddr *)&a, len), ENOTSOCK);
	close(p[0]);
	close(p[1]);
	EXPECT_ERR(bind(999, (struct sockaddr *)&a, len), EBADF);
}

TEST(unix, listen_and_accept_errors)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0), t, d, sv[2];

	ASSERT_GE(s, 0);
	/* Nothing to connect to: Linux wants a name first. */
	EXPECT_ERR(listen(s, 1), EINVAL);
	t = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	EXPECT_ERR(accept(t, NULL, NULL), EINVAL);	/* not listening */
	EXPECT_ERR(accept4(t, NULL, NULL, 0x40000000), EINVAL);
	d = socket(AF_UNIX, SOCK_DGRAM, 0);
	EXPECT_ERR(listen(d, 1), EOPNOTSUPP);
	EXPECT_ERR(accept(d, NULL, NULL), EOPNOTSUPP);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_ERR(listen(sv[0], 1), EINVAL);		/* connected */
	close(sv[0]);
	close(sv[1]);
	close(d);
	close(t);
	close(s);
}

TEST(unix, connect_errors)
{
	struct sockaddr_in in4 = { .sin_family = AF_INET };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	struct sockaddr_un p = path_addr(PATH2);
	socklen_t len;
	struct sockaddr_un a = abstract("toro-conn", &len);
	int s = socket(AF_UNIX, SOCK_STREAM, 0), l, d, c, sv[2];

	ASSERT_GE(s, 0);
	unlink(PATH2);
	EXPECT_ERR(connect(s, (struct sockaddr *)&p, sizeof(p)), ENOENT);
	EXPECT_ERR(connect(s, (struct sockaddr *)&a, len), ECONNREFUSED);
	EXPECT_ERR(connect(s, (struct sockaddr *)&a, sizeof(sa_family_t)),
		   EINVAL);
	EXPECT_ERR(connect(s, (struct sockaddr *)&a, 1), EINVAL);
	EXPECT_ERR(connect(s, NULL, len), EFAULT);
	EXPECT_ERR(connect(s, (struct sockaddr *)&in4, sizeof(in4)), EINVAL);
	EXPECT_ERR(connect(s, (struct sockaddr *)&in6, sizeof(in6)), EINVAL);
	/* Bound but not listening: refused. */
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_EQ(bind(c, (struct sockaddr *)&a, len), 0);
	EXPECT_ERR(connect(s, (struct sockaddr *)&a, len), ECONNREFUSED);
	close(c);
	/* Another type behind the path. */
	d = bound_path(SOCK_DGRAM, PATH2);
	ASSERT_GE(d, 0);
	EXPECT_ERR(connect(s, (struct sockaddr *)&p, sizeof(p)), EPROTOTYPE);
	close(d);
	unlink(PATH2);
	/* Connected already; a listener connecting. */
	l = bound_abstract(SOCK_STREAM, "toro-conn");
	ASSERT_GE(l, 0);
	EXPECT_EQ(connect(s, (struct sockaddr *)&a, len), 0);
	EXPECT_ERR(connect(s, (struct sockaddr *)&a, len), EISCONN);
	EXPECT_ERR(connect(l, (struct sockaddr *)&a, len), EINVAL);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	EXPECT_ERR(connect(sv[0], (struct sockaddr *)&a, len), EISCONN);
	close(sv[0]);
	close(sv[1]);
	close(l);
	close(s);
}

TEST(unix, send_recv_and_name_errors)
{
	struct sockaddr_un a;
	socklen_t len = sizeof(a);
	int s = socket(AF_UNIX, SOCK_STREAM, 0), sv[2];
	char buf[4];

	ASSERT_GE(s, 0);
	EXPECT_ERR(send(s, "x", 1, 0), ENOTCONN);
	EXPECT_ERR(write(s, "x", 1), ENOTCONN);
	EXPECT_ERR(recv(s, buf, 1, 0), EINVAL);	/* Linux's, for streams */
	EXPECT_ERR(read(s, buf, 1), EINVAL);
	EXPECT_ERR(getpeername(s, (struct sockaddr *)&a, &len), ENOTCONN);
	EXPECT_ERR(getsockname(s, NULL, &len), EFAULT);
	/* Shutting an unconnected socket down is no error on Linux. */
	EXPECT_EQ(shutdown(s, SHUT_RDWR), 0);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	a = path_addr(PATH2);
	EXPECT_ERR(sendto(sv[0], "x", 1, 0, (struct sockaddr *)&a, sizeof(a)),
		   EISCONN);
	EXPECT_ERR(send(sv[0], NULL, 1, 0), EFAULT);
	close(sv[0]);
	close(sv[1]);
	close(s);
}

