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
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
	}
	trace_dump(0);
	poweroff(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	return 0;
}

int main(int argc, char **argv)
{
	pid_t sh, pid;

	if (argc > 1 && strcmp(argv[1], "test") == 0)
		return run_tests(argc, argv);
	if (argc > 2 && strcmp(argv[1], "run") == 0)
		return run_one(argv);

	printf("init: starting the shell\n");
	sh = start_shell();
	for (;;) {
		pid = wait(NULL);
		if (pid < 0) {
			/* no children at all: sh failed to start; retry slowly */
			sleep_ms(1000);
			sh = start_shell();
		} else if (pid == sh) {
			printf("init: sh exited, starting a new one\n");
			sh = start_shell();
		} else {
			printf("init: reaped orphan pid %d\n", pid);
		}
	}
}
