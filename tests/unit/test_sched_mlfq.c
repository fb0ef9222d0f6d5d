/* test_sched_mlfq.c - host tests for the multi-level feedback queue. */
#include <string.h>

#include "unit.h"
#include "sched_policy.h"

static const struct sched_policy *pol = &sched_mlfq;

#define Q 2 /* level i's quantum is Q << i: 2, 4, 8, 16 */

/* A task as task_create leaves it: zeroed, so mlfq_epoch 0 = "new". */
static void task_setup(struct task_struct *t, char name)
{
	memset(t, 0, sizeof *t);
	t->name[0] = name;
	t->static_prio = t->prio = PRIO_DEFAULT;
	INIT_LIST_HEAD(&t->run_list);
}

static void append_name(struct task_struct *t, void *arg)
{
	char *buf = arg;
	size_t len = strlen(buf);

	if (len >= 62)
		return; /* a corrupted queue: the caller's compare will fail */
	buf[len] = t->name[0];
	buf[len + 1] = '\0';
}

static const char *ready_names(void)
{
	static char buf[64];

	buf[0] = '\0';
	pol->for_each_ready(append_name, buf);
	return buf;
}

/*
 * Run t alone (picked from the queue) until tick() says stop; returns
 * how many ticks that took. *now advances.
 */
static unsigned run_one_quantum(struct task_struct *t, uint32_t *now)
{
	unsigned ticks = 0;

	pol->enqueue(t, *now);
	CHECK(pol->pick_next(*now) == t);
	do
		ticks++;
	while (!pol->tick(t, ++*now) && ticks < 1000);
	return ticks;
}

UNIT_TEST(mlfq_new_task_starts_at_level_0)
{
	struct task_struct a;

	pol->init(Q);
	task_setup(&a, 'A');
	a.mlfq_level = 3; /* garbage from nowhere: epoch 0 means new */
	pol->enqueue(&a, 0);
	CHECK_EQ(a.mlfq_level, 0);
	CHECK(a.mlfq_epoch != 0);
	CHECK(pol->pick_next(0) == &a);
	CHECK_EQ(a.time_slice, Q);
}

UNIT_TEST(mlfq_demotes_on_full_quantum_each_level)
{
	struct task_struct a;
	uint32_t now = 0;

	pol->init(Q);
	task_setup(&a, 'A');
	/* 2 + 4 + 8 + 16 + 16 = 46 ticks: well before the first boost. */
	CHECK_EQ(run_one_quantum(&a, &now), 2);
	CHECK_EQ(a.mlfq_level, 1);
	CHECK_EQ(run_one_quantum(&a, &now), 4);
	CHECK_EQ(a.mlfq_level, 2);
	CHECK_EQ(run_one_quantum(&a, &now), 8);
	CHECK_EQ(a.mlfq_level, 3);
	CHECK_EQ(run_one_quantum(&a, &now), 16);
	CHECK_EQ(a.mlfq_level, 3); /* the bottom: stays */
	CHECK_EQ(run_one_quantum(&a, &now), 16);
	CHECK_EQ(a.mlfq_level, 3);
	CHECK_EQ(now, 46);
}

UNIT_TEST(mlfq_keeps_level_on_blocking)
{
	struct task_struct a;
	uint32_t now = 0;

	pol->init(Q);
	task_setup(&a, 'A');
	run_one_quantum(&a, &now);
	run_one_quantum(&a, &now);
	CHECK_EQ(a.mlfq_level, 2);
	/* Runs 3 of its 8 ticks, then blocks (the core does not enqueue). */
	pol->enqueue(&a, now);
	CHECK(pol->pick_next(now) == &a);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(pol->tick(&a, ++now), false);
	CHECK_EQ(a.mlfq_level, 2);
	now += 30;	       /* asleep */
	a.time_slice = 0;      /* the core does this for a woken task */
	pol->enqueue(&a, now); /* woken */
	CHECK_EQ(a.mlfq_level, 2);
	CHECK_STR(ready_names(), "A");
	CHECK(pol->pick_next(now) == &a);
	CHECK_EQ(a.time_slice, Q << 2); /* refilled, not the 5 left */
}

