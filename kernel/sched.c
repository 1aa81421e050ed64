// SPDX-License-Identifier: MIT
/*
 * The per-CPU cooperative scheduler: a FIFO run queue per CPU, an idle
 * thread (the CPU's boot context) that halts when nothing is runnable, and
 * an inbox through which other CPUs hand over wake-ups and new threads.
 * All of a CPU's scheduling state is touched only by that CPU, with
 * interrupts off; other CPUs push onto its lock-free inbox and send an IPI,
 * whose handler (or the idle loop) drains it.
 *
 * A CPU that runs out of work watches its inbox for a moment before it
 * halts (as Linux's haltpoll does in a guest): work handed over in that
 * moment needs no IPI and no wake from hlt, each a trip through the
 * hypervisor, and a thread created on or woken onto another CPU starts
 * that much sooner. "toro.idle_poll_us=N" sets the moment (0: halt at once).
 *
 * FPU state is switched without traps: only threads that may use the FPU
 * (application threads) have a save area, and the registers are saved and
 * loaded only when the next such thread is not the one whose state they
 * hold. Switching between an application thread and kernel threads (idle
 * included) costs nothing extra.
 */
#include <arch/apic.h>
#include <arch/context.h>
#include <arch/irq.h>
#include <arch/trap.h>
#include <arch/x86.h>
#include <kernel/cmdline.h>
#include <kernel/compiler.h>
#include <kernel/heap.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>
#include <kernel/sched.h>
#include <kernel/thread_impl.h>
#include <toro/panic.h>
#include <toro/time.h>

struct sched_cpu {
	struct thread *current;
	struct thread idle;		/* the CPU's boot context */
	struct thread *rq_head, *rq_tail;
	struct thread *all;		/* live threads, idle not included */
	struct mpsc_stack inbox;	/* wake-ups and creations from others */
	struct thread *dead;		/* exited; its stack is freed next */
	struct thread *leaving;		/* moving to another CPU, sent next */
	struct thread *fpu_owner;	/* whose environment the FPU holds */
	uint64_t switches;
	uint64_t idle_ns;
	uint64_t up_ns;			/* scheduling since */
	uint64_t ipis;			/* sent to it to look at the inbox */
	bool up;
	bool polling;			/* idle, watching its inbox */
	bool busy;			/* running threads: looks at its inbox
					 * at the next block, yield or idle */
};

static DEFINE_PERCPU(struct sched_cpu, sched);

/* How long an idle CPU watches its inbox before it halts. Long enough for
 * a round trip to another CPU (a creation, a wake-up and its answer). */
#define IDLE_POLL_US_DEFAULT	50
#define IDLE_POLL_US_MAX	1000000
static uint64_t idle_poll_ns;

/* thread.c: frees what an exited thread no longer needs. */
void thread_reap(struct thread *t);

void thread_stack_bounds(const struct thread *t, uintptr_t *lo,
			 uintptr_t *hi)
{
	if (t && t->stack) {
		*lo = (uintptr_t)t->stack + PAGE_SIZE;
		*hi = (uintptr_t)t->stack + t->stack_pages * PAGE_SIZE;
	} else if (t && t->stack_top) {	/* the C library's (pthreads) */
		*lo = t->stack_top - t->stack_size;
		*hi = t->stack_top;
	} else {	/* the idle thread runs on the CPU's boot stack */
		*lo = this_cpu()->stack_bottom;
		*hi = this_cpu()->stack_top;
	}
}

struct thread *sched_current(void)
{
	return this_cpu_var(sched).current;
}

bool sched_runs_on(const struct thread *t, unsigned cpu)
{
	return READ_ONCE(per_cpu_var(sched, cpu).current) == t;
}

bool sched_running(void)
{
	return this_cpu_var(sched).up;
}

static void rq_push(struct sched_cpu *s, struct thread *t)
{
	t->rq_next = NULL;
	if (s->rq_tail)
		s->rq_tail->rq_next = t;
	else
		s->rq_head = t;
	s->rq_tail = t;
}

