// SPDX-License-Identifier: MIT
/*
 * Buffered streams on files: fopen() and the calls that read, write and
 * seek them. Each stream has one BUFSIZ buffer that holds either read-ahead
 * or unwritten data, never both: switching direction flushes the writes or
 * gives the read-ahead back to the file offset. A mutex per stream makes
 * every call atomic, as POSIX asks. Open streams are on a list that
 * fflush(NULL) and exit() flush. The console streams (stdio.c) have no
 * buffer; the reading calls serve stdin here by reading it directly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <toro/sync.h>

#include "stdio_impl.h"

struct stream {
	struct toro_file file;		/* what FILE * points to */
	struct mutex lock;		/* every field below */
	bool readable, writable;
	unsigned char *buf;		/* BUFSIZ bytes */
	size_t rpos, rlen;		/* read-ahead: buf[rpos..rlen) */
	size_t wlen;			/* buf[0..wlen) not yet written */
	int unget;			/* ungetc()'s character, or EOF */
	struct stream *prev, *next;	/* on (streams), under list_lock */
};

static struct mutex list_lock;
static struct stream *streams;

static struct stream *to_stream(FILE *f)
{
	return (struct stream *)f;	/* (file) is the first member */
}

static void set_error(struct stream *s, int err)
{
	s->file.flags |= F_ERROR;
	errno = err;
}

/* Writes (n) bytes or sets the error flag; returns what was written. */
static size_t write_all(struct stream *s, const unsigned char *p, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t rc = write(s->file.fd, p + done, n - done);

		if (rc <= 0) {
			set_error(s, rc < 0 ? errno : EIO);
			break;
		}
		done += rc;
	}
	return done;
}

static int flush_writes(struct stream *s)
{
	size_t n = s->wlen;

	s->wlen = 0;
	return n && write_all(s, s->buf, n) < n ? EOF : 0;
}

/* What was read ahead (and pushed back) is not read yet: moves the file
 * offset back over it so the descriptor agrees with the stream. */
static int drop_reads(struct stream *s)
{
	off_t back = s->rlen - s->rpos + (s->unget != EOF);

	s->rpos = s->rlen = 0;
	s->unget = EOF;
	if (back && lseek(s->file.fd, -back, SEEK_CUR) < 0) {
		set_error(s, errno);
		return EOF;
	}
	return 0;
}

static size_t stream_write(FILE *f, const void *p, size_t n)
{
	struct stream *s = to_stream(f);
	size_t done = 0;

	mutex_lock(&s->lock);
	if (!s->writable) {
		set_error(s, EBADF);
		goto out;
	}
	if ((s->rlen || s->unget != EOF) && drop_reads(s))
		goto out;
	if (s->wlen + n > BUFSIZ && flush_writes(s))
		goto out;
	if (n >= BUFSIZ) {
		done = write_all(s, p, n);	/* too big to be worth copying */
	} else {
		memcpy(s->buf + s->wlen, p, n);
		s->wlen += n;
		done = n;
	}
out:
	mutex_unlock(&s->lock);
	return done;
}

static int stream_flush(FILE *f)
{
	struct stream *s = to_stream(f);

	mutex_lock(&s->lock);
	int rc = flush_writes(s);

	mutex_unlock(&s->lock);
	return rc;
}

static const struct stream_ops stream_ops = {
	.write = stream_write,
	.flush = stream_flush,
};

void stream_flush_all(void)
{
	mutex_lock(&list_lock);
	for (struct stream *s = streams; s; s = s->next)
		stream_flush(&s->file);
	mutex_unlock(&list_lock);
}

