/* SPDX-License-Identifier: MIT */
/*
 * Futexes (kernel/futex.c): threads parked on the address of a 32-bit
 * word, as Linux's futex() does it for one process. The C library builds
 * its mutexes, condition variables, semaphores, barriers and joins on
 * these (sys/futex.c is the system call). Waiters on one word are woken
 * in the order they came; words are told apart by address only (a
 * process has one address space, so "private" changes nothing).
 */
#ifndef KERNEL_FUTEX_H
#define KERNEL_FUTEX_H

#include <stdbool.h>
#include <stdint.h>

/* Waits wake only waiters whose bitset shares a bit with theirs. */
#define FUTEX_BITSET_ANY 0xffffffffU

/*
 * If (*word) still holds (val), parks the caller until futex_wake() on
 * (word) with a bitset sharing a bit with (bitset), until clock_ns()
 * reaches (deadline) (WAITQ_NO_DEADLINE: never), or until the thread is
 * interrupted. Returns 0 when woken, -EAGAIN if (*word) != (val),
 * -ETIMEDOUT, -EINTR, or -EFAULT for a word that is not mapped memory.
 */
int futex_wait(const int *word, int val, uint32_t bitset,
	       uint64_t deadline);

/* Wakes up to (n) waiters on (word) whose bitset meets (bitset); returns
 * how many. */
int futex_wake_bitset(const int *word, int n, uint32_t bitset);

static inline int futex_wake(const int *word, int n)
{
	return futex_wake_bitset(word, n, FUTEX_BITSET_ANY);
}

/*
 * Wakes up to (nwake) waiters on (word), then moves up to (nmove) of the
 * others to wait on (word2) instead. With (check) true, first checks that
 * (*word) holds (val): -EAGAIN otherwise. Returns woken plus moved.
 */
int futex_requeue(const int *word, int nwake, const int *word2, int nmove,
		  bool check, int val);

/*
 * Priority-inheritance locks, as Linux's FUTEX_LOCK_PI and FUTEX_UNLOCK_PI
 * define the word: the owner's thread id, FUTEX_WAITERS when threads wait
 * in the kernel, FUTEX_OWNER_DIED kept for the next owner. Threads never
 * preempt one another here, so there is no priority to lend: what is left
 * is the protocol, with the lock handed to the longest waiter on unlock.
 */
#define FUTEX_WAITERS		0x80000000
#define FUTEX_OWNER_DIED	0x40000000
#define FUTEX_TID_MASK		0x3fffffff

/* Takes the lock at (word): 0, or -EDEADLK (the caller holds it),
 * -EAGAIN (held, and (try)), -ESRCH (an owner that does not exist),
 * -ETIMEDOUT, -EINTR, -EFAULT. */
int futex_lock_pi(int *word, uint64_t deadline, bool try);

/* Releases the caller's lock at (word): 0, -EPERM (not the owner),
 * -EFAULT. */
int futex_unlock_pi(int *word);

#endif /* KERNEL_FUTEX_H */
