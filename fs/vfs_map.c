// SPDX-License-Identifier: MIT
/*
 * File mappings (include/kernel/vfs.h): filling a new mapping from its
 * file, and for a shared one, which memory holds which file's bytes and
 * keeping the two alike. RAM is identity-mapped, so a mapping cannot be
 * the file's own pages: it is a copy, kept coherent by hand. A shared
 * mapping of bytes that another already holds is that one's memory (one
 * view more of it), so that two mappings of one object, as shm_open()
 * users make, see each other's stores at once; partly overlapping ones
 * are copies apart. Reads of the file take its bytes from the mapping,
 * writes to the file are copied into it, and it is written back at
 * msync(), munmap(), fsync(), sync() and exit. Nothing tracks which
 * pages the program dirtied, so a write-back writes every page of a
 * mapping that was ever writable, clipped to the file's size (storing
 * past the end of a file in a mapping does not make the file longer, as
 * on Linux).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>

#include <arch/mmu.h>
#include <kernel/compiler.h>
#include <kernel/exit.h>
#include <kernel/fd.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/mmap.h>
#include <kernel/page_alloc.h>
#include <kernel/vfs.h>

#include "vfs_impl.h"

struct map {
	struct map *next;
	char *addr;		/* page-aligned, (len) bytes */
	size_t len;
	int64_t off;		/* the file offset at (addr) */
	struct vfs_file *file;	/* a reference: the mapping outlives fds */
	uint64_t ino;		/* with file->mnt, which file it is */
	unsigned views;		/* mmap() calls that returned its memory */
	bool written;		/* ever writable: written back */
};

/* Over the list and the copies between files and mappings: a mapping
 * written back is not changed by another CPU's read() meanwhile. */
static struct mutex lock;
static struct map *maps;

const char vfs_map_wanted;

/* (f)'s inode number, asked once per open file (a virtio-fs fstat() is
 * a trip to the host, and every read and write of a file on a mount with
 * shared mappings asks). 0 if the file system does not say. */
static uint64_t ino_of(struct vfs_file *f)
{
	struct stat st;

	if (!f->map_ino && vfs_fstat(f, &st) == 0)
		f->map_ino = st.st_ino;
	return f->map_ino;
}

/* Whether (m) maps (f)'s file: two open files of one file are the same
 * mount and inode. */
static bool maps_file(const struct map *m, struct vfs_file *f)
{
	if (m->file == f)
		return true;
	if (m->file->mnt != f->mnt)
		return false;
	uint64_t ino = ino_of(f);

	return ino && ino == m->ino;
}

/* The part of [off, off + n) of the file that (m) holds: false if none,
 * else its start and length. */
static bool overlap(const struct map *m, int64_t off, size_t n, int64_t *lo,
		    size_t *len)
{
	int64_t start = MAX(off, m->off);
	int64_t end = MIN(off + (int64_t)n, m->off + (int64_t)m->len);

	if (start >= end)
		return false;
	*lo = start;
	*len = (size_t)(end - start);
	return true;
}

static bool page_readable(const char *p)
{
	return vm_is_mapped((uintptr_t)p, 1);
}

/* Copies between a mapping and a buffer page by page, leaving out the
 * pages the program made inaccessible (PROT_NONE): the kernel would fault
 * on them. Into a mapping even where the program may only read it; zeros
 * there with (src) NULL. */
static void copy_pages(char *dst, const char *src, size_t n, bool to_map)
{
	while (n) {
		const char *in_map = to_map ? dst : src;
		size_t chunk = MIN(n, PAGE_SIZE - ((uintptr_t)in_map &
						   (PAGE_SIZE - 1)));

		if (page_readable(in_map)) {
			if (to_map)
				vm_copy_over_readonly(dst, src, chunk);
			else
				memcpy(dst, src, chunk);
		}
		dst += chunk;
		src = src ? src + chunk : NULL;
		n -= chunk;
	}
}

/* Brings [off, off + n) of (from)'s file, now in (buf), into every other
 * mapping of that file (from NULL: (f)'s mappings, after a write()). */
static void copy_into_maps(struct vfs_file *f, const struct map *from,
			   const char *buf, size_t n, int64_t off)
{
	int64_t lo;
	size_t len;

	for (struct map *m = maps; m; m = m->next) {
		if (m == from || !maps_file(m, f) ||
		    !overlap(m, off, n, &lo, &len))
			continue;
		copy_pages(m->addr + (lo - m->off), buf + (lo - off), len,
			   true);
	}
}

