// SPDX-License-Identifier: MIT
/*
 * lwIP's operating-system layer on Toro (net/lwip/sys_arch.c), without a
 * network device: mailboxes filled from two CPUs at once through a ring
 * smaller than the traffic (senders park while it is full), timeouts of
 * mailboxes and semaphores, a full mailbox refusing trypost, nested
 * SYS_ARCH_PROTECT, and lwIP's tcpip thread running a timer.
 */
#include <stdio.h>

#include <toro/cpu.h>
#include <toro/thread.h>
#include <toro/time.h>

#include "lwip/sys.h"
#include "lwip/tcpip.h"
#include "lwip/timeouts.h"

#define PER_SENDER 1000

static sys_mbox_t mb;
static sys_sem_t sem;
static int failed;

#define CHECK(c)							\
	do {								\
		if (!(c)) {						\
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); \
			failed = 1;					\
		}							\
	} while (0)

static void *sender(void *arg)
{
	for (long i = 1; i <= PER_SENDER; i++)
		sys_mbox_post(&mb, (void *)(i * 2 + (long)arg));
	return NULL;
}

static void signal_sem(void *arg)
{
	sys_sem_signal(arg);
}

static void arm_timer(void *arg)
{
	sys_timeout(20, signal_sem, arg);
}

int main(void)
{
	struct thread *a, *b;
	sys_prot_t outer, inner;
	long sum = 0;
	void *m;

	CHECK(sys_mbox_new(&mb, 4) == ERR_OK);
	CHECK(sys_sem_new(&sem, 0) == ERR_OK);
	a = thread_create(cpu_count() > 1 ? 1 : 0, 0, sender, (void *)0);
	b = thread_create(0, 0, sender, (void *)1);
	CHECK(a && b);
	for (int i = 0; i < 2 * PER_SENDER; i++) {
		CHECK(sys_arch_mbox_fetch(&mb, &m, 0) != SYS_ARCH_TIMEOUT);
		sum += (long)m;
	}
	thread_join(a, NULL);
	thread_join(b, NULL);
	CHECK(sum == 2L * (PER_SENDER + 1) * PER_SENDER + PER_SENDER);
	CHECK(sys_arch_mbox_tryfetch(&mb, &m) == SYS_MBOX_EMPTY);

	CHECK(sys_arch_mbox_fetch(&mb, &m, 50) == SYS_ARCH_TIMEOUT);
	CHECK(sys_arch_sem_wait(&sem, 30) == SYS_ARCH_TIMEOUT);
	sys_sem_signal(&sem);
	CHECK(sys_arch_sem_wait(&sem, 30) != SYS_ARCH_TIMEOUT);
	for (int i = 0; i < 4; i++)
		CHECK(sys_mbox_trypost(&mb, (void *)1) == ERR_OK);
	CHECK(sys_mbox_trypost(&mb, (void *)1) == ERR_MEM);

	outer = sys_arch_protect();
	inner = sys_arch_protect();
	sys_arch_unprotect(inner);
	sys_arch_unprotect(outer);

	tcpip_init(signal_sem, &sem);
	CHECK(sys_arch_sem_wait(&sem, 5000) != SYS_ARCH_TIMEOUT);
	CHECK(tcpip_callback(arm_timer, &sem) == ERR_OK);
	CHECK(sys_arch_sem_wait(&sem, 5000) != SYS_ARCH_TIMEOUT);

	if (failed)
		return 1;
	printf("SUCCESS\n");
	return 0;
}
