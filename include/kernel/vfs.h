/* SPDX-License-Identifier: MIT */
/*
 * The virtual file system: a mount table mapping path prefixes to
 * filesystems, and open files. The POSIX calls (open, read, stat, ...) in
 * fs/ resolve a path to its mount and call the filesystem with the rest of
 * the path, so a filesystem sees only paths relative to its root:
 * normalised, no "." or ".." or repeated slashes, "" for the root itself.
 * Every call returns 0 (or a count) or -errno.
 *
 * A filesystem fills in struct vfs_fs_ops; an open file carries its
 * vfs_file_ops. Files are used by threads on any CPU at once: a filesystem
 * makes its own calls safe for that. Sockets (later) are files too, with
 * their own file ops and no filesystem.
 */
#ifndef KERNEL_VFS_H
#define KERNEL_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <kernel/spinlock.h>
#include <kernel/vfs_path.h>
#include <toro/sync.h>

struct vfs_mount;
struct vfs_file;
struct vfs_lookup;
struct vfs_link_ops;
struct socket_ops;

/* One directory entry, as readdir gives it. */
struct vfs_dirent {
	uint64_t ino;
	unsigned type;		/* DT_REG, DT_DIR, ... (dirent.h) */
	char name[VFS_NAME_MAX + 1];
};

/* Attributes to change (chmod, chown, utimensat): the (valid) ones. Times
 * are wall-clock; *_NOW means the current time. */
/* The access bits of open() flags: O_RDONLY, O_WRONLY, O_RDWR, or 3
 * (Linux's "no access"). musl's O_ACCMODE also covers O_PATH. */
#define VFS_ACCMODE	3

struct vfs_attr {
	unsigned valid;
	mode_t mode;		/* permission bits only */
	uid_t uid;
	gid_t gid;
	struct timespec atime, mtime;
};
#define VFS_ATTR_MODE		0x01
#define VFS_ATTR_UID		0x02
#define VFS_ATTR_GID		0x04
#define VFS_ATTR_ATIME		0x08
#define VFS_ATTR_MTIME		0x10
#define VFS_ATTR_ATIME_NOW	0x20
#define VFS_ATTR_MTIME_NOW	0x40

struct vfs_file_ops {
	/* Read/write at (off); seekable files ignore nothing, streams
	 * (console, sockets) ignore (off). Return bytes done or -errno.
	 * O_APPEND is the VFS's business: it writes at the size fstat
	 * reports, one append at a time per mount (the open flags still
	 * carry O_APPEND, so a host filesystem may enforce it too). The
	 * VFS has checked the access mode already. */
	ssize_t (*read)(struct vfs_file *f, void *buf, size_t n, uint64_t off);
	ssize_t (*write)(struct vfs_file *f, const void *buf, size_t n,
			 uint64_t off);
	/* The file's bytes from (off) where they lie in memory, (*len) of
	 * them (NULL and 0 at the end): reading without a copy, for
	 * sendfile(). Optional: only for files whose bytes never move,
	 * change nor go away, even once closed (the initrd's), as a TCP
	 * socket goes on pointing at them until they are acknowledged. */
	const void *(*peek)(struct vfs_file *f, uint64_t off, size_t *len);
	int (*fstat)(struct vfs_file *f, struct stat *st);
	int (*fsync)(struct vfs_file *f);
	int (*ftruncate)(struct vfs_file *f, uint64_t size);
	/* Next entry of an open directory: 1 with (ent) filled, 0 at the
	 * end, or -errno. The position is f->offset, which starts at 0 and
	 * which readdir advances as it likes (an index, a cookie); the VFS
	 * sets it back to 0 to rewind and serialises the calls. "." and
	 * ".." may be left out (the VFS does not add them). */
	int (*readdir)(struct vfs_file *f, struct vfs_dirent *ent);
	/* fcntl(F_SETFL) is about to set f->flags to (flags) (O_APPEND and
	 * O_NONBLOCK may change): for a file that keeps its own copy
	 * (sockets). Optional; an error leaves the flags as they were. */
	int (*set_flags)(struct vfs_file *f, int flags);
	/* Vector I/O for files that must see the whole vector at once
	 * (sockets: a datagram leaves whole; TCP keeps segments full).
	 * Optional: without them the VFS reads or writes each buffer in
	 * turn and stops at the first short one. Bytes done or -errno. */
	ssize_t (*readv)(struct vfs_file *f, const struct iovec *iov, int n);
	ssize_t (*writev)(struct vfs_file *f, const struct iovec *iov, int n);
	/* Readiness for poll() and epoll: the VFS_POLL_* bits (Linux's
	 * POLL* values) of what (f) can do now, without blocking and with
	 * spinlocks possibly held. Optional: without it a file is always
	 * ready (a regular file). With it, the file calls
	 * vfs_file_notify() with what happened whenever readiness may have
	 * grown. */
	unsigned (*poll)(struct vfs_file *f);
	/* Changes attributes of the open file (fchmod...). Optional:
	 * without it the VFS asks the mount's setattr with the file's path
	 * if it has one, else says -EPERM. */
	int (*setattr)(struct vfs_file *f, const struct vfs_attr *a);
	/* ioctl() requests the VFS does not answer itself; -ENOTTY for
	 * ones the file does not know. Optional. */
	int (*ioctl)(struct vfs_file *f, unsigned long req, void *arg);
	/* Last reference dropped: release what the file holds. */
	int (*close)(struct vfs_file *f);
	/* A socket's calls (include/kernel/socket.h); NULL otherwise. */
	const struct socket_ops *socket;
};

