// SPDX-License-Identifier: MIT
/* Clocks: monotonic on each CPU and across CPUs, sleeping, wall time. */
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include <arch/x86.h>
#include <kernel/smp_call.h>
#include <toro/cpu.h>
#include <toro/test.h>
#include <toro/time.h>

TEST(clock, monotonic_on_one_cpu)
{
	uint64_t prev = clock_ns();
	int backwards = 0;

	for (int i = 0; i < 100000; i++) {
		uint64_t now = clock_ns();

		backwards += now < prev;
		prev = now;
	}
	EXPECT_EQ(backwards, 0);
}

static uint64_t stamp;	/* the last reading, handed between CPUs */
static int turn;	/* whose turn it is to read */
static int backwards;

/* Two CPUs take turns: each reading must not be behind the other's. */
static void ping(void *arg)
{
	int me = (int)(uintptr_t)arg;

	for (int round = 0; round < 2000; round++) {
		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != me)
			cpu_relax();
		uint64_t now = clock_ns();

		if (now < stamp)
			backwards++;
		stamp = now;
		__atomic_store_n(&turn, !me, __ATOMIC_RELEASE);
	}
}

TEST(clock, monotonic_across_cpus)
{
	struct smp_call call = { .fn = ping, .arg = (void *)1 };

	for (unsigned c = 1; c < cpu_count(); c++) {
		stamp = 0;
		turn = 0;
		backwards = 0;
		ASSERT_EQ(smp_call_async(c, &call), 0);
		ping((void *)0);
		while (!smp_call_done(&call))
			cpu_relax();
		EXPECT_EQ(backwards, 0);
	}
}

static void sleep_20ms(void *arg)
{
	uint64_t *elapsed = arg, t0 = clock_ns();
	struct timespec ts = { 0, 20000000 };

	nanosleep(&ts, NULL);
	*elapsed = clock_ns() - t0;
}

TEST(clock, sleep_is_never_early_on_any_cpu)
{
	for (unsigned c = 0; c < cpu_count(); c++) {
		uint64_t elapsed = 0;

		ASSERT_EQ(smp_call(c, sleep_20ms, &elapsed), 0);
		EXPECT_GE(elapsed, 20000000);
		EXPECT_LT(elapsed, 2000000000);	/* generous: shared hosts */
	}
	uint64_t t0 = clock_ns();

	EXPECT_EQ(usleep(3000), 0);
	EXPECT_GE(clock_ns() - t0, 3000000);
}

TEST(clock, bad_arguments)
{
	struct timespec ts = { 0, 1000000000 };

	errno = 0;
	EXPECT_EQ(nanosleep(&ts, NULL), -1);
	EXPECT_EQ(errno, EINVAL);
	ts = (struct timespec){ -1, 0 };
	EXPECT_EQ(nanosleep(&ts, NULL), -1);
	errno = 0;
	EXPECT_EQ(clock_gettime(99, &ts), -1);
	EXPECT_EQ(errno, EINVAL);
}

TEST(clock, wall_clock_is_plausible)
{
	struct timespec ts, res;

	ASSERT_EQ(clock_gettime(CLOCK_REALTIME, &ts), 0);
	EXPECT_GT(ts.tv_sec, 1600000000);	/* after September 2020 */
	EXPECT_LT(ts.tv_sec, 4102444800);	/* before 2100 */
	EXPECT_LE(time(NULL) - ts.tv_sec, 1);
	EXPECT_EQ(clock_getres(CLOCK_MONOTONIC, &res), 0);
	EXPECT_EQ(res.tv_nsec, 1);
	ts.tv_sec += 3600;
	EXPECT_EQ(clock_settime(CLOCK_REALTIME, &ts), 0);
	EXPECT_GE(time(NULL), ts.tv_sec);
}
