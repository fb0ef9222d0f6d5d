/*
 * sched_policy.h - the interface between the scheduler core and a policy.
 *
 * The core (kernel/sched.c) decides *when* to switch: a tick, a yield, a
 * block, a wakeup. A policy decides *who* runs next, by keeping the ready
 * queue(s) in its own way. A policy is one file (sched_rr.c, sched_prio.c,
 * sched_mlfq.c) that fills in a struct sched_policy; to add one, write a
 * new file and list it in sched_policies[] (kernel/sched.c).
 *
 * Rules every policy keeps:
 *  - the core calls these with interrupts off, one at a time;
 *  - a task is on at most one ready queue, linked through t->run_list;
 *  - nothing here may take time that grows with the number of tasks:
 *    enqueue, dequeue, pick_next and tick are O(1) (or O(levels));
 *  - `now` is the tick count, passed in so host tests can fake the clock.
 */
#ifndef MICA_SCHED_POLICY_H
#define MICA_SCHED_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "task.h"

#define PRIO_LEVELS  32 /* priorities 0 (highest) .. 31 (lowest) */
#define PRIO_DEFAULT 16
#define MLFQ_LEVELS  4

/*
 * prio: a ready task that has waited this many ticks at the head of its
 * level moves up one level (aging), so no task starves. See sched_prio.c
 * for the bound on the wait that this gives.
 */
#define PRIO_AGE_TICKS 20

/*
 * mlfq: every this many ticks every task goes back to level 0 (the
 * boost), so a CPU-bound task that turns interactive is not stuck at the
 * bottom, and the bottom level cannot starve. See sched_mlfq.c.
 */
#define MLFQ_BOOST_TICKS 100

struct sched_policy {
	const char *name; /* as chosen on the command line: sched=<name> */

	/* Forget every queued task; quantum is in ticks (>= 1). */
	void (*init)(unsigned quantum);

	/* t has become READY: put it on a ready queue. */
	void (*enqueue)(struct task_struct *t, uint32_t now);

	/* t leaves its ready queue without running (it was killed). */
	void (*dequeue)(struct task_struct *t);

	/* Remove and return the task to run next, or NULL if none is ready.
	 * Sets its time_slice for the quantum it is about to get. */
	struct task_struct *(*pick_next)(uint32_t now);

	/* One timer tick has passed while curr ran (curr is on no queue).
	 * Returns true if curr should give up the CPU now. */
	bool (*tick)(struct task_struct *curr, uint32_t now);

	/* woken has just been enqueued: should it take the CPU from curr? */
	bool (*preempts)(struct task_struct *curr, struct task_struct *woken);

	/* Call fn on each ready task, in the order they would run. For the
	 * runq GDB command's test, ps, and the invariant checker. */
	void (*for_each_ready)(void (*fn)(struct task_struct *t, void *arg),
			       void *arg);

	/* How many tasks are on the ready queues. */
	unsigned (*nr_ready)(void);
};

extern const struct sched_policy sched_rr;
extern const struct sched_policy sched_prio;
extern const struct sched_policy sched_mlfq;
extern const struct sched_policy sched_lottery; /* lab 2 (sched_lottery.c) */

#endif
