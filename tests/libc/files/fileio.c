// SPDX-License-Identifier: MIT
/* <fcntl.h>, <unistd.h>, <sys/stat.h>, <sys/uio.h>: descriptors over
 * files: open's flags and errors, read/write/lseek with holes,
 * pread/pwrite, readv/writev, truncation, dup/dup2/dup3 and FD_CLOEXEC,
 * status flags, stat fields, access, rename, link/unlink, mkdir/rmdir,
 * the *at forms, umask, getcwd/chdir, fsync. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"

static void content(const char *path)
{
	char buf[128];
	int fd = open(path, O_RDONLY);
	ssize_t n = read(fd, buf, sizeof(buf));

	close(fd);
	printf("%s:", path);
	for (ssize_t i = 0; i < n; i++)
		printf(buf[i] >= ' ' && buf[i] < 127 ? "%c" : "\\%o",
		       (unsigned char)buf[i]);
	printf(" (%zd)\n", n);
}

int test_fileio(void)
{
	mode_t old = umask(022);
	int fd = open("f", O_CREAT | O_EXCL | O_RDWR, 0666);
	CHECK(fd >= 0);
	CHECK_ERR(open("f", O_CREAT | O_EXCL | O_RDWR, 0666), EEXIST);
	CHECK_ERR(open("missing", O_RDONLY), ENOENT);
	CHECK_ERR(open("f/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_ERR(open(".", O_WRONLY), EISDIR);
	CHECK(write(fd, "hello", 5) == 5);
	CHECK(lseek(fd, 10, SEEK_SET) == 10);
	CHECK(write(fd, "world", 5) == 5);
	CHECK(lseek(fd, 0, SEEK_CUR) == 15);
	CHECK(lseek(fd, -3, SEEK_END) == 12);
	CHECK_ERR(lseek(fd, -100, SEEK_SET), EINVAL);
	CHECK_ERR(lseek(fd, 0, 42), EINVAL);
	char b[32];
	CHECK(pread(fd, b, 32, 0) == 15);
	print_hex("with hole", b, 15);
	CHECK(pwrite(fd, "HE", 2, 0) == 2);
	CHECK(lseek(fd, 0, SEEK_CUR) == 12);
	struct iovec iov[3] = {{"a", 1}, {"bc", 2}, {"def", 3}};
	CHECK(lseek(fd, 0, SEEK_END) == 15);
	CHECK(writev(fd, iov, 3) == 6);
	char x[4], y[8];
	struct iovec rv[2] = {{x, 4}, {y, 8}};
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(readv(fd, rv, 2) == 12);
	printf("readv %.4s|%.8s\n", x, y);
	CHECK(preadv(fd, rv, 2, 17) == 4);
	struct stat st;
	CHECK(fstat(fd, &st) == 0);
	printf("size %lld mode %o nlink %lu reg %d\n", (long long)st.st_size,
	       st.st_mode & 07777, (unsigned long)st.st_nlink,
	       S_ISREG(st.st_mode));
	CHECK(ftruncate(fd, 4) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 4);
	CHECK(ftruncate(fd, 8) == 0);
	CHECK(pread(fd, b, 32, 0) == 8);
	print_hex("truncated then grown", b, 8);
	CHECK(fsync(fd) == 0 && fdatasync(fd) == 0);
	CHECK(close(fd) == 0);
	CHECK_ERR(close(fd), EBADF);
	CHECK_ERR(read(fd, b, 1), EBADF);
	content("f");
	/* Append mode. */
	fd = open("f", O_WRONLY | O_APPEND);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(write(fd, "++", 2) == 2);
	CHECK((fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND)) ==
	      (O_WRONLY | O_APPEND));
	CHECK(fcntl(fd, F_SETFL, O_NONBLOCK) == 0);
	CHECK((fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK)) == O_NONBLOCK);
	close(fd);
	content("f");
	fd = open("f", O_RDWR | O_TRUNC);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 0);
	CHECK_ERR(write(open("f", O_RDONLY), "x", 1), EBADF);
	/* Descriptor numbers and FD_CLOEXEC. */
	int lowest = open("f", O_RDONLY | O_CLOEXEC);
	CHECK(fcntl(lowest, F_GETFD) == FD_CLOEXEC);
	int d1 = dup(lowest);
	CHECK(d1 > lowest && fcntl(d1, F_GETFD) == 0);
	CHECK(dup2(lowest, 100) == 100 && fcntl(100, F_GETFD) == 0);
	CHECK(dup3(lowest, 101, O_CLOEXEC) == 101 &&
	      fcntl(101, F_GETFD) == FD_CLOEXEC);
	CHECK_ERR(dup3(lowest, lowest, 0), EINVAL);
	CHECK(dup2(lowest, lowest) == lowest);
	CHECK(fcntl(lowest, F_SETFD, 0) == 0 && fcntl(lowest, F_GETFD) == 0);
	int d2 = fcntl(lowest, F_DUPFD, 50);
	CHECK(d2 >= 50);
	int d3 = fcntl(lowest, F_DUPFD_CLOEXEC, 50);
	CHECK(d3 > d2 && fcntl(d3, F_GETFD) == FD_CLOEXEC);
	CHECK_ERR(dup2(lowest, -1), EBADF);
	CHECK_ERR(fcntl(9999, F_GETFD), EBADF);
	close(d1);
	close(d2);
	close(d3);
	close(100);
	close(101);
	close(lowest);
	close(fd);
	/* Names. */
	CHECK_OK(mkdir("dir", 0750));
	CHECK_ERR(mkdir("dir", 0750), EEXIST);
	CHECK(stat("dir", &st) == 0 && S_ISDIR(st.st_mode));
	printf("dir mode %o\n", st.st_mode & 07777);
	CHECK_OK(rename("f", "dir/g"));
	CHECK_ERR(stat("f", &st), ENOENT);
	CHECK_ERR(rmdir("dir"), ENOTEMPTY);
	CHECK_ERR(unlink("dir"), EISDIR);
	CHECK_ERR(rmdir("dir/g"), ENOTDIR);
	CHECK(access("dir/g", F_OK) == 0 && access("dir/g", R_OK | W_OK) == 0);
	CHECK_ERR(access("dir/h", F_OK), ENOENT);
	int dfd = open("dir", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	fd = openat(dfd, "h", O_CREAT | O_WRONLY, 0600);
	CHECK(fd >= 0);
	close(fd);
	CHECK(fstatat(dfd, "h", &st, 0) == 0);
	printf("openat mode %o\n", st.st_mode & 07777);
	CHECK(faccessat(dfd, "h", F_OK, 0) == 0);
	CHECK_OK(renameat(dfd, "h", AT_FDCWD, "top"));
	CHECK_OK(mkdirat(dfd, "inner", 0700));
	CHECK_OK(unlinkat(dfd, "inner", AT_REMOVEDIR));
	CHECK_ERR(unlinkat(dfd, "g", AT_REMOVEDIR), ENOTDIR);
	CHECK_OK(unlinkat(dfd, "g", 0));
	close(dfd);
	CHECK_OK(rmdir("dir"));
	CHECK_OK(unlink("top"));
	/* Links: readlink on a file that is not one. */
	fd = open("plain", O_CREAT | O_WRONLY, 0644);
	close(fd);
	CHECK_ERR(readlink("plain", b, sizeof(b)), EINVAL);
	CHECK_ERR(readlink("absent", b, sizeof(b)), ENOENT);
	CHECK_OK(unlink("plain"));
	/* The working directory. */
	char cwd[PATH_MAX], sub[PATH_MAX];
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK_OK(mkdir("c", 0755));
	CHECK_OK(chdir("c"));
	CHECK(getcwd(sub, sizeof(sub)) != NULL);
	printf("getcwd adds /%s\n", sub + strlen(cwd) + 1);
	CHECK_OK(chdir(".."));
	errno = 0;
	CHECK(getcwd(sub, 1) == NULL && errno == ERANGE);
	CHECK_ERR(chdir("nope"), ENOENT);
	CHECK_OK(rmdir("c"));
	umask(old);
	CHECK(umask(old) == old);
	return 0;
}
