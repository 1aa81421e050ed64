// SPDX-License-Identifier: MIT
/*
 * The mount table and the calls on paths. A path is normalised against the
 * current directory, matched to the mount with the longest prefix, and the
 * rest handed to that filesystem. The table is small and changes rarely, so
 * one spinlock guards it; a mount counts the calls and open files using it
 * so it cannot be removed under them. Opening files is in vfs_file.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <kernel/dev_files.h>
#include <kernel/etc_files.h>
#include <kernel/log.h>
#include <kernel/spinlock.h>
#include <kernel/vfs.h>
#include <kernel/heap.h>
#include <kernel/init.h>

#include "vfs_impl.h"

struct spinlock vfs_lock;
struct vfs_mount *vfs_mounts[VFS_MAX_MOUNTS];
/* The current directory; empty means "/" (so that the 4 KiB are bss,
 * not bytes of every image). Under (vfs_lock). */
static char cwd[VFS_PATH_MAX];

static const char *current_dir(void)
{
	return cwd[0] ? cwd : "/";
}

int vfs_lookup_mount(struct vfs_lookup *lk)
{
	size_t best = 0;

	lk->mnt = NULL;
	spin_lock(&vfs_lock);
	for (int i = 0; i < VFS_MAX_MOUNTS; i++) {
		struct vfs_mount *m = vfs_mounts[i];
		size_t len;

		if (!m || !vfs_path_under(m->path, lk->path))
			continue;
		len = strlen(m->path);
		if (!lk->mnt || len > best) {
			lk->mnt = m;
			best = len;
		}
	}
	if (lk->mnt)
		__atomic_fetch_add(&lk->mnt->users, 1, __ATOMIC_ACQUIRE);
	spin_unlock(&vfs_lock);
	if (!lk->mnt)
		return -ENOENT;
	lk->rel = vfs_path_under(lk->mnt->path, lk->path);
	return 0;
}

/* Resolves (path) into (lk); on success the caller must vfs_mount_put()
 * lk->mnt. Symbolic links on the way are followed (ops->links), the last
 * component's only if (follow) or the path ends in '/'. */
static int lookup(const char *path, bool follow, struct vfs_lookup *lk)
{
	int n;

	/* A relative path is normalised under the vfs_lock that guards the
	 * current directory, rather than copying 4 KiB out of it. */
	if (*path != '/') {
		spin_lock(&vfs_lock);
		n = vfs_path_normalize(current_dir(), path, lk->path,
				       lk->room, &lk->dir);
		spin_unlock(&vfs_lock);
	} else {
		n = vfs_path_normalize("/", path, lk->path, lk->room,
				       &lk->dir);
	}
	if (n < 0)
		return n;
	n = vfs_lookup_mount(lk);
	/* "dir/" follows a link to a directory, as on Linux. */
	if (n == 0 && lk->mnt->ops->links)
		n = lk->mnt->ops->links->follow(lk, follow || lk->dir);
	return n;
}

/* Room for (path) normalised: it never grows past the current directory
 * (for a relative path), a '/' and itself. A link on the way can make it
 * longer; vfs_lookup_new() then looks again with all the room a path may
 * have. */
static size_t room_for(const char *path)
{
	size_t room = strnlen(path, VFS_PATH_MAX) + 2;

	if (*path != '/') {
		spin_lock(&vfs_lock);
		room += strlen(current_dir()) + 1;
		spin_unlock(&vfs_lock);
	}
	return room < VFS_PATH_MAX ? room : VFS_PATH_MAX;
}

static struct vfs_lookup *lookup_new(const char *path, bool follow, int *rc)
{
	for (size_t room = room_for(path);; room = VFS_PATH_MAX) {
		struct vfs_lookup *lk = heap_alloc(sizeof(*lk) + room);

		if (!lk) {
			*rc = -ENOMEM;
			return NULL;
		}
		lk->room = room;
		*rc = lookup(path, follow, lk);
		if (*rc == 0)
			return lk;
		heap_free(lk);
		if (*rc != -ENAMETOOLONG || room == VFS_PATH_MAX)
			return NULL;
	}
}

/* -ENOTDIR if the first (n) bytes of (path), which end in '/', name a
 * file that is not a directory; 0 otherwise (the lookup that follows
 * reports a missing one, or it is a built-in one like /dev). */
static int prefix_not_dir(const char *path, size_t n)
{
	struct stat st;
	int rc = -ENOMEM;
	char *prefix = heap_alloc(n + 1);

	if (prefix) {
		memcpy(prefix, path, n);
		prefix[n] = '\0';
		struct vfs_lookup *lk = lookup_new(prefix, true, &rc);

		if (lk) {
			rc = vfs_lookup_stat(lk, &st);
			vfs_lookup_free(lk);
		}
		heap_free(prefix);
	}
	return rc == -ENOTDIR || rc == -ENOMEM ? rc : 0;
}

