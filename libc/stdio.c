// SPDX-License-Identifier: MIT
/*
 * Streams. stdout and stderr go to the console, whose per-CPU line buffers
 * keep lines from different CPUs whole; the streams themselves add no
 * buffering, so output is never lost when the VM stops. stdin has no input
 * source yet and reads as end-of-file. Streams on files are stream.c's:
 * reached through their ops or weak references, so an application that
 * only prints does not link the file system.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <kernel/console.h>
#include <kernel/fd.h>

#include "stdio_impl.h"

/* Defined when the application uses files (fs/fd.c, libc/stream.c). */
extern __typeof__(fd_write) fd_write __attribute__((weak));
extern __typeof__(stream_flush_all) stream_flush_all __attribute__((weak));

static struct toro_file std_files[3] = { { 0, 0, NULL }, { 1, 0, NULL },
					 { 2, 0, NULL } };
FILE *const stdin = &std_files[0];
FILE *const stdout = &std_files[1];
FILE *const stderr = &std_files[2];

/* Through the descriptor table when there is one, else straight to the
 * console for descriptors 1 and 2. */
ssize_t write(int fd, const void *buf, size_t n)
{
	if (fd_write) {
		ssize_t rc = fd_write(fd, buf, n);

		if (rc < 0) {
			errno = -rc;
			return -1;
		}
		return rc;
	}
	if (fd != STDOUT_FILENO && fd != STDERR_FILENO) {
		errno = EBADF;
		return -1;
	}
	console_write(buf, n);
	return n;
}

size_t fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f)
{
	size_t bytes = size * n;

	if (size && bytes / size != n) {
		f->flags |= F_ERROR;
		errno = EOVERFLOW;
		return 0;
	}
	if (f->ops)
		return bytes ? f->ops->write(f, p, bytes) / size : 0;
	if (bytes && write(f->fd, p, bytes) < 0) {
		f->flags |= F_ERROR;
		return 0;
	}
	return n;
}

int fputc(int c, FILE *f)
{
	unsigned char ch = c;

	return fwrite(&ch, 1, 1, f) == 1 ? ch : EOF;
}

int putc(int c, FILE *f)
{
	return fputc(c, f);
}

int putchar(int c)
{
	return fputc(c, stdout);
}

int fputs(const char *restrict s, FILE *restrict f)
{
	size_t n = strlen(s);

	return fwrite(s, 1, n, f) == n ? 1 : EOF;
}

int puts(const char *s)
{
	if (fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF)
		return EOF;
	return 1;
}

int fflush(FILE *f)
{
	if (f && f->ops)
		return f->ops->flush(f);
	if (!f && stream_flush_all)
		stream_flush_all();
	/* The console streams share the console's line buffer. */
	console_flush();
	return 0;
}

int fileno(FILE *f)
{
	return f->fd;
}

int ferror(FILE *f)
{
	return f->flags & F_ERROR;
}

void clearerr(FILE *f)
{
	f->flags &= ~(F_ERROR | F_EOF);
}

int setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size)
{
	(void)f, (void)buf, (void)size;
	return mode == _IOFBF || mode == _IOLBF || mode == _IONBF ? 0 : -1;
}

void perror(const char *s)
{
	const char *msg = strerror(errno);

	if (s && *s)
		fprintf(stderr, "%s: %s\n", s, msg);
	else
		fprintf(stderr, "%s\n", msg);
}
