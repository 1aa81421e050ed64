// SPDX-License-Identifier: MIT
/*
 * vformat(): the formatter behind the kernel's own messages (kprintf,
 * ksnprintf, log_*). Applications print with musl's printf, so this one only
 * needs what the kernel says about itself: integers, characters, strings and
 * pointers, with C's flags, width, precision and length modifiers. It is
 * linked into every image, hello included, hence small: one pass over the
 * format straight to the sink, and no floating point (kernel code is built
 * with -mgeneral-regs-only), %n, wide characters or overflow checks; see
 * include/kernel/format.h for the contract. What it does print matches glibc
 * byte for byte, which tests/unit/test_format.c checks.
 */
#include <kernel/format.h>

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/*
 * On LP64 every length modifier but hh and h names a 64-bit type, so one
 * 64-bit read serves l, ll, z, t and j alike.
 */
_Static_assert(sizeof(long) == 8 && sizeof(long long) == 8 &&
		       sizeof(size_t) == 8 && sizeof(ptrdiff_t) == 8 &&
		       sizeof(intmax_t) == 8,
	       "l, ll, z, t and j must all be 64-bit");

/* The flag characters; flag i sets bit (1 << i). */
static const char flag_chars[] = "-+ #0";
#define F_LEFT	(1U << 0) /* '-' */
#define F_PLUS	(1U << 1) /* '+' */
#define F_SPACE	(1U << 2) /* ' ' */
#define F_ALT	(1U << 3) /* '#' */
#define F_ZERO	(1U << 4) /* '0' */

/*
 * The conversions, in groups: text (c s), then p, which is text when NULL,
 * then the signed ones, then the unsigned ones, which ignore '+' and ' '.
 */
static const char conv_chars[] = "cspdiuoxX";
enum { CONV_C, CONV_S, CONV_P, CONV_D, CONV_I, CONV_U /* o x X */ };
/* The base each conversion prints in; 0 for text. */
static const unsigned char conv_base[] = { 0, 0, 16, 10, 10, 10, 8, 16, 16 };

struct out {
	struct fmt_sink *sink;
	size_t count;		/* bytes produced so far */
};

/* (n) bytes at (s). */
static void put(struct out *o, const char *s, long n)
{
	if (n > 0) {
		o->count += n;
		o->sink->put(o->sink, s, n);
	}
}

/* (n) copies of (c), a byte per call: padding is rare and short. */
static void fill(struct out *o, char c, long n)
{
	while (n-- > 0)
		put(o, &c, 1);
}

/* Decimal digits at (*p); past INT_MAX the value wraps, unchecked. */
static int digits(const char **p)
{
	unsigned v = 0;

	while (**p >= '0' && **p <= '9')
		v = v * 10 + (unsigned)(*(*p)++ - '0');
	return (int)v;
}

/*
 * The next argument: a pointer when (bits) is 0 (read as void *, which also
 * reads a char *), else an integer of (bits) bits, widened with its sign if
 * (sgn). Not inlined: each va_arg() is some 40 bytes of code, and this way
 * there is one of each type.
 */
static __attribute__((noinline)) uint64_t next_arg(va_list *ap, unsigned bits,
						   bool sgn)
{
	uint64_t v;

	if (!bits)
		return (uintptr_t)va_arg(*ap, void *);
	/* hh and h arguments come as ints, like int itself. */
	v = bits == 64 ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned int);
	v <<= 64 - bits;
	return sgn ? (uint64_t)((int64_t)v >> (64 - bits)) : v >> (64 - bits);
}

