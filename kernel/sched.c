/*
 * sched.c - the scheduler core.
 *
 * The life of the CPU, as the textbook's queueing diagram draws it:
 *
 *   ready queue --dispatch--> CPU --preempt/yield--> ready queue
 *                              |--block--> wait queue --wake--> ready queue
 *                              `--exit--> zombie
 *
 * The policy (sched_rr.c, sched_prio.c, sched_mlfq.c) owns the ready
 * queue. This file calls it at the four moments that matter: a task
 * becomes ready (enqueue), the CPU needs a task (pick_next), a tick passes
 * (tick), and a task wakes (preempts). It never walks a list of tasks.
 */
#include "sched.h"
#include "panic.h"
#include "time.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/kstack.h"
#include "mm/vm.h"
#include "x86/io.h"
#include "x86/segment.h"
#include <mica/errno.h>

struct task_struct *current;
struct task_struct *idle_task;
const struct sched_policy *policy;
unsigned sched_quantum;

/* Every policy a student can choose; add a new one here. */
static const struct sched_policy *const sched_policies[] = {
    &sched_rr,
    &sched_prio,
    &sched_mlfq,
    &sched_lottery,
};

#define QUANTUM_MS_DEFAULT 50

/* The long-term scheduler's state (see sched_admit). */
static unsigned max_admitted; /* maxready=; 0 = no limit */
static unsigned nr_admitted;
static LIST_HEAD(admission_queue); /* NEW tasks waiting to be admitted */
static unsigned nr_waiting_admission;

static struct task_struct idle_task_struct;

const struct sched_policy *sched_policy_by_name(const char *name)
{
	for (unsigned i = 0; i < sizeof sched_policies / sizeof *sched_policies;
	     i++)
		if (strcmp(sched_policies[i]->name, name) == 0)
			return sched_policies[i];
	return 0;
}

/*
 * The boot context becomes the idle task (pid 0): it owns the CPU until
 * the first kthread is ready, and again whenever no task is.
 */
static void idle_init(void *stack)
{
	struct task_struct *t = &idle_task_struct;

	t->kstack = stack;
	t->pid = 0;
	strlcpy(t->name, "idle", sizeof t->name);
	t->state = TASK_RUNNING;
	t->static_prio = t->prio = PRIO_LEVELS - 1;
	INIT_LIST_HEAD(&t->run_list);
	INIT_LIST_HEAD(&t->wait_link);
	INIT_LIST_HEAD(&t->timer_link);
	INIT_LIST_HEAD(&t->children);
	INIT_LIST_HEAD(&t->sibling);
	INIT_LIST_HEAD(&t->tasks);
	wait_queue_init(&t->child_exit, "wait");
	idle_task = current = t;
}

void sched_init(void *boot_stack)
{
	const char *name = cmdline_get("sched");
	unsigned quantum_ms;

	policy = sched_policy_by_name(name ? name : "rr");
	if (!policy) {
		printk("sched: unknown policy '%s', using rr\n", name);
		policy = &sched_rr;
	}
	quantum_ms = cmdline_get_int("quantum", QUANTUM_MS_DEFAULT, 1, 10000);
	sched_quantum = ms_to_ticks(quantum_ms);
	if (sched_quantum == 0)
		sched_quantum = 1;
	max_admitted = cmdline_get_int("maxready", 0, 0, 1000000);
	policy->init(sched_quantum);
	idle_init(boot_stack);
}

/*
 * Switch the CPU from prev to next. Before the registers change hands, the
 * CPU is told where next's kernel stack is (the TSS: a trap from user mode
 * lands there) and, once user tasks have address spaces, which page
 * directory to use. switch_to (arch/x86/switch.S) then swaps the stacks.
 * When prev is chosen again, it returns from switch_to right here.
 */
void context_switch(struct task_struct *prev, struct task_struct *next)
{
	tss_set_kernel_stack((uint32_t)next->kstack + KSTACK_SIZE);
	/*
	 * A kernel thread has no user memory and runs on whatever page
	 * directory is loaded (the kernel half is the same in all), so only
	 * a switch to a different user address space reloads CR3 (and
	 * flushes the TLB's user entries).
	 */
	if (next->mm && next->mm != prev->mm)
		mm_activate(next->mm);
	switch_to(prev, next);
}

/* Pick the next task and switch to it. prev is no longer RUNNING. */
static void pick_and_switch(void)
{
	struct task_struct *prev = current;
	struct task_struct *next = policy->pick_next(jiffies);

	if (!next)
		next = idle_task;
	task_set_state(next, TASK_RUNNING, TR_DISPATCH);
	if (next == prev)
		return;
	current = next;
	context_switch(prev, next);
	/* We are prev again, chosen by some later pick_and_switch. */
}

void schedule(void)
{
	uint32_t flags = irq_save();

	assert(current->state != TASK_RUNNING);
	current->nvcsw++;
	current->need_resched = false; /* it is leaving the CPU anyway */
	pick_and_switch();
	irq_restore(flags);
}

