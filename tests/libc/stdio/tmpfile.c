// SPDX-License-Identifier: MIT
/* Temporary files: tmpfile (in /tmp, gone at close), mkstemp, mkostemp,
 * mkstemps, mkdtemp, mktemp, tmpnam; the names are random, so only their
 * shape is printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static void shape(const char *label, const char *name, size_t keep)
{
	printf("%s: %zu chars, starts <%.*s>\n", label, strlen(name), (int)keep,
	       name);
}

int test_tmpfile(void)
{
	FILE *f = tmpfile();
	char buf[32] = "";

	CHECK(f != NULL);
	fputs("scratch data", f);
	rewind(f);
	CHECK(fgets(buf, sizeof(buf), f) != NULL);
	printf("tmpfile read <%s>\n", buf);
	struct stat st;
	CHECK(fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode));
	printf("tmpfile size %lld links %lu\n", (long long)st.st_size,
	       (unsigned long)st.st_nlink);
	fclose(f);
	char t1[] = "tmpXXXXXX";
	int fd = mkstemp(t1);
	CHECK(fd >= 0);
	shape("mkstemp", t1, 3);
	CHECK(strcmp(t1, "tmpXXXXXX") != 0);
	CHECK(fstat(fd, &st) == 0);
	printf("mode %o\n", st.st_mode & 0777);
	CHECK(write(fd, "abc", 3) == 3);
	close(fd);
	CHECK(unlink(t1) == 0);
	char t2[] = "pre_XXXXXX.suffix";
	fd = mkstemps(t2, 7);
	CHECK(fd >= 0);
	shape("mkstemps", t2, 4);
	printf("suffix kept: %s\n", t2 + 10);
	close(fd);
	unlink(t2);
	char t3[] = "oXXXXXX";
	fd = mkostemp(t3, O_CLOEXEC);
	CHECK(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC));
	close(fd);
	unlink(t3);
	char bad[] = "noXs";
	CHECK_ERR(mkstemp(bad), EINVAL);
	char d[] = "dirXXXXXX";
	CHECK(mkdtemp(d) == d);
	CHECK(stat(d, &st) == 0 && S_ISDIR(st.st_mode));
	printf("mkdtemp mode %o\n", st.st_mode & 0777);
	CHECK(rmdir(d) == 0);
	char *n = tmpnam(NULL);
	CHECK(n != NULL);
	shape("tmpnam", n, 5);
	char m[] = "mtXXXXXX";
	CHECK(mktemp(m) == m && m[0] == 'm');
	printf("P_tmpdir %s L_tmpnam %d TMP_MAX %d\n", P_tmpdir, L_tmpnam,
	       TMP_MAX);
	return 0;
}