/* What a filesystem's open returns for a FIFO node. */
#define VFS_OPEN_FIFO	1

struct vfs_fs_ops {
	/* The filesystem's type, as /proc/mounts names it. */
	const char *name;
	/* Opens (path) with the open() (flags) (O_CREAT etc. included) and
	 * (mode) for a file it creates; fills in f->ops and f->priv. A
	 * directory (opened with O_DIRECTORY or not) gets a file with
	 * readdir, a non-directory one without: that is how the VFS tells
	 * them apart (read() on a directory is -EISDIR, O_DIRECTORY on a
	 * file -ENOTDIR). On a read-only mount the VFS never passes write
	 * access, O_TRUNC or O_CREAT for a missing file, but for a FIFO.
	 * A FIFO node: VFS_OPEN_FIFO, (f) left alone, and the VFS opens
	 * the pipe (fs/fifo.c). */
	int (*open)(struct vfs_mount *m, const char *path, int flags,
		    mode_t mode, struct vfs_file *f);
	int (*stat)(struct vfs_mount *m, const char *path, struct stat *st);
	int (*mkdir)(struct vfs_mount *m, const char *path, mode_t mode);
	/* A node of (mode)'s type that holds no data (S_IFSOCK: the name
	 * of an AF_UNIX socket; S_IFIFO). Optional. */
	int (*mknod)(struct vfs_mount *m, const char *path, mode_t mode);
	int (*rmdir)(struct vfs_mount *m, const char *path);
	int (*unlink)(struct vfs_mount *m, const char *path);
	/* Both paths on this mount (the VFS gives -EXDEV otherwise). */
	int (*rename)(struct vfs_mount *m, const char *from, const char *to);
	int (*setattr)(struct vfs_mount *m, const char *path,
		       const struct vfs_attr *a);
	/* Sizes and counts of the filesystem: f_type, f_blocks, f_bfree,
	 * f_bavail, f_files, f_ffree and, if not 4096, f_bsize and
	 * f_frsize. Without it, a filesystem of unknown size (zeros). */
	int (*statfs)(struct vfs_mount *m, struct statfs *st);
	/* Symbolic and hard links: NULL where the filesystem has none
	 * (see struct vfs_link_ops). */
	const struct vfs_link_ops *links;
	/* Writes back what the filesystem caches (sync()). Optional. */
	int (*sync)(struct vfs_mount *m);
	/* The mount is gone from the table (vfs_umount()) and unused:
	 * write back and release (priv). Optional. */
	int (*unmount)(struct vfs_mount *m);
	/* Absent ops mean the filesystem cannot do that: -EROFS for the
	 * ones that change it, -ENOSYS otherwise. */
};

