/*
 * spin [MS] - burn CPU for MS milliseconds (default 1000), never
 * sleeping: a CPU-bound task, for watching the schedulers at work.
 * Run two with `spin 3000 &` and look at `ps`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long ms = argc > 1 ? (unsigned long)atoi(argv[1]) : 1000;
	unsigned long start = uptime_ms();
	volatile unsigned long work =
	    0; /* volatile: the loop must really run */

	while (uptime_ms() - start < ms) {
		/* compute a while between clock reads, so most time is user time */
		for (int i = 0; i < 100000; i++)
			work++;
	}
	printf("spin: pid %d done after %lu ms\n", getpid(),
	       uptime_ms() - start);
	return 0;
}
