// SPDX-License-Identifier: MIT
/*
 * kvmclock: the hypervisor publishes, per vCPU, a (tsc, ns) pair and the
 * scale between them (pvclock ABI, Linux arch/x86/include/asm/pvclock-abi.h
 * and Documentation/virt/kvm/x86/msr.rst). It is the only clock Firecracker
 * guarantees and needs no calibration.
 */
#include <string.h>

#include <arch/clock.h>
#include <arch/x86.h>
#include <kernel/compiler.h>
#include <kernel/percpu.h>

#define KVM_CPUID_SIGNATURE	0x40000000
#define KVM_CPUID_FEATURES	0x40000001
#define KVM_FEATURE_CLOCKSOURCE2 (1U << 3)
#define PVCLOCK_TSC_STABLE	(1U << 0)

struct pvclock_time {
	uint32_t version;	/* odd while the hypervisor updates */
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;	/* ns at tsc_timestamp */
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad[2];
} __packed;
STATIC_ASSERT(sizeof(struct pvclock_time) == 32, "pvclock layout");

struct pvclock_wall {
	uint32_t version;
	uint32_t sec;
	uint32_t nsec;
} __packed;

/* Written by the hypervisor; must not cross a page, hence the alignment. */
static DEFINE_PERCPU(struct pvclock_time, pvclock) __aligned(32);

bool kvmclock_available(void)
{
	struct cpuid_regs r = cpuid(KVM_CPUID_SIGNATURE, 0);

	if (r.ebx != 0x4b4d564b || r.ecx != 0x564b4d56 || r.edx != 0x4d)
		return false;	/* not "KVMKVMKVM\0\0\0" */
	if (r.eax < KVM_CPUID_FEATURES)
		return false;
	return cpuid(KVM_CPUID_FEATURES, 0).eax & KVM_FEATURE_CLOCKSOURCE2;
}

__cold void kvmclock_init_cpu(void)
{
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW,
	      (uintptr_t)&this_cpu_var(pvclock) | 1 /* enable */);
}

static uint64_t scale(uint64_t delta, const volatile struct pvclock_time *t)
{
	if (t->tsc_shift < 0)
		delta >>= -t->tsc_shift;
	else
		delta <<= t->tsc_shift;
	return ((unsigned __int128)delta * t->tsc_to_system_mul) >> 32;
}

uint64_t kvmclock_ns(void)
{
	const volatile struct pvclock_time *t = &this_cpu_var(pvclock);
	uint32_t v;
	uint64_t ns;

	do {
		v = t->version;
		barrier();
		ns = t->system_time + scale(rdtsc() - t->tsc_timestamp, t);
		barrier();
	} while ((v & 1) || v != t->version);
	return ns;
}

bool kvmclock_stable(void)
{
	return this_cpu_var(pvclock).flags & PVCLOCK_TSC_STABLE;
}

uint64_t kvmclock_tsc_hz(void)
{
	const struct pvclock_time *t = &this_cpu_var(pvclock);
	uint64_t hz = (1000000000ULL << 32) / t->tsc_to_system_mul;

	return t->tsc_shift > 0 ? hz >> t->tsc_shift : hz << -t->tsc_shift;
}

uint64_t kvmclock_wall_ns(void)
{
	static volatile struct pvclock_wall wall;
	uint32_t v;
	uint64_t ns;

	wrmsr(MSR_KVM_WALL_CLOCK_NEW, (uintptr_t)&wall);
	do {
		v = wall.version;
		barrier();
		ns = wall.sec * 1000000000ULL + wall.nsec;
		barrier();
	} while ((v & 1) || v != wall.version);
	return ns;
}
