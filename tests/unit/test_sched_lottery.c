/* test_sched_lottery.c - host tests for the lottery policy (lab 2). */
#include <string.h>

#include "unit.h"
#include "sched_policy.h"

extern const struct sched_policy sched_lottery;
void sched_lottery_seed(uint32_t seed);
unsigned sched_lottery_tickets(const struct task_struct *t);

static const struct sched_policy *pol = &sched_lottery;

static void task_setup(struct task_struct *t, char name, int prio)
{
	memset(t, 0, sizeof *t);
	t->name[0] = name;
	t->static_prio = t->prio = prio;
	INIT_LIST_HEAD(&t->run_list);
}

/*
 * Pick n times, putting the winner back each time (as the core does when
 * a CPU-bound task's quantum ends), and count the wins per task.
 */
static void draw(struct task_struct *t, int ntasks, unsigned n, unsigned *wins,
		 char *order)
{
	for (int i = 0; i < ntasks; i++)
		wins[i] = 0;
	for (unsigned k = 0; k < n; k++) {
		struct task_struct *w = pol->pick_next(k);

		if (!w)
			return;
		wins[w - t]++;
		if (order)
			order[k] = w->name[0];
		pol->enqueue(w, k);
	}
	if (order)
		order[n] = '\0';
}

UNIT_TEST(lottery_tickets_follow_priority)
{
	struct task_struct t;

	task_setup(&t, 'A', 0);
	CHECK_EQ(sched_lottery_tickets(&t), 32);
	task_setup(&t, 'A', PRIO_DEFAULT);
	CHECK_EQ(sched_lottery_tickets(&t), 16);
	task_setup(&t, 'A', 31);
	CHECK_EQ(sched_lottery_tickets(&t), 1);
}

UNIT_TEST(lottery_empty_queue_gives_null)
{
	struct task_struct a;

	pol->init(5);
	CHECK(pol->pick_next(0) == NULL);
	CHECK_EQ(pol->nr_ready(), 0);
	task_setup(&a, 'A', PRIO_DEFAULT);
	pol->enqueue(&a, 0);
	CHECK(pol->pick_next(0) == &a);
	CHECK_EQ(a.time_slice, 5);
	CHECK(pol->pick_next(0) == NULL); /* emptied again */
}

/* Priorities 8, 16, 24: 24, 16 and 8 tickets, so 1/2, 1/3, 1/6. */
UNIT_TEST(lottery_proportions)
{
	struct task_struct t[3];
	unsigned wins[3];
	const unsigned n = 60000;
	const int prio[3] = {8, 16, 24};
	const double want[3] = {24.0 / 48, 16.0 / 48, 8.0 / 48};

	pol->init(5);
	for (int i = 0; i < 3; i++) {
		task_setup(&t[i], 'A' + i, prio[i]);
		pol->enqueue(&t[i], 0);
	}
	draw(t, 3, n, wins, NULL);
	CHECK_EQ(wins[0] + wins[1] + wins[2], n);
	for (int i = 0; i < 3; i++) {
		double share = (double)wins[i] / n;

		/* 60000 draws: the standard deviation of a share is < 0.003 */
		CHECK(share > want[i] - 0.02 && share < want[i] + 0.02);
	}
	CHECK_EQ(pol->nr_ready(), 3);
}

/* Even a priority-31 task (1 ticket) against a priority-0 one (32) wins
 * about 1 draw in 33: it is not starved. */
UNIT_TEST(lottery_low_priority_not_starved)
{
	struct task_struct t[2];
	unsigned wins[2];

	pol->init(1);
	task_setup(&t[0], 'H', 0);
	task_setup(&t[1], 'L', 31);
	pol->enqueue(&t[0], 0);
	pol->enqueue(&t[1], 0);
	draw(t, 2, 33000, wins, NULL);
	CHECK(wins[1] > 700 && wins[1] < 1300); /* about 1000 */
}

/* init re-seeds: the same workload gives the same sequence of picks. */
UNIT_TEST(lottery_deterministic_for_a_seed)
{
	struct task_struct t[4];
	unsigned wins[4];
	static char first[201], second[201], third[201];

	for (int run = 0; run < 2; run++) {
		pol->init(2);
		for (int i = 0; i < 4; i++) {
			task_setup(&t[i], 'A' + i, 4 + 6 * i);
			pol->enqueue(&t[i], 0);
		}
		draw(t, 4, 200, wins, run ? second : first);
	}
	CHECK_STR(first, second);

	/* Another seed gives another sequence (with the same tasks). */
	pol->init(2);
	sched_lottery_seed(12345);
	for (int i = 0; i < 4; i++) {
		task_setup(&t[i], 'A' + i, 4 + 6 * i);
		pol->enqueue(&t[i], 0);
	}
	draw(t, 4, 200, wins, third);
	CHECK(strcmp(first, third) != 0);
	/* And a random order, not FIFO: not simply ABCDABCD... */
	CHECK(strncmp(first, "ABCDABCD", 8) != 0);
}

UNIT_TEST(lottery_dequeue_and_quantum)
{
	struct task_struct t[3];

	pol->init(3);
	for (int i = 0; i < 3; i++) {
		task_setup(&t[i], 'A' + i, PRIO_DEFAULT);
		pol->enqueue(&t[i], 0);
	}
	pol->dequeue(&t[1]);
	CHECK_EQ(pol->nr_ready(), 2);
	CHECK(list_empty(&t[1].run_list));
	for (int k = 0; k < 100; k++) {
		struct task_struct *w = pol->pick_next(k);

		CHECK(w == &t[0] || w == &t[2]); /* never the dequeued one */
		CHECK_EQ(w->time_slice, 3);
		CHECK_EQ(pol->tick(w, k), false);
		CHECK_EQ(pol->tick(w, k), false);
		CHECK_EQ(pol->tick(w, k),
			 true); /* the 3rd tick ends the turn */
		pol->enqueue(w, k);
	}
	CHECK_EQ(pol->preempts(&t[0], &t[2]), false);
}
