/*
 * rendezvous - a port with queue limit 0 holds no messages at all: the
 * sender and the receiver must meet. msg_send returns only once a
 * receiver has taken the message (Ada's rendezvous, CSP's channels).
 *
 * The child sends; the parent waits 500 ms before it receives. Watch the
 * time stamps: the sender's msg_send returns only after the receive.
 */
#include <errno.h>
#include <ipc.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define HELLO 7

static unsigned long t0;

static unsigned long now(void)
{
	return uptime_ms() - t0;
}

int main(void)
{
	port_t port = port_allocate();
	struct msg m;
	int status;
	pid_t pid;

	if (port < 0 || port_make_send(port) < 0 ||
	    port_set_qlimit(port, 0) < 0) {
		printf("rendezvous: cannot set up the port (errno %d)\n",
		       errno);
		return 1;
	}
	t0 = uptime_ms();
	pid = fork();
	if (pid == 0) {
		/* The sender: inherited a send right under the same name. */
		msg_init(&m, port, HELLO, "hello", 6);
		printf("[%4lu ms] sender: calling msg_send\n", now());
		if (msg_send(&m, 0, 0) < 0)
			printf("[%4lu ms] sender: msg_send failed (errno %d)\n",
			       now(), errno);
		else
			printf("[%4lu ms] sender: msg_send returned: the "
			       "receiver has the message\n",
			       now());
		return 0;
	}
	sleep_ms(500);
	printf("[%4lu ms] receiver: calling msg_receive\n", now());
	if (msg_receive(port, &m, sizeof m, 0, 0) < 0)
		printf("rendezvous: msg_receive failed (errno %d)\n", errno);
	else
		printf("[%4lu ms] receiver: got \"%s\" from pid %d\n", now(),
		       (char *)m.body, (int)m.h.sender);
	waitpid(pid, &status, 0);
	port_deallocate(port);
	return 0;
}
