/*
 * init - the first user program (pid 1).
 *
 * Normally it starts the shell and then waits forever. Every task whose
 * parent dies is handed to init, so its wait() loop is also what reaps
 * orphans: without it they would stay zombies for good. If the shell
 * exits, init starts a new one.
 *
 * Booted for tests (`init test NAME...`), it runs usertests with those
 * names instead and turns the machine off with its exit status, which
 * becomes QEMU's exit status.
 *
 * In every mode it first starts the servers: the name server, whose port
 * becomes init's bootstrap port and so every later task's
 * (docs/nameserver.md), then the pipe server if the initrd has one. They
 * live as long as the machine; their exit is reported, never mistaken
 * for the shell's or the tests'.
 */
#include <errno.h>
#include <ns.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECKIN_WAIT 5000 /* ms for the name server to send us its port */
#define READY_WAIT   2000 /* ms for the servers to finish starting */
#define ST_WAITING   3	  /* mica_task_info.state: blocked */

static pid_t nameserver = -1, pipeserver = -1;

/*
 * The start-up handshake: the name server makes its port and sends us a
 * send right to it by pid (direct communication: it has no other way to
 * reach us yet); we take only its message (MSG_FROM_PID) and make that
 * right our bootstrap port, which the kernel hands down to every task
 * we start from now on.
 */
static void start_nameserver(void)
{
	char *argv[] = {"nameserver", NULL};
	struct msg m;
	port_t right;

	nameserver = spawn("nameserver", argv);
	if (nameserver < 0) {
		printf("init: cannot start the name server\n");
		return;
	}
	m.h.sender = nameserver;
	if (msg_receive(PORT_SELF, &m, sizeof m, MSG_FROM_PID | MSG_TIMEOUT,
			CHECKIN_WAIT) < 0) {
		printf("init: the name server did not check in\n");
		return;
	}
	right = m.h.nrights == 1 ? m.h.rights[0].name : PORT_NULL;
	if (m.h.id != NS_CHECKIN || right == PORT_NULL ||
	    task_set_bootstrap(right) < 0)
		printf("init: the name server sent a bad check-in\n");
	for (unsigned i = 0; i < m.h.nrights && i < MSG_RIGHTS_MAX; i++)
		port_deallocate(m.h.rights[i].name); /* ours is the kernel's */
}

/* Is a server (if it runs) still busy, not yet blocked waiting for work? */
static int busy(pid_t pid)
{
	static struct mica_task_info info[16];
	int n = pid > 0 ? ps_snapshot(info, 16) : 0;

	for (int i = 0; i < n; i++)
		if (info[i].pid == pid)
			return info[i].state != ST_WAITING;
	return 0;
}

/*
 * The servers must have finished starting before anything else runs: the
 * pipe server has registered "pipe", and each server is blocked waiting
 * for work. Otherwise a test's leak baseline could catch one half-way
 * (a request in flight, memory it is about to take or give back).
 */
static void wait_servers_ready(void)
{
	if (pipeserver > 0) {
		port_t pipe = ns_lookup_wait("pipe", READY_WAIT);

		if (pipe < 0)
			printf("init: pipeserv did not register \"pipe\"\n");
		else
			port_deallocate(pipe);
	}
	for (int ms = 0; ms < READY_WAIT; ms += 10) {
		if (!busy(nameserver) && !busy(pipeserver))
			return;
		sleep_ms(10);
	}
}

/* The long-lived servers, before anything else. */
static void start_servers(void)
{
	char *argv[] = {"pipeserv", NULL};

	start_nameserver();
	pipeserver = spawn("pipeserv", argv);
	if (pipeserver < 0 && errno != ENOENT) /* none in this initrd: fine */
		printf("init: cannot start pipeserv\n");
	wait_servers_ready();
}

/* Was pid one of the servers? Then say that it ended. */
static int server_exited(pid_t pid)
{
	if (pid != nameserver && pid != pipeserver)
		return 0;
	printf("init: server %s (pid %d) exited\n",
	       pid == nameserver ? "nameserver" : "pipeserv", pid);
	if (pid == nameserver)
		nameserver = -1;
	else
		pipeserver = -1;
	return 1;
}

static pid_t start_shell(void)
{
	char *argv[] = {"sh", NULL};
	pid_t pid = spawn("sh", argv);

	if (pid < 0)
		printf("init: cannot start sh\n");
	return pid;
}

/* `init test a b` runs `usertests a b` and powers off with its status. */
static int run_tests(int argc, char **argv)
{
	char *targv[MICA_ARG_MAX + 1];
	int n = 0, status = 0, code;
	pid_t pid;

	targv[n++] = "usertests";
	for (int i = 2; i < argc && n < MICA_ARG_MAX; i++)
		targv[n++] = argv[i];
	targv[n] = NULL;

	pid = spawn("usertests", targv);
	if (pid < 0) {
		printf("init: cannot start usertests\n");
		poweroff(1);
		return 1;
	}
	/* Reap orphans the tests leave to init, until usertests itself ends. */
	for (;;) {
		pid_t got = wait(&status);

		if (got == pid || got < 0)
			break;
		server_exited(got);
	}
	if (WIFSIGNALED(status)) {
		printf("init: usertests killed (reason %d)\n",
		       WTERMSIG(status));
		code = 1;
	} else {
		code = WEXITSTATUS(status);
	}
	poweroff(code);
	printf("init: poweroff failed\n"); /* only outside test mode */
	return code;
}

/* `init run prog args`: run one program, dump the trace, power off. */
static int run_one(char **argv)
{
	int status = 0;
	pid_t pid = spawn(argv[2], argv + 2);

	if (pid < 0) {
		printf("init: cannot run %s\n", argv[2]);
		poweroff(1);
	}
	for (;;) { /* reap orphans too, until the program itself ends */
		pid_t got = wait(&status);

		if (got == pid || got < 0)
			break;
		server_exited(got);
	}
	trace_dump(0);
	poweroff(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	return 0;
}

int main(int argc, char **argv)
{
	pid_t sh, pid;

	start_servers();
	if (argc > 1 && strcmp(argv[1], "test") == 0)
		return run_tests(argc, argv);
	if (argc > 2 && strcmp(argv[1], "run") == 0)
		return run_one(argv);

	printf("init: starting the shell\n");
	sh = start_shell();
	for (;;) {
		/* sh failed to start (the servers may still be running, so
		 * wait() would not tell us): retry slowly. */
		while (sh < 0) {
			sleep_ms(1000);
			sh = start_shell();
		}
		pid = wait(NULL);
		if (pid < 0) {
			sleep_ms(1000); /* cannot happen: sh is our child */
		} else if (pid == sh) {
			printf("init: sh exited, starting a new one\n");
			sh = start_shell();
		} else if (!server_exited(pid)) {
			printf("init: reaped orphan pid %d\n", pid);
		}
	}
}
