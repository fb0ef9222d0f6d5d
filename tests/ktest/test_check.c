/*
 * test_check.c - the invariant checker (kernel/check.c) passes on a
 * system with tasks in every state, and notices when one is wrong.
 */
#include "check.h"
#include "ktest.h"
#include "sched.h"
#include "task.h"
#include "time.h"
#include "wait.h"
#include "mm/memory.h"
#include "x86/io.h"
#include <mica/errno.h>

static struct wait_queue check_wq = WAIT_QUEUE_INIT(check_wq, "check-wq");
static volatile int check_stop;

static void sleeper(void *arg)
{
	(void)arg;
	while (!check_stop)
		sleep_on(&check_wq);
}

static void timed_sleeper(void *arg)
{
	(void)arg;
	while (!check_stop)
		sleep_on_timeout(&check_wq, 1000);
}

static void yielder(void *arg)
{
	(void)arg;
	while (!check_stop)
		sched_yield();
}

static void quitter(void *arg)
{
	task_exit((int)(uintptr_t)arg);
}

KTEST(invariants_hold)
{
	struct task_struct *s1, *s2, *y1, *y2, *z, *n = NULL;
	struct mem_usage before;
	enum task_state saved;
	int problems;

	mem_usage(&before);
	check_stop = 0;
	KEXPECT_EQ(kernel_check(), 0);
	s1 = kthread_create(sleeper, NULL, "chk-sleep");
	s2 = kthread_create(timed_sleeper, NULL, "chk-tsleep");
	y1 = kthread_create(yielder, NULL, "chk-yield1");
	y2 = kthread_create(yielder, NULL, "chk-yield2");
	z = kthread_create(quitter, (void *)7, "chk-zombie");
	KEXPECT(s1 && s2 && y1 && y2 && z);
	sleep_ms(30); /* let them all run once */
	KEXPECT_EQ(s1->state, TASK_WAITING);
	KEXPECT_EQ(s2->state, TASK_WAITING);
	KEXPECT_EQ(z->state, TASK_TERMINATED);
	KEXPECT_EQ(kernel_check(), 0); /* WAITING, READY, zombie, RUNNING */

	/* A NEW task on the long-term scheduler's admission queue. */
	sched_set_max_admitted(sched_nr_admitted());
	n = kthread_create(quitter, (void *)8, "chk-new");
	KEXPECT(n != NULL);
	if (n)
		KEXPECT_EQ(n->state, TASK_NEW);
	KEXPECT_EQ(kernel_check(), 0);
	sched_set_max_admitted(0);

	/* The checker notices a lie: a sleeper that claims to be READY. */
	{
		uint32_t flags = irq_save();

		saved = s1->state;
		s1->state = TASK_READY;
		problems = kernel_check();
		s1->state = saved;
		irq_restore(flags);
	}
	KEXPECT(problems > 0);
	KEXPECT_EQ(kernel_check(), 0);

	/* Everyone ends: the zombie is reaped, the NEW one admitted when
	 * another task retires, the rest stop. */
	check_stop = 1;
	wake_up_all(&check_wq, 0);
	while (task_wait(-1, NULL, 0) > 0)
		;
	KEXPECT_EQ(kernel_check(), 0);
	KEXPECT_NO_LEAK(&before);
}