ssize_t vfs_map_file_io(struct vfs_file *f, void *buf, size_t n,
			int64_t off, bool write)
{
	int64_t lo;
	size_t len;

	mutex_lock(&lock);
	if (write) {
		copy_into_maps(f, NULL, buf, n, off);
	} else {
		for (struct map *m = maps; m; m = m->next)
			if (maps_file(m, f) &&
			    overlap(m, off, n, &lo, &len))
				copy_pages((char *)buf + (lo - off),
					   m->addr + (lo - m->off), len,
					   false);
	}
	mutex_unlock(&lock);
	return (ssize_t)n;
}

void vfs_map_truncated(struct vfs_file *f, int64_t size)
{
	int64_t lo;
	size_t len;

	/* Past the new end the file reads as zeros if it grows again; so
	 * do the mappings, rather than write their old bytes back there. */
	mutex_lock(&lock);
	for (struct map *m = maps; m; m = m->next) {
		if (!maps_file(m, f) ||
		    !overlap(m, size, (size_t)(INT64_MAX - size), &lo, &len))
			continue;
		copy_pages(m->addr + (lo - m->off), NULL, len, true);
	}
	mutex_unlock(&lock);
}

/* Writes [from, to) of (m), offsets in the mapping, to its file: the part
 * within the file's size, the pages the program can read. */
static int write_back(struct map *m, size_t from, size_t to)
{
	struct vfs_file *f = m->file;
	struct stat st;
	int rc;

	if (!m->written || !f->ops->write)
		return 0;
	rc = vfs_fstat(f, &st);
	if (rc)
		return rc;
	if (st.st_size <= m->off + (int64_t)from)
		return 0;
	to = (size_t)MIN((int64_t)to, st.st_size - m->off);
	while (from < to) {
		size_t end = from;

		while (end < to && page_readable(m->addr + end))
			end = MIN(ALIGN_DOWN(end, PAGE_SIZE) + PAGE_SIZE, to);
		for (size_t at = from; at < end;) {
			ssize_t w = f->ops->write(f, m->addr + at, end - at,
						  m->off + (int64_t)at);

			if (w <= 0 || (size_t)w > end - at)
				return w < 0 ? (int)w : -EIO;
			at += (size_t)w;
		}
		copy_into_maps(f, m, m->addr + from, end - from,
			       m->off + (int64_t)from);
		/* Past an inaccessible page, if that is what ended it. */
		from = end < to ? ALIGN_DOWN(end, PAGE_SIZE) + PAGE_SIZE : end;
	}
	return 0;
}

/* Whether (f) may be mapped so: open for reading, and for a writable
 * shared mapping for writing too (Linux's EACCES). */
static int may_map(const struct vfs_file *f, bool writable, bool shared)
{
	int mode = f->flags & VFS_ACCMODE;

	if (mode == O_WRONLY || (shared && writable && mode != O_RDWR))
		return -EACCES;
	return 0;
}

static bool is_dev_zero(struct vfs_file *f)
{
	struct stat st;

	return vfs_fstat(f, &st) == 0 && S_ISCHR(st.st_mode) &&
	       st.st_rdev == makedev(1, 5);
}

/* Reads (len) bytes of (f) at (off) into the new mapping (p); bytes past
 * the end of the file stay zero. */
static int fill(struct vfs_file *f, char *p, size_t len, int64_t off)
{
	for (size_t done = 0; done < len;) {
		ssize_t got = vfs_pread(f, p + done, len - done,
					off + (int64_t)done);

		if (got < 0)	/* a stream or a directory cannot be mapped */
			return got == -ESPIPE || got == -EISDIR ? -ENODEV
								 : (int)got;
		if (got == 0)
			break;
		done += (size_t)got;
	}
	return 0;
}

/* The memory of a shared mapping of (f)'s file that holds all of [off,
 * off + len), as one more view of it, or NULL (*rc: an error). The view
 * is never narrower than asked: a writable one makes its pages
 * writable, a readable one readable. */
static char *shared_view(struct vfs_file *f, size_t len, int64_t off,
			 bool writable, int *rc)
{
	char *view = NULL;
	struct map *m;

	len = ALIGN_UP(len, PAGE_SIZE);
	mutex_lock(&lock);
	for (m = maps; m; m = m->next)
		if (maps_file(m, f) && off >= m->off &&
		    off + (int64_t)len <= m->off + (int64_t)m->len)
			break;
	if (m) {
		view = m->addr + (off - m->off);
		for (size_t at = 0; at < len && !*rc; at += PAGE_SIZE)
			if (writable || !page_readable(view + at))
				*rc = mm_protect(view + at, PAGE_SIZE,
						 MM_READ | (writable ? MM_WRITE
								     : 0));
		if (!*rc) {
			m->views++;
			m->written |= writable;
		}
	}
	mutex_unlock(&lock);
	return *rc ? NULL : view;
}

