// SPDX-License-Identifier: MIT
/* <fenv.h>: exception flags raised and tested, the four rounding
 * directions seen through rint, lrint, division and printf, saved and
 * restored environments, and each thread's own floating-point state. */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <pthread.h>

#include "check.h"

static volatile double zero = 0.0, one = 1.0, three = 3.0, big = DBL_MAX;

static void show(const char *what)
{
	int e = fetestexcept(FE_ALL_EXCEPT);

	printf("%-12s %s%s%s%s%s\n", what, e & FE_INVALID ? "invalid " : "",
	       e & FE_DIVBYZERO ? "divbyzero " : "",
	       e & FE_OVERFLOW ? "overflow " : "",
	       e & FE_UNDERFLOW ? "underflow " : "",
	       e & FE_INEXACT ? "inexact" : "");
}

static void *other_thread(void *arg)
{
	(void)arg;
	/* POSIX: "The floating-point environment shall be inherited from
	 * the calling thread" (pthread_create). */
	printf("thread: round toward zero %d, flags %s\n",
	       fegetround() == FE_TOWARDZERO,
	       fetestexcept(FE_ALL_EXCEPT) == FE_DIVBYZERO ? "divbyzero"
							   : "others");
	CHECK(fegetround() == FE_TOWARDZERO);
	fesetround(FE_UPWARD);
	feraiseexcept(FE_OVERFLOW);
	return NULL;
}

int test_fenv(void)
{
	volatile double r;

	feclearexcept(FE_ALL_EXCEPT);
	show("clear");
	r = one / zero;
	show("1/0");
	feclearexcept(FE_ALL_EXCEPT);
	r = zero / zero;
	show("0/0");
	feclearexcept(FE_ALL_EXCEPT);
	r = big * three;
	show("max*3");
	feclearexcept(FE_ALL_EXCEPT);
	r = DBL_MIN / three;
	show("min/3");
	feclearexcept(FE_ALL_EXCEPT);
	r = one / three;
	show("1/3");
	feclearexcept(FE_ALL_EXCEPT);
	r = sqrt(-one);
	show("sqrt(-1)");
	feclearexcept(FE_ALL_EXCEPT);
	r = log(zero);
	show("log(0)");
	(void)r;
	CHECK(feraiseexcept(FE_INEXACT | FE_UNDERFLOW) == 0);
	show("raised");
	fexcept_t saved;
	CHECK(fegetexceptflag(&saved, FE_ALL_EXCEPT) == 0);
	feclearexcept(FE_ALL_EXCEPT);
	CHECK(fesetexceptflag(&saved, FE_UNDERFLOW) == 0);
	show("restored uf");
	int modes[] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
	const char *names[] = {"nearest", "down", "up", "zero"};
	for (int i = 0; i < 4; i++) {
		CHECK(fesetround(modes[i]) == 0);
		CHECK(fegetround() == modes[i]);
		printf("%-8s rint %a %a nearbyint %a lrint %ld 1/3 %a -1/3 %a "
		       "%.3f %.0f %a %La\n",
		       names[i], rint(2.5), rint(-1.5), nearbyint(0.5),
		       lrint(-2.5), one / three, -one / three, 2.0005, 0.5,
		       (double)(float)(one / three), (long double)one / three);
		printf("         exp %a sqrt %a strtod %a\n", exp(one),
		       sqrt(three), 0.1 * three);
	}
	fesetround(FE_TONEAREST);
	CHECK(fesetround(12345) != 0);
	fenv_t env;
	feclearexcept(FE_ALL_EXCEPT);
	fesetround(FE_DOWNWARD);
	CHECK(feholdexcept(&env) == 0);
	r = one / zero;
	show("held");
	CHECK(fesetenv(&env) == 0);
	show("after setenv");
	CHECK(fegetround() == FE_DOWNWARD);
	feraiseexcept(FE_INVALID);
	CHECK(feupdateenv(&env) == 0);
	show("updateenv");
	CHECK(fesetenv(FE_DFL_ENV) == 0);
	CHECK(fegetround() == FE_TONEAREST);
	show("default");
	/* Another thread's rounding and flags are its own. */
	fesetround(FE_TOWARDZERO);
	feraiseexcept(FE_DIVBYZERO);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, other_thread, NULL) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(fegetround() == FE_TOWARDZERO);
	show("main after");
	fesetenv(FE_DFL_ENV);
	return 0;
}
