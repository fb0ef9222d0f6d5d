/*
 * sh - mica's shell.
 *
 * Read a line, split it into words, and run the program named by the
 * first word with the words as its argv. The shell waits for the program
 * to finish, unless the line ends in '&': then the program runs in the
 * background and the shell reports when it is done, just before a later
 * prompt.
 *
 * Built in: `exit [N]`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINE_MAX 256

/* Why a task was killed, in words (the SIG* numbers of mica/syscall.h). */
static const char *kill_reason(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "segmentation fault";
	case SIGFPE:
		return "divide error";
	case SIGILL:
		return "illegal instruction";
	case SIGKILL:
		return "killed";
	case SIGSTKFLT:
		return "stack overflow";
	case SIGXCPU:
		return "CPU time limit";
	case SIGTRAP:
		return "breakpoint";
	default:
		return "unknown reason";
	}
}

/* Split line into words at spaces and tabs; returns how many. */
static int split(char *line, char **argv)
{
	int argc = 0;

	for (char *w = strtok(line, " \t"); w != NULL;
	     w = strtok(NULL, " \t")) {
		if (argc == MICA_ARG_MAX) {
			printf("sh: too many arguments\n");
			return -1;
		}
		argv[argc++] = w;
	}
	argv[argc] = NULL;
	return argc;
}

/* Say how a foreground program ended, unless it simply succeeded. */
static void report(const char *prog, int status)
{
	if (WIFSIGNALED(status))
		printf("sh: %s: killed by %s\n", prog,
		       kill_reason(WTERMSIG(status)));
	else if (WEXITSTATUS(status) != 0)
		printf("sh: %s: exit status %d\n", prog, WEXITSTATUS(status));
}

/* Collect background jobs that have finished, without waiting. */
static void reap_background(void)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (WIFSIGNALED(status))
			printf("[%d] done (killed by %s)\n", pid,
			       kill_reason(WTERMSIG(status)));
		else
			printf("[%d] done (%d)\n", pid, WEXITSTATUS(status));
	}
}

/* A trailing "&", alone or stuck to the last word, means background. */
static int take_ampersand(int *argc, char **argv)
{
	char *last = argv[*argc - 1];
	size_t len = strlen(last);

	if (last[len - 1] != '&')
		return 0;
	if (len == 1) /* "spin 100 &" */
		argv[--*argc] = NULL;
	else /* "spin 100&" */
		last[len - 1] = '\0';
	return 1;
}

static void run(int argc, char **argv)
{
	int background = take_ampersand(&argc, argv);
	int status;
	pid_t pid;

	if (argc == 0) /* the line was only "&" */
		return;
	pid = spawn(argv[0], argv);
	if (pid < 0) {
		if (errno == ENOENT)
			printf("sh: %s: not found\n", argv[0]);
		else
			printf("sh: %s: cannot run (error %d)\n", argv[0],
			       errno);
		return;
	}
	if (background) {
		printf("[%d]\n", pid);
		return;
	}
	if (waitpid(pid, &status, 0) == pid)
		report(argv[0], status);
}

int main(void)
{
	char line[LINE_MAX];
	char *argv[MICA_ARG_MAX + 1];
	int argc;

	for (;;) {
		reap_background();
		printf("mica$ ");
		if (gets_line(line, sizeof(line)) == NULL)
			return 0; /* end of input */
		argc = split(line, argv);
		if (argc <= 0)
			continue;
		if (strcmp(argv[0], "exit") == 0)
			return argc > 1 ? atoi(argv[1]) : 0;
		run(argc, argv);
	}
}
