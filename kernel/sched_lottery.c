/*
 * sched_lottery.c - lottery scheduling (lab 2's worked example).
 *
 * Every ready task holds some lottery tickets; at each pick the scheduler
 * draws one ticket at random and the task holding it runs for one
 * quantum. Over many picks a task gets a share of the CPU proportional to
 * its tickets: with 24, 16 and 8 tickets, three CPU-bound tasks get about
 * 1/2, 1/3 and 1/6 of the picks. No task with tickets ever starves; it is
 * just unlikely to wait long (probability, not a bound as in sched_prio).
 *
 *  - Tickets: 32 - static_prio, so priority 0 (the highest) holds 32
 *    tickets, the default 16 holds 16, and 31 (the lowest) still holds 1.
 *    They are read at each draw, so setpriority() takes effect at once.
 *  - Randomness: xorshift32 (Marsaglia, 2003) with a fixed seed, set again
 *    by init, so that two boots with the same workload make the same
 *    draws and a trace can be reproduced. It is not good randomness, but
 *    it is fast, needs no division, and is plenty for a scheduler.
 *  - The ready queue is one list in arrival order; the quantum is as in
 *    rr; a task that wakes does not preempt (it waits for the next draw).
 *
 * A lab policy may break one rule of sched_policy.h: pick_next walks the
 * ready list to sum the tickets and find the winner, O(n) in the number
 * of ready tasks, with interrupts off. That is fine for a few dozen tasks.
 * A production lottery scheduler keeps a running total (updated on
 * enqueue, dequeue and setpriority) and a tree of partial sums, for
 * O(log n) draws.
 *
 * Lab 2 (docs/labs/lab2.md): `make handout` replaces the code between the
 * LAB2 markers by a stub (FIFO: always the head), which builds and runs
 * but fails `make grade LAB=2`.
 */
#include "sched_policy.h"

#define LOTTERY_SEED 0x6d696361u /* "mica": any non-zero value */

static LIST_HEAD(lot_queue); /* the ready tasks, in arrival order */
static unsigned lot_quantum; /* ticks per turn */
static unsigned lot_count;   /* tasks on lot_queue */
static uint32_t lot_state = LOTTERY_SEED; /* the PRNG's state, never 0 */

/* For tests: restart the random sequence (0 means the default seed). */
void sched_lottery_seed(uint32_t seed);
void sched_lottery_seed(uint32_t seed)
{
	lot_state = seed ? seed : LOTTERY_SEED;
}

/* The number of tickets t holds: 1 (priority 31) to 32 (priority 0). */
unsigned sched_lottery_tickets(const struct task_struct *t);
unsigned sched_lottery_tickets(const struct task_struct *t)
{
	/* LAB2-BEGIN: tickets = 32 - static_prio, at least 1 */
	int p = t->static_prio;

	if (p < 0)
		p = 0;
	if (p > PRIO_LEVELS - 1)
		p = PRIO_LEVELS - 1;
	return (unsigned)(PRIO_LEVELS - p);
	/* LAB2-ELSE
	(void)t;
	return 1;
	LAB2-END */
}

/* LAB2-BEGIN: a deterministic pseudo-random number generator */
/* xorshift32: a full-period generator over the 2^32 - 1 non-zero states. */
static uint32_t lot_random(void)
{
	uint32_t x = lot_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	lot_state = x;
	return x;
}
/* LAB2-END */

static void lot_init(unsigned quantum)
{
	INIT_LIST_HEAD(&lot_queue);
	lot_quantum = quantum;
	lot_count = 0;
	sched_lottery_seed(0); /* same draws on every boot */
}

static void lot_enqueue(struct task_struct *t, uint32_t now)
{
	(void)now;
	list_add_tail(&t->run_list, &lot_queue);
	lot_count++;
}

static void lot_dequeue(struct task_struct *t)
{
	list_del_init(&t->run_list);
	lot_count--;
}

static struct task_struct *lot_pick_next(uint32_t now)
{
	struct task_struct *t, *winner = NULL;

	(void)now;
	if (list_empty(&lot_queue))
		return NULL;
	/* LAB2-BEGIN: draw a ticket and find the task that holds it (O(n)) */
	{
		uint32_t total = 0, ticket;

		list_for_each_entry (t, &lot_queue, run_list)
			total += sched_lottery_tickets(t);
		/* The modulo bias is below total / 2^32: negligible here. */
		ticket = lot_random() % total;
		list_for_each_entry (t, &lot_queue, run_list) {
			uint32_t n = sched_lottery_tickets(t);

			if (ticket < n) {
				winner = t;
				break;
			}
			ticket -= n;
		}
	}
	/* LAB2-ELSE
	winner = list_first_entry(&lot_queue, struct task_struct, run_list);
	(void)t;
	LAB2-END */
	lot_dequeue(winner);
	winner->time_slice = lot_quantum;
	return winner;
}

static bool lot_tick(struct task_struct *curr, uint32_t now)
{
	(void)now;
	if (curr->time_slice > 0)
		curr->time_slice--;
	return curr->time_slice == 0; /* quantum over: draw again */
}

static bool lot_preempts(struct task_struct *curr, struct task_struct *woken)
{
	(void)curr;
	(void)woken;
	return false; /* a woken task takes part in the next draw */
}

/* The order here is arrival order: who runs next is decided by the draw. */
static void lot_for_each_ready(void (*fn)(struct task_struct *, void *),
			       void *arg)
{
	struct task_struct *t;

	list_for_each_entry (t, &lot_queue, run_list)
		fn(t, arg);
}

static unsigned lot_nr_ready(void)
{
	return lot_count;
}

const struct sched_policy sched_lottery = {
    .name = "lottery",
    .init = lot_init,
    .enqueue = lot_enqueue,
    .dequeue = lot_dequeue,
    .pick_next = lot_pick_next,
    .tick = lot_tick,
    .preempts = lot_preempts,
    .for_each_ready = lot_for_each_ready,
    .nr_ready = lot_nr_ready,
};
