// SPDX-License-Identifier: MIT
/* Small text helpers: <getopt.h> (getopt, getopt_long), <libgen.h>,
 * <err.h> (to stderr, with the program's name), <fmtmsg.h>, <stdio.h>'s
 * psignal/perror helpers, <sys/param.h>, <endian.h>, <byteswap.h>,
 * <sys/sysmacros.h>, <alloca.h>. */
#define _GNU_SOURCE
#include <alloca.h>
#include <byteswap.h>
#include <endian.h>
#include <err.h>
#include <fmtmsg.h>
#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/param.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#include "check.h"

static void opts(void)
{
	char *av[] = {"prog",	"-a",	    "-b",     "val", "-cfoo",
		      "--long", "--with=3", "--with", "4",   "-x",
		      "--",	"-a",	    "rest",   NULL};
	int ac = 13, c;
	static const struct option lo[] = {
		{"long", no_argument, NULL, 'L'},
		{"with", required_argument, NULL, 'W'},
		{NULL, 0, NULL, 0},
	};

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(ac, av, "ab:c:", lo, NULL)) != -1)
		printf("opt %c arg %s optopt %c\n", c, optarg ? optarg : "-",
		       c == '?' ? optopt : ' ');
	printf("optind %d first operand %s\n", optind, av[optind]);
	char *av2[] = {"prog", "file", "-a", "-b", NULL};
	optind = 0;
	while ((c = getopt(4, av2, "+ab")) != -1)
		printf("posix opt %c\n", c);
	printf("stops at %d\n", optind);
	optind = 0;
	opterr = 1;
	fflush(stdout);
	c = getopt(4, av2 + 1, "-:q");
	fflush(stderr);
	printf("leading '-' in optstring: %d %s\n", c, optarg ? optarg : "-");
	optind = 1;
}

static void paths(void)
{
	const char *p[] = {"/usr/lib/", "/usr", "usr",	  "/",	"",
			   ".",		"..",	"a//b//", "//x"};

	for (unsigned i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		char a[32], b[32];

		strcpy(a, p[i]);
		strcpy(b, p[i]);
		printf("\"%s\": dirname %s basename %s\n", p[i], dirname(a),
		       basename(b));
	}
	printf("dirname(NULL) %s basename(NULL) %s\n", dirname(NULL),
	       basename(NULL));
}

int test_misc(void)
{
	opts();
	paths();
	fflush(stdout);
	errno = EACCES;
	warn("warn %d", 1);
	warnx("warnx %s", "two");
	fflush(stderr);
	int r = fmtmsg(MM_PRINT, "libc:misc", MM_ERROR, "text of it", "do this",
		       "ID-1");
	fflush(stderr);
	printf("fmtmsg %d\n", r);
	printf("MIN %d MAX %d howmany %d roundup %d powerof2 %d %d\n",
	       MIN(3, 4), MAX(3, 4), howmany(10, 4), roundup(10, 4),
	       powerof2(64), powerof2(65));
	printf("bswap %x %x %llx\n", bswap_16(0x1234), bswap_32(0x12345678),
	       (unsigned long long)bswap_64(0x0102030405060708ULL));
	printf("htobe16 %x be32toh %x htole64 %llx BYTE_ORDER %d\n",
	       htobe16(0x1234), be32toh(0x12345678),
	       (unsigned long long)htole64(1), BYTE_ORDER == LITTLE_ENDIAN);
	dev_t d = makedev(0x123, 0x45678);
	printf("makedev %llx major %x minor %x\n", (unsigned long long)d,
	       major(d), minor(d));
	char *a = alloca(64);
	memset(a, 'x', 63);
	a[63] = 0;
	CHECK(strlen(a) == 63);
	return 0;
}
