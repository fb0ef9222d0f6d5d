/*
 * prodcons-shm [-spin | -yield | -block] [-q] [ITEMS] - the textbook's
 * bounded buffer in shared memory ("Bounded-Buffer - Shared-Memory
 * Solution", chapter 3), with a producer and a consumer in two tasks.
 *
 * The buffer, `in` and `out` live in a shared-memory object that both
 * tasks map (shm_open, ftruncate, mmap MAP_SHARED; fork keeps a shared
 * mapping shared). As in the book, BUFFER_SIZE is 10 and only 9 slots are
 * used: in == out means empty, so (in + 1) % BUFFER_SIZE == out has to
 * mean full. The parent is the consumer and the child the producer; the
 * producer sends ITEMS items (default 20), numbered from 0, and the
 * consumer checks that each arrives once, in order, with its value. What
 * a side does while the buffer is full (producer) or empty (consumer) is
 * the point of the program:
 *
 *   -spin   the book's busy-wait, `while (...) ; // do nothing`. On one
 *           CPU this burns the waiting task's whole quantum: the other
 *           task, the only one that can change in or out, cannot run
 *           until the timer preempts the spinner, so each turn of 9
 *           items costs two quanta (100 ms with the default quantum).
 *   -yield  the same loop with yield() in it: the CPU goes to the other
 *           task at once, but the waiter is still READY and is chosen
 *           again and again while there is nothing for it to do.
 *   -block  (the default) the waiting task sleeps until the other side
 *           changes in or out: it is WAITING and takes no CPU at all.
 *           The data stays in shared memory; only the wakeup is a
 *           message (see block_while below and docs/shm.md).
 *
 * The consumer prints one line, and exits 0 only if all went well:
 *
 *     prodcons-shm: 20 items in order, checksum 0x6d2c515e (block:
 *     producer waited 2 times, consumer 3)
 *
 * "waited" counts spin turns, yields or sleeps: the CPU time each side
 * wasted (or did not). -q prints nothing (user/bench.c runs it that way).
 * Lab 4 (docs/labs/lab4.md, part 3) has students write block_while and
 * wake_if_waiting.
 */
#include <errno.h>
#include <ipc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUFFER_SIZE 10
#define WAKEUP	    0x5e11 /* the id of a wakeup message (no body) */

typedef struct {
	uint32_t seq;	/* 0, 1, 2, ... in the order produced */
	uint32_t value; /* item_value(seq): checked by the consumer */
} item;

/* One side's part of the shared state. */
struct side {
	volatile int waiting;	 /* -block: "I am going to sleep: wake me" */
	volatile pid_t pid;	 /* where its wakeups go (MSG_TO_PID) */
	volatile unsigned waits; /* spin turns, yields or sleeps */
};

/*
 * The shared-memory object. Every field is volatile: the other task
 * changes it behind the compiler's back, so each access must really go
 * to memory, and in the order written (the item before `in`).
 */
struct shared {
	volatile item buffer[BUFFER_SIZE];
	volatile int in;  /* the next free slot: only the producer writes it */
	volatile int out; /* the next full slot: only the consumer writes it */
	struct side producer, consumer;
};

enum mode { SPIN, YIELD, BLOCK };
static const char *const mode_names[] = {"spin", "yield", "block"};
static enum mode mode = BLOCK;

static uint32_t item_value(uint32_t seq)
{
	return seq * 2654435761u; /* Knuth's multiplicative hash */
}

static int buffer_full(struct shared *s)
{
	return ((s->in + 1) % BUFFER_SIZE) == s->out;
}

static int buffer_empty(struct shared *s)
{
	return s->in == s->out;
}

/* ---- the blocking version's wakeups ------------------------------------ */

/* Wake task pid: a message to its PORT_SELF (direct communication). It
 * never blocks: if its queue is full, a wakeup is waiting there already. */
static void send_wakeup(pid_t pid)
{
	struct msg m;

	msg_init(&m, pid, WAKEUP, NULL, 0);
	msg_send(&m, MSG_TO_PID | MSG_TIMEOUT, 0);
}

/* Sleep (WAITING, off the CPU) until a wakeup message arrives. */
static void sleep_until_woken(void)
{
	static struct msg m;

	msg_receive(PORT_SELF, &m, sizeof m, 0, 0);
}

/*
 * Block while busy(s) is true (the buffer is full for the producer, empty
 * for the consumer). `me` is the waiting side.
 *
 * The danger is a lost wakeup: if we checked busy(s), then the other side
 * changed in/out and looked at our flag, and only then we set it and went
 * to sleep, nobody would ever wake us. So the flag goes up first, and the
 * buffer is checked again after it: either that check sees the change, or
 * the other side sees the flag (it changes in/out first, then looks) and
 * sends a wakeup, which waits in our port's queue if we are not asleep
 * yet. A wakeup can also come late, after we stopped waiting; then the
 * next sleep returns at once, the loop checks again, and sleeps again.
 */
