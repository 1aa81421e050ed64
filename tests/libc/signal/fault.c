// SPDX-License-Identifier: MIT
/* The signals the CPU's faults raise, taken by the program's handlers as
 * Linux delivers them: SIGSEGV for a null pointer (SEGV_MAPERR, si_addr
 * the address), for a PROT_NONE page (SEGV_ACCERR) and for a write to a
 * read-only page (SEGV_ACCERR), whose handler makes the page writable
 * and returns so that the write runs again and lands; SIGSEGV for a
 * non-canonical address (SI_KERNEL);
 * SIGFPE for an integer division by zero (FPE_INTDIV); SIGILL for ud2
 * (ILL_ILLOPN); siglongjmp out of each, the mask restored. Without a
 * handler a fault still ends the program (Toro's report, status 125). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "check.h"

static sigjmp_buf jb;
static volatile int code, signo;
static void *volatile addr;
static char *volatile page;

static void leave(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	signo = sig;
	code = si->si_code;
	addr = si->si_addr;
	siglongjmp(jb, 1);
}

/* Makes the page writable: the write that faulted runs again. */
static void mend(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	signo = sig;
	code = si->si_code;
	addr = si->si_addr;
	CHECK_OK(mprotect(page, 4096, PROT_READ | PROT_WRITE));
}

static void on(int sig, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO;
	CHECK_OK(sigaction(sig, &sa, NULL));
}

int test_fault(void)
{
	sigset_t now;
	volatile int zero = 0, seven = 7, r = 0;
	/* Through volatile pointers, so the compiler cannot tell. */
	int *volatile low = (int *)16;
	int *volatile wild = (int *)(uintptr_t)0x8000000000000000ULL;

	on(SIGSEGV, leave);
	on(SIGFPE, leave);
	on(SIGILL, leave);
	if (!sigsetjmp(jb, 1))
		r = *low;
	printf("null read: signal %d code %d at 16: %d\n", signo, code,
	       addr == (void *)16);
	if (!sigsetjmp(jb, 1))
		*wild = 1;
	printf("non-canonical: signal %d code %d addr null: %d\n", signo, code,
	       addr == NULL);
	if (!sigsetjmp(jb, 1))
		r = seven / zero;
	printf("division by zero: signal %d code %d\n", signo, code);
	if (!sigsetjmp(jb, 1))
		__builtin_trap();
	printf("ud2: signal %d code %d\n", signo, code);
	/* The mask the handler ran under is gone after siglongjmp. */
	CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &now));
	printf("SIGSEGV blocked after: %d\n", sigismember(&now, SIGSEGV));

	/* A PROT_NONE page is mapped, not to be touched: SEGV_ACCERR. */
	page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(page != MAP_FAILED);
	if (!sigsetjmp(jb, 1))
		r = page[200];
	printf("PROT_NONE page: signal %d code %d at the byte: %d\n", signo,
	       code, addr == page + 200);
	CHECK_OK(munmap(page, 4096));

	page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(page != MAP_FAILED);
	on(SIGSEGV, mend);
	signo = 0;
	page[100] = 'x';
	printf("read-only page: signal %d code %d at the byte: %d, "
	       "written: %c\n", signo, code, addr == page + 100, page[100]);
	CHECK_OK(munmap(page, 4096));
	signal(SIGSEGV, SIG_DFL);
	signal(SIGFPE, SIG_DFL);
	signal(SIGILL, SIG_DFL);
	return r * 0;
}