UNIT_TEST(mlfq_pick_order_and_nr_ready)
{
	struct task_struct t[4];
	uint32_t now = 0;

	pol->init(Q);
	for (int i = 0; i < 4; i++)
		task_setup(&t[i], 'A' + i);
	/* Sink A to level 2 and B to level 1; C, D stay at 0. */
	run_one_quantum(&t[0], &now);
	run_one_quantum(&t[0], &now);
	run_one_quantum(&t[1], &now);
	pol->enqueue(&t[0], now);
	pol->enqueue(&t[1], now);
	pol->enqueue(&t[2], now);
	pol->enqueue(&t[3], now);
	CHECK_EQ(pol->nr_ready(), 4);
	CHECK_STR(ready_names(), "CDBA"); /* level 0 down */
	pol->dequeue(&t[3]);
	CHECK_EQ(pol->nr_ready(), 3);
	CHECK(pol->pick_next(now) == &t[2]);
	CHECK(pol->pick_next(now) == &t[1]);
	CHECK_EQ(t[1].time_slice, Q << 1);
	CHECK(pol->pick_next(now) == &t[0]);
	CHECK(pol->pick_next(now) == NULL);
	CHECK_EQ(pol->nr_ready(), 0);
}

UNIT_TEST(mlfq_preempt_by_higher_level)
{
	struct task_struct c, w;
	uint32_t now = 0;

	pol->init(Q);
	task_setup(&c, 'C');
	task_setup(&w, 'W');
	run_one_quantum(&c, &now);
	run_one_quantum(&c, &now);
	CHECK_EQ(c.mlfq_level, 2);
	pol->enqueue(&c, now);
	CHECK(pol->pick_next(now) == &c); /* c runs at level 2 */
	pol->enqueue(&w, now);		  /* a new task, level 0 */
	CHECK_EQ(pol->preempts(&c, &w), true);
	pol->dequeue(&w);
	run_one_quantum(&w, &now);
	run_one_quantum(&w, &now); /* w at level 2 now, like c */
	CHECK_EQ(w.mlfq_level, 2);
	CHECK_EQ(pol->preempts(&c, &w), false);
	run_one_quantum(&w, &now); /* level 3: below c */
	CHECK_EQ(pol->preempts(&c, &w), false);
	CHECK_EQ(pol->preempts(&w, &c), true);
}

/*
 * The boost at tick MLFQ_BOOST_TICKS: R is ready at level 3, W is asleep
 * at level 2, C runs at level 1. All three are at level 0 afterwards:
 * R at once (spliced), C and W when next enqueued (lazy epoch).
 */
UNIT_TEST(mlfq_boost_resets_ready_waiting_and_running)
{
	struct task_struct r, w, c;
	uint32_t now = 0;

	pol->init(Q);
	task_setup(&r, 'R');
	task_setup(&w, 'W');
	task_setup(&c, 'C');
	for (int i = 0; i < 3; i++)
		run_one_quantum(&r, &now);
	run_one_quantum(&w, &now);
	run_one_quantum(&w, &now);
	run_one_quantum(&c, &now);
	CHECK_EQ(r.mlfq_level, 3);
	CHECK_EQ(w.mlfq_level, 2); /* w now sleeps through the boost */
	CHECK_EQ(c.mlfq_level, 1);
	CHECK_EQ(now, 2 + 4 + 8 + 2 + 4 + 2);

	now = MLFQ_BOOST_TICKS - 3;
	pol->enqueue(&r, now);
	pol->enqueue(&c, now);
	CHECK(pol->pick_next(now) == &c); /* level 1 before level 3 */
	CHECK_EQ(c.time_slice, Q << 1);
	CHECK_EQ(pol->tick(&c, ++now), false);
	CHECK_EQ(pol->tick(&c, ++now), false); /* 2 ticks of 4 left */
	CHECK_EQ(pol->tick(&c, ++now), true);  /* tick 100: the boost */
	CHECK_STR(ready_names(), "R");	       /* r spliced onto level 0 */
	pol->enqueue(&c, now);		       /* the core requeues c */
	CHECK_EQ(c.mlfq_level, 0);	       /* not demoted to 2 */
	now += 5;
	pol->enqueue(&w, now); /* w wakes after the boost */
	CHECK_EQ(w.mlfq_level, 0);
	CHECK_STR(ready_names(), "RCW"); /* all on level 0, FIFO */
	CHECK_EQ(pol->nr_ready(), 3);
	CHECK(pol->pick_next(now) == &r);
	CHECK_EQ(r.mlfq_level, 0);
	CHECK_EQ(r.time_slice, Q);
	CHECK(pol->pick_next(now) == &c);
	CHECK_EQ(c.time_slice, Q);
	CHECK(pol->pick_next(now) == &w);
	CHECK_EQ(w.time_slice, Q);
	CHECK_EQ(pol->nr_ready(), 0);
}