/* Registers [addr, addr + len) as holding (f)'s bytes from (off). */
static int add(struct vfs_file *f, void *addr, size_t len, int64_t off,
	       bool writable)
{
	struct map *m = heap_zalloc(sizeof(*m));

	if (!m)
		return -ENOMEM;
	vfs_file_get(f);
	*m = (struct map){ .addr = addr, .len = ALIGN_UP(len, PAGE_SIZE),
			   .off = off, .file = f, .ino = ino_of(f),
			   .views = 1, .written = writable };
	mutex_lock(&lock);
	m->next = maps;
	maps = m;
	vfs_shared_maps++;
	mutex_unlock(&lock);
	return 0;
}

long vfs_map_file(void *p, size_t len, int prot, int flags, int fd,
		  int64_t off)
{
	struct vfs_file *f = fd_get(fd);
	bool writable = prot & PROT_WRITE;
	bool shared = (flags & MAP_TYPE) != MAP_PRIVATE;
	char *view = NULL;
	int rc;

	if (!f)
		return -EBADF;
	rc = may_map(f, writable, shared);
	/* Not a file on a file system: /dev/zero maps as fresh zeroed
	 * memory, shared or not (on Linux each such mapping is memory of
	 * its own); a stream or another device cannot be mapped. */
	if (!rc && !f->mnt) {
		rc = is_dev_zero(f) ? 0 : -ENODEV;
		vfs_file_put(f);
		return rc;
	}
	if (!rc && shared && !(flags & MAP_FIXED))
		view = shared_view(f, len, off, writable, &rc);
	if (!rc && !view)
		rc = fill(f, p, len, off);
	if (!rc && !view && shared)
		rc = add(f, p, len, off, writable);
	vfs_file_put(f);
	return rc ? rc : (long)view;
}

/* The part of [addr, addr + len) in (m), as offsets in the mapping. */
static bool in_range(const struct map *m, const char *addr, size_t len,
		     size_t *from, size_t *to)
{
	const char *start = MAX(addr, m->addr);
	const char *end = MIN(addr + len, m->addr + m->len);

	if (start >= end)
		return false;
	*from = (size_t)(start - m->addr);
	*to = (size_t)(end - m->addr);
	return true;
}

int vfs_map_sync(void *addr, size_t len)
{
	size_t from, to;
	int rc = 0;

	mutex_lock(&lock);
	for (struct map *m = maps; m; m = m->next)
		if (in_range(m, addr, len, &from, &to) && !rc)
			rc = write_back(m, from, to);
	mutex_unlock(&lock);
	return rc;
}

/* Splits (m) at (at), a page boundary inside it: [at, len) becomes the
 * next mapping in the list, with the same views; -ENOMEM if there is no
 * memory for it. */
static int split(struct map *m, size_t at)
{
	struct map *rest = heap_alloc(sizeof(*rest));

	if (!rest)
		return -ENOMEM;
	*rest = *m;
	rest->addr += at;
	rest->off += (int64_t)at;
	rest->len -= at;
	vfs_file_get(rest->file);
	m->next = rest;
	m->len = at;
	vfs_shared_maps++;
	return 0;
}

/* Takes [from, to) out of (*link)'s mapping, which may split it in two
 * or remove it; -ENOMEM if a split finds no memory. */
static int cut(struct map **link, size_t from, size_t to)
{
	struct map *m = *link;

	if (from == 0 && to == m->len) {
		*link = m->next;
		vfs_shared_maps--;
		vfs_file_put(m->file);
		heap_free(m);
		return 0;
	}
	if (from == 0) {
		m->addr += to;
		m->off += (int64_t)to;
		m->len -= to;
		return 0;
	}
	/* Out of the middle: the rest after it. */
	if (to < m->len && split(m, to))
		return -ENOMEM;
	m->len = from;
	return 0;
}

/* After munmap() found views to keep in [addr, addr + len) (mappings
 * another mmap() also returned, still in the list): the pages between
 * them go, a run at a time, as they would without those views; the
 * first error of those unmaps, or 0. Under (lock). */
static int unmap_around(char *addr, size_t len)
{
	char *at = addr, *end = addr + len;
	int rc = 0;

	while (at < end) {
		char *view = end, *view_end = end;	/* the next from (at) */
		size_t from, to;

		for (struct map *m = maps; m; m = m->next)
			if (in_range(m, at, (size_t)(end - at), &from, &to) &&
			    m->addr + from < view) {
				view = m->addr + from;
				view_end = m->addr + to;
			}
		if (view > at) {
			int err = mm_unmap(at, (size_t)(view - at));

			rc = rc ? rc : err;
		}
		at = view_end;
	}
	return rc;
}

