// SPDX-License-Identifier: MIT
/*
 * Starting the program, as Linux starts a static executable: the kernel
 * lays out what an x86-64 process finds on its initial stack (argc, the
 * argument and environment vectors, the auxiliary vector) and jumps to the
 * program's entry, which the link names (__program_start: libc/start.c's
 * _start_c(), which hands it to musl's __libc_start_main()). musl then
 * sets up thread-local storage from the PT_TLS program header named in
 * the auxiliary vector, seeds its stack protector from AT_RANDOM, runs the
 * constructors and calls main().
 *
 * As on Linux, the vectors end at the top of main's stack: musl finds the
 * main thread's stack from there (pthread_getattr_np()).
 *
 * The environment is the kernel options written KEY=value. The image's
 * own program headers are not loaded with it, so the ones musl reads are
 * made here from what the linker script records.
 */
#include <elf.h>
#include <string.h>

#include <arch/context.h>
#include <arch/x86.h>
#include <kernel/cmdline.h>
#include <kernel/heap.h>
#include <kernel/page_alloc.h>
#include <kernel/process.h>
#include <kernel/random.h>
#include <kernel/sched.h>
#include <toro/panic.h>

extern char __tdata_start[], __tdata_end[], __tbss_start[];
extern char __tbss_size[], __tls_align[];	/* absolute symbols */

/* The C library's entry, defined by the linker script. */
void __program_start(long *p) __attribute__((noreturn));

static Elf64_Phdr phdrs[1];
static unsigned char at_random[16];

static unsigned make_phdrs(void)
{
	size_t tdata = __tdata_end - __tdata_start;
	size_t tbss = (uintptr_t)__tbss_size;
	size_t align = (uintptr_t)__tls_align;

	if (tdata + tbss == 0)
		return 0;
	/* As the linker laid it out: .tbss may start past .tdata's end,
	 * at its own alignment. */
	phdrs[0] = (Elf64_Phdr){
		.p_type = PT_TLS,
		.p_flags = PF_R,
		.p_vaddr = (uintptr_t)__tdata_start,
		.p_paddr = (uintptr_t)__tdata_start,
		.p_filesz = tdata,
		.p_memsz = tbss ? (size_t)(__tbss_start - __tdata_start) + tbss :
				  tdata,
		.p_align = align ? align : 1,
	};
	return 1;
}

/* "KEY=value" for each kernel option with a value. */
static unsigned make_env(char **env, unsigned max)
{
	const struct cmdline *cl = &kernel_cmdline;
	unsigned n = 0;

	for (unsigned i = 0; i < cl->noptions && n < max; i++) {
		if (!cl->value[i])
			continue;
		size_t k = strlen(cl->key[i]), v = strlen(cl->value[i]);
		char *s = heap_alloc(k + v + 2);

		if (!s)
			panic("no memory for the environment");
		memcpy(s, cl->key[i], k);
		s[k] = '=';
		memcpy(s + k + 1, cl->value[i], v + 1);
		env[n++] = s;
	}
	return n;
}

/* The vectors, made on the heap, and where they go. */
static struct {
	long *src, *dst;
	size_t bytes;
} vectors;

/* On a stack below the vectors' place: puts them there and enters. */
static void enter_program(void)
{
	memcpy(vectors.dst, vectors.src, vectors.bytes);
	heap_free(vectors.src);
	__program_start(vectors.dst);
}

void process_start(void)
{
	const struct cmdline *cl = &kernel_cmdline;
	/* argc, argv + NULL, env + NULL, auxv pairs + AT_NULL. */
	enum { AUX_MAX = 16 };
	size_t words = 1 + (cl->argc + 1) + (CMDLINE_MAX_OPTIONS + 1) +
		       2 * AUX_MAX;
	long *p = heap_alloc(words * sizeof(long)), *q = p;

	if (!p)
		panic("no memory for the program's arguments");
	*q++ = cl->argc;
	for (int i = 0; i < cl->argc; i++)
		*q++ = (long)cl->argv[i];
	*q++ = 0;
	q += make_env((char **)q, CMDLINE_MAX_OPTIONS);
	*q++ = 0;

	entropy_seed(at_random, sizeof(at_random));
	unsigned nphdr = make_phdrs();
	long aux[][2] = {
		{ AT_PHDR, (long)phdrs },
		{ AT_PHENT, sizeof(Elf64_Phdr) },
		{ AT_PHNUM, nphdr },
		{ AT_PAGESZ, 4096 },
		{ AT_CLKTCK, 100 },
		{ AT_HWCAP, cpuid(1, 0).edx },
		{ AT_UID, 0 }, { AT_EUID, 0 }, { AT_GID, 0 }, { AT_EGID, 0 },
		{ AT_SECURE, 0 },
		{ AT_RANDOM, (long)at_random },
		{ AT_EXECFN, (long)cl->argv[0] },
		{ AT_PLATFORM, (long)"x86_64" },
	};
	_Static_assert(sizeof(aux) / sizeof(aux[0]) < AUX_MAX,
		       "AUX_MAX too small");
	for (size_t i = 0; i < sizeof(aux) / sizeof(aux[0]); i++) {
		*q++ = aux[i][0];
		*q++ = aux[i][1];
	}
	*q++ = AT_NULL;
	*q++ = 0;

	struct thread *self = sched_current();
	/* Named after the program, as Linux names a process's first
	 * thread; threads it creates inherit the name. */
	const char *name = cl->argc ? cl->argv[0] : "toro";

	if (strrchr(name, '/'))
		name = strrchr(name, '/') + 1;
	size_t len = strnlen(name, sizeof(self->name) - 1);

	memcpy(self->name, name, len);
	self->name[len] = '\0';

	uintptr_t top = (uintptr_t)self->stack + self->stack_pages * PAGE_SIZE;

	vectors.src = p;
	vectors.bytes = (char *)q - (char *)p;
	vectors.dst = (long *)((top - vectors.bytes) & ~(uintptr_t)15);
	/* This frame is in the way: the copy is made from below it. */
	arch_run_on_stack((uintptr_t)vectors.dst - 64, enter_program);
}
