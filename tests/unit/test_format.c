// SPDX-License-Identifier: MIT
/*
 * Host tests for vformat() (lib/format.c), the kernel's own formatter. On
 * what it supports (flags "-+ #0", width, precision, hh h l ll z t j, and
 * d i u o x X c s p %%) it must print what glibc's vsnprintf prints and
 * return the same count: a table of corner cases, every combination of
 * flags, width, precision and length on edge values, and random formats
 * from a fixed seed are formatted by both and compared byte for byte. Then
 * the documented differences: unknown conversions and formats that end
 * inside a conversion are printed as written, and nothing past the format's
 * NUL is read.
 */
#include "unit.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>

#include "kernel/format.h"

#define OUT_MAX		512
#define SHOW_MAX	8	/* mismatches printed per section */

/* Like kernel/log.c's ksnprintf(): keeps what fits, counts the rest. */
struct buf_sink {
	struct fmt_sink sink;
	char *buf;
	size_t cap, len;
};

static void buf_put(struct fmt_sink *sink, const char *s, size_t n)
{
	struct buf_sink *b = (struct buf_sink *)sink;

	for (size_t i = 0; i < n; i++, b->len++)
		if (b->len + 1 < b->cap)
			b->buf[b->len] = s[i];
}

static int our_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct buf_sink b = { { buf_put }, buf, cap, 0 };
	int rc = vformat(&b.sink, fmt, ap);

	buf[b.len < cap ? b.len : cap - 1] = '\0';
	/* The count returned is the count handed to the sink. */
	if (rc >= 0 && (size_t)rc != b.len)
		return -2;
	return rc;
}

static int ours(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = our_vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return rc;
}

static int mismatches;

/* Formats with glibc and with vformat(); reports and counts a difference. */
static bool vcompare(const char *where, const char *fmt, va_list ap)
{
	char want[OUT_MAX], got[OUT_MAX];
	int rw, rg;
	va_list ap2;

	va_copy(ap2, ap);
	rw = vsnprintf(want, sizeof(want), fmt, ap);
	rg = our_vsnprintf(got, sizeof(got), fmt, ap2);
	va_end(ap2);
	/* memcmp: %c of 0 puts a NUL in the output. */
	if (rw == rg && rw >= 0 && rw < OUT_MAX && memcmp(want, got, rw) == 0)
		return true;
	if (++mismatches <= SHOW_MAX)
		printf("    %s: \"%s\": glibc %d \"%s\", ours %d \"%s\"\n",
		       where, fmt, rw, want, rg, got);
	return false;
}

static bool compare(const char *where, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = vcompare(where, fmt, ap);
	va_end(ap);
	return ok;
}

#define STR2(x) #x
#define STR(x) STR2(x)
#define SAME(...) compare(__FILE__ ":" STR(__LINE__), __VA_ARGS__)