/* Ahead of the others: sched_wake_first(). */
static void rq_push_front(struct sched_cpu *s, struct thread *t)
{
	t->rq_next = s->rq_head;
	s->rq_head = t;
	if (!s->rq_tail)
		s->rq_tail = t;
}

static struct thread *rq_pop(struct sched_cpu *s)
{
	struct thread *t = s->rq_head;

	if (t) {
		s->rq_head = t->rq_next;
		if (!s->rq_head)
			s->rq_tail = NULL;
	}
	return t;
}

/* On the owner CPU, interrupts off: a parked thread becomes runnable. A
 * thread that was parking itself but had not switched away yet simply
 * keeps running. Anything else is a late duplicate and changes nothing. */
static void make_ready(struct sched_cpu *s, struct thread *t)
{
	/* Taken whatever happens: it was for this wake-up only. */
	bool first = __atomic_exchange_n(&t->wake_first, false,
					 __ATOMIC_RELAXED);

	if (t->state != THREAD_BLOCKED)
		return;
	if (t == s->current) {
		t->state = THREAD_RUNNING;
	} else {
		t->state = THREAD_READY;
		if (first)
			rq_push_front(s, t);
		else
			rq_push(s, t);
	}
}

static void all_link(struct sched_cpu *s, struct thread *t);

/* On the owner CPU, interrupts off: ends (t)'s wait if it is parked in
 * an interruptible one. Its (waiting) goes back to 0 as a waker would
 * leave it; the wait itself sees (intr_pending). */
static void interrupt_here(struct sched_cpu *s, struct thread *t)
{
	if (t->state == THREAD_BLOCKED && t->intr_sleep &&
	    __atomic_exchange_n(&t->waiting, 0, __ATOMIC_ACQ_REL))
		make_ready(s, t);
}

/* Handles everything other CPUs sent, in the order they sent it. */
static void drain(struct sched_cpu *s)
{
	struct mpsc_node *n = mpsc_take_all_fifo(&s->inbox);

	while (n) {
		struct sched_msg *msg = (struct sched_msg *)n;

		n = n->next;	/* the message may be reused once handled */
		if (msg->type == MSG_CREATE) {
			thread_create_here((struct create_req *)msg);
			continue;
		}
		if (msg->type == MSG_CALL) {
			smp_call_here(msg);
			continue;
		}
		if (msg->type == MSG_ADOPT) {
			struct thread *t =
				container_of(msg, struct thread, move_msg);

			t->state = THREAD_READY;
			all_link(s, t);
			rq_push(s, t);
			continue;
		}
		if (msg->type == MSG_INTERRUPT) {
			struct thread *t =
				container_of(msg, struct thread, intr_msg);

			__atomic_exchange_n(&t->intr_queued, 0,
					    __ATOMIC_SEQ_CST);
			interrupt_here(s, t);
			continue;
		}
		struct thread *t = container_of(msg, struct thread, wake_msg);

		/* settle_messages() keeps a thread from exiting with its
		 * wake-up queued: one here is memory already freed. */
		if (t->state == THREAD_DEAD)
			panic("sched: a wake-up of exited thread %d", t->id);

		/* Let the next wake-up send a message before looking at
		 * (waiting): one that comes after the look sends its own. The
		 * exchange is a full barrier, so the look cannot happen first. */
		__atomic_exchange_n(&t->wake_queued, 0, __ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&t->waiting, __ATOMIC_ACQUIRE))
			make_ready(s, t);
		else	/* outrun, and parked again since */
			__atomic_store_n(&t->wake_first, false,
					 __ATOMIC_RELAXED);
	}
}

static void on_sched_ipi(struct trap_frame *tf, void *arg)
{
	(void)tf;
	(void)arg;
	drain(&this_cpu_var(sched));
}

/* After a switch, in whatever thread now runs: free the stack of a thread
 * that exited on the way out. */
static void finish_switch(struct sched_cpu *s)
{
	struct thread *dead = s->dead, *leaving = s->leaving;

	if (dead && dead != s->current) {
		s->dead = NULL;
		thread_reap(dead);
	}
	/* Off this CPU for good now: its new CPU may run it. */
	if (leaving && leaving != s->current) {
		s->leaving = NULL;
		leaving->move_msg.type = MSG_ADOPT;
		sched_send(leaving->cpu, &leaving->move_msg);
	}
}

