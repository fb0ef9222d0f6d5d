/*
 * fifo-reader [NAME] - the reading side of the textbook's named pipe
 * (chapter 3, "Named Pipes": mkfifo(), open(), read(), close()).
 *
 *     mica$ fifo-reader &
 *     mica$ fifo-writer
 *
 * The two are not related (the shell starts both): the FIFO's name is
 * all they share. open() for reading waits until a writer opens it too;
 * read() returns 0 (end of file) once the writer has closed it. The
 * reader prints each line it gets, then removes the FIFO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define FIFO_NAME "myfifo"
#define LINE_MAX  128

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : FIFO_NAME;
	char buf[256], line[LINE_MAX];
	int fd, n, len = 0, lines = 0;

	/* create the FIFO, unless the writer already has */
	if (mkfifo(name, 0666) == -1 && errno != EEXIST) {
		fprintf(stderr, "fifo-reader: mkfifo %s: error %d\n", name,
			errno);
		return 1;
	}

	/* open it for reading: waits for a writer */
	fd = open(name, O_RDONLY);
	if (fd == -1) {
		fprintf(stderr, "fifo-reader: open %s: error %d\n", name,
			errno);
		return 1;
	}

	/* read until every writer has closed it; print line by line */
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (int i = 0; i < n; i++) {
			if (buf[i] == '\n' || len == LINE_MAX - 1) {
				line[len] = '\0';
				printf("fifo-reader: read \"%s\"\n", line);
				lines++;
				len = 0;
			}
			if (buf[i] != '\n')
				line[len++] = buf[i];
		}
	}
	if (n < 0)
		fprintf(stderr, "fifo-reader: read error %d\n", errno);
	close(fd);
	unlink(name);
	printf("fifo-reader: end of file after %d lines\n", lines);
	return n < 0;
}
