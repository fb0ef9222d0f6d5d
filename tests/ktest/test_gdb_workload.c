/*
 * test_gdb_workload.c - a known workload for the GDB test (boot/gdb_session
 * in tools/runtests.py) and for trying the GDB commands by hand
 * (docs/debugging.md):
 *
 *     make run-kernel DEBUG=1 GDB=1 CMDLINE="test=gdb_workload"
 *
 * Three kernel threads: worker-a and worker-b yield to each other in a
 * loop (so both are READY or RUNNING and the ready queue has something in
 * it), and sleeper blocks on the wait queue "gdb-sleep" in
 * gdb_sleeper_main (so `tasks` shows it WAITING and `bt-task` finds that
 * function on its stack). The test task itself yields too, for
 * GDB_WORKLOAD_TICKS ticks of guest time (time stands still while GDB has
 * the machine stopped), then stops the threads, reaps them and checks that
 * nothing leaked. Run alone (make test) it simply passes.
 */
#include "ktest.h"
#include "sched.h"
#include "task.h"
#include "time.h"
#include "wait.h"
#include "mm/memory.h"
#include "lib/cmdline.h"

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))

/* gdbwork=N: how long the workload runs, in ticks (default 2 s worth). */
#define GDB_WORKLOAD_TICKS_DEFAULT 200

static volatile int gdb_stop;
static volatile unsigned gdb_worker_rounds[2];
static volatile int gdb_sleeper_woke;
static struct wait_queue gdb_sleep_wq;

/* worker-a and worker-b: take turns with everyone else, forever. */
static void gdb_worker_main(void *arg)
{
	unsigned i = (uintptr_t)arg;

	while (!READ_ONCE(gdb_stop)) {
		gdb_worker_rounds[i]++;
		sched_yield();
	}
}

/*
 * sleeper: WAITING on "gdb-sleep" until the test ends. The loop after
 * sleep_on also keeps gcc from turning the call into a jump (a tail call
 * would leave this function off the stack, and out of `bt-task`).
 */
static void __attribute__((noinline)) gdb_sleeper_main(void *arg)
{
	(void)arg;
	while (!READ_ONCE(gdb_stop))
		sleep_on(&gdb_sleep_wq);
	gdb_sleeper_woke = 1;
}

KTEST(gdb_workload)
{
	struct mem_usage before;
	struct task_struct *t[3];
	pid_t pids[3];
	uint32_t ticks, start;
	int code;

	mem_usage(&before);
	ticks =
	    cmdline_get_int("gdbwork", GDB_WORKLOAD_TICKS_DEFAULT, 1, 1000000);
	wait_queue_init(&gdb_sleep_wq, "gdb-sleep");
	gdb_stop = 0;
	gdb_sleeper_woke = 0;
	gdb_worker_rounds[0] = gdb_worker_rounds[1] = 0;

	t[0] = kthread_create(gdb_worker_main, (void *)0, "worker-a");
	t[1] = kthread_create(gdb_worker_main, (void *)1, "worker-b");
	t[2] = kthread_create(gdb_sleeper_main, NULL, "sleeper");
	for (int i = 0; i < 3; i++) {
		KEXPECT(t[i] != NULL);
		if (!t[i])
			return;
		pids[i] = t[i]->pid;
	}

	start = jiffies;
	while (jiffies - start < ticks)
		sched_yield();

	gdb_stop = 1;
	wake_up_all(&gdb_sleep_wq, 0);
	for (int i = 0; i < 3; i++) {
		code = -1;
		KEXPECT_EQ(task_wait(pids[i], &code, 0), pids[i]);
		KEXPECT_EQ(code, 0);
	}
	KEXPECT(gdb_worker_rounds[0] > 0);
	KEXPECT(gdb_worker_rounds[1] > 0);
	KEXPECT_EQ(gdb_sleeper_woke, 1);
	KEXPECT_NO_LEAK(&before);
}
