// SPDX-License-Identifier: MIT
/*
 * Thread-specific data. The keys are a fixed table of slots; a thread's
 * values live in a block hung on its (keys) field, allocated when it first
 * sets a value and freed by the kernel when the thread is reaped. The
 * destructors run in the exiting thread, from the kernel's
 * thread_exit_hook, before its joiner can see it end.
 *
 * Each slot has a generation, odd while the key exists, bumped by create
 * and delete; a thread's value counts only if it was stored under the
 * current generation. So a key deleted and created again starts out NULL
 * in every thread, as POSIX wants, without visiting the threads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <kernel/sched.h>
#include <kernel/thread_impl.h>
#include <toro/sync.h>
#include <toro/thread.h>

struct key_slot {
	unsigned int gen;		/* odd: the key exists */
	void (*destructor)(void *);
};

/* A thread's values: (value)[k] is set under generation (gen)[k]. */
struct key_values {
	void *value[PTHREAD_KEYS_MAX];
	unsigned int gen[PTHREAD_KEYS_MAX];
};

static struct mutex keys_lock;	/* create and delete */
static struct key_slot slots[PTHREAD_KEYS_MAX];

static bool key_exists(pthread_key_t key, unsigned int *gen)
{
	if (key >= PTHREAD_KEYS_MAX)
		return false;
	*gen = __atomic_load_n(&slots[key].gen, __ATOMIC_ACQUIRE);
	return *gen & 1;
}

/* thread_exit_hook: runs (t)'s destructors; (t) is the calling thread. */
static void run_destructors(struct thread *t)
{
	struct key_values *kv = (struct key_values *)t->keys;

	if (!kv)
		return;
	for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
		bool called = false;

		for (pthread_key_t k = 0; k < PTHREAD_KEYS_MAX; k++) {
			void *v = kv->value[k];
			unsigned int gen;

			if (!v)
				continue;
			kv->value[k] = NULL;
			if (!key_exists(k, &gen) || kv->gen[k] != gen)
				continue;	/* the key was deleted */
			void (*fn)(void *) = __atomic_load_n(
				&slots[k].destructor, __ATOMIC_RELAXED);

			if (fn) {
				fn(v);
				called = true;
			}
		}
		if (!called)
			break;
	}
}

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
	mutex_lock(&keys_lock);
	for (pthread_key_t k = 0; k < PTHREAD_KEYS_MAX; k++) {
		struct key_slot *s = &slots[k];

		if (s->gen & 1)
			continue;
		s->destructor = destructor;
		__atomic_store_n(&s->gen, s->gen + 1, __ATOMIC_RELEASE);
		mutex_unlock(&keys_lock);
		__atomic_store_n(&thread_exit_hook, run_destructors,
				 __ATOMIC_RELAXED);
		*key = k;
		return 0;
	}
	mutex_unlock(&keys_lock);
	return EAGAIN;
}

int pthread_key_delete(pthread_key_t key)
{
	unsigned int gen;
	int rc = EINVAL;

	mutex_lock(&keys_lock);
	if (key_exists(key, &gen)) {
		__atomic_store_n(&slots[key].gen, gen + 1, __ATOMIC_RELEASE);
		rc = 0;
	}
	mutex_unlock(&keys_lock);
	return rc;
}

void *pthread_getspecific(pthread_key_t key)
{
	struct key_values *kv = (struct key_values *)thread_self()->keys;
	unsigned int gen;

	if (!kv || !key_exists(key, &gen) || kv->gen[key] != gen)
		return NULL;
	return kv->value[key];
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
	struct thread *self = thread_self();
	struct key_values *kv = (struct key_values *)self->keys;
	unsigned int gen;

	if (!key_exists(key, &gen))
		return EINVAL;
	if (!kv) {
		if (!value)
			return 0;	/* NULL already */
		int saved = errno;

		kv = calloc(1, sizeof(*kv));
		errno = saved;
		if (!kv)
			return ENOMEM;
		self->keys = (void **)kv;
	}
	kv->value[key] = (void *)value;
	kv->gen[key] = gen;
	return 0;
}
