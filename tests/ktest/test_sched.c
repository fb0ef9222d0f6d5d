/*
 * test_sched.c - in-kernel tests of tasks and the scheduler core: kernel
 * threads run and are reaped, states follow the diagram, wait queues and
 * sleeps wake the right task at the right time, nothing leaks.
 */
#include "ktest.h"
#include "sched.h"
#include "task.h"
#include "trace.h"
#include "pid.h"
#include "time.h"
#include "wait.h"
#include "mm/memory.h"
#include "x86/io.h"
#include <mica/errno.h>

static void exit_with_arg(void *arg)
{
	task_exit((int)(uintptr_t)arg);
}

KTEST(kthread_runs_and_is_reaped)
{
	struct mem_usage before;
	struct task_struct *t;
	int code = 0;
	pid_t pid;

	mem_usage(&before);
	t = kthread_create(exit_with_arg, (void *)42, "child");
	KEXPECT(t != NULL);
	pid = t->pid;
	KEXPECT(pid > 1);
	KEXPECT(pid_lookup(pid) == t);
	KEXPECT_EQ(t->parent->pid, current->pid);
	KEXPECT_EQ(task_wait(pid, &code, 0), pid);
	KEXPECT_EQ(code, 42);
	KEXPECT(pid_lookup(pid) == NULL);
	KEXPECT_EQ(task_wait(-1, &code, 0), -ECHILD);
	KEXPECT_NO_LEAK(&before);
}

#define NTHREADS 4096

static void count_and_exit(void *arg)
{
	(*(volatile unsigned *)arg)++;
}

KTEST(many_kthreads_4096)
{
	static volatile unsigned ran;
	struct mem_usage before;
	unsigned tasks_before = nr_tasks();
	int created = 0, reaped = 0;

	mem_usage(&before);
	ran = 0;
	for (int i = 0; i < NTHREADS; i++)
		created += kthread_create(count_and_exit, (void *)&ran,
					  "many") != NULL;
	KEXPECT_EQ(created, NTHREADS);
	KEXPECT_EQ(nr_tasks(), tasks_before + NTHREADS);
	while (task_wait(-1, NULL, 0) > 0)
		reaped++;
	KEXPECT_EQ(reaped, NTHREADS);
	KEXPECT_EQ(ran, NTHREADS);
	KEXPECT_EQ(nr_tasks(), tasks_before);
	KEXPECT_NO_LEAK(&before);
}

KTEST(sleep_wakes_within_one_tick)
{
	for (uint32_t ms = 10; ms <= 100; ms += 30) {
		uint32_t start = jiffies, want = ms_to_ticks(ms);
		uint32_t slept;

		sleep_ms(ms);
		slept = jiffies - start;
		KEXPECT(slept >= want);
		KEXPECT(slept <= want + 1);
	}
}

KTEST_PANICS(illegal_transition_panics, "illegal state transition for pid")
{
	struct task_struct fake = {.pid = 999, .state = TASK_NEW};

	task_set_state(&fake, TASK_RUNNING, TR_DISPATCH); /* NEW -/-> RUNNING */
}
