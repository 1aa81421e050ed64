// SPDX-License-Identifier: MIT
/*
 * The "links" step: symbolic links the host made in l/ (setup.sh links)
 * followed by open, stat, opendir and chdir (relative, absolute, to files
 * and directories, through "..", chains up to Linux's 40 links, loops),
 * seen by lstat and readlink; then links made here, which the host
 * checks afterwards (check.sh links).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_virtiofs.h"

#define CHECK(what, cond) \
	do { if (!(cond)) fail("links", what, 0); } while (0)

static int has(const char *path, const char *want)
{
	char buf[64];
	long n = read_file(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return 0;
	buf[n] = '\0';
	return strcmp(buf, want) == 0;
}

static int link_is(const char *path, const char *want)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf));

	return n == (ssize_t)strlen(want) && memcmp(buf, want, n) == 0;
}

static int fails(const char *path, int err)
{
	return open(path, O_RDONLY) < 0 && errno == err;
}

static int in_dir(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	while (d && (e = readdir(d)))
		found |= !strcmp(e->d_name, name);
	if (d)
		closedir(d);
	return found;
}

static void host_made(void)
{
	struct stat st;
	char buf[PATH_MAX];

	CHECK("relative", has("/l/rel", "hello link\n"));
	CHECK("stat follows", stat("/l/rel", &st) == 0 && S_ISREG(st.st_mode) &&
				      st.st_size == 11);
	CHECK("lstat", lstat("/l/rel", &st) == 0 && S_ISLNK(st.st_mode) &&
			       st.st_size == 4);
	CHECK("readlink", link_is("/l/rel", "file"));
	CHECK("readlink cut to the buffer",
	      readlink("/l/absdir", buf, 3) == 3 && !memcmp(buf, "/l/", 3));
	CHECK("readlink of a file", readlink("/l/file", buf, sizeof(buf)) < 0 &&
					    errno == EINVAL);
	CHECK("readlink of a directory through a link",
	      readlink("/l/reldir/", buf, sizeof(buf)) < 0 && errno == EINVAL);
	CHECK("link to a directory", has("/l/reldir/deep", "deep\n"));
	CHECK("stat of a directory link", stat("/l/reldir", &st) == 0 &&
						  S_ISDIR(st.st_mode));
	CHECK("opendir through a link", in_dir("/l/reldir", "deep"));
	CHECK("relative with ..", has("/l/up", "deep\n"));
	CHECK("long target", has("/l/long", "hello link\n") &&
				     readlink("/l/long", buf, sizeof(buf)) == 2004 &&
				     !memcmp(buf + 2000, "file", 4));
	CHECK("absolute", has("/l/abs", "hello link\n"));
	CHECK("absolute directory", has("/l/absdir/deep", "deep\n"));
	CHECK("link to ..", has("/l/sub/back/file", "hello link\n"));
	CHECK("chain", has("/l/chain1", "hello link\n"));
	CHECK("40 links", has("/l/c0", "hello link\n"));
	CHECK("41 links", fails("/l/d0", ELOOP));
	CHECK("loop", fails("/l/loop1", ELOOP));
	CHECK("link to itself", fails("/l/self", ELOOP));
	CHECK("stat of a loop", stat("/l/loop1", &st) < 0 && errno == ELOOP);
	CHECK("dangling", fails("/l/dangling", ENOENT));
	CHECK("lstat of dangling", lstat("/l/dangling", &st) == 0 &&
					   S_ISLNK(st.st_mode));
	CHECK("O_NOFOLLOW", open("/l/rel", O_RDONLY | O_NOFOLLOW) < 0 &&
				    errno == ELOOP);
	CHECK("file link with /", fails("/l/rel/", ENOTDIR));
	CHECK("chdir through a link", chdir("/l/absdir") == 0 &&
					      getcwd(buf, sizeof(buf)) &&
					      !strcmp(buf, "/l/sub") &&
					      has("deep", "deep\n") &&
					      chdir("/") == 0);
	CHECK("relative path through a link", chdir("/l") == 0 &&
						      has("reldir/deep", "deep\n") &&
						      chdir("/") == 0);
}

static void guest_made(void)
{
	struct stat a, b;
	int fd;

	CHECK("symlink", symlink("file", "/l/gsym") == 0 &&
				 has("/l/gsym", "hello link\n") &&
				 link_is("/l/gsym", "file"));
	CHECK("symlink to a directory", symlink("/l/sub", "/l/gdir") == 0 &&
						has("/l/gdir/deep", "deep\n"));
	CHECK("symlink over a name", symlink("x", "/l/gsym") < 0 &&
					     errno == EEXIST);
	CHECK("empty target", symlink("", "/l/gempty") < 0 && errno == ENOENT);
	CHECK("hard link", link("/l/file", "/l/ghard") == 0 &&
				   stat("/l/file", &a) == 0 &&
				   stat("/l/ghard", &b) == 0 &&
				   a.st_ino == b.st_ino && a.st_nlink == 2);
	CHECK("hard link of a directory", link("/l/sub", "/l/gsubhard") < 0 &&
						  errno == EPERM);
	CHECK("hard link over a name", link("/l/file", "/l/rel") < 0 &&
					       errno == EEXIST);
	/* Written through a link; created through a dangling one. */
	CHECK("write through a link",
	      write_file("/l/wfile", "", 0, O_TRUNC) == 0 &&
		      symlink("wfile", "/l/gw") == 0 &&
		      write_file("/l/gw", "via link\n", 9, O_APPEND) == 0 &&
		      has("/l/wfile", "via link\n"));
	CHECK("create through a dangling link",
	      symlink("created", "/l/gnew") == 0 &&
		      write_file("/l/gnew", "made\n", 5, 0) == 0 &&
		      has("/l/created", "made\n"));
	fd = open("/l/gsym", O_WRONLY | O_CREAT | O_EXCL, 0644);
	CHECK("O_EXCL on a link", fd < 0 && errno == EEXIST);
}

void links(void)
{
	int before = failures;

	host_made();
	guest_made();
	if (failures == before)
		printf("PASS symbolic and hard links\n");
}
