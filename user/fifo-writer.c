/*
 * fifo-writer [NAME [MESSAGE...]] - the writing side of the textbook's
 * named pipe (chapter 3, "Named Pipes": mkfifo(), open(), write(),
 * close()). See fifo-reader: start it first, in the background.
 *
 * open() for writing waits until a reader opens the FIFO too. Each
 * message goes in as one line; closing the FIFO gives the reader its end
 * of file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FIFO_NAME "myfifo"

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : FIFO_NAME;
	char msg[128];
	int fd, count = argc > 2 ? argc - 2 : 3;

	/* create the FIFO, unless the reader already has */
	if (mkfifo(name, 0666) == -1 && errno != EEXIST) {
		fprintf(stderr, "fifo-writer: mkfifo %s: error %d\n", name,
			errno);
		return 1;
	}

	/* open it for writing: waits for a reader */
	fd = open(name, O_WRONLY);
	if (fd == -1) {
		fprintf(stderr, "fifo-writer: open %s: error %d\n", name,
			errno);
		return 1;
	}

	for (int i = 0; i < count; i++) {
		if (argc > 2)
			snprintf(msg, sizeof msg, "%s\n", argv[i + 2]);
		else
			snprintf(msg, sizeof msg, "Greetings %d from pid %d\n",
				 i + 1, getpid());
		if (write(fd, msg, strlen(msg)) == -1) {
			fprintf(stderr, "fifo-writer: write error %d\n", errno);
			return 1;
		}
	}

	/* close it: the reader sees end of file */
	close(fd);
	printf("fifo-writer: wrote %d messages\n", count);
	return 0;
}
