/* test_sched_rr.c - host tests for the round-robin policy (sched_rr.c). */
#include <string.h>

#include "unit.h"
#include "sched_policy.h"

static const struct sched_policy *pol = &sched_rr;

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

	buf[len] = t->name[0];
	buf[len + 1] = '\0';
}

/* The ready queue as a string of names, in run order: "ABC". */
static const char *ready_names(void)
{
	static char buf[64];

	buf[0] = '\0';
	pol->for_each_ready(append_name, buf);
	return buf;
}

/*
 * A fake scheduler core, as kernel/sched.c drives a policy: one tick
 * charges the current task; if tick() says so, the task goes to the back
 * of the queue and the next one is picked. trace[i] is who ran tick i+1.
 */
static struct task_struct *curr;
static uint32_t now;

static void run_ticks(unsigned ticks, char *trace)
{
	for (unsigned i = 0; i < ticks; i++) {
		now++;
		trace[i] = curr ? curr->name[0] : '-';
		if (curr && pol->tick(curr, now)) {
			pol->enqueue(curr, now);
			curr = pol->pick_next(now);
		}
	}
	trace[ticks] = '\0';
}

UNIT_TEST(rr_fifo_order)
{
	struct task_struct a, b, c;

	pol->init(3);
	task_setup(&a, 'A');
	task_setup(&b, 'B');
	task_setup(&c, 'C');
	pol->enqueue(&a, 0);
	pol->enqueue(&b, 0);
	pol->enqueue(&c, 0);
	CHECK_STR(ready_names(), "ABC");
	CHECK(pol->pick_next(0) == &a);
	CHECK_EQ(a.time_slice, 3);
	CHECK_STR(ready_names(), "BC");
	pol->enqueue(&a, 1); /* back of the line */
	CHECK_STR(ready_names(), "BCA");
	CHECK(pol->pick_next(1) == &b);
	CHECK(pol->pick_next(1) == &c);
	CHECK(pol->pick_next(1) == &a);
	CHECK(pol->pick_next(1) == NULL);
	CHECK_STR(ready_names(), "");
}

UNIT_TEST(rr_quantum_ends_on_quantum_th_tick)
{
	struct task_struct a;

	pol->init(4);
	task_setup(&a, 'A');
	pol->enqueue(&a, 0);
	CHECK(pol->pick_next(0) == &a);
	CHECK_EQ(pol->tick(&a, 1), false);
	CHECK_EQ(pol->tick(&a, 2), false);
	CHECK_EQ(pol->tick(&a, 3), false);
	CHECK_EQ(a.time_slice, 1);
	CHECK_EQ(pol->tick(&a, 4), true);
	CHECK_EQ(a.time_slice, 0);
	/* Picked again: a full new quantum. */
	pol->enqueue(&a, 4);
	CHECK(pol->pick_next(4) == &a);
	CHECK_EQ(a.time_slice, 4);
}

UNIT_TEST(rr_three_tasks_share_cpu_in_turns)
{
	struct task_struct t[3];
	char trace[128], expect[128];
	unsigned ran[3] = {0, 0, 0};

	pol->init(3);
	for (int i = 0; i < 3; i++) {
		task_setup(&t[i], 'A' + i);
		pol->enqueue(&t[i], 0);
	}
	now = 0;
	curr = pol->pick_next(now);
	run_ticks(100, trace);

	/* Exactly AAABBBCCC repeated: turns in FIFO order, q ticks each. */
	for (int i = 0; i < 100; i++)
		expect[i] = 'A' + (i / 3) % 3;
	expect[100] = '\0';
	CHECK_STR(trace, expect);

	for (int i = 0; i < 100; i++)
		ran[trace[i] - 'A']++;
	CHECK_EQ(ran[0], 34); /* 11 rounds of 9 ticks, then A's 100th */
	CHECK_EQ(ran[1], 33);
	CHECK_EQ(ran[2], 33);
	for (int i = 0; i < 3; i++)
		CHECK(ran[i] >= 33 - 3 && ran[i] <= 33 + 3); /* ±1 quantum */
	CHECK_EQ(pol->nr_ready(), 2);
}

UNIT_TEST(rr_wakeup_never_preempts)
{
	struct task_struct a, b;

	pol->init(2);
	task_setup(&a, 'A');
	task_setup(&b, 'B');
	b.prio = b.static_prio = 0; /* even a "better" task waits its turn */
	a.prio = a.static_prio = 31;
	pol->enqueue(&b, 0);
	CHECK_EQ(pol->preempts(&a, &b), false);
	CHECK_EQ(pol->preempts(&b, &a), false);
}

UNIT_TEST(rr_nr_ready_counts)
{
	struct task_struct t[5];

	pol->init(1);
	CHECK_EQ(pol->nr_ready(), 0);
	for (int i = 0; i < 5; i++) {
		task_setup(&t[i], 'A' + i);
		pol->enqueue(&t[i], 0);
		CHECK_EQ(pol->nr_ready(), i + 1);
	}
	pol->pick_next(0);
	CHECK_EQ(pol->nr_ready(), 4);
	pol->dequeue(&t[3]);
	CHECK_EQ(pol->nr_ready(), 3);
	pol->init(1); /* init forgets everything */
	CHECK_EQ(pol->nr_ready(), 0);
	CHECK(pol->pick_next(0) == NULL);
}

UNIT_TEST(rr_dequeue_from_middle)
{
	struct task_struct t[4];

	pol->init(2);
	for (int i = 0; i < 4; i++) {
		task_setup(&t[i], 'A' + i);
		pol->enqueue(&t[i], 0);
	}
	pol->dequeue(&t[1]);
	CHECK_STR(ready_names(), "ACD");
	CHECK(list_empty(&t[1].run_list)); /* left unlinked, not dangling */
	pol->dequeue(&t[3]);		   /* the tail */
	CHECK_STR(ready_names(), "AC");
	CHECK(pol->pick_next(0) == &t[0]);
	CHECK(pol->pick_next(0) == &t[2]);
	CHECK(pol->pick_next(0) == NULL);
	CHECK_EQ(pol->nr_ready(), 0);
}
