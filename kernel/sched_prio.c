/*
 * sched_prio.c - priority scheduling with aging, O(1) pick.
 *
 * One FIFO list per priority level (0 highest .. 31 lowest) and a 32-bit
 * bitmap with bit L set when list L is not empty: the best ready task is
 * the head of list __builtin_ctz(bitmap), one instruction away, however
 * many tasks are ready. Within a level, tasks take turns round-robin.
 *
 * A task is queued by its effective priority t->prio. Alone, strict
 * priority lets a busy task at level 0 starve everybody below it, so each
 * tick ages the queues: the head of each level that has waited
 * PRIO_AGE_TICKS moves up one level (t->prio - 1). Once the task runs the
 * bonus is spent and t->prio goes back to t->static_prio. Only heads are
 * aged, at most one per level per tick, so a tick costs O(levels), never
 * O(tasks); because a list's ready_since times never decrease from head
 * to tail, the head is always the one that has waited longest.
 *
 * The starvation bound. Let A = PRIO_AGE_TICKS, q = the quantum, and n =
 * the most tasks ready or running at once while X waits (X included).
 * A task X made ready at priority p is picked (if no setpriority call
 * intervenes) within
 *
 *	p * (A + n - 1) + (n - 1) * q   ticks.
 *
 * Why: at most n - 1 tasks are ahead of X on its list, and all of them
 * joined it no later than X, so A ticks after X joined, every tick
 * promotes (or a pick removes) one of them; X itself moves up at the
 * latest A + n - 1 ticks after it joined its level. After p moves it is at
 * level 0, which nothing can overtake: new arrivals queue behind it, so it
 * waits only for the running task and the tasks ahead of it, each for at
 * most one quantum. And X cannot run before p * A ticks while a level-0
 * task is always ready: it needs p promotions, A ticks apart.
 * (tests/unit/test_sched_prio.c checks both ends.)
 */
#include "sched_policy.h"

static struct list_head prio_queue[PRIO_LEVELS]; /* FIFO per level */
static uint32_t prio_bitmap; /* bit L set: prio_queue[L] is not empty */
static unsigned prio_quantum;
static unsigned prio_count; /* tasks on all the queues */

static void prio_init(unsigned quantum)
{
	for (int i = 0; i < PRIO_LEVELS; i++)
		INIT_LIST_HEAD(&prio_queue[i]);
	prio_bitmap = 0;
	prio_quantum = quantum;
	prio_count = 0;
}

/* Queue t at the tail of the level of its effective priority. */
static void prio_enqueue(struct task_struct *t, uint32_t now)
{
	t->ready_since = now; /* aging counts from here */
	list_add_tail(&t->run_list, &prio_queue[t->prio]);
	prio_bitmap |= 1u << t->prio;
	prio_count++;
}

static void prio_dequeue(struct task_struct *t)
{
	list_del_init(&t->run_list);
	if (list_empty(&prio_queue[t->prio]))
		prio_bitmap &= ~(1u << t->prio);
	prio_count--;
}

/* The best (lowest) non-empty level; prio_bitmap must not be 0. */
static int best_level(void)
{
	return __builtin_ctz(prio_bitmap);
}

static struct task_struct *prio_pick_next(uint32_t now)
{
	struct task_struct *t;

	(void)now;
	if (!prio_bitmap)
		return NULL;
	t = list_first_entry(&prio_queue[best_level()], struct task_struct,
			     run_list);
	prio_dequeue(t);
	t->prio = t->static_prio; /* the aging bonus is spent by running */
	t->time_slice = prio_quantum;
	return t;
}

/*
 * Move the longest waiter of each level up one level if it has waited
 * PRIO_AGE_TICKS. Levels are visited from best to worst, so a task just
 * promoted into level L - 1 is never promoted again in the same tick.
 */
static void prio_age(uint32_t now)
{
	uint32_t levels = prio_bitmap & ~1u; /* level 0 cannot move up */

	while (levels) {
		int lvl = __builtin_ctz(levels);
		struct task_struct *t = list_first_entry(
		    &prio_queue[lvl], struct task_struct, run_list);

		levels &= levels - 1; /* done with lvl */
		if (now - t->ready_since < PRIO_AGE_TICKS)
			continue;
		prio_dequeue(t);
		t->prio--;
		prio_enqueue(t, now); /* to the tail, waiting afresh */
	}
}

static bool prio_tick(struct task_struct *curr, uint32_t now)
{
	prio_age(now);
	if (curr->time_slice > 0)
		curr->time_slice--;
	if (curr->time_slice == 0)
		return true; /* quantum used up */
	/* Aging may just have lifted a waiter above curr. */
	return prio_bitmap && best_level() < curr->prio;
}

static bool prio_preempts(struct task_struct *curr, struct task_struct *woken)
{
	return woken->prio < curr->prio;
}

static void prio_for_each_ready(void (*fn)(struct task_struct *, void *),
				void *arg)
{
	struct task_struct *t;

	for (int i = 0; i < PRIO_LEVELS; i++)
		list_for_each_entry (t, &prio_queue[i], run_list)
			fn(t, arg);
}

static unsigned prio_nr_ready(void)
{
	return prio_count;
}

const struct sched_policy sched_prio = {
    .name = "prio",
    .init = prio_init,
    .enqueue = prio_enqueue,
    .dequeue = prio_dequeue,
    .pick_next = prio_pick_next,
    .tick = prio_tick,
    .preempts = prio_preempts,
    .for_each_ready = prio_for_each_ready,
    .nr_ready = prio_nr_ready,
};
