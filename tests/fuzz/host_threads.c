// SPDX-License-Identifier: MIT
/*
 * Kernel threads, waits, the clock and the small services around them,
 * for the fuzz targets that run threaded kernel code (host_threads.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>

#include <arch/mmu.h>
#include <kernel/cmdline.h>
#include <kernel/compiler.h>
#include <kernel/log.h>
#include <kernel/page_alloc.h>
#include <kernel/random.h>
#include <kernel/sched.h>
#include <kernel/thread_impl.h>
#include <toro/sync.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "fuzz.h"
#include "host_threads.h"

bool (*fuzz_irq)(void);

#define THREADS		4
#define STACK_SIZE	(1 << 20)
#define RUN_PASSES	1000

/* Each thread is a coroutine on a stack of its own (told to ASan, which
 * must know which stack it is on). */
static struct wthread {
	ucontext_t ctx;
	void *stack;
	void *(*fn)(void *);
	void *arg;
	void *fake;		/* ASan's, while switched away */
	unsigned slept_at;	/* (wakeups) when it last waited */
	unsigned held;		/* mutexes it holds */
	struct mutex *wants;	/* the one it waits for */
	bool done;
} threads[THREADS];
static unsigned nthreads;
static struct wthread *current;
static ucontext_t sched;	/* the target's own */
static const void *sched_bottom;
static size_t sched_size;
static unsigned wakeups;	/* signals so far: someone may run */
static uint64_t now_ns = 1000000000000ULL;

uint64_t clock_ns(void)
{
	return now_ns;
}

/* The running thread waits: back to the target, until it runs it
 * again. */
static void block(void)
{
	struct wthread *t = current;

	FUZZ_CHECK(t && "the target itself would block");
	t->slept_at = wakeups;
	__sanitizer_start_switch_fiber(&t->fake, sched_bottom, sched_size);
	swapcontext(&t->ctx, &sched);
	__sanitizer_finish_switch_fiber(t->fake, &sched_bottom, &sched_size);
}

static void thread_start(void)
{
	struct wthread *t = current;

	__sanitizer_finish_switch_fiber(NULL, &sched_bottom, &sched_size);
	t->fn(t->arg);
	t->done = true;		/* it returned: it ended */
	__sanitizer_start_switch_fiber(NULL, sched_bottom, sched_size);
	setcontext(&sched);
}

static void run_thread(struct wthread *t)
{
	void *fake;

	current = t;
	__sanitizer_start_switch_fiber(&fake, t->stack, STACK_SIZE);
	swapcontext(&sched, &t->ctx);
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
	current = NULL;
}

/* Takes the device's interrupts, and runs each thread that something may
 * have woken (a signal since it waited), until none is left. */
void fuzz_run(void)
{
	for (unsigned pass = 0;; pass++) {
		bool ran = fuzz_irq && fuzz_irq();

		FUZZ_CHECK(pass < RUN_PASSES && "threads never settle");
		for (unsigned i = 0; i < nthreads; i++) {
			struct wthread *t = &threads[i];

			if (!t->done && t->slept_at != wakeups) {
				run_thread(t);
				ran = true;
			}
		}
		if (!ran)
			return;
	}
}

void fuzz_advance(uint64_t ms)
{
	now_ns += ms * 1000000;
	wakeups++;	/* deadlines may have passed */
	fuzz_run();
}

static struct thread *add_thread(void *(*fn)(void *), void *arg)
{
	struct wthread *t = &threads[nthreads];

	FUZZ_CHECK(nthreads < THREADS);
	if (!t->stack)
		t->stack = malloc(STACK_SIZE);
	FUZZ_CHECK(t->stack);
	/* What a thread left there before is not poisoned for this one. */
	__asan_unpoison_memory_region(t->stack, STACK_SIZE);
	FUZZ_CHECK(getcontext(&t->ctx) == 0);
	t->ctx.uc_stack.ss_sp = t->stack;
	t->ctx.uc_stack.ss_size = STACK_SIZE;
	t->ctx.uc_link = NULL;
	makecontext(&t->ctx, thread_start, 0);
	t->fn = fn;
	t->arg = arg;
	t->done = false;
	t->slept_at = wakeups - 1;	/* it runs */
	t->held = 0;
	t->wants = NULL;
	nthreads++;
	return (struct thread *)t;
}

unsigned fuzz_threads_mark(void)
{
	return nthreads;
}

void fuzz_threads_idle(void)
{
	FUZZ_CHECK(!current);
	for (unsigned i = 0; i < nthreads; i++)
		FUZZ_CHECK((threads[i].done ||
			    (!threads[i].wants && !threads[i].held)) &&
			   "a thread stuck in the middle of its work");
}

void fuzz_threads_forget(unsigned mark)
{
	FUZZ_CHECK(mark <= nthreads);
	fuzz_threads_idle();
	nthreads = mark;
}

int kthread_spawn(const struct thread_params *p, struct thread **out)
{
	struct thread *t = add_thread(p->fn, p->arg);

	if (out)
		*out = t;
	return 1;
}

