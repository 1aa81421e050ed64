// SPDX-License-Identifier: MIT
/* The root mount: the initrd when the VM has one, else nothing at all
 * (TEST_NO_ROOT set), when paths fail but the console still works. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <toro/test.h>

TEST(root, mounted_or_not)
{
	struct stat st;

	if (!getenv("TEST_NO_ROOT")) {
		ASSERT_EQ(stat("/", &st), 0);
		EXPECT_TRUE(S_ISDIR(st.st_mode));
		EXPECT_EQ(access("/hello.txt", R_OK), 0);
		return;
	}
	errno = 0;
	EXPECT_EQ(stat("/", &st), -1);
	EXPECT_EQ(errno, ENOENT);
	EXPECT_EQ(open("/hello.txt", O_RDONLY), -1);
	EXPECT_EQ(errno, ENOENT);
	EXPECT_NULL(fopen("/x", "w"));
	EXPECT_EQ(errno, ENOENT);
	EXPECT_NULL(opendir("/"));
	EXPECT_EQ(mkdir("/d", 0755), -1);
	EXPECT_EQ(errno, ENOENT);
	EXPECT_EQ(chdir("/"), -1);
	EXPECT_EQ(write(1, "root: nothing mounted\n", 22), 22);
}
