// SPDX-License-Identifier: MIT
/*
 * __map_file() (replaces musl's): a whole file mapped read-only, which is
 * how musl's time zone code reads a zoneinfo file (TZ=Europe/Paris, or a
 * path) and its locale code a catalog. The mapping is MAP_SHARED, so it
 * needs the file mappings that the C library's mmap() brings
 * (fs/vfs_map.c): this names them too, else such a program found no zone
 * but UTC even with the zoneinfo files in its root.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "kstat.h"
#include "syscall.h"

#include <kernel/vfs.h>

static const char *const wants_maps __attribute__((used)) = &vfs_map_wanted;

const unsigned char *__map_file(const char *pathname, size_t *size)
{
	struct kstat st;
	const unsigned char *map = MAP_FAILED;
	int fd = sys_open(pathname, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return 0;
	if (!syscall(SYS_fstat, fd, &st)) {
		map = __mmap(0, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
		*size = st.st_size;
	}
	__syscall(SYS_close, fd);
	return map == MAP_FAILED ? 0 : map;
}