struct thread *kthread_create(unsigned cpu, size_t stack_size,
			      void *(*fn)(void *), void *arg)
{
	(void)cpu;
	(void)stack_size;
	return add_thread(fn, arg);
}

void kthread_detach(struct thread *t)
{
	(void)t;
}

void thread_yield(void)
{
}

/* The fibers run one at a time to the end of their turn: nothing to
 * batch for, so a notification goes at every unlock, and no CPU idles. */
bool sched_others_ready(void)
{
	return false;
}

sched_idle_hook sched_set_idle_hook(sched_idle_hook fn)
{
	(void)fn;
	return NULL;
}

void thread_sleep_ns(uint64_t ns)
{
	now_ns += ns;
}

void mutex_init(struct mutex *m)
{
	memset(m, 0, sizeof(*m));
}

bool mutex_trylock(struct mutex *m)
{
	if (m->state)
		return false;
	m->state = 1;
	if (current)
		current->held++;
	return true;
}

/* Waits for another thread to let it go; the target itself, which
 * cannot wait, must find it free. */
void mutex_lock(struct mutex *m)
{
	while (!mutex_trylock(m)) {
		FUZZ_CHECK(current && "the target itself would block");
		current->wants = m;
		block();
		current->wants = NULL;
	}
}

int mutex_lock_until(struct mutex *m, uint64_t deadline)
{
	while (!mutex_trylock(m)) {
		if (now_ns >= deadline)
			return -ETIMEDOUT;
		block();
	}
	return 0;
}

void mutex_unlock(struct mutex *m)
{
	FUZZ_CHECK(m->state && "unlocking a free mutex");
	m->state = 0;
	if (current)
		current->held--;
	wakeups++;
}

bool mutex_held(const struct mutex *m)
{
	return m->state;
}

void cond_init(struct cond *c)
{
	memset(c, 0, sizeof(*c));
}

/* Woken by any signal (as the kernel's may wake spuriously): the waiter
 * looks at its condition again. */
void cond_wait(struct cond *c, struct mutex *m)
{
	(void)c;
	mutex_unlock(m);
	block();
	mutex_lock(m);
}

int cond_wait_until(struct cond *c, struct mutex *m, uint64_t deadline)
{
	if (now_ns >= deadline)
		return -ETIMEDOUT;
	cond_wait(c, m);
	return 0;
}

void cond_signal(struct cond *c)
{
	(void)c;
	wakeups++;
}

void cond_broadcast(struct cond *c)
{
	(void)c;
	wakeups++;
}

void sema_init(struct sema *s, unsigned count)
{
	memset(s, 0, sizeof(*s));
	s->count = count;
}

void sema_post(struct sema *s)
{
	s->count++;
	wakeups++;
}

bool sema_trywait(struct sema *s)
{
	if (!s->count)
		return false;
	s->count--;
	return true;
}

void sema_wait(struct sema *s)
{
	while (!sema_trywait(s))
		block();
}

int sema_wait_until(struct sema *s, uint64_t deadline)
{
	while (!sema_trywait(s)) {
		if (now_ns >= deadline)
			return -ETIMEDOUT;
		block();
	}
	return 0;
}

unsigned sema_value(const struct sema *s)
{
	return s->count;
}

void event_init(struct event *e)
{
	memset(e, 0, sizeof(*e));
}

void event_wait(struct event *e)
{
	while (!e->set)
		block();
	e->set = 0;
}

int event_wait_until(struct event *e, uint64_t deadline)
{
	while (!e->set) {
		if (now_ns >= deadline)
			return -ETIMEDOUT;
		block();
	}
	e->set = 0;
	return 0;
}

void event_signal(struct event *e)
{
	e->set = 1;
	wakeups++;
}

void event_signal_one(struct event *e)
{
	event_signal(e);
}

/* ------------------------------------------------------------------------
 * The rest of the kernel.
 */

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	if (!getenv("FUZZ_LOG"))
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;

	if (!getenv("FUZZ_LOG"))
		return 0;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	return 0;
}

const char *kopt(const char *key)
{
	(void)key;
	return NULL;
}

bool kopt_flag(const char *key)
{
	(void)key;
	return false;
}

uint64_t kopt_u64(const char *key, uint64_t def)
{
	(void)key;
	return def;
}

/* A guest of 128 MiB: large receive is wanted (drivers/virtio/net.c). */
void page_alloc_stats(struct page_stats *st)
{
	st->total_pages = (128u << 20) / PAGE_SIZE;
	st->free_pages = st->total_pages / 2;
}

void *page_alloc(size_t npages)
{
	return aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE);
}

void page_free(void *p, size_t npages)
{
	(void)npages;
	free(p);
}

/* Deterministic, so that an input does the same every time. */
void random_bytes(void *buf, size_t n)
{
	memset(buf, 0x5a, n);
}

uint32_t random_prf(const uint32_t key[8], uint64_t a, uint64_t b)
{
	uint64_t h = a * 0x9e3779b97f4a7c15ULL ^ b ^ key[0];

	return (uint32_t)(h >> 29);
}
