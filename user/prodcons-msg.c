/*
 * prodcons-msg [-q] [ITEMS [QLIMIT]] - the bounded-buffer producer and
 * consumer of prodcons-shm, with messages instead of shared memory: the
 * textbook's "producer-consumer becomes trivial" (chapter 3,
 * "Synchronization"):
 *
 *     while (true) {                      while (true) {
 *         // produce next_produced            receive(next_consumed);
 *         send(next_produced);                // consume next_consumed
 *     }                                   }
 *
 * The buffer is the queue of the consumer's port, and the bound is its
 * queue limit (port_set_qlimit, default BUFFER_SIZE = 10): the kernel
 * blocks the producer's msg_send while 10 items are queued, and the
 * consumer's msg_receive while none is. No in, out or flags to share, and
 * no busy-waiting. (The queue counts its messages, so all 10 places are
 * used, where the shared-memory ring leaves one empty to tell full from
 * empty.)
 *
 * The parent is the consumer and a forked child the producer, which
 * sends ITEMS items (default 20), each in one message. The consumer
 * checks that each arrives once and in order, prints one line and exits
 * 0 only if all went well:
 *
 *     prodcons-msg: 20 items in order, checksum 0x6d2c515e (queue limit 10)
 *
 * The checksum is the same as prodcons-shm's for the same ITEMS.
 */
#include <errno.h>
#include <ipc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUFFER_SIZE 10
#define ITEM	    0x17e3 /* the id of a message carrying one item */

typedef struct {
	uint32_t seq;	/* 0, 1, 2, ... in the order produced */
	uint32_t value; /* item_value(seq): checked by the consumer */
} item;

static uint32_t item_value(uint32_t seq)
{
	return seq * 2654435761u; /* as in prodcons-shm */
}

static int producer(port_t port, uint32_t n)
{
	struct msg m;

	for (uint32_t i = 0; i < n; i++) {
		item next_produced = {i, item_value(i)};

		msg_init(&m, port, ITEM, &next_produced, sizeof next_produced);
		/* Blocks while the queue (the buffer) is full. */
		if (msg_send(&m, 0, 0) < 0) {
			printf("prodcons-msg: send: errno %d\n", errno);
			return 1;
		}
	}
	return 0;
}

/* Receive n items: the number that arrived in order; *sum of the values. */
static uint32_t consumer(port_t port, uint32_t n, uint32_t *sum)
{
	static struct msg m;
	uint32_t got;

	*sum = 0;
	for (got = 0; got < n; got++) {
		item next_consumed;
		int size = msg_receive(port, &m, sizeof m, 0, 0);

		if (size != (int)(MSG_SIZE_MIN + sizeof next_consumed) ||
		    m.h.id != ITEM) {
			printf("prodcons-msg: receive: size %d, id %d (errno "
			       "%d)\n",
			       size, (int)m.h.id, errno);
			break;
		}
		memcpy(&next_consumed, m.body, sizeof next_consumed);
		if (next_consumed.seq != got ||
		    next_consumed.value != item_value(got)) {
			printf("prodcons-msg: item %u: got seq %u value 0x%x\n",
			       got, next_consumed.seq, next_consumed.value);
			break;
		}
		*sum += next_consumed.value;
	}
	return got;
}

int main(int argc, char **argv)
{
	uint32_t n = 20, qlimit = BUFFER_SIZE, got, sum;
	int quiet = 0, status = -1, nums = 0;
	port_t port;
	pid_t pid;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-q") == 0) {
			quiet = 1;
		} else if (argv[i][0] >= '0' && argv[i][0] <= '9' && nums < 2) {
			*(nums++ ? &qlimit : &n) =
			    (uint32_t)strtol(argv[i], NULL, 10);
		} else {
			printf("usage: prodcons-msg [-q] [ITEMS [QLIMIT]]\n");
			return 2;
		}
	}
	port = port_allocate();
	if (port < 0 || port_make_send(port) < 0 ||
	    port_set_qlimit(port, qlimit) < 0) {
		printf("prodcons-msg: port set-up: errno %d\n", errno);
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		printf("prodcons-msg: fork: errno %d\n", errno);
		return 1;
	}
	if (pid == 0)
		exit(producer(port, n)); /* the child inherits the send right */
	got = consumer(port, n, &sum);
	if (got != n)
		kill(pid); /* it may be blocked on a queue nobody empties */
	if (waitpid(pid, &status, 0) != pid || status != 0 || got != n) {
		printf("prodcons-msg: FAILED: %u of %u items in order, "
		       "producer status 0x%x\n",
		       got, n, status);
		return 1;
	}
	if (!quiet)
		printf("prodcons-msg: %u items in order, checksum 0x%08x "
		       "(queue limit %u)\n",
		       n, sum, qlimit);
	return port_deallocate(port) < 0;
}
