/*
 * pstree - the tasks as a family tree: each task's children are listed
 * under it, indented two more spaces.
 *
 *	init(1)
 *	  sh(2)
 *	    pstree(5)
 */
#include <stdio.h>
#include <unistd.h>

#define MAX_TASKS 256
#define MAX_DEPTH 32 /* a loop in a corrupt snapshot must not recurse forever */

static struct mica_task_info tasks[MAX_TASKS];
static int ntasks;

/* Does the snapshot hold a task with this pid? */
static int present(int pid)
{
	for (int i = 0; i < ntasks; i++)
		if (tasks[i].pid == pid)
			return 1;
	return 0;
}

/* Print task i, then its children one level deeper. */
static void show(int i, int depth)
{
	printf("%*s%.*s(%d)\n", 2 * depth, "", (int)sizeof(tasks[i].name),
	       tasks[i].name, tasks[i].pid);
	if (depth == MAX_DEPTH)
		return;
	for (int c = 0; c < ntasks; c++)
		if (tasks[c].ppid == tasks[i].pid && c != i)
			show(c, depth + 1);
}

int main(void)
{
	ntasks = ps_snapshot(tasks, MAX_TASKS);
	if (ntasks < 0) {
		fprintf(stderr, "pstree: cannot read the task list\n");
		return 1;
	}
	/* The roots are tasks whose parent is not in the list (init's
	 * parent is 0: nobody) or who are their own parent. */
	for (int i = 0; i < ntasks; i++)
		if (!present(tasks[i].ppid) || tasks[i].ppid == tasks[i].pid)
			show(i, 0);
	return 0;
}
