/* SPDX-License-Identifier: MIT */
/*
 * What stdio.c (the console streams, linked into every application that
 * prints) shares with stream.c (buffered streams on files, linked only into
 * those that open files). A FILE with (ops) is a buffered stream; the
 * console streams have none, so printf() never reaches stream.c.
 */
#ifndef LIBC_STDIO_IMPL_H
#define LIBC_STDIO_IMPL_H

#include <stdio.h>

#define F_ERROR	0x1
#define F_EOF	0x2

struct stream_ops {
	/* fwrite() of (n) bytes; returns how many were taken. */
	size_t (*write)(FILE *f, const void *p, size_t n);
	/* fflush(): 0 or EOF. */
	int (*flush)(FILE *f);
};

struct toro_file {
	int fd;
	int flags;			/* F_ERROR, F_EOF */
	const struct stream_ops *ops;	/* NULL: unbuffered (console) */
};

/* stream.c: flushes every buffered stream (fflush(NULL)). */
void stream_flush_all(void);

#endif /* LIBC_STDIO_IMPL_H */
