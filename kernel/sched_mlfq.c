/*
 * sched_mlfq.c - multi-level feedback queue.
 *
 * MLFQ_LEVELS FIFO lists. Level 0 runs first but gets the shortest
 * quantum; level i's quantum is quantum << i. The policy learns what a
 * task is from how it behaves, with no priority given by the user:
 *
 *  - a new task starts at level 0 (assume it is interactive);
 *  - a task that uses up its whole quantum moves down one level
 *    (demotion): it looks CPU-bound, so let it run less often but longer;
 *  - a task that blocks before its quantum ends keeps its level, so an
 *    interactive task that runs a little and sleeps stays on top;
 *  - every MLFQ_BOOST_TICKS ticks every task goes back to level 0 (the
 *    boost), so the bottom level cannot starve and a task that has turned
 *    interactive gets a second chance.
 *
 * The boost must not walk every task. The ready lists are spliced onto
 * level 0 in O(levels), and a global epoch is bumped. A task that was
 * waiting or running at the boost still has the old epoch in
 * t->mlfq_epoch; it is put back at level 0 lazily, the next time it is
 * enqueued or picked (mlfq_refresh). A new task has mlfq_epoch 0 (its
 * PCB is zeroed) and epochs start at 1, so "new" is the same case.
 */
#include "sched_policy.h"

static struct list_head mlfq_queue[MLFQ_LEVELS]; /* FIFO per level */
static unsigned mlfq_quantum; /* level 0's; level i gets << i */
static unsigned mlfq_count;   /* tasks on all the queues */

static uint32_t mlfq_epoch;	 /* bumped by each boost; never 0 */
static uint32_t mlfq_last_boost; /* tick of the last boost */

/* A new epoch makes every task seen so far count as level 0. */
static void mlfq_new_epoch(void)
{
	if (++mlfq_epoch == 0) /* 0 means "new task": skip it on wrap */
		mlfq_epoch = 1;
}

static void mlfq_init(unsigned quantum)
{
	for (int i = 0; i < MLFQ_LEVELS; i++)
		INIT_LIST_HEAD(&mlfq_queue[i]);
	mlfq_quantum = quantum;
	mlfq_count = 0;
	/* The boost period counts from tick 0. After a switch of policy at
	 * run time the first boost comes at once: harmless, since the new
	 * epoch below has already put every task at level 0. */
	mlfq_last_boost = 0;
	mlfq_new_epoch(); /* forget the levels of tasks from before */
}

/* The level t really is at: a task from an older epoch is at level 0. */
static unsigned mlfq_level_of(const struct task_struct *t)
{
	return t->mlfq_epoch == mlfq_epoch ? t->mlfq_level : 0;
}

/* Apply a boost (or admission) that t missed; true if it missed one. */
static bool mlfq_refresh(struct task_struct *t)
{
	bool missed = t->mlfq_epoch != mlfq_epoch;

	t->mlfq_level = mlfq_level_of(t);
	t->mlfq_epoch = mlfq_epoch;
	return missed;
}

/* Queue t on its level. Blocking or being preempted keeps the level. */
static void mlfq_enqueue(struct task_struct *t, uint32_t now)
{
	(void)now;
	if (mlfq_refresh(t))
		t->time_slice = 0; /* boosted: a fresh level-0 quantum */
	list_add_tail(&t->run_list, &mlfq_queue[t->mlfq_level]);
	mlfq_count++;
}

static void mlfq_dequeue(struct task_struct *t)
{
	list_del_init(&t->run_list);
	mlfq_count--;
}

static struct task_struct *mlfq_pick_next(uint32_t now)
{
	struct task_struct *t;

	(void)now;
	for (int i = 0; i < MLFQ_LEVELS; i++) {
		if (list_empty(&mlfq_queue[i]))
			continue;
		t = list_first_entry(&mlfq_queue[i], struct task_struct,
				     run_list);
		mlfq_dequeue(t);
		/*
		 * A fresh quantum after a boost, or for a task that waited
		 * (the core zeroes time_slice when a task wakes). A task that
		 * was preempted keeps what is left of its quantum: otherwise a
		 * hog interrupted by frequent wakeups would never use up a
		 * whole quantum and never sink.
		 */
		if (mlfq_refresh(t) || t->time_slice == 0)
			t->time_slice = mlfq_quantum << t->mlfq_level;
		return t;
	}
	return NULL;
}

/* Everybody back to level 0, in O(levels): see the comment at the top. */
static void mlfq_boost(uint32_t now)
{
	for (int i = 1; i < MLFQ_LEVELS; i++)
		list_splice_tail_init(&mlfq_queue[i], &mlfq_queue[0]);
	mlfq_new_epoch();
	mlfq_last_boost = now;
}

static bool mlfq_tick(struct task_struct *curr, uint32_t now)
{
	if (now - mlfq_last_boost >= MLFQ_BOOST_TICKS) {
		mlfq_boost(now);
		/* curr rejoins at level 0 too, behind the boosted tasks. */
		return true;
	}
	/* If a boost passed it by before (the core had not requeued it
	 * yet), demote it from level 0, not from its old level. */
	if (mlfq_refresh(curr))
		curr->time_slice = mlfq_quantum; /* a level-0 quantum */
	if (curr->time_slice > 0)
		curr->time_slice--;
	if (curr->time_slice > 0)
		return false;
	/* It used its whole quantum: it looks CPU-bound, move it down. */
	if (curr->mlfq_level < MLFQ_LEVELS - 1)
		curr->mlfq_level++;
	return true;
}

static bool mlfq_preempts(struct task_struct *curr, struct task_struct *woken)
{
	return mlfq_level_of(woken) < mlfq_level_of(curr);
}

static void mlfq_for_each_ready(void (*fn)(struct task_struct *, void *),
				void *arg)
{
	struct task_struct *t;

	for (int i = 0; i < MLFQ_LEVELS; i++)
		list_for_each_entry (t, &mlfq_queue[i], run_list)
			fn(t, arg);
}

static unsigned mlfq_nr_ready(void)
{
	return mlfq_count;
}

const struct sched_policy sched_mlfq = {
    .name = "mlfq",
    .init = mlfq_init,
    .enqueue = mlfq_enqueue,
    .dequeue = mlfq_dequeue,
    .pick_next = mlfq_pick_next,
    .tick = mlfq_tick,
    .preempts = mlfq_preempts,
    .for_each_ready = mlfq_for_each_ready,
    .nr_ready = mlfq_nr_ready,
};
