// SPDX-License-Identifier: MIT
/* "." and ".." as the last component of a path: rmdir, unlink, mkdir
 * and rename refuse them with Linux's errors (the VFS resolves them by
 * name, so it must remember they were there), and "file/." is not a
 * directory. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

int test_dotnames(void)
{
	struct stat st;
	int fd;

	CHECK_OK(mkdir("dd", 0755));
	CHECK_OK(mkdir("dd/sub", 0755));
	fd = open("file", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);

	CHECK_ERR(rmdir("dd/."), EINVAL);
	CHECK_ERR(rmdir("dd/./"), EINVAL);
	CHECK_ERR(rmdir("."), EINVAL);
	CHECK_ERR(rmdir("dd/sub/.."), ENOTEMPTY);
	CHECK_ERR(rmdir(".."), ENOTEMPTY);
	CHECK_ERR(rmdir("missing/."), ENOENT);
	CHECK_ERR(unlink("dd/."), EISDIR);
	CHECK_ERR(unlink("dd/sub/.."), EISDIR);
	CHECK_ERR(mkdir("dd/.", 0755), EEXIST);
	CHECK_ERR(mkdir("dd/sub/..", 0755), EEXIST);
	CHECK_ERR(mkdir("missing/.", 0755), ENOENT);
	CHECK_ERR(rename("dd/.", "p9"), EBUSY);
	CHECK_ERR(rename("dd/sub/..", "p9"), EBUSY);
	CHECK_ERR(rename("file", "dd/."), EBUSY);
	CHECK_ERR(stat("file/.", &st), ENOTDIR);
	CHECK_ERR(rmdir("file/."), ENOTDIR);
	CHECK_ERR(stat("file/..", &st), ENOTDIR);
	CHECK_ERR(stat("file/../dd", &st), ENOTDIR);
	CHECK_ERR(open("dd/../file/../dd", O_RDONLY), ENOTDIR);
	CHECK_ERR(mkdir("file/../x", 0755), ENOTDIR);
	CHECK_OK(stat("dd/sub/../../dd", &st));

	/* Nothing was removed or moved. */
	CHECK(stat("dd/sub", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK_ERR(stat("p9", &st), ENOENT);
	CHECK_OK(rmdir("dd/sub"));
	CHECK_OK(rmdir("dd"));
	CHECK_OK(unlink("file"));
	return 0;
}