/* A task boosted while ready can preempt one that sank below it. */
UNIT_TEST(mlfq_boosted_waiter_counts_as_level_0)
{
	struct task_struct a, b;
	uint32_t now = 0;

	pol->init(Q);
	task_setup(&a, 'A');
	task_setup(&b, 'B');
	for (int i = 0; i < 3; i++)
		run_one_quantum(&a, &now);
	CHECK_EQ(a.mlfq_level, 3);
	/* b runs through the boost; a, asleep at level 3, has the old epoch */
	now = MLFQ_BOOST_TICKS - 1;
	pol->enqueue(&b, now);
	CHECK(pol->pick_next(now) == &b);
	CHECK_EQ(pol->tick(&b, ++now), true); /* the boost */
	pol->enqueue(&b, now);
	CHECK(pol->pick_next(now) == &b);
	run_one_quantum(&b, &now); /* b to level 1 */
	CHECK_EQ(b.mlfq_level, 1);
	pol->enqueue(&b, now);
	CHECK(pol->pick_next(now) == &b);
	CHECK_EQ(pol->preempts(&b, &a), true); /* a is level 0 now */
}

/* Boosts come every MLFQ_BOOST_TICKS, not once and not on every tick. */
UNIT_TEST(mlfq_boost_is_periodic)
{
	struct task_struct a;
	uint32_t now = 0;
	unsigned boosts = 0;

	pol->init(Q);
	task_setup(&a, 'A');
	pol->enqueue(&a, now);
	CHECK(pol->pick_next(now) == &a);
	while (now < 5 * MLFQ_BOOST_TICKS) {
		unsigned before = a.mlfq_level;

		if (!pol->tick(&a, ++now))
			continue;
		pol->enqueue(&a, now);
		/* A boost: back to 0 without having been demoted. */
		if (a.mlfq_level == 0 && before > 0) {
			CHECK_EQ(now % MLFQ_BOOST_TICKS, 0);
			boosts++;
		}
		CHECK(pol->pick_next(now) == &a);
	}
	CHECK_EQ(boosts, 5);
}

/*
 * An interactive task I runs one tick, then sleeps for SLEEP ticks; a
 * hog H always wants the CPU. Over 90 ticks (before any boost) I stays at
 * level 0 and gets the CPU as soon as it wakes; H sinks to the bottom.
 *
 * SLEEP must be at least level 2's quantum (8): a preempted task gets a
 * fresh slice when picked again, so a hog woken-over more often than its
 * quantum never uses a whole one and is never demoted.
 */
#define SLEEP 10
UNIT_TEST(mlfq_interactive_stays_up_hog_sinks)
{
	struct task_struct i_task, hog, *curr;
	uint32_t now = 0, wake_at = 0;
	unsigned i_runs = 0, i_level_max = 0, late_wakeups = 0;

	pol->init(Q);
	task_setup(&i_task, 'I');
	task_setup(&hog, 'H');
	pol->enqueue(&hog, now);
	pol->enqueue(&i_task, now);
	curr = pol->pick_next(now);
	CHECK(curr == &hog);
	/* H is always ready or running, so curr is never NULL. */
	while (now < MLFQ_BOOST_TICKS - 10) {
		bool expired = pol->tick(curr, ++now);

		if (curr == &i_task) {
			i_runs++;
			CHECK_EQ(expired, false); /* 1 tick < its quantum */
			wake_at = now + SLEEP;	  /* blocks: not requeued */
			curr = pol->pick_next(now);
		} else if (expired) {
			pol->enqueue(curr, now);
			curr = pol->pick_next(now);
		}
		if (now == wake_at) { /* I wakes: does it get the CPU? */
			i_task.time_slice = 0; /* as the core does on a wake */
			pol->enqueue(&i_task, now);
			if (pol->preempts(curr, &i_task)) {
				pol->enqueue(curr, now);
				curr = pol->pick_next(now);
			}
			if (curr != &i_task)
				late_wakeups++;
		}
		if (i_task.mlfq_level > i_level_max)
			i_level_max = i_task.mlfq_level;
	}
	CHECK_EQ(i_level_max, 0);
	CHECK_EQ(hog.mlfq_level, MLFQ_LEVELS - 1);
	CHECK_EQ(late_wakeups, 0);
	CHECK_EQ(i_runs, 8); /* every SLEEP + 1 ticks, after H's first turn */
}
