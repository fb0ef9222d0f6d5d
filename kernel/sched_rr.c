/*
 * sched_rr.c - round-robin: one FIFO ready queue and a time quantum.
 *
 * This is the smallest policy and the model for writing another (lottery,
 * SRTF, ...). How a policy is written:
 *
 *  1. Keep your ready queue(s) as static data in your own file, linked
 *     through t->run_list (a task is on at most one ready queue).
 *  2. Write the eight functions of struct sched_policy (sched_policy.h):
 *     init forgets everything; enqueue/dequeue add and remove a task;
 *     pick_next removes the task to run and sets its time_slice; tick
 *     says whether the running task should give up the CPU; preempts says
 *     whether a task that just woke should take the CPU at once;
 *     for_each_ready and nr_ready let ps and the checkers look inside.
 *  3. Keep every one of them O(1) (or O(levels)): they run with
 *     interrupts off, on every tick and every switch. Never walk all tasks.
 *  4. Use the `now` argument as the clock, never jiffies, so a host unit
 *     test (tests/unit/test_sched_rr.c) can drive the policy with a fake
 *     clock and a ten-line fake core.
 *  5. Export one `const struct sched_policy sched_<name>`, declare it in
 *     sched_policy.h, list it in sched_policies[] (sched.c) and boot with
 *     sched=<name>.
 */
#include "sched_policy.h"

static LIST_HEAD(rr_queue); /* the ready tasks, head runs next */
static unsigned rr_quantum; /* ticks per turn */
static unsigned rr_count;   /* tasks on rr_queue */

static void rr_init(unsigned quantum)
{
	INIT_LIST_HEAD(&rr_queue);
	rr_quantum = quantum;
	rr_count = 0;
}

static void rr_enqueue(struct task_struct *t, uint32_t now)
{
	(void)now;
	list_add_tail(&t->run_list, &rr_queue); /* to the back of the line */
	rr_count++;
}

static void rr_dequeue(struct task_struct *t)
{
	list_del_init(&t->run_list);
	rr_count--;
}

static struct task_struct *rr_pick_next(uint32_t now)
{
	struct task_struct *t;

	(void)now;
	if (list_empty(&rr_queue))
		return NULL;
	t = list_first_entry(&rr_queue, struct task_struct, run_list);
	rr_dequeue(t);
	t->time_slice = rr_quantum; /* a fresh quantum each time it runs */
	return t;
}

static bool rr_tick(struct task_struct *curr, uint32_t now)
{
	(void)now;
	/* The test for > 0 only guards against a slice the core never set. */
	if (curr->time_slice > 0)
		curr->time_slice--;
	return curr->time_slice == 0; /* quantum used up: next, please */
}

static bool rr_preempts(struct task_struct *curr, struct task_struct *woken)
{
	(void)curr;
	(void)woken;
	return false; /* a wakeup waits its turn at the back of the line */
}

static void rr_for_each_ready(void (*fn)(struct task_struct *, void *),
			      void *arg)
{
	struct task_struct *t;

	list_for_each_entry (t, &rr_queue, run_list)
		fn(t, arg);
}

static unsigned rr_nr_ready(void)
{
	return rr_count;
}

const struct sched_policy sched_rr = {
    .name = "rr",
    .init = rr_init,
    .enqueue = rr_enqueue,
    .dequeue = rr_dequeue,
    .pick_next = rr_pick_next,
    .tick = rr_tick,
    .preempts = rr_preempts,
    .for_each_ready = rr_for_each_ready,
    .nr_ready = rr_nr_ready,
};