/*
 * The ops of struct vfs_fs_ops never follow a link in the last place
 * (stat is lstat; open of a link is -ELOOP) and see no link before it:
 * (follow) is vfs_follow_links, which resolves them with stat and
 * (readlink) before the VFS calls. (A pointer, so that an image whose
 * filesystems have no links carries none of that code.) readlink puts the
 * target of link (path), without a NUL, into (buf), which has room for
 * (size) bytes, VFS_PATH_MAX - 1 (any target): the count, or -EINVAL for
 * a path that is not a link. symlink
 * makes link (path) to (target); link gives the non-directory (from) the
 * new name (to), on this mount. (find) finds the first link in (path),
 * which is not "" (the last component only if (last)): the length of the
 * path up to its end, or 0 if there is none (or a component is missing,
 * or not a directory: the call that follows will say so).
 */
struct vfs_link_ops {
	int (*follow)(struct vfs_lookup *lk, bool last);
	size_t (*find)(struct vfs_mount *m, const char *path, bool last);
	int (*readlink)(struct vfs_mount *m, const char *path, char *buf,
			size_t size);
	int (*symlink)(struct vfs_mount *m, const char *target,
		       const char *path);
	int (*link)(struct vfs_mount *m, const char *from, const char *to);
};

struct vfs_mount {
	char path[64];			/* where: "/" or "/data" */
	const struct vfs_fs_ops *ops;
	void *priv;			/* the filesystem's */
	bool read_only;			/* writes fail with -EROFS */
	/* The kernel's own (the automatic /tmp, fs/tmp_auto.c): a mount of
	 * the program's at the same path takes its place. */
	bool yields;
	dev_t dev;			/* st_dev of its files, set by the VFS */
	/* Private to the VFS. (users) counts path calls in progress and
	 * open files, which keep the mount from going away (atomic);
	 * (append_lock) makes each O_APPEND write (size, then write there)
	 * atomic against the others on this mount. */
	unsigned users;
	struct mutex append_lock;
};

struct vfs_file {
	const struct vfs_file_ops *ops;
	void *priv;			/* the filesystem's */
	struct vfs_mount *mnt;		/* NULL for sockets and the console */
	int flags;			/* open() flags */
	uint64_t offset;		/* for read/write without an offset */
	char *path;			/* the absolute path it was opened by
					 * (links followed), or NULL */
	/* Who waits for readiness (poll() calls, epoll sets), under
	 * (poll_lock). */
	struct spinlock poll_lock;
	struct vfs_poller *pollers;
	unsigned poll_events;		/* what they wait for, all together */
	/* The CPU that last caught up with what exclusive pollers wait
	 * for (connections, for accept()), and when: vfs_poll_caught_up(). */
	unsigned caught_up_cpu;
	uint64_t caught_up_ns;
	/* Private to the VFS. (refs) counts descriptors (dup) and calls in
	 * progress (atomic); the last one out calls ops->close and frees
	 * the file. (pos_lock) makes read/write/lseek/readdir on a file
	 * with a mount atomic with respect to (offset). */
	unsigned refs;
	struct mutex pos_lock;
	bool flock_held;		/* fs/flock.c has a lock of it */
	uint64_t map_ino;		/* fs/vfs_map.c's note of st_ino */
};

/*
 * Waiting for readiness (fs/vfs_poll.c). A poller is put on a file's list
 * by whoever waits (a poll() call, an epoll set); the file calls
 * vfs_file_notify() when its readiness may have grown, from any thread,
 * CPU or interrupt, and each poller whose (events) meet it has (wake)
 * called, with the file's poll lock held: it must be quick and must not
 * block (mark something ready, wake a thread). A poller that holds no
 * reference to the file (epoll) learns of its end through (gone), called
 * without locks when the last reference is dropped, after which the
 * file is freed.
 */
