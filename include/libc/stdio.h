/* SPDX-License-Identifier: MIT */
/*
 * <stdio.h>: formatted output and streams. stdout and stderr write to the
 * console, one whole line at a time, so lines from different CPUs never
 * interleave (libc/stdio.c, libc/printf.c).
 */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct toro_file FILE;

extern FILE *const stdin;
extern FILE *const stdout;
extern FILE *const stderr;
#define stdin stdin
#define stdout stdout
#define stderr stderr

#define EOF	(-1)
#define BUFSIZ	4096
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define _IOFBF	0
#define _IOLBF	1
#define _IONBF	2

int printf(const char *restrict fmt, ...)
	__attribute__((format(printf, 1, 2)));
int fprintf(FILE *restrict f, const char *restrict fmt, ...)
	__attribute__((format(printf, 2, 3)));
int dprintf(int fd, const char *restrict fmt, ...)
	__attribute__((format(printf, 2, 3)));
int sprintf(char *restrict buf, const char *restrict fmt, ...)
	__attribute__((format(printf, 2, 3)));
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
	__attribute__((format(printf, 3, 4)));
int asprintf(char **restrict out, const char *restrict fmt, ...)
	__attribute__((format(printf, 2, 3)));
int vprintf(const char *restrict fmt, va_list ap);
int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap);
int vdprintf(int fd, const char *restrict fmt, va_list ap);
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap);
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
	      va_list ap);
int vasprintf(char **restrict out, const char *restrict fmt, va_list ap);

int putchar(int c);
int puts(const char *s);
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int fputs(const char *restrict s, FILE *restrict f);
size_t fwrite(const void *restrict p, size_t size, size_t n,
	      FILE *restrict f);
int fflush(FILE *f);
void perror(const char *s);
int fileno(FILE *f);
int ferror(FILE *f);
void clearerr(FILE *f);
int setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size);

#endif /* _STDIO_H */
