// SPDX-License-Identifier: MIT
/* <fnmatch.h> over a table of patterns, names and flags; <glob.h> over a
 * tree this program makes; <wordexp.h> where it needs no shell. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static const char *const pats[] = {
	"*.c", "a?c", "[a-c]*", "[!a]*",	"\\*",	 "*",
	".*",  "*/b", "a/*",	"[[:digit:]]x", "a[/]b", "**/x",
	"A*",  "[]]", "[!]]",	"a\\",		"[a-",	 "*b*c"};
static const char *const names[] = {"x.c", "abc",  "a/b",   ".hidden", "*",
				    "bcd", "1x",   "a/x/b", "ABC",     "]",
				    "a\\", "abbc", ""};
static const int flags[] = {0,
			    FNM_PATHNAME,
			    FNM_PERIOD,
			    FNM_NOESCAPE,
			    FNM_CASEFOLD,
			    FNM_LEADING_DIR,
			    FNM_PATHNAME | FNM_PERIOD};

static void touch(const char *p)
{
	int fd = open(p, O_CREAT | O_WRONLY, 0644);

	CHECK(fd >= 0);
	close(fd);
}

static int errfn(const char *path, int err)
{
	printf("glob error on %s: %d\n", path, err);
	return 0;
}

static void show(const char *what, int rc, glob_t *g)
{
	printf("%s: %d", what, rc);
	for (size_t i = 0; rc == 0 && i < g->gl_pathc; i++)
		printf(" %s", g->gl_pathv[g->gl_offs + i]);
	printf("\n");
}

int test_fnmatch(void)
{
	for (unsigned p = 0; p < sizeof(pats) / sizeof(pats[0]); p++) {
		printf("%-12s", pats[p]);
		for (unsigned n = 0; n < sizeof(names) / sizeof(names[0]);
		     n++) {
			printf(" ");
			for (unsigned f = 0;
			     f < sizeof(flags) / sizeof(flags[0]); f++)
				printf("%c",
				       fnmatch(pats[p], names[n], flags[f])
					       ? '.'
					       : 'y');
		}
		printf("\n");
	}
	CHECK(mkdir("d", 0755) == 0 && mkdir("d/sub", 0755) == 0 &&
	      mkdir("d/.dot", 0755) == 0);
	const char *files[] = {"d/a.c",	    "d/b.c",	   "d/c.h", "d/.hid.c",
			       "d/sub/x.c", "d/sub/y.txt", "d/[x]"};
	for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		touch(files[i]);
	glob_t g;
	show("d/*.c", glob("d/*.c", 0, errfn, &g), &g);
	globfree(&g);
	show("d/*", glob("d/*", GLOB_MARK, errfn, &g), &g);
	globfree(&g);
	show("d/.*", glob("d/.*", 0, errfn, &g), &g);
	globfree(&g);
	show("d/*/*.?", glob("d/*/*.?", 0, errfn, &g), &g);
	globfree(&g);
	show("nomatch", glob("d/*.z", 0, errfn, &g), &g);
	show("nocheck", glob("d/*.z", GLOB_NOCHECK, errfn, &g), &g);
	globfree(&g);
	show("escaped", glob("d/\\[x]", 0, errfn, &g), &g);
	globfree(&g);
	show("noescape", glob("d/\\[x]", GLOB_NOESCAPE, errfn, &g), &g);
	g.gl_offs = 2;
	CHECK(glob("d/a.c", GLOB_DOOFFS, errfn, &g) == 0);
	CHECK(glob("d/*.h", GLOB_DOOFFS | GLOB_APPEND, errfn, &g) == 0);
	CHECK(g.gl_pathv[0] == NULL && g.gl_pathv[1] == NULL);
	show("dooffs+append", 0, &g);
	globfree(&g);
	/* Unsorted: the directory's order, which differs; only the count. */
	CHECK(glob("d/sub/*", GLOB_NOSORT, errfn, &g) == 0 && g.gl_pathc == 2);
	globfree(&g);
	return 0;
}