#define VFS_POLL_IN	0x001	/* Linux's POLLIN, POLLOUT, ... */
#define VFS_POLL_PRI	0x002
#define VFS_POLL_OUT	0x004
#define VFS_POLL_ERR	0x008
#define VFS_POLL_HUP	0x010
#define VFS_POLL_NVAL	0x020
#define VFS_POLL_RDNORM	0x040
#define VFS_POLL_WRNORM	0x100
#define VFS_POLL_RDHUP	0x2000
#define VFS_POLL_ALWAYS (VFS_POLL_ERR | VFS_POLL_HUP)	/* reported unasked */
/* Not readiness but a way of waiting for VFS_POLL_IN (in the events given
 * to vfs_poll_wait()): of the pollers that wait so, a notification of IN
 * alone wakes one (Linux's exclusive waits, with SO_INCOMING_CPU's
 * choice): one on the notifying CPU, not woken since it last looked if
 * there is one (a woken one takes this too when it runs); else one
 * elsewhere not woken; else any. accept() waits so: a connection is taken
 * on the CPU whose receive queue brought it, where its frames are
 * handled, without waking every worker, and only a CPU that falls
 * behind or stops taking them hands connections to others
 * (fs/vfs_poll.c). A poller woken so that does not go on to take what
 * came must pass the notification on.
 * When the one woken had been woken already, or none of the notifying
 * CPU's is waiting but that CPU caught up lately (vfs_poll_caught_up():
 * it is accepting in a loop), a waiter elsewhere not woken is woken with
 * VFS_POLL_LATE in (ready) (and one woken already not again):
 * vfs_poll_wait() looks a while later, and takes what is left unless
 * that CPU caught up meanwhile (it keeps up: then it looks again later).
 * An exclusive wake has VFS_POLL_EXCLUSIVE in (ready) too; without
 * VFS_POLL_LATE, it puts the poller's thread before the others ready on
 * its CPU (behind them it would be late). */
#define VFS_POLL_EXCLUSIVE 0x10000000
#define VFS_POLL_LATE	0x20000000

struct vfs_poller {
	struct vfs_poller *next, *prev;
	bool linked;			/* on the file's list */
	unsigned events;		/* VFS_POLL_* bits it cares about */
	unsigned cpu;			/* EXCLUSIVE: its thread's CPU, */
	bool woken;			/* woken, not yet looking again */
	void (*wake)(struct vfs_poller *p, unsigned ready);
	void (*gone)(struct vfs_poller *p);	/* may be NULL */
};

/* What (f) is ready for now (ops->poll, or everything). */
unsigned vfs_poll(struct vfs_file *f);

void vfs_poll_watch(struct vfs_file *f, struct vfs_poller *p);
/* A thread of this CPU found nothing left of what (f)'s exclusive
 * pollers wait for (accept() found no connection waiting). */
void vfs_poll_caught_up(struct vfs_file *f);
/* False if (p) was off the list already: the file is going, and (gone)
 * is being called, or about to be. */
bool vfs_poll_unwatch(struct vfs_file *f, struct vfs_poller *p);

/* For files with ops->poll: (events) just happened (data came: IN, room
 * was made: OUT, an end went: HUP or ERR...). Pollers whose events meet
 * them look at the file's readiness again; an edge-triggered epoll item
 * reports once per notification, so a file notifies what changed, not
 * what it is ready for, as Linux's wake-ups do. */
void vfs_file_notify(struct vfs_file *f, unsigned events);

/*
 * poll() over (n) open files (NULL entries are skipped): waits until one
 * of them is ready for what (events[i]) asks (plus VFS_POLL_ALWAYS), for
 * at most (timeout_ns) (< 0: no limit; 0: only a look), or until the
 * thread is interrupted. Fills (revents) and returns how many entries
 * have events, 0 at the timeout, or -EINTR. A timeout rather than a
 * deadline: a call that finds a file ready (most) reads no clock.
 */
int vfs_poll_wait(struct vfs_file *const *files, const unsigned *events,
		  unsigned *revents, size_t n, int64_t timeout_ns);

