// SPDX-License-Identifier: MIT
/*
 * vformat(): the printf engine behind the kernel log and the C library's
 * printf family. It parses each conversion specification and handles the
 * integer, character, string and pointer conversions itself; floating-point
 * conversions go to a callback because this file is built without SSE (see
 * include/kernel/format.h). Every rule here mirrors what glibc prints in the
 * C locale, including its treatment of odd or invalid specifications, so
 * that programs ported to Toro produce byte-identical output.
 */
#include <kernel/format.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

/*
 * Length modifiers. glibc folds them into two bits on LP64: "long" (l j z
 * Z t) and "long long / long double" (ll q L). Either one also makes %c and
 * %s wide, which is why "%zs" takes a wchar_t string there; we keep that.
 */
enum fmt_len {
	LEN_NONE,
	LEN_HH,
	LEN_H,
	LEN_L,
	LEN_LL, /* also q and L */
	LEN_J,
	LEN_Z,
	LEN_T,
};

/* A parsed conversion specification. */
struct conv {
	struct fmt_spec spec;	/* what fmt_padded() and float_fn see */
	enum fmt_len len;	/* length modifier */
};

size_t fmt_fill(struct fmt_sink *sink, char c, size_t n)
{
	char buf[64];
	size_t left = n;

	memset(buf, c, n < sizeof(buf) ? n : sizeof(buf));
	while (left) {
		size_t k = left < sizeof(buf) ? left : sizeof(buf);

		sink->put(sink, buf, k);
		left -= k;
	}
	return n;
}

static void put_runs(struct fmt_sink *sink, const struct fmt_run *runs,
		     size_t nruns)
{
	for (size_t i = 0; i < nruns; i++) {
		if (!runs[i].n)
			continue;
		if (runs[i].s)
			sink->put(sink, runs[i].s, runs[i].n);
		else
			fmt_fill(sink, runs[i].c, runs[i].n);
	}
}

size_t fmt_padded(struct fmt_sink *sink, const struct fmt_spec *spec,
		  const char *prefix, size_t prefix_len,
		  const struct fmt_run *runs, size_t nruns, bool zero_ok)
{
	size_t len = prefix_len, pad = 0;
	bool left = spec->flags & FMT_LEFT;
	bool zeros = !left && zero_ok && (spec->flags & FMT_ZERO);

	for (size_t i = 0; i < nruns; i++)
		len += runs[i].n;
	if ((size_t)spec->width > len)
		pad = spec->width - len;
	if (!left && !zeros)
		fmt_fill(sink, ' ', pad);
	if (prefix_len)
		sink->put(sink, prefix, prefix_len);
	if (zeros)
		fmt_fill(sink, '0', pad);
	put_runs(sink, runs, nruns);
	if (left)
		fmt_fill(sink, ' ', pad);
	return len + pad;
}

/* Reads a decimal field; a value above INT_MAX is glibc's EOVERFLOW. */
static int parse_num(const char **p, int *out)
{
	long long v = 0;

	while (**p >= '0' && **p <= '9') {
		if (v <= INT_MAX)
			v = v * 10 + (**p - '0');
		(*p)++;
	}
	if (v > INT_MAX)
		return -EOVERFLOW;
	*out = (int)v;
	return 0;
}

static unsigned flag_bit(char c)
{
	switch (c) {
	case '-':
		return FMT_LEFT;
	case '+':
		return FMT_PLUS;
	case ' ':
		return FMT_SPACE;
	case '#':
		return FMT_ALT;
	case '0':
		return FMT_ZERO;
	case '\'':
		return FMT_GROUP;
	case 'I':
		return FMT_I18N;
	default:
		return 0;
	}
}

/* The modifier a single character starts; "hh" and "ll" are built on it. */
static enum fmt_len len_modifier(char c)
{
	switch (c) {
	case 'h':
		return LEN_H;
	case 'l':
		return LEN_L;
	case 'L':
	case 'q':
		return LEN_LL;
	case 'j':
		return LEN_J;
	case 'z':
	case 'Z':
		return LEN_Z;
	case 't':
		return LEN_T;
	default:
		return LEN_NONE;
	}
}

/*
 * Parses the specification after a '%' at (*p), taking '*' fields from
 * (ap), and leaves (*p) after the conversion character. Fails with -EINVAL
 * when the format ends first, -EOVERFLOW when a width or precision does not
 * fit in an int.
 */
