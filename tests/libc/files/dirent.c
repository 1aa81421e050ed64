// SPDX-License-Identifier: MIT
/* <dirent.h> over a directory this program fills: readdir (names sorted
 * here: the order is the file system's), d_type, "." and "..",
 * rewinddir, telldir/seekdir, scandir with alphasort/versionsort,
 * fdopendir/dirfd, errors; <ftw.h>'s nftw over a tree. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(DIR *d, const char *label)
{
	char *names[64];
	int n = 0;
	struct dirent *e;

	errno = 0;
	while ((e = readdir(d)) && n < 64) {
		char buf[300];
		snprintf(buf, sizeof(buf), "%s:%c", e->d_name,
			 e->d_type == DT_DIR	   ? 'd'
			 : e->d_type == DT_REG	   ? 'f'
			 : e->d_type == DT_UNKNOWN ? '?'
						   : 'o');
		names[n++] = strdup(buf);
	}
	CHECK(errno == 0);
	qsort(names, n, sizeof(names[0]), by_name);
	printf("%s (%d):", label, n);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void touch(const char *p)
{
	int fd = open(p, O_CREAT | O_WRONLY, 0644);

	CHECK(fd >= 0);
	close(fd);
}

static char walked[64][64];
static int nwalked;

static int visit(const char *path, const struct stat *st, int type,
		 struct FTW *f)
{
	snprintf(walked[nwalked++], 64, "%s %s level %d%s", path,
		 type == FTW_D	  ? "D"
		 : type == FTW_DP ? "DP"
		 : type == FTW_F  ? "F"
				  : "other",
		 f->level, S_ISDIR(st->st_mode) ? " dir" : "");
	return 0;
}

static int cmp_walked(const void *a, const void *b)
{
	return strcmp(a, b);
}

int test_dirent(void)
{
	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(mkdir("d/sub", 0755));
	const char *files[] = {"d/b",	  "d/a",     "d/file10",
			       "d/file9", "d/sub/x", "d/.hidden"};
	for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		touch(files[i]);
	DIR *d = opendir("d");
	CHECK(d != NULL);
	list(d, "d");
	rewinddir(d);
	list(d, "again");
	rewinddir(d);
	struct dirent *first = readdir(d);
	char name[256];
	strcpy(name, first->d_name);
	long pos = telldir(d);
	struct dirent *second = readdir(d);
	char name2[256];
	strcpy(name2, second ? second->d_name : "");
	seekdir(d, pos);
	second = readdir(d);
	CHECK(second && strcmp(second->d_name, name2) == 0);
	int fd = dirfd(d);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(closedir(d) == 0);
	fd = open("d/sub", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	d = fdopendir(fd);
	CHECK(d != NULL);
	list(d, "fdopendir");
	closedir(d);
	errno = 0;
	CHECK(opendir("d/a") == NULL && errno == ENOTDIR);
	errno = 0;
	CHECK(opendir("nope") == NULL && errno == ENOENT);
	struct dirent **nl;
	int n = scandir("d", &nl, NULL, alphasort);
	printf("scandir alphasort %d:", n);
	for (int i = 0; i < n; i++) {
		printf(" %s", nl[i]->d_name);
		free(nl[i]);
	}
	free(nl);
	n = scandir("d", &nl, NULL, versionsort);
	printf("\nscandir versionsort %d:", n);
	for (int i = 0; i < n; i++) {
		printf(" %s", nl[i]->d_name);
		free(nl[i]);
	}
	free(nl);
	printf("\n");
	CHECK(nftw("d", visit, 4, FTW_PHYS) == 0);
	qsort(walked, nwalked, sizeof(walked[0]), cmp_walked);
	for (int i = 0; i < nwalked; i++)
		printf("nftw %s\n", walked[i]);
	nwalked = 0;
	CHECK(nftw("d", visit, 4, FTW_DEPTH | FTW_PHYS) == 0);
	qsort(walked, nwalked, sizeof(walked[0]), cmp_walked);
	for (int i = 0; i < nwalked; i++)
		printf("nftw depth %s\n", walked[i]);
	CHECK(nftw("nope", visit, 4, 0) == -1 && errno == ENOENT);
	return 0;
}
