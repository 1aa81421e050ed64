/* SPDX-License-Identifier: MIT */
/*
 * Built-in files under /etc (fs/etc_files.c), for a program whose root
 * has none: /etc/resolv.conf, hosts, services, passwd, group, what musl
 * reads to resolve names and users.
 */
#ifndef KERNEL_ETC_FILES_H
#define KERNEL_ETC_FILES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct vfs_file;

/* The built-in file at absolute (path), opened with open() (flags): 0
 * with (*out), -ENOENT when there is none, -EROFS for write access. */
int etc_open(const char *path, int flags, struct vfs_file **out);

/* stat() of the built-in file at absolute (path): 0, or -ENOENT. */
int etc_stat(const char *path, struct stat *st);

/* The DNS servers resolv.conf names when no "dns=" option does (DHCP's):
 * IPv4 addresses in network byte order, replacing earlier ones. */
void etc_set_nameservers(const uint32_t *ip, unsigned n);

#endif /* KERNEL_ETC_FILES_H */
