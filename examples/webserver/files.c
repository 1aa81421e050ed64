// SPDX-License-Identifier: MIT
/*
 * Request target -> file under the document root. The path is checked
 * segment by segment as it is percent-decoded, so `..` is refused
 * however it is spelled (`%2e%2e`, `.%2E`); `.` and empty
 * segments are dropped. A directory is served through its index.html; a
 * directory named without its trailing slash is answered with a 301 to
 * the slash form, so that relative links in its index resolve inside it
 * (what nginx and Apache do).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "web.h"

static int hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One byte of the path at (*src), percent-decoded; (*src) moves past it.
 * -1 for a bad escape or an escaped NUL. */
static int decoded_byte(const char **src, const char *end)
{
	const char *s = *src;

	if (*s != '%') {
		*src = s + 1;
		return (unsigned char)*s;
	}
	if (end - s < 3)
		return -1;
	int hi = hex((unsigned char)s[1]);
	int lo = hi < 0 ? -1 : hex((unsigned char)s[2]);

	if (lo < 0 || (hi == 0 && lo == 0))
		return -1;
	*src = s + 3;
	return hi << 4 | lo;
}

/*
 * Appends the path of (n) bytes at (src) to the root in (out)[0..len),
 * decoded, segment by segment, each behind a '/', in one pass (a decoded
 * '/', from %2F, separates segments too). Returns the new length, or -1
 * for `..`, a bad escape or a path that does not fit (size).
 * (*dir_form): whether the decoded path ends with a '/'.
 */
static long join_path(char *out, size_t len, size_t size, const char *src,
		      size_t n, int *dir_form)
{
	const char *end = src + n;
	size_t seg = len + 1, at = seg;	/* the segment being copied */
	int c = '/', done;

	if (seg >= size)
		return -1;
	out[len] = '/';
	do {
		done = src == end;
		if (done)
			*dir_form = c == '/';	/* c: the last byte */
		else if ((c = decoded_byte(&src, end)) < 0)
			return -1;
		if (at + 2 > size)
			return -1;
		if (!done && c != '/') {
			out[at++] = (char)c;
			continue;
		}
		/* A segment's end: empty and "." are dropped, ".." refused. */
		if (at - seg == 2 && out[seg] == '.' && out[seg + 1] == '.')
			return -1;
		if (at == seg || (at - seg == 1 && out[seg] == '.'))
			at = seg;
		else
			out[at++] = '/', seg = at;
	} while (!done);
	out[seg - 1] = '\0';	/* the last '/' */
	return (long)(seg - 1);
}

static int open_error(int err)
{
	if (err == ENOENT || err == ENOTDIR || err == ENAMETOOLONG)
		return 404;
	if (err == EACCES || err == EPERM)
		return 403;
	return 500;
}

/* (f) from the cache's entry (e): 200 for a file, 0 for a directory. */
static int from_cache(const struct web_cached *e, struct web_file *f)
{
	if (e->dir)
		return 0;
	f->fd = e->fd;
	f->cached = 1;
	f->size = e->size;
	f->ctype = e->ctype;
	f->reply = e->reply;
	f->reply_head = e->reply_head;
	return 200;
}

/* Opens (full): 200 with (f) filled for a regular file, 0 for a
 * directory, else an error status. One path lookup for a file: the open
 * and the descriptor's status, not a stat() of the path first; none when
 * the cache has it. */
static int open_file(const char *full, struct web_file *f)
{
	const struct web_cached *e = web_cache_find(full);
	struct stat st;
	int fd;

	if (e)
		return from_cache(e, f);
	fd = open(full, O_RDONLY);
	if (fd < 0)
		return errno == EISDIR ? 0 : open_error(errno);
	if (fstat(fd, &st) < 0)
		st.st_mode = 0;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		close(fd);
		return 404;
	}
	e = web_cache_add(full, fd, &st, web_content_type(full));
	if (e) {
		if (e->fd != fd)
			close(fd);	/* a directory's */
		return from_cache(e, f);
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return 0;
	}
	f->fd = fd;
	f->size = st.st_size;
	f->ctype = web_content_type(full);
	return 200;
}

/* How much of (target) is its path, before a query or a fragment. By
 * hand: strcspn() of two bytes builds a table of them first. */
static size_t path_len(const char *target)
{
	size_t n = 0;

	while (target[n] && target[n] != '?' && target[n] != '#')
		n++;
	return n;
}

int web_file_open(const char *target, struct web_file *f)
{
	char full[4096 + 32];
	size_t plen = path_len(target), root = strlen(web_config.root);
	int dir_form;
	long len;

	f->fd = -1;
	f->cached = 0;
	f->reply = NULL;
	f->location = NULL;
	/* Only origin-form ("/path"); no proxy forms. */
	if (target[0] != '/' || plen > WEB_URI_MAX)
		return 400;
	if (root >= sizeof(full))
		return 500;
	memcpy(full, web_config.root, root);
	len = join_path(full, root, sizeof(full) - 16, target, plen,
			&dir_form);
	if (len < 0)
		return 400;
	if (len == 0)
		memcpy(full, "/", (size_t)(len = 1) + 1);

	int status = open_file(full, f);

	if (status)
		return status;
	if (!dir_form) {
		/* The raw path (still encoded) plus '/', query kept. */
		size_t n = strlen(target) + sizeof("Location: /\r\n");

		if (!(f->location = malloc(n)))
			return 500;
		snprintf(f->location, n, "Location: %.*s/%s\r\n", (int)plen,
			 target, target + plen);
		return 301;
	}
	strcpy(full + len, full[len - 1] == '/' ? "index.html"
						  : "/index.html");
	status = open_file(full, f);
	return status ? status : 404;	/* index.html a directory */
}
