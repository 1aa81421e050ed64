/* SPDX-License-Identifier: MIT */
/* <dirent.h>: reading directories (libc/dirent.c). */
#ifndef _DIRENT_H
#define _DIRENT_H

#include <sys/types.h>

#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12

struct dirent {
	ino_t d_ino;
	off_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[256];
};

typedef struct toro_dir DIR;

DIR *opendir(const char *path);
DIR *fdopendir(int fd);
/* The entry lives in (d) until the next call on it; NULL at the end (errno
 * unchanged) or on error (errno set). */
struct dirent *readdir(DIR *d);
int closedir(DIR *d);
void rewinddir(DIR *d);
int dirfd(DIR *d);

#endif /* _DIRENT_H */
