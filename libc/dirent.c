// SPDX-License-Identifier: MIT
/*
 * Directory streams over a descriptor of a directory: readdir() asks the
 * VFS for one entry at a time (the filesystem reads ahead as it likes).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kernel/fd.h>
#include <kernel/vfs.h>

struct toro_dir {
	int fd;
	struct dirent ent;	/* what readdir() returned last */
};

DIR *fdopendir(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return NULL;
	}
	DIR *d = calloc(1, sizeof(*d));

	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	d->fd = fd;
	return d;
}

DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return NULL;
	DIR *d = fdopendir(fd);

	if (!d)
		close(fd);
	return d;
}

struct dirent *readdir(DIR *d)
{
	struct vfs_dirent ent;
	struct vfs_file *f = fd_get(d->fd);
	int rc = -EBADF;

	if (f) {
		rc = vfs_readdir(f, &ent);
		d->ent.d_off = f->offset;
		vfs_file_put(f);
	}
	if (rc <= 0) {
		if (rc < 0)
			errno = -rc;
		return NULL;
	}
	d->ent.d_ino = ent.ino;
	d->ent.d_type = ent.type;
	d->ent.d_reclen = sizeof(d->ent);
	_Static_assert(sizeof(d->ent.d_name) == sizeof(ent.name),
		       "names fit");
	memcpy(d->ent.d_name, ent.name, sizeof(ent.name));
	return &d->ent;
}

void rewinddir(DIR *d)
{
	lseek(d->fd, 0, SEEK_SET);
}

int closedir(DIR *d)
{
	int rc = close(d->fd);

	free(d);
	return rc;
}

int dirfd(DIR *d)
{
	return d->fd;
}