int vfs_map_forget(void *addr, size_t len, bool reuse)
{
	size_t from, to;
	bool kept = false;
	int rc = 0;

	/* Whole pages, as munmap() and mmap() take them: a mapping cut at
	 * an unaligned length would be left over pages unmapped. */
	if (len <= SIZE_MAX - PAGE_SIZE)
		len = ALIGN_UP(len, PAGE_SIZE);
	mutex_lock(&lock);
	/* New contents cannot go in pages another view still shows. */
	for (struct map *m = maps; reuse && m; m = m->next)
		if (in_range(m, addr, len, &from, &to) && m->views > 1)
			rc = -ENOMEM;
	for (struct map **link = &maps; *link && !rc;) {
		struct map *m = *link;

		if (!in_range(m, addr, len, &from, &to)) {
			link = &m->next;
			continue;
		}
		/* Another view of this memory keeps it, as it is: the part
		 * unmapped becomes a mapping of its own first, which the
		 * other views' munmap() may then take out alone. */
		if (m->views > 1 && (from > 0 || to < m->len)) {
			rc = split(m, from > 0 ? from : to);
			continue;	/* the pieces are looked at again */
		}
		if (m->views > 1) {
			m->views--;
			link = &m->next;
			kept = true;
			continue;
		}
		/* Forgotten even if the file refuses the write: the memory
		 * goes all the same. */
		write_back(m, from, to);
		if (cut(link, from, to)) {
			rc = -ENOMEM;
			break;
		}
		if (*link == m)
			link = &m->next;
	}
	if (kept && !rc)
		rc = unmap_around(addr, len);
	mutex_unlock(&lock);
	return rc ? rc : kept;
}

int vfs_map_move(void *old, size_t old_len, void *new, size_t new_len)
{
	size_t kept = ALIGN_UP(old_len, PAGE_SIZE);
	size_t len = ALIGN_UP(new_len, PAGE_SIZE);
	struct map *m;
	int rc = 0;

	mutex_lock(&lock);
	for (m = maps; m && m->addr != old; m = m->next)
		;
	if (!m || m->len != kept || len < kept || m->views > 1) {
		rc = -EINVAL;
		goto out;
	}
	/* The bytes the mapping gains come from the file, as they would
	 * from its pages on Linux; the caller copied those it had. */
	for (size_t at = kept; at < len;) {
		ssize_t got = m->file->ops->read(m->file, (char *)new + at,
						 len - at,
						 m->off + (int64_t)at);

		if (got < 0) {
			rc = (int)got;
			goto out;
		}
		if (got == 0 || (size_t)got > len - at)
			break;	/* the end of the file: zeros after it */
		at += (size_t)got;
	}
	m->addr = new;
	m->len = len;
out:
	mutex_unlock(&lock);
	return rc;
}

bool vfs_map_holds(const void *addr)
{
	size_t from, to;
	bool held = false;

	mutex_lock(&lock);
	for (struct map *m = maps; m && !held; m = m->next)
		held = in_range(m, addr, 1, &from, &to);
	mutex_unlock(&lock);
	return held;
}

int vfs_map_protect(void *addr, size_t len, bool writable)
{
	size_t from, to;
	int rc = 0;

	if (!writable)
		return 0;
	mutex_lock(&lock);
	for (struct map *m = maps; m; m = m->next)
		if (in_range(m, addr, len, &from, &to) &&
		    (m->file->flags & VFS_ACCMODE) != O_RDWR)
			rc = -EACCES;
	/* Only once all may be written: a refusal changes nothing. */
	for (struct map *m = maps; m && !rc; m = m->next)
		if (in_range(m, addr, len, &from, &to))
			m->written = true;
	mutex_unlock(&lock);
	return rc;
}

int vfs_map_write_back(struct vfs_file *f)
{
	int rc = 0;

	mutex_lock(&lock);
	for (struct map *m = maps; m; m = m->next)
		if ((!f || maps_file(m, f)) && !rc)
			rc = write_back(m, 0, m->len);
	mutex_unlock(&lock);
	return rc;
}

/* At exit, before the file systems finish (EXIT_CALL_FIRST): what the
 * program stored in its mappings is in its files, as Linux would have
 * written back its dirty pages. */
static void write_back_at_exit(void)
{
	int rc = vfs_map_write_back(NULL);

	if (rc)
		log_error("shared file mappings: write-back at exit failed "
			  "(error %d)\n", -rc);
}
EXIT_CALL_FIRST(write_back_at_exit);
