/*
 * prodcons [ITEMS [QLIMIT]] - lab 4, part 2: producer and consumer with
 * messages (the textbook's bounded buffer, with the buffer in the kernel).
 *
 * The parent creates a port and sets its queue limit to QLIMIT (default
 * 4): that queue is the bounded buffer. It forks a producer, which sends
 * ITEMS numbered items (default 40) with plain msg_send, and then an
 * ITEM_END. The parent is the consumer: it receives until ITEM_END,
 * checks that the items arrive in order, and "uses" each one slowly (a
 * short sleep every few items), so the queue fills up and the producer
 * must wait: msg_send blocks while QLIMIT messages are queued.
 *
 * Prints "prodcons: consumed N items in order, sum S" and exits 0.
 * make grade LAB=4 runs `prodcons 40 4`, checks that line and reads the
 * trace: one MSG line per item, and the producer blocked at least once
 * (a full buffer).
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

#define ITEM	 20
#define ITEM_END 21

static int producer(port_t port, int items)
{
	for (int32_t i = 0; i < items; i++) {
		/* LAB4-BEGIN: send item i; msg_send waits while the queue is full */
		struct msg m;

		msg_init(&m, port, ITEM, &i, sizeof i);
		if (msg_send(&m, 0, 0) < 0) {
			printf("prodcons: send failed (errno %d)\n", errno);
			return 1;
		}
		/* LAB4-ELSE
		(void)port;
		LAB4-END */
	}
	{
		struct msg m;

		msg_init(&m, port, ITEM_END, NULL, 0);
		return msg_send(&m, 0, 0) < 0;
	}
}

/* Returns the number of items consumed in order, or -1. */
static int consumer(port_t port, long *sum)
{
	int32_t expect = 0;

	*sum = 0;
	for (;;) {
		struct msg m;
		int32_t item;

		if (msg_receive(port, &m, sizeof m, 0, 0) < 0)
			return -1;
		if (m.h.id == ITEM_END)
			return expect;
		memcpy(&item, m.body, sizeof item);
		if (item != expect) {
			printf("prodcons: got item %d, expected %d\n",
			       (int)item, (int)expect);
			return -1;
		}
		expect++;
		*sum += item;
		if (expect % 8 == 0)
			sleep_ms(20); /* a slow consumer: the buffer fills */
	}
}

int main(int argc, char **argv)
{
	int items = argc > 1 ? atoi(argv[1]) : 40;
	int qlimit = argc > 2 ? atoi(argv[2]) : 4;
	int status, got;
	long sum;
	port_t port = port_allocate();
	pid_t pid;

	if (port < 0 || port_make_send(port) < 0) {
		printf("prodcons: cannot make a port (errno %d)\n", errno);
		return 1;
	}
	/* LAB4-BEGIN: make the port's queue the bounded buffer (QLIMIT) */
	if (port_set_qlimit(port, (unsigned)qlimit) < 0) {
		printf("prodcons: bad queue limit %d\n", qlimit);
		return 1;
	}
	/* LAB4-ELSE
	(void)qlimit;
	LAB4-END */
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0)
		exit(producer(port, items));
	got = consumer(port, &sum);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || got != items) {
		printf("prodcons: FAILED (%d of %d items)\n", got, items);
		return 1;
	}
	printf("prodcons: consumed %d items in order, sum %ld\n", got, sum);
	return 0;
}
