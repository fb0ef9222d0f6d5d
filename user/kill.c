/*
 * kill PID [-t | -m] - end a task.
 *
 *   kill PID      the kill() system call
 *   kill -t PID   the whole subtree that `pstree` shows under it
 *                 (the textbook's cascading termination)
 *   kill -m PID   by a *message*: ask the kernel for a send right to the
 *                 task's Kernel port and send it KERNEL_TASK_TERMINATE
 *                 (Mach's "even system calls are messages")
 */
#include <errno.h>
#include <ipc.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

/* Terminate pid through its Kernel port; 0 or -errno from the reply. */
static int kill_by_message(int pid)
{
	struct msg req, reply;
	int32_t result;
	port_t kport = task_for_pid(pid);

	if (kport < 0)
		return -errno;
	msg_init(&req, kport, KERNEL_TASK_TERMINATE, NULL, 0);
	if (msg_rpc(&req, &reply, sizeof reply, 0, 0) < 0) {
		result = -errno;
	} else {
		memcpy(&result, reply.body, sizeof result);
	}
	port_deallocate(kport);
	return result;
}

int main(int argc, char **argv)
{
	int tree = 0, by_msg = 0, pid = 0, r;
	char *end;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-t") == 0)
			tree = 1;
		else if (strcmp(argv[i], "-m") == 0)
			by_msg = 1;
		else
			pid = (int)strtol(argv[i], &end, 10);
		if (pid < 0 || (argv[i][0] != '-' && *end != '\0'))
			pid = 0; /* "12x" is not a pid */
	}
	if (pid <= 0) {
		fprintf(stderr, "usage: kill [-t | -m] PID\n");
		return 1;
	}
	if (by_msg) {
		r = kill_by_message(pid);
		errno = -r;
	} else {
		r = tree ? kill_tree(pid) : kill(pid);
	}
	if (r < 0) {
		fprintf(stderr, "kill: %d: %s\n", pid,
			errno == ESRCH ? "no such task" : "not allowed");
		return 1;
	}
	if (tree)
		printf("kill: %d task(s) killed\n", r);
	return 0;
}
