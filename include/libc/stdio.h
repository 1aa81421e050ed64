/* SPDX-License-Identifier: MIT */
/*
 * <stdio.h>: formatted output and streams. stdout and stderr write to the
 * console, one whole line at a time, so lines from different CPUs never
 * interleave (libc/stdio.c, libc/printf.c); stdin reads as end-of-file.
 * Streams on files (fopen, fdopen: libc/stream.c) are fully buffered, safe
 * to share between threads, and flushed by exit().
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
#define FILENAME_MAX 4096
#define FOPEN_MAX 16
#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif
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

/* Files (libc/stream.c). Modes r, w, a, r+, w+, a+, with b (ignored) and
 * x (O_EXCL) after the first letter. */
FILE *fopen(const char *restrict path, const char *restrict mode);
FILE *fdopen(int fd, const char *mode);
int fclose(FILE *f);
size_t fread(void *restrict p, size_t size, size_t n, FILE *restrict f);
int fgetc(FILE *f);
int getc(FILE *f);
int getchar(void);
char *fgets(char *restrict s, int n, FILE *restrict f);
/* One character of push-back on a file stream (not on stdin). */
int ungetc(int c, FILE *f);
ssize_t getdelim(char **restrict line, size_t *restrict n, int delim,
		 FILE *restrict f);
ssize_t getline(char **restrict line, size_t *restrict n, FILE *restrict f);
int fseek(FILE *f, long off, int whence);
int fseeko(FILE *f, off_t off, int whence);
long ftell(FILE *f);
off_t ftello(FILE *f);
void rewind(FILE *f);
int feof(FILE *f);
int remove(const char *path);
int rename(const char *from, const char *to);

#endif /* _STDIO_H */
