/*
 * zombie - make a zombie you can look at.
 *
 * The child exits at once. The parent does not wait for it for two
 * seconds, and during that time the child is a zombie: it has finished,
 * but its process control block (and exit status) must stay until the
 * parent collects it with wait(). Run `zombie &` and then `ps`.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		fprintf(stderr, "zombie: fork failed\n");
		return 1;
	}
	if (pid == 0) /* child: exit straight away, status 7 */
		return 7;

	printf("zombie: child %d has exited but is not reaped: it is a "
	       "zombie.\n",
	       pid);
	printf("zombie: run `ps` within 2 s to see it as ZOMBIE "
	       "(start me with `zombie &`).\n");
	sleep_ms(2000);
	if (waitpid(pid, &status, 0) == pid)
		printf("zombie: reaped child %d, exit status %d; it is gone.\n",
		       pid, WEXITSTATUS(status));
	return 0;
}
