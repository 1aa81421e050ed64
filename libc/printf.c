// SPDX-License-Identifier: MIT
/*
 * The printf family over the shared formatting core (lib/format.c), with
 * floating-point conversions from libc/format_float.c. Variadic entry
 * points live here, in SSE-enabled code, so double arguments passed in
 * vector registers reach the va_list.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kernel/format.h>

struct file_sink {
	struct fmt_sink sink;
	FILE *f;
};

static void file_put(struct fmt_sink *sink, const char *s, size_t n)
{
	struct file_sink *fs = (struct file_sink *)sink;

	fwrite(s, 1, n, fs->f);
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	struct file_sink fs = { { file_put }, f };

	return vformat(&fs.sink, fmt, ap, format_float);
}

int vprintf(const char *restrict fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vfprintf(f, fmt, ap);

	va_end(ap);
	return n;
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vfprintf(stdout, fmt, ap);

	va_end(ap);
	return n;
}

struct fd_sink {
	struct fmt_sink sink;
	int fd;
};

static void fd_put(struct fmt_sink *sink, const char *s, size_t n)
{
	write(((struct fd_sink *)sink)->fd, s, n);
}

int vdprintf(int fd, const char *restrict fmt, va_list ap)
{
	struct fd_sink fs = { { fd_put }, fd };

	return vformat(&fs.sink, fmt, ap, format_float);
}

int dprintf(int fd, const char *restrict fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vdprintf(fd, fmt, ap);

	va_end(ap);
	return n;
}

/* Writes into a fixed buffer, keeping room for the terminating NUL and
 * counting what did not fit. */
struct buf_sink {
	struct fmt_sink sink;
	char *buf;
	size_t size;
	size_t len;
};

static void buf_put(struct fmt_sink *sink, const char *s, size_t n)
{
	struct buf_sink *b = (struct buf_sink *)sink;

	if (b->len + 1 < b->size) {
		size_t room = b->size - 1 - b->len;

		memcpy(b->buf + b->len, s, n < room ? n : room);
	}
	b->len += n;
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
	      va_list ap)
{
	struct buf_sink b = { { buf_put }, buf, size, 0 };
	int n = vformat(&b.sink, fmt, ap, format_float);

	if (size)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return n;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);

	va_end(ap);
	return n;
}

int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
	return vsnprintf(buf, INT_MAX, fmt, ap);
}

int sprintf(char *restrict buf, const char *restrict fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsprintf(buf, fmt, ap);

	va_end(ap);
	return n;
}

int vasprintf(char **restrict out, const char *restrict fmt, va_list ap)
{
	va_list ap2;

	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);

	va_end(ap2);
	if (n < 0)
		return -1;
	char *buf = malloc(n + 1);

	if (!buf)
		return -1;
	vsnprintf(buf, n + 1, fmt, ap);
	*out = buf;
	return n;
}

int asprintf(char **restrict out, const char *restrict fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vasprintf(out, fmt, ap);

	va_end(ap);
	return n;
}
