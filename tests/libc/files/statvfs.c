// SPDX-License-Identifier: MIT
/* <sys/statvfs.h>, <sys/statfs.h>, <sys/stat.h>'s modes: the calls
 * succeed and give consistent numbers (which differ between file systems,
 * so nothing is printed); chmod/fchmod and the mode bits kept. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "check.h"

int test_statvfs(void)
{
	struct statvfs v;
	struct statfs f;

	CHECK_OK(statvfs(".", &v));
	CHECK(v.f_bsize > 0 && v.f_frsize > 0 && v.f_bfree <= v.f_blocks &&
	      v.f_namemax >= 14);
	int fd = open("m", O_CREAT | O_RDWR, 0600);
	CHECK_OK(fstatvfs(fd, &v));
	CHECK_OK(statfs(".", &f));
	CHECK(f.f_bsize > 0);
	CHECK_OK(fstatfs(fd, &f));
	CHECK_OK(fchmod(fd, 0640));
	struct stat st;
	CHECK(fstat(fd, &st) == 0);
	printf("after fchmod %o\n", st.st_mode & 07777);
	CHECK_OK(chmod("m", 0604));
	CHECK(stat("m", &st) == 0);
	printf("after chmod %o\n", st.st_mode & 07777);
	CHECK_OK(fchmodat(AT_FDCWD, "m", 0600, 0));
	CHECK(fstatat(AT_FDCWD, "m", &st, AT_SYMLINK_NOFOLLOW) == 0);
	printf("after fchmodat %o\n", st.st_mode & 07777);
	CHECK(st.st_blksize > 0);
	close(fd);
	CHECK_ERR(chmod("absent", 0600), ENOENT);
	return 0;
}
