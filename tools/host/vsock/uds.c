// SPDX-License-Identifier: MIT
/*
 * Firecracker's hybrid vsock convention (its docs/vsock.md), so that host
 * programs written for Firecracker work unchanged: a host program
 * connects to PATH and writes "CONNECT <port>\n"; once the guest accepts
 * it reads "OK <host port>\n" and then the guest's bytes. A guest that
 * connects to the host (CID 2) on port P reaches the Unix socket
 * listening at "PATH_P".
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vsock.h"

#define LINE_MAX_LEN 32 /* "CONNECT 4294967295\n" fits */

const char *uds_path;
static struct ev listen_ev = {EV_UDS_LISTEN, -1};

/* A socket left by an earlier run goes; anything else at (path) stays
 * and is an error. */
int unlink_socket(const char *path)
{
	struct stat st;
	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	return unlink(path) ? -errno : 0;
}

int uds_listen(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) + 12 >= sizeof(a.sun_path))
		return -ENAMETOOLONG; /* PATH_<port> must fit too */
	strcpy(a.sun_path, path);
	int rc = unlink_socket(path);
	if (rc)
		return rc;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 128)) {
		int e = errno;
		close(fd);
		return -e;
	}
	uds_path = path;
	listen_ev.fd = fd;
	return ev_add(&listen_ev, EPOLLIN);
}

void uds_accept(struct ev *e)
{
	for (;;) {
		int fd = accept4(e->fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (conn_from_host(fd, true, 0))
			close(fd);
	}
}

/* Read "CONNECT <port>\n" and nothing after it (the bytes that follow
 * are the guest's): the port, -EAGAIN for more, -EINVAL if it is not. */
int uds_read_connect(int fd)
{
	char line[LINE_MAX_LEN + 1];
	ssize_t n = recv(fd, line, LINE_MAX_LEN, MSG_PEEK);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? -EAGAIN : -EINVAL;
	if (n == 0)
		return -EINVAL; /* gone before it said anything */
	char *nl = memchr(line, '\n', n);
	if (!nl)
		return n == LINE_MAX_LEN ? -EINVAL : -EAGAIN;
	size_t len = nl - line + 1;
	if (recv(fd, line, len, 0) != (ssize_t)len)
		return -EINVAL;
	line[len - 1] = '\0';
	if (len >= 2 && line[len - 2] == '\r')
		line[len - 2] = '\0';
	char *end;
	if (strncmp(line, "CONNECT ", 8) || !line[8] || line[8] == '-')
		goto bad;
	errno = 0;
	unsigned long port = strtoul(line + 8, &end, 10);
	if (*end || errno || port > INT_MAX)
		goto bad;
	return port;
bad:
	warnx_rl("%s: expected \"CONNECT <port>\", got \"%s\"", uds_path, line);
	return -EINVAL;
}

/* Connect to PATH_<port> without blocking: 0 and *fd if connected,
 * -EAGAIN if its backlog is full, else why not. */
int uds_connect_port(uint32_t port, int *fd)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof(a.sun_path), "%s_%u", uds_path, port);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (connect(s, (struct sockaddr *)&a, sizeof(a))) {
		int e = errno;
		if (e == EINPROGRESS) {
			*fd = s;
			return -EINPROGRESS;
		}
		close(s);
		return -e;
	}
	*fd = s;
	return 0;
}
