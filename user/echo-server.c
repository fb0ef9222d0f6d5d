/*
 * echo-server [name] - a server found by name: it registers "echo" (or
 * the name given) with the name server and answers each request with a
 * copy of it, same id, same body. Start it in the background
 * (`echo-server &`), then run echo-client.
 *
 * The loop is msg_reply_receive: the answer to one request and the wait
 * for the next in one system call, as a Mach server's loop is.
 */
#include <errno.h>
#include <ns.h>
#include <stdio.h>
#include <unistd.h>

static struct msg req, rep;

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "echo";
	port_t port = port_allocate();
	struct msg *answer = NULL;

	if (port < 0 || ns_register(name, port) < 0) {
		printf("echo-server: cannot register \"%s\" (errno %d%s)\n",
		       name, errno,
		       errno == EEXIST ? ": another server has it" : "");
		return 1;
	}
	printf("echo-server: serving \"%s\" (pid %d)\n", name, getpid());
	for (;;) {
		if (msg_reply_receive(answer, port, &req, sizeof req, 0) < 0) {
			/* The answer could not go (its client died): drop its
			 * reply right, and wait again without one. */
			if (answer)
				port_deallocate(answer->h.dest);
			answer = NULL;
			continue;
		}
		for (unsigned i = 0; i < req.h.nrights; i++)
			port_deallocate(req.h.rights[i].name); /* not ours */
		answer = NULL;
		if (req.h.reply == PORT_NULL)
			continue; /* nobody to answer */
		msg_init(&rep, req.h.reply, req.h.id, req.body,
			 msg_body_len(&req));
		answer = &rep;
	}
}
