// SPDX-License-Identifier: MIT
/*
 * The names of AF_UNIX sockets (unix.c): a path or an abstract name (a
 * leading NUL), kept in a table here. Binding to a path makes a socket
 * node there, as on Linux: the file stays after the socket closes, until
 * unlink(), a second bind() to it fails with EADDRINUSE, and connect()
 * finds the socket by the node (device and inode), whatever path names
 * it. Where no filesystem can hold the node (nothing mounted there,
 * read-only), the path is a name in the table alone, free again when its
 * socket closes.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <kernel/vfs.h>
#include <toro/sync.h>

#include "unix_impl.h"

/* The name table: every named socket, under one mutex. */
static struct mutex names_lock;
static struct unix_sock *names;

static bool same_name(const struct sock_addr *a, const struct sock_addr *b)
{
	return a->len == b->len && !memcmp(a->path, b->path, a->len);
}

/* (names_lock) held: a name that is not a node. */
static struct unix_sock *find_name(const struct sock_addr *a)
{
	for (struct unix_sock *u = names; u; u = u->tnext)
		if (!u->has_node && same_name(&u->name, a))
			return u;
	return NULL;
}

/* (names_lock) held: the socket bound to the node (st). */
static struct unix_sock *find_node(const struct stat *st)
{
	for (struct unix_sock *u = names; u; u = u->tnext)
		if (u->has_node && u->node_dev == st->st_dev &&
		    u->node_ino == st->st_ino)
			return u;
	return NULL;
}

/* (u) is closing: its name is free again (a node stays). */
void unix_unname(struct unix_sock *u)
{
	mutex_lock(&names_lock);
	if (u->named) {
		struct unix_sock **p = &names;

		while (*p != u)
			p = &(*p)->tnext;
		*p = u->tnext;
		u->named = false;
	}
	mutex_unlock(&names_lock);
}

/* The bound socket named (a), with a reference on its file (put it), or
 * NULL with (*err): -ENOENT (no such name), -ECONNREFUSED (a node no
 * socket is bound to, or not a socket). */
struct unix_sock *unix_lookup(const struct sock_addr *a, int *err)
{
	struct stat st;
	bool node = a->path[0] && vfs_stat(a->path, &st) == 0;

	if (node && !S_ISSOCK(st.st_mode)) {
		*err = -ECONNREFUSED;
		return NULL;
	}
	mutex_lock(&names_lock);
	struct unix_sock *u = node ? find_node(&st) : find_name(a);

	if (u)
		vfs_file_get(u->file);
	else
		*err = node || !a->path[0] ? -ECONNREFUSED : -ENOENT;
	mutex_unlock(&names_lock);
	return u;
}

/* Makes the node of path name (a) for a bind(): 0 with (*st) filled in,
 * 1 when no filesystem can hold it, -EADDRINUSE if the path exists. */
static int make_node(const struct sock_addr *a, struct stat *st)
{
	int rc = vfs_mknod(a->path, S_IFSOCK | 0755);

	if (rc == -EEXIST)
		return -EADDRINUSE;
	if (rc == 0)
		rc = vfs_stat(a->path, st);
	return rc == 0 ? 0 : 1;
}

/* A name as it is compared: a path up to its NUL, an abstract name as
 * given. -EINVAL for an empty one. */
int unix_normalise(const struct sock_addr *in, struct sock_addr *out)
{
	*out = *in;
	if (in->family != SOCK_FAMILY_UNIX)
		return -EINVAL;
	if (in->len == 0)
		return -EINVAL;
	if (in->path[0] != '\0') {
		out->len = strnlen(in->path, in->len);
		memset(out->path + out->len, 0, sizeof(out->path) - out->len);
	}
	return 0;
}

/* An unnamed socket that must be reachable (bind() of the family alone,
 * a sender passing credentials) gets an abstract name of its own, as
 * Linux's autobind does. (u)'s lock held. */
void unix_autobind(struct unix_sock *u)
{
	static unsigned next;
	struct sock_addr a = { .family = SOCK_FAMILY_UNIX, .len = 6 };

	if (u->named)
		return;
	mutex_lock(&names_lock);
	do {
		unsigned n = __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED);

		for (int i = 0; i < 5; i++)
			a.path[1 + i] = "0123456789abcdef"[(n >> (4 * i)) & 15];
	} while (find_name(&a));
	u->name = a;
	u->named = true;
	u->tnext = names;
	names = u;
	mutex_unlock(&names_lock);
}

int unix_bind(struct vfs_file *f, const struct sock_addr *addr)
{
	struct unix_sock *u = us(f);
	struct sock_addr a;
	int rc = 0;

	if (addr->family != SOCK_FAMILY_UNIX)
		return -EINVAL;
	mutex_lock(&u->lock);
	if (u->named) {
		rc = -EINVAL;
	} else if (addr->len == 0) {
		unix_autobind(u);
	} else if ((rc = unix_normalise(addr, &a)) == 0) {
		struct stat st;
		int node = a.path[0] ? make_node(&a, &st) : 1;

		mutex_lock(&names_lock);
		if (node < 0 || (node && find_name(&a))) {
			rc = node < 0 ? node : -EADDRINUSE;
		} else {
			u->name = a;
			u->named = true;
			u->has_node = node == 0;
			u->node_dev = st.st_dev;
			u->node_ino = st.st_ino;
			u->tnext = names;
			names = u;
		}
		mutex_unlock(&names_lock);
	}
	mutex_unlock(&u->lock);
	return rc;
}

/* getsockname() and getpeername(). */
int unix_name(struct vfs_file *f, struct sock_addr *a, bool peer)
{
	struct unix_sock *u = us(f);

	mutex_lock(&u->lock);
	if (peer && u->state != UNIX_CONNECTED) {
		mutex_unlock(&u->lock);
		return -ENOTCONN;
	}
	*a = peer ? u->peer_name : u->name;
	mutex_unlock(&u->lock);
	return 0;
}