/* Hand-picked cases, most of them quirks that are easy to get wrong. */
static void table(void)
{
	SAME("");
	SAME("no conversion at all");
	SAME("%d %i %u %o %x %X|", 42, -42, 42u, 42u, 0xbeefu, 0xbeefu);
	SAME("%d %d %d %d", INT_MIN, INT_MAX, 0, -1);
	SAME("%u %x %o %X", UINT_MAX, UINT_MAX, UINT_MAX, 0u);
	SAME("%lld %lli %llu %llx %llo", LLONG_MIN, LLONG_MAX, ULLONG_MAX,
	     ULLONG_MAX, ULLONG_MAX);
	SAME("%ld %lu %lx %lX", LONG_MIN, ULONG_MAX, ULONG_MAX, 0xabcdefUL);
	SAME("%jd %ju %zd %zu %zx %td %tu %tx", INTMAX_MIN, UINTMAX_MAX,
	     (size_t)-1, (size_t)-1, (size_t)-1, (ptrdiff_t)-5, (ptrdiff_t)-5,
	     (ptrdiff_t)-5);
	/* hh and h narrow an int argument first. */
	SAME("%hhd %hhu %hhx %hd %hu %hx", 300, 300, -1, 70000, 70000, -1);
	SAME("%hhd %hd %hhd %hd %hho %ho", -129, -32769, 128, 32768, -1, -1);
	SAME("%hhi %hi %hhX %hX", SCHAR_MIN, SHRT_MIN, 0xabcd, 0xabcdef);
	SAME("%5d|%-5d|%05d|%+5d|% 5d|%+-5d|%-05d", 42, 42, 42, 42, 42, 42, 42);
	SAME("%+d % d %+ d % +d %+d % d", 0, 0, 5, 5, -5, -5);
	SAME("%+08d|% 08d|%+ 8.3d|%08.3d|%-8.3d|%08d", -5, 5, -5, 5, 5, -5);
	/* Precision 0 and a zero: no digits at all, except for %#o. */
	SAME("%.0d|%.0i|%.0u|%.0x|%.0o|%5.0d|%-5.0d|%+.0d|% .0d|%.d", 0, 0, 0u,
	     0u, 0u, 0, 0, 0, 0, 0);
	SAME("%#o|%#x|%#X|%#.0o|%#.0x|%#5.3o|%#.3o|%#o", 0u, 0u, 0u, 0u, 0u, 8u,
	     8u, 8u);
	SAME("%#x|%#X|%#08x|%#-8x|%#.3x|%#8.3x|%#08o|%#08.3x", 5u, 255u, 5u, 5u,
	     5u, 5u, 5u, 5u);
	SAME("%#.5o|%#.1o|%#3o|%#1o|%#.2o|%#llo", 8u, 8u, 8u, 0u, 7u,
	     ULLONG_MAX);
	/* '+' and ' ' are for signed conversions only. */
	SAME("%+u|% u|%+x|% o|%+X", 3u, 3u, 3u, 3u, 3u);
	SAME("%*d|%-*d|%*d|%.*d|%.*d|%*.*d", 6, 1, 6, 1, -6, 1, 3, 1, -3, 1, 6,
	     3, 1);
	SAME("%0*d|%0*d|%-*.*x|", -5, 3, 5, -3, 8, -1, 255u);
	SAME("%.30d|%40.30lld|%-40.30llx|%.25llo", 7, LLONG_MIN, ULLONG_MAX,
	     ULLONG_MAX);
	SAME("%00005d|%--5d|%+++d|%   d|%###x|%-0-0d", 3, 3, 3, 3, 255u, 4);
	SAME("%d%%%d|%%|%%%%", 1, 2);

	SAME("%s|%10s|%-10s|%.2s|%10.2s|%-10.2s|%.0s|%.10s", "hello", "hello",
	     "hello", "hello", "hello", "hello", "hello", "hi");
	SAME("%05s|%+s|% s|%#s|%-05s|%s|", "ab", "ab", "ab", "ab", "ab", "");
	SAME("%s|%10s|%-10s|%.6s|%.7s", (char *)NULL, (char *)NULL,
	     (char *)NULL, (char *)NULL, (char *)NULL);
	SAME("[%.5s][%.3s][%.0s][%8.5s][%-8.6s]", (char *)NULL, (char *)NULL,
	     (char *)NULL, (char *)NULL, (char *)NULL);
	SAME("%c|%5c|%-5c|%05c|%.0c|%+c|% c|%#c", 'x', 'x', 'x', 'x', 'x', 'y',
	     'z', 'w');
	SAME("a%cb|%3c|%-3c|", 0, 0, 0);
	SAME("%c%c%c", 'a' + 256, -1, 200);
	SAME("%p|%10p|%-10p|%010p|%+p|% p|%.3p|%#p|%5p", NULL, NULL, NULL,
	     NULL, NULL, NULL, NULL, NULL, NULL);
	SAME("%p|%20p|%-20p|%020p|%+p|% p|%#p", (void *)0x1234, (void *)0x1234,
	     (void *)0x1234, (void *)0x1234, (void *)0x1234, (void *)0x1234,
	     (void *)0x1234);
	SAME("%.8p|%12.8p|%-+12.8p|%.0p|%+ 020p", (void *)0x1234,
	     (void *)0x1234, (void *)0x1234, (void *)1, (void *)0xabc);
	SAME("%p|%p", (void *)UINTPTR_MAX, (void *)1);
	/* What the kernel prints: a backtrace line, a log line. */
	SAME("    #%-2d 0x%016lx %s+0x%lx\n", 3, 0xffffffff80001234UL,
	     "main", 0x2aUL);
	SAME("toro: %s: %zu bytes at %p (%d%%)\n", "virtio-blk", (size_t)4096,
	     (void *)0x200000, 50);
}

/* A width or precision: its text, and the '*' argument if it is one. */
struct field {
	const char *text;
	int arg;
};

#define IS_STAR(f) (strchr((f)->text, '*') != NULL)

static const struct field widths[] = {
	{ "", 0 }, { "1", 0 }, { "7", 0 }, { "24", 0 }, { "*", 9 }, { "*", -9 },
};

static const struct field precs[] = {
	{ "", 0 }, { ".", 0 }, { ".0", 0 }, { ".1", 0 }, { ".6", 0 },
	{ ".23", 0 },
	{ ".*", 4 }, { ".*", -1 },
};

/* The '*' arguments of (w) and (p), then (val): 0, 1 or 2 ints before. */
#define COMPARE_STARS(where, fmt, w, p, val)                                   \
	do {                                                                   \
		if (IS_STAR(w) && IS_STAR(p))                                  \
			compare(where, fmt, (w)->arg, (p)->arg, val);          \
		else if (IS_STAR(w))                                           \
			compare(where, fmt, (w)->arg, val);                    \
		else if (IS_STAR(p))                                           \
			compare(where, fmt, (p)->arg, val);                    \
		else                                                           \
			compare(where, fmt, val);                              \
	} while (0)

