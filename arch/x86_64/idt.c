// SPDX-License-Identifier: MIT
/*
 * The interrupt descriptor table, shared by every CPU, and the table of
 * device/IPI handlers behind it. Every vector points at its stub in
 * traps.S; exceptions go to trap.c, the rest to the registered handler.
 */
#include <errno.h>
#include <stddef.h>

#include <arch/segment.h>
#include <arch/trap.h>
#include <arch/trap_stubs.h>
#include <kernel/compiler.h>
#include <kernel/spinlock.h>

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;	/* present, DPL 0, 64-bit interrupt gate */
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t zero;
} __packed;
STATIC_ASSERT(sizeof(struct idt_gate) == 16, "IDT gate is 16 bytes");

#define GATE_INTERRUPT	0x8e

/* traps.S: the stubs, laid out as arch/trap_stubs.h says. */
extern char trap_stubs[], irq_stubs[];

static struct idt_gate idt[256] __aligned(16);

static struct {
	irq_handler_fn fn;
	void *arg;
} handlers[256];
static struct spinlock handlers_lock;

static void set_gate(unsigned vec, unsigned ist)
{
	unsigned irq = vec - VEC_EXCEPTIONS;
	uintptr_t target = vec < VEC_EXCEPTIONS ?
		(uintptr_t)trap_stubs +
			vec / TRAP_STUBS_PER_GROUP * TRAP_STUB_GROUP_BYTES +
			vec % TRAP_STUBS_PER_GROUP * TRAP_STUB_BYTES :
		(uintptr_t)irq_stubs +
			irq / IRQ_STUBS_PER_GROUP * TRAP_STUB_GROUP_BYTES +
			irq % IRQ_STUBS_PER_GROUP * IRQ_STUB_BYTES;

	idt[vec] = (struct idt_gate){
		.offset_lo = target & 0xffff,
		.selector = SEG_KCODE,
		.ist = ist,
		.type_attr = GATE_INTERRUPT,
		.offset_mid = (target >> 16) & 0xffff,
		.offset_hi = target >> 32,
	};
}

void idt_init(void)
{
	for (unsigned v = 0; v < ARRAY_SIZE(idt); v++)
		set_gate(v, 0);
	/* Faults whose stack may be the very thing that broke. */
	set_gate(VEC_DOUBLE_FAULT, IST_DOUBLE_FAULT);
	set_gate(VEC_NMI, IST_NMI);
	set_gate(VEC_MACHINE_CHECK, IST_NMI);
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed idtr = { sizeof(idt) - 1, (uintptr_t)idt };

	__asm__ volatile("lidt %0" : : "m"(idtr));
}

int irq_set_handler(unsigned vector, irq_handler_fn fn, void *arg)
{
	int rc = 0;

	if (vector < VEC_EXCEPTIONS || vector >= ARRAY_SIZE(handlers))
		return -EINVAL;
	bool irq = spin_lock_irqsave(&handlers_lock);

	if (handlers[vector].fn && fn) {
		rc = -EBUSY;
	} else {
		handlers[vector].arg = arg;
		WRITE_ONCE(handlers[vector].fn, fn);
	}
	spin_unlock_irqrestore(&handlers_lock, irq);
	return rc;
}

int irq_alloc_vector(void)
{
	static unsigned next = VEC_DEVICE_FIRST;
	bool irq = spin_lock_irqsave(&handlers_lock);
	int vec = next <= VEC_DEVICE_LAST ? (int)next++ : -ENOSPC;

	spin_unlock_irqrestore(&handlers_lock, irq);
	return vec;
}

/* Called by trap.c for every vector that is not an exception. */
bool irq_run_handler(struct trap_frame *tf)
{
	irq_handler_fn fn = READ_ONCE(handlers[tf->vector].fn);

	if (!fn)
		return false;
	fn(tf, handlers[tf->vector].arg);
	return true;
}