int vformat(struct fmt_sink *sink, const char *fmt, va_list ap)
{
	struct out o = { sink, 0 };
	va_list args;

	/* A copy, which unlike a parameter can be passed by address. */
	va_copy(args, ap);
	for (;;) {
		const char *start = fmt, *s, *f;
		char buf[23], *end = buf + sizeof(buf), pre[3];
		unsigned flags = 0, bits = 32, base;
		int width, prec = -1, npre = 0, k;
		long n, zeros = 0, pad;
		uint64_t v;

		while (*fmt && *fmt != '%')
			fmt++;
		put(&o, start, fmt - start);
		if (!*fmt)
			break;
		start = fmt++;

		while (*fmt && (f = strchr(flag_chars, *fmt))) {
			flags |= 1U << (f - flag_chars);
			fmt++;
		}
		/* The width, then the precision if a '.' follows. */
		for (int *field = &width;; field = &prec) {
			if (*fmt == '*') {
				fmt++;
				*field = (int)next_arg(&args, 32, true);
			} else {
				*field = digits(&fmt);
			}
			if (field == &prec || *fmt != '.')
				break;
			fmt++;
		}
		/* A negative width is '-'; INT_MIN stays negative: no pad. */
		if (width < 0) {
			flags |= F_LEFT;
			width = (int)-(unsigned)width;
		}
		if (*fmt == 'h') {
			bits = 16;
			if (*++fmt == 'h') {
				bits = 8;
				fmt++;
			}
		} else if (*fmt == 'l') {
			bits = 64;
			if (*++fmt == 'l')
				fmt++;
		} else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j') {
			bits = 64;
			fmt++;
		}

		f = NULL;
		if (*fmt == '%')
			start = fmt++;	/* "%%", or glibc's "%5%": one '%' */
		else if (*fmt)
			f = strchr(conv_chars, *fmt);
		if (!f) {
			/*
			 * Unknown, or the format ended inside the conversion:
			 * echo it up to here, and leave the character that
			 * stopped it (if not the NUL) to the loop as text.
			 */
			put(&o, start, fmt - start);
			continue;
		}
		fmt++;
		k = f - conv_chars;
		base = conv_base[k];
		if (k == CONV_P)
			flags |= F_ALT; /* glibc prints %p as %#lx */
		if (k >= CONV_U)
			flags &= ~(F_PLUS | F_SPACE);
		/* %lc's wint_t comes as an int too; it prints one byte. */
		if (k == CONV_C)
			bits = 32;
		else if (k < CONV_D)
			bits = 0;
		v = next_arg(&args, bits, k == CONV_D || k == CONV_I);
		s = (const char *)(uintptr_t)v;

		if (k == CONV_P && !v) {
			/* "(nil)" is text: the precision does not cut it. */
			s = "(nil)";
			prec = -1;
			base = 0;
		}
		if (!base) {
			/* '0' pads only numbers: text is padded with spaces. */
			flags &= ~F_ZERO;
			if (k == CONV_C) {
				buf[0] = (char)v;
				s = buf;
				n = 1;
			} else {
				/* glibc: all of "(null)" or nothing. */
				if (!s)
					s = (unsigned)prec < 6 ? "" : "(null)";
				/* No precision (negative): no limit. */
				n = (long)strnlen(s, (size_t)prec);
			}
		} else {
			char *p = end;
			/* 'a' is 'A' | 0x20: x and p are lower case, X not. */
			char lower = *f & 0x20;

			if ((k == CONV_D || k == CONV_I) && (int64_t)v < 0) {
				pre[npre++] = '-';
				v = -v;
			} else if (flags & F_PLUS) {
				pre[npre++] = '+';
			} else if (flags & F_SPACE) {
				pre[npre++] = ' ';
			}
			/* A zero with precision 0 has no digits at all. */
			if (v || prec) {
				uint64_t u = v;

				do {
					unsigned d = u % base;

					*--p = d < 10 ? '0' + d
						      : 'A' - 10 + d + lower;
					u /= base;
				} while (u);
			}
			/* '#' with 'o' makes the first digit a 0. */
			if (base == 8 && (flags & F_ALT) &&
			    (p == end || *p != '0'))
				*--p = '0';
			/* "0x" (or "0X") for '#', unless the value is 0. */
			if (base == 16 && (flags & F_ALT) && v) {
				pre[npre++] = '0';
				pre[npre++] = 'X' | lower;
			}
			s = p;
			n = end - p;
			/* A precision asks for zeros; then '0' pads none. */
			if (prec >= 0)
				flags &= ~F_ZERO;
			if (prec > n)
				zeros = prec - n;
		}

		/*
		 * Pad to the width: spaces before, spaces after with '-', or
		 * zeros between the prefix and the digits with '0'. Counts
		 * are longs, so no sum of int widths and precisions overflows.
		 */
		pad = (long)width - npre - zeros - n;
		if (pad < 0)
			pad = 0;
		if (!(flags & F_LEFT)) {
			if (flags & F_ZERO)
				zeros += pad;
			else
				fill(&o, ' ', pad);
			pad = 0;
		}
		put(&o, pre, npre);
		fill(&o, '0', zeros);
		put(&o, s, n);
		fill(&o, ' ', pad);
	}
	va_end(args);
	return o.count > INT_MAX ? -1 : (int)o.count;
}
