// SPDX-License-Identifier: MIT
/*
 * The TSC frequency the kernel found (calibrated, when the command line
 * forces toro.calibrate=hpet|pmtimer|pit) against the host's, which
 * `toro run` passes as toro.tsc_khz. Prints the verdict for the runner.
 */
#include <stdio.h>
#include <stdlib.h>

#include <arch/clock.h>
#include <kernel/cmdline.h>

int main(void)
{
	uint64_t host_khz = kopt_u64("toro.tsc_khz", 0);
	uint64_t khz = tsc_hz / 1000;

	printf("clock %s, TSC %lu kHz %s; host %lu kHz\n", clock_source_name(),
	       khz, tsc_freq_source(), host_khz);
	if (!host_khz)
		return 2;
	/* Measured over 10 ms through an emulated timer on a shared
	 * machine, where a descheduled vCPU stretches the window (7% seen
	 * under load): 15% still tells a working method from a wrong one,
	 * whose errors are factors, not percents. */
	uint64_t diff = khz > host_khz ? khz - host_khz : host_khz - khz;

	printf("%s\n", diff * 100 <= host_khz * 15 ? "frequency ok" :
						    "frequency off");
	return 0;
}
