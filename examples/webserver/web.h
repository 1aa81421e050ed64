/* SPDX-License-Identifier: MIT */
/*
 * Declarations shared by the files of the web server example. Plain POSIX
 * (sockets, pthreads, open/read/fstat), so the same files build for Toro
 * and for the Linux host.
 */
#ifndef WEB_H
#define WEB_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define WEB_HEAD_MAX	8192	/* request line + headers; beyond: 413 */
#define WEB_URI_MAX	2048	/* request target; beyond: 414 */
#define WEB_BODY_MAX	(1 << 20) /* request bodies we read and drop */
/* A file of at most this many bytes is sent in one call with its head
 * (conn.c), and kept in memory by the open-file cache (file_cache.c). */
#define WEB_BODY_INLINE	896
#define WEB_REPLY_HEAD_MAX 512	/* a 200's head, at most */
#define WEB_CACHE_MAX	128	/* files and directories kept */

/* main.c: the options, set once before any worker starts. */
struct web_config {
	const char *root;	/* document root, without a trailing '/' */
	int port;		/* TCP; 0: none */
	long vsock_port;	/* AF_VSOCK; -1: none */
	int timeout_s;		/* a request must arrive within this */
	const char *quit_path;	/* test-only: GET of it ends the server */
	long workers;		/* CPUs accepting a socket's clients; 0: all */
};
extern struct web_config web_config;

/* conn.c: one connection, from accept to close; takes (fd) over. */
void web_conn_start(int fd);

/* http_parse.c */
enum web_method { WEB_GET, WEB_HEAD, WEB_OTHER };

struct web_request {
	enum web_method method;
	char *target;		/* NUL-terminated, inside the head buffer */
	int minor;		/* HTTP/1.(minor) */
	int keep_alive;		/* what the client asked for, by version */
	long long body_len;	/* Content-Length, 0 without one */
	int chunked;		/* Transfer-Encoding was given */
};

/* Finds the end of a request head in (buf)[0..len): returns its length
 * including the blank line, 0 while incomplete, -1 for a bare LF. */
long web_head_end(const char *buf, size_t len);
/* Parses (len) bytes of head in place (it writes NULs into it). Returns 0,
 * or the HTTP status to answer with: 400, 414, 505. */
int web_parse(char *head, size_t len, struct web_request *req);

/* http_reply.c */
const char *web_status_text(int status);
/* Sends all of (buf) with send()'s (flags); 0, or -1 when the client is
 * gone or too slow. */
int web_send_all(int fd, const void *buf, size_t n, int flags);
/* Formats a response head into (buf)[0..size): returns its length, or -1
 * if it does not fit. (extra) is "" or whole "Name: value\r\n" lines. */
int web_format_head(char *buf, size_t size, int status, const char *ctype,
		    long long length, int keep_alive, const char *extra);
/* Sends a complete error response with a small HTML body (none for a
 * HEAD). Returns as web_send_all(). */
int web_send_error(int fd, int status, int keep_alive, int head_only,
		   const char *extra);

/* files.c: request target -> open file. */
struct web_file {
	int fd;			/* open for reading, or -1 */
	int cached;		/* fd is the cache's: not to be closed */
	long long size;
	const char *ctype;
	/* The cache's answer to a keep-alive GET, head then all (size)
	 * bytes, if it has one; (reply_head) bytes of head. */
	const char *reply;
	size_t reply_head;
	/* For a 301: the whole header line, "Location: URI\r\n", from
	 * malloc(): the caller frees it. NULL for other statuses. */
	char *location;
};
/* Returns 200 with (f->fd) open, 301 with (f->location) set, or an error
 * status (400, 403, 404, 500). Small, for the caller's stack. */
int web_file_open(const char *target, struct web_file *f);

/* file_cache.c: open files and directories on read-only mounts, kept by
 * path. The entries never change. */
struct web_cached {
	const char *path;
	int fd;			/* -1 for a directory */
	int dir;
	long long size;
	const char *ctype;
	/* A file of at most WEB_BODY_INLINE bytes: its whole answer to a
	 * keep-alive GET, (reply_head) bytes of head then its bytes. NULL
	 * for others. */
	const char *reply;
	size_t reply_head;
};
const struct web_cached *web_cache_find(const char *path);
/* Keeps (path), open as (fd) with status (st), if its mount is read-only
 * and there is room. The entry made holds (fd) for a file; the caller
 * closes (fd) otherwise (NULL, or a directory). */
const struct web_cached *web_cache_add(const char *path, int fd,
				       const struct stat *st,
				       const char *ctype);

/* mime.c */
const char *web_content_type(const char *path);

#endif /* WEB_H */