/* (t) runs from now on this CPU. */
static void set_current(struct sched_cpu *s, struct thread *t)
{
	struct cpu *c = this_cpu();

	s->current = t;
	thread_stack_bounds(t, &c->run_stack_lo, &c->run_stack_hi);
}

/*
 * CPU time. At each switch the CPU ends (prev)'s slice and starts
 * (next)'s. A slice running is (slice_start) != 0. Ending one changes two
 * fields, so (cpu_seq) is odd meanwhile and a reader on another CPU tries
 * again rather than see half of it; starting one changes one field.
 * (x86: stores are seen in order, loads made in order.)
 */
static void account_switch(struct thread *prev, struct thread *next,
			   uint64_t now)
{
	WRITE_ONCE(prev->cpu_seq, prev->cpu_seq + 1);
	barrier();
	prev->cpu_ns += now - prev->slice_start;
	prev->slice_start = 0;
	barrier();
	WRITE_ONCE(prev->cpu_seq, prev->cpu_seq + 1);
	WRITE_ONCE(next->slice_start, now | 1);	/* never 0 */
}

/* (t)'s CPU time, and in (*now) the time it is for. The time is read
 * inside the sequence: a slice that ends after it changes the sequence,
 * so no reading counts time a later one would not (monotonic). */
static uint64_t cpu_ns_read(const struct thread *t, uint64_t *now)
{
	uint64_t ns, start;
	unsigned seq;

	do {
		seq = READ_ONCE(t->cpu_seq);
		barrier();
		*now = clock_ns();
		ns = READ_ONCE(t->cpu_ns);
		start = READ_ONCE(t->slice_start);
		barrier();
	} while ((seq & 1) || READ_ONCE(t->cpu_seq) != seq);
	return start && *now > start ? ns + (*now - start) : ns;
}

uint64_t thread_cpu_ns(const struct thread *t)
{
	uint64_t now;

	return cpu_ns_read(t, &now);
}

void sched_cpu_times(unsigned cpu, uint64_t *busy, uint64_t *idle)
{
	struct sched_cpu *s = &per_cpu_var(sched, cpu);
	uint64_t up = READ_ONCE(s->up_ns), now = 0;

	*idle = up ? cpu_ns_read(&s->idle, &now) : 0;
	*busy = up && now > up && now - up > *idle ? now - up - *idle : 0;
}

uint64_t sched_busy_ns(void)
{
	uint64_t all = 0, busy, idle;

	for (unsigned cpu = 0; cpu < cpu_count_started(); cpu++) {
		sched_cpu_times(cpu, &busy, &idle);
		all += busy;
	}
	return all;
}

static void switch_to(struct sched_cpu *s, struct thread *prev,
		      struct thread *next)
{
	account_switch(prev, next, clock_ns());
	set_current(s, next);
	if (next != &s->idle)
		next->state = THREAD_RUNNING;
	if (next->fpu && s->fpu_owner != next) {
		if (s->fpu_owner)
			fpu_save(s->fpu_owner->fpu);
		fpu_restore(next->fpu);
		s->fpu_owner = next;
	}
	if (next->tls_base && next->tls_base != prev->tls_base)
		arch_set_tls(next->tls_base);
	s->switches++;
	arch_switch(&prev->sp, next->sp);
	/* prev runs again here, on its own stack. */
	finish_switch(&this_cpu_var(sched));
}

/* Picks the next thread for a CPU whose current one does not stay: the
 * first runnable one, or idle. Interrupts off. */
static void run_next(struct sched_cpu *s, struct thread *prev)
{
	struct thread *next = rq_pop(s);

	if (!next)
		next = &s->idle;
	if (next != prev)
		switch_to(s, prev, next);
	else if (prev != &s->idle)
		prev->state = THREAD_RUNNING;
}

