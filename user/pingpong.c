/*
 * pingpong [N] - two tasks bounce a message N times (default 1000)
 * through a port, and we time the round trips.
 *
 * The parent allocates a port (it holds the receive right) and makes a
 * send right under the same name *before* fork: a child inherits copies
 * of its parent's send rights, never receive rights. So after fork:
 *
 *     parent: name p = receive + send      child: name p = send only
 *
 * The child is the client: msg_rpc() sends "ping i" with a send-once
 * right to the child's private reply port, and waits for the answer. The
 * parent is the server: msg_receive() the ping, and send "pong i+1" to
 * the send-once right that arrived in m.h.reply (which uses it up).
 */
#include <errno.h>
#include <ipc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PING 1
#define PONG 2
#define QUIT 3

/* The child: N round trips, then tell the server to stop. */
static int client(port_t server, int n)
{
	struct msg m, r;
	unsigned long start = uptime_ms(), ms;

	for (int i = 0; i < n; i++) {
		int got;

		msg_init(&m, server, PING, &i, sizeof i);
		if (msg_rpc(&m, &r, sizeof r, 0, 0) < 0) {
			printf("pingpong: msg_rpc failed (errno %d)\n", errno);
			return 1;
		}
		memcpy(&got, r.body, sizeof got);
		if (r.h.id != PONG || got != i + 1) {
			printf("pingpong: round %d: wrong answer %d (id %d)\n",
			       i, got, (int)r.h.id);
			return 1;
		}
	}
	ms = uptime_ms() - start;
	printf("pingpong: %d round trips in %lu ms", n, ms);
	if (n > 0 && ms > 0)
		printf(" (%lu us each)", ms * 1000 / (unsigned long)n);
	printf("\n");

	msg_init(&m, server, QUIT, NULL, 0);
	if (msg_send(&m, 0, 0) < 0) {
		printf("pingpong: cannot send QUIT (errno %d)\n", errno);
		return 1;
	}
	return 0;
}

/* The parent: answer every ping with the number plus one, until QUIT. */
static int server(port_t port)
{
	struct msg m, r;

	for (;;) {
		int x;

		if (msg_receive(port, &m, sizeof m, 0, 0) < 0) {
			printf("pingpong: msg_receive failed (errno %d)\n",
			       errno);
			return 1;
		}
		if (m.h.id == QUIT)
			return 0;
		memcpy(&x, m.body, sizeof x);
		x++;
		/* m.h.reply is our name for the client's send-once right. */
		msg_init(&r, m.h.reply, PONG, &x, sizeof x);
		if (msg_send(&r, 0, 0) < 0) {
			printf("pingpong: reply failed (errno %d)\n", errno);
			return 1;
		}
	}
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	int status, failed;
	port_t port;
	pid_t pid;

	port = port_allocate();
	if (port < 0 || port_make_send(port) < 0) {
		printf("pingpong: cannot make a port (errno %d)\n", errno);
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		printf("pingpong: fork failed\n");
		return 1;
	}
	if (pid == 0)
		exit(client(port, n)); /* our p is a send right only */

	failed = server(port);
	port_deallocate(port);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		failed = 1;
	return failed;
}
