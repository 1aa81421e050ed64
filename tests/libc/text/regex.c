// SPDX-License-Identifier: MIT
/* <regex.h>: basic and extended expressions over a table of patterns and
 * subjects, with every submatch, the flags (ICASE, NEWLINE, NOSUB,
 * NOTBOL/NOTEOL) and regerror's text for each compile error. */
#include <regex.h>
#include <stdlib.h>

#include "check.h"

static const struct {
	const char *re, *s;
	int flags;
} cases[] = {
	{"a(b*)c", "xabbbcy", REG_EXTENDED},
	{"a\\(b*\\)c", "xabbbcy", 0},
	{"(a|ab)(c|bcd)(d*)", "abcd", REG_EXTENDED},
	{"^([0-9]+)\\.([0-9]+)$", "12.345", REG_EXTENDED},
	{"(x)?y", "y", REG_EXTENDED},
	{"[[:alpha:]]+[[:digit:]]{2,3}", "--abc1234", REG_EXTENDED},
	{"[^a-c]+", "abcdefabc", REG_EXTENDED},
	{"a{2}b\\{1,\\}", "aab{1,}", REG_EXTENDED},
	{"a\\{2\\}b", "xaab", 0},
	{"HELLO", "say hello", REG_EXTENDED | REG_ICASE},
	{"^b", "a\nb", REG_EXTENDED | REG_NEWLINE},
	{"^b", "a\nb", REG_EXTENDED},
	{"a.c", "a\nc", REG_EXTENDED | REG_NEWLINE},
	{"a.c", "a\nc", REG_EXTENDED},
	{"(a*)*", "b", REG_EXTENDED},
	{"(a*)+", "aaa", REG_EXTENDED},
	{"(.*)(.*)", "xyz", REG_EXTENDED},
	{"\\(a\\)\\1", "aa", 0},
	{"([a-z])\\1", "abccd", REG_EXTENDED},
	{"[]a]+", "]a]b", REG_EXTENDED},
	{"[a-]+", "-a-b", REG_EXTENDED},
	{"\\<word\\>", "a word here", REG_EXTENDED},
	{"x*", "", REG_EXTENDED},
	{"(ab|a)(bc|c)?", "abc", REG_EXTENDED},
	{"[[.hyphen.]]", "a-b", REG_EXTENDED},
	{"[[=a=]]b", "ab", REG_EXTENDED},
	{"caf\xc3\xa9", "un caf\xc3\xa9", REG_EXTENDED},
	{"a|b|", "c", REG_EXTENDED},
	{"\\.\\*\\[", "x.*[y", 0},
	{"*a", "*a", 0},
	{"a**", "aaa", 0},
};

static const struct {
	const char *re;
	int flags;
} bad[] = {
	{"a(b", REG_EXTENDED},
	{"a\\(b", 0},
	{"[abc", 0},
	{"a{1", REG_EXTENDED},
	{"a{2,1}", REG_EXTENDED},
	{"\\1", REG_EXTENDED},
	{"[[:nope:]]", 0},
	{"a\\", 0},
	{"[z-a]", 0},
	{"*", REG_EXTENDED},
	{"a)", REG_EXTENDED},
	{"(", REG_EXTENDED},
	{"a{99999}", REG_EXTENDED},
};

int test_regex(void)
{
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		regex_t re;
		regmatch_t m[6];
		int rc = regcomp(&re, cases[i].re, cases[i].flags);

		printf("/%s/ %d on \"%s\": comp %d", cases[i].re,
		       cases[i].flags, cases[i].s, rc);
		if (rc == 0) {
			printf(" nsub %zu", re.re_nsub);
			rc = regexec(&re, cases[i].s, 6, m, 0);
			printf(" exec %d", rc);
			for (int k = 0; rc == 0 && k < 6; k++)
				printf(" (%d,%d)", (int)m[k].rm_so,
				       (int)m[k].rm_eo);
			printf(" notbol %d",
			       regexec(&re, cases[i].s, 0, NULL, REG_NOTBOL));
			regfree(&re);
		}
		printf("\n");
	}
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		regex_t re;
		char msg[128];
		int rc = regcomp(&re, bad[i].re, bad[i].flags);

		regerror(rc, &re, msg, sizeof(msg));
		printf("bad /%s/: %d %s\n", bad[i].re, rc, msg);
		if (rc == 0)
			regfree(&re);
	}
	regex_t re;
	CHECK(regcomp(&re, "b+", REG_EXTENDED | REG_NOSUB) == 0);
	CHECK(regexec(&re, "abbb", 0, NULL, 0) == 0);
	CHECK(regexec(&re, "aaa", 0, NULL, 0) == REG_NOMATCH);
	regfree(&re);
	char msg[8];
	size_t n = regerror(REG_BADPAT, NULL, msg, sizeof(msg));
	printf("truncated regerror %zu <%s>\n", n, msg);
	/* All matches of a word across a line. */
	CHECK(regcomp(&re, "[a-z]+", REG_EXTENDED) == 0);
	const char *s = "one, two; three";
	regmatch_t m;
	int flags = 0;
	while (regexec(&re, s, 1, &m, flags) == 0) {
		printf("word <%.*s>\n", (int)(m.rm_eo - m.rm_so), s + m.rm_so);
		s += m.rm_eo;
		flags = REG_NOTBOL;
	}
	regfree(&re);
	return 0;
}