static int parse_conv(const char **p, va_list *ap, struct conv *cv)
{
	const char *s = *p;
	int rc;

	cv->spec = (struct fmt_spec){ .flags = 0, .width = 0, .prec = -1 };
	while (flag_bit(*s))
		cv->spec.flags |= flag_bit(*s++);

	if (*s == '*') {
		int w = va_arg(*ap, int);

		s++;
		if (w < 0) {
			/* A negative width means '-'; -INT_MIN overflows. */
			if (w == INT_MIN)
				return -EOVERFLOW;
			cv->spec.flags |= FMT_LEFT;
			w = -w;
		}
		cv->spec.width = w;
	} else if ((rc = parse_num(&s, &cv->spec.width)) < 0) {
		return rc;
	}

	if (*s == '.') {
		s++;
		if (*s == '*') {
			int pr = va_arg(*ap, int);

			s++;
			cv->spec.prec = pr < 0 ? -1 : pr;
		} else if ((rc = parse_num(&s, &cv->spec.prec)) < 0) {
			return rc;
		}
	}

	/* At most one modifier: in "%lhd" the 'h' is the conversion. */
	cv->len = len_modifier(*s);
	if (cv->len != LEN_NONE)
		s++;
	if ((cv->len == LEN_H && *s == 'h') ||
	    (cv->len == LEN_L && *s == 'l')) {
		cv->len = cv->len == LEN_H ? LEN_HH : LEN_LL;
		s++;
	}

	if (*s == '\0')
		return -EINVAL;
	cv->spec.conv = *s++;
	*p = s;
	return 0;
}

