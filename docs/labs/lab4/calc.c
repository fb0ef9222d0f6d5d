/*
 * calc [CLIENTS [REQUESTS]] - lab 4, part 1: a client-server pair over a
 * port, with msg_rpc.
 *
 * The parent is a server that adds two numbers. It holds the receive
 * right of one port, and makes a send right under the same name before it
 * forks the clients, so every client inherits a send right (never the
 * receive right). Each client sends REQUESTS requests CALC_ADD {a, b}
 * with msg_rpc, which carries a send-once reply right and waits for the
 * answer CALC_SUM {a + b}. A client sends CALC_DONE (with msg_send) when
 * it is finished; the server stops when all CLIENTS have said so.
 *
 * Prints "calc: N requests from C clients, all answers right" and exits
 * 0 on success. make grade LAB=4 runs `calc 3 10` and checks that line,
 * that every request and every reply appears in the trace as a message
 * (MSG line), and that each reply went back to the client that asked.
 *
 * You write the parts marked TODO(lab4) (docs/labs/lab4.md).
 */
#include <errno.h>
#include <ipc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CALC_ADD  10
#define CALC_SUM  11
#define CALC_DONE 12

/* One client: n requests; 0 if every answer was right. */
static int client(port_t server, int n)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		int32_t q[2] = {getpid() * 1000, i}, sum = -1;

		/* LAB4-BEGIN: send CALC_ADD {q[0], q[1]} with msg_rpc, read sum */
		struct msg m, r;

		msg_init(&m, server, CALC_ADD, q, sizeof q);
		if (msg_rpc(&m, &r, sizeof r, 0, 0) < 0) {
			printf("calc: msg_rpc failed (errno %d)\n", errno);
			return 1;
		}
		if (r.h.id == CALC_SUM && msg_body_len(&r) == sizeof sum)
			memcpy(&sum, r.body, sizeof sum);
		/* LAB4-ELSE
		(void)server;
		LAB4-END */
		if (sum != q[0] + q[1]) {
			printf("calc: pid %d: %d + %d gave %d\n", getpid(),
			       (int)q[0], (int)q[1], (int)sum);
			bad = 1;
		}
	}
	{
		struct msg m;

		msg_init(&m, server, CALC_DONE, NULL, 0);
		if (msg_send(&m, 0, 0) < 0)
			return 1;
	}
	return bad;
}

/* The server: answer CALC_ADD until `clients` CALC_DONEs; count them. */
static int server(port_t port, int clients)
{
	int answered = 0;

	while (clients > 0) {
		struct msg m;

		if (msg_receive(port, &m, sizeof m, 0, 0) < 0) {
			printf("calc: msg_receive failed (errno %d)\n", errno);
			return -1;
		}
		if (m.h.id == CALC_DONE) {
			clients--;
			continue;
		}
		/* LAB4-BEGIN: answer CALC_SUM {a + b} on the reply right */
		if (m.h.id == CALC_ADD &&
		    msg_body_len(&m) == 2 * sizeof(int32_t)) {
			int32_t q[2], sum;
			struct msg r;

			memcpy(q, m.body, sizeof q);
			sum = q[0] + q[1];
			/* m.h.reply names the client's send-once right */
			msg_init(&r, m.h.reply, CALC_SUM, &sum, sizeof sum);
			if (msg_send(&r, 0, 0) < 0) {
				printf("calc: reply failed (errno %d)\n",
				       errno);
				return -1;
			}
			answered++;
		}
		/* LAB4-END */
	}
	return answered;
}

int main(int argc, char **argv)
{
	int clients = argc > 1 ? atoi(argv[1]) : 3;
	int n = argc > 2 ? atoi(argv[2]) : 10;
	int failed = 0, status, answered;
	port_t port = port_allocate();

	if (port < 0 || port_make_send(port) < 0) {
		printf("calc: cannot make a port (errno %d)\n", errno);
		return 1;
	}
	for (int i = 0; i < clients; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			printf("calc: fork failed\n");
			return 1;
		}
		if (pid == 0)
			exit(client(port, n));
	}
	answered = server(port, clients);
	for (int i = 0; i < clients; i++)
		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed = 1;
	if (failed || answered != clients * n) {
		printf("calc: FAILED (%d of %d answered)\n", answered,
		       clients * n);
		return 1;
	}
	printf("calc: %d requests from %d clients, all answers right\n",
	       answered, clients);
	return 0;
}
