// SPDX-License-Identifier: MIT
/*
 * Host tests for vformat() (lib/format.c), the kernel's formatter: every
 * case without floating point (which the kernel does not format) is
 * formatted by both our code and the host glibc's vsnprintf, and the
 * bytes and return values must agree. A table of hand-picked corner cases comes first, then many
 * thousands of random formats and values from a fixed seed.
 */
#include "unit.h"

#include <dlfcn.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <wchar.h>

#include "kernel/format.h"

#define OUT_MAX		16384
#define SHOW_MAX	8	/* mismatches printed per test */

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

static int our_vsnprintf(char *buf, size_t cap, fmt_float_fn ff,
			 const char *fmt, va_list ap)
{
	struct buf_sink b = { { buf_put }, buf, cap, 0 };
	int rc = vformat(&b.sink, fmt, ap, ff);

	buf[b.len < cap ? b.len : cap - 1] = '\0';
	return rc;
}

static int mismatches;

typedef int (*vsnprintf_fn)(char *, size_t, const char *, va_list);

/*
 * The reference: glibc's own vsnprintf, looked up in libc.so.6 so that we
 * bypass the sanitizer's interceptor, which warns about the glibc
 * extensions (%b, %Z, 'I', unknown conversions) these tests exercise.
 */
static vsnprintf_fn glibc_vsnprintf(void)
{
	static vsnprintf_fn fn;
	void *libc;

	if (!fn) {
		libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
		if (libc)
			fn = (vsnprintf_fn)dlsym(libc, "vsnprintf");
		if (!fn)
			fn = vsnprintf;
	}
	return fn;
}

