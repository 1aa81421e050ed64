// SPDX-License-Identifier: MIT
/*
 * Streams. stdout and stderr go to the console, whose per-CPU line buffers
 * keep lines from different CPUs whole; the streams themselves add no
 * buffering, so output is never lost when the VM stops. stdin has no input
 * source yet and reads as end-of-file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <kernel/console.h>

#define F_ERROR 0x1

struct toro_file {
	int fd;
	int flags;
};

static struct toro_file std_files[3] = { { 0, 0 }, { 1, 0 }, { 2, 0 } };
FILE *const stdin = &std_files[0];
FILE *const stdout = &std_files[1];
FILE *const stderr = &std_files[2];

ssize_t write(int fd, const void *buf, size_t n)
{
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
	(void)f;	/* every stream shares the console's line buffer */
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
	f->flags &= ~F_ERROR;
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
