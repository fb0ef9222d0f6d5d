/*
 * forkexec - the textbook's fork() example (chapter 3, "Process
 * Creation"), as written there: the parent creates a child with fork(),
 * the child replaces itself with ls, the parent waits for it to finish.
 */
#include <sys/types.h>
#include <stdio.h>
#include <unistd.h>

int main()
{
	pid_t pid;

	/* fork a child process */
	pid = fork();

	if (pid < 0) { /* error occurred */
		fprintf(stderr, "Fork Failed");
		return 1;
	} else if (pid == 0) { /* child process */
		execlp("/bin/ls", "ls", NULL);
	} else { /* parent process */
		/* parent will wait for the child to complete */
		wait(NULL);
		printf("Child Complete\n");
	}

	return 0;
}