/* "%" + the flags in (mask) + width + precision + (len) + (conv). */
static void build(char *fmt, unsigned mask, const struct field *w,
		  const struct field *p, const char *len, char conv)
{
	static const char flags[] = "-+ #0";

	*fmt++ = '[';
	*fmt++ = '%';
	for (int i = 0; i < 5; i++)
		if (mask & (1U << i))
			*fmt++ = flags[i];
	sprintf(fmt, "%s%s%s%c]", w->text, p->text, len, conv);
}

/* Every flag set, width, precision and length on edge values. */
static void combinations(void)
{
	static const char *const lens[] = { "", "hh", "h", "l", "ll", "z",
					    "t", "j" };
	static const long long values[] = {
		0, 1, -1, 7, 8, 42, -42, 0x7f, 0x80, 0xff, 0x7fff, -0x8000,
		0xffff, INT_MAX, INT_MIN, UINT_MAX, 1000000007, LLONG_MAX,
		LLONG_MIN, (long long)ULLONG_MAX - 1,
	};
	static const char *const strs[] = { "", "a", "hello, world", NULL };
	static const int chars[] = { 'x', 0, 0xe9, '%' };
	static void *const ptrs[] = { NULL, (void *)1, (void *)0x1234,
				     (void *)UINTPTR_MAX };
	char fmt[64];

	for (unsigned mask = 0; mask < 32; mask++)
	for (size_t wi = 0; wi < sizeof(widths) / sizeof(widths[0]); wi++)
	for (size_t pi = 0; pi < sizeof(precs) / sizeof(precs[0]); pi++) {
		const struct field *w = &widths[wi], *p = &precs[pi];

		for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++)
		for (const char *c = "diouxX"; *c; c++)
		for (size_t vi = 0; vi < sizeof(values) / sizeof(values[0]);
		     vi++) {
			build(fmt, mask, w, p, lens[li], *c);
			/* hh, h and none take an int; the rest 64 bits. */
			if (li < 3)
				COMPARE_STARS("combinations", fmt, w, p,
					      (int)values[vi]);
			else
				COMPARE_STARS("combinations", fmt, w, p,
					      values[vi]);
		}
		for (int i = 0; i < 4; i++) {
			build(fmt, mask, w, p, "", 's');
			COMPARE_STARS("combinations", fmt, w, p, strs[i]);
			build(fmt, mask, w, p, "", 'c');
			COMPARE_STARS("combinations", fmt, w, p, chars[i]);
			build(fmt, mask, w, p, "", 'p');
			COMPARE_STARS("combinations", fmt, w, p, ptrs[i]);
		}
	}
}

/* Random flags (in any order and repeated), width and precision. */
static char *random_spec(char *p, struct field *w, struct field *pr)
{
	static const char flags[] = "-+ #0";

	*p++ = '%';
	for (int i = unit_rand_below(5); i > 0; i--)
		*p++ = flags[unit_rand_below(5)];
	*w = (struct field){ "", 0 };
	switch (unit_rand_below(4)) {
	case 0:
		break;
	case 1:
		*w = (struct field){ "*", (int)unit_rand_below(81) - 40 };
		*p++ = '*';
		break;
	default:
		p += sprintf(p, "%u", unit_rand_below(40));
		break;
	}
	*pr = (struct field){ "", 0 };
	switch (unit_rand_below(6)) {
	case 0:
	case 1:
		break;
	case 2:
		*p++ = '.';
		break;
	case 3:
		*pr = (struct field){ ".*", (int)unit_rand_below(50) - 10 };
		p += sprintf(p, ".*");
		break;
	default:
		p += sprintf(p, ".%u", unit_rand_below(45));
		break;
	}
	return p;
}

/* Formats and values from a fixed seed, as glibc would see them. */
static void random_formats(void)
{
	static const char *const lens[] = { "", "hh", "h", "l", "ll", "z",
					    "t", "j" };
	static const char *const strs[] = { "", "x", "kernel", NULL,
					    "a rather longer string" };
	static const char convs[] = "diouxXcsp";
	char fmt[64];

	unit_seed(1);
	for (int i = 0; i < 50000; i++) {
		struct field w, pr;
		char *p = fmt;
		char c = convs[unit_rand_below(sizeof(convs) - 1)];
		unsigned li = 0;
		uint64_t v = unit_rand();

		if (unit_rand_below(2))
			*p++ = '<';
		p = random_spec(p, &w, &pr);
		/* Small magnitudes and zero matter more than huge ones. */
		if (unit_rand_below(3) == 0)
			v >>= unit_rand_below(64);
		if (unit_rand_below(8) == 0)
			v = 0;
		if (strchr("diouxX", c))
			li = unit_rand_below(8);
		sprintf(p, "%s%c>", lens[li], c);

		if (c == 's')
			COMPARE_STARS("random", fmt, &w, &pr,
				      strs[v % 5]);
		else if (c == 'p')
			COMPARE_STARS("random", fmt, &w, &pr,
				      (void *)(uintptr_t)(v & 1 ? v : 0));
		else if (li < 3)
			COMPARE_STARS("random", fmt, &w, &pr, (int)v);
		else
			COMPARE_STARS("random", fmt, &w, &pr, (long long)v);
	}
}

