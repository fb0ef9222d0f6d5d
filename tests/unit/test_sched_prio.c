/* test_sched_prio.c - host tests for priority scheduling with aging. */
#include <string.h>

#include "unit.h"
#include "sched_policy.h"

static const struct sched_policy *pol = &sched_prio;

static void task_setup(struct task_struct *t, char name, int prio)
{
	memset(t, 0, sizeof *t);
	t->name[0] = name;
	t->static_prio = t->prio = prio;
	INIT_LIST_HEAD(&t->run_list);
}

static void append_name(struct task_struct *t, void *arg)
{
	char *buf = arg;
	size_t len = strlen(buf);

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

/* A fake core (see test_sched_rr.c): one call is one timer tick. */
static struct task_struct *curr;
static uint32_t now;

static void core_tick(void)
{
	now++;
	if (pol->tick(curr, now)) {
		pol->enqueue(curr, now);
		curr = pol->pick_next(now);
	}
}

/* The bound stated in sched_prio.c. */
static uint32_t starve_bound(int p, unsigned n, unsigned q)
{
	return p * (PRIO_AGE_TICKS + n - 1) + (n - 1) * q;
}

UNIT_TEST(prio_pick_by_priority_fifo_within_level)
{
	struct task_struct t[6];
	const int prios[6] = {5, 1, 5, 0, 1, 31};

	pol->init(3);
	for (int i = 0; i < 6; i++) {
		task_setup(&t[i], 'A' + i, prios[i]);
		pol->enqueue(&t[i], 0);
	}
	CHECK_STR(ready_names(), "DBEACF");
	CHECK(pol->pick_next(0) == &t[3]); /* prio 0 */
	CHECK(pol->pick_next(0) == &t[1]); /* prio 1, first in */
	CHECK(pol->pick_next(0) == &t[4]); /* prio 1, second */
	CHECK(pol->pick_next(0) == &t[0]);
	CHECK(pol->pick_next(0) == &t[2]);
	CHECK(pol->pick_next(0) == &t[5]);
	CHECK_EQ(t[5].time_slice, 3);
	CHECK(pol->pick_next(0) == NULL);
}

UNIT_TEST(prio_all_32_levels)
{
	struct task_struct t[PRIO_LEVELS];

	pol->init(1);
	for (int p = PRIO_LEVELS - 1; p >= 0; p--) { /* worst first */
		task_setup(&t[p], 'a' + p % 26, p);
		pol->enqueue(&t[p], 0);
	}
	CHECK_EQ(pol->nr_ready(), PRIO_LEVELS);
	for (int p = 0; p < PRIO_LEVELS; p++) {
		struct task_struct *got = pol->pick_next(0);

		CHECK(got == &t[p]);
		CHECK_EQ(pol->nr_ready(), PRIO_LEVELS - 1 - p);
	}
	CHECK(pol->pick_next(0) == NULL);
}

UNIT_TEST(prio_dequeue_empties_level)
{
	struct task_struct a, b, c;

	pol->init(2);
	task_setup(&a, 'A', 3);
	task_setup(&b, 'B', 7);
	task_setup(&c, 'C', 7);
	pol->enqueue(&a, 0);
	pol->enqueue(&b, 0);
	pol->enqueue(&c, 0);
	CHECK_EQ(pol->nr_ready(), 3);
	pol->dequeue(&a); /* level 3 is empty now: pick must skip it */
	CHECK_EQ(pol->nr_ready(), 2);
	pol->dequeue(&c); /* level 7 still has b */
	CHECK_STR(ready_names(), "B");
	CHECK(pol->pick_next(0) == &b);
	CHECK(pol->pick_next(0) == NULL);
	CHECK_EQ(pol->nr_ready(), 0);
}

UNIT_TEST(prio_preempts_only_for_better)
{
	struct task_struct c, w;

	pol->init(5);
	task_setup(&c, 'C', 5);
	task_setup(&w, 'W', 4);
	CHECK_EQ(pol->preempts(&c, &w), true);
	w.prio = 5;
	CHECK_EQ(pol->preempts(&c, &w), false); /* equal: waits its turn */
	w.prio = 6;
	CHECK_EQ(pol->preempts(&c, &w), false);
}

UNIT_TEST(prio_tick_yields_to_better_ready_task)
{
	struct task_struct c, same, better;

	pol->init(10);
	task_setup(&c, 'C', 5);
	task_setup(&same, 'S', 5);
	task_setup(&better, 'B', 3);
	pol->enqueue(&c, 0);
	CHECK(pol->pick_next(0) == &c);
	CHECK_EQ(pol->tick(&c, 1), false);
	pol->enqueue(&same, 1);
	/* Same level: it waits until c's slice is used up. */
	CHECK_EQ(pol->tick(&c, 2), false);
	pol->enqueue(&better, 2);
	CHECK_EQ(pol->tick(&c, 3), true); /* slice left, but 3 < 5 */
}

UNIT_TEST(prio_quantum_alone)
{
	struct task_struct a;

	pol->init(3);
	task_setup(&a, 'A', 9);
	pol->enqueue(&a, 0);
	CHECK(pol->pick_next(0) == &a);
	CHECK_EQ(pol->tick(&a, 1), false);
	CHECK_EQ(pol->tick(&a, 2), false);
	CHECK_EQ(pol->tick(&a, 3), true);
}

/*
 * The heart of aging: a CPU hog at priority 0 is always ready, so without
 * aging a task at 31 would never run. With it, the low task climbs one
 * level every PRIO_AGE_TICKS, and runs once it reaches level 0 and the
 * hog's quantum ends: at tick 31 * 20 = 620, rounded up to the hog's next
 * quantum boundary (q = 7: 623). Within the bound, not before 620.
 */
UNIT_TEST(prio_aging_lifts_starving_task)
{
	struct task_struct hog, low;
	const unsigned q = 7;
	uint32_t first_run = 0;
	bool steps_ok = true;

	pol->init(q);
	task_setup(&hog, 'H', 0);
	task_setup(&low, 'L', 31);
	now = 0;
	pol->enqueue(&hog, now);
	pol->enqueue(&low, now);
	curr = pol->pick_next(now);
	CHECK(curr == &hog);
	while (!first_run && now < 10000) {
		core_tick();
		if (curr == &low) {
			first_run = now;
			break;
		}
		/* One level up per PRIO_AGE_TICKS waited, step by step. */
		if (low.prio != 31 - (int)(now / PRIO_AGE_TICKS))
			steps_ok = false;
	}
	CHECK(steps_ok);
	CHECK_EQ(first_run, 623);
	CHECK(first_run >= 31 * PRIO_AGE_TICKS);
	CHECK(first_run <= starve_bound(31, 2, q));
	/* Running spends the bonus. */
	CHECK_EQ(low.prio, 31);
	CHECK_EQ(low.time_slice, q);
	/*
	 * The hog is still ready and better than 31: low gets one tick, then
	 * starts over at 31 and climbs again: 624 + 620, rounded up to the
	 * hog's quantum (which restarted at 624), is 1247.
	 */
	core_tick();
	CHECK(curr == &hog);
	CHECK_EQ(now, 624);
	while (curr != &low && now < 10000)
		core_tick();
	CHECK_EQ(now, 1247);
}

/* A bonus too small to run still counts; pick resets it to static. */
UNIT_TEST(prio_reset_to_static_after_run)
{
	struct task_struct hog, t;

	pol->init(1000);
	task_setup(&hog, 'H', 0);
	task_setup(&t, 'T', 20);
	now = 0;
	pol->enqueue(&hog, now);
	curr = pol->pick_next(now);
	pol->enqueue(&t, now);
	for (int i = 0; i < 2 * PRIO_AGE_TICKS; i++)
		CHECK_EQ(pol->tick(curr, ++now), false);
	CHECK_EQ(t.prio, 18);
	CHECK_EQ(t.static_prio, 20);
	CHECK(pol->pick_next(now) == &t);
	CHECK_EQ(t.prio, 20);
}

/*
 * Only the head of a level ages, one task per level per tick, and a task
 * promoted into a level is not promoted again in the same tick.
 */
UNIT_TEST(prio_aging_one_per_level_per_tick)
{
	struct task_struct hog, a, b, c, d;

	pol->init(1000);
	task_setup(&hog, 'H', 0);
	task_setup(&a, 'A', 10);
	task_setup(&b, 'B', 10);
	task_setup(&c, 'C', 10);
	task_setup(&d, 'D', 9);
	now = 0;
	pol->enqueue(&hog, now);
	curr = pol->pick_next(now);
	pol->enqueue(&d, now);
	pol->enqueue(&a, now);
	pol->enqueue(&b, now);
	pol->enqueue(&c, now);
	while (now < PRIO_AGE_TICKS - 1)
		pol->tick(curr, ++now);
	CHECK_EQ(d.prio, 9); /* not yet: waited 19 ticks */
	CHECK_EQ(a.prio, 10);
	pol->tick(curr, ++now); /* tick 20 */
	CHECK_EQ(d.prio, 8);
	CHECK_EQ(a.prio, 9); /* once, not twice */
	CHECK_EQ(b.prio, 10);
	CHECK_EQ(c.prio, 10);
	pol->tick(curr, ++now); /* tick 21: b has waited 21 */
	CHECK_EQ(a.prio, 9);	/* a waits afresh at level 9 */
	CHECK_EQ(b.prio, 9);
	CHECK_EQ(c.prio, 10);
	pol->tick(curr, ++now);
	CHECK_EQ(c.prio, 9);
	CHECK_STR(ready_names(), "DABC");
	CHECK_EQ(pol->nr_ready(), 4);
}

/*
 * Runs n tasks with the given priorities (one at 0 or more: always ready
 * hogs) until every task with prio > 0 has run once, and checks that
 * each did so within p * (A + n - 1) + (n - 1) * q ticks, and not before
 * p * A (it needs p promotions while a level-0 task is always ready).
 */
static void check_bound(const int *prios, unsigned n, unsigned q)
{
	struct task_struct t[16];
	uint32_t first_run[16] = {0};
	unsigned waiting = 0;

	pol->init(q);
	now = 0;
	for (unsigned i = 0; i < n; i++) {
		task_setup(&t[i], 'A' + i, prios[i]);
		pol->enqueue(&t[i], now);
		waiting += prios[i] > 0;
	}
	curr = pol->pick_next(now);
	while (waiting && now < 100000) {
		core_tick();
		unsigned i = curr - t;

		if (prios[i] > 0 && !first_run[i]) {
			first_run[i] = now;
			waiting--;
		}
	}
	CHECK_EQ(waiting, 0); /* without aging they would starve */
	for (unsigned i = 0; i < n; i++) {
		if (prios[i] == 0)
			continue;
		CHECK(first_run[i] >= (uint32_t)prios[i] * PRIO_AGE_TICKS);
		CHECK(first_run[i] <= starve_bound(prios[i], n, q));
	}
}

UNIT_TEST(prio_starvation_bound_many_tasks)
{
	const int mixed[5] = {0, 0, 10, 31, 31};
	/* Ten tasks queued on one level: the n - 1 term is needed. */
	const int crowd[12] = {0, 0, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31};
	const int stairs[8] = {0, 1, 2, 3, 5, 8, 13, 21};

	check_bound(mixed, 5, 5);
	check_bound(crowd, 12, 5);
	check_bound(crowd, 12, 1);
	check_bound(stairs, 8, 3);
}

UNIT_TEST(prio_nr_ready)
{
	struct task_struct t[4];

	pol->init(1);
	CHECK_EQ(pol->nr_ready(), 0);
	for (int i = 0; i < 4; i++) {
		task_setup(&t[i], 'A' + i, i * 3);
		pol->enqueue(&t[i], 0);
	}
	CHECK_EQ(pol->nr_ready(), 4);
	pol->pick_next(0);
	pol->dequeue(&t[2]);
	CHECK_EQ(pol->nr_ready(), 2);
	CHECK_STR(ready_names(), "BD");
	pol->init(1);
	CHECK_EQ(pol->nr_ready(), 0);
	CHECK(pol->pick_next(0) == NULL);
}
