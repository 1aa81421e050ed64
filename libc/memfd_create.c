// SPDX-License-Identifier: MIT
/*
 * memfd_create() (replaces musl's system call): an anonymous file, made
 * as Linux's is, in a tmpfs: a new file in /dev/shm (fs/shm_auto.c),
 * unlinked at once, so that it lives as long as its descriptors and
 * mappings. Sealing (F_ADD_SEALS) is not there: MFD_ALLOW_SEALING is
 * taken, and fcntl() says EINVAL when asked to seal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kernel/vfs.h>

/* Linux's: the hugetlb page-size bits ride on MFD_HUGETLB. */
#define MFD_KNOWN	(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB)
#define MFD_HUGE_BITS	(0x3fU << 26)
#define MFD_NAME_MAX	249

static const char *const wants_shm __attribute__((used)) = &vfs_shm_wanted;

int memfd_create(const char *name, unsigned flags)
{
	char path[] = "/dev/shm/.memfd-XXXXXX";
	unsigned huge = flags & MFD_HUGETLB ? MFD_HUGE_BITS : 0;
	int fd;

	if (flags & ~(MFD_KNOWN | huge) ||
	    strnlen(name, MFD_NAME_MAX + 1) > MFD_NAME_MAX) {
		errno = EINVAL;
		return -1;
	}
	fd = mkostemp(path, flags & MFD_CLOEXEC ? O_CLOEXEC : 0);
	if (fd >= 0)
		unlink(path);
	return fd;
}