/*
 * The normaliser takes "x/.." away by name, but Linux walks into x to
 * find its parent, so "file/.." is ENOTDIR. Each part of (path) that
 * ".." follows is looked up here (rarely: few paths hold "..").
 */
static int dotdot_dirs(const char *path)
{
	/* strchr, not strstr: musl's strstr is 1.4 KB of image. */
	for (const char *p = path; (p = strchr(p, '/')); p++) {
		if (p[1] != '.' || p[2] != '.' || (p[3] && p[3] != '/'))
			continue;
		int rc = prefix_not_dir(path, p + 1 - path);

		if (rc)
			return rc;
	}
	return 0;
}

struct vfs_lookup *vfs_lookup_new(const char *path, bool follow, int *rc)
{
	*rc = dotdot_dirs(path);
	return *rc ? NULL : lookup_new(path, follow, rc);
}

void vfs_lookup_free(struct vfs_lookup *lk)
{
	vfs_mount_put(lk->mnt);
	heap_free(lk);
}

int vfs_lookup_stat(struct vfs_lookup *lk, struct stat *st)
{
	if (!lk->mnt->ops->stat)
		return -ENOSYS;
	memset(st, 0, sizeof(*st));
	int rc = lk->mnt->ops->stat(lk->mnt, lk->rel, st);

	st->st_dev = lk->mnt->dev;
	if (rc == 0 && lk->dir && !S_ISDIR(st->st_mode))
		rc = -ENOTDIR;
	return rc;
}

/* In vfs_open()'s order: a built-in device, else the file systems'
 * answer, or a built-in /etc file when they have none. */
int vfs_stat_follow(const char *path, struct stat *st, bool follow)
{
	int rc;

	if (dev_stat(path, st) == 0)
		return 0;
	struct vfs_lookup *lk = vfs_lookup_new(path, follow, &rc);

	if (lk) {
		rc = vfs_lookup_stat(lk, st);
		vfs_lookup_free(lk);
	}
	if (rc == -ENOENT)
		rc = etc_stat(path, st);
	return rc;
}


int vfs_access(const char *path, int amode)
{
	struct stat st;
	int rc;
	struct vfs_lookup *lk = vfs_lookup_new(path, true, &rc);

	if (!lk)
		return rc;
	if ((amode & ~(R_OK | W_OK | X_OK)) != 0)
		rc = -EINVAL;
	else
		rc = vfs_lookup_stat(lk, &st);
	/* There are no users to check permissions for: only the mount and
	 * the execute bits can say no. */
	if (rc == 0 && (amode & W_OK) && lk->mnt->read_only)
		rc = -EROFS;
	if (rc == 0 && (amode & X_OK) && !(st.st_mode & 0111))
		rc = -EACCES;
	vfs_lookup_free(lk);
	return rc;
}

/* The kind of (path)'s last component (enum vfs_last), or -errno when
 * it is "." or ".." and what (lk) resolved it to is missing or not a
 * directory: Linux reports that before refusing the dots. */
static int last_kind(const char *path, struct vfs_lookup *lk)
{
	struct stat st;
	enum vfs_last last = vfs_path_last(path);

	if (last == VFS_LAST_NAME)
		return last;
	int rc = vfs_lookup_stat(lk, &st);

	return rc ? rc : (int)last;
}

static bool is_dots(int last)
{
	return last == VFS_LAST_DOT || last == VFS_LAST_DOTDOT;
}

/* mkdir, mknod: a new name, with the checks around the op. */
static int make_name(const char *path, mode_t mode, bool dir)
{
	struct stat st;
	int rc;
	struct vfs_lookup *lk = vfs_lookup_new(path, false, &rc);

	if (!lk)
		return rc;
	struct vfs_mount *m = lk->mnt;
	int (*op)(struct vfs_mount *, const char *, mode_t) =
		dir ? m->ops->mkdir : m->ops->mknod;

	int last = last_kind(path, lk);

	if (last < 0)
		rc = last;
	else if (lk->rel[0] == '\0' || is_dots(last))
		rc = -EEXIST;		/* "." and ".." always exist */
	else if (m->read_only || !op)
		rc = vfs_lookup_stat(lk, &st) == 0 ? -EEXIST :
		     m->read_only || dir ? -EROFS : -EPERM;
	else
		rc = op(m, lk->rel, mode);
	vfs_lookup_free(lk);
	return rc;
}

int vfs_mkdir(const char *path, mode_t mode)
{
	return make_name(path, mode, true);
}

int vfs_mknod(const char *path, mode_t mode)
{
	if ((mode & S_IFMT) != S_IFSOCK && (mode & S_IFMT) != S_IFIFO)
		return -EPERM;
	return make_name(path, mode, false);
}