/* Formats that vformat() prints as written, taking only '*' arguments. */
static void as_written(void)
{
	static const char *const fmts[] = {
		/* Unknown conversions, glibc's extensions among them. */
		"%y", "%5.3y|", "%-#0+ 12.4lly|", "%hhy%hy%ly%lly%zy%ty%jy",
		"%Ld|%qd|%Zd|%I5d|%'d|%m|%n|%hhn|%b|%B|%C|%S|%w",
		"%f|%e|%g|%a|%F|%E|%G|%A|%Lf|%.3f", "%llld|%hhhd|%lhd|%hld",
		"%1$d|%-.-5d|%5.5.5d", "%.y|%5.y|%0.0y",
		/* Formats that end inside a conversion. */
		"%", "abc%", "abc%5", "%-", "%#-+ 0", "%05", "%.", "%.3", "%5.",
		"%l", "%ll", "%h", "%hh", "%z", "%t", "%j", "%12.7ll",
	};
	char buf[OUT_MAX];

	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		CHECK_EQ(ours(buf, sizeof(buf), fmts[i]), strlen(fmts[i]));
		CHECK_STR_EQ(buf, fmts[i]);
	}

	/* The '*' arguments are taken, so the next conversion gets its own. */
	CHECK_EQ(ours(buf, sizeof(buf), "%*y|%d", 7, 8), 5);
	CHECK_STR_EQ(buf, "%*y|8");
	CHECK_EQ(ours(buf, sizeof(buf), "%-*.*hy|%u", 7, 2, 9u), 9);
	CHECK_STR_EQ(buf, "%-*.*hy|9");
	CHECK_EQ(ours(buf, sizeof(buf), "%d|%*", 1, 2), 4);
	CHECK_STR_EQ(buf, "1|%*");
	CHECK_EQ(ours(buf, sizeof(buf), "%s%.*", "x", 3), 4);
	CHECK_STR_EQ(buf, "x%.*");

	/* %% ignores flags and width, as glibc does. */
	CHECK_EQ(ours(buf, sizeof(buf), "%5%|%-05%|%ll%|%.3%"), 7);
	CHECK_STR_EQ(buf, "%|%|%|%");
}

/*
 * The format's last byte is the last of its heap block, so ASan catches a
 * read past the NUL.
 */
static void no_read_past_end(void)
{
	static const char *const fmts[] = {
		"abc%", "%-05", "%12.", "%.*", "%ll", "%hh", "%5.3l", "%%",
		"%d", "%y",
	};
	char buf[OUT_MAX];

	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		size_t n = strlen(fmts[i]) + 1;
		char *fmt = malloc(n);

		REQUIRE(fmt);
		memcpy(fmt, fmts[i], n);
		CHECK(ours(buf, sizeof(buf), fmt, 3, 3) >= 0);
		free(fmt);
	}
}

/* Where vformat() is documented to part from glibc without failing. */
static void differences(void)
{
	char buf[OUT_MAX];

	/* A '*' width of INT_MIN: glibc fails with EOVERFLOW; no pad here. */
	CHECK_EQ(ours(buf, sizeof(buf), "%*d|", INT_MIN, 1), 2);
	CHECK_STR_EQ(buf, "1|");
	/* Length modifiers do not make %c wide: it prints one byte. */
	CHECK_EQ(ours(buf, sizeof(buf), "%lc|%hhc|%llc|%zc", 'a', 'b', 'c',
		      'd'),
		 7);
	CHECK_STR_EQ(buf, "a|b|c|d");
	/* The count is the bytes produced, even when the buffer is short. */
	CHECK_EQ(ours(buf, 4, "%s|%5d", "truncated", 1), 15);
	CHECK_STR_EQ(buf, "tru");
}

UNIT_TEST(format)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} sections[] = {
		{ "table", table },
		{ "combinations", combinations },
		{ "random", random_formats },
	};

	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		mismatches = 0;
		sections[i].fn();
		if (mismatches)
			printf("    %s: %d formats differ from glibc\n",
			       sections[i].name, mismatches);
		CHECK_EQ(mismatches, 0);
	}
	as_written();
	no_read_past_end();
	differences();
}
