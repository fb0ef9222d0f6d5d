/*
 * orphan - make an orphan and watch init adopt it.
 *
 * The parent exits at once, while its child sleeps. When a parent dies
 * its children are given to init (pid 1), which will wait() for them,
 * so they do not stay zombies forever. After a second the child prints
 * its new parent's pid: 1.
 */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	pid_t pid = fork();

	if (pid < 0) {
		fprintf(stderr, "orphan: fork failed\n");
		return 1;
	}
	if (pid == 0) { /* child */
		sleep_ms(1000);
		printf("orphan: child %d: my parent is now pid %d\n", getpid(),
		       getppid());
		return 0;
	}
	printf("orphan: parent %d exits, leaving child %d behind\n", getpid(),
	       pid);
	return 0;
}