/*
 * Mounts a filesystem at (path) ("/" or an absolute path of one or more
 * components; the directory need not exist on the filesystem below).
 * Returns 0, -EBUSY if something is mounted there, -ENOMEM.
 */
int vfs_mount(const char *path, const struct vfs_fs_ops *ops, void *priv,
	      bool read_only);

/* Removes the mount at (path); -ENOENT if none, -EBUSY while files are
 * open on it. */
int vfs_umount(const char *path);

/*
 * Calls on paths, for libc's POSIX functions. A relative (path) starts at
 * the current directory. Each returns 0 or -errno: -ENOENT (no such file,
 * nothing mounted there, or ""), -ENOTDIR (a component is not a directory,
 * or a trailing '/' names a non-directory), -ENAMETOOLONG (longer than
 * VFS_PATH_MAX or a component than VFS_NAME_MAX), -EROFS, -EXDEV (rename
 * across mounts), -EBUSY (a mount point itself), and the filesystem's own.
 * ".." is resolved by name, before the filesystem sees the path, but
 * what it follows must be a directory ("file/.." is -ENOTDIR).
 */
/* stat(), or lstat() (a symbolic link itself, not what it names) when
 * not (follow). */
int vfs_stat_follow(const char *path, struct stat *st, bool follow);
static inline int vfs_stat(const char *path, struct stat *st)
{
	return vfs_stat_follow(path, st, true);
}
static inline int vfs_lstat(const char *path, struct stat *st)
{
	return vfs_stat_follow(path, st, false);
}
int vfs_mkdir(const char *path, mode_t mode);
/* (mode) with its type: S_IFSOCK or S_IFIFO. */
int vfs_mknod(const char *path, mode_t mode);
/* fs/fifo.c: a FIFO named (path), as mknod() of one, which links what
 * opens FIFOs into the image. */
int vfs_mkfifo(const char *path, mode_t mode);
int vfs_rmdir(const char *path);
int vfs_unlink(const char *path);
int vfs_rename(const char *from, const char *to);
/* chmod(), chown(), utimensat(): on what (path) names, or when not
 * (follow) on a symbolic link itself (lchown(), AT_SYMLINK_NOFOLLOW). */
int vfs_setattr_follow(const char *path, const struct vfs_attr *a,
		       bool follow);
static inline int vfs_setattr(const char *path, const struct vfs_attr *a)
{
	return vfs_setattr_follow(path, a, true);
}
/* statfs(), with the flags (ST_RDONLY) and limits the VFS knows. */
int vfs_statfs(const char *path, struct statfs *st);
/*
 * Links (fs/vfs_link.c): readlink() (the count, no NUL; -EINVAL for a
 * non-link), symlink() (-EPERM where the filesystem has none), link()
 * (-EXDEV across mounts, -EPERM for a directory or a filesystem without
 * hard links). sync() writes back every mount.
 */
int vfs_readlink(const char *path, char *buf, size_t size);
int vfs_symlink(const char *target, const char *path);
int vfs_link(const char *from, const char *to);
void vfs_sync(void);
/* For filesystems' ops->follow: resolves the symbolic links of (lk)'s
 * path, the last component's too if (last), moving (lk) to the mount
 * the result is on. -ELOOP after VFS_LINK_MAX links. */
#define VFS_LINK_MAX	40
int vfs_follow_links(struct vfs_lookup *lk, bool last);

/* (amode): F_OK or R_OK|W_OK|X_OK (unistd.h). */
int vfs_access(const char *path, int amode);
int vfs_chdir(const char *path);
/* Copies the current directory into (buf); -ERANGE if it needs more than
 * (size) bytes with the NUL. */
int vfs_getcwd(char *buf, size_t size);

/* Opens (path) as open() does; on success (*out) holds one reference. */
int vfs_open(const char *path, int flags, mode_t mode, struct vfs_file **out);

/*
 * Calls on open files (the descriptor table, fd.c, holds references to
 * them). Reads and writes without an offset use and advance f->offset;
 * lseek/pread/pwrite on a stream give -ESPIPE.
 */