/* Hands (node) to (cpu)'s inbox, interrupting the CPU only when it would
 * not look there soon by itself: a CPU that is idle and watching sees the
 * message, and one running threads handles it when its thread blocks or
 * yields (a thread woken there could not run before anyway). So a
 * wake-up sends an IPI only to a CPU on its way to halt, and only as the
 * first message into an empty inbox. An (urgent) message (one that must
 * be handled in the middle of whatever the CPU runs) interrupts a busy
 * CPU too, even behind others. The fence orders the push before the
 * looks at (polling) and (busy), as the idle loop orders its clearing of
 * either before its last look at the inbox: one of the two sees the
 * other. */
static void push_and_kick(unsigned cpu, struct mpsc_node *node, bool urgent)
{
	struct sched_cpu *s = &per_cpu_var(sched, cpu);

	if (!mpsc_push(&s->inbox, node) && !urgent)
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->polling, __ATOMIC_RELAXED) ||
	    (!urgent && __atomic_load_n(&s->busy, __ATOMIC_RELAXED)))
		return;
	__atomic_add_fetch(&s->ipis, 1, __ATOMIC_RELAXED);
	lapic_send_ipi(cpus[cpu]->apic_id, VEC_IPI_CALL);
}

void sched_block(void)
{
	struct sched_cpu *s = &this_cpu_var(sched);
	struct thread *self = s->current;

	self->state = THREAD_BLOCKED;
	/* A busy CPU gets no IPI for a wake-up: it looks at each block.
	 * Before the look at (waiting): a wake-up of this thread handled
	 * here leaves it running. */
	if (!mpsc_is_empty(&s->inbox))
		drain(s);
	/* Woken already (by an interrupt on this CPU, or another CPU whose
	 * message is still on its way)? Then do not park at all. */
	if (!__atomic_load_n(&self->waiting, __ATOMIC_ACQUIRE)) {
		self->state = THREAD_RUNNING;
		return;
	}
	run_next(s, self);
}

/*
 * From another CPU, the moment (waiting) is clear or (intr_pending) set,
 * (t) may go on, if it had not parked yet, and exit: everything the
 * waker does to (t) after that must be counted in (remote_touch), which
 * settle_messages() waits out. Taken before that first store and let go
 * after the message is pushed (or not needed).
 */
static void touch_begin(struct thread *t)
{
	__atomic_fetch_add(&t->remote_touch, 1, __ATOMIC_SEQ_CST);
}

static void touch_end(struct thread *t)
{
	__atomic_fetch_sub(&t->remote_touch, 1, __ATOMIC_RELEASE);
}

/* (first): the waker that ends the wait asks for the run queue's head,
 * in (wake_first), which the make_ready() of the wake-up takes (here, or
 * where its message is handled). A wake-up whose message was queued
 * already goes as that message said; one the thread outran (it went on
 * before parking) is dropped with its message (drain()). Either way only
 * an order among ready threads is lost. */
static void wake(struct thread *t, bool first)
{
	bool irq = irq_save();

	if (t->cpu == this_cpu_id()) {
		if (__atomic_exchange_n(&t->waiting, 0, __ATOMIC_ACQ_REL)) {
			__atomic_store_n(&t->wake_first, first,
					 __ATOMIC_RELAXED);
			make_ready(&this_cpu_var(sched), t);
		}
		irq_restore(irq);
		return;
	}
	touch_begin(t);
	/* Not parked, or somebody else woke it: nothing to do. One message
	 * at a time per thread: if one is still queued, its handling will
	 * see (waiting) clear and wake the thread. */
	if (__atomic_exchange_n(&t->waiting, 0, __ATOMIC_ACQ_REL) &&
	    !__atomic_exchange_n(&t->wake_queued, 1, __ATOMIC_SEQ_CST)) {
		__atomic_store_n(&t->wake_first, first, __ATOMIC_RELAXED);
		push_and_kick(t->cpu, &t->wake_msg.node, false);
	}
	touch_end(t);
	irq_restore(irq);
}

void sched_wake(struct thread *t)
{
	wake(t, false);
}

void sched_wake_first(struct thread *t)
{
	wake(t, true);
}

