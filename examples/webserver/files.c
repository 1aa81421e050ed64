// SPDX-License-Identifier: MIT
/*
 * Request target -> file under the document root. The path is
 * percent-decoded first and then checked segment by segment, so `..` is
 * refused however it is spelled (`%2e%2e`, `.%2E`); `.` and empty
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

/* Decodes (n) bytes of (src) into (dst), which holds n + 1. */
static int percent_decode(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (src[i] != '%') {
			*dst++ = src[i];
			continue;
		}
		if (i + 2 >= n)
			return -1;
		int hi = hex((unsigned char)src[i + 1]);
		int lo = hi < 0 ? -1 : hex((unsigned char)src[i + 2]);

		if (lo < 0 || (hi == 0 && lo == 0))
			return -1;	/* bad escape, or a NUL */
		*dst++ = (char)(hi << 4 | lo);
		i += 2;
	}
	*dst = '\0';
	return 0;
}

/*
 * Appends the decoded path's segments to (out) (which holds the root),
 * each behind a '/'. Returns 0, or -1 for `..` or a path too long.
 */
static int join_segments(char *out, size_t size, char *path)
{
	size_t len = strlen(out);
	char *save = NULL;

	for (char *seg = strtok_r(path, "/", &save); seg;
	     seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0)
			return -1;
		size_t n = strlen(seg);

		if (len + 1 + n + 1 > size)
			return -1;
		out[len++] = '/';
		memcpy(out + len, seg, n + 1);
		len += n;
	}
	return 0;
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
	char decoded[WEB_URI_MAX + 1];
	char full[4096 + 32];
	size_t plen = path_len(target);

	f->fd = -1;
	f->cached = 0;
	f->reply = NULL;
	f->location = NULL;
	/* Only origin-form ("/path"); no proxy forms. */
	if (target[0] != '/' || plen > WEB_URI_MAX)
		return 400;
	if (percent_decode(decoded, target, plen))
		return 400;
	int dir_form = decoded[strlen(decoded) - 1] == '/';

	if (strlen(web_config.root) >= sizeof(full))
		return 500;
	strcpy(full, web_config.root);
	if (join_segments(full, sizeof(full) - 16, decoded))
		return 400;
	if (full[0] == '\0')
		strcpy(full, "/");

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
	strcat(full, full[strlen(full) - 1] == '/' ? "index.html"
						     : "/index.html");
	status = open_file(full, f);
	return status ? status : 404;	/* index.html a directory */
}