/* current goes back to the ready queue, for a reason (yield, preempt). */
static void requeue_current(enum trace_reason why)
{
	struct task_struct *t = current;

	t->need_resched = false;
	task_set_state(t, TASK_READY, why);
	if (t != idle_task)
		policy->enqueue(t, jiffies);
}

/*
 * Switch straight to next, a task that was WAITING (unlinked from its
 * queue), without the ready queue: current has just blocked. The state
 * diagram still holds (WAITING -> READY -> RUNNING, both traced); only
 * the policy's enqueue and pick are skipped. Used by the IPC fast path.
 */
void sched_switch_to_woken(struct task_struct *next)
{
	struct task_struct *prev = current;

	assert(prev->state != TASK_RUNNING && next->state == TASK_WAITING);
	task_set_state(next, TASK_READY, TR_WAKE);
	task_set_state(next, TASK_RUNNING, TR_DISPATCH);
	/* next runs on what is left of prev's quantum, as L4 donates it: a
	 * client and its server together get one task's share of the CPU. */
	next->time_slice = prev->time_slice ? prev->time_slice : 1;
	prev->nvcsw++;
	prev->need_resched = false;
	current = next;
	context_switch(prev, next);
}

void sched_yield(void)
{
	uint32_t flags = irq_save();

	current->nvcsw++;
	requeue_current(TR_YIELD);
	pick_and_switch();
	irq_restore(flags);
}

void sched_preempt_point(void)
{
	if (!current->need_resched)
		return;
	current->nivcsw++;
	requeue_current(TR_PREEMPT);
	pick_and_switch();
}

void sched_make_ready(struct task_struct *t, enum trace_reason why)
{
	uint32_t flags = irq_save();

	task_set_state(t, TASK_READY, why);
	t->time_slice = 0; /* it waited: its next turn is a whole quantum */
	policy->enqueue(t, jiffies);
	if (current == idle_task || policy->preempts(current, t))
		current->need_resched = true;
	irq_restore(flags);
}

void sched_tick(bool from_user)
{
	struct task_struct *t = current;

	if (from_user)
		t->utime++;
	else
		t->stime++;
	timers_tick(jiffies);
	if (t == idle_task) {
		t->need_resched = policy->nr_ready() > 0;
		return;
	}
	if (policy->tick(t, jiffies))
		t->need_resched = true;
}

int sched_set_policy(const struct sched_policy *p, unsigned quantum)
{
	uint32_t flags = irq_save();

	if (policy->nr_ready() > 0) {
		irq_restore(flags);
		return -EBUSY;
	}
	if (quantum)
		sched_quantum = quantum;
	policy = p;
	policy->init(sched_quantum);
	irq_restore(flags);
	return 0;
}

void sched_set_max_admitted(unsigned n)
{
	max_admitted = n;
}

int sched_set_priority(struct task_struct *t, int prio)
{
	uint32_t flags;

	if (prio < 0 || prio >= PRIO_LEVELS)
		return -1;
	flags = irq_save();
	if (t->state == TASK_READY) {
		/* Re-queue so the task sits on the list of its new level. */
		policy->dequeue(t);
		t->static_prio = t->prio = prio;
		policy->enqueue(t, jiffies);
		if (policy->preempts(current, t))
			current->need_resched = true;
	} else {
		t->static_prio = t->prio = prio;
	}
	irq_restore(flags);
	return 0;
}

/*
 * The long-term scheduler decides which NEW tasks enter the ready queue:
 * with maxready=N at most N tasks are admitted (READY, RUNNING or
 * WAITING) at once, and the rest wait here, in the job queue, as NEW.
 */
void sched_admit(struct task_struct *t)
{
	uint32_t flags = irq_save();

	if (max_admitted && nr_admitted >= max_admitted) {
		list_add_tail(&t->run_list, &admission_queue);
		nr_waiting_admission++;
	} else {
		nr_admitted++;
		sched_make_ready(t, TR_ADMIT);
	}
	irq_restore(flags);
}

/* A NEW task waiting for admission must run now (it was killed). */
void sched_admit_now(struct task_struct *t)
{
	uint32_t flags = irq_save();

	if (t->state == TASK_NEW && !list_empty(&t->run_list)) {
		list_del_init(&t->run_list);
		nr_waiting_admission--;
		nr_admitted++;
		sched_make_ready(t, TR_ADMIT);
	}
	irq_restore(flags);
}

void sched_retire(struct task_struct *t)
{
	struct task_struct *next;

	(void)t;
	nr_admitted--;
	if (list_empty(&admission_queue))
		return;
	next = list_first_entry(&admission_queue, struct task_struct, run_list);
	list_del_init(&next->run_list);
	nr_waiting_admission--;
	nr_admitted++;
	sched_make_ready(next, TR_ADMIT);
}

unsigned sched_nr_admitted(void)
{
	return nr_admitted;
}

unsigned sched_nr_waiting_admission(void)
{
	return nr_waiting_admission;
}
