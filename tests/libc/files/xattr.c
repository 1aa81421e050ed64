// SPDX-License-Identifier: MIT
/* Extended attributes: the errors that come before the file system is
 * asked, the same on both sides (no such file, a bad descriptor, an
 * empty or too long name, bad flags); then Toro's answer as a file system
 * without attributes gives it (ENOTSUP, an empty list), where the host's
 * file system may keep them. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "check.h"

int test_xattr(void)
{
	int fd = open("attrs", O_CREAT | O_RDWR | O_TRUNC, 0644);
	char name[300], buf[64];

	CHECK(fd >= 0);
	CHECK_ERR(getxattr("no-such-file", "user.a", buf, sizeof(buf)),
		  ENOENT);
	CHECK_ERR(setxattr("no-such-file", "user.a", "v", 1, 0), ENOENT);
	CHECK_ERR(listxattr("no-such-file", buf, sizeof(buf)), ENOENT);
	CHECK_ERR(removexattr("no-such-file", "user.a"), ENOENT);
	CHECK_ERR(fgetxattr(1000, "user.a", buf, sizeof(buf)), EBADF);
	CHECK_ERR(flistxattr(1000, buf, sizeof(buf)), EBADF);
	CHECK_ERR(getxattr("attrs", "", buf, sizeof(buf)), ERANGE);
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	memcpy(name, "user.", 5);
	CHECK_ERR(getxattr("attrs", name, buf, sizeof(buf)), ERANGE);
	CHECK_ERR(setxattr("attrs", "user.a", "v", 1, 0x10), EINVAL);
	if (ON_TORO) {
		CHECK_ERR(setxattr("attrs", "user.a", "v", 1, 0), ENOTSUP);
		CHECK_ERR(fsetxattr(fd, "user.a", "v", 1, XATTR_CREATE),
			  ENOTSUP);
		CHECK_ERR(getxattr("attrs", "user.a", buf, sizeof(buf)),
			  ENOTSUP);
		CHECK_ERR(lgetxattr("attrs", "user.a", buf, sizeof(buf)),
			  ENOTSUP);
		CHECK_ERR(removexattr("attrs", "user.a"), ENOTSUP);
		CHECK(listxattr("attrs", buf, sizeof(buf)) == 0);
		CHECK(flistxattr(fd, NULL, 0) == 0);
		CHECK(llistxattr("attrs", buf, sizeof(buf)) == 0);
	}
	close(fd);
	CHECK(unlink("attrs") == 0);
	return 0;
}
