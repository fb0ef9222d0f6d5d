/*
 * shm-consumer - the textbook's POSIX shared-memory consumer ("IPC POSIX
 * Consumer", chapter 3), as written. It opens the object "OS" that
 * shm-producer left behind, maps it read-only, prints what is there
 * ("HelloWorld!", with no newline, as in the book) and unlinks the
 * object, which then goes away with this task's mapping (docs/shm.md).
 *
 * Where mica differs from the book: nothing in the code (see
 * shm-producer.c about the headers). Like the book it checks no errors:
 * run without the producer, shm_open fails, mmap returns MAP_FAILED, and
 * printing from it kills the task with SIGSEGV, as it would on Linux.
 */
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/shm.h>
#include <sys/stat.h>

int main()
{
	/* the size (in bytes) of shared memory object */
	const int SIZE = 4096;
	/* name of the shared memory object */
	const char *name = "OS";
	/* shared memory file descriptor */
	int shm_fd;
	/* pointer to shared memory object */
	void *ptr;

	/* open the shared memory object */
	shm_fd = shm_open(name, O_RDONLY, 0666);

	/* memory map the shared memory object */
	ptr = mmap(0, SIZE, PROT_READ, MAP_SHARED, shm_fd, 0);

	/* read from the shared memory object */
	printf("%s", (char *)ptr);

	/* remove the shared memory object */
	shm_unlink(name);

	return 0;
}
