// SPDX-License-Identifier: MIT
/* <locale.h>, <langinfo.h>, <monetary.h>, <nl_types.h>, <libintl.h>:
 * musl's C and C.UTF-8 locales (setlocale's answers, localeconv,
 * nl_langinfo of every item, newlocale/uselocale/duplocale, collation,
 * strfmon) and message catalogues, which neither side has. */
#define _GNU_SOURCE
#include <langinfo.h>
#include <libintl.h>
#include <locale.h>
#include <monetary.h>
#include <nl_types.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static void conv(void)
{
	struct lconv *l = localeconv();

	printf("lconv [%s] [%s] [%s] [%s] [%s] [%s] %d %d %d %d\n",
	       l->decimal_point, l->thousands_sep, l->grouping,
	       l->int_curr_symbol, l->currency_symbol, l->mon_decimal_point,
	       l->int_frac_digits, l->frac_digits, l->p_cs_precedes,
	       l->n_sign_posn);
}

static void items(void)
{
	const nl_item it[] = {CODESET,	 D_T_FMT, D_FMT,   T_FMT,  T_FMT_AMPM,
			      AM_STR,	 PM_STR,  DAY_1,   DAY_7,  ABDAY_1,
			      MON_1,	 MON_12,  ABMON_1, ERA,	   ALT_DIGITS,
			      RADIXCHAR, THOUSEP, YESEXPR, NOEXPR, CRNCYSTR};

	for (unsigned i = 0; i < sizeof(it) / sizeof(it[0]); i++)
		printf(" [%s]", nl_langinfo(it[i]));
	printf("\n");
}

int test_locale(void)
{
	const char *names[] = {"C",	      "POSIX", "C.UTF-8",   "",
			       "en_US.UTF-8", "xx_YY", "de_DE@euro"};

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *r = setlocale(LC_ALL, names[i]);
		printf("setlocale(\"%s\") = %s; LC_CTYPE %s MB_CUR_MAX %zu\n",
		       names[i], r ? r : "NULL", setlocale(LC_CTYPE, NULL),
		       MB_CUR_MAX);
	}
	setlocale(LC_ALL, "C");
	conv();
	items();
	CHECK(setlocale(LC_CTYPE, "C.UTF-8") != NULL);
	printf("mixed: %s\n", setlocale(LC_ALL, NULL));
	items();
	setlocale(LC_ALL, "C");
	locale_t u = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	CHECK(u != (locale_t)0);
	locale_t old = uselocale(u);
	printf("uselocale: MB_CUR_MAX %zu codeset %s\n", MB_CUR_MAX,
	       nl_langinfo(CODESET));
	locale_t d = duplocale(u);
	uselocale(old);
	printf("back: MB_CUR_MAX %zu, dup codeset %s\n", MB_CUR_MAX,
	       nl_langinfo_l(CODESET, d));
	freelocale(d);
	freelocale(u);
	CHECK(uselocale((locale_t)0) == old);
	const char *w[] = {"b", "A", "a", "B", "\xc3\xa9", "e", ""};
	for (int i = 0; i < 7; i++) {
		char x[16];
		size_t n = strxfrm(x, w[i], sizeof(x));
		printf("coll %s: %d %d xfrm %zu\n", w[i],
		       strcoll(w[i], "a") > 0, strcoll(w[i], "a") < 0, n);
	}
	char m[64] = "";
	ssize_t n = strfmon(m, sizeof(m), "[%n] [%i] [%=*#5n] [%^n] [%!n]",
			    1234.567, -5.5, 12.0, 1e6, 3.25);
	printf("strfmon %zd %.*s\n", n, n >= 0 ? (int)n : 0, m);
	nl_catd c = catopen("nonexistent_catalogue", 0);
	printf("catopen %s\n", c == (nl_catd)-1 ? "fails" : "opened");
	if (c != (nl_catd)-1)
		catclose(c);
	printf("gettext <%s> <%s> <%s>\n", gettext("Hello"),
	       dgettext("dom", "World"), ngettext("one", "many", 3));
	printf("textdomain %s\n", textdomain("mydomain"));
	printf("bindtextdomain %s\n", bindtextdomain("mydomain", "/nowhere"));
	printf("gettext after bind <%s>\n", gettext("Hello"));
	textdomain("messages");
	return 0;
}
