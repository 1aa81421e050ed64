// SPDX-License-Identifier: MIT
/*
 * /proc, as a file system of its own (read-only but for a thread's
 * comm), mounted there at start-up in the programs that may read files
 * by name or name threads (fs/tmp_auto.c and libc/thread_name.c link
 * it), as the kernel's (a mount of the program's at /proc takes its
 * place):
 *
 *   /proc/            1/  self -> 1  cpuinfo loadavg meminfo mounts stat
 *                     uptime version
 *   /proc/1/          cmdline comm environ mounts stat statm status
 *                     exe -> /NAME  cwd -> the current directory
 *                     root -> /  fd/  task/
 *   /proc/1/fd/       N -> what descriptor N is open on, for each one
 *   /proc/1/task/     TID/ for each thread: comm (a write renames the
 *                     thread) and stat (fs/proc_task.c)
 *
 * The files' texts are fs/proc_files.c's, made whole when a file is
 * opened (so a reader sees one moment); they report size 0, as Linux's.
 * A descriptor's link names the path its file was opened by, or Linux's
 * "pipe:[ino]", "socket:[ino]", "anon_inode:[file]" for the others;
 * opening /proc/self/fd/N (or /proc/1/fd/N) gives that descriptor's file
 * itself, as /dev/fd/N does (fs/dev_fd.c). The program is no file: exe
 * names it at the root, where nothing is.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <kernel/fd.h>
#include <kernel/heap.h>
#include <kernel/init.h>
#include <kernel/log.h>
#include <kernel/vfs.h>
#include <toro/time.h>

#include "procfs.h"
#include "vfs_impl.h"

#define PROC_SUPER_MAGIC 0x9fa0
/* Inode numbers: /proc's own below 4096, descriptors' links from 4096,
 * threads' directories and files from here, four a thread. */
#define TASK_INO	(1ULL << 32)

/* What a path in /proc names. */
enum proc_kind {
	P_ROOT, P_PID, P_FDS, P_TASKS, P_TASK,	/* directories */
	P_FILE, P_TASKFILE,			/* texts */
	P_SELF, P_EXE, P_CWD, P_TOP, P_FD,	/* links */
};

struct proc_node {
	enum proc_kind kind;
	const struct proc_file *file;	/* P_FILE */
	int id;				/* P_FD's descriptor; P_TASK's and
					 * P_TASKFILE's thread */
	int which;			/* P_TASKFILE: of proc_task_files */
};

/* The process directory's links, in P_EXE's order, then "fd". */
static const char *const pid_links[] = { "exe", "cwd", "root" };

static bool is_link(enum proc_kind k)
{
	return k >= P_SELF;
}

static const struct proc_file *file_named(const char *name, size_t len,
					  bool own)
{
	for (unsigned i = 0; i < proc_file_count; i++)
		if (proc_files[i].own == own &&
		    strlen(proc_files[i].name) == len &&
		    memcmp(proc_files[i].name, name, len) == 0)
			return &proc_files[i];
	return NULL;
}

static bool named(const char *name, size_t len, const char *what)
{
	return strlen(what) == len && memcmp(name, what, len) == 0;
}

