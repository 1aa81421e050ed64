// SPDX-License-Identifier: MIT
/*
 * The PCI bus and virtio-pci from inside the guest:
 *   list     prints every PCI function and every virtio device found,
 *            and checks that the kernel's configuration reads (ECAM on
 *            q35) agree with the legacy ports 0xcf8/0xcfc
 *   blk      on every virtio-pci disk: writes and reads back sectors; on
 *            the first, also points the queue's MSI-X entry at each CPU
 *            in turn (with a handler of our own that counts where
 *            interrupts arrive) and checks that the completions come in
 *            on that CPU only
 * With no argument, both. Prints "PASS <what>" or "FAIL <what>: why" and
 * exits 0 only if all pass.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/trap.h>
#include <arch/x86.h>
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include <kernel/percpu.h>
#include <toro/blk.h>
#include <toro/cpu.h>

#define SECTORS_BYTES	(64 * 1024)

static int failures;

#define FAIL(...)							\
	do {								\
		printf("FAIL " __VA_ARGS__);				\
		printf("\n");						\
		failures++;						\
	} while (0)

static bool is_virtio_pci(const struct virtio_dev *vd)
{
	return strncmp(vd->name, "virtio-pci@", 11) == 0;
}

/* Configuration mechanism #1, by hand. */
static uint32_t port_read32(const struct pci_dev *d, unsigned off)
{
	outl(0xcf8, 0x80000000u | d->bus << 16 | d->slot << 11 |
			    d->func << 8 | off);
	return inl(0xcfc);
}

static void cfg_agree(void)
{
	unsigned n = 0, bad = 0;

	for (struct pci_dev *d = pci_devices(); d; d = d->next, n++)
		for (unsigned off = 0; off < 0x40; off += 4)
			if (port_read32(d, off) != pci_read32(d, off)) {
				printf("%s +%#x: ports %#x, kernel %#x\n",
				       d->name, off, port_read32(d, off),
				       pci_read32(d, off));
				bad++;
			}
	if (bad)
		FAIL("cfg: %u differences", bad);
	else if (n)
		printf("PASS cfg: ports and kernel agree on %u functions\n", n);
}

static void list(void)
{
	unsigned n = 0, nv = 0;

	for (struct pci_dev *d = pci_devices(); d; d = d->next, n++)
		printf("%s: %04x:%04x class %02x.%02x.%02x\n", d->name,
		       d->vendor_id, d->device_id, d->class_code, d->subclass,
		       d->prog_if);
	printf("pci functions: %u\n", n);
	for (struct virtio_dev *vd = virtio_devices(); vd; vd = vd->next) {
		printf("%s: type %u driver %s\n", vd->name, vd->device_id,
		       vd->driver ? vd->driver->name : "none");
		nv += is_virtio_pci(vd);
	}
	printf("virtio-pci devices: %u\n", nv);
	cfg_agree();
}

/* Write a pattern to the first sectors, read it back. */
static int io_round(struct blk_dev *b, unsigned salt)
{
	static uint32_t out[SECTORS_BYTES / 4], in[SECTORS_BYTES / 4];

	for (unsigned i = 0; i < SECTORS_BYTES / 4; i++)
		out[i] = i * 2654435761u ^ salt;
	int rc = blk_write(b, 0, out, sizeof(out));

	if (!rc)
		rc = blk_read(b, 0, in, sizeof(in));
	if (!rc && memcmp(in, out, sizeof(in)))
		rc = -EIO;
	return rc;
}

/* Our own handler for a queue's MSI-X entry: counts the CPU it runs on,
 * then does what the transport's would. */
static struct virtio_dev *counted_dev;
static unsigned hits[MAX_CPUS];

static void counting_irq(struct trap_frame *tf, void *arg)
{
	(void)tf;
	__atomic_fetch_add(&hits[this_cpu_id()], 1, __ATOMIC_RELAXED);
	virtio_interrupt(arg, false);
}

/* The PCI function behind "virtio-pci@BB:SS.F". */
static struct pci_dev *pci_of(const struct virtio_dev *vd)
{
	char name[32];

	for (struct pci_dev *d = pci_devices(); d; d = d->next) {
		snprintf(name, sizeof(name), "virtio-pci@%02x:%02x.%u",
			 d->bus, d->slot, d->func);
		if (!strcmp(name, vd->name))
			return d;
	}
	return NULL;
}

static void check_routing(struct virtio_dev *vd, struct blk_dev *b)
{
	static int vector = -1;
	struct pci_dev *pci = pci_of(vd);

	if (!pci || !pci->msix_count) {
		FAIL("msix %s: no PCI function with MSI-X", vd->name);
		return;
	}
	/* The queues' entry: 1, or 0 when the device has only that one. */
	unsigned entry = pci->msix_count > 1;

	if (vector < 0) {
		vector = irq_alloc_vector();
		if (vector < 0 ||
		    irq_set_handler(vector, counting_irq, vd) != 0) {
			FAIL("msix: no vector (%d)", vector);
			return;
		}
		counted_dev = vd;
	}
	if (counted_dev != vd)	/* our vector belongs to the first disk */
		return;
	for (unsigned cpu = 0; cpu < cpu_count(); cpu++) {
		memset(hits, 0, sizeof(hits));
		int got = pci_msix_route(pci, entry, vector, cpu);
		int rc = got < 0 ? got : io_round(b, cpu);
		unsigned elsewhere = 0;

		for (unsigned c = 0; c < cpu_count(); c++)
			if (c != cpu)
				elsewhere += hits[c];
		if (rc || got != (int)cpu || hits[cpu] == 0 || elsewhere)
			FAIL("msix %s cpu %u: route %d, io %d, %u interrupts "
			     "there, %u elsewhere", vd->name, cpu, got, rc,
			     hits[cpu], elsewhere);
		else
			printf("PASS msix %s cpu %u: %u interrupts\n",
			       vd->name, cpu, hits[cpu]);
	}
	/* Back to the transport's own vector. */
	int rc = vd->ops->irq_setup(vd, 0);

	if (rc || io_round(b, 99))
		FAIL("msix %s: back to the transport's vector (%d)",
		     vd->name, rc);
}

static void blk(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < blk_count(); i++) {
		struct blk_dev *b = blk_get(i);
		struct virtio_dev *vd = NULL;

		/* blk numbers devices in discovery order, as the core does. */
		unsigned k = 0;

		for (vd = virtio_devices(); vd; vd = vd->next)
			if (vd->driver && vd->device_id == VIRTIO_ID_BLOCK &&
			    k++ == i)
				break;
		if (!vd || !is_virtio_pci(vd))
			continue;
		n++;
		int rc = io_round(b, i);

		if (rc)
			FAIL("io %s: %d", blk_name(b), rc);
		else
			printf("PASS io %s (%s, %llu bytes)\n", blk_name(b),
			       vd->name, (unsigned long long)blk_size(b));
		check_routing(vd, b);
	}
	printf("virtio-pci disks: %u\n", n);
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "all";

	if (!strcmp(what, "list") || !strcmp(what, "all"))
		list();
	if (!strcmp(what, "blk") || !strcmp(what, "all"))
		blk();
	printf("%s\n", failures ? "FAILED" : "SUCCESS");
	return failures ? 1 : 0;
}