ssize_t vfs_read(struct vfs_file *f, void *buf, size_t n);
ssize_t vfs_write(struct vfs_file *f, const void *buf, size_t n);
ssize_t vfs_pread(struct vfs_file *f, void *buf, size_t n, int64_t off);
ssize_t vfs_pwrite(struct vfs_file *f, const void *buf, size_t n,
		   int64_t off);
/* Vector forms: the count covers a prefix of the buffers. (off) < 0 means
 * the file's offset. -EINVAL for a bad vector (negative or more than
 * IOV_MAX entries, lengths summing past SSIZE_MAX). */
ssize_t vfs_readv(struct vfs_file *f, const struct iovec *iov, int n,
		  int64_t off);
ssize_t vfs_writev(struct vfs_file *f, const struct iovec *iov, int n,
		   int64_t off);
/* Returns the new offset or -errno; SEEK_SET on a directory to 0
 * rewinds it. */
int64_t vfs_lseek(struct vfs_file *f, int64_t off, int whence);
int vfs_fstat(struct vfs_file *f, struct stat *st);
/* The fstat op of files with no inode of their own (epoll, eventfd,
 * timerfd, signalfd): Linux's anonymous inode, mode 0600 without a
 * type. */
int vfs_anon_fstat(struct vfs_file *f, struct stat *st);
int vfs_fsync(struct vfs_file *f);
int vfs_ftruncate(struct vfs_file *f, int64_t size);
/* fallocate() of (len) bytes at (off): mode 0 makes the file at least
 * off + len long with its space taken; FALLOC_FL_KEEP_SIZE checks and
 * changes nothing; other modes are -EOPNOTSUPP. */
int vfs_fallocate(struct vfs_file *f, int mode, int64_t off, int64_t len);
int vfs_fsetattr(struct vfs_file *f, const struct vfs_attr *a);
/* fstatfs(): a file's filesystem; pipes, sockets and the console are
 * each on a pseudo-filesystem of their own, as on Linux. */
int vfs_fstatfs(struct vfs_file *f, struct statfs *st);
/* 1 with (ent) filled, 0 at the end, -ENOTDIR for a non-directory. */
int vfs_readdir(struct vfs_file *f, struct vfs_dirent *ent);
/* flock(): (op) is LOCK_SH, LOCK_EX or LOCK_UN, with LOCK_NB. -EINVAL,
 * -EWOULDBLOCK, -EINTR; the lock goes with the file's last reference. */
int vfs_flock(struct vfs_file *f, int op);

/* A file object for a filesystem-less file (sockets): one reference,
 * (ops) and (priv) set, no mount. NULL without memory. */
struct vfs_file *vfs_file_new(const struct vfs_file_ops *ops, void *priv,
			      int flags);
void vfs_file_get(struct vfs_file *f);
/* Drops a reference; the last one closes and frees (f). */
void vfs_file_put(struct vfs_file *f);

/*
 * The filesystems. vfs_mount.c mounts the root at start-up (INIT_FS) as
 * the "toro.root=" kernel option says: "initrd", or "virtiofs:TAG" (the
 * virtio-fs device with that tag), or "ext2:DEV" (fs/ext2_mount.c mounts
 * that one, when the image has ext2); without it, the first virtio-fs device,
 * else the initrd if the VM was given one, else nothing (file calls then
 * fail with ENOENT). A root that was named but cannot be mounted stops
 * the boot (vfs_root_failed()). Naming them here is what links them
 * into an application that uses files.
 */
int initrd_mount(const char *path);	/* -ENODEV: no initrd */
/* The root "toro.root=" names (root) cannot be mounted (error (rc)):
 * panics, as Linux does, rather than run main() without the files it
 * was given. */
__attribute__((noreturn)) void vfs_root_failed(const char *root, int rc);
int virtiofs_mount(const char *tag, const char *path);	/* tag NULL: first */
/* An empty in-memory filesystem, writable, gone at power-off. */
int tmpfs_mount(const char *path);
/* fs/procfs.c: Linux's /proc (the process, pid 1, and the system), read
 * only, at (path); the automatic one is at /proc. */
