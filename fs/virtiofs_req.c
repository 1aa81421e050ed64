// SPDX-License-Identifier: MIT
/*
 * FUSE requests over virtio-fs queues (virtio 1.2, 5.11.6): each request
 * is one descriptor chain, the buffers the daemon reads (header,
 * arguments, write data) then those it writes (reply header, results,
 * read data). Buffers are the callers' own memory, passed by address
 * (identity-mapped), so large reads and writes are not copied. Requests
 * from any thread go to a request queue picked by CPU and are in flight
 * together; each reply is checked (fuse_reply.c) before it is believed.
 * A daemon that lets a deadline pass gets the device reset: its requests
 * and every later one fail with -EIO (see virtq_wait()).
 */
#include <errno.h>
#include <sys/stat.h>

#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/names.h>
#include <toro/cpu.h>

#include "virtiofs.h"

#define MAX_ARGS	4	/* header, argument struct, two names */
#define MAX_RES		3	/* reply header, result struct, data */

/* FUSE's opcodes 0 to 35 (CREATE) by name (kernel/names.h). */
static const char opnames[] =
	"\0LOOKUP\0FORGET\0GETATTR\0SETATTR\0READLINK\0SYMLINK\0\0MKNOD\0"
	"MKDIR\0UNLINK\0RMDIR\0RENAME\0LINK\0OPEN\0READ\0WRITE\0STATFS\0"
	"RELEASE\0\0FSYNC\0\0\0\0\0FLUSH\0INIT\0OPENDIR\0READDIR\0"
	"RELEASEDIR\0\0\0\0\0\0CREATE";

void virtiofs_warn(struct virtiofs *fs, uint32_t opcode, const char *why)
{
	log_warn("virtio-fs %s: %s reply: %s\n", fs->tag,
		 name_in(opnames, 36, opcode, "request"), why);
}

int fuse_submit(struct virtiofs *fs, struct fuse_msg *m, uint32_t opcode,
		uint64_t nodeid, const struct virtq_buf *args, unsigned nargs,
		const struct virtq_buf *res, unsigned nres)
{
	struct virtq_buf out[MAX_ARGS + 1], in[MAX_RES + 1];
	uint32_t len = sizeof(m->in), room = sizeof(m->out);

	if (nargs > MAX_ARGS || nres > MAX_RES)
		return -EINVAL;
	out[0] = (struct virtq_buf){ &m->in, sizeof(m->in) };
	for (unsigned i = 0; i < nargs; i++) {
		out[i + 1] = args[i];
		len += args[i].len;
	}
	in[0] = (struct virtq_buf){ &m->out, sizeof(m->out) };
	for (unsigned i = 0; i < nres; i++) {
		in[i + 1] = res[i];
		room += res[i].len;
	}
	m->vreq = (struct virtq_req){ 0 };
	m->in = (struct fuse_in_header){
		.len = len,
		.opcode = opcode,
		.unique = __atomic_add_fetch(&fs->next_unique, 1,
					     __ATOMIC_RELAXED),
		.nodeid = nodeid,
		.pid = 1,
	};
	/* A reply that never comes leaves a header that fails the check. */
	m->out = (struct fuse_out_header){ 0 };
	m->room = room;
	/* Spread threads over the request queues by CPU: requests from one
	 * CPU share a queue, and its lock is mostly uncontended. */
	m->q = fs->req[cpu_id() % fs->nreq];
	m->deadline = virtio_deadline();
	return virtq_submit(m->q, &m->vreq, out, nargs + 1, in, nres + 1);
}

long fuse_finish(struct virtiofs *fs, struct fuse_msg *m)
{
	const char *why = NULL;
	int used = virtq_wait(m->q, &m->vreq, m->deadline);

	if (used < 0)		/* broken or dead: the device said why */
		return -EIO;
	long rc = fuse_reply_check(&m->out, (uint32_t)used, m->room,
				   m->in.unique, &why);

	if (why)
		virtiofs_warn(fs, m->in.opcode, why);
	return rc;
}

long fuse_call(struct virtiofs *fs, uint32_t opcode, uint64_t nodeid,
	       const struct virtq_buf *args, unsigned nargs,
	       const struct virtq_buf *res, unsigned nres)
{
	struct fuse_msg m;
	int rc = fuse_submit(fs, &m, opcode, nodeid, args, nargs, res, nres);

	return rc ? rc : fuse_finish(fs, &m);
}

/* For requests other than READ and WRITE (file_io() in virtiofs_file.c),
 * whose round trip to the daemon is their time: built for size. */
__cold int fuse_call_fixed(struct virtiofs *fs, uint32_t opcode,
			   uint64_t nodeid, const struct virtq_buf *args,
			   unsigned nargs, void *res, uint32_t size)
{
	struct virtq_buf r = { res, size };
	long rc = fuse_call(fs, opcode, nodeid, args, nargs, &r, size ? 1 : 0);

	if (rc < 0)
		return (int)rc;
	if (rc != size) {
		virtiofs_warn(fs, opcode, "reply of the wrong size");
		return -EIO;
	}
	return 0;
}

/* A FORGET nobody waits for: freed when the device is done with it. */
struct forget_msg {
	struct virtq_req vreq;
	struct fuse_in_header in;
	struct fuse_forget_in arg;
};

static void forget_done(struct virtq_req *req)
{
	heap_free(container_of(req, struct forget_msg, vreq));
}

__cold void fuse_forget(struct virtiofs *fs, uint64_t nodeid, uint64_t n)
{
	if (nodeid == FUSE_ROOT_ID || nodeid == 0 || n == 0)
		return;
	struct forget_msg *m = heap_alloc(sizeof(*m));

	/* Without memory the daemon keeps the node a little longer: a
	 * leak on the host side, not an error here. */
	if (!m)
		return;
	m->vreq = (struct virtq_req){ .complete = forget_done };
	m->in = (struct fuse_in_header){
		.len = sizeof(m->in) + sizeof(m->arg),
		.opcode = FUSE_FORGET,
		.unique = __atomic_add_fetch(&fs->next_unique, 1,
					     __ATOMIC_RELAXED),
		.nodeid = nodeid,
		.pid = 1,
	};
	m->arg.nlookup = n;

	struct virtq_buf out[2] = { { &m->in, sizeof(m->in) },
				    { &m->arg, sizeof(m->arg) } };

	if (virtq_submit(fs->hiprio, &m->vreq, out, 2, NULL, 0))
		heap_free(m);	/* broken device: nothing to forget */
}
