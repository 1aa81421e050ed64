/* SPDX-License-Identifier: MIT */
/*
 * The kernel's printf-style formatter, behind kprintf(), ksnprintf() and the
 * log_*() messages (kernel/log.c). Applications use musl's printf; this one
 * only formats what the kernel says about itself, so it is kept small and
 * free of floating point (kernel code is built with -mgeneral-regs-only).
 */
#ifndef KERNEL_FORMAT_H
#define KERNEL_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

struct fmt_sink {
	/* Receives (n) bytes at (s); called in order, possibly many times. */
	void (*put)(struct fmt_sink *sink, const char *s, size_t n);
};

/*
 * Formats (fmt) with the arguments in (ap) into (sink). Returns the number of
 * bytes produced, or -1 if that number does not fit in an int (the bytes are
 * produced all the same).
 *
 * Supported, with the output glibc gives them in the C locale: the flags
 * "-+ #0", a width and a precision (digits or '*'), the length modifiers hh h
 * l ll z t j, and the conversions d i u o x X c s p and %%. %s of NULL prints
 * "(null)" (nothing if the precision is below 6); %p prints "0x..." like %#lx
 * and NULL as "(nil)"; length modifiers on c, s and p are ignored.
 *
 * Not supported: floating point, %n, wide characters (%lc and %ls print
 * bytes), positional arguments ("%1$d"), and glibc's extra modifiers and
 * flags (L q Z ' I). Where printf would differ or fail:
 *  - an unknown conversion is printed as written ("%5y" prints "%5y"), after
 *    taking the arguments of any '*' in it;
 *  - a format that ends inside a conversion prints that rest as written
 *    ("100%" prints "100%"), and nothing past the terminating NUL is read;
 *  - widths and precisions above INT_MAX are not checked (the kernel's
 *    formats are constants), and a '*' width of INT_MIN pads nothing.
 */
int vformat(struct fmt_sink *sink, const char *fmt, va_list ap);

#endif /* KERNEL_FORMAT_H */
