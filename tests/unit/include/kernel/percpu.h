/* SPDX-License-Identifier: MIT */
/*
 * Host stand-in for kernel/percpu.h: each unit-test thread plays one CPU,
 * set with host_set_cpu(), and a per-CPU variable is an array indexed by it.
 */
#ifndef KERNEL_PERCPU_H
#define KERNEL_PERCPU_H

#define HOST_MAX_CPUS 64

extern __thread unsigned host_cpu_id;
extern unsigned host_ncpus;

unsigned cpu_count_started(void);

static inline unsigned this_cpu_id(void)
{
	return host_cpu_id;
}

static inline void host_set_cpu(unsigned id)
{
	host_cpu_id = id;
}

#define DEFINE_PERCPU(type, name) __typeof__(type) name[HOST_MAX_CPUS]
#define DECLARE_PERCPU(type, name) extern __typeof__(type) name[HOST_MAX_CPUS]
#define per_cpu_var(name, cpu_id) ((name)[(cpu_id)])
#define this_cpu_var(name) ((name)[host_cpu_id])

#endif /* KERNEL_PERCPU_H */
