/* cat FILE... - copy each file of the initrd to the console. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static int cat(const char *path)
{
	char buf[512];
	int fd = open(path, O_RDONLY);
	int n;

	if (fd < 0) {
		fprintf(stderr, "cat: %s: %s\n", path,
			errno == ENOENT ? "not found" : "cannot open");
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		write(1, buf, n);
	close(fd);
	if (n < 0) {
		fprintf(stderr, "cat: %s: read error %d\n", path, errno);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: cat FILE...\n");
		return 1;
	}
	for (int i = 1; i < argc; i++)
		status |= cat(argv[i]);
	return status;
}
