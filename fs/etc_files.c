// SPDX-License-Identifier: MIT
/*
 * Built-in files under /etc, for a program whose root has none of its
 * own: what musl reads to resolve names (resolv.conf, hosts, services)
 * and users (passwd, group). vfs_open() asks here when
 * the file systems say ENOENT, so a file the root does have always wins.
 * They are read-only and made when opened: resolv.conf names the DNS
 * servers the "dns=" kernel option gives, else the ones DHCP named
 * (etc_set_nameservers(), from net/).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <kernel/cmdline.h>
#include <kernel/etc_files.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/spinlock.h>
#include <kernel/vfs.h>

#define MAX_NAMESERVERS 3

static struct {
	struct spinlock lock;
	uint32_t ip[MAX_NAMESERVERS];	/* network byte order */
	unsigned n;
} dhcp_dns;

void etc_set_nameservers(const uint32_t *ip, unsigned n)
{
	bool irq = spin_lock_irqsave(&dhcp_dns.lock);

	dhcp_dns.n = n < MAX_NAMESERVERS ? n : MAX_NAMESERVERS;
	memcpy(dhcp_dns.ip, ip, dhcp_dns.n * sizeof(*ip));
	spin_unlock_irqrestore(&dhcp_dns.lock, irq);
}

static const char hosts[] =
	"127.0.0.1\tlocalhost\n"
	"::1\tlocalhost ip6-localhost ip6-loopback\n";

static const char services[] =
	"ftp\t\t21/tcp\n"
	"ssh\t\t22/tcp\n"
	"smtp\t\t25/tcp\n"
	"domain\t\t53/tcp\n"
	"domain\t\t53/udp\n"
	"http\t\t80/tcp\t\twww\n"
	"ntp\t\t123/udp\n"
	"https\t\t443/tcp\n"
	"https\t\t443/udp\n"
	"imaps\t\t993/tcp\n"
	"mysql\t\t3306/tcp\n"
	"postgresql\t5432/tcp\n"
	"redis\t\t6379/tcp\n"
	"http-alt\t8080/tcp\n";

static const char passwd[] = "root:x:0:0:root:/:/bin/sh\n"
			     "nobody:x:65534:65534:nobody:/:/bin/false\n";

static const char group[] = "root:x:0:\n"
			    "nogroup:x:65534:\n";

/* "nameserver A.B.C.D" lines into (buf): the "dns=" option's addresses
 * (comma-separated) as given, else DHCP's. */
static size_t make_resolv(char *buf, size_t size)
{
	const char *opt = kopt("dns");
	size_t n = 0;
	int k;

	if (opt && *opt) {
		for (unsigned i = 0; *opt && i < MAX_NAMESERVERS; i++) {
			size_t len = strcspn(opt, ",");

			k = ksnprintf(buf + n, size - n, "nameserver %.*s\n",
				      (int)(len < 64 ? len : 64), opt);
			n += k > 0 && (size_t)k < size - n ? (size_t)k : 0;
			opt += len + (opt[len] == ',');
		}
		return n;
	}
	bool irq = spin_lock_irqsave(&dhcp_dns.lock);

	for (unsigned i = 0; i < dhcp_dns.n; i++) {
		const uint8_t *b = (const uint8_t *)&dhcp_dns.ip[i];

		k = ksnprintf(buf + n, size - n, "nameserver %u.%u.%u.%u\n",
			      b[0], b[1], b[2], b[3]);
		n += k > 0 && (size_t)k < size - n ? (size_t)k : 0;
	}
	spin_unlock_irqrestore(&dhcp_dns.lock, irq);
	return n;
}

/* An open built-in file: its text and how far it has been read. */
struct etc_file {
	size_t len, pos;
	char text[];
};

static ssize_t etc_read(struct vfs_file *f, void *buf, size_t n,
			uint64_t off)
{
	struct etc_file *e = f->priv;
	size_t k;

	(void)off;	/* a stream: it keeps its own position */
	mutex_lock(&f->pos_lock);
	k = e->len - e->pos < n ? e->len - e->pos : n;
	memcpy(buf, e->text + e->pos, k);
	e->pos += k;
	mutex_unlock(&f->pos_lock);
	return (ssize_t)k;
}

static int etc_fstat(struct vfs_file *f, struct stat *st)
{
	struct etc_file *e = f->priv;

	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFREG | 0444;
	st->st_nlink = 1;
	st->st_size = (off_t)e->len;
	st->st_blksize = 4096;
	return 0;
}

static int etc_close(struct vfs_file *f)
{
	heap_free(f->priv);
	return 0;
}

static const struct vfs_file_ops etc_ops = {
	.read = etc_read,
	.fstat = etc_fstat,
	.close = etc_close,
};

int etc_open(const char *path, int flags, struct vfs_file **out)
{
	static const struct {
		const char *path, *text;
	} fixed[] = {
		{ "/etc/hosts", hosts },
		{ "/etc/services", services },
		{ "/etc/passwd", passwd },
		{ "/etc/group", group },
	};
	const char *text = NULL;
	size_t len = 512;

	*out = NULL;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strcmp(path, fixed[i].path) == 0) {
			text = fixed[i].text;
			len = strlen(text);
		}
	if (!text && strcmp(path, "/etc/resolv.conf") != 0)
		return -ENOENT;
	if ((flags & VFS_ACCMODE) != O_RDONLY || (flags & O_DIRECTORY))
		return (flags & O_DIRECTORY) ? -ENOTDIR : -EROFS;
	struct etc_file *e = heap_alloc(sizeof(*e) + len);

	if (!e)
		return -ENOMEM;
	e->pos = 0;
	e->len = text ? len : make_resolv(e->text, len);
	if (text)
		memcpy(e->text, text, len);
	*out = vfs_file_new(&etc_ops, e, O_RDONLY);
	if (!*out) {
		heap_free(e);
		return -ENOMEM;
	}
	return 0;
}

int etc_stat(const char *path, struct stat *st)
{
	struct vfs_file *f;
	int rc = etc_open(path, O_RDONLY, &f);

	if (rc)
		return rc;
	rc = etc_fstat(f, st);
	vfs_file_put(f);
	return rc;
}