/* A descriptor's number from (len) digits: -1 if not one. */
static int fd_number(const char *s, size_t len)
{
	int fd = 0;

	if (len == 0 || len > 7 || (len > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		fd = fd * 10 + (s[i] - '0');
	}
	return fd;
}

/*
 * What the first (len) bytes of (path) name, one component after the
 * other from (n)'s kind: 0, -ENOENT, or -ENOTDIR (a component past a
 * file). "self" on the way stands for "1" (the VFS follows that link
 * before a path reaches here; a lookup by the links' finder does not).
 */
static int resolve(const char *path, size_t len, struct proc_node *n)
{
	size_t i = 0;

	*n = (struct proc_node){ .kind = P_ROOT };
	while (i < len) {
		size_t k = i;

		while (k < len && path[k] != '/')
			k++;
		const char *c = path + i;
		size_t cl = k - i;
		bool last = k >= len;

		switch (n->kind) {
		case P_ROOT:
			if (named(c, cl, "1") || (!last && named(c, cl, "self")))
				n->kind = P_PID;
			else if (named(c, cl, "self"))
				n->kind = P_SELF;
			else if ((n->file = file_named(c, cl, false)))
				n->kind = P_FILE;
			else
				return -ENOENT;
			break;
		case P_PID:
			n->kind = P_FILE;
			if (named(c, cl, "fd"))
				n->kind = P_FDS;
			if (named(c, cl, "task"))
				n->kind = P_TASKS;
			for (unsigned l = 0; l < 3; l++)
				if (named(c, cl, pid_links[l]))
					n->kind = P_EXE + l;
			if (n->kind == P_FILE &&
			    !(n->file = file_named(c, cl, true)))
				return -ENOENT;
			break;
		case P_FDS: {
			n->id = fd_number(c, cl);
			struct vfs_file *f = n->id >= 0 ? fd_get(n->id) : NULL;

			if (!f)
				return -ENOENT;
			vfs_file_put(f);
			n->kind = P_FD;
			break;
		}
		case P_TASKS:
			n->id = fd_number(c, cl);
			if (n->id < 0 || !proc_task_exists(n->id))
				return -ENOENT;
			n->kind = P_TASK;
			break;
		case P_TASK:
			for (n->which = 0; n->which < PROC_TASK_FILES &&
			     !named(c, cl, proc_task_files[n->which]);
			     n->which++)
				;
			if (n->which == PROC_TASK_FILES)
				return -ENOENT;
			n->kind = P_TASKFILE;
			break;
		default:	/* a file, or a link the VFS should follow */
			return n->kind == P_FILE || n->kind == P_TASKFILE ?
				       -ENOTDIR : -ENOENT;
		}
		i = last ? k : k + 1;
	}
	return 0;
}

static int resolve_all(const char *path, struct proc_node *n)
{
	return resolve(path, strlen(path), n);
}

/* --- links -------------------------------------------------------------- */

/* A name for (f), a file that was not opened by a path. */
static int describe(struct vfs_file *f, char *buf, size_t size)
{
	struct stat st;

	if (vfs_fstat(f, &st))
		memset(&st, 0, sizeof(st));
	switch (st.st_mode & S_IFMT) {
	case S_IFIFO:
		return ksnprintf(buf, size, "pipe:[%llu]",
				 (unsigned long long)st.st_ino);
	case S_IFSOCK:
		return ksnprintf(buf, size, "socket:[%llu]",
				 (unsigned long long)st.st_ino);
	case S_IFCHR:	/* the console and the built-in devices */
		return ksnprintf(buf, size, "/dev/char/%u:%u",
				 (unsigned)(st.st_rdev >> 8) & 0xfff,
				 (unsigned)(st.st_rdev & 0xff));
	default:
		return ksnprintf(buf, size, "anon_inode:[file]");
	}
}

static int fd_target(int fd, char *buf, size_t size)
{
	struct vfs_file *f = fd_get(fd);
	int n;

	if (!f)
		return -ENOENT;
	if (f->path)
		n = ksnprintf(buf, size, "%s", f->path);
	else
		n = describe(f, buf, size);
	vfs_file_put(f);
	return n;
}

static int proc_readlink(struct vfs_mount *m, const char *path, char *buf,
			 size_t size)
{
	struct proc_node n;
	int rc = resolve_all(path, &n);
	char *t = heap_alloc(VFS_PATH_MAX);

	(void)m;
	if (!t)
		return -ENOMEM;
	if (rc == 0 && !is_link(n.kind))
		rc = -EINVAL;
	if (rc == 0) {
		switch (n.kind) {
		case P_SELF:
			rc = ksnprintf(t, VFS_PATH_MAX, "1");
			break;
		case P_EXE:
			rc = ksnprintf(t, VFS_PATH_MAX, "/%s",
				       proc_program_name());
			break;
		case P_CWD:
			rc = vfs_getcwd(t, VFS_PATH_MAX);
			rc = rc ? rc : (int)strlen(t);
			break;
		case P_TOP:
			rc = ksnprintf(t, VFS_PATH_MAX, "/");
			break;
		default:
			rc = fd_target(n.id, t, VFS_PATH_MAX);
			break;
		}
	}
	if (rc > 0) {	/* no NUL; cut to (size), as readlink() does */
		rc = (size_t)rc < size ? rc : (int)size;
		memcpy(buf, t, (size_t)rc);
	}
	heap_free(t);
	return rc;
}

/* The end of the first link in (path), whose last component counts only
 * if (last); 0 if there is none. */
static size_t proc_find_link(struct vfs_mount *m, const char *path,
			     bool last)
{
	size_t end = 0;

	(void)m;
	for (;;) {
		while (path[end] && path[end] != '/')
			end++;
		struct proc_node n;
		bool final = !path[end];

		if (final && !last)
			return 0;
		if (resolve(path, end, &n))
			return 0;	/* the call that follows says so */
		if (is_link(n.kind))
			return end;
		if (final)
			return 0;
		end++;
	}
}

static const struct vfs_link_ops proc_links = {
	.follow = vfs_follow_links,
	.find = proc_find_link,
	.readlink = proc_readlink,
};

/* --- stat ------------------------------------------------------------- */

static void fill_stat(const struct proc_node *n, struct stat *st)
{
	uint64_t boot = wallclock_ns() - clock_ns();

	memset(st, 0, sizeof(*st));
	st->st_nlink = 1;
	st->st_blksize = 1024;
	st->st_atim.tv_sec = st->st_mtim.tv_sec = st->st_ctim.tv_sec =
		(time_t)(boot / 1000000000ULL);
	switch (n->kind) {
	case P_ROOT:
	case P_PID:
	case P_FDS:
	case P_TASKS:
	case P_TASK:
		st->st_mode = S_IFDIR | 0555;
		st->st_nlink = 2;
		st->st_ino = n->kind == P_TASK ? TASK_INO + 4 * (ino_t)n->id
					       : 1 + n->kind;
		break;
	case P_FILE:
		st->st_mode = S_IFREG | 0444;
		st->st_ino = 16 + (ino_t)(n->file - proc_files);
		break;
	case P_TASKFILE:	/* comm can be written: a new name */
		st->st_mode = S_IFREG | (n->which == 0 ? 0644 : 0444);
		st->st_ino = TASK_INO + 4 * (ino_t)n->id + 1 + n->which;
		break;
	case P_FD: {
		struct vfs_file *f = fd_get(n->id);
		int acc = f ? f->flags & VFS_ACCMODE : O_RDWR;

		if (f)
			vfs_file_put(f);
		/* Linux's: the access the descriptor was opened with. */
		st->st_mode = S_IFLNK | (acc == O_RDONLY ? 0500 :
					 acc == O_WRONLY ? 0300 : 0700);
		st->st_ino = 4096 + (ino_t)n->id;
		break;
	}
	default:
		st->st_mode = S_IFLNK | 0777;
		st->st_ino = 8 + n->kind;
		break;
	}
}

static int proc_stat(struct vfs_mount *m, const char *path, struct stat *st)
{
	struct proc_node n;
	int rc = resolve_all(path, &n);

	(void)m;
	if (rc == 0)
		fill_stat(&n, st);
	return rc;
}

static int proc_statfs(struct vfs_mount *m, struct statfs *st)
{
	(void)m;
	st->f_type = PROC_SUPER_MAGIC;
	return 0;
}

/* --- open files --------------------------------------------------------- */

/* A text, made whole at open. */
struct text_file {
	struct proc_node node;
	size_t len;
	char text[];
};

static ssize_t text_read(struct vfs_file *f, void *buf, size_t n,
			 uint64_t off)
{
	const struct text_file *t = f->priv;

	if (off >= t->len)
		return 0;
	if (n > t->len - off)
		n = (size_t)(t->len - off);
	memcpy(buf, t->text + off, n);
	return (ssize_t)n;
}

static int text_fstat(struct vfs_file *f, struct stat *st)
{
	const struct text_file *t = f->priv;

	fill_stat(&t->node, st);
	return 0;
}

/* A thread's comm, opened for writing: the thread's new name. */
static ssize_t comm_write(struct vfs_file *f, const void *buf, size_t n,
			  uint64_t off)
{
	const struct text_file *t = f->priv;

	(void)off;
	return proc_task_set_name(t->node.id, buf, n) ? -ESRCH : (ssize_t)n;
}

static int priv_close(struct vfs_file *f)
{
	heap_free(f->priv);
	return 0;
}

static const struct vfs_file_ops text_ops = {
	.read = text_read,
	.write = comm_write,	/* opened for writing only if comm */
	.fstat = text_fstat,
	.close = priv_close,
};

/* A directory: its kind and thread in (priv); the position is the
 * index of the next entry, or the next descriptor or thread id to look
 * at in fd/ and task/. */
static void *dir_priv(const struct proc_node *n)
{
	return (void *)((uintptr_t)n->kind | (uintptr_t)n->id << 8);
}

static struct proc_node dir_node(const struct vfs_file *f)
{
	uintptr_t v = (uintptr_t)f->priv;

	return (struct proc_node){ .kind = (enum proc_kind)(v & 0xff),
				   .id = (int)(v >> 8) };
}

static int dir_readdir(struct vfs_file *f, struct vfs_dirent *ent)
{
	struct proc_node n = dir_node(f);
	enum proc_kind kind = n.kind;
	unsigned i = (unsigned)f->offset, k = 0;

	if (kind == P_TASKS) {
		int tid = proc_task_next((int)f->offset);

		if (tid < 0)
			return 0;
		ent->ino = TASK_INO + 4 * (uint64_t)tid;
		ent->type = DT_DIR;
		ksnprintf(ent->name, sizeof(ent->name), "%d", tid);
		f->offset = (uint64_t)tid + 1;
		return 1;
	}
	if (kind == P_TASK) {
		if (i >= PROC_TASK_FILES)
			return 0;
		f->offset++;
		ent->ino = TASK_INO + 4 * (uint64_t)n.id + 1 + i;
		ent->type = DT_REG;
		strcpy(ent->name, proc_task_files[i]);
		return 1;
	}
	if (kind == P_FDS) {
		int fd = fd_next_open((int)f->offset);

		if (fd < 0)
			return 0;
		ent->ino = 4096 + (uint64_t)fd;
		ent->type = DT_LNK;
		ksnprintf(ent->name, sizeof(ent->name), "%d", fd);
		f->offset = (uint64_t)fd + 1;
		return 1;
	}
	f->offset++;
	if (kind == P_ROOT && i < 2) {
		ent->ino = i ? 8 + P_SELF : 1 + P_PID;
		ent->type = i ? DT_LNK : DT_DIR;
		strcpy(ent->name, i ? "self" : "1");
		return 1;
	}
	i -= kind == P_ROOT ? 2 : 0;
	for (unsigned j = 0; j < proc_file_count; j++)
		if (proc_files[j].own == (kind == P_PID) && k++ == i) {
			ent->ino = 16 + j;
			ent->type = DT_REG;
			strcpy(ent->name, proc_files[j].name);
			return 1;
		}
	i -= k;
	if (kind != P_PID || i > 4)
		return 0;
	ent->ino = i < 3 ? 8 + P_EXE + i : 1 + (i == 3 ? P_FDS : P_TASKS);
	ent->type = i < 3 ? DT_LNK : DT_DIR;
	strcpy(ent->name, i < 3 ? pid_links[i] : i == 3 ? "fd" : "task");
	return 1;
}

static int dir_fstat(struct vfs_file *f, struct stat *st)
{
	struct proc_node n = dir_node(f);

	fill_stat(&n, st);
	return 0;
}

static const struct vfs_file_ops dir_ops = {
	.fstat = dir_fstat,
	.readdir = dir_readdir,
};

static void make_text(const struct proc_node *n, struct proc_text *t)
{
	if (n->kind == P_FILE)
		n->file->make(t);
	else
		proc_task_text(n->id, n->which, t);
}

static int open_text(const struct proc_node *n, struct vfs_file *f)
{
	struct proc_text t = { 0 };
	struct text_file *tf;

	make_text(n, &t);	/* sized first: the text, then room for it */
	tf = heap_alloc(sizeof(*tf) + t.len + 1);
	if (!tf)
		return -ENOMEM;
	t = (struct proc_text){ tf->text, t.len + 1, 0 };
	make_text(n, &t);
	/* A second look may find more (a thread more): what fits. */
	tf->len = t.len < t.size ? t.len : t.size;
	tf->node = *n;
	f->ops = &text_ops;
	f->priv = tf;
	return 0;
}

static int proc_open(struct vfs_mount *m, const char *path, int flags,
		     mode_t mode, struct vfs_file *f)
{
	struct proc_node n;
	int rc = resolve_all(path, &n);

	(void)m, (void)mode;
	if (rc)
		return rc;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (is_link(n.kind))
		return -ELOOP;	/* the VFS follows links; O_NOFOLLOW */
	bool text = n.kind == P_FILE || n.kind == P_TASKFILE;

	if ((flags & VFS_ACCMODE) != O_RDONLY &&
	    !(n.kind == P_TASKFILE && n.which == 0))
		return text ? -EACCES : -EISDIR;	/* only comm is */
	if (text)
		return flags & O_DIRECTORY ? -ENOTDIR : open_text(&n, f);
	f->ops = &dir_ops;
	f->priv = dir_priv(&n);
	return 0;
}

static const struct vfs_fs_ops proc_ops = {
	.name = "proc",
	.open = proc_open,
	.stat = proc_stat,
	.statfs = proc_statfs,
	.links = &proc_links,
};

int procfs_mount(const char *path)
{
	/* Writable: a thread's comm is; the rest says so itself. */
	return vfs_mount(path, &proc_ops, NULL, false);
}

/* At /proc, the kernel's mount, which gives way to one of the program's. */
static int proc_mount(void)
{
	int rc = procfs_mount("/proc");

	if (rc == 0)
		vfs_mount_yields("/proc");
	return rc;
}
INIT_CALL(INIT_FS_OVER, proc_mount);
