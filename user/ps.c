/*
 * ps - list every task: a snapshot of the kernel's process control blocks
 * (the fields of struct task_struct that the kernel copies out).
 *
 *	PRI	effective priority (0 highest); POLICY the scheduler's name
 *	TICKS	CPU time used, user + kernel, in timer ticks
 *	WAIT	the wait queue a WAITING task sleeps on
 */
#include <stdio.h>
#include <unistd.h>

#define MAX_TASKS 256

/* Names for enum task_state (kernel/task.h); TERMINATED shows as ZOMBIE,
 * because a terminated task stays until its parent waits for it. */
static const char *state_name(int s)
{
	static const char *names[] = {"NEW", "READY", "RUNNING", "WAITING",
				      "ZOMBIE"};

	if (s < 0 || s >= (int)(sizeof(names) / sizeof(names[0])))
		return "?";
	return names[s];
}

static struct mica_task_info tasks[MAX_TASKS]; /* too big for the stack */

int main(void)
{
	int n = ps_snapshot(tasks, MAX_TASKS);

	if (n < 0) {
		fprintf(stderr, "ps: cannot read the task list\n");
		return 1;
	}
	printf("  PID  PPID STATE   PRI POLICY  TICKS WAIT       NAME\n");
	for (int i = 0; i < n; i++) {
		struct mica_task_info *t = &tasks[i];

		printf("%5d %5d %-7s %3d %-6.*s %6u %-10.*s %.*s\n", t->pid,
		       t->ppid, state_name(t->state), t->prio,
		       (int)sizeof(t->policy), t->policy, t->utime + t->stime,
		       (int)sizeof(t->wait), t->wait[0] ? t->wait : "-",
		       (int)sizeof(t->name), t->name);
	}
	return 0;
}