/* rmdir, unlink: the same checks around a different op. */
static int remove_path(const char *path, bool is_dir)
{
	int rc;
	struct vfs_lookup *lk = vfs_lookup_new(path, false, &rc);

	if (!lk)
		return rc;
	struct vfs_mount *m = lk->mnt;
	int (*op)(struct vfs_mount *, const char *) =
		is_dir ? m->ops->rmdir : m->ops->unlink;

	int last = last_kind(path, lk);

	/* Linux's answers for "." and "..": not names one can remove. */
	if (last < 0)
		rc = last;
	else if (is_dots(last))
		rc = !is_dir ? -EISDIR :
		     last == VFS_LAST_DOT ? -EINVAL : -ENOTEMPTY;
	else if (lk->rel[0] == '\0')
		rc = -EBUSY;		/* a mount point */
	else if (!is_dir && lk->dir)
		rc = -ENOTDIR;		/* "file/" names a directory */
	else if (m->read_only || !op)
		rc = -EROFS;
	else
		rc = op(m, lk->rel);
	vfs_lookup_free(lk);
	return rc;
}

int vfs_rmdir(const char *path)
{
	return remove_path(path, true);
}

int vfs_unlink(const char *path)
{
	return remove_path(path, false);
}

int vfs_lookup_pair(const char *from, const char *to, struct vfs_lookup **a,
		    struct vfs_lookup **b)
{
	int rc;

	*a = vfs_lookup_new(from, false, &rc);
	if (!*a)
		return rc;
	*b = vfs_lookup_new(to, false, &rc);
	if (!*b) {
		vfs_lookup_free(*a);
		return rc;
	}
	if ((*a)->mnt == (*b)->mnt)
		return 0;
	vfs_lookup_free(*b);
	vfs_lookup_free(*a);
	return -EXDEV;
}

int vfs_rename(const char *from, const char *to)
{
	struct vfs_lookup *a, *b;
	int rc = vfs_lookup_pair(from, to, &a, &b);

	if (rc)
		return rc;
	struct vfs_mount *m = a->mnt;
	int from_last = last_kind(from, a), to_last = last_kind(to, b);

	if (from_last < 0 || to_last < 0)
		rc = from_last < 0 ? from_last : to_last;
	else if (a->rel[0] == '\0' || b->rel[0] == '\0' ||
		 from_last != VFS_LAST_NAME || to_last != VFS_LAST_NAME)
		rc = -EBUSY;		/* a mount point, ".", ".." */
	else if (strcmp(a->path, b->path) != 0 &&
		 vfs_path_within(a->path, b->path))
		rc = -EINVAL;		/* a directory into itself */
	else if (m->read_only || !m->ops->rename)
		rc = -EROFS;
	else
		rc = m->ops->rename(m, a->rel, b->rel);
	vfs_lookup_free(b);
	vfs_lookup_free(a);
	return rc;
}

int vfs_setattr_follow(const char *path, const struct vfs_attr *a,
		       bool follow)
{
	struct stat st;
	int rc;
	struct vfs_lookup *lk = vfs_lookup_new(path, follow, &rc);

	if (!lk)
		return rc;
	struct vfs_mount *m = lk->mnt;

	rc = vfs_lookup_stat(lk, &st);
	if (rc == 0 && m->read_only)
		rc = -EROFS;
	else if (rc == 0 && !m->ops->setattr)
		rc = -EPERM;
	else if (rc == 0)
		rc = m->ops->setattr(m, lk->rel, a);
	vfs_lookup_free(lk);
	return rc;
}

int vfs_statfs(const char *path, struct statfs *st)
{
	struct stat sb;
	int rc;
	struct vfs_lookup *lk = vfs_lookup_new(path, true, &rc);

	if (!lk)
		return rc;
	rc = vfs_lookup_stat(lk, &sb);
	if (rc == 0)
		rc = vfs_mount_statfs(lk->mnt, st);
	vfs_lookup_free(lk);
	return rc;
}

int vfs_fsetattr(struct vfs_file *f, const struct vfs_attr *a)
{
	if (f->ops->setattr)
		return f->ops->setattr(f, a);
	if (f->mnt && f->mnt->read_only)
		return -EROFS;
	if (f->path && f->ops->readdir)	/* a directory is its path */
		return vfs_setattr(f->path, a);
	return -EPERM;
}

int vfs_chdir(const char *path)
{
	struct stat st;
	int rc;
	struct vfs_lookup *lk = vfs_lookup_new(path, true, &rc);

	if (!lk)
		return rc;
	rc = vfs_lookup_stat(lk, &st);
	if (rc == 0 && !S_ISDIR(st.st_mode))
		rc = -ENOTDIR;
	if (rc == 0) {
		spin_lock(&vfs_lock);
		strcpy(cwd, lk->path);
		spin_unlock(&vfs_lock);
	}
	vfs_lookup_free(lk);
	return rc;
}

int vfs_getcwd(char *buf, size_t size)
{
	int rc = 0;

	spin_lock(&vfs_lock);
	if (strlen(current_dir()) + 1 > size)
		rc = -ERANGE;
	else
		strcpy(buf, current_dir());
	spin_unlock(&vfs_lock);
	return rc;
}

/* fs/vfs_mount.c; named here so that every image with files has it. */
INIT_CALL(INIT_FS, vfs_mount_root);
