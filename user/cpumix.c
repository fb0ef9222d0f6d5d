/*
 * cpumix [MS [PRIO...]] - a known CPU-bound workload for the schedulers
 * and the trace picture (make trace WORKLOAD=cpumix).
 *
 * The parent forks one child per PRIO (three at the default priority if
 * none is given). Each child sets its own priority, then burns the CPU
 * for MS milliseconds of wall-clock time (default 200) without ever
 * sleeping, counts how much work it got done, prints it and exits. The
 * parent waits for all of them.
 *
 * All the children spin over the same stretch of time, so the share of
 * the CPU each one gets in that stretch is exactly what the policy
 * decides: under rr they take equal turns; under sched=lottery a child
 * with priority p holds 32 - p tickets, so `cpumix 300 8 16 24` should
 * split the CPU about 24 : 16 : 8 (lab 2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CHILDREN 8

static int child(unsigned long ms, int prio)
{
	volatile unsigned long work = 0; /* volatile: the loop must run */
	unsigned long start;

	if (prio >= 0 && setpriority(0, prio) < 0) {
		printf("cpumix: bad priority %d\n", prio);
		return 1;
	}
	start = uptime_ms();
	while (uptime_ms() - start < ms)
		for (int i = 0; i < 10000; i++)
			work++;
	printf("cpumix: pid %d prio %d: %lu units of work in %lu ms\n",
	       getpid(), getpriority(0), work / 10000, uptime_ms() - start);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long ms = argc > 1 ? (unsigned long)atoi(argv[1]) : 200;
	int prios[MAX_CHILDREN] = {-1, -1, -1};
	int n = 3, failed = 0, status;

	if (argc > 2) {
		n = 0;
		for (int i = 2; i < argc && n < MAX_CHILDREN; i++)
			prios[n++] = atoi(argv[i]);
	}
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			printf("cpumix: fork failed\n");
			return 1;
		}
		if (pid == 0)
			exit(child(ms, prios[i]));
	}
	for (int i = 0; i < n; i++) {
		if (wait(&status) < 0)
			return 1;
		failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	}
	printf("cpumix: %d children done\n", n);
	return failed;
}