static void block_while(int (*busy)(struct shared *), struct shared *s,
			struct side *me)
{
	/* LAB4-BEGIN: sleep while busy(s), without losing a wakeup */
	while (busy(s)) {
		me->waiting = 1;
		/*
		 * On one CPU, program order is enough. On several, a CPU
		 * may let this load of in/out pass its own store to
		 * `waiting` (x86 does: a store buffer), and both sides
		 * would miss each other; the full barrier forbids that.
		 */
		__sync_synchronize();
		if (!busy(s)) {
			me->waiting = 0;
			break;
		}
		me->waits++;
		sleep_until_woken();
	}
	/* LAB4-ELSE
	(void)sleep_until_woken;
	while (busy(s)) {
		me->waits++;
		yield();
	}
	LAB4-END */
}

/* After changing in or out: wake the other side if it is going to sleep. */
static void wake_if_waiting(struct side *other)
{
	/* LAB4-BEGIN: if the other side's flag is up, clear it and wake it */
	__sync_synchronize(); /* our change to in/out first, then the flag */
	if (other->waiting) {
		other->waiting = 0;
		send_wakeup(other->pid);
	}
	/* LAB4-ELSE
	(void)other;
	(void)send_wakeup;
	LAB4-END */
}

/* ---- waiting, in the three modes ---------------------------------------- */

static void wait_while(int (*busy)(struct shared *), struct shared *s,
		       struct side *me)
{
	switch (mode) {
	case SPIN: /* the book: "while (...) ; // do nothing" */
		while (busy(s))
			me->waits++;
		break;
	case YIELD:
		while (busy(s)) {
			me->waits++;
			yield();
		}
		break;
	case BLOCK:
		block_while(busy, s, me);
		break;
	}
}

/* ---- the producer and the consumer --------------------------------------- */

static void producer(struct shared *s, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		item next_produced = {i, item_value(i)};

		wait_while(buffer_full, s, &s->producer);
		s->buffer[s->in] = next_produced;
		s->in = (s->in + 1) % BUFFER_SIZE;
		if (mode == BLOCK)
			wake_if_waiting(&s->consumer);
	}
}

/* Consume n items: the number that arrived in order; *sum of the values. */
static uint32_t consumer(struct shared *s, uint32_t n, uint32_t *sum)
{
	uint32_t got;

	*sum = 0;
	for (got = 0; got < n; got++) {
		item next_consumed;

		wait_while(buffer_empty, s, &s->consumer);
		next_consumed = s->buffer[s->out];
		s->out = (s->out + 1) % BUFFER_SIZE;
		if (mode == BLOCK)
			wake_if_waiting(&s->producer);
		if (next_consumed.seq != got ||
		    next_consumed.value != item_value(got)) {
			printf("prodcons-shm: item %u: got seq %u value 0x%x\n",
			       got, next_consumed.seq, next_consumed.value);
			break;
		}
		*sum += next_consumed.value;
	}
	return got;
}

/* ---- set-up ---------------------------------------------------------------- */

/*
 * The shared object, mapped. Its name is made unique with our pid, so
 * that two runs at once do not meet. It is unlinked as soon as it is
 * mapped: the mapping (and, after fork, the child's) keeps it alive, and
 * it goes away by itself when both tasks have exited.
 */
static struct shared *shared_create(void)
{
	char name[32];
	struct shared *s;
	int fd;

	snprintf(name, sizeof name, "prodcons-shm.%d", getpid());
	fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0)
		return NULL;
	if (ftruncate(fd, sizeof *s) < 0 ||
	    (s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		      0)) == MAP_FAILED)
		s = NULL;
	close(fd);
	shm_unlink(name);
	return s; /* zero-filled by ftruncate: in = out = 0 */
}

int main(int argc, char **argv)
{
	uint32_t n = 20, got, sum;
	int quiet = 0, status;
	struct shared *s;
	pid_t pid;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-spin") == 0)
			mode = SPIN;
		else if (strcmp(argv[i], "-yield") == 0)
			mode = YIELD;
		else if (strcmp(argv[i], "-block") == 0)
			mode = BLOCK;
		else if (strcmp(argv[i], "-q") == 0)
			quiet = 1;
		else if (argv[i][0] >= '0' && argv[i][0] <= '9')
			n = (uint32_t)strtol(argv[i], NULL, 10);
		else {
			printf("usage: prodcons-shm [-spin | -yield | -block] "
			       "[-q] [ITEMS]\n");
			return 2;
		}
	}
	s = shared_create();
	if (!s) {
		printf("prodcons-shm: shared memory: errno %d\n", errno);
		return 1;
	}
	s->consumer.pid = getpid();
	pid = fork();
	if (pid < 0) {
		printf("prodcons-shm: fork: errno %d\n", errno);
		return 1;
	}
	if (pid == 0) {
		s->producer.pid = getpid();
		producer(s, n);
		exit(0);
	}
	s->producer.pid = pid; /* whichever of us runs first */
	got = consumer(s, n, &sum);
	if (got != n)
		kill(pid); /* it may be waiting for room that never comes */
	if (waitpid(pid, &status, 0) != pid || status != 0 || got != n) {
		printf("prodcons-shm: FAILED: %u of %u items in order, "
		       "producer status 0x%x\n",
		       got, n, status);
		return 1;
	}
	if (!quiet)
		printf("prodcons-shm: %u items in order, checksum 0x%08x (%s: "
		       "producer waited %u times, consumer %u)\n",
		       n, sum, mode_names[mode], s->producer.waits,
		       s->consumer.waits);
	return munmap(s, sizeof *s) < 0;
}
