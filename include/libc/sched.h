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

/* CPU_COUNT_S(): how many CPUs the first (size) bytes of (set) hold. */
int __sched_cpucount(size_t size, const cpu_set_t *set);

/* The _S forms take the set's size in bytes, for sets of other sizes; a
 * CPU beyond the set is ignored by SET and CLR and is never in it. Each
 * argument is evaluated once. */
static inline void __cpu_set_s(size_t cpu, size_t size, cpu_set_t *set)
{
	if (cpu / 8 < size)
		set->__bits[cpu / __CPU_BITS] |= 1UL << (cpu % __CPU_BITS);
}

static inline void __cpu_clr_s(size_t cpu, size_t size, cpu_set_t *set)
{
	if (cpu / 8 < size)
		set->__bits[cpu / __CPU_BITS] &= ~(1UL << (cpu % __CPU_BITS));
}

static inline int __cpu_isset_s(size_t cpu, size_t size,
				const cpu_set_t *set)
{
	return cpu / 8 < size &&
	       (set->__bits[cpu / __CPU_BITS] >> (cpu % __CPU_BITS)) & 1;
}

#define CPU_ZERO_S(size, set)	((void)__builtin_memset((set), 0, (size)))
#define CPU_SET_S(cpu, size, set)	__cpu_set_s((cpu), (size), (set))
#define CPU_CLR_S(cpu, size, set)	__cpu_clr_s((cpu), (size), (set))
#define CPU_ISSET_S(cpu, size, set)	__cpu_isset_s((cpu), (size), (set))
#define CPU_COUNT_S(size, set)	__sched_cpucount((size), (set))
#define CPU_EQUAL_S(size, a, b)	(__builtin_memcmp((a), (b), (size)) == 0)

#define CPU_ZERO(set)		CPU_ZERO_S(sizeof(cpu_set_t), set)
#define CPU_SET(cpu, set)	CPU_SET_S(cpu, sizeof(cpu_set_t), set)
#define CPU_CLR(cpu, set)	CPU_CLR_S(cpu, sizeof(cpu_set_t), set)
#define CPU_ISSET(cpu, set)	CPU_ISSET_S(cpu, sizeof(cpu_set_t), set)
#define CPU_COUNT(set)		CPU_COUNT_S(sizeof(cpu_set_t), set)
#define CPU_EQUAL(a, b)		CPU_EQUAL_S(sizeof(cpu_set_t), a, b)

#endif /* _SCHED_H */
