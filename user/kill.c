/*
 * kill PID [-t] - end a task. With -t, end it and all its descendants
 * (the whole subtree that `pstree` shows under it).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int tree = 0, pid = 0, r;
	char *end;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-t") == 0)
			tree = 1;
		else
			pid = (int)strtol(argv[i], &end, 10);
		if (pid < 0 || (argv[i][0] != '-' && *end != '\0'))
			pid = 0; /* "12x" is not a pid */
	}
	if (pid <= 0) {
		fprintf(stderr, "usage: kill PID [-t]\n");
		return 1;
	}
	r = tree ? kill_tree(pid) : kill(pid);
	if (r < 0) {
		fprintf(stderr, "kill: %d: %s\n", pid,
			errno == ESRCH ? "no such task" : "not allowed");
		return 1;
	}
	if (tree)
		printf("kill: %d task(s) killed\n", r);
	return 0;
}
