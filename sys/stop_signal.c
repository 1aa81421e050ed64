// SPDX-License-Identifier: MIT
/*
 * A stop asked by the host becomes SIGTERM, as a container's stop or a
 * Linux machine's power button (through acpid) does: the ACPI power
 * button (arch/x86_64/power_button.c) posts it to the program. A handler
 * can finish and exit; without one the default action ends the program
 * with status 143 through process_exit(), whose hooks still send what
 * sockets hold and write back the file systems. Linked with the signals
 * (sys/signal.c names stop_signal_wanted); where there is no power
 * button (microvm without ACPI, Firecracker) the host's stop stays a
 * power cut.
 */
#include <signal.h>

#include <arch/power.h>
#include <kernel/compiler.h>
#include <kernel/init.h>
#include <kernel/signal.h>

const char stop_signal_wanted;

/* From the interrupt: only marks the signal and wakes a thread. */
static void pressed(void)
{
	signal_post_process(SIGTERM);
}

/* Without a button (or an interrupt for it) the guest does not tell the
 * host it has one, and `toro run` stops it at once, as before. */
static __cold int stop_signal_start(void)
{
	power_button_start(pressed);
	return 0;
}
INIT_CALL(INIT_DRIVER, stop_signal_start);