/* Formats with both implementations; reports and counts a difference. */
static bool vcompare(const char *where, const char *fmt, va_list ap)
{
	static char want[OUT_MAX], got[OUT_MAX];
	int rw, rg, ew, eg;
	va_list ap2;

	va_copy(ap2, ap);
	errno = 0;
	rw = glibc_vsnprintf()(want, sizeof(want), fmt, ap);
	ew = errno;
	errno = 0;
	rg = our_vsnprintf(got, sizeof(got), NULL, fmt, ap2);
	eg = errno;
	va_end(ap2);
	/* After a failure only the return value is defined. */
	(void)ew, (void)eg;
	if (rw == rg && (rw < 0 || strcmp(want, got) == 0))
		return true;
	if (++mismatches <= SHOW_MAX)
		printf("    %s: format \"%s\": glibc %d \"%.200s\" (errno %d),"
		       " ours %d \"%.200s\" (errno %d)\n",
		       where, fmt, rw, want, ew, rg, got, eg);
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

UNIT_TEST(format_integers)
{
	mismatches = 0;
	SAME("plain %d %i %u %o %x %X|", 42, -42, 42u, 42u, 0xbeefu, 0xbeefu);
	SAME("%d %d %d", INT_MIN, INT_MAX, 0);
	SAME("%u %x %o", UINT_MAX, UINT_MAX, UINT_MAX);
	SAME("%lld %lli %llu", LLONG_MIN, LLONG_MAX, ULLONG_MAX);
	SAME("%ld %lu %lx", LONG_MIN, ULONG_MAX, ULONG_MAX);
	SAME("%jd %ju %zd %zu %td %tx", INTMAX_MIN, UINTMAX_MAX, (size_t)-1,
	     (size_t)-1, (ptrdiff_t)-5, (ptrdiff_t)-5);
	SAME("%hhd %hhu %hhx %hd %hu %hx", 300, 300, -1, 70000, 70000, -1);
	SAME("%hhd %hd", -129, -32769);
	SAME("%qd %Ld %Lx %Zd", 1LL << 40, -(1LL << 40), 1LL << 40, (long)-5);
	SAME("%b|%B|%#b|%#B|%#b|%08b|%#010b|%.5b|%#-12.3llb", 5u, 5u, 5u, 5u,
	     0u, 5u, 5u, 5u, 1ULL << 40);
	SAME("%5d|%-5d|%05d|%+5d|% 5d|%+-5d|%-05d", 42, 42, 42, 42, 42, 42, 42);
	SAME("%+d % d %+ d % +d", 0, 0, 5, 5);
	SAME("%+08d|% 08d|%+ 8.3d|%08.3d|%-8.3d", -5, 5, -5, 5, 5);
	SAME("%.0d|%.0i|%.0u|%.0x|%.0o|%5.0d|%-5.0d|%+.0d|% .0d", 0, 0, 0u, 0u,
	     0u, 0, 0, 0, 0);
	SAME("%#o|%#x|%#X|%#.0o|%#.0x|%#5.3o|%#.3o|%#o", 0u, 0u, 0u, 0u, 0u, 8u,
	     8u, 8u);
	SAME("%#x|%#X|%#08x|%#-8x|%#.3x|%#8.3x|%#08o", 5u, 255u, 5u, 5u, 5u, 5u,
	     5u);
	SAME("%#.5o|%#.1o|%#3o|%#1o", 8u, 8u, 8u, 0u);
	SAME("%+u|% u|%+x|% o", 3u, 3u, 3u, 3u);
	SAME("%'d|%'u|%'x|%Id|%I'-8u|", 1234567, 1234567u, 1234567u, 5, 5u);
	SAME("%*d|%-*d|%*d|%.*d|%.*d|%*.*d", 6, 1, 6, 1, -6, 1, 3, 1, -3, 1, 6,
	     3, 1);
	SAME("%0*d|%0*d", -5, 3, 5, -3);
	SAME("%.30d|%40.30lld|%-40.30llx", 7, LLONG_MIN, ULLONG_MAX);
	SAME("%00005d|%--5d|%+++d|%   d|%###x", 3, 3, 3, 3, 255u);
	SAME("%d%%%d|%5%|%-5%|%ll%|%05%", 1, 2);
	CHECK_EQ(mismatches, 0);
}

UNIT_TEST(format_strings_chars_pointers)
{
	wchar_t wabc[] = L"abc", wbad[] = { 'a', 'b', 0xe9, 0 };

	mismatches = 0;
	SAME("%s|%10s|%-10s|%.2s|%10.2s|%-10.2s|%.0s|%.10s", "hello", "hello",
	     "hello", "hello", "hello", "hello", "hello", "hi");
	SAME("%05s|%+s|% s|%#s|%hs|%hhs", "ab", "ab", "ab", "ab", "ab", "ab");
	SAME("%s|%10s|%-10s|%.6s|%.7s", (char *)NULL, (char *)NULL,
	     (char *)NULL, (char *)NULL, (char *)NULL);
	SAME("[%.5s][%.3s][%.0s][%8.5s][%-8.6s]", (char *)NULL, (char *)NULL,
	     (char *)NULL, (char *)NULL, (char *)NULL);
	SAME("%c|%5c|%-5c|%05c|%.0c|%hhc|%hc", 'x', 'x', 'x', 'x', 'x', 'y',
	     'z');
	SAME("a%cb|%3c|%-3c|", 0, 0, 0);
	SAME("%c%c%c", 'a' + 256, -1, 200);
	SAME("%lc|%5lc|%-5lc|%.0lc|%C|%lc", 'A', 'B', 'C', 'D', 'E', 0);
	SAME("%Lc|%jc|%zc|%tc|%llc|%qc", 'a', 'b', 'c', 'd', 'e', 'f');
	SAME("%lc", 0xe9);
	SAME("%lc", -1);
	SAME("%lc", 0x7f);
	SAME("%ls|%5ls|%-5ls|%.2ls|%S|%.0ls", wabc, wabc, wabc, wabc, wabc,
	     wabc);
	SAME("%ls|%.3ls|%.6ls|%10ls", (wchar_t *)NULL, (wchar_t *)NULL,
	     (wchar_t *)NULL, (wchar_t *)NULL);
	SAME("%.2ls|%.0ls|", wbad, wbad + 2);
	SAME("%ls", wbad);
	SAME("%.3ls", wbad);
	SAME("%.1ls", wbad + 2);
	SAME("%zs|%ls|%lls|%Ls|%js|%ts|%qs", wabc, L"", wabc, wabc, wabc, wabc,
	     wabc);
	SAME("%p|%10p|%-10p|%010p|%+p|% p|%.3p|%#p", NULL, NULL, NULL, NULL,
	     NULL, NULL, NULL, NULL);
	SAME("%p|%20p|%-20p|%020p|%+p|% p|%#p", (void *)0x1234, (void *)0x1234,
	     (void *)0x1234, (void *)0x1234, (void *)0x1234, (void *)0x1234,
	     (void *)0x1234);
	SAME("%.8p|%12.8p|%-+12.8p|%hp|%llp|%Lp", (void *)0x1234,
	     (void *)0x1234, (void *)0x1234, (void *)1, (void *)1, (void *)1);
	SAME("%p", (void *)UINTPTR_MAX);
	CHECK_EQ(mismatches, 0);
}

UNIT_TEST(format_odd_specs)
{
	mismatches = 0;
	/* Unknown conversions are echoed from the parsed fields. */
	SAME("%y|%-5y|%5.3y|%lly|%hhy|%#-+ 0'I5.3y|%0I'#5y|%I0 5y|%0+5y");
	SAME("%-05y|%0-5y|% y|%+ y|%.y|%0.0y|%5.y|%.-5d|%5.5.5d", 3);
	SAME("%*y|%d", 7, 8);
	SAME("%*y|%d", -7, 8);
	SAME("%.*y|%d|%.*y|%d", 7, 8, -7, 9);
	SAME("%llld|%hhhd|%lhd|%w|%k|%v", 1LL);
	/* The format ends inside a conversion: EINVAL. */
	SAME("abc%");
	SAME("abc%5");
	SAME("abc%-");
	SAME("%l");
	SAME("%hh");
	SAME("%.");
	SAME("%*", 3);
	SAME("%.*", 3);
	/* Widths and precisions beyond INT_MAX. */
	SAME("%99999999999d|", 1);
	SAME("%2147483648d|", 1);
	SAME("%.2147483648d|", 1);
	SAME("%.99999999999y|");
	CHECK_EQ(mismatches, 0);
}

static int ours(char *buf, size_t cap, fmt_float_fn ff, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = our_vsnprintf(buf, cap, ff, fmt, ap);
	va_end(ap);
	return rc;
}

#define EXPECT_FAIL(err, ...)                                                  \
	CHECK_EQ(ours(buf, sizeof(buf), NULL, __VA_ARGS__), -1)

/*
 * Output that cannot be counted in an int. glibc takes seconds to find out
 * (it formats gigabytes first), so these check the outcome it reports
 * without running it; we fail before emitting anything.
 */
UNIT_TEST(format_overflow)
{
	char buf[64];

	EXPECT_FAIL(EOVERFLOW, "%*d|", INT_MIN, 1);
	EXPECT_FAIL(EOVERFLOW, "ab%2147483646dc", 1);
	EXPECT_FAIL(EOVERFLOW, "ab%.2147483646dc", 1);
	EXPECT_FAIL(EOVERFLOW, "ab%2147483646sc", "x");
	EXPECT_FAIL(EOVERFLOW, "ab%2147483646%c");
	CHECK_EQ(ours(buf, sizeof(buf), NULL, "%Zd|%Zu", (long)-5, (size_t)5),
		 4);
	CHECK_STR_EQ(buf, "-5|5");
}

#define kernel_fmt(buf, cap, ...) ours(buf, cap, NULL, __VA_ARGS__)

/* C23's %b, which glibc 2.35 and later print like this. */
UNIT_TEST(format_binary)
{
	char buf[128];

	CHECK_EQ(kernel_fmt(buf, sizeof(buf), "%b|%B|%#b|%#B|%#b|%08b|%#010b",
			    5u, 5u, 5u, 5u, 0u, 5u, 5u),
		 41);
	CHECK_STR_EQ(buf, "101|101|0b101|0B101|0|00000101|0b00000101");
	CHECK_EQ(kernel_fmt(buf, sizeof(buf), "%.5b|%-#10.3b|%hhb|%llb|%.0b|",
			    5u, 5u, 0x1ff, 1ULL << 40, 0u),
		 69);
	CHECK_STR_EQ(buf, "00101|0b101     |11111111|1"
			  "0000000000000000000000000000000000000000||");
}

UNIT_TEST(format_kernel_and_counts)
{
	char buf[64];
	signed char hh = 0;
	short h = 0;
	int n1 = 0, n2 = 0;
	long l = 0;
	long long ll = 0;
	intmax_t j = 0;
	size_t z = 0;
	ptrdiff_t t = 0;

	CHECK_EQ(kernel_fmt(buf, sizeof(buf), "%f|%d|%-8.3Lg|%a", 7), 25);
	CHECK_STR_EQ(buf, "<float>|7|<float>|<float>");
	CHECK_EQ(kernel_fmt(buf, 4, "%s", "truncated"), 9);
	CHECK_STR_EQ(buf, "tru");

	CHECK_EQ(kernel_fmt(buf, sizeof(buf),
			    "ab%ncdef%n%hhn%hn%ln%lln%jn%zn%tn", &n1, &n2, &hh,
			    &h, &l, &ll, &j, &z, &t),
		 6);
	CHECK_EQ(n1, 2);
	CHECK_EQ(n2, 6);
	CHECK(hh == 6 && h == 6 && l == 6 && ll == 6 && j == 6 && z == 6 &&
	      t == 6);
	CHECK_EQ(kernel_fmt(buf, sizeof(buf), "%300d%hhn", 1, &hh), 300);
	CHECK_EQ(hh, 44);
	/* glibc's 'I' flag (locale digits) is a no-op in the C locale. */
	CHECK_EQ(kernel_fmt(buf, sizeof(buf), "%Id|%-I4x|%#-+ 0'I5.3y|%0I'#5y|"
			    "%I0 5y", 12, 10),
		 33);
	CHECK_STR_EQ(buf, "12|a   |%#'+-I5.3y|%#'0I5y|% 0I5y");
	CHECK_EQ(kernel_fmt(buf, sizeof(buf), "%5n|%Ln|%qn", &n1, &ll, &ll), 2);
	CHECK_EQ(n1, 0);
	CHECK_EQ(ll, 2);
	CHECK_EQ(kernel_fmt(buf, sizeof(buf), ""), 0);
	CHECK_STR_EQ(buf, "");
}


/* Random flags, width and precision after a '%'; returns the end. */
static char *random_spec(char *p, unsigned max_prec)
{
	static const char flags[] = "-+ #0";

	*p++ = '%';
	for (int i = unit_rand_below(4); i > 0; i--)
		*p++ = flags[unit_rand_below(sizeof(flags) - 1)];
	if (unit_rand_below(2))
		p += sprintf(p, "%u", unit_rand_below(40));
	switch (unit_rand_below(10)) {
	case 0:
	case 1:
	case 2:
		break;
	case 3:
		p += sprintf(p, ".");
		break;
	case 4:
		p += sprintf(p, ".%u", max_prec ? unit_rand_below(max_prec) : 0);
		break;
	default:
		p += sprintf(p, ".%u", unit_rand_below(41));
		break;
	}
	return p;
}

UNIT_TEST(format_random_integers)
{
	static const char *const lens[] = { "", "hh", "h", "l", "ll", "j", "z",
					    "t", "q", "L" };
	static const char convs[] = "diuoxXbB";
	char fmt[64];

	mismatches = 0;
	unit_seed(1);
	for (int i = 0; i < 20000; i++) {
		unsigned li = unit_rand_below(10);
		char *p = random_spec(fmt, 80);
		uint64_t v = unit_rand();

		/* Small magnitudes and zero matter more than huge ones. */
		if (unit_rand_below(3) == 0)
			v >>= unit_rand_below(64);
		if (unit_rand_below(8) == 0)
			v = 0;
		p += sprintf(p, "%s%c|", lens[li], convs[unit_rand_below(8)]);
		if (li < 3)
			compare("random", fmt, (int)v);
		else
			compare("random", fmt, (long long)v);
	}
	CHECK_EQ(mismatches, 0);
}


