// SPDX-License-Identifier: MIT
/* VFS path normalisation and mount matching. */
#include <errno.h>
#include <string.h>

#include <kernel/vfs_path.h>

#include "unit.h"

/* The normalised path, or the error as text. */
static const char *norm(const char *cwd, const char *path, bool *dir)
{
	static char out[VFS_PATH_MAX], err[32];
	bool d;
	int n = vfs_path_normalize(cwd, path, out, sizeof(out), dir ? dir : &d);

	if (n < 0) {
		snprintf(err, sizeof(err), "error %d", -n);
		return err;
	}
	if ((size_t)n != strlen(out))
		return "bad length";
	return out;
}

UNIT_TEST(vfs_path_normalize_absolute)
{
	CHECK_STR_EQ(norm("/", "/", NULL), "/");
	CHECK_STR_EQ(norm("/", "//", NULL), "/");
	CHECK_STR_EQ(norm("/", "/a/b", NULL), "/a/b");
	CHECK_STR_EQ(norm("/", "//a///b//", NULL), "/a/b");
	CHECK_STR_EQ(norm("/", "/a/./b/.", NULL), "/a/b");
	CHECK_STR_EQ(norm("/", "/a/b/..", NULL), "/a");
	CHECK_STR_EQ(norm("/", "/a/b/../../..", NULL), "/");
	CHECK_STR_EQ(norm("/", "/../../x", NULL), "/x");
	CHECK_STR_EQ(norm("/", "/a/../b/../c", NULL), "/c");
	CHECK_STR_EQ(norm("/", "/...", NULL), "/...");
	CHECK_STR_EQ(norm("/", "/..a/.b", NULL), "/..a/.b");
	CHECK_STR_EQ(norm("/x/y", "/a", NULL), "/a");	/* cwd unused */
}

UNIT_TEST(vfs_path_normalize_relative)
{
	CHECK_STR_EQ(norm("/", "a", NULL), "/a");
	CHECK_STR_EQ(norm("/", ".", NULL), "/");
	CHECK_STR_EQ(norm("/d/e", "f", NULL), "/d/e/f");
	CHECK_STR_EQ(norm("/d/e", "..", NULL), "/d");
	CHECK_STR_EQ(norm("/d/e", "../../../g", NULL), "/g");
	CHECK_STR_EQ(norm("/d", "./x/", NULL), "/d/x");
}

UNIT_TEST(vfs_path_trailing_directory)
{
	bool dir = true;

	norm("/", "/a/b", &dir);
	CHECK(!dir);
	norm("/", "/a/b/", &dir);
	CHECK(dir);
	dir = false;
	norm("/", "/a/b/.", &dir);
	CHECK(dir);
	dir = false;
	norm("/", "/a/b/..", &dir);
	CHECK(dir);
	norm("/", "/a/./b", &dir);
	CHECK(!dir);
	dir = false;
	norm("/", "/", &dir);
	CHECK(dir);
}

UNIT_TEST(vfs_path_errors)
{
	char name[300], path[VFS_PATH_MAX + 10], small[8];
	bool dir;

	CHECK_STR_EQ(norm("/", "", NULL), "error 2");	/* ENOENT */
	memset(name, 'n', sizeof(name));
	name[0] = '/';
	name[VFS_NAME_MAX + 1] = '\0';		/* a 255-byte name is fine */
	CHECK(strcmp(norm("/", name, NULL), name) == 0);
	name[VFS_NAME_MAX + 2] = '\0';		/* 256 is not */
	name[VFS_NAME_MAX + 1] = 'n';
	CHECK_STR_EQ(norm("/", name, NULL), "error 36");
	/* The whole path: VFS_PATH_MAX bytes with the NUL is too long. */
	memset(path, '/', sizeof(path));
	path[VFS_PATH_MAX - 1] = '\0';
	CHECK_STR_EQ(norm("/", path, NULL), "/");
	path[VFS_PATH_MAX - 1] = '/';
	path[VFS_PATH_MAX] = '\0';
	CHECK_STR_EQ(norm("/", path, NULL), "error 36");
	/* The result must fit the buffer. */
	CHECK_EQ(vfs_path_normalize("/", "/abcdefg", small, sizeof(small), &dir),
		 -ENAMETOOLONG);
	CHECK_EQ(vfs_path_normalize("/", "/abcdefg/..", small, sizeof(small),
				    &dir), -ENAMETOOLONG);
	CHECK_EQ(vfs_path_normalize("/", "/abcdef", small, sizeof(small), &dir),
		 7);
	CHECK_STR_EQ(small, "/abcdef");
	/* A relative path over a long current directory. */
	memset(path, 'c', 4000);
	path[0] = '/';
	for (int i = 200; i < 4000; i += 200)
		path[i] = '/';
	path[4000] = '\0';
	char want[VFS_PATH_MAX];

	snprintf(want, sizeof(want), "%.3400s/x", path);
	CHECK_STR_EQ(norm(path, "../../../x", NULL), want);
	CHECK_EQ(vfs_path_normalize(path, "0123456789012345678901234567890123"
				    "456789012345678901234567890123456789"
				    "0123456789012345678901234567890123456789",
				    small, sizeof(small), &dir),
		 -ENAMETOOLONG);
}

UNIT_TEST(vfs_path_last_component)
{
	CHECK_EQ(vfs_path_last("a"), VFS_LAST_NAME);
	CHECK_EQ(vfs_path_last("/d/a/"), VFS_LAST_NAME);
	CHECK_EQ(vfs_path_last("/d/..a"), VFS_LAST_NAME);
	CHECK_EQ(vfs_path_last("/d/.a"), VFS_LAST_NAME);
	CHECK_EQ(vfs_path_last("/d/..."), VFS_LAST_NAME);
	CHECK_EQ(vfs_path_last("/./a"), VFS_LAST_NAME);
	CHECK_EQ(vfs_path_last("/d/."), VFS_LAST_DOT);
	CHECK_EQ(vfs_path_last("/d/.//"), VFS_LAST_DOT);
	CHECK_EQ(vfs_path_last("."), VFS_LAST_DOT);
	CHECK_EQ(vfs_path_last("./"), VFS_LAST_DOT);
	CHECK_EQ(vfs_path_last("/d/.."), VFS_LAST_DOTDOT);
	CHECK_EQ(vfs_path_last(".."), VFS_LAST_DOTDOT);
	CHECK_EQ(vfs_path_last("../"), VFS_LAST_DOTDOT);
	CHECK_EQ(vfs_path_last("/"), VFS_LAST_ROOT);
	CHECK_EQ(vfs_path_last("//"), VFS_LAST_ROOT);
}

UNIT_TEST(vfs_path_under_mounts)
{
	CHECK_STR_EQ(vfs_path_under("/", "/"), "");
	CHECK_STR_EQ(vfs_path_under("/", "/a/b"), "a/b");
	CHECK_STR_EQ(vfs_path_under("/data", "/data"), "");
	CHECK_STR_EQ(vfs_path_under("/data", "/data/x/y"), "x/y");
	CHECK(vfs_path_under("/data", "/database") == NULL);
	CHECK(vfs_path_under("/data", "/dat") == NULL);
	CHECK(vfs_path_under("/data", "/") == NULL);
	CHECK(vfs_path_under("/a/b", "/a") == NULL);
	CHECK(vfs_path_within("/a", "/a/b"));
	CHECK(vfs_path_within("/a", "/a"));
	CHECK(!vfs_path_within("/a", "/ab"));
}
