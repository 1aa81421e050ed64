/* SPDX-License-Identifier: MIT */
/*
 * printf-style formatting core, shared by the kernel log and the C library.
 *
 * Output goes through a sink, so one implementation serves snprintf, the
 * console and FILE streams. Floating-point conversions (%f %F %e %E %g %G
 * %a %A) are delegated to a callback that lives in the C library, which is
 * built with SSE: the kernel itself never touches FPU state, and a kernel
 * caller that passes no callback gets the conversion printed as "<float>"
 * without consuming an argument.
 *
 * Behaviour follows C11 7.21.6.1 as glibc implements it in the C locale:
 * flags "-+ #0" (and glibc's "'" and "I", accepted and ignored), width and
 * precision (also as '*'), length modifiers hh h l ll q L j z Z t,
 * conversions d i u o x X b B c s C S p n % and the floating ones. %p prints
 * like glibc ("0x..." or "(nil)"), %s with NULL prints "(null)" unless the
 * precision is below 6, wide characters outside ASCII fail with EILSEQ, and
 * an unknown conversion is echoed back the way glibc does. Positional
 * arguments ("%1$d") and %m are not supported.
 */
#ifndef KERNEL_FORMAT_H
#define KERNEL_FORMAT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct fmt_sink {
	/* Receives (n) bytes at (s); called in order, possibly many times. */
	void (*put)(struct fmt_sink *sink, const char *s, size_t n);
};

/* Flags of a conversion specification. */
#define FMT_LEFT	(1U << 0) /* '-' */
#define FMT_PLUS	(1U << 1) /* '+' */
#define FMT_SPACE	(1U << 2) /* ' ' */
#define FMT_ALT		(1U << 3) /* '#' */
#define FMT_ZERO	(1U << 4) /* '0' */
#define FMT_LONG_DBL	(1U << 5) /* 'L', 'q' or 'll' length modifier */
#define FMT_GROUP	(1U << 6) /* '\'': no effect in the C locale */
#define FMT_I18N	(1U << 7) /* 'I': no effect in the C locale */

struct fmt_spec {
	unsigned flags;
	int width;	/* minimum field width, 0 if none */
	int prec;	/* precision, -1 if none */
	char conv;	/* conversion character, e.g. 'g' */
};

/*
 * Formats one floating-point argument, taken from (ap) as a double (or a
 * long double when FMT_LONG_DBL is set), according to (spec). Returns the
 * number of bytes produced.
 */
typedef size_t (*fmt_float_fn)(struct fmt_sink *sink,
			       const struct fmt_spec *spec, va_list *ap);

/*
 * Formats (fmt) with the arguments in (ap) into (sink). (float_fn) handles
 * the floating-point conversions; NULL for kernel-only callers. Returns the
 * number of bytes produced, or -1 if that number does not fit in an int
 * (errno EOVERFLOW), the format ends inside a conversion (EINVAL) or a wide
 * character has no single-byte form (EILSEQ). Output already handed to
 * (sink) before a failure stays there, as with glibc.
 */
int vformat(struct fmt_sink *sink, const char *fmt, va_list ap,
	    fmt_float_fn float_fn);

/*
 * One piece of a converted number's body: (n) bytes at (s), or, when (s) is
 * NULL, (n) copies of (c). Numbers are emitted as a few runs so that long
 * strings of zeros (precision, %.1100f) never need a buffer.
 */
struct fmt_run {
	const char *s;
	size_t n;
	char c;
};

/* Emits (n) copies of (c) into (sink). Returns (n). */
size_t fmt_fill(struct fmt_sink *sink, char c, size_t n);

/*
 * Emits a converted value: (prefix) (sign, "0x"), then the (nruns) pieces
 * of (runs), padded to (spec)'s field width. Padding is spaces on the left,
 * spaces on the right with FMT_LEFT, or zeros between prefix and body with
 * FMT_ZERO when (zero_ok) says the conversion allows it. Returns the number
 * of bytes written.
 */
size_t fmt_padded(struct fmt_sink *sink, const struct fmt_spec *spec,
		  const char *prefix, size_t prefix_len,
		  const struct fmt_run *runs, size_t nruns, bool zero_ok);

/*
 * The C library's fmt_float_fn (libc/format_float.c, built with SSE): the
 * conversions f F e E g G a A exactly as glibc prints a double. A long
 * double argument is rounded to double first.
 */
size_t format_float(struct fmt_sink *sink, const struct fmt_spec *spec,
		    va_list *ap);

#endif /* KERNEL_FORMAT_H */
