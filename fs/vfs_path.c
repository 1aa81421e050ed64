// SPDX-License-Identifier: MIT
/*
 * Path normalisation and mount-prefix matching for the VFS. Names are
 * resolved by their text ("a/b/.." is "a"), before any symbolic link is
 * followed (vfs_link.c): "link/.." is the directory holding the link, not
 * the parent of its target, unlike POSIX's resolution.
 */
#include <errno.h>
#include <string.h>

#include <kernel/vfs_path.h>

/* Appends the components of (p) to (out), of length (*len). */
static int add_components(const char *p, char *out, size_t size, size_t *len,
			  bool *dir)
{
	*dir = false;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p) {
			*dir = true;	/* trailing slash */
			break;
		}
		size_t n = strcspn(p, "/");
		const char *end = p + n;

		*dir = false;
		if (n > VFS_NAME_MAX)
			return -ENAMETOOLONG;
		if (n == 1 && p[0] == '.') {
			*dir = true;
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (*len > 0 && out[*len - 1] != '/')
				(*len)--;
			if (*len > 0)
				(*len)--;	/* the slash before it */
			*dir = true;
		} else {
			if (*len + 1 + n + 1 > size)
				return -ENAMETOOLONG;
			out[(*len)++] = '/';
			memcpy(out + *len, p, n);
			*len += n;
		}
		p = end;
	}
	return 0;
}

int vfs_path_normalize(const char *cwd, const char *path, char *out,
		       size_t size, bool *dir)
{
	size_t len = 0;
	bool cwd_dir;
	int rc;

	if (!*path)
		return -ENOENT;
	if (strnlen(path, VFS_PATH_MAX) >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	if (size < 2)
		return -ENAMETOOLONG;
	if (*path != '/') {
		rc = add_components(cwd, out, size, &len, &cwd_dir);
		if (rc)
			return rc;
	}
	rc = add_components(path, out, size, &len, dir);
	if (rc)
		return rc;
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return len;
}

enum vfs_last vfs_path_last(const char *path)
{
	size_t end = strlen(path), start;

	while (end > 0 && path[end - 1] == '/')
		end--;
	if (end == 0)
		return *path ? VFS_LAST_ROOT : VFS_LAST_NAME;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (end - start == 1 && path[start] == '.')
		return VFS_LAST_DOT;
	if (end - start == 2 && path[start] == '.' && path[start + 1] == '.')
		return VFS_LAST_DOTDOT;
	return VFS_LAST_NAME;
}

const char *vfs_path_under(const char *mnt, const char *path)
{
	size_t n = strlen(mnt);

	if (n == 1 && mnt[0] == '/')
		return path + 1;
	if (strncmp(mnt, path, n) != 0)
		return NULL;
	if (path[n] == '\0')
		return path + n;
	return path[n] == '/' ? path + n + 1 : NULL;
}

bool vfs_path_within(const char *dir, const char *path)
{
	return vfs_path_under(dir, path) != NULL;
}
