/*
 * sh - mica's shell.
 *
 * Read a line, split it into words, and run the program named by the
 * first word with the words as its argv. The shell waits for the program
 * to finish, unless the line ends in '&': then the program runs in the
 * background and the shell reports when it is done, just before a later
 * prompt.
 *
 * A pipeline, `ls | cat | cat`, runs each command in a child of its own,
 * with a pipe from each one's standard output to the next one's standard
 * input: fork, dup2 the pipe ends onto fds 0 and 1, exec. The shell waits
 * for all of them; the last one's exit status is the pipeline's.
 *
 * Built in: `exit [N]`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINE_MAX	256
#define STAGES_MAX	8   /* commands in one pipeline */
#define STATUS_NOTFOUND 127 /* a pipeline's child could not exec */

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

/* Split line into words at spaces and tabs; returns how many. A '|' is
 * a word of its own even without blanks around it ("ls|cat"). */
static int split(char *line, char **argv)
{
	static char spaced[3 * LINE_MAX];
	char *d = spaced;
	int argc = 0;

	for (const char *c = line; *c; c++) {
		if (*c == '|')
			*d++ = ' ';
		*d++ = *c;
		if (*c == '|')
			*d++ = ' ';
	}
	*d = '\0';
	for (char *w = strtok(spaced, " \t"); w != NULL;
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

/* On stderr: in a pipeline's child, stdout is the pipe. */
static void cannot_run(const char *prog, int err)
{
	if (err == ENOENT)
		fprintf(stderr, "sh: %s: not found\n", prog);
	else
		fprintf(stderr, "sh: %s: cannot run (error %d)\n", prog, err);
}

/* In a pipeline's child: make fd `from` our fd `to`, and close it. */
static void move_fd(int from, int to)
{
	if (from >= 0 && from != to) {
		dup2(from, to);
		close(from);
	}
}

/*
 * Start one command of a pipeline: a child whose standard input is `in` (or
 * the shell's, if -1) and whose standard output is the write end of a
 * new pipe, unless it is the last stage. *next becomes that pipe's read
 * end, for the stage after. The child's pid, or -1.
 */
static pid_t start_stage(char **argv, int in, int last, int *next)
{
	int fd[2] = {-1, -1};
	pid_t pid;

	*next = -1;
	if (!last && pipe(fd) < 0) {
		printf("sh: pipe: error %d\n", errno);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		if (fd[0] >= 0)
			close(fd[0]); /* the next stage reads it, not us */
		move_fd(in, STDIN_FILENO);
		move_fd(fd[1], STDOUT_FILENO);
		exec(argv[0], argv);
		cannot_run(argv[0], errno);
		exit(STATUS_NOTFOUND);
	}
	if (fd[1] >= 0)
		close(fd[1]); /* only the child writes into it */
	if (pid < 0) {
		printf("sh: fork: error %d\n", errno);
		if (fd[0] >= 0)
			close(fd[0]);
		return -1;
	}
	*next = fd[0];
	return pid;
}

/*
 * Run the commands of a pipeline. The shell keeps no pipe end open:
 * otherwise a reader would never see EOF, since the shell would still
 * hold a write end.
 */
static void run_pipeline(char ***stage, int n, int background)
{
	pid_t pids[STAGES_MAX];
	int started = 0, in = -1, status;

	for (int i = 0; i < n; i++) {
		int next;
		pid_t pid = start_stage(stage[i], in, i == n - 1, &next);

		if (in >= 0)
			close(in);
		if (pid < 0)
			break;
		pids[started++] = pid;
		in = next;
	}
	if (in >= 0)
		close(in);
	if (started == 0)
		return;
	if (background) {
		printf("[%d]\n", pids[started - 1]);
		return;
	}
	for (int i = 0; i < started; i++) {
		if (waitpid(pids[i], &status, 0) != pids[i] || i < n - 1)
			continue; /* only the last command's status counts */
		if (!WIFEXITED(status) ||
		    WEXITSTATUS(status) != STATUS_NOTFOUND)
			report(stage[i][0], status);
	}
}

/* Cut argv at each "|" into the commands of a pipeline: how many, or -1
 * for an empty one ("ls |", "| cat", "ls || cat"). */
static int split_pipeline(int argc, char **argv, char ***stage)
{
	int n = 0, start = 0;

	for (int i = 0; i <= argc; i++) {
		if (i < argc && strcmp(argv[i], "|") != 0)
			continue;
		if (i == start || n == STAGES_MAX) {
			printf("sh: %s\n", i == start
					       ? "empty command in pipeline"
					       : "pipeline too long");
			return -1;
		}
		argv[i] = NULL;
		stage[n++] = &argv[start];
		start = i + 1;
	}
	return n;
}

static void run(int argc, char **argv)
{
	int background = take_ampersand(&argc, argv);
	char **stage[STAGES_MAX];
	int status, n;
	pid_t pid;

	if (argc == 0) /* the line was only "&" */
		return;
	n = split_pipeline(argc, argv, stage);
	if (n < 0)
		return;
	if (n > 1) {
		run_pipeline(stage, n, background);
		return;
	}
	pid = spawn(argv[0], argv);
	if (pid < 0) {
		cannot_run(argv[0], errno);
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