void sched_interrupt(struct thread *t)
{
	bool irq = irq_save();

	if (t->cpu == this_cpu_id()) {
		__atomic_store_n(&t->intr_pending, 1, __ATOMIC_SEQ_CST);
		interrupt_here(&this_cpu_var(sched), t);
		irq_restore(irq);
		return;
	}
	touch_begin(t);
	__atomic_store_n(&t->intr_pending, 1, __ATOMIC_SEQ_CST);
	if (!__atomic_exchange_n(&t->intr_queued, 1, __ATOMIC_SEQ_CST)) {
		t->intr_msg.type = MSG_INTERRUPT;
		sched_send(t->cpu, &t->intr_msg);
	}
	touch_end(t);
	irq_restore(irq);
}

void sched_clear_interrupt(void)
{
	__atomic_store_n(&sched_current()->intr_pending, 0, __ATOMIC_SEQ_CST);
}

void sched_send(unsigned cpu, struct sched_msg *msg)
{
	/* A creation's creator, a call's caller wait for it to be
	 * handled, whatever the CPU runs: only wake-ups can wait. */
	push_and_kick(cpu, &msg->node, true);
}

/* The list a debugger walks to find threads that are neither running nor
 * queued (tools/gdb/toro.py); two stores at creation and exit. */
static void all_link(struct sched_cpu *s, struct thread *t)
{
	t->all_prev = NULL;
	t->all_next = s->all;
	if (s->all)
		s->all->all_prev = t;
	s->all = t;
}

static void all_unlink(struct sched_cpu *s, struct thread *t)
{
	if (t->all_prev)
		t->all_prev->all_next = t->all_next;
	else
		s->all = t->all_next;
	if (t->all_next)
		t->all_next->all_prev = t->all_prev;
}

void sched_enqueue_new(struct thread *t)
{
	bool irq = irq_save();
	struct sched_cpu *s = &this_cpu_var(sched);

	t->state = THREAD_READY;
	all_link(s, t);
	rq_push(s, t);
	irq_restore(irq);
}

void sched_yield_cpu(void)
{
	bool irq = irq_save();
	struct sched_cpu *s = &this_cpu_var(sched);
	struct thread *self = s->current;

	drain(s);
	if (s->rq_head) {
		self->state = THREAD_READY;
		rq_push(s, self);
		run_next(s, self);
	}
	irq_restore(irq);
}

/* Before (self) leaves this CPU for good (exit, a move): a wake-up or an
 * interruption of it may still be in this CPU's inbox, read when the
 * CPU next looks, by then at a thread freed or gone elsewhere. That
 * happens when its waker cleared (waiting) before (self) parked, so
 * (self) went on, and sent no IPI to this busy CPU; the waker may even
 * not have pushed it yet (remote_touch). Waits for those, handles them
 * now (a running thread has nothing to wake). Interrupts off. */
static __cold void settle_messages(struct sched_cpu *s,
				    struct thread *self)
{
	/* (remote_touch) first: a waker that is done has queued its
	 * message, and the loads below then see it. */
	while (__atomic_load_n(&self->remote_touch, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&self->wake_queued, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&self->intr_queued, __ATOMIC_ACQUIRE)) {
		drain(s);	/* a message being pushed shows up soon */
		cpu_relax();
	}
}

__cold int sched_migrate_self(unsigned cpu)
{
	bool irq = irq_save();
	struct sched_cpu *s = &this_cpu_var(sched);
	struct thread *self = s->current;

	if (cpu != self->cpu) {
		/* Its floating-point environment goes with it, saved
		 * here: the new CPU restores it. */
		if (s->fpu_owner == self) {
			fpu_save(self->fpu);
			s->fpu_owner = NULL;
		}
		settle_messages(s, self);
		all_unlink(s, self);
		self->state = THREAD_READY;
		self->cpu = cpu;
		s->leaving = self;
		run_next(s, self);
	}
	irq_restore(irq);
	return 0;
}

void sched_exit(void)
{
	irq_disable();
	struct sched_cpu *s = &this_cpu_var(sched);
	struct thread *self = s->current;

	settle_messages(s, self);
	self->state = THREAD_DEAD;
	all_unlink(s, self);
	if (s->fpu_owner == self)
		s->fpu_owner = NULL;	/* nothing left worth saving */
	s->dead = self;
	run_next(s, self);
	panic("a dead thread was scheduled");
}

