/*
 * ipcdemo - what can a sender do when the queue is full? A lab demo.
 *
 * A port holds at most its queue limit of messages (5 by default). We set
 * the limit to 1, so the second message finds the queue full, and show
 * the four choices Mach gives the sender:
 *
 *   1. wait        (no options): block until the receiver makes room
 *   2. timeout     (MSG_TIMEOUT, 200): wait at most 200 ms, -ETIMEDOUT
 *   3. don't wait  (MSG_TIMEOUT, 0): give up at once, -EWOULDBLOCK
 *   4. notify      (MSG_NOTIFY): the kernel keeps this one message and
 *                  queues it when there is room; msg_send returns
 *                  MSG_WILL_NOTIFY, and NOTIFY_MSG_ACCEPTED arrives on
 *                  the sender's PORT_NOTIFY once it is queued
 *
 * The child is the sender (it inherits a send right to the port); the
 * parent is a slow receiver. To tell the parent "I am about to block, now
 * receive", the child sends a note straight to the parent's PORT_SELF
 * with MSG_TO_PID: every task can be reached that way by its pid.
 */
#include <errno.h>
#include <ipc.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define MSG_A 'A' /* message ids: the letters we print */
#define MSG_B 'B'
#define MSG_C 'C'
#define STEP  1 /* child -> parent: "receive one now" */

static unsigned long t0; /* the demo's start, for the time stamps */

static unsigned long now(void)
{
	return uptime_ms() - t0;
}

/* Send one message with id to port, with the given options. */
static int send(port_t port, int id, unsigned options, unsigned timeout)
{
	struct msg m;

	msg_init(&m, port, id, NULL, 0);
	return msg_send(&m, options, timeout);
}

/* Ask the parent (by pid, on its PORT_SELF) to receive one message. */
static void tell_parent(void)
{
	struct msg m;

	msg_init(&m, getppid(), STEP, NULL, 0);
	msg_send(&m, MSG_TO_PID, 0);
}

static const char *err_name(int e)
{
	switch (e) {
	case ETIMEDOUT:
		return "ETIMEDOUT";
	case EWOULDBLOCK:
		return "EWOULDBLOCK";
	case EBUSY:
		return "EBUSY";
	default:
		return "another error";
	}
}

static void sender(port_t port)
{
	unsigned long start;
	struct msg n;
	int r;

	send(port, MSG_A, 0, 0);
	printf("[%4lu ms] sender: A is queued; the queue (limit 1) is full\n",
	       now());

	/* 1. Wait. */
	printf("[%4lu ms] sender: 1. send B and wait for room...\n", now());
	tell_parent();
	start = uptime_ms();
	r = send(port, MSG_B, 0, 0);
	printf("[%4lu ms] sender:    msg_send returned %d after %lu ms: "
	       "B is queued, the queue is full again\n",
	       now(), r, uptime_ms() - start);

	/* 2. Wait, but not for ever. */
	printf("[%4lu ms] sender: 2. send C, waiting at most 200 ms...\n",
	       now());
	start = uptime_ms();
	r = send(port, MSG_C, MSG_TIMEOUT, 200);
	printf("[%4lu ms] sender:    msg_send returned %d (%s) after %lu ms\n",
	       now(), r, r < 0 ? err_name(errno) : "no error",
	       uptime_ms() - start);

	/* 3. Do not wait at all. */
	printf("[%4lu ms] sender: 3. send C, not waiting at all...\n", now());
	start = uptime_ms();
	r = send(port, MSG_C, MSG_TIMEOUT, 0);
	printf("[%4lu ms] sender:    msg_send returned %d (%s) after %lu ms\n",
	       now(), r, r < 0 ? err_name(errno) : "no error",
	       uptime_ms() - start);

	/* 4. Let the kernel hold on to it and tell us later. */
	printf("[%4lu ms] sender: 4. send C with MSG_NOTIFY...\n", now());
	r = send(port, MSG_C, MSG_NOTIFY, 0);
	printf("[%4lu ms] sender:    msg_send returned %d%s: the kernel keeps "
	       "C; we go on working\n",
	       now(), r, r == MSG_WILL_NOTIFY ? " (MSG_WILL_NOTIFY)" : "");
	r = send(port, MSG_C, MSG_NOTIFY, 0);
	printf("[%4lu ms] sender:    a second MSG_NOTIFY send returns %d (%s): "
	       "one cached message per port\n",
	       now(), r, r < 0 ? err_name(errno) : "no error");
	tell_parent();
	r = msg_receive(PORT_NOTIFY, &n, sizeof n, 0, 0);
	if (r >= 0 && n.h.id == NOTIFY_MSG_ACCEPTED)
		printf(
		    "[%4lu ms] sender:    NOTIFY_MSG_ACCEPTED on PORT_NOTIFY "
		    "(from pid %d): C is now queued on port %d\n",
		    now(), (int)n.h.sender, msg_notify_name(&n));
	else
		printf("[%4lu ms] sender:    no notification (%d, errno %d)\n",
		       now(), r, errno);
}

/* Wait for the child's "receive one now", give it time to block, and
 * receive what the port holds (count messages). */
static void receive_after_note(port_t port, int count)
{
	struct msg m;

	msg_receive(PORT_SELF, &m, sizeof m, 0, 0); /* the child's note */
	sleep_ms(300);
	for (int i = 0; i < count; i++) {
		if (msg_receive(port, &m, sizeof m, 0, 0) < 0) {
			printf("ipcdemo: receive failed (errno %d)\n", errno);
			return;
		}
		printf("[%4lu ms] receiver: took %c\n", now(), (char)m.h.id);
	}
}

int main(void)
{
	port_t port = port_allocate();
	int status;
	pid_t pid;

	if (port < 0 || port_make_send(port) < 0 ||
	    port_set_qlimit(port, 1) < 0) {
		printf("ipcdemo: cannot set up the port (errno %d)\n", errno);
		return 1;
	}
	printf("ipcdemo: port %d, queue limit 1; the receiver is slow "
	       "(300 ms)\n",
	       port);
	t0 = uptime_ms();
	pid = fork();
	if (pid == 0) {
		sender(port);
		return 0;
	}
	receive_after_note(port, 1); /* A: unblocks choice 1 */
	receive_after_note(port, 2); /* B, then C that the kernel kept */
	waitpid(pid, &status, 0);
	port_deallocate(port);
	return 0;
}
