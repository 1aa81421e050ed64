/* SPDX-License-Identifier: MIT */
/*
 * <sched.h>: giving the CPU to the other threads of this CPU, asking which
 * CPU the caller runs on, and CPU sets with glibc's CPU_* macros, which
 * pthread_attr_setaffinity_np() takes. A Toro thread never migrates, so a
 * set only chooses the CPU a thread is created on (see <pthread.h>).
 */
#ifndef _SCHED_H
#define _SCHED_H

#include <stddef.h>
#include <sys/types.h>

/* Gives way to the runnable threads of the calling CPU. Returns 0. */
int sched_yield(void);

/* The CPU the caller runs on, 0 .. cpu_count() - 1 (a GNU extension). */
int sched_getcpu(void);

/* CPU sets: glibc's size, far more than the 64 CPUs Toro starts. */
#define CPU_SETSIZE	1024
#define __CPU_BITS	(8 * sizeof(unsigned long))

typedef struct {
	unsigned long __bits[CPU_SETSIZE / __CPU_BITS];
} cpu_set_t;

/* The _S forms take the set's size in bytes, for sets of other sizes; a
 * CPU beyond the set is ignored by SET/CLR and is never set by ISSET. */
#define __CPU_WORD(set, cpu)	((set)->__bits[(cpu) / __CPU_BITS])
#define __CPU_MASK(cpu)		(1UL << ((cpu) % __CPU_BITS))
#define __CPU_IN(cpu, size)	((size_t)(cpu) / 8 < (size_t)(size))

#define CPU_ZERO_S(size, set)	__builtin_memset((set), 0, (size))
#define CPU_SET_S(cpu, size, set)                                              \
	((void)(__CPU_IN(cpu, size) &&                                         \
		(__CPU_WORD(set, (size_t)(cpu)) |= __CPU_MASK((size_t)(cpu)))))
#define CPU_CLR_S(cpu, size, set)                                              \
	((void)(__CPU_IN(cpu, size) &&                                         \
		(__CPU_WORD(set, (size_t)(cpu)) &= ~__CPU_MASK((size_t)(cpu)))))
#define CPU_ISSET_S(cpu, size, set)                                            \
	(__CPU_IN(cpu, size) &&                                                \
	 (__CPU_WORD(set, (size_t)(cpu)) & __CPU_MASK((size_t)(cpu))) != 0)
#define CPU_COUNT_S(size, set)	__cpu_count((size), (set))
#define CPU_EQUAL_S(size, a, b)	(__builtin_memcmp((a), (b), (size)) == 0)

#define CPU_ZERO(set)		CPU_ZERO_S(sizeof(cpu_set_t), set)
#define CPU_SET(cpu, set)	CPU_SET_S(cpu, sizeof(cpu_set_t), set)
#define CPU_CLR(cpu, set)	CPU_CLR_S(cpu, sizeof(cpu_set_t), set)
#define CPU_ISSET(cpu, set)	CPU_ISSET_S(cpu, sizeof(cpu_set_t), set)
#define CPU_COUNT(set)		CPU_COUNT_S(sizeof(cpu_set_t), set)
#define CPU_EQUAL(a, b)		CPU_EQUAL_S(sizeof(cpu_set_t), a, b)

static inline int __cpu_count(size_t size, const cpu_set_t *set)
{
	int n = 0;

	for (size_t i = 0; i < size / sizeof(unsigned long); i++)
		n += __builtin_popcountl(set->__bits[i]);
	return n;
}

#endif /* _SCHED_H */
