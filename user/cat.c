/*
 * cat [FILE...] - copy each file to standard output; with no FILE (or
 * "-"), copy standard input until end of file. So cat is a filter:
 * `ls | cat | cat` passes ls's output through two pipes. At the console,
 * Ctrl-D alone ends the input, as on a UNIX terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define CTRL_D 0x04

/* Copy fd to stdout: 0, or 1 after saying what went wrong. */
static int copy(int fd, const char *name)
{
	char buf[512];
	int n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (n == 1 && buf[0] == CTRL_D)
			break; /* end of input typed at the console */
		if (write(1, buf, n) != n) {
			/* EPIPE: nobody reads what we write any more */
			fprintf(stderr, "cat: write error %d\n", errno);
			return 1;
		}
	}
	if (n < 0) {
		fprintf(stderr, "cat: %s: read error %d\n", name, errno);
		return 1;
	}
	return 0;
}

static int cat(const char *path)
{
	int fd, status;

	if (path[0] == '-' && path[1] == '\0')
		return copy(0, "stdin");
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "cat: %s: %s\n", path,
			errno == ENOENT ? "not found" : "cannot open");
		return 1;
	}
	status = copy(fd, path);
	close(fd);
	return status;
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		return copy(0, "stdin");
	for (int i = 1; i < argc; i++)
		status |= cat(argv[i]);
	return status;
}