/* The argument of a signed conversion, widened. */
static intmax_t arg_int(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_J:
		return va_arg(*ap, intmax_t);
	case LEN_Z:
		/* The signed type of size_t's width. */
		return (ptrdiff_t)va_arg(*ap, size_t);
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

static uintmax_t arg_uint(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_T:
		return (uintmax_t)va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/*
 * d i u o x X b B p. (neg) and (sign) say whether a sign character may be
 * printed; the '0' flag only pads when there is no precision.
 */
static size_t put_int(struct fmt_sink *sink, const struct fmt_spec *spec,
		      uintmax_t v, bool neg, bool sign)
{
	const char *digits = "0123456789abcdef";
	char buf[sizeof(uintmax_t) * CHAR_BIT];
	struct fmt_run runs[2];
	char prefix[3];
	size_t plen = 0, nd, zeros = 0;
	unsigned base = 10;
	char *end = buf + sizeof(buf), *p = end;
	char c = spec->conv;
	bool zero = v == 0;

	if (c == 'X' || c == 'B')
		digits = "0123456789ABCDEF";
	if (c == 'o')
		base = 8;
	else if (c == 'x' || c == 'X' || c == 'p')
		base = 16;
	else if (c == 'b' || c == 'B')
		base = 2;
	do {
		*--p = digits[v % base];
		v /= base;
	} while (v);
	nd = end - p;
	/* "%.0d" of zero prints no digit at all. */
	if (spec->prec == 0 && zero)
		nd = 0;
	if (spec->prec >= 0 && (size_t)spec->prec > nd)
		zeros = spec->prec - nd;
	/*
	 * '#' with 'o' raises the precision until the first digit is 0: adds
	 * one if there is no digit, or a nonzero one, and no zeros yet.
	 */
	if (c == 'o' && (spec->flags & FMT_ALT) && !zeros && (!nd || !zero))
		zeros = 1;

	if (neg)
		prefix[plen++] = '-';
	else if (sign && (spec->flags & FMT_PLUS))
		prefix[plen++] = '+';
	else if (sign && (spec->flags & FMT_SPACE))
		prefix[plen++] = ' ';
	/* The "0x" of '#' is only for non-zero values; %p always has it. */
	if (c == 'p' || ((spec->flags & FMT_ALT) && !zero &&
			 (base == 16 || base == 2))) {
		prefix[plen++] = '0';
		prefix[plen++] = c == 'p' ? 'x' : c;
	}

	runs[0] = (struct fmt_run){ .n = zeros, .c = '0' };
	runs[1] = (struct fmt_run){ .s = p, .n = nd };
	return fmt_padded(sink, spec, prefix, plen, runs, 2, spec->prec < 0);
}

static size_t put_str(struct fmt_sink *sink, const struct fmt_spec *spec,
		      const char *s)
{
	size_t lim = spec->prec < 0 ? SIZE_MAX : (size_t)spec->prec;
	struct fmt_run run = { .n = 0 };

	/* glibc prints "(null)" only if it fits the precision whole. */
	if (!s)
		s = lim >= 6 ? "(null)" : "";
	while (run.n < lim && s[run.n])
		run.n++;
	run.s = s;
	return fmt_padded(sink, spec, NULL, 0, &run, 1, false);
}

/*
 * In the C locale only ASCII has a multibyte form; anything else fails the
 * whole call with EILSEQ, as wcrtomb() does for glibc. wint_t and wchar_t
 * hold the same values here, so one check serves %lc and %ls.
 */
static bool wide_ok(unsigned int wc)
{
	return wc <= 0x7f;
}

static int put_wstr(struct fmt_sink *sink, const struct fmt_spec *spec,
		    const wchar_t *ws, size_t *len)
{
	size_t lim = spec->prec < 0 ? SIZE_MAX : (size_t)spec->prec;
	size_t n = 0, pad = 0;
	char buf[64];

	if (!ws) {
		*len = put_str(sink, spec, NULL);
		return 0;
	}
	/* Every character below the precision is converted, and checked. */
	for (; n < lim && ws[n]; n++)
		if (!wide_ok(ws[n]))
			return -EILSEQ;
	if ((size_t)spec->width > n)
		pad = spec->width - n;
	if (!(spec->flags & FMT_LEFT))
		fmt_fill(sink, ' ', pad);
	for (size_t i = 0; i < n;) {
		size_t k = 0;

		while (k < sizeof(buf) && i < n)
			buf[k++] = (char)ws[i++];
		sink->put(sink, buf, k);
	}
	if (spec->flags & FMT_LEFT)
		fmt_fill(sink, ' ', pad);
	*len = n + pad;
	return 0;
}

/* %n: the count so far, as an int truncated to the modifier's type. */
static void store_count(va_list *ap, enum fmt_len len, size_t count)
{
	int n = (int)count;

	switch (len) {
	case LEN_HH:
		*va_arg(*ap, signed char *) = (signed char)n;
		break;
	case LEN_H:
		*va_arg(*ap, short *) = (short)n;
		break;
	case LEN_L:
		*va_arg(*ap, long *) = n;
		break;
	case LEN_LL:
		*va_arg(*ap, long long *) = n;
		break;
	case LEN_J:
		*va_arg(*ap, intmax_t *) = n;
		break;
	case LEN_Z:
		*va_arg(*ap, size_t *) = n;
		break;
	case LEN_T:
		*va_arg(*ap, ptrdiff_t *) = n;
		break;
	default:
		*va_arg(*ap, int *) = n;
		break;
	}
}

static char *put_dec(char *p, int v)
{
	char tmp[12];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/*
 * glibc echoes an unknown conversion, rebuilding it from the parsed fields
 * in a fixed order and without the length modifier ("%-05lly" comes out as
 * "%-5y"). It consumes no argument beyond '*' fields.
 */
static size_t put_unknown(struct fmt_sink *sink, const struct conv *cv)
{
	const struct fmt_spec *sp = &cv->spec;
	char buf[40], *p = buf;

	*p++ = '%';
	if (sp->flags & FMT_ALT)
		*p++ = '#';
	if (sp->flags & FMT_GROUP)
		*p++ = '\'';
	if (sp->flags & FMT_PLUS)
		*p++ = '+';
	else if (sp->flags & FMT_SPACE)
		*p++ = ' ';
	if (sp->flags & FMT_LEFT)
		*p++ = '-';
	else if (sp->flags & FMT_ZERO)
		*p++ = '0';
	if (sp->flags & FMT_I18N)
		*p++ = 'I';
	if (sp->width)
		p = put_dec(p, sp->width);
	if (sp->prec >= 0) {
		*p++ = '.';
		p = put_dec(p, sp->prec);
	}
	*p++ = sp->conv;
	sink->put(sink, buf, p - buf);
	return p - buf;
}

static bool is_wide(enum fmt_len len)
{
	return len != LEN_NONE && len != LEN_H && len != LEN_HH;
}

/*
 * Lower bound on what a conversion prints, used to fail before emitting
 * gigabytes that could never be counted in an int.
 */
static size_t min_len(const struct conv *cv)
{
	const struct fmt_spec *sp = &cv->spec;
	bool prec_counts;

	switch (sp->conv) {
	case 'd': case 'i': case 'o': case 'u': case 'x': case 'X':
	case 'b': case 'B': case 'p': case 'f': case 'F': case 'e':
	case 'E': case 'a': case 'A':
		prec_counts = true;
		break;
	case 'g':
	case 'G':
		/* Without '#', %g drops trailing zeros: no bound. */
		prec_counts = sp->flags & FMT_ALT;
		break;
	default:
		prec_counts = false;
		break;
	}
	if (prec_counts && sp->prec > sp->width)
		return sp->prec;
	return sp->width;
}

/* One conversion; returns bytes written or a negative errno. */
static long convert(struct fmt_sink *sink, struct conv *cv, va_list *ap,
		    fmt_float_fn float_fn, size_t done)
{
	struct fmt_spec *sp = &cv->spec;
	uintmax_t v;
	size_t n;
	char c;

	switch (sp->conv) {
	case 'd':
	case 'i': {
		intmax_t iv = arg_int(ap, cv->len);

		/* Negate in unsigned arithmetic so that INTMAX_MIN works. */
		v = iv < 0 ? -(uintmax_t)iv : (uintmax_t)iv;
		return put_int(sink, sp, v, iv < 0, true);
	}
	case 'u':
	case 'o':
	case 'x':
	case 'X':
	case 'b':
	case 'B':
		return put_int(sink, sp, arg_uint(ap, cv->len), false, false);
	case 'p':
		v = (uintptr_t)va_arg(*ap, void *);
		if (v)
			return put_int(sink, sp, v, false, true);
		/* "(nil)" is a string: no precision, no zeros, no sign. */
		sp->prec = -1;
		return put_str(sink, sp, "(nil)");
	case 'c':
	case 'C': {
		struct fmt_run run = { .s = &c, .n = 1 };

		if (sp->conv == 'c' && !is_wide(cv->len)) {
			c = (char)va_arg(*ap, int);
		} else {
			/* wint_t is unsigned int on every ABI we target. */
			unsigned int wc = va_arg(*ap, unsigned int);

			if (!wide_ok(wc))
				return -EILSEQ;
			c = (char)wc;
		}
		/* One byte even if it is NUL, which put_str would stop at. */
		return fmt_padded(sink, sp, NULL, 0, &run, 1, false);
	}
	case 's':
	case 'S':
		if (sp->conv == 's' && !is_wide(cv->len))
			return put_str(sink, sp, va_arg(*ap, const char *));
		if (put_wstr(sink, sp, va_arg(*ap, const wchar_t *), &n) < 0)
			return -EILSEQ;
		return n;
	case 'n':
		store_count(ap, cv->len, done);
		return 0;
	case '%':
		sink->put(sink, "%", 1);
		return 1;
	case 'f':
	case 'F':
	case 'e':
	case 'E':
	case 'g':
	case 'G':
	case 'a':
	case 'A':
		if (!float_fn) {
			sink->put(sink, "<float>", 7);
			return 7;
		}
		if (cv->len == LEN_LL)
			sp->flags |= FMT_LONG_DBL;
		return float_fn(sink, sp, ap);
	default:
		return put_unknown(sink, cv);
	}
}

int vformat(struct fmt_sink *sink, const char *fmt, va_list ap,
	    fmt_float_fn float_fn)
{
	size_t total = 0;
	va_list args;
	int rc = 0;

	/* One copy is shared with float_fn so both advance the same list. */
	va_copy(args, ap);
	while (*fmt) {
		const char *pct = fmt;
		size_t lit;
		struct conv cv;
		long n;

		while (*pct && *pct != '%')
			pct++;
		lit = pct - fmt;
		if (lit) {
			sink->put(sink, fmt, lit);
			total += lit;
			fmt += lit;
		}
		if (total > INT_MAX) {
			rc = -EOVERFLOW;
			break;
		}
		if (!*pct)
			break;
		fmt++;
		rc = parse_conv(&fmt, &args, &cv);
		if (rc < 0)
			break;
		if (min_len(&cv) > INT_MAX - total) {
			rc = -EOVERFLOW;
			break;
		}
		n = convert(sink, &cv, &args, float_fn, total);
		if (n < 0) {
			rc = (int)n;
			break;
		}
		total += n;
		if (total > INT_MAX) {
			rc = -EOVERFLOW;
			break;
		}
	}
	va_end(args);
	return rc < 0 ? -1 : (int)total;
}