/* The open() flags for an fopen() mode; -1 with errno for a bad one. */
static int mode_flags(const char *mode)
{
	int flags;

	switch (*mode) {
	case 'r':
		flags = O_RDONLY;
		break;
	case 'w':
		flags = O_WRONLY | O_CREAT | O_TRUNC;
		break;
	case 'a':
		flags = O_WRONLY | O_CREAT | O_APPEND;
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	while (*++mode) {
		if (*mode == '+')
			flags = (flags & ~O_ACCMODE) | O_RDWR;
		else if (*mode == 'x')
			flags |= O_EXCL;
		/* 'b', and glibc's 'e', 'm', mean nothing here. */
	}
	return flags;
}

static FILE *stream_new(int fd, int flags)
{
	static int registered;
	struct stream *s = calloc(1, sizeof(*s));
	unsigned char *buf = malloc(BUFSIZ);

	if (!s || !buf) {
		free(s);
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	/* exit() flushes what streams hold, after the atexit handlers
	 * registered until now. */
	if (!__atomic_exchange_n(&registered, 1, __ATOMIC_ACQ_REL))
		atexit(stream_flush_all);
	s->file.fd = fd;
	s->file.ops = &stream_ops;
	s->readable = (flags & O_ACCMODE) != O_WRONLY;
	s->writable = (flags & O_ACCMODE) != O_RDONLY;
	s->buf = buf;
	s->unget = EOF;
	mutex_lock(&list_lock);
	s->next = streams;
	if (streams)
		streams->prev = s;
	streams = s;
	mutex_unlock(&list_lock);
	return &s->file;
}

FILE *fopen(const char *restrict path, const char *restrict mode)
{
	int flags = mode_flags(mode);

	if (flags < 0)
		return NULL;
	int fd = open(path, flags, 0666);

	if (fd < 0)
		return NULL;
	FILE *f = stream_new(fd, flags);

	if (!f)
		close(fd);
	return f;
}

FILE *fdopen(int fd, const char *mode)
{
	int flags = mode_flags(mode), fl = fcntl(fd, F_GETFL);

	if (flags < 0 || fl < 0)
		return NULL;
	/* The stream may not do more than the descriptor allows. */
	if ((fl & O_ACCMODE) != O_RDWR &&
	    (flags & O_ACCMODE) != (fl & O_ACCMODE)) {
		errno = EINVAL;
		return NULL;
	}
	return stream_new(fd, flags);
}

int fclose(FILE *f)
{
	if (!f->ops) {
		/* A console stream: closing its descriptor is all there is
		 * (the FILE itself is static). */
		return close(f->fd) ? EOF : 0;
	}
	struct stream *s = to_stream(f);

	mutex_lock(&list_lock);
	if (s->prev)
		s->prev->next = s->next;
	else
		streams = s->next;
	if (s->next)
		s->next->prev = s->prev;
	mutex_unlock(&list_lock);

	mutex_lock(&s->lock);
	int rc = flush_writes(s);

	mutex_unlock(&s->lock);
	if (close(f->fd))
		rc = EOF;
	free(s->buf);
	free(s);
	return rc;
}

/* Refills the read-ahead; returns the bytes now there, 0 at end of file or
 * on error (with the flag set). */
static size_t fill(struct stream *s)
{
	if (flush_writes(s))
		return 0;
	ssize_t rc = read(s->file.fd, s->buf, BUFSIZ);

	s->rpos = 0;
	s->rlen = rc > 0 ? rc : 0;
	if (rc == 0)
		s->file.flags |= F_EOF;
	else if (rc < 0)
		set_error(s, errno);
	return s->rlen;
}

/*
 * Reads up to (n) bytes, stopping after (delim) if it is not -1. The
 * stream is locked; what is buffered is served first, and a large read
 * goes straight to the caller's memory.
 */
static size_t read_locked(struct stream *s, unsigned char *p, size_t n,
			  int delim)
{
	size_t done = 0;

	if (!s->readable) {
		set_error(s, EBADF);
		return 0;
	}
	if (n && s->unget != EOF) {
		p[done++] = s->unget;
		s->unget = EOF;
		if (p[0] == delim)
			return done;
	}
	while (done < n) {
		if (s->rpos == s->rlen) {
			if (delim < 0 && n - done >= BUFSIZ) {
				if (flush_writes(s))
					break;
				ssize_t rc = read(s->file.fd, p + done,
						  n - done);

				if (rc <= 0) {
					if (rc == 0)
						s->file.flags |= F_EOF;
					else
						set_error(s, errno);
					break;
				}
				done += rc;
				continue;
			}
			if (!fill(s))
				break;
		}
		size_t take = s->rlen - s->rpos;

		if (take > n - done)
			take = n - done;
		if (delim >= 0) {
			unsigned char *hit = memchr(s->buf + s->rpos, delim,
						    take);

			if (hit)
				take = hit - (s->buf + s->rpos) + 1;
		}
		memcpy(p + done, s->buf + s->rpos, take);
		s->rpos += take;
		done += take;
		if (delim >= 0 && p[done - 1] == delim)
			break;
	}
	return done;
}

/* The console's stdin: no buffer, each byte read as asked. */
static size_t read_unbuffered(FILE *f, unsigned char *p, size_t n, int delim)
{
	size_t done = 0;

	while (done < n) {
		ssize_t rc = read(f->fd, p + done, delim < 0 ? n - done : 1);

		if (rc <= 0) {
			f->flags |= rc ? F_ERROR : F_EOF;
			break;
		}
		done += rc;
		if (delim >= 0 && p[done - 1] == delim)
			break;
	}
	return done;
}

static size_t read_stream(FILE *f, void *p, size_t n, int delim)
{
	if (!f->ops)
		return read_unbuffered(f, p, n, delim);
	struct stream *s = to_stream(f);

	mutex_lock(&s->lock);
	size_t done = read_locked(s, p, n, delim);

	mutex_unlock(&s->lock);
	return done;
}

size_t fread(void *restrict p, size_t size, size_t n, FILE *restrict f)
{
	size_t bytes = size * n;

	if (size && bytes / size != n) {
		f->flags |= F_ERROR;
		errno = EOVERFLOW;
		return 0;
	}
	return bytes ? read_stream(f, p, bytes, -1) / size : 0;
}

int fgetc(FILE *f)
{
	unsigned char c;

	return read_stream(f, &c, 1, -1) == 1 ? c : EOF;
}

int getc(FILE *f)
{
	return fgetc(f);
}

int getchar(void)
{
	return fgetc(stdin);
}

char *fgets(char *restrict buf, int n, FILE *restrict f)
{
	if (n <= 0) {
		errno = EINVAL;
		return NULL;
	}
	size_t got = read_stream(f, buf, n - 1, '\n');

	if (got == 0 && n > 1)
		return NULL;
	buf[got] = '\0';
	return buf;
}

int ungetc(int c, FILE *f)
{
	if (c == EOF || !f->ops)
		return EOF;
	struct stream *s = to_stream(f);
	int rc = EOF;

	mutex_lock(&s->lock);
	if (s->unget == EOF) {
		s->unget = (unsigned char)c;
		s->file.flags &= ~F_EOF;
		rc = (unsigned char)c;
	}
	mutex_unlock(&s->lock);
	return rc;
}

ssize_t getdelim(char **restrict line, size_t *restrict n, int delim,
		 FILE *restrict f)
{
	size_t len = 0;

	if (!line || !n) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		if (!*line || *n - len < 2) {
			size_t size = *n < 64 ? 128 : *n * 2;
			char *p = realloc(*line, size);

			if (!p) {
				errno = ENOMEM;
				return -1;
			}
			*line = p;
			*n = size;
		}
		size_t got = read_stream(f, *line + len, *n - len - 1,
					 (unsigned char)delim);

		len += got;
		(*line)[len] = '\0';
		if (got == 0 || (*line)[len - 1] == (char)delim)
			break;
	}
	return len ? (ssize_t)len : -1;
}

ssize_t getline(char **restrict line, size_t *restrict n, FILE *restrict f)
{
	return getdelim(line, n, '\n', f);
}

int fseeko(FILE *f, off_t off, int whence)
{
	if (!f->ops)
		return lseek(f->fd, off, whence) < 0 ? -1 : 0;
	struct stream *s = to_stream(f);
	int rc = -1;

	mutex_lock(&s->lock);
	if (flush_writes(s))
		goto out;
	/* Relative to where the caller is, not the read-ahead. */
	if (whence == SEEK_CUR)
		off -= s->rlen - s->rpos + (s->unget != EOF);
	s->rpos = s->rlen = 0;
	s->unget = EOF;
	if (lseek(f->fd, off, whence) >= 0) {
		f->flags &= ~F_EOF;
		rc = 0;
	}
out:
	mutex_unlock(&s->lock);
	return rc;
}

int fseek(FILE *f, long off, int whence)
{
	return fseeko(f, off, whence);
}

off_t ftello(FILE *f)
{
	if (!f->ops)
		return lseek(f->fd, 0, SEEK_CUR);
	struct stream *s = to_stream(f);
	off_t pos = -1;

	mutex_lock(&s->lock);
	/* Written data goes where the file offset is (for O_APPEND, its end
	 * once flushed), so flush it rather than guess. */
	if (flush_writes(s) == 0) {
		pos = lseek(f->fd, 0, SEEK_CUR);
		if (pos >= 0)
			pos -= s->rlen - s->rpos + (s->unget != EOF);
	}
	mutex_unlock(&s->lock);
	return pos;
}

long ftell(FILE *f)
{
	return ftello(f);
}

void rewind(FILE *f)
{
	fseeko(f, 0, SEEK_SET);
	clearerr(f);
}

int feof(FILE *f)
{
	return !!(f->flags & F_EOF);
}
