/*
 * nice PRIO PROG [ARGS...] - run PROG at priority PRIO (0 is the
 * highest, 31 the lowest). The priority is set on this task, which then
 * becomes PROG with exec: the pid, and the priority, stay the same.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: nice PRIO PROG [ARGS...]\n");
		return 1;
	}
	if (setpriority(0, atoi(argv[1])) < 0) {
		fprintf(stderr, "nice: bad priority %s\n", argv[1]);
		return 1;
	}
	exec(argv[2], &argv[2]); /* returns only if it failed */
	fprintf(stderr, "nice: %s: %s\n", argv[2],
		errno == ENOENT ? "not found" : "cannot run");
	return 1;
}