/* First code of every new thread (switch.S jumps here). */
__noreturn void sched_thread_start(void)
{
	struct sched_cpu *s = &this_cpu_var(sched);
	struct thread *self = s->current;

	finish_switch(s);
	irq_enable();
	kthread_exit(self->fn(self->arg));
}

__cold void sched_init_cpu(void)
{
	struct sched_cpu *s = &this_cpu_var(sched);
	static bool handler_set;

	if (!handler_set) {	/* the boot CPU comes first, alone */
		handler_set = true;
		irq_set_handler(VEC_IPI_CALL, on_sched_ipi, NULL);
		idle_poll_ns = MIN(kopt_u64("toro.idle_poll_us",
					    IDLE_POLL_US_DEFAULT),
				   IDLE_POLL_US_MAX) * 1000;
	}
	s->idle.cpu = this_cpu_id();
	s->idle.state = THREAD_IDLE;
	set_current(s, &s->idle);
	/* Its first slice, idle, from now (never 0: "not yet"). */
	s->up_ns = s->idle.slice_start = clock_ns() | 1;
	s->up = true;
}

static bool has_work(struct sched_cpu *s)
{
	return READ_ONCE(s->rq_head) || !mpsc_is_empty(&s->inbox);
}

bool sched_others_ready(void)
{
	return READ_ONCE(this_cpu_var(sched).rq_head) != NULL;
}

static sched_idle_hook idle_hook;

sched_idle_hook sched_set_idle_hook(sched_idle_hook fn)
{
	return __atomic_exchange_n(&idle_hook, fn, __ATOMIC_RELAXED);
}

/* Idle since (t0), interrupts on: watches the inbox and the run queue
 * (which this CPU's interrupt handlers fill) until idle_poll_ns have
 * passed. Returns with interrupts off and (polling) clear, true if there
 * is work: false means nobody can hand any over without an IPI now. */
static bool idle_poll(struct sched_cpu *s, uint64_t t0)
{
	__atomic_store_n(&s->polling, true, __ATOMIC_RELAXED);
	while (!has_work(s) &&
	       clock_ns() - t0 < __atomic_load_n(&idle_poll_ns,
						 __ATOMIC_RELAXED))
		cpu_relax();
	irq_disable();
	__atomic_store_n(&s->polling, false, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return has_work(s);
}

void sched_idle_loop(void)
{
	struct sched_cpu *s = &this_cpu_var(sched);

	for (;;) {
		irq_disable();
		/* Nothing running: messages from now on come with an IPI
		 * (or are watched for), those before are drained here. */
		__atomic_store_n(&s->busy, false, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		drain(s);
		if (s->rq_head) {
			__atomic_store_n(&s->busy, true, __ATOMIC_RELAXED);
			run_next(s, &s->idle);
			continue;
		}
		irq_enable();
		heap_drain_remote();	/* blocks other CPUs freed here */
		sched_idle_hook hook = READ_ONCE(idle_hook);

		if (hook)
			hook();
		uint64_t t0 = clock_ns();	/* watching counts as idle */

		/* sti; hlt cannot miss a wake-up: an IPI sent after
		 * idle_poll()'s last look stays pending until sti takes
		 * effect. */
		if (!idle_poll(s, t0))
			cpu_idle_wait();
		s->idle_ns += clock_ns() - t0;
	}
}

void sched_stats(unsigned cpu, struct sched_stats *st)
{
	struct sched_cpu *s = &per_cpu_var(sched, cpu);

	st->switches = READ_ONCE(s->switches);
	st->idle_ns = READ_ONCE(s->idle_ns);
	st->ipis = __atomic_load_n(&s->ipis, __ATOMIC_RELAXED);
}

bool sched_idle_watching(void)
{
	return this_cpu_var(sched).polling;
}

uint64_t sched_set_idle_poll(uint64_t ns)
{
	return __atomic_exchange_n(&idle_poll_ns, ns, __ATOMIC_RELAXED);
}