int procfs_mount(const char *path);
/*
 * fs/tmp_auto.c: a writable /tmp, mounted after the file systems unless
 * /tmp is a writable directory already: a tmpfs at /tmp, or with nothing
 * at / a tmpfs there with /tmp in it; nothing with toro.root=none. Both
 * give way to a mount of the program's at the same path. Linked into the
 * programs whose calls may make files by name, whose files name this:
 * write() and pwrite() (sys/fd_write.c), fopen() and freopen()
 * (libc/fmodeflags.c), the temporary-file calls (libc/randname.c).
 */
extern const char vfs_tmp_wanted;
/* fs/shm_auto.c: a tmpfs at /dev/shm, mounted likewise unless /dev/shm is
 * a writable directory, for shm_open(), sem_open() and memfd_create(),
 * whose files (libc/shm_open.c, libc/memfd_create.c) name this. */
extern const char vfs_shm_wanted;

/*
 * File mappings (fs/vfs_map.c), for mmap() of a file; shared ones with
 * MAP_SHARED. RAM is identity-mapped, so a mapping is memory of its own
 * holding a copy of the file's bytes, which this keeps coherent with the
 * file: a read() of the file sees the mapping's bytes, a write() lands in
 * the mapping too, and what the program wrote in it goes to the file at
 * msync(), munmap(), fsync(), sync() and exit. A second shared mapping of
 * bytes a first one holds is the first's memory (a view of it); mappings
 * that only partly overlap are copies, each seeing the other's stores
 * when they are written back (msync()), the last written back winning
 * where both stored. Linked through vfs_map_wanted,
 * which the C library's mmap() names (libc/mmap.c); the rest of the
 * kernel calls these weakly, as present only then. (Spelt __weak__:
 * musl's own files, which include this, define `weak`.)
 */
extern const char vfs_map_wanted;

/* The file part of mmap(): fills the new mapping [p, p + len), fresh
 * read-write pages, with the bytes from (off) of the file open as (fd),
 * zeros past its end, and for MAP_SHARED in (flags) registers it as
 * holding them, written back if (prot) has PROT_WRITE. 0; or the address
 * of a mapping that already holds those bytes, which the caller returns
 * instead of (p) (never with MAP_FIXED); or -EBADF, -EACCES (fd not open
 * for that), -ENODEV (a stream or a directory), -ENOMEM, the file's
 * error. */
__attribute__((__weak__))
long vfs_map_file(void *p, size_t len, int prot, int flags, int fd,
		  int64_t off);
/* Writes back what of [addr, addr + len) is a shared mapping (msync):
 * 0 or the file's error. */
__attribute__((__weak__))
int vfs_map_sync(void *addr, size_t len);
/* The same, then forgets those pages (whole pages: (len) rounded up):
 * for munmap(), 0 for the caller to unmap them, or 1 if another view of
 * a mapping there still has its pages: they stay, and the rest of the
 * range is unmapped here; for (reuse), new contents put over them
 * (MAP_FIXED), -ENOMEM and nothing done if another view has them.
 * -ENOMEM also when taking pages out of a mapping's middle finds no
 * memory, or an error of unmapping the rest. A write-back that fails is
 * lost, as it is at munmap() on Linux. */
__attribute__((__weak__))
int vfs_map_forget(void *addr, size_t len, bool reuse);
/* mremap() of the whole shared mapping at (old) to (new), (new_len) bytes
 * long (no shorter), whose first (old_len) bytes the caller copied: the
 * rest is read from the file. -EINVAL if (old) is not a whole mapping or
 * has other views. */
__attribute__((__weak__))
int vfs_map_move(void *old, size_t old_len, void *new, size_t new_len);
/* Whether the page at (addr) belongs to a shared mapping. */
__attribute__((__weak__))
bool vfs_map_holds(const void *addr);
/* A protection change of [addr, addr + len): -EACCES if write access is
 * asked of a mapping whose file was not opened for writing. */
__attribute__((__weak__))
int vfs_map_protect(void *addr, size_t len, bool writable);

#endif /* KERNEL_VFS_H */
